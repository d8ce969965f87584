"""The API's URLs: the resources under v1/, the OpenAPI document and its two viewers."""

from django.urls import include, path, re_path, resolve
from rest_framework.decorators import api_view, schema
from rest_framework.exceptions import NotFound
from rest_framework.routers import SimpleRouter

from api.views.compounds import CompoundViewSet
from api.views.disorders import DisorderViewSet
from api.views.docs import RedocView, SchemaView, SwaggerView
from api.views.guidance import GuidanceViewSet
from api.views.mechanisms import MechanismViewSet
from api.views.meta import MetaView, RootView
from api.views.modalities import ModalityViewSet
from api.views.profile_factors import ProfileFactorViewSet
from api.views.recommendations import RecommendationMatrixView, RecommendationView
from api.views.references import ReferenceViewSet
from api.views.safety import SafetyStatementViewSet

# Every resource the API lists and details; the root view and the contract tests read it too.
router = SimpleRouter()
router.register("compounds", CompoundViewSet)
router.register("mechanisms", MechanismViewSet)
router.register("disorders", DisorderViewSet)
router.register("modalities", ModalityViewSet)
router.register("guidance", GuidanceViewSet)
router.register("profile-factors", ProfileFactorViewSet)
router.register("safety-statements", SafetyStatementViewSet)
router.register("references", ReferenceViewSet)


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@schema(None)
def api_not_found(request, path: str = ""):
    """Any other path under /api/ is a JSON 404, even with DEBUG on."""
    with_slash = f"{request.path}/"
    if not request.path.endswith("/") and resolve(with_slash).func is not api_not_found:
        raise NotFound(f"No API endpoint at {request.path}; did you mean {with_slash}?")
    raise NotFound(f"No API endpoint at {request.path}; start at /api/v1/.")


api_v1 = [
    path("", RootView.as_view(), name="api-root"),
    path("meta/", MetaView.as_view(), name="meta"),
    path("recommendations/", RecommendationView.as_view(), name="recommendations"),
    path(
        "recommendations/matrix/",
        RecommendationMatrixView.as_view(),
        name="recommendation-matrix",
    ),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(api_v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    re_path(r"^(?P<path>.*)$", api_not_found),
]
