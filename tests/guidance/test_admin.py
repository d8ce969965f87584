"""Editing guidance in admin: validation an editor can act on, and edits that survive a reload."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from disorders.models import Disorder
from guidance.models import Guidance
from tests.admin_forms import guidance_form

pytestmark = pytest.mark.django_db


def change_url(guidance: Guidance) -> str:
    return reverse("admin:guidance_guidance_change", args=[guidance.pk])


def test_an_admin_edit_is_saved_and_survives_the_next_content_load(editor):
    guidance = Guidance.objects.get(slug="ptsd-mdma-multimodal-integration")
    response = editor.post(
        change_url(guidance), guidance_form(guidance, rationale="Edited in admin.")
    )
    assert response.status_code == 302

    call_command("load_content", verbosity=0)

    guidance.refresh_from_db()
    assert guidance.rationale == "Edited in admin."


def test_admin_refuses_guidance_without_a_reference(editor):
    guidance = Guidance.objects.get(slug="general-cbt-integration")
    response = editor.post(change_url(guidance), guidance_form(guidance, references=[]))
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert guidance.references.exists()


def test_admin_explains_a_phase_the_modality_does_not_serve(editor):
    guidance = Guidance.objects.get(slug="general-cbt-integration")
    response = editor.post(change_url(guidance), guidance_form(guidance, phase="preparation"))
    assert response.status_code == 200
    assert "does not serve the preparation phase; it serves integration" in (
        response.content.decode()
    )


def test_a_disorder_page_lists_every_guidance_row_of_the_disorder_inline(editor):
    disorder = Disorder.objects.get(slug="ptsd")
    response = editor.get(reverse("admin:disorders_disorder_change", args=[disorder.pk]))
    assert response.status_code == 200
    [formset] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Guidance
    ]
    slugs = {form.instance.slug for form in formset.forms}
    assert slugs == set(disorder.guidance.values_list("slug", flat=True))
    assert "ptsd-mdma-multimodal-integration" in slugs
    assert 'value="ptsd-mdma-multimodal-integration"' in response.content.decode()


def test_admin_refuses_a_quote_that_is_not_in_the_article_and_keeps_the_row(editor):
    guidance = Guidance.objects.get(slug="general-cbt-integration")
    assert guidance.provenance == "article"
    response = editor.post(
        change_url(guidance), guidance_form(guidance, locator="The article never says this.")
    )
    assert response.status_code == 200
    assert "the locator quotes a sentence that is not in the article" in (response.content.decode())
    assert Guidance.objects.get(pk=guidance.pk).locator == guidance.locator


def test_admin_refuses_an_unknown_provenance(editor):
    guidance = Guidance.objects.get(slug="general-cbt-integration")
    response = editor.post(change_url(guidance), guidance_form(guidance, provenance="rumour"))
    assert response.status_code == 200
    assert "Select a valid choice. rumour is not one of the available choices." in (
        response.content.decode()
    )
