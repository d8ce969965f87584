import pytest
from django.db import IntegrityError

from compounds.models import Compound
from tests.factories import CompoundFactory, CompoundMechanismFactory, MechanismFactory

pytestmark = pytest.mark.django_db


def test_it_rejects_a_duplicate_slug():
    with pytest.raises(IntegrityError, match="slug"):
        CompoundFactory(slug="ketamine")


def test_it_rejects_a_plasticity_window_with_only_one_end():
    with pytest.raises(IntegrityError, match="compound_plasticity_window_range"):
        CompoundFactory(plasticity_window_min_hours=24, plasticity_window_max_hours=None)


def test_it_rejects_a_plasticity_window_that_ends_before_it_starts():
    with pytest.raises(IntegrityError, match="compound_plasticity_window_range"):
        CompoundFactory(plasticity_window_min_hours=72, plasticity_window_max_hours=24)


def test_it_rejects_an_unknown_compound_class():
    with pytest.raises(IntegrityError, match="compound_class_valid"):
        CompoundFactory(compound_class="stimulant")


def test_it_rejects_an_unknown_mechanism_level():
    with pytest.raises(IntegrityError, match="mechanism_level_valid"):
        MechanismFactory(level="genetic")


def test_it_links_a_compound_to_a_mechanism_only_once():
    link = CompoundMechanismFactory()
    with pytest.raises(IntegrityError, match="compoundmechanism"):
        CompoundMechanismFactory(compound=link.compound, mechanism=link.mechanism)


def test_list_fields_split_one_item_per_line():
    compound = CompoundFactory(synonyms="First name\n\n  Second name  \n", primary_targets="A\nB")
    assert compound.synonym_list == ["First name", "Second name"]
    assert compound.primary_target_list == ["A", "B"]


def test_lsd_has_no_plasticity_window_because_the_article_states_none():
    lsd = Compound.objects.get(slug="lsd")
    assert not lsd.has_plasticity_window
    assert "never names LSD" in lsd.plasticity_window_statement
