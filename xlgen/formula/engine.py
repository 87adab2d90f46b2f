"""Evaluate the template's formulas as Excel does, fast, and loudly when it cannot.

The `formulas` package parses each formula (its Parser builds the expression graph); we write
that graph out as one plain Python function per shape of formula, calling a small library of
Excel-faithful functions (the code is written from the parse of the template's formulas alone,
every constant bound by name, never as text; a returned file's formulas are never evaluated).
Calling the `formulas`-compiled function instead costs about a millisecond per formula in
its dispatcher, which is most of a workbook's budget; ours cost a few microseconds.
Only functions in ``LIBRARY`` can be evaluated: anything else is an ``EngineError`` naming the
cell, the formula and the function, never a silent #VALUE!.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

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


class _Raised(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


DIV0, VALUE, NUM = "#DIV/0!", "#VALUE!", "#NUM!"


# ----------------------------------------------------------------------------- coercions
def _err(v: Any) -> None:
    if isinstance(v, XlError):
        raise _Raised(v.code)


def to_number(v: Any) -> float:
    """A scalar as arithmetic sees it: empty is 0, TRUE 1, numeric text its number."""
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
        raise _Raised(VALUE) from None


def to_bool(v: Any) -> bool:
    _err(v)
    if v is None:
        return False
    if isinstance(v, (bool, int, float)):
        return bool(v)
    upper: str = v.strip().upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    raise _Raised(VALUE)


def to_text(v: Any) -> str:
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
    for v, in_range in _range_values(args):
        if in_range:
            _err(v)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out.append(float(v))
        else:
            out.append(to_number(v))
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
            except _Raised:
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
        raise _Raised(VALUE)
    return out


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
        raise _Raised(DIV0)
    return to_number(a) / d


def _left(text: Any, count: Any = 1.0) -> str:
    """LEFT: the first ``count`` characters (Excel: #VALUE! below 0; the fraction dropped)."""
    n = to_number(count)
    if n < 0:
        raise _Raised(VALUE)
    return to_text(text)[:int(n)]


def _substitute(text: Any, old: Any, new: Any) -> str:
    """SUBSTITUTE(text, old, new): every ``old`` replaced (Excel: an empty ``old`` changes nothing)."""
    t, o = to_text(text), to_text(old)
    return t.replace(o, to_text(new)) if o else t


def _pow(a: Any, b: Any) -> float:
    try:
        r = to_number(a) ** to_number(b)
    except (OverflowError, ZeroDivisionError):
        raise _Raised(NUM) from None
    if isinstance(r, complex):
        raise _Raised(NUM)
    return float(r)


def _round(mode: str) -> Callable[..., float]:
    def fn(x: Any, digits: Any = 0.0) -> float:
        try:
            return excel_round(to_number(x), to_number(digits), mode)
        except ValueError:
            raise _Raised(NUM) from None

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
    "TRIM": lambda a: re.sub(" +", " ", to_text(a)).strip(" "),
    "LEFT": _left,
    "SUBSTITUTE": _substitute,
    "CLEAN": lambda a: "".join(ch for ch in to_text(a) if ord(ch) >= 32),  # Excel: drops codes 0–31
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
        raise _Raised(VALUE)
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
    except _Raised:
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


# ----------------------------------------------------------------------------- compiling
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@functools.lru_cache(maxsize=20_000)  # every column of a sheet (XFD is the 16,384th): read once per process
def col_index(letters: str) -> int:
    """0-based index of a column's letters (A → 0)."""
    col: int = xl_cell_to_rowcol(letters + "1")[1]
    return col


@functools.lru_cache(maxsize=20_000)
def col_letters(index: int) -> str:
    """A column's letters from its 0-based index (0 → A)."""
    letters: str = xl_col_to_name(index)
    return letters


def expand_range(ref: str) -> list[str]:
    first, _, last = ref.partition(":")
    m1, m2 = _CELL.match(first), _CELL.match(last or first)
    if not m1 or not m2:
        raise EngineError(f"reference {ref!r} is not a cell or a range on the same sheet")
    c1, c2 = col_index(m1.group(1)), col_index(m2.group(1))
    r1, r2 = int(m1.group(2)), int(m2.group(2))
    return [f"{col_letters(c)}{r}" for r in range(min(r1, r2), max(r1, r2) + 1) for c in range(min(c1, c2), max(c1, c2) + 1)]


@dataclass(frozen=True)
class Compiled:
    text: str
    cells: tuple[str, ...]  # every cell it reads
    run: Thunk


STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_RANGE_OR_CELL = re.compile(
    r"(?<![A-Za-z0-9_.$])(\$?[A-Z]{1,3}\$?\d+)(?::(\$?[A-Z]{1,3}\$?\d+))?(?![A-Za-z0-9_(])")
_SLOT_COLUMN = "XFC"  # canonical cells of a shape: XFC1, XFC2, … (no form reaches that column)


def outside_strings(text: str, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` applied to every stretch outside its "string literals": how a
    formula's references or spacing are rewritten without touching the text it quotes."""
    pieces, last = [], 0
    for lit in STRING_LITERAL.finditer(text):
        pieces.append(change(text[last:lit.start()]))
        pieces.append(lit.group(0))
        last = lit.end()
    pieces.append(change(text[last:]))
    return "".join(pieces)


def _shape(text: str) -> tuple[str, tuple[str, ...]]:
    """The formula with each single-cell reference replaced by a canonical one (in order of
    first use), and the cells replaced. Ranges stay: they are the same for every row."""
    refs: list[str] = []

    def swap(m: re.Match[str]) -> str:
        if m.group(2):
            return m.group(0)
        cell = m.group(1).replace("$", "")
        if cell not in refs:
            refs.append(cell)
        return f"{_SLOT_COLUMN}{refs.index(cell) + 1}"

    shape = outside_strings(text, lambda part: _RANGE_OR_CELL.sub(swap, part))
    return shape, tuple(refs)


@functools.lru_cache(maxsize=65536)
def compile_formula(text: str) -> Compiled:
    """A function of ``get`` for ``text``. Formulas of the same shape (the same formula on another
    row) share one parse and one function: parsing costs milliseconds, the function is called
    with the formula's own cells."""
    source = text if text.startswith("=") else "=" + text
    shape, refs = _shape(source)
    run, params, read = _shape_function(shape)
    canonical = {f"{_SLOT_COLUMN}{i + 1}": cell for i, cell in enumerate(refs)}
    cells = tuple(sorted({canonical.get(c, c) for c in read}))
    return Compiled(text=source, cells=cells, run=functools.partial(run, *(canonical.get(p, p) for p in params)))


Parsed = tuple[str, dict[str, tuple[str, list[str]]], dict[str, Any]]  # root, producers, constants
_BYPASS = "bypass"
# Parses by shape, as plain data: filled by parse_shape, and preloaded from disk by cache.py
# (the `formulas` import and its parser then cost nothing in a fresh process).
PARSED: dict[str, Parsed] = {}


def parse_shape(source: str) -> Parsed:
    """The expression graph of a formula, parsed by `formulas`: (root, producers, constants)."""
    hit = PARSED.get(source)
    if hit is not None:
        return hit
    import formulas

    try:
        _tokens, builder = formulas.Parser().ast(source)
    except Exception as exc:  # the parser's own error types vary
        raise EngineError(f"cannot parse {source!r}: {exc}") from None
    dsp = builder.dsp
    producers: dict[str, tuple[str, list[str]]] = {}
    for node_id, node in dsp.nodes.items():
        if node["type"] == "function":
            name = re.sub(r"<\d+>$", "", str(node_id))
            producers[node["outputs"][0]] = (name, list(node["inputs"]))
    constants = {k: _constant(v["value"]) for k, v in dsp.default_values.items()}
    # `formulas` reads a repeated sub-expression once and adds "bypass" nodes (c0>…) that pass
    # it on: identities, never the formula's result
    outputs = [k for k, (name, _) in producers.items()
               if name != _BYPASS and not any(k in ins for _, ins in producers.values())]
    roots = outputs or [k for k, v in dsp.nodes.items() if v["type"] == "data"]
    if len(roots) != 1:
        raise EngineError(f"cannot find the result of {source!r}")
    PARSED[source] = parsed = (roots[0], producers, constants)
    return parsed


def _constant(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return str(value)


@functools.lru_cache(maxsize=4096)
def _shape_function(shape: str) -> tuple[Callable[..., Any], tuple[str, ...], frozenset[str]]:
    """A shape compiled to one Python function of its canonical cells and ``get`` (each call of
    the library written out, no closure per node), those cells' names in order, and every cell
    the shape reads."""
    root, producers, constants = parse_shape(shape)
    env: dict[str, Any] = dict(_RUNTIME)
    cells: set[str] = set()
    code = _emit(root, producers, constants, cells, shape, env)
    params = tuple(sorted((c for c in cells if c.startswith(_SLOT_COLUMN)), key=lambda c: int(c[len(_SLOT_COLUMN):])))
    source = f"def formula({', '.join(params + ('get',))}):\n    return {code}\n"
    try:
        exec(compile(source, f"<{shape}>", "exec"), env)  # code written from the parse alone: names, calls, constants bound in env
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        raise EngineError(f"cannot compile {shape!r}: {exc}") from None
    return env["formula"], params, frozenset(cells)


def _emit(expr: str, producers: dict[str, tuple[str, list[str]]], constants: dict[str, Any],
          cells: set[str], source: str, env: dict[str, Any]) -> str:
    """Python code computing ``expr``: constants, functions and ranges bound by name in ``env``,
    cells read with ``get``."""
    if expr in constants:  # already typed as a cell value by parse_shape
        return _bind(env, "k", constants[expr])
    if expr in producers:
        name, inputs = producers[expr]
        args = [_emit(i, producers, constants, cells, source, env) for i in inputs]
        if name == _BYPASS:
            return args[0]
        if name in LAZY:
            return LAZY[name](*args)
        fn = STRICT.get(name)
        if fn is None:
            raise EngineError(f"{source!r} uses {name}, which xlgen cannot evaluate faithfully")
        return f"{_bind(env, 'f', fn)}({', '.join(args)})"
    if expr.upper() in ("TRUE", "FALSE"):
        return repr(expr.upper() == "TRUE")
    addresses = expand_range(expr)
    cells.update(addresses)
    if ":" in expr:
        return f"_Range([get(a) for a in {_bind(env, 'r', tuple(addresses))}])"
    only = addresses[0]
    return f"get({only})" if only.startswith(_SLOT_COLUMN) else f"get({_bind(env, 'a', only)})"


def _bind(env: dict[str, Any], prefix: str, value: Any) -> str:
    """A new name for ``value`` in ``env`` (values are never written into the code as text)."""
    name = f"{prefix}{len(env)}"
    env[name] = value
    return name


# ----------------------------------------------------------------------------- programs
@dataclass(frozen=True)
class Program:
    """A sheet's formulas in an order where every cell comes after the cells it reads."""

    steps: tuple[tuple[str, Compiled], ...]

    def run(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = dict(inputs)
        get = values.get
        for cell, compiled in self.steps:
            values[cell] = _value(cell, compiled, get)
        return {cell: values[cell] for cell, _ in self.steps}


def evaluate(cell: str, text: str, get: Getter) -> Any:
    """The value of one formula ``text`` (at ``cell``), reading other cells through ``get``, as
    a program would give it."""
    return _value(cell, compile_formula(text), get)


def _value(cell: str, compiled: Compiled, get: Getter) -> Any:
    try:
        result = compiled.run(get)
    except _Raised as exc:
        result = XlError(exc.code)
    except EngineError:
        raise
    except Exception as exc:  # a bug of ours: say where
        raise EngineError(f"{cell}: {compiled.text}: {exc!r}") from exc
    if isinstance(result, Range):
        raise EngineError(f"{cell}: {compiled.text} gives a range, not a value")
    if isinstance(result, float):
        if not math.isfinite(result):
            result = XlError(NUM)
        else:
            result += 0.0  # -0.0 shows as 0
    return result


def build_program(formulas_by_cell: Mapping[str, str]) -> Program:
    compiled: dict[str, Compiled] = {}
    for cell, text in formulas_by_cell.items():
        try:
            compiled[cell] = compile_formula(text)
        except EngineError as exc:
            raise EngineError(f"{cell}: {exc}") from None
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(cell: str, trail: tuple[str, ...]) -> None:
        if state.get(cell) == 2:
            return
        if state.get(cell) == 1:
            raise EngineError("circular reference: " + " → ".join((*trail, cell)))
        state[cell] = 1
        for dep in compiled[cell].cells:
            if dep in compiled:
                visit(dep, (*trail, cell))
        state[cell] = 2
        order.append(cell)

    for cell in compiled:
        visit(cell, ())
    return Program(tuple((c, compiled[c]) for c in order))
