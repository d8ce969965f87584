from django.apps import AppConfig


class InteropConfig(AppConfig):
    """The clinic's standards: FHIR R4 guideline resources and CDS Hooks services."""

    name = "interop"
    verbose_name = "FHIR and CDS Hooks"
