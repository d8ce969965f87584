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
    assert body["severity"] == "critical"
    assert body["trigger"] == "always"
    assert "psychoeducation" in body["message"]
    assert [r["seed_number"] for r in body["references"]] == [75]
