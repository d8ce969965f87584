"""Two loaders at once on a fresh database, as two web replicas starting together would run them:
the second waits for the first's lock, then finds the content loaded; neither crashes."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def fresh_database(tmp_path):
    """A migrated, empty database on the engine this run uses (a new PostgreSQL database or a new
    SQLite file), as DATABASE_URL for subprocesses."""
    current = settings.DATABASES["default"]
    if current["ENGINE"].endswith("postgresql"):
        name = f"loaders_{uuid.uuid4().hex[:12]}"
        server = dict(
            host=current["HOST"] or "127.0.0.1",
            port=current["PORT"] or 5432,
            user=current["USER"],
            password=current["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        with psycopg.connect(**server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        user = current["USER"] + (f":{current['PASSWORD']}" if current["PASSWORD"] else "")
        url = f"postgres://{user}@{server['host']}:{server['port']}/{name}"
        _manage(url, "migrate", "--noinput").check_returncode()
        yield url
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        _manage(url, "migrate", "--noinput").check_returncode()
        yield url


def _environment(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "loader-test", "DEBUG": "0"}


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(url),
        capture_output=True,
        text=True,
        check=False,
    )


def _start(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(
    "commands",
    [("load_content", "load_content"), ("prepare", "load_content")],
    ids=["two-loaders", "prepare-and-loader"],
)
def test_two_loads_at_once_take_turns_and_both_succeed(fresh_database, commands):
    processes = [_start(fresh_database, command) for command in commands]
    outcomes = [(process.wait(timeout=300), *process.communicate()) for process in processes]
    for returncode, stdout, stderr in outcomes:
        assert returncode == 0, stdout + stderr
        assert "Traceback" not in stderr, stderr
    reports = sorted(stdout.strip().splitlines()[-1] for _, stdout, _ in outcomes)
    # One process loaded the content; the other found it there (or, second, had nothing to do).
    assert "Content loaded." in reports, reports
    check = _manage(fresh_database, "load_content", "--dry-run")
    assert check.returncode == 0, check.stderr
    assert "Content is up to date." in check.stdout
    assert "0 created, 0 updated" in check.stdout
