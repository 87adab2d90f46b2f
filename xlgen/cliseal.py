"""The command line's seal options: the bureau's --key-file, --require-seal, and ``xlgen keygen``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xlgen.cliout import fail, say
from xlgen.clitext import Help, Say
from xlgen.errors import XlgenError
from xlgen.generate.seal import new_key

KeyFileOption = Annotated[Optional[Path], typer.Option("--key-file", metavar="FILE", help=Help.KEY_FILE.name)]
RequireSealOption = Annotated[bool, typer.Option("--require-seal", help=Help.REQUIRE_SEAL.name)]


def keygen(file: Annotated[Path, typer.Argument(help=Help.KEY_OUTPUT.name)]) -> None:
    try:
        new_key(file)
    except XlgenError as exc:
        raise fail(exc) from None
    say(Say.WROTE_KEY(file=file))
