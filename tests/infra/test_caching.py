"""Response caching and conditional GET: correct first, fast second."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from content.versioning import CACHE_KEY, content_version_get
from guidance.models import Guidance
from tests.admin_forms import guidance_form

pytestmark = pytest.mark.django_db

URL = "/api/v1/disorders/ptsd/"
# The backend and options production uses with REDIS_URL (config.settings).
REDIS_BACKEND = {
    "BACKEND": "django_redis.cache.RedisCache",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
}


def test_a_repeated_request_is_answered_from_the_cache_with_only_the_version_read(
    client, django_assert_num_queries
):
    first = client.get(URL)
    with django_assert_num_queries(1):
        second = client.get(URL)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert second["ETag"] == first["ETag"]


def test_an_admin_edit_is_visible_on_the_next_request(client, editor):
    client.get(URL)
    row = Guidance.objects.get(slug="ptsd-mdma-multimodal-integration")
    change = reverse("admin:guidance_guidance_change", args=[row.pk])
    form = guidance_form(row, rationale="Rewritten in admin a moment ago.")
    assert editor.post(change, form).status_code == 302

    body = client.get(URL).json()
    [mdma] = [g for g in body["guidance"] if g["compound"] and g["compound"]["slug"] == "mdma"]
    assert mdma["phases"]["integration"][0]["rationale"] == "Rewritten in admin a moment ago."


def test_every_get_answer_carries_an_etag_and_public_cache_control(client):
    for url in [URL, "/api/v1/", "/api/v1/recommendations/matrix/", "/api/schema/"]:
        response = client.get(url)
        assert response["ETag"].startswith('"')
        assert response["Cache-Control"] == "public, no-cache"


def test_if_none_match_answers_304_without_a_body_while_content_is_unchanged(
    client, django_assert_num_queries
):
    etag = client.get(URL)["ETag"]
    with django_assert_num_queries(1):
        response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get(URL, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304


def test_after_a_change_the_old_etag_gets_the_new_answer(client):
    etag = client.get(URL)["ETag"]
    row = Guidance.objects.get(slug="ptsd-mdma-multimodal-integration")
    row.rationale = "Changed."
    row.save()
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_different_query_strings_never_share_an_entry(client):
    cellular = client.get("/api/v1/mechanisms/", {"level": "cellular"})
    network = client.get("/api/v1/mechanisms/", {"level": "network"})
    assert cellular.json() != network.json()
    assert cellular["ETag"] != network["ETag"]
    again = client.get("/api/v1/mechanisms/", {"level": "cellular"})
    assert again.json() == cellular.json()
    ketamine = client.get("/api/v1/recommendations/", {"disorder": "ptsd", "compound": "ketamine"})
    mdma = client.get("/api/v1/recommendations/", {"disorder": "ptsd", "compound": "mdma"})
    assert ketamine.json()["compound"]["slug"] == "ketamine"
    assert mdma.json()["compound"]["slug"] == "mdma"


def test_the_accept_header_is_part_of_the_key(client):
    assert client.get(URL, HTTP_ACCEPT="application/json").status_code == 200
    refused = client.get(URL, HTTP_ACCEPT="text/html")
    assert refused.status_code == 406
    assert refused.json()["detail"].startswith("Could not satisfy the request Accept header")
    json_etag = client.get(URL, HTTP_ACCEPT="application/json")["ETag"]
    assert client.get(URL, HTTP_ACCEPT="*/*")["ETag"] != json_etag


def test_answers_for_another_host_are_not_shared(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "api.example.org"]
    here = client.get("/api/v1/compounds/").json()["results"][0]["url"]
    there = client.get("/api/v1/compounds/", HTTP_HOST="api.example.org").json()["results"][0]
    assert here.startswith("http://testserver/")
    assert there["url"].startswith("http://api.example.org/")


def test_errors_are_neither_cached_nor_tagged(client):
    response = client.get("/api/v1/compounds/nothing/")
    assert response.status_code == 404
    assert "ETag" not in response
    assert client.get("/api/v1/compounds/", {"ordering": "x"}).status_code == 400


def test_head_is_answered_from_the_same_entry(client):
    etag = client.get(URL)["ETag"]
    response = client.head(URL)
    assert response.status_code == 200
    assert response["ETag"] == etag


def test_a_page_that_sets_a_cookie_is_never_public(client):
    response = client.get("/api/docs/")
    assert response.cookies
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response


def test_the_release_is_part_of_the_etag(client, settings):
    before = client.get(URL)["ETag"]
    settings.RELEASE = "another-release"
    after = client.get(URL)
    assert after["ETag"] != before
    assert client.get(URL, HTTP_IF_NONE_MATCH=before).status_code == 200


def test_the_shared_version_is_the_one_the_database_holds_at_commit(redis_cache):
    from content.versioning import _publish_committed_token, content_version_bump

    content_version_bump()
    newest = content_version_bump().token
    redis_cache.set(CACHE_KEY, "an-older-token")
    _publish_committed_token()
    assert redis_cache.get(CACHE_KEY) == newest


def test_writes_and_the_admin_bypass_the_cache(client, editor):
    client.get("/api/v1/compounds/")
    assert client.post("/api/v1/compounds/").status_code == 405
    admin_page = editor.get(reverse("admin:guidance_guidance_changelist"))
    assert admin_page.status_code == 200
    assert "ETag" not in admin_page
    assert "public" not in admin_page.get("Cache-Control", "")


def test_a_cached_answer_still_gets_cors_headers_for_each_origin(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    client.get("/api/v1/compounds/")
    allowed = client.get("/api/v1/compounds/", HTTP_ORIGIN="https://app.example.org")
    other = client.get("/api/v1/compounds/", HTTP_ORIGIN="https://elsewhere.example.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "Access-Control-Allow-Origin" not in other


def test_turning_the_cache_off_still_answers_and_tags(client, settings, django_assert_num_queries):
    settings.API_CACHE = False
    client.get(URL)
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert response["ETag"]


@pytest.fixture
def redis_cache(settings):
    """The shared Redis cache, as with REDIS_URL set, on a database of its own."""
    settings.CACHES = {
        "default": {
            **REDIS_BACKEND,
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "guidance-tests",
        }
    }
    settings.CONTENT_VERSION_IN_CACHE = True
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_with_redis_a_cached_answer_needs_no_database_at_all(
    client, redis_cache, django_assert_num_queries
):
    client.get(URL)
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200
    assert redis_cache.get(CACHE_KEY) == content_version_get().token


def test_with_redis_a_commit_publishes_the_new_version_to_every_process(
    client, redis_cache, django_capture_on_commit_callbacks
):
    before = client.get(URL)
    with django_capture_on_commit_callbacks(execute=True):
        row = Guidance.objects.get(slug="ptsd-mdma-multimodal-integration")
        row.rationale = "Seen by every process."
        row.save()
    assert redis_cache.get(CACHE_KEY) == content_version_get().token
    after = client.get(URL)
    assert after["ETag"] != before["ETag"]
    assert b"Seen by every process." in after.content


def test_with_redis_down_the_api_still_answers(client, settings, django_assert_num_queries):
    settings.CACHES = {"default": {**REDIS_BACKEND, "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.CONTENT_VERSION_IN_CACHE = True
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["slug"] == "ptsd"


def test_the_local_answer_store_keeps_to_its_byte_budget_least_recent_out_first():
    from infra.caching import LocalAnswers

    store = LocalAnswers(budget_bytes=10)
    store.put("a", (b"1234", []))
    store.put("b", (b"5678", []))
    assert store.get("a") is not None  # "a" is now the most recent
    store.put("c", (b"90ab", []))
    assert store.get("b") is None
    assert store.get("a") is not None
    assert store.get("c") is not None
    store.put("huge", (b"x" * 11, []))
    assert store.get("huge") is None
    assert store.size <= 10
