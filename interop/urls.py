"""FHIR under /fhir/ and CDS Hooks under /cds-services, as each standard names its paths (no
trailing slashes)."""

from django.urls import path, re_path

from interop import cds_views, fhir_views

fhir = [
    path("metadata", fhir_views.metadata, name="fhir-metadata"),
    path("PlanDefinition", fhir_views.plan_definition_search, name="fhir-plandefinition-search"),
    path(
        "PlanDefinition/$apply", fhir_views.plan_definition_apply, name="fhir-plandefinition-apply"
    ),
    re_path(
        r"^PlanDefinition/(?P<id>[A-Za-z0-9\-.]{1,64})$",
        fhir_views.plan_definition_read,
        name="fhir-plandefinition-read",
    ),
    re_path(
        r"^OperationDefinition/(?P<id>[A-Za-z0-9\-.]{1,64})$",
        fhir_views.operation_definition_read,
        name="fhir-operationdefinition-read",
    ),
    re_path(
        r"^CodeSystem/(?P<id>[A-Za-z0-9\-.]{1,64})$",
        fhir_views.code_system_read,
        name="fhir-codesystem-read",
    ),
    re_path(r"^(?P<path>.*)$", fhir_views.fhir_not_found),
]

# Under /cds-services/ (discovery itself is /cds-services, in config.urls).
cds_hooks = [
    re_path(r"^(?P<id>[a-z0-9-]{1,60})$", cds_views.service, name="cds-service"),
    re_path(r"^(?P<id>[a-z0-9-]{1,60})/feedback$", cds_views.feedback, name="cds-feedback"),
    re_path(r"^(?P<path>.*)$", cds_views.cds_not_found),
]
