"""The recommendation endpoint and the matrix, on the real content."""

import pytest
from django.urls import reverse

from compounds.models import Compound
from disorders.models import Disorder
from guidance.models import Guidance
from tests.admin_forms import guidance_form
from tests.problems import messages, problem, valid

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"


def plan(client, **params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return response.json()


def item(body: dict, modality: str, phase: str = "integration") -> dict:
    return next(
        i
        for i in body["recommendations"]
        if i["modality"]["slug"] == modality and i["phase"] == phase
    )


def phase(body: dict, name: str) -> dict:
    """One phase of a plan (or of a matrix cell), from its list of phases."""
    return next(p for p in body["phases"] if p["phase"] == name)


def seeds(entry: dict) -> list[int]:
    return [r["seed_number"] for r in entry["references"]]


def test_alcohol_use_disorder_with_ketamine_leads_with_the_two_trial_pairings(client):
    body = plan(client, disorder="alcohol-use-disorder", compound="ketamine")

    integration = phase(body, "integration")["items"]
    top_two = integration[:2]
    # Both trials are graded low, so they tie on score and are ordered by modality name.
    assert [i["modality"]["slug"] for i in top_two] == [
        "motivational-enhancement-therapy",
        "relapse-prevention-therapy",
    ]
    assert [seeds(i) for i in top_two] == [[80], [78]]
    assert all(i["specificity"] == "disorder_compound" for i in top_two)
    assert all(i["provenance"] == "cited_source" for i in top_two)
    assert [i["certainty"] for i in top_two] == ["low", "low"]
    assert [i["score_components"] for i in top_two] == [
        {"specificity": 40, "profile_factor": 0, "strength": 30, "evidence": 4}
    ] * 2
    assert [i["score"] for i in top_two] == [74, 74]
    assert integration[2]["score"] < 74
    assert phase(body, "integration")["top"]["modality"]["slug"] == (
        "motivational-enhancement-therapy"
    )
    assert body["evidence_level"] == "randomized_controlled_trial"
    assert body["has_pairing_evidence"] is True
    assert body["overall_certainty"] == "low"
    met = item(body, "motivational-enhancement-therapy")
    assert [s["slug"] for s in met["supporting"]] == [
        "sud-met-integration",
        "general-met-integration",
    ]
    sud = met["supporting"][0]
    assert sud["url"] == "http://testserver/api/v1/guidance/sud-met-integration/"
    assert sud["scope"] == {
        "disorder": {
            "slug": "substance-use-disorders",
            "name": "Substance use disorders",
            "url": "http://testserver/api/v1/disorders/substance-use-disorders/",
        },
        "compound": None,
        "profile_factor": None,
    }


def test_the_plan_echoes_the_request_and_gives_the_window_and_version(client):
    body = plan(client, disorder="alcohol-use-disorder", compound="ketamine")
    assert body["disorder"] == {
        "slug": "alcohol-use-disorder",
        "name": "Alcohol use disorder",
        "url": "http://testserver/api/v1/disorders/alcohol-use-disorder/",
    }
    assert body["compound"] == {
        "slug": "ketamine",
        "name": "Ketamine",
        "url": "http://testserver/api/v1/compounds/ketamine/",
    }
    assert body["profile_factors"] == []
    assert "profile" not in body
    plasticity = body["plasticity"]
    assert plasticity["onset_hours"] == {"min": 24, "max": 72}
    assert plasticity["window_duration_hours"] is None
    assert "does not state how long the window" in plasticity["window_duration_note"]
    assert plasticity["statement"]["provenance"] == "article"
    assert plasticity["statement"]["locator"]
    assert 23 in seeds(plasticity["statement"])
    assert body["content_version"]
    assert body["content_version"] == client.get("/api/v1/meta/").json()["content_version"]
    assert body["disclaimer"].startswith("Not medical advice.")


def test_a_parent_disorder_s_safety_statement_reaches_the_subtype(client):
    body = plan(client, disorder="alcohol-use-disorder", compound="ketamine")
    codes = [w["slug"] for w in body["warnings"]]
    assert "sud-reward-pathway-plasticity" in codes
    assert "no-pairing-evidence" not in codes
    # Most severe first; the research-ethics minimum of ref 75 is information, so it comes last.
    assert codes == [
        "sud-reward-pathway-plasticity",
        "unguided-plasticity",
        "differential-effects-unknown",
        "minimum-preparation-standard",
    ]
    assert [w["severity"] for w in body["warnings"]] == ["caution", "caution", "info", "info"]
    assert seeds(body["warnings"][-1]) == [75]
    assert all(w["provenance"] == "article" for w in body["warnings"])
    assert [w["url"] for w in body["warnings"]] == [
        f"http://testserver/api/v1/safety-statements/{code}/" for code in codes
    ]


@pytest.mark.parametrize(
    ("compound", "scoped"),
    [("psilocybin", True), ("lsd", True), ("ketamine", False), ("mdma", False)],
)
def test_classic_hallucinogen_research_guidelines_reach_only_classic_psychedelic_plans(
    client, compound, scoped
):
    body = plan(client, disorder="major-depressive-disorder", compound=compound)
    warnings = {w["slug"]: w for w in body["warnings"]}
    assert ("psychosis-history-screening" in warnings) is scoped
    assert ("session-safety-supervision" in warnings) is scoped
    assert "psychosis-history-exclusion" not in warnings
    if scoped:
        screening = warnings["psychosis-history-screening"]
        assert screening["provenance"] == "cited_source"
        assert screening["severity"] == "caution"
        assert seeds(screening) == [75]


def test_depression_with_psilocybin_surfaces_act_citing_the_yale_manual(client):
    body = plan(client, disorder="major-depressive-disorder", compound="psilocybin")
    top = phase(body, "integration")["top"]
    assert top["modality"]["slug"] == "acceptance-and-commitment-therapy"
    assert {90, 91} <= set(seeds(top))
    assert top["strength"] == "framework"
    assert body["evidence_level"] == "treatment_manual"


def test_ptsd_with_mdma_rests_on_the_article_not_on_a_phase_3_trial(client):
    body = plan(client, disorder="ptsd", compound="mdma")
    top = phase(body, "integration")["items"][0]
    assert phase(body, "integration")["top"] == top
    assert top["modality"]["slug"] == "multimodal-integration"
    assert top["leading_guidance"] == {
        "slug": "ptsd-mdma-multimodal-integration",
        "name": "Multimodal integration therapy in the integration phase, for posttraumatic "
        "stress disorder (PTSD) with MDMA",
        "url": "http://testserver/api/v1/guidance/ptsd-mdma-multimodal-integration/",
    }
    assert top["specificity"] == "disorder_compound"
    assert top["provenance"] == "article"
    assert top["strength"] == "proposal"
    assert top["certainty"] == "very_low"
    assert top["score_components"] == {
        "specificity": 40,
        "profile_factor": 0,
        "strength": 10,
        "evidence": 1,
    }
    assert 83 not in seeds(top)
    assert seeds(top) == [13, 45, None]
    assert "reports no trial of MDMA-assisted therapy for PTSD" in top["rationale"]
    assert body["has_pairing_evidence"] is True
    assert body["overall_certainty"] == "very_low"
    codes = [w["slug"] for w in body["warnings"]]
    assert "ptsd-fear-circuit-reinforcement" in codes
    assert "no-pairing-evidence" not in codes


def test_dissociative_tendencies_surface_somatic_techniques(client):
    without = plan(client, disorder="ptsd", compound="mdma")
    assert "somatic-techniques" not in [i["modality"]["slug"] for i in without["recommendations"]]

    body = plan(client, disorder="ptsd", compound="mdma", profile="dissociative-tendencies")

    somatic = item(body, "somatic-techniques")
    assert somatic["score_components"]["profile_factor"] == 25
    assert somatic["specificity"] == "profile"
    assert phase(body, "integration")["items"][1]["modality"]["slug"] == "somatic-techniques"
    assert body["profile_factors"] == [
        {
            "slug": "dissociative-tendencies",
            "name": "Dissociative tendencies",
            "url": "http://testserver/api/v1/profile-factors/dissociative-tendencies/",
        }
    ]


def test_several_profile_factors_are_comma_separated_and_duplicates_ignored(client):
    body = plan(
        client,
        disorder="major-depressive-disorder",
        compound="ketamine",
        profile="negative-thought-patterns,experiential-avoidance,negative-thought-patterns",
    )
    assert [f["slug"] for f in body["profile_factors"]] == [
        "negative-thought-patterns",
        "experiential-avoidance",
    ]
    top = phase(body, "integration")["items"][0]
    assert top["modality"]["slug"] == "cognitive-behavioral-therapy"
    assert top["score_components"]["profile_factor"] == 25
    assert "negative-thought-patterns-cbt-integration" in [s["slug"] for s in top["supporting"]]


def test_without_pairing_evidence_the_plan_falls_back_and_warns(client):
    body = plan(client, disorder="ptsd", compound="ketamine")
    assert body["has_pairing_evidence"] is False
    assert body["evidence_level"] == "none"
    assert {i["specificity"] for i in body["recommendations"]} == {"general"}
    no_pairing = next(w for w in body["warnings"] if w["slug"] == "no-pairing-evidence")
    assert body["overall_certainty"] is None
    assert no_pairing["severity"] == "caution"
    assert no_pairing["provenance"] == "article"
    assert "holds no guidance specific to this disorder with this compound" in no_pairing["message"]
    assert (
        "needs careful therapeutic guidance to avoid maladaptive outcomes"
        in (no_pairing["message"])
    )
    assert "ptsd-fear-circuit-reinforcement" in [w["slug"] for w in body["warnings"]]


def test_a_gap_in_the_content_is_a_warning_with_a_slug_and_no_safety_statement(client):
    Guidance.objects.filter(phase="integration").update(status="draft", published_at=None)
    body = plan(client, disorder="ptsd", compound="mdma")
    [gap] = [w for w in body["warnings"] if w["kind"] == "content_gap"]
    assert gap["slug"] == "incomplete-plan-integration"
    assert gap["url"] is None
    assert (gap["provenance"], gap["references"], gap["locator"]) == (None, [], [])
    assert phase(body, "integration") == {
        "phase": "integration",
        "label": "Integration",
        "top": None,
        "items": [],
    }
    statements = [w for w in body["warnings"] if w["kind"] != "content_gap"]
    assert statements
    assert all(w["url"].endswith(f"/safety-statements/{w['slug']}/") for w in statements)


def test_lsd_has_no_window_but_the_plan_says_why(client):
    plasticity = plan(client, disorder="anxiety-disorders", compound="lsd")["plasticity"]
    assert plasticity["onset_hours"] is None
    assert plasticity["window_duration_hours"] is None
    assert "never names LSD" in plasticity["statement"]["text"]
    assert seeds(plasticity["statement"]) == [23, None]


def test_every_disorder_and_compound_gets_a_complete_cited_phased_plan(client):
    for disorder in Disorder.objects.values_list("slug", flat=True):
        for compound in Compound.objects.values_list("slug", flat=True):
            body = plan(client, disorder=disorder, compound=compound)
            phases = body["phases"]
            assert [(p["phase"], p["label"]) for p in phases] == [
                ("preparation", "Preparation"),
                ("medication_session", "Medication session"),
                ("integration", "Integration"),
            ]
            assert phases[0]["items"][0]["modality"]["slug"] == "psychoeducation"
            assert phases[1]["items"]
            assert phases[2]["items"]
            assert all(p["top"] for p in phases), (disorder, compound)
            assert all(i["references"] for i in body["recommendations"]), (disorder, compound)
            assert all(w["references"] for w in body["warnings"]), (disorder, compound)
            for p in phases:
                ranked = [i["score"] for i in p["items"]]
                assert ranked == sorted(ranked, reverse=True)
                assert {i["phase"] for i in p["items"]} <= {p["phase"]}


def test_an_admin_edit_changes_the_next_answer(editor):
    before = plan(editor, disorder="alcohol-use-disorder", compound="ketamine")
    first = phase(before, "integration")["items"][0]
    assert first["modality"]["slug"] == "motivational-enhancement-therapy"

    row = Guidance.objects.get(slug="aud-ketamine-met-integration")
    change = reverse("admin:guidance_guidance_change", args=[row.pk])
    form = guidance_form(
        row,
        strength="proposal",
        certainty="very_low",
        certainty_rationale="Lowered by an editor: one small pilot.",
        rationale="Demoted by an editor.",
    )
    assert editor.post(change, form).status_code == 302

    body = plan(editor, disorder="alcohol-use-disorder", compound="ketamine")

    met = item(body, "motivational-enhancement-therapy")
    assert met["rationale"] == "Demoted by an editor."
    assert met["certainty"] == "very_low"
    assert met["score_components"]["strength"] == 10
    assert met["score_components"]["evidence"] == 1
    assert phase(body, "integration")["items"][0]["modality"]["slug"] == (
        "relapse-prevention-therapy"
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"compound": "ketamine"},
            "disorder",
            "Required: the slug of a disorder (or disorder_code=system|code); valid: ",
        ),
        (
            {"disorder": "ptsd"},
            "compound",
            "Required: the slug of a compound (or compound_code=system|code); valid: ketamine, ",
        ),
        ({"disorder": "", "compound": "mdma"}, "disorder", "Required: the slug of a disorder"),
        ({"disorder": "ptsd", "compound": "ayahuasca"}, "compound", "Unknown compound 'ayahuasca'"),
        ({"disorder": "PTSD", "compound": "mdma"}, "disorder", "Unknown disorder 'PTSD'; valid:"),
        (
            {"disorder": "ptsd'; DROP TABLE guidance;--", "compound": "mdma"},
            "disorder",
            "Unknown disorder",
        ),
        ({"disorder": "p" * 81, "compound": "mdma"}, "disorder", "Longer than 80 characters"),
        (
            {"disorder": "ptsd", "compound": "mdma", "profile": "dissociative-tendencies,calm"},
            "profile",
            "Unknown profile factor(s) 'calm'; valid: dissociative-tendencies, experiential",
        ),
        (
            {"disorder": "ptsd", "compound": "mdma", "profile": "x," * 420},
            "profile",
            "Longer than 810 characters; give at most 10 of: dissociative-tendencies,",
        ),
        (
            {"disorder": "ptsd", "compound": "mdma", "profile": ",".join("abcdefghijk")},
            "profile",
            "At most 10 profile factors; valid: dissociative-tendencies",
        ),
        ({"disorder": "ptsd", "compound": "mdma", "dose": "high"}, "dose", "Unknown parameter"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter_and_the_valid_choices(
    client, params, field, message
):
    body = problem(client.get(URL, params), 400, "invalid-parameter")
    assert list(messages(body)) == [field]
    assert message in messages(body)[field][0]


def test_unknown_slug_errors_list_every_valid_slug(client):
    body = problem(client.get(URL, {"disorder": "depression", "compound": "mdma"}), 400)
    assert list(messages(body)) == ["disorder"]
    slugs = sorted(Disorder.objects.values_list("slug", flat=True))
    assert valid(body, "disorder") == slugs
    for slug in slugs:
        assert slug in messages(body)["disorder"][0]


def test_a_repeated_parameter_is_a_400(client):
    body = problem(client.get(f"{URL}?disorder=ptsd&disorder=ocd&compound=mdma"), 400)
    assert messages(body) == {"disorder": ["Given more than once; give it once."]}


def test_the_matrix_covers_every_disorder_and_compound(client):
    body = client.get("/api/v1/recommendations/matrix/").json()
    disorders = Disorder.objects.count()
    compounds = Compound.objects.count()
    assert len(body["disorders"]) == disorders
    assert len(body["compounds"]) == compounds
    assert len(body["cells"]) == disorders * compounds
    cells = {(c["disorder"]["slug"], c["compound"]["slug"]): c for c in body["cells"]}
    aud = cells[("alcohol-use-disorder", "ketamine")]
    assert (
        aud["disorder"]
        == body["disorders"][0]
        == {
            "slug": "alcohol-use-disorder",
            "name": "Alcohol use disorder",
            "url": "http://testserver/api/v1/disorders/alcohol-use-disorder/",
        }
    )
    assert aud["evidence_level"] == "randomized_controlled_trial"
    assert aud["verdict"] == "pairing_evidence"
    assert aud["overall_certainty"] == "low"
    assert [p["phase"] for p in aud["phases"]] == [
        "preparation",
        "medication_session",
        "integration",
    ]
    top = phase(aud, "integration")["top"]
    assert top["modality"]["slug"] == "motivational-enhancement-therapy"
    assert (top["specificity"], top["certainty"]) == ("disorder_compound", "low")
    assert phase(aud, "preparation")["top"]["modality"]["slug"] == "psychoeducation"
    ptsd = phase(cells[("ptsd", "mdma")], "integration")["top"]
    assert ptsd["modality"]["slug"] == "multimodal-integration"
    assert cells[("schizophrenia", "lsd")]["evidence_level"] == "none"
    assert cells[("schizophrenia", "lsd")]["has_pairing_evidence"] is False


def test_the_matrix_agrees_with_the_single_plan(client):
    cells = client.get("/api/v1/recommendations/matrix/").json()["cells"]
    for cell in cells:
        body = plan(client, disorder=cell["disorder"]["slug"], compound=cell["compound"]["slug"])
        for shown, planned_phase in zip(cell["phases"], body["phases"], strict=True):
            assert shown["phase"] == planned_phase["phase"]
            top, planned = shown["top"], planned_phase["top"]
            assert top["modality"] == planned["modality"]
            holding = [planned, *planned["supporting"]]
            assert top["specificity"] in {row["specificity"] for row in holding}
        assert cell["verdict"] == body["verdict"]
        assert cell["evidence_level"] == body["evidence_level"]
        assert cell["has_pairing_evidence"] == body["has_pairing_evidence"]


def test_the_matrix_pages_through_disorders(client):
    first = client.get("/api/v1/recommendations/matrix/", {"page_size": 4}).json()
    assert first["count"] == Disorder.objects.count()
    assert len(first["disorders"]) == 4
    assert len(first["cells"]) == 4 * Compound.objects.count()
    assert first["next"].endswith("page=2&page_size=4")
    last = client.get(first["next"].replace("page=2", "page=3")).json()
    assert last["next"] is None
    assert len(last["disorders"]) == Disorder.objects.count() - 8


def test_profile_factors_are_accepted_repeated_or_comma_separated_with_the_same_plan(client):
    base = "/api/v1/recommendations/?disorder=ptsd&compound=mdma"
    comma = client.get(f"{base}&profile=dissociative-tendencies,experiential-avoidance").json()
    repeated = client.get(
        f"{base}&profile=dissociative-tendencies&profile=experiential-avoidance"
    ).json()
    both = client.get(
        f"{base}&profile=dissociative-tendencies,experiential-avoidance"
        "&profile=dissociative-tendencies"
    ).json()
    assert [p["slug"] for p in comma["profile_factors"]] == [
        "dissociative-tendencies",
        "experiential-avoidance",
    ]
    assert repeated == comma
    assert both == comma


@pytest.mark.parametrize("blank", ["%20", "", "dissociative-tendencies&profile=%20"])
def test_a_blank_profile_factor_is_a_400(client, blank):
    response = client.get(f"/api/v1/recommendations/?disorder=ptsd&compound=mdma&profile={blank}")
    body = problem(response, 400, "invalid-parameter")
    assert messages(body) == {"profile": ["Empty; give a value or leave the parameter out."]}


def test_the_schema_says_profile_is_repeated_as_generators_send_it(client):
    schema = client.get("/api/schema/?format=json").json()
    [parameter] = [
        p
        for p in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
        if p["name"] == "profile"
    ]
    assert (parameter["style"], parameter["explode"]) == ("form", True)
    assert parameter["schema"]["type"] == "array"
