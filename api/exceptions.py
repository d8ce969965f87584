"""One error shape for everything under /api/: DRF's {"detail": ...} or a field-keyed dict."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"
DATABASE_RETRY_AFTER_SECONDS = 5
UNSTORABLE_VALUE = (
    "A value in the request cannot be compared with stored content (for example a NUL "
    "character or a number out of range)."
)


class DatabaseUnavailable(exceptions.APIException):
    """The database cannot be reached; the request may be retried shortly."""

    status_code = 503
    default_detail = "The database is unavailable; try again in a few seconds."
    default_code = "database_unavailable"


def database_unavailable_response() -> JsonResponse:
    """The 503 answer for a request that found the database away."""
    response = JsonResponse({"detail": DatabaseUnavailable.default_detail}, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def exception_handler(exc, context):
    """Map Django's own exceptions to DRF's, then let DRF render them as JSON.

    A validation error raised as a bare list (DRF's search filter does this) is wrapped as
    ``{"detail": ...}``, so every error keeps one of the two documented shapes.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OperationalError | InterfaceError):
        exc = DatabaseUnavailable()
    elif isinstance(exc, DataError):
        exc = exceptions.ValidationError({"detail": UNSTORABLE_VALUE})
    response = drf_exception_handler(exc, context)
    if isinstance(exc, DatabaseUnavailable):
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response


def _json_or_default(status: int, detail: str, default_view):
    """Build a Django error handler that answers JSON under /api/ and HTML elsewhere."""

    def handler(request, exception=None, **kwargs):
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": detail}, status=status)
        if exception is None:
            return default_view(request)
        return default_view(request, exception)

    return handler


bad_request = _json_or_default(400, "Bad request.", defaults.bad_request)
permission_denied = _json_or_default(403, "Permission denied.", defaults.permission_denied)
page_not_found = _json_or_default(404, "Not found.", defaults.page_not_found)
server_error = _json_or_default(500, "Server error; it has been logged.", defaults.server_error)
