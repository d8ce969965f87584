import pytest

pytestmark = pytest.mark.django_db


def test_the_list_is_compact_with_parents_by_slug(client):
    body = client.get("/api/v1/disorders/", {"category": "substance_use"}).json()
    rows = {d["slug"]: d for d in body["results"]}
    assert set(rows) == {
        "alcohol-use-disorder",
        "cannabis-use-disorder",
        "cocaine-use-disorder",
        "substance-use-disorders",
    }
    assert rows["alcohol-use-disorder"]["parent"] == "substance-use-disorders"
    assert "habitual_patterns" not in rows["alcohol-use-disorder"]


def test_the_detail_groups_guidance_by_compound_then_phase(client):
    body = client.get("/api/v1/disorders/alcohol-use-disorder/").json()
    [ketamine] = body["guidance"]
    assert ketamine["compound"]["slug"] == "ketamine"
    assert list(ketamine["phases"]) == ["preparation", "medication_session", "integration"]
    integration = {g["modality"]["slug"]: g for g in ketamine["phases"]["integration"]}
    assert set(integration) == {"motivational-enhancement-therapy", "relapse-prevention-therapy"}
    met = integration["motivational-enhancement-therapy"]
    assert [r["seed_number"] for r in met["references"]] == [80]
    assert met["references"][0]["evidence_type"] == "randomized_pilot"
    assert met["strength"] == "trial"


def test_disorder_level_guidance_comes_first_under_a_null_compound(client):
    groups = client.get("/api/v1/disorders/major-depressive-disorder/").json()["guidance"]
    assert [g["compound"] and g["compound"]["slug"] for g in groups] == [None, "psilocybin"]
    modalities = {g["modality"]["slug"] for g in groups[0]["phases"]["integration"]}
    assert modalities == {"cognitive-behavioral-therapy", "behavioral-activation"}


def test_each_statement_carries_its_references_and_silence_is_null(client):
    body = client.get("/api/v1/disorders/chronic-pain/").json()
    assert body["habitual_patterns"] == {
        "text": None,
        "references": [],
        "provenance": None,
        "locator": [],
    }
    risk = body["plasticity_risk"]
    assert [r["seed_number"] for r in risk["references"]] == [55, 56, 57]
    assert risk["provenance"] == "article"
    assert len(risk["locator"]) == 1
    assert risk["locator"][0].startswith("Maladaptive plasticity also plays a role in chronic pain")
    summary = body["evidence_summary"]
    assert "reports no evidence on psychoplastogen treatment" in summary["text"]
    assert summary["provenance"] == "editorial"
    assert [r["short_citation"] for r in summary["references"]] == ["Jones (2025)"]
    assert "the editor concludes" in summary["locator"][-1]
    assert body["icd11_code"] == "MG30"
    assert body["guidance"] == []


def test_a_parent_lists_its_subtypes(client):
    body = client.get("/api/v1/disorders/substance-use-disorders/").json()
    assert [d["slug"] for d in body["subtypes"]] == [
        "alcohol-use-disorder",
        "cannabis-use-disorder",
        "cocaine-use-disorder",
    ]
    assert body["parent"] is None


def test_an_unknown_category_is_a_400_listing_the_categories(client):
    response = client.get("/api/v1/disorders/", {"category": "mood-ish"})
    assert response.status_code == 400
    assert "valid: mood, anxiety, trauma" in response.json()["category"][0]


def test_search_looks_in_the_patterns_and_risks(client):
    body = client.get("/api/v1/disorders/", {"search": "hallucinations"}).json()
    assert [d["slug"] for d in body["results"]] == ["schizophrenia"]
