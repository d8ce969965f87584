"""The read-only JSON API: declarations of what each resource lists, filters and nests.

Each viewset names its queryset (with every related row it serializes prefetched, so a request
runs a fixed number of queries), its serializers and its filters; the shared behaviour (slug
look-up, strict query parameters, explained 404s) lives in ContentViewSet.
"""

import re

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import filters as api_filters
from api import serializers as s
from api.pagination import PageNumberPagination
from compounds.models import Compound, CompoundMechanism, Mechanism
from content.versioning import content_version_get
from evidence.models import Reference, citations, normalize_doi
from guidance.models import Disorder, Guidance, ProfileFactor, SafetyStatement
from guidance.recommendations import recommendation_matrix, recommendation_plan
from modalities.models import Modality

SOURCE = {
    "citation": (
        "Jones JL (2025) Harnessing neuroplasticity with psychoplastogens: the essential role of "
        "psychotherapy in psychedelic treatment optimization. Front. Psychiatry 16:1565852."
    ),
    "doi": "10.3389/fpsyt.2025.1565852",
    "url": "https://doi.org/10.3389/fpsyt.2025.1565852",
    "licence": "CC BY 4.0 (Creative Commons Attribution); content here is restated, with credit.",
}
DISCLAIMER = (
    "Not medical advice. This service summarizes published research for software and editors; "
    "it does not replace the judgement of a qualified clinician, and psychedelic and ketamine "
    "treatments are regulated and carry risks."
)
REFERENCE_ID = re.compile(r"[0-9]{1,18}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LIST_PARAMETERS = {"search", "ordering", "page", "page_size"}


def current_version(request: Request) -> str:
    """The content version this request is answered under (read once, by the cache layer)."""
    return getattr(request, "content_version", None) or content_version_get().token


def check_query_parameters(
    request: Request,
    accepted: set[str],
    *,
    may_be_empty: frozenset[str] = frozenset(),
    formats: tuple[str, ...] = ("json",),
) -> None:
    """Reject unknown, repeated, empty and malformed query parameters, naming the valid ones."""
    errors = {}
    accepted = accepted | {"format"}
    listed = ", ".join(sorted(accepted))
    for name in request.query_params:
        values = request.query_params.getlist(name)
        if name not in accepted:
            errors[name] = [f"Unknown parameter; accepted: {listed}."]
        elif len(values) > 1:
            errors[name] = ["Given more than once; give it once."]
        elif not values[0] and name not in may_be_empty:
            errors[name] = ["Empty; give a value or leave the parameter out."]
        elif CONTROL_CHARACTERS.search(values[0]):
            errors[name] = ["Contains a control character (such as NUL); remove it."]
        elif name == "format" and values[0] not in formats:
            errors[name] = [f"Unknown format {values[0]!r}; valid: {', '.join(formats)}."]
    if errors:
        raise ValidationError(errors)


class StrictQueryMixin:
    """Check the query string before anything else, content negotiation included, so every
    bad parameter is a 400 that names the valid ones. Methods a view does not serve are left to
    DRF's 405."""

    query_parameters: frozenset[str] = frozenset()
    may_be_empty: frozenset[str] = frozenset()
    formats: tuple[str, ...] = ("json",)

    def accepted_query_parameters(self) -> set[str]:
        return set(self.query_parameters)

    def serves(self, request: Request) -> bool:
        return hasattr(self, request.method.lower())

    def initial(self, request: Request, *args, **kwargs) -> None:
        if self.serves(request):
            check_query_parameters(
                request,
                self.accepted_query_parameters(),
                may_be_empty=self.may_be_empty,
                formats=self.formats,
            )
        super().initial(request, *args, **kwargs)


class ContentViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Base for every resource: read only, looked up by slug, strict about its parameters."""

    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"
    filter_backends = [
        DjangoFilterBackend,
        api_filters.DescribedSearchFilter,
        api_filters.StrictOrderingFilter,
    ]
    detail_serializer_class: type[s.serializers.Serializer]
    detail_queryset: QuerySet

    may_be_empty = frozenset({"search"})

    def serves(self, request: Request) -> bool:
        return self.action is not None

    def accepted_query_parameters(self) -> set[str]:
        if self.action == "list":
            return LIST_PARAMETERS | set(self.filterset_class.base_filters)
        return set()

    def get_queryset(self) -> QuerySet:
        queryset = self.detail_queryset if self.action == "retrieve" else self.queryset
        return queryset.all()

    def get_serializer_class(self):
        return self.detail_serializer_class if self.action == "retrieve" else self.serializer_class

    def get_object(self):
        key = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if CONTROL_CHARACTERS.search(key):
            raise NotFound(self.not_found_message(key))
        try:
            return super().get_object()
        except Http404:
            key = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            raise NotFound(self.not_found_message(key)) from None

    def not_found_message(self, key: str) -> str:
        name = self.queryset.model._meta.verbose_name
        return f"No {name} with slug {key!r}; see {reverse(f'{self.basename}-list')} for all."


@extend_schema_view(
    list=extend_schema(summary="List compounds"),
    retrieve=extend_schema(summary="A compound with its mechanisms by level and its evidence"),
)
class CompoundViewSet(ContentViewSet):
    """Psychoplastogens: class, targets, plasticity window and the mechanisms they engage."""

    queryset = Compound.objects.all()
    detail_queryset = Compound.objects.prefetch_related(
        citations("references"),
        citations("plasticity_window_references"),
        Prefetch(
            "mechanism_links",
            queryset=CompoundMechanism.objects.select_related("mechanism")
            .prefetch_related(citations("references"))
            .order_by("mechanism__name"),
        ),
    )
    serializer_class = s.CompoundListSerializer
    detail_serializer_class = s.CompoundDetailSerializer
    filterset_class = api_filters.CompoundFilterSet
    search_fields = ["name", "synonyms", "summary"]
    ordering_fields = ["name", "slug"]


@extend_schema_view(
    list=extend_schema(summary="List mechanisms"),
    retrieve=extend_schema(summary="A mechanism with the compounds that engage it"),
)
class MechanismViewSet(ContentViewSet):
    """Mechanisms of neuroplasticity at the molecular, cellular, network and behavioral levels."""

    queryset = Mechanism.objects.all()
    detail_queryset = Mechanism.objects.prefetch_related(
        citations("references"),
        Prefetch(
            "compound_links",
            queryset=CompoundMechanism.objects.select_related("compound")
            .prefetch_related(citations("references"))
            .order_by("compound__name"),
        ),
    )
    serializer_class = s.MechanismListSerializer
    detail_serializer_class = s.MechanismDetailSerializer
    filterset_class = api_filters.MechanismFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["name", "level", "slug"]


# Drafts stay in admin: the public API shows published guidance only.
GUIDANCE_ROWS = (
    Guidance.objects.published()
    .select_related("disorder", "compound", "profile_factor", "modality")
    .prefetch_related(citations("references"))
)


@extend_schema_view(
    list=extend_schema(summary="List disorders"),
    retrieve=extend_schema(summary="A disorder with its patterns, risks and guidance by phase"),
)
class DisorderViewSet(ContentViewSet):
    """Disorders the article discusses, with cited patterns, risks and the evidence that exists."""

    queryset = Disorder.objects.select_related("parent")
    detail_queryset = Disorder.objects.select_related("parent").prefetch_related(
        "subtypes",
        citations("habitual_patterns_references"),
        citations("plasticity_risk_references"),
        citations("references"),
        Prefetch("guidance", queryset=GUIDANCE_ROWS.order_by("slug")),
    )
    serializer_class = s.DisorderListSerializer
    detail_serializer_class = s.DisorderDetailSerializer
    filterset_class = api_filters.DisorderFilterSet
    search_fields = ["name", "habitual_patterns", "plasticity_risk", "evidence_summary"]
    ordering_fields = ["name", "category", "slug"]


@extend_schema_view(
    list=extend_schema(summary="List psychotherapy modalities"),
    retrieve=extend_schema(
        summary="A modality with its phases and the disorders it is paired with"
    ),
)
class ModalityViewSet(ContentViewSet):
    """Psychotherapy approaches that guide the plasticity window, and the phases they serve."""

    queryset = Modality.objects.all()
    detail_queryset = Modality.objects.prefetch_related(
        citations("references"), Prefetch("guidance", queryset=GUIDANCE_ROWS.order_by("slug"))
    )
    serializer_class = s.ModalityListSerializer
    detail_serializer_class = s.ModalityDetailSerializer
    filterset_class = api_filters.ModalityFilterSet
    search_fields = ["name", "aims", "key_techniques"]
    ordering_fields = ["name", "lineage", "slug"]


@extend_schema_view(
    list=extend_schema(summary="List guidance"),
    retrieve=extend_schema(summary="One cited pairing of a modality, phase and scope"),
)
class GuidanceViewSet(ContentViewSet):
    """Cited statements pairing a modality, in one phase, with a disorder, compound or profile.

    A row whose disorder, compound and profile factor are all null is general guidance.
    """

    queryset = Guidance.objects.published().select_related(
        "disorder", "compound", "profile_factor", "modality"
    )
    detail_queryset = GUIDANCE_ROWS
    serializer_class = s.GuidanceListSerializer
    detail_serializer_class = s.GuidanceDetailSerializer
    filterset_class = api_filters.GuidanceFilterSet
    search_fields = ["rationale", "modality__name", "disorder__name", "compound__name"]
    ordering_fields = ["slug", "phase", "strength"]


@extend_schema_view(
    list=extend_schema(summary="List clinical-profile factors"),
    retrieve=extend_schema(summary="A clinical-profile factor and the guidance it selects"),
)
class ProfileFactorViewSet(ContentViewSet):
    """Clinical-profile factors (e.g. dissociative tendencies) that change which techniques fit."""

    queryset = ProfileFactor.objects.all()
    detail_queryset = ProfileFactor.objects.prefetch_related(
        citations("references"), Prefetch("guidance", queryset=GUIDANCE_ROWS.order_by("slug"))
    )
    serializer_class = s.ProfileFactorListSerializer
    detail_serializer_class = s.ProfileFactorDetailSerializer
    filterset_class = api_filters.ProfileFactorFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["name", "slug"]


@extend_schema_view(
    list=extend_schema(summary="List safety statements"),
    retrieve=extend_schema(summary="One cited safety statement"),
)
class SafetyStatementViewSet(ContentViewSet):
    """Cited safety statements, scoped to a disorder, compound or profile factor, or to all."""

    queryset = SafetyStatement.objects.select_related("disorder", "compound", "profile_factor")
    detail_queryset = queryset.prefetch_related(citations("references"))
    serializer_class = s.SafetyStatementListSerializer
    detail_serializer_class = s.SafetyStatementDetailSerializer
    filterset_class = api_filters.SafetyStatementFilterSet
    search_fields = ["title", "message"]
    ordering_fields = ["slug", "severity"]


@extend_schema_view(
    list=extend_schema(summary="List references"),
    retrieve=extend_schema(
        summary="A reference, by id or DOI",
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The reference's id (e.g. 12) or its DOI "
                "(e.g. 10.1177/0269881108093587).",
            )
        ],
    ),
)
class ReferenceViewSet(ContentViewSet):
    """The sources behind every statement: the article, its 95 references and outside sources."""

    queryset = Reference.objects.all()
    detail_queryset = queryset
    lookup_field = "pk"
    lookup_url_kwarg = "key"
    lookup_value_regex = r".+"
    serializer_class = s.ReferenceListSerializer
    detail_serializer_class = s.ReferenceDetailSerializer
    filterset_class = api_filters.ReferenceFilterSet
    search_fields = ["authors", "title", "venue", "doi", "citation"]
    ordering_fields = ["seed_number", "year", "id"]

    def get_object(self) -> Reference:
        key = self.kwargs["key"].strip("/")
        queryset = self.get_queryset()
        if CONTROL_CHARACTERS.search(key):
            found = None
        elif REFERENCE_ID.fullmatch(key):
            found = queryset.filter(pk=int(key)).first()
        elif (key.isascii() and key.isdigit()) or not key.startswith("10."):
            found = None  # a number too large to be an id, or neither id nor DOI
        else:
            found = queryset.by_token(normalize_doi(key)).first()
        if found is None:
            raise NotFound(
                f"No reference with id or DOI {key!r}; see {reverse('reference-list')} for all."
            )
        return found


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


class RedocView(JsonErrorsMixin, StrictQueryMixin, SpectacularRedocView):
    """ReDoc, served by this service without third-party requests; it takes no parameters."""

    formats = ("html",)
    template_name = "api/redoc.html"


class RootView(StrictQueryMixin, APIView):
    """The API's entry point: a link to every resource and to the documentation."""

    @extend_schema(
        summary="Links to every resource", tags=["meta"], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request) -> Response:
        names = [
            "compound",
            "mechanism",
            "disorder",
            "modality",
            "guidance",
            "profilefactor",
            "safetystatement",
            "reference",
        ]
        links = {
            reverse(f"{name}-list").strip("/").split("/")[-1]: reverse(
                f"{name}-list", request=request
            )
            for name in names
        }
        links["recommendations"] = reverse("recommendations", request=request)
        links["recommendation-matrix"] = reverse("recommendation-matrix", request=request)
        links["meta"] = reverse("meta", request=request)
        links["schema"] = reverse("schema", request=request)
        links["docs"] = reverse("swagger-ui", request=request)
        links["redoc"] = reverse("redoc", request=request)
        return Response(links)


class MetaView(StrictQueryMixin, APIView):
    """Content version, counts, source article and licence, and the disclaimer."""

    @extend_schema(
        summary="Content version, counts, source and disclaimer",
        tags=["meta"],
        responses=s.MetaSerializer,
    )
    def get(self, request: Request) -> Response:
        version = content_version_get()
        counts = {
            "compounds": Compound.objects.count(),
            "mechanisms": Mechanism.objects.count(),
            "disorders": Disorder.objects.count(),
            "modalities": Modality.objects.count(),
            "guidance": Guidance.objects.published().count(),
            "profile_factors": ProfileFactor.objects.count(),
            "safety_statements": SafetyStatement.objects.count(),
            "references": Reference.objects.count(),
        }
        data = {
            "content_version": version.token,
            "content_changed_at": version.changed_at,
            "counts": counts,
            "source": SOURCE,
            "disclaimer": DISCLAIMER,
        }
        return Response(s.MetaSerializer(data).data)


class RecommendationView(StrictQueryMixin, APIView):
    """A phased, ranked, explained psychotherapy plan for a disorder treated with a compound.

    Every guidance row whose disorder (or a broader disorder it belongs to), compound and
    clinical-profile factor are each empty or match the request takes part. Each item is scored
    as specificity + profile + strength + evidence (see `score_components`); items for the same
    modality and phase merge, led by the best-scoring row. `phases` groups the same items as a
    plan: preparation, medication session, integration. `warnings` carries the safety
    statements that apply, including the warning that no pairing-specific evidence exists when
    the plan comes from disorder-level and general guidance only.
    """

    query_parameters = frozenset({"disorder", "compound", "profile"})
    may_be_empty = frozenset({"disorder", "compound"})

    @extend_schema(
        summary="A psychotherapy plan for a disorder and a compound",
        tags=["recommendations"],
        parameters=[
            OpenApiParameter(
                "disorder", str, required=True, description="Slug of a disorder (see enum)."
            ),
            OpenApiParameter(
                "compound", str, required=True, description="Slug of a compound (see enum)."
            ),
            OpenApiParameter(
                "profile",
                {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 10},
                style="form",
                explode=False,
                description="Clinical-profile factors, comma-separated (see enum and "
                "/api/v1/profile-factors/); they add and lift guidance chosen for them.",
            ),
        ],
        responses=s.PlanSerializer,
    )
    def get(self, request: Request) -> Response:
        query = s.RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        plan = recommendation_plan(**query.validated_data)
        context = {
            "request": request,
            "content_version": current_version(request),
            "disclaimer": DISCLAIMER,
        }
        return Response(s.PlanSerializer(plan, context=context).data)


class RecommendationMatrixView(StrictQueryMixin, APIView):
    """For every disorder with every compound: the strongest evidence and the top modality.

    Built from the same engine as the single plan, with no profile factors, so an app can draw an
    overview of where pairing-specific evidence exists. Disorders are paged (20 per page by
    default, up to 100), each page with every compound: the real content fits on one page.
    """

    query_parameters = frozenset({"page", "page_size"})

    @extend_schema(
        summary="Evidence and top modality for every disorder and compound",
        tags=["recommendations"],
        parameters=[
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1},
                description="Page of disorders, from 1.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1},
                description="Disorders per page, from 1 to 100 (default 20; larger values are "
                "capped at 100).",
            ),
        ],
        responses=s.MatrixSerializer,
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        disorders = paginator.paginate_queryset(
            Disorder.objects.order_by("name", "pk"), request, view=self
        )
        cells = recommendation_matrix(disorders=disorders)
        data = {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "disorders": disorders,
            "compounds": list(dict.fromkeys(cell.compound for cell in cells)),
            "cells": [s.matrix_cell(cell) for cell in cells],
            "content_version": current_version(request),
            "disclaimer": DISCLAIMER,
        }
        return Response(s.MatrixSerializer(data, context={"request": request}).data)
