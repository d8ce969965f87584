"""Guards on every API request: bounded query strings and per-client throttling."""

from types import SimpleNamespace

import pytest

from infra import throttling
from infra.caching import local_answers
from tests.problems import problem

pytestmark = pytest.mark.django_db


def test_an_over_long_query_string_is_a_400(client):
    response = client.get("/api/v1/compounds/", {"search": "x" * 3000})
    body = problem(response, 400, "query-too-long")
    assert body["detail"] == "The query string is 3007 characters long; the limit is 2048."


def test_too_many_parameters_is_a_400(client):
    query = "&".join(f"p{i}=1" for i in range(21))
    response = client.get(f"/api/v1/compounds/?{query}")
    body = problem(response, 400, "too-many-parameters")
    assert body["detail"] == "21 query parameters given; the limit is 20."


def test_the_bounds_leave_pages_outside_the_api_alone(client):
    assert client.get("/healthz", {"x": "y" * 3000}).status_code == 200


def test_anonymous_clients_are_throttled_with_a_problem_429_and_retry_after(client, settings):
    settings.THROTTLE = (3, 60)
    statuses = [client.get("/api/v1/compounds/").status_code for _ in range(3)]
    response = client.get("/api/v1/compounds/")
    assert statuses == [200, 200, 200]
    body = problem(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert body["detail"] == (
        f"Request was throttled. Expected available in {response['Retry-After']} seconds."
    )


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


def rate_limit(response) -> tuple[int, int]:
    """The remaining count and the seconds left from a ``RateLimit: "default";r=N;t=S`` field."""
    name, *parameters = response["RateLimit"].split(";")
    assert name == '"default"'
    values = dict(parameter.split("=") for parameter in parameters)
    assert set(values) == {"r", "t"}
    return int(values["r"]), int(values["t"])


def test_every_api_answer_tells_the_client_its_quota_fresh_cached_or_304(client, settings):
    settings.THROTTLE = (4, 60)
    fresh = client.get("/api/v1/compounds/")
    cached = client.get("/api/v1/compounds/")
    not_modified = client.get("/api/v1/compounds/", HTTP_IF_NONE_MATCH=cached["ETag"])
    missing = client.get("/api/v1/compounds/nothing/")
    assert [r.status_code for r in (fresh, cached, not_modified, missing)] == [200, 200, 304, 404]
    for response in (fresh, cached, not_modified, missing):
        assert response["RateLimit-Policy"] == '"default";q=4;w=60'
    assert [rate_limit(r)[0] for r in (fresh, cached, not_modified, missing)] == [3, 2, 1, 0]
    assert all(0 < rate_limit(r)[1] <= 60 for r in (fresh, cached, not_modified, missing))


def test_a_429_carries_the_quota_and_a_retry_after_that_matches_it(client, settings, monkeypatch):
    settings.THROTTLE = (1, 60)
    # 9.5 seconds before a minute ends: the window closes in 10 whole seconds.
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: 1_000_000_010.5))
    assert rate_limit(client.get("/api/v1/meta/")) == (0, 10)
    response = client.get("/api/v1/meta/")
    assert response.status_code == 429
    assert response["RateLimit-Policy"] == '"default";q=1;w=60'
    assert rate_limit(response) == (0, 10)
    assert response["Retry-After"] == "10"


def test_the_quota_is_per_client_and_never_replayed_from_the_cache(client, settings):
    settings.THROTTLE = (5, 60)
    for _ in range(3):
        client.get("/api/v1/meta/", REMOTE_ADDR="10.0.0.1")
    other = client.get("/api/v1/meta/", REMOTE_ADDR="10.0.0.2")
    assert rate_limit(other)[0] == 4
    stored = [headers for _, headers in local_answers().entries.values()]
    assert stored
    assert not [name for headers in stored for name, _ in headers if "ratelimit" in name.lower()]


def test_with_throttling_off_there_is_no_quota_to_tell(client, settings):
    settings.THROTTLE = None
    response = client.get("/api/v1/compounds/")
    assert "RateLimit" not in response
    assert "RateLimit-Policy" not in response
