"""Schemathesis against the service's own OpenAPI document, in process, with its default checks.

Every operation is exercised with schema-valid and schema-violating requests (and undeclared
methods); the checks are schemathesis' own defaults: no server error, documented status codes and
content types, responses that conform to the schema, valid data accepted, invalid data rejected.
The run is derandomized so CI sees the same cases every time; widen it locally with
``SCHEMATHESIS_EXAMPLES=500``.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))


@pytest.fixture
def api_schema(db, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_conforms_to_its_schema(case):
    case.call_and_validate()
