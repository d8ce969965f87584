"""The project's URLs: the JSON API under /api/, the health probes and the admin site."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from infra import health
from interop.cds_views import services as cds_services
from interop.fhir_views import fhir_not_found
from interop.urls import cds_hooks, fhir

urlpatterns = [
    # The site's root is the API's entry point, which links every resource and the docs.
    path("", RedirectView.as_view(pattern_name="api-root", permanent=False), name="root"),
    path("api/", include("api.urls")),
    path("fhir/", include(fhir)),
    path("fhir", fhir_not_found),
    path("cds-services", cds_services, name="cds-services"),
    path("cds-services/", include(cds_hooks)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
]

admin.site.site_header = "Psychoplastogen Therapy Guidance: content"
admin.site.site_title = "Guidance content"

handler400 = "infra.errors.bad_request"
handler403 = "infra.errors.permission_denied"
handler404 = "infra.errors.page_not_found"
handler500 = "infra.errors.server_error"
