"""The total's level as a live header cell (自评等级): a formula `{level}` is the IF chain of the
template's [[levels]] on the total (MOF 90 / 80 / 60 → 优 / 良 / 中 / 差), written by xlgen from
the one list that also grades `verify`'s result.

Hand arithmetic: samples/chongqing-department-overall-2024.toml totals 87.94 (tests/test_province_forms.py):
87.94 < 90 and ≥ 80 → 良. The chongqing form prints only its 自评总分; this variant adds 自评等级 beside
联系电话 (as forms with a grade in the header do, issue 14).
"""

from __future__ import annotations

import re
from pathlib import Path
import pytest

from tests.helpers.common import ROOT, read_values
from tests.helpers.verifykit import cell_xml, edit_sheet
from xlgen.errors import XlgenError
from xlgen.generate.workbook import Generated, generate
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template

SOURCE = ROOT / "templates" / "chongqing-department-overall.toml"
OLD = '''  { field = "contact", span = 4, type = "text", required = true, hint = "部门联系人" },
  { field = "phone", label = "联系电话", label_span = 2, span = 4, type = "text", required = true, hint = "联系电话" },
]'''
NEW = '''  { field = "contact", span = 2, type = "text", required = true, hint = "部门联系人" },
  { field = "phone", label = "联系电话", label_span = 2, span = 3, type = "text", required = true, hint = "联系电话" },
  { field = "self_level", label = "自评等级", label_span = 2, span = 1, type = "computed", formula = "header_level" },
]

[formulas.header_level]
formula = "{level}"
needs = ["total"]'''


def variant(folder: Path, new: str = NEW) -> Path:
    src = SOURCE.read_text(encoding="utf-8")
    assert OLD in src
    path = folder / "chongqing-level.toml"
    path.write_text(src.replace(OLD, new).replace('extends = "_base/national"', 'extends = "'
                    + (ROOT / "templates" / "_base" / "national").as_posix() + '"'), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("level")
    t = load_template(variant(out))
    return generate(t, load_fill(ROOT / "samples" / "chongqing-department-overall-2024.toml", t), out / "level.xlsx")


def test_the_header_shows_the_totals_level(book: Generated, tmp_path: Path) -> None:
    lay = book.layout
    total = lay.slot("total").a1
    assert lay.slot("header.self_level").formula == (
        f'IF(ISNUMBER({total}),IF({total}>=90,"优",IF({total}>=80,"良",IF({total}>=60,"中","差"))),"")')
    assert (book.total, book.results["header.self_level"]) == (87.94, "良")
    assert read_values(book.path)[lay.slot("header.self_level").a1] == "良"
    blank = generate(load_template(lay.template.path), None, tmp_path / "blank.xlsx")
    assert blank.results["header.self_level"] == ""


@pytest.mark.libreoffice
def test_libreoffice_agrees_and_verify_judges(book: Generated, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from xlgen.libreoffice import convert
    from xlgen.verify.batch import verify_file

    monkeypatch.setenv("XLGEN_TEMPLATES", str(book.layout.template.path.parent))
    (saved,) = convert([book.path], "xlsx", tmp_path / "lo")
    cell = book.layout.slot("header.self_level").a1
    assert read_values(saved)[cell] == "良"
    honest = verify_file(saved)
    assert honest.status == "pass" and honest.level == "良", [f.message("en") for f in honest.findings]

    def typed_over(xml: str) -> str:  # the grade typed as a constant 优
        old = cell_xml(xml, cell)
        return xml.replace(old, re.sub(r"<f[^>]*>.*?</f>", '<f>"优"</f>', old), 1)

    result = verify_file(edit_sheet(saved, tmp_path / "tampered.xlsx", typed_over))
    assert result.status == "fail" and any(f.cell == cell for f in result.findings), \
        [f.message("en") for f in result.findings]


def test_a_level_without_levels_is_a_located_error(tmp_path: Path) -> None:
    src = variant(tmp_path).read_text(encoding="utf-8")
    path = tmp_path / "nolevels.toml"
    path.write_text(re.sub(r"\[\[levels\]\]\nlabel = \"[^\"]+\"\nmin = \d+\n", "", src), encoding="utf-8")
    with pytest.raises(XlgenError) as info:
        load_template(path)
    assert "key 'formulas.header_level'" in str(info.value) and "no [[levels]]" in str(info.value)

