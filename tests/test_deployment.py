"""The deployment files: compose validates, every name they use exists, production settings are
safe, gunicorn sizes itself within the database's connection budget."""

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
SETTINGS_SOURCES = "".join(
    (ROOT / name).read_text() for name in ["config/settings.py", "gunicorn.conf.py"]
)
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "api.example.org",
    "DATABASE_URL": "postgres://guidance@db.internal:5432/guidance",
}


def test_the_compose_file_validates_against_the_compose_specification():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_postgresql_16_with_a_volume_and_a_healthcheck():
    db = COMPOSE["services"]["db"]
    assert db["image"] == "postgres:16"
    assert db["volumes"][0].split(":")[0] in COMPOSE["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    web = COMPOSE["services"]["web"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_publishes_nginx_only_and_gunicorn_trusts_exactly_that_proxy():
    proxy, web = COMPOSE["services"]["proxy"], COMPOSE["services"]["web"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["ports"] == ["8000:8000"]
    assert "ports" not in web
    assert web["expose"] == ["8000"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert proxy["environment"]["GUIDANCE_UPSTREAM"] == "web:8000"
    assert web["environment"]["NUM_PROXIES"] == "1"
    for volume in proxy["volumes"]:
        assert (ROOT / volume.split(":")[0]).exists(), volume
    template = (ROOT / "deploy/nginx/templates/guidance.conf.template").read_text()
    variables = set(re.findall(r"\$\{(\w+)\}", template))
    # envsubst renders exactly the template's variables, each set by compose.
    assert proxy["environment"]["NGINX_ENVSUBST_FILTER"] == "^GUIDANCE_"
    assert {name for name in proxy["environment"] if name.startswith("GUIDANCE_")} == variables
    mounted = {volume.split(":")[1] for volume in proxy["volumes"]}
    assert "/etc/nginx/templates/default.conf.template" in mounted  # replaces the stock server
    assert proxy["environment"]["GUIDANCE_PROBLEMS_DIR"] in mounted
    assert proxy["environment"]["GUIDANCE_LISTEN"] == proxy["ports"][0].split(":")[-1]
    # Django and nginx agree on the admin's path (nginx limits posts to its login page).
    assert proxy["environment"]["GUIDANCE_ADMIN_URL"] == web["environment"]["ADMIN_URL"]
    # nginx sets X-Forwarded-Proto itself, replacing the client's, so Django may trust it.
    assert web["environment"]["TRUST_X_FORWARDED_PROTO"] == "1"
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in template


def test_compose_shares_one_redis_cache_between_web_processes():
    web = COMPOSE["services"]["web"]
    assert COMPOSE["services"]["redis"]["image"].startswith("redis:")
    assert web["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"


def test_every_variable_compose_sets_is_read_by_the_settings_or_gunicorn():
    for name in COMPOSE["services"]["web"]["environment"]:
        assert f'"{name}"' in SETTINGS_SOURCES, f"{name} is set in compose but never read"


def test_compose_points_at_the_database_it_starts():
    web_env = COMPOSE["services"]["web"]["environment"]
    db_env = COMPOSE["services"]["db"]["environment"]
    user, password, name = (
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
        db_env["POSTGRES_DB"],
    )
    assert web_env["DATABASE_URL"] == f"postgres://{user}:{password}@db:5432/{name}"


def test_every_file_and_command_the_two_files_name_exists():
    web = COMPOSE["services"]["web"]
    assert (ROOT / web["build"] / "Dockerfile").exists()
    for command in [web["command"][0], *re.findall(r'CMD \["([^"]+)"\]', DOCKERFILE)]:
        path = ROOT / command
        assert path.exists(), command
        assert os.access(path, os.X_OK), command
    start = (ROOT / "bin/start").read_text()
    assert "manage.py prepare" in start
    assert "gunicorn --config gunicorn.conf.py" in start
    assert (ROOT / "infra/management/commands/prepare.py").exists()
    assert "manage.py collectstatic" in DOCKERFILE
    assert resolve("/readyz").url_name == "readyz"
    assert "/readyz" in DOCKERFILE


def test_production_settings_pass_check_deploy_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


@pytest.mark.parametrize("value", ["/admin/", "admin", "api/admin/"])
def test_a_malformed_admin_path_is_refused(value):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**PRODUCTION_ENV, "ADMIN_URL": value},
        capture_output=True,
        text=True,
        check=False,
    )
    assert f"ADMIN_URL={value!r} must be a relative path ending in '/'" in result.stderr


def test_the_admin_path_is_configurable():
    script = (
        "import django; django.setup();"
        "from django.urls import reverse; print(reverse('admin:index'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **PRODUCTION_ENV,
            "ADMIN_URL": "editors/",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "/editors/", result.stderr


def gunicorn_config(monkeypatch, **env) -> dict:
    for name in ["WEB_CONCURRENCY", "GUNICORN_THREADS", "DB_MAX_CONNECTIONS", "PORT"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_defaults_to_sync_workers_sized_for_the_cpus(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["workers"] == min(2 * os.cpu_count() + 1, 20)
    assert (config["threads"], config["worker_class"]) == (1, "sync")
    assert config["accesslog"] == "-"
    assert config["bind"] == "0.0.0.0:8000"


def test_gunicorn_takes_workers_threads_and_port_from_the_environment(monkeypatch):
    config = gunicorn_config(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_THREADS="4", PORT="9000")
    assert (config["workers"], config["threads"], config["worker_class"]) == (3, 4, "gthread")
    assert config["bind"] == "0.0.0.0:9000"


def test_gunicorn_default_workers_fit_the_connection_budget(monkeypatch):
    config = gunicorn_config(monkeypatch, GUNICORN_THREADS="4", DB_MAX_CONNECTIONS="8")
    assert config["workers"] * config["threads"] <= 8


def test_gunicorn_refuses_more_connections_than_the_budget(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="WEB_CONCURRENCY=6 x GUNICORN_THREADS=4 = 24"):
        gunicorn_config(monkeypatch, WEB_CONCURRENCY="6", GUNICORN_THREADS="4")


@pytest.mark.django_db
def test_prepare_starts_the_service_even_when_a_fixture_is_broken(settings, tmp_path, capsys):
    from django.core.management import call_command

    from content.versioning import content_version_get

    (tmp_path / "references.yaml").write_text("- slug: [broken\n")
    settings.CONTENT_FIXTURES_DIR = tmp_path
    before = content_version_get().token
    call_command("prepare", wait=1, verbosity=0)
    assert "Content not loaded" in capsys.readouterr().err
    assert content_version_get().token != before


@pytest.mark.django_db
def test_prepare_sets_up_the_editor_and_reviewer_roles():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    Group.objects.filter(name__in=["editor", "reviewer"]).delete()
    call_command("prepare", wait=1, verbosity=0)
    reviewer = Group.objects.get(name="reviewer")
    editor = Group.objects.get(name="editor")
    assert reviewer.permissions.filter(codename="publish_content").exists()
    assert not editor.permissions.filter(codename="publish_content").exists()
    assert editor.permissions.filter(codename="change_guidance").exists()


def test_the_wsgi_module_imports_every_view_before_the_fork_without_a_database_connection():
    """gunicorn preloads config.wsgi and forks workers from it: the views are imported there (a
    worker's first answer is not half a second of imports), and no connection is shared."""
    script = (
        "import sys, config.wsgi\n"
        "from django.db import connections\n"
        "assert 'interop.cds_views' in sys.modules and 'api.views.recommendations' in sys.modules\n"
        "assert all(c.connection is None for c in connections.all()), 'a connection is open'\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**PRODUCTION_ENV, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip().endswith("ok"), result.stdout + result.stderr
