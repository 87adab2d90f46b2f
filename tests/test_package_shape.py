"""The package's shape: stage sub-packages whose modules import each other without a cycle, and
no module over 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers.common import ROOT

PACKAGE = ROOT / "xlgen"
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _runtime_body(tree: ast.Module) -> list[ast.stmt]:
    """The module-level statements that run on import (not those under ``if TYPE_CHECKING:``)."""
    out: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.extend(node.orelse)
        else:
            out.append(node)
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The xlgen modules ``name`` imports when it is imported (module level only: an import
    inside a function runs later and cannot make a cycle on import)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_body(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # `from pkg import module`
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the modules along it (empty when there is none)."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        trail.pop()
        return []

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_xlgens_imports() -> None:
    edges = graph()
    assert "xlgen.layout.model" in edges["xlgen.verify.rules"]
    assert "xlgen.template.rules" in edges["xlgen.template.model"]
    assert "xlgen.layout.selfcheck" in edges["xlgen.layout.model"]  # `from pkg import module`


def test_no_import_cycles() -> None:
    assert cycle(graph()) == []


def test_no_module_over_600_lines() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert len(sizes) > 40
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_stage_sub_packages() -> None:
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {"template", "formula", "layout", "generate", "intake", "verify", "cycle", "render"} <= stages
