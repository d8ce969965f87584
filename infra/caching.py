"""Response caching and conditional GET for the API, keyed by the content version.

Content changes only when an editor (or the loader) saves, so every GET answer under /api/ is a
pure function of the content version and the request. This middleware sits near the top of the
stack: a repeated request is answered from the cache without sessions, DRF, serializers or
content queries, and a request whose ``If-None-Match`` names the current ETag gets a 304 without
any body being built. A content write changes the version, so the very next request misses.
"""

import hashlib
import logging
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from content.versioning import content_version_token
from infra.errors import database_error_response, is_api

logger = logging.getLogger(__name__)

CACHED_METHODS = {"GET", "HEAD"}
Stored = tuple[bytes, list[tuple[str, str]]]
# Headers that describe the request that filled the cache, not the answer; never replayed.
UNSHARED_HEADERS = {"set-cookie", "date"}


def cache_control() -> str:
    """Public, read-only content: shared caches may store it and must revalidate by ETag."""
    if settings.API_CACHE_MAX_AGE:
        return f"public, max-age={settings.API_CACHE_MAX_AGE}"
    return "public, no-cache"


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


def local_answers() -> LocalAnswers:
    """The process's LRU of answers (created on first use, so tests can resize it)."""
    global _local
    if _local is None:
        _local = LocalAnswers(settings.API_CACHE_LOCAL_BYTES)
    return _local


def clear_local_answers() -> None:
    """Forget every answer this process holds (tests start from nothing)."""
    global _local
    _local = None


class ApiCacheMiddleware:
    """Answer repeated API GETs from the cache and unchanged ones with 304."""

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

        request_id = "\n".join(
            [
                settings.RELEASE,
                request.scheme,
                host,
                request.path,
                request.META.get("QUERY_STRING", ""),
                request.META.get("HTTP_ACCEPT", ""),
            ]
        )
        digest = hashlib.sha256(request_id.encode("utf-8", "surrogateescape")).hexdigest()
        etag = f'"{token[:16]}-{digest[:24]}"'
        if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            return self._not_modified(etag)

        key = f"api-response:{settings.RELEASE}:{token}:{digest}"
        request.content_version = token
        if settings.API_CACHE:
            stored = local_answers().get(key)
            if stored is None and settings.CONTENT_VERSION_IN_CACHE:
                stored = self._cache_get(key)
                if stored is not None:
                    local_answers().put(key, stored)
            if stored is not None:
                return self._replay(stored, etag)

        response = self.get_response(request)
        if response.cookies:
            # A page that sets a cookie (Swagger UI's CSRF token) is for this browser only.
            response["Cache-Control"] = "private, no-store"
        elif response.status_code == 200 and not response.streaming:
            response["ETag"] = etag
            response["Cache-Control"] = cache_control()
            patch_vary_headers(response, ["Accept"])
            if settings.API_CACHE:
                stored = self._stored(response)
                local_answers().put(key, stored)
                if settings.CONTENT_VERSION_IN_CACHE:
                    self._cache_set(key, stored)
        return response

    @staticmethod
    def _not_modified(etag: str) -> HttpResponse:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        response["Cache-Control"] = cache_control()
        return response

    @staticmethod
    def _replay(stored: tuple[bytes, list[tuple[str, str]]], etag: str) -> HttpResponse:
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["ETag"] = etag
        return response

    @staticmethod
    def _cache_get(key: str):
        try:
            return cache.get(key)
        except Exception:  # a cache outage degrades to uncached answers, never to errors
            logger.warning("Response cache unavailable", exc_info=True)
            return None

    @staticmethod
    def _stored(response: HttpResponse) -> Stored:
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSHARED_HEADERS
        ]
        return response.content, headers

    @staticmethod
    def _cache_set(key: str, stored: Stored) -> None:
        try:
            cache.set(key, stored, settings.API_CACHE_TIMEOUT)
        except Exception:
            logger.warning("Response cache unavailable", exc_info=True)
