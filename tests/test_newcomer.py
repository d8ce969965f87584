"""The README's first steps as a newcomer takes them: the root, `make run`, `make superuser`."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_site_root_leads_to_the_api_entry_point_and_its_docs(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/api/v1/", 302)]
    links = response.json()
    assert links["docs"].endswith("/api/docs/")
    assert links["compounds"].endswith("/api/v1/compounds/")


def _make(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_run_installs_the_runtime_dependencies_only(tmp_path):
    """The test tools (pytest, playwright, ruff...) come with `make test`, not `make run`."""
    run = _make("--dry-run", "--always-make", "run", f"VENV={tmp_path / 'venv'}")
    test = _make("--dry-run", "--always-make", "test", f"VENV={tmp_path / 'venv'}")
    assert run.returncode == 0, run.stderr
    assert "pip install --quiet --require-hashes -r requirements/runtime.txt" in run.stdout
    assert "pip install --quiet --no-deps -e ." in run.stdout
    assert "requirements/dev.txt" not in run.stdout
    assert "pip install --quiet --require-hashes -r requirements/dev.txt" in test.stdout


def test_make_superuser_asks_nothing_when_the_environment_names_the_account(tmp_path):
    database = tmp_path / "newcomer.sqlite3"
    result = _make(
        "superuser",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SUPERUSER_USERNAME="newcomer",
        DJANGO_SUPERUSER_EMAIL="newcomer@example.org",
        DJANGO_SUPERUSER_PASSWORD="a-long-enough-password-1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Superuser created successfully." in result.stdout
    check = subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            "-c",
            "import django; django.setup(); from django.contrib.auth import get_user_model; "
            "u = get_user_model().objects.get(username='newcomer'); "
            "print(u.is_superuser, u.check_password('a-long-enough-password-1'))",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.stdout.split() == ["True", "True"], check.stderr
