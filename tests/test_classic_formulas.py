"""Every formula xlgen writes — in cells, data validations, conditional formats and defined
names — uses only classic functions (Excel 2010, WPS, LibreOffice) and bounded ranges."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest

from tests.helpers.common import ROOT
from xlgen.template.fill import load_fill
from xlgen.template.model import ALLOWED_FUNCTIONS, load_template
from xlgen.generate.workbook import generate

FORMS = {"liaoning-department-overall": "chaoyang-2024.toml", "mof-project": "mof-project-2024.toml",
         "jiangxi-project": "mof-project-2024.toml"}
_FORMULA_XML = re.compile(r"<(f|formula|formula1|formula2)\b[^>]*>(.*?)</\1>", re.S)
# Print titles are whole rows by Excel's own definition ($15:$16): the one exception.
_DEFINED = re.compile(r'<definedName\b(?![^>]*name="_xlnm\.Print_Titles")[^>]*>(.*?)</definedName>', re.S)
_STRING = re.compile(r'"(?:[^"]|"")*"')
_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(")
_WHOLE = re.compile(r"(?<![A-Za-z0-9_$])\$?[A-Z]{1,3}:\$?[A-Z]{1,3}(?![A-Za-z0-9_(])|(?<![A-Za-z$])\$?\d+:\$?\d+(?![0-9])")


def formulas_in(path: Path) -> list[str]:
    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8")
                out += [html.unescape(m.group(2)) for m in _FORMULA_XML.finditer(xml)]
                out += [html.unescape(m.group(1)) for m in _DEFINED.finditer(xml)]
    return out


@pytest.mark.parametrize("name", list(FORMS))
@pytest.mark.parametrize("filled", [True, False])
def test_only_classic_functions_and_bounded_ranges(name: str, filled: bool, tmp_path: Path) -> None:
    template = load_template(name)
    fill = load_fill(ROOT / "samples" / FORMS[name], template) if filled else None
    book = generate(template, fill, tmp_path / f"{name}.xlsx", year=2025)
    found = formulas_in(book.path)
    assert len(found) > 100
    for text in found:
        bare = _STRING.sub('""', text)
        assert "_xlfn" not in bare and "_xlws" not in bare, text
        used = {f.upper() for f in _FUNCTION.findall(bare)}
        assert used <= ALLOWED_FUNCTIONS, f"{sorted(used - ALLOWED_FUNCTIONS)} in {text}"
        assert not _WHOLE.search(bare), f"a whole-column or whole-row range in {text}"


@pytest.mark.parametrize("formula, cells, expected", [
    ("SUM($K$6:$K$6)", {"K6": ""}, 0.0),  # a one-cell range holding "" (a blank score): Excel's 0
    ("SUM(K6)+1", {"K6": "九十五"}, 1.0),  # a cell named directly is a reference: its text is skipped
    ("SUM(K6,2)", {"K6": 3.0}, 5.0),
    ('SUM("3",2)', {}, 5.0),  # a literal text is converted, as Excel does
    ("COUNT(K6,$K$7:$K$8)", {"K6": "", "K7": 1.0}, 1.0),
    ("MAX(K6)", {"K6": "100%"}, 0.0),
])
def test_aggregates_read_a_cell_as_a_range(formula: str, cells: dict[str, object], expected: float) -> None:
    """Found by the agreement test: a text pasted into a task's 执行金额 left its 得分 "" and
    LibreOffice's 合计 SUM($K$6:$K$6)+… a number, while xlgen's engine, reading the one-cell range
    as a scalar, gave #VALUE!."""
    from xlgen.formula.compiler import evaluate

    assert evaluate("Z1", formula, cells.get) == expected
