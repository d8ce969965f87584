"""The service's one error shape, RFC 9457 problem details, and the one rule for database failures.

Every error under /api/ is ``application/problem+json``::

    {"type": "/api/problems/not-found/", "title": "Not found", "status": 404,
     "detail": "No compound with slug 'ketamin'; ...", "instance": "/api/v1/compounds/ketamin/"}

``type`` names the kind of error with a relative URI that the API itself serves (GET it to read
what the kind means; ``/api/problems/`` lists them all), ``title`` is the kind's short, stable
name, ``detail`` says what went wrong with this request and ``instance`` is the request's path.
Parameter errors add ``errors``: ``[{"parameter", "message", "valid"}]``, ``valid`` being the
values the parameter accepts when that set is known, else null. Pages outside /api/ (admin) keep
Django's HTML errors.
"""

import json
import logging
from dataclasses import dataclass
from http import HTTPStatus

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path
from django.views import defaults

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEMS_PATH = f"{API_PREFIX}problems/"
DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = "The database is unavailable; try again in a few seconds."
UNSTORABLE_VALUE = (
    "A value in the request cannot be compared with stored content (for example a NUL "
    "character or a number out of range)."
)


@dataclass(frozen=True)
class ProblemKind:
    """One kind of error: the stable part of every problem of that kind."""

    slug: str
    status: int
    title: str
    description: str

    @property
    def type(self) -> str:
        """The kind's URI: a path the API serves, relative so it holds on any host."""
        return f"{PROBLEMS_PATH}{self.slug}/"


# Every kind the API answers with, in the order /api/problems/ lists them.
KINDS: dict[str, ProblemKind] = {
    kind.slug: kind
    for kind in [
        ProblemKind(
            "invalid-parameter",
            400,
            "Invalid query parameter",
            "A query parameter is unknown, repeated, empty, malformed or has a value outside "
            "its valid set. `errors` has one entry per fault: the parameter, a message, and the "
            "values or names it accepts (`valid`) when that set is known, null otherwise.",
        ),
        ProblemKind(
            "query-too-long",
            400,
            "Query string too long",
            "The query string is longer than the service accepts (2048 characters by "
            "default); `detail` gives both lengths.",
        ),
        ProblemKind(
            "too-many-parameters",
            400,
            "Too many query parameters",
            "The query string has more parameters than the service accepts (20 by default).",
        ),
        ProblemKind(
            "unsupported-value",
            400,
            "Unsupported value",
            "A value in the request cannot be compared with stored content, such as a NUL "
            "character or a number out of the database's range.",
        ),
        ProblemKind(
            "bad-request",
            400,
            "Bad request",
            "The request is malformed in a way that is not about one query parameter, for "
            "example a Host header the service does not serve.",
        ),
        ProblemKind(
            "forbidden",
            403,
            "Forbidden",
            "The request is refused; the API is public and read only, so this is rare.",
        ),
        ProblemKind(
            "not-found",
            404,
            "Not found",
            "Nothing at this URL: an unknown endpoint, slug, id or page. `detail` names what "
            "was looked for and where to find the valid ones.",
        ),
        ProblemKind(
            "method-not-allowed",
            405,
            "Method not allowed",
            "The API is read only; the Allow header lists the methods this path serves "
            "(GET, HEAD and OPTIONS).",
        ),
        ProblemKind(
            "not-acceptable",
            406,
            "Not acceptable",
            "The Accept header names no media type the endpoint offers (application/json for "
            "resources); `errors` lists those it offers. Errors themselves are always "
            "application/problem+json.",
        ),
        ProblemKind(
            "throttled",
            429,
            "Too many requests",
            "This client sent more requests than the rate limit allows; retry after the "
            "seconds in the Retry-After header.",
        ),
        ProblemKind(
            "server-error",
            500,
            "Server error",
            "An unexpected error in the service; it has been logged. The request may succeed "
            "later; report it if it does not.",
        ),
        ProblemKind(
            "database-unavailable",
            503,
            "Database unavailable",
            "The database cannot be reached; retry after the seconds in the Retry-After header.",
        ),
    ]
}

# What an error says when its cause is known only by its status (Django's own handlers, and
# responses the last-resort guard turns into problems).
DEFAULT_DETAILS = {
    400: "Bad request.",
    403: "Permission denied.",
    404: "Not found.",
    500: "Server error; it has been logged.",
}


# The kind of an error known only by its status: the most general kind of each status.
KIND_BY_STATUS = {
    400: "bad-request",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    429: "throttled",
    500: "server-error",
    503: "database-unavailable",
}


def kind_for_status(status: int) -> ProblemKind | None:
    """Return the kind an error with only this status is; None when no kind has the status."""
    slug = KIND_BY_STATUS.get(status)
    return KINDS[slug] if slug else None


def is_api(request: HttpRequest) -> bool:
    """Return whether the request is for the JSON API (where every error is a problem)."""
    return request.path.startswith(API_PREFIX)


def instance_of(request: HttpRequest) -> str:
    """The request's path as a URI reference (a newline or space in it percent-encoded)."""
    return escape_uri_path(request.path)


class ProblemResponse(HttpResponse):
    """An ``application/problem+json`` response that keeps its problem as a dict, so the
    last-resort guard can add the ``instance`` of a problem built without the request."""

    def __init__(self, problem: dict, *, headers: dict[str, str] | None = None):
        super().__init__(status=problem["status"], content_type=PROBLEM_MEDIA_TYPE, headers=headers)
        self.problem = problem
        self._render()

    def _render(self) -> None:
        self.content = json.dumps(
            self.problem, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
        )

    def set_instance(self, instance: str) -> None:
        """Name the request this problem answers (placed after ``detail``, as RFC 9457 lists)."""
        problem = {key: value for key, value in self.problem.items() if key != "errors"}
        problem["instance"] = instance
        if "errors" in self.problem:
            problem["errors"] = self.problem["errors"]
        self.problem = problem
        self._render()


def error_response(
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    kind: str | None = None,
    errors: list[dict] | None = None,
    instance: str | None = None,
) -> ProblemResponse:
    """Return the problem every layer answers an error with.

    ``kind`` is a slug of ``KINDS`` (by default the status's most general kind; a status no kind
    has is ``about:blank``, as RFC 9457 says); ``errors`` the parameter faults, each
    ``{"parameter", "message", "valid"}``; ``instance`` the request's path, which
    ``ProblemDetailsMiddleware`` fills in when the caller has no request at hand.
    """
    found = KINDS[kind] if kind else kind_for_status(status)
    problem: dict = {
        "type": found.type if found else "about:blank",
        "title": found.title if found else _phrase(status),
        "status": status,
        "detail": str(detail),
    }
    if instance is not None:
        problem["instance"] = instance
    if errors is not None:
        problem["errors"] = errors
    return ProblemResponse(problem, headers=headers)


def _phrase(status: int) -> str:
    """The standard reason phrase of a status (the title of an ``about:blank`` problem)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def database_error_response(exc: BaseException) -> ProblemResponse | None:
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
            kind="database-unavailable",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DataError):
        return error_response(400, UNSTORABLE_VALUE, kind="unsupported-value")
    if isinstance(exc, DatabaseError):
        logger.error("Database error", exc_info=exc)
    return None


def _problem_or_default(status: int, default_view):
    """Build a Django error handler that answers a problem under /api/ and HTML elsewhere."""

    def handler(request, exception=None, **kwargs):
        if is_api(request):
            return error_response(status, DEFAULT_DETAILS[status], instance=instance_of(request))
        if exception is None:
            return default_view(request)
        return default_view(request, exception)

    return handler


bad_request = _problem_or_default(400, defaults.bad_request)
permission_denied = _problem_or_default(403, defaults.permission_denied)
page_not_found = _problem_or_default(404, defaults.page_not_found)
server_error = _problem_or_default(500, defaults.server_error)
