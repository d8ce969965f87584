"""The product's URLs plus the baseline the benchmark compares every endpoint with."""

from django.http import JsonResponse
from django.urls import path

from bench import BASELINE_PATH
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as product_urlpatterns


def baseline(request):
    """A bare Django view returning a small JSON body: the yardstick of the benchmark."""
    return JsonResponse({"status": "ok", "service": "baseline"})


urlpatterns = [path(BASELINE_PATH.lstrip("/"), baseline), *product_urlpatterns]
