"""The OpenAPI document, Swagger UI and ReDoc, served by the service itself."""

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.renderers import JSONRenderer

from api.params import StrictQueryMixin


class JsonErrorsMixin:
    """Render errors as JSON, whatever the view renders when it succeeds (YAML, HTML)."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaView(JsonErrorsMixin, StrictQueryMixin, SpectacularAPIView):
    """drf-spectacular's schema view, with JSON errors like every other error."""

    query_parameters = frozenset({"lang"})
    formats = ("json", "yaml")


class SwaggerView(JsonErrorsMixin, StrictQueryMixin, SpectacularSwaggerView):
    """Swagger UI, served by this service; it takes no parameters."""

    formats = ("html",)
    template_name = "api/swagger_ui.html"


class RedocView(JsonErrorsMixin, StrictQueryMixin, SpectacularRedocView):
    """ReDoc, served by this service without third-party requests; it takes no parameters."""

    formats = ("html",)
    template_name = "api/redoc.html"
