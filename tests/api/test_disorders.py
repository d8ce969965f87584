import pytest

from disorders.models import Disorder
from tests.problems import messages, problem, valid

pytestmark = pytest.mark.django_db


def test_the_list_is_compact_and_links_each_parent(client):
    body = client.get("/api/v1/disorders/", {"category": "substance_use"}).json()
    rows = {d["slug"]: d for d in body["results"]}
    assert set(rows) == {
        "alcohol-use-disorder",
        "cannabis-use-disorder",
        "cocaine-use-disorder",
        "substance-use-disorders",
    }
    assert rows["alcohol-use-disorder"]["parent"] == {
        "slug": "substance-use-disorders",
        "name": "Substance use disorders",
        "url": "http://testserver/api/v1/disorders/substance-use-disorders/",
    }
    assert rows["substance-use-disorders"]["parent"] is None
    assert "habitual_patterns" not in rows["alcohol-use-disorder"]


def test_the_detail_groups_guidance_by_compound_then_phase(client):
    body = client.get("/api/v1/disorders/alcohol-use-disorder/").json()
    assert "guidance" not in body
    [ketamine] = body["guidance_by_compound"]
    assert ketamine["compound"]["slug"] == "ketamine"
    assert [(p["phase"], p["label"]) for p in ketamine["phases"]] == [
        ("preparation", "Preparation"),
        ("medication_session", "Medication session"),
        ("integration", "Integration"),
    ]
    assert [p["guidance"] for p in ketamine["phases"][:2]] == [[], []]
    integration = {g["modality"]["slug"]: g for g in ketamine["phases"][2]["guidance"]}
    assert set(integration) == {"motivational-enhancement-therapy", "relapse-prevention-therapy"}
    met = integration["motivational-enhancement-therapy"]
    assert [r["seed_number"] for r in met["references"]] == [80]
    assert met["references"][0]["evidence_type"] == "randomized_pilot"
    assert met["strength"] == "trial"
    # The same row, in the same shape, as the guidance resource shows it.
    assert met == client.get(met["url"]).json()


def test_disorder_level_guidance_comes_first_under_a_null_compound(client):
    body = client.get("/api/v1/disorders/major-depressive-disorder/").json()
    groups = body["guidance_by_compound"]
    assert [g["compound"] and g["compound"]["slug"] for g in groups] == [None, "psilocybin"]
    integration = next(p for p in groups[0]["phases"] if p["phase"] == "integration")
    modalities = {g["modality"]["slug"] for g in integration["guidance"]}
    assert modalities == {"cognitive-behavioral-therapy", "behavioral-activation"}


def test_each_statement_carries_its_references_and_silence_is_null(client):
    body = client.get("/api/v1/disorders/chronic-pain/").json()
    # The sources say nothing of chronic pain's habitual patterns: nothing is lost by null, as
    # the row holds no provenance, locator or reference for the empty statement either.
    assert body["habitual_patterns"] is None
    row = Disorder.objects.get(slug="chronic-pain")
    assert row.habitual_patterns == row.habitual_patterns_provenance == ""
    assert row.habitual_patterns_locator == ""
    assert not row.habitual_patterns_references.exists()
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
    assert body["guidance_by_compound"] == []


def test_icd11_code_is_the_first_exact_icd_11_code_and_null_without_one(client):
    rows = client.get("/api/v1/disorders/", {"page_size": 100}).json()["results"]
    codes = {row["slug"]: row["icd11_code"] for row in rows}
    assert (codes["chronic-pain"], codes["ptsd"]) == ("MG30", "6B40")
    # Alcohol use disorder's ICD-11 code names a narrower concept (alcohol dependence).
    assert codes["alcohol-use-disorder"] is None
    missing = {slug for slug, code in codes.items() if code is None}
    with_exact = Disorder.objects.filter(codes__system="icd-11", codes__match="exact")
    assert missing == set(
        Disorder.objects.exclude(pk__in=with_exact).values_list("slug", flat=True)
    )


def test_a_parent_lists_its_subtypes(client):
    body = client.get("/api/v1/disorders/substance-use-disorders/").json()
    assert [d["slug"] for d in body["subtypes"]] == [
        "alcohol-use-disorder",
        "cannabis-use-disorder",
        "cocaine-use-disorder",
    ]
    assert body["subtypes"][0] == {
        "slug": "alcohol-use-disorder",
        "name": "Alcohol use disorder",
        "url": "http://testserver/api/v1/disorders/alcohol-use-disorder/",
    }
    assert body["parent"] is None


def test_an_unknown_category_is_a_400_listing_the_categories(client):
    body = problem(client.get("/api/v1/disorders/", {"category": "mood-ish"}), 400)
    assert "valid: mood, anxiety, trauma" in messages(body)["category"][0]
    assert valid(body, "category")[:3] == ["mood", "anxiety", "trauma"]


def test_search_looks_in_the_patterns_and_risks(client):
    body = client.get("/api/v1/disorders/", {"search": "hallucinations"}).json()
    assert [d["slug"] for d in body["results"]] == ["schizophrenia"]
