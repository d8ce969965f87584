"""Clinical-profile factors and the guidance each selects."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from api import filters as api_filters
from api.serializers.profile_factors import (
    ProfileFactorDetailSerializer,
    ProfileFactorListSerializer,
)
from api.views.base import ContentViewSet
from api.views.guidance import GUIDANCE_ROWS
from disorders.models import ProfileFactor
from evidence.models import citations


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
    table = "profile_factor"
    serializer_class = ProfileFactorListSerializer
    detail_serializer_class = ProfileFactorDetailSerializer
    filterset_class = api_filters.ProfileFactorFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["name", "slug"]
