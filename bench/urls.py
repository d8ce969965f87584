"""The product's URLs plus the baseline the benchmark compares every endpoint with."""

import functools
import json

from django.http import HttpResponse, JsonResponse
from django.urls import path

from bench import BASELINE_PATH
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as product_urlpatterns

# The largest body the baseline sends when asked (``?bytes=N``), to measure sending alone.
MAX_PADDING = 1_000_000


@functools.lru_cache(maxsize=4)
def padded(size: int) -> bytes:
    """The padded body, encoded once: a warm answer's body is ready-made bytes too, and encoding
    78 KB of JSON takes about 0.2 ms, as long as the rest of the bare request."""
    return json.dumps({"status": "ok", "service": "baseline", "padding": "x" * size}).encode()


def baseline(request):
    """A bare Django view returning a small JSON body: the yardstick of the benchmark. With
    ``?bytes=N`` the body is padded to about N bytes, made once (the harness compares the same
    bare view sending a body as large as the largest answer: what sending costs, whatever builds
    it)."""
    padding = request.GET.get("bytes", "")
    if padding.isdigit() and int(padding) <= MAX_PADDING:
        return HttpResponse(padded(int(padding)), content_type="application/json")
    return JsonResponse({"status": "ok", "service": "baseline"})


urlpatterns = [path(BASELINE_PATH.lstrip("/"), baseline), *product_urlpatterns]
