"""Rate limiting per client address: every API request, cached or not, and every login attempt.

A fixed window per client address, counted in the default cache (per process with the embedded
default, shared by every process once REDIS_URL is set). It runs before the response cache, so a
client cannot escape it by asking for the same thing again; and before sessions, CSRF and the
login form, so a password guesser past LOGIN_THROTTLE costs the server almost nothing and cannot
take the workers the API needs (django-axes locks the account itself; see settings).
"""

import logging
import math
import time

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
    """Answer 429 with Retry-After once a client exceeds THROTTLE under /api/ (JSON) or
    LOGIN_THROTTLE posting to the admin login (plain text)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = f"/{settings.ADMIN_URL}login/"

    def __call__(self, request: HttpRequest):
        if settings.THROTTLE is not None and is_api(request):
            wait = over_limit(request, "api", settings.THROTTLE)
            if wait:
                return error_response(
                    429,
                    f"Request was throttled. Expected available in {wait} seconds.",
                    headers={"Retry-After": str(wait)},
                )
        elif (
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


def over_limit(request: HttpRequest, scope: str, rate: tuple[int, int]) -> int:
    """Count this request against the client's ``rate`` in ``scope``; return the seconds to wait
    when it is over the limit, else 0."""
    limit, period = rate
    now = time.time()
    window = int(now // period)
    key = f"throttle:{scope}:{client_address(request)}:{period}:{window}"
    try:
        cache.add(key, 0, period + 1)
        count = cache.incr(key)
    except Exception:  # a cache outage must not block every client
        logger.warning("Throttle cache unavailable", exc_info=True)
        return 0
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * period - now))
