"""Provenance and the 填表说明 sheet: properties that tie a file to its template, defined names
over every input and output, and the guide that documents the colours and the rules."""

from __future__ import annotations

import re

from tests.helpers.addinxml import NS, cell_styles, cells_in, defined_names, part, sheet
from xlgen import __version__
from xlgen.layout.model import FIXED
from xlgen.generate.styles import INPUT_FILL
from xlgen.template.model import Template
from xlgen.generate.workbook import Generated


def custom_properties(book: Generated) -> dict[str, str]:
    root = part(book.path, "docProps/custom.xml")
    return {p.get("name"): "".join(p.itertext()) for p in root}


def test_custom_properties(sample: Generated, template: Template) -> None:
    props = custom_properties(sample)
    assert props["xlgen_template_id"] == "liaoning-department-overall" == template.id
    assert props["xlgen_template_version"] == template.version
    assert re.fullmatch(r"[0-9a-f]{64}", props["xlgen_template_sha256"])
    assert props["xlgen_template_sha256"] == template.sha256
    assert props["xlgen_version"] == __version__
    assert props["xlgen_department_code"] == "703010"
    assert props["xlgen_year"] == "2024"
    assert props["xlgen_layout"] == "2"
    assert props["xlgen_seal"].startswith("sha256:")  # the seal of the bureau's fixed values (test_seal.py)
    assert props["xlgen_tasks_set"] == "0,1,2"  # the fill's three tasks: the task rows under them are closed
    assert {k for k in props if not k.startswith("xlgen_fixed_")} == {
        "xlgen_template_id", "xlgen_template_version", "xlgen_template_sha256", "xlgen_version", "xlgen_layout",
        "xlgen_department_code", "xlgen_year", "xlgen_seal", "xlgen_tasks_set"}


def named_cells(book: Generated) -> dict[str, set[tuple[int, int]]]:
    """xlgen's defined names on the form sheet → the cells they cover."""
    out = {}
    for name, ref in defined_names(book.path).items():
        sheet_name, _, rng = ref.rpartition("!")
        if name.startswith("xlgen_") and sheet_name.strip("'") == book.layout.template.sheet:
            out[name] = set(cells_in(rng.replace("$", "")))
    return out


def test_every_input_and_output_is_inside_a_name(sample: Generated) -> None:
    names = named_cells(sample)
    covered = set().union(*names.values())
    for slot in sample.layout.slots.values():
        if slot.role != FIXED:
            assert (slot.row, slot.col) in covered, f"{slot.key} ({slot.a1}) is in no defined name"
    # each table column, each header field, the total and each check has a name of its own
    for slot in sample.layout.slots.values():
        if slot.section in ("header", "goals", "total", "checks"):
            assert {(slot.row, slot.col)} in names.values(), slot.key
    for table in ("tasks", "indicators"):
        fields = {s.field for s in sample.layout.slots.values() if s.section == table}
        for field in fields:
            cells = names[f"xlgen_{table}_{field}"]
            assert {(s.row, s.col) for s in sample.layout.slots.values()
                    if s.section == table and s.field == field} <= cells


def test_print_names_and_list_names(sample: Generated) -> None:
    names = defined_names(sample.path)
    assert "_xlnm.Print_Area@0" in names and "_xlnm.Print_Titles@0" in names
    for kind in ("operators", "units", "grades"):
        assert names[f"xlgen_list_{kind}"].startswith("'lists'!")


def guide_text(book: Generated) -> str:
    shared = [si.findtext("m:t", "", NS) for si in part(book.path, "xl/sharedStrings.xml")]
    cells = sheet(book.path, "填表说明").iter(f"{{{NS['m']}}}c")
    return "\n".join(shared[int(c.findtext("m:v", "", NS))] for c in cells if c.get("t") == "s")


def test_guide_documents_the_input_colour_and_the_rules(sample: Generated, template: Template) -> None:
    text = guide_text(sample)
    assert "黄色" in text and "填报项" in text
    assert "分值合计应为 40" in text and "分值合计应为 60" in text
    for g in template.grades:
        assert g.label in text
    for word in ("下拉列表", "偏差原因分析", "改进措施", "填报检查", "通过", "橙色", "浅红色"):
        assert word in text, word
    swatches = {style.fill for style in cell_styles(sample.path, "填表说明").values()}
    assert "FF" + INPUT_FILL.lstrip("#").upper() in swatches
