"""The command line's seal options: the bureau's --key-file, --require-seal, and ``xlgen keygen``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xlgen.clitext import Help, Say
from xlgen.errors import XlgenError
from xlgen.generate.seal import load_key, new_key
from xlgen.verify.fixed import SealPolicy

KeyFileOption = Annotated[Optional[Path], typer.Option("--key-file", metavar="FILE", help=Help.KEY_FILE.name)]
RequireSealOption = Annotated[bool, typer.Option("--require-seal", help=Help.REQUIRE_SEAL.name)]


def key_of(path: Optional[Path]) -> Optional[bytes]:
    """The bureau's key from --key-file (None without it); a bad key file stops the command."""
    from xlgen.cli import fail

    try:
        return load_key(path) if path is not None else None
    except XlgenError as exc:
        raise fail(exc) from None


def seal_policy(path: Optional[Path], require: bool) -> SealPolicy:
    return SealPolicy(key_of(path), require)


def keygen(file: Annotated[Path, typer.Argument(help=Help.KEY_OUTPUT.name)]) -> None:
    """Write a new random key for sealing the bureau's fixed values (mode 600); never over a file."""
    from xlgen.cli import fail, say

    try:
        new_key(file)
    except XlgenError as exc:
        raise fail(exc) from None
    say(Say.WROTE_KEY(file=file))
