"""Read a form xlgen did not make: last year's hand-made or budget-system workbook.

Such a form has the template's title, labels and tables but its own cell positions, numbers
typed instead of formulas, wrap artefacts in its labels (``在职人员 控制率``), grade texts cut
short (``全部或基本达 成预期指标 100%-80% (含``) and the identity as one string
(``703010朝阳市…中心-211300000``). It is found by its labels alone: every position here comes
from where the template's labels are in the file (whitespace and full-width variants ignored,
merged cells followed), never from a table of addresses. What it holds becomes a ``Fill`` of the
template (its inputs) and the results it typed where the template computes (``typed``); every
cell that could not be placed is listed with its address (``unplaced``), never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlgen.errors import Said, said
from xlgen.errors.intake import IntakeCode
from xlgen.findings import Code, Finding, finding, internal_error
from xlgen.layout.values import layout_for
from xlgen.intake.celltext import as_text
from xlgen.intake.grid import Grid, open_grids
from xlgen.layout.model import FORMULA, Layout, a1, own_kind
from xlgen.layout.values import bind_inputs, compute
from xlgen.names import GOALS, HEADER, INDICATORS, TASKS, TOTAL
from xlgen.intake.compare import same
from xlgen.template.fill import Fill, Value
from xlgen.template.model import NUMBER, NUMBER_OR_TEXT, QUALITATIVE, Column, Table, Template, known_templates, value_kind

_OPERATORS = {"≥": ">=", "⩾": ">=", "≤": "<=", "⩽": "<=", "==": "=", "≠": "<>"}
_IDENTITY = re.compile(r"([0-9A-Za-z]+)?\s*(.*?)\s*(?:[-－—–]\s*([0-9A-Za-z]+))?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOTE = re.compile(r"^[(（][^)）]*[)）]")  # a unit note after a label: （万元）
_WRAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")  # a space a wrapped cell put between two CJK characters
MIN_PREFIX = 6  # characters a truncated grade text must keep to be recognised


def key(text: str) -> str:
    """Label text as compared: full-width forms folded (NFKC), no whitespace (wrap artefacts)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def unwrap(text: str) -> str:
    """A name or short text without the spaces a wrapped cell put between CJK characters."""
    return _WRAP.sub("", text.strip())


@dataclass(frozen=True)
class Unplaced:
    address: str
    text: str
    reason: Said


@dataclass
class LegacyForm:
    """A legacy form read through a template: its fill, its typed results and where each is."""

    path: Path
    sheet: str
    template: Template
    year: int | None
    fill: Fill
    layout: Layout
    addresses: dict[str, str]  # layout slot key → the file's cell (inputs and typed results)
    typed: dict[str, Any]  # layout slot key of a computed cell → what the file typed there
    unplaced: list[Unplaced] = field(default_factory=list)
    grid: Grid | None = None
    by_kind: list[Unplaced] = field(default_factory=list)  # cells placed by what they hold, off their column


# ----------------------------------------------------------------------------- values
def parse_number(value: Any, fraction: bool) -> float | None:
    """A number typed as a number or as text (``12.79``, ``９２``, ``95.00%``); None when it is
    none. ``fraction``: the cell holds a rate (项目执行率, 完成程度), so ``95.00%`` is 0.95;
    elsewhere ``%`` is the unit and ``92.15%`` is 92.15."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = key(as_text(value)).replace(",", "")
    percent = text.endswith("%")
    text = text.removesuffix("%")
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number / 100 if percent and fraction else number


def operator(value: Any) -> str:
    text = key(as_text(value))
    return _OPERATORS.get(text, text)


def grade(template: Template, value: Any) -> str:
    """The template's grade a text names: the same words, or its beginning cut short."""
    text = key(as_text(value))
    if not text:
        return ""
    labels = {key(g.label): g.label for g in template.grades}
    if text in labels:
        return labels[text]
    starts = [label for k, label in labels.items() if len(text) >= MIN_PREFIX and (k.startswith(text) or text.startswith(k))]
    return starts[0] if len(starts) == 1 else as_text(value).strip()


# ----------------------------------------------------------------------------- locating
class _Reader:
    """One grid read as one template: label positions, then the tables under them."""

    def __init__(self, grid: Grid, t: Template) -> None:
        self.grid, self.t = grid, t
        self.used: set[tuple[int, int]] = set()
        self.read: dict[tuple[str, int, str], tuple[str, Any]] = {}  # (section, index, field) → (address, value)
        self.unplaced: list[Unplaced] = []
        self.by_kind_moves: list[Unplaced] = []  # cells read by what they hold, off their column
        self.labels = {key(x) for x in _labels(t)}
        self.by_key: dict[str, list[tuple[int, int]]] = {}
        for (r, c), v in sorted(grid.cells.items()):
            if isinstance(v, str) and v.strip():
                self.by_key.setdefault(key(v), []).append((r, c))

    # ------------------------------------------------------------- finding labels
    def find(self, label: str, after: int = -1, prefix: bool = False) -> tuple[int, int] | None:
        want = key(label)
        hits = [pos for k, positions in self.by_key.items() for pos in positions
                if pos[0] > after and (k == want or (prefix and k.startswith(want)))]
        return min(hits) if hits else None

    def score(self) -> int:
        """How much of the template's wording the grid holds (0: not this template's form)."""
        if self.find(self.t.title) is None:
            return 0
        names = {key(ind.name) for ind in self.t.tree}
        return sum(1 for label in self.labels | names if label in self.by_key)

    # ------------------------------------------------------------- sections
    def header(self) -> int:
        """Read the header rows (a label, then its values: in the cells to its right, or after it
        in its own cell); the row of the first one (-1: none found)."""
        first = -1
        after = self.find(self.t.title, prefix=True) or (0, 0)
        for hrow in self.t.header:
            pos = self.find(hrow.label, after[0], prefix=True)
            if pos is None:
                continue
            r, c = pos
            first = r if first < 0 else first
            self.used.add(pos)
            values: list[tuple[str, Any]] = []
            rest = _after_label(as_text(self.grid.cells[pos]), hrow.label)
            if rest:
                values.append((a1(r, c), rest))
            for col in range(self.grid.span(r, c)[1] + 1, self.grid.cols):
                if self.grid.origin(r, col) != (r, col) or (r, col) not in self.grid.cells:
                    continue
                self.used.add((r, col))
                if key(as_text(self.grid.cells[(r, col)])) not in self.labels:  # e.g. the unit note
                    values.append((a1(r, col), self.grid.cells[(r, col)]))
            fields = hrow.fields
            if len(values) == 1 and len(fields) > 1 and isinstance(values[0][1], str):
                values = [(values[0][0], part) for part in _split_identity(values[0][1], len(fields))]
            for f, (where, value) in zip(fields, values):
                self.read[(HEADER, -1, f.field)] = (where, _typed(value, f.type))
            for where, value in values[len(fields):]:
                self.unplaced.append(Unplaced(where, as_text(value), said(IntakeCode.ROW_OVERFLOW, label=hrow.label)))
            after = pos
        return first

    def form(self) -> LegacyForm:
        t, grid = self.t, self.grid
        title = self.find(t.title, prefix=True)
        first = self.header()
        year = self.year(first if first >= 0 else (title[0] + 3 if title else 3))
        tasks_at = self.find(t.tasks.anchor, max(first, 0))
        goals_at = self.find(t.goals.anchor, tasks_at[0] if tasks_at else max(first, 0))
        ind_at = self.find(t.indicators.anchor, goals_at[0] if goals_at else max(first, 0))
        total_at = self.find(t.total_label, ind_at[0] if ind_at else max(first, 0))
        end = total_at[0] if total_at else grid.rows
        tasks = self.table(TASKS, t.tasks, tasks_at, goals_at[0] if goals_at else end)
        goals = self.table(GOALS, t.goals, goals_at, ind_at[0] if ind_at else end)
        indicators = self.table(INDICATORS, t.indicators, ind_at, end)
        if total_at is not None:
            self.total(total_at)
        fill = Fill(year=year)
        self.fill_rows(fill, tasks, goals, indicators)
        lay = layout_for(t, fill)
        addresses, typed = self.place(fill, lay)
        for (r, c), v in sorted(grid.cells.items()):
            if (r, c) not in self.used and key(as_text(v)) and key(as_text(v)) not in self.labels:
                self.unplaced.append(Unplaced(a1(r, c), as_text(v), said(IntakeCode.NOT_IN_TEMPLATE)))
        return LegacyForm(grid.path, grid.sheet, t, year, fill, lay, addresses, typed, self.unplaced, grid,
                          self.by_kind_moves)

    def year(self, before: int) -> int | None:
        pattern = re.compile(re.escape(key(self.t.year_label)).replace(re.escape("{year}"), r"(\d{4})"))
        for (r, c), v in sorted(self.grid.cells.items()):
            m = pattern.search(key(as_text(v))) if r < before else None
            if m:
                self.used.add((r, c))
                return int(m.group(1))
        return None

    def total(self, at: tuple[int, int]) -> None:
        r, c = at
        self.used.add(at)
        skip = 1 if self.t.total_weight else 0  # 合计 | the weights' sum (100) | the total
        for col in range(self.grid.span(r, c)[1] + 1, self.grid.cols):
            if self.grid.origin(r, col) == (r, col) and (r, col) in self.grid.cells:
                self.used.add((r, col))
                if skip:
                    skip -= 1
                    continue
                self.read[(TOTAL, -1, TOTAL)] = (a1(r, col), parse_number(self.grid.cells[(r, col)], False)
                                                     if parse_number(self.grid.cells[(r, col)], False) is not None
                                                     else as_text(self.grid.cells[(r, col)]))
                return

    def table(self, section: str, table: Table, at: tuple[int, int] | None, end: int) -> list[dict[str, tuple[str, Any]]]:
        """The rows of ``table`` under its head (found at or below its section label ``at``,
        above ``end``): each its values by field with their addresses, merged cells followed."""
        if at is None:
            return []
        self.used.add(at)
        labels = [c for c in table.columns if c.field and c.label and c.type != "blank"]
        folded = _folded_groups(table)
        heads = labels + [Column(field=members[0], label=group, type="text") for group, members in folded.items()]
        head = next((r for r in range(at[0], end) if 2 * self._heads(r, heads) >= len(heads)), None)
        if head is None:
            return []
        spans, sub = self.columns(heads, head)
        for members in folded.values():  # one heading over several cells, or one cell holding all (≥95%)
            if members[0] in spans:
                c1, c2 = spans.pop(members[0])
                width = c2 - c1 + 1
                for k, fld in enumerate(members):
                    spans[fld] = (c1 + k, c1 + k) if width >= len(members) else (c1, c2)
        rows = []
        for r in range(head + (2 if sub else 1), end):
            values: dict[str, tuple[str, Any]] = {}
            own: list[tuple[int, int]] = []
            ordered: list[tuple[int, str]] = []  # (column, field) of each value, left to right
            for fld, (c1, c2) in spans.items():
                for c in range(c1, c2 + 1):
                    origin = self.grid.origin(r, c)
                    v = self.grid.cells.get(origin)
                    if v is None or not as_text(v).strip():
                        continue
                    values[fld] = (a1(*origin), v)
                    ordered.append((c, fld))
                    if origin[0] == r:
                        own.append(origin)
                    break
            if section == INDICATORS:
                values = self.by_kind(values, [f for _c, f in sorted(ordered)])
            if not own or all(key(as_text(self.grid.cells[o])) in self.labels for o in own):
                self.used.update(own)  # a blank row, or the table's head repeated on a new page
                continue
            self.used.update(own)
            rows.append(values)
            if section == GOALS:
                break
        return rows

    def by_kind(self, values: dict[str, tuple[str, Any]], order: list[str]) -> dict[str, tuple[str, Any]]:
        """A qualitative row whose values sit off the head's columns (the seed's 综合管理水平: its
        target under 度量单位, its grade under 完成程度, then 1, 3.3, 3.3), read by what the values
        are: the one grade text is 全年完成值, the text before it the target, the three numbers after
        it 完成程度 (0..1), 分值 and 得分 — taken only when 得分 = 分值 × 完成程度. Each cell moved so is
        listed (``by_kind``); a row that does not read consistently is left as its columns say."""
        grades = {g.label for g in self.t.grades}
        at = [k for k, f in enumerate(order) if isinstance(values[f][1], str) and grade(self.t, values[f][1]) in grades]
        if len(at) != 1 or order[at[0]] == "actual":
            return values
        g = at[0]
        after = order[g + 1:g + 4]
        numbers = [parse_number(values[f][1], False) for f in after]
        before = [f for f in order[:g] if f not in ("level1", "level2", "name")
                  and parse_number(values[f][1], False) is None and not operator(values[f][1]) in self.t.operators]
        if len(after) < 3 or None in numbers or not before:
            return values
        degree, weight, score = (float(n) for n in numbers if n is not None)
        if not (0 <= degree <= 1 and abs(weight * degree - score) <= 0.005):
            return values
        moves = dict(zip([before[-1], order[g], *after], ("target", "actual", "degree", "weight", "score")))
        out = {f: v for f, v in values.items() if f not in moves and f not in moves.values()}
        for old, new in moves.items():
            out[new] = values[old]
            if old != new:
                label = next((c.label for c in self.t.indicators.columns if c.field == new), new)
                self.by_kind_moves.append(Unplaced(values[old][0], as_text(values[old][1]),
                                                   said(IntakeCode.READ_BY_KIND, label=label)))
        return out

    def _heads(self, row: int, labels: list[Column]) -> int:
        keys = {key(c.label) for c in labels}
        return sum(1 for (r, _c), v in self.grid.cells.items() if r == row and _label_of(key(as_text(v)), keys))

    def columns(self, labels: list[Column], head: int) -> tuple[dict[str, tuple[int, int]], bool]:
        """Each field's columns (from its head cell to the next head's), and whether some heads
        are on the row under the head row (a group such as 偏差原因分析)."""
        found: list[tuple[int, int, str]] = []
        sub = False
        for col in labels:
            want = key(col.label)
            for r in (head, head + 1):
                c = next((c for (rr, c), v in sorted(self.grid.cells.items())
                          if rr == r and _label_of(key(as_text(v)), {want})), None)
                if c is not None:
                    self.used.add((r, c))
                    found.append((c, self.grid.span(r, c)[1], col.field))
                    sub = sub or r > head
                    break
        found.sort()
        spans = {}
        for i, (c1, c2, fld) in enumerate(found):
            nxt = found[i + 1][0] - 1 if i + 1 < len(found) else c2
            spans[fld] = (c1, max(c2, nxt))
        return spans, sub

    # ------------------------------------------------------------- into a fill
    def fill_rows(self, fill: Fill, tasks: list[dict[str, tuple[str, Any]]], goals: list[dict[str, tuple[str, Any]]],
                  indicators: list[dict[str, tuple[str, Any]]]) -> None:
        t = self.t
        fill.header = {f: v for (sec, _i, f), (_w, v) in self.read.items() if sec == HEADER}
        for n, row in enumerate(tasks):
            fill.tasks.append(self.values(TASKS, n, t.tasks, row, qualitative=False))
        if goals:
            fill.goals = self.values(GOALS, -1, t.goals, goals[0], qualitative=False)
        tree = {key(ind.name): i for i, ind in enumerate(t.tree)}
        level1 = level2 = ""
        own = 0
        for row in indicators:
            text = {f: unwrap(as_text(row[f][1])) if f in row else "" for f in ("level1", "level2", "name")}
            level1, level2 = text["level1"] or level1, text["level2"] or level2
            i = tree.get(key(text["name"]))
            if not text["name"] or (i is not None and t.tree[i].name in fill.indicators) or \
                    (i is None and not (level1 and level2)):
                for where, v in row.values():
                    self.unplaced.append(Unplaced(where, as_text(v), said(IntakeCode.ROW_NOT_AN_INDICATOR)))
                continue
            if i is not None:
                ind = t.tree[i]
                values = self.values(INDICATORS, i, t.indicators, row, ind.qualitative)
                values |= {"level1": ind.level1, "level2": ind.level2, "name": ind.name}
                fill.indicators[ind.name] = values
                continue
            target = row.get("target", ("", None))[1]
            qualitative = own_kind(target if parse_number(target, False) is None else 0.0) == QUALITATIVE
            index = len(t.tree) + own
            values = self.values(INDICATORS, index, t.indicators, row, qualitative)
            values |= {"level1": level1, "level2": level2, "name": text["name"]}
            fill.extra_indicators.append(values)
            own += 1

    def values(self, section: str, index: int, table: Table, row: dict[str, tuple[str, Any]],
               qualitative: bool) -> dict[str, Value]:
        """A row's values as the template's columns hold them; each filed under ``read`` too."""
        out: dict[str, Value] = {}
        shared = {fld: w for fld, (w, _v) in row.items()}
        for col in table.columns:
            if col.field not in row:
                continue
            where, raw = row[col.field]
            if list(shared.values()).count(where) > 1 and col.type in FOLDED_PARTS:
                raw = _fold_part(as_text(raw), col.type)  # 年度指标值 written as one text: ≥95%
            value = _column_value(self.t, col, raw, qualitative)
            self.read[(section, index, col.field)] = (where, value)
            if col.type != "computed" or (qualitative and col.field == "degree"):
                out[col.field] = value
        return out

    def place(self, fill: Fill, lay: Layout) -> tuple[dict[str, str], dict[str, Any]]:
        """Each value read by its layout slot: addresses, and the typed results of computed cells
        (taken out of the fill: the template computes them)."""
        addresses: dict[str, str] = {}
        typed: dict[str, Any] = {}
        rows = {TASKS: fill.tasks, GOALS: [fill.goals], HEADER: [fill.header]}
        for (section, index, fld), (where, value) in self.read.items():
            slot_key = fld if section == TOTAL else f"{section}.{fld}" if index < 0 else f"{section}[{index}].{fld}"
            slot = lay.slots.get(slot_key)
            if slot is None:
                continue
            addresses[slot_key] = where
            if slot.role == FORMULA:
                typed[slot_key] = value
                if section == INDICATORS:
                    ind = lay.indicator_rows[index]
                    given = fill.indicators.get(ind.tree.name, {}) if ind.tree else {}
                    given.pop(fld, None)
                elif section in rows and index < len(rows[section]):
                    rows[section][max(index, 0)].pop(fld, None)
        return addresses, typed


def _labels(t: Template) -> list[str]:
    """Every fixed text of the template's form: what is a label wherever it appears in a file."""
    out = [t.title, t.unit_note, t.total_label, t.tasks.label, t.tasks.note, t.goals.label, t.indicators.label]
    out += [h.label for h in t.header] + [f.label for f in t.header_fields() if f.label]
    out += [c.label for table in (t.tasks, t.goals, t.indicators) for c in table.columns if c.label]
    out += [c.group for c in t.indicators.columns if c.group]
    return [x for x in out if x]


FOLDED_PARTS = ("operator", "target", "unit")
_FOLDED = re.compile(r"\s*(>=|<=|≥|≤|>|<|=|＝)?\s*([-+]?\d+(?:\.\d+)?)\s*(.*?)\s*")


def _folded_groups(table: Table) -> dict[str, list[str]]:
    """Groups whose columns have no labels of their own (the national 年度指标值 over operator,
    number and unit): group → its fields, left to right."""
    out: dict[str, list[str]] = {}
    for c in table.columns:
        if c.group and c.field:
            out.setdefault(c.group, []).append(c.field)
    return {g: f for g, f in out.items() if not any(c.label for c in table.columns if c.group == g)}


def _fold_part(text: str, part: str) -> str:
    """The operator, the number or the unit of a 年度指标值 written as one text (≥95%); a text
    that is no such measure (管理规范) is the target itself."""
    m = _FOLDED.fullmatch(unicodedata.normalize("NFKC", text))
    if m is None:
        return text if part == "target" else ""
    return {"operator": m.group(1) or "", "target": m.group(2), "unit": m.group(3)}[part]


def _label_of(text: str, labels: set[str]) -> bool:
    """Whether a cell's key is one of ``labels``, or one with a note such as （万元） after it."""
    return text in labels or any(text.startswith(k) and _NOTE.fullmatch(text[len(k):]) for k in labels)


def _column_value(t: Template, col: Column, raw: Any, qualitative: bool) -> Value:
    kind = value_kind(col.type)
    if kind == NUMBER or (kind == NUMBER_OR_TEXT and not qualitative):
        number = parse_number(raw, fraction=col.type == "computed")
        return number if number is not None else as_text(raw).strip()  # kept: verify reports it
    if col.type == "operator":
        return operator(raw)
    if col.type == "unit":
        return key(as_text(raw))
    if col.type == "actual":
        return grade(t, raw)
    if col.type == "target" or col.field in ("level1", "level2", "name"):
        return unwrap(as_text(raw))
    return as_text(raw).strip()


def _after_label(text: str, label: str) -> str:
    """What a cell holds after its label (a label and its value typed in one cell)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    want, i = key(label), 0
    while i < len(folded) and key(folded[:i]) != want:
        i += 1
    if key(folded[:i]) != want:
        return ""
    return _NOTE.sub("", folded[i:].strip()).strip(" :：")


def _typed(value: Any, kind: str) -> Value:
    if value_kind(kind) == NUMBER:
        number = parse_number(value, False)
        return number if number is not None else as_text(value).strip()
    return as_text(value).strip()


def _split_identity(text: str, count: int) -> list[str]:
    """``703010朝阳市…中心-211300000`` as its code, name and area code (as many as ``count``)."""
    m = _IDENTITY.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if m is None or count < 2:
        return [text]
    code, name, area = m.group(1) or "", m.group(2), m.group(3) or ""
    if count == 2:
        return [code, f"{name}-{area}" if area else name]
    return [code, name, area] + [""] * (count - 3)


# ----------------------------------------------------------------------------- entry
def read_legacy(path: Path, template: Template | None = None) -> LegacyForm | Finding:
    """Read ``path`` as a form of ``template`` (else of the known template its labels match
    best): a ``LegacyForm``, or a finding saying why it cannot be read."""
    try:
        return _read_legacy(path, template)
    except Exception as exc:  # a bug of ours on a strange file: a finding, never a traceback
        return internal_error(exc)


def _read_legacy(path: Path, template: Template | None) -> LegacyForm | Finding:
    grids = open_grids(path)
    if isinstance(grids, Finding):
        return grids
    candidates = [template] if template is not None else list(known_templates())
    scored = [(_Reader(grid, t).score(), grid, t) for grid in grids for t in candidates]
    top = max((score for score, _g, _t in scored), default=0)
    if top == 0:
        names = ", ".join(t.id for t in candidates) or "—"
        return finding(Code.UNKNOWN_TEMPLATE, reason=said(IntakeCode.NO_TEMPLATE_LABELS, templates=names))
    # templates alike in wording (the MOF form and a province's variant of it): the one whose
    # rules give the results the form typed
    forms = [_Reader(grid, t).form() for score, grid, t in scored if score == top]
    return min(forms, key=mismatches)


def mismatches(form: LegacyForm) -> int:
    """How many results the form typed differ from what its template's rules give."""
    lay = form.layout
    results = compute(lay, bind_inputs(lay, form.fill))
    return sum(1 for k, typed in form.typed.items() if not same(typed, results.get(k)))
