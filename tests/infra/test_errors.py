"""The one rule for database failures under /api/, and every path that reaches it.

``infra.errors.database_error_response`` decides; a view's failure reaches it through
``DatabaseErrorMiddleware`` (DRF hands database errors back to Django), and the response cache's
own read of the content version reaches it directly. Each path has a test here.
"""

import pytest
from django.db import DataError, OperationalError, ProgrammingError
from django.test import Client, RequestFactory

from api.exceptions import exception_handler
from api.views.meta import MetaView
from infra import caching
from infra.errors import database_error_response
from infra.middleware import DatabaseErrorMiddleware

pytestmark = pytest.mark.django_db

UNAVAILABLE = {"detail": "The database is unavailable; try again in a few seconds."}


def failing_view(exc):
    def view(self, request):
        raise exc

    return view


def test_a_view_that_loses_the_database_answers_a_json_503_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(MetaView, "get", failing_view(OperationalError("server closed")))
    response = client.get("/api/v1/meta/")
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert response["Retry-After"] == "5"


def test_a_value_the_database_cannot_compare_is_the_client_s_400(client, monkeypatch):
    monkeypatch.setattr(MetaView, "get", failing_view(DataError("invalid byte sequence")))
    response = client.get("/api/v1/meta/")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("A value in the request cannot be compared")


def test_any_other_database_error_is_a_bug_and_a_json_500(monkeypatch):
    monkeypatch.setattr(MetaView, "get", failing_view(ProgrammingError("no such column")))
    response = Client(raise_request_exception=False).get("/api/v1/meta/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error; it has been logged."}


def test_the_cache_answers_503_when_it_cannot_read_the_content_version(client, monkeypatch):
    def lose_database():
        raise OperationalError("connection refused")

    monkeypatch.setattr(caching, "content_version_token", lose_database)
    response = client.get("/api/v1/compounds/")
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert response["Retry-After"] == "5"


def test_the_rule_maps_outages_and_bad_values_and_nothing_else():
    assert database_error_response(OperationalError()).status_code == 503
    assert database_error_response(DataError()).status_code == 400
    assert database_error_response(ProgrammingError()) is None
    assert database_error_response(ValueError()) is None


def test_drf_hands_database_errors_back_to_django_where_the_rule_lives():
    assert exception_handler(OperationalError("gone"), {}) is None
    assert exception_handler(DataError("bad"), {}) is None


def test_the_middleware_leaves_database_errors_outside_the_api_to_django():
    middleware = DatabaseErrorMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/admin/"), OperationalError()) is None
    response = middleware.process_exception(
        RequestFactory().get("/api/schema/"), OperationalError()
    )
    assert response.status_code == 503
