import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils.module_loading import import_string

from compounds.models import Compound
from content.loader import ContentError, FileReport, LoadReport, load_content
from disorders.models import Disorder, ProfileFactor
from guidance.models import Guidance, SafetyStatement

pytestmark = pytest.mark.django_db

FILES = [import_string(path) for path in settings.CONTENT_FILES]


@pytest.fixture
def fixtures_dir(tmp_path: Path) -> Path:
    """A private copy of fixtures/ that a test may change."""
    return Path(shutil.copytree(settings.CONTENT_FIXTURES_DIR, tmp_path / "fixtures"))


def edit_fixture(directory: Path, name: str, change) -> None:
    """Apply ``change`` to the parsed entries of one fixture file and write it back."""
    path = directory / name
    entries = yaml.safe_load(path.read_text())
    change(entries)
    path.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True))


def entry(entries: list[dict], slug: str) -> dict:
    return next(e for e in entries if e.get("slug") == slug)


def load(directory: Path | None = None, **options):
    return load_content(FILES, directory or settings.CONTENT_FIXTURES_DIR, **options)


def file_report(report: LoadReport, name: str) -> FileReport:
    """The part of ``report`` about the fixture file called ``name`` (e.g. "guidance.yaml")."""
    [found] = [f for f in report.files if f.name == name]
    return found


def writes(report: LoadReport) -> dict[str, tuple[int, int]]:
    """(created, updated) of each file the load wrote to."""
    return {f.name: (f.created, f.updated) for f in report.files if f.created or f.updated}


def test_a_second_load_changes_nothing():
    before = Guidance.objects.get(slug="ptsd-mdma-multimodal-integration").updated_at

    report = load()

    assert not report.changed
    assert report.kept == []
    assert all(f.created == f.updated == 0 for f in report.files)
    assert sum(f.unchanged for f in report.files) > 150
    assert Guidance.objects.get(slug="ptsd-mdma-multimodal-integration").updated_at == before


def test_an_editors_change_survives_a_second_load_and_is_reported():
    row = Guidance.objects.get(slug="general-cbt-integration")
    row.rationale = "Rewritten by an editor."
    row.save()

    report = load()

    row.refresh_from_db()
    assert row.rationale == "Rewritten by an editor."
    assert report.kept == [
        "guidance.guidance slug=general-cbt-integration (changed since the last load)"
    ]
    assert not report.changed


def test_an_editors_change_to_references_alone_is_kept():
    compound = Compound.objects.get(slug="mdma")
    compound.references.remove(compound.references.get(seed_number=42))

    report = load()

    assert not compound.references.filter(seed_number=42).exists()
    assert "compounds.compound slug=mdma (changed since the last load)" in report.kept


def test_overwrite_replaces_an_editors_change_and_says_so():
    row = Guidance.objects.get(slug="general-cbt-integration")
    row.rationale = "Rewritten by an editor."
    row.save()

    report = load(overwrite=True)

    row.refresh_from_db()
    assert row.rationale.startswith("Cognitive behavioral techniques")
    assert file_report(report, "guidance.yaml").overwritten == [
        "guidance.guidance slug=general-cbt-integration"
    ]
    assert [f.name for f in report.files if f.overwritten] == ["guidance.yaml"]


def test_a_row_an_editor_deleted_is_not_brought_back_unless_asked():
    SafetyStatement.objects.get(slug="differential-effects-unknown").delete()

    report = load()

    assert not SafetyStatement.objects.filter(slug="differential-effects-unknown").exists()
    assert report.kept == [
        "guidance.safetystatement slug=differential-effects-unknown (deleted since the last load)"
    ]
    load(overwrite=True)
    assert SafetyStatement.objects.filter(slug="differential-effects-unknown").exists()


def test_a_fixture_change_updates_a_row_nobody_edited(fixtures_dir):
    edit_fixture(
        fixtures_dir,
        "compounds.yaml",
        lambda entries: entry(entries, "ketamine").update(summary="Updated summary (22)."),
    )

    report = load(fixtures_dir)

    assert Compound.objects.get(slug="ketamine").summary == "Updated summary (22)."
    assert writes(report) == {"compounds.yaml": (0, 1)}
    assert not load(fixtures_dir).changed


def test_a_new_fixture_entry_is_created(fixtures_dir):
    def add_factor(entries):
        entries.append(
            {
                "slug": "new-factor",
                "name": "New factor",
                "description": "New.",
                "references": [13],
                "provenance": "editorial",
                "locator": ["A test's reasoning."],
            }
        )

    edit_fixture(fixtures_dir, "profile_factors.yaml", add_factor)

    report = load(fixtures_dir)

    assert writes(report) == {"profile_factors.yaml": (1, 0)}
    factor = ProfileFactor.objects.get(slug="new-factor")
    assert (factor.name, factor.provenance, factor.locator) == (
        "New factor",
        "editorial",
        "A test's reasoning.",
    )
    assert list(factor.references.values_list("seed_number", flat=True)) == [13]


def test_a_dry_run_reports_but_writes_nothing(fixtures_dir):
    edit_fixture(
        fixtures_dir,
        "compounds.yaml",
        lambda entries: entry(entries, "ketamine").update(summary="Updated summary (22)."),
    )

    report = load(fixtures_dir, dry_run=True)

    assert writes(report) == {"compounds.yaml": (0, 1)}
    assert Compound.objects.get(slug="ketamine").summary != "Updated summary (22)."


def assert_load_fails(directory: Path, *expected: str) -> None:
    """Load must fail naming every expected fragment, and leave the database untouched."""
    ketamine_before = Compound.objects.get(slug="ketamine").summary
    with pytest.raises(ContentError) as excinfo:
        load(directory)
    message = str(excinfo.value)
    for fragment in expected:
        assert fragment in message
    assert Compound.objects.get(slug="ketamine").summary == ketamine_before


@pytest.fixture
def changed_ketamine(fixtures_dir):
    """A valid change in an early file, to prove a later failure rolls it back."""
    edit_fixture(
        fixtures_dir,
        "compounds.yaml",
        lambda entries: entry(entries, "ketamine").update(summary="Must not be written (22)."),
    )
    return fixtures_dir


def test_a_dangling_slug_aborts_the_whole_load_naming_file_and_entry(changed_ketamine):
    edit_fixture(
        changed_ketamine,
        "guidance.yaml",
        lambda entries: entry(entries, "mdd-cbt-integration").update(disorder="depresion"),
    )
    assert_load_fails(
        changed_ketamine,
        "guidance.yaml, entry 15 (slug 'mdd-cbt-integration')",
        "unknown disorder 'depresion'; known: alcohol-use-disorder,",
    )


def test_a_statement_without_a_reference_aborts_the_load(changed_ketamine):
    edit_fixture(
        changed_ketamine,
        "guidance.yaml",
        lambda entries: entry(entries, "ocd-ketamine-exposure-cbt-integration").update(
            references=[]
        ),
    )
    assert_load_fails(
        changed_ketamine,
        "slug 'ocd-ketamine-exposure-cbt-integration'",
        "references needs at least one reference",
    )


def test_text_in_an_optional_statement_still_needs_its_reference(changed_ketamine):
    edit_fixture(
        changed_ketamine,
        "disorders.yaml",
        lambda entries: entry(entries, "eating-disorders").update(plasticity_risk="Invented."),
    )
    assert_load_fails(
        changed_ketamine,
        "disorders.yaml, entry 5 (slug 'eating-disorders')",
        "plasticity_risk has no reference in plasticity_risk_references",
    )


def test_a_malformed_doi_aborts_the_load(changed_ketamine):
    def add_reference(entries):
        entries.append(
            {
                "seed_number": None,
                "doi": "10.1/not a doi",
                "year": 2024,
                "authors": "Doe J",
                "title": "T",
                "venue": "V",
                "url": "",
                "evidence_type": "guideline",
                "citation": "Doe J. T. V. (2024).",
            }
        )

    edit_fixture(changed_ketamine, "references.yaml", add_reference)
    assert_load_fails(changed_ketamine, "references.yaml, entry 103", "doi: Enter a DOI")


def test_a_citation_of_an_unknown_reference_aborts_the_load(changed_ketamine):
    edit_fixture(
        changed_ketamine,
        "safety.yaml",
        lambda entries: entry(entries, "unguided-plasticity").update(references=[999]),
    )
    assert_load_fails(changed_ketamine, "safety.yaml", "references: no reference 999")


def test_an_unknown_field_aborts_the_load_listing_the_accepted_ones(changed_ketamine):
    edit_fixture(
        changed_ketamine,
        "modalities.yaml",
        lambda entries: entry(entries, "mindfulness").update(summery="typo"),
    )
    assert_load_fails(
        changed_ketamine, "slug 'mindfulness'", "unknown field(s) summery; accepted: aims,"
    )


def test_an_unknown_phase_aborts_the_load_naming_the_valid_ones(changed_ketamine):
    edit_fixture(
        changed_ketamine,
        "modalities.yaml",
        lambda entries: entry(entries, "mindfulness").update(phases=["aftercare"]),
    )
    assert_load_fails(
        changed_ketamine,
        "unknown phase(s) aftercare; valid: preparation, medication_session, integration",
    )


def test_invalid_yaml_aborts_the_load(changed_ketamine):
    (changed_ketamine / "safety.yaml").write_text("- slug: [unclosed\n")
    assert_load_fails(changed_ketamine, "safety.yaml: not valid YAML")


def test_the_command_reports_up_to_date_content(capsys):
    call_command("load_content")
    assert "Content is up to date." in capsys.readouterr().out


def test_the_command_lists_rows_kept_for_editors(capsys):
    disorder = Disorder.objects.get(slug="schizophrenia")
    disorder.name = "Schizophrenia spectrum"
    disorder.save()

    call_command("load_content")

    out = capsys.readouterr().out
    assert "Kept rows changed in admin since the last load" in out
    assert "disorders.disorder slug=schizophrenia (changed since the last load)" in out


def test_the_command_fails_with_every_problem_and_writes_nothing(changed_ketamine):
    edit_fixture(
        changed_ketamine,
        "guidance.yaml",
        lambda entries: entry(entries, "mdd-cbt-integration").update(modality="cbt"),
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("load_content", directory=changed_ketamine)
    assert "Content not loaded; nothing was written" in str(excinfo.value)
    assert "unknown modality 'cbt'" in str(excinfo.value)


def test_a_statement_citing_what_its_quoted_sentences_do_not_is_refused_by_name(fixtures_dir):
    def cite_75(entries):
        entry(entries, "general-session-support-medication-session")["references"].append(75)

    edit_fixture(fixtures_dir, "guidance.yaml", cite_75)
    with pytest.raises(ContentError) as excinfo:
        load(fixtures_dir)
    [problem] = excinfo.value.problems
    assert problem.startswith(
        "guidance.yaml, entry 3 (slug 'general-session-support-medication-session'): rationale: "
        "reference 75 is not cited by the quoted sentence(s)"
    )


def test_a_quote_that_is_not_in_the_article_is_refused_by_name(fixtures_dir):
    def misquote(entries):
        entry(entries, "ptsd")["locator"] = ["The article says something it does not say."]

    edit_fixture(fixtures_dir, "disorders.yaml", misquote)
    with pytest.raises(ContentError) as excinfo:
        load(fixtures_dir)
    assert any(
        "(slug 'ptsd'): evidence_summary: the locator quotes a sentence that is not in the article"
        in problem
        for problem in excinfo.value.problems
    )


def test_every_problem_of_every_file_is_reported_in_one_run(changed_ketamine):
    edit_fixture(changed_ketamine, "modalities.yaml", lambda e: e[0].update(provenance="rumour"))
    edit_fixture(changed_ketamine, "safety.yaml", lambda e: e[0].update(provenance="rumour"))
    ketamine_before = Compound.objects.get(slug="ketamine").summary
    with pytest.raises(ContentError) as excinfo:
        load(changed_ketamine)
    problems = excinfo.value.problems
    # Each bad entry is named once per check it fails (the statement check and the field's
    # choices), in load order: the first file's problems do not hide the second's.
    files = [problem.split(",")[0] for problem in problems]
    assert list(dict.fromkeys(files)) == ["modalities.yaml", "safety.yaml"]
    not_one_of = "provenance 'rumour' is not one of article, cited_source, editorial"
    assert f"modalities.yaml, entry 1 (slug 'psychoeducation'): aims: {not_one_of}" in problems
    assert (
        f"safety.yaml, entry 1 (slug 'minimum-preparation-standard'): message: {not_one_of}"
        in problems
    )
    assert Compound.objects.get(slug="ketamine").summary == ketamine_before


def test_a_new_fixture_field_does_not_make_every_loaded_row_look_edited_by_an_editor():
    """When the fixtures' format grows, the stored fingerprints no longer match; a row nobody but
    the loader has written since is updated, while a row an editor changed is still kept."""
    from content.models import LoadedEntry

    untouched = Guidance.objects.get(slug="general-cbt-integration")
    edited = Guidance.objects.get(slug="general-psychodynamic-integration")
    edited.rationale = "An editor's words."
    edited.save()  # its history now names someone other than the loader
    LoadedEntry.objects.filter(model="guidance.guidance").update(fingerprint="an older format")
    Guidance.objects.filter(pk=untouched.pk).update(rationale="Stale text the loader wrote.")

    report = load()

    untouched.refresh_from_db()
    edited.refresh_from_db()
    assert untouched.rationale != "Stale text the loader wrote."
    assert edited.rationale == "An editor's words."
    assert report.kept == [
        "guidance.guidance slug=general-psychodynamic-integration (changed since the last load)"
    ]
