"""The OpenAPI document passes the linters API reviewers and CI use, with no error and no warning:
Redocly's recommended ruleset (``redocly.yaml``) and Spectral's ``spectral:oas``
(``.spectral.yaml``), each with only the overrides written there with their reasons.

Both run through npx at pinned versions; the first run on a machine downloads them.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

REDOCLY = "@redocly/cli@2.77.0"
SPECTRAL = "@stoplight/spectral-cli@6.16.3"
NPX_TIMEOUT = 600
# No telemetry, update notices or funding messages from the tools; CI has no terminal to show them.
QUIET = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NO_UPDATE_NOTIFIER": "1",
    "npm_config_update_notifier": "false",
    "npm_config_fund": "false",
    "npm_config_audit": "false",
}


def npx(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run an npm package's command through npx; fail (not skip) when Node.js is missing."""
    found = shutil.which("npx")
    if found is None:
        pytest.fail(
            "npx is not installed: these tests need Node.js 20 or newer with npm. Install them "
            "(Debian/Ubuntu: `sudo apt-get install nodejs npm`; otherwise https://nodejs.org/) "
            "and run the tests again; npx downloads the pinned tools on first use."
        )
    return subprocess.run(
        [found, "--yes", *args],
        cwd=cwd,
        env={**os.environ, **QUIET},
        capture_output=True,
        text=True,
        timeout=NPX_TIMEOUT,
        check=False,
    )


def write_schema(directory: Path) -> Path:
    """Write the OpenAPI document as ``manage.py spectacular --validate`` generates it."""
    path = directory / "schema.yaml"
    call_command("spectacular", validate=True, file=str(path))
    return path


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory) -> Path:
    """The document, generated without database access: it holds no content, so it is the same
    whatever an editor adds."""
    return write_schema(tmp_path_factory.mktemp("schema"))


def test_redocly_recommended_rules_find_nothing(schema_file):
    result = npx(
        REDOCLY,
        "lint",
        "--config",
        str(settings.BASE_DIR / "redocly.yaml"),
        "--format=json",
        "--max-problems=10000",
        str(schema_file),
        cwd=schema_file.parent,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"Redocly did not report (exit {result.returncode}):\n{result.stderr}")
    findings = [
        f"{problem['severity']} {problem['ruleId']}: {problem['message']} "
        f"at {problem['location'][0]['pointer']}"
        for problem in report["problems"]
    ]
    assert not findings, "Redocly:\n" + "\n".join(findings)
    assert result.returncode == 0, result.stderr


def test_spectral_oas_rules_find_nothing(schema_file):
    result = npx(
        SPECTRAL,
        "lint",
        "--ruleset",
        str(settings.BASE_DIR / ".spectral.yaml"),
        "--format=json",
        "--fail-severity=warn",
        "--quiet",
        str(schema_file),
        cwd=schema_file.parent,
    )
    try:
        report = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        pytest.fail(f"Spectral did not report (exit {result.returncode}):\n{result.stdout}")
    severities = {0: "error", 1: "warning", 2: "info", 3: "hint"}
    findings = [
        f"{severities[finding['severity']]} {finding['code']}: {finding['message']} "
        f"at {'.'.join(map(str, finding['path']))}"
        for finding in report
        if finding["severity"] <= 1
    ]
    assert not findings, "Spectral:\n" + "\n".join(findings)
    assert result.returncode == 0, result.stdout + result.stderr
