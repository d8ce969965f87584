"""The export: everything the list endpoints serve, in one document a client can start a copy from,
stamped with the content version, cacheable, and built in a fixed number of queries."""

from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.urls import router
from bench.synthetic import synthetic_content_create
from content.versioning import content_version_forget

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/export/"
RESOURCES = [prefix for prefix, _, _ in router.registry]


def listed(client, resource: str) -> dict[str, str]:
    """Every row the resource's list serves, paged through as a client would: key -> detail URL.

    The key is what the detail URL ends with (a slug, a reference's seed number or DOI)."""
    rows: dict[str, str] = {}
    url = f"/api/v1/{resource}/?page_size=100"
    while url:
        body = client.get(url).json()
        for row in body["results"]:
            key = unquote(row["url"].split(f"/api/v1/{resource}/", 1)[1].removesuffix("/"))
            rows[key] = row["url"]
        url = body["next"]
    return rows


def test_the_export_holds_exactly_the_rows_every_list_serves_each_as_its_detail(client):
    export = client.get(EXPORT).json()

    assert set(RESOURCES) <= set(export)
    assert len(RESOURCES) >= 8
    for resource in RESOURCES:
        rows = listed(client, resource)
        assert list(export[resource]) == list(rows), resource  # same rows, in the list's order
        for key, url in rows.items():
            assert export[resource][key] == client.get(url).json(), (resource, key)


def test_drafts_are_not_exported(client):
    from guidance.models import Guidance

    draft = Guidance.objects.first()
    draft.unpublish()
    draft.save()
    assert draft.slug not in client.get(EXPORT).json()["guidance"]


def test_the_export_is_stamped_with_the_content_version_source_and_licence(client):
    export = client.get(EXPORT).json()
    meta = client.get("/api/v1/meta/").json()

    assert export["content_version"] == meta["content_version"]
    assert export["content_changed_at"] == meta["content_changed_at"]
    assert export["source"] == meta["source"]
    assert "CC BY 4.0" in export["source"]["licence"]
    assert export["disclaimer"] == meta["disclaimer"]


def test_the_export_has_an_etag_and_answers_304_while_nothing_changed(client):
    first = client.get(EXPORT)
    assert first.status_code == 200
    assert first["ETag"]

    again = client.get(EXPORT, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_the_export_is_linked_from_the_root_and_strict_about_its_parameters(client):
    assert client.get("/api/v1/").json()["export"] == "http://testserver/api/v1/export/"
    assert client.get(EXPORT, {"format": "json"}).status_code == 200
    assert client.get(EXPORT, {"page": "1"}).status_code == 400


def export_queries(client) -> int:
    # The content version is read from the database at most every CONTENT_VERSION_MAX_STALENESS
    # seconds: forget it, so each count includes that read however slow the machine is.
    content_version_forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(EXPORT)
    assert response.status_code == 200
    return len(captured)


def test_the_export_runs_the_same_number_of_queries_at_ten_times_the_content(client, settings):
    settings.API_CACHE = False
    real = export_queries(client)
    synthetic_content_create(scale=10)

    assert export_queries(client) == real
    assert len(client.get(EXPORT).json()["guidance"]) > 100
