"""The review workflow: drafts stay in admin; publishing records who and when."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from compounds.models import Compound
from disorders.models import Disorder
from evidence.models import Reference
from guidance.models import Guidance
from modalities.models import Modality
from tests.admin_forms import REASON, change_page_data, guidance_form
from tests.factories import GuidanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    row = Guidance.objects.get(slug="aud-ketamine-met-integration")
    row.unpublish()
    row.save()
    return row


def test_fixture_guidance_is_published_with_a_date_and_no_reviewer():
    rows = Guidance.objects.all()
    assert {row.status for row in rows} == {"published"}
    assert all(row.published_at for row in rows)
    assert not any(row.reviewed_by_id for row in rows)


def api_time(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_the_api_shows_each_row_s_publication_date_in_the_detail_and_the_list(client):
    row = Guidance.objects.get(slug="general-cbt-integration")
    body = client.get("/api/v1/guidance/general-cbt-integration/").json()
    assert body["published_at"] == api_time(row.published_at)
    listed = client.get("/api/v1/guidance/", {"modality": "psychoeducation"}).json()["results"]
    stored = dict(
        Guidance.objects.filter(modality__slug="psychoeducation").values_list(
            "slug", "published_at"
        )
    )
    assert listed
    assert {g["slug"]: g["published_at"] for g in listed} == {
        slug: api_time(moment) for slug, moment in stored.items()
    }


def test_a_draft_never_reaches_the_public_api(client, draft):
    assert client.get(f"/api/v1/guidance/{draft.slug}/").status_code == 404
    listed = client.get("/api/v1/guidance/", {"disorder": "alcohol-use-disorder"}).json()
    assert [g["slug"] for g in listed["results"]] == ["aud-ketamine-relapse-prevention-integration"]
    disorder = client.get("/api/v1/disorders/alcohol-use-disorder/").json()
    assert draft.slug not in str(disorder["guidance_by_compound"])
    modality = client.get("/api/v1/modalities/motivational-enhancement-therapy/").json()
    assert draft.slug not in [g["slug"] for g in modality["guidance"]]
    assert client.get("/api/v1/meta/").json()["counts"]["guidance"] == Guidance.objects.count() - 1


def test_a_draft_never_reaches_the_recommendations(client, draft):
    plan = client.get(
        "/api/v1/recommendations/", {"disorder": "alcohol-use-disorder", "compound": "ketamine"}
    ).json()
    leads = [item["leading_guidance"]["slug"] for item in plan["recommendations"]]
    supporting = [s["slug"] for item in plan["recommendations"] for s in item["supporting"]]
    assert draft.slug not in leads + supporting


def test_the_modality_filter_by_disorder_ignores_draft_pairings(client):
    published = GuidanceFactory()
    draft_row = GuidanceFactory(status="draft", published_at=None, disorder=published.disorder)
    body = client.get("/api/v1/modalities/", {"disorder": published.disorder.slug}).json()
    assert [m["slug"] for m in body["results"]] == [published.modality.slug]
    assert draft_row.modality.slug != published.modality.slug


def staff_member(django_user_model, username: str, *codenames: str):
    """A staff user with exactly these permissions, and a client logged in as them."""
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    permissions = Permission.objects.filter(codename__in=codenames)
    assert sorted(permissions.values_list("codename", flat=True)) == sorted(codenames)
    user.user_permissions.add(*permissions)
    client = Client()
    client.force_login(user)
    return user, client


EDIT_GUIDANCE = ("add_guidance", "change_guidance", "view_guidance")
EDIT_DISORDERS = ("change_disorder", "view_disorder")


@pytest.fixture
def reviewer(django_user_model):
    return staff_member(django_user_model, "reviewer", *EDIT_GUIDANCE, "publish_content")


@pytest.fixture
def writer(django_user_model):
    return staff_member(django_user_model, "writer", *EDIT_GUIDANCE)


def test_a_reviewer_publishing_a_draft_is_recorded_as_its_reviewer(client, draft, reviewer):
    user, browser = reviewer
    url = reverse("admin:guidance_guidance_change", args=[draft.pk])
    assert browser.post(url, guidance_form(draft, status="published")).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == ("published", user)
    assert draft.published_at is not None
    assert client.get(f"/api/v1/guidance/{draft.slug}/").status_code == 200


def test_going_back_to_draft_clears_reviewer_and_date(reviewer):
    _, browser = reviewer
    row = Guidance.objects.get(slug="general-cbt-integration")
    url = reverse("admin:guidance_guidance_change", args=[row.pk])
    assert browser.post(url, guidance_form(row, status="draft")).status_code == 302
    row.refresh_from_db()
    assert (row.status, row.published_at, row.reviewed_by) == ("draft", None, None)


def test_an_editor_without_the_publish_permission_cannot_publish(draft, writer):
    _, browser = writer
    url = reverse("admin:guidance_guidance_change", args=[draft.pk])
    page = browser.get(url).content.decode()
    assert 'name="status"' not in page
    response = browser.post(
        url, guidance_form(draft, status="published", rationale="Still a draft.")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.rationale) == ("draft", "Still a draft.")


def test_an_edit_by_a_writer_does_not_restamp_a_published_row(writer):
    _, browser = writer
    row = Guidance.objects.get(slug="general-cbt-integration")
    published_at = row.published_at
    url = reverse("admin:guidance_guidance_change", args=[row.pk])
    assert browser.post(url, guidance_form(row, rationale="Reworded.")).status_code == 302
    row.refresh_from_db()
    assert (row.status, row.published_at, row.reviewed_by) == ("published", published_at, None)


def test_a_writer_cannot_publish_by_reverting_to_a_published_version(draft, writer):
    _, browser = writer
    published = draft.history.filter(status="published").first()
    url = reverse("admin:guidance_guidance_simple_history", args=[draft.pk, published.history_id])
    response = browser.post(url, guidance_form(published.instance))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.published_at, draft.reviewed_by) == ("draft", None, None)


def test_there_is_no_bulk_publish_action_that_would_publish_unread_drafts(draft, reviewer):
    """Publishing happens on a draft's page, where the reviewer reads it and the version check
    makes sure that what they read is what goes live."""
    _, browser = reviewer
    changelist = reverse("admin:guidance_guidance_changelist")
    page = browser.get(changelist)
    assert "publish_selected" not in page.content.decode()
    browser.post(changelist, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_unpublishing_a_fixture_row_survives_the_next_load(draft):
    call_command("load_content", verbosity=0)
    draft.refresh_from_db()
    assert draft.status == "draft"


def new_row_fields(slug: str) -> dict:
    """What an editor types for a new alcohol-use-disorder + ketamine row (a new pairing)."""
    return {
        "slug": slug,
        "compound": Compound.objects.get(slug="ketamine").pk,
        "modality": Modality.objects.get(slug="psychoeducation").pk,
        "phase": "preparation",
        "strength": "proposal",
        "rationale": "Added in admin.",
        "references": [Reference.objects.get(seed_number=75).pk],
        "provenance": "article",
        "locator": "For ethical conduct of research, a minimum standard includes basic preparatory "
        "psychoeducation about the nature of the psychoactive experience (75).",
        "kind": "research_context",
        "direction": "for",
        "certainty": "very_low",
        "certainty_rationale": "One guideline for research (75), not a trial of this pairing.",
    }


def test_a_row_a_reviewer_adds_without_choosing_a_status_is_a_draft(client, reviewer):
    _, browser = reviewer
    url = reverse("admin:guidance_guidance_add")
    page = browser.get(url)
    assert 'name="status"' in page.content.decode()  # a reviewer could choose "published"
    data = {
        **change_page_data(page),
        **new_row_fields("aud-ketamine-psychoeducation-preparation"),
        "disorder": Disorder.objects.get(slug="alcohol-use-disorder").pk,
        "change_reason": REASON,
    }

    assert browser.post(url, data).status_code == 302

    row = Guidance.objects.get(slug="aud-ketamine-psychoeducation-preparation")
    assert (row.status, row.published_at, row.reviewed_by) == ("draft", None, None)
    assert client.get(f"/api/v1/guidance/{row.slug}/").status_code == 404


# Editing guidance inline on a disorder's page obeys the same publication rule.


def disorder_page(browser, disorder_id: int):
    """The disorder's admin change page: its URL, the page, and the guidance formset's prefix."""
    url = reverse("admin:disorders_disorder_change", args=[disorder_id])
    page = browser.get(url)
    assert page.status_code == 200
    [formset] = [
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Guidance
    ]
    return url, page, formset


def inline_prefix(formset, row: Guidance) -> str:
    [form] = [form for form in formset.forms if form.instance.pk == row.pk]
    return form.prefix


@pytest.fixture
def inline_writer(django_user_model):
    """An editor of disorders and guidance who may not publish."""
    return staff_member(django_user_model, "inline-writer", *EDIT_GUIDANCE, *EDIT_DISORDERS)


@pytest.fixture
def inline_reviewer(django_user_model):
    return staff_member(
        django_user_model, "inline-reviewer", *EDIT_GUIDANCE, *EDIT_DISORDERS, "publish_content"
    )


def test_a_writer_sees_guidance_inline_read_only_and_cannot_change_it_there(client, inline_writer):
    """Inline rows cannot go to review, so an editor who may not publish edits guidance on its
    own page; on the disorder's page it is read only, and a forged inline post changes nothing."""
    _, browser = inline_writer
    row = Guidance.objects.get(slug="aud-ketamine-relapse-prevention-integration")
    url, page, formset = disorder_page(browser, row.disorder_id)
    prefix = inline_prefix(formset, row)
    assert f'name="{prefix}-rationale"' not in page.content.decode()
    assert reverse("admin:guidance_guidance_change", args=[row.pk]) in page.content.decode()
    data = change_page_data(page)
    data.update({f"{prefix}-rationale": "Edited inline.", f"{prefix}-status": "draft"})
    new = f"{formset.prefix}-{len(formset.forms)}"
    data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.forms) + 1
    fields = {**new_row_fields("aud-ketamine-inline-row"), "status": "published"}
    data.update({f"{new}-{name}": value for name, value in fields.items()})

    browser.post(url, data)

    stored = Guidance.objects.get(pk=row.pk)
    assert (stored.rationale, stored.status) == (row.rationale, "published")
    assert not Guidance.objects.filter(slug="aud-ketamine-inline-row").exists()
    assert client.get(f"/api/v1/guidance/{row.slug}/").json()["rationale"] == row.rationale


def test_a_reviewer_publishing_inline_is_recorded_as_its_reviewer(client, draft, inline_reviewer):
    user, browser = inline_reviewer
    url, page, formset = disorder_page(browser, draft.disorder_id)
    data = change_page_data(page)
    data[f"{inline_prefix(formset, draft)}-status"] = "published"
    data["change_reason"] = REASON

    assert browser.post(url, data).status_code == 302

    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == ("published", user)
    assert draft.published_at is not None
    assert client.get(f"/api/v1/guidance/{draft.slug}/").status_code == 200
