import pytest

from tests.problems import messages, problem, valid

pytestmark = pytest.mark.django_db


def slugs(client, **params) -> list[str]:
    response = client.get("/api/v1/guidance/", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return [g["slug"] for g in response.json()["results"]]


def test_it_filters_by_disorder_and_compound(client):
    assert slugs(client, disorder="alcohol-use-disorder", compound="ketamine") == [
        "aud-ketamine-met-integration",
        "aud-ketamine-relapse-prevention-integration",
    ]


def test_it_filters_by_modality_and_phase(client):
    assert slugs(client, modality="psychoeducation", phase="preparation") == [
        "general-psychoeducation-preparation"
    ]


def test_it_filters_by_profile_factor_and_strength(client):
    assert slugs(client, profile_factor="dissociative-tendencies") == [
        "dissociative-tendencies-somatic-integration"
    ]
    assert slugs(client, strength="trial") == [
        "aud-ketamine-met-integration",
        "aud-ketamine-relapse-prevention-integration",
        "cocaine-ketamine-mbbm-integration",
        "ocd-ketamine-exposure-cbt-integration",
    ]


def test_the_list_is_compact_and_the_detail_carries_rationale_and_references(client):
    row = client.get("/api/v1/guidance/", {"compound": "mdma"}).json()["results"][0]
    assert "rationale" not in row
    assert "locator" not in row
    assert "certainty_rationale" not in row
    assert (row["provenance"], row["kind"], row["certainty"]) == (
        "article",
        "research_context",
        "very_low",
    )
    detail = client.get(row["url"]).json()
    assert detail["slug"] == "ptsd-mdma-multimodal-integration"
    assert detail["disorder"]["slug"] == "ptsd"
    assert "reports no trial of MDMA-assisted therapy for PTSD" in detail["rationale"]
    assert [r["seed_number"] for r in detail["references"]] == [13, 45, None]
    assert detail["references"][-1]["short_citation"] == "Jones (2025)"
    assert detail["provenance"] == "article"
    assert detail["strength"] == "proposal"
    assert detail["kind"] == "research_context"
    assert detail["direction"] == "for"
    assert detail["certainty"] == "very_low"
    assert "healthy adults (indirect)" in detail["certainty_rationale"]
    assert len(detail["locator"]) == 4
    assert "facilitate fear extinction learning (20, 45)" in detail["locator"][0]
    assert "hypothetical case of a combat veteran with PTSD" in detail["locator"][1]


def test_a_trial_pairing_is_graded_from_the_cited_paper(client):
    detail = client.get("/api/v1/guidance/aud-ketamine-met-integration/").json()
    assert detail["provenance"] == "cited_source"
    assert detail["kind"] == "research_context"
    assert detail["direction"] == "for"
    assert detail["certainty"] == "low"
    assert "randomized pilot trial (80; ceiling moderate)" in detail["certainty_rationale"]
    assert [r["seed_number"] for r in detail["references"]] == [80]
    assert detail["locator"] == [
        "[80] A single ketamine infusion combined with motivational enhancement therapy for "
        "alcohol use disorder: A randomized midazolam-controlled pilot trial"
    ]


def test_it_filters_by_provenance(client):
    editorial = client.get("/api/v1/guidance/", {"provenance": "editorial", "page_size": 100})
    rows = editorial.json()["results"]
    assert [g["slug"] for g in rows] == [
        "experiential-avoidance-act-integration",
        "low-motivation-met-integration",
        "negative-thought-patterns-cbt-integration",
    ]
    # An editor's inference is labelled as such, and graded very low whatever it cites.
    assert {(g["provenance"], g["strength"], g["certainty"]) for g in rows} == {
        ("editorial", "inferred", "very_low")
    }
    assert slugs(client, provenance="editorial") == slugs(client, strength="inferred")
    assert slugs(client, provenance="cited_source") == [
        "aud-ketamine-met-integration",
        "aud-ketamine-relapse-prevention-integration",
        "cocaine-ketamine-mbbm-integration",
        "mdd-psilocybin-act-integration",
        "ocd-ketamine-exposure-cbt-integration",
    ]
    # Each row has one provenance: the three lists partition the whole list.
    by_provenance = [
        slug
        for value in ("article", "cited_source", "editorial")
        for slug in slugs(client, provenance=value)
    ]
    assert sorted(by_provenance) == sorted(slugs(client))


def test_an_unknown_provenance_is_a_400_listing_the_provenances(client):
    body = problem(client.get("/api/v1/guidance/", {"provenance": "hearsay"}), 400)
    assert messages(body) == {
        "provenance": ["Unknown value 'hearsay'; valid: article, cited_source, editorial."]
    }
    assert valid(body, "provenance") == ["article", "cited_source", "editorial"]


def test_search_looks_in_rationales(client):
    assert slugs(client, search="midazolam") == ["aud-ketamine-met-integration"]


def test_ordering_by_strength_then_slug(client):
    ordered = slugs(client, ordering="strength,slug", disorder="major-depressive-disorder")
    assert ordered == [
        "mdd-psilocybin-act-integration",
        "mdd-behavioral-activation-integration",
        "mdd-cbt-integration",
    ]


def test_an_unknown_modality_is_a_400_listing_the_modalities(client):
    body = problem(client.get("/api/v1/guidance/", {"modality": "cbt"}), 400)
    message = messages(body)["modality"][0]
    assert "cognitive-behavioral-therapy" in valid(body, "modality")
    assert message.startswith("Unknown slug 'cbt'; valid: acceptance-and-commitment-therapy,")
    assert "cognitive-behavioral-therapy" in message
