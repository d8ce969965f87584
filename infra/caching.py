"""Response caching, conditional GET and compression for the API, keyed by the content version.

Content changes only when an editor (or the loader) saves, so every GET answer under /api/ is a
pure function of the content version and the request. This middleware sits near the top of the
stack: a repeated request is answered from the cache without sessions, DRF, serializers or
content queries, and a request whose ``If-None-Match`` names the current ETag gets a 304 without
any body being built. A content write changes the version, so the very next request misses.

The key is canonical, so nobody can fill the cache with copies of one answer: the query string is
sorted and re-encoded one way (and unknown parameters are 400s, never cached), ``Accept`` is
reduced to the media type the view will actually serve (DRF's own negotiation over the view's
renderers, parameters ignored), and each path keeps at most API_CACHE_VARIANTS_PER_PATH variants
per content version in a process (free-text ``search`` values are legitimate and unbounded:
beyond the limit they are answered, not stored).

Answers are negotiated on two request headers, and say so in ``Vary: Accept, Accept-Encoding``:
the served media type is part of the cache key and of the ETag; ``Accept-Encoding`` picks gzip
or identity, each variant cached (in this process and the shared cache) under a key of its own,
so a warm answer is never compressed twice. The ETag names the variant the request negotiated
(``"<version>-<request>"`` for identity, ``"<version>-<request>-gzip"`` for gzip), even when a
small body is sent as it is, so one tag always means the same bytes, in every process.
"""

import functools
import gzip
import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from rest_framework.exceptions import NotAcceptable

from content.versioning import content_version_changed_at, content_version_token
from infra.errors import database_error_response, is_api

logger = logging.getLogger(__name__)

CACHED_METHODS = {"GET", "HEAD"}
Stored = tuple[bytes, list[tuple[str, str]]]
# Headers never stored with an answer: those describing the request that filled the cache (a
# cookie, the date), those describing the client (rate limits, set above this layer anyway), and
# the validators, which every answer gets afresh from ``Validators`` (see there).
UNSHARED_HEADERS = {
    "set-cookie",
    "date",
    "ratelimit",
    "ratelimit-policy",
    "retry-after",
    "etag",
    "last-modified",
    "cache-control",
}
# What an answer depends on besides its URL; a 304 repeats it, as RFC 9110 15.4.5 requires.
VARY = ("Accept", "Accept-Encoding")
IDENTITY, GZIP = "identity", "gzip"
# Below about 1 KB a body and its headers fit in one TCP segment compressed or not: gzip would
# save no packet and cost both ends CPU (its own header and trailer are 18 bytes besides).
MIN_COMPRESS_BYTES = 1024
# Each variant is compressed once per content version and then served from the cache, so the
# slowest level costs nothing per request (measured: as small as level 6 for most answers, 2%
# smaller for the 500 KB schema, which takes about 50 ms once).
GZIP_LEVEL = 9
# Single flight (ApiCacheMiddleware._render): how long a renderer holds the lock on an answer
# at most (a renderer that died is forgotten after this; gunicorn's timeout is 30 s), and how
# long others wait for its answer before rendering it themselves.
FILL_LOCK_SECONDS = 30
FILL_WAIT_SECONDS = 3.0
# What a stored answer holds (its headers, their order of layers), part of every key and ETag
# with the release: change it when that changes without a new release, so answers stored by the
# previous code (without the policy headers, say) are never replayed by the new.
CACHE_FORMAT = 2
# An Accept-Encoding qvalue (RFC 9110 12.4.2): 0 to 1 with at most three decimals.
QVALUE = re.compile(r"\A(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\Z")


def canonical_query(query_string: str) -> str:
    """The query string as part of a key: decoded, sorted by parameter name and encoded again one
    way, so ``?b=2&a=1``, ``?a=1&b=2`` and ``?%61=1&b=2`` share an entry. The values of one
    repeated parameter keep their order (the sort is stable), as a view may read them in order."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    pairs.sort(key=lambda pair: pair[0])
    return urlencode(pairs)


def negotiated_media_type(
    urlconf: str, path_info: str, query_string: str, accept: str
) -> str | None:
    """The media type the view at this path will answer this request with: DRF's negotiation
    (the view's own class) over the view's renderers, as the view will run it. None for a path
    no DRF view serves or an Accept it cannot satisfy (a 404 or 406, which is not cached)."""
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    view_class = getattr(match.func, "cls", None)
    if view_class is None or not hasattr(view_class, "renderer_classes"):
        return None
    format_parameter = None
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        if name == "format":
            format_parameter = value  # the last one, as QueryDict.get gives it
    return _negotiate(view_class, accept, format_parameter, match.kwargs.get("format"))


# Requests whose identity each process remembers (a flood of unique URLs only evicts), and the
# longest request it remembers: host, path, query and Accept together. Real clients send short
# ones; a longer request is worked out every time, so the memo holds at most about 2 MB per
# worker (a path can be 4 KB and an Accept 8 KB: 1,024 of those would pin tens of megabytes).
IDENTITIES_REMEMBERED = 1024
IDENTITY_REMEMBERED_CHARS = 1024


def request_identity(
    urlconf: str,
    stamp: str,
    scheme: str,
    host: str,
    path: str,
    path_info: str,
    query_string: str,
    accept: str,
) -> str | None:
    """What an API request's answer depends on: the digest that names the answer in keys and
    ETags, of the release and cache format (``stamp``), scheme, host, path, canonical query and
    the media type the view will serve; None when the request will not get a cacheable answer
    (no DRF view at the path, or an Accept it cannot satisfy).

    A pure function of its arguments, so remembered for short requests: a repeated request skips
    URL resolution, content negotiation, query parsing and hashing (together most of a warm
    answer's cost).
    """
    arguments = (urlconf, stamp, scheme, host, path, path_info, query_string, accept)
    length = len(host) + len(path) + len(path_info) + len(query_string) + len(accept)
    if length > IDENTITY_REMEMBERED_CHARS:
        return _request_identity(*arguments)
    return _remembered_identity(*arguments)


def _request_identity(
    urlconf: str,
    stamp: str,
    scheme: str,
    host: str,
    path: str,
    path_info: str,
    query_string: str,
    accept: str,
) -> str | None:
    media_type = negotiated_media_type(urlconf, path_info, query_string, accept)
    if media_type is None:
        return None
    request_id = "\n".join([stamp, scheme, host, path, canonical_query(query_string), media_type])
    return hashlib.sha256(request_id.encode("utf-8", "surrogateescape")).hexdigest()


_remembered_identity = functools.lru_cache(maxsize=IDENTITIES_REMEMBERED)(_request_identity)


# Clients send few distinct Accept values; bounded, so a flood of unique ones only evicts (each
# can be 8 KB: 256 of them are 2 MB at most).
@functools.lru_cache(maxsize=256)
def _negotiate(
    view_class: type, accept: str, format_parameter: str | None, format_suffix: str | None
) -> str | None:
    negotiation = view_class.content_negotiation_class()
    stand_in = SimpleNamespace(
        META={"HTTP_ACCEPT": accept},
        headers={"accept": accept},
        query_params={"format": format_parameter} if format_parameter else {},
    )
    renderers = [renderer() for renderer in view_class.renderer_classes]
    try:
        renderer, _ = negotiation.select_renderer(stand_in, renderers, format_suffix)
    except (NotAcceptable, Http404):  # the view answers this error itself
        return None
    return renderer.media_type


class VariantBudget:
    """How many variants of each path this process has stored under the current content version:
    at most ``limit``, so a flood of unique (valid) query strings on one path cannot evict every
    other path's answers. A new version starts every path afresh."""

    def __init__(self, limit: int):
        self.limit = limit
        self.token: str | None = None
        self.variants: dict[str, set[str]] = {}
        self.lock = threading.Lock()

    def admit(self, token: str, path: str, digest: str) -> bool:
        with self.lock:
            if token != self.token:
                self.token, self.variants = token, {}
            stored = self.variants.setdefault(path, set())
            if digest in stored:
                return True
            if len(stored) >= self.limit:
                return False
            stored.add(digest)
            return True


def cache_control() -> str:
    """Public, read-only content: any cache (a CDN too) may store it, and must revalidate by ETag
    once it is older than API_CACHE_MAX_AGE (0 by default: every time).

    ``max-age=0`` rather than ``no-cache`` or ``must-revalidate``: those forbid serving a stored
    answer the origin cannot confirm, while ``stale-if-error`` (RFC 5861) lets a CDN answer with
    the last content it saw for API_CACHE_STALE_IF_ERROR seconds when the service is down or
    failing. Content is published guidance that changes rarely, so the previous version beats an
    error; a normal request still revalidates every time, so a change is seen at once.
    """
    value = f"public, max-age={settings.API_CACHE_MAX_AGE}"
    if settings.API_CACHE_STALE_IF_ERROR:
        value += f", stale-if-error={settings.API_CACHE_STALE_IF_ERROR}"
    return value


@functools.lru_cache(maxsize=256)  # clients send few distinct values; parse each once
def negotiate_encoding(accept_encoding: str | None) -> str:
    """Pick ``gzip`` or ``identity`` for an Accept-Encoding header (RFC 9110 12.5.3).

    gzip when the client gives it (or ``x-gzip``, or ``*`` when gzip is not named) a qvalue
    above 0 and at least that of identity; identity otherwise. Identity is acceptable unless
    refused, but not preferred: ``gzip;q=0.5`` alone still gets gzip. A client that sends no
    Accept-Encoding at all gets identity: RFC 9110 would allow any coding, but such clients
    (curl, urllib) usually cannot decode one. A malformed qvalue counts as 0.
    """
    if not accept_encoding:
        return IDENTITY
    qualities: dict[str, float] = {}
    for member in accept_encoding.split(","):
        coding, *parameters = member.split(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if QVALUE.match(value) else 0.0
        qualities[coding] = quality
    wildcard = qualities.get("*")
    gzip_quality = qualities.get(GZIP, qualities.get("x-gzip", wildcard or 0.0))
    identity_quality = qualities.get(IDENTITY, wildcard or 0.0)
    if gzip_quality > 0 and gzip_quality >= identity_quality:
        return GZIP
    return IDENTITY


def gzip_body(body: bytes) -> bytes:
    """Gzip a body with a zero timestamp, so equal bodies give equal bytes in every process (one
    ETag, one meaning)."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def encoded(identity: Stored, coding: str) -> Stored:
    """The variant of a stored answer for a client that negotiated ``coding``: gzip when that
    was asked for and pays (the body is at least MIN_COMPRESS_BYTES and shrinks), else the
    identity answer itself."""
    body, headers = identity
    if coding != GZIP or len(body) < MIN_COMPRESS_BYTES:
        return identity
    compressed = gzip_body(body)
    if len(compressed) >= len(body):
        return identity
    kept = [(name, value) for name, value in headers if name.lower() != "content-length"]
    return compressed, [
        *kept,
        ("Content-Encoding", GZIP),
        ("Content-Length", str(len(compressed))),
    ]


def none_match(if_none_match: str, etag: str, *, any_is_enough: bool) -> bool:
    """Whether an If-None-Match value names ``etag``, by the weak comparison RFC 9110 13.1.2
    asks for: ``W/"x"`` matches ``"x"`` (nginx weakens a strong ETag when it gzips an answer).
    ``*`` matches only when ``any_is_enough``, that is once the answer is known to exist."""
    tags = parse_etags(if_none_match)
    if tags == ["*"]:
        return any_is_enough
    opaque = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == opaque for tag in tags)


def not_modified_since(request: HttpRequest, changed_at: datetime | None) -> bool:
    """Whether If-Modified-Since holds for content last changed at ``changed_at``; it counts only
    when If-None-Match is absent (RFC 9110 13.2.2) and is a valid HTTP-date (13.1.3).

    Last-Modified follows the content only: a release that changes an answer's shape without a
    content change is invisible to a client that revalidates by date alone. Clients holding an
    ETag send If-None-Match, which wins.
    """
    header = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if header is None or changed_at is None or "HTTP_IF_NONE_MATCH" in request.META:
        return False
    since = parse_http_date_safe(header)
    return since is not None and int(changed_at.timestamp()) <= since


@dataclass(frozen=True)
class Validators:
    """What a 200 and its 304 both say about the answer: ETag, Last-Modified, Cache-Control, Vary.

    Applied to every answer, fresh or replayed, and to every 304, so they can never disagree.
    """

    etag: str
    last_modified: str | None

    def apply(self, response: HttpResponse) -> HttpResponse:
        response["ETag"] = self.etag
        if self.last_modified:
            response["Last-Modified"] = self.last_modified
        response["Cache-Control"] = cache_control()
        if response.has_header("Vary"):
            patch_vary_headers(response, VARY)
        else:
            response["Vary"] = ", ".join(VARY)
        return response

    def not_modified(self) -> HttpResponse:
        """A 304: the validators and nothing else, not even a Content-Type."""
        return self.apply(HttpResponseNotModified())


def replayed(stored: Stored, validators: Validators) -> HttpResponse:
    """A stored answer, as a response with its headers and ``validators``.

    Django checks every header it is given (ASCII name, Latin-1 value, no newline), and a
    replayed answer has a dozen: measured in process, setting them one by one took about 8 of the
    33 microseconds a warm answer cost beyond the bare baseline (BENCHMARKS.md, sixth session).
    So the headers are set one by one, through those checks, once per stored headers,
    validators and Cache-Control (``_checked_headers``, a bounded memo), and the result is
    copied into each response: Django's ResponseHeaders keeps them in ``_store`` (lower-case
    name: (name, value)), which no public method fills without checking again. The response is
    the one setting them one by one would make, in the same order; tests/infra/test_caching.py
    compares the two, so a Django that keeps its headers otherwise fails there. The stored
    headers are tuples, as the cache's pickling keeps them, and so part of the memo's key."""
    response = HttpResponse(stored[0])
    response.headers._store.update(_checked_headers(tuple(stored[1]), validators, cache_control()))
    return response


@functools.lru_cache(maxsize=1024)
def _checked_headers(
    headers: tuple[tuple[str, str], ...], validators: Validators, cache_control_value: str
) -> dict[str, tuple[str, str]]:
    """The headers a replayed answer ends with, set one by one through Django's checks (see
    replayed). ``cache_control_value`` is not read here: it is what Validators.apply will set,
    part of the key so that a change of the settings makes a new entry."""
    return dict(with_stored_headers(HttpResponse(), headers, validators).headers._store)


def with_stored_headers(
    response: HttpResponse, headers: Iterable[tuple[str, str]], validators: Validators
) -> HttpResponse:
    """``response`` with a stored answer's ``headers`` and ``validators``, set one by one."""
    for name, value in headers:
        response[name] = value
    return validators.apply(response)


def content_changed_at(token: str) -> datetime | None:
    """When the content version ``token`` was made (see content_version_changed_at: on the warm
    path a dict look-up), or None when that cannot be told now: then the answer has no
    Last-Modified and If-Modified-Since is ignored, but it is still served."""
    try:
        return content_version_changed_at(token)
    except DatabaseError:
        logger.warning("Could not read the content version's time", exc_info=True)
        return None


@functools.lru_cache(maxsize=8)
def last_modified(changed_at: datetime) -> str:
    """The HTTP-date of a content version's time (formatted once per version, not per request)."""
    return http_date(changed_at.timestamp())


class LocalAnswers:
    """A small per-process LRU of rendered answers, in front of the shared cache.

    Keys carry the content version, so an entry can never be stale, only unused; keeping hot
    answers in the process saves fetching and unpickling their bodies from Redis on every hit.
    """

    def __init__(self, budget_bytes: int):
        self.budget = budget_bytes
        self.size = 0
        self.entries: OrderedDict[str, Stored] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Stored | None:
        with self.lock:
            stored = self.entries.get(key)
            if stored is not None:
                self.entries.move_to_end(key)
            return stored

    def put(self, key: str, stored: Stored) -> None:
        weight = len(stored[0])
        if weight > self.budget:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = stored
            self.size += weight
            while self.size > self.budget:
                _, evicted = self.entries.popitem(last=False)
                self.size -= len(evicted[0])


_local: LocalAnswers | None = None
_budget: VariantBudget | None = None


def local_answers() -> LocalAnswers:
    """The process's LRU of answers (created on first use, so tests can resize it)."""
    global _local
    if _local is None:
        _local = LocalAnswers(settings.API_CACHE_LOCAL_BYTES)
    return _local


def variant_budget() -> VariantBudget:
    """The process's count of stored variants per path (created on first use, as above)."""
    global _budget
    if _budget is None:
        _budget = VariantBudget(settings.API_CACHE_VARIANTS_PER_PATH)
    return _budget


def clear_local_answers() -> None:
    """Forget every answer this process holds (tests start from nothing)."""
    global _local, _budget
    _local = _budget = None
    _remembered_identity.cache_clear()
    _checked_headers.cache_clear()


class ApiCacheMiddleware:
    """Answer repeated API GETs from the cache, unchanged ones with 304, and gzip when asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method not in CACHED_METHODS or not is_api(request):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # Django answers this with a 400
        try:
            token = content_version_token()
        except DatabaseError as exc:
            response = database_error_response(exc)
            if response is None:
                raise
            return response

        stamp = f"{settings.RELEASE}/{CACHE_FORMAT}"
        digest = request_identity(
            getattr(request, "urlconf", None) or settings.ROOT_URLCONF,
            stamp,
            request.scheme,
            host,
            request.path,
            request.path_info,
            request.META.get("QUERY_STRING", ""),
            request.META.get("HTTP_ACCEPT", "*/*"),
        )
        if digest is None:
            return self.get_response(request)  # a 404 or 406 to come: nothing to cache or tag
        coding = negotiate_encoding(request.META.get("HTTP_ACCEPT_ENCODING"))
        etag = f'"{token[:16]}-{digest[:24]}{"-gzip" if coding == GZIP else ""}"'
        changed_at = content_changed_at(token)
        validators = Validators(etag, last_modified(changed_at) if changed_at else None)
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        # A tag this service issued names a 200 answer, so it can be answered before any body
        # is looked up; ``*`` and If-Modified-Since wait until the answer is known to be a 200.
        if if_none_match and none_match(if_none_match, etag, any_is_enough=False):
            return validators.not_modified()

        key = f"api-response:{stamp}:{token}:{digest}"
        request.content_version = token
        keep = variant_budget().admit(token, request.path, digest)
        response, stored = self._answer(request, key, coding, keep=keep)
        if stored is None:
            return response  # not a shared 200: an error, a stream or a page for one browser
        if (if_none_match and none_match(if_none_match, etag, any_is_enough=True)) or (
            not_modified_since(request, changed_at)
        ):
            return validators.not_modified()
        if response is None:
            return replayed(stored, validators)
        return with_stored_headers(response, stored[1], validators)

    def _answer(
        self, request: HttpRequest, key: str, coding: str, *, keep: bool
    ) -> tuple[HttpResponse | None, Stored | None]:
        """The stored variant of the answer for ``coding``, and the view's response when it had
        to be rendered now (with the variant's body). On a miss the identity answer, and the
        compressed one if asked for, are kept (when ``keep``: the path has room for the
        variant); a gzip miss compresses a cached identity answer rather than render again. No
        variant when the answer is not a shared 200."""
        variant_key = f"{key}:{GZIP}" if coding == GZIP else key
        stored = self._find(variant_key)
        if stored is not None:
            return None, stored
        identity = self._find(key) if coding == GZIP else None
        response = None
        if identity is None:
            response, identity = self._render(request, key, keep=keep)
            if identity is None:
                return response, None
        stored = encoded(identity, coding)
        if coding == GZIP and keep:
            self._keep(variant_key, stored)
        if response is not None and stored is not identity:
            response.content = stored[0]
        return response, stored

    def _render(
        self, request: HttpRequest, key: str, *, keep: bool
    ) -> tuple[HttpResponse | None, Stored | None]:
        """Render the identity answer and keep it (when ``keep``), one renderer per key at a
        time (single flight): after an edit every answer misses at once, and without this every
        worker asked for the same answer would render it, all at the moment the machine is
        busiest. The first takes a lock in the cache (``add``: Redis, so across processes; in
        the embedded default, across the threads of one process); the others wait for its
        answer (``_await_fill``), and render it themselves only if it does not come: the
        renderer failed, answered an error (never stored), or took longer than FILL_WAIT_SECONDS.
        While the cache is away nobody waits. The view's response is returned with the stored
        answer when it was rendered here; None when it came from another renderer."""
        lock = f"{key}:filling"
        shared = keep and settings.API_CACHE
        owner = os.urandom(8).hex()
        taken = _cache_call(cache.add, lock, owner, FILL_LOCK_SECONDS) if shared else None
        if taken is False:  # another renderer holds it (None: no cache to hold it, render)
            stored = self._await_fill(key, lock)
            if stored is not None:
                return None, stored
        try:
            response = self.get_response(request)
            if response.cookies or getattr(request, "_csp_nonce", None):
                # A page that sets a cookie (Swagger UI's CSRF token) is for this browser only,
                # and one whose scripts carry a Content-Security-Policy nonce (the docs pages;
                # django-csp sets ``_csp_nonce`` once a page asks for one) must never repeat it.
                # Nor is it compressed, as a secret in a compressed body leaks (BREACH).
                response["Cache-Control"] = "private, no-store"
                return response, None
            if response.status_code != 200 or response.streaming:
                return response, None
            identity = self._stored(response)
            if keep:
                self._keep(key, identity)
            return response, identity
        finally:
            # Let go only of this request's own lock: one that outlived FILL_LOCK_SECONDS may
            # be the next renderer's by now.
            if taken is True and _cache_call(cache.get, lock) == owner:
                _cache_call(cache.delete, lock)

    def _await_fill(self, key: str, lock: str) -> Stored | None:
        """Wait for another renderer's answer under ``key``: it, once stored; None once the lock
        is gone without one, or after FILL_WAIT_SECONDS. Polls with a doubling pause (2 ms to
        50 ms), so a wait costs a few cache reads, and a sync worker's wait leaves the CPU to
        the renderer."""
        deadline = time.monotonic() + FILL_WAIT_SECONDS
        pause = 0.002
        while time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            stored = self._find(key)
            if stored is not None:
                return stored
            if _cache_call(cache.get, lock) is None:
                return self._find(key)  # stored just before the lock went, or never
        return None

    @staticmethod
    def _find(key: str) -> Stored | None:
        """An answer from this process's LRU, else the shared cache (then kept locally)."""
        if not settings.API_CACHE:
            return None
        stored = local_answers().get(key)
        if stored is None and settings.CONTENT_VERSION_IN_CACHE:
            stored = _cache_call(cache.get, key)
            if stored is not None:
                local_answers().put(key, stored)
        return stored

    @staticmethod
    def _keep(key: str, stored: Stored) -> None:
        if settings.API_CACHE:
            local_answers().put(key, stored)
            if settings.CONTENT_VERSION_IN_CACHE:
                _cache_call(cache.set, key, stored, settings.API_CACHE_TIMEOUT)

    @staticmethod
    def _stored(response: HttpResponse) -> Stored:
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSHARED_HEADERS
        ]
        return response.content, headers


def _cache_call(method, *args):
    """Call the shared cache; an outage degrades to uncached answers, never to errors."""
    try:
        return method(*args)
    except Exception as error:  # the project's backend never raises; another one might
        logger.debug("Response cache unavailable: %r", error)
        return None
