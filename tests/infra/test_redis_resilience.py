"""Redis is an accelerator, never a dependency of correctness or latency: for real.

Each test starts its own redis-server on a free port with its own directory, and stops (SIGSTOP),
kills, or restarts it from an old dump file under the API, with the cache configured exactly as
config.settings configures it for REDIS_URL (see infra.redis_cache). What is asserted is what a
user or an operator would notice: answers, their content, their latency, and the log.
"""

import contextlib
import json
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.core.cache import caches

from content.versioning import CACHE_KEY, content_version_get
from guidance.models import Guidance
from infra import redis_cache
from infra.caching import clear_local_answers
from tests.concurrency import in_a_forked_child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def version_read_every_request(settings):
    """These tests count and break the version read each request makes; the memory that spares
    it between reads is tested in tests/content/test_version_memory.py."""
    settings.CONTENT_VERSION_MAX_STALENESS = 0


ROOT = Path(__file__).resolve().parent.parent.parent
URL = "/api/v1/disorders/ptsd/"
SLUG = "ptsd-mdma-multimodal-integration"
# Seconds the breaker stays open in tests that wait for it to close again.
SHORT_RESET = 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    """A redis-server of the test's own, saving its dump (only when told to, by SAVE) in its own
    directory and loading it on every start."""

    port: int
    directory: Path
    process: subprocess.Popen | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        command += ["--dbfilename", "dump.rdb", "--logfile", str(self.directory / "redis.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except redis.exceptions.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def pause(self) -> None:
        """Hung: connections stay open, nothing is answered (as a stuck VM or a long fork)."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """Gone at once, without saving: connections are refused."""
        self.process.send_signal(signal.SIGCONT)
        self.process.kill()
        self.process.wait(10)

    def restart_from_dump(self) -> None:
        """Shut down without saving, then start again: the data is the last dump's."""
        with contextlib.suppress(redis.exceptions.ConnectionError):  # it closes the connection
            self.client().shutdown(nosave=True)
        self.process.wait(10)
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def production_cache() -> dict:
    """CACHES["default"] exactly as config.settings builds it when REDIS_URL is set."""
    script = (
        "import json, config.settings as s; "
        "print(json.dumps([s.CACHES['default'], s.CONTENT_VERSION_IN_CACHE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:1/0"},
        capture_output=True,
        text=True,
        check=True,
    )
    cache, in_cache = json.loads(result.stdout)
    assert in_cache, "with REDIS_URL the content version is kept in Redis"
    return cache


@pytest.fixture
def shared_cache(settings, redis_server, production_cache):
    """The API with its cache on this test's Redis, configured as in production."""
    settings.CACHES = {
        "default": {
            **production_cache,
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "resilience-tests",
        }
    }
    settings.CONTENT_VERSION_IN_CACHE = True
    settings.REDIS_BREAKER_RESET_SECONDS = 5
    redis_cache.reset()
    clear_local_answers()
    cache = caches["default"]
    yield cache
    cache.close()
    redis_cache.reset()


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def breaker_lines(log, word: str) -> list[str]:
    """Log lines of the Redis circuit breaker saying ``word`` (opened, half-open, closed)."""
    return [
        record.getMessage()
        for record in log.records
        if "circuit breaker" in record.getMessage() and f" {word}" in record.getMessage()
    ]


def tracebacks(log) -> list[str]:
    return [record.getMessage() for record in log.records if record.exc_info]


def rationale(response) -> str:
    """The rationale the PTSD page shows for the guidance row the tests edit."""
    assert response.status_code == 200
    for group in response.json()["guidance_by_compound"]:
        for phase in group["phases"]:
            for row in phase["guidance"]:
                if row["slug"] == SLUG:
                    return row["rationale"]
    raise AssertionError(f"{SLUG} is not on the page")


def edit(capture_on_commit, text: str) -> None:
    """Change the row's rationale through the ORM and commit (running the on-commit publish)."""
    with capture_on_commit(execute=True):
        row = Guidance.objects.get(slug=SLUG)
        row.rationale = text
        row.save()


def version_key(cache) -> str:
    return cache.make_key(CACHE_KEY)


def warm(client) -> bytes:
    """Two requests: the answer rendered, then served from the cache with the version from it."""
    first = client.get(URL)
    second = client.get(URL)
    assert second.content == first.content
    return second.content


# Settings.


def test_redis_timeouts_are_tens_of_milliseconds_and_redis_py_retries_nothing(
    production_cache, shared_cache
):
    options = production_cache["OPTIONS"]
    assert 0.01 <= options["SOCKET_CONNECT_TIMEOUT"] <= 0.1
    assert 0.01 <= options["SOCKET_TIMEOUT"] <= 0.1
    shared_cache.set("probe", 1)
    pool = shared_cache.client.get_client().connection_pool
    connection = pool.get_connection()
    try:
        assert connection.retry.get_retries() == 0
        assert connection.socket_timeout == options["SOCKET_TIMEOUT"]
    finally:
        pool.release(connection)


def test_the_shared_version_expires_within_ten_seconds(client, shared_cache, redis_server):
    """The bound on a process that saw no failure while another's publish was lost."""
    warm(client)
    assert 0 < redis_server.client().pttl(version_key(shared_cache)) <= 10_000


# Redis gone (refused connections).


def test_with_redis_killed_the_api_answers_current_content_and_logs_one_line(
    client, shared_cache, redis_server, log
):
    body = warm(client)
    redis_server.kill()
    started = time.monotonic()
    responses = [client.get(URL) for _ in range(20)]
    elapsed = time.monotonic() - started
    assert [response.status_code for response in responses] == [200] * 20
    assert {response.content for response in responses} == {body}
    assert len(breaker_lines(log, "opened")) == 1, log.text
    assert tracebacks(log) == []
    assert len(log.records) == 1, log.text
    assert elapsed < 2


def test_with_redis_killed_throttled_requests_still_answer_without_tracebacks(
    client, shared_cache, redis_server, log, settings
):
    settings.THROTTLE = (600, 60)
    warm(client)
    redis_server.kill()
    for _ in range(10):
        response = client.get(URL)
        assert response.status_code == 200
        assert response["RateLimit-Policy"] == '"default";q=600;w=60'
    assert len(breaker_lines(log, "opened")) == 1, log.text
    assert tracebacks(log) == []


def test_a_missing_counter_is_still_a_value_error_and_not_an_outage(shared_cache, log):
    with pytest.raises(ValueError, match="not found"):
        shared_cache.incr("throttle:nothing")
    assert shared_cache.add("throttle:something", 0, 60)
    assert shared_cache.incr("throttle:something") == 1
    assert breaker_lines(log, "opened") == []


# Redis hung (SIGSTOP): connections open, nothing answered.


def test_a_hung_redis_costs_one_timeout_then_nothing_until_it_is_back(
    client, shared_cache, redis_server, log, settings, production_cache, django_assert_num_queries
):
    settings.REDIS_BREAKER_RESET_SECONDS = SHORT_RESET
    timeout = production_cache["OPTIONS"]["SOCKET_TIMEOUT"]
    body = warm(client)
    redis_server.pause()
    try:
        started = time.monotonic()
        first = client.get(URL)
        first_took = time.monotonic() - started
        took = []
        for _ in range(20):
            started = time.monotonic()
            response = client.get(URL)
            took.append(time.monotonic() - started)
            assert response.status_code == 200
            assert response.content == body
    finally:
        redis_server.resume()
    assert first.status_code == 200
    assert first.content == body
    assert first_took < timeout + 0.25, f"first request took {first_took:.3f} s"
    assert sum(took) < 20 * timeout / 2, f"20 requests took {sum(took):.3f} s: {took}"
    assert max(took) < timeout, f"slowest of the 20 took {max(took):.3f} s"
    assert len(breaker_lines(log, "opened")) == 1, log.text
    assert tracebacks(log) == []

    time.sleep(SHORT_RESET + 0.2)
    assert client.get(URL).content == body  # the trial call, and the version re-synchronised
    assert len(breaker_lines(log, "half-open")) == 1, log.text
    assert len(breaker_lines(log, "closed")) == 1, log.text
    assert len(breaker_lines(log, "opened")) == 1, log.text
    # Answers come from Redis again: no database query even with this process's memory cleared.
    clear_local_answers()
    with django_assert_num_queries(0):
        again = client.get(URL)
    assert again.content == body


def test_threads_failing_at_once_wait_one_timeout_and_log_one_line(
    shared_cache, redis_server, log, production_cache
):
    """A gthread worker: every thread shares the process's breaker."""
    timeout = production_cache["OPTIONS"]["SOCKET_TIMEOUT"]
    shared_cache.set("key", "value")
    results = []

    def read() -> None:
        results.extend(caches["default"].get("key") for _ in range(5))

    redis_server.pause()
    try:
        threads = [threading.Thread(target=read) for _ in range(8)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        redis_server.resume()
    assert results == [None] * 40
    assert elapsed < 2 * timeout + 0.25, f"40 reads took {elapsed:.3f} s"
    assert len(breaker_lines(log, "opened")) == 1, log.text
    assert tracebacks(log) == []


# Redis back with older data than the database.


def test_after_a_restart_from_an_old_dump_the_next_request_serves_the_latest_edit(
    client, shared_cache, redis_server, django_capture_on_commit_callbacks
):
    original = rationale(client.get(URL))
    client.get(URL)
    old_token = content_version_get().token
    admin = redis_server.client()
    assert pickle.loads(admin.get(version_key(shared_cache))) == old_token
    admin.save()  # the dump holds the version before the edit

    edit(django_capture_on_commit_callbacks, "Edited after the dump was saved.")
    assert rationale(client.get(URL)) == "Edited after the dump was saved."

    redis_server.restart_from_dump()
    assert pickle.loads(redis_server.client().get(version_key(shared_cache))) == old_token
    assert rationale(client.get(URL)) == "Edited after the dump was saved."
    assert original != "Edited after the dump was saved."


def test_an_edit_made_while_redis_is_down_is_served_once_it_is_back(
    client, shared_cache, redis_server, settings, django_capture_on_commit_callbacks, log
):
    settings.REDIS_BREAKER_RESET_SECONDS = SHORT_RESET
    warm(client)
    redis_server.client().save()
    redis_server.kill()

    edit(django_capture_on_commit_callbacks, "Edited while Redis was down.")
    assert rationale(client.get(URL)) == "Edited while Redis was down."

    redis_server.start()  # from the dump, which holds the version before the edit
    time.sleep(SHORT_RESET + 0.2)
    assert rationale(client.get(URL)) == "Edited while Redis was down."
    assert rationale(client.get(URL)) == "Edited while Redis was down."
    assert len(breaker_lines(log, "closed")) == 1, log.text
    assert tracebacks(log) == []


def test_an_older_token_never_overwrites_a_newer_one(
    client, shared_cache, redis_server, django_capture_on_commit_callbacks
):
    """A reader that read the database before a commit cannot put back the older version."""
    from content import versioning

    warm(client)
    older = content_version_get()
    edit(django_capture_on_commit_callbacks, "The newer version.")
    newer = content_version_get().token
    assert shared_cache.get(CACHE_KEY) == newer
    assert versioning._publish(older.token, older.changed_at, committed=False) is False
    assert shared_cache.get(CACHE_KEY) == newer


def test_a_forked_worker_gets_breaker_locks_nobody_holds():
    """gunicorn forks workers from a master whose threads may hold the breaker's locks at that
    moment (a trial call holds pybreaker's for a whole Redis round trip); the child must not
    inherit them held, or its first outage would hang the worker."""
    breaker = redis_cache.BREAKER
    held = [breaker._trip_lock, breaker._epoch_lock, breaker.breaker._lock]
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with contextlib.ExitStack() as stack:
            for lock in held:
                stack.enter_context(lock)
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(5)

    def free_in_the_child() -> bool:
        child = redis_cache.BREAKER
        locks = [child._trip_lock, child._epoch_lock, child.breaker._lock]
        return all(lock.acquire(timeout=1) for lock in locks)

    try:
        answer = in_a_forked_child(free_in_the_child)
    finally:
        release.set()
        holder.join()
    assert answer == "ok"
