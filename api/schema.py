"""OpenAPI additions introspection cannot know: error responses and worked examples.

Examples come from ``api/openapi_examples.json``, real responses captured from the loaded content
by ``manage.py openapi_examples`` and trimmed to a few items per list.
"""

import json
from pathlib import Path

from django.db import DatabaseError

from content.models import valid_slugs

EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")

ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every error that is not about one parameter.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ParameterErrors": {
        "type": "object",
        "description": "Errors keyed by the query parameter they concern.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "BadRequest": {
        "description": "Errors keyed by parameter, or one detail for the request as a whole.",
        "anyOf": [
            {"$ref": "#/components/schemas/ParameterErrors"},
            {"$ref": "#/components/schemas/Error"},
        ],
    },
}


def _error(description: str, schema: str, example: dict) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "examples": {"Example": {"value": example}},
            }
        },
    }


BAD_PARAMETER = _error(
    "A query parameter is unknown, repeated, empty or has an invalid value (the message names the "
    "valid values), or the query string is too long (over 2048 characters) or has too many "
    "parameters (over 20).",
    "BadRequest",
    {"level": ["Unknown value 'genetic'; valid: molecular, cellular, network, behavioral."]},
)
THROTTLED = _error(
    "Too many requests from this client; retry after the seconds in the Retry-After header.",
    "Error",
    {"detail": "Request was throttled. Expected available in 12 seconds."},
)
UNAVAILABLE = _error(
    "The database is unavailable; retry after the seconds in the Retry-After header.",
    "Error",
    {"detail": "The database is unavailable; try again in a few seconds."},
)
NOT_FOUND = _error(
    "No such row (or page).",
    "Error",
    {"detail": "No compound with slug 'ketamin'; see /api/v1/compounds/ for all."},
)


def load_examples() -> dict[str, dict[str, dict]]:
    """Return the captured examples by operationId, then name (empty if not generated yet)."""
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def _slugs(model) -> list[str]:
    """Return a model's slugs for a parameter enum; none if the database is not ready."""
    try:
        return valid_slugs(model)
    except DatabaseError:
        return []


def document_slug_enums(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: list the current slugs as the enums of slug parameters.

    The valid disorders, compounds, modalities and profile factors are content, so they are read
    when the schema is generated rather than written into code.
    """
    from compounds.models import Compound
    from disorders.models import Disorder, ProfileFactor
    from modalities.models import Modality

    models = {
        "disorder": Disorder,
        "compound": Compound,
        "modality": Modality,
        "profile": ProfileFactor,
        "profile_factor": ProfileFactor,
    }
    slugs = {name: _slugs(model) for name, model in models.items()}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                enum = slugs.get(parameter["name"]) if parameter["in"] == "query" else None
                if not enum:
                    continue
                if parameter["schema"].get("type") == "array":
                    parameter["schema"]["items"]["enum"] = enum
                else:
                    parameter["schema"]["enum"] = enum
    return result


def document_errors_and_examples(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: add 400/404 responses and response examples."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    examples = load_examples()
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", BAD_PARAMETER)
            responses.setdefault("429", THROTTLED)
            responses.setdefault("503", UNAVAILABLE)
            if "{" in path or "page" in {p["name"] for p in operation.get("parameters", [])}:
                responses.setdefault("404", NOT_FOUND)
            named = examples.get(operation.get("operationId", ""))
            content = responses.get("200", {}).get("content", {}).get("application/json")
            if named and content is not None:
                content["examples"] = named
    return result
