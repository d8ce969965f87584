"""Page-number pagination with strict, explained validation of page and page_size."""

from django.core.paginator import InvalidPage
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value < 1 or str(value) != raw.strip():
        raise ValidationError({name: [f"Must be a positive integer; got {raw!r}."]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: M from 1 to 100 (larger values are capped), default 20."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

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
                parameter["description"] = (
                    f"Results per page, from 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}); "
                    f"larger values are capped at {MAX_PAGE_SIZE}."
                )
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    "Page number, from 1 (or 'last'); a page past the end is a 404 that names the "
                    "last page."
                )
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
