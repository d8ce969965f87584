import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from evidence.models import EvidenceType, Reference, normalize_doi, short_authors
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db


def test_it_rejects_a_second_reference_with_the_same_doi_in_another_case():
    ReferenceFactory(doi="10.5555/ABC.1")
    with pytest.raises(IntegrityError, match="reference_unique_doi"):
        ReferenceFactory(doi="10.5555/abc.1")


def test_it_allows_many_references_without_a_doi():
    ReferenceFactory(doi=None, seed_number=901)
    ReferenceFactory(doi=None, seed_number=902)
    assert Reference.objects.filter(doi__isnull=True, seed_number__gt=900).count() == 2


def test_it_rejects_a_duplicate_seed_number():
    with pytest.raises(IntegrityError, match="seed_number"):
        ReferenceFactory(seed_number=75)


def test_the_database_rejects_a_reference_with_neither_seed_number_nor_doi():
    with pytest.raises(IntegrityError, match="reference_identifiable"):
        ReferenceFactory(seed_number=None, doi=None)


def test_the_database_rejects_a_doi_that_does_not_start_with_the_doi_prefix():
    with pytest.raises(IntegrityError, match="reference_doi_format"):
        ReferenceFactory(doi="doi.org/10.1/x")


def test_the_database_rejects_an_unknown_evidence_type():
    with pytest.raises(IntegrityError, match="reference_evidence_type_valid"):
        ReferenceFactory(evidence_type="anecdote")


def test_validation_names_a_malformed_doi():
    reference = ReferenceFactory.build(doi="10.12/not a doi")
    with pytest.raises(ValidationError) as excinfo:
        reference.full_clean()
    assert [error.code for error in excinfo.value.error_dict["doi"]] == ["invalid_doi"]
    assert "Enter a DOI such as" in excinfo.value.message_dict["doi"][0]


def test_validation_strips_a_pasted_resolver_prefix():
    reference = ReferenceFactory.build(doi="https://doi.org/10.5555/pasted.1")
    reference.full_clean()
    assert reference.doi == "10.5555/pasted.1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("doi: 10.1/x", "10.1/x"),
        ("  https://dx.doi.org/10.1/Y ", "10.1/Y"),
        ("", None),
        (None, None),
    ],
)
def test_normalize_doi_removes_prefixes_and_keeps_case(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ("Jones JL", "Jones"),
        ("Roth BL, Gumpper RH", "Roth and Gumpper"),
        ("Ly C, Greb AC, Vargas MV, et al.", "Ly et al."),
        ("de Vos CMH, Mason NL, Kuypers KPC", "de Vos et al."),
        ("American Psychiatric Association", "American Psychiatric Association"),
        ("et al.", "Anonymous et al."),
        ("", "Anonymous"),
    ],
)
def test_short_authors_gives_the_surname_form(authors, expected):
    assert short_authors(authors) == expected


def test_a_seed_reference_reads_as_its_number_and_short_citation():
    reference = Reference.objects.get(seed_number=75)
    assert str(reference) == "[75] Johnson et al. (2008)"
    assert reference.doi_url == "https://doi.org/10.1177/0269881108093587"
    assert reference.natural_key() == "seed:75"


def test_by_token_finds_references_by_seed_number_or_doi_in_any_case():
    assert Reference.objects.by_token(75).get().seed_number == 75
    article = Reference.objects.by_token("10.3389/FPSYT.2025.1565852").get()
    assert article.seed_number is None
    assert article.evidence_type == EvidenceType.EXPERT_OPINION
