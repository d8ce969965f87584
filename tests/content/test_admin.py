"""Every content model is editable in admin: its list, search and change pages work."""

import pytest
from django.contrib import admin
from django.urls import reverse

from content.models import LoadedEntry, Revision

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
CONTENT_APPS = {"content", "evidence", "compounds", "modalities", "disorders", "guidance"}
CONTENT = [
    pytest.param(model, model_admin, id=model._meta.label)
    for model, model_admin in REGISTERED
    if model._meta.app_label in CONTENT_APPS and model is not Revision  # none until an edit
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(
    ("model", "model_admin"), CONTENT, ids=lambda x: getattr(x, "__name__", "")
)
def test_the_changelist_lists_loaded_rows_and_searches(editor, model, model_admin):
    row = model.objects.first()  # the first row of the changelist, in the model's ordering
    response = editor.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert str(row) in response.content.decode()
    if not model_admin.search_fields:
        return
    # Searching for the row's value of the first search field finds it; nonsense finds nothing.
    term = str(searched_value(row, model_admin.search_fields[0]))
    found = editor.get(admin_url(model, "changelist"), {"q": term})
    assert found.status_code == 200
    assert found.context["cl"].queryset.filter(pk=row.pk).exists(), term
    nothing = editor.get(admin_url(model, "changelist"), {"q": "zzz-no-match"})
    assert nothing.status_code == 200
    assert nothing.context["cl"].result_count == 0


def searched_value(row, search_field: str):
    """The value of ``row`` that an admin search field ("name", "=seed_number",
    "compound__name") looks in."""
    value = row
    for part in search_field.lstrip("=^@").split("__"):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize(
    ("model", "model_admin"), CONTENT, ids=lambda x: getattr(x, "__name__", "")
)
def test_the_change_page_shows_the_row(editor, model, model_admin):
    row = model.objects.first()  # the first row of the changelist, in the model's ordering
    response = editor.get(admin_url(model, "change", row.pk))
    assert response.status_code == 200
    assert str(row) in response.content.decode()


def test_the_reference_autocomplete_finds_a_reference_by_author(editor):
    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "guidance",
            "model_name": "guidance",
            "field_name": "references",
            "term": "Johnson",
        },
    )
    assert response.status_code == 200
    assert "[75] Johnson et al. (2008)" in {r["text"] for r in response.json()["results"]}


def test_loaded_entries_are_read_only(editor):
    entry = LoadedEntry.objects.first()
    assert editor.get(admin_url(LoadedEntry, "add")).status_code == 403
    assert (
        editor.post(admin_url(LoadedEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    )
    response = editor.post(admin_url(LoadedEntry, "change", entry.pk), {"fingerprint": "x"})
    assert response.status_code == 403


def test_the_admin_requires_a_staff_login(client):
    response = client.get(reverse("admin:guidance_guidance_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
