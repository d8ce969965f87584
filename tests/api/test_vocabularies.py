"""Vocabularies: every raw value a response carries is explained, and lists sort in its order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.schema_vocabularies import describe_vocabulary_enums
from api.urls import router
from bench.synthetic import synthetic_content_create
from content.versioning import content_version_forget
from guidance.grading import Certainty
from guidance.models import GuidanceStrength, SafetyKind
from guidance.vocabularies import BY_NAME, VOCABULARIES, vocabulary_of_field
from modalities.models import TreatmentPhase

pytestmark = pytest.mark.django_db

PAGE = {"page_size": 100}


@pytest.fixture(autouse=True)
def uncached(settings):
    """Count and order what the views do, not what the response cache remembers."""
    settings.API_CACHE = False


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def rank(name: str) -> dict[str, int]:
    return {term["value"]: term["order"] for term in vocabulary(name)["values"]}


def vocabulary(name: str) -> dict:
    from django.test import Client

    response = Client().get(f"/api/v1/vocabularies/{name}/")
    assert response.status_code == 200, response.content
    return response.json()


def listed(client, url: str, **params) -> list[dict]:
    body = client.get(url, {**PAGE, **params}).json()
    results = body["results"]
    while body["next"]:
        body = client.get(body["next"]).json()
        results += body["results"]
    assert body["count"] == len(results), "every page was read"
    return results


# The list


def test_the_list_gives_every_vocabulary_in_a_stable_order_with_the_enums_values(client):
    body = client.get("/api/v1/vocabularies/").json()
    assert body["count"] == len(body["results"]) == len(VOCABULARIES)
    assert [v["name"] for v in body["results"]] == [v.name for v in VOCABULARIES]
    by_name = {v["name"]: v for v in body["results"]}
    assert [t["value"] for t in by_name["phase"]["values"]] == TreatmentPhase.values
    assert [t["value"] for t in by_name["strength"]["values"]] == GuidanceStrength.values
    assert [t["value"] for t in by_name["certainty"]["values"]] == Certainty.values
    assert [t["value"] for t in by_name["safety_kind"]["values"]] == SafetyKind.values
    for item in body["results"]:
        assert [t["order"] for t in item["values"]] == list(range(1, len(item["values"]) + 1))
        assert item["url"] == f"http://testserver/api/v1/vocabularies/{item['name']}/"
    assert client.get("/api/v1/vocabularies/").json() == body


def test_each_value_has_its_label_and_a_description(client):
    phase = client.get("/api/v1/vocabularies/phase/").json()
    assert phase["values"][1] == {
        "value": "medication_session",
        "label": "Medication session",
        "description": phase["values"][1]["description"],
        "order": 2,
    }
    strength = {t["value"]: t for t in vocabulary("strength")["values"]}
    assert strength["common_practice"]["label"] == "Common practice across trials"
    for item in client.get("/api/v1/vocabularies/").json()["results"]:
        assert all(item[key] for key in ("label", "description", "order_rule")), item["name"]
        for term in item["values"]:
            assert term["label"], (item["name"], term)
            assert term["description"].endswith("."), (item["name"], term)


def test_descriptions_carry_the_numbers_the_engine_and_the_rules_use(client):
    strength = {t["value"]: t["description"] for t in vocabulary("strength")["values"]}
    assert strength["trial"].endswith("Scores 30 points in a plan.")
    certainty = {t["value"]: t["description"] for t in vocabulary("certainty")["values"]}
    assert "randomized controlled trial" in certainty["high"]
    assert certainty["very_low"].endswith("Scores 1 point in a plan.")
    evidence = {t["value"]: t["description"] for t in vocabulary("evidence_type")["values"]}
    assert evidence["randomized_pilot"].endswith("at most moderate certainty.")


def test_a_vocabulary_s_detail_is_its_item_of_the_list(client):
    listed_ = {v["name"]: v for v in client.get("/api/v1/vocabularies/").json()["results"]}
    for name in BY_NAME:
        assert client.get(f"/api/v1/vocabularies/{name}/").json() == listed_[name]


def test_an_unknown_vocabulary_is_a_404_naming_the_valid_ones(client):
    response = client.get("/api/v1/vocabularies/phases/")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("No vocabulary 'phases'; valid: phase, strength, kind,")
    assert all(name in detail for name in BY_NAME)


def test_the_vocabularies_take_no_query_parameter(client):
    for url in ["/api/v1/vocabularies/", "/api/v1/vocabularies/phase/"]:
        response = client.get(url, {"page": "2"})
        assert response.status_code == 400, url
        assert "page" in str(response.json()), "the error names the parameter"


def test_the_root_links_the_vocabularies(client):
    assert client.get("/api/v1/").json()["vocabularies"] == "http://testserver/api/v1/vocabularies/"


def warm_queries(client, url: str, params: dict | None = None) -> int:
    """The queries a repeated request runs (the first may read what later ones remember)."""
    assert client.get(url, params).status_code == 200
    # The content version is read from the database at most every CONTENT_VERSION_MAX_STALENESS
    # seconds: forget it, so each count includes that read however slow the machine is.
    content_version_forget()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_vocabularies_run_no_query_of_their_own_whatever_the_content(client):
    # The root reads nothing but what every request reads (the content version).
    baseline = warm_queries(client, "/api/v1/")
    urls = ["/api/v1/vocabularies/", "/api/v1/vocabularies/certainty/"]
    assert [warm_queries(client, url) for url in urls] == [baseline, baseline]
    synthetic_content_create(scale=10)
    assert [warm_queries(client, url) for url in urls] == [baseline, baseline]


# Every fixed vocabulary the API exposes is one of them


# Enums of the sync protocol rather than of the content, each explained where it is used: the
# changes feed's actions (in the field's description) and the resource names (the root's links).
NOT_CONTENT_ENUMS = {"BlankEnum", "NullEnum", "ActionEnum", "ResourceEnum"}


def test_every_enum_in_the_openapi_document_is_a_vocabulary_in_the_same_order(schema):
    by_values = {tuple(v.values): v.name for v in VOCABULARIES}
    enums = {
        name: component["enum"]
        for name, component in schema["components"]["schemas"].items()
        if "enum" in component and name not in NOT_CONTENT_ENUMS
    }
    assert enums
    missing = {name: values for name, values in enums.items() if tuple(values) not in by_values}
    assert not missing


def test_every_choice_filter_takes_a_vocabulary():
    value_sets = [sorted(v.values) for v in VOCABULARIES]
    for _, viewset, _ in router.registry:
        for name, declared in viewset.filterset_class.base_filters.items():
            choices = declared.extra.get("choices")
            if choices:
                assert sorted(v for v, _ in choices) in value_sets, (viewset.__name__, name)


def test_the_schema_hook_explains_each_enum_value_in_the_enum_s_order(schema):
    import copy

    described = describe_vocabulary_enums(copy.deepcopy(schema), None, None, True)
    phase = described["components"]["schemas"]["TreatmentPhaseEnum"]
    assert phase["x-enum-varnames"] == ["PREPARATION", "MEDICATION_SESSION", "INTEGRATION"]
    assert phase["x-enum-descriptions"][1].startswith("Medication session: The supervised")
    parameters = described["paths"]["/api/v1/mechanisms/"]["get"]["parameters"]
    level = next(p for p in parameters if p["name"] == "level")["schema"]
    assert [d.split(":")[0] for d in level["x-enum-descriptions"]] == [
        value.capitalize() for value in level["enum"]
    ]


# Ordering by a vocabulary field follows the vocabulary


def phases(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(row["phase"] for row in rows))


def test_ordering_by_phase_follows_treatment_order_not_the_alphabet(client):
    rows = listed(client, "/api/v1/guidance/", ordering="phase")
    assert phases(rows) == ["preparation", "medication_session", "integration"]
    reverse = listed(client, "/api/v1/guidance/", ordering="-phase")
    assert phases(reverse) == ["integration", "medication_session", "preparation"]


def test_ordering_by_strength_lists_the_strongest_first_and_minus_the_weakest(client):
    order = rank("strength")
    strongest_first = [
        row["strength"] for row in listed(client, "/api/v1/guidance/", ordering="strength")
    ]
    assert strongest_first == sorted(strongest_first, key=order.__getitem__)
    assert (strongest_first[0], strongest_first[-1]) == ("trial", "inferred")
    weakest_first = [
        row["strength"] for row in listed(client, "/api/v1/guidance/", ordering="-strength")
    ]
    assert weakest_first == strongest_first[::-1]


def test_ties_keep_the_resource_s_own_order_so_pages_are_stable(client):
    phase = rank("phase")
    rows = listed(client, "/api/v1/guidance/", ordering="-phase")
    default = listed(client, "/api/v1/guidance/")
    assert rows == sorted(default, key=lambda r: -phase[r["phase"]])
    first_page = client.get("/api/v1/guidance/", {"ordering": "strength", "page_size": 5}).json()
    second_page = client.get(
        "/api/v1/guidance/", {"ordering": "strength", "page_size": 5, "page": 2}
    ).json()
    whole = [r["slug"] for r in listed(client, "/api/v1/guidance/", ordering="strength")]
    assert [r["slug"] for r in first_page["results"] + second_page["results"]] == whole[:10]


def test_a_vocabulary_key_combines_with_others_in_a_comma_list(client):
    phase, strength = rank("phase"), rank("strength")
    by_slug_descending = listed(client, "/api/v1/guidance/", ordering="-slug")
    rows = listed(client, "/api/v1/guidance/", ordering="phase,-strength,-slug")
    expected = sorted(
        by_slug_descending, key=lambda r: (phase[r["phase"]], -strength[r["strength"]])
    )
    assert rows == expected
    assert rows != by_slug_descending


def test_rows_without_a_certainty_come_last_in_both_directions(client):
    for ordering in ["certainty", "-certainty"]:
        values = [
            row["certainty"] for row in listed(client, "/api/v1/guidance/", ordering=ordering)
        ]
        graded = [v for v in values if v is not None]
        assert values == graded + [None] * values.count(None), ordering
        assert values.count(None) >= 1
        assert graded == sorted(
            graded, key=rank("certainty").__getitem__, reverse=ordering.startswith("-")
        )


def vocabulary_orderings() -> list[tuple[str, str, str]]:
    """Every (list, field, vocabulary) where a list may be ordered by a vocabulary field."""
    found = []
    for prefix, viewset, _ in router.registry:
        for field in viewset.ordering_fields:
            taken = vocabulary_of_field(viewset.queryset.model, field)
            if taken:
                found.append((f"/api/v1/{prefix}/", field, taken.name))
    return found


def test_the_lists_ordered_by_a_vocabulary_field_are_the_expected_ones():
    assert {(url, field) for url, field, _ in vocabulary_orderings()} == {
        ("/api/v1/mechanisms/", "level"),
        ("/api/v1/disorders/", "category"),
        ("/api/v1/modalities/", "lineage"),
        ("/api/v1/guidance/", "phase"),
        ("/api/v1/guidance/", "strength"),
        ("/api/v1/guidance/", "kind"),
        ("/api/v1/guidance/", "certainty"),
        ("/api/v1/safety-statements/", "severity"),
        ("/api/v1/safety-statements/", "kind"),
        ("/api/v1/references/", "evidence_type"),
        ("/api/v1/interactions/", "risk"),
        ("/api/v1/interactions/", "effect"),
    }


@pytest.mark.parametrize(("url", "field", "name"), vocabulary_orderings())
def test_every_vocabulary_ordering_follows_the_vocabulary_both_ways(client, url, field, name):
    order = rank(name)
    for descending in (False, True):
        ordering = f"-{field}" if descending else field
        values = [row[field] for row in listed(client, url, ordering=ordering) if row[field]]
        assert len(set(values)) > 1, "the content shows more than one value"
        assert values == sorted(values, key=order.__getitem__, reverse=descending), ordering


def test_ordering_by_a_vocabulary_field_adds_no_query(client):
    # Against ordering by a plain column: a list with no ordering at all is built from the read
    # model (api.readmodel) and runs no query of its own.
    ordered = {**PAGE, "ordering": "phase,-strength,certainty"}
    plain = warm_queries(client, "/api/v1/guidance/", {**PAGE, "ordering": "slug"})
    assert warm_queries(client, "/api/v1/guidance/", ordered) == plain
    synthetic_content_create(scale=10)
    assert warm_queries(client, "/api/v1/guidance/", ordered) == plain
    assert warm_queries(client, "/api/v1/mechanisms/", {"ordering": "-level,name"}) == (
        warm_queries(client, "/api/v1/mechanisms/", {"ordering": "name"})
    )
