"""Page setup, column widths and row heights: the form prints whole on A4.

A4 landscape (or portrait where the template says ``orientation = "portrait"``), fit to one page
wide, the indicator table's heading rows repeated on every page, the print area over the form (the
填报检查 block under it, and header rows marked ``print = false`` above it, are for the screen: the
signed copy is the form as published), page numbers in the footer. Column widths come from the
template's columns' ``width`` where given, else from its own texts (headings, the tree's names and
targets, the grade labels),
so a blank and a filled form look alike; row heights are set explicitly from the texts in each
row, because neither Excel nor LibreOffice grows a row for wrapped text in merged cells.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.generate.limits import ROW_HEIGHT
from xlgen.layout.model import FIXED, FORMULA, INPUT, Layout, MEASURE_TYPES, Slot, per_layout
from xlgen.names import GOALS, INDICATORS
from xlgen.template.model import QUALITATIVE
from xlgen.generate.xlsxcall import checked

PAPER_A4 = 9
A4_LANDSCAPE_PT = (841.89, 595.28)
FOOTER = "&C第 &P 页 共 &N 页"
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}  # inches
PAGE_SAFETY = 0.9  # page breaks are planned on 90 % of the page: client metrics differ a little

# Text metrics of the 10 pt body font (宋体, or LibreOffice's CJK fallback), in pixels at 96 dpi;
# a column width unit is 7 px (Calibri 11's digit) plus 5 px of padding per column.
WIDE_PX, NARROW_PX = 13.5, 7.5
UNIT_PX, PAD_PX = 7.0, 5.0
LINE_PT, ROW_PAD_PT, MIN_ROW_PT = 14.0, 4.0, 15.0
TITLE_LINE_PT = 24.0
GOALS_LINES = 4
SECTION_WIDTH = 6.0
MIN_WIDTH, MAX_WIDTH = 8.0, 20.0
NAME_LINES = 2  # a tree name, target or grade label wraps into two lines at most: low rows, fewer pages
LONG_TEXT_WIDTH = 13.0  # a column whose inputs are long texts (偏差原因分析, 改进措施)
HELPER_WIDTH = 8.0
AMOUNT_WIDTH = 11.0  # a one-column amount shows 99,999.99 (#,##0.00 shows ### where it does not fit)
DEFAULT_ROW_PT = 15.0


@functools.lru_cache(maxsize=1 << 14)  # labels and tree names repeat in every workbook
def text_px(text: str) -> float:
    return sum(WIDE_PX if unicodedata.east_asian_width(ch) in "WF" else NARROW_PX for ch in text)


@functools.lru_cache(maxsize=1 << 14)
def lines_needed(text: str, width_px: float) -> int:
    """Lines ``text`` wraps into in a cell ``width_px`` wide (CJK breaks anywhere, words at spaces)."""
    total = 0
    for para in text.split("\n"):
        lines, used = 1, 0.0
        for token in _tokens(para):
            w = text_px(token)
            if used + w <= width_px:
                used += w
            elif w <= width_px:
                lines, used = lines + 1, (0.0 if token == " " else w)
            else:  # a word longer than the line: broken by character
                for ch in token:
                    cw = text_px(ch)
                    if used + cw > width_px and used > 0:
                        lines, used = lines + 1, 0.0
                    used += cw
        total += lines
    return total


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF" or ch == " ":
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def column_widths(layout: Layout) -> list[float]:
    """Width of each form column, from the template's texts that sit in that column alone."""
    texts: dict[int, list[tuple[str, int]]] = {c: [] for c in range(layout.width)}
    for lab in layout.labels:
        if lab.col == lab.last_col and lab.style == "head":
            texts[lab.col].append((lab.text, 2))  # a heading may take two lines
    grades = [g.label for g in layout.template.grades]
    for slot in layout.slots.values():
        if slot.col != slot.last_col or slot.section != INDICATORS:
            continue
        if isinstance(slot.default, str):
            texts[slot.col].append((slot.default, NAME_LINES))
        if slot.field == "actual" and layout.indicator_rows[slot.index].kind == QUALITATIVE:
            texts[slot.col].extend((g, NAME_LINES) for g in grades)
    long_text = {s.col for s in layout.slots.values()
                 if s.section == INDICATORS and s.role == INPUT and s.col == s.last_col
                 and s.type not in MEASURE_TYPES
                 and layout.indicator_rows[s.index].tree is not None}
    left = layout.template.label_cols
    given: dict[int, float] = {}  # the template's own widths, shared over a column's span
    col = left
    for c in layout.template.indicators.columns:
        for k in range(c.span):
            if c.width:
                given[col + k] = round(c.width / c.span, 2)
        col += c.span
    amounts = {s.col for s in layout.slots.values() if s.type == "amount" and s.col == s.last_col}
    widths = [SECTION_WIDTH] * left  # the tables' labels' column A, if the form has one
    for col in range(left, layout.width):
        need = max((text_px(t) / lines + PAD_PX for t, lines in texts[col]), default=0.0)
        least = LONG_TEXT_WIDTH if col in long_text else AMOUNT_WIDTH if col in amounts else MIN_WIDTH
        widths.append(given.get(col) or min(MAX_WIDTH, max(least, math.ceil(need / UNIT_PX))))
    return widths


@dataclass(frozen=True)
class _Plan:
    """What the page setup takes from the layout alone, worked out once per layout (a
    distribution writes a thousand workbooks of one layout)."""

    widths: list[float]
    label_need: dict[int, float]  # row → the height its one-row labels (and the goals' room) need
    label_spans: list[tuple[int, int, float]]  # labels merged over rows: first, last row, height
    slot_boxes: list[tuple[Slot, float]]  # slots shown on the form, and their text width (px)
    crossing: frozenset[int]  # rows a page break must not come before (it would split a merge)
    room: float  # the height (points) of rows a printed page holds, the form shrunk to fit its width


@per_layout
def _plan(layout: Layout) -> _Plan:
    widths = column_widths(layout)
    need: dict[int, float] = {}
    spans: list[tuple[int, int, float]] = []
    for lab in layout.labels:
        if lab.text:
            line = TITLE_LINE_PT if lab.style == "title" else LINE_PT
            width_px = _width_px(widths, lab.col, lab.last_col)
            _place(need, spans, lab.row, lab.last_row, text_height(lab.text, width_px, line))
    half = _width_px(widths, layout.template.label_cols, layout.template.print_width - 1) / 2
    for slot in layout.slots.values():  # room to write the goals, even on a blank: GOALS_LINES lines
        if slot.section == GOALS and slot.row == slot.bottom:  # of a cell up to 2/3 of the form wide,
            # fewer in a wider one, which holds as much (Sichuan's 实施内容及过程概述 across the form)
            lines = max(2, min(GOALS_LINES, math.ceil(GOALS_LINES * half / _width_px(widths, slot.col, slot.last_col))))
            need[slot.row] = max(need.get(slot.row, MIN_ROW_PT), lines * LINE_PT + ROW_PAD_PT)
    boxes = [(s, _width_px(widths, s.col, s.last_col)) for s in layout.slots.values() if s.col < layout.width]
    crossing: set[int] = set()
    table = layout.print_titles[0]  # the label beside the table runs over its pages, as its heading does
    for r1, r2 in [(lab.row, lab.last_row) for lab in layout.labels if not (lab.style == "section" and lab.row <= table <= lab.last_row)] + \
                  [(s.row, s.bottom) for s in layout.slots.values() if s.col > 0 and not splittable(s)]:
        crossing.update(range(r1 + 1, r2 + 1))  # a break before these rows would split a merge
    crossing.add(layout.print_titles[1] + 1)  # the table's heading stays with its first row
    return _Plan(widths, need, spans, boxes, frozenset(crossing),
                 _page_room(widths[:layout.template.print_width], layout.template.orientation == "portrait"))


def _page_room(widths: list[float], portrait: bool = False) -> float:
    across, down = reversed(A4_LANDSCAPE_PT) if portrait else A4_LANDSCAPE_PT
    page_w = across - 72 * (MARGINS["left"] + MARGINS["right"])
    page_h = down - 72 * (MARGINS["top"] + MARGINS["bottom"])
    form_w = sum(w * UNIT_PX + PAD_PX for w in widths) * 0.75
    scale = min(1.0, page_w / form_w)
    return page_h / scale * PAGE_SAFETY


def _width_px(widths: list[float], col: int, last_col: int) -> float:
    """The room for text in a cell (or merge) over columns ``col``..``last_col``."""
    return sum(widths[c] * UNIT_PX + PAD_PX for c in range(col, last_col + 1)) - 2 * PAD_PX


def text_height(text: str, width_px: float, line: float = LINE_PT) -> float:
    """Points a row needs for ``text`` wrapped in ``width_px``, with lines ``line`` points apart."""
    return lines_needed(text, width_px) * line + ROW_PAD_PT


def _place(need: dict[int, float], spans: list[tuple[int, int, float]], row: int, last_row: int,
           height: float) -> None:
    """Note that rows ``row``..``last_row`` need ``height``: a one-row cell at once, a merge
    over rows afterwards (``spans``), when the rows' own heights are known."""
    if row == last_row:
        need[row] = max(need.get(row, MIN_ROW_PT), height)
    else:
        spans.append((row, last_row, height))


def row_heights(layout: Layout, inputs: dict[str, Any], results: dict[str, Any]) -> dict[int, float]:
    """Explicit heights (points) of the rows whose text needs more than one line."""
    plan = _plan(layout)
    need = dict(plan.label_need)
    spans = list(plan.label_spans)
    for slot, width_px in plan.slot_boxes:
        value = results.get(slot.key) if slot.role == FORMULA else inputs.get(slot.key)
        if isinstance(value, str) and value:
            _place(need, spans, slot.row, slot.bottom, text_height(value, width_px))
    for row, last_row, height in spans:  # a merge over rows: grow its rows evenly if short
        rows = range(row, last_row + 1)
        have = sum(need.get(r, MIN_ROW_PT) for r in rows)
        if have < height:
            extra = (height - have) / len(rows)
            for r in rows:
                need[r] = need.get(r, MIN_ROW_PT) + extra
    return {r: min(ROW_HEIGHT, math.ceil(h * 4) / 4) for r, h in sorted(need.items()) if h > MIN_ROW_PT}


def box_px(layout: Layout, slot: Slot) -> float:
    """The room for text (pixels across) in the cell or merge of ``slot``."""
    return _width_px(_plan(layout).widths, slot.col, slot.last_col)


def shown_chars(layout: Layout, slot: Slot) -> int:
    """About how many Chinese characters the cell of ``slot`` shows at Excel's highest rows
    (409 pt each): a longer text is kept whole in the cell but shown and printed cut."""
    lines = int((ROW_HEIGHT * (slot.bottom - slot.row + 1) - ROW_PAD_PT) // LINE_PT)
    return lines * int(box_px(layout, slot) // WIDE_PX)


def overflows(layout: Layout, slot: Slot, text: str) -> bool:
    """True when ``text`` needs more height than Excel gives the rows of ``slot``."""
    return text_height(text, box_px(layout, slot)) > ROW_HEIGHT * (slot.bottom - slot.row + 1)


def splittable(slot: Slot) -> bool:
    """A 一级指标 merged over its rows may run over a page break: it is written as one merge per
    page, each with the name (``pieces``), so a page is never left half empty for it. The 二级
    groups inside it are the groups kept whole."""
    return slot.section == INDICATORS and slot.field == "level1" and slot.role == FIXED and slot.bottom > slot.row


def pieces(merge: tuple[int, int, int, int], breaks: list[int]) -> list[tuple[int, int, int, int]]:
    """The merged range ``merge`` cut where a page starts inside it."""
    r1, c1, r2, c2 = merge
    cuts = [b for b in breaks if r1 < b <= r2]
    starts = [r1, *cuts]
    ends = [b - 1 for b in cuts] + [r2]
    return [(a, c1, b, c2) for a, b in zip(starts, ends)]


@dataclass(frozen=True)
class Pages:
    """How the form sheet prints: the rows' explicit heights and the rows that start a page."""

    heights: dict[int, float]
    breaks: list[int]


def paginate(layout: Layout, inputs: dict[str, Any], results: dict[str, Any]) -> Pages:
    heights = row_heights(layout, inputs, results)
    return Pages(heights, page_breaks(layout, heights))


def page_breaks(layout: Layout, heights: dict[int, float]) -> list[int]:
    """Rows that start a new printed page, as late as the page allows (a greedy fill gives the
    fewest pages), chosen so that no merge of the table but a 一级指标 (a group of 二级/三级指标
    rows, a merged text) is split over two pages: LibreOffice and Excel would cut its text."""
    plan = _plan(layout)
    room = plan.room
    first_title, last_title = layout.print_titles
    title_h = sum(heights.get(r, DEFAULT_ROW_PT) for r in range(first_title, last_title + 1))
    crossing = plan.crossing
    breaks: list[int] = []
    used, last_ok = 0.0, None
    for r in range(layout.form_first_row, layout.form_last_row + 1):
        h = heights.get(r, DEFAULT_ROW_PT)
        if r not in crossing:
            last_ok = r
        page_top = breaks[-1] if breaks else layout.form_first_row  # the first row of the page being filled
        if used + h > room and r > page_top:
            # no row of this page may start the next (a merge runs on): cut here all the same
            cut = last_ok if last_ok is not None and last_ok > page_top else r
            breaks.append(cut)
            used = title_h if cut > last_title else 0.0
            used += sum(heights.get(x, DEFAULT_ROW_PT) for x in range(cut, r))
            last_ok = r if r not in crossing else None
        used += h
    return breaks


def setup(ws: Any, layout: Layout, pages: Pages, out: Path) -> None:
    """Columns, rows and page setup of the form sheet."""
    plan = _plan(layout)
    for col, width in enumerate(plan.widths):
        checked(ws.set_column(col, col, width), f"the width of column {col}", out)
    for col in sorted(layout.helper_cols.values()):
        checked(ws.set_column(col, col, HELPER_WIDTH, None, {"hidden": True}), f"helper column {col}", out)
    for row, height in pages.heights.items():
        checked(ws.set_row(row, height), f"the height of row {row}", out)
    checked(ws.set_h_pagebreaks(pages.breaks), "the page breaks", out)
    if layout.template.orientation == "portrait":
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(**MARGINS)
    checked(ws.repeat_rows(*layout.print_titles), "the print titles", out)
    checked(ws.print_area(layout.form_first_row, 0, layout.form_last_row, layout.template.print_width - 1),
            "the print area", out)
    ws.set_footer(FOOTER)
