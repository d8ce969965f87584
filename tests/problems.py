"""Reading the API's errors in tests: every read checks the whole RFC 9457 problem, not a field."""

import json

from django.utils.encoding import escape_uri_path

from infra.errors import KINDS, PROBLEM_MEDIA_TYPE, PROBLEMS_PATH


def problem(response, status: int, kind: str | None = None) -> dict:
    """Assert a well-formed problem with this status (and kind), and return its body."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == PROBLEM_MEDIA_TYPE, response["Content-Type"]
    body = json.loads(response.content)
    assert list(body)[:5] == ["type", "title", "status", "detail", "instance"], body
    found = KINDS[body["type"].removeprefix(PROBLEMS_PATH).rstrip("/")]
    assert (body["title"], body["status"], found.status) == (found.title, status, status)
    assert body["detail"]
    assert body["instance"] == escape_uri_path(response.wsgi_request.path)
    if kind is not None:
        assert body["type"] == f"{PROBLEMS_PATH}{kind}/", body["type"]
    return body


def messages(body: dict) -> dict[str, list[str]]:
    """A parameter problem's messages by parameter, for short comparisons."""
    found: dict[str, list[str]] = {}
    for error in body["errors"]:
        assert set(error) == {"parameter", "message", "valid"}, error
        found.setdefault(error["parameter"], []).append(error["message"])
    return found


def valid(body: dict, parameter: str) -> list[str] | None:
    """The valid values a parameter problem lists for this parameter."""
    [listed] = [e["valid"] for e in body["errors"] if e["parameter"] == parameter]
    return listed
