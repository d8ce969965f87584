"""An edit is seen by every process within milliseconds while Redis is up, pushed over Redis
pub/sub; the CONTENT_VERSION_MAX_STALENESS bound still holds whenever a push is lost.

Each test runs its own redis-server (tests/infra/test_redis_resilience.py) with the cache
configured as config.settings configures it for REDIS_URL, and a staleness bound of 1 s on a fake
clock that the tests move by less: so a token this process stops serving was forgotten by the push
(content.versioning, infra.redis_cache), not by the bound.
"""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.cache import caches

from content import versioning
from content.models import ContentVersion
from infra import redis_cache
from tests.concurrency import in_a_forked_child, wait_until
from tests.infra import test_redis_resilience as resilience
from tests.infra.test_redis_resilience import ROOT, breaker_lines, edit, tracebacks

# The resilience tests' fixtures: a redis-server of the test's own, the production cache settings,
# the log at INFO.
redis_server = resilience.redis_server
production_cache = resilience.production_cache
log = resilience.log

pytestmark = pytest.mark.django_db

BOUND = 1.0
# Seconds a push may take in these tests; in practice it takes about a millisecond.
PUSH = 0.5


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(versioning, "_clock", lambda: now[0])
    return now


@pytest.fixture
def pushed_cache(settings, redis_server, production_cache, clock):
    """The API with its cache on this test's Redis, as in production (KEY_PREFIX "guidance"),
    the largest staleness bound, and a breaker that tries again after 1 s."""
    settings.CACHES = {"default": {**production_cache, "LOCATION": redis_server.url}}
    settings.CONTENT_VERSION_IN_CACHE = True
    settings.CONTENT_VERSION_MAX_STALENESS = BOUND
    settings.REDIS_BREAKER_RESET_SECONDS = 1
    redis_cache.reset()
    cache = caches["default"]
    yield cache
    redis_cache.reset()
    cache.close()


def forgotten_since(number: int):
    return lambda: versioning._forgotten != number


def listening() -> str:
    """Read the token (which starts this process's subscriber), wait until it has subscribed (it
    forgets the token then), and read it again: the token is now in memory, fresh."""
    number = versioning._forgotten
    versioning.content_version_token()
    wait_until(forgotten_since(number), "the subscriber to subscribe")
    return versioning.content_version_token()


def subscriber_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "redis-subscriber"]


def commit_in_another_process(redis_url: str, database: str) -> str:
    """Run another API process (the production settings for ``redis_url``, a database of its own)
    that commits a new content version; return its token."""
    script = (
        "import django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "django.setup()\n"
        "from django.db import connection, transaction\n"
        "from content.models import ContentVersion, ContentVersionLog\n"
        "from content.versioning import content_version_bump\n"
        "with connection.schema_editor() as editor:\n"
        "    editor.create_model(ContentVersion)\n"
        "    editor.create_model(ContentVersionLog)\n"
        "with transaction.atomic():\n"
        "    version = content_version_bump()\n"
        "print(version.token)\n"
    )
    env = {"PATH": os.environ["PATH"], "DEBUG": "1", "REDIS_URL": redis_url}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# The push.


def test_another_processs_commit_is_seen_here_within_milliseconds(
    pushed_cache, redis_server, clock, tmp_path
):
    old = listening()
    clock[0] += BOUND / 2  # half the bound: the token in memory is still served
    assert versioning.content_version_token() == old
    number = versioning._forgotten

    new = commit_in_another_process(redis_server.url, str(tmp_path / "other.sqlite3"))
    took = wait_until(forgotten_since(number), "the other process's push", timeout=2)

    assert versioning.content_version_token() == new != old
    assert took < PUSH, f"the push took {took:.3f} s"


def test_a_commit_announces_the_committed_token_on_the_channel(
    pushed_cache, redis_server, django_capture_on_commit_callbacks
):
    channel = pushed_cache.channel(versioning.CHANNEL)
    assert channel == "guidance:content-version"
    listener = redis_server.client().pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel)
    assert listener.get_message(timeout=1) is None  # the confirmation, ignored

    edit(django_capture_on_commit_callbacks, "Announced to every process.")

    message = listener.get_message(timeout=2)
    assert message is not None, "nothing was published"
    assert message["data"].decode() == ContentVersion.objects.get(pk=1).token
    listener.close()


def test_a_push_arriving_during_a_read_is_not_undone_by_it(settings, clock, monkeypatch):
    """The read began before the edit was announced: what it read must not be kept."""
    settings.CONTENT_VERSION_MAX_STALENESS = BOUND
    read = versioning._content_version_token_read
    reads = []

    def read_then_pushed() -> str:
        token = read()
        reads.append(token)
        if len(reads) == 1:
            versioning._on_announcement("f" * 32)  # on the subscriber's thread, meanwhile
        return token

    monkeypatch.setattr(versioning, "_content_version_token_read", read_then_pushed)
    versioning.content_version_token()
    versioning.content_version_token()
    assert len(reads) == 2


def test_with_pushes_the_staleness_bound_still_holds(pushed_cache, clock):
    """A lost push (Redis away, a message dropped): the bound is the guarantee, never weakened."""
    old = listening()
    # Another process's edit whose announcement is lost: the database and the cache change.
    ContentVersion.objects.filter(pk=1).update(token="f" * 32)
    pushed_cache.set(versioning.CACHE_KEY, "f" * 32)
    clock[0] += BOUND - 0.01
    assert versioning.content_version_token() == old
    clock[0] += 0.01
    assert versioning.content_version_token() == "f" * 32


# Redis lost and back.


def test_after_redis_was_killed_and_is_back_the_subscriber_subscribes_again_and_forgets(
    pushed_cache, redis_server, log
):
    listening()
    redis_server.kill()
    # The subscriber notices on its own (no request is made): its attempt to reconnect fails and
    # opens the process's breaker, the one line an outage logs.
    wait_until(lambda: redis_cache.BREAKER.state == "open", "the subscriber to notice", 2)
    number = versioning._forgotten

    redis_server.start()
    # Once the breaker's period (1 s) is over, the subscriber's attempt is the trial call.
    took = wait_until(forgotten_since(number), "the subscriber to subscribe again", timeout=5)
    assert took < 1 + redis_cache.SUBSCRIBER_RETRY_MAX + 0.5

    # Pushes arrive again.
    number = versioning._forgotten
    redis_server.client().publish(pushed_cache.channel(versioning.CHANNEL), "f" * 32)
    wait_until(forgotten_since(number), "a push after the restart", timeout=PUSH)
    assert len(breaker_lines(log, "opened")) == 1, log.text
    assert len(breaker_lines(log, "closed")) == 1, log.text
    assert tracebacks(log) == []
    assert all("circuit breaker" in record.getMessage() for record in log.records), log.text


def test_a_hung_redis_is_noticed_by_the_subscriber_and_it_subscribes_again_once_it_answers(
    pushed_cache, redis_server, log, monkeypatch
):
    monkeypatch.setattr(redis_cache, "SUBSCRIBER_PING_AFTER", 0.2)
    monkeypatch.setattr(redis_cache, "SUBSCRIBER_PING_TIMEOUT", 0.3)
    listening()
    redis_server.pause()
    try:
        wait_until(lambda: redis_cache.BREAKER.state == "open", "the subscriber to notice", 3)
        number = versioning._forgotten
    finally:
        redis_server.resume()
    wait_until(forgotten_since(number), "the subscriber to subscribe again", timeout=5)
    (opened,) = breaker_lines(log, "opened")
    assert "PING" in opened or "Timeout" in opened, opened
    assert tracebacks(log) == []


# Where a subscriber runs.


def test_without_redis_no_subscriber_starts_and_nothing_changes(client, settings):
    assert not settings.CONTENT_VERSION_IN_CACHE  # the SQLite default, a local memory cache
    assert client.get("/api/v1/disorders/ptsd/").status_code == 200
    versioning.content_version_token()
    assert subscriber_threads() == []
    assert redis_cache._subscriber is None


def test_one_subscriber_per_process_however_often_the_token_is_read(pushed_cache, clock):
    listening()
    (thread,) = subscriber_threads()
    for _ in range(5):
        clock[0] += BOUND
        versioning.content_version_token()
    assert subscriber_threads() == [thread]


def test_a_forked_worker_starts_its_own_subscriber(pushed_cache, redis_server):
    """gunicorn forks its workers from the master: the parent's thread is not in the child."""
    listening()
    channel = pushed_cache.channel(versioning.CHANNEL)
    admin = redis_server.client()
    assert admin.pubsub_numsub(channel) == [(channel.encode(), 1)]

    def subscribed_in_the_child() -> bool:
        number = versioning._forgotten
        versioning._listen()
        deadline = time.monotonic() + 5
        while versioning._forgotten == number and time.monotonic() < deadline:
            time.sleep(0.005)
        subscriber = redis_cache._subscriber
        return (
            versioning._forgotten != number
            and subscriber.pid == os.getpid()
            and subscriber.thread.is_alive()
            and admin.pubsub_numsub(channel) == [(channel.encode(), 2)]
        )

    assert in_a_forked_child(subscribed_in_the_child) == "ok"
    wait_until(  # the child's subscription ended with it; the parent's is still there
        lambda: admin.pubsub_numsub(channel) == [(channel.encode(), 1)], "the child's to end", 2
    )
    assert redis_cache._subscriber.pid == os.getpid()


def test_stopping_the_subscriber_ends_its_thread_and_its_subscription(pushed_cache, redis_server):
    listening()
    channel = pushed_cache.channel(versioning.CHANNEL)
    redis_cache.stop_subscriber()
    assert subscriber_threads() == []
    wait_until(
        lambda: redis_server.client().pubsub_numsub(channel) == [(channel.encode(), 0)],
        "the subscription to end",
        timeout=2,
    )
