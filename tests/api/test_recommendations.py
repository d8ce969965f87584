"""The recommendation endpoint and the matrix, on the real content."""

import pytest
from django.urls import reverse

from compounds.models import Compound
from disorders.models import Disorder
from guidance.models import Guidance
from tests.admin_forms import guidance_form

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


def seeds(entry: dict) -> list[int]:
    return [r["seed_number"] for r in entry["references"]]


def test_alcohol_use_disorder_with_ketamine_leads_with_the_two_trial_pairings(client):
    body = plan(client, disorder="alcohol-use-disorder", compound="ketamine")

    integration = body["phases"]["integration"]["items"]
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
        {"specificity": 40, "profile": 0, "strength": 30, "evidence": 4}
    ] * 2
    assert [i["score"] for i in top_two] == [74, 74]
    assert integration[2]["score"] < 74
    assert body["phases"]["integration"]["top"]["modality"]["slug"] == (
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


def test_the_plan_echoes_the_request_and_gives_the_window_and_version(client):
    body = plan(client, disorder="alcohol-use-disorder", compound="ketamine")
    assert body["disorder"] == {"slug": "alcohol-use-disorder", "name": "Alcohol use disorder"}
    assert body["compound"] == {"slug": "ketamine", "name": "Ketamine"}
    assert body["profile"] == []
    plasticity = body["plasticity"]
    assert plasticity["onset_hours"] == {"min": 24, "max": 72}
    assert plasticity["window_duration_hours"] is None
    assert "does not state how long the window" in plasticity["window_duration_note"]
    assert plasticity["provenance"] == "article"
    assert plasticity["locator"]
    assert 23 in seeds(plasticity)
    assert body["content_version"]
    assert body["content_version"] == client.get("/api/v1/meta/").json()["content_version"]
    assert body["disclaimer"].startswith("Not medical advice.")


def test_a_parent_disorder_s_safety_statement_reaches_the_subtype(client):
    body = plan(client, disorder="alcohol-use-disorder", compound="ketamine")
    codes = [w["code"] for w in body["warnings"]]
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


@pytest.mark.parametrize(
    ("compound", "scoped"),
    [("psilocybin", True), ("lsd", True), ("ketamine", False), ("mdma", False)],
)
def test_classic_hallucinogen_research_guidelines_reach_only_classic_psychedelic_plans(
    client, compound, scoped
):
    body = plan(client, disorder="major-depressive-disorder", compound=compound)
    warnings = {w["code"]: w for w in body["warnings"]}
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
    top = body["phases"]["integration"]["top"]
    assert top["modality"]["slug"] == "acceptance-and-commitment-therapy"
    assert {90, 91} <= set(seeds(top))
    assert top["strength"] == "framework"
    assert body["evidence_level"] == "treatment_manual"


def test_ptsd_with_mdma_rests_on_the_article_not_on_a_phase_3_trial(client):
    body = plan(client, disorder="ptsd", compound="mdma")
    top = body["phases"]["integration"]["items"][0]
    assert body["phases"]["integration"]["top"] == top
    assert top["modality"]["slug"] == "multimodal-integration"
    assert top["guidance"] == "ptsd-mdma-multimodal-integration"
    assert top["specificity"] == "disorder_compound"
    assert top["provenance"] == "article"
    assert top["strength"] == "proposal"
    assert top["certainty"] == "very_low"
    assert top["score_components"] == {
        "specificity": 40,
        "profile": 0,
        "strength": 10,
        "evidence": 1,
    }
    assert 83 not in seeds(top)
    assert seeds(top) == [13, 45, None]
    assert "reports no trial of MDMA-assisted therapy for PTSD" in top["rationale"]
    assert body["has_pairing_evidence"] is True
    assert body["overall_certainty"] == "very_low"
    codes = [w["code"] for w in body["warnings"]]
    assert "ptsd-fear-circuit-reinforcement" in codes
    assert "no-pairing-evidence" not in codes


def test_dissociative_tendencies_surface_somatic_techniques(client):
    without = plan(client, disorder="ptsd", compound="mdma")
    assert "somatic-techniques" not in [i["modality"]["slug"] for i in without["recommendations"]]

    body = plan(client, disorder="ptsd", compound="mdma", profile="dissociative-tendencies")

    somatic = item(body, "somatic-techniques")
    assert somatic["score_components"]["profile"] == 25
    assert somatic["specificity"] == "profile"
    assert body["phases"]["integration"]["items"][1]["modality"]["slug"] == "somatic-techniques"
    assert body["profile"] == [
        {"slug": "dissociative-tendencies", "name": "Dissociative tendencies"}
    ]


def test_several_profile_factors_are_comma_separated_and_duplicates_ignored(client):
    body = plan(
        client,
        disorder="major-depressive-disorder",
        compound="ketamine",
        profile="negative-thought-patterns,experiential-avoidance,negative-thought-patterns",
    )
    assert [f["slug"] for f in body["profile"]] == [
        "negative-thought-patterns",
        "experiential-avoidance",
    ]
    top = body["phases"]["integration"]["items"][0]
    assert top["modality"]["slug"] == "cognitive-behavioral-therapy"
    assert top["score_components"]["profile"] == 25
    assert "negative-thought-patterns-cbt-integration" in [s["slug"] for s in top["supporting"]]


def test_without_pairing_evidence_the_plan_falls_back_and_warns(client):
    body = plan(client, disorder="ptsd", compound="ketamine")
    assert body["has_pairing_evidence"] is False
    assert body["evidence_level"] == "none"
    assert {i["specificity"] for i in body["recommendations"]} == {"general"}
    no_pairing = next(w for w in body["warnings"] if w["code"] == "no-pairing-evidence")
    assert body["overall_certainty"] is None
    assert no_pairing["severity"] == "caution"
    assert no_pairing["provenance"] == "article"
    assert "holds no guidance specific to this disorder with this compound" in no_pairing["message"]
    assert (
        "needs careful therapeutic guidance to avoid maladaptive outcomes"
        in (no_pairing["message"])
    )
    assert "ptsd-fear-circuit-reinforcement" in [w["code"] for w in body["warnings"]]


def test_lsd_has_no_window_but_the_plan_says_why(client):
    plasticity = plan(client, disorder="anxiety-disorders", compound="lsd")["plasticity"]
    assert plasticity["onset_hours"] is None
    assert plasticity["window_duration_hours"] is None
    assert "never names LSD" in plasticity["statement"]
    assert seeds(plasticity) == [23, None]


def test_every_disorder_and_compound_gets_a_complete_cited_phased_plan(client):
    for disorder in Disorder.objects.values_list("slug", flat=True):
        for compound in Compound.objects.values_list("slug", flat=True):
            body = plan(client, disorder=disorder, compound=compound)
            phases = body["phases"]
            assert list(phases) == ["preparation", "medication_session", "integration"]
            assert phases["preparation"]["items"][0]["modality"]["slug"] == "psychoeducation"
            assert phases["medication_session"]["items"]
            assert phases["integration"]["items"]
            assert all(phase["top"] for phase in phases.values()), (disorder, compound)
            assert all(i["references"] for i in body["recommendations"]), (disorder, compound)
            assert all(w["references"] for w in body["warnings"]), (disorder, compound)
            for phase in phases.values():
                ranked = [i["score"] for i in phase["items"]]
                assert ranked == sorted(ranked, reverse=True)


def test_an_admin_edit_changes_the_next_answer(editor):
    before = plan(editor, disorder="alcohol-use-disorder", compound="ketamine")
    first = before["phases"]["integration"]["items"][0]
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
    assert body["phases"]["integration"]["items"][0]["modality"]["slug"] == (
        "relapse-prevention-therapy"
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"compound": "ketamine"}, "disorder", "Required: the slug of a disorder; valid: "),
        ({"disorder": "ptsd"}, "compound", "Required: the slug of a compound; valid: ketamine, "),
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
            "At most 10 factors; valid: dissociative-tendencies",
        ),
        ({"disorder": "ptsd", "compound": "mdma", "dose": "high"}, "dose", "Unknown parameter"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter_and_the_valid_choices(
    client, params, field, message
):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    assert list(errors) == [field]
    assert message in errors[field][0]


def test_unknown_slug_errors_list_every_valid_slug(client):
    response = client.get(URL, {"disorder": "depression", "compound": "mdma"})
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["disorder"]
    for slug in Disorder.objects.values_list("slug", flat=True):
        assert slug in errors["disorder"][0]


def test_a_repeated_parameter_is_a_400(client):
    response = client.get(f"{URL}?disorder=ptsd&disorder=ocd&compound=mdma")
    assert response.status_code == 400
    assert response.json() == {"disorder": ["Given more than once; give it once."]}


def test_the_matrix_covers_every_disorder_and_compound(client):
    body = client.get("/api/v1/recommendations/matrix/").json()
    disorders = Disorder.objects.count()
    compounds = Compound.objects.count()
    assert len(body["disorders"]) == disorders
    assert len(body["compounds"]) == compounds
    assert len(body["cells"]) == disorders * compounds
    cells = {(c["disorder"], c["compound"]): c for c in body["cells"]}
    aud = cells[("alcohol-use-disorder", "ketamine")]
    assert aud["evidence_level"] == "randomized_controlled_trial"
    assert aud["verdict"] == "pairing_evidence"
    assert aud["overall_certainty"] == "low"
    top = aud["tops"]["integration"]
    assert top["modality"]["slug"] == "motivational-enhancement-therapy"
    assert (top["specificity"], top["certainty"]) == ("disorder_compound", "low")
    assert aud["tops"]["preparation"]["modality"]["slug"] == "psychoeducation"
    ptsd = cells[("ptsd", "mdma")]["tops"]["integration"]
    assert ptsd["modality"]["slug"] == "multimodal-integration"
    assert cells[("schizophrenia", "lsd")]["evidence_level"] == "none"
    assert cells[("schizophrenia", "lsd")]["has_pairing_evidence"] is False


def test_the_matrix_agrees_with_the_single_plan(client):
    cells = client.get("/api/v1/recommendations/matrix/").json()["cells"]
    for cell in cells:
        body = plan(client, disorder=cell["disorder"], compound=cell["compound"])
        for phase, top in cell["tops"].items():
            planned = body["phases"][phase]["top"]
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
    assert [p["slug"] for p in comma["profile"]] == [
        "dissociative-tendencies",
        "experiential-avoidance",
    ]
    assert repeated == comma
    assert both == comma


@pytest.mark.parametrize("blank", ["%20", "", "dissociative-tendencies&profile=%20"])
def test_a_blank_profile_factor_is_a_400(client, blank):
    response = client.get(f"/api/v1/recommendations/?disorder=ptsd&compound=mdma&profile={blank}")
    assert response.status_code == 400
    assert response.json() == {"profile": ["Empty; give a value or leave the parameter out."]}


def test_the_schema_says_profile_is_repeated_as_generators_send_it(client):
    schema = client.get("/api/schema/?format=json").json()
    [parameter] = [
        p
        for p in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
        if p["name"] == "profile"
    ]
    assert (parameter["style"], parameter["explode"]) == ("form", True)
    assert parameter["schema"]["type"] == "array"
