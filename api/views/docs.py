"""The OpenAPI document, Swagger UI and ReDoc, served by the service itself."""

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.renderers import JSONRenderer

from api.params import StrictQueryMixin


class JsonAsideMixin:
    """Render everything but the page itself as JSON: errors, and the OPTIONS answer (which
    the HTML template would otherwise be asked to render, a 500 for Swagger UI)."""

    def _as_json(self, response):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def handle_exception(self, exc):
        return self._as_json(super().handle_exception(exc))

    def options(self, request, *args, **kwargs):
        return self._as_json(super().options(request, *args, **kwargs))


class SchemaView(JsonAsideMixin, StrictQueryMixin, SpectacularAPIView):
    """drf-spectacular's schema view, with JSON errors like every other error. It takes only
    ``format`` (json or yaml): the document is written in one language, so drf-spectacular's
    ``lang`` would only make copies of it, each costing a full generation."""

    formats = ("json", "yaml")


class SwaggerView(JsonAsideMixin, StrictQueryMixin, SpectacularSwaggerView):
    """Swagger UI, served by this service; it takes no parameters."""

    formats = ("html",)
    template_name = "api/swagger_ui.html"


class RedocView(JsonAsideMixin, StrictQueryMixin, SpectacularRedocView):
    """ReDoc, served by this service without third-party requests; it takes no parameters."""

    formats = ("html",)
    template_name = "api/redoc.html"
