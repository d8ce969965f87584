"""Health endpoints for load balancers and orchestrators: liveness and readiness."""

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from compounds.models import Compound
from disorders.models import Disorder
from evidence.models import Reference
from guidance.models import Guidance
from modalities.models import Modality

REQUIRED_CONTENT = {
    "references": Reference.objects.all(),
    "compounds": Compound.objects.all(),
    "disorders": Disorder.objects.all(),
    "modalities": Modality.objects.all(),
    "guidance": Guidance.objects.published(),
}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; touches no database."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers and the content is loaded; 503 naming what is missing otherwise."""
    try:
        empty = [name for name, rows in REQUIRED_CONTENT.items() if not rows.all().exists()]
    except DatabaseError as exc:
        return JsonResponse(
            {
                "status": "unavailable",
                "detail": f"The database is unreachable ({type(exc).__name__}).",
                "checks": {"database": "unreachable", "content": "unknown"},
            },
            status=503,
        )
    if empty:
        return JsonResponse(
            {
                "status": "unavailable",
                "detail": f"No content loaded for: {', '.join(empty)}; run manage.py load_content.",
                "checks": {"database": "ok", "content": "missing " + ", ".join(empty)},
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": {"database": "ok", "content": "ok"}})
