"""Recommendation plans and the matrix: a query in, one engine call, a plan out."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.documents import citation_parts, holds_every_row, plan_content, plasticity_cited
from api.pagination import PageNumberPagination, page_parameters
from api.params import StrictQueryMixin
from api.serializers.matrix import MatrixSerializer, matrix_document
from api.serializers.plans import PlanSerializer, plan_document
from api.serializers.recommendation_query import (
    MAX_MEDICATIONS,
    MAX_PROFILE_FACTORS,
    RecommendationQuerySerializer,
)
from api.views.base import current_version, held_rows
from content.codes import COMPOUND_SYSTEMS, DISORDER_SYSTEMS, token_pattern
from content.notices import DISCLAIMER
from disorders.models import Disorder
from guidance.recommendations import (
    lean_recommendation_plan,
    recommend,
    recommendation_matrix,
)


def slug_list_parameter(name: str, max_items: int, description: str) -> OpenApiParameter:
    """A query parameter taking a list of slugs, repeated (as generated clients send a list)."""
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": max_items},
        style="form",
        explode=True,
        description=description,
    )


class RecommendationView(StrictQueryMixin, APIView):
    """A phased, ranked, explained psychotherapy plan for a disorder treated with a compound.

    The document opens with what a client must show: the `verdict` (contraindicated,
    pairing_evidence or no_pairing_evidence) and `overall_certainty`, the `contraindications`,
    the other `warnings` and the disclaimer. Every guidance row whose disorder (or a broader
    disorder it belongs to), compound and clinical-profile factor are each empty or match the
    request takes part. Each item is scored as specificity + profile_factor + strength + evidence
    (see `score_components` and `score_max`); items for the same modality and phase merge, led by
    the best-scoring row (`leading_guidance`; the others are `supporting`). `phases` lists every
    phase in treatment order with its `top` (preferring disorder- or compound-specific guidance
    over general scaffolding) and its `items` by score.
    """

    query_parameters = frozenset(
        {"disorder", "disorder_code", "compound", "compound_code", "profile", "medications"}
    )
    repeatable = frozenset({"profile", "medications"})
    may_be_empty = frozenset({"disorder", "compound"})

    @extend_schema(
        summary="A psychotherapy plan for a disorder and a compound",
        tags=["recommendations"],
        parameters=[
            OpenApiParameter(
                "disorder", str, description="Slug of a disorder; required unless disorder_code."
            ),
            OpenApiParameter(
                "disorder_code",
                {"type": "string", "pattern": token_pattern(DISORDER_SYSTEMS)},
                description="The disorder by a standard code instead of its slug: system|code, "
                "the system by short name or FHIR URI (snomed-ct, icd-10-cm, icd-11), e.g. "
                "icd-10-cm|F10.20 for alcohol use disorder. A narrower disorder's code reaches it, "
                "and guidance of the broader disorders it belongs to applies as for its slug. "
                "Give disorder or disorder_code, not both; a code no disorder carries is a 400.",
            ),
            OpenApiParameter(
                "compound", str, description="Slug of a compound; required unless compound_code."
            ),
            OpenApiParameter(
                "compound_code",
                {"type": "string", "pattern": token_pattern(COMPOUND_SYSTEMS)},
                description="The compound by a standard code instead of its slug: system|code "
                "(rxnorm, atc, unii, pubchem-cid, inchikey, chebi, drugbank, cas), e.g. "
                "atc|N01AX03 for ketamine. Give compound or compound_code, not both; a code no "
                "compound carries is a 400.",
            ),
            slug_list_parameter(
                "profile",
                MAX_PROFILE_FACTORS,
                "Clinical-profile factors (slugs of /api/v1/profile-factors/): repeat "
                "the parameter (profile=a&profile=b, as generated clients send it) or separate "
                "slugs with commas (profile=a,b); duplicates are merged. They add and lift "
                "guidance chosen for them.",
            ),
            slug_list_parameter(
                "medications",
                MAX_MEDICATIONS,
                "Medication classes the patient already takes: slugs of "
                "/api/v1/medications/ (lithium, ssri, ...) or of a member of one (sertraline, "
                "for its class), repeated or comma-separated as for `profile`. Each recorded "
                "interaction with the compound becomes a contraindication (risk dangerous) or a "
                "warning, and `co_medications` says, per class, what is recorded: none recorded "
                "is never a statement that the combination is safe.",
            ),
        ],
        responses=PlanSerializer,
    )
    def get(self, request: Request) -> Response:
        rows = held_rows(request)
        query = RecommendationQuerySerializer(data=request.query_params, context={"rows": rows})
        query.is_valid(raise_exception=True)
        plasticity_references = citations = None
        if rows is not None and not holds_every_row(rows, query.validated_data):
            rows = None  # a row added since the rows were loaded: the database answers
        if rows is None:
            plan = lean_recommendation_plan(**query.validated_data)
        else:
            content = plan_content(rows, **query.validated_data)
            plan = recommend(**query.validated_data, content=content)
            plasticity_references = plasticity_cited(rows, plan.compound)
            citations = citation_parts(rows)
        return Response(
            plan_document(
                plan,
                request=request,
                content_version=current_version(request),
                disclaimer=DISCLAIMER,
                plasticity_references=plasticity_references,
                citation_parts=citations,
                list_path=None if rows is None else rows.list_path,
            )
        )


class RecommendationMatrixView(StrictQueryMixin, APIView):
    """For every disorder with every compound: the verdict, overall certainty and each phase's top.

    Built from the same engine as the single plan, with no profile factors, so an app can draw an
    overview of where pairing-specific evidence exists. Disorders are paged (20 per page by
    default, up to 100), each page with every compound: the real content fits on one page.
    """

    query_parameters = frozenset({"page", "page_size"})

    @extend_schema(
        summary="Verdict, certainty and each phase's top for every disorder and compound",
        tags=["recommendations"],
        parameters=page_parameters("Disorders"),
        responses=MatrixSerializer,
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        disorders = paginator.paginate_queryset(
            Disorder.objects.order_by("name", "pk"), request, view=self
        )
        return Response(
            matrix_document(
                count=paginator.page.paginator.count,
                next_page=paginator.get_next_link(),
                previous_page=paginator.get_previous_link(),
                disorders=disorders,
                cells=recommendation_matrix(disorders=disorders),
                request=request,
                content_version=current_version(request),
                disclaimer=DISCLAIMER,
            )
        )
