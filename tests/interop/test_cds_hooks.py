"""The CDS Hooks 2.0 service: discovery, cards for an order and for a patient view, 412 without
prefetch, 401 without a trusted JWT, and feedback recorded."""

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from interop.cds_hooks import SUMMARY_LIMIT
from interop.models import CardFeedback
from tests.interop.fhir_models import validated

pytestmark = pytest.mark.django_db

ISSUER = "https://ehr.example.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
ATC = "http://www.whocc.no/atc"
ICD11 = "http://id.who.int/icd/release/11/mms"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
OWN = "http://testserver/fhir/CodeSystem"
KEY = ec.generate_private_key(ec.SECP384R1())


@pytest.fixture(autouse=True)
def trusted_issuer(settings):
    jwk = json.loads(ECAlgorithm.to_jwk(KEY.public_key()))
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"keys": [{**jwk, "kid": "ehr-1"}]}}
    settings.CDS_HOOKS_ALLOW_UNAUTHENTICATED = False


def token(service: str, *, key=KEY, issuer: str = ISSUER, audience: str | None = None) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": audience or f"http://testserver/cds-services/{service}",
        "exp": now + 300,
        "iat": now,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, key, algorithm="ES384", headers={"kid": "ehr-1"})


def call(client, service: str, body: dict, *, auth: str | None = "sign", status: int = 200):
    headers = {}
    if auth == "sign":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token(service)}"
    elif auth:
        headers["HTTP_AUTHORIZATION"] = auth
    response = client.post(
        f"/cds-services/{service}", json.dumps(body), content_type="application/json", **headers
    )
    assert response.status_code == status, response.content
    return response.json()


def concept(system: str, code: str) -> dict:
    return {"coding": [{"system": system, "code": code}]}


def searchset(*resources: dict) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def condition(system: str, code: str) -> dict:
    return {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p1"},
        "code": concept(system, code),
    }


def medication(system: str, code: str, *, id: str = "m", status: str = "active") -> dict:
    return {
        "resourceType": "MedicationRequest",
        "id": id,
        "status": status,
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": concept(system, code),
    }


def order_select(order: dict, *, conditions=(), medications=(), prefetch: bool = True) -> dict:
    body = {
        "hookInstance": str(uuid.uuid4()),
        "hook": "order-select",
        "context": {
            "userId": "Practitioner/1",
            "patientId": "p1",
            "selections": [f"MedicationRequest/{order['id']}"],
            "draftOrders": {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": order}],
            },
        },
    }
    if prefetch:
        body["prefetch"] = {
            "conditions": searchset(*conditions),
            "medications": searchset(*medications),
        }
    return body


def check_card(card: dict) -> None:
    """What the spec requires of every card."""
    assert len(card["summary"]) < SUMMARY_LIMIT
    assert card["indicator"] in ("info", "warning", "critical")
    assert card["source"]["label"]
    uuid.UUID(card["uuid"])
    assert card["overrideReasons"]
    assert all(r["code"] and r["system"] and r["display"] for r in card["overrideReasons"])
    for link in card.get("links", []):
        assert link["type"] == "absolute"
        assert link["url"].startswith("http")


def test_discovery_lists_the_order_and_plan_services_with_their_prefetch(client):
    response = client.get("/cds-services")
    assert response.status_code == 200
    services = {s["id"]: s for s in response.json()["services"]}
    assert services["psychoplastogen-order"]["hook"] == "order-select"
    assert services["psychoplastogen-order-sign"]["hook"] == "order-sign"
    assert services["psychoplastogen-plan"]["hook"] == "patient-view"
    for service in services.values():
        assert service["title"]
        assert service["description"]
        assert "{{context.patientId}}" in service["prefetch"]["conditions"]
        assert service["prefetch"]["medications"].startswith("MedicationRequest?")


def test_a_ketamine_order_for_a_patient_with_alcohol_use_disorder_gets_a_plan_citing_78_and_80(
    client,
):
    body = order_select(
        medication(ATC, "N01AX03", id="k1", status="draft"),
        conditions=[condition(ICD10, "F10.20")],
    )
    cards = call(client, "psychoplastogen-order", body)["cards"]
    for card in cards:
        check_card(card)
    plan = next(c for c in cards if c["source"]["topic"]["code"] == "plan")
    assert plan["summary"].startswith("Ketamine for Alcohol use disorder")
    assert plan["indicator"] == "info"  # guidance specific to the pairing exists
    assert "[78]" in plan["detail"]
    assert "[80]" in plan["detail"]
    assert "doi.org" in plan["detail"]
    assert "### Integration" in plan["detail"]
    json_plan = client.get(plan["links"][0]["url"]).json()
    assert json_plan["disorder"]["slug"] == "alcohol-use-disorder"
    assert json_plan["compound"]["slug"] == "ketamine"
    assert json_plan["verdict"] == "pairing_evidence"


def test_the_plan_card_lists_each_phases_top_approaches_as_the_json_plan_ranks_them(client):
    body = order_select(
        medication(ATC, "N01AX03", id="k1", status="draft"),
        conditions=[condition(ICD10, "F10.20")],
    )
    cards = call(client, "psychoplastogen-order", body)["cards"]
    plan = next(c for c in cards if c["source"]["topic"]["code"] == "plan")
    listed, phase = {}, None
    for line in plan["detail"].splitlines():
        if line.startswith("### "):
            phase = line[4:]
        elif line[:3] in ("1. ", "2. ", "3. "):
            listed.setdefault(phase, []).append(line.split("**")[1])
    json_plan = client.get(plan["links"][0]["url"]).json()
    expected = {}
    for part in json_plan["phases"]:
        if part["items"]:
            top = part["top"]["modality"]["name"]
            rest = [i["modality"]["name"] for i in part["items"] if i["modality"]["name"] != top]
            expected[part["label"]] = [top, *rest][:3]
    assert listed == expected


def test_a_psilocybin_order_for_a_patient_on_lithium_gets_a_critical_card(client):
    body = order_select(
        medication(OWN + "/compound", "psilocybin", id="p1", status="draft"),
        conditions=[condition(SNOMED, "370143000")],
        medications=[medication(ATC, "N05AN01", id="li")],
    )
    cards = call(client, "psychoplastogen-order", body)["cards"]
    assert cards[0]["indicator"] == "critical"
    interaction = next(c for c in cards if c["source"]["topic"]["code"] == "interaction")
    assert interaction["indicator"] == "critical"
    assert "lithium" in interaction["summary"].lower()
    assert "/api/v1/interactions/" in interaction["links"][0]["url"]
    assert "editor's judgement" in interaction["detail"]
    plan = next(c for c in cards if c["source"]["topic"]["code"] == "plan")
    assert plan["indicator"] == "critical"
    assert "contraindication" in plan["summary"]
    # The same interaction once, however many plans it appears in.
    assert len([c for c in cards if c["summary"] == interaction["summary"]]) == 1


def test_an_order_is_screened_for_interactions_even_with_no_matching_condition(client):
    body = order_select(
        medication(OWN + "/compound", "psilocybin", id="p1", status="draft"),
        conditions=[condition(SNOMED, "38341003")],  # hypertension: no guidance here
        medications=[medication(ATC, "N05AN01", id="li")],
    )
    cards = call(client, "psychoplastogen-order", body)["cards"]
    assert cards[0]["indicator"] == "critical"
    assert "seizures" in cards[0]["summary"].lower()
    assert {c["source"]["topic"]["code"] for c in cards} == {"interaction"}


def test_an_order_of_something_else_gets_no_cards_and_unselected_orders_are_ignored(client):
    body = order_select(
        medication(ATC, "C09AA05", id="r1", status="draft"), conditions=[condition(ICD10, "F10.20")]
    )
    assert call(client, "psychoplastogen-order", body)["cards"] == []
    body = order_select(
        medication(ATC, "N01AX03", id="k1", status="draft"), conditions=[condition(ICD10, "F10.20")]
    )
    body["context"]["selections"] = ["MedicationRequest/other"]
    assert call(client, "psychoplastogen-order", body)["cards"] == []


def test_order_sign_reads_every_draft_order(client):
    body = order_select(
        medication(ATC, "N01AX03", id="k1", status="draft"), conditions=[condition(ICD10, "F10.20")]
    )
    body["hook"] = "order-sign"
    del body["context"]["selections"]
    cards = call(client, "psychoplastogen-order-sign", body)["cards"]
    assert any(c["source"]["topic"]["code"] == "plan" for c in cards)


def test_patient_view_with_a_matching_condition_names_the_compounds_with_specific_guidance(client):
    body = {
        "hookInstance": str(uuid.uuid4()),
        "hook": "patient-view",
        "context": {"userId": "Practitioner/1", "patientId": "p1"},
        "prefetch": {
            "conditions": searchset(condition(SNOMED, "47505003")),
            "medications": searchset(),
        },
    }
    (card,) = call(client, "psychoplastogen-plan", body)["cards"]
    check_card(card)
    assert card["indicator"] == "info"
    assert "MDMA" in card["summary"]
    assert any("compound=mdma" in link["url"] for link in card["links"])


def test_missing_prefetch_without_a_fhir_server_is_a_412_operation_outcome(client):
    body = order_select(medication(ATC, "N01AX03", id="k1", status="draft"), prefetch=False)
    outcome = call(client, "psychoplastogen-order", body, status=412)
    validated(outcome)
    assert "conditions" in outcome["issue"][0]["diagnostics"]
    body["prefetch"] = {"conditions": searchset()}
    outcome = call(client, "psychoplastogen-order", body, status=412)
    assert "medications" in outcome["issue"][0]["diagnostics"]


def test_null_prefetch_is_a_search_that_found_nothing_as_the_spec_says(client):
    body = order_select(
        medication(ATC, "N01AX03", id="k1", status="draft"), conditions=[condition(ICD10, "F10.20")]
    )
    body["prefetch"]["medications"] = None
    cards = call(client, "psychoplastogen-order", body)["cards"]
    assert any(c["source"]["topic"]["code"] == "plan" for c in cards)
    assert not any(c["source"]["topic"]["code"] == "screen-incomplete" for c in cards)


@pytest.mark.parametrize(
    ("medications", "said"),
    [
        (
            {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "timeout"}],
            },
            "could not read them",
        ),
        (
            {**searchset(), "link": [{"relation": "next", "url": "https://ehr.example.org/p2"}]},
            "only the first page",
        ),
        (searchset(medication(RXNORM, "6448", id="li")), "6448"),
    ],
)
def test_an_incomplete_medication_list_is_said_in_a_warning_card(client, medications, said):
    body = order_select(
        medication(OWN + "/compound", "psilocybin", id="p1", status="draft"),
        conditions=[condition(SNOMED, "370143000")],
    )
    body["prefetch"]["medications"] = medications
    cards = call(client, "psychoplastogen-order", body)["cards"]
    screen = next(c for c in cards if c["source"]["topic"]["code"] == "screen-incomplete")
    check_card(screen)
    assert screen["indicator"] == "warning"
    assert said in screen["detail"]


def test_every_critical_or_caution_warning_of_a_plan_gets_a_card_of_its_own(client):
    body = order_select(
        medication(OWN + "/compound", "mdma", id="m1", status="draft"),
        conditions=[condition(SNOMED, "47505003")],
    )
    cards = call(client, "psychoplastogen-order", body)["cards"]
    plan = client.get("/api/v1/recommendations/?disorder=ptsd&compound=mdma").json()
    must_see = [w for w in plan["contraindications"] + plan["warnings"] if w["severity"] != "info"]
    assert must_see
    for warning in must_see:
        card = next(c for c in cards if c["summary"] == f"MDMA: {warning['title']}"[:139])
        assert (
            card["indicator"] == {"critical": "critical", "caution": "warning"}[warning["severity"]]
        )
        assert warning["message"][:60] in card["detail"]


def patient_view(*conditions: dict, medications=()) -> dict:
    return {
        "hookInstance": str(uuid.uuid4()),
        "hook": "patient-view",
        "context": {"userId": "Practitioner/1", "patientId": "p1"},
        "prefetch": {"conditions": searchset(*conditions), "medications": searchset(*medications)},
    }


def test_patient_view_never_offers_a_compound_contraindicated_for_the_disorder(client):
    cards = call(client, "psychoplastogen-plan", patient_view(condition(ICD11, "6A20")))["cards"]
    (card,) = cards
    assert card["indicator"] == "warning"
    assert card["summary"] == "Schizophrenia: the compounds with guidance are contraindicated here"
    offered, refused = card["detail"].split("**Contraindicated for this patient**")
    assert "Psilocybin" not in offered
    assert "LSD" not in offered
    assert "Psilocybin" in refused
    assert "LSD" in refused


def test_patient_view_judges_each_compound_with_what_the_patient_takes(client):
    body = patient_view(
        condition(SNOMED, "370143000"), medications=[medication(ATC, "N05AN01", id="li")]
    )
    (card,) = call(client, "psychoplastogen-plan", body)["cards"]
    assert card["indicator"] == "warning"
    offered, refused = card["detail"].split("**Contraindicated for this patient**")
    assert "Psilocybin" not in offered
    assert "Psilocybin" in refused
    assert "seizures" in refused.lower()
    assert all("medications=lithium" in link["url"] for link in card["links"])


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
        "untrusted-issuer",
        "wrong-audience",
        "wrong-key",
    ],
)
def test_a_call_without_a_trusted_jwt_is_a_401(client, auth):
    service = "psychoplastogen-order"
    if auth == "untrusted-issuer":
        auth = f"Bearer {token(service, issuer='https://evil.example')}"
    elif auth == "wrong-audience":
        auth = f"Bearer {token(service, audience='http://testserver/cds-services/other')}"
    elif auth == "wrong-key":
        auth = f"Bearer {token(service, key=ec.generate_private_key(ec.SECP384R1()))}"
    body = order_select(medication(ATC, "N01AX03", id="k1", status="draft"))
    response = client.post(
        f"/cds-services/{service}",
        json.dumps(body),
        content_type="application/json",
        **({"HTTP_AUTHORIZATION": auth} if auth else {}),
    )
    assert response.status_code == 401
    validated(response.json())
    assert response.json()["issue"][0]["code"] == "login"
    assert "Not authenticated" in response.json()["issue"][0]["diagnostics"]


def test_unauthenticated_calls_pass_only_where_the_setting_allows_them(client, settings):
    body = order_select(
        medication(ATC, "N01AX03", id="k1", status="draft"), conditions=[condition(ICD10, "F10.20")]
    )
    settings.CDS_HOOKS_ALLOW_UNAUTHENTICATED = True
    assert call(client, "psychoplastogen-order", body, auth=None)["cards"]


def test_a_malformed_call_is_a_400_that_says_what_is_wrong(client):
    body = order_select(medication(ATC, "N01AX03", id="k1", status="draft"))
    body["hook"] = "patient-view"
    outcome = call(client, "psychoplastogen-order", body, status=400)
    assert "answers the order-select hook" in outcome["issue"][0]["diagnostics"]
    outcome = call(client, "no-such-service", body, auth=None, status=404)
    assert "psychoplastogen-order" in outcome["issue"][0]["diagnostics"]


def post_feedback(client, service: str, body: dict, *, audience: str | None = None):
    return client.post(
        f"/cds-services/{service}/feedback",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token(service, audience=audience)}",
    )


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN"])
def test_a_body_with_a_number_json_has_not_is_refused_not_stored(client, number):
    """Python's json reads Infinity and NaN, which JSON has not; no database could store them
    (the fuzz test found the feedback's acceptedSuggestions a 500 on SQLite)."""
    item = {"card": str(uuid.uuid4()), "outcome": "accepted"}
    item["outcomeTimestamp"] = "2026-11-28T10:00:00Z"
    body = json.dumps({"feedback": [item]}).replace(
        "}]}", f', "acceptedSuggestions": [{number}]}}]}}'
    )
    response = client.post(
        "/cds-services/psychoplastogen-order/feedback",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token('psychoplastogen-order')}",
    )
    assert response.status_code == 400, response.content
    diagnostics = response.json()["issue"][0]["diagnostics"]
    assert "not valid JSON" in diagnostics
    assert number in diagnostics
    assert CardFeedback.objects.count() == 0


def test_feedback_records_accepted_and_overridden_cards(client):
    card = str(uuid.uuid4())
    body = {
        "feedback": [
            {"card": card, "outcome": "accepted", "outcomeTimestamp": "2026-11-28T10:00:00Z"},
            {
                "card": card,
                "outcome": "overridden",
                "outcomeTimestamp": "2026-11-28T10:01:00Z",
                "overrideReason": {
                    "reason": {"system": OWN + "/override-reason", "code": "medication-stopped"},
                    "userComment": "Lithium stopped last month",
                },
            },
        ]
    }
    service = "psychoplastogen-order"
    response = post_feedback(client, service, body)
    assert response.status_code == 200, response.content
    rows = list(CardFeedback.objects.order_by("outcome_at"))
    assert [(str(r.card), r.outcome, r.override_reason, r.client) for r in rows] == [
        (card, "accepted", "", ISSUER),
        (card, "overridden", "medication-stopped", ISSUER),
    ]
    assert rows[1].user_comment == "Lithium stopped last month"
    for code, said in ((["a", "list"], "none this service offers"), ("made-up", "made-up")):
        body["feedback"][1]["overrideReason"]["reason"]["code"] = code
        response = post_feedback(client, service, body)
        assert response.status_code == 400
        assert said in response.json()["issue"][0]["diagnostics"]
    assert CardFeedback.objects.count() == 2
    # A client may address the token to the feedback URL itself.
    body["feedback"] = body["feedback"][:1]
    feedback_url = f"http://testserver/cds-services/{service}/feedback"
    assert post_feedback(client, service, body, audience=feedback_url).status_code == 200
    assert CardFeedback.objects.count() == 3


def test_a_replayed_token_is_refused(client):
    service = "psychoplastogen-order"
    body = order_select(
        medication(ATC, "N01AX03", id="k1", status="draft"), conditions=[condition(ICD10, "F10.20")]
    )
    auth = f"Bearer {token(service)}"
    call(client, service, body, auth=auth)
    outcome = call(client, service, body, auth=auth, status=401)
    assert "already used" in outcome["issue"][0]["diagnostics"]
