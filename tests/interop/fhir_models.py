"""Every FHIR resource the service emits is checked against an independent implementation of the
standard: the fhir.resources R4B models (pydantic), which refuse unknown elements, wrong types
and missing required elements."""

from fhir.resources.R4B import get_fhir_model_class


def validated(resource: dict):
    """Validate ``resource`` by its resourceType, and each resource a Bundle holds by its own;
    return the model. A malformed resource raises pydantic's ValidationError."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    if resource["resourceType"] == "Bundle":
        for entry in resource.get("entry", []):
            validated(entry["resource"])
    return model
