"""The command line only parses and prints: each command calls one stage function with a typed,
frozen options object (the one the page calls too), holds no loop over files, and takes every
--help text from the catalogue (clitext.Help), never from a docstring that could drift."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from tests.helpers.common import ROOT
from xlgen.cli import app
from xlgen.clitext import Help
from xlgen.cycle.steps import DistributeOptions, ImportOptions, RolloverOptions
from xlgen.generate.form import FormOptions
from xlgen.render.preview import PreviewOptions
from xlgen.verify.returns import VerifyOptions

CLI_MODULES = [ROOT / "xlgen" / name for name in ("cli.py", "cliseal.py", "cliusage.py", "clitext.py", "cliplan.py", "cliout.py")]
# what the command line may call of the stages: their one entry each, and the names it parses with
ENTRIES = {"xlgen.generate.form", "xlgen.cycle.steps", "xlgen.verify.returns", "xlgen.render.preview",
           "xlgen.generate.templatecheck", "xlgen.generate.seal", "xlgen.verify.report", "xlgen.verify.reconcile",
           "xlgen.verify.result", "xlgen.verify.manifest", "xlgen.cycle.distribute", "xlgen.cycle.nextyear", "xlgen.template.model",
           "xlgen.template.fill", "xlgen.template.duplicates", "xlgen.errors", "xlgen.findings", "xlgen.lang",
           "xlgen.clitext", "xlgen.cliusage", "xlgen.cliseal", "xlgen.cliout", "xlgen.cli", "xlgen.cliplan", "xlgen.cycle.plan",
           "xlgen.oserrors", "xlgen.web.serve"}
# stage functions that work on files: only the entries call them
WORKERS = {"verify_paths", "collect", "find_workbooks", "roll_collection", "generate", "distribute",
           "load_template", "load_fill", "load_key", "load_distribution", "reconcile", "write_report",
           "check_template", "import_forms", "new_key"}


@pytest.mark.parametrize("options", [FormOptions, DistributeOptions, RolloverOptions, ImportOptions, VerifyOptions,
                                     PreviewOptions])
def test_options_are_frozen_dataclasses(options: type) -> None:
    assert dataclasses.is_dataclass(options)
    assert options.__dataclass_params__.frozen  # type: ignore[attr-defined]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("xlgen"):
            if node.module in ("xlgen", "xlgen.verify"):  # `from xlgen import lang`: the module imported
                found.update(f"{node.module}.{a.name}" for a in node.names)
            else:
                found.add(node.module)
    return found


@pytest.mark.parametrize("path", CLI_MODULES, ids=lambda p: p.name)
def test_cli_calls_only_the_stage_entries(path: Path) -> None:
    assert _imports(path) <= ENTRIES, _imports(path) - ENTRIES
    tree = ast.parse(path.read_text(encoding="utf-8"))
    called = {n.func.id if isinstance(n.func, ast.Name) else n.func.attr
              for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))}
    assert not called & (WORKERS - {"new_key"} if path.name == "cliseal.py" else WORKERS)


def test_no_command_has_a_docstring() -> None:
    """Typer would show a docstring where the catalogue has no text: the catalogue is the only source."""
    for path in CLI_MODULES[:2]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any("command" in ast.unparse(d) or "callback" in ast.unparse(d)
                                                         for d in node.decorator_list):
                assert ast.get_docstring(node) is None, node.name


def _helps(command: object) -> list[str | None]:
    out = [getattr(command, "help", None)]
    for param in getattr(command, "params", []):
        out.append(getattr(param, "help", None))
    for sub in getattr(command, "commands", {}).values():
        out += _helps(sub)
    return out


def test_every_help_text_names_a_catalogue_entry() -> None:
    helps = [h for h in _helps(get_command(app)) if h is not None]
    assert helps and all(h in Help.__members__ for h in helps), [h for h in helps if h not in Help.__members__]


def test_verify_help_states_the_exit_codes_of_a_collection() -> None:
    out = CliRunner().invoke(app, ["verify", "--help"], env={"XLGEN_LANG": "en", "COLUMNS": "200"}).output
    assert "every department" in out and "missing, duplicate, untouched" in out
    out = CliRunner().invoke(app, ["verify", "--help"], env={"XLGEN_LANG": None, "COLUMNS": "200"}).output
    assert "每个部门都通过" in out and "未报送" in out
