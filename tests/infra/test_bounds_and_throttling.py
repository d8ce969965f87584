"""Guards on every API request: bounded query strings and per-client throttling."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_over_long_query_string_is_a_400(client):
    response = client.get("/api/v1/compounds/", {"search": "x" * 3000})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The query string is 3007 characters long; the limit is 2048."
    }


def test_too_many_parameters_is_a_400(client):
    query = "&".join(f"p{i}=1" for i in range(21))
    response = client.get(f"/api/v1/compounds/?{query}")
    assert response.status_code == 400
    assert response.json() == {"detail": "21 query parameters given; the limit is 20."}


def test_the_bounds_leave_pages_outside_the_api_alone(client):
    assert client.get("/healthz", {"x": "y" * 3000}).status_code == 200


def test_anonymous_clients_are_throttled_with_a_json_429_and_retry_after(client, settings):
    settings.THROTTLE = (3, 60)
    statuses = [client.get("/api/v1/compounds/").status_code for _ in range(3)]
    response = client.get("/api/v1/compounds/")
    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json() == {
        "detail": f"Request was throttled. Expected available in {response['Retry-After']} seconds."
    }


def test_throttling_counts_each_client_address_separately(client, settings):
    settings.THROTTLE = (1, 60)
    assert client.get("/api/v1/meta/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/v1/meta/", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get("/api/v1/meta/", REMOTE_ADDR="10.0.0.1").status_code == 429


def test_behind_proxies_the_client_is_the_address_they_forwarded(client, settings):
    settings.THROTTLE = (1, 60)
    settings.NUM_PROXIES = 1
    first = {"REMOTE_ADDR": "10.9.9.9", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    other = {"REMOTE_ADDR": "10.9.9.9", "HTTP_X_FORWARDED_FOR": "203.0.113.6"}
    assert client.get("/api/v1/meta/", **first).status_code == 200
    assert client.get("/api/v1/meta/", **other).status_code == 200
    assert client.get("/api/v1/meta/", **first).status_code == 429


def test_pages_outside_the_api_are_not_throttled(client, settings):
    settings.THROTTLE = (1, 60)
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
