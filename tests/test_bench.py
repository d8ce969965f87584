"""The benchmark's yardstick: the baseline is the bare framework, everything else the product."""

import io
import json
import sys

import pytest
from django.core import signals
from django.db import close_old_connections

from bench import BASELINE_PATH
from bench.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_s_connection():
    """Like Django's test client: a WSGI call must not close the test's database connection at
    the end of each request (on PostgreSQL the rest of the test would find it closed)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(path: str, query: str = "") -> tuple[str, dict[str, str], bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


def test_the_baseline_runs_no_middleware_and_the_product_all_of_it(settings):
    settings.ROOT_URLCONF = "bench.urls"
    status, headers, body = call(BASELINE_PATH)
    assert status == "200 OK"
    assert json.loads(body) == {"status": "ok", "service": "baseline"}
    # Security, CSP, caching: none of the product's middleware touched it.
    assert set(headers) == {"Content-Type"}

    status, headers, body = call("/api/v1/compounds/")
    assert status == "200 OK"
    assert json.loads(body)["count"] > 0
    for name in ("X-Content-Type-Options", "Content-Security-Policy", "ETag", "Cache-Control"):
        assert name in headers


def test_the_baseline_pads_its_body_when_asked_still_without_middleware(settings):
    """The harness compares the bare view sending a body as large as the recommendation's: what
    sending costs, whatever builds the body."""
    settings.ROOT_URLCONF = "bench.urls"
    status, headers, body = call(BASELINE_PATH, "bytes=78000")
    assert status == "200 OK"
    assert 78_000 < len(body) < 78_100
    assert json.loads(body)["padding"] == "x" * 78_000
    assert set(headers) == {"Content-Type"}
    assert headers["Content-Type"] == "application/json"
    # Made once, as a warm answer's body is: encoding it per request would measure JSON, not
    # sending (about 0.2 ms, as long as the rest of the bare request).
    assert call(BASELINE_PATH, "bytes=78000")[2] is body
    _, _, body = call(BASELINE_PATH, "bytes=10000000")
    assert json.loads(body) == {"status": "ok", "service": "baseline"}
