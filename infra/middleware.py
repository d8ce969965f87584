"""Middleware guarding the API: bounded requests, and database failures answered as JSON."""

from django.conf import settings
from django.http import HttpRequest

from infra.errors import database_error_response, error_response, is_api


class RequestBoundsMiddleware:
    """Refuse API requests whose query string is too long or has too many parameters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if is_api(request):
            query = request.META.get("QUERY_STRING", "")
            if len(query) > settings.API_MAX_QUERY_STRING:
                return error_response(
                    400,
                    f"The query string is {len(query)} characters long; the limit is "
                    f"{settings.API_MAX_QUERY_STRING}.",
                )
            count = len([part for part in query.split("&") if part])
            if count > settings.API_MAX_QUERY_PARAMETERS:
                return error_response(
                    400,
                    f"{count} query parameters given; the limit is "
                    f"{settings.API_MAX_QUERY_PARAMETERS}.",
                )
        return self.get_response(request)


class DatabaseErrorMiddleware:
    """Answer a view's database failure under /api/ as ``database_error_response`` decides.

    DRF hands exceptions it does not know (every database error) back to Django, so this is the
    one place a view's database failure becomes a response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_api(request):
            return None
        return database_error_response(exception)
