"""The bad-input catalogue: every hostile or clumsy request gets a clear JSON 4xx, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

ROUTES = [
    "/api/v1/",
    "/api/v1/meta/",
    "/api/v1/compounds/",
    "/api/v1/compounds/ketamine/",
    "/api/v1/mechanisms/",
    "/api/v1/mechanisms/mtor-signaling/",
    "/api/v1/disorders/",
    "/api/v1/disorders/ptsd/",
    "/api/v1/modalities/",
    "/api/v1/modalities/psychoeducation/",
    "/api/v1/guidance/",
    "/api/v1/guidance/general-cbt-integration/",
    "/api/v1/profile-factors/",
    "/api/v1/profile-factors/dissociative-tendencies/",
    "/api/v1/safety-statements/",
    "/api/v1/safety-statements/unguided-plasticity/",
    "/api/v1/references/",
    "/api/v1/references/10.1177/0269881108093587/",
    "/api/v1/recommendations/?disorder=ptsd&compound=mdma",
    "/api/v1/recommendations/matrix/",
    "/api/schema/",
]
METHODS = ["get", "head", "options", "post", "put", "patch", "delete", "trace"]


def assert_json_client_error(response, *allowed: int) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if allowed:
        assert response.status_code in allowed, response.status_code
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return response.json()


def request(client, method: str, url: str):
    if method == "trace":
        return client.generic("TRACE", url)
    return getattr(client, method)(url)


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize("method", METHODS)
def test_every_method_on_every_route_is_answered_without_html(client, url, method):
    response = request(client, method, url)
    if method in {"get", "head", "options"}:
        assert response.status_code == 200
    else:
        body = assert_json_client_error(response, 405)
        assert "not allowed" in body["detail"]
    assert not response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/compounds/?page=-1",
        "/api/v1/compounds/?page=0",
        "/api/v1/compounds/?page=99999999999999999999999999999999",
        "/api/v1/compounds/?page_size=-3",
        "/api/v1/compounds/?page_size=99999999999999999999999999999999",
        "/api/v1/references/?year=-2021",
        "/api/v1/references/?year=99999999999999999999",
        "/api/v1/references/99999999999999999999999999/",
        "/api/v1/references/%C2%B2/",
    ],
)
def test_huge_and_negative_numbers_are_clear_4xx_or_valid(client, url):
    response = client.get(url)
    if response.status_code != 200:
        body = assert_json_client_error(response)
        assert body


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/compounds/?search=%FF%FE%FD", 200),
        ("/api/v1/compounds/?compound_class=%FF%FE", 400),
        ("/api/v1/compounds/%FF%FE/", 404),
        ("/api/v1/recommendations/?disorder=%C0%AF&compound=mdma", 400),
        ("/api/v1/mechanisms/?level=%E2%80%AE%E2%80%8Bmolecular", 400),
        ("/api/v1/compounds/?search=%00", 400),
        ("/api/v1/compounds/?%ZZ=1", 400),
        ("/api/v1/compounds/?search=100%", 200),
    ],
)
def test_percent_encoded_garbage_and_invalid_utf8(client, url, expected):
    response = client.get(url)
    assert response.status_code == expected
    assert response["Content-Type"] == "application/json"


SQL_AND_SCRIPT = [
    "' OR '1'='1",
    "ptsd'; DROP TABLE guidance_guidance;--",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "{{7*7}}",
]


@pytest.mark.parametrize("value", SQL_AND_SCRIPT)
def test_sql_and_script_like_filter_values_are_rejected_and_not_executed(client, value):
    body = assert_json_client_error(client.get("/api/v1/guidance/", {"disorder": value}), 400)
    assert body["disorder"][0].startswith("Unknown slug")
    assert client.get("/api/v1/guidance/").json()["count"] > 0


@pytest.mark.parametrize("value", SQL_AND_SCRIPT)
def test_sql_and_script_like_search_finds_nothing_and_echoes_nothing_unescaped(client, value):
    response = client.get("/api/v1/compounds/", {"search": value})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert b"<script>" not in response.content


@pytest.mark.parametrize("value", SQL_AND_SCRIPT)
def test_sql_and_script_like_slugs_in_paths_are_404s(client, value):
    from urllib.parse import quote

    response = client.get(f"/api/v1/compounds/{quote(value, safe='')}/")
    body = assert_json_client_error(response, 404)
    assert "<script>" not in body["detail"] or response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "slug",
    [
        "k\u0435tamine",  # Cyrillic ie
        "\uff4betamine",  # fullwidth k
        "ketamine\u200b",  # zero-width space
        "KETAMINE",
        "ketamine ",
        "psilocyb\u0131n",  # dotless i
    ],
)
def test_unicode_look_alike_slugs_are_not_confused_with_real_ones(client, slug):
    from urllib.parse import quote

    assert_json_client_error(client.get(f"/api/v1/compounds/{quote(slug)}/"), 404)
    body = assert_json_client_error(
        client.get("/api/v1/recommendations/", {"disorder": "ptsd", "compound": slug}), 400
    )
    assert "valid: ketamine, lsd, mdma, psilocybin" in body["compound"][0]


def test_very_long_strings_are_refused_clearly(client):
    body = assert_json_client_error(client.get("/api/v1/compounds/", {"search": "a" * 5000}), 400)
    assert "limit is 2048" in body["detail"]
    long_slug = "a" * 500
    assert_json_client_error(client.get(f"/api/v1/compounds/{long_slug}/"), 404)
    body = assert_json_client_error(
        client.get("/api/v1/recommendations/", {"disorder": "d" * 300, "compound": "mdma"}), 400
    )
    assert "Longer than 80 characters" in body["disorder"][0]


def test_unknown_and_repeated_parameters(client):
    body = assert_json_client_error(client.get("/api/v1/disorders/?colour=blue"), 400)
    assert "Unknown parameter" in body["colour"][0]
    body = assert_json_client_error(client.get("/api/v1/disorders/?page=1&page=2"), 400)
    assert body == {"page": ["Given more than once; give it once."]}
    body = assert_json_client_error(client.get("/api/v1/meta/?verbose=1"), 400)
    assert body == {"verbose": ["Unknown parameter; accepted: format."]}


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("/api/v1/compounds/?format=xml", "json"),
        ("/api/v1/compounds/ketamine/?format=html", "json"),
        ("/api/v1/recommendations/?disorder=ptsd&compound=mdma&format=csv", "json"),
        ("/api/schema/?format=xml", "json, yaml"),
    ],
)
def test_an_unsupported_format_is_a_400_naming_the_valid_ones(client, url, valid):
    body = assert_json_client_error(client.get(url), 400)
    assert body["format"][0].endswith(f"valid: {valid}.")


def test_the_schema_comes_as_yaml_or_json_on_request(client):
    assert client.get("/api/schema/?format=json")["Content-Type"].startswith(
        "application/vnd.oai.openapi+json"
    )
    assert client.get("/api/schema/?format=yaml").status_code == 200


@pytest.mark.parametrize("url", ["/api/schema/?foo=1", "/api/docs/?foo=1", "/api/redoc/?x=y"])
def test_the_docs_take_no_stray_parameters(client, url):
    body = assert_json_client_error(client.get(url), 400)
    assert "Unknown parameter" in next(iter(body.values()))[0]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/compounds/%00/",
        "/api/v1/guidance/a%00b/",
        "/api/v1/references/10.%00/",
        "/api/v1/references/%00/",
    ],
)
def test_control_characters_in_paths_are_404s_not_database_errors(client, url):
    assert_json_client_error(client.get(url), 404)


def test_a_value_the_database_cannot_compare_is_a_400(client, monkeypatch):
    from django.db import DataError

    from api.views.meta import MetaView

    def refuse(self, request):
        raise DataError("invalid byte sequence")

    monkeypatch.setattr(MetaView, "get", refuse)
    body = assert_json_client_error(client.get("/api/v1/meta/"), 400)
    assert "cannot be compared" in body["detail"]


def test_a_body_on_a_get_is_ignored(client):
    response = client.generic(
        "GET", "/api/v1/compounds/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["100%", "%s%d", "50%25off", "%(value)s"])
def test_percent_signs_in_values_are_echoed_safely(client, value):
    body = assert_json_client_error(client.get("/api/v1/mechanisms/", {"compound": value}), 400)
    assert body["compound"][0].startswith(f"Unknown slug {value!r}")


def test_percent_signs_in_recommendation_parameters_are_echoed_safely(client):
    body = assert_json_client_error(
        client.get("/api/v1/recommendations/", {"disorder": "%s%%", "compound": "mdma"}), 400
    )
    assert body["disorder"][0].startswith("Unknown disorder '%s%%'")
