"""An editor in admin, in a real browser: edit, see it in the API, find it in history, revert."""

import pytest
from playwright.sync_api import expect

from guidance.models import Guidance

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "ptsd-mdma-multimodal-integration"
PASSWORD = "correct-horse-battery-staple"


def test_an_admin_edit_shows_in_the_api_is_in_its_history_and_can_be_reverted(
    page, django_user_model
):
    django_user_model.objects.create_superuser("maria", "maria@example.org", PASSWORD)
    row = Guidance.objects.get(slug=SLUG)
    original = row.rationale

    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Psychoplastogen Therapy Guidance")

    page.goto(f"/admin/guidance/guidance/{row.pk}/change/")
    page.fill("#id_rationale", "Edited in a real browser.")
    page.fill("#id_change_reason", "Trying the editor in a browser.")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert page.request.get(f"/api/v1/guidance/{SLUG}/").json()["rationale"] == (
        "Edited in a real browser."
    )

    page.goto(f"/admin/guidance/guidance/{row.pk}/history/")
    history = page.locator("#change-history")
    expect(history).to_contain_text("maria")
    expect(history).to_contain_text("content-loader")
    expect(history).to_contain_text("Trying the editor in a browser.")

    history.locator("tbody tr").last.locator("a").first.click()
    expect(page.locator("#id_rationale")).to_have_value(original)
    page.fill("#id_change_reason", "Back to the article's wording.")
    page.click("input[name=_save][value=Revert]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    assert page.request.get(f"/api/v1/guidance/{SLUG}/").json()["rationale"] == original
    assert page.failed_requests == []
    assert page.console_errors == []
