"""User text is data: every text field, from a fill or a roster, is written as a string, so a
value such as `=cmd|' /C calc'!A0` or `@SUM(A1)` stays text and never becomes a formula."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest

from xlgen.cycle.distribute import distribute
from xlgen.template.fill import Fill
from xlgen.layout.model import INPUT, Layout
from xlgen.template.model import Template, load_template
from xlgen.generate.workbook import generate

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2-3", "@SUM(A1:A9)", '=HYPERLINK("file:///etc/passwd","x")',
           "http://example.invalid/x"]
TEXT_TYPES = ("text", "cause", "target", "actual", "operator", "unit")


def text_slots(layout: Layout) -> list[str]:
    return [s.key for s in layout.slots.values() if s.role == INPUT and s.type in TEXT_TYPES]


def sheet_cells(path: Path) -> dict[str, str]:
    """A1 → the raw <c> element of the form sheet."""
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return {m.group(1): m.group(0) for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', xml, re.S)}


def shared_strings(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/sharedStrings.xml").decode("utf-8")
    return [html.unescape(re.sub(r"<[^>]+>", "", si)) for si in re.findall(r"<si>(.*?)</si>", xml, re.S)]


def hostile_fill(layout: Layout) -> Fill:
    fill = Fill(year=2024)
    for i, key in enumerate(text_slots(layout)):
        value = HOSTILE[i % len(HOSTILE)]
        if key.startswith("header."):
            fill.header[key.split(".", 1)[1]] = value
        elif key.startswith("goals."):
            fill.goals[key.split(".", 1)[1]] = value
        else:
            table, _, field = key.partition("].")
            name, _, index = table.partition("[")
            i_row = int(index)
            if name == "tasks":
                while len(fill.tasks) <= i_row:
                    fill.tasks.append({})
                fill.tasks[i_row][field] = value
            else:
                row = layout.indicator_rows[i_row]
                if row.tree is not None:
                    fill.indicators.setdefault(row.tree.name, {})[field] = value
                else:
                    k = i_row - len(layout.template.tree)
                    while len(fill.extra_indicators) <= k:
                        fill.extra_indicators.append({})
                    fill.extra_indicators[k][field] = value
    return fill


@pytest.mark.parametrize("name", ["liaoning-department-overall", "mof-project"])
def test_every_text_field_stays_text(name: str, tmp_path: Path) -> None:
    template: Template = load_template(name)
    from xlgen.layout.values import layout_for

    probe = layout_for(template, None)
    fill = hostile_fill(probe)
    book = generate(template, fill, tmp_path / "hostile.xlsx")
    cells, strings = sheet_cells(book.path), shared_strings(book.path)
    checked = 0
    for key in text_slots(book.layout):
        value = book.inputs.get(key)
        if value not in HOSTILE:
            continue
        raw = cells[book.layout.slot(key).a1]
        assert "<f>" not in raw, f"{key}: {value!r} was written as a formula: {raw}"
        assert 't="s"' in raw, f"{key}: not a string cell: {raw}"
        index = int(re.search(r"<v>(\d+)</v>", raw).group(1))  # type: ignore[union-attr]
        assert strings[index] == value
        checked += 1
    assert checked == sum(1 for k in text_slots(book.layout) if book.inputs.get(k) in HOSTILE) >= 20
    with zipfile.ZipFile(book.path) as zf:
        assert not any("hyperlink" in n for n in zf.namelist())


def test_roster_text_stays_text(template: Template, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("department_code,department_name,area_code\n"
                      "703010,\"=cmd|' /C calc'!A0\",@SUM(A1)\n", encoding="utf-8")
    (done,) = distribute(template, roster, 2025, tmp_path / "out", leave_open=True)
    cells = sheet_cells(done.file)
    from xlgen.layout.values import layout_for

    lay = layout_for(template, None)
    for key in ("header.department_name", "header.area_code"):
        raw = cells[lay.slot(key).a1]
        assert "<f>" not in raw and 't="s"' in raw, raw
