"""The OpenAPI document: valid, complete, with examples that match it, served with offline docs."""

import json
import re

import jsonschema
import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from api.schema import load_examples

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(public=True)


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


def test_choice_filters_are_documented_with_their_enums(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/mechanisms/"]["get"]["parameters"]}
    assert parameters["level"]["schema"]["enum"] == [
        "behavioral",
        "cellular",
        "molecular",
        "network",
    ]
    assert "-name" in parameters["ordering"]["schema"]["enum"]
    assert "description" in parameters["search"]["description"]


def openapi_to_jsonschema(node):
    """Turn OpenAPI 3.0's ``nullable`` into JSON Schema, so jsonschema can validate examples."""
    if isinstance(node, list):
        return [openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: openapi_to_jsonschema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_every_example_matches_its_response_schema(schema):
    components = openapi_to_jsonschema(schema["components"])
    for path, _, operation in operations(schema):
        content = operation["responses"]["200"]["content"]["application/json"]
        response_schema = {**openapi_to_jsonschema(content["schema"]), "components": components}
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
