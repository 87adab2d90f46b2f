"""The formula library's fast paths (#24) give what the plain definitions give: TRIM and CLEAN
on any text, the coercions of the usual values first, and each in a compiled formula."""

from __future__ import annotations

import functools
import operator
import re
from typing import Any

import pytest
from hypothesis import given, strategies as st

from xlgen.formula.compiler import evaluate
from xlgen.formula.functions import STRICT, Raised, Range, XlError, _numbers, to_bool, to_number, to_text


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


def numbers_plain(args: list[Any]) -> list[float]:  # SUM/MIN/MAX's numbers as written before the fast path
    out = []
    for a in args:
        for v, in_range in ([(v, True) for v in a] if isinstance(a, Range) else [(a, False)]):
            if in_range:
                if isinstance(v, XlError):
                    raise Raised(v.code)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out.append(float(v))
            else:
                out.append(to_number(v))
    return out


VALUE = st.one_of(st.none(), st.floats(allow_nan=False), st.integers(-5, 5), st.booleans(),
                  st.sampled_from(["", "1", " 2.5 ", "x", "80%"]), st.sampled_from([XlError("#DIV/0!"), XlError("#N/A")]))


@given(st.lists(st.one_of(VALUE, st.lists(VALUE, max_size=6).map(Range)), max_size=5))
def test_the_numbers_of_sum_min_max_give_the_plain_definition(args: list[Any]) -> None:
    def result(fn: Any) -> Any:
        try:
            return ("value", fn(args))
        except Raised as exc:
            return ("raised", exc.code)
    assert result(_numbers) == result(numbers_plain)
    assert result(lambda a: STRICT["SUM"](*a)) == result(lambda a: functools.reduce(operator.add, numbers_plain(a), 0.0))  # left to right


@pytest.mark.parametrize("formula, want", [
    ("SUM(A1:A4)", 3.5), ("MIN(A1:A4)", 1.0), ("MAX(A1:A4,A5)", 2.5),  # a cell named: read as a range
    ('SUM(A1:A4,"9")', 12.5), ('SUM(A1:A4,"x")', XlError("#VALUE!")),  # a value given: coerced
    ("SUM(A1:A7)", XlError("#DIV/0!")),
])
def test_sums_skip_text_and_blanks_in_ranges(formula: str, want: Any) -> None:
    cells = {"A1": 2.5, "A2": "7", "A3": None, "A4": 1.0, "A5": "9", "A7": XlError("#DIV/0!")}
    assert evaluate("B1", formula, cells.get) == want
