"""The printed form is the form as published (#22): the print area of every built-in template
ends before the 填报检查 block, and a template's ``unit_note`` is on the form where the province
prints it (金额单位：万元 at the right of the year line; Sichuan's 报表编号 as the first line)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.helpers.common import ROOT
from xlgen.formula.references import col_letters
from xlgen.generate.workbook import generate
from xlgen.template.model import load_template

BUILT_IN = sorted(p.stem for p in (ROOT / "templates").glob("*.toml"))


@pytest.mark.parametrize("name", BUILT_IN)
def test_the_print_area_ends_before_the_checks(name: str, tmp_path: Path) -> None:
    book = generate(load_template(name), None, tmp_path / "blank.xlsx", year=2025)
    ws = openpyxl.load_workbook(book.path)[book.layout.template.sheet]
    check_rows = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "填报检查"]
    assert len(check_rows) == 1
    last = check_rows[0] - 1  # the row above the block: the form's last (the total or a footer row)
    total_row = book.layout.end_marker()[0] + 1  # the total row (a form without scores: the row under the table)
    assert total_row <= last
    first = book.layout.form_first_row + 1  # header rows on the screen only (print = false) sit above
    assert ws.print_area == f"'{ws.title}'!$A${first}:${col_letters(book.layout.template.print_width - 1)}${last}"
    screen = [h.label for h in book.layout.template.header if not h.printed]
    assert [ws.cell(r, 1).value for r in range(1, first)] == screen
    # nothing of the form below the print area but the 填报检查 block
    below = {ws.cell(r, c).value for r in range(last + 1, ws.max_row + 1) for c in range(1, book.layout.width + 1)}
    assert "总评价得分" not in below and "合计" not in below and "总分" not in below


def note_cells(name: str, tmp_path: Path) -> tuple[list[tuple[int, int, str]], int, int]:
    book = generate(load_template(name), None, tmp_path / "blank.xlsx", year=2025)
    ws = openpyxl.load_workbook(book.path)[book.layout.template.sheet]
    note = book.layout.template.unit_note
    cells = [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row if c.value == note]
    title = next(c.row for row in ws.iter_rows() for c in row if c.value == book.layout.template.title)
    label = book.layout.template.year_label.format(year=2025)
    year = next(c.row for row in ws.iter_rows() for c in row if c.value == label)
    return cells, title, year


@pytest.mark.parametrize("name", ["mof-project", "chongqing-department-overall", "liaoning-department-overall"])
def test_the_unit_note_is_at_the_right_of_the_year(name: str, tmp_path: Path) -> None:
    cells, title, year = note_cells(name, tmp_path)
    assert [(r, v) for r, _, v in cells] == [(year, "金额单位：万元")]
    screen = sum(not h.printed for h in load_template(name).header)  # Chongqing's 部门编码 row: above
    assert title == 1 + screen and year == 2 + screen
    assert cells[0][1] > 1  # right of the year label, which starts in column A


def test_sichuans_form_number_is_its_first_line(tmp_path: Path) -> None:
    cells, title, year = note_cells("sichuan-project", tmp_path)
    assert cells == [(2, 1, "报表编号：510000_0013zp")]  # the first printed line: row 1 holds the code, unprinted
    assert (title, year) == (3, 4)


@pytest.mark.libreoffice
def test_printed_through_libreoffice_as_published(tmp_path: Path) -> None:
    """mof-project's and Sichuan's samples printed by LibreOffice: the national 8-column indicator
    head, no 运算符号 / 度量单位 / 完成程度 heads, the notes where the provinces print them, no 填报检查."""
    from tests.helpers.common import generate_samples
    from tests.test_addin_print import _pages, is_form_page
    from xlgen.libreoffice import convert

    books = generate_samples(tmp_path, {"mof-project": ROOT / "samples" / "mof-project-2024.toml",
                                        "sichuan-project": ROOT / "samples" / "sichuan-project-2024.toml"})
    pdfs = convert([b.path for b in books.values()], "pdf", tmp_path / "pdf")
    text = {name.split("-")[0]: ["".join(p.split()) for p in _pages(pdf) if is_form_page(p)]
            for name, pdf in zip(books, pdfs)}
    mof = "".join(text["mof"])
    for head in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进"):  # the last wraps
        assert all(head in page for page in text["mof"][1:]), head  # each page of the table repeats its head
    for head in ("运算符号", "度量单位", "完成程度", "填报检查", "/"):
        assert head not in mof, head
    assert "金额单位：万元" in text["mof"][0] and "801001示例县财政局实施单位示例县财政局财务培训中心" in mof
    assert "总分10091.3" in mof  # 100 under 分值, the total under 得分
    sichuan = "".join(text["sichuan"])
    assert text["sichuan"][0].startswith("报表编号：510000_0013zp部门预算项目支出绩效自评表")
    assert "预算执行率未达到90%的需说明原因" in sichuan and "0.00%" in sichuan and "填报检查" not in sichuan
    # 主管部门 | its name | 实施单位（盖章） | the implementer, with no code cell (its row does not print);
    # 项目基本情况: 1.项目年度目标完成情况 over two columns, then 2.项目实施内容及过程概述 over one cell
    assert "部门编码" not in sichuan and sichuan.count("示例县司法局") == 2
    pieces = ["示例县司法局实施单位（盖章）示例县司法局", "1.项目年度目标完成情况", "项目年度目标年度目标完成情况",
              "严格执行相关政策", "全年工资按月足额发放", "2.项目实施内容及过程概述按月编制工资发放表", "年度预算数（万元）"]
    at = [sichuan.find(p) for p in pieces]
    assert -1 not in at and at == sorted(at), at
