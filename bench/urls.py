"""The product's URLs plus the baseline the benchmark compares every endpoint with."""

from django.http import JsonResponse
from django.urls import path

from bench import BASELINE_PATH
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as product_urlpatterns

# The largest body the baseline sends when asked (``?bytes=N``), to measure sending alone.
MAX_PADDING = 1_000_000


def baseline(request):
    """A bare Django view returning a small JSON body: the yardstick of the benchmark. With
    ``?bytes=N`` the body is padded to about N bytes (the harness compares the same bare view
    sending a body as large as the largest answer: what sending costs, whatever builds it)."""
    body = {"status": "ok", "service": "baseline"}
    padding = request.GET.get("bytes", "")
    if padding.isdigit() and int(padding) <= MAX_PADDING:
        body["padding"] = "x" * int(padding)
    return JsonResponse(body)


urlpatterns = [path(BASELINE_PATH.lstrip("/"), baseline), *product_urlpatterns]
