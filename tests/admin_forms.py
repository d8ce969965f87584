"""The form data admin posts for a guidance row, for tests that edit guidance as an editor."""

from guidance.models import Guidance


def guidance_form(row: Guidance, **changes) -> dict:
    """Return the admin change form of ``row`` as posted, with ``changes`` applied."""
    data = {
        "slug": row.slug,
        "disorder": row.disorder_id or "",
        "compound": row.compound_id or "",
        "profile_factor": row.profile_factor_id or "",
        "modality": row.modality_id,
        "phase": row.phase,
        "strength": row.strength,
        "rationale": row.rationale,
        "references": list(Guidance.objects.get(pk=row.pk).references.values_list("pk", flat=True)),
        "status": row.status,
    }
    data.update(changes)
    return data
