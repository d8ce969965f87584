"""Review in a real browser: an editor's change waits for a reviewer, who sees the diff and
approves it; nobody approves their own change; a concurrent save gets a conflict; a revert
restores the reference list."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from content.roles import roles_sync
from guidance.models import Guidance
from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "general-cbt-integration"


@pytest.fixture
def team(site):
    roles_sync({"writer": "editor", "checker": "reviewer"})
    for user in get_user_model().objects.filter(username__in=["writer", "checker"]):
        user.set_password(PASSWORD)
        user.save()


def api(page, slug=SLUG) -> dict:
    response = page.request.get(f"/api/v1/guidance/{slug}/")
    assert response.status == 200
    return response.json()


def save_with_reason(page, reason: str) -> None:
    page.fill("#id_change_reason", reason)
    page.click("input[name=_save]")


def test_an_editor_s_change_waits_for_a_reviewer_who_sees_the_diff_and_approves(pages, team):
    row = Guidance.objects.get(slug=SLUG)
    original = row.rationale
    writer = log_in(pages(), "writer")

    writer.goto(f"/admin/guidance/guidance/{row.pk}/change/")
    writer.fill("#id_rationale", original + " Reviewed addition.")
    save_with_reason(writer, "Clarify the integration aim.")
    expect(writer.locator(".messagelist")).to_contain_text("waiting for review")
    expect(writer.locator(".pending-revisions")).to_contain_text("Clarify the integration aim.")
    assert api(writer)["rationale"] == original  # still the published text

    # The author may withdraw, not approve.
    writer.locator(".messagelist a").click()
    expect(writer.locator("#revision-status")).to_have_text("Pending review")
    expect(writer.locator("input[name=_approve]")).to_have_count(0)
    expect(writer.locator("input[name=_reject]")).to_have_value("Withdraw")

    checker = log_in(pages(), "checker")
    checker.goto("/admin/content/revision/")
    checker.get_by_role("link", name=f"of guidance “{row}”").first.click()
    diff = checker.locator("#revision-diff")
    expect(diff).to_contain_text("Rationale")
    expect(diff.locator("ins")).to_have_text("Reviewed addition.")
    checker.fill("#id_note", "Fine.")
    checker.click("input[name=_approve]")
    expect(checker.locator(".messagelist")).to_contain_text("the API serves it now")
    expect(checker.locator("#revision-status")).to_have_text("Approved and live")

    body = api(checker)
    assert body["rationale"] == original + " Reviewed addition."
    for page in (writer, checker):
        assert page.failed_requests == []
        assert page.console_errors == []


def test_a_reviewer_cannot_approve_their_own_revision(pages, team, settings):
    """A reviewer's change is direct; a revision they wrote before they could publish still
    needs another reviewer."""
    row = Guidance.objects.get(slug=SLUG)
    writer = log_in(pages(), "writer")
    writer.goto(f"/admin/guidance/guidance/{row.pk}/change/")
    writer.fill("#id_rationale", "Proposed while an editor.")
    save_with_reason(writer, "Proposal.")
    expect(writer.locator(".messagelist")).to_contain_text("waiting for review")
    revision_url = writer.locator(".messagelist a").get_attribute("href")

    roles_sync({"writer": "reviewer"})  # promoted, then tries to approve their own revision
    writer.goto(revision_url)
    expect(writer.locator("#four-eyes")).to_contain_text("another reviewer must approve it")
    expect(writer.locator("input[name=_approve]")).to_have_count(0)
    # A forged approval is refused too.
    writer.evaluate(
        """() => {
            const form = document.querySelector('form.revision-decision');
            const button = document.createElement('input');
            button.type = 'hidden'; button.name = '_approve'; button.value = '1';
            form.appendChild(button);
            form.submit();
        }"""
    )
    expect(writer.locator(".messagelist")).to_contain_text("another reviewer must decide")
    expect(writer.locator("#revision-status")).to_have_text("Pending review")
    assert api(writer)["rationale"] == row.rationale


def test_the_second_of_two_concurrent_edits_gets_a_conflict_and_keeps_its_text(pages, team):
    row = Guidance.objects.get(slug=SLUG)
    get_user_model().objects.create_superuser("other", "o@example.org", PASSWORD)
    first, second = log_in(pages(), "checker"), log_in(pages(), "other")
    for page in (first, second):
        page.goto(f"/admin/guidance/guidance/{row.pk}/change/")

    first.fill("#id_rationale", "The first save.")
    save_with_reason(first, "First.")
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.fill("#id_rationale", "The second save.")
    save_with_reason(second, "Second.")
    expect(second.locator(".errornote, .errorlist").first).to_be_visible()
    expect(second.locator("#content-main")).to_contain_text(
        "Someone else saved this guidance by checker"
    )
    expect(second.locator("#id_rationale")).to_have_value("The second save.")
    assert api(second)["rationale"] == "The first save."


def test_a_revert_restores_the_reference_list(pages, team):
    row = Guidance.objects.get(slug=SLUG)
    cited = sorted(r["url"] for r in api(pages())["references"])
    assert len(cited) > 1
    checker = log_in(pages(), "checker")

    checker.goto(f"/admin/guidance/guidance/{row.pk}/change/")
    removals = checker.locator(".field-references .select2-selection__choice__remove")
    expect(removals).to_have_count(len(cited))
    removals.last.click()
    checker.keyboard.press("Escape")
    expect(removals).to_have_count(len(cited) - 1)
    save_with_reason(checker, "Drop a reference.")
    expect(checker.locator(".messagelist")).to_contain_text("was changed successfully")
    assert len(api(checker)["references"]) == len(cited) - 1

    checker.goto(f"/admin/guidance/guidance/{row.pk}/history/")
    history = checker.locator("#change-history")
    expect(history).to_contain_text("Drop a reference.")
    history.locator("tbody tr").last.locator("a").first.click()
    expect(checker.locator(".field-references .select2-selection__choice")).to_have_count(
        len(cited)
    )
    checker.fill("#id_change_reason", "The reference was right.")
    checker.click("input[name=_save][value=Revert]")
    expect(checker.locator(".messagelist")).to_contain_text("was changed successfully")

    assert sorted(r["url"] for r in api(checker)["references"]) == cited
    checker.goto(f"/admin/guidance/guidance/{row.pk}/history/")
    expect(checker.locator("#change-history tbody tr").first).to_contain_text(
        "Revert to the version of"
    )
    assert checker.failed_requests == []
    assert checker.console_errors == []
