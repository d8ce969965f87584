"""One shape per concept, on every endpoint: what a client reading any response can rely on.

Every response of the API (every list, every detail, a plan for every disorder with every
compound, the matrix, meta) is crawled once, and each rule is checked on everything crawled:

- another resource's row is linked as exactly ``{slug, name, url}``, and the URL opens that row;
- treatment phases are a list, in treatment order, of objects opening with ``phase`` and ``label``;
- a citation has exactly the citation fields, and its URL opens that reference;
- there is no database ``id`` anywhere, and no "" (an absent value is null);
- a cited statement has text, or is null as a whole.
"""

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import jsonschema
import pytest

from api.serializers.common import CITATION_FIELDS
from api.urls import router
from compounds.models import Compound
from disorders.models import Disorder
from modalities.models import TreatmentPhase

pytestmark = pytest.mark.django_db

LINK = {"slug", "name", "url"}
# Keys under which a response links to other resources' rows (one row, or a list of them).
LINK_KEYS = {
    "disorder",
    "compound",
    "profile_factor",
    "modality",
    "mechanism",
    "parent",
    "inherited_from",
    "leading_guidance",
    "subtypes",
    "disorders",
    "profile_factors",
}
PHASES = [(phase.value, phase.label) for phase in TreatmentPhase]
# Where keys are points or counts named after a concept, not the concept's rows.
NUMBERS = (".score_components.", ".score_max.", ".counts.")


@pytest.fixture(scope="module")
def responses(django_db_blocker) -> dict[str, object]:
    """Every response a client can get from the real content, by URL."""
    from django.test import Client

    client = Client()
    crawled: dict[str, object] = {}

    def get(url: str) -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        crawled[url] = response.json()
        return crawled[url]

    with django_db_blocker.unblock():
        for prefix, _, _ in router.registry:
            for row in get(f"/api/v1/{prefix}/?page_size=100")["results"]:
                get(row["url"])
        for disorder in Disorder.objects.values_list("slug", flat=True):
            for compound in Compound.objects.values_list("slug", flat=True):
                get(
                    f"/api/v1/recommendations/?disorder={disorder}&compound={compound}"
                    "&profile=dissociative-tendencies"
                )
        get("/api/v1/recommendations/matrix/?page_size=100")
        get("/api/v1/meta/")
        get("/api/v1/")
    return crawled


def walk(value, path: str = "") -> Iterator[tuple[str, str, object]]:
    """Yield (path, key, value) for every value in a JSON document, the root with key ''."""
    if path == "":
        yield "", "", value
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key, item
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", "", item
            yield from walk(item, f"{path}[{index}]")


def everywhere(responses) -> Iterator[tuple[str, str, object]]:
    for url, body in responses.items():
        for path, key, value in walk(body):
            yield f"{url} {path}", key, value


def rows(responses) -> Iterator[tuple[str, str, object]]:
    """Like ``everywhere``, without what is keyed by a concept's name without being its rows:
    the root's links to each list, and the scores and counts."""
    for where, key, value in everywhere(responses):
        if not where.startswith("/api/v1/ ") and not any(n in f"{where}." for n in NUMBERS):
            yield where, key, value


def links(responses) -> Iterator[tuple[str, dict]]:
    """Every object found under a key that links to other resources' rows."""
    for where, key, value in rows(responses):
        if key in LINK_KEYS and value is not None:
            for item in value if isinstance(value, list) else [value]:
                yield where, item


def test_the_crawl_reaches_every_kind_of_response(responses):
    assert len(responses) > 200
    keys = {key for _, key, _ in everywhere(responses)}
    assert keys >= LINK_KEYS
    assert keys >= {"phases", "references", "supporting", "warnings", "guidance_by_compound"}


def test_every_linked_row_is_exactly_slug_name_and_url_and_the_url_opens_it(client, responses):
    seen: dict[str, dict] = {}
    for where, item in links(responses):
        assert isinstance(item, dict), (where, item)
        assert set(item) == LINK, (where, item)
        assert seen.setdefault(item["url"], item) == item, (where, item)
    assert len(seen) > 60
    for url, item in seen.items():
        row = responses.get(url) or client.get(url).json()
        assert (row["slug"], row["name"], row["url"]) == (item["slug"], item["name"], url)


def test_every_object_with_a_slug_links_to_its_own_row(client, responses):
    """Rows shown with their content (a plan's warnings and supporting guidance, a disorder's
    guidance) name and link themselves as their own resource does."""
    shown: dict[str, dict] = {}
    for where, _, value in rows(responses):
        if where.rsplit(".", 1)[-1].startswith("members["):
            # A medication class's member is no resource of its own: it lives in its class.
            assert set(value) == {"slug", "name", "atc_code", "atc_source"}, where
            continue
        if isinstance(value, dict) and "slug" in value:
            assert "url" in value, where
            if value["url"] is None:
                assert value["kind"] == "content_gap", where
                continue
            shown.setdefault(value["url"], value)
    for url, item in shown.items():
        row = responses.get(url) or client.get(url).json()
        assert row["slug"] == item["slug"], url
        for same in ("name", "title"):
            assert row.get(same) == item.get(same, row.get(same)), (url, same)


def test_guidance_is_always_a_list_of_rows_of_one_shape(responses):
    detail = responses["/api/v1/guidance/?page_size=100"]["results"][0]["url"]
    shape = list(responses[detail])
    lists = [(where, value) for where, key, value in rows(responses) if key == "guidance"]
    assert lists
    for where, value in lists:
        assert isinstance(value, list), where
        assert all(list(row) == shape for row in value), where


def test_phases_are_a_list_in_treatment_order_with_value_and_label(responses):
    found = 0
    for where, key, value in everywhere(responses):
        if isinstance(value, dict):
            assert not set(value) & set(TreatmentPhase.values), (where, "keyed by phase")
        if key != "phases":
            continue
        found += 1
        assert isinstance(value, list), where
        assert all(list(phase)[:2] == ["phase", "label"] for phase in value), where
        shown = [(phase["phase"], phase["label"]) for phase in value]
        assert shown == [pair for pair in PHASES if pair in shown], where
    assert found > 100


def test_every_citation_has_the_citation_fields_and_opens_its_reference(client, responses):
    cited: dict[str, dict] = {}
    for where, key, value in everywhere(responses):
        if key == "references" and isinstance(value, list):
            for citation in value:
                assert list(citation) == list(CITATION_FIELDS), where
                cited.setdefault(citation["url"], citation)
    assert len(cited) > 50
    for url, citation in cited.items():
        reference = client.get(url).json()
        assert {name: reference[name] for name in CITATION_FIELDS} == citation


def test_no_database_id_and_no_empty_string_anywhere(responses):
    for where, key, value in everywhere(responses):
        assert key != "id", where
        assert value != "", where


def test_a_statement_has_text_or_is_null(responses):
    statements = [
        (where, value)
        for where, _, value in everywhere(responses)
        if isinstance(value, dict) and "text" in value
    ]
    assert statements
    for where, statement in statements:
        assert set(statement) == {"text", "references", "provenance", "locator"}, where
        assert statement["text"], where
        assert statement["provenance"], where


def strict(node):
    """An OpenAPI schema as JSON Schema that also refuses keys it does not declare."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: strict(value) for key, value in node.items()}
    if converted.get("type") == "object" and "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_every_response_is_exactly_what_the_openapi_document_describes(responses):
    """What the crawl got, key for key, is what the schema documents (and generated clients
    model): no shape documented one way and answered another."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(public=True)
    components = strict(schema["components"])
    operations = []
    for path, methods in schema["paths"].items():
        content = methods["get"]["responses"]["200"]["content"]
        [media] = [media for kind, media in content.items() if "json" in kind]
        pattern = re.sub(r"\\{[^}]+\\}", "(.+)", re.escape(path))
        operations.append((re.compile(f"{pattern}$"), path.count("{"), media["schema"]))
    checked = 0
    for url, body in responses.items():
        path = urlsplit(url).path
        matching = [(params, found) for regex, params, found in operations if regex.match(path)]
        _, response_schema = min(matching, key=lambda pair: pair[0])
        jsonschema.validate(body, {**strict(response_schema), "components": components})
        checked += 1
    assert checked == len(responses)
