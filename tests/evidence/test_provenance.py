"""Content truth: every statement says who says it, and what it says the article says, it does.

The check here reads the article's sentences from the test suite's untouched copy of the seed
(``tests/data/seed-sentences.json``, as ``seed-references.json`` is for the references), not
from the service's own copy, and re-implements the rule, so the service's checker is tested
against an independent reading of the article.
"""

import json
import re
from pathlib import Path

import pytest
from django.apps import apps

from content.models import Provenance, statements_of
from evidence.models import Reference
from evidence.provenance import SENTENCES_FILE, statement_problems

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SEED_SENTENCES = ROOT / "tests" / "data" / "seed-sentences.json"
ARTICLE_DOI = "10.3389/fpsyt.2025.1565852"
STATEMENT_MODELS = [model for model in apps.get_models() if statements_of(model)]


def seed_sentences() -> dict[str, set[int]]:
    rows = json.loads(SEED_SENTENCES.read_text(encoding="utf-8"))
    return {row["sentence"]: set(row["refs"]) for row in rows}


def as_in_seed(line: str) -> str:
    """The seed's text lost the en dashes of citation ranges ("(5-7)" is "(57)" there); the
    service quotes the article as published, with them."""
    return re.sub(r"(?<=\d)\u2013(?=\d)", "", line)


def every_statement():
    """Yield (label, text, provenance, locator lines, references) for every cited statement."""
    for model in STATEMENT_MODELS:
        for row in model.objects.all():
            for declared in statements_of(model):
                text = getattr(row, declared.text)
                if not text:
                    continue
                yield (
                    f"{model._meta.label} {row} {declared.text}",
                    text,
                    getattr(row, declared.provenance),
                    [line for line in getattr(row, declared.locator).splitlines() if line.strip()],
                    list(getattr(row, declared.references).all()),
                )


def test_the_service_s_copy_of_the_article_is_the_seed():
    assert json.loads(SENTENCES_FILE.read_text()) == json.loads(SEED_SENTENCES.read_text())


def test_quotes_show_citation_ranges_as_the_article_prints_them():
    from evidence.provenance import article_sentences

    restored = list(article_sentences())
    assert any(s.endswith("resistant to standard treatments (1\u20134).") for s in restored)
    assert any(s.endswith("of a single dose (23, 34\u201337).") for s in restored)
    assert not any(s.endswith("(14).") or s.endswith("(57).") for s in restored)
    assert sorted(as_in_seed(s) for s in restored) == sorted(seed_sentences())


def test_every_statement_says_who_states_it_and_where():
    missing = [
        label
        for label, _, provenance, locator, _ in every_statement()
        if provenance not in Provenance.values or not locator
    ]
    assert missing == []


def test_every_article_statement_quotes_the_article_and_cites_only_what_it_cites():
    sentences = seed_sentences()
    wrong = []
    checked = 0
    for label, _, provenance, locator, references in every_statement():
        if provenance != Provenance.ARTICLE:
            continue
        checked += 1
        unknown = [line for line in locator if as_in_seed(line) not in sentences]
        if unknown:
            wrong.append((label, "not in the article", unknown))
            continue
        cited = set().union(*(sentences[as_in_seed(line)] for line in locator))
        extra = [
            ref.seed_number if ref.seed_number is not None else ref.doi
            for ref in references
            if (
                ref.seed_number not in cited
                if ref.seed_number is not None
                else ref.doi != ARTICLE_DOI
            )
        ]
        if extra:
            wrong.append((label, "cites what its sentences do not", extra))
    assert checked > 50
    assert wrong == []


def test_every_cited_source_statement_names_a_reference_it_cites():
    wrong = []
    for label, _, provenance, locator, references in every_statement():
        if provenance != Provenance.CITED_SOURCE:
            continue
        tokens = {str(r.seed_number) if r.seed_number is not None else r.doi for r in references}
        for line in locator:
            match = re.match(r"\[([^\]]+)\] \S", line)
            if match is None or match[1] not in tokens:
                wrong.append((label, line))
    assert wrong == []


def test_ref_75_is_cited_as_the_article_cites_it_or_as_its_own_source():
    """The review's seven wrong ref-75 citations: the article cites 75 once, for preparatory
    psychoeducation as a minimum standard of research. Any other statement citing it says that
    the paper, not the article, is the source, and is scoped as the paper scopes it."""
    [article_sentence] = [s for s, refs in seed_sentences().items() if 75 in refs]
    for label, _, provenance, locator, references in every_statement():
        if not any(ref.seed_number == 75 for ref in references):
            continue
        if provenance == Provenance.ARTICLE:
            assert locator == [article_sentence] or article_sentence in locator, label
        else:
            assert provenance == Provenance.CITED_SOURCE, label
            assert any(line.startswith("[75] ") for line in locator), label


@pytest.mark.parametrize(
    ("slug", "field"),
    [
        ("general-session-support-medication-session", "rationale"),
        ("ptsd-mdma-multimodal-integration", "rationale"),
    ],
)
def test_putting_a_review_s_wrong_citation_back_is_refused(slug, field):
    from guidance.models import Guidance

    row = Guidance.objects.get(slug=slug)
    assert row.provenance == Provenance.ARTICLE
    wrong = Reference.objects.get(seed_number=75 if "session" in slug else 83)
    problems = statement_problems(
        text=getattr(row, field),
        provenance=row.provenance,
        locator=row.locator,
        references=[*row.references.all(), wrong],
    )
    assert problems == [
        f"reference {wrong.seed_number} is not cited by the quoted sentence(s), which cite "
        + ", ".join(
            str(n)
            for n in sorted(
                set().union(
                    *(seed_sentences()[as_in_seed(line)] for line in row.locator.splitlines())
                )
            )
        )
    ]


def test_a_quote_that_is_not_in_the_article_is_refused():
    ref = Reference.objects.get(seed_number=13)
    problems = statement_problems(
        text="Claimed.",
        provenance="article",
        locator="Psychedelics cure everything (13).",
        references=[ref],
    )
    assert problems == [
        "the locator quotes a sentence that is not in the article: "
        "'Psychedelics cure everything (13).'"
    ]


@pytest.mark.parametrize(
    ("provenance", "locator", "problem"),
    [
        ("articel", "x", "provenance 'articel' is not one of article, cited_source, editorial"),
        ("editorial", "", "a statement with provenance 'editorial' needs a locator"),
        ("cited_source", "Title only", "a cited_source locator line starts with the reference"),
        ("cited_source", "[99] Another paper", "the locator names reference 99, which the "),
    ],
)
def test_bad_provenance_or_locator_is_refused_with_a_message(provenance, locator, problem):
    ref = Reference.objects.get(seed_number=13)
    problems = statement_problems(
        text="Claimed.", provenance=provenance, locator=locator, references=[ref]
    )
    assert len(problems) == 1
    assert problems[0].startswith(problem)


# The review's wrong and weak citations, each on the statement it was found in: (model label,
# natural key, statement text field, reference the article does not cite for that claim).
REVIEW_FINDINGS = [
    ("guidance.Guidance", "general-session-support-medication-session", "rationale", 75),
    ("modalities.Modality", "preparatory-support", "aims", 75),
    ("modalities.Modality", "medication-session-support", "aims", 75),
    ("compounds.Mechanism", "fear-extinction-learning", "description", 43),
    ("disorders.Disorder", "ptsd", "evidence_summary", 43),
    ("disorders.Disorder", "ptsd", "evidence_summary", 83),
    ("disorders.Disorder", "major-depressive-disorder", "evidence_summary", 90),
    ("compounds.Compound", "mdma", "summary", 19),
    ("compounds.Compound", "mdma", "summary", 83),
    ("compounds.Compound", "psilocybin", "summary", 90),
    ("guidance.Guidance", "ptsd-mdma-multimodal-integration", "rationale", 83),
]


@pytest.mark.parametrize(("label", "slug", "field", "seed"), REVIEW_FINDINGS)
def test_each_wrong_citation_the_review_found_is_refused_if_put_back(label, slug, field, seed):
    model = apps.get_model(label)
    row = model.objects.get(slug=slug)
    [declared] = [s for s in statements_of(model) if s.text == field]
    assert getattr(row, declared.provenance) == Provenance.ARTICLE
    references = list(getattr(row, declared.references).all())
    assert seed not in {ref.seed_number for ref in references}
    problems = statement_problems(
        text=getattr(row, field),
        provenance=Provenance.ARTICLE,
        locator=getattr(row, declared.locator),
        references=[*references, Reference.objects.get(seed_number=seed)],
    )
    assert problems
    assert problems[0].startswith(f"reference {seed} is not cited by the quoted")
