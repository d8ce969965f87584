"""Every endpoint runs a fixed number of queries, whatever the amount of content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compounds.models import Compound, CompoundMechanism, Mechanism
from evidence.models import Reference
from guidance.models import Disorder, Guidance, ProfileFactor, SafetyStatement
from modalities.models import Modality

pytestmark = pytest.mark.django_db

# url -> queries it may run (for lists: the count, the page, and one per slug filter given).
EXPECTED = {
    "/api/v1/": 0,
    "/api/v1/meta/": 9,
    "/api/v1/compounds/": 2,
    "/api/v1/compounds/ketamine/": 5,
    "/api/v1/mechanisms/": 2,
    "/api/v1/mechanisms/?compound=ketamine&page_size=100": 3,
    "/api/v1/mechanisms/bdnf-trkb-signaling/": 4,
    "/api/v1/disorders/": 2,
    "/api/v1/disorders/ptsd/": 7,
    "/api/v1/modalities/": 2,
    "/api/v1/modalities/?disorder=ptsd": 3,
    "/api/v1/modalities/psychoeducation/": 4,
    "/api/v1/guidance/?page_size=100": 2,
    "/api/v1/guidance/?disorder=ptsd&compound=mdma": 4,
    "/api/v1/guidance/general-cbt-integration/": 2,
    "/api/v1/profile-factors/": 2,
    "/api/v1/profile-factors/dissociative-tendencies/": 4,
    "/api/v1/safety-statements/": 2,
    "/api/v1/safety-statements/no-pairing-evidence/": 2,
    "/api/v1/references/?page_size=100": 2,
    "/api/v1/references/10.1177/0269881108093587/": 1,
    "/api/v1/recommendations/?disorder=ptsd&compound=mdma": 9,
    "/api/v1/recommendations/?disorder=ptsd&compound=mdma&profile=dissociative-tendencies": 10,
    "/api/v1/recommendations/matrix/": 8,
}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(captured)


def through(field) -> type:
    return field.through


def grow_content_tenfold() -> None:
    """Add nine synthetic copies of the real content, attached to the rows the URLs above read."""
    n = 9
    ketamine = Compound.objects.get(slug="ketamine")
    ptsd = Disorder.objects.get(slug="ptsd")
    psychoeducation = Modality.objects.get(slug="psychoeducation")
    factor = ProfileFactor.objects.get(slug="dissociative-tendencies")
    mechanism = Mechanism.objects.get(slug="bdnf-trkb-signaling")
    rows = {m: m.objects.count() for m in (Reference, Compound, Mechanism, Disorder, Guidance)}

    references = Reference.objects.bulk_create(
        Reference(
            doi=f"10.5555/bulk.{i}",
            authors="Bulk A, Bulk B, Bulk C",
            title=f"Synthetic study {i}",
            year=2024,
            evidence_type="narrative_review",
            citation=f"Synthetic study {i}.",
        )
        for i in range(rows[Reference] * n)
    )
    compounds = Compound.objects.bulk_create(
        Compound(
            slug=f"bulk-compound-{i}",
            name=f"Bulk compound {i}",
            compound_class="entactogen",
            primary_targets="x",
            summary="Synthetic.",
        )
        for i in range(rows[Compound] * n)
    )
    mechanisms = Mechanism.objects.bulk_create(
        Mechanism(
            slug=f"bulk-mechanism-{i}",
            name=f"Bulk mechanism {i}",
            level="cellular",
            description="Synthetic.",
        )
        for i in range(rows[Mechanism] * n)
    )
    links = CompoundMechanism.objects.bulk_create(
        [
            CompoundMechanism(compound=ketamine, mechanism=m, evidence_basis="human", summary="S.")
            for m in mechanisms
        ]
        + [
            CompoundMechanism(compound=c, mechanism=mechanism, evidence_basis="human", summary="S.")
            for c in compounds
        ]
    )
    disorders = Disorder.objects.bulk_create(
        Disorder(
            slug=f"bulk-disorder-{i}",
            name=f"Bulk disorder {i}",
            category="mood",
            parent=ptsd,
            evidence_summary="Synthetic.",
        )
        for i in range(rows[Disorder] * n)
    )
    guidance = Guidance.objects.bulk_create(
        Guidance(
            slug=f"bulk-guidance-{i}",
            disorder=ptsd,
            compound=compounds[i % len(compounds)],
            profile_factor=factor,
            modality=psychoeducation,
            phase="preparation",
            rationale="Synthetic.",
            strength="proposal",
        )
        for i in range(rows[Guidance] * n)
    )
    SafetyStatement.objects.bulk_create(
        SafetyStatement(slug=f"bulk-safety-{i}", title="T", message="M.", severity="info")
        for i in range(SafetyStatement.objects.count() * n)
    )
    Modality.objects.bulk_create(
        Modality(
            slug=f"bulk-modality-{i}",
            name=f"Bulk modality {i}",
            lineage="supportive",
            aims="A.",
            serves_preparation=True,
        )
        for i in range(Modality.objects.count() * n)
    )
    ProfileFactor.objects.bulk_create(
        ProfileFactor(slug=f"bulk-factor-{i}", name=f"Bulk factor {i}", description="D.")
        for i in range(ProfileFactor.objects.count() * n)
    )
    cite = references[:10]
    for owner_rows, field in [
        ([ketamine], Compound.references),
        ([ketamine], Compound.plasticity_window_references),
        (links, CompoundMechanism.references),
        ([ptsd], Disorder.references),
        ([ptsd], Disorder.habitual_patterns_references),
        (guidance, Guidance.references),
        (disorders, Disorder.references),
    ]:
        model = through(field)
        source = field.field.m2m_field_name()
        target = field.field.m2m_reverse_field_name()
        model.objects.bulk_create(
            model(**{f"{source}_id": owner.pk, f"{target}_id": ref.pk})
            for owner in owner_rows
            for ref in cite
        )


def test_every_endpoint_runs_the_same_fixed_number_of_queries_at_ten_times_the_content(client):
    before = {url: queries(client, url) for url in EXPECTED}
    grow_content_tenfold()
    after = {url: queries(client, url) for url in EXPECTED}

    assert before == EXPECTED
    assert after == EXPECTED


def test_the_generated_content_really_is_ten_times_larger(client):
    counts = client.get("/api/v1/meta/").json()["counts"]
    grow_content_tenfold()
    grown = client.get("/api/v1/meta/").json()["counts"]
    assert all(grown[name] == counts[name] * 10 for name in counts)
    ketamine = client.get("/api/v1/compounds/ketamine/").json()
    assert len(ketamine["mechanisms"]["cellular"]) > 10 * 4
