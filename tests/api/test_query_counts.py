"""Every endpoint runs a fixed number of queries, whatever the amount of content.

Counts are of uncached answers (the response cache is off here); each includes the one query that
reads the content version. The lists and details built from the read model (api.readmodel) run
no other once a process has loaded its rows for the version, and the load itself runs a fixed
number of queries, counted here too.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import readmodel
from bench.synthetic import synthetic_content_create

pytestmark = pytest.mark.django_db

# url -> queries it may run (for lists from the database: the count, the page, and one per slug
# filter given; a list with no filter, and every detail, is built from the read model).
EXPECTED = {
    "/api/v1/": 1,
    "/api/v1/meta/": 12,
    "/api/v1/compounds/": 1,
    "/api/v1/compounds/ketamine/": 1,
    "/api/v1/mechanisms/": 1,
    "/api/v1/mechanisms/?compound=ketamine&page_size=100": 4,
    "/api/v1/mechanisms/bdnf-trkb-signaling/": 1,
    "/api/v1/disorders/": 1,
    "/api/v1/disorders/ptsd/": 1,
    "/api/v1/modalities/": 1,
    "/api/v1/modalities/?disorder=ptsd": 4,
    "/api/v1/modalities/psychoeducation/": 1,
    "/api/v1/guidance/?page_size=100": 1,
    "/api/v1/guidance/?disorder=ptsd&compound=mdma": 5,
    "/api/v1/guidance/general-cbt-integration/": 1,
    "/api/v1/profile-factors/": 1,
    "/api/v1/profile-factors/dissociative-tendencies/": 1,
    "/api/v1/safety-statements/": 1,
    "/api/v1/safety-statements/no-pairing-evidence/": 1,
    "/api/v1/references/?page_size=100": 1,
    "/api/v1/references/10.1177/0269881108093587/": 1,
    "/api/v1/recommendations/?disorder=ptsd&compound=mdma": 1,
    "/api/v1/recommendations/?disorder=ptsd&compound=mdma&profile=dissociative-tendencies": 1,
    # Plans are built from the read model; + the medication classes named (2: classes,
    # members) and their interactions (2), read from the database.
    "/api/v1/recommendations/?disorder=ptsd&compound=mdma&medications=lithium,sertraline": 5,
    "/api/v1/recommendations/matrix/": 8,
    "/api/v1/disorders/?identifier=icd-10-cm|F10.20": 5,
    "/api/v1/compounds/?identifier=http://www.whocc.no/atc|N01AX03": 5,
    # A code is looked up in the database: one query each, the row selected with it.
    "/api/v1/recommendations/?disorder_code=icd-10-cm|F10.20&compound_code=atc|N01AX03": 3,
    "/api/v1/medications/": 4,
    "/api/v1/medications/ssri/": 3,
    "/api/v1/interactions/": 4,
    "/api/v1/interactions/?compound=psilocybin&medication=sertraline": 7,
    "/api/v1/interactions/classic-psychedelics-lithium-seizures/": 3,
    # The document holds no content (slugs are typed by format): only the content version.
    "/api/schema/?format=json": 1,
}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(captured)


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.API_CACHE = False
    # Each count includes the version read, which a process otherwise skips for a moment.
    settings.CONTENT_VERSION_MAX_STALENESS = 0


# The read model's load: the version before and after, one query per table and one per
# many-to-many of references.
READ_MODEL_LOAD = 24


def loaded(client) -> int:
    """Load the read model for the current version; the queries the load ran."""
    with CaptureQueriesContext(connection) as captured:
        readmodel.forget()
        assert client.get("/api/v1/compounds/ketamine/").status_code == 200
    return len(captured) - 1  # the version read every request makes


def test_every_endpoint_runs_its_fixed_number_of_queries_on_the_real_content(client):
    assert loaded(client) == READ_MODEL_LOAD
    assert {url: queries(client, url) for url in EXPECTED} == EXPECTED


@pytest.mark.parametrize("scale", [10, 100])
def test_every_endpoint_runs_the_same_number_of_queries_at_scale(client, scale):
    synthetic_content_create(scale=scale)
    assert loaded(client) == READ_MODEL_LOAD
    assert {url: queries(client, url) for url in EXPECTED} == EXPECTED


def test_the_synthetic_content_really_is_ten_times_larger_and_reaches_the_details(client):
    counts = client.get("/api/v1/meta/").json()["counts"]
    links = client.get("/api/v1/compounds/ketamine/").json()["mechanisms"].values()
    real_links = sum(len(level) for level in links)
    synthetic_content_create(scale=10)
    grown = client.get("/api/v1/meta/").json()["counts"]
    assert grown == {name: count * 10 for name, count in counts.items()}
    ketamine = client.get("/api/v1/compounds/ketamine/").json()
    assert sum(len(links) for links in ketamine["mechanisms"].values()) > 5 * real_links > 0
    ptsd = client.get("/api/v1/disorders/ptsd/").json()
    assert sum(len(p["guidance"]) for g in ptsd["guidance_by_compound"] for p in g["phases"]) > 10
