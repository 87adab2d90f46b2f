"""Excel's functions as xlgen evaluates them: its values (errors, ranges), its coercions and a
library of Excel-faithful functions (``STRICT`` take evaluated arguments, ``LAZY`` take them
unevaluated: IF, IFERROR, AND, OR). ``compiler.py`` builds closures over them; a function not
here is an ``EngineError``, never a silent #VALUE!.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from xlgen.formula.excelmath import excel_round

Getter = Callable[[str], Any]
Thunk = Callable[[Getter], Any]


class EngineError(Exception):
    """A formula xlgen cannot evaluate faithfully (a bug in a template, never user data)."""


@dataclass(frozen=True)
class XlError:
    """An Excel error value (#DIV/0!, #VALUE!, …) as a cell's result."""

    code: str

    def __str__(self) -> str:
        return self.code


class Raised(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


DIV0, VALUE, NUM = "#DIV/0!", "#VALUE!", "#NUM!"


# ----------------------------------------------------------------------------- coercions
def _err(v: Any) -> None:
    if isinstance(v, XlError):
        raise Raised(v.code)


def to_number(v: Any) -> float:
    """A scalar as arithmetic sees it: empty is 0, TRUE 1, numeric text its number."""
    if v.__class__ is float:  # the usual case, first
        return v
    _err(v)
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    text = v.strip()
    try:
        if text.endswith("%"):
            return float(text[:-1]) / 100
        return float(text)
    except ValueError:
        raise Raised(VALUE) from None


def to_bool(v: Any) -> bool:
    if v is True or v is False:  # the usual case (a comparison's result), first
        return v
    _err(v)
    if v is None:
        return False
    if isinstance(v, (bool, int, float)):
        return bool(v)
    upper: str = v.strip().upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    raise Raised(VALUE)


def to_text(v: Any) -> str:
    if v.__class__ is str:  # the usual case, first
        return v
    _err(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return format(v + 0.0, ".15g") if not v.is_integer() or abs(v) >= 1e15 else str(int(v))
    return str(v)


def _rank(v: Any) -> int:
    return 2 if isinstance(v, bool) else 1 if isinstance(v, str) else 0


def compare(a: Any, b: Any) -> int:
    """Excel's ordering: numbers < text < booleans; text without case; empty as 0/""/FALSE."""
    kind = type(a)
    if kind is type(b) and (kind is float or kind is str):  # the usual cases, first
        if kind is str:
            a, b = a.lower(), b.lower()
        quick: int = (a > b) - (a < b)
        return quick
    _err(a)
    _err(b)
    if a is None:
        a = "" if isinstance(b, str) else False if isinstance(b, bool) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if isinstance(a, bool) else 0.0
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 1:
        a, b = a.lower(), b.lower()
    order: int = (a > b) - (a < b)
    return order


# ----------------------------------------------------------------------------- arguments
class Range(tuple[Any, ...]):
    """The values of a range argument (row-major), told apart from scalars."""


def _range_values(args: Iterable[Any]) -> Iterable[tuple[Any, bool]]:
    for a in args:
        if isinstance(a, Range):
            for v in a:
                yield v, True
        else:
            yield a, False


def _numbers(args: Iterable[Any]) -> list[float]:
    """Numbers as SUM/MIN/COUNT see them: in ranges, numbers only; direct args coerced."""
    out = []
    for a in args:
        if not isinstance(a, Range):
            out.append(to_number(a))
            continue
        for v in a:
            if v.__class__ is float:  # the usual case, first
                out.append(v)
            elif v is not None:  # an empty cell: nothing
                _err(v)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out.append(float(v))
    return out


def _count(*args: Any) -> float:
    n = 0
    for v, in_range in _range_values(args):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            n += 1
        elif not in_range and isinstance(v, str):
            try:
                to_number(v)
                n += 1
            except Raised:
                pass
    return float(n)


def _logical(args: Iterable[Any]) -> list[bool]:
    out = []
    for a in args:
        if a is True or a is False:  # the usual case, first
            out.append(a)
        elif isinstance(a, Range):
            for v in a:
                _err(v)
                if isinstance(v, (bool, int, float)):
                    out.append(bool(v))
        else:
            out.append(to_bool(a))
    if not out:
        raise Raised(VALUE)
    return out


_SPACES = re.compile(" +")
_CONTROL = dict.fromkeys(range(32))  # CLEAN's characters, deleted by str.translate


def _trim(text: str) -> str:
    """TRIM: spaces at either end dropped, runs of spaces inside made one."""
    return (_SPACES.sub(" ", text) if "  " in text else text).strip(" ")

_CRITERION = re.compile(r"^(<=|>=|<>|=|<|>)?(.*)$", re.S)


def _matches(criterion: Any) -> Callable[[Any], bool]:
    if not isinstance(criterion, str):
        return lambda v: v is not None and compare(v, criterion) == 0
    m = _CRITERION.match(criterion)
    assert m is not None
    op, operand_text = m.group(1) or "=", m.group(2)
    operand: Any = operand_text
    try:
        operand = float(operand_text)
    except ValueError:
        pass

    def test(v: Any) -> bool:
        if isinstance(v, XlError):
            return False
        if operand_text == "" and op in ("=", "<>"):
            blank = v is None or v == ""
            return blank if op == "=" else not blank
        if v is None or _rank(v) != _rank(operand):
            return op == "<>"
        c = compare(v, operand)
        return {"=": c == 0, "<>": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]

    return test


# ----------------------------------------------------------------------------- library
def _div(a: Any, b: Any) -> float:
    d = to_number(b)
    if d == 0:
        raise Raised(DIV0)
    return to_number(a) / d


def _left(text: Any, count: Any = 1.0) -> str:
    """LEFT: the first ``count`` characters (Excel: #VALUE! below 0; the fraction dropped)."""
    n = to_number(count)
    if n < 0:
        raise Raised(VALUE)
    return to_text(text)[:int(n)]


def _substitute(text: Any, old: Any, new: Any) -> str:
    """SUBSTITUTE(text, old, new): every ``old`` replaced (Excel: an empty ``old`` changes nothing)."""
    t, o = to_text(text), to_text(old)
    return t.replace(o, to_text(new)) if o else t


def _pow(a: Any, b: Any) -> float:
    try:
        r = to_number(a) ** to_number(b)
    except (OverflowError, ZeroDivisionError):
        raise Raised(NUM) from None
    if isinstance(r, complex):
        raise Raised(NUM)
    return float(r)


def _round(mode: str) -> Callable[..., float]:
    def fn(x: Any, digits: Any = 0.0) -> float:
        try:
            return excel_round(to_number(x), to_number(digits), mode)
        except ValueError:
            raise Raised(NUM) from None

    return fn


def _minmax(pick: Callable[[list[float]], float]) -> Callable[..., float]:
    def fn(*args: Any) -> float:
        nums = _numbers(args)
        return pick(nums) if nums else 0.0

    return fn


# Strict functions get evaluated arguments; IF, IFERROR, AND, OR get them lazily.
STRICT: dict[str, Callable[..., Any]] = {
    "+": lambda a, b: to_number(a) + to_number(b),
    "-": lambda a, b: to_number(a) - to_number(b),
    "*": lambda a, b: to_number(a) * to_number(b),
    "/": _div,
    "^": _pow,
    "&": lambda a, b: to_text(a) + to_text(b),
    "u-": lambda a: -to_number(a),
    "u+": lambda a: a,
    "bypass": lambda a: a,  # the parser's copy of a repeated sub-expression
    "%": lambda a: to_number(a) / 100,
    "=": lambda a, b: compare(a, b) == 0,
    "<>": lambda a, b: compare(a, b) != 0,
    "<": lambda a, b: compare(a, b) < 0,
    ">": lambda a, b: compare(a, b) > 0,
    "<=": lambda a, b: compare(a, b) <= 0,
    ">=": lambda a, b: compare(a, b) >= 0,
    "ABS": lambda a: abs(to_number(a)),
    "NOT": lambda a: not to_bool(a),
    "ISNUMBER": lambda a: isinstance(a, (int, float)) and not isinstance(a, (bool, Range)),
    "ISTEXT": lambda a: isinstance(a, str),
    "ISBLANK": lambda a: a is None,
    "LEN": lambda a: float(len(to_text(a))),
    "TRIM": lambda a: _trim(to_text(a)),
    "LEFT": _left,
    "SUBSTITUTE": _substitute,
    "CLEAN": lambda a: to_text(a).translate(_CONTROL),  # Excel: drops codes 0–31
    "ROUND": _round("round"),
    "ROUNDDOWN": _round("down"),
    "ROUNDUP": _round("up"),
    "SUM": lambda *a: _sum(a),
    "MIN": _minmax(min),
    "MAX": _minmax(max),
    "COUNT": _count,
    "COUNTA": lambda *a: float(sum(1 for v, _ in _range_values(a) if v is not None)),
    "COUNTBLANK": lambda *a: float(sum(1 for v, _ in _range_values(a) if v is None or v == "")),
    "COUNTIF": lambda rng, crit: float(sum(1 for v, _ in _range_values([rng]) if _matches(crit)(v))),
    "SUMIF": lambda rng, crit, summed=None: _sumif(rng, crit, rng if summed is None else summed),
}


def _sumif(rng: Any, criterion: Any, summed: Any) -> float:
    """SUMIF: the numbers of ``summed`` beside the cells of ``rng`` matching ``criterion`` (the
    two ranges of one shape, as xlgen writes them; text and blanks beside a match add nothing)."""
    test = _matches(criterion)
    keys, values = list(_range_values([rng])), list(_range_values([summed]))
    if len(keys) != len(values):
        raise Raised(VALUE)
    return _sum(Range(v for (k, _), (v, _) in zip(keys, values) if test(k)
                      and isinstance(v, (int, float)) and not isinstance(v, bool)))


def _sum(args: Iterable[Any]) -> float:
    total = 0.0
    for x in _numbers(args):  # left to right, as Excel adds
        total += x
    return total


def _iferror(value: Callable[[], Any], fallback: Callable[[], Any]) -> Any:
    try:
        v = value()
        _err(v)
        return v
    except Raised:
        return fallback()


# IF, IFERROR, AND and OR get their arguments lazily: each writes its call's code from the code
# of its arguments (IF evaluates one branch; IFERROR its fallback only on an error).
def _if(cond: str, then: str = "True", other: str = "False") -> str:
    return f"({then} if _to_bool({cond}) else {other})"


LAZY: dict[str, Callable[..., str]] = {
    "IF": _if,
    "IFERROR": lambda value, fallback: f"_iferror(lambda: {value}, lambda: {fallback})",
    "AND": lambda *args: f"all(_logical([{', '.join(args)}]))",
    "OR": lambda *args: f"any(_logical([{', '.join(args)}]))",
}
_RUNTIME = {"_to_bool": to_bool, "_logical": _logical, "_iferror": _iferror, "_Range": Range, "all": all, "any": any}
FUNCTION_NAMES = frozenset(n for n in (*STRICT, *LAZY) if n.isalpha() and n.isupper())
