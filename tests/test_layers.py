"""The first-party packages form layers: a package imports only itself and the layers below it.

The walker parses every module (no imports are executed), so it sees imports made inside
functions and under ``if TYPE_CHECKING:`` as well as those at the top of a file.
"""

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What each production package may import besides itself.
ALLOWED: dict[str, set[str]] = {
    "content": set(),
    "evidence": {"content"},
    "compounds": {"content", "evidence"},
    "modalities": {"content", "evidence"},
    "disorders": {"content", "evidence"},
    "medications": {"content", "evidence", "compounds"},
    "guidance": {"content", "evidence", "compounds", "modalities", "disorders", "medications"},
    "infra": {
        "content",
        "evidence",
        "compounds",
        "modalities",
        "disorders",
        "medications",
        "guidance",
    },
    "api": {
        "infra",
        "content",
        "evidence",
        "compounds",
        "modalities",
        "disorders",
        "medications",
        "guidance",
    },
}
ALLOWED["interop"] = ALLOWED["api"] - {"api"} | {"infra"}
ALLOWED["config"] = set(ALLOWED)

#: First-party packages that production code must never import.
NOT_PRODUCTION = {"bench", "tests"}

FIRST_PARTY = set(ALLOWED) | NOT_PRODUCTION


@dataclass(frozen=True)
class Edge:
    module: str  # the importing module, dotted
    package: str  # the first-party top-level package it imports
    location: str  # path:line of the import statement

    def __str__(self) -> str:
        return f"{self.module} -> {self.package}  ({self.location})"


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_names(tree: ast.AST, module: str, is_package: bool):
    """Yield (dotted name, line) for every import anywhere in ``tree``, relative ones resolved."""
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - (node.level - 1)]
                yield ".".join([*base, *([node.module] if node.module else [])]), node.lineno
            else:
                yield node.module, node.lineno
        elif (
            isinstance(node, ast.Call)
            and _called_name(node.func) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, node.lineno


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def import_graph(root: Path, packages) -> tuple[list[str], list[Edge]]:
    """Return the modules of ``packages`` under ``root`` and their first-party import edges."""
    modules, edges = [], []
    for package in sorted(packages):
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            module = module_name(path, root)
            modules.append(module)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for name, line in imported_names(tree, module, path.name == "__init__.py"):
                top = name.split(".")[0]
                if top in FIRST_PARTY:
                    location = f"{path.relative_to(root).as_posix()}:{line}"
                    edges.append(Edge(module, top, location))
    return modules, edges


def upward_edges(edges: list[Edge]) -> list[Edge]:
    """The edges that leave a package for one it may not import."""
    return [
        edge
        for edge in edges
        if edge.package != (importer := edge.module.split(".")[0])
        and edge.package not in ALLOWED[importer]
    ]


def test_packages_import_only_lower_layers_and_never_bench_or_tests():
    modules, edges = import_graph(ROOT, ALLOWED)

    # The walk saw the whole tree, including imports made inside functions: api.schema imports
    # the rest of api (the router, the paginator) only inside its drf-spectacular hooks.
    assert len(modules) > 80
    assert len(edges) > 150
    seen = {(edge.module, edge.package) for edge in edges}
    assert {("api.views.guidance", "guidance"), ("api.schema", "api")} <= seen

    offending = upward_edges(edges)
    assert not offending, "upward imports:\n" + "\n".join(str(edge) for edge in offending)


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


def test_the_walker_flags_upward_and_test_imports_wherever_they_are(tmp_path):
    write_package(
        tmp_path,
        {
            "content/__init__.py": "",
            "content/models.py": """\
                from django.db import models
                from . import text

                def late():
                    from guidance.services import publish  # upward, inside a function
                    return publish
            """,
            "content/text.py": "import importlib\nimportlib.import_module('api.urls')\n",
            "content/migrations/0001_initial.py": "from guidance.models import Guidance\n",
            "evidence/__init__.py": "",
            "evidence/models.py": "from content.models import late\nfrom tests import factories\n",
            "guidance/__init__.py": "from .models import Guidance\n",
            "guidance/models.py": "from evidence.models import x\nimport bench.synthetic\n",
        },
    )

    modules, edges = import_graph(tmp_path, ["content", "evidence", "guidance"])

    assert sorted(modules) == [
        "content",
        "content.models",
        "content.text",
        "evidence",
        "evidence.models",
        "guidance",
        "guidance.models",
    ]
    assert sorted(str(edge) for edge in upward_edges(edges)) == [
        "content.models -> guidance  (content/models.py:5)",
        "content.text -> api  (content/text.py:2)",
        "evidence.models -> tests  (evidence/models.py:2)",
        "guidance.models -> bench  (guidance/models.py:2)",
    ]
    # Allowed edges, relative imports included, are seen but not reported.
    assert Edge("content.models", "content", "content/models.py:2") in edges
    assert Edge("guidance", "guidance", "guidance/__init__.py:1") in edges
    assert Edge("evidence.models", "content", "evidence/models.py:1") in edges
