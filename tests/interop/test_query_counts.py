"""FHIR and CDS Hooks run a fixed number of queries per request, whatever the amount of content
(as the JSON API does: tests/api/test_query_counts.py)."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.synthetic import synthetic_content_create
from content.versioning import content_version_forget

pytestmark = pytest.mark.django_db

SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
OWN = "http://testserver/fhir/CodeSystem"

EXPECTED = {
    # Each FHIR read reads the content version once (its ETag, Last-Modified and version).
    "/fhir/metadata": 1,
    # The row with its references, its disorder's and compound's codes, and every disorder with
    # its codes (a broader disorder's definition holds the codes of those under it).
    "/fhir/PlanDefinition/general-cbt-integration": 5,
    # + the code looked up, the disorders' parents, and the page's count.
    "/fhir/PlanDefinition?context=icd-10-cm|F10.20": 10,
    "/fhir/PlanDefinition?context=atc|N01AX03&_count=200": 9,
    "/fhir/PlanDefinition": 8,
    "/cds-services": 0,
    # The version, and the rows (classes, then members, for medications).
    "/fhir/CodeSystem/medication": 3,
    "/fhir/CodeSystem/verdict": 1,
    # One plan: the codes looked up (disorder, compound, medication), then the plan's own.
    "$apply": 14,
    "order-select": 12,
}
GETS = [url for url in EXPECTED if url.startswith("/")]
APPLY = {
    "resourceType": "Parameters",
    "parameter": [
        {"name": "condition", "valueCoding": {"system": SNOMED, "code": "47505003"}},
        {"name": "medication", "valueCoding": {"system": f"{OWN}/compound", "code": "mdma"}},
        {"name": "medication", "valueCoding": {"system": ATC, "code": "N05AN01"}},
    ],
}


def order_select() -> dict:
    def bundle(*resources):
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for r in resources],
        }

    order = {
        "resourceType": "MedicationRequest",
        "id": "k1",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "N01AX03"}]},
    }
    lithium = {
        **order,
        "id": "li",
        "status": "active",
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "N05AN01"}]},
    }
    condition = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [{"system": SNOMED, "code": "7200002"}]},
    }
    return {
        "hookInstance": str(uuid.uuid4()),
        "hook": "order-select",
        "context": {
            "userId": "Practitioner/1",
            "patientId": "p",
            "selections": ["MedicationRequest/k1"],
            "draftOrders": bundle(order),
        },
        "prefetch": {"conditions": bundle(condition), "medications": bundle(lithium)},
    }


def counts(client) -> dict[str, int]:
    found = {}
    for url in GETS:
        # Each count includes the version read (remembered for CONTENT_VERSION_MAX_STALENESS),
        # however slow the machine.
        content_version_forget()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        found[url] = len(captured)
    for name, url, body in (
        ("$apply", "/fhir/PlanDefinition/$apply", APPLY),
        ("order-select", "/cds-services/psychoplastogen-order", order_select()),
    ):
        content_version_forget()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 200, (url, response.content)
        found[name] = len(captured)
    return found


@pytest.fixture(autouse=True)
def unauthenticated(settings):
    settings.CDS_HOOKS_ALLOW_UNAUTHENTICATED = True


def test_every_interop_request_runs_its_fixed_number_of_queries(client):
    assert counts(client) == EXPECTED


@pytest.mark.parametrize("scale", [10, 100])
def test_the_same_number_of_queries_at_scale(client, scale):
    synthetic_content_create(scale=scale)
    assert counts(client) == EXPECTED
