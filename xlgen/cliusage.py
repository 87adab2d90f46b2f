"""Usage errors (click's, raised while the arguments are parsed) in the run's language."""

from __future__ import annotations

import re

import typer
from typer import _click as click
from typer.core import TyperGroup, TyperOption

from xlgen.clitext import Say


class Refused(typer.BadParameter):
    """A bad value whose message is whole already (names the option, in the run's language)."""


def usage_message(exc: click.ClickException) -> str:
    """Click's usage errors in the run's language."""
    param = getattr(exc, "param", None)
    name = _param_name(param) if param is not None else ""
    if isinstance(exc, click.exceptions.MissingParameter):
        kind = (Say.KIND_OPTION if isinstance(param, TyperOption) else Say.KIND_ARGUMENT).value
        return Say.MISSING(kind=kind, name=name)
    if isinstance(exc, click.exceptions.NoSuchOption):
        maybe = Say.DID_YOU_MEAN(names=", ".join(sorted(exc.possibilities))) if exc.possibilities else ""
        return Say.NO_SUCH_OPTION(name=exc.option_name, maybe=maybe)
    if isinstance(exc, click.exceptions.BadOptionUsage) and "requires an argument" in exc.message:
        return Say.NEEDS_VALUE(name=exc.option_name)
    if isinstance(exc, Refused):
        return exc.message
    if isinstance(exc, typer.BadParameter):
        return Say.BAD_VALUE(name=name or exc.param_hint or "", detail=_bad_value(exc))
    found = re.match(r"No such command '([^']*)'", exc.message)
    if found is not None:
        ctx = getattr(exc, "ctx", None)
        known = ", ".join(ctx.command.commands) if ctx is not None and isinstance(ctx.command, TyperGroup) else ""
        return Say.NO_SUCH_COMMAND(name=found.group(1), known=known)
    found = re.match(r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)", exc.message)
    if found is not None:
        return Say.EXTRA_ARGUMENTS(args=found.group(1))
    return exc.format_message()


def _param_name(param: click.Parameter) -> str:
    if isinstance(param, TyperOption):
        return max(param.opts, key=len)
    return (param.name or "").upper()


def _bad_value(exc: typer.BadParameter) -> str:
    """Typer's type errors (English) in the run's language."""
    if "valid integer" in exc.message:
        return Say.NOT_INTEGER()
    found = re.search(r"greater than or equal to (-?\d+)", exc.message)
    if found is not None:
        return Say.BELOW_MIN(min=found.group(1))
    return exc.message
