"""OpenAPI additions introspection cannot know: error responses and worked examples.

Examples come from ``api/openapi_examples.json``, real responses captured from the loaded content
by ``manage.py openapi_examples`` and trimmed to a few items per list.
"""

import json
from pathlib import Path

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
    "A query parameter is unknown, repeated or has an invalid value; the message names the "
    "valid values.",
    "ParameterErrors",
    {"level": ["Unknown value 'genetic'; valid: molecular, cellular, network, behavioral."]},
)
NOT_FOUND = _error(
    "No such row (or page).",
    "Error",
    {"detail": "No compound with slug 'ketamin'; see /api/v1/compounds/ for all."},
)


def load_examples() -> dict[str, dict]:
    """Return the captured examples keyed by operationId (empty if not generated yet)."""
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def document_errors_and_examples(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: add 400/404 responses and response examples."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    examples = load_examples()
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", BAD_PARAMETER)
            if "{" in path or "page" in {p["name"] for p in operation.get("parameters", [])}:
                responses.setdefault("404", NOT_FOUND)
            example = examples.get(operation.get("operationId", ""))
            content = responses.get("200", {}).get("content", {}).get("application/json")
            if example is not None and content is not None:
                content["examples"] = {"Example": example}
    return result
