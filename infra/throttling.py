"""Rate limiting per client address: every API request, cached or not, and every login attempt.

A fixed window per client address, counted in the default cache (per process with the embedded
default, shared by every process once REDIS_URL is set). It runs before the response cache, so a
client cannot escape it by asking for the same thing again; and before sessions, CSRF and the
login form, so a password guesser past LOGIN_THROTTLE costs the server almost nothing and cannot
take the workers the API needs (django-axes locks the account itself; see settings).

Every API response it lets through or refuses, cached, 304 or 429, tells the client its quota in
the ``RateLimit-Policy`` and ``RateLimit`` fields of draft-ietf-httpapi-ratelimit-headers-11 (23
May 2026), structured-field lists (RFC 9651)::

    RateLimit-Policy: "default";q=600;w=60
    RateLimit: "default";r=597;t=14

``q`` requests per window of ``w`` seconds; ``r`` requests left in this window, which ends in
``t`` seconds (a 429's Retry-After says the same). The fields are added here, above the response
cache, so they describe this client's request and are never stored with a shared answer. With
throttling off (THROTTLE_RATE=off, as under pytest) there is no policy and no field; when the
count cannot be read (cache outage) only the policy is sent.
"""

import json
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from infra.errors import error_response, is_api

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address NUM_PROXIES proxies in from the end of
    X-Forwarded-For when the service runs behind that many proxies."""
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


class ThrottleMiddleware:
    """Answer 429 with Retry-After once a client exceeds THROTTLE under /api/ (an API error) or
    LOGIN_THROTTLE posting to the admin login (plain text); tell every API response, 429 or not,
    the client's quota in RateLimit fields."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = f"/{settings.ADMIN_URL}login/"

    def __call__(self, request: HttpRequest):
        if settings.THROTTLE is not None and (is_api(request) or is_interop(request)):
            quota = count_request(request, "api", settings.THROTTLE)
            response = throttled(request, quota.wait) if quota.wait else self.get_response(request)
            for name, value in quota.headers().items():
                response[name] = value
            return response
        if (
            settings.LOGIN_THROTTLE is not None
            and request.method == "POST"
            and request.path == self.login_path
        ):
            wait = over_limit(request, "login", settings.LOGIN_THROTTLE)
            if wait:
                return HttpResponse(
                    f"Too many login attempts from this address. Try again in {wait} seconds.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                    headers={"Retry-After": str(wait)},
                )
        return self.get_response(request)


def is_interop(request: HttpRequest) -> bool:
    """Whether the request is for the FHIR endpoint or the CDS Hooks services: the same content,
    under the same quota as the JSON API."""
    path = request.path
    return path in ("/fhir", "/cds-services") or path.startswith(("/fhir/", "/cds-services/"))


def throttled(request: HttpRequest, wait: int) -> HttpResponse:
    """The 429 in each standard's error shape: a problem under /api/, an OperationOutcome for
    FHIR and CDS Hooks (written out here: this layer sits below the one that builds them)."""
    message = f"Request was throttled. Expected available in {wait} seconds."
    headers = {"Retry-After": str(wait)}
    if is_api(request):
        return error_response(429, message, headers=headers)
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "throttled",
                "details": {"text": message},
                "diagnostics": message,
            }
        ],
    }
    media_type = "application/fhir+json" if request.path.startswith("/fhir") else "application/json"
    return HttpResponse(
        json.dumps(outcome),
        status=429,
        content_type=f"{media_type}; charset=utf-8",
        headers=headers,
    )


# The one policy the API has; the name the RateLimit fields refer to it by.
POLICY = "default"


@dataclass(frozen=True)
class Quota:
    """A client's standing in its current window, once this request is counted."""

    limit: int
    period: int
    count: int | None  # requests counted in this window, this one included; None if unknown
    reset: int  # seconds until the window ends

    @property
    def wait(self) -> int:
        """Seconds the client must wait when this request is over the limit, else 0."""
        return self.reset if self.count is not None and self.count > self.limit else 0

    def headers(self) -> dict[str, str]:
        """The draft's RateLimit-Policy and (when the count is known) RateLimit fields."""
        fields = {"RateLimit-Policy": f'"{POLICY}";q={self.limit};w={self.period}'}
        if self.count is not None:
            remaining = max(0, self.limit - self.count)
            fields["RateLimit"] = f'"{POLICY}";r={remaining};t={self.reset}'
        return fields


def count_request(request: HttpRequest, scope: str, rate: tuple[int, int]) -> Quota:
    """Count this request against the client's ``rate`` in ``scope`` (a fixed window)."""
    limit, period = rate
    now = time.time()
    window = int(now // period)
    reset = max(1, math.ceil((window + 1) * period - now))
    key = f"throttle:{scope}:{client_address(request)}:{period}:{window}"
    try:
        cache.add(key, 0, period + 1)
        count = cache.incr(key)
    except ValueError:  # no key for the window: the cache was away as it was added, or it expired
        count = None
    except Exception as error:  # a cache outage must not block every client
        # The Redis backend answers an outage with misses and logs it once, as its breaker opens
        # (infra.redis_cache); other backends' errors are noted without a traceback per request.
        logger.debug("Throttle cache unavailable: %r", error)
        count = None
    return Quota(limit, period, count, reset)


def over_limit(request: HttpRequest, scope: str, rate: tuple[int, int]) -> int:
    """Count this request against the client's ``rate`` in ``scope``; return the seconds to wait
    when it is over the limit, else 0."""
    return count_request(request, scope, rate).wait
