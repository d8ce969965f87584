"""The kinds of error: what each problem ``type`` URI means, served at that URI.

A problem's ``type`` (``/api/problems/not-found/``) is a link a client can follow; these views
answer it with the kind's title, status and description, read from ``infra.errors.KINDS``. They
are left out of the OpenAPI operations: the ``Problem`` schema documents them.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.params import StrictQueryMixin
from infra.errors import KINDS, PROBLEMS_PATH, ProblemKind


def kind_data(kind: ProblemKind) -> dict:
    """A kind as the API shows it."""
    return {
        "type": kind.type,
        "title": kind.title,
        "status": kind.status,
        "description": kind.description,
    }


class ProblemListView(StrictQueryMixin, APIView):
    """Every kind of error the API answers with."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response({"count": len(KINDS), "results": [kind_data(k) for k in KINDS.values()]})


class ProblemDetailView(StrictQueryMixin, APIView):
    """One kind of error: the document its ``type`` URI names."""

    @extend_schema(exclude=True)
    def get(self, request: Request, kind: str) -> Response:
        found = KINDS.get(kind)
        if found is None:
            raise NotFound(
                f"No problem type {kind!r}; valid: {', '.join(KINDS)} (see {PROBLEMS_PATH})."
            )
        return Response(kind_data(found))
