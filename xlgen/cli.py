"""The command line: parses arguments, calls the library, prints. No work happens here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .errors import XlgenError
from .fill import load_fill
from .template import load_template
from .workbook import generate as generate_workbook

app = typer.Typer(
    help="Generate, distribute and verify the 部门（单位）整体绩效自评表 workbook.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # returned workbooks hold financial data
)
out_console = Console()
err_console = Console(stderr=True)


def fail(exc: XlgenError, code: int = 2) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@app.command()
def generate(
    template: Annotated[str, typer.Argument(help="Template file, or the name of one in templates/.")],
    data: Annotated[Optional[Path], typer.Option("--data", "-d", help="Fill data (TOML); without it, a blank.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Year of the form (default: the data's).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Workbook to write.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output.")] = False,
) -> None:
    """Write the self-evaluation workbook for TEMPLATE, filled from --data or blank."""
    try:
        tmpl = load_template(template)
        fill = load_fill(data, tmpl) if data else None
        the_year = year or (fill.year if fill else None)
        out = output or Path(f"{tmpl.id}-{the_year or 'blank'}.xlsx")
        result = generate_workbook(tmpl, fill, out, year=the_year, force=force)
    except XlgenError as exc:
        raise fail(exc) from None
    total = result.total
    shown = f"{total:g}" if isinstance(total, float) else "—"
    out_console.print(f"wrote {out} (template {tmpl.id} {tmpl.version}, 总评价得分 {shown})", highlight=False)


@app.callback()
def main() -> None:
    """xlgen: the 部门（单位）整体绩效自评表 toolkit."""


if __name__ == "__main__":
    app()
