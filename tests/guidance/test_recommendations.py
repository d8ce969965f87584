"""The engine on small hand-built content: ranking, specificity, profile, fallback, warnings."""

import pytest

from disorders.models import Disorder
from guidance.grading import certainty_ceiling, grading_problems
from guidance.models import Guidance, SafetyStatement
from guidance.recommendations import GuidanceContent, ScoreComponents, recommend
from modalities.models import Modality
from tests.factories import (
    CompoundFactory,
    DisorderFactory,
    GuidanceFactory,
    ModalityFactory,
    ProfileFactorFactory,
    ReferenceFactory,
    SafetyStatementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A disorder with a parent, two compounds, modalities and a profile factor."""
    rct = ReferenceFactory(evidence_type="randomized_controlled_trial")
    opinion = ReferenceFactory(evidence_type="expert_opinion")
    parent = DisorderFactory(slug="parent-disorder")
    return {
        "parent": parent,
        "disorder": DisorderFactory(slug="child-disorder", parent=parent),
        "other_disorder": DisorderFactory(slug="other-disorder"),
        "drug": CompoundFactory(slug="drug"),
        "other_drug": CompoundFactory(slug="other-drug"),
        "education": Modality.objects.get(slug="psychoeducation"),
        "alpha": ModalityFactory(slug="alpha", name="Alpha"),
        "beta": ModalityFactory(slug="beta", name="Beta"),
        "somatic": ModalityFactory(slug="somatic", name="Somatic"),
        "factor": ProfileFactorFactory(slug="dissociative"),
        "rct": rct,
        "opinion": opinion,
    }


def guidance(
    world,
    slug,
    modality,
    *,
    phase="integration",
    strength="proposal",
    refs=None,
    certainty=None,
    **scope,
):
    """A row graded as the rules grade it (guidance/grading.py): an inferred row is an editor's
    inference, any other is stated by its cited references; its certainty is the highest the rules
    allow unless the test lowers it."""
    refs = refs or [world["opinion"]]
    provenance = "editorial" if strength == "inferred" else "cited_source"
    designs = [ref.evidence_type for ref in refs]
    certainty = certainty or certainty_ceiling(provenance=provenance, evidence_types=designs)
    grading = {"kind": "research_context", "certainty": certainty, "provenance": provenance}
    assert not grading_problems(
        **grading, rationale="A test's evidence.", strength=strength, evidence_types=designs
    ), slug
    return GuidanceFactory(
        slug=slug,
        modality=world[modality],
        phase=phase,
        strength=strength,
        disorder=scope.get("disorder"),
        compound=scope.get("compound"),
        profile_factor=scope.get("profile_factor"),
        references=refs,
        locator="\n".join(f"[{ref.doi}] {ref.title}" for ref in refs)
        if provenance == "cited_source"
        else "A test's reasoning.",
        certainty_rationale="A test's evidence.",
        **grading,
    )


def plan_for(world, *, disorder="disorder", compound="drug", profile=(), reverse_rows=False):
    """The plan built from the test's rows (``t-*``), read in slug order or, if asked, reversed."""
    rows = list(Guidance.objects.filter(slug__startswith="t-").order_by("slug"))
    content = GuidanceContent(
        guidance=rows[::-1] if reverse_rows else rows,
        safety_statements=list(SafetyStatement.objects.filter(slug__startswith="t-")),
        parents=dict(Disorder.objects.values_list("id", "parent_id")),
        minimum_standards=list(Modality.objects.exclude(minimum_standard_phase="")),
    )
    return recommend(
        disorder=world[disorder],
        compound=world[compound],
        profile=[world[p] for p in profile],
        content=content,
    )


def ranked(plan) -> list[str]:
    return [item.lead.guidance.slug for item in plan.recommendations]


def test_a_tested_pairing_outranks_disorder_level_and_general_guidance(world):
    d, c = world["disorder"], world["drug"]
    guidance(world, "t-general", "education", phase="preparation", strength="standard")
    guidance(world, "t-disorder", "alpha", disorder=d)
    guidance(
        world,
        "t-trial",
        "beta",
        disorder=d,
        compound=c,
        strength="trial",
        refs=[world["rct"]],
        certainty="high",
    )

    plan = plan_for(world)

    by_score = sorted(plan.recommendations, key=lambda item: -item.score)
    assert [i.lead.guidance.slug for i in by_score] == ["t-trial", "t-general", "t-disorder"]
    trial = by_score[0]
    assert trial.lead.components == ScoreComponents(
        specificity=40, profile=0, strength=30, evidence=10
    )
    assert trial.score == 80
    assert [i.lead.specificity for i in by_score] == ["disorder_compound", "general", "disorder"]
    # The flat list runs in treatment order, then by score within each phase.
    assert ranked(plan) == ["t-general", "t-trial", "t-disorder"]
    assert plan.tops["integration"] is trial


def test_the_evidence_points_are_the_lead_row_s_certainty_not_its_references_design(world):
    d, c = world["disorder"], world["drug"]
    trial = {"disorder": d, "compound": c, "strength": "trial", "refs": [world["rct"]]}
    # Both cite the same trial; an editor lowered one row's certainty. Only the certainty can put
    # the beta row first: on equal scores the modality name would put alpha first.
    guidance(world, "t-lowered", "alpha", certainty="low", **trial)
    guidance(world, "t-high", "beta", certainty="high", **trial)

    plan = plan_for(world)

    assert ranked(plan) == ["t-high", "t-lowered"]
    assert [item.lead.components.evidence for item in plan.recommendations] == [10, 4]
    assert plan.overall_certainty == "high"


def test_rows_for_other_disorders_compounds_or_unrequested_factors_do_not_apply(world):
    guidance(world, "t-other-disorder", "alpha", disorder=world["other_disorder"])
    guidance(world, "t-other-drug", "alpha", compound=world["other_drug"])
    guidance(world, "t-profile", "somatic", profile_factor=world["factor"])
    guidance(world, "t-general", "beta")

    assert ranked(plan_for(world)) == ["t-general"]


def test_a_profile_factor_adds_and_lifts_the_guidance_chosen_for_it(world):
    guidance(world, "t-general", "alpha", strength="standard")
    guidance(world, "t-profile", "somatic", profile_factor=world["factor"])

    plan = plan_for(world, profile=["factor"])

    assert ranked(plan) == ["t-profile", "t-general"]
    assert plan.recommendations[0].lead.components.profile == 25
    assert plan.recommendations[0].lead.specificity == "profile"


def test_a_parent_disorder_s_guidance_applies_to_its_subtype_slightly_discounted(world):
    guidance(world, "t-parent", "alpha", disorder=world["parent"])
    guidance(world, "t-own", "beta", disorder=world["disorder"])

    plan = plan_for(world)

    assert ranked(plan) == ["t-own", "t-parent"]
    parent_item = plan.recommendations[1]
    assert parent_item.lead.inherited_from == world["parent"]
    assert parent_item.lead.components.specificity == 15
    assert plan.recommendations[0].lead.inherited_from is None


def test_ties_break_by_phase_then_modality_name_then_slug_whatever_order_rows_are_read_in(world):
    # Every row scores the same (general, proposal, expert opinion). The slugs run against the
    # modality names (beta's row sorts first by slug), so only the modality name can put alpha
    # first; two alpha rows in one phase merge, and only the slug decides which one leads.
    guidance(world, "t-a-beta", "beta")
    guidance(world, "t-z-alpha", "alpha")
    guidance(world, "t-m-alpha", "alpha")
    guidance(world, "t-z-prep", "education", phase="preparation")
    expected = [("t-z-prep", []), ("t-m-alpha", ["t-z-alpha"]), ("t-a-beta", [])]

    for reverse_rows in (False, True):
        plan = plan_for(world, reverse_rows=reverse_rows)
        assert len({item.score for item in plan.recommendations}) == 1
        assert [
            (item.lead.guidance.slug, [m.guidance.slug for m in item.supporting])
            for item in plan.recommendations
        ] == expected, f"rows read {'reversed' if reverse_rows else 'in slug order'}"


def test_rows_for_the_same_modality_and_phase_merge_under_the_best(world):
    guidance(world, "t-general-alpha", "alpha")
    guidance(
        world,
        "t-trial-alpha",
        "alpha",
        disorder=world["disorder"],
        compound=world["drug"],
        strength="trial",
        refs=[world["rct"]],
    )

    plan = plan_for(world)

    [item] = plan.recommendations
    assert item.lead.guidance.slug == "t-trial-alpha"
    assert [m.guidance.slug for m in item.supporting] == ["t-general-alpha"]


def test_phases_group_the_items_in_treatment_order(world):
    guidance(world, "t-int", "alpha", strength="trial")
    guidance(world, "t-prep", "education", phase="preparation")

    phases = plan_for(world).phases

    assert list(phases) == ["preparation", "medication_session", "integration"]
    assert [i.lead.guidance.slug for i in phases["preparation"]] == ["t-prep"]
    assert phases["medication_session"] == []


def test_without_pairing_evidence_the_plan_still_comes_and_says_so(world):
    guidance(world, "t-prep", "education", phase="preparation", strength="standard")
    guidance(world, "t-disorder", "alpha", disorder=world["disorder"])
    SafetyStatementFactory(slug="t-no-pairing", trigger="no_pairing_evidence", severity="caution")
    SafetyStatementFactory(slug="t-always", severity="info")

    plan = plan_for(world)

    assert ranked(plan) == ["t-prep", "t-disorder"]
    assert plan.evidence_level == "none"
    assert not plan.has_pairing_evidence
    assert [w.code for w in plan.warnings] == ["t-no-pairing", "t-always"]


def test_with_pairing_evidence_the_fallback_warning_is_left_out(world):
    guidance(world, "t-prep", "education", phase="preparation", strength="standard")
    guidance(
        world,
        "t-trial",
        "alpha",
        disorder=world["disorder"],
        compound=world["drug"],
        strength="trial",
        refs=[world["rct"], world["opinion"]],
    )
    SafetyStatementFactory(slug="t-no-pairing", trigger="no_pairing_evidence")

    plan = plan_for(world)

    assert plan.has_pairing_evidence
    assert plan.evidence_level == "randomized_controlled_trial"
    assert plan.warnings == []


def test_safety_statements_apply_by_scope_and_sort_by_severity(world):
    guidance(world, "t-prep", "education", phase="preparation")
    guidance(world, "t-int", "alpha")
    SafetyStatementFactory(slug="t-info", severity="info")
    SafetyStatementFactory(slug="t-parent", severity="caution", disorder=world["parent"])
    SafetyStatementFactory(slug="t-drug", severity="critical", compound=world["drug"])
    SafetyStatementFactory(
        slug="t-elsewhere", severity="critical", disorder=world["other_disorder"]
    )
    SafetyStatementFactory(slug="t-factor", severity="critical", profile_factor=world["factor"])

    assert [w.code for w in plan_for(world).warnings] == ["t-drug", "t-parent", "t-info"]
    with_factor = plan_for(world, profile=["factor"])
    assert [w.code for w in with_factor.warnings] == ["t-drug", "t-factor", "t-parent", "t-info"]


def test_a_plan_without_psychoeducation_or_integration_says_what_is_missing(world):
    guidance(world, "t-only-prep", "alpha", phase="integration")
    world["alpha"].serves_preparation = True
    world["alpha"].save()
    Guidance.objects.filter(slug="t-only-prep").update(phase="preparation")

    codes = [w.code for w in plan_for(world).warnings]

    assert codes == ["incomplete-plan-preparation", "incomplete-plan-integration"]


def test_the_minimum_standards_are_read_from_the_modalities_not_from_code(world):
    guidance(world, "t-education", "education", phase="preparation")
    guidance(world, "t-alpha-integration", "alpha")
    assert [w.code for w in plan_for(world).warnings] == []

    Modality.objects.filter(pk=world["beta"].pk).update(minimum_standard_phase="integration")
    warnings = plan_for(world).warnings

    assert [(w.code, w.title) for w in warnings] == [
        ("incomplete-plan-integration", "No beta in integration")
    ]


def test_a_factor_lifts_the_whole_item_even_when_another_row_leads_it(world):
    guidance(world, "t-disorder-alpha", "alpha", disorder=world["disorder"], certainty="very_low")
    guidance(world, "t-factor-alpha", "alpha", profile_factor=world["factor"], strength="inferred")
    guidance(world, "t-general-beta", "beta", strength="standard")

    plan = plan_for(world, profile=["factor"])

    alpha = plan.recommendations[0]
    assert alpha.lead.guidance.slug == "t-disorder-alpha"
    assert [m.guidance.slug for m in alpha.supporting] == ["t-factor-alpha"]
    # Specificity, strength and evidence (its certainty) are the lead's; the profile points are
    # the supporting row's.
    assert alpha.components == ScoreComponents(specificity=20, profile=25, strength=10, evidence=1)
    assert ranked(plan) == ["t-disorder-alpha", "t-general-beta"]


def test_the_matrix_summary_agrees_with_each_plan(world):
    from guidance.recommendations import summarize

    d, c = world["disorder"], world["drug"]
    guidance(world, "t-prep", "education", phase="preparation", strength="standard")
    guidance(world, "t-parent", "alpha", disorder=world["parent"])
    guidance(
        world, "t-trial", "beta", disorder=d, compound=c, strength="trial", refs=[world["rct"]]
    )
    guidance(world, "t-drug", "alpha", compound=world["other_drug"], strength="framework")
    guidance(world, "t-factor", "somatic", profile_factor=world["factor"], strength="trial")
    content = GuidanceContent(
        guidance=list(Guidance.objects.filter(slug__startswith="t-")),
        safety_statements=[],
        parents=dict(Disorder.objects.values_list("id", "parent_id")),
        minimum_standards=list(Modality.objects.exclude(minimum_standard_phase="")),
    )
    disorders = [world["disorder"], world["parent"], world["other_disorder"]]
    compounds = [world["drug"], world["other_drug"]]

    cells = summarize(disorders=disorders, compounds=compounds, content=content)

    assert len(cells) == 6
    for cell in cells:
        plan = recommend(disorder=cell.disorder, compound=cell.compound, content=content)
        for phase, top in cell.tops.items():
            planned = plan.tops[phase]
            assert (top is None) == (planned is None)
            if top is not None:
                assert top.guidance in {m.guidance for m in (planned.lead, *planned.supporting)}
        assert cell.verdict == plan.verdict
        assert cell.overall_certainty == plan.overall_certainty
        assert cell.evidence_level == plan.evidence_level
        assert cell.has_pairing_evidence == plan.has_pairing_evidence
