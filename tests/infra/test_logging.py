"""Quiet logs: what a client gets wrong is one line, and HEAD gives the server nothing to drop."""

import logging

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_a_request_for_a_host_we_do_not_serve_logs_one_line_without_a_traceback(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/api/v1/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    records = [r for r in caplog.records if r.name.startswith("django.security")]
    assert len(records) == 1, [r.getMessage() for r in caplog.records]
    assert "evil.example" in records[0].getMessage()
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def _through_wsgi(method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    """The answer as the WSGI server receives it (the test client drops HEAD bodies itself)."""
    environ = getattr(RequestFactory(), method.lower())(path).environ
    environ.setdefault("wsgi.input", None)
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    chunks = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return seen["status"], seen["headers"], body


@pytest.mark.parametrize("path", ["/api/v1/compounds/", "/healthz", "/api/v1/nowhere/"])
def test_head_answers_the_get_headers_with_no_body(path):
    get_status, get_headers, get_body = _through_wsgi("GET", path)
    head_status, head_headers, head_body = _through_wsgi("HEAD", path)
    assert get_body
    assert head_body == b""
    assert head_status == get_status
    assert head_headers["Content-Type"] == get_headers["Content-Type"]
    if "Content-Length" in get_headers:
        assert head_headers["Content-Length"] == get_headers["Content-Length"]
