import pytest

from evidence.models import Reference

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_evidence_type(client):
    body = client.get(
        "/api/v1/references/", {"evidence_type": "randomized_controlled_trial"}
    ).json()
    assert [r["seed_number"] for r in body["results"]] == [45, 78, 81]


def test_the_list_filters_by_year(client):
    body = client.get("/api/v1/references/", {"year": 1970}).json()
    assert [r["seed_number"] for r in body["results"]] == [69, 70]


def test_a_year_that_is_not_a_whole_number_is_a_400(client):
    response = client.get("/api/v1/references/", {"year": "1970.5"})
    assert response.status_code == 400
    assert response.json() == {"year": ["Enter a whole number."]}


def test_the_detail_is_found_by_doi_whatever_its_case(client):
    body = client.get("/api/v1/references/10.1176/APPI.AJP.2019.19070684/").json()
    assert body["seed_number"] == 80
    assert body["evidence_type"] == "randomized_pilot"
    assert body["doi_url"] == "https://doi.org/10.1176/appi.ajp.2019.19070684"
    assert body["citation"].startswith("Dakwar E, Levin F, Hart CL")


def test_the_detail_is_found_by_id_and_by_a_doi_with_parentheses(client):
    reference = Reference.objects.get(seed_number=73)
    by_id = client.get(f"/api/v1/references/{reference.pk}/").json()
    by_doi = client.get(f"/api/v1/references/{reference.doi}/").json()
    assert by_id == by_doi
    assert by_doi["doi"] == "10.1016/S2215-0366(23)00363-2"


def test_a_reference_without_a_doi_shows_where_to_read_it(client):
    body = client.get("/api/v1/references/", {"search": "Yale Manual"}).json()
    [manual] = body["results"]
    detail = client.get(manual["url"]).json()
    assert detail["doi"] is None
    assert detail["source_url"].startswith("https://psyarxiv.com/")


def test_an_unknown_doi_is_a_404_naming_it(client):
    response = client.get("/api/v1/references/10.9999/nothing/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No reference with id or DOI '10.9999/nothing'")


def test_ordering_by_year_descending(client):
    def years(**params) -> list[int]:
        body = client.get("/api/v1/references/", {"page_size": 100, **params}).json()
        assert body["count"] == len(body["results"]) == 96
        return [r["year"] for r in body["results"]]

    newest_first = years(ordering="-year")
    assert newest_first == sorted(newest_first, reverse=True)
    assert (newest_first[0], newest_first[-1]) == (2025, min(newest_first))
    assert years() != newest_first  # the default order is another one
