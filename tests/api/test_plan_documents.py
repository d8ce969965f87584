"""What the recommendation endpoints serve is, byte for byte, what their serializers declare.

The plan and the matrix are served from plain functions over lean rows (``plan_document`` and
``matrix_document``, built from ``lean_recommendation_plan`` and ``matrix_content_get``), while
the OpenAPI document is generated from the serializers (``PlanSerializer``, ``MatrixSerializer``).
Every plan of the real content (with and without profile factors and medications) and every
matrix page is served, and rendered again the serializers' way from model instances, as the
endpoints answered before: any drift between what is served and what is documented fails here.
"""

import pytest
from django.test import RequestFactory
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from api.serializers.common import phase_list
from api.serializers.matrix import MatrixSerializer
from api.serializers.plans import PlanSerializer
from bench.synthetic import synthetic_content_create
from compounds.models import Compound
from content.notices import DISCLAIMER
from content.versioning import content_version_get
from disorders.models import Disorder, ProfileFactor
from guidance.models import SafetyKind, SafetyStatement, Severity
from guidance.recommendations import (
    MatrixCell,
    guidance_content_get,
    recommendation_plan,
    summarize,
)
from medications.models import MedicationClass
from modalities.models import TreatmentPhase

pytestmark = pytest.mark.django_db

PLAN = "/api/v1/recommendations/"
MATRIX = "/api/v1/recommendations/matrix/"


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.API_CACHE = False


def served(client, url: str, params: dict) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.content


def declared_plan(url: str, params: dict, **query) -> bytes:
    """The plan for ``query`` as PlanSerializer renders it from model instances."""
    request = Request(RequestFactory().get(url, params))
    context = {
        "request": request,
        "content_version": content_version_get().token,
        "disclaimer": DISCLAIMER,
    }
    plan = recommendation_plan(**query)
    return JSONRenderer().render(PlanSerializer(plan, context=context).data)


def assert_plans_as_declared(client, disorders, compounds, *, profile=(), medications=()):
    for disorder in disorders:
        for compound in compounds:
            params = {"disorder": disorder.slug, "compound": compound.slug}
            if profile:
                params["profile"] = [factor.slug for factor in profile]
            if medications:
                params["medications"] = ",".join(m.slug for m in medications)
            expected = declared_plan(
                PLAN,
                params,
                disorder=disorder,
                compound=compound,
                profile=list(profile),
                medications=list(medications),
            )
            assert served(client, PLAN, params) == expected, params


def test_every_plan_is_served_as_its_serializer_declares_it(client):
    disorders, compounds = list(Disorder.objects.all()), list(Compound.objects.all())
    assert len(disorders) * len(compounds) >= 40
    assert_plans_as_declared(client, disorders, compounds)


def test_every_plan_with_every_profile_factor_is_served_as_declared(client):
    assert_plans_as_declared(
        client,
        Disorder.objects.all(),
        Compound.objects.all(),
        profile=list(ProfileFactor.objects.order_by("slug")),
    )


def test_every_plan_with_every_medication_is_served_as_declared(client):
    medications = list(MedicationClass.objects.order_by("slug"))
    assert_plans_as_declared(
        client, Disorder.objects.all(), Compound.objects.all(), medications=medications
    )
    ptsd_mdma = client.get(PLAN, {"disorder": "ptsd", "compound": "mdma", "medications": "ssri"})
    assert ptsd_mdma.json()["co_medications"][0]["interactions"]  # the warnings are exercised


def declared_cell(cell: MatrixCell) -> dict:
    """What MatrixCellSerializer reads of one cell."""

    def top(phase: str) -> dict | None:
        match = cell.tops[phase]
        if match is None:
            return None
        return {
            "modality": match.guidance.modality,
            "specificity": match.specificity,
            "certainty": match.guidance.certainty,
        }

    return {
        "disorder": cell.disorder,
        "compound": cell.compound,
        "verdict": cell.verdict,
        "overall_certainty": cell.overall_certainty,
        "phases": phase_list(TreatmentPhase.values, top=top),
        "evidence_level": cell.evidence_level,
        "has_pairing_evidence": cell.has_pairing_evidence,
    }


def assert_matrix_pages_as_declared(client, page_size: int) -> int:
    """Serve every page of the matrix and compare each with MatrixSerializer's rendering of the
    engine's summary of each cell on its own, from every row as model instances (so no summary
    is shared between cells); return the pages compared."""
    disorders = list(Disorder.objects.order_by("name", "pk"))
    compounds = list(Compound.objects.order_by("name"))
    content = guidance_content_get()
    pages = range(1, (len(disorders) + page_size - 1) // page_size + 1)
    for page in pages:
        params = {"page": page, "page_size": page_size}
        body = served(client, MATRIX, params)
        shown = disorders[(page - 1) * page_size : page * page_size]
        cells = [
            summarize(disorders=[disorder], compounds=[compound], content=content)[0]
            for disorder in shown
            for compound in compounds
        ]
        page_links = client.get(MATRIX, params).json()
        data = {
            "count": len(disorders),
            "next": page_links["next"],
            "previous": page_links["previous"],
            "disorders": shown,
            "compounds": compounds,
            "cells": [declared_cell(cell) for cell in cells],
            "content_version": content_version_get().token,
            "disclaimer": DISCLAIMER,
        }
        request = Request(RequestFactory().get(MATRIX, params))
        expected = JSONRenderer().render(MatrixSerializer(data, context={"request": request}).data)
        assert body == expected, params
    return len(pages)


def test_every_matrix_page_is_served_as_its_serializer_declares_it(client):
    assert assert_matrix_pages_as_declared(client, page_size=20) == 1
    assert assert_matrix_pages_as_declared(client, page_size=4) > 2


def test_plans_and_the_matrix_are_served_as_declared_at_three_times_the_content(client):
    # Synthetic disorders belong to real ones, synthetic compounds have no guidance of their
    # own (their cells share a summary with their class), and synthetic rows carry profile
    # factors: the lean rows and the shared summaries meet what the real content lacks.
    synthetic_content_create(scale=3)
    # A contraindication naming a compound that no guidance names: its cells are its own, not
    # its class's.
    SafetyStatement.objects.create(
        slug="t-synthetic-contraindication",
        title="Contraindicated",
        message="Synthetic.",
        kind=SafetyKind.CONTRAINDICATION,
        severity=Severity.CRITICAL,
        compound=Compound.objects.filter(slug__startswith="synthetic-").order_by("name").last(),
    )
    disorders = list(Disorder.objects.filter(slug__startswith="synthetic-")[:4])
    disorders += list(
        Disorder.objects.filter(parent__isnull=False).exclude(slug__startswith="synthetic-")
    )
    compounds = list(Compound.objects.order_by("pk"))
    assert_plans_as_declared(client, disorders, compounds)
    assert_plans_as_declared(
        client, disorders[:2], compounds, profile=list(ProfileFactor.objects.order_by("pk"))[:10]
    )
    assert assert_matrix_pages_as_declared(client, page_size=20) > 1
