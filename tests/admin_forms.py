"""The form data admin posts, for tests that edit content as an editor."""

from guidance.models import Guidance, SafetyStatement

REASON = "Reason given in a test."


def guidance_form(row: Guidance, **changes) -> dict:
    """Return the admin change form of ``row`` as posted, with ``changes`` applied: based on the
    row's stored version, with a reason for the change."""
    data = {
        "change_reason": REASON,
        "based_on_version": Guidance.objects.filter(pk=row.pk)
        .values_list("lock_version", flat=True)
        .first()
        or "",
        "slug": row.slug,
        "disorder": row.disorder_id or "",
        "compound": row.compound_id or "",
        "profile_factor": row.profile_factor_id or "",
        "modality": row.modality_id,
        "phase": row.phase,
        "strength": row.strength,
        "rationale": row.rationale,
        "references": list(Guidance.objects.get(pk=row.pk).references.values_list("pk", flat=True)),
        "provenance": row.provenance,
        "locator": row.locator,
        "kind": row.kind,
        "direction": row.direction,
        "certainty": row.certainty,
        "certainty_rationale": row.certainty_rationale,
        "status": row.status,
    }
    data.update(changes)
    return data


def _posted(value):
    """A form value as a browser posts it: model rows by primary key, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [_posted(item) for item in value]
    return getattr(value, "pk", value)


def change_page_data(page) -> dict:
    """Return what a browser posts back, unchanged, from an admin change page ``page`` (a test
    client response): the main form's editable fields, and each inline formset's management form
    and rows. Read-only fields are not in the forms, so they are not posted, as in a browser."""
    forms = [page.context["adminform"].form]
    inlines = page.context.get("inline_admin_formsets", [])
    for inline in inlines:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if isinstance(value, bool):  # a checkbox is posted only when ticked
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = _posted(value)
    return data


def new_safety_statement_form(page, template: SafetyStatement, slug: str = "new-statement") -> dict:
    """The admin add form of a safety statement, copying ``template``'s cited text."""
    return {
        **change_page_data(page),
        "slug": slug,
        "title": "A new statement",
        "kind": template.kind,
        "severity": template.severity,
        "trigger": template.trigger,
        "message": template.message,
        "references": list(template.references.values_list("pk", flat=True)),
        "provenance": template.provenance,
        "locator": template.locator,
        "change_reason": "Adding a statement.",
    }
