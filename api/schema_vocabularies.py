"""An OpenAPI hook that names and explains each value of every enum that is a vocabulary.

drf-spectacular already lists each enum's values with their labels in its description
(``ENUM_GENERATE_CHOICE_DESCRIPTION``); this adds, per value and aligned with ``enum``, the
vendor extensions code generators read: ``x-enum-varnames`` (a constant name per value) and
``x-enum-descriptions`` (its label and meaning, from ``guidance.vocabularies``).
"""

from guidance.vocabularies import vocabulary_of_values


def _describe(schema: dict) -> None:
    values = [v for v in schema.get("enum", []) if isinstance(v, str) and v]
    found = vocabulary_of_values(values) if values else None
    if found is None or len(values) != len(schema["enum"]):
        return
    terms = {term.value: term for term in found.terms}
    schema["x-enum-varnames"] = [value.upper() for value in values]
    schema["x-enum-descriptions"] = [
        f"{terms[value].label}: {terms[value].description}" for value in values
    ]


def describe_vocabulary_enums(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: add x-enum-varnames and x-enum-descriptions to the
    enum components and query-parameter enums whose values are a vocabulary's."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        _describe(schema)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                _describe(schema.get("items", schema))
    return result
