"""The command line: parses arguments, calls the library, prints. No work happens here."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer import _click as click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from xlgen import lang
from xlgen.clitext import Help, Say
from xlgen.cliplan import plan_lines
from xlgen.cliusage import Refused, usage_message
from xlgen.cliout import aligned, err_console, fail, out_console, say, say_error, say_warning
from xlgen.cliseal import KeyFileOption, RequireSealOption, keygen
from xlgen.cycle.nextyear import NextYear
from xlgen.errors import ErrorCode, XlgenError
from xlgen.findings import show
from xlgen.oserrors import os_failed, reason
from xlgen.template.fill import check_year
from xlgen.template.duplicates import refuse_duplicates
from xlgen.template.model import searched_first



class XlgenGroup(TyperGroup):
    """Chooses the run's language before anything is parsed, puts the --help texts in it, and
    shows usage errors (a missing option, a folder that does not exist) as one unwrapped line,
    like every other error: rich's boxed panel would cut a long path at the terminal's width."""

    def main(self, args: Optional[Sequence[str]] = None, prog_name: Optional[str] = None,
             complete_var: Optional[str] = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        given = lang.from_args(list(sys.argv[1:] if args is None else args))
        lang.choose(given if given in lang.LANGS else None)
        _localize(self)
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
            say_error(Say.ABORTED())
            code = 1
        except OSError as exc:  # the last guard: a located message, never a traceback
            say_error(os_failed(exc).message)
            code = 2
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def get_usage(self, ctx: click.Context) -> str:
        return _usage(super().get_usage(ctx))

    def get_help_option(self, ctx: click.Context) -> Optional[TyperOption]:
        return _help_option(super().get_help_option(ctx))


class XlgenCommand(TyperCommand):
    def get_usage(self, ctx: click.Context) -> str:
        return _usage(super().get_usage(ctx))

    def get_help_option(self, ctx: click.Context) -> Optional[TyperOption]:
        return _help_option(super().get_help_option(ctx))


def _help_option(option: Optional[TyperOption]) -> Optional[TyperOption]:
    if option is not None:
        option.help = lang.pick(Help.HELP.value)
        option.metavar = ""
    return option


def _usage(text: str) -> str:
    return text.replace(Say.USAGE.value.en, Say.USAGE(), 1)


def _localize(command: click.Command) -> None:
    """Help texts (named by their Help member) in the run's language; flags without a type."""
    from typer import rich_utils

    for name, said in (("OPTIONS_PANEL_TITLE", Say.OPTIONS), ("ARGUMENTS_PANEL_TITLE", Say.ARGUMENTS),
                       ("COMMANDS_PANEL_TITLE", Say.COMMANDS), ("DEFAULT_STRING", Say.DEFAULT),
                       ("REQUIRED_LONG_STRING", Say.REQUIRED)):
        setattr(rich_utils, name, lang.pick(said.value))
    command.help = _help(command.help)
    command.short_help = _help(command.short_help)  # the line in xlgen --help's list of commands
    if command.epilog:  # names of Help members: the details the short option texts leave out, one paragraph each
        command.epilog = "\n\n".join(_help(name) or name for name in command.epilog.split())
    command.options_metavar = Say.OPTIONS_METAVAR()
    if isinstance(command, TyperGroup):
        command.subcommand_metavar = Say.COMMAND_METAVAR()
        for sub in command.commands.values():
            _localize(sub)
    for param in command.params:
        if isinstance(param, TyperOption):
            param.help = _help(param.help)
            if param.is_flag:
                param.metavar = ""  # --force, not --force <bool>
            elif param.metavar is None:  # --roster ROSTER, never a type hint such as <path>
                param.metavar = (param.name or "").upper()
        elif isinstance(param, TyperArgument):
            param.help = _help(param.help)
            if param.metavar is None:  # TEMPLATE, PATHS, not template <str> or paths <list[Path]>
                param.metavar = (param.name or "").upper()
            setattr(param, "display_type_rich", _no_type)


def _no_type(ctx: click.Context) -> None:
    """An argument's help shows no Python type (typer would show <str>, <path>, <list[Path]>)."""
    return None


def _help(text: Optional[str]) -> Optional[str]:
    return lang.pick(Help[text].value) if text is not None and text in Help.__members__ else text


def _usage_error(exc: click.ClickException) -> None:
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        say(ctx.get_usage(), err=True)
        say(Say.TRY_HELP(command=ctx.command_path), err=True)
    say_error(usage_message(exc))


app = typer.Typer(
    cls=XlgenGroup,
    help=Help.APP.name,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # returned workbooks hold financial data
)
command = partial(app.command, cls=XlgenCommand)


def _search_templates(ctx: typer.Context, folders: Optional[list[Path]]) -> Optional[list[Path]]:
    """Put --templates folders first in the search (XLGEN_TEMPLATES, which worker processes
    inherit) for this command only."""
    for folder in folders or ():
        if not folder.is_dir():
            raise Refused(Say.NOT_A_FOLDER(path=folder))
    if folders:
        ctx.with_resource(searched_first(folders))
    try:
        refuse_duplicates()
    except XlgenError as exc:
        if ctx.command.name != "templates":  # `xlgen templates` lists them, `templates check` checks one
            raise Refused(exc.message) from None
        if ctx.invoked_subcommand is None:
            say_warning(exc.message)
    return folders


def _check_lang(value: Optional[str]) -> Optional[str]:
    """--lang was read before parsing (XlgenGroup.main); here only refused when unknown."""
    if value is not None and value not in lang.LANGS:
        raise Refused(Say.BAD_LANG(value=value))
    return value


def _check_prefer(value: Optional[str]) -> Optional[str]:
    from xlgen.verify.reconcile import PREFER

    if value is not None and value not in PREFER:
        raise Refused(Say.BAD_PREFER(value=value, expected=", ".join(PREFER)))
    return value


def _check_year(value: Optional[int]) -> Optional[int]:
    if value is not None:
        try:
            check_year(value, "--year")
        except XlgenError as exc:
            raise Refused(exc.message) from None
    return value


TemplatesOption = Annotated[Optional[list[Path]], typer.Option(
    "--templates", callback=_search_templates, metavar="DIR", help=Help.TEMPLATES_DIR.name)]
PasswordOption = Annotated[Optional[str], typer.Option("--password", help=Help.PASSWORD.name)]
LangOption = Annotated[Optional[str], typer.Option(lang.LANG_OPTION, callback=_check_lang, metavar="zh|en",
                                                   help=Help.LANG.name)]
TemplateArgument = Annotated[str, typer.Argument(help=Help.TEMPLATE.name)]
ForceOption = Annotated[bool, typer.Option("--force", help=Help.FORCE.name)]
def _check_jobs(value: int) -> int:
    if value < 1:  # checked here, not by min=1: click would print its range, [x>=1], in --help
        raise Refused(Say.BAD_JOBS(value=value))
    return value


JobsOption = Annotated[int, typer.Option("--jobs", "-j", callback=_check_jobs, metavar="N", help=Help.JOBS.name)]


@command(help=Help.GENERATE.name, epilog=f"{Help.KEY_MORE.name} {Help.LANG_MORE.name}")
def generate(
    template: TemplateArgument,
    data: Annotated[Optional[Path], typer.Option("--data", "-d", help=Help.DATA.name)] = None,
    year: Annotated[Optional[int], typer.Option("--year", callback=_check_year, help=Help.YEAR.name)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help=Help.OUTPUT.name)] = None,
    force: ForceOption = False,
    password: PasswordOption = None, key_file: KeyFileOption = None,
    templates: TemplatesOption = None,
    lang_: LangOption = None,
) -> None:
    from xlgen.generate.form import FormOptions, make_form

    try:
        made = make_form(FormOptions(template, data, year, output, force, password, key_file))
    except XlgenError as exc:
        raise fail(exc) from None
    if made.year_taken:
        say_warning(Say.YEAR_TAKEN(year=made.year))
    total = made.generated.total
    shown = f"{total:g}" if isinstance(total, float) else "—"
    wrote = Say.WROTE_FORM if made.template.scored else Say.WROTE_UNSCORED
    say(wrote(file=made.path, template=made.template.id, version=made.template.version, total=shown))


@command(help=Help.DISTRIBUTE.name,
         epilog=f"{Help.DISTRIBUTE_MORE.name} {Help.KEY_MORE.name} {Help.LANG_MORE.name}")
def distribute(
    template: TemplateArgument,
    roster: Annotated[Path, typer.Option("--roster", help=Help.ROSTER.name)],
    year: Annotated[int, typer.Option("--year", callback=_check_year, help=Help.YEARS.name)],
    output: Annotated[Path, typer.Option("--output", "-o", help=Help.OUTPUT_FOLDER.name)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=Help.DRY_RUN.name)] = False,
    leave_open: Annotated[bool, typer.Option("--leave-open", help=Help.LEAVE_OPEN.name)] = False,
    jobs: JobsOption = 1,
    force: ForceOption = False,
    password: PasswordOption = None, key_file: KeyFileOption = None,
    templates: TemplatesOption = None,
    lang_: LangOption = None,
) -> None:
    from rich.progress import Progress

    from xlgen.cycle.steps import DistributeOptions, distribute_roster

    try:
        with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
            task = bar.add_task(Say.GENERATING(), total=None)
            done = distribute_roster(DistributeOptions(template, roster, year, output, jobs, force, password, key_file,
                                                       dry_run, leave_open),
                                     progress=lambda i, n: bar.update(task, completed=i, total=n))
    except XlgenError as exc:
        raise fail(exc) from None
    refused = False
    for kind, line in plan_lines(done.done, done.manifest, done.template.id, done.template.version):
        {"error": say_error, "warning": say_warning}.get(kind, say)(line)
        refused = refused or kind == "error"
    if refused:
        raise typer.Exit(1)


@command(help=Help.ROLLOVER.name, short_help=Help.ROLLOVER_SHORT.name,
         epilog=f"{Help.ROLLOVER_MORE.name} {Help.KEY_MORE.name} {Help.LANG_MORE.name}")
def rollover(
    returned: Annotated[Path, typer.Argument(help=Help.RETURNED.name)],
    year: Annotated[int, typer.Option("--year", callback=_check_year, help=Help.NEW_YEAR.name)],
    output: Annotated[Path, typer.Option("--output", "-o", help=Help.OUTPUT_ROLLOVER.name)],
    distributed: Annotated[Optional[Path], typer.Option("--distributed", metavar="DIST",
                                                        help=Help.ROLLOVER_DISTRIBUTED.name)] = None,
    roster: Annotated[Optional[Path], typer.Option("--roster", help=Help.ROLLOVER_ROSTER.name)] = None,
    prefer: Annotated[Optional[str], typer.Option("--prefer", metavar="newest", callback=_check_prefer,
                                                  help=Help.PREFER.name)] = None,
    jobs: JobsOption = 1,
    force: ForceOption = False,
    password: PasswordOption = None, key_file: KeyFileOption = None,
    templates: TemplatesOption = None,
    lang_: LangOption = None,
) -> None:
    from xlgen.cycle.steps import RolloverOptions, rollover_returns

    if roster is not None and distributed is None:
        raise Refused(Say.NEEDS_DISTRIBUTED())
    try:
        done = rollover_returns(RolloverOptions(returned, year, output, distributed, roster, prefer, jobs, force,
                                                password, key_file))
    except XlgenError as exc:
        raise fail(exc) from None
    if done.collection is not None:
        _said_collection(done.collection, year, output)
        return
    for f in done.files:
        if f.twice is not None:
            say_error(Say.ROLLOVER_TWICE(source=f.source, file=f.twice))
        elif f.error is not None:
            say_error(f.error.message)
        elif f.finding is not None:
            say_error(f"{f.source}: {f.finding.message(lang.current())}")
        elif f.rolled is not None:
            if f.rolled.warning:
                say_warning(Say.ROLLOVER_FAILS(file=f.source, errors=f.rolled.verification.errors))
            t = f.rolled.generated.layout.template
            say(Say.WROTE_ROLLOVER(file=f.rolled.generated.path, year=year, template=t.id, version=t.version,
                                   source=f.source.name))
    if done.refused:
        raise typer.Exit(2)


def _said_collection(done: NextYear, year: int, output: Path) -> None:
    """rollover --distributed: each department once, from its chosen return; and manifest.csv."""
    from xlgen.verify.manifest import MANIFEST

    for f in done.failing:  # rolled over all the same: what it carries was never checked as passing
        say_warning(Say.ROLLOVER_FAILS(file=f.source, errors=f.errors))
    if done.kept:
        say(Say.KEPT_BATCH(count=done.kept))
    for d in done.written:
        if d.kept:
            continue
        source = done.sources.get(d.code)
        say(Say.WROTE_ROLLOVER(file=d.file, year=year, template=done.template_id, version=done.template_version,
                               source=source.name if source else Say.FROM_ROSTER()))
    for s in done.skipped:
        say_error(Say.ROLLOVER_SKIPPED(code=s.code, name=s.name, reason=show(s.reason)))
    if done.written:
        say(Say.WROTE_BATCH(count=len(done.written) - done.kept, manifest=output / MANIFEST, template=done.template_id,
                            version=done.template_version))
    if done.skipped:
        raise typer.Exit(1)


@command("import", help=Help.IMPORT.name, short_help=Help.IMPORT_SHORT.name, epilog=f"{Help.IMPORT_MORE.name} {Help.LANG_MORE.name}")
def import_forms(
    paths: Annotated[list[Path], typer.Argument(help=Help.IMPORT_PATHS.name)],
    output: Annotated[Path, typer.Option("--output", "-o", help=Help.IMPORT_OUTPUT.name)],
    template: Annotated[Optional[str], typer.Option("--template", help=Help.IMPORT_TEMPLATE.name)] = None,
    force: Annotated[bool, typer.Option("--force", help=Help.IMPORT_FORCE.name)] = False,
    templates: TemplatesOption = None,
    lang_: LangOption = None,
) -> None:
    from xlgen.cycle.steps import ImportOptions, import_from

    try:
        result = import_from(ImportOptions(tuple(paths), output, template, force))
    except XlgenError as exc:
        raise fail(exc) from None
    unreadable = 0
    for r in result.files:
        if r.problem is not None or r.form is None:
            say_error(f"{r.source}: {r.problem.message(lang.current()) if r.problem else ''}")
            unreadable += 1
            continue
        t = r.form.template
        say(Say.IMPORTED(source=r.source, template=t.id, output=r.output, count=len(r.unplaced)))
        for u in [*r.unplaced, *r.form.by_kind]:  # by_kind: read off its column by what it holds, to be checked
            say(f"  {r.form.sheet}!{u.address}: {u.text!r} — {u.reason.message_in(None)}")
    for roster in result.rosters:
        say(Say.WROTE(file=roster))
    if unreadable:
        raise typer.Exit(2)


@command(help=Help.VERIFY.name, short_help=Help.VERIFY_SHORT.name,
         epilog=f"{Help.VERIFY_MORE.name} {Help.KEY_MORE.name} {Help.LANG_MORE.name}")
def verify(
    paths: Annotated[list[Path], typer.Argument(help=Help.PATHS.name)],
    as_json: Annotated[bool, typer.Option("--json", help=Help.JSON.name)] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help=Help.REPORT.name)] = None,
    distributed: Annotated[Optional[Path], typer.Option("--distributed", metavar="DIST", help=Help.DISTRIBUTED.name)] = None,
    prefer: Annotated[Optional[str], typer.Option("--prefer", metavar="newest", callback=_check_prefer,
                                                  help=Help.PREFER.name)] = None,
    details: Annotated[bool, typer.Option("--details", help=Help.DETAILS.name)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=Help.QUIET.name)] = False,
    lang_: LangOption = None,
    jobs: JobsOption = 1,
    force: Annotated[bool, typer.Option("--force", help=Help.FORCE_REPORT.name)] = False,
    key_file: KeyFileOption = None, require_seal: RequireSealOption = False,
    templates: TemplatesOption = None,
) -> None:
    import json

    from rich.progress import Progress

    from xlgen.verify import report as view
    from xlgen.verify.reconcile import DUPLICATE, MISSING, UNTOUCHED
    from xlgen.verify.result import PASS, report_json
    from xlgen.verify.returns import VerifyOptions, verify_returns

    language = lang.current()
    options = VerifyOptions(tuple(paths), distributed, prefer, report, force, jobs, key_file, require_seal, language)
    try:
        with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
            task = bar.add_task(Say.VERIFYING(), total=None)
            done = verify_returns(options, progress=lambda i, n: bar.update(task, completed=i, total=n))
    except XlgenError as exc:
        raise fail(exc) from None
    results, rec = done.results, done.reconciled
    if as_json:
        doc = rec.to_json(results, language) if rec else report_json(results, language)
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    elif not quiet:
        for r in results:
            shown = rec.file_status(r) if rec else r.status  # an untouched blank's findings say nothing
            out_console.print(view.headline(r, language, shown), soft_wrap=True)
            if r.findings and (details or shown not in (PASS, UNTOUCHED)):
                out_console.print(view.findings_table(r, language))
        if rec:
            for row in view.summary_rows(results, rec)[:len(rec.departments)]:
                if details or row.status in (MISSING, DUPLICATE):  # no line of its own above
                    out_console.print(view.department_line(row, language), soft_wrap=True)
    if not as_json:
        if key_file is None and rec is None and not quiet and any(r.plain_seal for r in results):
            say_warning(Say.PLAIN_SEAL())  # once a run, not once a file
        say(view.summary_line(results, language, rec))
        if report is not None:
            say(Say.WROTE(file=report))
    raise typer.Exit(done.exit_code)


command(help=Help.KEYGEN.name)(keygen)


@command(help=Help.PREVIEW.name)
def preview(
    file: Annotated[Path, typer.Argument(help=Help.FILE_PREVIEW.name)],
    output: Annotated[Path, typer.Option("--output", "-o", help=Help.OUTPUT_PREVIEW.name)],
    force: ForceOption = False,
    lang_: LangOption = None,
) -> None:
    from xlgen.render.preview import PreviewOptions
    from xlgen.render.preview import preview as render

    try:
        out = render(PreviewOptions(file, output, force))
    except XlgenError as exc:
        raise fail(exc) from None
    say(Say.WROTE(file=out))


@command(help=Help.SERVE.name, short_help=Help.SERVE_SHORT.name, epilog=f"{Help.HOST_MORE.name} {Help.LANG_MORE.name}")
def serve(
    workspace: Annotated[Path, typer.Option("--workspace", help=Help.WORKSPACE.name)] = Path("xlgen-workspace"),
    host: Annotated[str, typer.Option("--host", help=Help.HOST.name)] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help=Help.PORT.name)] = 8765,
    no_browser: Annotated[bool, typer.Option("--no-browser", help=Help.NO_BROWSER.name)] = False,
    templates: TemplatesOption = None,
    lang_: LangOption = None,
) -> None:
    from xlgen.web.serve import ServeOptions
    from xlgen.web.serve import serve as run_serve

    try:
        run_serve(ServeOptions(workspace, host, port, not no_browser), say)
    except XlgenError as exc:
        raise fail(exc) from None
    except OSError as exc:  # the port is taken, the address is not this machine's
        raise fail(XlgenError(ErrorCode.SERVE_FAILED, address=f"{host}:{port}", detail=reason(exc))) from None


templates_app = typer.Typer(cls=XlgenGroup, help=Help.TEMPLATES.name, invoke_without_command=True)
app.add_typer(templates_app, name="templates")


@templates_app.callback()
def templates_list(ctx: typer.Context, templates: TemplatesOption = None, lang_: LangOption = None) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from xlgen.template.model import list_templates, templates_dirs

    built_in = templates_dirs()[-1]
    rows: list[tuple[str, ...]] = []
    broken = []
    for path, loaded in list_templates():
        if isinstance(loaded, XlgenError):
            broken.append(loaded)
            continue
        # a built-in template named after its id needs no file column (the table fits 80 columns)
        shown = (Say.BUILT_IN() if path.name == f"{loaded.id}.toml" else path.name) if path.parent == built_in else str(path)
        rows.append((loaded.id, loaded.version, loaded.title, shown))
    # aligned as the terminal shows it (a CJK character is two columns wide), also when piped
    for line in aligned([tuple(Say.COLUMNS_TEMPLATES().split("\t")), *rows]):
        say(line)
    for exc in broken:  # a template that does not load: its error, located, after the table
        say_error(exc.message)


@templates_app.command("check", cls=XlgenCommand, help=Help.TEMPLATES_CHECK.name)
def templates_check(
    file: Annotated[Path, typer.Argument(help=Help.FILE_CHECK.name)],
    templates: TemplatesOption = None,
    lang_: LangOption = None,
) -> None:
    from xlgen.generate.templatecheck import check_template_file

    try:
        tmpl, problems = check_template_file(file)
    except XlgenError as exc:
        raise fail(exc, code=1) from None
    for problem in problems:
        say_error(problem.message)
    if problems:
        raise typer.Exit(1)
    say(Say.TEMPLATE_VALID(file=file, template=tmpl.id, version=tmpl.version))


@app.callback()
def main(lang_: LangOption = None) -> None:
    pass  # --lang before the command; the help is Help.APP


if __name__ == "__main__":
    app()
