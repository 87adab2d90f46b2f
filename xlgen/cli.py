"""The command line: parses arguments, calls the library, prints. No work happens here."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from typer import _click as click
from typer.core import TyperGroup

from xlgen.errors import XlgenError
from xlgen.template.fill import load_fill
from xlgen.template.model import TEMPLATES_ENV, load_template
from xlgen.generate.workbook import generate as generate_workbook

out_console = Console()
err_console = Console(stderr=True)


class XlgenGroup(TyperGroup):
    """Usage errors (a missing option, a folder that does not exist) as one unwrapped line, like
    every other error: rich's boxed panel would cut a long path at the terminal's width."""

    def main(self, args: Optional[Sequence[str]] = None, prog_name: Optional[str] = None,
             complete_var: Optional[str] = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except click.exceptions.NoArgsIsHelpError:
            code = 2  # the help was printed
        except click.ClickException as exc:
            if not standalone_mode:
                raise
            _usage_error(exc)
            code = exc.exit_code
        except typer.Abort:
            if not standalone_mode:
                raise
            say_error("aborted")
            code = 1
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _usage_error(exc: click.ClickException) -> None:
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        say(ctx.get_usage(), err=True)
        say(f"Try '{ctx.command_path} --help' for help.", err=True)
    say_error(exc.format_message())


app = typer.Typer(
    cls=XlgenGroup,
    help="Generate, distribute and verify the 部门（单位）整体绩效自评表 workbook.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # returned workbooks hold financial data
)


def say(text: str, err: bool = False) -> None:
    """One plain line on stdout (stderr): never wrapped (paths stay whole at any terminal
    width) and never read as rich markup (a file may be named "[2024].xlsx")."""
    (err_console if err else out_console).print(text, highlight=False, soft_wrap=True, markup=False)


def say_error(text: str) -> None:
    err_console.print(f"[bold red]error:[/] {escape(text)}", highlight=False, soft_wrap=True)


def fail(exc: XlgenError, code: int = 2) -> typer.Exit:
    say_error(exc.message)
    return typer.Exit(code)


def _search_templates(ctx: typer.Context, folders: Optional[list[Path]]) -> Optional[list[Path]]:
    """Put --templates folders first in the search (XLGEN_TEMPLATES, which worker processes
    inherit) for this command only."""
    if folders:
        before = os.environ.get(TEMPLATES_ENV)
        os.environ[TEMPLATES_ENV] = os.pathsep.join([*map(str, folders), *([before] if before else [])])
        ctx.call_on_close(lambda: _restore_env(TEMPLATES_ENV, before))
    return folders


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


TemplatesOption = Annotated[Optional[list[Path]], typer.Option(
    "--templates", callback=_search_templates, exists=True, file_okay=False, dir_okay=True,
    help="Also look for templates in this folder (before the built-in ones); repeatable.")]

PasswordOption = Annotated[Optional[str], typer.Option(
    "--password", help="Protect the form with this password (default: protected without one).")]


@app.command()
def generate(
    template: Annotated[str, typer.Argument(help="Template file, or the name of one in templates/.")],
    data: Annotated[Optional[Path], typer.Option("--data", "-d", help="Fill data (TOML); without it, a blank.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Year of the form (default: the data's).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Workbook to write.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output.")] = False,
    password: PasswordOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Write the self-evaluation workbook for TEMPLATE, filled from --data or blank."""
    try:
        tmpl = load_template(template)
        fill = load_fill(data, tmpl) if data else None
        the_year = year or (fill.year if fill else None)
        out = output or Path(f"{tmpl.id}-{the_year or 'blank'}.xlsx")
        result = generate_workbook(tmpl, fill, out, year=the_year, force=force, password=password,
                                   keep=[p for p in (data, tmpl.path) if p is not None])
    except XlgenError as exc:
        raise fail(exc) from None
    total = result.total
    shown = f"{total:g}" if isinstance(total, float) else "—"
    say(f"wrote {out} (template {tmpl.id} {tmpl.version}, 总评价得分 {shown})")


@app.command()
def distribute(
    template: Annotated[str, typer.Argument(help="Template file, or the name of one in templates/.")],
    roster: Annotated[Path, typer.Option("--roster", help="Departments: .xlsx or .csv, one row each.")],
    year: Annotated[int, typer.Option("--year", help="Year of the forms.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the workbooks and manifest.csv.")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Processes generating in parallel.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing workbooks.")] = False,
    password: PasswordOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Write one pre-filled blank per department of ROSTER, and manifest.csv."""
    from rich.progress import Progress

    from xlgen.cycle.distribute import MANIFEST
    from xlgen.cycle.distribute import distribute as run_distribute

    try:
        tmpl = load_template(template)
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("generating", total=None)
            done = run_distribute(tmpl, roster, year, output, force=force, jobs=jobs, password=password,
                                  progress=lambda i, n: bar.update(task, completed=i, total=n))
    except XlgenError as exc:
        raise fail(exc) from None
    say(f"wrote {len(done)} workbooks and {output / MANIFEST} (template {tmpl.id} {tmpl.version})")


@app.command()
def rollover(
    returned: Annotated[Path, typer.Argument(help="A returned workbook, or a folder of them.")],
    year: Annotated[int, typer.Option("--year", help="The new year.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (a folder for a folder).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
    password: PasswordOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Next year's blank from this year's returned workbook: identity, tasks and indicator tree
    carried over; amounts executed, actuals, grades and texts cleared."""
    from xlgen.findings import Finding
    from xlgen.cycle.rollover import rollover as run_rollover
    from xlgen.verify.batch import collect

    if returned.is_dir():
        files, _ = collect([returned])
        output.mkdir(parents=True, exist_ok=True)
    else:
        files = [returned]
    unreadable = 0
    for path in files:
        try:
            result = run_rollover(path, year, output, force=force, password=password, keep=files)
        except XlgenError as exc:
            say_error(exc.message)
            unreadable += 1
            continue
        if isinstance(result, Finding):
            say_error(f"{path}: {result.message('zh')}")
            unreadable += 1
            continue
        if result.warning:
            err_console.print(f"[yellow]warning:[/] {escape(str(path))} does not pass verification "
                              f"({result.verification.errors} errors); rolled over all the same",
                              highlight=False, soft_wrap=True)
        t = result.generated.layout.template
        say(f"wrote {result.generated.path} ({year}, template {t.id} {t.version}, from {path.name})")
    if unreadable:
        raise typer.Exit(2)


def _workbooks(paths: list[Path]) -> list[Path]:
    """The workbooks given (folders searched); exit 2 naming what is missing or when none is found."""
    from xlgen.verify.batch import collect

    files, missing = collect(paths)
    for path in missing:
        say_error(f"{path}: no such file or folder")
    if missing or not files:
        if not missing:
            say_error("no .xlsx, .xlsm, .xls or .xlsb workbook found in " + ", ".join(map(str, paths)))
        raise typer.Exit(2)
    return files


@app.command("import")
def import_forms(
    paths: Annotated[list[Path], typer.Argument(help="Last year's forms (.xlsx/.xls, hand-made or exported), or folders of them.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the fills (.toml) and the roster.")],
    template: Annotated[Optional[str], typer.Option("--template", help="Read every form as this template (default: the one whose labels it has).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing fills and rosters.")] = False,
    templates: TemplatesOption = None,
) -> None:
    """Read forms xlgen did not make into one fill per form and a roster for distribute; every
    cell that could not be placed is listed with its address."""
    from xlgen.cycle.importer import import_forms as run_import

    files = _workbooks(paths)
    try:
        tmpl = load_template(template) if template else None
        result = run_import(files, output, tmpl, force=force)
    except XlgenError as exc:
        raise fail(exc) from None
    unreadable = 0
    for r in result.files:
        if r.problem is not None or r.form is None:
            say_error(f"{r.source}: {r.problem.message('zh') if r.problem else ''}")
            unreadable += 1
            continue
        t = r.form.template
        say(f"read {r.source} as {t.id} → {r.output} ({len(r.unplaced)} cells not placed)")
        for u in r.unplaced:
            say(f"  {r.form.sheet}!{u.address}: {u.text!r} — {u.reason.zh}")
    for roster in result.rosters:
        say(f"wrote {roster}")
    if unreadable:
        raise typer.Exit(2)


@app.command()
def verify(
    paths: Annotated[list[Path], typer.Argument(help="Returned workbooks, or folders searched for .xlsx/.xlsm (and .xls/.xlsb, reported).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON (the documented contract).")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="Also write a summary workbook (.xlsx).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the messages: zh or en.")] = "zh",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Processes verifying in parallel.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --report file.")] = False,
    templates: TemplatesOption = None,
) -> None:
    """Check returned workbooks: recompute every formula, detect tampering, check the form's rules.
    Exit 0 when every file passes, 1 when any has an error finding, 2 when a file cannot be read
    or the arguments are wrong. Input files are only read."""
    import json

    from rich.progress import Progress

    from xlgen.verify import report as view
    from xlgen.errors import ErrorCode
    from xlgen.verify.batch import verify_paths
    from xlgen.verify.result import exit_code, report_json
    from xlgen.generate.workbook import refuse_inputs

    if lang not in ("zh", "en"):
        raise typer.BadParameter(f"'{lang}' is not a language of the messages; expected zh or en", param_hint="--lang")
    files = _workbooks(paths)
    if report is not None:
        try:  # before any work: the report never replaces an input, nor an existing file without --force
            refuse_inputs([report], files)
            if report.exists() and not force:
                raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=report)
        except XlgenError as exc:
            raise fail(exc) from None
    with Progress(console=err_console, transient=True, disable=len(files) < 2 or not err_console.is_terminal) as bar:
        task = bar.add_task("verifying", total=len(files))
        results = verify_paths(files, jobs=jobs, progress=lambda _r: bar.advance(task))
    if report is not None:
        try:
            view.write_report(results, report, lang=lang, force=force, keep=files)
        except XlgenError as exc:
            raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps(report_json(results, lang), ensure_ascii=False, indent=2))
    else:
        for r in results:
            out_console.print(view.headline(r, lang), soft_wrap=True)
            if r.findings:
                out_console.print(view.findings_table(r, lang))
        say(view.summary_line(results, lang))
        if report is not None:
            say(f"wrote {report}")
    raise typer.Exit(exit_code(results))


@app.command()
def preview(
    file: Annotated[Path, typer.Argument(help="The workbook to render.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="OUT.pdf (every page) or OUT.png (page 1).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output.")] = False,
) -> None:
    """Render FILE as it prints, recalculated by LibreOffice Calc."""
    from xlgen.render.preview import preview as render

    try:
        out = render(file, output, force=force)
    except XlgenError as exc:
        raise fail(exc) from None
    say(f"wrote {out}")


templates_app = typer.Typer(help="List the templates, or check one.", invoke_without_command=True)
app.add_typer(templates_app, name="templates")


@templates_app.callback()
def templates_list(ctx: typer.Context, templates: TemplatesOption = None) -> None:
    """List the templates with id, version and title."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from xlgen.template.model import list_templates, templates_dirs

    built_in = templates_dirs()[-1]
    rows = []
    for path, loaded in list_templates():
        shown = path.name if path.parent == built_in else str(path)
        if isinstance(loaded, XlgenError):
            rows.append((path.stem, "—", loaded.message, shown))
        else:
            rows.append((loaded.id, loaded.version, loaded.title, shown))
    if not out_console.is_terminal:  # piped or captured: whole, tab-separated lines for scripts
        for row in [("id", "version", "title", "file"), *rows]:
            typer.echo("\t".join(row))  # rich would expand the tabs
        return
    table = Table("id", "version", "title", "file")
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        table.add_row(*map(escape, row), style="red" if row[1] == "—" else None)
    out_console.print(table)


@templates_app.command("check")
def templates_check(
    file: Annotated[Path, typer.Argument(help="The template to check.")],
    templates: TemplatesOption = None,
) -> None:
    """Check a template before anyone uses it: weights, lists, functions, labels."""
    from xlgen.template.check import check_template

    try:
        tmpl = load_template(file)
        problems = check_template(tmpl)
    except XlgenError as exc:
        raise fail(exc, code=1) from None
    for problem in problems:
        say_error(problem.message)
    if problems:
        raise typer.Exit(1)
    say(f"{file}: template {tmpl.id} {tmpl.version} is valid")


@app.callback()
def main() -> None:
    """xlgen: the 部门（单位）整体绩效自评表 toolkit."""


if __name__ == "__main__":
    app()
