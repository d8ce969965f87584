"""The HTTP contract of the whole API: clear answers to every request, good or bad; every error
an RFC 9457 problem (``application/problem+json``), read through ``tests.problems``.

The resource contract is generic, in the manner of NetBox's ``APIViewTestCases``: it runs once for
every viewset registered on the API's router, so a resource is covered by registering it. The
endpoints outside the router (root, meta, recommendations, matrix, the OpenAPI views) follow.
"""

import math
from urllib.parse import quote

import pytest
from rest_framework.reverse import reverse

from api.filters import IdentifierFilter, MedicationFilter
from api.urls import router
from api.views.base import LIST_PARAMETERS
from content.codes import valid_system_names
from disorders.models import Disorder, ProfileFactor
from medications.selectors import medication_slugs
from tests.problems import messages, problem, valid

pytestmark = pytest.mark.django_db

RESOURCES = [
    pytest.param(prefix, viewset, basename, id=prefix)
    for prefix, viewset, basename in router.registry
]
WRITES = ["post", "put", "patch", "delete"]
MISSING = "no-such-row-xyz"
SQL_AND_SCRIPT = [
    "' OR '1'='1",
    "ptsd'; DROP TABLE guidance_guidance;--",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "{{7*7}}",
]


def list_url(basename: str) -> str:
    return reverse(f"{basename}-list")


def a_detail_url(viewset, basename: str) -> str:
    """The detail URL of the resource's first row, as a client would build it."""
    row = viewset.queryset.model.objects.filter(pk__in=viewset.queryset.values("pk")).first()
    return reverse(f"{basename}-detail", args=[getattr(row, viewset.lookup_field)])


# --- Every registered resource -------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_a_list_pages_every_public_row_and_links_each_to_its_detail(
    client, prefix, viewset, basename
):
    body = client.get(list_url(basename), {"page_size": 100}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == viewset.queryset.count() > 0
    first = body["results"][0]
    detail = client.get(first["url"])
    assert detail.status_code == 200
    assert detail.json()["url"] == first["url"]


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_an_unknown_key_is_a_404_naming_it_and_the_list(client, prefix, viewset, basename):
    response = client.get(f"{list_url(basename)}{MISSING}/")
    body = problem(response, 404, "not-found")
    assert "Allow" not in response
    assert body["detail"].startswith(f"No {viewset.queryset.model._meta.verbose_name} with ")
    assert f"{MISSING!r}; see {list_url(basename)} for all." in body["detail"]


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
@pytest.mark.parametrize("method", WRITES)
def test_writes_are_refused_with_a_json_405_naming_the_method(
    client, prefix, viewset, basename, method
):
    for url in [list_url(basename), a_detail_url(viewset, basename)]:
        response = getattr(client, method)(url, data={}, content_type="application/json")
        body = problem(response, 405, "method-not-allowed")
        assert body["detail"] == f'Method "{method.upper()}" not allowed.'
        assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_head_and_options_answer_and_trace_is_a_json_405(client, prefix, viewset, basename):
    for url in [list_url(basename), a_detail_url(viewset, basename)]:
        head = client.head(url)
        assert (head.status_code, head.content) == (200, b"")
        options = client.options(url)
        assert options.status_code == 200
        assert options.json()["name"]
        assert options["Allow"] == "GET, HEAD, OPTIONS"
        problem(client.generic("TRACE", url), 405, "method-not-allowed")


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_an_unknown_parameter_is_a_400_listing_what_the_list_accepts(
    client, prefix, viewset, basename
):
    accepted = sorted(LIST_PARAMETERS | set(viewset.filterset_class.base_filters) | {"format"})
    body = problem(client.get(list_url(basename), {"colour": "blue"}), 400, "invalid-parameter")
    assert messages(body) == {"colour": [f"Unknown parameter; accepted: {', '.join(accepted)}."]}
    assert valid(body, "colour") == accepted


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_a_detail_accepts_no_parameter_but_format(client, prefix, viewset, basename):
    body = problem(client.get(a_detail_url(viewset, basename), {"search": "x"}), 400)
    assert messages(body) == {"search": ["Unknown parameter; accepted: format."]}
    assert valid(body, "search") == ["format"]


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_a_repeated_or_empty_parameter_is_a_400(client, prefix, viewset, basename):
    body = problem(client.get(f"{list_url(basename)}?page=1&page=2"), 400, "invalid-parameter")
    assert body["errors"] == [
        {"parameter": "page", "message": "Given more than once; give it once.", "valid": None}
    ]
    for name in ["page", "page_size", "ordering", *viewset.filterset_class.base_filters]:
        body = problem(client.get(f"{list_url(basename)}?{name}="), 400)
        assert messages(body) == {name: ["Empty; give a value or leave the parameter out."]}
    assert client.get(f"{list_url(basename)}?search=").status_code == 200


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_every_filter_names_the_valid_values_when_given_an_unknown_one(
    client, prefix, viewset, basename
):
    for name, declared in viewset.filterset_class.base_filters.items():
        body = problem(client.get(list_url(basename), {name: "zzz"}), 400, "invalid-parameter")
        if "choices" in declared.extra:
            values = [value for value, _ in declared.extra["choices"]]
            assert messages(body) == {name: [f"Unknown value 'zzz'; valid: {', '.join(values)}."]}
            assert valid(body, name) == values
        elif isinstance(declared, IdentifierFilter):
            systems = declared.extra["systems"]
            names = valid_system_names(systems)
            assert messages(body) == {
                name: [
                    f"Give a code as system|code, e.g. {systems[0].name}|<code>; systems: "
                    f"{', '.join(names)}."
                ]
            }
            assert valid(body, name) == names
        elif isinstance(declared, MedicationFilter):
            classes, members = medication_slugs()
            assert messages(body)[name][0].startswith(
                f"Unknown medication 'zzz'; valid: a medication class ({', '.join(classes)}) or "
                f"a member of one ({', '.join(members)})"
            )
            assert valid(body, name) == classes + members
        elif hasattr(declared, "queryset"):
            slugs = sorted(declared.queryset.model.objects.values_list("slug", flat=True))
            assert messages(body) == {name: [f"Unknown slug 'zzz'; valid: {', '.join(slugs)}."]}
            assert valid(body, name) == slugs
        else:
            assert messages(body) == {name: ["Enter a whole number."]}
            assert valid(body, name) is None


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_ordering_accepts_its_fields_and_names_them_when_given_another(
    client, prefix, viewset, basename
):
    for field in viewset.ordering_fields:
        for ordering in [field, f"-{field}"]:
            assert client.get(list_url(basename), {"ordering": ordering}).status_code == 200
    doubled = f"--{viewset.ordering_fields[0]}"
    body = problem(client.get(list_url(basename), {"ordering": doubled}), 400)
    assert messages(body)["ordering"][0].startswith(f"Unknown ordering field(s) {doubled};")
    body = problem(client.get(list_url(basename), {"ordering": "-potency"}), 400)
    assert messages(body) == {
        "ordering": [
            f"Unknown ordering field(s) -potency; valid: {', '.join(viewset.ordering_fields)} "
            "(prefix '-' for descending)."
        ]
    }
    assert valid(body, "ordering") == [
        name for field in viewset.ordering_fields for name in (field, f"-{field}")
    ]


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "+2", "1e3"])
def test_a_malformed_page_or_page_size_is_a_400(client, prefix, viewset, basename, page):
    body = problem(client.get(list_url(basename), {"page": page}), 400, "invalid-parameter")
    assert messages(body) == {"page": [f"Must be a positive integer; got {page!r}."]}
    body = problem(client.get(list_url(basename), {"page_size": page}), 400)
    assert messages(body) == {"page_size": [f"Must be a positive integer; got {page!r}."]}


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_a_page_past_the_end_is_a_404_naming_the_last_page(client, prefix, viewset, basename):
    last = max(1, math.ceil(viewset.queryset.count() / 20))
    for page in [str(last + 1), "9" * 30]:
        body = problem(client.get(list_url(basename), {"page": page}), 404, "not-found")
        assert body["detail"] == f"Page {page} does not exist; the last page is {last}."


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_only_json_is_offered_and_an_accept_without_it_is_told_what_is(
    client, prefix, viewset, basename
):
    body = problem(client.get(list_url(basename), {"format": "xml"}), 400, "invalid-parameter")
    assert messages(body) == {"format": ["Unknown format 'xml'; valid: json."]}
    assert valid(body, "format") == ["json"]
    body = problem(client.get(list_url(basename), HTTP_ACCEPT="text/html"), 406, "not-acceptable")
    assert body["detail"] == (
        "Could not satisfy the request Accept header; offered: application/json."
    )
    assert valid(body, "Accept") == ["application/json"]


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
@pytest.mark.parametrize(
    "accept", ["application/problem+json", "text/html, application/problem+json;q=0.9"]
)
def test_a_client_that_accepts_problems_gets_json_and_problems(
    client, prefix, viewset, basename, accept
):
    response = client.get(list_url(basename), HTTP_ACCEPT=accept)
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    assert response.json()["count"] > 0
    response = client.get(list_url(basename), {"colour": "blue"}, HTTP_ACCEPT=accept)
    problem(response, 400, "invalid-parameter")


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
def test_control_characters_are_refused_in_keys_and_parameters(client, prefix, viewset, basename):
    problem(client.get(f"{list_url(basename)}a%00b/"), 404, "not-found")
    body = problem(client.get(f"{list_url(basename)}?search=a%00b"), 400, "invalid-parameter")
    assert messages(body) == {"search": ["Contains a control character (such as NUL); remove it."]}


@pytest.mark.parametrize(("prefix", "viewset", "basename"), RESOURCES)
@pytest.mark.parametrize("value", SQL_AND_SCRIPT)
def test_sql_and_script_like_input_finds_nothing_and_is_echoed_only_as_json(
    client, prefix, viewset, basename, value
):
    response = client.get(list_url(basename), {"search": value})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    body = problem(client.get(f"{list_url(basename)}{quote(value, safe='')}/"), 404)
    assert repr(value.strip("/").split("/")[-1]) in body["detail"] or "No " in body["detail"]


# --- Paths and methods under /api/ ---------------------------------------------------------------

OTHER_ENDPOINTS = [
    "/api/v1/",
    "/api/v1/meta/",
    "/api/v1/recommendations/?disorder=ptsd&compound=mdma",
    "/api/v1/recommendations/matrix/",
    "/api/schema/",
]


@pytest.mark.parametrize("url", OTHER_ENDPOINTS)
@pytest.mark.parametrize("method", [*WRITES, "trace"])
def test_the_other_endpoints_refuse_writes_with_a_problem_405(client, url, method):
    response = client.generic(method.upper(), url)
    body = problem(response, 405, "method-not-allowed")
    assert body["detail"] == f'Method "{method.upper()}" not allowed.'
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("url", OTHER_ENDPOINTS)
def test_the_other_endpoints_answer_head_and_options(client, url):
    assert client.head(url).status_code == 200
    options = client.options(url)
    assert (options.status_code, options["Allow"]) == (200, "GET, HEAD, OPTIONS")


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/", "/api/schema/"])
def test_options_on_the_docs_answers_json_describing_the_page(client, url):
    """Not the page's HTML (ReDoc) nor a 500 (Swagger UI's template asked to render metadata)."""
    options = client.options(url)
    assert (options.status_code, options["Allow"]) == (200, "GET, HEAD, OPTIONS")
    assert options["Content-Type"] == "application/json"
    assert options.json()["name"] in {"Swagger", "Redoc", "Schema"}


@pytest.mark.parametrize("url", ["/api/v1/nowhere/", "/api/elsewhere", "/api/v2/compounds/"])
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options", "trace"])
def test_an_unknown_path_under_api_is_a_problem_404_for_every_method_with_no_allow(
    client, url, method
):
    response = client.generic(method.upper(), url)
    body = problem(response, 404, "not-found")
    assert body["detail"] == f"No API endpoint at {url}; start at /api/v1/."
    assert "Allow" not in response


def test_a_missing_trailing_slash_gets_a_hint(client):
    body = problem(client.get("/api/v1/compounds"), 404, "not-found")
    assert body["detail"] == (
        "No API endpoint at /api/v1/compounds; did you mean /api/v1/compounds/?"
    )


def test_the_root_links_every_registered_resource_and_the_docs(client):
    links = client.get("/api/v1/").json()
    for prefix, _, basename in router.registry:
        assert links[prefix] == f"http://testserver{list_url(basename)}"
    assert links["docs"] == "http://testserver/api/docs/"


def test_an_unexpected_error_is_a_problem_500_without_a_stack_trace(monkeypatch):
    from django.test import Client

    from api.views.meta import MetaView

    def explode(self, request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(MetaView, "get", explode)
    response = Client(raise_request_exception=False).get("/api/v1/meta/")
    body = problem(response, 500, "server-error")
    assert body["detail"] == "Server error; it has been logged."
    assert b"secret internals" not in response.content


def test_pages_outside_the_api_keep_django_s_html_errors(client):
    response = client.get("/not-the-api/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_body_on_a_get_is_ignored(client):
    response = client.generic(
        "GET", "/api/v1/compounds/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 200


# --- References: by seed number or DOI -----------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "99999999999999999999999999",
        "%C2%B2",
        "10.%00",
        "%00",
        "12abc",
        "10.9999/not-cited",
    ],
)
def test_a_reference_key_that_is_neither_a_known_seed_number_nor_doi_is_a_404(client, key):
    body = problem(client.get(f"/api/v1/references/{key}/"), 404, "not-found")
    assert body["detail"].startswith("No reference with seed number or DOI ")


def test_a_reference_is_found_by_its_doi_in_any_case(client):
    body = client.get("/api/v1/references/10.1177/0269881108093587/").json()
    assert body["doi"] == "10.1177/0269881108093587"
    assert (
        client.get(
            "/api/v1/references/10.1177/0269881108093587/".upper().replace(
                "/API/V1/REFERENCES/", "/api/v1/references/"
            )
        ).json()
        == body
    )


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"year": "-2021"}, 400, "Ensure this value is greater than or equal to 1800."),
        ({"year": "99999999999999999999"}, 400, "less than or equal to 2100."),
        ({"year": "2021.5"}, 400, "Enter a whole number."),
        ({"page_size": "99999999999999999999999999999999"}, 200, None),
    ],
)
def test_huge_and_negative_numbers_in_reference_filters(client, query, status, message):
    response = client.get("/api/v1/references/", query)
    assert response.status_code == status, response.content
    if message:
        assert message in problem(response, status)["detail"]
    else:
        assert response.json()["count"] >= 0


# --- Recommendations -----------------------------------------------------------------------------


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
    problem(client.get(f"/api/v1/compounds/{quote(slug)}/"), 404)
    body = problem(
        client.get("/api/v1/recommendations/", {"disorder": "ptsd", "compound": slug}), 400
    )
    assert messages(body)["compound"][0].endswith("valid: ketamine, lsd, mdma, psilocybin.")
    assert valid(body, "compound") == ["ketamine", "lsd", "mdma", "psilocybin"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"compound": "mdma"},
            "disorder",
            "Required: the slug of a disorder (or disorder_code=system|code); valid: ",
        ),
        ({"disorder": "d" * 300, "compound": "mdma"}, "disorder", "Longer than 80 characters"),
        ({"disorder": "%s%%", "compound": "mdma"}, "disorder", "Unknown disorder '%s%%'"),
        ({"disorder": "%C0%AF", "compound": "mdma"}, "disorder", "Unknown disorder"),
        (
            {"disorder": "ptsd", "compound": "mdma", "profile": "a,,b"},
            "profile",
            "An empty item in the list",
        ),
        (
            {"disorder": "ptsd", "compound": "mdma", "profile": "nope"},
            "profile",
            "Unknown profile factor(s) 'nope'; valid: ",
        ),
    ],
)
def test_a_bad_recommendation_query_is_a_400_naming_the_valid_slugs(client, query, field, message):
    body = problem(client.get("/api/v1/recommendations/", query), 400, "invalid-parameter")
    assert messages(body)[field][0].startswith(message)
    model = Disorder if field == "disorder" else ProfileFactor
    assert valid(body, field) == sorted(model.objects.values_list("slug", flat=True))


def test_recommendation_parameters_are_strict(client):
    body = problem(
        client.get("/api/v1/recommendations/?disorder=ptsd&compound=mdma&format=csv"), 400
    )
    assert messages(body) == {"format": ["Unknown format 'csv'; valid: json."]}
    body = problem(client.get("/api/v1/recommendations/matrix/", {"disorder": "ptsd"}), 400)
    assert messages(body) == {"disorder": ["Unknown parameter; accepted: format, page, page_size."]}
    assert valid(body, "disorder") == ["format", "page", "page_size"]


@pytest.mark.parametrize("value", ["100%", "%s%d", "50%25off", "%(value)s"])
def test_percent_signs_in_values_are_echoed_safely(client, value):
    body = problem(client.get("/api/v1/mechanisms/", {"compound": value}), 400)
    assert messages(body)["compound"][0].startswith(f"Unknown slug {value!r}")


# --- The OpenAPI document and its viewers --------------------------------------------------------


def test_the_schema_comes_as_yaml_or_json_on_request(client):
    assert client.get("/api/schema/?format=json")["Content-Type"].startswith(
        "application/vnd.oai.openapi+json"
    )
    assert client.get("/api/schema/?format=yaml").content.startswith(b"openapi: 3.")
    body = problem(client.get("/api/schema/?format=xml"), 400, "invalid-parameter")
    assert messages(body) == {"format": ["Unknown format 'xml'; valid: json, yaml."]}
    assert valid(body, "format") == ["json", "yaml"]


@pytest.mark.parametrize("url", ["/api/schema/?foo=1", "/api/docs/?foo=1", "/api/redoc/?x=y"])
def test_the_docs_take_no_stray_parameters(client, url):
    body = problem(client.get(url), 400, "invalid-parameter")
    [error] = body["errors"]
    assert error["message"].startswith("Unknown parameter; accepted: ")
    assert "format" in error["valid"]


def test_meta_takes_no_parameters(client):
    body = problem(client.get("/api/v1/meta/?verbose=1"), 400, "invalid-parameter")
    assert messages(body) == {"verbose": ["Unknown parameter; accepted: format."]}
