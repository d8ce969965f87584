"""One JSON error shape for everything under /api/, and no HTML, ever."""

import pytest

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/compounds/",
    "/api/v1/mechanisms/",
    "/api/v1/disorders/",
    "/api/v1/modalities/",
    "/api/v1/guidance/",
    "/api/v1/profile-factors/",
    "/api/v1/safety-statements/",
    "/api/v1/references/",
]
DETAILS = [
    "/api/v1/compounds/ketamine/",
    "/api/v1/mechanisms/mtor-signaling/",
    "/api/v1/disorders/ptsd/",
    "/api/v1/modalities/psychoeducation/",
    "/api/v1/guidance/general-cbt-integration/",
    "/api/v1/profile-factors/dissociative-tendencies/",
    "/api/v1/safety-statements/no-pairing-evidence/",
    "/api/v1/references/1/",
]


@pytest.mark.parametrize("url", LISTS + DETAILS + ["/api/v1/", "/api/v1/meta/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_with_a_json_405(client, url, method):
    response = getattr(client, method)(url, data={}, content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("url", ["/api/v1/nowhere/", "/api/elsewhere", "/api/v2/compounds/"])
def test_an_unknown_path_under_api_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith(f"No API endpoint at {url}")


def test_a_missing_trailing_slash_gets_a_hint(client):
    response = client.get("/api/v1/compounds")
    assert response.json() == {
        "detail": "No API endpoint at /api/v1/compounds; did you mean /api/v1/compounds/?"
    }


def test_an_unknown_parameter_is_a_400_listing_the_accepted_ones(client):
    response = client.get("/api/v1/mechanisms/", {"levle": "cellular"})
    assert response.status_code == 400
    assert response.json() == {
        "levle": [
            "Unknown parameter; accepted: compound, format, level, ordering, page, page_size, "
            "search."
        ]
    }


def test_a_detail_accepts_no_filters(client):
    response = client.get("/api/v1/compounds/ketamine/", {"level": "cellular"})
    assert response.status_code == 400
    assert response.json() == {"level": ["Unknown parameter; accepted: format."]}


def test_a_repeated_parameter_is_a_400(client):
    response = client.get("/api/v1/mechanisms/?level=cellular&level=network")
    assert response.status_code == 400
    assert response.json() == {"level": ["Given more than once; give it once."]}


def test_an_unknown_ordering_field_is_a_400_listing_the_valid_ones(client):
    response = client.get("/api/v1/compounds/", {"ordering": "-potency"})
    assert response.json() == {
        "ordering": [
            "Unknown ordering field(s) -potency; valid: name, slug (prefix '-' for descending)."
        ]
    }


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "+2", "1e3"])
def test_a_malformed_page_is_a_400(client, page):
    response = client.get("/api/v1/references/", {"page": page})
    assert response.status_code == 400
    assert response.json() == {"page": [f"Must be a positive integer; got {page!r}."]}


@pytest.mark.parametrize("page", ["9", "9" * 30])
def test_a_page_past_the_end_is_a_404_naming_the_last_page(client, page):
    response = client.get("/api/v1/references/", {"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": f"Page {page} does not exist; the last page is 5."}


def test_page_last_gives_the_last_page(client):
    body = client.get("/api/v1/references/", {"page": "last"}).json()
    assert body["next"] is None
    assert len(body["results"]) == 96 - 4 * 20


@pytest.mark.parametrize("size", ["0", "-5", "ten"])
def test_a_malformed_page_size_is_a_400(client, size):
    response = client.get("/api/v1/references/", {"page_size": size})
    assert response.status_code == 400
    assert response.json() == {"page_size": [f"Must be a positive integer; got {size!r}."]}


def test_page_size_is_capped_at_100(client):
    body = client.get("/api/v1/references/", {"page_size": 1000}).json()
    assert len(body["results"]) == 96
    body = client.get("/api/v1/references/", {"page_size": 10, "page": 2}).json()
    assert len(body["results"]) == 10
    assert body["previous"] == "http://testserver/api/v1/references/?page_size=10"
    assert body["next"] == "http://testserver/api/v1/references/?page=3&page_size=10"


@pytest.mark.parametrize("url", LISTS + DETAILS)
def test_head_and_options_answer_without_html(client, url):
    assert client.head(url).status_code == 200
    options = client.options(url)
    assert options.status_code == 200
    assert options["Content-Type"] == "application/json"


def test_only_json_is_offered(client):
    response = client.get("/api/v1/compounds/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_unexpected_error_is_a_json_500_without_a_stack_trace(monkeypatch):
    from django.test import Client

    from api.views.meta import MetaView

    def explode(self, request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(MetaView, "get", explode)
    response = Client(raise_request_exception=False).get("/api/v1/meta/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error; it has been logged."}
    assert b"secret internals" not in response.content


def test_pages_outside_the_api_keep_django_s_html_errors(client):
    response = client.get("/not-the-api/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("name", ["page", "page_size", "ordering", "level", "compound"])
def test_an_empty_parameter_is_a_400(client, name):
    response = client.get(f"/api/v1/mechanisms/?{name}=")
    assert response.status_code == 400
    assert response.json() == {name: ["Empty; give a value or leave the parameter out."]}


def test_an_empty_search_is_allowed(client):
    assert client.get("/api/v1/mechanisms/?search=").json()["count"] == 16
