"""The template: a TOML form definition turned into a typed, validated spec.

Stage 1 of the pipeline (template → layout → workbook). Nothing here knows cell addresses;
``layout.py`` places what this module describes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.resources
import os
import re
from dataclasses import dataclass, field
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from xlgen.formula.functions import FUNCTION_NAMES
from xlgen.errors import ErrorCode, XlgenError
from xlgen.errors.template import TemplateCode
from xlgen.template.rules import Rule, check_rules, normalize, parse_rules
from xlgen.template.parts import (COLUMN_TYPES as COLUMN_TYPES, HEADER_TYPES as HEADER_TYPES, Column as Column,
                                  Funding as Funding, HeaderField as HeaderField, HeaderRow as HeaderRow,
                                  Table as Table, TreeIndicator as TreeIndicator, parse_header, parse_header_row, parse_table,
                                  own_rows, parse_tree, points_in_tree)
from xlgen.template.meta import (SECTIONS as SECTIONS, absent, orientation, scores, sections as parse_sections,
                                 table_weight, task_rows, unit_note_at)
from xlgen.template.points import points_problems
from xlgen.template.shape import check_shape
from xlgen.template.tomlspec import Node, load_toml, not_a_formula
from xlgen.lang import Text

# What an input of each column (or header field) type holds. A target or an actual is a number
# on a quantitative row and text (a qualitative target, a grade) on a qualitative one; the one
# "computed" input is a qualitative row's 完成程度. Fills, rosters and the verifier all read it.
NUMBER, TEXT, NUMBER_OR_TEXT = "number", "text", "number_or_text"
_VALUE_KINDS = {"amount": NUMBER, "weight": NUMBER, "computed": NUMBER, "score": NUMBER, "target": NUMBER_OR_TEXT,
                "actual": NUMBER_OR_TEXT}


def value_kind(column_type: str) -> str:
    return _VALUE_KINDS.get(column_type, TEXT)


def input_columns(columns: tuple[Column, ...]) -> dict[str, str]:
    """Field → type of the columns a user fills (not computed, not blank filler)."""
    return {c.field: c.type for c in columns if c.field and c.type not in ("computed", "blank")}
# Classic functions only (Excel 2010, WPS, LibreOffice): exactly those xlgen can evaluate.
ALLOWED_FUNCTIONS = FUNCTION_NAMES
# {field} of the row, {table.field}: a column; {field:blank}: TRUE when the cell holds nothing but
# white space (layout.model.blank, the one definition: a reason of spaces is no reason)
PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?)(:blank)?\}")
TOTAL = "total"  # the placeholder {total}: the form's total cell (a header's 自评总分, its grade)
LEVEL = "level"  # the placeholder {level}: the total's 优/良/中/差 by [[levels]], a live IF chain
_FUNCTION = re.compile(r"([A-Z][A-Z0-9\.]*)\s*\(")


QUANTITATIVE, QUALITATIVE = "quantitative", "qualitative"  # kinds of indicator row (and "linked")


@dataclass(frozen=True)
class FormulaSpec:
    name: str
    formula: str
    needs: tuple[str, ...] = ()
    when: str = ""

    def placeholders(self) -> list[str]:
        """The fields it reads, in order of first mention (``field`` or ``table.field``)."""
        text = self.formula + self.when + "".join("{%s}" % n for n in self.needs)
        return list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(text)))


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
    # what the bureau sets and the department may not change, by section ([fixed]): locked and
    # sealed wherever a blank is pre-filled with it (header: every field unless the template says)
    fixed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    spare_qualitative: int = 0  # empty qualitative indicator rows a blank offers after those
    footer: tuple[HeaderRow, ...] = ()  # rows under the total: 评价结论 blocks, sign-off lines
    sections: tuple[str, ...] = SECTIONS  # the tables the form has, top to bottom (indicators last)
    total_weight: bool = False  # the total row shows the sum of the weights (合计 100) too
    # a row of 分值 and 得分 per tier of the tree above the total ("level1", "level2"; "": none),
    # each labelled by ``subtotal_label`` ({tier}: the tier's own label)
    subtotals: str = ""
    subtotal_label: str = "{tier}"
    # where ``unit_note`` prints: at the right of the year line ("year") or as the form's first
    # line, above the title ("top": Sichuan's 报表编号)
    unit_note_at: str = "year"
    orientation: str = "landscape"  # how the form prints on A4: "landscape" or "portrait" (达州's 得分表)

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tier columns of the indicator table (一级/二级指标), 0 to 2 of them, then 三级's name."""
        fields = self.indicators.fields()
        return tuple(f for f in ("level1", "level2") if f in fields)

    @property
    def scored(self) -> bool:
        """Whether the form scores (a total row): 衡山's (F4) has no 分值, no 得分, no total."""
        return bool(self.total_formula)

    @property
    def points_in_tree(self) -> bool:
        """No 分值 column: each row's points are the tree's (its label's), a number in its formulas."""
        return points_in_tree(self.indicators)

    def row_fields(self, table: str) -> tuple[str, ...]:
        """What a formula may read on a row of ``table``: its columns, and the row's points
        ({weight}) on a form that gives them in the tree alone."""
        if table == "tasks":
            return self.tasks.fields()
        return self.indicators.fields() + (("weight",) if self.points_in_tree else ())

    @property
    def spare_kinds(self) -> tuple[str, ...]:
        """The kinds of the spare indicator rows of a blank, in order."""
        return (QUANTITATIVE,) * self.spare_indicators + (QUALITATIVE,) * self.spare_qualitative

    @functools.cached_property
    def label_cols(self) -> int:
        """Column A holds the tables' labels (预算执行情况, 绩效指标…, merged down each table): 1; 0
        when no table of the form has a label (岳阳's 评分表: its columns start in column A)."""
        return 1 if any(getattr(self, section).label for section in self.sections) else 0

    @functools.cached_property  # read for every cell written
    def width(self) -> int:
        return self.label_cols + sum(c.span for c in self.indicators.columns)

    @functools.cached_property
    def print_width(self) -> int:
        """The printed form's columns: the indicators' but those on the screen only (``print = false``)."""
        return self.label_cols + sum(c.span for c in self.indicators.columns if c.printed)

    def header_fields(self, section: str = "header") -> tuple[HeaderField, ...]:
        """The fields of the header (or of the footer): their inputs and computed cells."""
        return tuple(f for row in (self.footer if section == "footer" else self.header) for f in row.fields)

    def header_inputs(self, section: str = "header") -> dict[str, str]:
        """Field → type of what a fill or roster gives for the header (or footer): not computed."""
        return {f.field: f.type for f in self.header_fields(section) if f.type != "computed"}

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


@functools.lru_cache(maxsize=1)
def built_in_templates() -> Path:
    """The templates that come with xlgen: a checkout's (or editable install's) templates/, else
    the installed package's copy of it (package data ``xlgen.templates``, see setup.py)."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "templates").is_dir():
        return checkout / "templates"
    return Path(str(importlib.resources.files("xlgen").joinpath("templates")))


@contextlib.contextmanager
def searched_first(folders: Sequence[Path]) -> Iterator[None]:
    """``folders`` first in the template search (in $XLGEN_TEMPLATES, which worker processes
    inherit) while the block runs; the search as it was after, whatever happens."""
    before = os.environ.get(TEMPLATES_ENV)
    if folders:
        os.environ[TEMPLATES_ENV] = os.pathsep.join([*map(str, folders), *([before] if before else [])])
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(TEMPLATES_ENV, None)
        else:
            os.environ[TEMPLATES_ENV] = before


def templates_dirs() -> list[Path]:
    """Where named templates live, searched in order: the folders of $XLGEN_TEMPLATES (separated
    by os.pathsep; a bureau's own templates, or last year's versions kept to verify last year's
    files), then ./templates, then the built-in ones (always last)."""
    env = os.environ.get(TEMPLATES_ENV, "")
    here = Path.cwd() / "templates"
    out: list[Path] = []
    for folder in [*(Path(p) for p in env.split(os.pathsep) if p), *([here] if here.is_dir() else []),
                   built_in_templates()]:
        if folder.resolve() not in (o.resolve() for o in out):
            out.append(folder)
    return out


def template_files() -> list[Path]:
    """Every form template of the search folders, in search order (bases under _base/ are not forms)."""
    return [path for folder in templates_dirs() if folder.is_dir() for path in sorted(folder.glob("*.toml"))]


def known_templates() -> tuple[Template, ...]:
    """Every loadable template of the search folders, one per (id, version): the first found.
    Listed again only when a search folder changes (its name, or a file added, removed or
    renamed in it): verify asks for every file it reads."""
    env = os.environ.get(TEMPLATES_ENV, "")
    cwd = os.getcwd()
    folders = [*(p for p in env.split(os.pathsep) if p), os.path.join(cwd, "templates"), str(built_in_templates())]
    return _known(env, cwd, tuple(_stamp(folder) for folder in folders))


def _stamp(folder: str) -> tuple[int, int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ino


@functools.lru_cache(maxsize=8)
def _known(_env: str, _cwd: str, _stamps: tuple[tuple[int, int] | None, ...]) -> tuple[Template, ...]:
    found: dict[tuple[str, str], Template] = {}
    for t in loaded(tuple(str(path.resolve()) for path in template_files())):
        found.setdefault((t.id, t.version), t)
    return tuple(found.values())


@functools.lru_cache(maxsize=8)
def loaded(paths: tuple[str, ...]) -> tuple[Template, ...]:
    loaded = []
    for path in paths:
        try:
            loaded.append(load_template(Path(path)))
        except Exception:  # a broken template is `xlgen templates check`'s business, not verify's
            continue
    return tuple(loaded)


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
    raise XlgenError(ErrorCode.TEMPLATE_UNKNOWN, name=name, where=_where(), expected=", ".join(known) or Text("无", "none"))


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
              "formulas", "grades", "levels", "lists", "tree", "checks", "rollover", "footer", "fixed")
    meta = root.table("template")
    meta.only("id", "version", "title", "sheet", "year_label", "unit_note", "unit_note_at", "sections", "orientation")
    sections = parse_sections(meta)
    rows = root.table("rows", required=False)
    rows.only("tasks", "spare_indicators", "spare_qualitative")
    weights = root.table("weights", required=False)
    weights.only("tasks", "indicators")
    if "tasks" not in sections and weights.has("tasks"):
        raise weights.error("tasks", TemplateCode.TASKS_WEIGHT_ALONE)
    tasks = parse_table(root.table("tasks"), funding=True) if "tasks" in sections else absent(root, "tasks")
    indicators = parse_table(root.table("indicators"), applies=True)
    scored = scores(tasks, indicators)
    if not scored and root.has("total"):  # a form without scores (衡山's, F4) has no total row
        raise root.error("total", TemplateCode.TOTAL_WITHOUT_SCORES)
    total = root.table("total", required=scored)
    total.only("label", "label_span", "formula", "weight", "subtotals", "subtotal_label")
    if not total.has("subtotals") and total.has("subtotal_label"):
        raise total.error("subtotal_label", TemplateCode.SUBTOTAL_LABEL_ALONE)
    lists = root.table("lists", required=False)
    lists.only("operators", "units")
    goals = parse_table(root.table("goals")) if "goals" in sections else absent(root, "goals")
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
        unit_note_at=unit_note_at(meta),
        orientation=orientation(meta),
        task_rows=task_rows(rows, tasks) if "tasks" in sections else 0,
        spare_indicators=rows.get("spare_indicators", int, default=0),
        spare_qualitative=rows.get("spare_qualitative", int, default=0),
        weight_tasks=table_weight(weights, "tasks", tasks) if "tasks" in sections else 0.0,
        weight_indicators=table_weight(weights, "indicators", indicators),
        header=(header := parse_header(root.tables("header"))),
        tasks=tasks,
        goals=goals,
        sections=sections,
        indicators=indicators,
        total_label=total.get("label", str) if scored else "",
        total_label_span=total.get("label_span", int) if scored else 0,
        total_formula=total.get("formula", str) if scored else "",
        formulas=formulas,
        grades=tuple(_grade(n) for n in root.tables("grades", required=False)),
        levels=tuple(Level(n.get("label", str), n.get("min", float)) for n in root.tables("levels", required=False)),
        operators=tuple(lists.strings("operators", default=[])),
        units=tuple(lists.strings("units", default=[])),
        tree=tuple(row for n in root.tables("tree") for ind in (parse_tree(n, indicators),) for row in (ind, *own_rows(ind))),
        footer=tuple(parse_header_row(n, footer=True) for n in root.tables("footer", required=False)),
        total_weight=total.get("weight", bool, default=False),
        subtotals=total.get("subtotals", str, default=""),
        subtotal_label=total.get("subtotal_label", str, default="{tier}"),
        checks=parse_rules(root.table("checks", required=False)),
        rollover=_rollover(root.table("rollover", required=False)),
        fixed=_fixed(root.table("fixed", required=False), header),
    )
    _check(tmpl)
    return tmpl


def _load_with_base(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], bytes]:
    """A template may say ``extends = "other-template"``: its tables are merged over the base's
    (key by key; a list replaces the base's list). The hash covers the whole chain."""
    if path.resolve() in chain:
        circle = " → ".join(p.name for p in (*chain, path))
        raise XlgenError(TemplateCode.EXTENDS_CIRCLE, file=path, key="extends", circle=circle)
    data = load_toml(path)
    normalize(data)
    raw = path.read_bytes()
    base_name = data.pop("extends", None)
    if base_name is None:
        return data, raw
    if not isinstance(base_name, str):
        raise XlgenError(ErrorCode.KEY_TYPE, file=path, key="extends", got=base_name,
                         expected=Text("另一个模板的名称", "the name of another template"))
    base_path = _search(f"{base_name}.toml", path.parent)
    if base_path is None:
        raise XlgenError(TemplateCode.EXTENDS_MISSING, file=path, key="extends", name=base_name, where=_where())
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
                raise node.error(part, TemplateCode.FUNCTION_NOT_ALLOWED, function=fn,
                                 allowed=", ".join(sorted(ALLOWED_FUNCTIONS)))
        if source.count("(") != source.count(")"):
            raise node.error(part, TemplateCode.PARENTHESES)
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
        raise node.error("min", TemplateCode.GRADE_BAND, low=grade.min, high=grade.max)
    return grade


def _rollover(node: Node) -> dict[str, tuple[str, ...]]:
    node.only("header", "tasks", "goals", "indicators")
    return {section: tuple(node.strings(section, default=[])) for section in ("header", "tasks", "goals", "indicators")}


def _formulas_used(t: Template) -> list[str]:
    """The keys of [formulas] the form places: its columns', the total's, its header and footer
    fields', its tree rows' and its rules'."""
    used = [c.formula for table in (t.tasks, t.indicators) for c in table.columns if c.formula]
    used += [*([t.total_formula] if t.scored else []), *(f.formula for s in ("header", "footer") for f in t.header_fields(s) if f.formula)]
    used += [name for ind in t.tree for name in (ind.actual, *dict(ind.formulas).values()) if name]
    used += [name for r in t.checks for name in (r.formula, r.fix) if name]
    return [name for name in dict.fromkeys(used) if name in t.formulas]


def _fixed(node: Node, header: tuple[HeaderRow, ...]) -> dict[str, tuple[str, ...]]:
    """``[fixed]``: what the bureau sets, by section (locked and sealed; the header: all of it by default)."""
    node.only("header", "tasks", "indicators")
    every = [f.field for row in header for f in row.fields]
    return {s: tuple(node.strings(s, default=every if s == "header" else [])) for s in ("header", "tasks", "indicators")}


def _check(t: Template) -> None:
    """Cross-key rules: references resolve, lists are usable, weights add up."""
    check_shape(t)
    names = {"tasks": t.row_fields("tasks"), "indicators": t.row_fields("indicators")}
    for problem in check_rules(t.path, t.checks, {n: f.placeholders() for n, f in t.formulas.items()}, names):
        raise problem
    for section, rows in (("header", t.header), ("footer", t.footer)):
        for i, row in enumerate(rows):
            for j, f in enumerate(row.fields):
                if f.formula and f.formula not in t.formulas:
                    raise not_a_formula(t.path, f"{section}[{i}].fields[{j}].formula", f.formula, t.formulas)
    if t.scored and t.total_formula not in t.formulas:
        raise not_a_formula(t.path, "total.formula", t.total_formula)
    for spec in (t.formulas[name] for name in _formulas_used(t)):  # a base's formula a form leaves unused: no matter
        for ref in spec.placeholders():
            section, _, fld = ref.rpartition(".")
            if ref == TOTAL:
                continue
            if ref == LEVEL:
                if not t.levels:
                    raise XlgenError(TemplateCode.LEVEL_WITHOUT_LEVELS, file=t.path, key=f"formulas.{spec.name}")
                continue
            ok = fld in names[section] if section in names else (
                fld in names["tasks"] or fld in names["indicators"])
            if not ok:
                raise XlgenError(TemplateCode.PLACEHOLDER_UNKNOWN, file=t.path, key=f"formulas.{spec.name}", ref=ref)
    kinds = {c.type for c in t.indicators.columns}
    for name, items in (("operators", t.operators), ("units", t.units)):
        if not items and name[:-1] in kinds:  # a form with an operator (unit) column lists them
            raise XlgenError(TemplateCode.LIST_EMPTY, file=t.path, key=f"lists.{name}")
        if len(set(items)) != len(items):
            dup = sorted({x for x in items if items.count(x) > 1})
            raise XlgenError(TemplateCode.LIST_REPEATS, file=t.path, key=f"lists.{name}", repeated=", ".join(dup))
    labels = [g.label for g in t.grades]
    if len(set(labels)) != len(labels):
        raise XlgenError(TemplateCode.GRADES_REPEAT, file=t.path, key="grades")
    for i, ind in enumerate(t.tree):
        key = f"tree[{i}]"
        if ind.operator and ind.operator not in t.operators:
            raise XlgenError(TemplateCode.OPERATOR_UNLISTED, file=t.path, key=f"{key}.operator", operator=ind.operator,
                             listed=" ".join(t.operators))
        if ind.unit and ind.unit not in t.units:
            raise XlgenError(TemplateCode.UNIT_UNLISTED, file=t.path, key=f"{key}.unit", unit=ind.unit)
        for column, name in ind.formulas:
            if name not in t.formulas:
                raise not_a_formula(t.path, f"{key}.formulas.{column}", name, t.formulas)
        if ind.actual and ind.actual not in t.formulas:
            raise not_a_formula(t.path, f"{key}.actual", ind.actual)
        if not ind.qualitative and not ind.operator and ind.target is not None and "operator" in kinds:
            raise XlgenError(TemplateCode.OPERATOR_MISSING, file=t.path, key=f"{key}.operator")
    tree_names = [ind.name for ind in t.tree]
    for i, n in enumerate(tree_names):
        if tree_names.index(n) != i:
            raise XlgenError(TemplateCode.NAME_REPEATS, file=t.path, key=f"tree[{i}].name", name=n)
    for i, ind in enumerate(t.tree):
        if t.points_in_tree and ind.weight is None and not ind.block:  # the bound of its typed 得分
            raise XlgenError(ErrorCode.POINTS_MISSING, file=t.path, key=f"tree[{i}].weight", example=f"{ind.name}（5分）")
    for problem in points_problems(t.path, t.tree, t.tiers):
        raise problem
    weights = [ind.weight for ind in t.tree if ind.weight is not None]
    if len(weights) == len([ind for ind in t.tree if not ind.block]) and round(sum(weights), 6) != round(t.weight_indicators, 6):
        raise XlgenError(TemplateCode.WEIGHTS_SUM, file=t.path, key="tree", total=round(sum(weights), 6),
                         expected=t.weight_indicators)
    if t.grades == () and (t.spare_qualitative or any(ind.qualitative for ind in t.tree)):
        raise XlgenError(ErrorCode.KEY_MISSING, file=t.path, key="grades",
                         expected=Text("定性指标的评价等级", "grades for the qualitative indicators"))
