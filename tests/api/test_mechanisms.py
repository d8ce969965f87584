import pytest

from tests.problems import messages, problem, valid

pytestmark = pytest.mark.django_db


def test_it_filters_by_level(client):
    body = client.get("/api/v1/mechanisms/", {"level": "network", "page_size": 100}).json()
    assert {m["slug"] for m in body["results"]} == {
        "global-connectivity-modularity",
        "dmn-limbic-connectivity",
    }


def test_it_filters_by_compound(client):
    body = client.get("/api/v1/mechanisms/", {"compound": "mdma", "page_size": 100}).json()
    assert {m["slug"] for m in body["results"]} == {
        "bdnf-trkb-signaling",
        "monoamine-modulation",
        "enhanced-synaptic-plasticity",
        "fear-extinction-learning",
    }


def test_filters_combine(client):
    behavioral = client.get("/api/v1/mechanisms/", {"level": "behavioral"}).json()
    assert [m["slug"] for m in behavioral["results"]] == [
        "fear-extinction-learning",
        "reduced-avoidance",
        "social-reward-learning",
    ]
    body = client.get("/api/v1/mechanisms/", {"compound": "mdma", "level": "behavioral"}).json()
    assert [m["slug"] for m in body["results"]] == ["fear-extinction-learning"]


def test_an_unknown_level_is_a_400_listing_the_levels(client):
    body = problem(client.get("/api/v1/mechanisms/", {"level": "genetic"}), 400)
    assert messages(body) == {
        "level": ["Unknown value 'genetic'; valid: molecular, cellular, network, behavioral."]
    }
    assert valid(body, "level") == ["molecular", "cellular", "network", "behavioral"]


def test_an_unknown_compound_is_a_400_listing_the_compounds(client):
    body = problem(client.get("/api/v1/mechanisms/", {"compound": "ayahuasca"}), 400)
    assert messages(body) == {
        "compound": ["Unknown slug 'ayahuasca'; valid: ketamine, lsd, mdma, psilocybin."]
    }
    assert valid(body, "compound") == ["ketamine", "lsd", "mdma", "psilocybin"]


def test_the_detail_lists_each_compound_with_its_evidence(client):
    body = client.get("/api/v1/mechanisms/fear-extinction-learning/").json()
    assert body["level"] == "behavioral"
    assert body["provenance"] == "article"
    assert [r["seed_number"] for r in body["references"]] == [20, 45]
    assert any("facilitate fear extinction learning (20, 45)" in line for line in body["locator"])
    [link] = body["compounds"]
    assert link["compound"]["slug"] == "mdma"
    assert link["evidence_basis"] == "human"
    assert [r["seed_number"] for r in link["references"]] == [45]
    assert link["provenance"] == "cited_source"
    assert "did not observe the hypothesized facilitation" in link["summary"]
    assert link["locator"][0].startswith("[45] A randomized controlled trial of")


def test_social_learning_is_linked_to_no_particular_compound(client):
    body = client.get("/api/v1/mechanisms/social-reward-learning/").json()
    assert [r["seed_number"] for r in body["references"]] == [20]
    assert "does not say which psychoplastogens" in body["description"]
    assert body["compounds"] == []


def test_it_searches_descriptions(client):
    body = client.get("/api/v1/mechanisms/", {"search": "positron emission"}).json()
    assert [m["slug"] for m in body["results"]] == ["synaptic-density-human-pet"]
