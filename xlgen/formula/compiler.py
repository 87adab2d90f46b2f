"""Compile a formula into plain Python closures and a sheet's formulas into a program, as Excel
evaluates them, fast, and loudly when it cannot.

The `formulas` package parses each formula (its Parser builds the expression graph); we turn
that graph into plain Python closures over a small library of Excel-faithful functions
(``functions.py``). Calling the `formulas`-compiled function instead costs about a millisecond
per formula in its dispatcher, which is most of a workbook's budget; the closures cost
microseconds. Only functions in ``functions.py`` can be evaluated: anything else is an
``EngineError`` naming the cell, the formula and the function, never a silent #VALUE!.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from xlgen.formula import lowering
from xlgen.formula.functions import EngineError, Getter, LAZY, NUM, Raised, Range, STRICT, Thunk, XlError, _RUNTIME
from xlgen.formula.lowering import BOOL, FLOAT, TEXT, Code
from xlgen.formula.references import expand_range, outside_strings


@dataclass(frozen=True)
class Compiled:
    text: str
    cells: tuple[str, ...]  # every cell it reads
    run: Thunk


_RANGE_OR_CELL = re.compile(
    r"(?<![A-Za-z0-9_.$])(\$?[A-Z]{1,3}\$?\d+)(?::(\$?[A-Z]{1,3}\$?\d+))?(?![A-Za-z0-9_(])")
_SLOT_COLUMN = "XFC"  # canonical cells of a shape: XFC1, XFC2, … (no form reaches that column)


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
def _shape_function(shape: str, lowered: bool = True) -> tuple[Callable[..., Any], tuple[str, ...], frozenset[str]]:
    """A shape compiled to one Python function of its canonical cells and ``get`` (each call of
    the library written out, no closure per node; ``lowered``: written for the kinds of its
    operands, ``lowering.py``), those cells' names in order, and every cell the shape reads.
    The function reads each of its cells once, first (reading a cell has no effect)."""
    root, producers, constants = parse_shape(shape)
    env: dict[str, Any] = dict(_RUNTIME)
    cells: set[str] = set()
    code = _emit(root, producers, constants, cells, shape, env, lowered).text
    params = tuple(sorted((c for c in cells if c.startswith(_SLOT_COLUMN)), key=lambda c: int(c[len(_SLOT_COLUMN):])))
    reads = "".join(f"    {p} = get({p})\n" for p in params)
    source = f"def formula({', '.join(params + ('get',))}):\n{reads}    return {code}\n"
    try:
        exec(compile(source, f"<{shape}>", "exec"), env)  # code written from the parse alone: names, calls, constants bound in env
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        raise EngineError(f"cannot compile {shape!r}: {exc}") from None
    return env["formula"], params, frozenset(cells)


# Read a cell reference as a range, skipping text: Excel's SUM(K6) is 0 where K6 holds "" (the
# `formulas` parser gives $K$6:$K$6 and K6 alike as the cell)
_AGGREGATES = frozenset({"SUM", "MIN", "MAX", "COUNT", "COUNTA", "COUNTBLANK"})


def _emit(expr: str, producers: dict[str, tuple[str, list[str]]], constants: dict[str, Any],
          cells: set[str], source: str, env: dict[str, Any], lowered: bool) -> Code:
    """Python code computing ``expr``: constants, functions and ranges bound by name in ``env``,
    the shape's cells by their names (read once, first), other cells read with ``get``."""
    if expr in constants:  # already typed as a cell value by parse_shape
        value = constants[expr]
        return Code(_bind(env, "k", value), _KINDS.get(type(value)), True, value)
    if expr in producers:
        name, inputs = producers[expr]
        args = [_emit(i, producers, constants, cells, source, env, lowered) for i in inputs]
        if name == _BYPASS:
            return args[0]
        if name in _AGGREGATES:  # a cell named directly is a reference, read as a one-cell range
            args = [Code(f"_Range([{a.text}])") if i not in producers and i not in constants and ":" not in i
                    and i.upper() not in ("TRUE", "FALSE") else a for i, a in zip(inputs, args)]
        if name in LAZY:
            if lowered and name == "IF":
                return lowering.if_(*args)
            if lowered and name in ("AND", "OR"):
                return lowering.logical(name, args)
            return Code(LAZY[name](*(a.text for a in args)))
        if name not in STRICT:
            raise EngineError(f"{source!r} uses {name}, which xlgen cannot evaluate faithfully")
        if lowered:
            return lowering.strict(name, args, lambda prefix, value: _bind(env, prefix, value))
        return Code(f"{_bind(env, 'f', STRICT[name])}({', '.join(a.text for a in args)})")
    if expr.upper() in ("TRUE", "FALSE"):
        return Code(repr(expr.upper() == "TRUE"), BOOL, True)
    addresses = expand_range(expr)
    cells.update(addresses)
    if ":" in expr:
        return Code(f"_Range(map(get, {_bind(env, 'r', tuple(addresses))}))")
    only = addresses[0]
    return Code(only, None, True) if only.startswith(_SLOT_COLUMN) else Code(f"get({_bind(env, 'a', only)})")


_KINDS = {float: FLOAT, str: TEXT, bool: BOOL}


def _bind(env: dict[str, Any], prefix: str, value: Any) -> str:
    """A new name for ``value`` in ``env`` (values are never written into the code as text)."""
    name = f"{prefix}{len(env)}"
    env[name] = value
    return name


@dataclass(frozen=True)
class Program:
    """A sheet's formulas in an order where every cell comes after the cells it reads.

    ``straight``: run as one Python function with the steps written out one after another (a
    layout's program, run on every file of a collection: written once, it spares each step a
    loop turn and two calls); else step by step (a program of one file's, such as the layout's
    without the rows a file deleted)."""

    steps: tuple[tuple[str, Compiled], ...]
    straight: bool = field(default=False, compare=False)
    _runs: list[int] = field(default_factory=lambda: [0], compare=False, repr=False)  # runs so far

    def run(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        if self.straight:
            self._runs[0] += 1
            if self._runs[0] > STRAIGHT_AFTER:  # writing the function costs some runs' time: not for a few files
                try:
                    return self._function(dict(inputs))
                except Exception:  # an error value met, a range: step by step, each step says what it gives
                    pass
        values: dict[str, Any] = dict(inputs)
        get = values.get
        for cell, compiled in self.steps:
            values[cell] = value_of(cell, compiled, get)
        return {cell: values[cell] for cell, _ in self.steps}

    @functools.cached_property
    def _function(self) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return _straight(self.steps)


def _straight(steps: tuple[tuple[str, Compiled], ...]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The steps as one function of the values (updated in place) giving the formulas' results,
    as ``value_of`` gives them where no step raises: a step that would raise (an error value
    met: #VALUE!, #DIV/0!) or give a range makes the whole function raise, and the program is
    then run step by step. Cells are A1 addresses, written as literals; functions and formulas
    are bound by name."""
    env: dict[str, Any] = {"isfinite": math.isfinite, "_finished": _finished}
    lines = ["def program(values):", "    get = values.get", "    out = {}"]
    for i, (cell, compiled) in enumerate(steps):
        env[f"c{i}"] = compiled
        call = f"c{i}.run(get)"
        if isinstance(compiled.run, functools.partial) and not compiled.run.keywords:  # the shape's function itself
            env[f"f{i}"] = compiled.run.func
            if all(isinstance(a, str) and _A1.fullmatch(a) for a in compiled.run.args):  # cell addresses
                call = f"f{i}({''.join(repr(a) + ', ' for a in compiled.run.args)}get)"
            else:
                env[f"a{i}"] = compiled.run.args
                call = f"f{i}(*a{i}, get)"
        lines += [f"    r = {call}",
                  f"    out[{cell!r}] = values[{cell!r}] = r + 0.0 if r.__class__ is float and isfinite(r) else _finished(r)"]
    lines.append("    return out")
    exec(compile("\n".join(lines) + "\n", "<program>", "exec"), env)  # code written from the steps alone
    function: Callable[[dict[str, Any]], dict[str, Any]] = env["program"]
    return function


_A1 = re.compile(r"[A-Z]{1,3}[0-9]{1,7}")
STRAIGHT_AFTER = 16  # runs of a program step by step before it is written out as one function
_NUM = XlError(NUM)


def _finished(result: Any) -> Any:
    """A step's result other than a finite float, as ``value_of`` finishes it (a range: raised)."""
    if isinstance(result, Range):
        raise EngineError("a range, not a value")
    if isinstance(result, float):
        return result + 0.0 if math.isfinite(result) else _NUM
    return result


def evaluate(cell: str, text: str, get: Getter) -> Any:
    """The value of one formula ``text`` (at ``cell``), reading other cells through ``get``, as
    a program would give it."""
    return value_of(cell, compile_formula(text), get)


def value_of(cell: str, compiled: Compiled, get: Getter) -> Any:
    """The value of a compiled formula (at ``cell``), reading other cells through ``get``."""
    try:
        result = compiled.run(get)
    except Raised as exc:
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


def build_program(formulas_by_cell: Mapping[str, str], straight: bool = False) -> Program:
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
    return Program(tuple((c, compiled[c]) for c in order), straight)
