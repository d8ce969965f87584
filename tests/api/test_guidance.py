import pytest

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
        "cannabis-ketamine-met-integration",
        "cannabis-ketamine-relapse-prevention-integration",
        "cocaine-ketamine-mbbm-integration",
        "ocd-ketamine-exposure-cbt-integration",
    ]


def test_the_list_is_compact_and_the_detail_carries_rationale_and_references(client):
    row = client.get("/api/v1/guidance/", {"compound": "mdma"}).json()["results"][0]
    assert "rationale" not in row
    detail = client.get(row["url"]).json()
    assert detail["disorder"]["slug"] == "ptsd"
    assert "phase 3 trials" in detail["rationale"]
    assert [r["seed_number"] for r in detail["references"]] == [83]


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
    response = client.get("/api/v1/guidance/", {"modality": "cbt"})
    assert response.status_code == 400
    message = response.json()["modality"][0]
    assert message.startswith("Unknown slug 'cbt'; valid: acceptance-and-commitment-therapy,")
    assert "cognitive-behavioral-therapy" in message
