"""Disorders: the hierarchy, its one walk upward, and the codes an editor may enter."""

import pytest
from django.core.exceptions import ValidationError

from disorders.models import Disorder, DisorderCode, ancestry
from tests.factories import DisorderFactory

pytestmark = pytest.mark.django_db


def test_ancestry_walks_up_nearest_first_and_stops_at_a_loop():
    assert ancestry(3, {3: 2, 2: 1, 1: None}.get) == [3, 2, 1]
    assert ancestry(1, {1: 2, 2: 1}.get) == [1, 2]
    assert ancestry(None, {}.get) == []


def test_a_disorder_cannot_be_nested_inside_its_own_subtype():
    parent = DisorderFactory()
    child = DisorderFactory(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError) as excinfo:
        parent.full_clean()
    assert "parent" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("system", "code", "example"),
    [
        ("icd-11", "F43.1", "6B40"),
        ("icd-10-cm", "6B40", "F10.20"),
        ("snomed-ct", "F43", "47505003"),
    ],
)
def test_a_code_must_have_its_system_s_format(system, code, example):
    ptsd = Disorder.objects.get(slug="ptsd")
    with pytest.raises(ValidationError) as excinfo:
        DisorderCode(disorder=ptsd, system=system, code=code, source="A test.").full_clean()
    assert example in excinfo.value.message_dict["code"][0]
    DisorderCode(disorder=ptsd, system=system, code=example, source="A test.").clean()


def test_alcohol_use_disorder_inherits_from_substance_use_disorders():
    alcohol = Disorder.objects.get(slug="alcohol-use-disorder")
    assert alcohol.parent.slug == "substance-use-disorders"


def test_a_disorder_cannot_be_its_own_parent():
    disorder = DisorderFactory()
    disorder.parent = disorder
    with pytest.raises(ValidationError) as excinfo:
        disorder.full_clean()
    assert excinfo.value.message_dict["parent"] == ["A disorder cannot be nested inside itself."]


def test_a_disorder_may_move_under_another_branch_without_a_loop():
    parent, other = DisorderFactory(), DisorderFactory()
    child = DisorderFactory(parent=parent)
    child.parent = other
    child.full_clean()
