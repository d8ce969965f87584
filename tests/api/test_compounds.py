import pytest

from tests.problems import messages, problem

pytestmark = pytest.mark.django_db


def test_the_list_is_compact_and_links_to_each_detail(client):
    body = client.get("/api/v1/compounds/").json()
    assert body["count"] == 4
    assert [c["slug"] for c in body["results"]] == ["ketamine", "lsd", "mdma", "psilocybin"]
    mdma = body["results"][2]
    assert set(mdma) == {
        "slug",
        "name",
        "compound_class",
        "synonyms",
        "summary",
        "provenance",
        "codes",
        "url",
    }
    assert {(c["system"], c["code"]) for c in mdma["codes"]} >= {("pubchem-cid", "1615")}
    assert mdma["synonyms"] == ["3,4-methylenedioxymethamphetamine"]
    assert mdma["provenance"] == "article"
    assert mdma["url"] == "http://testserver/api/v1/compounds/mdma/"
    assert body["results"][1]["provenance"] == "cited_source"


def test_the_detail_groups_mechanisms_by_level_each_with_its_evidence(client):
    body = client.get("/api/v1/compounds/ketamine/").json()
    assert list(body["mechanisms"]) == ["molecular", "cellular", "network", "behavioral"]
    cellular = {m["mechanism"]["slug"]: m for m in body["mechanisms"]["cellular"]}
    pet = cellular["synaptic-density-human-pet"]
    assert pet["mechanism"] == {
        "slug": "synaptic-density-human-pet",
        "name": pet["mechanism"]["name"],
        "url": "http://testserver/api/v1/mechanisms/synaptic-density-human-pet/",
    }
    assert pet["evidence_basis"] == "human"
    assert [r["seed_number"] for r in pet["references"]] == [38]
    assert pet["references"][0]["short_citation"] == "Holmes et al. (2022)"
    assert pet["references"][0]["doi"] == "10.1038/s41380-022-01465-2"
    assert pet["references"][0]["evidence_type"] == "human_imaging_study"
    assert cellular["dendritic-spine-density-synaptogenesis"]["evidence_basis"] == "preclinical"
    molecular = [m["mechanism"]["slug"] for m in body["mechanisms"]["molecular"]]
    assert "nmda-receptor-antagonism" in molecular


def test_the_detail_gives_the_time_to_plasticity_but_no_window_length(client):
    plasticity = client.get("/api/v1/compounds/psilocybin/").json()["plasticity"]
    assert list(plasticity) == [
        "onset_hours",
        "window_duration_hours",
        "window_duration_note",
        "statement",
    ]
    assert plasticity["onset_hours"] == {"min": 24, "max": 72}
    assert plasticity["window_duration_hours"] is None
    assert "does not state how long the window" in plasticity["window_duration_note"]
    statement = plasticity["statement"]
    assert list(statement) == ["text", "references", "provenance", "locator"]
    assert "no time at which these effects end" in statement["text"]
    assert [r["seed_number"] for r in statement["references"]] == [23, 34, 35, 36, 37]
    assert statement["provenance"] == "article"
    assert any(
        "within 24 to 72 hours of a single administration" in line for line in statement["locator"]
    )


def test_lsd_has_no_time_to_plasticity_and_says_why(client):
    body = client.get("/api/v1/compounds/lsd/").json()
    plasticity = body["plasticity"]
    assert plasticity["onset_hours"] is None
    assert plasticity["window_duration_hours"] is None
    assert "for LSD or for any other compound" in plasticity["window_duration_note"]
    assert "never names LSD" in plasticity["statement"]["text"]
    assert body["provenance"] == "cited_source"
    assert [r["seed_number"] for r in body["references"]] == [69, 70, 71]
    assert all(line.endswith("(title, references.json)") for line in body["locator"])


def test_the_summary_s_references_come_in_seed_order_with_the_article_last(client):
    body = client.get("/api/v1/compounds/mdma/").json()
    assert [r["seed_number"] for r in body["references"]] == [20, 42, 43, 45]
    assert body["provenance"] == "article"
    assert "(20, 45)" in body["locator"][1]
    plasticity = body["plasticity"]["statement"]
    assert [r["seed_number"] for r in plasticity["references"]] == [23, None]
    assert plasticity["references"][-1]["short_citation"] == "Jones (2025)"


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
    body = problem(client.get("/api/v1/compounds/ketamin/"), 404, "not-found")
    assert body["detail"] == "No compound with slug 'ketamin'; see /api/v1/compounds/ for all."


def test_it_filters_by_provenance(client):
    cited = client.get("/api/v1/compounds/", {"provenance": "cited_source"}).json()
    assert [c["slug"] for c in cited["results"]] == ["lsd"]
    # A compound matches when any of its statements has the provenance: LSD's summary rests on
    # cited titles, but its plasticity statement is the article's.
    article = client.get("/api/v1/compounds/", {"provenance": "article"}).json()
    assert [c["slug"] for c in article["results"]] == ["ketamine", "lsd", "mdma", "psilocybin"]
    editorial = client.get("/api/v1/compounds/", {"provenance": "editorial"}).json()
    assert editorial["results"] == []
    body = problem(client.get("/api/v1/compounds/", {"provenance": "hearsay"}), 400)
    assert messages(body) == {
        "provenance": ["Unknown value 'hearsay'; valid: article, cited_source, editorial."]
    }
