"""Print setup, read back from the file, and the sample rendered to PDF by LibreOffice: A4
landscape, one page wide, headings repeated, CJK font embedded, nothing shown as ###. Page 1
is kept as tests/artifacts/chaoyang-2024-page1.png to look at."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import coordinate_to_tuple
import pytest

from tests.helpers.addinxml import NS, sheet
from tests.helpers.common import ARTIFACTS, HEAD_MARK, LONG_CAUSE, SEED, TAIL_MARK
from tests.helpers.seedform import read_seed
from xlgen.formula.references import col_letters
from xlgen.libreoffice import convert
from xlgen.template.model import Template
from xlgen.generate.workbook import Generated, generate
from xlgen.layout.values import layout_for

A4_LANDSCAPE = (841.89, 595.28)
CJK_FONTS = re.compile(r"WenQuanYi|Noto\w*CJK|SimSun|Droid\s*Sans\s*Fallback|Source\s*Han|Song", re.I)


def form_sheet(book: Generated) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(book.path)[book.layout.template.sheet]


def test_page_setup(sample: Generated, template: Template) -> None:
    ws = form_sheet(sample)
    lay = sample.layout
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and int(ws.page_setup.fitToHeight) == 0
    heading = [lab for lab in lay.labels if lab.text == template.indicators.columns[0].label]
    assert len(heading) == 1
    assert ws.print_title_rows == f"${heading[0].row + 1}:${heading[0].last_row + 1}"
    # the print area is the form, to its last row, and ends before the 填报检查 block (#22)
    check_top = min(lab.row for lab in lay.labels if lab.text == "填报检查")
    form = [s.bottom for s in lay.slots.values() if s.col < lay.width and s.section not in ("checks", "helper")]
    bottom = max(form + [lab.last_row for lab in lay.labels if lab.row < check_top])
    assert bottom == check_top - 1 and lay.slots["total"].row <= bottom
    assert ws.print_area == f"'{template.sheet}'!$A$1:${col_letters(template.width - 1)}${bottom + 1}"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.print_options.horizontalCentered


def hidden_columns(book: Generated) -> set[int]:
    cols = sheet(book.path, book.layout.template.sheet).find("m:cols", NS)
    return {c for col in cols if col.get("hidden") == "1"
            for c in range(int(col.get("min")) - 1, int(col.get("max")))}


def test_helper_columns_are_hidden_and_outside_the_print_area(sample: Generated) -> None:
    lay = sample.layout
    helpers = {s.col for s in lay.slots.values() if s.section == "helper"}
    assert helpers and min(helpers) >= lay.width
    assert hidden_columns(sample) == helpers


def _units(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_long_text_rows_have_explicit_heights(sample: Generated) -> None:
    """A crude lower bound, independent of xlgen's metrics: a column unit holds half a CJK
    character, and a line needs 12 pt."""
    ws = form_sheet(sample)
    lay = sample.layout
    widths = [ws.column_dimensions[col_letters(c)].width for c in range(lay.width)]
    texts = [(s.row, s.col, s.last_col, v) for s in lay.slots.values() if s.row == s.bottom
             for v in [sample.inputs.get(s.key)] if isinstance(v, str)]
    texts += [(lab.row, lab.col, lab.last_col, lab.text) for lab in lay.labels if lab.row == lab.last_row]
    checked = 0
    for row, c1, c2, text in texts:
        lines = math.ceil(_units(text) / sum(widths[c1:c2 + 1]))
        if lines > 1:
            height = ws.row_dimensions[row + 1].height
            assert height is not None and height >= 12 * lines, (row + 1, text[:20], height)
            checked += 1
    assert checked >= 5  # the goals, the grades, the long names…


def page_breaks(path: Path, sheet_name: str) -> list[int]:
    """0-based rows that start a printed page (a break after 1-based row n starts 0-based row n)."""
    return [int(b.get("id")) for b in sheet(path, sheet_name).iter(f"{{{NS['m']}}}brk")]


def merges(path: Path, sheet_name: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of the written sheet, 0-based (first row, column, last row, column)."""
    out = []
    for m in sheet(path, sheet_name).iter(f"{{{NS['m']}}}mergeCell"):
        (r1, c1), (r2, c2) = (coordinate_to_tuple(a) for a in m.get("ref").split(":"))
        out.append((r1 - 1, c1 - 1, r2 - 1, c2 - 1))
    return out


def test_page_breaks_do_not_split_a_merged_cell(sample: Generated, long_cause: Path, template: Template) -> None:
    """Only the table's label in column A runs over its pages, as the heading beside it does."""
    for path in (sample.path, long_cause):
        breaks = page_breaks(path, template.sheet)
        heading = int(openpyxl.load_workbook(path)[template.sheet].print_title_rows.split(":")[0].strip("$")) - 1
        assert breaks, "the form needs several pages"
        for brk in breaks:
            split = [m for m in merges(path, template.sheet) if m[0] < brk <= m[2]]
            assert [m for m in split if (m[1], m[0]) != (0, heading)] == [], (path.name, brk)


def test_a_level1_group_runs_over_a_page_named_on_each(long_cause: Path, template: Template) -> None:
    """A 2,000-character cause makes one row 409 pt: the 一级 group 履职效能 runs over two pages,
    as one merge per page, each holding its name; its 二级 groups stay whole."""
    col = layout_for(template, None).slots["indicators[0].level1"].col
    ws = openpyxl.load_workbook(long_cause)[template.sheet]
    breaks = page_breaks(long_cause, template.sheet)
    level1 = sorted((r1, r2) for r1, c1, r2, c2 in merges(long_cause, template.sheet) if c1 == c2 == col)
    runs = [(a, b) for a, b in zip(level1, level1[1:]) if a[1] + 1 == b[0] and b[0] in breaks
            and ws.cell(a[0] + 1, col + 1).value == ws.cell(b[0] + 1, col + 1).value]
    assert runs, (breaks, level1)
    assert ws.cell(runs[0][0][0] + 1, col + 1).value == template.tree[0].level1


@pytest.fixture(scope="module")
def pdfs(sample: Generated, template: Template, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    blank = generate(template, None, folder / "blank-2025.xlsx", year=2025)
    out = convert([sample.path, blank.path], "pdf", folder / "out")
    return {"sample": out[0], "blank": out[1]}


def _pages(pdf: Path, mode: str = "-layout") -> list[str]:
    """Text of each page: -layout keeps lines across the page, -raw keeps each cell's lines together."""
    text = subprocess.run(["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def is_form_page(text: str) -> bool:
    return re.search(r"第\s*\d+\s*页\s*共\s*\d+\s*页", text) is not None


@pytest.mark.libreoffice
def test_pdf_is_a4_landscape_with_a_cjk_font(pdfs: dict[str, Path]) -> None:
    for pdf in pdfs.values():
        info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
        sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
        pages = _pages(pdf)
        assert len(sizes) == len(pages)
        form = [size for size, text in zip(sizes, pages) if is_form_page(text)]
        assert len(form) >= 2  # the form; the 填表说明 sheet prints on its own page(s)
        assert not any("填报检查" in "".join(text.split()) for size, text in zip(sizes, pages)
                       if is_form_page(text))  # the checks are on the screen, not the signed copy
        for w, h in form:
            assert abs(float(w) - A4_LANDSCAPE[0]) < 1 and abs(float(h) - A4_LANDSCAPE[1]) < 1, (w, h)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        embedded = [line for line in fonts.splitlines()[2:] if line.split()[-5:-4] == ["yes"]]
        assert any(CJK_FONTS.search(line) for line in embedded), fonts


@pytest.mark.libreoffice
def test_pdf_one_page_wide_headings_repeated_nothing_hashed(pdfs: dict[str, Path], sample: Generated,
                                                           template: Template) -> None:
    pages = _pages(pdfs["sample"])
    form = [p for p in pages if is_form_page(p)]
    assert len(form) >= 2
    assert "部门（单位）名称" in form[0] and "211300000" in form[0]  # leftmost and rightmost column
    first, last = template.indicators.columns[0].label, template.indicators.columns[-1].label
    table_pages = [p for p in form if first in p]
    assert len(table_pages) >= 2  # the heading is repeated on each page of the table
    for page in table_pages:
        assert last in page, "the table is split over two pages across"
    everything = "".join("".join(p.split()) for p in _pages(pdfs["sample"], "-raw"))
    assert "###" not in everything
    for lab in sample.layout.labels:
        if lab.row <= sample.layout.form_last_row:  # the 填报检查 block under the form does not print
            assert "".join(lab.text.split()) in everything, lab.text
    for key in ("goals.goal_plan", "indicators[8].cause_staff", "indicators[8].measures"):
        assert "".join(sample.inputs[key].split()) in everything, key
    seed = read_seed(SEED, [ind.name for ind in template.tree])
    assert sample.total == seed.total and f"{seed.total:g}" in everything  # 总评价得分 as the seed prints it


@pytest.mark.libreoffice
def test_pdf_fewest_pages_with_groups_whole(pdfs: dict[str, Path], sample: Generated, template: Template) -> None:
    """The form prints on three pages (the blank on two: its rows are low; the 填报检查 block
    under the form is not printed since #22), 填表说明 on its own (five before: a break before every 一级 group); page 1 holds the table's first rows; LibreOffice adds no break of its own; each
    二级 group's rows are on one page."""
    groups: dict[tuple[str, str], list[str]] = {}
    for ind in template.tree:
        groups.setdefault((ind.level1, ind.level2), []).append("".join(ind.name.split()))
    for name, pdf in pdfs.items():
        pages = _pages(pdf, "-raw")
        form = ["".join(p.split()) for p in pages if is_form_page(p)]
        assert (len(pages), len(form)) == ({"sample": 4, "blank": 3}[name], {"sample": 3, "blank": 2}[name]), name
        if name == "sample":
            assert len(form) == len(page_breaks(sample.path, template.sheet)) + 1
        assert groups[(template.tree[0].level1, template.tree[0].level2)][0] in form[0], name
        for key, names in groups.items():
            found = {i for i, page in enumerate(form) for n in names if n in page}
            assert len(found) == 1, (name, key, found)


@pytest.mark.libreoffice
def test_pdf_prints_the_beginning_of_a_text_cut_at_409_pt(long_cause: Path, tmp_path: Path) -> None:
    """The 2,000-character cause is top-aligned in its 409 pt row: its beginning is printed, its
    end is not (the input message, 填表说明 and verify's text-overflows say so)."""
    (pdf,) = convert([long_cause], "pdf", tmp_path)
    printed = "".join("".join(p.split()) for p in _pages(pdf, "-raw"))
    assert len(LONG_CAUSE) == 2000 and LONG_CAUSE.startswith(HEAD_MARK) and LONG_CAUSE.endswith(TAIL_MARK)
    assert HEAD_MARK in printed
    assert TAIL_MARK not in printed


@pytest.mark.libreoffice
def test_pdf_page_one_kept_as_png(pdfs: dict[str, Path]) -> None:
    # poppler-utils is part of the LibreOffice install (real-clients.md): missing, it is a failure
    assert shutil.which("pdftoppm") is not None, "poppler's pdftoppm is not installed (apt-get install poppler-utils)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, pdf in pdfs.items():
        stem = ARTIFACTS / f"{'chaoyang-2024' if name == 'sample' else 'blank-2025'}-page1"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                       check=True)
        png = stem.with_suffix(".png")
        assert png.stat().st_size > 10_000
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
