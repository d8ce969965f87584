"""Every list and detail built from the read model is the document DRF's serializers make.

api.documents builds each resource's documents with plain functions over rows held per content
version (api.readmodel); the serializers stay the schema's declaration and the path taken with
API_READ_MODEL off. Here every row of the real content is asked for both ways, and the two
answers must be the same bytes: the same keys in the same order, the same nulls and links.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import readmodel
from compounds.models import Compound, Mechanism
from content import versioning
from disorders.models import Disorder, ProfileFactor
from evidence.models import Reference
from guidance.models import Guidance, SafetyStatement
from modalities.models import Modality

pytestmark = pytest.mark.django_db

RESOURCES = {
    "compounds": Compound.objects.all(),
    "mechanisms": Mechanism.objects.all(),
    "disorders": Disorder.objects.all(),
    "modalities": Modality.objects.all(),
    "guidance": Guidance.objects.published(),
    "profile-factors": ProfileFactor.objects.all(),
    "safety-statements": SafetyStatement.objects.all(),
    "references": Reference.objects.all(),
}


def both_ways(client, settings, url: str) -> tuple[bytes, bytes]:
    """The answer built from the read model, then the one DRF's serializers build."""
    settings.API_CACHE = False
    settings.API_READ_MODEL = True
    built = client.get(url)
    settings.API_READ_MODEL = False
    serialized = client.get(url)
    assert built.status_code == serialized.status_code, url
    return built.content, serialized.content


def detail_urls(resource: str) -> list[str]:
    if resource == "references":
        return [f"/api/v1/references/{r.lookup_key}/" for r in RESOURCES[resource]]
    return [f"/api/v1/{resource}/{row.slug}/" for row in RESOURCES[resource]]


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_detail_is_the_serializer_s_document(client, settings, resource):
    urls = detail_urls(resource)
    assert urls
    for url in urls:
        built, serialized = both_ways(client, settings, url)
        assert built == serialized, url


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(
    "query",
    ["", "?page_size=3", "?page=2&page_size=3", "?page=last&page_size=7", "?format=json"],
)
def test_every_list_page_is_the_serializer_s_document(client, settings, resource, query):
    built, serialized = both_ways(client, settings, f"/api/v1/{resource}/{query}")
    assert built == serialized
    assert b'"results":[{' in built


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/compounds/no-such-compound/",
        "/api/v1/references/99999/",
        "/api/v1/references/10.1234/none/",
        "/api/v1/references/abc/",
        "/api/v1/compounds/?page=99",
        "/api/v1/compounds/?page_size=0",
        "/api/v1/recommendations/?disorder=no-such-disorder&compound=mdma",
        "/api/v1/recommendations/?disorder=ptsd&compound=mdma&profile=no-such-factor",
    ],
)
def test_what_the_read_model_does_not_hold_is_answered_as_before(client, settings, url):
    built, serialized = both_ways(client, settings, url)
    assert built == serialized
    assert b'"status":4' in built


def test_a_reference_is_found_by_its_doi_in_any_case(client, settings):
    article = Reference.objects.get(doi="10.3389/fpsyt.2025.1565852")
    built, serialized = both_ways(
        client, settings, "/api/v1/references/10.3389/FPSYT.2025.1565852/"
    )
    assert built == serialized
    assert article.title.encode() in built


def test_the_rows_are_loaded_once_per_version_then_no_query_is_made(client, settings, monkeypatch):
    settings.API_CACHE = False
    settings.CONTENT_VERSION_MAX_STALENESS = 0.5
    # Time stands still, so the remembered version is not read again on a slow machine.
    monkeypatch.setattr(versioning, "_clock", lambda: 1000.0)
    client.get("/api/v1/disorders/ptsd/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/disorders/ptsd/")
        client.get("/api/v1/compounds/")
    assert response.json()["name"] == "Posttraumatic stress disorder (PTSD)"
    assert [q["sql"] for q in queries.captured_queries] == []


def test_an_edit_is_shown_at_once_as_it_makes_a_new_version(client, settings):
    settings.API_CACHE = False
    assert client.get("/api/v1/compounds/ketamine/").json()["name"] == "Ketamine"
    ketamine = Compound.objects.get(slug="ketamine")
    ketamine.name = "Ketamine (edited)"
    ketamine.save()
    assert client.get("/api/v1/compounds/ketamine/").json()["name"] == "Ketamine (edited)"
    listed = client.get("/api/v1/compounds/").json()["results"]
    assert "Ketamine (edited)" in [row["name"] for row in listed]


@pytest.fixture
def loads(monkeypatch) -> list:
    """Each load of the read model, as it happens."""
    made = []
    real_load = readmodel.load

    def counted():
        made.append(1)
        return real_load()

    monkeypatch.setattr(readmodel, "load", counted)
    return made


def test_a_load_the_content_changed_under_is_not_used(client, settings, monkeypatch, loads):
    """A load is used only if the version did not change while it ran (a sequence lock); after
    ATTEMPTS torn loads the request is answered from the database, correctly."""
    settings.API_CACHE = False
    tokens = iter(["a", "b"] * readmodel.ATTEMPTS)
    monkeypatch.setattr(readmodel, "_version", lambda: next(tokens))
    response = client.get("/api/v1/compounds/ketamine/")
    assert response.json()["name"] == "Ketamine"
    assert len(loads) == readmodel.ATTEMPTS
    assert readmodel._current is None


def test_a_request_under_an_older_version_is_answered_from_the_newer_rows_loaded_once(loads):
    """A process may read the version from memory for up to CONTENT_VERSION_MAX_STALENESS: a
    request under that older token takes the rows loaded since, as a query would have answered
    it, and does not load them again on every such request."""
    held = readmodel.read_model("an-older-token")
    assert held is not None
    assert held.token != "an-older-token"
    assert readmodel.read_model("an-older-token") is held
    assert readmodel.read_model(held.token) is held
    assert len(loads) == 1


def test_every_plan_from_the_read_model_is_the_plan_from_the_database(client, settings):
    """Every disorder with every compound, alone and with each profile factor (and one with
    medications, whose interactions are still read from the database): the same bytes."""
    disorders = list(Disorder.objects.values_list("slug", flat=True))
    compounds = list(Compound.objects.values_list("slug", flat=True))
    factors = list(ProfileFactor.objects.values_list("slug", flat=True))
    queries = [f"disorder={d}&compound={c}" for d in disorders for c in compounds]
    queries += [f"disorder=ptsd&compound=mdma&profile={f}" for f in factors]
    queries += [
        "disorder=ptsd&compound=mdma&profile=" + ",".join(factors[:3]),
        "disorder=alcohol-use-disorder&compound=psilocybin&medications=lithium,sertraline",
    ]
    for query in queries:
        built, serialized = both_ways(client, settings, f"/api/v1/recommendations/?{query}")
        assert built == serialized, query
        assert b'"verdict":' in built


def test_a_plan_missing_a_minimum_standard_says_so_from_the_read_model_too(client, settings):
    standards = Modality.objects.exclude(minimum_standard_phase="")
    assert standards.exists()
    for row in Guidance.objects.filter(modality__in=standards):
        row.delete()
    url = "/api/v1/recommendations/?disorder=ptsd&compound=mdma"
    built, serialized = both_ways(client, settings, url)
    assert built == serialized
    assert b'"incomplete-plan-' in built


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/compounds/ketamine/?format=json",
        "/api/v1/disorders/ptsd/?format=json",
        "/api/v1/references/90/?format=json",
        "/api/v1/recommendations/?disorder=ptsd&compound=mdma&format=json",
        "/api/v1/guidance/?disorder=ptsd&format=json",
    ],
)
def test_links_never_carry_the_request_s_format(client, settings, url):
    """DRF copies ``?format=`` onto every link it reverses; joined to a slug that made
    ``/compounds/?format=jsonmdma/``. A link names the resource: both paths leave it off."""
    built, serialized = both_ways(client, settings, url)
    assert built == serialized
    assert b"format=json" not in built
    assert b'"url":"http://testserver/api/v1/' in built


@pytest.fixture
def stale_rows(client, settings, monkeypatch):
    """The rows loaded now, served afterwards whatever the version: as a process serves them
    for up to CONTENT_VERSION_MAX_STALENESS after another process's edit."""
    settings.API_CACHE = False
    assert client.get("/api/v1/compounds/ketamine/").status_code == 200
    held = readmodel._current
    assert held is not None
    monkeypatch.setattr(readmodel, "read_model", lambda token: held)
    return held


def assert_plan_recommends(client, settings, url: str, row: Guidance) -> None:
    """The plan is the same both ways (from the database, as the held rows lack its row), and
    it recommends ``row``."""
    built, serialized = both_ways(client, settings, url)
    assert built == serialized
    assert f'"slug":"{row.slug}"'.encode() in built


def test_a_plan_for_a_disorder_added_since_the_rows_were_loaded_comes_from_the_database(
    client, settings, stale_rows
):
    from tests.factories import GuidanceFactory

    row = GuidanceFactory(compound=Compound.objects.get(slug="ketamine"))
    url = f"/api/v1/recommendations/?disorder={row.disorder.slug}&compound=ketamine"
    assert_plan_recommends(client, settings, url, row)


def test_a_plan_for_a_profile_factor_added_since_the_rows_were_loaded_comes_from_the_database(
    client, settings, stale_rows
):
    from tests.factories import GuidanceFactory, ProfileFactorFactory

    factor = ProfileFactorFactory()
    row = GuidanceFactory(
        disorder=Disorder.objects.get(slug="ptsd"),
        compound=Compound.objects.get(slug="mdma"),
        profile_factor=factor,
    )
    url = f"/api/v1/recommendations/?disorder=ptsd&compound=mdma&profile={factor.slug}"
    assert_plan_recommends(client, settings, url, row)


def test_an_interaction_citing_a_reference_added_since_the_rows_were_loaded_is_cited(
    client, settings, stale_rows
):
    """Interactions are read from the database; a reference the rows do not hold yet is cited
    from the database's copy, not a 500."""
    from medications.models import Interaction
    from tests.factories import ReferenceFactory

    reference = ReferenceFactory(title="A source added a moment ago")
    interaction = Interaction.objects.filter(compound_class="classic_psychedelic").first()
    assert interaction is not None, "the content records classic psychedelics with lithium"
    interaction.references.add(reference)
    slug = interaction.medication_class.slug
    url = f"/api/v1/recommendations/?disorder=ptsd&compound=psilocybin&medications={slug}"
    built, serialized = both_ways(client, settings, url)
    assert built == serialized
    assert b"A source added a moment ago" in built
