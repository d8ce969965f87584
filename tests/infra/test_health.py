import pytest
from django.db import OperationalError

from evidence.models import Reference
from guidance.models import Guidance

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_the_database_and_the_content(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "content": "ok"}}


def test_readyz_names_the_content_that_is_missing(client):
    Guidance.objects.all().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["detail"] == "No content loaded for: guidance; run manage.py load_content."
    assert body["checks"] == {"database": "ok", "content": "missing guidance"}


def test_readyz_says_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(Reference.objects.all()), "exists", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"
    assert response["Content-Type"] == "application/json"


def test_health_endpoints_only_read(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/readyz").status_code == 200
