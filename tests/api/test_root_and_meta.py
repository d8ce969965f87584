import pytest

from guidance.models import Guidance

pytestmark = pytest.mark.django_db


def test_the_root_links_every_resource_and_the_docs(client):
    body = client.get("/api/v1/").json()
    assert body["compounds"] == "http://testserver/api/v1/compounds/"
    assert set(body) == {
        "compounds",
        "mechanisms",
        "disorders",
        "modalities",
        "guidance",
        "profile-factors",
        "safety-statements",
        "medications",
        "interactions",
        "references",
        "recommendations",
        "recommendation-matrix",
        "meta",
        "export",
        "changes",
        "vocabularies",
        "problems",
        "schema",
        "docs",
        "redoc",
        "fhir",
        "cds-services",
    }
    for name, url in body.items():
        if name not in {"recommendations", "changes"}:  # both need a parameter
            assert client.get(url).status_code == 200, url


def test_meta_counts_every_resource_and_credits_the_source(client):
    body = client.get("/api/v1/meta/").json()
    assert body["counts"]["compounds"] == 4
    # The article, its 95 references and the six sources on co-medication outside it.
    assert body["counts"]["references"] == 102
    assert body["counts"]["interactions"] == 19
    assert body["counts"]["guidance"] == Guidance.objects.count()
    assert body["source"]["doi"] == "10.3389/fpsyt.2025.1565852"
    assert "CC BY 4.0" in body["source"]["licence"]
    assert body["disclaimer"].startswith("Not medical advice.")


def test_the_content_version_changes_when_an_editor_changes_content(client):
    before = client.get("/api/v1/meta/").json()
    row = Guidance.objects.get(slug="general-cbt-integration")
    row.rationale += " Edited."
    row.save()
    after = client.get("/api/v1/meta/").json()
    assert after["content_version"] != before["content_version"]
    assert after["content_changed_at"] > before["content_changed_at"]


def test_the_content_version_changes_when_only_references_change(client):
    before = client.get("/api/v1/meta/").json()["content_version"]
    Guidance.objects.get(slug="general-cbt-integration").references.clear()
    assert client.get("/api/v1/meta/").json()["content_version"] != before


def test_a_load_that_changes_nothing_keeps_the_content_version(client):
    from django.core.management import call_command

    before = client.get("/api/v1/meta/").json()["content_version"]
    call_command("load_content", verbosity=0)
    assert client.get("/api/v1/meta/").json()["content_version"] == before
