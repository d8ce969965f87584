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
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))


@pytest.fixture
def api_schema(db, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    # Like Django's test client: the WSGI app must not close the test's database connection at
    # the end of each request, or the rest of the test would run outside its transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


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
