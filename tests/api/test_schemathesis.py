"""Schemathesis against the service's own OpenAPI document, in process, with its default checks.

Every operation is exercised with schema-valid and schema-violating requests (and undeclared
methods); the checks are schemathesis' own defaults: no server error, documented status codes and
content types, responses that conform to the schema, valid data accepted, invalid data rejected.
One exception to "valid data accepted": a content slug (or a standard code) is typed by its
format, not as an enum of the day's slugs and codes, so a well-formed one that names no row is a
400 naming the valid ones, as the document says; so is a disorder named both by slug and by code.
And one more: JSON Schema counts 3.0 as an integer, but a query string is text, and ``page`` and
``page_size`` take an integer only in its plain decimal spelling (``3``; ``3.0``, ``+3`` and
``3e0`` are 400s naming the parameter, tests/api/test_contract.py), so such a 400 is accepted.
The run is derandomized so CI sees the same cases every time; widen it locally with
``SCHEMATHESIS_EXAMPLES=500``.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.schema import SLUG_QUERY_PARAMETERS
from config.wsgi import application

# Query parameters that name a row by a standard code (system|code).
CODE_QUERY_PARAMETERS = {"identifier", "disorder_code", "compound_code"}
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))
# Schemathesis sends requests' default Accept-Encoding (gzip) but its WSGI transport does not
# decode: ask for identity, as a client that cannot decode would (compression: tests/infra).
UNCOMPRESSED = {"Accept-Encoding": "identity"}


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
    response = case.call(headers=UNCOMPRESSED)
    refused = names_an_unknown_slug(response) or spells_an_integer_otherwise(case, response)
    excluded = [positive_data_acceptance] if refused else []
    case.validate_response(response, excluded_checks=excluded)


def names_an_unknown_slug(response) -> bool:
    """A 400 whose every error is about a content-slug query parameter (``disorder`` and such)."""
    if response.status_code != 400:
        return False
    errors = response.json().get("errors", [])
    named = {*SLUG_QUERY_PARAMETERS, *CODE_QUERY_PARAMETERS}
    return bool(errors) and all(error["parameter"] in named for error in errors)


# Integer query parameters, taken only in their plain decimal spelling.
INTEGER_QUERY_PARAMETERS = {"page", "page_size"}


def spells_an_integer_otherwise(case, response) -> bool:
    """A 400 whose every error is about an integer query parameter sent as an integral number
    spelled otherwise than in plain digits (``3.0``, as schemathesis writes a float)."""
    if response.status_code != 400:
        return False
    errors = response.json().get("errors", [])
    if not errors or any(e["parameter"] not in INTEGER_QUERY_PARAMETERS for e in errors):
        return False
    for error in errors:
        raw = str((case.query or {}).get(error["parameter"], ""))
        try:
            number = float(raw)
        except ValueError:
            return False
        if not number.is_integer() or raw == str(int(number)):
            return False
    return True
