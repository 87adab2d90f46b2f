"""The compiler writes the library's calls for the kinds of their operands (#24,
xlgen/formula/lowering.py): every formula of every built-in template gives, lowered, exactly what
it gives through the library's functions (the same value of the same type, the same error), on
the values a returned file can hold: numbers, texts in any case, blanks, truth values, errors."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from xlgen.formula import compiler
from xlgen.formula.functions import EngineError, Raised, XlError
from xlgen.intake.reader import default_layout
from xlgen.layout import cellrules
from xlgen.names import INDICATORS, TASKS
from xlgen.template.model import Template, known_templates

POOL: list[Any] = [None, 0.0, -0.0, 1.0, 0.5, 0.8, 1.5, 2.0, -1.0, 40.0, 100.0, math.nan, math.inf, -math.inf, 3,
                   True, False, "", " ", "\u3000", " \u3000 a\x01 ", "%", "abc", "ABC", "=", ">=", "<", "80%",
                   " 1.5 ", "nan", "TRUE", "通过", XlError("#DIV/0!"), XlError("#VALUE!")]


def outcome(run: Any, get: Any) -> tuple[str, str]:
    """What running a formula gives: its value (typed, NaN included), or the error it raises."""
    try:
        value = run(get)
    except Raised as exc:
        return ("raised", exc.code)
    except (EngineError, TypeError, ValueError, OverflowError) as exc:
        return ("failed", type(exc).__name__)
    return ("value", f"{type(value).__name__}:{value!r}")


def shapes_of(t: Template) -> list[str]:
    """Every formula shape of the template's default layout: its cells' formulas, and the cell
    tests of its structural rules (verify evaluates both)."""
    lay = default_layout(t)
    texts = [compiled.text for _cell, compiled in lay.program.steps]
    for rule in t.checks:
        if not rule.structural:
            continue
        texts += [test for _s, test in cellrules.form_tests(lay, rule.name)]
        for table, count in ((TASKS, lay.task_count), (INDICATORS, len(lay.indicator_rows))):
            for i in range(count):
                texts += [test for _s, test in cellrules.row_tests(lay, rule.name, table, i)]
    return sorted({compiler._shape(text if text.startswith("=") else "=" + text)[0] for text in texts})


def pool_for(shape: str) -> list[Any]:
    """The common values and the shape's own constants, in other letter cases, and numbers beside them."""
    _root, _producers, constants = compiler.parse_shape(shape)
    own: list[Any] = []
    for v in constants.values():
        if isinstance(v, str):
            own += [v, v.upper(), v.lower(), f" {v}"]
        elif isinstance(v, float):
            own += [v, v + 0.01, v - 0.01]
    return POOL + own


@pytest.mark.parametrize("template", known_templates(), ids=lambda t: t.id)
def test_every_formula_gives_lowered_what_the_library_gives(template: Template) -> None:
    rng = random.Random(24)
    shapes = shapes_of(template)
    assert len(shapes) >= 10, shapes
    differ = []
    lowered_calls = 0  # shapes written for their operands' kinds
    for shape in shapes:
        fast, params, _ = compiler._shape_function(shape, True)
        plain, plain_params, _ = compiler._shape_function(shape, False)
        assert params == plain_params
        pool = pool_for(shape)
        for k in range(120):
            values = {p: (pool[(k + i) % len(pool)] if k < len(pool) else rng.choice(pool))
                      for i, p in enumerate(params)}
            got = outcome(lambda get: fast(*params, get), values.get)
            want = outcome(lambda get: plain(*params, get), values.get)
            if got != want:
                differ.append((shape, values, got, want))
        lowered_calls += "__class__" in fast.__code__.co_names
    assert not differ, differ[:3]
    assert lowered_calls >= len(shapes) // 2  # most test their operands' kinds where the library's calls were


@pytest.mark.parametrize("formula, cells, want", [
    ('A1="abc"', {"A1": "ABC"}, True),  # texts without case
    ('A1<>""', {"A1": None}, False),  # empty as ""
    ("A1=0", {"A1": None}, True),  # empty as 0
    ("A1=0", {"A1": math.nan}, True),  # Excel's ordering of floats as compare() has it
    ("A1<=0", {"A1": math.nan}, True),
    ('A1>1', {"A1": "a"}, True),  # text after numbers
    ('A1="%"', {"A1": XlError("#N/A")}, XlError("#N/A")),  # an error value goes through
    ('IF(TRIM(CLEAN(SUBSTITUTE(A1,"\u3000"," ")))="",1,0)+IF(ISTEXT(A2),1,0)', {"A1": "\u3000 \x01", "A2": "x"}, 2.0),
    ("A1*A2-A3", {"A1": 2.0, "A2": " 3 ", "A3": True}, 5.0),  # coerced as the library coerces
    ("A1/A2", {"A1": 1.0, "A2": 0.0}, XlError("#DIV/0!")),
    ('A1&"x"', {"A1": 1.5}, "1.5x"),
    ('AND(A1>0,A1<2)', {"A1": 1.0}, True),
    ('OR(A1="a",A2)', {"A1": "b", "A2": "TRUE"}, True),  # a text as a truth value in OR
])
def test_lowered_formulas_on_examples(formula: str, cells: dict[str, Any], want: Any) -> None:
    assert compiler.evaluate("B1", formula, cells.get) == want
