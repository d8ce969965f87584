from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The HTTP layer: views, serializers, filters, OpenAPI schema and docs."""

    name = "api"
    verbose_name = "API"
