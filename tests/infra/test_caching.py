"""Response caching, conditional GET and compression: correct first, fast second."""

import gzip
import json
import re
import threading
import time

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.http import http_date

from content import versioning
from content.versioning import CACHE_KEY, content_version_get
from guidance.models import Guidance
from infra import caching
from infra.caching import clear_local_answers, local_answers
from tests.admin_forms import guidance_form
from tests.concurrency import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def version_read_every_request(settings):
    """These tests count and break the version read each request makes; the memory that spares
    it between reads is tested in tests/content/test_version_memory.py."""
    settings.CONTENT_VERSION_MAX_STALENESS = 0


URL = "/api/v1/disorders/ptsd/"
# The backend and options production uses with REDIS_URL (config.settings).
REDIS_BACKEND = {
    "BACKEND": "infra.redis_cache.RedisCache",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.05, "SOCKET_TIMEOUT": 0.05},
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
    groups = body["guidance_by_compound"]
    [mdma] = [g for g in groups if g["compound"] and g["compound"]["slug"] == "mdma"]
    [integration] = [p for p in mdma["phases"] if p["phase"] == "integration"]
    assert integration["guidance"][0]["rationale"] == "Rewritten in admin a moment ago."


def test_every_get_answer_carries_an_etag_and_public_cache_control(client):
    for url in [URL, "/api/v1/", "/api/v1/recommendations/matrix/", "/api/schema/"]:
        response = client.get(url)
        assert response["ETag"].startswith('"')
        assert response["Cache-Control"] == "public, max-age=0, stale-if-error=86400"
        assert response["Vary"] == "Accept, Accept-Encoding, origin"


def test_cache_control_follows_the_max_age_and_stale_if_error_settings(client, settings):
    settings.API_CACHE_MAX_AGE = 300
    settings.API_CACHE_STALE_IF_ERROR = 0
    assert client.get(URL)["Cache-Control"] == "public, max-age=300"  # rendered
    assert client.get(URL)["Cache-Control"] == "public, max-age=300"  # replayed
    # Replayed again after the setting changed, though its headers are made once per answer
    # (caching.replayed).
    settings.API_CACHE_MAX_AGE = 60
    assert client.get(URL)["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("coding", ["identity", "gzip"])
@pytest.mark.parametrize(
    "url", [URL, "/api/v1/references/", "/api/v1/recommendations/?disorder=ptsd&compound=mdma"]
)
def test_a_replayed_answer_has_the_headers_of_the_rendered_one(client, url, coding):
    first = client.get(url, HTTP_ACCEPT_ENCODING=coding)  # rendered (or compressed) now
    replayed = client.get(url, HTTP_ACCEPT_ENCODING=coding)
    assert replayed.content == first.content
    assert dict(replayed.items()) == dict(first.items())
    assert replayed["Content-Type"] == "application/json"
    assert replayed["Vary"] == "Accept, Accept-Encoding, origin"
    assert replayed.get("Content-Encoding") == (None if coding == "identity" else "gzip")


def test_replayed_headers_are_those_set_one_by_one_through_django_s_checks():
    stored = (
        b'{"a": 1}',
        [("Content-Type", "application/json"), ("Allow", "GET, HEAD"), ("Vary", "Accept")],
    )
    validators = caching.Validators('"v-1"', "Sun, 29 Nov 2026 08:00:00 GMT")
    by_hand = HttpResponse(stored[0])
    for name, value in stored[1]:
        by_hand[name] = value
    validators.apply(by_hand)
    for _ in range(2):  # made once, then from the memo
        replayed = caching.replayed(stored, validators)
        assert list(replayed.items()) == list(by_hand.items())
        assert replayed.content == b'{"a": 1}'
        assert replayed["vary"] == "Accept, Accept-Encoding"
    # Each response has its own headers: changing one leaves the next untouched.
    replayed["Access-Control-Allow-Origin"] = "https://one.example"
    assert "Access-Control-Allow-Origin" not in caching.replayed(stored, validators)


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


def test_the_served_media_type_is_the_key_not_the_spelling_of_accept(client):
    refused = client.get(URL, HTTP_ACCEPT="text/html")
    assert refused.status_code == 406
    assert refused.json()["detail"].startswith("Could not satisfy the request Accept header")
    assert "ETag" not in refused
    spellings = ["application/json", "*/*", "application/json; indent=4", "application/*;q=0.5"]
    answers = [client.get(URL, HTTP_ACCEPT=accept) for accept in spellings]
    assert {answer["ETag"] for answer in answers} == {answers[0]["ETag"]}
    assert {answer.content for answer in answers} == {answers[0].content}


def test_each_media_type_the_schema_serves_is_its_own_entry(client):
    yaml = client.get("/api/schema/", HTTP_ACCEPT="application/yaml")
    as_json = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert yaml["Content-Type"].startswith("application/yaml")
    assert as_json["Content-Type"].startswith("application/json")
    assert yaml["ETag"] != as_json["ETag"]
    assert json.loads(as_json.content)["openapi"].startswith("3.1")


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


def test_a_page_whose_scripts_carry_a_nonce_gets_a_new_one_every_time(client):
    """ReDoc's inline script runs only with the response's CSP nonce: a cached page would repeat
    one nonce to everyone (or, replayed under a fresh policy, carry a nonce it does not name)."""
    nonces = []
    for _ in range(2):
        response = client.get("/api/redoc/")
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        [in_header] = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert re.findall(r'<script nonce="([^"]+)"', response.content.decode()) == [in_header]
        nonces.append(in_header)
    assert nonces[0] != nonces[1]


def test_a_cached_answer_keeps_the_policy_headers_it_was_rendered_with(client):
    """Content-Security-Policy and Permissions-Policy are added inside the cache and stored with
    the answer, so a replayed answer carries them as the first did."""
    first = client.get(URL)
    second = client.get(URL)
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options"):
        assert second[name] == first[name]
        assert second[name]
    assert "camera=()" in second["Permissions-Policy"]


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ({"HTTP_ACCEPT": "application/json"}, {"HTTP_ACCEPT": "text/html"}, 406),
        ({}, {"QUERY_STRING": "format=xml"}, 400),
        ({}, {"QUERY_STRING": "format=json"}, 200),
    ],
)
def test_a_remembered_request_identity_is_never_another_request_s(client, first, then, expected):
    """Each distinct request's key is worked out once and remembered (request_identity); a
    request that differs in Accept or ``format`` is still negotiated on its own."""
    assert client.get(URL, **first).status_code == 200
    response = client.get(URL, **then)
    assert response.status_code == expected
    if expected == 200:
        assert response["ETag"] != client.get(URL)["ETag"]


def test_long_requests_are_answered_but_not_remembered(client):
    """A flood of long unique requests (a 4 KB Accept each, or a long unknown path) cannot pin
    memory in the remembered identities; each is still negotiated and answered correctly."""
    client.get(URL)
    remembered = caching._remembered_identity.cache_info().currsize
    plain = client.get(URL)
    for number in range(20):
        accept = ", ".join(f"application/x-{number}-{n}-{'a' * 60}; q=0.1" for n in range(40))
        response = client.get(URL, HTTP_ACCEPT=f"{accept}, application/json")
        assert response.status_code == 200
        assert response.content == plain.content
        assert response["ETag"] == plain["ETag"]  # the same request, negotiated to JSON
        assert client.get(URL, HTTP_ACCEPT=accept).status_code == 406
        assert client.get(f"/api/v1/{'x' * 2000}{number}/").status_code == 404
    assert caching._remembered_identity.cache_info().currsize == remembered


def test_the_release_is_part_of_the_etag(client, settings):
    before = client.get(URL)["ETag"]
    settings.RELEASE = "another-release"
    after = client.get(URL)
    assert after["ETag"] != before
    assert client.get(URL, HTTP_IF_NONE_MATCH=before).status_code == 200


def test_answers_stored_in_another_cache_format_are_never_replayed(client, monkeypatch):
    """A deploy that changes what a stored answer holds without a new release (the policy
    headers moved inside the cache) bumps CACHE_FORMAT: the old answers are neither replayed
    nor confirmed by their ETag."""
    first = client.get(URL)
    answers = local_answers().entries
    old = b'{"stored": "by the previous code"}'
    for key, (_, headers) in list(answers.items()):
        answers[key] = (old, headers)
    assert client.get(URL).content == old  # what the previous format's answer would replay
    monkeypatch.setattr(caching, "CACHE_FORMAT", caching.CACHE_FORMAT + 1)
    after = client.get(URL)
    assert after.content == first.content
    assert after["ETag"] != first["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


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
    # From the database, so the queries show the answer is built each time, not replayed (built
    # from the read model it would run none either way).
    settings.API_READ_MODEL = False
    client.get(URL)
    with django_assert_num_queries(9):
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


# Conditional requests (RFC 9110 section 13).


def test_a_weak_etag_from_a_proxy_still_gets_a_304(client):
    """nginx turns a strong ETag into a weak one when it gzips; If-None-Match compares weakly."""
    etag = client.get(URL)["ETag"]
    response = client.get(URL, HTTP_IF_NONE_MATCH=f"W/{etag}")
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_if_none_match_star_is_a_304_only_for_an_answer_that_exists(client):
    assert client.get(URL, HTTP_IF_NONE_MATCH="*").status_code == 304
    missing = client.get("/api/v1/compounds/nothing/", HTTP_IF_NONE_MATCH="*")
    assert missing.status_code == 404


def test_a_304_says_what_the_200_says_and_has_no_content_type(client):
    fresh = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=fresh["ETag"])
    assert response.status_code == 304
    assert response.content == b""
    for name in ["ETag", "Vary", "Cache-Control", "Last-Modified"]:
        assert response[name] == fresh[name], name
    assert response["Vary"] == "Accept, Accept-Encoding, origin"
    assert "Content-Type" not in response
    assert "Content-Encoding" not in response


def test_last_modified_is_when_the_content_last_changed(client):
    changed_at = content_version_get().changed_at
    assert client.get(URL)["Last-Modified"] == http_date(changed_at.timestamp())
    row = Guidance.objects.get(slug="ptsd-mdma-multimodal-integration")
    row.rationale = "Changed."
    row.save()
    after = client.get(URL)["Last-Modified"]
    assert after == http_date(content_version_get().changed_at.timestamp())


def test_the_content_time_costs_no_query_beyond_the_version_read(
    client, monkeypatch, django_assert_num_queries
):
    etag = client.get(URL)["ETag"]
    monkeypatch.setattr(versioning, "_changed_at", {})  # a process that never saw this version
    with django_assert_num_queries(1):
        response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["Last-Modified"] == http_date(content_version_get().changed_at.timestamp())


def test_if_modified_since_is_a_304_until_the_content_changes(client):
    last_modified = client.get(URL)["Last-Modified"]
    unchanged = client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert unchanged.status_code == 304
    assert unchanged["Last-Modified"] == last_modified
    earlier = http_date(content_version_get().changed_at.timestamp() - 1)
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE="yesterday").status_code == 200
    missing = client.get("/api/v1/compounds/nothing/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert missing.status_code == 404


def test_if_none_match_wins_over_if_modified_since(client):
    last_modified = client.get(URL)["Last-Modified"]
    response = client.get(URL, HTTP_IF_NONE_MATCH='"old"', HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 200
    assert response.json()["slug"] == "ptsd"


# Compression.


def test_gzip_is_the_same_answer_compressed_with_its_own_etag(client):
    plain = client.get(URL)
    packed = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    assert int(packed["Content-Length"]) == len(packed.content)
    assert packed["Content-Type"] == plain["Content-Type"]
    assert packed["ETag"] != plain["ETag"]
    assert packed["Vary"] == plain["Vary"] == "Accept, Accept-Encoding, origin"
    assert client.get(URL, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    stale = client.get(URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [
        ("gzip", "gzip"),
        ("GZIP;q=1.0", "gzip"),
        ("x-gzip", "gzip"),
        ("*", "gzip"),
        ("br;q=1, gzip;q=0.5", "gzip"),
        ("identity;q=0", None),
        ("gzip;q=0", None),
        ("gzip;q=0, *", None),
        ("gzip;q=0.5, identity", None),
        ("gzip;q=2", None),
        ("br, deflate", None),
        ("", None),
    ],
)
def test_gzip_is_sent_only_when_accept_encoding_prefers_it(client, accept_encoding, expected):
    response = client.get(URL, HTTP_ACCEPT_ENCODING=accept_encoding)
    assert response.status_code == 200
    assert response.get("Content-Encoding") == expected
    body = gzip.decompress(response.content) if expected else response.content
    assert json.loads(body)["slug"] == "ptsd"


def test_without_accept_encoding_the_answer_is_not_compressed(client):
    assert "Content-Encoding" not in client.get(URL)


def test_a_small_body_is_not_compressed(client, monkeypatch):
    monkeypatch.setattr(caching, "MIN_COMPRESS_BYTES", 10**9)
    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in response
    assert response.json()["slug"] == "ptsd"
    assert response["ETag"].endswith('-gzip"')  # the tag names the variant asked for


def test_with_the_cache_off_gzip_is_still_negotiated(client, settings):
    settings.API_CACHE = False
    plain = client.get(URL)
    packed = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content


@pytest.fixture
def gzip_calls(monkeypatch):
    """Count the bodies the cache layer compresses."""
    calls = []

    def counting(body: bytes) -> bytes:
        calls.append(len(body))
        return gzip.compress(body, mtime=0)

    monkeypatch.setattr(caching, "gzip_body", counting)
    return calls


def test_a_compressed_answer_is_cached_and_never_compressed_again(client, gzip_calls):
    first = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    second = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    third = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, br")
    assert len(gzip_calls) == 1
    assert first.content == second.content == third.content
    assert second["Content-Encoding"] == "gzip"
    [key] = [key for key in local_answers().entries if key.endswith(":gzip")]
    assert local_answers().entries[key][0] == second.content


def test_with_redis_a_compressed_answer_is_shared_by_every_process(
    client, redis_cache, gzip_calls, django_assert_num_queries, monkeypatch
):
    first = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    # As if another process answered next: no answers and no version times in its memory.
    clear_local_answers()
    monkeypatch.setattr(versioning, "_changed_at", {})
    with django_assert_num_queries(0):
        second = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert len(gzip_calls) == 1
    assert second.content == first.content
    assert second["Content-Encoding"] == "gzip"
    assert second["Last-Modified"] == first["Last-Modified"]


def test_a_gzip_client_after_an_identity_one_reuses_the_rendered_answer(
    client, gzip_calls, django_assert_num_queries
):
    client.get(URL)
    with django_assert_num_queries(1):  # the version only: the body is compressed, not rebuilt
        packed = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert len(gzip_calls) == 1


# Single flight: after an edit, one renderer per answer ----------------------------------------


class SlowView:
    """A view that takes ``delay`` seconds and counts how often it ran (from any thread)."""

    def __init__(self, *, status: int = 200, delay: float = 0.3):
        self.status, self.delay = status, delay
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.calls += 1
            call = self.calls
        time.sleep(self.delay)
        return HttpResponse(
            f'{{"call": {call}}}', content_type="application/json", status=self.status
        )


def ask_at_once(view: SlowView, count: int) -> tuple[list, float]:
    """``count`` threads ask the cache middleware for the same answer at the same moment."""
    middleware = caching.ApiCacheMiddleware(view)
    factory = RequestFactory()
    barrier = threading.Barrier(count)
    responses = [None] * count

    def ask(index: int) -> None:
        barrier.wait()
        responses[index] = middleware(factory.get(URL))

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(count)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses, time.monotonic() - start


@pytest.fixture
def version_in_memory(settings):
    """The content version read once, here, and then served from memory for the test: the
    threads below never touch the database."""
    settings.CONTENT_VERSION_MAX_STALENESS = 1
    versioning.content_version_forget()
    versioning.content_version_token()


@pytest.mark.parametrize("shared", [False, True], ids=["embedded", "redis"])
def test_an_answer_missing_everywhere_is_rendered_once_for_every_waiting_request(
    request, shared, version_in_memory
):
    if shared:
        request.getfixturevalue("redis_cache")
    view = SlowView()
    responses, _ = ask_at_once(view, 6)
    assert view.calls == 1
    assert {r.status_code for r in responses} == {200}
    assert {r.content for r in responses} == {b'{"call": 1}'}
    assert len({r["ETag"] for r in responses}) == 1


def test_waiters_render_for_themselves_at_once_when_the_renderer_answers_an_error(
    version_in_memory,
):
    """Errors are never stored, so there is nothing to wait for: each request gets its own
    error as soon as the first renderer lets go, not after FILL_WAIT_SECONDS."""
    view = SlowView(status=400, delay=0.2)
    responses, elapsed = ask_at_once(view, 4)
    assert {r.status_code for r in responses} == {400}
    assert view.calls == 4
    assert elapsed < caching.FILL_WAIT_SECONDS / 2


def test_nobody_waits_while_the_cache_cannot_hold_the_lock(version_in_memory, monkeypatch):
    """A cache outage answers ``add`` with None (infra.redis_cache): every request renders, and
    none deletes a lock it never took."""
    backend = type(caches["default"])
    monkeypatch.setattr(backend, "add", lambda *args, **kwargs: None)
    deleted = []
    monkeypatch.setattr(backend, "delete", lambda self, key, *a: deleted.append(key) or None)
    view = SlowView(delay=0.2)
    responses, elapsed = ask_at_once(view, 4)
    assert view.calls == 4
    assert {r.status_code for r in responses} == {200}
    assert elapsed < 4 * 0.2
    assert not [key for key in deleted if key.endswith(":filling")]


@pytest.mark.parametrize("shared", [False, True], ids=["embedded", "redis"])
def test_a_renderer_that_outlived_its_lock_leaves_the_next_renderer_s_alone(
    request, shared, version_in_memory, monkeypatch
):
    """A render longer than FILL_LOCK_SECONDS loses its lock, and the next request takes it and
    renders; when the first finishes, the second's lock must still hold, or every request after
    it renders too."""
    cache = request.getfixturevalue("redis_cache") if shared else caches["default"]
    locks = []
    real_add = type(cache).add

    def add(self, key, *args, **kwargs):
        taken = real_add(self, key, *args, **kwargs)
        if key.endswith(":filling") and taken:
            locks.append(key)
        return taken

    monkeypatch.setattr(type(cache), "add", add)
    releases = [threading.Event(), threading.Event()]
    entered = []

    def view(request):  # each render waits until the test lets it finish
        entered.append(request)
        releases[len(entered) - 1].wait(10)
        return HttpResponse(b'{"call": 1}', content_type="application/json")

    middleware = caching.ApiCacheMiddleware(view)
    first = threading.Thread(target=middleware, args=(RequestFactory().get(URL),))
    second = threading.Thread(target=middleware, args=(RequestFactory().get(URL),))
    first.start()
    wait_until(lambda: locks, "the first render to take the lock")
    cache.delete(locks[0])  # as if the first render had outlived FILL_LOCK_SECONDS
    second.start()
    wait_until(lambda: len(entered) == 2, "the second render to start")
    releases[0].set()
    first.join(10)
    assert len(locks) == 2  # the second took the lock and renders
    assert cache.get(locks[-1]) is not None  # the second renderer's, still rendering
    releases[1].set()
    second.join(10)
    assert cache.get(locks[-1]) is None
