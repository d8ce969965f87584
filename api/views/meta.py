"""The API's entry point and its meta resource."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.params import StrictQueryMixin
from api.serializers.meta import MetaSerializer
from compounds.models import Compound, Mechanism
from content.notices import DISCLAIMER, SOURCE
from content.versioning import content_version_get
from disorders.models import Disorder, ProfileFactor
from evidence.models import Reference
from guidance.models import Guidance, SafetyStatement
from medications.models import Interaction, MedicationClass
from modalities.models import Modality


class RootView(StrictQueryMixin, APIView):
    """The API's entry point: a link to every resource and to the documentation."""

    @extend_schema(
        summary="Links to every resource", tags=["meta"], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request) -> Response:
        from api.urls import router  # the URLconf imports this module

        links = {
            prefix: reverse(f"{basename}-list", request=request)
            for prefix, _, basename in router.registry
        }
        links["recommendations"] = reverse("recommendations", request=request)
        links["recommendation-matrix"] = reverse("recommendation-matrix", request=request)
        links["meta"] = reverse("meta", request=request)
        links["export"] = reverse("export", request=request)
        links["changes"] = reverse("changes", request=request)
        links["vocabularies"] = reverse("vocabulary-list", request=request)
        links["problems"] = reverse("problem-list", request=request)
        links["schema"] = reverse("schema", request=request)
        links["docs"] = reverse("swagger-ui", request=request)
        links["redoc"] = reverse("redoc", request=request)
        # The same content in the clinic's standards (see the README): FHIR R4 and CDS Hooks.
        links["fhir"] = reverse("fhir-metadata", request=request)
        links["cds-services"] = reverse("cds-services", request=request)
        return Response(links)


class MetaView(StrictQueryMixin, APIView):
    """Content version, counts, source article and licence, and the disclaimer."""

    @extend_schema(
        summary="Content version, counts, source and disclaimer",
        tags=["meta"],
        responses=MetaSerializer,
    )
    def get(self, request: Request) -> Response:
        version = content_version_get()
        counts = {
            "compounds": Compound.objects.count(),
            "mechanisms": Mechanism.objects.count(),
            "disorders": Disorder.objects.count(),
            "modalities": Modality.objects.count(),
            "guidance": Guidance.objects.published().count(),
            "profile_factors": ProfileFactor.objects.count(),
            "safety_statements": SafetyStatement.objects.count(),
            "references": Reference.objects.count(),
            "medications": MedicationClass.objects.count(),
            "interactions": Interaction.objects.count(),
        }
        data = {
            "content_version": version.token,
            "content_changed_at": version.changed_at,
            "counts": counts,
            "source": {
                **SOURCE,
                "url": reverse("reference-detail", kwargs={"key": SOURCE["doi"]}, request=request),
            },
            "disclaimer": DISCLAIMER,
        }
        return Response(MetaSerializer(data).data)
