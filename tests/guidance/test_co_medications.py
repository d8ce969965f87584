"""The engine with co-medications: which interactions apply to a plan, how they rank, and how
they change the verdict."""

import pytest

from compounds.models import CompoundClass
from guidance.recommendations import Verdict, recommendation_plan
from medications.models import InteractionEffect, InteractionRisk
from tests.factories import (
    CompoundFactory,
    DisorderFactory,
    GuidanceFactory,
    InteractionFactory,
    MedicationClassFactory,
    ModalityFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    disorder = DisorderFactory()
    drug = CompoundFactory(compound_class=CompoundClass.CLASSIC_PSYCHEDELIC)
    other = CompoundFactory(compound_class=CompoundClass.DISSOCIATIVE)
    GuidanceFactory(disorder=disorder, compound=drug, modality=ModalityFactory())
    return {
        "disorder": disorder,
        "drug": drug,
        "other": other,
        "mood": MedicationClassFactory(slug="mood", name="Mood stabilizers"),
        "calm": MedicationClassFactory(slug="calm", name="Calmers"),
    }


def plan(world, *medications, compound="drug"):
    return recommendation_plan(
        disorder=world["disorder"], compound=world[compound], medications=medications
    )


def test_only_the_named_classes_and_the_compound_s_or_its_class_s_interactions_apply(world):
    named = InteractionFactory(compound=world["drug"], medication_class=world["mood"])
    by_class = InteractionFactory(
        compound_class=CompoundClass.CLASSIC_PSYCHEDELIC,
        medication_class=world["mood"],
        effect=InteractionEffect.SEIZURE_RISK,
    )
    InteractionFactory(compound=world["other"], medication_class=world["mood"])  # another drug
    InteractionFactory(compound=world["drug"], medication_class=world["calm"])  # not asked

    result = plan(world, world["mood"])
    [co_medication] = result.co_medications
    assert set(co_medication.interactions) == {named, by_class}
    assert {w.code for w in result.warnings if w.interaction} == {named.slug, by_class.slug}
    assert plan(world).co_medications == []
    assert not any(w.interaction for w in plan(world).warnings)


def test_a_dangerous_interaction_contraindicates_and_leads_its_class_s_list(world):
    caution = InteractionFactory(compound=world["drug"], medication_class=world["mood"])
    dangerous = InteractionFactory(
        compound=world["drug"],
        medication_class=world["mood"],
        effect=InteractionEffect.SEIZURE_RISK,
        risk=InteractionRisk.DANGEROUS,
    )
    result = plan(world, world["mood"])
    assert result.verdict == Verdict.CONTRAINDICATED
    assert result.co_medications[0].interactions == (dangerous, caution)
    [contraindication] = result.contraindications
    assert (contraindication.code, contraindication.severity) == (dangerous.slug, "critical")
    assert contraindication.title == f"{world['drug'].name} with mood stabilizers: seizures"
    assert [w.code for w in result.warnings if w.interaction] == [caution.slug]
    assert plan(world).verdict == Verdict.PAIRING_EVIDENCE


@pytest.mark.parametrize(
    ("risk", "severity"),
    [("unsafe", "critical"), ("caution", "caution"), ("unknown", "caution")],
)
def test_other_risks_are_warnings_of_their_mapped_severity(world, risk, severity):
    InteractionFactory(
        compound=world["drug"],
        medication_class=world["mood"],
        risk=risk,
        reliability="" if risk == "unknown" else "inferred",
    )
    result = plan(world, world["mood"])
    assert result.contraindications == []
    [warning] = [w for w in result.warnings if w.interaction]
    assert warning.severity == severity


def test_a_class_with_nothing_recorded_is_listed_as_such(world):
    result = plan(world, world["calm"], world["mood"])
    assert [(c.medication_class, c.recorded) for c in result.co_medications] == [
        (world["calm"], False),
        (world["mood"], False),
    ]
