"""The benchmark's WSGI entry point: the product, except the baseline, which runs bare.

The baseline is the limit of this stack, the yardstick a user choosing between this service and a
hand-rolled one would use: Django routing to a view that returns a small ``JsonResponse``, with
no middleware at all (``BareHandler``). Every other path is the product's own application
(``config.wsgi``), with its full middleware stack. Both are in the same gunicorn workers, so
every ratio compares two answers of the same processes in the same run.
"""

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler

from bench import BASELINE_PATH
from config.wsgi import application as product


class BareHandler(WSGIHandler):
    """Django's WSGI handler with an empty middleware list: URL resolution, the view, the
    request signals, nothing else."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


bare = BareHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == BASELINE_PATH:
        return bare(environ, start_response)
    return product(environ, start_response)
