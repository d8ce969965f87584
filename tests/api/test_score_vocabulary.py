"""The score a plan shows is documented from the engine's own tables, and adds up to them."""

import pytest

from guidance.recommendations import (
    CERTAINTY_POINTS,
    INHERITED_DISORDER_PENALTY,
    PROFILE_POINTS,
    SPECIFICITY_POINTS,
    STRENGTH_POINTS,
    Specificity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def components(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema["components"]["schemas"]["ScoreComponents"]["properties"]


def test_each_component_s_description_states_the_engine_s_points(components):
    for table, name in [
        (SPECIFICITY_POINTS, "specificity"),
        (STRENGTH_POINTS, "strength"),
        (CERTAINTY_POINTS, "evidence"),
    ]:
        for key, points in table.items():
            assert f"{key} {points}" in components[name]["description"], (name, key)
    assert f"{INHERITED_DISORDER_PENALTY} less" in components["specificity"]["description"]
    assert components["profile_factor"]["description"].startswith(f"{PROFILE_POINTS} when")


def test_every_specificity_has_points_and_the_schema_lists_them_all(client):
    assert set(SPECIFICITY_POINTS) == set(Specificity)
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["SpecificityEnum"]["enum"] == list(Specificity.values)


def test_an_item_s_score_is_the_sum_of_its_components(client):
    plan = client.get(
        "/api/v1/recommendations/", {"disorder": "alcohol-use-disorder", "compound": "ketamine"}
    ).json()
    for item in plan["recommendations"]:
        assert item["score"] == sum(item["score_components"].values())
        assert item["score_components"]["specificity"] <= max(SPECIFICITY_POINTS.values())
