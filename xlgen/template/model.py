"""The template: a TOML form definition turned into a typed, validated spec.

Stage 1 of the pipeline (template → layout → workbook). Nothing here knows cell addresses;
``layout.py`` places what this module describes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from xlgen.formula.engine import FUNCTION_NAMES
from xlgen.errors import ErrorCode, XlgenError
from xlgen.template.rules import Rule, check_rules, normalize, parse_rules
from xlgen.template.tomlspec import Node, load_toml

COLUMN_TYPES = ("text", "amount", "weight", "computed", "blank", "operator", "target", "unit", "actual", "cause")
HEADER_TYPES = ("text", "amount")
# What an input of each column (or header field) type holds. A target or an actual is a number
# on a quantitative row and text (a qualitative target, a grade) on a qualitative one; the one
# "computed" input is a qualitative row's 完成程度. Fills, rosters and the verifier all read it.
NUMBER, TEXT, NUMBER_OR_TEXT = "number", "text", "number_or_text"
_VALUE_KINDS = {"amount": NUMBER, "weight": NUMBER, "computed": NUMBER, "target": NUMBER_OR_TEXT,
                "actual": NUMBER_OR_TEXT}


def value_kind(column_type: str) -> str:
    return _VALUE_KINDS.get(column_type, TEXT)


def input_columns(columns: tuple[Column, ...]) -> dict[str, str]:
    """Field → type of the columns a user fills (not computed, not blank filler)."""
    return {c.field: c.type for c in columns if c.field and c.type not in ("computed", "blank")}
# Classic functions only (Excel 2010, WPS, LibreOffice): exactly those xlgen can evaluate.
ALLOWED_FUNCTIONS = FUNCTION_NAMES
PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?)\}")  # {field} of the row, {table.field}: a column
_FUNCTION = re.compile(r"([A-Z][A-Z0-9\.]*)\s*\(")


QUANTITATIVE, QUALITATIVE = "quantitative", "qualitative"  # kinds of indicator row (and "linked")


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    type: str
    span: int = 1
    group: str = ""
    formula: str = ""
    format: str = ""


@dataclass(frozen=True)
class Funding:
    """The funding rows of the national form: 年度资金总额, then 其中 its sources. The total's
    amounts are the sums of the sources' by formula; only the total carries 分值, 执行率 and
    得分, the sources show ``mark`` there ("/", as the printed form does)."""

    total: str  # the total row's label
    sources: tuple[str, ...]  # one row each, beneath the total
    sums: tuple[str, ...]  # the amount columns the total sums
    label_field: str  # the text column holding the rows' labels
    lead: str = ""  # printed before the first source's name (其中：)
    mark: str = "/"

    @property
    def rows(self) -> int:
        return 1 + len(self.sources)

    def label(self, index: int) -> str:
        """The printed label of funding row ``index`` (0: the total)."""
        if index == 0:
            return self.total
        return (self.lead if index == 1 else "") + self.sources[index - 1]

    def index_of(self, name: object) -> int | None:
        """The row a fill's task belongs to, by its label (with or without the lead)."""
        text = str(name or "").strip()
        names = (self.total, *self.sources)
        return next((i for i in range(self.rows) if text in (names[i], self.label(i))), None)


@dataclass(frozen=True)
class Table:
    label: str
    columns: tuple[Column, ...]
    funding: Funding | None = None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.field == name:
                return col
        raise KeyError(name)

    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.field)


@dataclass(frozen=True)
class HeaderField:
    field: str
    span: int
    type: str
    required: bool
    hint: str


@dataclass(frozen=True)
class HeaderRow:
    label: str
    fields: tuple[HeaderField, ...]
    label_span: int = 3


@dataclass(frozen=True)
class FormulaSpec:
    name: str
    formula: str
    needs: tuple[str, ...] = ()
    when: str = ""

    def placeholders(self) -> list[str]:
        """The fields it reads, in order of first mention (``field`` or ``table.field``)."""
        found = PLACEHOLDER.findall(self.formula + self.when + "".join("{%s}" % n for n in self.needs))
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Grade:
    label: str
    min: float
    max: float
    max_inclusive: bool

    def contains(self, degree: float) -> bool:
        return self.min <= degree and (degree <= self.max if self.max_inclusive else degree < self.max)


@dataclass(frozen=True)
class Level:
    label: str
    min: float


@dataclass(frozen=True)
class TreeIndicator:
    level1: str
    level2: str
    name: str
    operator: str
    target: float | str | None
    unit: str
    weight: float | None
    actual: str = ""  # name of a formula giving 全年完成值 (e.g. budget_rate), else an input

    @property
    def qualitative(self) -> bool:
        return isinstance(self.target, str)


@dataclass(frozen=True, eq=False)  # hashed by identity: layouts are cached per template
class Template:
    path: Path
    sha256: str
    id: str
    version: str
    title: str
    sheet: str
    year_label: str
    unit_note: str
    task_rows: int
    spare_indicators: int  # empty quantitative indicator rows a blank offers under the tree
    weight_tasks: float
    weight_indicators: float
    header: tuple[HeaderRow, ...]
    tasks: Table
    goals: Table
    indicators: Table
    total_label: str
    total_label_span: int
    total_formula: str
    formulas: dict[str, FormulaSpec]
    grades: tuple[Grade, ...]
    levels: tuple[Level, ...]
    operators: tuple[str, ...]
    units: tuple[str, ...]
    tree: tuple[TreeIndicator, ...] = field(default_factory=tuple)
    checks: tuple[Rule, ...] = ()  # the per-row rules of 填报检查 and verify, in order
    # what next year's blank keeps from this year's returned workbook, by section
    rollover: dict[str, tuple[str, ...]] = field(default_factory=dict)
    spare_qualitative: int = 0  # empty qualitative indicator rows a blank offers after those

    @property
    def spare_kinds(self) -> tuple[str, ...]:
        """The kinds of the spare indicator rows of a blank, in order."""
        return (QUANTITATIVE,) * self.spare_indicators + (QUALITATIVE,) * self.spare_qualitative

    @functools.cached_property  # read for every cell written
    def width(self) -> int:
        return 1 + sum(c.span for c in self.indicators.columns)

    def header_fields(self) -> tuple[HeaderField, ...]:
        return tuple(f for row in self.header for f in row.fields)

    def grade(self, label: str) -> Grade | None:
        for g in self.grades:
            if g.label == label:
                return g
        return None

    def level_of(self, score: float) -> str:
        for level in sorted(self.levels, key=lambda lv: -lv.min):
            if score >= level.min:
                return level.label
        return ""


TEMPLATES_ENV = "XLGEN_TEMPLATES"


def templates_dirs() -> list[Path]:
    """Where named templates live, searched in order: the folders of $XLGEN_TEMPLATES (separated
    by os.pathsep; a bureau's own templates, or last year's versions kept to verify last year's
    files), then ./templates or else the checkout's templates/."""
    env = os.environ.get(TEMPLATES_ENV, "")
    here = Path.cwd() / "templates"
    default = here if here.is_dir() else Path(__file__).resolve().parents[2] / "templates"
    out: list[Path] = []
    for folder in [*(Path(p) for p in env.split(os.pathsep) if p), default]:
        if folder.resolve() not in (o.resolve() for o in out):
            out.append(folder)
    return out


def template_files() -> list[Path]:
    """Every form template of the search folders, in search order (bases under _base/ are not forms)."""
    return [path for folder in templates_dirs() if folder.is_dir() for path in sorted(folder.glob("*.toml"))]


def known_templates() -> tuple[Template, ...]:
    """Every loadable template of the search folders, one per (id, version): the first found."""
    return _known(tuple(str(path.resolve()) for path in template_files()))


@functools.lru_cache(maxsize=8)
def _known(paths: tuple[str, ...]) -> tuple[Template, ...]:
    found: dict[tuple[str, str], Template] = {}
    for path in paths:
        try:
            t = load_template(Path(path))
        except Exception:  # a broken template is `xlgen templates check`'s business, not verify's
            continue
        found.setdefault((t.id, t.version), t)
    return tuple(found.values())


def newest_version(t: Template) -> Template:
    """The newest known version of ``t``'s form (versions compare by their numbers: 2024.10 is
    newer than 2024.9); ``t`` itself when none is newer."""
    def key(k: Template) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", k.version))
    return max([t, *(k for k in known_templates() if k.id == t.id)], key=key)  # a tie keeps ``t``


def _search(filename: str, *first: Path) -> Path | None:
    """``filename`` in the folders ``first``, then in the search folders: the first found."""
    return next((p for p in (folder / filename for folder in (*first, *templates_dirs())) if p.is_file()), None)


def _where() -> str:
    return ", ".join(str(folder) for folder in templates_dirs())


def resolve_template(name: str | Path) -> Path:
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        return path
    found = _search(path.name if path.suffix == ".toml" else f"{path.name}.toml")
    if found is not None:
        return found
    known = sorted({p.stem for p in template_files()})
    raise XlgenError(ErrorCode.TEMPLATE_UNKNOWN, name=name, where=_where(), expected=", ".join(known) or "none")


def list_templates() -> list[tuple[Path, Template | XlgenError]]:
    """Every template of the search folders, loaded or its error."""
    out: list[tuple[Path, Template | XlgenError]] = []
    for path in template_files():
        try:
            out.append((path, load_template(path)))
        except XlgenError as exc:
            out.append((path, exc))
    return out


def load_template(name: str | Path) -> Template:
    path = resolve_template(name)
    data, raw = _load_with_base(path, ())
    root = Node(path, data)
    root.only("extends", "template", "rows", "weights", "header", "tasks", "goals", "indicators", "total",
              "formulas", "grades", "levels", "lists", "tree", "checks", "rollover")
    meta = root.table("template")
    meta.only("id", "version", "title", "sheet", "year_label", "unit_note")
    rows = root.table("rows")
    rows.only("tasks", "spare_indicators", "spare_qualitative")
    weights = root.table("weights")
    weights.only("tasks", "indicators")
    total = root.table("total")
    total.only("label", "label_span", "formula")
    lists = root.table("lists")
    lists.only("operators", "units")
    tasks = _table(root.table("tasks"), funding=True)
    formulas = {
        name: _formula(root.table("formulas").table(name))
        for name in root.table("formulas").data
    }
    tmpl = Template(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        id=meta.get("id", str),
        version=meta.get("version", str),
        title=meta.get("title", str),
        sheet=meta.get("sheet", str),
        year_label=meta.get("year_label", str, default="{year}年度"),
        unit_note=meta.get("unit_note", str, default=""),
        task_rows=_task_rows(rows, tasks),
        spare_indicators=rows.get("spare_indicators", int, default=0),
        spare_qualitative=rows.get("spare_qualitative", int, default=0),
        weight_tasks=weights.get("tasks", float),
        weight_indicators=weights.get("indicators", float),
        header=tuple(_header_row(n) for n in root.tables("header")),
        tasks=tasks,
        goals=_table(root.table("goals")),
        indicators=_table(root.table("indicators")),
        total_label=total.get("label", str),
        total_label_span=total.get("label_span", int),
        total_formula=total.get("formula", str),
        formulas=formulas,
        grades=tuple(_grade(n) for n in root.tables("grades")),
        levels=tuple(Level(n.get("label", str), n.get("min", float)) for n in root.tables("levels", required=False)),
        operators=tuple(lists.strings("operators")),
        units=tuple(lists.strings("units")),
        tree=tuple(_tree(n) for n in root.tables("tree")),
        checks=parse_rules(root.table("checks", required=False)),
        rollover=_rollover(root.table("rollover", required=False)),
    )
    _check(tmpl)
    return tmpl


def _load_with_base(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], bytes]:
    """A template may say ``extends = "other-template"``: its tables are merged over the base's
    (key by key; a list replaces the base's list). The hash covers the whole chain."""
    if path.resolve() in chain:
        raise XlgenError(ErrorCode.VALUE_INVALID, file=path, key="extends",
                         detail="templates extend each other in a circle: "
                         + " → ".join(p.name for p in (*chain, path)))
    data = load_toml(path)
    normalize(data)
    raw = path.read_bytes()
    base_name = data.pop("extends", None)
    if base_name is None:
        return data, raw
    if not isinstance(base_name, str):
        raise XlgenError(ErrorCode.KEY_TYPE, file=path, key="extends", got=base_name,
                         expected="the name of another template")
    base_path = _search(f"{base_name}.toml", path.parent)
    if base_path is None:
        raise XlgenError(ErrorCode.VALUE_INVALID, file=path, key="extends",
                         detail=f"no template '{base_name}' beside it or in {_where()}")
    base, base_raw = _load_with_base(base_path, (*chain, path.resolve()))
    return _merge(base, data), base_raw + b"\0" + raw


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _task_rows(rows: Node, tasks: Table) -> int:
    """How many task rows a blank offers: [rows] tasks, or with funding rows exactly those."""
    if tasks.funding is None:
        return rows.get("tasks", int)
    count = rows.get("tasks", int, default=tasks.funding.rows)
    if count != tasks.funding.rows:
        raise rows.invalid("tasks", f"{count} task rows, but tasks.funding places {tasks.funding.rows} "
                           "(the total and its sources); leave rows.tasks out")
    return count


def _table(node: Node, funding: bool = False) -> Table:
    node.only("label", "columns", *(("funding",) if funding else ()))
    columns = []
    for col in node.tables("columns"):
        col.only("field", "label", "type", "span", "group", "formula", "format")
        kind = col.get("type", str, expected="one of " + ", ".join(COLUMN_TYPES))
        if kind not in COLUMN_TYPES:
            raise col.invalid("type", f"'{kind}' is not a column type; expected one of {', '.join(COLUMN_TYPES)}")
        span = col.get("span", int, default=1)
        if span < 1:
            raise col.invalid("span", f"{span} is not a column count; expected 1 or more")
        column = Column(
            field=col.get("field", str),
            label=col.get("label", str),
            type=kind,
            span=span,
            group=col.get("group", str, default=""),
            formula=col.get("formula", str, default=""),
            format=col.get("format", str, default=""),
        )
        if kind == "computed" and not column.formula:
            raise col.invalid("formula", "a computed column names its formula (a key of [formulas])")
        columns.append(column)
    table = Table(label=node.get("label", str), columns=tuple(columns))
    if node.has("funding"):
        table = replace(table, funding=_funding(node.table("funding"), table))
    return table


def _funding(node: Node, table: Table) -> Funding:
    node.only("total", "sources", "sums", "lead", "mark")
    sources = tuple(node.strings("sources"))
    if not sources:
        raise node.invalid("sources", "the list is empty; name the sources beneath the total")
    names = [node.get("total", str), *sources]
    for i, name in enumerate(names):
        if not name.strip() or names.index(name) != i:
            raise node.invalid("sources" if i else "total", f"'{name}' is empty or repeats; each row's label is unique")
    types = {c.field: c.type for c in table.columns if c.field}
    sums = tuple(node.strings("sums"))
    for i, name in enumerate(sums):
        if types.get(name) != "amount":
            raise node.invalid(f"sums[{i}]", f"'{name}' is not an amount column of the table; expected one of "
                               + ", ".join(f for f, kind in types.items() if kind == "amount"))
    label_field = next((c.field for c in table.columns if c.type == "text" and c.field), "")
    if not label_field:
        raise node.invalid("total", "the table has no text column to hold the rows' labels")
    return Funding(total=names[0], sources=sources, sums=sums, label_field=label_field,
                   lead=node.get("lead", str, default=""), mark=node.get("mark", str, default="/"))


def _header_row(node: Node) -> HeaderRow:
    node.only("label", "fields", "label_span")
    fields = []
    for item in node.tables("fields"):
        item.only("field", "span", "type", "required", "hint")
        kind = item.get("type", str, default="text")
        if kind not in HEADER_TYPES:
            raise item.invalid("type", f"'{kind}' is not a header field type; expected one of {', '.join(HEADER_TYPES)}")
        fields.append(
            HeaderField(
                field=item.get("field", str),
                span=item.get("span", int, default=1),
                type=kind,
                required=item.get("required", bool, default=False),
                hint=item.get("hint", str, default=""),
            )
        )
    return HeaderRow(label=node.get("label", str), fields=tuple(fields),
                     label_span=node.get("label_span", int, default=3))


def _formula(node: Node) -> FormulaSpec:
    node.only("formula", "needs", "when")
    text = node.get("formula", str)
    spec = FormulaSpec(
        name=node.key.rsplit(".", 1)[-1],
        formula=text,
        needs=tuple(node.strings("needs", default=[])),
        when=node.get("when", str, default=""),
    )
    for part, source in (("formula", spec.formula), ("when", spec.when)):
        for fn in _FUNCTION.findall(source):
            if fn not in ALLOWED_FUNCTIONS:
                raise XlgenError(
                    ErrorCode.FORMULA_INVALID,
                    file=node.file,
                    key=node.path(part),
                    detail=f"uses {fn}(), which is not one of the classic functions xlgen allows: "
                    + ", ".join(sorted(ALLOWED_FUNCTIONS)),
                )
        if source.count("(") != source.count(")"):
            raise XlgenError(ErrorCode.FORMULA_INVALID, file=node.file, key=node.path(part),
                             detail="has unbalanced parentheses")
    return spec


def _grade(node: Node) -> Grade:
    node.only("label", "min", "max", "max_inclusive")
    grade = Grade(
        label=node.get("label", str),
        min=node.get("min", float),
        max=node.get("max", float),
        max_inclusive=node.get("max_inclusive", bool, default=False),
    )
    if not 0 <= grade.min <= grade.max <= 1:
        raise node.invalid("min", f"band {grade.min}..{grade.max} must satisfy 0 <= min <= max <= 1")
    return grade


def _rollover(node: Node) -> dict[str, tuple[str, ...]]:
    node.only("header", "tasks", "goals", "indicators")
    return {section: tuple(node.strings(section, default=[])) for section in ("header", "tasks", "goals", "indicators")}


def _tree(node: Node) -> TreeIndicator:
    node.only("level1", "level2", "name", "operator", "target", "unit", "weight", "actual")
    return TreeIndicator(
        level1=node.get("level1", str),
        level2=node.get("level2", str),
        name=node.get("name", str),
        operator=node.get("operator", str, default=""),
        target=node.number_or_text("target"),
        unit=node.get("unit", str, default=""),
        weight=node.get("weight", float) if node.has("weight") else None,
        actual=node.get("actual", str, default=""),
    )


def _check(t: Template) -> None:
    """Cross-key rules: references resolve, lists are usable, weights add up."""
    for table_name, table in (("tasks", t.tasks), ("indicators", t.indicators)):
        for i, col in enumerate(table.columns):
            if col.formula and col.formula not in t.formulas:
                raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{table_name}.columns[{i}].formula",
                                 detail=f"'{col.formula}' is not a key of [formulas]; known: {', '.join(t.formulas)}")
    names = {"tasks": t.tasks.fields(), "indicators": t.indicators.fields()}
    for key, detail in check_rules(t.checks, {n: f.placeholders() for n, f in t.formulas.items()}, names):
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=key, detail=detail)
    if t.total_formula not in t.formulas:
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="total.formula",
                         detail=f"'{t.total_formula}' is not a key of [formulas]")
    for spec in t.formulas.values():
        for ref in spec.placeholders():
            section, _, fld = ref.rpartition(".")
            ok = fld in names[section] if section in names else (
                fld in t.tasks.fields() or fld in t.indicators.fields())
            if not ok:
                raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"formulas.{spec.name}",
                                 detail=f"placeholder {{{ref}}} names no column of the tasks or indicators table")
    for name, items in (("operators", t.operators), ("units", t.units)):
        if not items:
            raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"lists.{name}", detail="the list is empty")
        if len(set(items)) != len(items):
            dup = sorted({x for x in items if items.count(x) > 1})
            raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"lists.{name}",
                             detail=f"repeats {', '.join(dup)}; each entry must be unique")
    labels = [g.label for g in t.grades]
    if len(set(labels)) != len(labels):
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="grades", detail="grade labels repeat")
    for i, ind in enumerate(t.tree):
        key = f"tree[{i}]"
        if ind.operator and ind.operator not in t.operators:
            raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{key}.operator",
                             detail=f"'{ind.operator}' is not in lists.operators ({' '.join(t.operators)})")
        if ind.unit and ind.unit not in t.units:
            raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{key}.unit",
                             detail=f"'{ind.unit}' is not in lists.units")
        if ind.actual and ind.actual not in t.formulas:
            raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{key}.actual",
                             detail=f"'{ind.actual}' is not a key of [formulas]")
        if not ind.qualitative and not ind.operator and ind.target is not None:
            raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{key}.operator",
                             detail="a numeric target needs an operator (qualitative rows have a text target)")
    tree_names = [ind.name for ind in t.tree]
    for i, n in enumerate(tree_names):
        if tree_names.index(n) != i:
            raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"tree[{i}].name",
                             detail=f"'{n}' repeats an earlier indicator's name; names must be unique")
    weights = [ind.weight for ind in t.tree if ind.weight is not None]
    if len(weights) == len(t.tree) and round(sum(weights), 6) != round(t.weight_indicators, 6):
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="tree",
                         detail=f"indicator weights add up to {round(sum(weights), 6):g}; "
                         f"weights.indicators says {t.weight_indicators:g}")
    if t.grades == () and (t.spare_qualitative or any(ind.qualitative for ind in t.tree)):
        raise XlgenError(ErrorCode.KEY_MISSING, file=t.path, key="grades",
                         expected="grades for the qualitative indicators")
    if t.width != 1 + sum(c.span for c in t.tasks.columns) or t.width != 1 + sum(c.span for c in t.goals.columns):
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="tasks.columns",
                         detail=f"tasks, goals and indicators must span the same width ({t.width - 1} columns after the section label)")
