"""The parts of a template's [template] and [rows] tables that need no other part: its sections,
where its note prints, how it prints on the page, the task rows a blank offers."""

from __future__ import annotations

from xlgen.errors.template import TemplateCode
from xlgen.lang import Text
from xlgen.template.parts import Table, points_in_tree
from xlgen.template.tomlspec import Node

SECTIONS = ("tasks", "goals", "indicators")  # the tables of a form, in the national order


def sections(meta: Node) -> tuple[str, ...]:
    """[template] sections: the tables the form has, top to bottom; the indicators come last."""
    sections = tuple(meta.strings("sections", default=list(SECTIONS)))
    if not sections or sections[-1] != "indicators" or len(set(sections)) != len(sections) \
            or not set(sections) <= set(SECTIONS):
        raise meta.error("sections", TemplateCode.SECTIONS, sections=str(list(sections)))
    return sections


UNIT_NOTE_PLACES = ("year", "top")


def unit_note_at(meta: Node) -> str:
    """[template] unit_note_at: the note at the right of the year line, or the form's first line."""
    at = meta.get("unit_note_at", str, default="year")
    if at not in UNIT_NOTE_PLACES:
        raise meta.not_one_of("unit_note_at", at, Text("备注的位置", "a place for the note"), UNIT_NOTE_PLACES)
    if at != "year" and not meta.get("unit_note", str, default=""):
        raise meta.error("unit_note_at", TemplateCode.UNIT_NOTE_AT_ALONE)
    return at


ORIENTATIONS = ("landscape", "portrait")


def orientation(meta: Node) -> str:
    """[template] orientation: how the form prints on A4."""
    orientation = meta.get("orientation", str, default="landscape")
    if orientation not in ORIENTATIONS:
        raise meta.not_one_of("orientation", orientation, Text("纸张方向", "a page orientation"), ORIENTATIONS)
    return orientation


def absent(root: Node, name: str) -> Table:
    """A table the form does not have ([template] sections leaves it out): none may be given."""
    if root.has(name):
        raise root.error(name, TemplateCode.SECTION_ABSENT, name=name)
    return Table(label="", columns=())


def task_rows(rows: Node, tasks: Table) -> int:
    """How many task rows a blank offers: [rows] tasks, or with funding rows exactly those."""
    if tasks.funding is None:
        count = rows.get("tasks", int)
        if count < 1:
            raise rows.error("tasks", TemplateCode.TASK_ROWS_NONE, count=count)
        return count
    count = rows.get("tasks", int, default=tasks.funding.rows)
    if count != tasks.funding.rows:
        raise rows.error("tasks", TemplateCode.TASK_ROWS_FUNDING, count=count, rows=tasks.funding.rows)
    return count


def weighted(table: Table) -> bool:
    """Whether the table's rows carry points: a 分值 column, or the tree's points (no 分值 column, a 得分 one)."""
    return any(c.type == "weight" for c in table.columns) or points_in_tree(table)


def scores(tasks: Table, indicators: Table) -> bool:
    """Whether the form scores: a 分值 or 得分 column in its tasks or indicators (衡山's has neither)."""
    return any(c.type in ("weight", "score") or c.field == "score" for t in (tasks, indicators) for c in t.columns)


def table_weight(weights: Node, name: str, table: Table) -> float:
    """``[weights] NAME``: what the table's 分值 add up to; needed where its rows carry points, and
    an error (it would change nothing) where they carry none."""
    if weighted(table):
        return weights.get(name, float)
    if weights.has(name):
        raise weights.error(name, TemplateCode.WEIGHT_WITHOUT_POINTS, table=name)
    return 0.0
