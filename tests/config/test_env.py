import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_database,
    env_float,
    env_int,
    env_json_file,
    env_list,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("YES", True), ("off", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=not expected) is expected


def test_env_bool_names_the_variable_and_the_accepted_values(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='maybe' is not a boolean; use one of 1"):
        env_bool("DEBUG", default=False)


def test_env_int_rejects_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("WORKERS", "two")
    with pytest.raises(ImproperlyConfigured, match="WORKERS='two' is not an integer"):
        env_int("WORKERS", default=2)
    monkeypatch.setenv("WORKERS", "0")
    with pytest.raises(ImproperlyConfigured, match="must be at least 1"):
        env_int("WORKERS", default=2, minimum=1)


def test_env_float_reads_a_number_within_its_range_and_names_the_range(monkeypatch):
    monkeypatch.setenv("STALENESS", "0.25")
    assert env_float("STALENESS", default=0.5, minimum=0, maximum=1) == 0.25
    monkeypatch.delenv("STALENESS")
    assert env_float("STALENESS", default=0.5, minimum=0, maximum=1) == 0.5
    for raw, message in (("soon", "is not a number"), ("2", "must be from 0 to 1")):
        monkeypatch.setenv("STALENESS", raw)
        with pytest.raises(ImproperlyConfigured, match=message):
            env_float("STALENESS", default=0.5, minimum=0, maximum=1)


def test_env_json_file_reads_the_file_a_variable_names(monkeypatch, tmp_path):
    assert env_json_file("ISSUERS_FILE") is None
    path = tmp_path / "issuers.json"
    path.write_text('{"https://ehr.example.org": {"keys": []}}')
    monkeypatch.setenv("ISSUERS_FILE", str(path))
    assert env_json_file("ISSUERS_FILE") == {"https://ehr.example.org": {"keys": []}}
    path.write_text("{not json")
    with pytest.raises(ImproperlyConfigured, match="cannot read it as JSON"):
        env_json_file("ISSUERS_FILE")


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " api.example.org, ,localhost ")
    assert env_list("ALLOWED_HOSTS", default=[]) == ["api.example.org", "localhost"]


def test_env_choice_matches_case_insensitively_and_lists_the_choices(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert env_choice("LOG_LEVEL", default="INFO", choices=("DEBUG", "INFO")) == "DEBUG"
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL='loud' is not one of DEBUG, INFO"):
        env_choice("LOG_LEVEL", default="INFO", choices=("DEBUG", "INFO"))


def test_env_database_defaults_to_the_embedded_sqlite_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", default="sqlite:////tmp/x.sqlite3")
    assert (config["ENGINE"], config["NAME"]) == ("django.db.backends.sqlite3", "/tmp/x.sqlite3")


def test_env_database_reads_a_postgres_url_for_psycopg(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://editor:pw@db.internal:5433/guidance")
    config = env_database("DATABASE_URL", default="sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "guidance")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/db", "unsupported database"),
        ("not a url", "not a valid database URL"),
        ("postgres://localhost", "has no database name"),
    ],
)
def test_env_database_explains_a_malformed_url(monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match=message):
        env_database("DATABASE_URL", default="sqlite:///x")


def run_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly this environment."""
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_settings_start_in_development_with_no_environment_but_debug():
    assert run_settings(DEBUG="1").returncode == 0


def test_settings_fail_at_import_on_a_malformed_database_url():
    result = run_settings(DEBUG="1", DATABASE_URL="nonsense")
    assert "DATABASE_URL is not a valid database URL" in result.stderr


def cache_settings(**env: str) -> dict:
    script = "import json, config.settings as s; print(json.dumps(s.CACHES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_redis_each_process_caches_in_memory():
    assert cache_settings()["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_the_cache_is_django_redis_behind_a_breaker_with_short_timeouts():
    cache = cache_settings(REDIS_URL="redis://cache:6379/0", REDIS_TIMEOUT_MS="40")
    assert cache["BACKEND"] == "infra.redis_cache.RedisCache"
    assert cache["LOCATION"] == "redis://cache:6379/0"
    assert cache["OPTIONS"] == {"SOCKET_CONNECT_TIMEOUT": 0.04, "SOCKET_TIMEOUT": 0.04}


def test_unauthenticated_cds_hooks_calls_need_debug_on():
    result = run_settings(SECRET_KEY="x" * 50, CDS_HOOKS_ALLOW_UNAUTHENTICATED="1")
    assert result.returncode != 0
    assert "CDS_HOOKS_ALLOW_UNAUTHENTICATED=1 is for local testing only" in result.stderr
    assert run_settings(DEBUG="1", CDS_HOOKS_ALLOW_UNAUTHENTICATED="1").returncode == 0


def test_the_cds_hooks_issuers_file_must_map_issuers_to_key_sets(tmp_path):
    path = tmp_path / "issuers.json"
    path.write_text('{"https://ehr.example.org": ["not", "a", "key", "set"]}')
    result = run_settings(DEBUG="1", CDS_HOOKS_ISSUERS_FILE=str(path))
    assert result.returncode != 0
    assert "CDS_HOOKS_ISSUERS_FILE must hold" in result.stderr
