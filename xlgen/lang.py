"""The language of a run: Chinese unless ``--lang en`` or ``XLGEN_LANG=en`` says English.

Every message xlgen prints is a ``Text`` (zh, en) picked here (``pick``), so one run speaks one
language; the findings catalogue picks its messages here too, which is why this module imports
nothing of xlgen's.
The command line chooses the language once, before it parses anything (errors in the arguments
and ``--help`` are in it too); the library's messages follow the same choice.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

LANGS = ("zh", "en")
DEFAULT = "zh"
LANG_ENV = "XLGEN_LANG"
LANG_OPTION = "--lang"



class Text(NamedTuple):
    """A message part in both languages (a reason, a table's name)."""

    zh: str
    en: str


_chosen: list[str] = []  # the run's choice (the command line's --lang); empty: the environment's


def current() -> str:
    """The language of this run: the one chosen, else $XLGEN_LANG when valid, else Chinese."""
    if _chosen:
        return _chosen[-1]
    env = os.environ.get(LANG_ENV, "").strip().lower()
    return env if env in LANGS else DEFAULT


def choose(lang: str | None) -> None:
    """Make ``lang`` the language of this run (None: back to the environment's)."""
    _chosen.clear()
    if lang is not None:
        _chosen.append(lang)


def from_args(args: Sequence[str]) -> str | None:
    """The value given to --lang anywhere in a command line (``--lang en`` or ``--lang=en``)."""
    found = None
    for i, arg in enumerate(args):
        if arg == LANG_OPTION and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(LANG_OPTION + "="):
            found = arg.split("=", 1)[1]
    return found


def pick(text: Text, lang: str | None = None) -> str:
    """``text`` in ``lang``, else in the run's language."""
    return text.en if (lang or current()) == "en" else text.zh


def fill(text: Text, fields: Mapping[str, Any], lang: str | None = None) -> str:
    """``text`` in the language, its placeholders filled (a field that is a Text is picked too)."""
    lang = lang or current()
    return pick(text, lang).format(**{k: pick(v, lang) if isinstance(v, Text) else v
                                      for k, v in fields.items()})
