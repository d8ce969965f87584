"""DRF's exception handler for the API, in the service's one error shape (see infra.errors)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Map Django's own exceptions to DRF's, then let DRF render them as JSON.

    A validation error raised as a bare list (DRF's search filter does this) is wrapped as
    ``{"detail": ...}``, so every error keeps one of the two documented shapes. Database errors
    are not DRF's: they go back to Django, where ``infra.middleware.DatabaseErrorMiddleware``
    answers them.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response
