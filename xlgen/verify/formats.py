"""Cells show their values: a number format that could show another number is ``format-changed``,
on computed cells and on inputs alike.

The template's format of each computed cell is the one the generator writes for it
(``generate/styles.py``, by ``styles.style_of``). A returned file's format is accepted when
every section of it displays a number as the template's does: the same kind (General, or a
number of decimals, a percent, an exponent), no literal text or digits (``"96.18"``, ``\\9``),
no scaling (a trailing ``,``), no condition, currency or other bracket, no empty section hiding
the value; and its text section, if any, only ``@``. What the clients rewrite on save is the
same display: ``G/通用格式`` (Chinese Excel and WPS) for General, grouping commas (``#,##0.00``),
negative and zero sections of the same kind (``0.00;-0.00``), padding and fill (``_ ``, ``*``),
colours and locale tags (``[Red]``, ``[$-804]``), signs and parentheses. An input (or a fixed
value) may take any such format of its own (decimals, grouping, colours; a percent on a row
measured in %), never one showing digits or text of its own, a scaling, a condition or a date.
The template writes an amount (a column of type ``amount``) as money, ``#,##0.00``; a sum of
amounts may also keep General, as blanks written before that did.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from xlgen.findings import Code, Finding, finding
from xlgen.generate.styles import number_format, style_of
from xlgen.intake.recent import Recent
from xlgen.intake.package import number_formats
from xlgen.intake.reader import Returned
from xlgen.layout.model import FORMULA, Layout, Slot, per_layout
from xlgen.verify.plan import Plan

GENERALS = ("general", "g/通用格式")  # Excel's General, and its name in Chinese Excel and WPS
DECORATIONS = " -+()"  # signs and spacing a section may print around the number
_COLOUR = re.compile(r"(?i)(black|blue|cyan|green|magenta|red|white|yellow|color\d{1,2})$")
_LOCALE = re.compile(r"\$-[0-9A-Fa-f]+$")  # [$-804]: a locale without a currency symbol


class Face(NamedTuple):
    """How a format section displays a number."""

    general: bool = False
    decimals: int = 0
    percent: int = 0
    exponent: bool = False
    text: bool = False  # holds @: shows the cell's text


def sections(code: str) -> list[str]:
    """The format's sections, split at ``;`` outside quotes, escapes and brackets."""
    out, part, i = [], "", 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end + 1
            part, i = part + code[i:end], end
            continue
        if ch in "\\_*" and i + 1 < len(code):
            part, i = part + code[i:i + 2], i + 2
            continue
        if ch == "[":
            end = code.find("]", i)
            end = len(code) if end < 0 else end + 1
            part, i = part + code[i:end], end
            continue
        if ch == ";":
            out.append(part)
            part = ""
        else:
            part += ch
        i += 1
    out.append(part)
    return out


def face(section: str) -> Face | None:
    """How ``section`` displays a number; None when it shows something of its own (a literal,
    digits of its own, a scaling, a condition) or nothing."""
    s = section
    i, decimals, percent, exponent, text, point = 0, 0, 0, False, False, False
    digits = 0  # digit placeholders seen
    last_digit, last_comma = -1, -1
    while i < len(s):
        ch = s[i]
        low = s[i:].lower()
        if low.startswith(GENERALS[0]) or low.startswith(GENERALS[1]):
            i += len(GENERALS[0]) if low.startswith(GENERALS[0]) else len(GENERALS[1])
            if s[i:].strip(DECORATIONS) or digits:
                return None
            return Face(general=True)
        if ch == '"':
            end = s.find('"', i + 1)
            end = len(s) if end < 0 else end
            if s[i + 1:end].strip(DECORATIONS):
                return None  # literal text or digits: "96.18"
            i = end + 1
        elif ch == "\\":
            if s[i + 1:i + 2].strip(DECORATIONS):
                return None
            i += 2
        elif ch in "_*":
            i += 2  # padding as wide as a character; a fill repeated across the cell
        elif ch == "[":
            end = s.find("]", i)
            inner = s[i + 1:end if end >= 0 else len(s)]
            if not (_COLOUR.match(inner) or _LOCALE.match(inner)):
                return None  # a condition, a currency, [DBNum1] numerals, elapsed time
            i = len(s) if end < 0 else end + 1
        elif ch in "0#?":
            digits += 1
            decimals += point
            last_digit = i
            i += 1
        elif ch == ".":
            if point:
                return None
            point = True
            i += 1
        elif ch == ",":
            last_comma = i
            i += 1
        elif ch == "%":
            percent += 1
            i += 1
        elif ch in "Ee" and s[i + 1:i + 2] in ("+", "-") and digits:
            exponent = True
            i += 2
        elif ch == "@":
            text = True
            i += 1
        elif ch in DECORATIONS:
            i += 1
        else:
            return None  # a letter (a date's y m d), a currency sign, a fraction's /
    if last_comma > last_digit >= 0 or not (digits or text):
        return None  # scaled by 1,000 per trailing comma; or shows no number at all
    return Face(False, decimals, percent, exponent, text)


def shows_the_same(found: str, expected: str) -> bool:
    """Whether format ``found`` displays every value as ``expected`` (one section, no text) does."""
    want = face(sections(expected)[0])
    parts = sections(found) if found.strip() else ["General"]
    if want is None or len(parts) > 4:
        return False
    numeric, text = parts[:3], parts[3:]
    if any(face(p) != want for p in numeric):
        return False
    return all(face(p) == Face(text=True) for p in text)


@functools.lru_cache(maxsize=256)
def shows_its_value(found: str, percent: bool) -> bool:
    """Whether format ``found`` on an input shows the number the cell holds: any decimals,
    grouping, colours and the like, but no literal digits or text, no scaling, no condition, no
    date; a percent only where ``percent`` (a row measured in %)."""
    parts = sections(found) if found.strip() else ["General"]
    if len(parts) > 4:
        return False
    faces = [face(p) for p in parts[:3]]
    if any(f is None or f.text or (f.percent and not percent) for f in faces):
        return False
    return all(face(p) == Face(text=True) for p in parts[3:])


def format_findings(ret: Returned, plan: Plan) -> list[Finding]:
    """``format-changed`` at each computed cell whose number format is not the template's, and at
    each number typed or fixed whose format shows another number than the cell holds."""
    codes = number_formats(ret.package)
    if codes is None:
        return []  # a damaged style sheet: no format can be told
    out = []
    lay, known = ret.layout, len(codes)
    table, cells = _expected(lay), list(ret.cells_by_key.values())
    # the cells whose format is not the form's depend on the styles and their codes alone: a
    # layout's returns mostly share both, so they are found once (the values judged every file)
    styles = tuple([None if c is None else c.style for c in cells])
    differing = _differing(lay).kept((tuple(codes), styles), lambda: tuple(
        i for i, ((_s, expected, _a), style) in enumerate(zip(table, styles))
        if style is not None and (codes[style] if style < known else "General") != expected))
    for i in differing:
        (s, expected, also), c = table[i], cells[i]
        assert c is not None
        found = codes[c.style] if c.style < known else "General"
        if s.role == FORMULA:
            same = any(shows_the_same(found, e) for e in (expected, *also))
        else:  # an input or fixed value: a number only, shown as itself
            same = not isinstance(c.value, (int, float)) or isinstance(c.value, bool) or \
                shows_its_value(found, _percent_row(ret, plan, s))
        if not same:
            out.append(finding(Code.FORMAT_CHANGED, ret.sheet.name, ret.where(s), s.key,
                               label=plan.labels[s.key], found=found, expected=expected, value=c.value))
    return out


@per_layout
def _expected(lay: Layout) -> list[tuple[Slot, str, tuple[str, ...]]]:
    """Each slot with the number format the form writes for it and the formats also accepted
    on a formula: a sum of amounts may keep General, as blanks written before money did (the
    layout's slots in their order)."""
    return [(s, number_format(style_of(s)), ("General",) if s.type == "amount" else ())
            for s in lay.slots.values()]


MAX_SEEN = 64  # sets of styles kept per layout


@per_layout
def _differing(lay: Layout) -> Recent:
    """(format codes, each slot's style) → the slots (by index) whose format is not the form's."""
    return Recent(MAX_SEEN)


def _percent_row(ret: Returned, plan: Plan, s: Slot) -> bool:
    """Whether the slot's row is measured in % (its 度量单位, as the file holds it)."""
    unit = plan.rows.get((s.section, s.index), {}).get("unit")
    return unit is not None and ret.value(unit) == "%"
