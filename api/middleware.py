"""Middleware guarding the API: bounded requests, and a JSON 503 while the database is away."""

import logging

from django.conf import settings
from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse

from api.exceptions import API_PREFIX, UNSTORABLE_VALUE, database_unavailable_response

logger = logging.getLogger(__name__)


class RequestBoundsMiddleware:
    """Refuse API requests whose query string is too long or has too many parameters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path.startswith(API_PREFIX):
            query = request.META.get("QUERY_STRING", "")
            if len(query) > settings.API_MAX_QUERY_STRING:
                return JsonResponse(
                    {
                        "detail": f"The query string is {len(query)} characters long; the "
                        f"limit is {settings.API_MAX_QUERY_STRING}."
                    },
                    status=400,
                )
            count = len([part for part in query.split("&") if part])
            if count > settings.API_MAX_QUERY_PARAMETERS:
                return JsonResponse(
                    {
                        "detail": f"{count} query parameters given; the limit is "
                        f"{settings.API_MAX_QUERY_PARAMETERS}."
                    },
                    status=400,
                )
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 JSON, not a 500 page, when a view under /api/ cannot reach the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if request.path.startswith(API_PREFIX) and isinstance(
            exception, OperationalError | InterfaceError
        ):
            logger.warning("Database unavailable: %s", exception)
            return database_unavailable_response()
        if request.path.startswith(API_PREFIX) and isinstance(exception, DataError):
            return JsonResponse({"detail": UNSTORABLE_VALUE}, status=400)
        if request.path.startswith(API_PREFIX) and isinstance(exception, DatabaseError):
            logger.exception("Database error under %s", request.path)
        return None
