"""Co-medications: the six sources' pairs answer as their sources state, in the interaction
resources and in plans; a pair with no row says none is recorded, never that it is safe."""

import pytest

from medications.models import Interaction

pytestmark = pytest.mark.django_db

PLAN = "/api/v1/recommendations/"
# The medication classes, as issue 16 lists them, in slug order.
CLASSES = [
    "antipsychotic",
    "benzodiazepine",
    "lamotrigine",
    "lithium",
    "maoi",
    "snri",
    "ssri",
    "tricyclic",
]
NAYAK, HALMAN, SARPARAST = (
    "10.1055/a-1524-2794",
    "10.1177/02698811231211219",
    "10.1007/s00213-022-06083-y",
)
FEDUCCIA, BARBUT_SIVA = "10.1007/s00213-020-05710-w", "10.1177/02698811231224217"
ANDRASHKO = "10.3389/fpsyt.2020.00844"
# Every source, with the year interactions.md gives it.
SOURCES = {
    NAYAK: 2021,
    HALMAN: 2024,
    SARPARAST: 2022,
    FEDUCCIA: 2021,
    BARBUT_SIVA: 2024,
    ANDRASHKO: 2020,
}


def plan(client, disorder, compound, **params):
    response = client.get(PLAN, {"disorder": disorder, "compound": compound, **params})
    assert response.status_code == 200, response.content
    return response.json()


def dois(item) -> list[str]:
    return [reference["doi"] for reference in item["references"]]


def interactions(client, **params) -> dict[str, dict]:
    body = client.get("/api/v1/interactions/", {"page_size": 100, **params}).json()
    return {row["slug"]: row for row in body["results"]}


# The sources' pairs, as their sources state them ------------------------------------------


def test_the_six_sources_are_references_outside_the_article_with_their_dois_and_years(client):
    body = client.get("/api/v1/references/", {"origin": "outside_article", "page_size": 100}).json()
    assert {(r["doi"], r["year"]) for r in body["results"]} == set(SOURCES.items())
    assert {r["origin"] for r in body["results"]} == {"outside_article"}
    assert {r["seed_number"] for r in body["results"]} == {None}
    article = client.get("/api/v1/references/10.3389/fpsyt.2025.1565852/").json()
    assert article["origin"] == "article"
    assert client.get("/api/v1/references/90/").json()["origin"] == "article_reference"


def test_lithium_with_a_classic_psychedelic_is_a_cited_contraindication_in_the_plan(client):
    body = plan(client, "major-depressive-disorder", "psilocybin", medications="lithium")
    assert body["verdict"] == "contraindicated"
    [warning] = [w for w in body["contraindications"] if w["kind"] == "interaction"]
    assert warning["slug"] == "classic-psychedelics-lithium-seizures"
    assert warning["severity"] == "critical"
    assert warning["title"] == "Psilocybin with lithium: seizures"
    assert "associated with seizures" in warning["message"]
    assert dois(warning) == [NAYAK, HALMAN]
    assert warning["provenance"] == "cited_source"
    assert warning["url"].endswith("/api/v1/interactions/classic-psychedelics-lithium-seizures/")
    assert {
        key: warning["interaction"][key] for key in ("effect", "risk", "reliability", "management")
    } == {
        "effect": "seizure_risk",
        "risk": "dangerous",
        "reliability": "inferred",
        "management": None,
    }
    assert warning["interaction"]["medication_class"]["slug"] == "lithium"
    # The review that covers psilocybin with lithium, with no finding recorded, is a caution.
    [reviewed] = [w for w in body["warnings"] if w["kind"] == "interaction"]
    assert (reviewed["slug"], reviewed["severity"]) == ("psilocybin-lithium-reviewed", "caution")
    assert dois(reviewed) == [SARPARAST]


def test_lsd_shares_the_class_judgement_and_lamotrigine_is_no_association_not_safety(client):
    body = plan(client, "major-depressive-disorder", "lsd", medications="lamotrigine")
    assert body["verdict"] != "contraindicated"
    [warning] = [w for w in body["warnings"] if w["kind"] == "interaction"]
    assert warning["slug"] == "classic-psychedelics-lamotrigine-no-seizure-association"
    assert warning["interaction"]["effect"] == "no_seizure_association"
    assert warning["interaction"]["risk"] == "unknown"
    assert warning["severity"] == "caution"
    assert "not evidence that the combination is safe" in warning["message"]
    assert dois(warning) == [NAYAK]
    lithium = plan(client, "major-depressive-disorder", "lsd", medications="lithium")
    assert lithium["verdict"] == "contraindicated"


def test_mdma_with_an_ssri_warns_of_a_changed_treatment_response(client):
    body = plan(client, "ptsd", "mdma", medications="ssri")
    assert body["verdict"] == "pairing_evidence"
    [warning] = [w for w in body["warnings"] if w["kind"] == "interaction"]
    assert warning["slug"] == "mdma-ssri-altered-treatment-response"
    assert (warning["severity"], warning["interaction"]["risk"]) == ("caution", "caution")
    assert warning["interaction"]["effect"] == "altered_treatment_response"
    assert dois(warning) == [SARPARAST, FEDUCCIA]  # outside sources in the order they were added
    assert "different treatment response" in warning["message"]


def test_ketamine_with_a_benzodiazepine_warns_of_a_dampened_antidepressant_effect(client):
    body = plan(client, "major-depressive-disorder", "ketamine", medications="benzodiazepine")
    [warning] = [w for w in body["warnings"] if w["kind"] == "interaction"]
    assert warning["slug"] == "ketamine-benzodiazepine-attenuated-antidepressant-effect"
    assert warning["interaction"]["effect"] == "attenuated_therapeutic_effect"
    assert warning["interaction"]["reliability"] == "inferred"
    assert dois(warning) == [ANDRASHKO]
    assert "dampen its antidepressant effect" in warning["message"]


def test_serotonergic_antidepressants_change_a_classic_psychedelic_s_acute_experience(client):
    rows = interactions(client, compound="psilocybin", effect="altered_acute_effect")
    assert {row["medication_class"]["slug"] for row in rows.values()} == {
        "ssri",
        "snri",
        "maoi",
        "tricyclic",
    }
    for row in rows.values():
        assert row["slug"].startswith("classic-psychedelics-")
        assert "Editor's classification" in row["risk_basis"]
        assert dois(row) == [HALMAN, BARBUT_SIVA] or dois(row) == [BARBUT_SIVA, HALMAN]
        assert "change the acute subjective psychedelic experience" in row["summary"]


def test_a_pair_a_review_covers_without_a_recorded_finding_says_so_and_gives_no_risk(client):
    row = client.get("/api/v1/interactions/mdma-maoi-reviewed/").json()
    assert (row["effect"], row["risk"], row["reliability"]) == (
        "reviewed_no_finding_recorded",
        "unknown",
        None,
    )
    assert dois(row) == [SARPARAST]
    assert "not a statement that the combination is safe" in row["summary"]


def test_every_interaction_has_a_reference_outside_the_article_and_a_cited_source_locator(
    client,
):
    rows = interactions(client)
    assert len(rows) == Interaction.objects.count() > 0
    for row in rows.values():
        assert row["references"], row["slug"]
        assert {r["origin"] for r in row["references"]} == {"outside_article"}
        assert row["provenance"] == "cited_source"
        cited = {r["doi"] for r in row["references"]}
        assert row["locator"]
        assert {line[1:].split("]")[0] for line in row["locator"]} <= cited
        assert row["risk_basis"]
        assert row["management"] is None  # no source's summary gives advice


# None recorded is never "safe" ----------------------------------------------------------------


def test_a_pair_with_no_row_says_none_is_recorded_and_never_safe(client):
    body = plan(client, "major-depressive-disorder", "ketamine", medications="lithium")
    [item] = body["co_medications"]
    assert item["medication_class"]["slug"] == "lithium"
    assert (item["interactions_recorded"], item["interactions"]) == (False, [])
    assert item["message"] == (
        "No interaction of Ketamine with lithium is recorded in this service's sources. That is "
        "not a statement that the combination is safe."
    )
    assert not any(w["kind"] == "interaction" for w in body["warnings"] + body["contraindications"])
    assert "safe" not in item["message"].replace("not a statement that the combination is safe", "")


def test_co_medications_follow_the_order_asked_and_members_stand_for_their_class(client):
    body = plan(
        client,
        "ptsd",
        "mdma",
        medications=["sertraline", "lithium,escitalopram", "lamotrigine"],
    )
    assert [item["medication_class"]["slug"] for item in body["co_medications"]] == [
        "ssri",
        "lithium",
        "lamotrigine",
    ]
    assert body["co_medications"][2]["interactions_recorded"] is False
    assert [i["slug"] for i in body["co_medications"][1]["interactions"]] == [
        "mdma-lithium-reviewed"
    ]
    without = plan(client, "ptsd", "mdma")
    assert without["co_medications"] == []
    assert not any(w["kind"] == "interaction" for w in without["warnings"])


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "named"),
    [("aspirin", "'aspirin'"), ("ssri,", "An empty item"), ("SSRI", "'SSRI'")],
)
def test_an_unknown_medication_is_a_400_naming_the_valid_classes(client, value, named):
    response = client.get(PLAN, {"disorder": "ptsd", "compound": "mdma", "medications": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["parameter"] == "medications"
    assert named in error["message"]
    assert f"a medication class ({', '.join(CLASSES)})" in error["message"]
    assert error["valid"][: len(CLASSES)] == CLASSES
    assert "sertraline" in error["valid"]


def test_the_interactions_filter_rejects_an_unknown_medication_with_the_valid_ones(client):
    response = client.get("/api/v1/interactions/", {"medication": "aspirin"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["parameter"] == "medication"
    assert "Unknown medication 'aspirin'" in error["message"]
    assert "lithium" in error["valid"]


# The resources ----------------------------------------------------------------------------------


def test_interactions_filter_by_compound_through_its_class_and_by_a_member(client):
    rows = interactions(client, compound="lsd", medication="lithium")
    assert list(rows) == ["classic-psychedelics-lithium-seizures"]
    assert rows["classic-psychedelics-lithium-seizures"]["compound"] is None
    assert rows["classic-psychedelics-lithium-seizures"]["compound_class"] == "classic_psychedelic"
    assert list(interactions(client, compound="ketamine", medication="lorazepam")) == [
        "ketamine-benzodiazepine-attenuated-antidepressant-effect"
    ]
    assert interactions(client, compound="ketamine", medication="lithium") == {}
    assert set(interactions(client, risk="dangerous")) == {"classic-psychedelics-lithium-seizures"}


def test_medication_classes_list_their_members_with_atc_codes_and_where_they_were_checked(
    client,
):
    body = client.get("/api/v1/medications/").json()
    classes = {row["slug"]: row for row in body["results"]}
    assert list(classes) == sorted(classes, key=lambda slug: classes[slug]["name"])
    assert sorted(classes) == CLASSES
    ssri = client.get("/api/v1/medications/ssri/").json()
    assert ssri["atc_code"] == "N06AB"
    members = {m["slug"]: m for m in ssri["members"]}
    assert members["sertraline"]["atc_code"] == "N06AB06"
    assert "ATC/DDD" in members["sertraline"]["atc_source"]
    assert classes["maoi"]["atc_code"] is None  # spans N06AF and N06AG: no single class code
    assert {m["atc_code"] for m in classes["lithium"]["members"]} == {"N05AN01"}


def test_the_export_and_the_changes_carry_medications_and_interactions(client):
    export = client.get("/api/v1/export/").json()
    assert "classic-psychedelics-lithium-seizures" in export["interactions"]
    assert export["medications"]["ssri"]["members"][0]["slug"] == "citalopram"
    detail = client.get("/api/v1/interactions/classic-psychedelics-lithium-seizures/").json()
    assert export["interactions"]["classic-psychedelics-lithium-seizures"] == detail


# Editing ---------------------------------------------------------------------------------------


def test_an_interaction_edited_in_admin_changes_the_next_plan_only_after_review(
    client, django_user_model
):
    from django.test import Client
    from django.urls import reverse

    from content.models import Revision
    from content.roles import roles_sync
    from tests.admin_forms import REASON, change_page_data

    roles_sync({"writer": "editor", "checker": "reviewer"})
    writer, checker = Client(), Client()
    writer.force_login(django_user_model.objects.get(username="writer"))
    checker.force_login(django_user_model.objects.get(username="checker"))
    row = Interaction.objects.get(slug="classic-psychedelics-lithium-seizures")
    url = reverse("admin:medications_interaction_change", args=[row.pk])
    data = {**change_page_data(writer.get(url)), "change_reason": REASON, "risk": "unsafe"}
    assert writer.post(url, data).status_code == 302

    # Waiting for review: the plan still contraindicates psilocybin with lithium.
    before = plan(client, "major-depressive-disorder", "psilocybin", medications="lithium")
    assert before["verdict"] == "contraindicated"

    revision = Revision.objects.get()
    review = reverse("admin:content_revision_change", args=[revision.pk])
    assert checker.post(review, {"_approve": "1"}).status_code == 302
    after = plan(client, "major-depressive-disorder", "psilocybin", medications="lithium")
    assert after["verdict"] != "contraindicated"
    [warning] = [w for w in after["warnings"] if w["slug"] == row.slug]
    assert (warning["severity"], warning["interaction"]["risk"]) == ("critical", "unsafe")


def test_the_most_medications_and_factors_the_schema_allows_pass_the_parameter_limit(client):
    """Found by schemathesis: 19 repeated medications were schema-valid but over the limit of 20
    query parameters."""
    factors = ["dissociative-tendencies"] * 10
    medications = ["lithium", "ssri", "snri", "maoi", "tricyclic", "benzodiazepine"]
    medications += ["antipsychotic", "lamotrigine"]
    body = plan(client, "ptsd", "mdma", profile=factors, medications=medications)
    assert len(body["co_medications"]) == 8
    response = client.get(
        PLAN,
        {
            "disorder": "ptsd",
            "compound": "mdma",
            "medications": ",".join([*medications, "lithium"]),
        },
    )
    assert response.status_code == 400
    assert "At most 8 medications" in response.json()["errors"][0]["message"]
