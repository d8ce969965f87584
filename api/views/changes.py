"""What changed since a content version, so a local copy can be brought up to date."""

import re

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.pagination import PageNumberPagination, page_parameters
from api.params import StrictQueryMixin
from api.serializers.changes import ChangesSerializer
from api.sync import UnknownVersion, changes_since
from content.versioning import TOKEN_PATTERN


class ChangesView(StrictQueryMixin, APIView):
    """The rows created, changed or removed since a content version, as the public API shows them.

    Give the `content_version` of your copy (from `/api/v1/export/`, or the last page of your
    previous sync) as `since`. Removals come first, then the rest by time: delete what is
    `removed`, fetch and store the `url` of what is `created` or `changed`, and your copy holds
    the `content_version` of the answer. A row is also `changed` when something its detail shows
    of another row changed (a guidance row inside its disorder, a reference's citation). Drafts
    and changes still waiting for review never appear. If `content_version` differs between the
    pages you read, content changed meanwhile: start again from the first page. A version this
    service does not know (mistyped, or older than its log) is a 404 that says so: download the
    export again.
    """

    query_parameters = frozenset({"since", "page", "page_size"})

    @extend_schema(
        summary="What was created, changed or removed since a content version",
        tags=["changes"],
        parameters=[
            OpenApiParameter(
                "since",
                {"type": "string", "pattern": TOKEN_PATTERN},
                required=True,
                description="The `content_version` your copy is at (from the export, or from "
                "your last sync).",
            ),
            *page_parameters("Entries"),
        ],
        responses={
            200: ChangesSerializer,
            404: OpenApiResponse(
                response={"$ref": "#/components/schemas/Problem"},
                description="`since` is not a version this service knows (mistyped, or older "
                "than its log of versions): download /api/v1/export/ again and sync from its "
                "`content_version`. Also a page past the end (the detail says which).",
            ),
        },
    )
    def get(self, request: Request) -> Response:
        since = request.query_params.get("since")
        if since is None or not re.fullmatch(TOKEN_PATTERN, since):
            problem = "Required" if since is None else f"Not a content version: {since!r}"
            raise ValidationError(
                {
                    "since": [
                        f"{problem}; give the content_version of your copy (32 hexadecimal "
                        f"digits, from {reverse('export', request=request)})."
                    ]
                }
            )
        try:
            found = changes_since(since)
        except UnknownVersion:
            raise NotFound(
                f"Unknown content version {since!r}: it was never one, or is older than this "
                f"service's log. Download {reverse('export', request=request)} again and sync "
                "from its content_version."
            ) from None
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(found.changes, request, view=self)
        data = {
            "content_version": found.current.token,
            "content_changed_at": found.current.changed_at,
            "since": found.since.token,
            "since_changed_at": found.since.changed_at,
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": page,
        }
        return Response(ChangesSerializer(data, context={"request": request}).data)
