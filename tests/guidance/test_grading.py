"""Grading guidance the way guideline systems do, within rules nobody can grade above."""

import pytest
from django.urls import reverse

from compounds.models import Compound
from content.models import Provenance
from disorders.models import Disorder, ProfileFactor
from guidance.grading import (
    FHIR_CERTAINTY,
    FHIR_DIRECTION,
    FHIR_STRENGTH,
    Certainty,
    Direction,
    Kind,
    certainty_ceiling,
    grading_problems,
)
from guidance.models import Guidance
from guidance.recommendations import recommendation_plan
from tests.admin_forms import guidance_form
from tests.factories import (
    CompoundFactory,
    DisorderFactory,
    GuidanceFactory,
    ModalityFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db


def problems(**changes) -> list[str]:
    graded = {
        "kind": Kind.RESEARCH_CONTEXT,
        "certainty": Certainty.LOW,
        "rationale": "One open-label trial.",
        "provenance": Provenance.ARTICLE,
        "strength": "trial",
        "evidence_types": ["open_label_trial"],
    }
    return grading_problems(**{**graded, **changes})


@pytest.mark.parametrize(
    ("types", "provenance", "ceiling"),
    [
        (["randomized_controlled_trial", "expert_opinion"], "article", Certainty.HIGH),
        (["randomized_pilot"], "article", Certainty.MODERATE),
        (["open_label_trial", "narrative_review"], "cited_source", Certainty.LOW),
        (["preclinical_study"], "article", Certainty.VERY_LOW),
        (["randomized_controlled_trial"], "editorial", Certainty.VERY_LOW),
        ([], "article", Certainty.VERY_LOW),
    ],
)
def test_the_ceiling_follows_the_strongest_design_and_editorial_is_very_low(
    types, provenance, ceiling
):
    assert certainty_ceiling(provenance=provenance, evidence_types=types) == ceiling


def test_a_certainty_within_the_rules_passes_and_one_above_is_refused_with_the_reason():
    assert problems() == []
    assert problems(certainty=Certainty.VERY_LOW) == []
    assert problems(certainty=Certainty.MODERATE) == [
        "certainty 'moderate' is above what the rules allow for this guidance ('low': its "
        "strongest reference is open-label trial evidence); lower it"
    ]


def test_a_good_practice_statement_has_no_certainty_and_every_other_kind_has_one():
    assert problems(kind=Kind.GOOD_PRACTICE_STATEMENT, certainty="") == []
    assert problems(kind=Kind.GOOD_PRACTICE_STATEMENT) == [
        "a good practice statement carries no certainty; leave it empty"
    ]
    assert problems(certainty="") == ["certainty is required; one of high, moderate, low, very_low"]
    assert problems(rationale=" ") == [
        "certainty_rationale is required: say why the evidence is this certain"
    ]


def test_inferred_strength_is_for_editorial_guidance_and_only_for_it():
    assert (
        problems(provenance=Provenance.EDITORIAL, strength="inferred", certainty=Certainty.VERY_LOW)
        == []
    )
    assert problems(provenance=Provenance.EDITORIAL)[0].startswith("strength 'inferred' is for")
    assert problems(strength="inferred")[0].startswith("strength 'inferred' is for")


def test_every_published_row_keeps_to_the_rules():
    for row in Guidance.objects.published().prefetch_related("references"):
        assert (
            grading_problems(
                kind=row.kind,
                certainty=row.certainty,
                rationale=row.certainty_rationale,
                provenance=row.provenance,
                strength=row.strength,
                evidence_types=[ref.evidence_type for ref in row.references.all()],
            )
            == []
        ), row.slug


def test_the_minimum_standards_are_good_practice_statements():
    for slug in [
        "general-psychoeducation-preparation",
        "general-session-support-medication-session",
    ]:
        row = Guidance.objects.get(slug=slug)
        assert (row.kind, row.certainty) == (Kind.GOOD_PRACTICE_STATEMENT, "")


def test_editorial_guidance_never_outranks_article_guidance_of_the_same_specificity():
    factors = list(ProfileFactor.objects.all())
    compared = 0
    for disorder in Disorder.objects.all():
        for compound in Compound.objects.all():
            plan = recommendation_plan(disorder=disorder, compound=compound, profile=factors)
            for phase_items in plan.phases.values():
                for rank, item in enumerate(phase_items):
                    lead = item.lead.guidance
                    if lead.provenance != Provenance.EDITORIAL:
                        continue
                    for later in phase_items[rank + 1 :]:
                        if later.lead.specificity == item.lead.specificity:
                            compared += 1
                            assert later.lead.guidance.provenance == Provenance.EDITORIAL, (
                                disorder.slug,
                                compound.slug,
                                lead.slug,
                                later.lead.guidance.slug,
                            )


def test_an_editorial_row_ranks_below_an_article_row_of_the_same_specificity_whatever_it_cites():
    disorder, compound = DisorderFactory(), CompoundFactory()
    rct = ReferenceFactory(evidence_type="randomized_controlled_trial")
    opinion = ReferenceFactory(evidence_type="expert_opinion")
    for slug, strength, provenance, refs in [
        ("t-editorial", "inferred", Provenance.EDITORIAL, [rct]),
        ("t-article", "proposal", Provenance.ARTICLE, [opinion]),
    ]:
        GuidanceFactory(
            slug=slug,
            disorder=disorder,
            modality=ModalityFactory(serves_integration=True),
            phase="integration",
            strength=strength,
            provenance=provenance,
            certainty=Certainty.VERY_LOW,
            references=refs,
        )

    plan = recommendation_plan(disorder=disorder, compound=compound)

    ranked = [
        i.lead.guidance.slug for i in plan.recommendations if i.lead.guidance.slug[:2] == "t-"
    ]
    assert ranked == ["t-article", "t-editorial"]


def test_an_editor_may_lower_a_certainty_but_not_raise_it_above_the_rules(editor):
    row = (
        Guidance.objects.exclude(kind=Kind.GOOD_PRACTICE_STATEMENT)
        .exclude(certainty=Certainty.VERY_LOW)
        .first()
    )
    url = reverse("admin:guidance_guidance_change", args=[row.pk])

    lowered = editor.post(url, guidance_form(row, certainty=Certainty.VERY_LOW))
    assert lowered.status_code == 302
    row.refresh_from_db()
    assert row.certainty == Certainty.VERY_LOW

    raised = editor.post(url, guidance_form(row, certainty=Certainty.HIGH))
    assert raised.status_code == 200
    assert "is above what the rules allow for this guidance" in raised.content.decode()
    row.refresh_from_db()
    assert row.certainty == Certainty.VERY_LOW


def test_every_value_has_its_fhir_code():
    assert set(FHIR_CERTAINTY["codes"]) == set(Certainty)
    assert set(FHIR_STRENGTH["codes"]) == set(Kind)
    assert set(FHIR_DIRECTION["codes"]) == set(Direction)
    assert FHIR_CERTAINTY["codes"][Certainty.VERY_LOW] == "very-low"
