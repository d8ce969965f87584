"""The export: everything the API serves, in one document, to start a local copy from."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.params import StrictQueryMixin
from api.serializers.export import ExportSerializer
from api.sync import export_document


class ExportView(StrictQueryMixin, APIView):
    """Every row every resource serves, in its detail shape, in one document.

    One object per resource (named as its list's path: `compounds`, `profile-factors`, ...) maps
    each row's key (its slug; for references the seed number, else the DOI) to the row exactly
    as its detail URL shows it. `content_version` is the version of the content inside: keep it,
    and sync later with `/api/v1/changes/?since=<content_version>`, which lists the rows to
    delete or fetch again. The source article and its licence (CC BY 4.0: credit it) come with
    it. Like every answer, it carries an `ETag`: send it back as `If-None-Match` for a 304 while
    nothing changed.
    """

    @extend_schema(
        summary="Everything the API serves, in one document",
        tags=["export"],
        responses=ExportSerializer,
    )
    def get(self, request: Request) -> Response:
        document = export_document(request)
        return Response(ExportSerializer(document, context={"request": request}).data)
