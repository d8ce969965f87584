"""A client generated from the schema by openapi-python-client, as an integrating app would make
one, talks to the running service: it sends two profile factors and gets the plan, asks for a
disorder added after it was generated, and parses lists, details and errors with its models."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from compounds.models import Compound
from modalities.models import Modality, TreatmentPhase
from tests.factories import DisorderFactory, GuidanceFactory

PACKAGE = "psychoplastogen_therapy_guidance_api_client"


@pytest.fixture
def service(live_server, settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    call_command("load_content", verbosity=0)
    return live_server


@pytest.fixture
def generated(service, tmp_path: Path):
    """Generate a Python client from the live service's own schema and import it."""
    import httpx

    schema = tmp_path / "schema.json"
    schema.write_bytes(httpx.get(f"{service.url}/api/schema/?format=json").content)
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / "client"),
        ],
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path / "client"))
        for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_sends_two_profile_factors_and_gets_the_plan(service, generated):
    client = generated.Client(base_url=service.url)
    api = importlib.import_module(f"{PACKAGE}.api.recommendations.recommendations_retrieve")

    response = api.sync_detailed(
        client=client,
        disorder="ptsd",
        compound="mdma",
        profile=["dissociative-tendencies", "experiential-avoidance"],
    )

    assert response.status_code == 200, response.content
    plan = response.parsed
    assert plan.verdict.value == "pairing_evidence"
    assert [factor.slug for factor in plan.profile_factors] == [
        "dissociative-tendencies",
        "experiential-avoidance",
    ]
    assert plan.profile_factors[0].url.endswith("/api/v1/profile-factors/dissociative-tendencies/")
    [integration] = [phase for phase in plan.phases if phase.phase.value == "integration"]
    assert integration.top.leading_guidance.url.endswith("/")
    assert integration.top.strength.value in {"trial", "standard", "framework", "proposal"}


def endpoint(name: str):
    return importlib.import_module(f"{PACKAGE}.api.{name}")


@pytest.mark.django_db(transaction=True)
def test_a_client_generated_before_a_disorder_was_added_asks_for_it(service, generated):
    """Slugs are typed as strings with a pattern, not as an enum of the day's slugs: a disorder an
    editor adds after the client was generated is sent (not refused by the client) and its plan,
    guidance list and detail parse into the client's models."""
    client = generated.Client(base_url=service.url)
    models = importlib.import_module(f"{PACKAGE}.models")
    disorder = DisorderFactory(slug="body-dysmorphic-disorder", name="Body dysmorphic disorder")
    guidance = GuidanceFactory(
        slug="bdd-psilocybin-cbt-integration",
        disorder=disorder,
        compound=Compound.objects.get(slug="psilocybin"),
        modality=Modality.objects.get(slug="cognitive-behavioral-therapy"),
        phase=TreatmentPhase.INTEGRATION,
    )

    response = endpoint("recommendations.recommendations_retrieve").sync_detailed(
        client=client, disorder="body-dysmorphic-disorder", compound="psilocybin"
    )
    assert response.status_code == 200, response.content
    plan = response.parsed
    assert isinstance(plan, models.Plan)
    assert plan.disorder.slug == "body-dysmorphic-disorder"
    [integration] = [phase for phase in plan.phases if phase.phase.value == "integration"]
    assert "cognitive-behavioral-therapy" in [item.modality.slug for item in integration.items]

    response = endpoint("guidance.guidance_list").sync_detailed(
        client=client,
        disorder="body-dysmorphic-disorder",
        ordering="-phase,slug",
        page=models.GuidanceListPageType1.LAST,
    )
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, models.PaginatedGuidanceListList)
    assert [row.slug for row in response.parsed.results] == [guidance.slug]

    response = endpoint("disorders.disorders_retrieve").sync_detailed(
        client=client, slug="body-dysmorphic-disorder"
    )
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, models.DisorderDetail)
    assert response.parsed.name == "Body dysmorphic disorder"


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_parses_an_unknown_slug_s_problem_naming_the_valid_ones(
    service, generated
):
    client = generated.Client(base_url=service.url)
    models = importlib.import_module(f"{PACKAGE}.models")

    response = endpoint("recommendations.recommendations_retrieve").sync_detailed(
        client=client, disorder="no-such-disorder", compound="psilocybin"
    )

    assert response.status_code == 400, response.content
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.parsed
    assert isinstance(problem, models.ParameterProblem)
    assert problem.status == 400
    assert problem.instance == "/api/v1/recommendations/"
    [error] = problem.errors
    assert error.parameter == "disorder"
    assert "ptsd" in error.valid
    assert "no-such-disorder" in error.message
