"""The shape of the code: data flows one way, and every room stays a size one can read."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "exporter"
#: A module past this many lines says in its docstring why it must be that long.
LONG = 410


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """The exporter modules ``path`` imports when it is loaded: not those imported
    inside functions (on use) or for the type checker only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node) if not isinstance(node, (ast.FunctionDef,
                                                              ast.ClassDef)) else ():
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if child.module.startswith("exporter"):
                    found.add(child.module)
                    found.update(f"{child.module}.{a.name}" for a in child.names)
            elif isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("exporter"))
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {m for m in top_level_imports(path) if m in MODULES and m != name}
         for name, path in MODULES.items()}


def cycle_from(start: str) -> list[str] | None:
    """A chain of imports that leads from ``start`` back to it, if there is one."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, chain = stack.pop()
        for nxt in GRAPH[name]:
            if nxt == start:
                return [*chain, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*chain, nxt]))
    return None


def test_no_module_imports_itself_through_others() -> None:
    # A package imports its own submodules (exporter.readers loads every reader), and
    # each submodule may import a sibling through the package; what must never
    # happen is a module needing, when it loads, a module that needs it.
    cycles = []
    for name in GRAPH:
        chain = cycle_from(name)
        if chain and not any(MODULES[m].name == "__init__.py" for m in chain[:-1]):
            cycles.append(" -> ".join(chain))
    assert cycles == []


def test_the_graph_sees_real_imports() -> None:
    # The test above is only worth something if the graph holds the imports.
    assert "exporter.model" in GRAPH["exporter.segment"]
    assert "exporter.readers" in GRAPH["exporter.alignment"]
    assert "exporter.pipeline" not in GRAPH["exporter.cli"]  # loaded on use only


def test_results_of_alignment_cross_rooms_through_the_model() -> None:
    # The writers read an alignment's results; they must not load the aligner.
    for name in ("exporter.writers.words", "exporter.writers.review", "exporter.report"):
        assert not any(m.startswith("exporter.align") for m in GRAPH[name]), name


def test_a_long_module_says_why() -> None:
    long = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if lines > LONG and "longer than most" not in doc:
            long.append(f"{name} ({lines} lines)")
    assert long == []
