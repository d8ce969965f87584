"""The vocabulary registry: one entry per fixed vocabulary, ranked as the engine ranks them."""

import pytest
from django.apps import apps

from guidance.grading import CERTAINTY_RANK
from guidance.recommendations import (
    EVIDENCE_ORDER,
    PHASE_ORDER,
    SEVERITY_ORDER,
    SPECIFICITY_POINTS,
    STRENGTH_POINTS,
)
from guidance.vocabularies import BY_NAME, VOCABULARIES, vocabulary, vocabulary_of_field
from modalities.models import TreatmentPhase

# Choice fields the public API never shows: publication and review states live in admin.
ADMIN_ONLY = {("guidance", "status"), ("revision", "status")}


def test_every_choice_field_of_the_content_models_takes_a_vocabulary():
    checked = 0
    for model in apps.get_models():
        if model._meta.app_label not in {
            "compounds",
            "content",
            "disorders",
            "evidence",
            "guidance",
            "modalities",
        }:
            continue
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if not field.choices or (model._meta.model_name, field.name) in ADMIN_ONLY:
                continue
            found = vocabulary_of_field(model, field.name)
            assert found is not None, f"{model.__name__}.{field.name} has no vocabulary"
            assert found.values == [value for value, _ in field.choices], field
            checked += 1
    assert checked >= 15


def order(name: str) -> list[str]:
    return BY_NAME[name].values


def test_the_ranked_vocabularies_rank_as_the_engine_does():
    assert order("phase") == sorted(TreatmentPhase.values, key=PHASE_ORDER.__getitem__)
    assert order("severity") == sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)
    assert order("evidence_type") == sorted(EVIDENCE_ORDER, key=EVIDENCE_ORDER.__getitem__)
    assert order("evidence_level")[:-1] == order("evidence_type")
    assert order("evidence_level")[-1] == "none"
    # Strongest first: the points and certainty ranks never rise along the order.
    strength = [STRENGTH_POINTS[v] for v in order("strength")]
    assert strength == sorted(strength, reverse=True)
    specificity = [SPECIFICITY_POINTS[v] for v in order("specificity")]
    assert specificity == sorted(specificity, reverse=True)
    certainty = [CERTAINTY_RANK[v] for v in order("certainty")]
    assert certainty == sorted(certainty, reverse=True)


def test_every_vocabulary_says_whether_and_how_its_order_means_something():
    ranked = {v.name for v in VOCABULARIES if v.ordered}
    assert {"phase", "strength", "certainty", "specificity", "severity", "evidence_type"} <= ranked
    assert "lineage" not in ranked
    for v in VOCABULARIES:
        assert v.order_rule.endswith("."), v.name
        assert [t.order for t in v.terms] == list(range(1, len(v.terms) + 1)), v.name


def test_a_value_left_undescribed_or_a_stray_description_is_refused():
    choices = [("a", "A"), ("b", "B")]
    common = {"description": "d", "order_rule": "r."}
    with pytest.raises(ValueError, match="'x'"):
        vocabulary("x", "X", choices, descriptions={"a": "A."}, **common)
    with pytest.raises(ValueError, match="'x'"):
        vocabulary("x", "X", choices, descriptions={"a": "A.", "b": "B.", "c": "C."}, **common)
    built = vocabulary("x", "X", choices, descriptions={"a": "A.", "b": "B."}, **common)
    assert [(t.value, t.label, t.order) for t in built.terms] == [("a", "A", 1), ("b", "B", 2)]
