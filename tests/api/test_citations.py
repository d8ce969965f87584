"""One shape and one order for citations, wherever a reference is shown."""

import pytest
from django.test import RequestFactory
from rest_framework import serializers

from api.serializers.common import CITATION_FIELDS, CitationSerializer, CitationsField
from evidence.models import Reference
from guidance.models import Guidance

pytestmark = pytest.mark.django_db


def test_the_fast_citation_field_shows_exactly_what_the_documented_serializer_shows():
    request = RequestFactory().get("/api/v1/guidance/")
    # Every reference: numbered ones, the article (by DOI) and DOIs with parentheses alike.
    references = list(Reference.objects.all())

    class Statement(serializers.Serializer):
        references = CitationsField()

    fast = Statement({"references": references}, context={"request": request}).data
    documented = CitationSerializer(references, many=True, context={"request": request}).data
    assert fast["references"] == [dict(item) for item in documented]
    assert list(documented[0]) == list(CITATION_FIELDS)


def test_a_statement_s_citations_carry_the_documented_fields(client):
    body = client.get("/api/v1/guidance/general-cbt-integration/").json()
    assert body["references"]
    for citation in body["references"]:
        assert list(citation) == list(CITATION_FIELDS)
        assert "id" not in citation
        opened = client.get(citation["url"]).json()
        assert (opened["seed_number"], opened["doi"]) == (citation["seed_number"], citation["doi"])


def test_a_citation_links_to_its_seed_number_or_else_to_its_doi(client):
    body = client.get("/api/v1/guidance/ptsd-mdma-multimodal-integration/").json()
    [thirteen, forty_five, article] = body["references"]
    assert (thirteen["seed_number"], forty_five["seed_number"]) == (13, 45)
    assert thirteen["url"] == "http://testserver/api/v1/references/13/"
    assert forty_five["url"] == "http://testserver/api/v1/references/45/"
    assert article["seed_number"] is None
    assert article["url"] == "http://testserver/api/v1/references/10.3389/fpsyt.2025.1565852/"
    assert article["doi_url"] == "https://doi.org/10.3389/fpsyt.2025.1565852"
    assert article["title"].startswith("Harnessing neuroplasticity with psychoplastogens")
    assert article["year"] == 2025


def test_references_are_listed_in_the_order_statements_cite_them(client):
    first = client.get("/api/v1/references/", {"page_size": 100}).json()
    results = first["results"] + client.get(first["next"]).json()["results"]
    listed = [(ref["seed_number"], ref["doi"]) for ref in results]
    assert listed == list(Reference.objects.in_citation_order().values_list("seed_number", "doi"))
    seeds = [r.seed_number for r in Reference.objects.all()]
    numbered = [seed for seed in seeds if seed is not None]
    assert numbered == sorted(numbered)
    assert seeds[: len(numbered)] == numbered  # outside sources (no seed number) come last


def test_a_statement_cites_its_references_in_citation_order(client):
    row = max(Guidance.objects.published(), key=lambda g: g.references.count())
    cited = [
        c["seed_number"] for c in client.get(f"/api/v1/guidance/{row.slug}/").json()["references"]
    ]
    numbered = [seed for seed in cited if seed is not None]
    assert len(cited) > 1
    assert numbered == sorted(numbered)
    assert cited[: len(numbered)] == numbered
