"""A patient's FHIR record in this service's terms: codes to rows, inactive entries left out."""

import pytest

from interop.patient import (
    PatientRecord,
    compounds_coded,
    disorders_coded,
    medication_classes_coded,
    medication_codings,
)

pytestmark = pytest.mark.django_db

BASE = "http://testserver/fhir"
ATC = "http://www.whocc.no/atc"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"


def slugs(rows) -> list[str]:
    return [row.slug for row in rows]


def test_a_class_atc_code_covers_members_this_service_does_not_list():
    assert slugs(medication_classes_coded([(ATC, "N06AB")], BASE)) == ["ssri"]
    # Zimeldine (N06AB02) is an SSRI by its ATC code, though no member row names it.
    assert slugs(medication_classes_coded([(ATC, "N06AB02")], BASE)) == ["ssri"]
    assert slugs(medication_classes_coded([(ATC, "n05an01")], BASE)) == ["lithium"]
    # A class with no code of its own is reached through its members' codes.
    assert slugs(medication_classes_coded([(ATC, "N05BA12")], BASE)) == ["benzodiazepine"]
    assert medication_classes_coded([(ATC, "C09AA05"), (SNOMED, "N06AB")], BASE) == []


def test_codes_map_to_rows_in_the_order_first_named_and_unknown_codes_to_nothing():
    codings = [(SNOMED, "47505003"), (ICD10, "F99"), (ICD10, "f10.20"), (SNOMED, "7200002")]
    assert slugs(disorders_coded(codings, BASE)) == ["ptsd", "alcohol-use-disorder"]
    assert slugs(
        compounds_coded([(ATC, "N01AX03"), (f"{BASE}/CodeSystem/compound", "mdma")], BASE)
    ) == ["ketamine", "mdma"]
    # This service's own system only under its own base.
    assert compounds_coded([("http://elsewhere/fhir/CodeSystem/compound", "mdma")], BASE) == []


def test_resolved_refuted_and_stopped_entries_are_not_what_the_patient_has_or_takes():
    record = PatientRecord()
    status = "http://terminology.hl7.org/CodeSystem/condition-clinical"
    verification = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
    for resource in (
        {"resourceType": "Condition", "code": {"coding": [{"system": SNOMED, "code": "1"}]}},
        {
            "resourceType": "Condition",
            "clinicalStatus": {"coding": [{"system": status, "code": "resolved"}]},
            "code": {"coding": [{"system": SNOMED, "code": "2"}]},
        },
        {
            "resourceType": "Condition",
            "verificationStatus": {"coding": [{"system": verification, "code": "refuted"}]},
            "code": {"coding": [{"system": SNOMED, "code": "3"}]},
        },
        {
            "resourceType": "MedicationRequest",
            "status": "active",
            "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "A"}]},
        },
        {
            "resourceType": "MedicationRequest",
            "status": "stopped",
            "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "B"}]},
        },
        {
            "resourceType": "MedicationStatement",
            "status": "active",
            "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "C"}]},
        },
        {"resourceType": "Observation", "code": {"coding": [{"system": SNOMED, "code": "4"}]}},
        "not a resource",
    ):
        record.add_resource(resource)
    assert record.conditions == [(SNOMED, "1")]
    assert record.medications == [(ATC, "A"), (ATC, "C")]


def test_a_contained_medication_is_read_by_its_reference():
    request = {
        "resourceType": "MedicationRequest",
        "contained": [
            {
                "resourceType": "Medication",
                "id": "med",
                "code": {"coding": [{"system": ATC, "code": "N01AX03"}]},
            }
        ],
        "medicationReference": {"reference": "#med"},
    }
    assert medication_codings(request) == [(ATC, "N01AX03")]
    assert medication_codings({"medicationReference": {"reference": "Medication/elsewhere"}}) == []
