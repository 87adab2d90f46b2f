"""The Chinese pass of the whole suite: every error and every finding a test brings about is
also said in Chinese, and must hold no English word of ours there.

The suite reads English messages (conftest.py sets XLGEN_LANG=en) so that its assertions name
what they check; this plugin records each ``XlgenError`` and ``Finding`` made while a test runs and,
once it has run, renders each in Chinese with every field that is not a text of ours (a file,
a key, a value, what a library or the OS said) masked, and fails the test when an English word is
left (tests/helpers/chinese.py says what counts as a name rather than a word). A message met
once is not checked again. ``--no-zh-pass`` turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from tests.helpers.chinese import AsIs, english_words
from xlgen.errors import Said, XlgenError
from xlgen.findings import Finding
from xlgen.lang import Text

_made: list[XlgenError | Finding] = []
_seen: set[str] = set()


def _masked(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, Text) else Said(v.code, _masked(v.fields)) if isinstance(v, Said) else AsIs("※")
            for k, v in fields.items()}


def chinese_of_ours(made: XlgenError | Finding) -> str:
    """The Chinese message with only our words in it."""
    if isinstance(made, XlgenError):
        return Said(made.code, _masked(made.fields)).message_in("zh")
    return Finding(made.code, AsIs("※"), AsIs("※"), made.field, _masked(made.params)).message("zh")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--no-zh-pass", action="store_true", help="do not check each error and finding in Chinese")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--no-zh-pass"):
        return
    error_init, finding_init = XlgenError.__init__, Finding.__init__

    def record_error(self: XlgenError, *args: Any, **kwargs: Any) -> None:
        error_init(self, *args, **kwargs)
        _made.append(self)

    def record_finding(self: Finding, *args: Any, **kwargs: Any) -> None:
        finding_init(self, *args, **kwargs)
        _made.append(self)

    XlgenError.__init__ = record_error  # type: ignore[method-assign]
    Finding.__init__ = record_finding  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _zh_pass() -> Iterator[None]:
    _made.clear()
    yield
    made_here = list(_made)
    leaks = []
    for made in made_here:
        zh = chinese_of_ours(made)
        if zh in _seen:
            continue
        _seen.add(zh)
        if english_words(zh):
            leaks.append(f"{made.code}: {zh} → {english_words(zh)}")
    _made.clear()
    if os.environ.get("XLGEN_ZH_PASS_LOG"):  # a survey: every leak written down, no test failed
        with open(os.environ["XLGEN_ZH_PASS_LOG"], "a", encoding="utf-8") as log:
            log.writelines(leak + "\n" for leak in leaks)
        return
    assert leaks == [], "English words of ours in a Chinese message:\n" + "\n".join(leaks)
