"""Collect: a bureau's returns reconciled with what it distributed (`verify --distributed`), the
summary workbook it forwards, and rollover/distribute as a cycle.

One distribution of seven departments; the returns are typed into their blanks and saved by
LibreOffice (as Excel or WPS would save them), in one soffice run for the module.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner
from tests.helpers.userfill import set_cells

from tests.test_distribute import write_xlsx
from xlgen.cli import app
from xlgen.cycle.distribute import distribute
from xlgen.verify.manifest import read_manifest
from xlgen.layout.values import layout_for
from xlgen.layout.values import bind_inputs
from xlgen.libreoffice import convert
from xlgen.template.fill import Fill
from xlgen.template.model import Template

pytestmark = pytest.mark.libreoffice
runner = CliRunner()

SEED_TOTAL = 97.18
NAMES = ["朝阳市工业和信息化工作服务中心", "朝阳市统计局", "朝阳市档案馆", "朝阳市财政局", "朝阳市教育局",
         "朝阳市卫生健康委员会", "朝阳市水务局"]
CODES = [f"70100{i + 1}" for i in range(len(NAMES))]
TASKS = [("部门预算基本支出公用经费（保运转）", 12.79, 13.3), ("部门预算基本支出人员经费（刚性）", 21.59, 13.3),
         ("部门预算基本支出人员经费（保工资）", 148.81, 13.4)]


def roster(path: Path, codes: list[str], names: list[str]) -> Path:
    """Every department with the seed's budgets and tasks, so the seed's inputs fill any of them."""
    head = ["department_code", "部门名称", "区划编码", "部门年初预算收入金额", "budget_expenditure"]
    return write_xlsx(path, {
        "departments": [head, *[[c, n, "211300000", 175.41, 175.4052] for c, n in zip(codes, names)]],
        "任务": [["部门编码", "对应项目", "项目下达金额", "分值"], *[[c, *t] for c in codes for t in TASKS]],
    })


def typed(template: Template, sample_fill: Fill, **changes: Any) -> dict[str, Any]:
    """A1 → value of what a department types: the seed's inputs (its identity and budgets are
    the blank's), with ``changes`` by slot key."""
    lay = layout_for(template, sample_fill)
    values = {k: v for k, v in bind_inputs(lay, sample_fill).items()
              if lay.slot(k).role == "input" and v is not None and not k.startswith("header.")}
    values.update(changes)
    return {lay.slot(k).a1: v for k, v in values.items()}


def saved_at(path: Path, stamp: str) -> None:
    """Set the file's saved time (docProps/core.xml dcterms:modified), as a save at ``stamp`` would."""
    import re

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data, n = re.subn(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
                assert n == 1
            zout.writestr(item, data)
    tmp.replace(path)


@pytest.fixture(scope="module")
def bureau(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("collect")
    dist = root / "dist"
    done = {d.code: d.file for d in distribute(template, roster(root / "roster.xlsx", CODES, NAMES), 2024, dist)}
    last_year = {d.code: d.file for d in distribute(template, roster(root / "r23.xlsx", CODES, NAMES), 2023, root / "dist2023")}
    other = {d.code: d.file for d in distribute(template, roster(root / "other.xlsx", ["990001"], ["外市某局"]), 2024,
                                                root / "other")}
    seed = typed(template, sample_fill)
    bad = typed(template, sample_fill, **{"indicators[0].actual": "92.15%"})
    typing = root / "typed"
    typing.mkdir()
    plan = {  # typed file → (blank, what is typed)
        "自评表（定稿）": (done[CODES[0]], seed),  # renamed: nothing in its name says whose it is
        "b_fail": (done[CODES[1]], bad),
        "c_old": (done[CODES[2]], bad),  # two versions of one department
        "c_new": (done[CODES[2]], seed),
        "d_untouched": (done[CODES[3]], {}),  # opened and saved, nothing typed
        "f_pass": (done[CODES[5]], seed),
        "g_pass": (done[CODES[6]], seed),
        "last_year": (last_year[CODES[0]], seed),
        "other_bureau": (other["990001"], seed),
    }
    inputs = [set_cells(blank, typing / f"{name}.xlsx", values) for name, (blank, values) in plan.items()]
    saved = {p.stem: p for p in convert(inputs, "xlsx", root / "saved")}
    returns = root / "returns"
    (returns / "sub").mkdir(parents=True)
    for name, path in saved.items():
        shutil.copy(path, returns / ("sub" if name.startswith("c_") else "") / path.name)
    saved_at(returns / "sub" / "c_old.xlsx", "2024-03-01T08:00:00Z")
    saved_at(returns / "sub" / "c_new.xlsx", "2024-03-05T08:00:00Z")
    return {"root": root, "dist": dist, "returns": returns, "blanks": done, "saved": saved}


def run(*args: Any, lang: str = "zh") -> Any:
    """xlgen verify, in Chinese unless asked otherwise (a bureau's language)."""
    return runner.invoke(app, ["verify", *map(str, args), "--lang", lang], terminal_width=120)


def test_every_department_gets_its_status(bureau: dict[str, Any]) -> None:
    result = run(bureau["returns"], "--distributed", bureau["dist"], "--json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    deps = {d["code"]: d for d in doc["departments"]}
    assert list(deps) == CODES  # in the manifest's order, the missing one too
    status = {c: deps[c]["status"] for c in CODES}
    assert status == dict(zip(CODES, ["pass", "fail", "duplicate", "untouched", "missing", "pass", "pass"]))
    first = deps[CODES[0]]
    assert [Path(p).name for p in first["returned"]] == ["自评表（定稿）.xlsx"]
    assert (first["name"], first["distributed"], first["total_score"], first["grade"]) == \
        (NAMES[0], bureau["blanks"][CODES[0]].name, SEED_TOTAL, "优")
    dup = deps[CODES[2]]
    assert sorted(Path(p).name for p in dup["returned"]) == ["c_new.xlsx", "c_old.xlsx"]
    assert (dup["chosen"], dup["total_score"], dup["grade"]) == (None, None, None)  # none counted
    assert deps[CODES[3]]["total_score"] is None and deps[CODES[4]]["returned"] == []
    assert doc["summary"] == {"files": 9, "pass": 4, "fail": 5, "error": 0, "departments": 7, "missing": 1,
                              "duplicate": 1, "untouched": 1, "unexpected": 2}
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    for name, why in (("last_year.xlsx", "文件为 2023 年度，分发的是 2024 年度"),
                      ("other_bureau.xlsx", "部门编码 990001 不在本次分发的名单中")):
        first_finding = by_name[name]["findings"][0]
        assert (by_name[name]["status"], first_finding["code"], first_finding["severity"]) == \
            ("fail", "not-distributed", "error")
        assert why in first_finding["message"]


def test_prefer_newest_chooses_one_of_a_duplicate(bureau: dict[str, Any]) -> None:
    doc = json.loads(run(bureau["returns"], "--distributed", bureau["dist"], "--json", "--prefer", "newest").stdout)
    dup = next(d for d in doc["departments"] if d["code"] == CODES[2])
    assert (dup["status"], Path(dup["chosen"]).name, dup["total_score"]) == ("pass", "c_new.xlsx", SEED_TOTAL)
    assert len(dup["returned"]) == 2 and doc["summary"]["duplicate"] == 0
    assert run(bureau["returns"], "--distributed", bureau["dist"], "--prefer", "oldest").exit_code == 2


def test_exit_codes(bureau: dict[str, Any], template: Template, tmp_path: Path) -> None:
    saved, returns = bureau["saved"], bureau["returns"]
    one = roster(tmp_path / "one.xlsx", CODES[:1], NAMES[:1])
    distribute(template, one, 2024, tmp_path / "one")
    assert run(returns / "自评表（定稿）.xlsx", "--distributed", tmp_path / "one").exit_code == 0
    assert run(saved["f_pass"], "--distributed", tmp_path / "one").exit_code == 1  # not distributed there; 70100 1 missing
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    assert run(returns / "自评表（定稿）.xlsx", broken, "--distributed", tmp_path / "one").exit_code == 2
    assert run(returns, "--distributed", tmp_path / "nowhere").exit_code == 2


def test_a_changed_blank_is_no_yardstick(bureau: dict[str, Any], tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(bureau["dist"], dist)
    victim = dist / bureau["blanks"][CODES[1]].name
    victim.write_bytes(victim.read_bytes() + b"\0")
    result = run(bureau["returns"], "--distributed", dist)
    assert result.exit_code == 2
    assert "sha256" in result.output and victim.name in result.output
    (dist / "manifest.csv").unlink()
    assert "manifest.csv" in run(bureau["returns"], "--distributed", dist).output


def test_terminal_lines_and_summary(bureau: dict[str, Any]) -> None:
    result = run(bureau["returns"], "--distributed", bureau["dist"])
    lines = result.stdout.splitlines()
    assert lines[-1] == "7 个部门：通过 3，未通过 1，无法读取 0，未报送 1，重复报送 1，未填写 1；非本次分发的文件 2；共 9 个文件"
    assert "not-a-number" in result.stdout  # the findings of failing files …
    passing = [ln for ln in lines if "f_pass.xlsx" in ln]
    assert len(passing) == 1 and passing[0].startswith("通过      ")  # … not of passing ones
    untouched = [ln for ln in lines if "d_untouched.xlsx" in ln]
    assert len(untouched) == 1 and untouched[0].startswith("未填写")
    assert "required-missing" not in result.stdout  # an untouched blank is not 38 findings
    missing = next(ln for ln in lines if ln.startswith("未报送"))
    assert f"{CODES[4]} {NAMES[4]}" in missing
    twice = next(ln for ln in lines if ln.startswith("重复报送"))  # says what to do about it
    assert twice.endswith("删去不用的一份，或加 --prefer newest 取最后保存的一份") and "c_new.xlsx" in twice
    # statuses padded to one width in terminal cells: the file names start in one column
    from rich.cells import cell_len

    starts = {cell_len(ln[:ln.index(" /")]) for ln in lines if " /" in ln and ".xlsx" in ln}
    assert starts == {10}
    quiet = run(bureau["returns"], "--distributed", bureau["dist"], "--quiet", lang="en")
    assert quiet.stdout.splitlines() == [
        "7 departments: 3 pass, 1 fail, 0 error, 1 missing, 1 duplicate, 1 untouched; 2 unexpected files; 9 files"]
    details = run(bureau["returns"], "--distributed", bureau["dist"], "--details")
    assert len(details.stdout.splitlines()) > len(lines)


def test_summary_workbook(bureau: dict[str, Any], tmp_path: Path) -> None:
    report = tmp_path / "汇总.xlsx"
    assert run(bureau["returns"], "--distributed", bureau["dist"], "--report", report).exit_code == 1
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames == ["汇总", "问题清单", "图表"]
    ws = wb["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    for sheet in wb.worksheets:  # every sheet says which year and which distribution it sums up
        assert sheet["A1"].value == ("2024年度部门（单位）整体绩效自评核验汇总\n"
                                     "分发：dist（模板 liaoning-department-overall 2024.1，7 个部门）；交回 9 个文件")
    assert [r.coord for r in ws.merged_cells.ranges] == ["A1:H1"] and ws.row_dimensions[1].height >= 39
    assert rows[1] == ("部门编码", "部门名称", "状态", "总评价得分", "等级", "错误数", "警告数", "文件")
    by_code = {r[0]: r for r in rows[2:9]}  # the departments, then the files of none
    assert list(by_code) == CODES
    assert by_code[CODES[0]] == (CODES[0], NAMES[0], "通过", SEED_TOTAL, "优", 0, 0, "自评表（定稿）.xlsx")
    assert by_code[CODES[2]][2:5] == ("重复报送", None, None)
    assert by_code[CODES[2]][7] in ("c_old.xlsx\nc_new.xlsx", "c_new.xlsx\nc_old.xlsx")  # one file a line
    dup_row = next(r[0].row for r in ws.iter_rows(min_row=3) if r[0].value == CODES[2])
    assert ws.row_dimensions[dup_row].height >= 2 * 13.5  # tall enough for its two lines
    assert by_code[CODES[4]] == (CODES[4], NAMES[4], "未报送", None, None, None, None, None)
    assert by_code[CODES[3]] == (CODES[3], NAMES[3], "未填写", None, None, None, None, "d_untouched.xlsx")
    assert by_code[CODES[1]][2:5] == ("未通过", 93.68, None)  # its score shown, no grade: a failing return has none
    assert {r[2] for r in rows[2:] if r[7] in ("last_year.xlsx", "other_bureau.xlsx")} == {"非本次分发"}
    assert len(rows) == 2 + 7 + 2
    colour = {r[0].value: ws.cell(r[0].row, 3).fill.fgColor.rgb for r in ws.iter_rows(min_row=3, max_row=9)}
    assert colour[CODES[0]] == "FFC6EFCE" and colour[CODES[1]] == "FFFFC7CE" and colour[CODES[4]] == "FFD9D9D9"
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:H11"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.column_dimensions["B"].width >= 30
    problems = list(wb["问题清单"].iter_rows(values_only=True))
    assert problems[1] == ("部门编码", "部门名称", "文件", "单元格", "字段", "严重程度", "代码", "说明")
    nan = next(r for r in problems[2:] if r[6] == "not-a-number")
    assert nan[:6] == (CODES[1], NAMES[1], "b_fail.xlsx", "H17", "重点工作办结率 全年完成值", "错误")
    assert not any(r[4] and "[" in r[4] for r in problems[2:])  # no slot keys for people
    assert "d_untouched.xlsx" not in {r[2] for r in problems[2:]}
    charts = wb["图表"]._charts
    assert len(charts) == 3
    refs = [(c.series[0].cat.strRef.f if c.series[0].cat.strRef else c.series[0].cat.numRef.f, c.series[0].val.numRef.f)
            for c in charts]
    assert refs == [("图表!$A$3:$A$9", "图表!$B$3:$B$9"), ("图表!$D$3:$D$6", "图表!$E$3:$E$6"),
                    ("图表!$G$3:$G$7", "图表!$H$3:$H$7")]
    spans = sorted(((c.anchor._from.col, c.anchor._from.colOff), (c.anchor.to.col, c.anchor.to.colOff),
                    c.anchor._from.row) for c in charts)
    assert len({row for _l, _r, row in spans}) == 1  # side by side on one row …
    assert all(left[1] < right[0] for left, right in zip(spans, spans[1:]))  # … each ending before the next begins
    values = openpyxl.load_workbook(report, data_only=True)["图表"]
    assert [(values.cell(i, 1).value, values.cell(i, 2).value) for i in range(3, 10)] == [
        ("通过", 3), ("未通过", 1), ("无法读取", 0), ("未报送", 1), ("重复报送", 1), ("未填写", 1), ("非本次分发", 2)]
    # 优: the three that pass; the one failing at 93.68 has no grade; no other distribution's score counts
    assert [values.cell(i, 4).value for i in range(3, 7)] == ["优", "良", "中", "差"]
    assert [values.cell(i, 5).value for i in range(3, 7)] == [3, 0, 0, 0]
    assert [values.cell(i, 8).value for i in range(3, 8)] == [0, 0, 0, 0, 4]


def test_summary_first_page_fits(bureau: dict[str, Any], tmp_path: Path) -> None:
    """The first page of 汇总 rendered as it prints (looked at: tests/artifacts/summary-page1.png)."""
    from tests.helpers.common import ARTIFACTS

    report = tmp_path / "summary.xlsx"
    run(bureau["returns"], "--distributed", bureau["dist"], "--report", report)
    pdf = tmp_path / "summary.pdf"
    assert runner.invoke(app, ["preview", str(report), "-o", str(pdf)]).exit_code == 0
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for code, name in zip(CODES, NAMES):  # every column of every row on page 1, none cut off
        assert code in text and name in text
    assert "自评表（定稿）.xlsx" in text and "警告数" in text
    assert "2024年度部门（单位）整体绩效自评核验汇总" in text
    pages = [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout for n in (2, 3)]
    assert "2024年度" in pages[0] and "b_fail.xlsx" in pages[0] and "说明" in pages[0]  # 问题清单, one page
    for title in ("报送情况", "等级分布", "总评价得分分布"):  # 图表: the three charts on its one page, titles whole
        assert title in pages[1], pages[1]
    # each sheet's first page as the bureau prints it, kept to look at
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "summary-page1.png"
    assert runner.invoke(app, ["preview", str(report), "-o", str(png), "--force"]).exit_code == 0
    for n, name in ((2, "findings"), (3, "charts")):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(n), "-l", str(n), "-singlefile", str(pdf),
                        str(ARTIFACTS / f"summary-{name}-page1")], check=True)
        assert (ARTIFACTS / f"summary-{name}-page1.png").stat().st_size > 10_000


def test_rollover_of_a_collection(bureau: dict[str, Any], template: Template, tmp_path: Path) -> None:
    """Each department once, from its chosen return (from its blank when none), a manifest like
    distribute's, and next year's roster over the carried identity and amounts."""
    def rollover(*args: Any) -> Any:
        return runner.invoke(app, ["rollover", str(bureau["returns"]), "--distributed", str(bureau["dist"]),
                                   "--year", "2025", *map(str, args), "--lang", "en"], terminal_width=200)

    refused = rollover("-o", tmp_path / "next")
    assert refused.exit_code == 1
    assert f"{CODES[2]} {NAMES[2]}: not rolled over: returned 2 files" in refused.output
    rows = read_manifest(tmp_path / "next" / "manifest.csv")
    assert [r["code"] for r in rows] == [c for c in CODES if c != CODES[2]]  # never two, never a guess
    assert {r["year"] for r in rows} == {"2025"}
    assert f"from {bureau['blanks'][CODES[4]].name}" in refused.output  # nothing returned: from its blank
    assert "from 自评表（定稿）.xlsx" in refused.output

    head = ["department_code", "部门名称", "区划编码", "部门年初预算收入金额", "budget_expenditure"]
    next_roster = write_xlsx(tmp_path / "roster-2025.xlsx", {"departments": [
        head, [CODES[0], NAMES[0], "211300000", 200, 199.5], ["701008", "朝阳市新设局", "211300000", 50, 50]]})
    done = rollover("-o", tmp_path / "next2", "--prefer", "newest", "--roster", next_roster)
    assert done.exit_code == 0, done.output
    assert "from c_new.xlsx" in done.output and "from the roster" in done.output
    rows = read_manifest(tmp_path / "next2" / "manifest.csv")
    assert [r["code"] for r in rows] == [*CODES, "701008"]
    lay = layout_for(template, Fill(tasks=[{}] * 3))
    first = openpyxl.load_workbook(tmp_path / "next2" / rows[0]["file"]).worksheets[0]
    assert first[lay.slot("header.budget_expenditure").a1].value == 199.5  # next year's amount
    assert first[lay.slot("tasks[0].allocated").a1].value == 12.79  # carried: the roster gives no tasks
    assert first[lay.slot("tasks[0].executed").a1].value is None  # cleared
    # next year's folder is a distribution to collect against: a blank sent back as it is is untouched
    (tmp_path / "back").mkdir()
    shutil.copy(tmp_path / "next2" / rows[-1]["file"], tmp_path / "back" / "new.xlsx")
    again = json.loads(runner.invoke(app, ["verify", str(tmp_path / "back"), "--distributed", str(tmp_path / "next2"),
                                           "--json", "--lang", "en"]).stdout)
    assert [d["status"] for d in again["departments"]] == ["missing"] * 7 + ["untouched"]
    plain = runner.invoke(app, ["rollover", str(bureau["returns"] / "sub"), "--year", "2025",
                                "-o", str(tmp_path / "plain"), "--force", "--lang", "en"], terminal_width=200)
    assert plain.exit_code == 2
    assert len(list((tmp_path / "plain").glob("*.xlsx"))) == 1
    assert "another file of this run belongs to the same department" in plain.output


def test_a_manifest_of_an_older_xlgen_reads_year_and_inputs_from_the_blanks(bureau: dict[str, Any],
                                                                           tmp_path: Path) -> None:
    """A manifest.csv without the year and inputs_sha256 columns (an older xlgen's): each blank
    gives them itself, the same as the manifest that lists them."""
    from xlgen.verify.manifest import load_distribution

    old = tmp_path / "dist"
    shutil.copytree(bureau["dist"], old)
    rows = read_manifest(old / "manifest.csv")
    kept = [c for c in rows[0] if c not in ("year", "inputs_sha256")]
    lines = [",".join(kept), *(",".join(row[c] for c in kept) for row in rows)]
    (old / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    listed = load_distribution(bureau["dist"])
    assert [(b.code, b.year, b.inputs_digest) for b in load_distribution(old)] == \
        [(b.code, 2024, b.inputs_digest) for b in listed]
    assert len(listed) == len(CODES)


def test_a_collection_day_and_a_rerun_of_the_rollover(bureau: dict[str, Any], tmp_path: Path) -> None:
    """Nothing back yet: every department 未报送; a report in the way is refused before any file is
    verified; rollover warns about each failing return it carries, resumes into its own folder,
    and refuses a folder with nothing to roll over."""
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run(empty, "--distributed", bureau["dist"])
    assert nothing.exit_code == 1, nothing.output
    assert [line.split()[:2] for line in nothing.output.splitlines()[:7]] == [["未报送", c] for c in CODES]
    assert "7 个部门：通过 0，未通过 0，无法读取 0，未报送 7" in nothing.output
    taken = tmp_path / "report.xlsx"
    taken.write_bytes(b"last week's report")
    refused = run(bureau["returns"], "--distributed", bureau["dist"], "--report", taken)
    assert refused.exit_code == 2 and "report.xlsx：已存在；如要覆盖请加 --force" in refused.output
    assert "通过" not in refused.output and taken.read_bytes() == b"last week's report"  # nothing verified

    def rollover(*args: Any) -> Any:
        return runner.invoke(app, ["rollover", str(bureau["returns"]), "--distributed", str(bureau["dist"]),
                                   "--year", "2025", "-o", str(tmp_path / "next"), *map(str, args), "--lang", "zh"],
                             terminal_width=200)

    first = rollover()
    assert first.exit_code == 1  # the duplicate is not rolled over
    assert "b_fail.xlsx 未通过核验（" in first.output and "仍已结转" in first.output
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "next").glob("*.xlsx")}
    assert len(stamps) == 6
    again = rollover("--prefer", "newest")  # the same folder: the six kept, the seventh written
    assert again.exit_code == 0, again.output
    assert "保留本次分发上次写出的 6 份工作簿" in again.output and "已写出 1 份工作簿" in again.output
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "next").glob("*.xlsx") if p.name in stamps} == stamps
    assert [r["code"] for r in read_manifest(tmp_path / "next" / "manifest.csv")] == CODES
    none = runner.invoke(app, ["rollover", str(empty), "--year", "2025", "-o", str(tmp_path / "none"), "--lang", "zh"])
    assert none.exit_code == 2 and "没有找到" in none.output and not (tmp_path / "none").exists()


def test_a_failing_return_has_no_grade_in_the_terminal_the_summary_or_its_grade_list() -> None:
    """One rule (``FileResult.grade``): a return earns its total's 等级 only when it passes."""
    from xlgen.verify.report import grades_of, headline, summary_rows
    from xlgen.verify.result import FileResult

    ok = FileResult("a.xlsx", "pass", "mof-project", "001", total_score=95.0, level="优")
    bad = FileResult("b.xlsx", "fail", "mof-project", "002", total_score=93.0, level="特优")
    assert (ok.grade, bad.grade, FileResult("c.xlsx", "error", level="优").grade) == ("优", None, None)
    assert headline(ok, "zh").plain.endswith("总评价得分 95 优)")
    assert headline(bad, "zh").plain.endswith("总评价得分 93)")
    assert [(r.code, r.total_score, r.grade) for r in summary_rows([ok, bad])] == [("001", 95.0, "优"), ("002", 93.0, None)]
    assert "特优" not in grades_of([ok, bad])
