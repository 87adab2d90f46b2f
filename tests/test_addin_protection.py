"""Protection: every cell of the form locked except the inputs, which carry the input colour;
the sheet protected without a password unless one is given; rows and columns stay resizable."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.helpers.addinxml import NS, cell_styles, part, sheet, sheet_states
from tests.helpers.common import SAMPLE
from xlgen.cli import app
from xlgen.errors import XlgenError
from xlgen.errors.generate import GenerateCode
from xlgen.layout.model import INPUT, Layout
from xlgen.generate.styles import FIXED_FILL, INPUT_FILL
from xlgen.template.model import Template
from xlgen.generate.workbook import Generated, generate

INPUT_ARGB = "FF" + INPUT_FILL.lstrip("#").upper()
FIXED_ARGB = "FF" + FIXED_FILL.lstrip("#").upper()


def input_cells(layout: Layout, fixed: set[str]) -> set[tuple[int, int]]:
    """The cells a department fills: inputs, less the bureau's values the workbook was given."""
    return {(r, c) for s in layout.slots.values() if s.role == INPUT and s.key not in fixed
            for r in range(s.row, s.bottom + 1) for c in range(s.col, s.last_col + 1)}


def protection(path: Path, sheet_name: str) -> ET.Element:
    found = sheet(path, sheet_name).find("m:sheetProtection", NS)
    assert found is not None, f"{sheet_name} is not protected"
    return found


def test_inputs_unlocked_and_coloured_everything_else_locked(sample: Generated) -> None:
    lay = sample.layout
    styles = cell_styles(sample.path, lay.template.sheet)
    fixed = lay.fixed_values(sample.inputs)
    inputs = input_cells(lay, set(fixed))
    assert len(inputs) > 100
    assert len(fixed) > 80  # identity, budget, tasks given, the tree: locked in the bureau's colour
    for key in fixed:
        s = lay.slots[key]
        assert styles[(s.row, s.col)].locked and styles[(s.row, s.col)].fill == FIXED_ARGB, key
    last_col = max(lay.helper_cols.values())
    for r in range(lay.last_row + 1):
        for c in range(last_col + 1):
            style = styles.get((r, c))
            if (r, c) in inputs:
                assert style is not None and not style.locked, f"input {(r, c)} is locked"
                assert style.fill == INPUT_ARGB, f"input {(r, c)} is not coloured as an input"
            elif style is not None:  # cells the form writes: labels, formulas, fixed names, helpers
                assert style.locked, f"{(r, c)} is not an input but unlocked"
                assert style.fill != INPUT_ARGB, f"{(r, c)} is not an input but coloured as one"
    formulas = {(s.row, s.col) for s in lay.slots.values() if s.role == "formula"}
    assert formulas and all(styles[rc].locked for rc in formulas)


def test_the_form_uses_simsun_everywhere(sample: Generated) -> None:
    styles = cell_styles(sample.path, sample.layout.template.sheet)
    assert {s.font for s in styles.values()} == {"宋体"}
    fonts = part(sample.path, "xl/styles.xml").find("m:fonts", NS)
    simsun = [f for f in fonts if f.find("m:name", NS).get("val") == "宋体"]
    # charset GB2312: a client without SimSun falls back to a Chinese font
    assert simsun and all(f.find("m:charset", NS).get("val") == "134" for f in simsun)


def test_sheet_protected_without_password_rows_and_columns_resizable(sample: Generated) -> None:
    prot = protection(sample.path, sample.layout.template.sheet)
    assert prot.get("sheet") == "1"
    assert prot.get("password") is None
    # OOXML: an attribute "1" forbids the action; absent or "0" allows it (selection by default)
    assert prot.get("formatColumns") == "0" and prot.get("formatRows") == "0"
    assert prot.get("selectLockedCells") in (None, "0") and prot.get("selectUnlockedCells") in (None, "0")
    for forbidden in ("insertRows", "deleteRows", "insertColumns", "deleteColumns", "formatCells"):
        assert prot.get(forbidden) in (None, "1"), forbidden
    ws = openpyxl.load_workbook(sample.path)[sample.layout.template.sheet]
    assert ws.protection.sheet and not ws.protection.formatColumns and not ws.protection.formatRows


def test_list_and_guide_sheets_are_protected(sample: Generated) -> None:
    states = sheet_states(sample.path)
    assert list(states) == [sample.layout.template.sheet, "填表说明", "lists"]
    assert states == {sample.layout.template.sheet: "visible", "填表说明": "visible", "lists": "hidden"}
    for name in ("填表说明", "lists"):
        assert protection(sample.path, name).get("sheet") == "1"


def workbook_protection(path: Path) -> ET.Element:
    book = part(path, "xl/workbook.xml")
    found = book.findall("m:workbookProtection", NS)
    assert len(found) == 1
    # CT_Workbook's order: the protection sits between workbookPr and bookViews
    tags = [child.tag.split("}")[1] for child in book]
    assert tags.index("workbookPr") + 1 == tags.index("workbookProtection") == tags.index("bookViews") - 1
    return found[0]


def test_workbook_structure_is_locked(sample: Generated) -> None:
    """The hidden list sheet cannot be unhidden, nor the form sheet renamed or deleted."""
    assert workbook_protection(sample.path).attrib == {"lockStructure": "1"}


def excel_password_hash(password: str) -> str:
    """Excel's legacy sheet-password hash (ECMA-376 Part 4, 14.7.1), written out independently."""
    h = 0
    for ch in reversed(password):
        h = ((h >> 14) & 1) | ((h << 1) & 0x7FFF)
        h ^= ord(ch)
    h = ((h >> 14) & 1) | ((h << 1) & 0x7FFF)
    h ^= len(password) ^ 0xCE4B
    return f"{h:04X}"


def test_password_option_sets_the_password(template: Template, tmp_path: Path) -> None:
    out = generate(template, None, tmp_path / "locked.xlsx", year=2025, password="Cz#2025").path
    assert protection(out, template.sheet).get("password") == excel_password_hash("Cz#2025")
    assert excel_password_hash("password") == "83AF"  # the value Excel writes for "password"
    assert workbook_protection(out).attrib == {"lockStructure": "1", "workbookPassword": excel_password_hash("Cz#2025")}
    result = CliRunner().invoke(app, ["generate", str(template.path), "--data", str(SAMPLE), "-o",
                                      str(tmp_path / "cli.xlsx"), "--password", "secret"])
    assert result.exit_code == 0, result.output
    assert protection(tmp_path / "cli.xlsx", template.sheet).get("password") == excel_password_hash("secret")


def test_a_password_excel_cannot_type_back_is_refused(template: Template, tmp_path: Path) -> None:
    with pytest.raises(XlgenError) as info:
        generate(template, None, tmp_path / "cjk.xlsx", year=2025, password="财政2025")
    assert info.value.code is GenerateCode.PASSWORD_CHARS and "'财'" in str(info.value)
    assert not (tmp_path / "cjk.xlsx").exists()
    result = CliRunner().invoke(app, ["generate", str(template.path), "-o", str(tmp_path / "x.xlsx"),
                                      "--password", "密码"])
    assert result.exit_code == 2 and "--password" in result.output and "Traceback" not in result.output
