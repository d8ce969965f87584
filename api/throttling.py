"""Rate limiting for anonymous clients, at the rate the THROTTLE_RATE setting names."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's per-address throttle, reading its rate from settings on every request.

    ``THROTTLE_RATE = "off"`` disables it. Counts live in the default cache: per process with the
    embedded default, shared by every process once a shared cache is configured.
    """

    def get_rate(self) -> str | None:
        rate = settings.THROTTLE_RATE
        return None if rate.lower() in {"off", "none", ""} else rate
