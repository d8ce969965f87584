"""Rate limiting for anonymous clients, for every API request, cached or not.

A fixed window per client address, counted in the default cache (per process with the embedded
default, shared by every process once REDIS_URL is set). It runs before the response cache, so a
client cannot escape it by asking for the same thing again.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

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
    """Answer 429 JSON with Retry-After once a client exceeds THROTTLE under /api/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if settings.THROTTLE is None or not is_api(request):
            return self.get_response(request)
        limit, period = settings.THROTTLE
        now = time.time()
        window = int(now // period)
        key = f"throttle:{client_address(request)}:{period}:{window}"
        try:
            cache.add(key, 0, period + 1)
            count = cache.incr(key)
        except Exception:  # a cache outage must not block every client
            logger.warning("Throttle cache unavailable", exc_info=True)
            return self.get_response(request)
        if count > limit:
            wait = max(1, math.ceil((window + 1) * period - now))
            return error_response(
                429,
                f"Request was throttled. Expected available in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
        return self.get_response(request)
