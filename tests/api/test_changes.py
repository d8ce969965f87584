"""Sync: after edits in admin, /changes/ lists exactly the rows whose export changed, and a client
applying it to its old export holds the new export."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.urls import router
from compounds.models import Compound, CompoundMechanism, Mechanism
from content.models import ContentVersionLog
from content.versioning import content_version_forget, content_version_get
from disorders.models import Disorder
from evidence.models import Reference
from guidance.models import Guidance, SafetyStatement
from medications.models import Interaction, Medication, MedicationClass
from tests.admin_forms import REASON, change_page_data, guidance_form, new_safety_statement_form
from tests.factories import GuidanceFactory, SafetyStatementFactory

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/changes/"
EXPORT = "/api/v1/export/"
RESOURCES = [prefix for prefix, _, _ in router.registry]
GUIDANCE = "general-cbt-integration"


def admin_url(row_or_model, action: str) -> str:
    opts = row_or_model._meta
    args = [] if action == "add" else [row_or_model.pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def edit(client, row, **changes) -> None:
    """Post ``row``'s admin page back as a browser would, with ``changes``."""
    page = client.get(admin_url(row, "change"))
    data = {**change_page_data(page), "change_reason": REASON, **changes}
    response = client.post(admin_url(row, "change"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def delete(client, row) -> None:
    assert client.post(admin_url(row, "delete"), {"post": "yes"}).status_code == 302


def changes(client, since: str, page_size: int = 100) -> list[dict]:
    """Every entry since ``since``, paged through as a client would."""
    entries, url, versions = [], f"{CHANGES}?since={since}&page_size={page_size}", set()
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        versions.add(body["content_version"])
        entries += body["results"]
        url = body["next"]
    assert versions == {content_version_get().token}
    return entries


def listed(entries: list[dict]) -> set[tuple[str, str, str]]:
    return {(entry["resource"], entry["key"], entry["action"]) for entry in entries}


def difference(before: dict, after: dict) -> set[tuple[str, str, str]]:
    """What changed between two exports, row by row."""
    found = set()
    for resource in RESOURCES:
        old, new = before[resource], after[resource]
        found |= {(resource, key, "removed") for key in old.keys() - new.keys()}
        found |= {(resource, key, "created") for key in new.keys() - old.keys()}
        found |= {
            (resource, key, "changed") for key in old.keys() & new.keys() if old[key] != new[key]
        }
    return found


def synced(client, copy: dict, entries: list[dict]) -> dict:
    """Apply the entries to a copy of an export, as the documentation tells a client to."""
    copy = {resource: dict(copy[resource]) for resource in RESOURCES}
    for entry in entries:
        rows = copy[entry["resource"]]
        if entry["action"] == "removed":
            assert entry["url"] is None
            rows.pop(entry["key"], None)
        else:
            rows[entry["key"]] = client.get(entry["url"]).json()
    return copy


def rows(export: dict) -> dict:
    return {resource: export[resource] for resource in RESOURCES}


def edit_guidance_rationale(client) -> None:
    row = Guidance.objects.get(slug=GUIDANCE)
    response = client.post(
        admin_url(row, "change"), guidance_form(row, rationale=row.rationale + " Edited.")
    )
    assert response.status_code == 302


def rename_a_compound(client) -> None:
    edit(client, Compound.objects.get(slug="ketamine"), name="Ketamine (racemic)")


def retitle_a_cited_reference(client) -> None:
    edit(client, Reference.objects.filter(guidance__isnull=False).first(), title="A new title")


def delete_a_safety_statement(client) -> None:
    delete(client, SafetyStatement.objects.first())


def add_a_safety_statement(client) -> None:
    template = SafetyStatement.objects.first()
    page = client.get(admin_url(SafetyStatement, "add"))
    data = new_safety_statement_form(page, template)
    assert client.post(admin_url(SafetyStatement, "add"), data).status_code == 302


def unpublish_guidance(client) -> None:
    row = Guidance.objects.get(slug=GUIDANCE)
    response = client.post(admin_url(row, "change"), guidance_form(row, status="draft"))
    assert response.status_code == 302


def change_a_disorder_s_slug(client) -> None:
    edit(client, Disorder.objects.get(slug="ptsd"), slug="post-traumatic-stress-disorder")


def delete_a_cited_reference(client) -> None:
    delete(client, Reference.objects.filter(disorders__isnull=False, guidance__isnull=False)[0])


def delete_a_mechanism(client) -> None:
    delete(client, CompoundMechanism.objects.first().mechanism)


def reword_an_interaction(client) -> None:
    edit(client, Interaction.objects.get(slug="mdma-maoi-reviewed"), summary="Reworded.")


def rename_a_medication(client) -> None:
    edit(client, Medication.objects.get(slug="sertraline"), name="Sertraline hydrochloride")


def rename_a_medication_class(client) -> None:
    edit(client, MedicationClass.objects.get(slug="lithium"), name="Lithium salts")


EDITS = [
    edit_guidance_rationale,
    reword_an_interaction,
    rename_a_medication,
    rename_a_medication_class,
    rename_a_compound,
    retitle_a_cited_reference,
    delete_a_safety_statement,
    add_a_safety_statement,
    unpublish_guidance,
    change_a_disorder_s_slug,
    delete_a_cited_reference,
    delete_a_mechanism,
]


@pytest.mark.parametrize("edit_in_admin", EDITS, ids=lambda f: f.__name__)
def test_changes_list_exactly_the_rows_whose_export_changed_and_bring_a_copy_up_to_date(
    editor, edit_in_admin
):
    before = editor.get(EXPORT).json()
    edit_in_admin(editor)
    after = editor.get(EXPORT).json()
    assert after["content_version"] != before["content_version"]

    entries = changes(editor, before["content_version"])
    assert listed(entries) == difference(before, after) != set()
    assert synced(editor, rows(before), entries) == rows(after)


def test_an_admin_edit_is_listed_as_changed_and_the_new_export_has_the_new_text(editor):
    since = editor.get("/api/v1/meta/").json()["content_version"]
    edit_guidance_rationale(editor)

    [entry] = [e for e in changes(editor, since) if e["resource"] == "guidance"]
    assert (entry["key"], entry["action"]) == (GUIDANCE, "changed")
    assert entry["url"] == f"http://testserver/api/v1/guidance/{GUIDANCE}/"
    export = editor.get(EXPORT).json()
    assert export["guidance"][GUIDANCE]["rationale"].endswith(" Edited.")
    assert export["content_version"] != since


def test_a_draft_is_not_listed_until_it_is_published_then_it_is_created(editor):
    template = Guidance.objects.get(slug=GUIDANCE)
    ketamine = Compound.objects.get(slug="ketamine")
    since = editor.get("/api/v1/meta/").json()["content_version"]
    new = guidance_form(template, slug="new-draft", compound=ketamine.pk, status="draft")
    new["based_on_version"] = ""
    assert editor.post(admin_url(Guidance, "add"), new).status_code == 302
    draft = Guidance.objects.get(slug="new-draft")
    edit_draft = guidance_form(draft, rationale="Still a draft.")
    assert editor.post(admin_url(draft, "change"), edit_draft).status_code == 302

    assert not [e for e in changes(editor, since) if e["key"] == "new-draft"]

    published = guidance_form(Guidance.objects.get(pk=draft.pk), status="published")
    assert editor.post(admin_url(draft, "change"), published).status_code == 302
    [entry] = [e for e in changes(editor, since) if e["key"] == "new-draft"]
    assert (entry["resource"], entry["action"]) == ("guidance", "created")


def test_a_change_waiting_for_review_is_not_listed(client, django_user_model):
    from content.roles import roles_sync

    roles_sync({"writer": "editor"})
    client.force_login(django_user_model.objects.get(username="writer"))
    since = client.get("/api/v1/meta/").json()["content_version"]
    edit_guidance_rationale(client)

    assert client.get("/api/v1/meta/").json()["content_version"] == since
    assert changes(client, since) == []


def test_a_created_and_a_deleted_row_are_listed_removals_first(editor):
    doomed = SafetyStatement.objects.get(slug="no-pairing-evidence")
    since = editor.get("/api/v1/meta/").json()["content_version"]
    add_a_safety_statement(editor)
    delete(editor, doomed)

    entries = changes(editor, since)
    assert [(e["resource"], e["key"], e["action"], e["url"]) for e in entries] == [
        ("safety-statements", "no-pairing-evidence", "removed", None),
        (
            "safety-statements",
            "new-statement",
            "created",
            "http://testserver/api/v1/safety-statements/new-statement/",
        ),
    ]


def test_a_sync_lists_nothing_written_before_its_version(editor):
    edit_guidance_rationale(editor)  # admin writes a row's history after its reference list
    since = editor.get("/api/v1/meta/").json()["content_version"]
    statement = SafetyStatement.objects.get(slug="no-pairing-evidence")
    edit(editor, statement, title="A clearer title")

    assert listed(changes(editor, since)) == {
        ("safety-statements", "no-pairing-evidence", "changed")
    }


def test_since_the_current_version_nothing_changed(client):
    since = client.get("/api/v1/meta/").json()["content_version"]
    body = client.get(CHANGES, {"since": since}).json()
    assert (body["count"], body["results"], body["content_version"]) == (0, [], since)


def test_an_unknown_version_is_a_404_that_says_to_download_the_export_again(client):
    response = client.get(CHANGES, {"since": "0" * 32})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "'00000000000000000000000000000000'" in detail
    assert "http://testserver/api/v1/export/" in detail


def test_since_is_required_and_the_parameters_are_strict(client):
    missing = client.get(CHANGES)
    assert missing.status_code == 400
    assert "since" in missing.content.decode()
    since = client.get("/api/v1/meta/").json()["content_version"]
    assert client.get(CHANGES, {"since": since, "until": "x"}).status_code == 400
    assert client.get(CHANGES, {"since": ""}).status_code == 400
    malformed = client.get(CHANGES, {"since": "yesterday"})
    assert malformed.status_code == 400
    assert "Not a content version: 'yesterday'" in malformed.content.decode()


def test_changes_are_paged_with_the_version_on_every_page(editor):
    since = editor.get("/api/v1/meta/").json()["content_version"]
    for statement in SafetyStatement.objects.all()[:5]:
        edit(editor, statement, title=statement.title + " (revised)")

    first = editor.get(CHANGES, {"since": since, "page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert [e["key"] for e in changes(editor, since, page_size=2)] == [
        e["key"] for e in changes(editor, since)
    ]
    assert editor.get(CHANGES, {"since": since, "page": 9}).status_code == 404


def test_the_root_links_the_changes(client):
    assert client.get("/api/v1/").json()["changes"] == "http://testserver/api/v1/changes/"


def changes_queries(client, since: str) -> int:
    # The content version is read from the database at most every CONTENT_VERSION_MAX_STALENESS
    # seconds: forget it, so each count includes that read however slow the machine is.
    content_version_forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGES, {"since": since, "page_size": 100})
    assert response.status_code == 200
    return len(captured)


def test_changes_run_the_same_number_of_queries_however_many_rows_changed(client, settings):
    settings.API_CACHE = False
    ketamine = Compound.objects.get(slug="ketamine")

    def change(statements: int, mechanisms: int) -> int:
        """Add statements, rename mechanisms (and their compounds' links with them) and ketamine;
        return the queries of the changes since just before."""
        since = content_version_get().token
        for _ in range(statements):
            SafetyStatementFactory(compound=ketamine)
        for mechanism in Mechanism.objects.all()[:mechanisms]:
            mechanism.name += " (renamed)"
            mechanism.save()
        ketamine.name += " (renamed)"
        ketamine.save()
        assert client.get(CHANGES, {"since": since}).json()["count"] > statements + mechanisms
        return changes_queries(client, since)

    assert change(statements=1, mechanisms=1) == change(statements=20, mechanisms=30)


# --- The version log the changes rest on --------------------------------------------------


def test_every_version_is_logged_and_history_rows_are_dated_after_the_version_before_them():
    before = content_version_get()
    row = Guidance.objects.get(slug=GUIDANCE)
    row.rationale = "Changed in a shell."
    row.save()

    latest = row.history.latest()
    assert latest.history_date > before.changed_at
    assert latest.history_date <= content_version_get().changed_at
    assert ContentVersionLog.objects.filter(token=content_version_get().token).exists()


def test_a_version_is_later_than_the_one_before_even_if_the_clock_goes_back(monkeypatch):
    from content import versioning

    current = content_version_get()
    monkeypatch.setattr(versioning.timezone, "now", lambda: current.changed_at - timedelta(hours=1))
    assert versioning.content_version_bump().changed_at > current.changed_at


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite lets one writer in at a time: no race"
)
@pytest.mark.django_db(transaction=True)
def test_a_save_that_waited_for_another_is_listed_since_the_other_s_version(client):
    """Two saves at once: the second, prepared while the first was under way, commits after the
    first's version and must be listed in a sync from it (PostgreSQL lets both write at once)."""
    guidance, statement = GuidanceFactory(), SafetyStatementFactory()
    first_version = {}

    def first_save() -> None:
        with transaction.atomic():
            guidance.rationale += " First."
            guidance.save()
            time.sleep(1)  # the second save starts meanwhile
            guidance.rationale += " Again."
            guidance.save()
            first_version["token"] = content_version_get().token
        connection.close()

    def second_save() -> None:
        time.sleep(0.3)
        with transaction.atomic():
            statement.title += " (second)"
            statement.save()
        connection.close()

    threads = [threading.Thread(target=first_save), threading.Thread(target=second_save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert ("safety-statements", statement.slug, "changed") in listed(
        changes(client, first_version["token"])
    )
