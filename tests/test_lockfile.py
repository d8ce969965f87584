"""The lock files, requirements/runtime.txt and requirements/dev.txt: every package pinned with its
hashes, the direct dependencies at the versions pyproject.toml names, the runtime lock free of test
tools; the Makefile and the Dockerfile install from them, checking the hashes."""

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME_LOCK = ROOT / "requirements/runtime.txt"
DEV_LOCK = ROOT / "requirements/dev.txt"
SHA256 = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def parse_lock(text):
    """The lock's requirements as {name: (version, hashes)}, and what is wrong with any line."""
    pins, problems = {}, []
    # A requirement and its --hash options are one line continued with backslashes.
    for line in re.sub(r"\\\n", " ", text).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        spec, *options = re.split(r"\s+(?=--)", line)
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as error:
            problems.append(f"{line[:60]}: not a requirement ({error})")
            continue
        name = canonicalize_name(requirement.name)
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==" or "*" in specifiers[0].version:
            problems.append(f"{name}: not pinned with == ({requirement.specifier or 'no version'})")
            continue
        if requirement.url:
            problems.append(f"{name}: installed from a URL")
        hashes = {option for option in options if SHA256.fullmatch(option)}
        if not hashes:
            problems.append(f"{name}: no --hash=sha256:")
        if others := [option for option in options if option not in hashes]:
            problems.append(f"{name}: options other than sha256 hashes: {others}")
        if name in pins:
            problems.append(f"{name}: listed twice")
        pins[name] = (specifiers[0].version, hashes)
    return pins, problems


def direct(requirements):
    """pyproject.toml's requirements as {name: Requirement}."""
    return {canonicalize_name(r.name): r for r in map(Requirement, requirements)}


RUNTIME = direct(PROJECT["dependencies"])
DEV = direct(PROJECT["optional-dependencies"]["dev"])
LOCKS = {
    "runtime": (RUNTIME_LOCK, RUNTIME),
    "dev": (DEV_LOCK, RUNTIME | DEV),
}


@pytest.mark.parametrize("lock", LOCKS)
def test_every_line_of_the_lock_is_pinned_with_a_sha256_hash(lock):
    path, _ = LOCKS[lock]
    pins, problems = parse_lock(path.read_text())
    assert not problems, "\n".join(problems)
    assert pins, f"{path.name} lists no package"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_direct_dependency_is_pinned_and_locked_at_that_version(lock):
    path, requirements = LOCKS[lock]
    pins, _ = parse_lock(path.read_text())
    for name, requirement in requirements.items():
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1, f"pyproject.toml: {requirement} is not pinned with =="
        assert specifiers[0].operator == "==", f"pyproject.toml: {requirement} is not pinned"
        assert name in pins, f"{name} is not in {path.name}: run `make lock`"
        assert pins[name][0] == specifiers[0].version, (
            f"{path.name}: {name}=={pins[name][0]}; pyproject.toml: {requirement}; `make lock`"
        )


def test_the_dev_lock_holds_the_runtime_lock_exactly():
    runtime, _ = parse_lock(RUNTIME_LOCK.read_text())
    dev, _ = parse_lock(DEV_LOCK.read_text())
    for name, (version, hashes) in runtime.items():
        assert name in dev, f"{name} is in runtime.txt, not in dev.txt: run `make lock`"
        assert dev[name] == (version, hashes), f"{name} differs between the locks: `make lock`"


def test_the_runtime_lock_holds_no_test_tool():
    runtime, _ = parse_lock(RUNTIME_LOCK.read_text())
    dev_only = (set(DEV) | {"pytest", "ruff", "uv", "pip-audit"}) - set(RUNTIME)
    assert not dev_only & set(runtime), (
        f"dev-only packages in runtime.txt: {dev_only & set(runtime)}"
    )


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_says_how_to_regenerate_it(lock):
    path, _ = LOCKS[lock]
    header = path.read_text().split("\n\n")[0].splitlines()[:5]
    assert any(line.startswith("#") and "make lock" in line for line in header), header


def test_make_lock_regenerates_both_locks_with_a_tool_from_the_dev_lock():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^lock:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no `lock` target"
    assert "$(RUNTIME_LOCK)" in recipe[1]
    assert re.search(r"--extra dev --constraint \$\(RUNTIME_LOCK\) .*\$\(DEV_LOCK\)", recipe[1])
    assert "uv pip compile --quiet --generate-hashes" in makefile
    assert "uv" in DEV, "uv, which `make lock` runs, is not in the dev extra"


def test_the_dockerfile_installs_the_runtime_lock_with_hashes_and_the_project_without_deps():
    dockerfile = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    assert "COPY requirements/runtime.txt requirements/runtime.txt" in dockerfile
    installs = re.findall(r"pip install [^&\n]*", dockerfile)
    assert installs, "the Dockerfile installs nothing with pip"
    assert installs[0].split() == [
        "pip",
        "install",
        "--require-hashes",
        "-r",
        "requirements/runtime.txt",
    ]
    for command in installs[1:]:
        assert "--no-deps" in command.split(), f"resolves dependencies past the lock: {command}"


def dry_run(target, *, newer=None, tmp_path):
    """The commands `make TARGET` would run in a venv whose stamps are newer than every input,
    with `newer` (a file) pretended changed since."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    for name in ["bin/python", ".installed", ".installed-dev"]:
        (venv / name).touch()
    command = ["make", "--no-print-directory", "-n", "-C", str(ROOT), f"VENV={venv}", target]
    if newer:
        command[1:1] = ["-W", newer]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "pip install" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("target", "lock", "inputs"),
    [
        ("install", "requirements/runtime.txt", ["pyproject.toml", "requirements/runtime.txt"]),
        (
            "install-dev",
            "requirements/dev.txt",
            ["pyproject.toml", "requirements/runtime.txt", "requirements/dev.txt"],
        ),
    ],
    ids=["install", "install-dev"],
)
def test_make_installs_from_the_lock_with_hashes_then_the_project_without_deps(
    target, lock, inputs, tmp_path
):
    assert dry_run(target, tmp_path=tmp_path) == [], "the stamps should be up to date"
    for changed in inputs:
        commands = dry_run(target, newer=changed, tmp_path=tmp_path)
        assert len(commands) == 2, f"changing {changed} does not reinstall: {commands}"
        assert commands[0].endswith(f"pip install --quiet --require-hashes -r {lock}")
        assert commands[1].endswith("pip install --quiet --no-deps -e .")


def test_every_ignored_vulnerability_says_why():
    lines = (ROOT / "requirements/audit-ignore.txt").read_text().splitlines()
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            vulnerability, _, reason = line.partition("#")
            assert re.fullmatch(r"\s*(PYSEC|GHSA|CVE|OSV)-[\w-]+\s*", vulnerability), line
            assert len(reason.split()) >= 3, f"give the reason it does not apply: {line}"
