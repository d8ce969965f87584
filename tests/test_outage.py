"""A database outage, for real: a throwaway PostgreSQL cluster stopped and started under gunicorn.

While the database is down the API answers 503 JSON and the process stays up; once it is back,
the very next request succeeds, with no restart.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# How long the server may serve the content version from memory (CONTENT_VERSION_MAX_STALENESS).
STALENESS = 0.5


def postgres_bin(name: str) -> str:
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: p.parts)
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if not found:
        pytest.fail(f"PostgreSQL's {name} is needed for the outage test; install postgresql")
    return found


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; run its tools as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    directory: Path
    port: int

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            as_postgres([postgres_bin("pg_ctl"), "-D", str(self.directory / "data"), *args]),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-l", str(self.directory / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")


@pytest.fixture(scope="module")
def cluster():
    directory = Path(tempfile.mkdtemp(prefix="outage-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    subprocess.run(
        as_postgres(
            [
                postgres_bin("initdb"),
                "-D",
                str(directory / "data"),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    cluster = Cluster(directory, free_port())
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run(
            as_postgres(
                [postgres_bin("pg_ctl"), "-D", str(directory / "data"), "-m", "immediate", "stop"]
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(directory, ignore_errors=True)


def get(url: str) -> tuple[int, dict, dict]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.fixture(scope="module")
def server(cluster):
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/postgres",
        "SECRET_KEY": "outage-test-" + "x" * 50,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "THROTTLE_RATE": "off",
        "STATIC_MANIFEST": "0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "DB_CONNECT_TIMEOUT": "2",
        "CONTENT_VERSION_MAX_STALENESS": str(STALENESS),
        "PORT": str(port),
    }
    subprocess.run(
        [sys.executable, "manage.py", "prepare", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    try:
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def test_the_api_answers_503_while_postgresql_is_down_and_recovers_without_a_restart(
    cluster, server
):
    base, process = server
    status, _, body = get(f"{base}/api/v1/compounds/")
    assert (status, body["count"]) == (200, 4)

    cluster.stop()
    # The process serves the version it read (and so a cached answer) for at most the bound;
    # after it, the version read meets the outage.
    time.sleep(STALENESS + 0.2)
    try:
        for url in ["/api/v1/compounds/", "/api/v1/recommendations/?disorder=ptsd&compound=mdma"]:
            status, headers, body = get(f"{base}{url}")
            assert status == 503, body
            assert headers["Content-Type"] == "application/problem+json"
            assert body["type"] == "/api/problems/database-unavailable/"
            assert body["detail"] == "The database is unavailable; try again in a few seconds."
            assert headers["Retry-After"] == "5"
        assert get(f"{base}/healthz")[0] == 200
        status, _, body = get(f"{base}/readyz")
        assert (status, body["checks"]["database"]) == (503, "unreachable")
        assert process.poll() is None, "gunicorn died during the outage"
    finally:
        cluster.start()

    status, _, body = get(f"{base}/api/v1/compounds/")
    assert (status, body["count"]) == (200, 4)
    assert get(f"{base}/readyz")[0] == 200
    assert process.poll() is None
