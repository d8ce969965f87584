"""OpenAPI additions introspection cannot know: error responses (problems) and worked examples.

Examples come from ``api/openapi_examples.json``, real responses captured from the loaded content
by ``manage.py openapi_examples`` and trimmed to a few items per list.
"""

import json
from pathlib import Path

from django.core.validators import slug_re
from drf_spectacular.plumbing import append_meta

from infra.errors import DATABASE_UNAVAILABLE, KINDS, PROBLEM_MEDIA_TYPE, PROBLEMS_PATH

EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")

_PROBLEM_PROPERTIES = {
    "type": {
        "type": "string",
        "format": "uri-reference",
        "description": "The kind of error: a URI the API serves (GET it for the kind's title, "
        f"status and meaning; {PROBLEMS_PATH} lists them all). One of: "
        + ", ".join(kind.type for kind in KINDS.values())
        + ".",
    },
    "title": {
        "type": "string",
        "description": "The kind's short name; the same for every error of the kind.",
    },
    "status": {"type": "integer", "description": "The HTTP status code."},
    "detail": {"type": "string", "description": "What went wrong with this request."},
    "instance": {
        "type": "string",
        "format": "uri-reference",
        "description": "The path of the request that failed.",
    },
}

ERROR_SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details: the body of every error under /api/, served "
        f"as `{PROBLEM_MEDIA_TYPE}` whatever the Accept header.",
        "properties": _PROBLEM_PROPERTIES,
        "required": list(_PROBLEM_PROPERTIES),
    },
    "ParameterError": {
        "type": "object",
        "description": "One fault of one query parameter.",
        "properties": {
            "parameter": {"type": "string", "description": "The query parameter at fault."},
            "message": {
                "type": "string",
                "description": "What is wrong and how to fix it (it names the valid values too).",
            },
            "valid": {
                "type": "array",
                "items": {"type": "string"},
                "nullable": True,
                "description": "The values (or, for an unknown parameter, the names) it accepts, "
                "when that set is known; null otherwise.",
            },
        },
        "required": ["parameter", "message", "valid"],
    },
    "ParameterProblem": {
        "description": "A problem about query parameters: one `errors` entry per fault.",
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {
                "type": "object",
                "properties": {
                    "errors": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/ParameterError"},
                    }
                },
                "required": ["errors"],
            },
        ],
    },
    "BadRequestProblem": {
        "description": "Bad query parameters (with `errors`), or a request refused as a whole.",
        "anyOf": [
            {"$ref": "#/components/schemas/ParameterProblem"},
            {"$ref": "#/components/schemas/Problem"},
        ],
    },
}


def _problem(kind: str, detail: str, instance: str, **extra) -> dict:
    """An example problem of this kind, as the API answers it."""
    found = KINDS[kind]
    return {
        "type": found.type,
        "title": found.title,
        "status": found.status,
        "detail": detail,
        "instance": instance,
        **extra,
    }


def _error(description: str, schema: str, example: dict) -> dict:
    return {
        "description": description,
        "content": {
            PROBLEM_MEDIA_TYPE: {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "examples": {"Example": {"value": example}},
            }
        },
    }


_LEVELS = ["molecular", "cellular", "network", "behavioral"]
_UNKNOWN_LEVEL = f"Unknown value 'genetic'; valid: {', '.join(_LEVELS)}."
BAD_PARAMETER = _error(
    "A query parameter is unknown, repeated, empty or has an invalid value (`errors` names each "
    "one with its valid values), or the query string is too long (over 2048 characters) or has "
    "too many parameters (over 20).",
    "BadRequestProblem",
    _problem(
        "invalid-parameter",
        f"level: {_UNKNOWN_LEVEL}",
        "/api/v1/mechanisms/",
        errors=[{"parameter": "level", "message": _UNKNOWN_LEVEL, "valid": _LEVELS}],
    ),
)
NOT_ACCEPTABLE = _error(
    "The Accept header names no media type this endpoint offers (`errors` lists them); "
    "`application/problem+json` counts as JSON.",
    "ParameterProblem",
    _problem(
        "not-acceptable",
        "Could not satisfy the request Accept header; offered: application/json.",
        "/api/v1/compounds/",
        errors=[
            {
                "parameter": "Accept",
                "message": "Could not satisfy the request Accept header; offered: "
                "application/json.",
                "valid": ["application/json"],
            }
        ],
    ),
)
THROTTLED = _error(
    "Too many requests from this client; retry after the seconds in the Retry-After header.",
    "Problem",
    _problem("throttled", "Request was throttled. Expected available in 12 seconds.", "/api/v1/"),
)
UNAVAILABLE = _error(
    "The database is unavailable; retry after the seconds in the Retry-After header.",
    "Problem",
    _problem("database-unavailable", DATABASE_UNAVAILABLE, "/api/v1/compounds/"),
)
NOT_FOUND = _error(
    "No such row (or page).",
    "Problem",
    _problem(
        "not-found",
        "No compound with slug 'ketamin'; see /api/v1/compounds/ for all.",
        "/api/v1/compounds/ketamin/",
    ),
)


def load_examples() -> dict[str, dict[str, dict]]:
    """Return the captured examples by operationId, then name (empty if not generated yet)."""
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def document_errors_and_examples(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: add the error responses, every one a problem
    (``application/problem+json``, also for errors a view declares), and response examples."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    examples = load_examples()
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                content = response.get("content", {})
                if status[:1] in {"4", "5"} and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
            responses.setdefault("400", BAD_PARAMETER)
            responses.setdefault("406", NOT_ACCEPTABLE)
            responses.setdefault("429", THROTTLED)
            responses.setdefault("503", UNAVAILABLE)
            if "{" in path or "page" in {p["name"] for p in operation.get("parameters", [])}:
                responses.setdefault("404", NOT_FOUND)
            named = examples.get(operation.get("operationId", ""))
            content = responses.get("200", {}).get("content", {}).get("application/json")
            if named and content is not None:
                content["examples"] = named
    return result


# --- Parameters: content slugs, pages, access --------------------------------------------------

# The format of every content slug: what Django's SlugField (and so every model's ``slug``)
# validates, as an OpenAPI (ECMAScript) pattern, which has no ``\Z``.
SLUG_PATTERN = slug_re.pattern.replace(r"\Z", "$")

# A few real slugs of each resource (from fixtures/), as parameter examples. Examples, not an
# enum: disorders, compounds and the rest are content that editors add in admin, so a client
# generated from today's document must accept tomorrow's slugs; the valid ones are listed by each
# resource's list endpoint and named in the 400 (query) or 404 (path) an unknown one gets.
SLUG_EXAMPLES = {
    "compounds": ("psilocybin", "ketamine", "mdma"),
    "disorders": ("ptsd", "major-depressive-disorder", "alcohol-use-disorder"),
    "modalities": ("psychoeducation", "cognitive-behavioral-therapy", "psychodynamic-therapy"),
    "profile-factors": ("dissociative-tendencies", "experiential-avoidance"),
    "mechanisms": ("serotonin-2a-receptor-agonism", "nmda-receptor-antagonism"),
    "guidance": ("general-psychoeducation-preparation", "general-multimodal-integration"),
    "safety-statements": ("minimum-preparation-standard", "session-safety-supervision"),
    "medications": ("lithium", "ssri", "benzodiazepine"),
    "interactions": (
        "classic-psychedelics-lithium-seizures",
        "ketamine-benzodiazepine-attenuated-antidepressant-effect",
    ),
}
# Query parameters whose value is the slug of a resource, by the resource's URL prefix.
SLUG_QUERY_PARAMETERS = {
    "disorder": "disorders",
    "compound": "compounds",
    "modality": "modalities",
    "profile": "profile-factors",
    "profile_factor": "profile-factors",
    "medications": "medications",
    "medication": "medications",
}


def _slug_resources() -> dict[str, type]:
    """The model behind each resource looked up by slug, by URL prefix (from the router)."""
    from api.urls import router

    return {
        prefix: viewset.queryset.model
        for prefix, viewset, _ in router.registry
        if viewset.lookup_field == "slug"
    }


def _slug_schema(model) -> dict:
    return {
        "type": "string",
        "pattern": SLUG_PATTERN,
        "minLength": 1,
        "maxLength": model._meta.get_field("slug").max_length,
    }


def _document_slug(parameter: dict, prefix: str, model) -> None:
    """Type one slug parameter (a value, or an array of them) as a pattern with examples."""
    examples = SLUG_EXAMPLES[prefix]
    listed = f"/api/v1/{prefix}/"
    schema = parameter.setdefault("schema", {})
    if schema.get("type") == "array":
        schema["items"] = _slug_schema(model)
        parameter["examples"] = {
            "one": {"summary": "One slug", "value": [examples[0]]},
            "several": {"summary": "Several slugs", "value": list(examples[:2])},
        }
    else:
        parameter["schema"] = _slug_schema(model)
        parameter["examples"] = {slug: {"value": slug} for slug in examples}
    name = model._meta.verbose_name
    if parameter["in"] == "path":
        parameter["description"] = (
            f"The {name}'s slug, as listed by {listed}; an unknown slug is a 404 that says where "
            "the valid ones are."
        )
        return
    description = parameter.get("description", "").strip()
    if listed not in description:
        description = f"{description} Valid values: the slugs {listed} lists.".strip()
    parameter["description"] = (
        f"{description} An unknown slug is a 400 that names the valid ones."
        if "400" not in description
        else description
    )


def document_slug_parameters(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: type every content slug, in a path or a query, as a string with the
    models' slug pattern and a few real examples, never as an enum of today's slugs."""
    models = _slug_resources()
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    prefix = SLUG_QUERY_PARAMETERS.get(parameter["name"])
                elif parameter["in"] == "path" and parameter["name"] == "slug":
                    prefix = path.removeprefix("/api/v1/").split("/")[0]
                else:
                    continue
                if prefix in models:
                    _document_slug(parameter, prefix, models[prefix])
    return result


def document_public_access(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: state that the API needs no credentials.

    drf-spectacular gives every operation of an ``AllowAny`` view ``security: [{}]`` (optional
    authentication) although the API has no authentication at all (admin's sessions are not part
    of it). An empty top-level ``security`` says it outright: no requirement, no scheme.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if operation.get("security") in ([{}], []):
                del operation["security"]
    result["security"] = []
    return result


def _json_schema_nullable(node):
    if isinstance(node, list):
        return [_json_schema_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {
        key: value if key in {"example", "examples"} else _json_schema_nullable(value)
        for key, value in node.items()
    }
    if "nullable" in node:
        nullable = node.pop("nullable")
        if nullable:
            node = append_meta(node, {"nullable": True})
    return node


def document_nullable_as_json_schema(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook, last: turn OpenAPI 3.0's ``nullable`` left in hand-written schemas
    into OpenAPI 3.1's JSON Schema form (``type: [..., "null"]``, or a ``null`` alternative).

    The document is OpenAPI 3.1 so that every nullable value, references included, is valid JSON
    Schema (3.0's ``nullable`` next to an ``allOf`` is ignored by validators and generators);
    drf-spectacular writes its own schemas that way, and this converts the rest.
    """
    return _json_schema_nullable(result)
