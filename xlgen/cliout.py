"""What the command line prints: plain lines on stdout or stderr, errors and warnings, in the
run's language (the texts are ``clitext.Say``'s)."""

from __future__ import annotations

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape

from xlgen.clitext import Say
from xlgen.errors import ErrorCode, XlgenError

out_console = Console()
err_console = Console(stderr=True)


def say(text: str, err: bool = False) -> None:
    """One plain line on stdout (stderr): never wrapped (paths stay whole at any terminal
    width) and never read as rich markup (a file may be named "[2024].xlsx")."""
    (err_console if err else out_console).print(text, highlight=False, soft_wrap=True, markup=False)


def aligned(rows: list[tuple[str, ...]], gap: int = 2) -> list[str]:
    """``rows`` (the first: headings) as lines of columns padded to their widest cell, counted in
    terminal cells (a CJK character takes two), the last column unpadded."""
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [(" " * gap).join([*(cell + " " * (w - cell_len(cell)) for cell, w in zip(row, widths)), row[-1]]).rstrip()
            for row in rows]


def say_error(text: str) -> None:
    err_console.print(f"[bold red]{escape(Say.ERROR())}[/]{escape(text)}", highlight=False, soft_wrap=True)


def say_warning(text: str) -> None:
    err_console.print(f"[yellow]{escape(Say.WARNING())}[/]{escape(text)}", highlight=False, soft_wrap=True)


INTERRUPTED_EXIT = 130  # as a shell reports a command stopped by Ctrl-C


def fail(exc: XlgenError, code: int = 2) -> typer.Exit:
    """Say the error; the exit: ``code``, or 130 for a run interrupted (distribute, rollover)."""
    for each in exc.each:
        say_error(each.message)
    return typer.Exit(INTERRUPTED_EXIT if exc.code in (ErrorCode.INTERRUPTED, ErrorCode.INTERRUPTED_FILES) else code)
