"""References, looked up by id or DOI."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.reverse import reverse

from api import filters as api_filters
from api.params import CONTROL_CHARACTERS
from api.serializers.references import ReferenceDetailSerializer, ReferenceListSerializer
from api.views.base import ContentViewSet
from evidence.models import Reference, normalize_doi

REFERENCE_ID = re.compile(r"[0-9]{1,18}")


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
    serializer_class = ReferenceListSerializer
    detail_serializer_class = ReferenceDetailSerializer
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
