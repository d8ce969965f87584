"""What a plan answers first: a verdict, the contraindications apart, each phase's top approach,
and the scale of its scores; and the matrix agrees with every single plan."""

import pytest

from guidance.recommendations import SCORE_MAX

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"


def plan(client, disorder: str, compound: str) -> dict:
    response = client.get(URL, {"disorder": disorder, "compound": compound})
    assert response.status_code == 200
    return response.json()


def phase(body: dict, name: str) -> dict:
    """One phase of a plan or a matrix cell, from its list of phases in treatment order."""
    return next(p for p in body["phases"] if p["phase"] == name)


def test_what_a_client_must_show_comes_first(client):
    body = plan(client, "ptsd", "mdma")
    assert list(body)[:5] == [
        "verdict",
        "overall_certainty",
        "contraindications",
        "warnings",
        "disclaimer",
    ]


def test_schizophrenia_with_psilocybin_is_contraindicated_with_the_exclusion_apart(client):
    body = plan(client, "schizophrenia", "psilocybin")
    assert body["verdict"] == "contraindicated"
    [exclusion] = body["contraindications"]
    assert exclusion["slug"] == "psychotic-disorder-classic-psychedelic-exclusion"
    assert exclusion["url"] == (
        "http://testserver/api/v1/safety-statements/psychotic-disorder-classic-psychedelic-exclusion/"
    )
    assert exclusion["kind"] == "contraindication"
    assert [ref["seed_number"] for ref in exclusion["references"]] == [75]
    assert exclusion["provenance"] == "cited_source"
    assert "contraindication" not in {w["kind"] for w in body["warnings"]}
    assert phase(body, "integration")["items"]  # the plan is still shown, to explain why not


def test_the_exclusion_concerns_classic_psychedelics_only(client):
    assert plan(client, "schizophrenia", "lsd")["verdict"] == "contraindicated"
    for compound in ["ketamine", "mdma"]:
        body = plan(client, "schizophrenia", compound)
        assert body["verdict"] == "no_pairing_evidence"
        assert body["contraindications"] == []


def test_ptsd_with_mdma_has_pairing_evidence(client):
    body = plan(client, "ptsd", "mdma")
    assert body["verdict"] == "pairing_evidence"
    assert body["overall_certainty"] == "very_low"
    assert body["contraindications"] == []


def test_eating_disorders_with_psilocybin_has_no_pairing_evidence(client):
    body = plan(client, "eating-disorders", "psilocybin")
    assert body["verdict"] == "no_pairing_evidence"
    assert body["overall_certainty"] is None
    assert "no-pairing-evidence" in {w["slug"] for w in body["warnings"]}


def test_alcohol_use_disorder_with_psilocybin_has_met_as_the_top_of_integration(client):
    body = plan(client, "alcohol-use-disorder", "psilocybin")
    integration = phase(body, "integration")
    assert integration["top"]["modality"]["slug"] == "motivational-enhancement-therapy"
    assert integration["top"]["specificity"] != "general"
    best = integration["items"][0]
    assert best["score"] >= integration["top"]["score"]  # a general item may score higher


def test_items_run_in_treatment_order_then_by_score(client):
    body = plan(client, "alcohol-use-disorder", "ketamine")
    order = {"preparation": 0, "medication_session": 1, "integration": 2}
    keys = [(order[item["phase"]], -item["score"]) for item in body["recommendations"]]
    assert keys == sorted(keys)
    for content in body["phases"]:
        assert [i["leading_guidance"] for i in content["items"]] == [
            i["leading_guidance"] for i in body["recommendations"] if i["phase"] == content["phase"]
        ]


def test_the_score_scale_is_in_the_response(client):
    body = plan(client, "alcohol-use-disorder", "ketamine")
    assert body["score_max"] == {
        "specificity": SCORE_MAX.specificity,
        "profile_factor": SCORE_MAX.profile,
        "strength": SCORE_MAX.strength,
        "evidence": SCORE_MAX.evidence,
        "total": SCORE_MAX.total,
    }
    assert body["score_max"]["total"] == 40 + 25 + 30 + 10
    assert all(item["score"] <= body["score_max"]["total"] for item in body["recommendations"])


def test_every_phase_top_in_the_matrix_agrees_with_the_single_plan(client):
    matrix = client.get("/api/v1/recommendations/matrix/").json()
    assert len(matrix["cells"]) == 11 * 4
    for cell in matrix["cells"]:
        single = plan(client, cell["disorder"]["slug"], cell["compound"]["slug"])
        assert cell["verdict"] == single["verdict"], cell
        assert cell["overall_certainty"] == single["overall_certainty"], cell
        assert [p["phase"] for p in cell["phases"]] == [p["phase"] for p in single["phases"]]
        for shown, planned in zip(cell["phases"], single["phases"], strict=True):
            top, planned = shown["top"], planned["top"]
            assert (top and top["modality"]) == (planned and planned["modality"])


def test_the_matrix_says_which_phase_tops_are_specific(client):
    cells = {
        (c["disorder"]["slug"], c["compound"]["slug"]): c
        for c in client.get("/api/v1/recommendations/matrix/").json()["cells"]
    }
    aud = phase(cells[("alcohol-use-disorder", "psilocybin")], "integration")["top"]
    assert aud["modality"]["slug"] == "motivational-enhancement-therapy"
    assert aud["specificity"] in {"disorder", "disorder_compound"}
    assert cells[("schizophrenia", "psilocybin")]["verdict"] == "contraindicated"
