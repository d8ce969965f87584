import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError

from tests.factories import DisorderFactory, GuidanceFactory, ModalityFactory

pytestmark = pytest.mark.django_db


def test_guidance_must_use_a_phase_its_modality_serves():
    guidance = GuidanceFactory.build(
        disorder=DisorderFactory(), modality=ModalityFactory(), phase="preparation"
    )
    with pytest.raises(ValidationError) as excinfo:
        guidance.full_clean()
    assert "does not serve the preparation phase" in str(excinfo.value.message_dict["phase"])


def test_guidance_rejects_a_pairing_already_stated_in_another_row():
    existing = GuidanceFactory()
    duplicate = GuidanceFactory.build(
        disorder=existing.disorder, modality=existing.modality, phase=existing.phase
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert existing.slug in str(excinfo.value)


def test_guidance_rejects_an_unknown_phase_in_the_database():
    with pytest.raises(IntegrityError, match="guidance_phase_valid"):
        GuidanceFactory(phase="aftercare")


def test_a_disorder_with_guidance_cannot_be_deleted():
    guidance = GuidanceFactory()
    with pytest.raises(ProtectedError):
        guidance.disorder.delete()


def test_general_guidance_reads_as_general():
    guidance = GuidanceFactory(disorder=None)
    assert str(guidance).endswith("— general")


def test_guidance_is_named_by_its_modality_phase_and_scope():
    from guidance.models import Guidance

    rows = {row.slug: row for row in Guidance.objects.all()}
    assert rows["aud-ketamine-met-integration"].name == (
        "Motivational enhancement therapy (MET) in the integration phase, for alcohol use "
        "disorder with ketamine"
    )
    assert rows["ptsd-mdma-multimodal-integration"].name.endswith(
        "for posttraumatic stress disorder (PTSD) with MDMA"
    )
    assert rows["dissociative-tendencies-somatic-integration"].name == (
        "Somatic techniques in the integration phase, given dissociative tendencies"
    )
    assert rows["general-psychoeducation-preparation"].name == (
        "Psychoeducation in the preparation phase, for any disorder and compound"
    )
    # A pairing is stated once (Guidance.clean), so each row has a name of its own.
    assert len({row.name for row in rows.values()}) == len(rows)


def test_a_safety_statement_names_a_compound_or_a_class_not_both():
    from compounds.models import Compound
    from guidance.models import SafetyStatement

    statement = SafetyStatement.objects.get(slug="psychosis-history-screening")
    statement.compound = Compound.objects.get(slug="psilocybin")
    with pytest.raises(ValidationError) as excinfo:
        statement.full_clean()
    assert excinfo.value.message_dict["compound_class"] == [
        "Leave the class empty when the statement names a compound; a class covers every "
        "compound of it."
    ]
