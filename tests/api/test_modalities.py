import pytest

from tests.problems import messages, problem, valid

pytestmark = pytest.mark.django_db


def test_it_filters_by_phase(client):
    body = client.get("/api/v1/modalities/", {"phase": "preparation"}).json()
    assert {m["slug"] for m in body["results"]} == {"psychoeducation", "preparatory-support"}
    assert all(
        m["phases"] == [{"phase": "preparation", "label": "Preparation"}] for m in body["results"]
    )


def test_it_filters_by_disorder_through_guidance_without_duplicates(client):
    body = client.get(
        "/api/v1/modalities/", {"disorder": "alcohol-use-disorder", "page_size": 50}
    ).json()
    assert [m["slug"] for m in body["results"]] == [
        "motivational-enhancement-therapy",
        "relapse-prevention-therapy",
    ]


def test_the_detail_gives_phases_techniques_and_paired_disorders(client):
    body = client.get("/api/v1/modalities/motivational-enhancement-therapy/").json()
    assert body["phases"] == [{"phase": "integration", "label": "Integration"}]
    assert body["phase_note"] is None
    assert body["minimum_standard_phase"] is None
    assert body["key_techniques"][0] == "Strengthening intrinsic motivation for change"
    assert [d["slug"] for d in body["disorders"]] == [
        "alcohol-use-disorder",
        "substance-use-disorders",
    ]
    rows = {g["slug"]: g for g in body["guidance"]}
    assert set(rows) == {
        "aud-ketamine-met-integration",
        "general-met-integration",
        "low-motivation-met-integration",
        "sud-met-integration",
    }
    trial = rows["aud-ketamine-met-integration"]
    assert trial["compound"]["slug"] == "ketamine"
    assert [r["seed_number"] for r in trial["references"]] == [80]
    assert (trial["provenance"], trial["certainty"]) == ("cited_source", "low")
    inferred = rows["low-motivation-met-integration"]
    assert (inferred["provenance"], inferred["strength"]) == ("editorial", "inferred")
    assert inferred["profile_factor"]["slug"] == "low-motivation-for-change"
    assert inferred["name"] == (
        "Motivational enhancement therapy (MET) in the integration phase, given low motivation "
        "for change"
    )
    # The same row, in the same shape, as the guidance resource shows it.
    assert trial == client.get(trial["url"]).json()


def test_the_minimum_standard_s_phase_is_given_and_others_are_null(client):
    body = client.get("/api/v1/modalities/psychoeducation/").json()
    assert body["minimum_standard_phase"] == "preparation"
    assert body["phases"] == [{"phase": "preparation", "label": "Preparation"}]


def test_a_phase_the_article_leaves_open_is_noted(client):
    body = client.get("/api/v1/modalities/somatic-techniques/").json()
    assert body["key_techniques"] == []
    assert "does not say in which phase" in body["phase_note"]


def test_an_unknown_phase_is_a_400_listing_the_phases(client):
    body = problem(client.get("/api/v1/modalities/", {"phase": "aftercare"}), 400)
    assert messages(body) == {
        "phase": ["Unknown value 'aftercare'; valid: preparation, medication_session, integration."]
    }
    assert valid(body, "phase") == ["preparation", "medication_session", "integration"]
