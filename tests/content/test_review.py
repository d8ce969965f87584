"""Review: an editor's change to live content waits for a reviewer; saves never overwrite each
other; every change has its reason; a no-op save leaves no trace."""

import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from compounds.models import Compound, CompoundCode, CompoundMechanism, Mechanism
from content.models import Revision
from content.review import EditConflict, ReviewError, revision_approve, revision_propose
from content.roles import roles_sync
from content.versioning import content_version_get
from disorders.models import Disorder, DisorderCode, ProfileFactor
from evidence.models import Reference
from guidance.models import Guidance, SafetyStatement
from medications.models import Interaction, Medication, MedicationClass
from modalities.models import Modality
from tests.admin_forms import REASON, change_page_data, guidance_form, new_safety_statement_form

pytestmark = pytest.mark.django_db

SLUG = "general-cbt-integration"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def team(django_user_model):
    """An editor and two reviewers, in the groups `manage.py roles` makes."""
    roles_sync({"writer": "editor", "checker": "reviewer", "second": "reviewer"})
    users = {
        u.username: u
        for u in django_user_model.objects.filter(username__in=["writer", "checker", "second"])
    }
    return users


def change_url(row) -> str:
    opts = row._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])


def edit(client: Client, row, **changes):
    """Post ``row``'s admin page back as a browser would, with ``changes``."""
    page = client.get(change_url(row))
    assert page.status_code == 200
    data = {**change_page_data(page), "change_reason": REASON, **changes}
    return client.post(change_url(row), data)


def api_rationale(client, slug=SLUG) -> str:
    return client.get(f"/api/v1/guidance/{slug}/").json()["rationale"]


# An editor's change waits for review ------------------------------------------------------


def test_an_editor_s_change_to_published_guidance_waits_and_the_api_serves_the_old_text(
    client, team
):
    row = Guidance.objects.get(slug=SLUG)
    history, version = row.history.count(), content_version_get().token
    response = edit(logged_in(team["writer"]), row, rationale="A reworded rationale.")

    assert response.status_code == 302
    stored = Guidance.objects.get(pk=row.pk)
    assert (stored.rationale, stored.status, stored.published_at) == (
        row.rationale,
        "published",
        row.published_at,
    )
    assert api_rationale(client) == row.rationale
    assert (stored.history.count(), content_version_get().token) == (history, version)
    [revision] = Revision.objects.all()
    assert (revision.author, revision.status, revision.object_id) == (
        team["writer"],
        "pending",
        row.pk,
    )
    assert revision.data["rationale"] == "A reworded rationale."
    assert revision.reason == REASON
    page = logged_in(team["writer"]).get(change_url(row)).content.decode()
    assert "Waiting for review" in page
    assert reverse("admin:content_revision_change", args=[revision.pk]) in page


def test_the_scope_of_published_guidance_is_reviewed_too(client, team):
    row = Guidance.objects.get(slug=SLUG)
    ketamine = Compound.objects.get(slug="ketamine")
    edit(logged_in(team["writer"]), row, compound=ketamine.pk)
    assert Guidance.objects.get(pk=row.pk).compound_id is None
    assert Revision.objects.get().data["compound"] == ketamine.pk


def test_the_reviewer_sees_the_diff_approves_and_the_api_serves_the_new_text(client, team):
    row = Guidance.objects.get(slug=SLUG)
    edit(logged_in(team["writer"]), row, rationale=row.rationale + " Added sentence.")
    revision = Revision.objects.get()
    reviewer = logged_in(team["checker"])
    url = reverse("admin:content_revision_change", args=[revision.pk])

    page = reviewer.get(url).content.decode()
    assert "<ins>Added sentence.</ins>" in page
    assert 'name="_approve"' in page
    assert reviewer.post(url, {"_approve": "1"}).status_code == 302

    stored = Guidance.objects.get(pk=row.pk)
    assert stored.rationale == row.rationale + " Added sentence."
    assert stored.reviewed_by == team["checker"]
    assert stored.published_at > row.published_at
    assert api_rationale(client) == stored.rationale
    latest = stored.history.latest()
    assert latest.history_user == team["writer"]
    assert latest.history_change_reason == f"{REASON} (revision {revision.pk}, approved by checker)"
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by) == ("approved", team["checker"])


def test_the_diff_marks_removed_and_added_words_and_reference_changes(team):
    row = Guidance.objects.get(slug=SLUG)
    words = row.rationale.split(" ")
    removed = words[1]
    refs = list(row.references.order_by("seed_number"))
    added = Reference.objects.exclude(pk__in=[r.pk for r in refs]).order_by("seed_number").first()
    proposed = Guidance.objects.get(pk=row.pk)
    proposed.rationale = " ".join([words[0], *words[2:], "NEW"])
    revision = revision_propose(
        obj=proposed,
        field_names=["rationale", "references"],
        m2m_values={"references": [*refs[:-1], added]},
        author=team["writer"],
        reason="Diff test.",
        base_version=row.lock_version,
    )
    page = logged_in(team["checker"]).get(
        reverse("admin:content_revision_change", args=[revision.pk])
    )
    body = page.content.decode()
    assert f"<del>{removed}</del>" in body
    assert "<ins>NEW</ins>" in body
    assert f"<del>{escape(str(refs[-1]))}</del>" in body
    assert f"<ins>{escape(str(added))}</ins>" in body


def test_an_editor_cannot_approve_and_a_reviewer_cannot_approve_their_own(team, settings):
    row = Guidance.objects.get(slug=SLUG)
    edit(logged_in(team["writer"]), row, rationale="Writer's change.")
    revision = Revision.objects.get()
    writer = logged_in(team["writer"])
    url = reverse("admin:content_revision_change", args=[revision.pk])
    assert 'name="_approve"' not in writer.get(url).content.decode()
    writer.post(url, {"_approve": "1"})
    assert Revision.objects.get().status == "pending"
    assert Guidance.objects.get(pk=row.pk).rationale == row.rationale

    own = revision_propose(
        obj=Guidance(**{**vars_of(row), "rationale": "Checker's own."}),
        field_names=["rationale"],
        m2m_values={},
        author=team["checker"],
        reason="Own change.",
        base_version=row.lock_version,
    )
    with pytest.raises(ReviewError, match="four eyes"):
        revision_approve(revision=own, reviewer=team["checker"])
    page = logged_in(team["checker"]).get(reverse("admin:content_revision_change", args=[own.pk]))
    assert 'name="_approve"' not in page.content.decode()
    assert "another reviewer must approve it" in page.content.decode()

    settings.CONTENT_REVIEW_ALLOW_SELF_APPROVAL = True
    revision_approve(revision=own, reviewer=team["checker"])
    assert Guidance.objects.get(pk=row.pk).rationale == "Checker's own."


def vars_of(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def test_a_revision_made_before_another_change_cannot_be_approved_over_it(team):
    row = Guidance.objects.get(slug=SLUG)
    edit(logged_in(team["writer"]), row, rationale="Based on the old text.")
    edit(logged_in(team["second"]), row, rationale="A reviewer's direct change.")
    with pytest.raises(EditConflict, match="changed since this revision"):
        revision_approve(revision=Revision.objects.get(), reviewer=team["checker"])
    assert Guidance.objects.get(pk=row.pk).rationale == "A reviewer's direct change."


def test_a_rejected_revision_changes_nothing(team):
    row = Guidance.objects.get(slug=SLUG)
    edit(logged_in(team["writer"]), row, rationale="Not accepted.")
    revision = Revision.objects.get()
    url = reverse("admin:content_revision_change", args=[revision.pk])
    logged_in(team["checker"]).post(url, {"_reject": "1", "note": "Not in the article."})
    revision.refresh_from_db()
    assert (revision.status, revision.decision_note) == ("rejected", "Not in the article.")
    assert Guidance.objects.get(pk=row.pk).rationale == row.rationale


def test_a_change_to_a_draft_is_not_reviewed(team):
    row = Guidance.objects.get(slug=SLUG)
    row.unpublish()
    row.save()
    edit(logged_in(team["writer"]), row, rationale="Drafting.")
    assert Guidance.objects.get(pk=row.pk).rationale == "Drafting."
    assert not Revision.objects.exists()


CLINICAL = [
    pytest.param(Compound, "summary", id="compound"),
    pytest.param(Mechanism, "description", id="mechanism"),
    pytest.param(CompoundMechanism, "summary", id="compound-mechanism"),
    pytest.param(Disorder, "plasticity_risk", id="disorder"),
    pytest.param(ProfileFactor, "description", id="profile-factor"),
    pytest.param(Modality, "aims", id="modality"),
    pytest.param(SafetyStatement, "message", id="safety-statement"),
    pytest.param(Reference, "title", id="reference"),
    pytest.param(MedicationClass, "description", id="medication-class"),
    pytest.param(Medication, "atc_source", id="medication"),
    pytest.param(Interaction, "summary", id="interaction"),
    pytest.param(CompoundCode, "source", id="compound-code"),
    pytest.param(DisorderCode, "source", id="disorder-code"),
]


@pytest.mark.parametrize(("model", "field"), CLINICAL)
def test_every_clinical_model_s_live_rows_change_only_through_review(team, model, field):
    row = model.objects.exclude(**{field: ""}).first()
    before = getattr(row, field)
    response = edit(logged_in(team["writer"]), row, **{field: before + " Edited."})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert getattr(model.objects.get(pk=row.pk), field) == before
    revision = Revision.objects.get()
    assert revision.content_type == ContentType.objects.get_for_model(model)

    revision_approve(revision=revision, reviewer=team["checker"])
    assert getattr(model.objects.get(pk=row.pk), field) == before + " Edited."


def test_a_new_safety_statement_by_an_editor_waits_for_review(client, team):
    template = SafetyStatement.objects.first()
    writer = logged_in(team["writer"])
    url = reverse("admin:guidance_safetystatement_add")
    page = writer.get(url)
    data = new_safety_statement_form(page, template)
    response = writer.post(url, data)
    assert response.status_code == 302
    assert not SafetyStatement.objects.filter(slug="new-statement").exists()
    assert client.get("/api/v1/safety-statements/new-statement/").status_code == 404
    revision = Revision.objects.get()
    assert revision.object_id is None

    revision_approve(revision=revision, reviewer=team["checker"])
    created = SafetyStatement.objects.get(slug="new-statement")
    assert set(created.references.all()) == set(template.references.all())
    assert client.get("/api/v1/safety-statements/new-statement/").status_code == 200
    assert created.history.get().history_type == "+"


def test_an_editor_cannot_delete_live_content(team):
    row = SafetyStatement.objects.first()
    writer = logged_in(team["writer"])
    opts = row._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
    assert writer.post(url, {"post": "yes"}).status_code == 403
    assert SafetyStatement.objects.filter(pk=row.pk).exists()


# Conflicts ---------------------------------------------------------------------------------


def test_the_second_of_two_saves_from_the_same_version_gets_a_conflict(editor):
    row = Guidance.objects.get(slug=SLUG)
    first = guidance_form(row, rationale="First editor's text.")
    second = guidance_form(row, rationale="Second editor's text.")
    url = change_url(row)
    assert editor.post(url, first).status_code == 302
    response = editor.post(url, second)
    assert response.status_code == 200
    assert "Someone else saved this guidance by editor" in response.content.decode()
    assert Guidance.objects.get(pk=row.pk).rationale == "First editor's text."


def test_a_save_without_the_version_it_was_based_on_is_a_conflict(editor):
    row = Guidance.objects.get(slug=SLUG)
    form = guidance_form(row, rationale="No version.")
    del form["based_on_version"]
    assert editor.post(change_url(row), form).status_code == 200
    assert Guidance.objects.get(pk=row.pk).rationale == row.rationale


# Reasons and history -----------------------------------------------------------------------


def test_a_change_needs_a_reason_and_history_shows_it_in_one_column(editor):
    row = Guidance.objects.get(slug=SLUG)
    response = editor.post(change_url(row), guidance_form(row, rationale="X.", change_reason=""))
    assert response.status_code == 200
    assert "Say why you made this change" in response.content.decode()

    editor.post(change_url(row), guidance_form(row, rationale="X.", change_reason="Typo fix."))
    assert row.history.latest().history_change_reason == "Typo fix."
    page = editor.get(reverse("admin:guidance_guidance_history", args=[row.pk])).content.decode()
    header = page.split('id="change-history"', 1)[1].split("</thead>", 1)[0]
    assert header.count("Change reason") == 1
    assert "HISTORY_CHANGE_REASON" not in page.upper().replace('HISTORY_CHANGE_REASON"', "")
    assert "history_change_reason" not in header


def test_a_save_that_changes_nothing_writes_no_history_and_keeps_the_version(editor):
    row = Guidance.objects.get(slug=SLUG)
    history, version = row.history.count(), content_version_get().token
    response = editor.post(change_url(row), guidance_form(row, change_reason=""), follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert row.history.count() == history
    assert content_version_get().token == version
    assert Guidance.objects.get(pk=row.pk).lock_version == row.lock_version


def test_a_change_to_text_and_references_is_one_history_row_with_both(editor):
    row = Guidance.objects.get(slug=SLUG)
    history = row.history.count()
    refs = sorted(row.references.values_list("pk", flat=True))
    editor.post(change_url(row), guidance_form(row, rationale="Both.", references=refs[:-1]))
    assert row.history.count() == history + 1
    latest = row.history.latest()
    assert latest.rationale == "Both."
    assert sorted(r.reference_id for r in latest.references.all()) == refs[:-1]
    assert latest.history_change_reason == REASON


def cited_ids(client) -> list[str]:
    """The references a guidance row cites, as the API links them (it shows no database id)."""
    return sorted(r["url"] for r in client.get(f"/api/v1/guidance/{SLUG}/").json()["references"])


def test_revert_restores_the_reference_list_and_is_recorded_as_a_revert(editor, client):
    row = Guidance.objects.get(slug=SLUG)
    loaded = row.history.latest()
    refs = sorted(row.references.values_list("pk", flat=True))
    cited = cited_ids(client)
    assert len(cited) == len(refs) > 1
    editor.post(change_url(row), guidance_form(row, rationale="Wrong.", references=refs[:1]))
    assert len(cited_ids(client)) == 1

    url = reverse("admin:guidance_guidance_simple_history", args=[row.pk, loaded.history_id])
    page = editor.get(url)
    data = {**change_page_data(page), "change_reason": "The edit was wrong."}
    assert editor.post(url, data).status_code == 302

    stored = Guidance.objects.get(pk=row.pk)
    assert stored.rationale == row.rationale
    assert sorted(stored.references.values_list("pk", flat=True)) == refs
    assert cited_ids(client) == cited
    reason = stored.history.latest().history_change_reason
    assert reason.startswith("Revert to the version of ")
    assert f"(history {loaded.history_id})" in reason
    assert reason.endswith("The edit was wrong.")


# Holes found in review, closed ---------------------------------------------------------------


def test_reverting_needs_the_change_permission_not_just_view(django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_guidance"))
    row = Guidance.objects.get(slug=SLUG)
    loaded = row.history.latest()
    url = reverse("admin:guidance_guidance_simple_history", args=[row.pk, loaded.history_id])
    response = logged_in(viewer).post(url, guidance_form(row, rationale="Viewer's text."))
    assert response.status_code == 403
    assert Guidance.objects.get(pk=row.pk).rationale == row.rationale
    assert not Revision.objects.exists()


def test_approving_a_revision_whose_reference_was_deleted_is_refused_cleanly(team):
    row = SafetyStatement.objects.first()
    cited = list(row.references.values_list("pk", flat=True))
    spare = Reference.objects.exclude(pk__in=cited).order_by("-seed_number").first()
    revision = revision_propose(
        obj=row,
        field_names=["references"],
        m2m_values={"references": [*cited, spare.pk]},
        author=team["writer"],
        reason="Cite one more.",
        base_version=row.lock_version,
    )
    spare.delete()
    url = reverse("admin:content_revision_change", args=[revision.pk])
    response = logged_in(team["checker"]).post(url, {"_approve": "1"}, follow=True)
    assert response.status_code == 200
    assert "no longer validates" in response.content.decode()
    assert Revision.objects.get().status == "pending"
    assert sorted(row.references.values_list("pk", flat=True)) == sorted(cited)


def test_approval_checks_the_rules_of_the_row_s_admin_form(team):
    """A statement quoting the article must cite what the quoted sentence cites."""
    row = Guidance.objects.get(slug=SLUG)
    outside = Reference.objects.get(seed_number=1)
    revision = revision_propose(
        obj=row,
        field_names=["references"],
        m2m_values={"references": [*row.references.all(), outside]},
        author=team["writer"],
        reason="Cite reference 1.",
        base_version=row.lock_version,
    )
    url = reverse("admin:content_revision_change", args=[revision.pk])
    page = logged_in(team["checker"]).post(url, {"_approve": "1"}, follow=True)
    [message] = [str(m) for m in page.context["messages"]]
    assert "reference 1 is not cited by the quoted sentence" in message
    assert outside not in Guidance.objects.get(pk=row.pk).references.all()


INLINE = "aud-ketamine-relapse-prevention-integration"


def open_disorder_page(client: Client, guidance: Guidance) -> tuple[str, dict, str]:
    """The disorder page of ``guidance``: its URL, its data as posted, the guidance row's prefix."""
    url = change_url(guidance.disorder)
    page = client.get(url)
    [formset] = [
        i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is Guidance
    ]
    [form] = [f for f in formset.forms if f.instance.pk == guidance.pk]
    return url, change_page_data(page), form.prefix


def test_an_inline_only_change_needs_the_page_s_reason_which_its_history_keeps(team):
    guidance = Guidance.objects.get(slug=INLINE)
    reviewer = logged_in(team["checker"])
    url, data, prefix = open_disorder_page(reviewer, guidance)
    data[f"{prefix}-rationale"] = "Edited inline."

    refused = reviewer.post(url, data)
    assert refused.status_code == 200
    assert "Say why you made this change" in refused.content.decode()
    assert Guidance.objects.get(pk=guidance.pk).rationale == guidance.rationale

    assert reviewer.post(url, {**data, "change_reason": "Inline fix."}).status_code == 302
    stored = Guidance.objects.get(pk=guidance.pk)
    assert stored.rationale == "Edited inline."
    assert stored.history.latest().history_change_reason == "Inline fix."


def test_deleting_an_inline_row_someone_saved_since_is_a_conflict(team, editor):
    guidance = Guidance.objects.get(slug=INLINE)
    reviewer = logged_in(team["checker"])
    url, data, prefix = open_disorder_page(reviewer, guidance)
    editor.post(change_url(guidance), guidance_form(guidance, rationale="A newer save."))

    data.update({f"{prefix}-DELETE": "on", "change_reason": "Remove."})
    response = reviewer.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this guidance" in response.content.decode()
    assert Guidance.objects.get(pk=guidance.pk).rationale == "A newer save."


def test_rows_deleted_with_another_carry_the_deletion_s_reason(editor):
    mechanism = CompoundMechanism.objects.first().mechanism
    links = list(CompoundMechanism.objects.filter(mechanism=mechanism).values_list("pk", flat=True))
    url = reverse("admin:compounds_mechanism_delete", args=[mechanism.pk])
    assert editor.post(url, {"post": "yes"}).status_code == 302
    deleted = CompoundMechanism.history.filter(id__in=links, history_type="-")
    assert deleted.count() == len(links) > 0
    assert {row.history_change_reason for row in deleted} == {"Deleted in admin by editor"}


def test_a_write_outside_admin_and_the_loader_says_it_has_no_reason():
    row = Guidance.objects.get(slug=SLUG)
    row.rationale = "Changed in a shell."
    row.save()
    assert row.history.latest().history_change_reason.startswith("No reason recorded")


def test_an_untouched_page_posted_with_a_browser_s_crlf_line_breaks_is_not_a_change(editor):
    row = Compound.objects.filter(locator__contains="\n").first()
    history = row.history.count()
    page = editor.get(change_url(row))
    data = {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for key, value in change_page_data(page).items()
    }
    response = editor.post(change_url(row), data, follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert row.history.count() == history
    assert "\r" not in Compound.objects.get(pk=row.pk).locator


def test_reverting_a_deleted_row_says_so_instead_of_failing(editor):
    row = Guidance.objects.get(slug="general-mindfulness-integration")
    version = row.history.latest()
    url = reverse("admin:guidance_guidance_simple_history", args=[row.pk, version.history_id])
    page = editor.get(url)
    data = {**change_page_data(page), "change_reason": "Bring it back."}
    row.delete()
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "was deleted after you opened it" in response.content.decode()


def test_a_second_editor_changing_a_row_with_a_change_waiting_gets_a_conflict(
    team, django_user_model
):
    roles_sync({"writer2": "editor"})
    row = Guidance.objects.get(slug=SLUG)
    edit(logged_in(team["writer"]), row, rationale="First editor.")
    response = edit(
        logged_in(django_user_model.objects.get(username="writer2")), row, rationale="Second."
    )
    assert response.status_code == 200
    assert "writer's change to this guidance is waiting for review" in html.unescape(
        response.content.decode()
    )
    assert Revision.objects.count() == 1


def test_an_editor_s_add_from_a_popup_says_it_waits_for_review(team):
    writer = logged_in(team["writer"])
    url = reverse("admin:evidence_reference_add") + "?_popup=1"
    page = writer.get(url)
    data = {
        **change_page_data(page),
        "_popup": "1",
        "seed_number": 999,
        "authors": "Doe J",
        "title": "A new paper",
        "venue": "A journal",
        "year": 2024,
        "evidence_type": Reference.objects.first().evidence_type,
        "citation": "Doe J. A new paper. A journal (2024).",
        "change_reason": "Add a paper.",
    }
    response = writer.post(url, data)
    assert response.status_code == 200
    assert "waiting for review as revision" in response.content.decode()
    assert not Reference.objects.filter(seed_number=999).exists()


def test_staff_without_the_revision_permission_cannot_read_revisions(team, django_user_model):
    edit(logged_in(team["writer"]), Guidance.objects.get(slug=SLUG), rationale="Private.")
    nobody = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    url = reverse("admin:content_revision_change", args=[Revision.objects.get().pk])
    assert logged_in(nobody).get(url).status_code == 403


def test_the_richest_admin_pages_post_back_within_the_form_field_limit(client, team):
    """A compound's page posts its codes and mechanism links too: saving it once failed with a
    400 (more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
    checker = logged_in(team["checker"])
    for row in (Compound.objects.get(slug="ketamine"), Disorder.objects.get(slug="ptsd")):
        response = edit(checker, row, name=row.name + " (edited)")
        assert response.status_code == 302, response.content[:500]
        assert type(row).objects.get(pk=row.pk).name == row.name + " (edited)"
