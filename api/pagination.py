"""Page-number pagination with strict, explained validation of page and page_size."""

from django.core.paginator import InvalidPage
from drf_spectacular.plumbing import append_meta
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import pagination
from rest_framework.exceptions import NotFound

from api.exceptions import parameter_error

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What ``page`` accepts besides a number: the last page, whatever its number.
LAST_PAGE_STRINGS = ("last",)


def page_parameter() -> dict:
    """The OpenAPI description and schema of ``page``, wherever it is accepted: a number from 1
    or ``last`` (so a generated client may send either)."""
    return {
        "description": "Page number, from 1, or `last` for the last page; a page past the end is "
        "a 404 that names the last page.",
        "schema": {
            "oneOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "enum": list(LAST_PAGE_STRINGS)},
            ]
        },
        "examples": {"first": {"value": 1}, "last": {"value": LAST_PAGE_STRINGS[0]}},
    }


def page_size_description(items: str = "Results") -> str:
    return (
        f"{items} per page, from 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}); larger "
        f"values are capped at {MAX_PAGE_SIZE}."
    )


def page_parameters(items: str) -> list[OpenApiParameter]:
    """``page`` and ``page_size`` for a view that pages with PageNumberPagination by hand, as
    the paginator documents them on list views."""
    page = page_parameter()
    examples = [OpenApiExample(name, value=e["value"]) for name, e in page["examples"].items()]
    return [
        OpenApiParameter(
            "page", page["schema"], description=page["description"], examples=examples
        ),
        OpenApiParameter(
            "page_size", {"type": "integer", "minimum": 1}, description=page_size_description(items)
        ),
    ]


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value < 1 or str(value) != raw.strip():
        raise parameter_error(name, f"Must be a positive integer; got {raw!r}.")
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: M from 1 to 100 (larger values are capped), default 20."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = LAST_PAGE_STRINGS

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return min(_positive_int(self.page_size_query_param, raw), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        raw = request.query_params.get(self.page_query_param, "1")
        if raw in self.last_page_strings:
            number = paginator.num_pages
        else:
            number = _positive_int(self.page_query_param, raw)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(
                f"Page {number} does not exist; the last page is {paginator.num_pages}."
            ) from None
        self.request = request
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = page_size_description()
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_query_param:
                parameter.update(page_parameter())
        return parameters

    def get_paginated_response_schema(self, schema):
        """DRF's page envelope with every key required (each is always sent) and ``next`` and
        ``previous`` nullable in the form of the document's OpenAPI version."""

        def link(description: str, page: int) -> dict:
            return append_meta(
                {"type": "string", "format": "uri"},
                {
                    "nullable": True,
                    "description": description,
                    "example": f"https://api.example.org/api/v1/compounds/?page={page}",
                },
            )

        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Rows on all pages together.",
                },
                "next": link("The next page's URL; null on the last page.", 3),
                "previous": link("The previous page's URL; null on the first page.", 1),
                "results": schema,
            },
        }
