"""The code of one call of the formula library, written for the kinds of its operands where
the compiler knows them (#24: a layout's program runs on every file of a collection).

A template's formulas mostly compare a cell with a constant (``XFC1="%"``, ``XFC2>=0.8``),
test text for blanks (``TRIM(CLEAN(SUBSTITUTE(XFC1,"　"," ")))=""``) and add ``IF(…,1,0)``.
Called through the library each such operation costs several Python calls (the operator's
function, ``compare``, the coercions); written out for the operands' kinds it costs none. Each
lowering gives exactly what the library's function gives (the same value, the same error
raised, its operands evaluated in the same order): where an operand's kind is not known at
compile time, it is tested at run time and the library's function called when it is not the
usual one. ``compiler._emit(..., lowered=False)`` writes every call through the library: the
tests compare the two on the formulas of every template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from xlgen.formula.functions import STRICT, _CONTROL, _trim, to_text

FLOAT, TEXT, BOOL = "float", "str", "bool"  # the Python type of every value an expression gives
_NO_VALUE = object()


class Code(NamedTuple):
    """Python code computing an expression: ``kind``, the type of each value it gives (None: any,
    a Range too); ``atom``, a name (a cell read once at the start, a constant) that may be written
    twice without computing anything twice; ``value``, a constant's value."""

    text: str
    kind: str | None = None
    atom: bool = False
    value: Any = _NO_VALUE


Bind = Callable[[str, Any], str]  # a new name for a value in the function's namespace

# The kind of every value a library function gives (it raises otherwise)
RESULT_KIND: dict[str, str] = {
    **dict.fromkeys(("+", "-", "*", "/", "^", "u-", "%", "ABS", "LEN", "ROUND", "ROUNDDOWN", "ROUNDUP", "SUM",
                     "MIN", "MAX", "COUNT", "COUNTA", "COUNTBLANK", "COUNTIF", "SUMIF"), FLOAT),
    **dict.fromkeys(("&", "TRIM", "LEFT", "SUBSTITUTE", "CLEAN"), TEXT),
    **dict.fromkeys(("=", "<>", "<", ">", "<=", ">=", "NOT", "ISNUMBER", "ISTEXT", "ISBLANK", "AND", "OR"), BOOL),
}
# compare(a, b) OP 0 for two floats as Python's comparisons (a NaN compares as equal there)
_FLOAT_TEST = {"=": "not ({a} < {b} or {a} > {b})", "<>": "({a} < {b} or {a} > {b})", "<": "{a} < {b}",
               ">": "{a} > {b}", "<=": "not {a} > {b}", ">=": "not {a} < {b}"}
_TWICE = ("=", "<>")  # their float test reads each operand twice
_TEXT_TEST = {"=": "==", "<>": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}  # on lower-cased texts
_ARITHMETIC = {"+": "+", "-": "-", "*": "*"}


def strict(name: str, args: list[Code], bind: Bind) -> Code:
    """The call of the library's strict function ``name`` on ``args``: lowered where it can be."""
    lowered = _strict(name, args, bind)
    if lowered is not None:
        return lowered
    return Code(f"{bind('f', STRICT[name])}({', '.join(a.text for a in args)})", RESULT_KIND.get(name))


def _strict(name: str, args: list[Code], bind: Bind) -> Code | None:
    if name in _FLOAT_TEST and len(args) == 2:
        return _comparison(name, args[0], args[1], bind)
    if name in _ARITHMETIC and len(args) == 2:
        return _typed(name, args, FLOAT, f"({args[0].text} {_ARITHMETIC[name]} {args[1].text})", bind)
    if name == "/" and len(args) == 2 and args[1].atom:  # the divisor read twice: tested for 0, divided by
        a, b = args
        return _typed(name, args, FLOAT, f"({a.text} / {b.text})", bind, also=f"{b.text} != 0")
    if name == "NOT" and len(args) == 1 and args[0].kind == BOOL:
        return Code(f"(not {args[0].text})", BOOL)
    if name in ("ISNUMBER", "ISTEXT") and len(args) == 1 and args[0].atom and args[0].kind is None:
        usual = "float" if name == "ISNUMBER" else "str"
        x = args[0].text  # an empty cell is neither a number nor a text
        return Code(f"({x}.__class__ is {usual} or ({x} is not None and {bind('f', STRICT[name])}({x})))", BOOL)
    if name == "TRIM" and len(args) == 1:
        text = _text(args[0], bind)
        return None if text is None else Code(f"{bind('f', _trim)}({text})", TEXT)
    if name == "CLEAN" and len(args) == 1:
        text = _text(args[0], bind)
        return None if text is None else Code(f"{text}.translate({bind('k', _CONTROL)})", TEXT)
    if name == "SUBSTITUTE" and len(args) == 3 and all(isinstance(a.value, str) for a in args[1:]) and args[1].value:
        text = _text(args[0], bind)
        return None if text is None else Code(f"{text}.replace({args[1].text}, {args[2].text})", TEXT)
    if name == "&" and len(args) == 2:
        left, right = _text(args[0], bind), _text(args[1], bind)
        return None if left is None or right is None else Code(f"({left} + {right})", TEXT)
    return None


def _text(arg: Code, bind: Bind) -> str | None:
    """``to_text(arg)``: a text as it is; a cell's value tested first (None: not lowered)."""
    if arg.kind == TEXT:
        return arg.text
    if arg.atom and arg.kind is None:
        return f"({arg.text} if {arg.text}.__class__ is str else '' if {arg.text} is None else {bind('f', to_text)}({arg.text}))"
    return None


def _typed(name: str, args: list[Code], kind: str, fast: str, bind: Bind, also: str = "") -> Code | None:
    """``fast`` where every operand is of ``kind`` (the cells' values tested at run time), else
    the library's function; None when an operand of another or unknown kind is no name."""
    checks = []
    for a in args:
        if a.kind == kind:
            continue
        if a.kind is not None or not a.atom:
            return None
        checks.append(f"{a.text}.__class__ is {kind}")
    if also:
        checks.append(also)
    if not checks:
        return Code(fast, RESULT_KIND[name])
    generic = f"{bind('f', STRICT[name])}({', '.join(a.text for a in args)})"
    return Code(f"({fast} if {' and '.join(checks)} else {_blank(name, args, generic, bind)})", RESULT_KIND[name])


def _blank(name: str, args: list[Code], generic: str, bind: Bind) -> str:
    """``generic``, but where a cell compared with (added to …) constants is empty, the library's
    result for an empty cell, computed once when compiled (a form's cells are mostly empty)."""
    cells = [i for i, a in enumerate(args) if a.kind is None]
    if len(cells) != 1 or any(a.value is _NO_VALUE for i, a in enumerate(args) if i != cells[0]):
        return generic
    try:
        empty = STRICT[name](*(None if i == cells[0] else a.value for i, a in enumerate(args)))
    except Exception:  # the library raises on an empty cell here (a divisor): at run time, as it does
        return generic
    return f"({bind('k', empty)} if {args[cells[0]].text} is None else {generic})"


def _comparison(op: str, a: Code, b: Code, bind: Bind) -> Code | None:
    """``a op b`` as ``compare`` orders them: floats as numbers, texts without case."""
    kinds = {a.kind, b.kind} - {None}
    if kinds == {TEXT}:
        return _typed(op, [a, b], TEXT, f"({_lower(a, bind)} {_TEXT_TEST[op]} {_lower(b, bind)})", bind)
    if kinds and kinds != {FLOAT}:
        return None
    if op in _TWICE and not (a.atom and b.atom):
        return None
    return _typed(op, [a, b], FLOAT, "(" + _FLOAT_TEST[op].format(a=a.text, b=b.text) + ")", bind)


def _lower(a: Code, bind: Bind) -> str:
    """A text lower-cased: a constant once, when compiled."""
    if isinstance(a.value, str):
        return bind("k", a.value.lower())
    return f"{a.text}.lower()"


# ----------------------------------------------------------------------------- IF, AND, OR
def if_(cond: Code, then: Code | None = None, other: Code | None = None) -> Code:
    """IF: one branch evaluated, the condition as a truth value (TRUE and FALSE without a branch)."""
    then = then or Code("True", BOOL, True)
    other = other or Code("False", BOOL, True)
    test = cond.text if cond.kind == BOOL else f"_to_bool({cond.text})"
    return Code(f"({then.text} if {test} else {other.text})", then.kind if then.kind == other.kind else None)


def logical(name: str, args: list[Code]) -> Code:
    """AND, OR: every argument evaluated, then combined (truth values: with & and |)."""
    if args and all(a.kind == BOOL for a in args):
        return Code("(" + (" & " if name == "AND" else " | ").join(a.text for a in args) + ")", BOOL)
    return Code(f"{'all' if name == 'AND' else 'any'}(_logical([{', '.join(a.text for a in args)}]))", BOOL)
