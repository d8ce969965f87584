import pytest
from django.db import IntegrityError

from compounds.models import Compound
from tests.factories import CompoundFactory, CompoundMechanismFactory, MechanismFactory

pytestmark = pytest.mark.django_db


def test_it_rejects_a_duplicate_slug():
    with pytest.raises(IntegrityError, match="slug"):
        CompoundFactory(slug="ketamine")


def test_it_rejects_a_plasticity_onset_with_only_one_end():
    with pytest.raises(IntegrityError, match="compound_plasticity_onset_range"):
        CompoundFactory(plasticity_onset_min_hours=24, plasticity_onset_max_hours=None)


def test_it_rejects_a_plasticity_onset_that_ends_before_it_starts():
    with pytest.raises(IntegrityError, match="compound_plasticity_onset_range"):
        CompoundFactory(plasticity_onset_min_hours=72, plasticity_onset_max_hours=24)


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


def test_lsd_has_no_plasticity_onset_because_the_article_states_none():
    lsd = Compound.objects.get(slug="lsd")
    assert not lsd.has_plasticity_onset
    assert (lsd.plasticity_onset_min_hours, lsd.plasticity_onset_max_hours) == (None, None)
    assert "never names LSD" in lsd.plasticity_statement


def test_no_compound_has_a_window_duration_because_the_article_states_none():
    """The 24 to 72 hours are a time to effect, not the time the window closes; the article gives
    the window no length, and each compound's note says so."""
    for compound in Compound.objects.all():
        assert compound.plasticity_window_duration_hours is None, compound
        assert "does not state how long" in compound.plasticity_window_duration_note, compound
    ketamine = Compound.objects.get(slug="ketamine")
    assert ketamine.has_plasticity_onset
    assert (ketamine.plasticity_onset_min_hours, ketamine.plasticity_onset_max_hours) == (24, 72)
