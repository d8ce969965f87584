"""A client generated from the schema by openapi-python-client, as an integrating app would make
one, talks to the running service: it sends two profile factors and gets the plan."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

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
    models = importlib.import_module(f"{PACKAGE}.models")

    response = api.sync_detailed(
        client=client,
        disorder=models.RecommendationsRetrieveDisorder("ptsd"),
        compound=models.RecommendationsRetrieveCompound("mdma"),
        profile=[
            models.RecommendationsRetrieveProfileItem("dissociative-tendencies"),
            models.RecommendationsRetrieveProfileItem("experiential-avoidance"),
        ],
    )

    assert response.status_code == 200, response.content
    plan = response.parsed
    assert plan.verdict.value == "pairing_evidence"
    assert [factor.slug for factor in plan.profile] == [
        "dissociative-tendencies",
        "experiential-avoidance",
    ]
