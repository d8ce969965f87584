"""The API's URLs: the resources under v1/, the OpenAPI document and its two viewers, the
problem types errors link to, and a problem 404 for any other path."""

from django.http import HttpRequest
from django.urls import include, path, re_path, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import SimpleRouter

from api.views.changes import ChangesView
from api.views.compounds import CompoundViewSet
from api.views.disorders import DisorderViewSet
from api.views.docs import RedocView, SchemaView, SwaggerView
from api.views.export import ExportView
from api.views.guidance import GuidanceViewSet
from api.views.mechanisms import MechanismViewSet
from api.views.medications import InteractionViewSet, MedicationClassViewSet
from api.views.meta import MetaView, RootView
from api.views.modalities import ModalityViewSet
from api.views.problems import ProblemDetailView, ProblemListView
from api.views.profile_factors import ProfileFactorViewSet
from api.views.recommendations import RecommendationMatrixView, RecommendationView
from api.views.references import ReferenceViewSet
from api.views.safety import SafetyStatementViewSet
from api.views.vocabularies import VocabularyDetailView, VocabularyListView
from infra.errors import error_response, instance_of

# Every resource the API lists and details; the root view and the contract tests read it too.
router = SimpleRouter()
router.register("compounds", CompoundViewSet)
router.register("mechanisms", MechanismViewSet)
router.register("disorders", DisorderViewSet)
router.register("modalities", ModalityViewSet)
router.register("guidance", GuidanceViewSet)
router.register("profile-factors", ProfileFactorViewSet)
router.register("safety-statements", SafetyStatementViewSet)
router.register("medications", MedicationClassViewSet)
router.register("interactions", InteractionViewSet)
router.register("references", ReferenceViewSet)


@csrf_exempt
def api_not_found(request: HttpRequest, path: str = ""):
    """Any other path under /api/ is a problem 404 for every method, even with DEBUG on.

    A plain view, not DRF's: there is no resource here, so no method is allowed or advertised
    (no 405, no Allow header), and CSRF has nothing to protect.
    """
    here = instance_of(request)
    if (
        not request.path.endswith("/")
        and resolve(f"{request.path_info}/").func is not api_not_found
    ):
        detail = f"No API endpoint at {here}; did you mean {here}/?"
    else:
        detail = f"No API endpoint at {here}; start at /api/v1/."
    return error_response(404, detail, kind="not-found", instance=here)


api_v1 = [
    path("", RootView.as_view(), name="api-root"),
    path("meta/", MetaView.as_view(), name="meta"),
    path("export/", ExportView.as_view(), name="export"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("vocabularies/", VocabularyListView.as_view(), name="vocabulary-list"),
    path("vocabularies/<str:name>/", VocabularyDetailView.as_view(), name="vocabulary-detail"),
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
    path("problems/", ProblemListView.as_view(), name="problem-list"),
    path("problems/<str:kind>/", ProblemDetailView.as_view(), name="problem-detail"),
    # [\s\S], not ".": a newline in the path (%0A) must reach this 404 too, not Django's own.
    re_path(r"^(?P<path>[\s\S]*)$", api_not_found),
]
