"""Medication classes and interactions: the rules the database and admin forms enforce."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from compounds.models import Compound, CompoundClass
from medications.models import Interaction, Medication, MedicationClass
from tests.factories import InteractionFactory, MedicationClassFactory

pytestmark = pytest.mark.django_db


def test_an_interaction_names_a_compound_or_a_class_of_compounds_never_both_or_neither():
    psilocybin = Compound.objects.get(slug="psilocybin")
    both = Interaction(
        compound=psilocybin,
        compound_class=CompoundClass.CLASSIC_PSYCHEDELIC,
        medication_class=MedicationClassFactory(),
    )
    with pytest.raises(ValidationError, match="Name a compound or a class of compounds"):
        both.clean()
    neither = Interaction(medication_class=MedicationClassFactory())
    with pytest.raises(ValidationError, match="Name a compound or a class of compounds"):
        neither.clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionFactory(compound=psilocybin, compound_class=CompoundClass.CLASSIC_PSYCHEDELIC)


def test_the_same_effect_is_recorded_once_per_class_of_compounds_and_medication_class():
    lithium = MedicationClass.objects.get(slug="lithium")
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionFactory(
            compound_class=CompoundClass.CLASSIC_PSYCHEDELIC,
            medication_class=lithium,
            effect="seizure_risk",
            risk="dangerous",
        )


def test_a_risk_level_needs_a_reliability_and_an_unknown_risk_may_go_without():
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionFactory(compound=Compound.objects.get(slug="lsd"), reliability="")
    InteractionFactory(compound=Compound.objects.get(slug="lsd"), risk="unknown", reliability="")


def test_atc_codes_are_checked_for_shape_and_must_say_where_they_were_checked():
    member = Medication.objects.get(slug="sertraline")
    member.atc_code = "N06AB6"
    with pytest.raises(ValidationError, match="Enter an ATC code"):
        member.full_clean()
    member.atc_code, member.atc_source = "N06AB06", ""
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_the_loaded_members_carry_the_codes_of_the_who_index():
    codes = dict(Medication.objects.values_list("slug", "atc_code"))
    assert codes["lithium"] == "N05AN01"
    assert codes["sertraline"] == "N06AB06"
    assert codes["lamotrigine"] == "N03AX09"
    assert codes["clonazepam"] == "N03AE01"  # an antiepileptic in ATC, a benzodiazepine here
    assert all(
        source.startswith("WHO Collaborating Centre")
        for source in Medication.objects.exclude(atc_code="").values_list("atc_source", flat=True)
    )
