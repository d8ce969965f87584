"""The FHIR R4 export: recommendation definitions, search by standard codes, the capability
statement and $apply, each resource validated by an independent FHIR implementation, and $apply
agreeing item for item with the JSON plan."""

import json

import pytest

from guidance.models import Guidance
from interop.fhir import (
    DIRECTION_EXTENSION,
    QUALITY_EXTENSION,
    RECOMMENDATION_PROFILE,
    STRENGTH_EXTENSION,
)
from tests.interop.fhir_models import validated

pytestmark = pytest.mark.django_db

BASE = "http://testserver/fhir"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
ATC = "http://www.whocc.no/atc"
FHIR_JSON = "application/fhir+json"


def fhir(client, path: str, status: int = 200, **params) -> dict:
    response = client.get(path, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    document = response.json()
    validated(document)
    return document


def apply(client, parameters: list[dict], status: int = 200) -> dict:
    response = client.post(
        "/fhir/PlanDefinition/$apply",
        json.dumps({"resourceType": "Parameters", "parameter": parameters}),
        content_type=FHIR_JSON,
    )
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    document = response.json()
    validated(document)
    return document


def code(system: str, value: str) -> dict:
    return {"coding": [{"system": system, "code": value}]}


def own(kind: str, slug: str) -> dict:
    return code(f"{BASE}/CodeSystem/{kind}", slug)


def test_metadata_is_a_capability_statement_naming_read_search_and_apply(client):
    statement = fhir(client, "/fhir/metadata")
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1"
    resource, operation, code_systems = statement["rest"][0]["resource"]
    assert resource["type"] == "PlanDefinition"
    assert operation["type"] == "OperationDefinition"
    assert code_systems["type"] == "CodeSystem"
    assert resource["supportedProfile"] == [RECOMMENDATION_PROFILE]
    assert {i["code"] for i in resource["interaction"]} == {"read", "search-type"}
    assert {p["name"] for p in resource["searchParam"]} == {"_id", "url", "context", "status"}
    assert resource["operation"][0]["name"] == "apply"
    definition = fhir(
        client, resource["operation"][0]["definition"].removeprefix("http://testserver")
    )
    assert definition["code"] == "apply"
    assert {p["name"] for p in definition["parameter"]} == {
        "subject",
        "data",
        "condition",
        "medication",
        "profileFactor",
        "return",
    }


def test_every_published_guidance_row_is_a_valid_recommendation_definition(client):
    rows = list(Guidance.objects.published().prefetch_related("references"))
    assert len(rows) >= 20
    for row in rows:
        definition = fhir(client, f"/fhir/PlanDefinition/{row.slug}")
        assert definition["id"] == row.slug
        assert definition["url"] == f"{BASE}/PlanDefinition/{row.slug}"
        assert definition["meta"]["profile"] == [RECOMMENDATION_PROFILE]
        assert definition["type"]["coding"][0]["code"] == "eca-rule"
        assert definition["description"] == row.rationale
        (action,) = definition["action"]
        assert action["title"] == row.modality.name
        # Citations with DOIs, exactly the row's references.
        dois = sorted(r.doi_url for r in row.references.all() if r.doi)
        assert (
            sorted(a["url"] for a in definition["relatedArtifact"] if "doi.org" in a.get("url", ""))
            == dois
        )
        assert action["documentation"] == definition["relatedArtifact"]
        extensions = {
            e["url"]: e["valueCodeableConcept"]["coding"][0]["code"] for e in action["extension"]
        }
        assert extensions[DIRECTION_EXTENSION] == row.direction
        if row.certainty:
            assert extensions[QUALITY_EXTENSION] == row.certainty.replace("_", "-")
        else:
            assert QUALITY_EXTENSION not in extensions
        assert (STRENGTH_EXTENSION in extensions) == (row.kind == "recommendation")
        # One applicability condition per part of the scope.
        scope = [p for p in (row.disorder, row.compound, row.profile_factor) if p is not None]
        assert len(action.get("condition", [])) == len(scope)


def test_a_pairing_definition_carries_its_disorder_and_compound_as_coded_conditions(client):
    row = Guidance.objects.published().get(
        disorder__slug="alcohol-use-disorder", references__seed_number=80
    )
    definition = fhir(client, f"/fhir/PlanDefinition/{row.slug}")
    focus = [c["valueCodeableConcept"]["coding"] for c in definition["useContext"]]
    assert {"system": SNOMED, "code": "7200002"} in [
        {"system": c["system"], "code": c["code"]} for c in focus[0]
    ]
    assert {"system": ATC, "code": "N01AX03"} in [
        {"system": c["system"], "code": c["code"]} for c in focus[1]
    ]
    disorder, compound = definition["action"][0]["condition"]
    assert disorder["kind"] == "applicability"
    assert disorder["expression"]["language"] == "text/fhirpath"
    assert (
        "'http://hl7.org/fhir/sid/icd-10-cm' and code = 'F10.20'"
        in disorder["expression"]["expression"]
    )
    assert "'N01AX03'" in compound["expression"]["expression"]
    assert definition["relatedArtifact"][0]["label"] == "[80]"


def test_a_broader_disorders_definition_applies_to_the_codes_of_the_disorders_it_covers(client):
    row = Guidance.objects.published().filter(disorder__slug="substance-use-disorders").first()
    definition = fhir(client, f"/fhir/PlanDefinition/{row.slug}")
    expression = definition["action"][0]["condition"][0]["expression"]["expression"]
    assert "'191816009'" in expression  # its own SNOMED CT code
    assert "'F10.20'" in expression  # alcohol use disorder's, a narrower disorder


def test_a_draft_or_unknown_definition_is_a_404_operation_outcome(client):
    row = Guidance.objects.published().first()
    row.unpublish()
    row.save()
    for slug in (row.slug, "no-such-row"):
        outcome = fhir(client, f"/fhir/PlanDefinition/{slug}", status=404)
        assert outcome["resourceType"] == "OperationOutcome"
        assert outcome["issue"][0]["code"] == "not-found"
        assert slug in outcome["issue"][0]["diagnostics"]


def slugs_found(bundle: dict) -> set[str]:
    assert bundle["type"] == "searchset"
    assert bundle["total"] == len(bundle.get("entry", []))
    return {entry["resource"]["id"] for entry in bundle.get("entry", [])}


def test_search_by_a_disorder_code_walks_up_the_disorder_hierarchy(client):
    found = slugs_found(fhir(client, "/fhir/PlanDefinition", context=f"{ICD10}|F10.20"))
    expected = set(
        Guidance.objects.published()
        .filter(disorder__slug__in=["alcohol-use-disorder", "substance-use-disorders"])
        .values_list("slug", flat=True)
    )
    assert found == expected
    assert any(
        s for s in found if Guidance.objects.get(slug=s).disorder.slug == "substance-use-disorders"
    )
    # The short name finds the same.
    assert slugs_found(fhir(client, "/fhir/PlanDefinition", context="icd-10-cm|F10.20")) == found


def test_search_by_a_compound_code_and_by_id_and_url(client):
    found = slugs_found(fhir(client, "/fhir/PlanDefinition", context=f"{ATC}|N01AX03"))
    assert found == set(
        Guidance.objects.published()
        .filter(compound__slug="ketamine")
        .values_list("slug", flat=True)
    )
    one = sorted(found)[0]
    assert slugs_found(fhir(client, "/fhir/PlanDefinition", _id=one)) == {one}
    assert slugs_found(
        fhir(client, "/fhir/PlanDefinition", url=f"{BASE}/PlanDefinition/{one}")
    ) == {one}
    # Two context parameters must both hold: ketamine and PTSD share no definition.
    assert (
        slugs_found(
            client.get(
                f"/fhir/PlanDefinition?context={ATC}|N01AX03&context={SNOMED}|47505003"
            ).json()
        )
        == set()
    )


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("context=loinc|1234-5", "names no known system"),
        (f"context={SNOMED}|999999", "No disorder has the SNOMED CT code '999999'"),
        ("subject=Patient/1", "Unknown search parameter(s) subject"),
        ("_format=xml", "is not served"),
    ],
)
def test_a_search_it_cannot_answer_is_an_operation_outcome_that_says_why(client, query, said):
    response = client.get(f"/fhir/PlanDefinition?{query}")
    assert response.status_code in (400, 406)
    outcome = response.json()
    validated(outcome)
    assert said in outcome["issue"][0]["diagnostics"]


def test_other_paths_methods_and_media_types_are_operation_outcomes(client):
    response = client.delete("/fhir/metadata")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    validated(response.json())
    response = client.get("/fhir/Patient/1")
    assert response.status_code == 404
    assert "/fhir/PlanDefinition" in response.json()["issue"][0]["diagnostics"]
    response = client.get("/fhir/metadata", HTTP_ACCEPT="application/fhir+xml")
    assert response.status_code == 406
    response = client.post("/fhir/PlanDefinition/$apply", "x=1", content_type="text/plain")
    assert response.status_code == 415
    validated(response.json())
    response = client.post("/fhir/PlanDefinition/$apply", "{", content_type=FHIR_JSON)
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["issue"][0]["diagnostics"]


def json_plan(client, **query) -> dict:
    response = client.get("/api/v1/recommendations/", query)
    assert response.status_code == 200, response.content
    return response.json()


def request_groups(bundle: dict) -> list[dict]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RequestGroup"
    ]


def issues_of(bundle: dict, group_url: str) -> list[dict]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "DetectedIssue"
        and e["resource"]["implicated"][0]["reference"] == group_url
    ]


def test_apply_for_ptsd_with_mdma_agrees_item_for_item_with_the_json_plan(client):
    bundle = apply(
        client,
        [
            {"name": "subject", "valueString": "Patient/example"},
            {"name": "condition", "valueCodeableConcept": code(SNOMED, "47505003")},
            {"name": "medication", "valueCodeableConcept": own("compound", "mdma")},
        ],
    )
    (group,) = request_groups(bundle)
    plan = json_plan(client, disorder="ptsd", compound="mdma")
    assert group["subject"] == {"reference": "Patient/example"}
    assert group["intent"] == "proposal"
    assert group["code"]["coding"][0]["code"] == plan["verdict"]
    # The phases in order, and in each the items in order, led by the same guidance row.
    assert [a["id"] for a in group["action"]] == [p["phase"] for p in plan["phases"] if p["items"]]
    for action, phase in zip(
        group["action"], [p for p in plan["phases"] if p["items"]], strict=True
    ):
        assert [
            (a["code"][0]["coding"][0]["code"], a["documentation"][0]["resource"])
            for a in action["action"]
        ] == [
            (item["modality"]["slug"], f"{BASE}/PlanDefinition/{item['leading_guidance']['slug']}")
            for item in phase["items"]
        ]
        assert all(a["documentation"][0]["type"] == "derived-from" for a in action["action"])
    # Contraindications, then warnings: the same statements, in the same order.
    group_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is group)
    issues = issues_of(bundle, group_url)
    assert [i["identifier"][0]["value"] for i in issues] == [
        w["slug"] for w in plan["contraindications"] + plan["warnings"]
    ]
    assert [i["code"]["text"] for i in issues] == [
        w["title"] for w in plan["contraindications"] + plan["warnings"]
    ]


def test_apply_reads_a_bundle_of_conditions_and_medications(client):
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Condition",
                    "subject": {"reference": "Patient/p"},
                    "code": code(ICD10, "F10.20"),
                }
            },
            {
                "resource": {
                    "resourceType": "Condition",
                    "subject": {"reference": "Patient/p"},
                    "clinicalStatus": code(
                        "http://terminology.hl7.org/CodeSystem/condition-clinical", "resolved"
                    ),
                    "code": code(SNOMED, "47505003"),
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "status": "draft",
                    "intent": "order",
                    "subject": {"reference": "Patient/p"},
                    "medicationCodeableConcept": code(ATC, "N01AX03"),
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "status": "active",
                    "intent": "order",
                    "subject": {"reference": "Patient/p"},
                    "medicationCodeableConcept": code(ATC, "N05BA12"),
                }
            },
        ],
    }
    validated(data)
    bundle = apply(client, [{"name": "data", "resource": data}])
    # PTSD is resolved, so one plan: ketamine for alcohol use disorder.
    (group,) = request_groups(bundle)
    assert group["reasonCode"][0]["text"] == "Alcohol use disorder"
    plan = json_plan(
        client, disorder="alcohol-use-disorder", compound="ketamine", medications="benzodiazepine"
    )
    group_url = bundle["entry"][0]["fullUrl"]
    assert [i["identifier"][0]["value"] for i in issues_of(bundle, group_url)] == [
        w["slug"] for w in plan["contraindications"] + plan["warnings"]
    ]
    assert any(w["kind"] == "interaction" for w in plan["warnings"])
    cited = {
        a["label"]
        for action in group["action"]
        for item in action["action"]
        for a in item["documentation"]
        if "label" in a
    }
    assert {"[78]", "[80]"} <= cited


def test_apply_for_psilocybin_with_lithium_is_contraindicated_with_a_high_severity_issue(client):
    bundle = apply(
        client,
        [
            {"name": "condition", "valueCoding": {"system": SNOMED, "code": "370143000"}},
            {"name": "medication", "valueCodeableConcept": own("compound", "psilocybin")},
            {"name": "medication", "valueCodeableConcept": code(ATC, "N05AN01")},
        ],
    )
    (group,) = request_groups(bundle)
    assert group["code"]["coding"][0]["code"] == "contraindicated"
    issue = issues_of(bundle, bundle["entry"][0]["fullUrl"])[0]
    assert issue["severity"] == "high"
    assert issue["code"]["coding"][0]["code"] == "interaction"
    assert "lithium" in issue["code"]["text"].lower()
    assert issue["evidence"][0]["detail"][0]["identifier"]["system"] == "https://doi.org"


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        ({"resourceType": "Patient"}, 400, "Send a Parameters resource"),
        (
            {"resourceType": "Parameters", "parameter": [{"name": "planDefinition"}]},
            400,
            "Unknown parameter 'planDefinition'",
        ),
        (
            {
                "resourceType": "Parameters",
                "parameter": [{"name": "subject", "valueReference": "Patient/1"}],
            },
            400,
            "subject is a string",
        ),
        (
            {
                "resourceType": "Parameters",
                "parameter": [{"name": "condition", "valueString": "x"}],
            },
            400,
            "condition needs a valueCodeableConcept or valueCoding",
        ),
        (
            {
                "resourceType": "Parameters",
                "parameter": [
                    {"name": "condition", "valueCoding": {"system": SNOMED, "code": "38341003"}},
                    {"name": "medication", "valueCoding": {"system": ATC, "code": "N01AX03"}},
                ],
            },
            422,
            "No condition maps to a disorder of this service",
        ),
    ],
)
def test_apply_refuses_what_it_cannot_answer_with_an_operation_outcome(client, body, status, said):
    response = client.post("/fhir/PlanDefinition/$apply", json.dumps(body), content_type=FHIR_JSON)
    assert response.status_code == status
    outcome = response.json()
    validated(outcome)
    assert said in outcome["issue"][0]["diagnostics"]


def test_search_pages_with_count_and_offset(client):
    total = Guidance.objects.published().count()
    first = fhir(client, "/fhir/PlanDefinition", _count=5)
    assert first["total"] == total
    assert len(first["entry"]) == 5
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "previous" not in links
    second = client.get(links["next"]).json()
    validated(second)
    assert len(second["entry"]) == 5
    assert not slugs_found({**first, "total": 5}) & slugs_found({**second, "total": 5})
    outcome = fhir(client, "/fhir/PlanDefinition", status=400, _count=0)
    assert "_count is a whole number from 1 to 200" in outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("/fhir/metadata", "application/fhir+json"), ("/cds-services", "application/json")],
)
def test_fhir_and_cds_hooks_share_the_apis_quota_and_answer_429_as_an_outcome(
    client, settings, path, media_type
):
    settings.THROTTLE = (2, 60)
    assert [client.get(path).status_code for _ in range(2)] == [200, 200]
    response = client.get(path)
    assert response.status_code == 429
    assert response["Content-Type"].startswith(media_type)
    assert 0 < int(response["Retry-After"]) <= 60
    outcome = response.json()
    validated(outcome)
    assert outcome["issue"][0]["code"] == "throttled"
    assert "RateLimit" in response


def test_a_body_too_large_or_too_deep_is_a_4xx_outcome_not_a_500(client, settings):
    response = client.post(
        "/fhir/PlanDefinition/$apply", "[" * 100_000 + "]" * 100_000, content_type=FHIR_JSON
    )
    assert response.status_code == 400
    assert "nests too deeply" in response.json()["issue"][0]["diagnostics"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(
        "/fhir/PlanDefinition/$apply", json.dumps({"x": "y" * 20_000}), content_type=FHIR_JSON
    )
    assert response.status_code == 413
    assert "larger than 10000 bytes" in response.json()["issue"][0]["diagnostics"]


def test_a_record_with_many_codes_is_read_in_one_query_per_kind(client):
    conditions = [
        {"name": "condition", "valueCoding": {"system": SNOMED, "code": str(100000 + n)}}
        for n in range(4950)
    ]
    bundle = apply(
        client,
        [
            *conditions,
            {"name": "condition", "valueCoding": {"system": ICD10, "code": "f10.20"}},
            {"name": "medication", "valueCoding": {"system": ATC, "code": "N01AX03"}},
        ],
    )
    (group,) = request_groups(bundle)
    assert group["reasonCode"][0]["text"] == "Alcohol use disorder"
    too_many = [*conditions, *conditions[:60]]
    response = client.post(
        "/fhir/PlanDefinition/$apply",
        json.dumps({"resourceType": "Parameters", "parameter": too_many}),
        content_type=FHIR_JSON,
    )
    assert response.status_code == 422
    assert "More than 5000 codes" in response.json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "path",
    ["/fhir/metadata", "/fhir/PlanDefinition/general-cbt-integration", "/fhir/PlanDefinition"],
)
def test_a_fhir_read_revalidates_with_its_etag_until_an_editor_changes_content(client, path):
    first = client.get(path)
    assert first["ETag"].startswith('W/"')
    assert first["Cache-Control"].startswith("public, max-age=0")
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    row = Guidance.objects.get(slug="general-cbt-integration")
    row.rationale += " Edited."
    row.save()
    changed = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def every_coding(document, found=None) -> list[dict]:
    """Every Coding in a JSON document (anything with a system and a code)."""
    found = [] if found is None else found
    if isinstance(document, dict):
        if isinstance(document.get("system"), str) and isinstance(document.get("code"), str):
            found.append(document)
        for value in document.values():
            every_coding(value, found)
    elif isinstance(document, list):
        for value in document:
            every_coding(value, found)
    return found


def test_every_code_of_this_services_own_systems_resolves_to_its_code_system(client, settings):
    settings.CDS_HOOKS_ALLOW_UNAUTHENTICATED = True
    documents = [
        fhir(client, "/fhir/PlanDefinition", _count=200),
        apply(
            client,
            [
                {"name": "condition", "valueCoding": {"system": SNOMED, "code": "370143000"}},
                {"name": "medication", "valueCodeableConcept": own("compound", "psilocybin")},
                {"name": "medication", "valueCodeableConcept": code(ATC, "N05AN01")},
                {"name": "profileFactor", "valueCode": "dissociative-tendencies"},
            ],
        ),
    ]
    order = {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "hook": "order-select",
        "context": {
            "userId": "Practitioner/1",
            "patientId": "p",
            "selections": ["MedicationRequest/m"],
            "draftOrders": {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {
                        "resource": {
                            "resourceType": "MedicationRequest",
                            "id": "m",
                            "status": "draft",
                            "intent": "order",
                            "subject": {"reference": "Patient/p"},
                            "medicationCodeableConcept": own("compound", "mdma"),
                        }
                    }
                ],
            },
        },
        "prefetch": {
            "conditions": {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [
                    {
                        "resource": {
                            "resourceType": "Condition",
                            "subject": {"reference": "Patient/p"},
                            "code": code(SNOMED, "47505003"),
                        }
                    }
                ],
            },
            "medications": None,
        },
    }
    response = client.post(
        "/cds-services/psychoplastogen-order", json.dumps(order), content_type="application/json"
    )
    documents.append(response.json())
    systems: dict[str, set[str]] = {}
    for coding in every_coding(documents):
        if coding["system"].startswith(f"{BASE}/CodeSystem/"):
            systems.setdefault(coding["system"], set()).add(coding["code"])
    assert len(systems) >= 8
    for system, codes in systems.items():
        code_system = fhir(client, system.removeprefix("http://testserver"))
        assert code_system["url"] == system
        assert code_system["content"] == "complete"
        defined = {concept["code"] for concept in code_system["concept"]}
        assert codes <= defined, (system, codes - defined)
    assert fhir(client, "/fhir/CodeSystem/nothing", status=404)["issue"][0]["code"] == "not-found"
