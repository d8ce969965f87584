"""Middleware guarding the API: every error a problem, bounded requests, database failures, and
HEAD answered without a body."""

import functools
import json

from corsheaders.middleware import CorsMiddleware as LibraryCorsMiddleware
from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_REPORT_ONLY_HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django_permissions_policy import PermissionsPolicyMiddleware

from infra.errors import (
    DEFAULT_DETAILS,
    PROBLEM_MEDIA_TYPE,
    ProblemResponse,
    database_error_response,
    error_response,
    instance_of,
    is_api,
)

# Headers a replaced response must not pass on: they describe the body that is replaced.
BODY_HEADERS = {"content-type", "content-length", "content-encoding", "content-language"}


class HeadMiddleware:
    """Answer HEAD with the GET's headers and no body (RFC 9110 9.3.2).

    Django renders a HEAD as a GET and leaves dropping the body to the server; gunicorn drops it
    too, but logs a warning for every HEAD. Content-Length stays the GET's, as the RFC allows.
    Outermost, so it sees every answer, errors included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
        return response


class PolicyHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response, from the same two
    libraries and settings.

    Their own middleware runs inside the response cache, so a rendered answer's policy (a docs
    page's nonce included) is stored with it and a cached answer does not build it again. The
    responses answered above the cache never reach them: static files, HTTPS redirects, CORS
    preflights, the bounds' 400s and the throttles' 429s (the login one is an HTML page). This
    outermost layer gives those the settings' policy, through the libraries' own code (so
    ``csp_exempt`` and django-csp's DEBUG exemptions still hold); a response that already has a
    header keeps it, so a cached 200 costs two header look-ups. A response the libraries have
    not marked (no ``csp_exempt``, ``csp_update`` or nonce: every 304 the cache answers, every
    refusal above it) takes the policy django-csp built for the first such response of its
    status and path prefix, rather than building it again; the memo is dropped when a setting
    changes.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = CSPMiddleware(get_response)
        self.permissions = PermissionsPolicyMiddleware(get_response)
        self.built: dict[tuple, dict[str, str]] = {}
        setting_changed.connect(self._forget, weak=True)

    def _forget(self, **kwargs) -> None:
        self.built.clear()

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if CSP_HEADER not in response:
            self._add_csp(request, response)
        if "Permissions-Policy" not in response and self.permissions.permissions_policy:
            response["Permissions-Policy"] = self.permissions.permissions_policy
        return response

    def _add_csp(self, request: HttpRequest, response: HttpResponse) -> None:
        marked = any(name.startswith("_csp") for name in vars(response))
        if marked or getattr(request, "_csp_nonce", None) is not None:
            self.csp.process_response(request, response)
            return
        path = request.path_info
        key = (response.status_code, *(path.startswith(p) for p in _csp_excluded_prefixes()))
        built = self.built.get(key)
        if built is None:  # read once: a setting change may clear the memo meanwhile
            probe = HttpResponse(status=response.status_code)
            self.csp.process_response(request, probe)
            headers = (CSP_HEADER, CSP_REPORT_ONLY_HEADER)
            built = self.built[key] = {name: probe[name] for name in headers if name in probe}
        for name, value in built.items():
            if name not in response:
                response[name] = value


def _csp_excluded_prefixes() -> tuple[tuple[str, ...], ...]:
    """The paths django-csp leaves without each kind of policy: part of the memo's key."""
    return tuple(
        tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )


class CorsMiddleware(LibraryCorsMiddleware):
    """django-cors-headers, with its answer to a request without Origin made cheaper.

    Such a request (a server-to-server call, a same-origin GET) gets nothing from CORS but
    ``Vary: origin`` on the CORS paths (and, for a preflight, the library's empty 200, answered
    before this); the library builds ``request.headers`` from the whole environ to learn there
    is no Origin, and parses and joins the Vary header again for every answer: measured in
    process, about 13 of the 24 microseconds a warm answer cost beyond the bare baseline
    (BENCHMARKS.md, seventh session). Here the Origin is looked up in ``META`` (the server's
    ``HTTP_ORIGIN``) and the patched Vary is computed by Django's ``patch_vary_headers``, the
    function the library calls, once per distinct Vary value (``_vary_with_origin``). A request
    with an Origin takes the library's path unchanged.
    """

    def add_response_headers(self, request: HttpRequest, response):
        if request.META.get("HTTP_ORIGIN"):
            return super().add_response_headers(request, response)
        enabled = getattr(request, "_cors_enabled", None)
        if enabled is None:
            enabled = self.is_enabled(request)
        if enabled:
            response.headers["Vary"] = _vary_with_origin(response.headers.get("Vary"))
        return response


@functools.lru_cache(maxsize=256)
def _vary_with_origin(vary: str | None) -> str:
    """``vary`` as django's ``patch_vary_headers(response, ("origin",))`` leaves it."""
    probe = HttpResponse()
    if vary is not None:
        probe.headers["Vary"] = vary
    patch_vary_headers(probe, ("origin",))
    return probe.headers["Vary"]


class ProblemDetailsMiddleware:
    """The last resort that keeps every error under /api/ a problem, whatever raised it.

    Errors are built as problems where they happen; this guard catches what is built elsewhere:
    Django's technical pages with DEBUG on (a 404 the URLconf cannot route, a DisallowedHost, a
    crash), a CSRF failure, or any JSON ``{"detail": ...}`` written by hand. It also stamps the
    request's path as ``instance`` on problems built without the request at hand, and drops
    ``Allow`` from every error but a 405, so a 404 never advertises methods for a path that is not
    there. It sits outside every middleware that can answer an error under /api/.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400:
            return response
        if not isinstance(response, ProblemResponse):
            response = as_problem(response, instance_of(request))
        elif "instance" not in response.problem:
            response.set_instance(instance_of(request))
        if response.status_code != 405 and response.has_header("Allow"):
            del response["Allow"]
        return response


def as_problem(response: HttpResponse, instance: str) -> ProblemResponse:
    """Turn an error response that is not a problem into one, keeping its status, its headers
    (Retry-After, Vary, CORS...) and its ``detail`` when it is JSON that has one."""
    status = response.status_code
    detail = _detail_of(response) or DEFAULT_DETAILS.get(status) or f"{response.reason_phrase}."
    problem = error_response(status, detail, instance=instance)
    for name, value in response.items():
        if name.lower() not in BODY_HEADERS:
            problem[name] = value
    problem.cookies = response.cookies
    return problem


def _detail_of(response: HttpResponse) -> str | None:
    """The ``detail`` of a JSON error body, if it is one (anything else is not shown: a debug
    page must not leak into an answer)."""
    content_type = response.get("Content-Type", "")
    if response.streaming or not content_type.startswith(("application/json", PROBLEM_MEDIA_TYPE)):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else None


class RequestBoundsMiddleware:
    """Refuse API requests whose query string is too long or has too many parameters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if is_api(request):
            query = request.META.get("QUERY_STRING", "")
            if len(query) > settings.API_MAX_QUERY_STRING:
                return error_response(
                    400,
                    f"The query string is {len(query)} characters long; the limit is "
                    f"{settings.API_MAX_QUERY_STRING}.",
                    kind="query-too-long",
                )
            count = len([part for part in query.split("&") if part])
            if count > settings.API_MAX_QUERY_PARAMETERS:
                return error_response(
                    400,
                    f"{count} query parameters given; the limit is "
                    f"{settings.API_MAX_QUERY_PARAMETERS}.",
                    kind="too-many-parameters",
                )
        return self.get_response(request)


class DatabaseErrorMiddleware:
    """Answer a view's database failure under /api/ as ``database_error_response`` decides.

    DRF hands exceptions it does not know (every database error) back to Django, so this is the
    one place a view's database failure becomes a response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_api(request):
            return None
        return database_error_response(exception)
