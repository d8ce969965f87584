"""The review workflow: drafts stay in admin; publishing records who and when."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from guidance.models import Guidance
from tests.admin_forms import guidance_form
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


def test_the_api_shows_each_row_s_publication_date(client):
    row = Guidance.objects.get(slug="general-cbt-integration")
    body = client.get("/api/v1/guidance/general-cbt-integration/").json()
    assert body["published_at"] == row.published_at.isoformat().replace("+00:00", "Z")
    listed = client.get("/api/v1/guidance/", {"modality": "psychoeducation"}).json()
    assert listed["results"][0]["published_at"]


def test_a_draft_never_reaches_the_public_api(client, draft):
    assert client.get(f"/api/v1/guidance/{draft.slug}/").status_code == 404
    listed = client.get("/api/v1/guidance/", {"disorder": "alcohol-use-disorder"}).json()
    assert [g["slug"] for g in listed["results"]] == ["aud-ketamine-relapse-prevention-integration"]
    disorder = client.get("/api/v1/disorders/alcohol-use-disorder/").json()
    assert draft.slug not in str(disorder["guidance"])
    modality = client.get("/api/v1/modalities/motivational-enhancement-therapy/").json()
    assert draft.slug not in [g["slug"] for g in modality["guidance"]]
    assert client.get("/api/v1/meta/").json()["counts"]["guidance"] == Guidance.objects.count() - 1


def test_a_draft_never_reaches_the_recommendations(client, draft):
    plan = client.get(
        "/api/v1/recommendations/", {"disorder": "alcohol-use-disorder", "compound": "ketamine"}
    ).json()
    leads = [item["guidance"] for item in plan["recommendations"]]
    supporting = [s["slug"] for item in plan["recommendations"] for s in item["supporting"]]
    assert draft.slug not in leads + supporting


def test_the_modality_filter_ignores_draft_pairings(client):
    GuidanceFactory(status="draft", published_at=None)
    only_draft = GuidanceFactory(status="draft", published_at=None)
    body = client.get("/api/v1/modalities/", {"disorder": only_draft.disorder.slug}).json()
    assert body["count"] == 0


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("reviewer", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_guidance", "view_guidance", "publish_guidance"]
        )
    )
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def writer(django_user_model):
    user = django_user_model.objects.create_user("writer", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_guidance", "view_guidance"])
    )
    client = Client()
    client.force_login(user)
    return user, client


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
    user, browser = writer
    user.user_permissions.add(Permission.objects.get(codename="change_guidance"))
    published = draft.history.filter(status="published").first()
    url = reverse("admin:guidance_guidance_simple_history", args=[draft.pk, published.history_id])
    response = browser.post(url, guidance_form(published.instance))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.published_at, draft.reviewed_by) == ("draft", None, None)


def test_the_publish_action_needs_the_permission(draft, reviewer, writer):
    changelist = reverse("admin:guidance_guidance_changelist")
    data = {"action": "publish_selected", "_selected_action": [draft.pk]}
    _, writer_browser = writer
    writer_browser.post(changelist, data)
    draft.refresh_from_db()
    assert draft.status == "draft"
    user, reviewer_browser = reviewer
    reviewer_browser.post(changelist, data)
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == ("published", user)


def test_unpublishing_a_fixture_row_survives_the_next_load(draft):
    call_command("load_content", verbosity=0)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_new_rows_start_as_drafts():
    row = Guidance(slug="x")
    assert row.status == "draft"
