"""The package's shape: stages in a declared order, every import (at the top, inside a function or
under ``TYPE_CHECKING`` alike) pointing down that order or within its stage, no import circle,
and no module over 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers.common import ROOT

PACKAGE = ROOT / "xlgen"
MAX_LINES = 600

# The stages, lowest first: a module may import its own stage's modules and those of the stages
# before it, never one after it. "base" is the shared floor (top-level modules: names, languages,
# the findings and errors catalogues, outputs, LibreOffice); "cli" the command line over all.
ORDER = ("base", "formula", "template", "layout", "generate", "intake", "verify", "render", "cycle", "web",
         "cli")
TOP_LEVEL = {
    "xlgen": "base", "xlgen.names": "base", "xlgen.lang": "base", "xlgen.findings": "base", "xlgen.errors": "base", "xlgen.errors.template": "base", "xlgen.errors.generate": "base", "xlgen.errors.roster": "base", "xlgen.errors.intake": "base", "xlgen.errors.verify": "base", "xlgen.errors.system": "base", "xlgen.errors.cycle": "base",
    "xlgen.oserrors": "base", "xlgen.outputs": "base", "xlgen.libreoffice": "base",
    "xlgen.cli": "cli", "xlgen.cliout": "cli", "xlgen.cliplan": "cli", "xlgen.cliseal": "cli", "xlgen.clitext": "cli", "xlgen.cliusage": "cli",
}


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(root, p): p for p in sorted(root.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> dict[str, int]:
    """Every module of the package that ``name`` imports, with the line of the first import:
    at module level, inside functions and under ``if TYPE_CHECKING:`` alike (an import hidden in
    a function is still an arrow of the design)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            targets = [f"{base}.{a.name}" for a in node.names] + [base]  # `from pkg import module` first
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.setdefault(target, node.lineno)
                break
    return found


def graph(root: Path = PACKAGE) -> dict[str, dict[str, int]]:
    mods = modules(root)
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    if name in TOP_LEVEL:
        return TOP_LEVEL[name]
    return parts[1] if len(parts) > 2 or (PACKAGE / parts[-1]).is_dir() else None


def cycle(edges: dict[str, dict[str, int]]) -> list[str]:
    """One import circle, as the modules along it (empty when there is none)."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(edges.get(node, {})):
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


def against_the_order(edges: dict[str, dict[str, int]]) -> list[str]:
    """Each import of a module from a later stage than its own, as 'a (stage) -> b (stage) at line'."""
    out = []
    for name, targets in sorted(edges.items()):
        for target, line in sorted(targets.items()):
            a, b = stage_of(name), stage_of(target)
            if a in ORDER and b in ORDER and ORDER.index(b) > ORDER.index(a):
                out.append(f"{name} ({a}) -> {target} ({b}) at line {line}")
    return out


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b": 1, "c": 1}, "b": {"c": 1}, "c": {}}) == []


def test_the_graph_counts_imports_inside_functions_and_for_typing(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    for init in (pkg / "__init__.py", pkg / "sub" / "__init__.py"):
        init.write_text("", encoding="utf-8")
    (pkg / "a.py").write_text("def f():\n    from pkg.sub import b\n", encoding="utf-8")
    (pkg / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import c\n", encoding="utf-8")
    (pkg / "c.py").write_text("from .sub.b import x\nimport pkg.a\n", encoding="utf-8")
    edges = graph(pkg)
    assert edges["pkg.a"] == {"pkg.sub.b": 2}  # `from pkg import module`, inside a function
    assert edges["pkg.sub.b"] == {"pkg.c": 3}  # under TYPE_CHECKING
    assert edges["pkg.c"] == {"pkg.sub.b": 1, "pkg.a": 2}  # relative, and a plain import
    assert cycle(edges) == ["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]


def test_the_order_check_finds_an_upward_import() -> None:
    edges = {"xlgen.layout.model": {"xlgen.generate.workbook": 17}, "xlgen.verify.plan": {"xlgen.layout.model": 3}}
    assert against_the_order(edges) == ["xlgen.layout.model (layout) -> xlgen.generate.workbook (generate) at line 17"]


def test_every_module_has_a_declared_stage() -> None:
    mods = modules()
    assert len(mods) > 40
    assert {name for name in mods if stage_of(name) not in ORDER} == set()
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {"template", "formula", "layout", "generate", "intake", "verify", "cycle", "render"} <= stages


def test_no_import_circles() -> None:
    assert cycle(graph()) == []


def test_no_import_against_the_stage_order() -> None:
    assert against_the_order(graph()) == []


def test_no_module_over_600_lines() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
