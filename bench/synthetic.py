"""Synthetic content at a multiple of the real size, for query-count tests and benchmarks.

``python -m bench.generate_content --scale 100`` grows the database named by the settings;
``--remove`` takes the synthetic rows out again. Never for production: this module is not part
of the package.

Every content table grows to ``scale`` times its real row count. Synthetic rows hang off the real
ones (mechanisms link to real compounds, guidance rows name real disorders, compounds and
modalities) so that real detail pages and plans grow too. Synthetic rows are recognisable by the
``synthetic-`` slug prefix and the ``10.5555/synthetic.`` DOI prefix, and can be removed again.
Bulk writes send no signals, so the content version is bumped once at the end.
"""

from itertools import cycle

from django.db import transaction
from django.utils import timezone

from compounds.models import Compound, CompoundCode, CompoundMechanism, Mechanism
from content.versioning import content_version_bump
from disorders.models import Disorder, DisorderCode, ProfileFactor
from evidence.models import Reference
from guidance.models import Guidance, SafetyStatement
from medications.models import Interaction, InteractionEffect, Medication, MedicationClass
from modalities.models import Modality

PREFIX = "synthetic-"
DOI_PREFIX = "10.5555/synthetic."
CITATIONS_PER_ROW = 3
BATCH = 1000


def _extra(model, scale: int) -> int:
    real = model.objects.exclude(**_synthetic_filter(model)).count()
    return real * (scale - 1)


def _synthetic_filter(model) -> dict:
    if model is Reference:
        return {"doi__startswith": DOI_PREFIX}
    if model in (CompoundCode, DisorderCode):
        return {f"{model.ENTITY}__slug__startswith": PREFIX}
    return {"slug__startswith": PREFIX}


def _cite(rows, field, references) -> None:
    """Attach CITATIONS_PER_ROW synthetic references to each row through ``field``'s table."""
    through = field.through
    source = f"{field.field.m2m_field_name()}_id"
    target = f"{field.field.m2m_reverse_field_name()}_id"
    pool = cycle(references)
    through.objects.bulk_create(
        (
            through(**{source: row.pk, target: next(pool).pk})
            for row in rows
            for _ in range(CITATIONS_PER_ROW)
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )


@transaction.atomic
def synthetic_content_create(*, scale: int) -> dict[str, int]:
    """Grow every content table to ``scale`` times its real size; return rows added per table."""
    if scale < 2:
        return {}
    synthetic_content_delete()
    real_compounds = list(Compound.objects.all())
    real_disorders = list(Disorder.objects.all())
    real_modalities = list(Modality.objects.all())
    real_factors = list(ProfileFactor.objects.all())
    counts = {
        model: _extra(model, scale)
        for model in (
            Reference,
            Compound,
            Mechanism,
            Disorder,
            Modality,
            Guidance,
            SafetyStatement,
            ProfileFactor,
            MedicationClass,
            Medication,
            Interaction,
            CompoundCode,
            DisorderCode,
        )
    }

    references = Reference.objects.bulk_create(
        (
            Reference(
                doi=f"{DOI_PREFIX}{i}",
                authors="Synthetic A, Synthetic B, Synthetic C",
                title=f"Synthetic study {i}",
                venue="Synthetic J",
                year=2024,
                evidence_type="narrative_review",
                citation=f"Synthetic study {i}.",
            )
            for i in range(counts[Reference])
        ),
        batch_size=BATCH,
    )
    compounds = Compound.objects.bulk_create(
        (
            Compound(
                slug=f"{PREFIX}compound-{i}",
                name=f"Synthetic compound {i}",
                compound_class="entactogen",
                primary_targets="Synthetic target",
                summary="Synthetic.",
            )
            for i in range(counts[Compound])
        ),
        batch_size=BATCH,
    )
    mechanisms = Mechanism.objects.bulk_create(
        (
            Mechanism(
                slug=f"{PREFIX}mechanism-{i}",
                name=f"Synthetic mechanism {i}",
                level=("molecular", "cellular", "network", "behavioral")[i % 4],
                description="Synthetic.",
            )
            for i in range(counts[Mechanism])
        ),
        batch_size=BATCH,
    )
    real_mechanisms = list(Mechanism.objects.exclude(slug__startswith=PREFIX))
    to_real = cycle(real_compounds)
    from_real = cycle(real_mechanisms)
    links = CompoundMechanism.objects.bulk_create(
        [
            CompoundMechanism(
                compound=next(to_real), mechanism=m, evidence_basis="human", summary="S."
            )
            for m in mechanisms
        ]
        + [
            CompoundMechanism(
                compound=c, mechanism=next(from_real), evidence_basis="human", summary="S."
            )
            for c in compounds
        ],
        batch_size=BATCH,
    )
    parents = cycle(real_disorders)
    disorders = Disorder.objects.bulk_create(
        (
            Disorder(
                slug=f"{PREFIX}disorder-{i}",
                name=f"Synthetic disorder {i}",
                category="mood",
                parent=next(parents),
                evidence_summary="Synthetic.",
            )
            for i in range(counts[Disorder])
        ),
        batch_size=BATCH,
    )
    modalities = Modality.objects.bulk_create(
        (
            Modality(
                slug=f"{PREFIX}modality-{i}",
                name=f"Synthetic modality {i}",
                lineage="supportive",
                aims="Synthetic.",
                serves_integration=True,
            )
            for i in range(counts[Modality])
        ),
        batch_size=BATCH,
    )
    factors = ProfileFactor.objects.bulk_create(
        (
            ProfileFactor(
                slug=f"{PREFIX}factor-{i}", name=f"Synthetic factor {i}", description="D."
            )
            for i in range(counts[ProfileFactor])
        ),
        batch_size=BATCH,
    )
    scopes = cycle([(d, c) for d in real_disorders for c in [None, *real_compounds]])
    modality_cycle = cycle(real_modalities)
    factor_cycle = cycle([None, None, *real_factors])
    guidance = []
    for i in range(counts[Guidance]):
        disorder, compound = next(scopes)
        modality = next(modality_cycle)
        guidance.append(
            Guidance(
                slug=f"{PREFIX}guidance-{i}",
                disorder=disorder,
                compound=compound,
                profile_factor=next(factor_cycle),
                modality=modality,
                phase=modality.phases[0],
                rationale="Synthetic.",
                strength="proposal",
                status="published",
                published_at=timezone.now(),
            )
        )
    guidance = Guidance.objects.bulk_create(guidance, batch_size=BATCH)
    statements = SafetyStatement.objects.bulk_create(
        (
            SafetyStatement(
                slug=f"{PREFIX}safety-{i}",
                title="Synthetic",
                message="Synthetic.",
                severity="info",
                disorder=real_disorders[i % len(real_disorders)] if i % 2 else None,
            )
            for i in range(counts[SafetyStatement])
        ),
        batch_size=BATCH,
    )

    # Codes for the synthetic compounds and disorders, as many per row as the real ones carry.
    CompoundCode.objects.bulk_create(
        (
            CompoundCode(
                compound=compounds[i % len(compounds)],
                system="pubchem-cid",
                code=str(900_000_000 + i),
                source="Synthetic.",
            )
            for i in range(counts[CompoundCode])
        ),
        batch_size=BATCH,
    )
    DisorderCode.objects.bulk_create(
        (
            DisorderCode(
                disorder=disorders[i % len(disorders)],
                system="snomed-ct",
                code=str(900_000_000 + i),
                source="Synthetic.",
            )
            for i in range(counts[DisorderCode])
        ),
        batch_size=BATCH,
    )
    classes = MedicationClass.objects.bulk_create(
        (
            MedicationClass(slug=f"{PREFIX}medication-class-{i}", name=f"Synthetic class {i}")
            for i in range(counts[MedicationClass])
        ),
        batch_size=BATCH,
    )
    Medication.objects.bulk_create(
        (
            Medication(
                slug=f"{PREFIX}medication-{i}",
                name=f"Synthetic medication {i}",
                medication_class=classes[i % len(classes)],
            )
            for i in range(counts[Medication])
        ),
        batch_size=BATCH,
    )
    # Synthetic interactions join real compounds with synthetic classes, so that the interaction
    # list and its filters grow; a plan asks for named classes only.
    Interaction.objects.bulk_create(
        (
            Interaction(
                slug=f"{PREFIX}interaction-{i}",
                compound=real_compounds[i % len(real_compounds)],
                medication_class=classes[i % len(classes)],
                effect=InteractionEffect.values[i // len(classes) % len(InteractionEffect)],
                risk="caution",
                risk_basis="Synthetic.",
                reliability="inferred",
                summary="Synthetic.",
            )
            for i in range(counts[Interaction])
        ),
        batch_size=BATCH,
    )

    for rows, field in [
        (Interaction.objects.filter(slug__startswith=PREFIX), Interaction.references),
        (compounds, Compound.references),
        (real_compounds, Compound.references),
        (mechanisms, Mechanism.references),
        (links, CompoundMechanism.references),
        (disorders, Disorder.references),
        (real_disorders, Disorder.habitual_patterns_references),
        (modalities, Modality.references),
        (factors, ProfileFactor.references),
        (guidance, Guidance.references),
        (statements, SafetyStatement.references),
    ]:
        _cite(rows, field, references)
    content_version_bump()
    return {model._meta.label: count for model, count in counts.items()}


CITED_MODELS = (
    Compound,
    Mechanism,
    CompoundMechanism,
    Disorder,
    Modality,
    ProfileFactor,
    Guidance,
    SafetyStatement,
    Interaction,
)


def _synthetic_rows(model):
    """Return a queryset of the synthetic rows of a content model."""
    if model is CompoundMechanism:
        return model.objects.filter(mechanism__slug__startswith=PREFIX) | model.objects.filter(
            compound__slug__startswith=PREFIX
        )
    return model.objects.filter(**_synthetic_filter(model))


@transaction.atomic
def synthetic_content_delete() -> int:
    """Remove every synthetic row in a few set-wise deletes; return how many rows went."""
    removed = 0
    for model in CITED_MODELS:
        for field in model._meta.many_to_many:
            if field.related_model is not Reference:
                continue
            through = field.remote_field.through
            owner = field.m2m_field_name()
            cited = field.m2m_reverse_field_name()
            stale = through.objects.filter(
                **{f"{cited}__doi__startswith": DOI_PREFIX}
            ) | through.objects.filter(**{f"{owner}__in": _synthetic_rows(model)})
            removed += stale._raw_delete(stale.db) or 0
    for model in (
        CompoundCode,
        DisorderCode,
        Interaction,
        Medication,
        MedicationClass,
        SafetyStatement,
        Guidance,
        CompoundMechanism,
        ProfileFactor,
        Mechanism,
        Modality,
        Compound,
        Disorder,
        Reference,
    ):
        rows = model.objects.filter(
            pk__in=list(_synthetic_rows(model).values_list("pk", flat=True))
        )
        removed += rows._raw_delete(rows.db) or 0
    if removed:
        content_version_bump()
    return removed
