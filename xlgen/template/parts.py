"""The pieces a template is built of — its tables' columns, funding rows, header and footer
rows, the indicator tree — and their parsers, each error located by its TOML key."""

from __future__ import annotations

from dataclasses import dataclass, replace

from xlgen.errors import ErrorCode, Field, XlgenError
from xlgen.errors.template import TemplateCode
from xlgen.template.points import label_points
from xlgen.template.tomlspec import Node
from xlgen.lang import Text

COLUMN_TYPES = ("text", "amount", "weight", "computed", "blank", "operator", "target", "unit", "actual", "cause",
                "score", "applies")
HEADER_TYPES = ("text", "amount", "computed")
ROW_KINDS = ("quantitative", "qualitative", "linked")  # the kinds of indicator row


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    type: str
    span: int = 1
    group: str = ""
    formula: str = ""
    format: str = ""
    required: bool = True  # false: an input the row may leave empty (原因 where the form asks only sometimes)
    printed: bool = True  # false: on the screen only, right of the printed form (a form without 完成程度)
    width: float = 0.0  # the sheet columns' width in characters, shared over its span (0: from the texts)


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
    marked: tuple[str, ...] = ()  # the columns where the sources print ``mark`` (the rest: as the total)

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
    # F9: the word an indicator row's "applies" column holds when the indicator does not apply
    # (不适用): the row is not scored and its inputs are not required
    not_applicable: str = ""
    # kind of row → the fields its rows do not use (a qualitative row's 运算符号 and 度量单位): no
    # input there — written locked and blank, not yellow, no dropdown, not required
    unused: tuple[tuple[str, tuple[str, ...]], ...] = ()
    note: str = ""  # a printed note on a row of its own under the table's rows (Sichuan's 执行率 < 90 % note)

    def unused_by(self, kind: str) -> tuple[str, ...]:
        """The fields a row of ``kind`` does not use."""
        return dict(self.unused).get(kind, ())

    @property
    def applies(self) -> str:
        """The field of the "applies" column ("": the table has none)."""
        return next((c.field for c in self.columns if c.type == "applies"), "")

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.field == name:
                return col
        raise KeyError(name)

    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.field)

    @property
    def anchor(self) -> str:
        """What column A shows on the table's first row, where a reader finds the table: its label;
        without one (a form without the labels' column), its first column's heading or group."""
        first = self.columns[0] if self.columns else None
        return self.label or (first.group or first.label if first else "")

    def blocks(self) -> tuple[tuple[str, tuple[Column, ...]], ...]:
        """The goals' blocks, placed one under the other, each across the table: the runs of
        columns sharing a ``group`` (its heading over the block: Sichuan's 1.项目年度目标完成情况
        over 项目年度目标 | 年度目标完成情况, then 2.项目实施内容及过程概述 over one wide cell), or
        sharing none (one block: headings, then values)."""
        out: list[tuple[str, list[Column]]] = []
        for c in self.columns:
            if out and out[-1][0] == c.group:
                out[-1][1].append(c)
            else:
                out.append((c.group, [c]))
        return tuple((group, tuple(cols)) for group, cols in out)


@dataclass(frozen=True)
class HeaderField:
    field: str
    span: int
    type: str
    required: bool
    hint: str
    label: str = ""  # printed in the cell(s) before the field (主管部门 … 实施单位: two labels a row)
    label_span: int = 1
    formula: str = ""  # a computed field's key of [formulas] (自评总分 = {total})


@dataclass(frozen=True)
class HeaderRow:
    label: str
    fields: tuple[HeaderField, ...]
    label_span: int = 3
    # false: on the screen only, above the printed form: the department's identity where the
    # published form prints none (岳阳 附件3-1) or only its name (Sichuan's 主管部门)
    printed: bool = True


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
    # the tree's values of the table's other columns (指标性质, 评分标准, 是否核心指标, 调整指标值)
    extra: tuple[tuple[str, float | str], ...] = ()
    # the row's own rule for a computed column, chosen from [formulas] (得分系数 by "reverse")
    formulas: tuple[tuple[str, str], ...] = ()
    # a block of a department's own indicators inside its tier (达州's 部门特性指标): ``own`` open
    # rows beneath this one share its points; each of them names this row in ``block``
    own: int = 0
    block: str = ""
    # 可选项 (达州): the bureau's optional indicators beneath this row, sharing its points among
    # those a department scores (their names the bureau's, each row ``named``)
    optional: tuple[str, ...] = ()
    named: bool = False

    @property
    def beneath(self) -> int:
        """The rows of this row's block beneath it: its optional indicators, then its open rows."""
        return len(self.optional) + self.own

    @property
    def qualitative(self) -> bool:
        return isinstance(self.target, str)

    def formula(self, column: str) -> str:
        """The key of [formulas] this row uses for ``column`` instead of the column's ("": the column's)."""
        return dict(self.formulas).get(column, "")

    def value(self, name: str) -> object:
        """What the tree gives for column ``name`` (None: nothing)."""
        if name in _TREE_KEYS:
            return getattr(self, name)
        return dict(self.extra).get(name)


MAX_COLUMN_WIDTH = 255.0  # Excel's widest column, in characters


def parse_table(node: Node, funding: bool = False, applies: bool = False) -> Table:
    node.only("label", "columns", "note", *(("funding",) if funding else ()),
              *(("not_applicable", "unused") if applies else ()))
    columns = []
    for col in node.tables("columns"):
        # the sheet's columns are the indicators': only their columns may set a width
        col.only("field", "label", "type", "span", "group", "formula", "format", "required", "print",
                 *(("width",) if applies else ()))
        types = ", ".join(COLUMN_TYPES)
        kind = col.get("type", str, expected=Text(f"以下之一：{types}", f"one of {types}"))
        if kind not in COLUMN_TYPES:
            raise col.not_one_of("type", kind, Text("列类型", "a column type"), COLUMN_TYPES)
        span = col.get("span", int, default=1)
        if span < 1:
            raise col.error("span", TemplateCode.SPAN, span=span)
        column = Column(
            field=col.field_name(),
            label=col.get("label", str),
            type=kind,
            span=span,
            group=col.get("group", str, default=""),
            formula=col.get("formula", str, default=""),
            format=col.get("format", str, default=""),
            required=col.get("required", bool, default=True),
            printed=col.get("print", bool, default=True),
            width=col.get("width", float, default=0.0),
        )
        if col.has("width") and not 1 <= column.width <= MAX_COLUMN_WIDTH:
            raise XlgenError(ErrorCode.COLUMN_WIDTH, file=col.file, key=col.path("width"), width=f"{column.width:g}")
        if kind == "computed" and not column.formula:
            raise col.error("formula", TemplateCode.COMPUTED_COLUMN_FORMULA)
        _no_effect(col, kind != "computed", ("formula", "format"), TemplateCode.NO_EFFECT_NOT_COMPUTED)
        _no_effect(col, kind == "computed", ("required",), TemplateCode.NO_EFFECT_REQUIRED)
        if column.format not in ("", "percent"):
            raise col.not_one_of("format", column.format, Text("数字格式", "a number format"), ("percent",))
        columns.append(column)
    table = Table(label=node.get("label", str), columns=tuple(columns), note=node.get("note", str, default=""))
    if node.has("funding"):
        table = replace(table, funding=_funding(node.table("funding"), table))
    if applies:
        table = replace(table, not_applicable=_not_applicable(node, table), unused=_unused(node))
    return table


def _unused(node: Node) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``[indicators.unused] qualitative = ["operator", "unit"]``: the fields each kind of row does
    not use (a field the form has no column for is simply not there, as in [fixed])."""
    if not node.has("unused"):
        return ()
    kinds = node.table("unused")
    kinds.only(*ROW_KINDS)
    return tuple((kind, tuple(kinds.strings(kind))) for kind in ROW_KINDS if kinds.has(kind))


def _not_applicable(node: Node, table: Table) -> str:
    """``not_applicable = "不适用"`` with one column of type "applies" holding it (F9), or neither."""
    word = node.get("not_applicable", str, default="").strip()
    marks = [i for i, c in enumerate(table.columns) if c.type == "applies"]
    if len(marks) > 1:
        raise node.error(f"columns[{marks[1]}].type", TemplateCode.APPLIES_TWICE)
    if marks and not word:
        raise node.error("not_applicable", TemplateCode.APPLIES_WORD, column=marks[0])
    if word and not marks:
        raise node.error("not_applicable", TemplateCode.APPLIES_COLUMN)
    return word


def _funding(node: Node, table: Table) -> Funding:
    node.only("total", "sources", "sums", "lead", "mark", "marked")
    sources = tuple(node.strings("sources"))
    if not sources:
        raise node.error("sources", TemplateCode.SOURCES_EMPTY)
    names = [node.get("total", str), *sources]
    for i, name in enumerate(names):
        if not name.strip() or names.index(name) != i:
            raise node.error("sources" if i else "total", TemplateCode.FUNDING_LABEL, label=name)
    types = {c.field: c.type for c in table.columns if c.field}
    sums = tuple(node.strings("sums"))
    for i, name in enumerate(sums):
        if types.get(name) != "amount":
            raise node.not_one_of(f"sums[{i}]", name, Text("该表的金额列", "an amount column of the table"),
                                  (f for f, kind in types.items() if kind == "amount"))
    label_field = next((c.field for c in table.columns if c.type == "text" and c.field), "")
    if not label_field:
        raise node.error("total", TemplateCode.FUNDING_TEXT_COLUMN)
    others = [f for f in types if f != label_field and f not in sums]
    marked = tuple(node.strings("marked", default=others))
    _no_effect(node, not marked, ("mark",), TemplateCode.NO_EFFECT_NOTHING_MARKED)
    for i, name in enumerate(marked):
        if name not in others:
            raise node.not_one_of(f"marked[{i}]", name, Text("资金来源行可标记的列", "a column the sources may mark"), others)
    return Funding(total=names[0], sources=sources, sums=sums, label_field=label_field,
                   lead=node.get("lead", str, default=""), mark=node.get("mark", str, default="/"), marked=marked)


def _no_effect(node: Node, when: bool, keys: tuple[str, ...], code: TemplateCode, **fields: Field) -> None:
    """A key given where it would change nothing is an error (#22): a mistake must not vanish."""
    for key in keys:
        if when and node.has(key):
            raise node.error(key, code, **fields)


def parse_header(nodes: list[Node]) -> tuple[HeaderRow, ...]:
    """The ``[[header]]`` rows; those on the screen only come first, as they are placed (above the title)."""
    rows = tuple(parse_header_row(n) for n in nodes)
    for node, row, before in zip(nodes[1:], rows[1:], rows):
        if not row.printed and before.printed:
            raise node.error("print", TemplateCode.HEADER_PRINT_ORDER)
    return rows


def parse_header_row(node: Node, footer: bool = False) -> HeaderRow:
    """A row of the header or the footer: its label, then fields (each may bring its own label);
    a header row may be on the screen only (``print = false``)."""
    node.only("label", "fields", "label_span", *(() if footer else ("print",)))
    fields = []
    for item in node.tables("fields"):
        item.only("field", "span", "type", "required", "hint", "label", "label_span", "formula")
        kind = item.get("type", str, default="text")
        if kind not in HEADER_TYPES:
            raise item.not_one_of("type", kind, Text("表头字段类型", "a header field type"), HEADER_TYPES)
        field_ = HeaderField(
            field=item.field_name(),
            span=item.get("span", int, default=1),
            type=kind,
            required=item.get("required", bool, default=False),
            hint=item.get("hint", str, default=""),
            label=item.get("label", str, default=""),
            label_span=item.get("label_span", int, default=1),
            formula=item.get("formula", str, default=""),
        )
        if min(field_.span, field_.label_span) < 1:
            raise item.error("span", TemplateCode.FIELD_SPAN)
        _no_effect(item, kind == "computed", ("required", "hint"), TemplateCode.NO_EFFECT_COMPUTED_FIELD)
        _no_effect(item, not field_.label, ("label_span",), TemplateCode.NO_EFFECT_NO_LABEL)
        if (kind == "computed") != bool(field_.formula):
            raise item.error("formula", TemplateCode.COMPUTED_FIELD_FORMULA)
        fields.append(field_)
    label = node.get("label", str, default="")
    span = node.get("label_span", int, default=3 if label else 0)
    if span < 0 or (label and span < 1):
        raise node.error("label_span", TemplateCode.LABEL_SPAN, span=span, label=label)
    return HeaderRow(label=label, fields=tuple(fields), label_span=span, printed=node.get("print", bool, default=True))


def points_in_tree(indicators: Table) -> bool:
    """Whether the rows' points are the tree's alone: a 得分 column and no 分值 column (达州's 得分表),
    each row's points written into its formulas as a number (the bound of its typed 得分)."""
    fields = indicators.fields()
    return "score" in fields and "weight" not in fields


def points_of(name: str, indicators: Table) -> float | None:
    """A tree row's points when it gives no ``weight``: on a form without a 分值 column, the
    points its printed name states (相关性（5分）)."""
    return label_points(name) if points_in_tree(indicators) else None


_TREE_KEYS = ("level1", "level2", "name", "operator", "target", "unit", "weight", "actual")


def parse_tree(node: Node, indicators: Table) -> TreeIndicator:
    """One indicator of the bureau's tree: its tiers (those the table has), name, measures, and
    the values of the table's other text or target columns (指标性质, 评分标准, 调整指标值)."""
    others = [c.field for c in indicators.columns if c.field and c.field not in _TREE_KEYS
              and c.type in ("text", "target", "operator", "unit")]
    node.only(*_TREE_KEYS, *others, "formulas", "own", "optional")
    computed = [c.field for c in indicators.columns if c.type == "computed"]
    rules = node.table("formulas", required=False)
    for column in rules.data:
        if column not in computed:
            raise rules.not_one_of(column, column, Text("绩效指标表的计算列", "a computed column of the indicators"), computed)
    fields = indicators.fields()
    for key in ("level1", "level2", "operator", "target", "unit"):
        _no_effect(node, key not in fields, (key,), TemplateCode.NO_EFFECT_NO_COLUMN, column=key)
    # a row's points: in the 分值 column, or, on a form without one, the bound of its typed 得分
    _no_effect(node, "weight" not in fields and "score" not in fields, ("weight",), TemplateCode.NO_EFFECT_NO_POINTS)
    name = node.get("name", str)
    return TreeIndicator(
        level1=node.get("level1", str) if "level1" in fields else node.get("level1", str, default=""),
        level2=node.get("level2", str) if "level2" in fields else node.get("level2", str, default=""),
        name=name,
        operator=node.get("operator", str, default=""),
        target=node.number_or_text("target"),
        unit=node.get("unit", str, default=""),
        weight=node.get("weight", float) if node.has("weight") else points_of(name, indicators),
        actual=node.get("actual", str, default=""),
        extra=tuple((name, value) for name in others
                    if (value := node.number_or_text(name)) is not None),
        formulas=tuple((column, rules.get(column, str)) for column in rules.data),
        own=_own(node, indicators),
        optional=_optional(node, indicators),
    )


def _own(node: Node, indicators: Table) -> int:
    """``own = N``: N open rows beneath the row for a department's own indicators, sharing its
    points (the row's typed 得分 is their sum's bound); on a form whose points are the tree's."""
    if not node.has("own"):
        return 0
    count = node.get("own", int)
    if not points_in_tree(indicators):
        raise XlgenError(ErrorCode.OWN_ROWS_POINTS, file=node.file, key=node.path("own"))
    if count < 1:
        raise XlgenError(ErrorCode.OWN_ROWS_COUNT, file=node.file, key=node.path("own"), count=count)
    return count


def _optional(node: Node, indicators: Table) -> tuple[str, ...]:
    """``optional = ["经济效益(可选项)", …]``: the bureau's optional indicators beneath the row,
    sharing its points; on a form whose points are the tree's."""
    if not node.has("optional"):
        return ()
    names = tuple(node.strings("optional"))
    if not points_in_tree(indicators):
        raise XlgenError(ErrorCode.OWN_ROWS_POINTS, file=node.file, key=node.path("optional"))
    if not names:
        raise XlgenError(ErrorCode.OWN_ROWS_COUNT, file=node.file, key=node.path("optional"), count=0)
    return names


def own_rows(ind: TreeIndicator) -> list[TreeIndicator]:
    """The rows of ``ind``'s block, in order: its optional indicators (named by the bureau), then
    its open rows (a name the department writes); its tiers, no points of their own (the block's)."""
    named = [TreeIndicator(level1=ind.level1, level2=ind.level2, name=name, operator="", target=None, unit="",
                           weight=None, block=ind.name, named=True) for name in ind.optional]
    return named + [TreeIndicator(level1=ind.level1, level2=ind.level2, name=f"{ind.name}（{k + 1}）", operator="",
                                  target=None, unit="", weight=None, block=ind.name) for k in range(ind.own)]
