"""Every error under /api/ is an RFC 9457 problem, and the one rule for database failures.

Problems are built where errors happen (``infra.errors.error_response``, the DRF handler in
``api.exceptions``, Django's handlers) and ``ProblemDetailsMiddleware`` catches what escapes them,
Django's debug pages included. ``infra.errors.database_error_response`` decides database failures;
a view's failure reaches it through ``DatabaseErrorMiddleware`` and the response cache's own read
of the content version reaches it directly. Each path has a test here.
"""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DataError, OperationalError, ProgrammingError
from django.http import HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api import schema
from api.exceptions import exception_handler, parameter_error
from api.views.meta import MetaView
from content.models import valid_slugs
from infra import caching, errors
from infra.errors import KINDS, database_error_response
from infra.middleware import DatabaseErrorMiddleware, ProblemDetailsMiddleware
from modalities.models import Modality
from tests.problems import messages, problem, valid

pytestmark = pytest.mark.django_db

UNAVAILABLE = "The database is unavailable; try again in a few seconds."


def failing_view(exc):
    def view(self, request):
        raise exc

    return view


# --- Every kind of error, as a client meets it ----------------------------------------------------


def lose_the_database(monkeypatch, settings) -> str:
    monkeypatch.setattr(MetaView, "get", failing_view(OperationalError("server closed")))
    return "/api/v1/meta/"


def store_a_nul(monkeypatch, settings) -> str:
    monkeypatch.setattr(MetaView, "get", failing_view(DataError("invalid byte sequence")))
    return "/api/v1/meta/"


def forbid(monkeypatch, settings) -> str:
    monkeypatch.setattr(MetaView, "get", failing_view(PermissionDenied()))
    return "/api/v1/meta/"


def crash(monkeypatch, settings) -> str:
    monkeypatch.setattr(MetaView, "get", failing_view(RuntimeError("secret internals")))
    return "/api/v1/meta/"


def throttle(monkeypatch, settings) -> str:
    settings.THROTTLE = (0, 60)
    return "/api/v1/meta/"


# Each kind, with how a client meets it: a URL (or what breaks, returning the URL) and the
# request's method and headers.
EVERY_KIND = [
    ("invalid-parameter", "/api/v1/mechanisms/?level=genetic", {}),
    ("query-too-long", "/api/v1/compounds/?search=" + "x" * 3000, {}),
    ("too-many-parameters", "/api/v1/compounds/?" + "&".join(f"p{i}=1" for i in range(21)), {}),
    ("unsupported-value", store_a_nul, {}),
    ("bad-request", "/api/v1/", {"HTTP_HOST": "evil.example"}),
    ("forbidden", forbid, {}),
    ("not-found", "/api/v1/compounds/ketamin/", {}),
    ("method-not-allowed", "/api/v1/compounds/", {"method": "DELETE"}),
    ("not-acceptable", "/api/v1/compounds/", {"HTTP_ACCEPT": "text/html"}),
    ("throttled", throttle, {}),
    ("server-error", crash, {}),
    ("database-unavailable", lose_the_database, {}),
]


def meet(how, extra: dict, monkeypatch, settings):
    """Make the request that fails with a kind of error, and return its response."""
    url = how(monkeypatch, settings) if callable(how) else how
    extra = dict(extra)
    method = extra.pop("method", "GET")
    return Client(raise_request_exception=False).generic(method, url, **extra)


def test_every_kind_of_error_is_listed():
    assert [kind for kind, _, _ in EVERY_KIND] == list(KINDS)


@pytest.mark.parametrize(("kind", "how", "extra"), EVERY_KIND, ids=list(KINDS))
@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_every_kind_of_error_is_a_problem_whose_type_resolves(
    client, monkeypatch, settings, kind, how, extra, debug
):
    settings.DEBUG = debug
    response = meet(how, extra, monkeypatch, settings)
    body = problem(response, KINDS[kind].status, kind)
    assert b"<html" not in response.content.lower()
    settings.THROTTLE = None
    described = client.get(body["type"])
    assert (described.status_code, described["Content-Type"]) == (200, "application/json")
    assert described.json() == {
        "type": body["type"],
        "title": body["title"],
        "status": body["status"],
        "description": KINDS[kind].description,
    }


def test_the_problem_types_are_listed_and_an_unknown_one_is_a_problem_naming_them(client):
    listed = client.get("/api/problems/").json()
    assert listed["count"] == len(KINDS)
    assert [k["type"] for k in listed["results"]] == [f"/api/problems/{k}/" for k in KINDS]
    body = problem(client.get("/api/problems/nope/"), 404, "not-found")
    assert body["detail"] == (
        f"No problem type 'nope'; valid: {', '.join(KINDS)} (see /api/problems/)."
    )


def test_a_parameter_problem_is_what_a_client_reads(client):
    response = client.get("/api/v1/mechanisms/", {"level": "genetic"})
    message = "Unknown value 'genetic'; valid: molecular, cellular, network, behavioral."
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content) == {
        "type": "/api/problems/invalid-parameter/",
        "title": "Invalid query parameter",
        "status": 400,
        "detail": f"level: {message}",
        "instance": "/api/v1/mechanisms/",
        "errors": [
            {
                "parameter": "level",
                "message": message,
                "valid": ["molecular", "cellular", "network", "behavioral"],
            }
        ],
    }


def test_each_bad_parameter_is_one_entry_with_its_valid_values_or_null(client):
    body = problem(client.get("/api/v1/guidance/", {"colour": "x", "phase": "x"}), 400)
    assert list(messages(body)) == ["colour"]  # unknown parameters first: fix them, then values
    assert "disorder" in valid(body, "colour")

    body = problem(client.get("/api/v1/guidance/", {"modality": "cbt", "phase": "aftercare"}), 400)
    assert list(messages(body)) == ["modality", "phase"]
    assert valid(body, "modality") == valid_slugs(Modality)
    assert valid(body, "phase") == ["preparation", "medication_session", "integration"]
    assert body["detail"] == " ".join(f"{e['parameter']}: {e['message']}" for e in body["errors"])

    body = problem(client.get("/api/v1/guidance/", {"page": "0"}), 400)
    assert valid(body, "page") is None  # a positive integer: no set to list


def test_a_validation_error_raised_as_a_plain_dict_is_an_entry_with_valid_null():
    request = Request(RequestFactory().get("/api/v1/changes/?since=x"))
    response = exception_handler(
        ValidationError({"since": ["Not a content version."]}), {"request": request}
    )
    assert json.loads(response.content)["errors"] == [
        {"parameter": "since", "message": "Not a content version.", "valid": None}
    ]
    assert json.loads(response.content)["instance"] == "/api/v1/changes/"


def test_parameter_error_carries_its_valid_values_to_the_problem():
    request = Request(RequestFactory().get("/api/v1/x/"))
    exc = parameter_error("colour", "Unknown colour 'teal'; valid: red, blue.", ["red", "blue"])
    body = json.loads(exception_handler(exc, {"request": request}).content)
    assert body["errors"] == [
        {
            "parameter": "colour",
            "message": "Unknown colour 'teal'; valid: red, blue.",
            "valid": ["red", "blue"],
        }
    ]
    assert body["detail"] == "colour: Unknown colour 'teal'; valid: red, blue."


@pytest.mark.parametrize(
    ("documented", "url", "status"),
    [
        (schema.BAD_PARAMETER, "/api/v1/mechanisms/?level=genetic", "400"),
        (schema.NOT_FOUND, "/api/v1/compounds/ketamin/", "404"),
        (schema.NOT_ACCEPTABLE, "/api/v1/compounds/", "406"),
    ],
    ids=["400", "404", "406"],
)
def test_the_documented_problems_are_what_the_api_answers(client, documented, url, status):
    [(media_type, content)] = documented["content"].items()
    response = client.get(url, HTTP_ACCEPT="application/xml" if status == "406" else "*/*")
    assert (str(response.status_code), response["Content-Type"]) == (status, media_type)
    assert json.loads(response.content) == content["examples"]["Example"]["value"]


def test_every_error_response_in_the_schema_is_a_problem():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(public=True)
    responses = [
        (path, status, response)
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for status, response in operation["responses"].items()
        if status[0] in "45"
    ]
    assert {status for _, status, _ in responses} >= {"400", "404", "406", "429", "503"}
    for path, status, response in responses:
        assert list(response["content"]) == ["application/problem+json"], (path, status)
    problem_schema = document["components"]["schemas"]["Problem"]
    assert problem_schema["required"] == ["type", "title", "status", "detail", "instance"]


# --- Accept and Allow -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/api/v1/", "application/json"),
        ("/api/v1/recommendations/?disorder=ptsd&compound=mdma", "application/json"),
        ("/api/problems/", "application/json"),
        ("/api/schema/", "application/json"),
        ("/api/docs/", "text/html; charset=utf-8"),
    ],
)
@pytest.mark.parametrize(
    "accept", ["application/problem+json", "application/problem+json, text/html;q=0.5"]
)
def test_accepting_problems_is_never_a_406(client, url, content_type, accept):
    response = client.get(url, HTTP_ACCEPT=accept)
    assert response.status_code == 200, response.content[:200]
    if accept == "application/problem+json":
        assert response["Content-Type"] == content_type


@pytest.mark.parametrize(
    "accept", ["application/json", "application/problem+json", "text/html, */*;q=0.1", "*/*"]
)
def test_errors_are_problems_whatever_the_accept_header(client, accept):
    problem(client.get("/api/v1/compounds/ketamin/", HTTP_ACCEPT=accept), 404, "not-found")
    problem(client.get("/api/v1/nowhere/", HTTP_ACCEPT=accept), 404, "not-found")
    problem(client.get("/api/docs/?x=1", HTTP_ACCEPT=accept), 400, "invalid-parameter")
    problem(client.get("/api/schema/?x=1", HTTP_ACCEPT=accept), 400, "invalid-parameter")


def test_an_accept_the_endpoint_cannot_satisfy_is_a_406_problem_naming_what_it_offers(client):
    for url, offered in [
        ("/api/v1/compounds/ketamin/", ["application/json"]),
        ("/api/docs/", ["text/html"]),
    ]:
        body = problem(client.get(url, HTTP_ACCEPT="application/xml"), 406, "not-acceptable")
        assert valid(body, "Accept") == offered


def test_a_405_lists_the_methods_the_path_serves_and_a_404_none(client):
    for url in ["/api/problems/", "/api/v1/compounds/ketamin/"]:
        refused = client.post(url)
        problem(refused, 405, "method-not-allowed")
        assert refused["Allow"] == "GET, HEAD, OPTIONS"
        assert client.options(url)["Allow"] == "GET, HEAD, OPTIONS"
    for missing in ["/api/v1/compounds/ketamin/", "/api/problems/nope/", "/api/v1/nowhere/"]:
        response = client.get(missing)
        problem(response, 404, "not-found")
        assert "Allow" not in response, missing
    for method in ["POST", "PUT", "DELETE", "OPTIONS"]:
        response = client.generic(method, "/api/v1/nowhere/")
        problem(response, 404, "not-found")
        assert "Allow" not in response, method


# --- Never HTML under /api/, DEBUG on or off ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/%0A/",
        "/api/v1/compounds/ket%0Aamine/",
        "/api/v1/compounds/ketamine/%0A",
        "/api/%0A",
        "/api/v1/compounds/%0D%0A/",
    ],
)
@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_a_newline_in_the_path_is_a_problem_404(client, settings, url, debug):
    settings.DEBUG = debug
    body = problem(client.get(url), 404, "not-found")
    assert "\n" not in body["instance"]
    # Answered by the API itself, not turned into a problem by the last-resort guard.
    assert body["detail"].startswith(("No API endpoint at ", "No compound with slug "))


def test_with_debug_on_a_crash_is_a_problem_without_a_stack_trace(monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setattr(MetaView, "get", failing_view(RuntimeError("secret internals")))
    response = Client(raise_request_exception=False).get("/api/v1/meta/")
    body = problem(response, 500, "server-error")
    assert body["detail"] == "Server error; it has been logged."
    assert b"secret internals" not in response.content


def test_the_guard_turns_any_other_error_under_the_api_into_a_problem():
    def csrf_failure(request):
        response = HttpResponse("<h1>Forbidden (403)</h1>CSRF verification failed.", status=403)
        response["Vary"] = "Cookie"
        return response

    response = ProblemDetailsMiddleware(csrf_failure)(RequestFactory().post("/api/v1/x%0A/"))
    assert response["Content-Type"] == "application/problem+json"
    assert response["Vary"] == "Cookie"
    assert json.loads(response.content) == {
        "type": "/api/problems/forbidden/",
        "title": "Forbidden",
        "status": 403,
        "detail": "Permission denied.",
        "instance": "/api/v1/x%0A/",
    }


def test_the_guard_keeps_the_detail_of_a_json_error_and_names_unknown_statuses():
    def old_style(request):
        return JsonResponse({"detail": "Too big."}, status=413)

    response = ProblemDetailsMiddleware(old_style)(RequestFactory().get("/api/v1/"))
    assert json.loads(response.content) == {
        "type": "about:blank",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": "Too big.",
        "instance": "/api/v1/",
    }


def test_the_guard_leaves_successes_and_pages_outside_the_api_alone():
    html = HttpResponse("<h1>Not Found</h1>", status=404)
    guard = ProblemDetailsMiddleware(lambda request: html)
    assert guard(RequestFactory().get("/admin/nothing/")) is html
    ok = HttpResponse("{}", content_type="application/json")
    assert ProblemDetailsMiddleware(lambda request: ok)(RequestFactory().get("/api/v1/")) is ok


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (errors.bad_request, 400),
        (errors.permission_denied, 403),
        (errors.page_not_found, 404),
        (errors.server_error, 500),
    ],
)
def test_django_s_own_handlers_answer_problems_under_the_api_and_html_elsewhere(handler, status):
    # Called as Django calls them: with the exception, but for the 500.
    extra = {} if status == 500 else {"exception": Exception("why")}
    under_api = handler(RequestFactory().get("/api/v1/x/"), **extra)
    assert under_api["Content-Type"] == "application/problem+json"
    body = json.loads(under_api.content)
    kind = {400: "bad-request", 403: "forbidden", 404: "not-found", 500: "server-error"}[status]
    assert (body["type"], body["status"]) == (f"/api/problems/{kind}/", status)
    assert body["instance"] == "/api/v1/x/"
    elsewhere = handler(RequestFactory().get("/admin/x/"), **extra)
    assert elsewhere["Content-Type"].startswith("text/html")


# --- Database failures ---------------------------------------------------------------------------


def test_a_view_that_loses_the_database_answers_a_503_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(MetaView, "get", failing_view(OperationalError("server closed")))
    response = client.get("/api/v1/meta/")
    assert problem(response, 503, "database-unavailable")["detail"] == UNAVAILABLE
    assert response["Retry-After"] == "5"


def test_a_value_the_database_cannot_compare_is_the_client_s_400(client, monkeypatch):
    monkeypatch.setattr(MetaView, "get", failing_view(DataError("invalid byte sequence")))
    body = problem(client.get("/api/v1/meta/"), 400, "unsupported-value")
    assert body["detail"].startswith("A value in the request cannot be compared")


def test_any_other_database_error_is_a_bug_and_a_500(monkeypatch):
    monkeypatch.setattr(MetaView, "get", failing_view(ProgrammingError("no such column")))
    response = Client(raise_request_exception=False).get("/api/v1/meta/")
    assert problem(response, 500, "server-error")["detail"] == "Server error; it has been logged."


def test_the_cache_answers_503_when_it_cannot_read_the_content_version(client, monkeypatch):
    def lose_database():
        raise OperationalError("connection refused")

    monkeypatch.setattr(caching, "content_version_token", lose_database)
    response = client.get("/api/v1/compounds/")
    assert problem(response, 503, "database-unavailable")["detail"] == UNAVAILABLE
    assert response["Retry-After"] == "5"


def test_the_rule_maps_outages_and_bad_values_and_nothing_else():
    assert database_error_response(OperationalError()).status_code == 503
    assert database_error_response(DataError()).status_code == 400
    assert database_error_response(ProgrammingError()) is None
    assert database_error_response(ValueError()) is None


def test_drf_hands_database_errors_back_to_django_where_the_rule_lives():
    assert exception_handler(OperationalError("gone"), {}) is None
    assert exception_handler(DataError("bad"), {}) is None


def test_the_middleware_leaves_database_errors_outside_the_api_to_django():
    middleware = DatabaseErrorMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/admin/"), OperationalError()) is None
    response = middleware.process_exception(
        RequestFactory().get("/api/schema/"), OperationalError()
    )
    assert response.status_code == 503
