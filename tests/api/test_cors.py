import pytest
from corsheaders.middleware import CorsMiddleware as LibraryCorsMiddleware
from django.http import HttpResponse

from infra.middleware import CorsMiddleware

pytestmark = pytest.mark.django_db

ORIGIN = "https://app.example.org"


@pytest.fixture(autouse=True)
def allowed_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def test_a_configured_origin_may_read_the_api(client):
    response = client.get("/api/v1/compounds/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_a_preflight_allows_reads_and_the_post_only_fhir_and_cds_hooks_take(client):
    response = client.options(
        "/api/v1/compounds/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, POST"
    # POST to the read-only API is still a 405.
    assert client.post("/api/v1/compounds/", HTTP_ORIGIN=ORIGIN).status_code == 405


@pytest.mark.parametrize(
    "path", ["/cds-services/psychoplastogen-order", "/fhir/PlanDefinition/$apply"]
)
def test_an_ehrs_browser_may_call_the_cds_services_and_fhir(client, path):
    response = client.options(
        path,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    allowed = {name.strip() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert client.get("/cds-services", HTTP_ORIGIN=ORIGIN)["Access-Control-Allow-Origin"] == ORIGIN


def test_another_origin_gets_no_cors_headers(client):
    response = client.get("/api/v1/compounds/", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in response


def test_the_admin_never_gets_cors_headers(client):
    response = client.get("/admin/login/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_a_script_may_read_the_validators_and_the_rate_limits(client):
    response = client.get("/api/v1/compounds/", HTTP_ORIGIN=ORIGIN)
    exposed = {name.strip() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed == {"ETag", "Last-Modified", "Retry-After", "RateLimit", "RateLimit-Policy"}


def test_a_preflight_allows_a_script_to_revalidate(client):
    response = client.options(
        "/api/v1/compounds/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match, if-modified-since",
    )
    assert response.status_code == 200
    allowed = {name.strip() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert {"if-none-match", "if-modified-since", "accept"} <= allowed


def test_a_cross_origin_304_may_be_read_by_the_script(client):
    etag = client.get("/api/v1/compounds/", HTTP_ORIGIN=ORIGIN)["ETag"]
    response = client.get("/api/v1/compounds/", HTTP_ORIGIN=ORIGIN, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "ETag" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    "vary", [None, "Accept", "Accept, Accept-Encoding", "Accept, Origin", "accept, ORIGIN", "*"]
)
@pytest.mark.parametrize("path", ["/api/v1/compounds/", "/fhir/metadata", "/admin/login/"])
@pytest.mark.parametrize("origin", [None, "", ORIGIN])
@pytest.mark.parametrize("method", ["get", "head", "preflight"])
def test_every_answer_has_the_cors_headers_the_library_gives_it(rf, vary, path, origin, method):
    """The project's CorsMiddleware answers a request without Origin on its own, cheaper path:
    what it sends is what django-cors-headers sends, header for header."""

    def answer(request):
        response = HttpResponse()
        if vary is not None:
            response["Vary"] = vary
        return response

    def request():
        headers = {} if origin is None else {"HTTP_ORIGIN": origin}
        if method == "preflight":
            return rf.options(path, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **headers)
        return getattr(rf, method)(path, **headers)

    ours = CorsMiddleware(answer)(request())
    theirs = LibraryCorsMiddleware(answer)(request())
    assert ours.status_code == theirs.status_code
    assert list(ours.items()) == list(theirs.items())


@pytest.mark.parametrize("origin", [None, ""])
def test_a_request_without_origin_is_answered_without_reading_every_header(rf, origin):
    """What makes the subclass worth having: the library builds ``request.headers`` from the
    whole environ for every answer on the CORS paths (about half of what a warm answer costs
    beyond the bare framework, BENCHMARKS.md, seventh session)."""
    headers = {} if origin is None else {"HTTP_ORIGIN": origin}
    request = rf.get("/api/v1/compounds/", **headers)
    response = CorsMiddleware(lambda request: HttpResponse())(request)
    assert response["Vary"] == "origin"
    assert "headers" not in vars(request)
    LibraryCorsMiddleware(lambda request: HttpResponse())(request)
    assert "headers" in vars(request)  # what the assertion above would see without the subclass


def test_an_answer_without_origin_says_it_varies_on_origin_rendered_or_replayed(client):
    """A shared cache must not give a browser the answer another origin was refused."""
    rendered = client.get("/api/v1/compounds/")
    replayed = client.get("/api/v1/compounds/")
    not_modified = client.get("/api/v1/compounds/", HTTP_IF_NONE_MATCH=rendered["ETag"])
    for response in (rendered, replayed, not_modified):
        assert "origin" in [name.strip().lower() for name in response["Vary"].split(",")]
    assert rendered["Vary"] == replayed["Vary"] == not_modified["Vary"]
    assert "Access-Control-Allow-Origin" not in replayed
