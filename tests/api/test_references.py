"""References: addressed by the number the article cites them by, or by DOI."""

import json
from pathlib import Path

import pytest

from evidence.models import Reference
from tests.problems import problem

pytestmark = pytest.mark.django_db

SEED = Path("/work/shared/seed/references.json")
ARTICLE_DOI = "10.3389/fpsyt.2025.1565852"


def seed_references() -> list[dict]:
    """The article's reference list, as parsed from the article (number, DOI, year)."""
    if not SEED.exists():
        pytest.skip(f"{SEED} is not here")
    return json.loads(SEED.read_text(encoding="utf-8"))["references"]


def test_reference_90_is_the_paper_the_article_cites_as_90(client):
    body = client.get("/api/v1/references/90/").json()
    assert body["seed_number"] == 90
    assert body["title"].startswith("The Yale Manual for psilocybin-Assisted Therapy")
    assert body["url"] == "http://testserver/api/v1/references/90/"
    assert "id" not in body


def test_every_numbered_reference_is_found_by_its_number_with_the_article_s_doi(client):
    for entry in seed_references():
        body = client.get(f"/api/v1/references/{entry['number']}/").json()
        assert body["seed_number"] == entry["number"]
        assert (body["doi"] or "").lower() == (entry["doi"] or "").lower(), entry["number"]
        assert body["year"] == entry["year"], entry["number"]
        assert body["url"] == f"http://testserver/api/v1/references/{entry['number']}/"


def test_the_article_itself_has_no_number_and_is_found_by_its_doi(client):
    body = client.get(f"/api/v1/references/{ARTICLE_DOI}/").json()
    assert body["seed_number"] is None
    assert body["doi"] == ARTICLE_DOI
    assert body["url"] == f"http://testserver/api/v1/references/{ARTICLE_DOI}/"
    assert body["short_citation"] == "Jones (2025)"
    source = client.get("/api/v1/meta/").json()["source"]
    assert source["url"] == body["url"]
    assert source["doi_url"] == body["doi_url"] == f"https://doi.org/{ARTICLE_DOI}"


@pytest.mark.parametrize("key", ["0", "96", "32767", "123456"])
def test_a_number_that_is_no_seed_number_is_a_404(client, key):
    response = client.get(f"/api/v1/references/{key}/")
    assert response.status_code == 404
    assert f"No reference with seed number or DOI '{key}'" in response.json()["detail"]


def test_the_list_filters_by_evidence_type(client):
    body = client.get(
        "/api/v1/references/", {"evidence_type": "randomized_controlled_trial"}
    ).json()
    assert [r["seed_number"] for r in body["results"]] == [45, 78, 81]


def test_the_list_filters_by_year(client):
    body = client.get("/api/v1/references/", {"year": 1970}).json()
    assert [r["seed_number"] for r in body["results"]] == [69, 70]


def test_a_year_that_is_not_a_whole_number_is_a_400(client):
    body = problem(client.get("/api/v1/references/", {"year": "1970.5"}), 400)
    assert body["errors"] == [
        {"parameter": "year", "message": "Enter a whole number.", "valid": None}
    ]


def test_the_detail_is_found_by_doi_whatever_its_case(client):
    body = client.get("/api/v1/references/10.1176/APPI.AJP.2019.19070684/").json()
    assert body["seed_number"] == 80
    assert body["evidence_type"] == "randomized_pilot"
    assert body["doi_url"] == "https://doi.org/10.1176/appi.ajp.2019.19070684"
    assert body["citation"].startswith("Dakwar E, Levin F, Hart CL")


def test_the_detail_is_found_by_seed_number_and_by_a_doi_with_parentheses(client):
    reference = Reference.objects.get(seed_number=73)
    by_number = client.get("/api/v1/references/73/").json()
    by_doi = client.get(f"/api/v1/references/{reference.doi}/").json()
    assert by_number == by_doi
    assert by_doi["doi"] == "10.1016/S2215-0366(23)00363-2"
    assert by_doi["url"] == "http://testserver/api/v1/references/73/"


def test_a_reference_without_a_doi_shows_where_to_read_it(client):
    body = client.get("/api/v1/references/", {"search": "Yale Manual"}).json()
    [manual] = body["results"]
    detail = client.get(manual["url"]).json()
    assert detail["doi"] is None
    assert detail["doi_url"] is None
    assert detail["source_url"].startswith("https://psyarxiv.com/")


def test_a_reference_with_a_doi_and_no_other_link_shows_null_not_an_empty_link(client):
    detail = client.get("/api/v1/references/73/").json()
    assert detail["source_url"] is None
    assert detail["doi_url"] == "https://doi.org/10.1016/S2215-0366(23)00363-2"


def test_an_unknown_doi_is_a_404_naming_it(client):
    response = client.get("/api/v1/references/10.9999/nothing/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith(
        "No reference with seed number or DOI '10.9999/nothing'"
    )


def test_ordering_by_year_descending(client):
    def years(**params) -> list[int]:
        found, page = [], 1
        while page:
            body = client.get(
                "/api/v1/references/", {"page_size": 100, "page": page, **params}
            ).json()
            found += body["results"]
            page = page + 1 if body["next"] else None
        assert body["count"] == len(found) == 102
        return [r["year"] for r in found]

    newest_first = years(ordering="-year")
    assert newest_first == sorted(newest_first, reverse=True)
    assert (newest_first[0], newest_first[-1]) == (2025, min(newest_first))
    assert years() != newest_first  # the default order is another one


def test_references_cannot_be_ordered_by_the_database_id_they_no_longer_show(client):
    response = client.get("/api/v1/references/", {"ordering": "id"})
    assert response.status_code == 400
    assert (
        "id"
        not in client.get("/api/v1/references/", {"ordering": "-seed_number"}).json()["results"][0]
    )
