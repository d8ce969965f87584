"""Moving disorders to their own app kept every row: migrated back and forth on real content.

Runs the real ``migrate`` and ``load_content`` commands against a throwaway database of the same
engine as the suite's (SQLite, or PostgreSQL when DATABASE_URL names it).
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

SNAPSHOT = """
import json
from django.contrib.contenttypes.models import ContentType
from content.models import LoadedEntry
from disorders.models import Disorder, ProfileFactor
from guidance.models import Guidance
print(json.dumps({
    "disorders": sorted(
        [d.slug, d.parent.slug if d.parent else None,
         sorted(r.seed_number or 0 for r in d.references.all()),
         sorted(r.seed_number or 0 for r in d.plasticity_risk_references.all()),
         d.evidence_summary]
        for d in Disorder.objects.all()
    ),
    "profile_factors": sorted(
        [p.slug, sorted(r.seed_number or 0 for r in p.references.all())]
        for p in ProfileFactor.objects.all()
    ),
    "guidance": sorted(
        [g.slug, g.disorder.slug if g.disorder else None,
         g.profile_factor.slug if g.profile_factor else None]
        for g in Guidance.objects.all()
    ),
    "history": [Disorder.history.count(), ProfileFactor.history.count()],
    "edited_history_references": Disorder.history.filter(slug="ptsd").first().references.count(),
    "loaded": sorted(LoadedEntry.objects.filter(model__startswith="disorders.")
                     .values_list("model", "key")),
    "content_types": sorted(ContentType.objects.filter(app_label="disorders")
                            .values_list("model", flat=True)),
}))
"""
EDIT = """
from disorders.models import Disorder
d = Disorder.objects.get(slug="ptsd")
d.evidence_summary += " Edited by an editor."
d.save()
"""
OLD_TABLES = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM guidance_disorder")
    disorders = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(*) FROM guidance_disorder_references")
    links = cursor.fetchone()[0]
print(disorders, links)
"""


@pytest.fixture
def database_url():
    """A database of its own, on the suite's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        path = Path(f"/tmp/migration-test-{uuid.uuid4().hex}.sqlite3")
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    import psycopg

    name = f"migration_test_{uuid.uuid4().hex[:12]}"
    params = connection.settings_dict
    admin = (
        f"host={params['HOST']} port={params['PORT'] or 5432} user={params['USER']} dbname=postgres"
    )
    if params.get("PASSWORD"):
        admin += f" password={params['PASSWORD']}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    user = params["USER"] + (f":{params['PASSWORD']}" if params.get("PASSWORD") else "")
    yield f"postgres://{user}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(database_url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "migration-test",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def shell(database_url: str, code: str) -> str:
    return run(database_url, "manage.py", "shell", "--no-imports", "-v", "0", "-c", code)


def test_moving_disorders_between_apps_keeps_content_history_and_edits(database_url):
    run(database_url, "manage.py", "migrate", "-v", "0")
    run(database_url, "manage.py", "load_content", "-v", "0")
    shell(database_url, EDIT)
    before = json.loads(shell(database_url, SNAPSHOT))
    assert len(before["disorders"]) == 11
    assert before["loaded"]

    run(database_url, "manage.py", "migrate", "guidance", "0002_history", "-v", "0")
    disorders, links = map(int, shell(database_url, OLD_TABLES).split())
    assert disorders == 11
    assert links == sum(len(d[2]) for d in before["disorders"])

    run(database_url, "manage.py", "migrate", "-v", "0")
    after = json.loads(shell(database_url, SNAPSHOT))
    assert after == before
    assert "disorder" in after["content_types"]

    report = run(database_url, "manage.py", "load_content")
    assert "disorders.disorder slug=ptsd (changed since the last load)" in report
