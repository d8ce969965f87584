"""Audit history: every content change is attributed and can be reverted from admin."""

import html
import re

import pytest
from django.urls import reverse

from compounds.models import Compound
from content.loader import LOADER_USERNAME
from evidence.models import Reference
from guidance.models import Guidance
from tests.admin_forms import guidance_form

pytestmark = pytest.mark.django_db

SLUG = "ptsd-mdma-multimodal-integration"


def test_the_loader_s_changes_are_in_the_history_attributed_to_the_loader():
    row = Guidance.objects.get(slug=SLUG)
    created = row.history.earliest()
    assert created.history_type == "+"
    assert created.history_user.username == LOADER_USERNAME
    assert created.history_change_reason == "load_content: guidance.yaml"


def test_the_loader_account_cannot_log_in(django_user_model):
    loader = django_user_model.objects.get(username=LOADER_USERNAME)
    assert not loader.is_active
    assert not loader.has_usable_password()


def test_an_admin_edit_is_recorded_with_its_editor(editor, django_user_model):
    row = Guidance.objects.get(slug=SLUG)
    before = row.history.count()
    form = guidance_form(row, rationale="Edited for the history test.")
    assert (
        editor.post(reverse("admin:guidance_guidance_change", args=[row.pk]), form).status_code
        == 302
    )

    latest = row.history.latest()
    assert row.history.count() == before + 1
    assert latest.history_type == "~"
    assert latest.history_user.username == "editor"
    assert latest.rationale == "Edited for the history test."
    delta = latest.diff_against(latest.prev_record)
    assert delta.changed_fields == ["rationale"]


def history_rows(page: str) -> list[str]:
    """The text of each row of the history table, newest first, tags and spacing removed."""
    table = page.split('id="change-history"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = body.split("<tr>")[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", html.unescape(row)).split()) for row in rows]


def test_the_history_page_lists_the_edit_by_its_editor_above_the_load(editor):
    row = Guidance.objects.get(slug=SLUG)
    response = editor.post(
        reverse("admin:guidance_guidance_change", args=[row.pk]),
        guidance_form(row, rationale="Edited for the history page."),
    )
    assert response.status_code == 302
    page = editor.get(reverse("admin:guidance_guidance_history", args=[row.pk])).content.decode()

    rows = history_rows(page)
    # The logged-in editor's name is also in the page header, so look in the table only.
    assert len(rows) == row.history.count() >= 2
    edit, load = rows[0], rows[-1]
    assert "Changed" in edit
    assert "editor" in edit
    assert "Edited for the history page." in edit
    assert LOADER_USERNAME not in edit
    assert "Created" in load
    assert LOADER_USERNAME in load
    assert "load_content: guidance.yaml" in load


def test_reverting_from_admin_restores_the_earlier_answer(editor, client):
    row = Guidance.objects.get(slug=SLUG)
    original = row.rationale
    loaded = row.history.latest()
    editor.post(
        reverse("admin:guidance_guidance_change", args=[row.pk]),
        guidance_form(row, rationale="A mistake."),
    )
    assert client.get(f"/api/v1/guidance/{SLUG}/").json()["rationale"] == "A mistake."

    revert_url = reverse("admin:guidance_guidance_simple_history", args=[row.pk, loaded.history_id])
    page = editor.get(revert_url)
    assert "Revert" in page.content.decode()
    assert editor.post(revert_url, guidance_form(loaded.instance)).status_code == 302

    assert client.get(f"/api/v1/guidance/{SLUG}/").json()["rationale"] == original
    assert row.history.latest().history_user.username == "editor"


def test_reference_changes_are_recorded_too():
    compound = Compound.objects.get(slug="mdma")
    assert 42 in compound.references.values_list("seed_number", flat=True)
    before = compound.history.count()
    compound.references.remove(Reference.objects.get(seed_number=42))
    latest = compound.history.latest()
    assert compound.history.count() == before + 1
    assert 42 not in [r.reference.seed_number for r in latest.references.all()]
    assert 42 in [r.reference.seed_number for r in latest.prev_record.references.all()]


def test_a_deletion_is_recorded():
    row = Guidance.objects.get(slug="general-mindfulness-integration")
    row_id = row.pk
    row.delete()
    assert Guidance.history.filter(id=row_id).latest().history_type == "-"
