"""Vocabularies: the fixed values responses carry, with their labels, meanings and order.

Read from the registry in ``guidance.vocabularies``, so they run no query.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.params import StrictQueryMixin
from api.serializers.vocabularies import VocabularyListSerializer, VocabularySerializer
from guidance.vocabularies import BY_NAME, VOCABULARIES, Vocabulary, vocabulary_get

ORDER = (
    "Each value's `order` is its rank, from 1; ordering a list by a field of the vocabulary "
    "(`?ordering=phase`) follows it, and `-phase` reverses it. Ranked vocabularies list the first "
    "in time or the strongest first: phases in treatment order; strength, certainty, evidence "
    "type, specificity and severity strongest (most certain, most specific, most severe) first."
)


def vocabulary_or_404(name: str) -> Vocabulary:
    """The vocabulary of this name; a 404 naming every valid name otherwise."""
    found = vocabulary_get(name)
    if found is None:
        raise NotFound(
            f"No vocabulary {name!r}; valid: {', '.join(BY_NAME)} "
            f"(see {reverse('vocabulary-list')})."
        )
    return found


class VocabularyListView(StrictQueryMixin, APIView):
    """Every fixed vocabulary the API speaks, in a stable order."""

    @extend_schema(
        operation_id="vocabularies_list",
        summary="Every fixed vocabulary, with labels, meanings and order",
        description="What each raw value in responses means (`medication_session`, "
        "`common_practice`, `very_low`): every fixed vocabulary (phases, strengths, kinds, "
        "certainty, evidence types, severity, ...) with, per value, its label, a description "
        f"and its order. Not paged: there are few. {ORDER}",
        tags=["vocabularies"],
        responses=VocabularyListSerializer,
    )
    def get(self, request: Request) -> Response:
        data = {"count": len(VOCABULARIES), "results": VOCABULARIES}
        return Response(VocabularyListSerializer(data, context={"request": request}).data)


class VocabularyDetailView(StrictQueryMixin, APIView):
    """One vocabulary, by name."""

    @extend_schema(
        operation_id="vocabularies_retrieve",
        summary="One vocabulary, with labels, meanings and order",
        description="One fixed vocabulary by name (e.g. `phase`, `strength`, `safety_kind`); "
        f"an unknown name is a 404 that lists the valid ones. {ORDER}",
        tags=["vocabularies"],
        parameters=[
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(BY_NAME),
                description="The vocabulary's name.",
            )
        ],
        responses=VocabularySerializer,
    )
    def get(self, request: Request, name: str) -> Response:
        found = vocabulary_or_404(name)
        return Response(VocabularySerializer(found, context={"request": request}).data)
