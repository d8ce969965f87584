"""DRF's exception handler for the API, answering problems (see infra.errors), and the one way to
raise a parameter error whose valid values reach the client as a list.

Raise ``parameter_error(name, message, valid=...)`` from a view, filter backend or paginator;
inside a serializer field (which does not know its parameter's name), raise
``serializers.ValidationError(invalid(message, valid=...))``; in a Django form field (a
django-filter filter), give ``ValidValuesCode(code, valid)`` as the ``ValidationError``'s code.
A plain DRF ``ValidationError({"since": ["..."]})`` works too: its entries get ``valid: null``.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from infra.errors import ProblemResponse, error_response, instance_of

# Headers DRF's own handler sets (Retry-After on Throttled, WWW-Authenticate) and a problem keeps.
KEPT_HEADERS = ("Retry-After", "WWW-Authenticate")


class ValidValuesCode(str):
    """An error code that also carries the values the parameter at fault accepts.

    On its way to the handler an error is rebuilt several times (by the serializer, the form,
    django-filter), each time keeping its text and its code but not its class: carried by the
    code, the valid values arrive as a list, not only as the message's prose.
    """

    valid: tuple[str, ...]

    def __new__(cls, code: str, valid: Iterable[str]):
        self = super().__new__(cls, code)
        self.valid = tuple(str(value) for value in valid)
        return self


def invalid(message: str, valid: Iterable[str] | None = None, *, code: str = "invalid"):
    """Return an error message for a DRF ``ValidationError`` that names the valid values."""
    return ErrorDetail(message, code=code if valid is None else ValidValuesCode(code, valid))


def parameter_error(
    parameter: str, message: str, valid: Iterable[str] | None = None
) -> exceptions.ValidationError:
    """Return the 400 for one bad query parameter, to raise. ``message`` is the prose (it names
    the valid values too); ``valid`` lists them when the set is known."""
    return exceptions.ValidationError({parameter: [invalid(message, valid)]})


def parameter_problems(detail: dict, prefix: str = "") -> list[dict]:
    """Flatten DRF's ``{parameter: [messages]}`` into the problem's ``errors`` entries."""
    problems = []
    for name, messages in detail.items():
        parameter = f"{prefix}{name}"
        if isinstance(messages, dict):
            problems += parameter_problems(messages, prefix=f"{parameter}.")
            continue
        for message in messages if isinstance(messages, list) else [messages]:
            valid = getattr(getattr(message, "code", None), "valid", None)
            problems.append(
                {
                    "parameter": parameter,
                    "message": str(message),
                    "valid": list(valid) if valid is not None else None,
                }
            )
    return problems


def problem_for(exc: exceptions.APIException, instance: str | None) -> ProblemResponse:
    """Return the problem a DRF exception answers."""
    status = exc.status_code
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        errors = parameter_problems(exc.detail)
        detail = " ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        return error_response(
            status, detail, kind="invalid-parameter", errors=errors, instance=instance
        )
    if isinstance(exc, exceptions.ValidationError):
        # A bare list (DRF raises one for a request as a whole): one detail, no parameter.
        messages = exc.detail if isinstance(exc.detail, list) else [exc.detail]
        detail = " ".join(str(message) for message in messages)
        return error_response(status, detail, kind="bad-request", instance=instance)
    if isinstance(exc, exceptions.NotAcceptable):
        offered = [renderer.media_type for renderer in exc.available_renderers or []]
        message = f"Could not satisfy the request Accept header; offered: {', '.join(offered)}."
        errors = [{"parameter": "Accept", "message": message, "valid": offered}]
        return error_response(
            status, message, kind="not-acceptable", errors=errors, instance=instance
        )
    return error_response(status, str(exc.detail), instance=instance)


def exception_handler(exc, context):
    """Map Django's own exceptions to DRF's, then answer the problem DRF's would be.

    Database errors are not DRF's: they go back to Django, where
    ``infra.middleware.DatabaseErrorMiddleware`` answers them.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)  # also rolls back the atomic request
    if response is None:
        return None
    request = context.get("request")
    problem = problem_for(exc, instance_of(request) if request is not None else None)
    for name in KEPT_HEADERS:
        if response.has_header(name):
            problem[name] = response[name]
    return problem
