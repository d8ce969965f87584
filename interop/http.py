"""The HTTP rules FHIR and CDS Hooks share: JSON in and out, and every error an OperationOutcome
(FHIR's error resource, which CDS Hooks 2.0 answers with too), never an HTML page.

Views are wrapped by ``endpoint``: it answers the methods a view does not take with 405 and an
Allow header, refuses a body that is not JSON, and turns what a view raises into an outcome: a
``ClientError`` into its 4xx, the database away into a 503 with Retry-After, anything else into a
500 that is logged.
"""

import functools
import json
import logging
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from infra.errors import database_error_response
from interop.fhir import FHIR_MEDIA_TYPE, operation_outcome

logger = logging.getLogger(__name__)

JSON_TYPES = ("application/fhir+json", "application/json")


class ClientError(Exception):
    """A request this service cannot answer as asked: the status, FHIR's issue type, a sentence
    for the caller, and the parameter or element at fault."""

    def __init__(
        self, status: int, message: str, *, code: str = "invalid", where: str | None = None
    ):
        super().__init__(message)
        self.status, self.code, self.where = status, code, where


def json_response(
    document: Mapping, *, status: int = 200, media_type: str = FHIR_MEDIA_TYPE, headers=None
) -> HttpResponse:
    return HttpResponse(
        json.dumps(document, ensure_ascii=False),
        status=status,
        content_type=f"{media_type}; charset=utf-8",
        headers=headers,
    )


def outcome_response(
    status: int,
    message: str,
    *,
    code: str = "invalid",
    where: str | None = None,
    media_type: str = FHIR_MEDIA_TYPE,
    headers=None,
) -> HttpResponse:
    return json_response(
        operation_outcome(message, code=code, where=where),
        status=status,
        media_type=media_type,
        headers=headers,
    )


def base_url(request: HttpRequest) -> str:
    """The FHIR base canonical URLs are built on: FHIR_BASE_URL, else this host's /fhir."""
    return settings.FHIR_BASE_URL or request.build_absolute_uri("/fhir")


def json_body(request: HttpRequest) -> object:
    """The request's JSON body; a ClientError (415 or 400) says what is wrong with it."""
    content_type = request.content_type or ""
    if content_type not in JSON_TYPES:
        raise ClientError(
            415,
            f"Send the body as application/fhir+json or application/json, not "
            f"{content_type or 'no Content-Type'}.",
            code="not-supported",
        )
    try:
        body = request.body
    except RequestDataTooBig:
        raise ClientError(
            413,
            f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes; send only "
            "the resources the call needs.",
            code="too-costly",
        ) from None
    try:
        return json.loads(body, parse_constant=_not_json)
    except RecursionError:
        raise ClientError(
            400, "The body nests too deeply to be a FHIR resource.", code="structure"
        ) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ClientError(400, f"The body is not valid JSON: {error}.", code="structure") from None


def _not_json(constant: str) -> float:
    """Python's json reads NaN and Infinity; JSON (RFC 8259) has no such numbers."""
    raise ValueError(f"{constant} is not a JSON number")


def endpoint(*methods: str, media_type: str = FHIR_MEDIA_TYPE) -> Callable:
    """Wrap a view as described in this module's docstring."""
    allowed = ", ".join(methods)

    def wrap(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return outcome_response(
                    405,
                    f"{request.method} is not allowed here; allowed: {allowed}.",
                    code="not-supported",
                    media_type=media_type,
                    headers={"Allow": allowed},
                )
            try:
                return view(request, *args, **kwargs)
            except ClientError as error:
                return outcome_response(
                    error.status,
                    str(error),
                    code=error.code,
                    where=error.where,
                    media_type=media_type,
                )
            except Exception as error:
                mapped = database_error_response(error)
                if mapped is not None:
                    return outcome_response(
                        mapped.status_code,
                        mapped.problem["detail"],
                        code="transient" if mapped.status_code == 503 else "invalid",
                        media_type=media_type,
                        headers={"Retry-After": mapped["Retry-After"]}
                        if mapped.has_header("Retry-After")
                        else None,
                    )
                logger.exception("Unhandled error in %s", request.path)
                return outcome_response(
                    500,
                    "The service failed to answer; the error is logged.",
                    code="exception",
                    media_type=media_type,
                )

        return wrapped

    return wrap
