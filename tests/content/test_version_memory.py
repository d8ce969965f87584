"""Each process serves the content version from memory for at most CONTENT_VERSION_MAX_STALENESS
seconds: a repeated request costs no read, another process's edit is seen within the bound, and
the process's own edit at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content import versioning
from content.models import ContentVersion
from guidance.models import Guidance

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(versioning, "_clock", lambda: now[0])
    return now


def reads(function) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return result, len(captured)


def test_within_the_bound_the_version_is_served_from_memory_without_a_read(clock, settings):
    settings.CONTENT_VERSION_MAX_STALENESS = 0.5
    first, first_reads = reads(versioning.content_version_token)
    clock[0] += 0.49
    again, again_reads = reads(versioning.content_version_token)
    assert (again, first_reads, again_reads) == (first, 1, 0)


def test_another_processs_edit_is_seen_once_the_bound_has_passed(clock, settings):
    settings.CONTENT_VERSION_MAX_STALENESS = 0.5
    old = versioning.content_version_token()
    # Another process's edit: the database changes, this process is not told.
    ContentVersion.objects.filter(pk=1).update(token="f" * 32)
    clock[0] += 0.4
    assert versioning.content_version_token() == old
    clock[0] += 0.1
    assert versioning.content_version_token() == "f" * 32


def test_this_processs_own_edit_is_seen_at_once(clock, settings, client):
    settings.CONTENT_VERSION_MAX_STALENESS = 1.0
    before = client.get("/api/v1/guidance/general-cbt-integration/")
    row = Guidance.objects.get(slug="general-cbt-integration")
    row.rationale += " Edited."
    row.save()
    after = client.get("/api/v1/guidance/general-cbt-integration/")
    assert after["ETag"] != before["ETag"]
    assert after.json()["rationale"].endswith(" Edited.")


def test_a_bound_of_zero_reads_the_version_on_every_request(clock, settings):
    settings.CONTENT_VERSION_MAX_STALENESS = 0
    versioning.content_version_token()
    _, count = reads(versioning.content_version_token)
    assert count == 1
