import pytest

pytestmark = pytest.mark.django_db


def test_profile_factors_are_listed_with_descriptions(client):
    body = client.get("/api/v1/profile-factors/").json()
    assert {f["slug"] for f in body["results"]} == {
        "dissociative-tendencies",
        "experiential-avoidance",
        "low-motivation-for-change",
        "negative-thought-patterns",
    }


def test_a_profile_factor_lists_the_guidance_it_selects(client):
    body = client.get("/api/v1/profile-factors/dissociative-tendencies/").json()
    [row] = body["guidance"]
    assert row["modality"]["slug"] == "somatic-techniques"
    assert row["references"][0]["doi"] == "10.3389/fpsyt.2025.1565852"


def test_safety_statements_filter_by_severity_and_disorder(client):
    body = client.get(
        "/api/v1/safety-statements/", {"severity": "critical", "disorder": "ptsd"}
    ).json()
    assert [s["slug"] for s in body["results"]] == ["ptsd-fear-circuit-reinforcement"]


def test_a_safety_statement_carries_its_message_and_references(client):
    body = client.get("/api/v1/safety-statements/minimum-preparation-standard/").json()
    assert body["severity"] == "info"
    assert body["trigger"] == "always"
    assert body["compound_class"] is None
    assert body["provenance"] == "article"
    assert "psychoeducation" in body["message"]
    assert "for the ethical conduct of research" in body["message"]
    assert "does not present it as a clinical safety rule" in body["message"]
    assert [r["seed_number"] for r in body["references"]] == [75]
    assert body["locator"] == [
        "For ethical conduct of research, a minimum standard includes basic preparatory "
        "psychoeducation about the nature of the psychoactive experience (75)."
    ]


def test_what_only_ref_75_says_is_scoped_to_classic_psychedelics(client):
    body = client.get(
        "/api/v1/safety-statements/", {"provenance": "cited_source", "page_size": 100}
    ).json()
    rows = {s["slug"]: s for s in body["results"]}
    assert set(rows) == {
        "psychosis-history-screening",
        "session-safety-supervision",
        "psychotic-disorder-classic-psychedelic-exclusion",
    }
    assert {s["compound_class"] for s in rows.values()} == {"classic_psychedelic"}
    assert {(s["kind"], s["severity"]) for s in rows.values()} == {
        ("precaution", "caution"),
        ("standard", "caution"),
        ("contraindication", "critical"),
    }
    exclusion = rows["psychotic-disorder-classic-psychedelic-exclusion"]
    assert exclusion["disorder"]["slug"] == "schizophrenia"
    screening = client.get("/api/v1/safety-statements/psychosis-history-screening/").json()
    assert screening["compound"] is None
    assert [r["seed_number"] for r in screening["references"]] == [75]
    assert "the article itself gives no screening guidance" in screening["message"]
    assert screening["locator"][0] == "[75] Human hallucinogen research: guidelines for safety"
    removed = client.get("/api/v1/safety-statements/psychosis-history-exclusion/")
    assert removed.status_code == 404


def test_filtering_safety_by_compound_includes_what_is_scoped_to_its_class(client):
    def slugs(compound):
        body = client.get("/api/v1/safety-statements/", {"compound": compound}).json()
        return {row["slug"] for row in body["results"]}

    classic = {"psychosis-history-screening", "session-safety-supervision"}
    assert classic <= slugs("psilocybin")
    assert classic <= slugs("lsd")
    assert not classic & slugs("ketamine")
    assert not classic & slugs("mdma")
