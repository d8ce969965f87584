"""What every resource shares: slug look-up, strict parameters, explained 404s, provenance."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api import filters as api_filters
from api import readmodel
from api.documents import Documents
from api.params import CONTROL_CHARACTERS, StrictQueryMixin
from content.versioning import content_version_get

LIST_PARAMETERS = {"search", "ordering", "page", "page_size"}
# A list asked for with no other parameter is built from the read model (no filter to apply).
PAGE_PARAMETERS = frozenset({"page", "page_size", "format"})


def current_version(request: Request) -> str:
    """The content version this request is answered under (read once, by the cache layer)."""
    return getattr(request, "content_version", None) or content_version_get().token


def held_rows(request: Request) -> readmodel.ReadModel | None:
    """The read model for this request's content version, or None to answer from the database
    (API_READ_MODEL off, or no consistent load)."""
    if not settings.API_READ_MODEL:
        return None
    return readmodel.read_model(current_version(request))


class ContentViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Base for every resource: read only, looked up by slug, strict about its parameters."""

    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"
    filter_backends = [
        DjangoFilterBackend,
        api_filters.DescribedSearchFilter,
        api_filters.StrictOrderingFilter,
    ]
    detail_serializer_class: type[serializers.Serializer]
    detail_queryset: QuerySet
    # The read model's table (api.readmodel) whose rows api.documents builds this resource from;
    # None: answered from the database with DRF's serializers.
    table: str | None = None

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

    def documents(self, request: Request) -> Documents | None:
        """This request's document builder, or None to answer from the database and DRF's
        serializers (API_READ_MODEL off, or no consistent load of the rows)."""
        if self.table is None:
            return None
        model = held_rows(request)
        if model is None:
            return None
        return Documents(model, request.build_absolute_uri("/")[:-1])

    def document_pk(self, documents: Documents, key: str) -> int | None:
        """The id of the row a detail URL's key names, where the read model holds one."""
        return documents.m.tables[self.table].by_slug.get(key)

    def list(self, request: Request, *args, **kwargs) -> Response:
        if not PAGE_PARAMETERS.issuperset(request.query_params):
            return super().list(request, *args, **kwargs)  # filtered by the database
        documents = self.documents(request)
        if documents is None:
            return super().list(request, *args, **kwargs)
        page = self.paginate_queryset(documents.m.tables[self.table].order)
        item = getattr(documents, f"{self.table}_item")
        return self.get_paginated_response([item(pk) for pk in page])

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        documents = self.documents(request)
        if documents is not None:
            pk = self.document_pk(
                documents, self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            )
            if pk is not None:
                return Response(getattr(documents, f"{self.table}_detail")(pk))
        return super().retrieve(request, *args, **kwargs)

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
