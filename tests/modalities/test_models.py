import pytest
from django.db import IntegrityError

from modalities.models import Modality
from tests.factories import ModalityFactory

pytestmark = pytest.mark.django_db


def test_the_database_rejects_a_modality_that_serves_no_phase():
    with pytest.raises(IntegrityError, match="modality_serves_a_phase"):
        ModalityFactory(serves_integration=False)


def test_phases_are_listed_in_treatment_order():
    modality = ModalityFactory(serves_integration=True, serves_preparation=True)
    assert modality.phases == ["preparation", "integration"]
    assert modality.serves("preparation")
    assert not modality.serves("medication_session")


def test_it_rejects_an_unknown_lineage():
    with pytest.raises(IntegrityError, match="modality_lineage_valid"):
        ModalityFactory(lineage="astrology")


def test_somatic_techniques_name_no_techniques_because_the_article_names_none():
    somatic = Modality.objects.get(slug="somatic-techniques")
    assert somatic.technique_list == []
    assert "does not say" in somatic.phase_note
