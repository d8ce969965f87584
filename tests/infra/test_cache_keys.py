"""The response cache's key is canonical and bounded: nobody can fill the cache with copies of an
answer, or push every useful answer out with a flood of unique requests."""

import pytest
from django.core.cache import caches

from infra import caching
from infra.caching import canonical_query, local_answers
from tests.infra.test_caching import REDIS_BACKEND

pytestmark = pytest.mark.django_db

LIST = "/api/v1/mechanisms/"


@pytest.fixture
def redis_cache(settings):
    """The shared Redis cache, as with REDIS_URL set, on a database of its own."""
    settings.CACHES = {
        "default": {
            **REDIS_BACKEND,
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": "cache-key-tests",
        }
    }
    settings.CONTENT_VERSION_IN_CACHE = True
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def stored_answers(cache) -> int:
    return len(cache.keys("api-response:*"))


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ("ordering=name&level=cellular", "level=cellular&ordering=name"),
        ("%6cevel=cellular", "level=cellular"),
        ("search=nmda+receptor", "search=nmda%20receptor"),
    ],
)
def test_equivalent_query_strings_share_one_answer(client, query, same_as):
    assert canonical_query(query) == canonical_query(same_as)
    first = client.get(f"{LIST}?{same_as}")
    second = client.get(f"{LIST}?{query}")
    assert first.status_code == second.status_code == 200
    assert second["ETag"] == first["ETag"]
    assert second.content == first.content


def test_repeated_values_keep_their_order_in_the_key():
    assert canonical_query("profile=b&disorder=x&profile=a") == "disorder=x&profile=b&profile=a"


def test_a_thousand_unique_variants_leave_the_cache_bounded(client, settings, redis_cache):
    settings.API_CACHE_VARIANTS_PER_PATH = 20
    caching.clear_local_answers()
    useful = client.get("/api/v1/disorders/ptsd/")
    assert stored_answers(redis_cache) == 1
    statuses = []
    for n in range(250):
        # Unknown parameters and languages: 400s, never stored.
        statuses.append(client.get(f"/api/schema/?lang=x{n}").status_code)
        statuses.append(client.get(f"{LIST}?utm_source={n}").status_code)
        # One answer, spelled in many ways: one entry.
        statuses.append(client.get(LIST, HTTP_ACCEPT=f"application/json; v={n}").status_code)
        # Valid and distinct (a free-text search): answered, stored up to the path's budget.
        statuses.append(client.get(LIST, {"search": f"term {n}"}).status_code)
    assert statuses.count(400) == 500
    assert statuses.count(200) == 500
    # The useful answer, the one spelled-many-ways list and at most 20 variants of the list path.
    assert stored_answers(redis_cache) <= 1 + 20
    assert len(local_answers().entries) <= 1 + 20
    again = client.get("/api/v1/disorders/ptsd/", HTTP_IF_NONE_MATCH=useful["ETag"])
    assert again.status_code == 304


def test_past_the_budget_answers_are_still_correct(client, settings):
    settings.API_CACHE_VARIANTS_PER_PATH = 1
    caching.clear_local_answers()
    client.get(LIST, {"level": "cellular"})
    network = client.get(LIST, {"level": "network"})
    assert network.status_code == 200
    assert {row["level"] for row in network.json()["results"]} == {"network"}
    assert len(local_answers().entries) == 1
