import pytest

pytestmark = pytest.mark.django_db


def test_the_list_is_compact_and_links_to_each_detail(client):
    body = client.get("/api/v1/compounds/").json()
    assert body["count"] == 4
    assert [c["slug"] for c in body["results"]] == ["ketamine", "lsd", "mdma", "psilocybin"]
    mdma = body["results"][2]
    assert set(mdma) == {"slug", "name", "compound_class", "synonyms", "summary", "url"}
    assert mdma["synonyms"] == ["3,4-methylenedioxymethamphetamine"]
    assert mdma["url"] == "http://testserver/api/v1/compounds/mdma/"


def test_the_detail_groups_mechanisms_by_level_each_with_its_evidence(client):
    body = client.get("/api/v1/compounds/ketamine/").json()
    assert list(body["mechanisms"]) == ["molecular", "cellular", "network", "behavioral"]
    cellular = {m["mechanism"]["slug"]: m for m in body["mechanisms"]["cellular"]}
    pet = cellular["synaptic-density-human-pet"]
    assert pet["evidence_basis"] == "human"
    assert [r["seed_number"] for r in pet["references"]] == [38]
    assert pet["references"][0]["short_citation"] == "Holmes et al. (2022)"
    assert pet["references"][0]["doi"] == "10.1038/s41380-022-01465-2"
    assert pet["references"][0]["evidence_type"] == "human_imaging_study"
    assert cellular["dendritic-spine-density-synaptogenesis"]["evidence_basis"] == "preclinical"
    molecular = [m["mechanism"]["slug"] for m in body["mechanisms"]["molecular"]]
    assert "nmda-receptor-antagonism" in molecular


def test_the_detail_gives_the_plasticity_window_with_its_references(client):
    window = client.get("/api/v1/compounds/psilocybin/").json()["plasticity_window"]
    assert (window["min_hours"], window["max_hours"]) == (24, 72)
    assert 23 in [r["seed_number"] for r in window["references"]]


def test_lsd_has_no_window_and_says_why(client):
    window = client.get("/api/v1/compounds/lsd/").json()["plasticity_window"]
    assert window["min_hours"] is None
    assert "never names LSD" in window["statement"]


def test_the_summary_s_references_come_in_seed_order_with_the_article_last(client):
    references = client.get("/api/v1/compounds/mdma/").json()["references"]
    assert [r["seed_number"] for r in references] == [19, 42, 43, 45, 83]


def test_it_filters_by_class(client):
    body = client.get("/api/v1/compounds/", {"compound_class": "classic_psychedelic"}).json()
    assert [c["slug"] for c in body["results"]] == ["lsd", "psilocybin"]


def test_it_searches_synonyms(client):
    body = client.get("/api/v1/compounds/", {"search": "methylenedioxy"}).json()
    assert [c["slug"] for c in body["results"]] == ["mdma"]


def test_it_orders_by_name_descending(client):
    body = client.get("/api/v1/compounds/", {"ordering": "-name"}).json()
    assert [c["name"] for c in body["results"]] == ["Psilocybin", "MDMA", "LSD", "Ketamine"]


def test_an_unknown_slug_is_a_404_that_says_where_to_look(client):
    response = client.get("/api/v1/compounds/ketamin/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No compound with slug 'ketamin'; see /api/v1/compounds/ for all."
    }
