"""URLs: the JSON API under /api/v1/, its OpenAPI schema and docs, and the admin site."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, resolve
from rest_framework.decorators import api_view, schema
from rest_framework.exceptions import NotFound
from rest_framework.routers import SimpleRouter

from api import health, views

router = SimpleRouter()
router.register("compounds", views.CompoundViewSet)
router.register("mechanisms", views.MechanismViewSet)
router.register("disorders", views.DisorderViewSet)
router.register("modalities", views.ModalityViewSet)
router.register("guidance", views.GuidanceViewSet)
router.register("profile-factors", views.ProfileFactorViewSet)
router.register("safety-statements", views.SafetyStatementViewSet)
router.register("references", views.ReferenceViewSet)


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@schema(None)
def api_not_found(request, path: str = ""):
    """Any other path under /api/ is a JSON 404, even with DEBUG on."""
    with_slash = f"{request.path}/"
    if not request.path.endswith("/") and resolve(with_slash).func is not api_not_found:
        raise NotFound(f"No API endpoint at {request.path}; did you mean {with_slash}?")
    raise NotFound(f"No API endpoint at {request.path}; start at /api/v1/.")


api_v1 = [
    path("", views.RootView.as_view(), name="api-root"),
    path("meta/", views.MetaView.as_view(), name="meta"),
    path("recommendations/", views.RecommendationView.as_view(), name="recommendations"),
    path(
        "recommendations/matrix/",
        views.RecommendationMatrixView.as_view(),
        name="recommendation-matrix",
    ),
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", views.SchemaView.as_view(), name="schema"),
    path("api/docs/", views.SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", views.RedocView.as_view(url_name="schema"), name="redoc"),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
]

admin.site.site_header = "Psychoplastogen Therapy Guidance: content"
admin.site.site_title = "Guidance content"

handler400 = "api.exceptions.bad_request"
handler403 = "api.exceptions.permission_denied"
handler404 = "api.exceptions.page_not_found"
handler500 = "api.exceptions.server_error"
