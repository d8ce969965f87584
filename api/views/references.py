"""References, looked up by seed number or DOI.

A reference's number is its number in the article's reference list, so ``/references/90/`` is the
paper the article cites as "(90)". The article itself and sources outside its list have no number
and are looked up by DOI (the article: ``/references/10.3389/fpsyt.2025.1565852/``).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.reverse import reverse

from api import filters as api_filters
from api.documents import Documents, reference_pk, reference_token
from api.serializers.references import ReferenceDetailSerializer, ReferenceListSerializer
from api.views.base import ContentViewSet
from evidence.models import Reference


@extend_schema_view(
    list=extend_schema(summary="List references"),
    retrieve=extend_schema(
        summary="A reference, by seed number or DOI",
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The reference's number in the article's reference list (e.g. 90: "
                "the paper the article cites as '(90)'), or its DOI in any case (e.g. "
                "10.1177/0269881108093587). The article itself and sources outside its list have "
                "no number: use the DOI (the article: 10.3389/fpsyt.2025.1565852).",
            )
        ],
    ),
)
class ReferenceViewSet(ContentViewSet):
    """The sources behind every statement: the article, its 95 references and outside sources."""

    queryset = Reference.objects.all()
    detail_queryset = queryset
    lookup_field = "lookup_key"
    lookup_url_kwarg = "key"
    lookup_value_regex = r".+"
    table = "reference"
    serializer_class = ReferenceListSerializer
    detail_serializer_class = ReferenceDetailSerializer
    filterset_class = api_filters.ReferenceFilterSet
    search_fields = ["authors", "title", "venue", "doi", "citation"]
    # No "id": the database id is not shown; the default order (seed number, then outside sources
    # in the order they were added) already places what has no seed number.
    ordering_fields = ["seed_number", "year", "evidence_type"]

    def document_pk(self, documents: Documents, key: str) -> int | None:
        return reference_pk(documents.m, key)

    def get_object(self) -> Reference:
        key = self.kwargs["key"].strip("/")
        token = reference_token(key)
        found = None if token is None else self.get_queryset().by_token(token).first()
        if found is None:
            raise NotFound(
                f"No reference with seed number or DOI {key!r}; see "
                f"{reverse('reference-list')} for all."
            )
        return found
