"""The OpenAPI document: valid, complete, with examples that match it, served with offline docs;
content slugs typed so that tomorrow's content is accepted, fixed vocabularies as enums, every
parameter typed as the API treats it."""

import json
import re

import jsonschema
import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from api.schema import SLUG_EXAMPLES, SLUG_PATTERN, SLUG_QUERY_PARAMETERS, load_examples
from evidence.models import Reference
from guidance.vocabularies import VOCABULARIES
from tests.factories import DisorderFactory

pytestmark = pytest.mark.django_db


def generate() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(public=True)


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return generate()


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_spectacular_validates_the_schema_without_warnings(tmp_path):
    call_command(
        "spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "schema.yaml")
    )
    assert yaml.safe_load((tmp_path / "schema.yaml").read_text())["openapi"].startswith("3.")


def test_the_schema_is_served_as_json_and_yaml(client):
    as_json = client.get("/api/schema/", {"format": "json"})
    as_yaml = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert as_json["Content-Type"] == "application/vnd.oai.openapi+json"
    assert as_yaml["Content-Type"].startswith("application/vnd.oai.openapi;")
    # JSON is also YAML, so parsing alone would not tell them apart: YAML starts with a key.
    assert as_yaml.content.startswith(b"openapi: 3.")
    assert json.loads(as_json.content)["info"]["title"] == "Psychoplastogen Therapy Guidance API"
    assert (
        yaml.safe_load(as_yaml.content)["paths"].keys()
        == json.loads(as_json.content)["paths"].keys()
    )


def test_every_operation_has_a_summary_description_tag_and_example(schema):
    examples = load_examples()
    for path, _, operation in operations(schema):
        assert operation.get("summary"), path
        assert operation.get("description"), path
        assert operation["tags"][0] in {"meta", path.split("/")[3]}, path
        assert operation["operationId"] in examples, path
        assert operation["responses"]["200"]["content"]["application/json"]["examples"]
        assert "400" in operation["responses"], path


def parameters_of(schema: dict):
    for path, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            yield path, parameter


def slug_parameters(schema: dict):
    """Every parameter that takes a content slug, with the resource (URL prefix) it names."""
    for path, parameter in parameters_of(schema):
        if parameter["in"] == "query" and parameter["name"] in SLUG_QUERY_PARAMETERS:
            yield path, parameter, SLUG_QUERY_PARAMETERS[parameter["name"]]
        elif parameter["in"] == "path" and parameter["name"] == "slug":
            yield path, parameter, path.split("/")[3]


def test_content_slugs_are_patterns_with_real_examples_not_enums(schema):
    found = set()
    for path, parameter, resource in slug_parameters(schema):
        found.add((parameter["in"], resource))
        value = parameter["schema"].get("items", parameter["schema"])
        assert "enum" not in value, (path, parameter["name"])
        assert value["type"] == "string", (path, parameter["name"])
        assert value["pattern"] == SLUG_PATTERN, (path, parameter["name"])
        assert parameter["examples"], (path, parameter["name"])
        for example in parameter["examples"].values():
            slugs = example["value"] if isinstance(example["value"], list) else [example["value"]]
            assert all(slug in SLUG_EXAMPLES[resource] for slug in slugs), (path, slugs)
        assert f"/api/v1/{resource}/" in parameter["description"], (path, parameter["name"])
    assert {resource for where, resource in found if where == "path"} == set(SLUG_EXAMPLES)
    assert {resource for where, resource in found if where == "query"} == {
        "disorders",
        "compounds",
        "modalities",
        "profile-factors",
        "medications",
    }


def test_the_slug_pattern_is_the_models_slug_format():
    pattern = re.compile(SLUG_PATTERN)
    for slug in ["ptsd", "major-depressive-disorder", "5-meo-dmt", "under_score"]:
        assert pattern.fullmatch(slug), slug
    for not_a_slug in ["", "two words", "ptsd/", "ptsd.json", "séance"]:
        assert not pattern.fullmatch(not_a_slug), not_a_slug


@pytest.mark.parametrize("resource", sorted(SLUG_EXAMPLES))
def test_every_slug_example_is_real_content(client, resource):
    for slug in SLUG_EXAMPLES[resource]:
        assert client.get(f"/api/v1/{resource}/{slug}/").status_code == 200, slug


def test_a_disorder_added_by_an_editor_leaves_the_document_as_it_was(schema):
    """No content in the document: a client generated before an editor adds a disorder in admin
    is the client generated after, and it accepts the new disorder."""
    DisorderFactory(slug="body-dysmorphic-disorder", name="Body dysmorphic disorder")
    assert generate() == schema


def vocabulary_values(node: dict, components: dict) -> set:
    """The enum values a schema allows, through references, unions and array items."""
    if "$ref" in node:
        return vocabulary_values(components[node["$ref"].split("/")[-1]], components)
    values = {value for value in node.get("enum", []) if value is not None}
    for key in ("oneOf", "anyOf", "allOf"):
        for alternative in node.get(key, []):
            values |= vocabulary_values(alternative, components)
    if "items" in node:
        values |= vocabulary_values(node["items"], components)
    return values


def test_fixed_vocabularies_are_enums_wherever_they_appear(schema):
    """A field or filter named after a vocabulary (or a phase) takes exactly that vocabulary's
    values, as an enum, in responses and in queries alike (score points aside: numbers)."""
    components = schema["components"]["schemas"]
    names = {vocabulary.name for vocabulary in VOCABULARIES}
    value_sets = [set(vocabulary.values) for vocabulary in VOCABULARIES]
    carriers = [
        (f"{name}.{field}", node)
        for name, component in components.items()
        for field, node in component.get("properties", {}).items()
        if field in names or field.endswith("_phase")
    ] + [
        (f"{path} ?{parameter['name']}", parameter["schema"])
        for path, parameter in parameters_of(schema)
        if parameter["in"] == "query" and parameter["name"] in names
    ]
    assert len(carriers) > 50
    for where, node in carriers:
        if node.get("type") in {"integer", "number"}:
            continue
        assert vocabulary_values(node, components) in value_sets, where


def test_ordering_is_a_comma_separated_list_of_the_view_s_keys(client, schema):
    [ordering] = [
        p
        for p in schema["paths"]["/api/v1/mechanisms/"]["get"]["parameters"]
        if p["name"] == "ordering"
    ]
    pattern = re.compile(ordering["schema"]["pattern"])
    assert ordering["schema"]["type"] == "string"
    for accepted in ["name", "-level", "level,-name", "-slug,name,level"]:
        assert pattern.fullmatch(accepted), accepted
        assert client.get("/api/v1/mechanisms/", {"ordering": accepted}).status_code == 200
    for refused in ["colour", "name,", "name;level"]:
        assert not pattern.fullmatch(refused), refused
        assert client.get("/api/v1/mechanisms/", {"ordering": refused}).status_code == 400
    assert not pattern.fullmatch("--name")
    assert "name, level, slug" in ordering["description"]


def test_search_names_the_fields_it_looks_in(schema):
    [search] = [
        p
        for p in schema["paths"]["/api/v1/mechanisms/"]["get"]["parameters"]
        if p["name"] == "search"
    ]
    assert "name, description" in search["description"]


def required_query(operation: dict) -> dict | None:
    """The operation's required query parameters, each at its first example (None: one has no
    example to give)."""
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            if not parameter.get("examples"):
                return None
            query[parameter["name"]] = next(iter(parameter["examples"].values()))["value"]
    return query


def test_every_ordering_and_page_example_is_answered(client, schema):
    answered = 0
    for path, _, operation in operations(schema):
        required = required_query(operation)
        if "{" in path or required is None:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["name"] in {"ordering", "page"}:
                for example in parameter["examples"].values():
                    query = {**required, parameter["name"]: example["value"]}
                    assert client.get(path, query).status_code == 200, (path, query)
                    answered += 1
    assert answered > 20


def test_page_is_a_number_from_one_or_last_wherever_it_is_accepted(schema):
    pages = [p for _, p in parameters_of(schema) if p["name"] == "page"]
    assert len(pages) >= 9
    for page in pages:
        assert page["schema"] == {
            "oneOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "enum": ["last"]},
            ]
        }


def test_a_citation_s_doi_is_a_nullable_string_with_a_pattern_every_doi_matches(schema):
    doi = schema["components"]["schemas"]["Citation"]["properties"]["doi"]
    assert doi["type"] == ["string", "null"]
    pattern = re.compile(doi["pattern"])
    dois = list(Reference.objects.exclude(doi=None).values_list("doi", flat=True))
    assert len(dois) > 50
    assert all(pattern.search(value) for value in dois)


def test_the_document_asks_for_no_credentials(schema):
    assert schema["security"] == []
    assert "securitySchemes" not in schema["components"]
    assert not [path for path, _, operation in operations(schema) if "security" in operation]


def test_the_document_names_its_server_licence_and_contact(schema):
    assert schema["openapi"] == "3.1.0"
    assert schema["servers"] == [
        {"url": "/", "description": "This service: the host serving this document."}
    ]
    assert schema["info"]["license"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert "MIT" in schema["info"]["description"]
    assert schema["info"]["contact"]["name"]


def test_no_openapi_3_0_nullable_is_left(schema):
    """An OpenAPI 3.1 schema is JSON Schema: a nullable value is a ``null`` type or alternative,
    which validators and generators honour; 3.0's ``nullable`` they would ignore."""
    assert '"nullable"' not in json.dumps(schema["components"])
    for _, _, operation in operations(schema):
        assert '"nullable"' not in json.dumps(operation.get("parameters", []))


def test_every_example_matches_its_response_schema(schema):
    for path, _, operation in operations(schema):
        content = operation["responses"]["200"]["content"]["application/json"]
        response_schema = {**content["schema"], "components": schema["components"]}
        for name, example in content["examples"].items():
            try:
                jsonschema.validate(example["value"], response_schema)
            except jsonschema.ValidationError as exc:
                pytest.fail(f"Example {name!r} of {path} does not match its schema: {exc.message}")


def test_swagger_ui_and_redoc_load_nothing_from_another_host(client):
    for url in ["/api/docs/", "/api/redoc/"]:
        page = client.get(url).content.decode()
        assert not re.search(r"""(src|href)=["']?https?://""", page), url
        for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", page):
            assert finders.find(asset.removeprefix("/static/")), asset
    assert "swagger-ui-bundle.js" in client.get("/api/docs/").content.decode()
    assert "redoc.standalone.js" in client.get("/api/redoc/").content.decode()
