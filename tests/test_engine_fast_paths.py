"""The formula library's fast paths (#24) give what the plain definitions give: TRIM and CLEAN
on any text, the coercions of the usual values first, and each in a compiled formula."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, strategies as st

from xlgen.formula.compiler import evaluate
from xlgen.formula.functions import STRICT, XlError, to_bool, to_number, to_text


def trim_plain(text: str) -> str:  # Excel's TRIM as written before the fast path
    return re.sub(" +", " ", text).strip(" ")


def clean_plain(text: str) -> str:  # Excel's CLEAN: codes 0–31 dropped
    return "".join(ch for ch in text if ord(ch) >= 32)


TEXT = st.text(alphabet=st.sampled_from(" \u3000\t\n\x01\x1f\x7fab中 "), max_size=40)


@given(TEXT)
def test_trim_and_clean_give_the_plain_definitions(text: str) -> None:
    assert STRICT["TRIM"](text) == trim_plain(text)
    assert STRICT["CLEAN"](text) == clean_plain(text)


@pytest.mark.parametrize("text, trimmed, cleaned", [
    ("  a   b  ", "a b", "  a   b  "),
    ("a\x01\x1fb\x7f\n", "a\x01\x1fb\x7f\n", "ab\x7f"),
    ("\u3000x\u3000", "\u3000x\u3000", "\u3000x\u3000"),
    ("", "", ""),
])
def test_trim_and_clean_in_a_formula(text: str, trimmed: str, cleaned: str) -> None:
    cells = {"A1": text}
    assert evaluate("B1", "TRIM(A1)", cells.get) == trimmed
    assert evaluate("B1", "CLEAN(A1)", cells.get) == cleaned
    assert evaluate("B1", 'IF(TRIM(CLEAN(SUBSTITUTE(A1,"\u3000"," ")))="",1,0)', cells.get) == \
        (1.0 if not trim_plain(clean_plain(text.replace("\u3000", " "))) else 0.0)


@pytest.mark.parametrize("value, number, text, truth", [
    (2.5, 2.5, "2.5", True),
    (0.0, 0.0, "0", False),
    (True, 1.0, "TRUE", True),
    (False, 0.0, "FALSE", False),
    (None, 0.0, "", False),
    (" 80% ", 0.8, " 80% ", "error"),
    ("true", "error", "true", True),
])
def test_the_coercions_of_each_kind_of_value(value: Any, number: Any, text: str, truth: Any) -> None:
    def result(fn: Any) -> Any:
        try:
            return fn(value)
        except Exception:
            return "error"
    assert result(to_number) == number
    assert result(to_text) == text
    assert result(to_bool) == truth
    for fn in (to_number, to_text, to_bool):  # an error value is raised by each, first
        with pytest.raises(Exception):
            fn(XlError("#DIV/0!"))
