"""The parts of a template's [template] and [rows] tables that need no other part: its sections,
where its note prints, how it prints on the page, the task rows a blank offers."""

from __future__ import annotations

from xlgen.lang import Text
from xlgen.template.parts import Table, points_in_tree
from xlgen.template.tomlspec import Node

SECTIONS = ("tasks", "goals", "indicators")  # the tables of a form, in the national order


def sections(meta: Node) -> tuple[str, ...]:
    """[template] sections: the tables the form has, top to bottom; the indicators come last."""
    sections = tuple(meta.strings("sections", default=list(SECTIONS)))
    if not sections or sections[-1] != "indicators" or len(set(sections)) != len(sections) \
            or not set(sections) <= set(SECTIONS):
        raise meta.invalid("sections", Text(
            f"{list(sections)}：应为 tasks、goals 中的若干个（各一次），最后是 indicators（如 [\"goals\", \"tasks\", \"indicators\"]）",
            f"{list(sections)}: expected some of tasks, goals, each once, "
            "then indicators last (e.g. [\"goals\", \"tasks\", \"indicators\"])"))
    return sections


UNIT_NOTE_PLACES = ("year", "top")


def unit_note_at(meta: Node) -> str:
    """[template] unit_note_at: the note at the right of the year line, or the form's first line."""
    at = meta.get("unit_note_at", str, default="year")
    if at not in UNIT_NOTE_PLACES:
        raise meta.not_one_of("unit_note_at", at, Text("备注的位置", "a place for the note"), UNIT_NOTE_PLACES)
    if at != "year" and not meta.get("unit_note", str, default=""):
        raise meta.invalid("unit_note_at", Text("没有 unit_note 时此键无作用：删除它",
                                                "has no effect without a unit_note: remove it"))
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
        raise root.invalid(name, Text(
            f"表中没有 {name}（[template] sections 未列出它）：删除该表，或把 \"{name}\" 加入 sections",
            f"the form has no {name} ([template] sections leaves it out); remove the table "
            f"or add \"{name}\" to sections"))
    return Table(label="", columns=())


def task_rows(rows: Node, tasks: Table) -> int:
    """How many task rows a blank offers: [rows] tasks, or with funding rows exactly those."""
    if tasks.funding is None:
        count = rows.get("tasks", int)
        if count < 1:
            raise rows.invalid("tasks", Text(
                f"任务行数为 {count}；没有任务的表应在 [template] sections 中去掉 \"tasks\"（并去掉 [tasks] 表）",
                f"{count} task rows; a form without tasks leaves \"tasks\" out of "
                "[template] sections (and the [tasks] table out)"))
        return count
    count = rows.get("tasks", int, default=tasks.funding.rows)
    if count != tasks.funding.rows:
        raise rows.invalid("tasks", Text(
            f"任务行数为 {count}，而 tasks.funding 放置 {tasks.funding.rows} 行（合计及其来源）：请删去 rows.tasks",
            f"{count} task rows, but tasks.funding places {tasks.funding.rows} "
            "(the total and its sources); leave rows.tasks out"))
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
        raise weights.invalid(name, Text(f"{name} 表没有分值：此键无作用，删除它",
                                         f"the {name} table carries no points: this key has no effect; remove it"))
    return 0.0
