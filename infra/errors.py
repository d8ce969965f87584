"""The service's one error shape, and the one rule for database failures.

Every error under /api/ is JSON: ``{"detail": "..."}``, or an object keyed by the parameter at
fault (DRF's validation errors). Pages outside /api/ (admin) keep Django's HTML errors.
"""

import logging

from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.views import defaults

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = "The database is unavailable; try again in a few seconds."
UNSTORABLE_VALUE = (
    "A value in the request cannot be compared with stored content (for example a NUL "
    "character or a number out of range)."
)


def is_api(request: HttpRequest) -> bool:
    """Return whether the request is for the JSON API (where every error is JSON)."""
    return request.path.startswith(API_PREFIX)


def error_response(status: int, detail: str, *, headers: dict[str, str] | None = None):
    """Return the JSON error every layer answers with: ``{"detail": detail}``."""
    return JsonResponse({"detail": detail}, status=status, headers=headers)


def database_error_response(exc: BaseException) -> JsonResponse | None:
    """Decide what a database failure under /api/ answers; None when it is not one we map.

    The database away (OperationalError, InterfaceError) is a 503 with Retry-After: the request
    may be retried shortly. A value the database cannot compare (DataError: a NUL byte, a number
    out of range) is the client's 400. Anything else is a bug, left to the 500 handler.
    """
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("Database unavailable: %s", exc)
        return error_response(
            503,
            DATABASE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DataError):
        return error_response(400, UNSTORABLE_VALUE)
    if isinstance(exc, DatabaseError):
        logger.error("Database error", exc_info=exc)
    return None


def _json_or_default(status: int, detail: str, default_view):
    """Build a Django error handler that answers JSON under /api/ and HTML elsewhere."""

    def handler(request, exception=None, **kwargs):
        if is_api(request):
            return error_response(status, detail)
        if exception is None:
            return default_view(request)
        return default_view(request, exception)

    return handler


bad_request = _json_or_default(400, "Bad request.", defaults.bad_request)
permission_denied = _json_or_default(403, "Permission denied.", defaults.permission_denied)
page_not_found = _json_or_default(404, "Not found.", defaults.page_not_found)
server_error = _json_or_default(500, "Server error; it has been logged.", defaults.server_error)
