"""The house rules, checked on the source: layers that import one way, no cycles (imports inside functions
included), no file over MAX_LINES, no swallowed ImportError of the project's own modules, and a README map
that names every module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "ingest", "rag", "app", "evals")
LAYER = {"core": 0, "ingest": 1, "rag": 2, "evals": 3, "app": 4}  # the CLI in app runs the evals
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((PROJECT / package).rglob("*.py")):
            name = ".".join(path.relative_to(PROJECT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a module imports, anywhere in it (inside functions too)."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            if base in modules:
                out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules)
    out.discard(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_layers_import_one_way() -> None:
    upward = [
        f"{m} -> {d}"
        for m, deps in _graph().items()
        for d in deps
        if LAYER[d.split(".")[0]] > LAYER[m.split(".")[0]]
    ]
    assert not upward, upward


def test_no_import_cycle_between_project_modules() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 on the path, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep) :] + [dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_no_file_is_over_the_limit() -> None:
    long = {
        str(p.relative_to(PROJECT)): n
        for p in _modules().values()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_no_import_error_of_the_projects_own_modules_is_swallowed() -> None:
    swallowed = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            catches = any(
                "ImportError" in ast.unparse(h.type or ast.Name("BaseException")) for h in node.handlers
            )
            tried = {
                (n.module or "").split(".")[0]
                if isinstance(n, ast.ImportFrom)
                else n.names[0].name.split(".")[0]
                for stmt in node.body
                for n in ast.walk(stmt)
                if isinstance(n, ast.Import | ast.ImportFrom)
            }
            if catches and tried & set(PACKAGES):
                swallowed.append(f"{name}:{node.lineno}")
    assert not swallowed, swallowed


def test_the_readme_map_names_every_module() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## How it works") :]
    section = section[: section.index("\n## ", 3)]
    named = set(re.findall(r"[\w/]+\.py\b", section)) | set(re.findall(r"\b([\w]+)/\s", section))
    missing = [
        str(p.relative_to(PROJECT))
        for p in _modules().values()
        if p.name != "__init__.py" and p.name not in named and p.stem + ".py" not in named
    ]
    assert not missing, f"modules the README's 'How it works' map does not name: {missing}"
