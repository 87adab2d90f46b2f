"""Returned workbooks made as users make them, and the one-change mutations of the verify tests.

- ``random_inputs``: a valid random fill of a blank (what a department types), keyed by A1;
- ``edit_part``/``edit_sheet``: copy a workbook with one XML part changed (precise mutations
  that openpyxl could not make without dropping other parts);
- ``edit_rows``: rows inserted into or deleted from a sheet by LibreOffice itself (a Basic
  macro in a private profile), so names, merges and formulas move as a spreadsheet moves them.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from xlgen.layout.model import Layout
from xlgen.template.model import Template
from xlgen.libreoffice import LibreOfficeError, private_profile, run

SHEET = "xl/worksheets/sheet1.xml"  # the form is the first sheet (XlsxWriter and LibreOffice alike)


# ----------------------------------------------------------------------------- XML edits
def edit_part(src: Path, dst: Path, part: str, change: Callable[[str], str]) -> Path:
    """Copy ``src`` to ``dst`` with the text of ``part`` replaced by ``change(text)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        if part not in names:
            raise KeyError(f"{part} is not a part of {src.name}")
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                new = change(data.decode("utf-8"))
                if new == data.decode("utf-8"):
                    raise AssertionError(f"the edit changed nothing in {part}")
                data = new.encode("utf-8")
            zout.writestr(item, data)
    return dst


def parts(data: bytes) -> dict[str, bytes]:
    """Every part of a workbook's bytes, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def rezip(items: dict[str, bytes]) -> bytes:
    """A workbook's bytes from its parts (one fixed time stamp: the same parts, the same bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in items.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def edit_sheet(src: Path, dst: Path, change: Callable[[str], str]) -> Path:
    return edit_part(src, dst, SHEET, change)


def _cell(ref: str) -> re.Pattern[str]:
    return re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', re.S)


def cell_xml(xml: str, ref: str) -> str:
    m = _cell(ref).search(xml)
    if m is None:
        raise KeyError(f"no cell {ref}")
    return m.group(0)


def set_formula(ref: str, formula: str) -> Callable[[str], str]:
    """The cell (holding a number) keeps its saved value; its formula becomes ``formula``."""
    def change(xml: str) -> str:
        old = cell_xml(xml, ref)
        attrs = re.match(r"<c ([^>]*?)/?>", old)
        assert attrs is not None and ' t="s"' not in old, f"{ref} must hold a number"
        kept = re.sub(r'\s*t="[^"]*"', "", attrs.group(1))
        value = re.search(r"<v>([^<]*)</v>", old)
        saved = f"<v>{value.group(1)}</v>" if value else ""
        return xml.replace(old, f"<c {kept}><f>{escape(formula)}</f>{saved}</c>", 1)
    return change


def set_cached(ref: str, value: str) -> Callable[[str], str]:
    """The cell keeps its formula; its saved value becomes ``value`` (a number's text)."""
    def change(xml: str) -> str:
        old = cell_xml(xml, ref)
        new = re.sub(r"<v>[^<]*</v>|<v/>", f"<v>{value}</v>", old, count=1)
        new = re.sub(r' t="(?:str|s|e|b)"', "", new, count=1)
        return xml.replace(old, new, 1)
    return change


def drop_cached_values(xml: str) -> str:
    """Every formula cell without its saved result (a file never calculated)."""
    def strip(m: re.Match[str]) -> str:
        cell = m.group(0)
        if "<f" not in cell:
            return cell
        cell = re.sub(r"<v>[^<]*</v>|<v/>", "", cell)
        return re.sub(r' t="(?:str|s|e|b|n)"', "", cell, count=1)
    return re.sub(r'<c r="[A-Z]+\d+"[^>]*?(?:/>|>.*?</c>)', strip, xml, flags=re.S)


def share_formula(master: str, last: str, followers: Sequence[str]) -> Callable[[str], str]:
    """Store the formulas of ``followers`` as Excel does after a fill-down: one shared formula
    written at ``master`` (range master:last), the other cells only pointing at it."""
    def change(xml: str) -> str:
        old = cell_xml(xml, master)
        new = re.sub(r"<f[^>]*>", f'<f t="shared" ref="{master}:{last}" si="0">', old, count=1)
        xml = xml.replace(old, new, 1)
        for ref in followers:
            old = cell_xml(xml, ref)
            new = re.sub(r"<f[^>]*>.*?</f>", '<f t="shared" si="0"/>', old, count=1, flags=re.S)
            assert new != old, f"{ref} holds no formula"
            xml = xml.replace(old, new, 1)
        return xml
    return change


def remove_protection(xml: str) -> str:
    return re.sub(r"<sheetProtection\b[^>]*/>", "", xml, count=1)


def remove_validation(ref: str) -> Callable[[str], str]:
    """Remove the data validation whose range starts at ``ref``."""
    def change(xml: str) -> str:
        pattern = re.compile(rf'<dataValidation\b[^>]*sqref="{ref}(?:[ :][^"]*)?"[^>]*?(?:/>|>.*?</dataValidation>)',
                             re.S)
        new, n = pattern.subn("", xml, count=1)
        if n != 1:
            raise KeyError(f"no data validation starting at {ref}")
        return new
    return change


def set_property(name: str, value: str) -> Callable[[str], str]:
    def change(xml: str) -> str:
        return re.sub(rf'(name="{name}"><vt:lpwstr>)[^<]*(</vt:lpwstr>)', rf"\g<1>{value}\g<2>", xml)
    return change


# ----------------------------------------------------------------------------- random fills
GRADE_STEPS = 100


def _grade(put: Callable[[str, Any], None], key: str, t: Template, rng: random.Random) -> None:
    """A grade from the list and a 完成程度 inside its band (explained when below 1)."""
    grade = rng.choice(t.grades)
    low = round(grade.min * GRADE_STEPS)
    high = round(grade.max * GRADE_STEPS) - (0 if grade.max_inclusive else 1)
    degree = rng.randint(low, high) / GRADE_STEPS
    put(f"{key}.actual", grade.label)
    put(f"{key}.degree", degree)
    if degree < 1:
        _deviation(put, key)


def random_inputs(lay: Layout, rng: random.Random) -> dict[str, Any]:
    """What a department types into a blank of ``lay``: a valid fill by the form's rules
    (scoring.md), as {A1: value}. The blank's defaults (operators, targets, units, weights of
    the indicator tree) stay as generated unless the fill moves weight to an indicator of its own."""
    t = lay.template
    typed: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        typed[lay.slot(key).a1] = value

    put("header.department_code", f"{rng.randint(100000, 999999)}")
    put("header.department_name", rng.choice(["朝阳市", "锦州市", "丹东市"]) + rng.choice(["工业和信息化局", "财政局", "教育局"]))
    put("header.area_code", f"21{rng.randint(1000000, 9999999)}")
    budget = round(rng.uniform(50, 900), 2)
    put("header.budget_income", budget)
    put("header.budget_expenditure", round(budget * rng.uniform(0.9, 1.0), 4))
    tasks = rng.randint(1, lay.task_count)
    tenths = _split(round(t.weight_tasks * 10), tasks, rng)
    for i in range(tasks):
        allocated = round(rng.uniform(5, 300), 2)
        put(f"tasks[{i}].project", f"项目{i + 1}：{rng.choice(['保运转', '保工资', '专项'])}")
        put(f"tasks[{i}].allocated", allocated)
        put(f"tasks[{i}].executed", round(allocated * rng.choice([1.0, rng.uniform(0.6, 1.0)]), 2))
        put(f"tasks[{i}].weight", tenths[i] / 10)
    put("goals.goal_plan", "一、完成全年绩效目标任务。")
    put("goals.goal_result", "一、基本完成全年绩效目标任务。")
    # the first spare row of each kind is used four times in ten, with one point of the heaviest row
    spare = [r for r in lay.indicator_rows if r.tree is None]
    # (only where the tree's weights are not the bureau's: fixed weights cannot move to a row of its own)
    extras = [next(r for r in spare if r.kind == kind) for kind in ("quantitative", "qualitative")
              if any(r.kind == kind for r in spare) and rng.random() < 0.4 and "weight" not in t.fixed["indicators"]]
    heaviest = max(range(len(t.tree)), key=lambda i: t.tree[i].weight or 0)
    for row in lay.indicator_rows:
        ind = row.tree
        key = f"indicators[{row.index}]"
        if ind is None:
            if row not in extras:
                continue
            put(f"{key}.level1", "产出指标" if row.kind == "quantitative" else "效益指标")
            put(f"{key}.level2", "数量指标" if row.kind == "quantitative" else "社会效益指标")
            put(f"{key}.weight", 1.0)
            if row.kind == "qualitative":
                put(f"{key}.name", "自设指标（群众认可度）")
                put(f"{key}.target", t.grades[0].label)
                _grade(put, key, t, rng)
                continue
            put(f"{key}.name", "自设指标（培训人次）")
            put(f"{key}.operator", ">=")
            put(f"{key}.target", 100.0)
            put(f"{key}.unit", "人")
            actual = float(rng.randint(60, 130))
            put(f"{key}.actual", actual)
            if actual < 100:
                _deviation(put, key)
            continue
        if extras and row.index == heaviest:
            put(f"{key}.weight", round((ind.weight or 0) - len(extras), 1))
        if row.kind == "linked":  # 全年完成值 computed from the tasks; explain a shortfall anyway
            _deviation(put, key)
        elif row.kind == "qualitative":
            _grade(put, key, t, rng)
        else:
            target = float(ind.target)  # type: ignore[arg-type]
            actual, met = _actual(ind.operator, target, rng)
            put(f"{key}.actual", actual)
            if not met:
                _deviation(put, key)
    return typed


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` positive integers."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    edges = [0, *cuts, total]
    return [b - a for a, b in zip(edges, edges[1:])]


def _actual(operator: str, target: float, rng: random.Random) -> tuple[float, bool]:
    """A 全年完成值 for the row, and whether it meets the target."""
    if target == 0:
        actual = rng.choice([0.0, 0.0, float(rng.randint(1, 5))])
    elif rng.random() < 0.5:
        actual = target
    else:
        actual = round(target * rng.uniform(0.4, 1.6), 2)
    met = {">=": actual >= target, ">": actual > target, "=": actual >= target if target > 0 else actual <= 0,
           "<=": actual <= target, "<": actual < target}[operator]
    return actual, met


def _deviation(put: Callable[[str, Any], None], key: str) -> None:
    put(f"{key}.cause_funding", "经费保障：资金拨付晚于计划。")
    put(f"{key}.measures", "改进措施：提前编制用款计划。")


# ----------------------------------------------------------------------------- LibreOffice row edits
def basic_jobs(sub: str, edit: str) -> str:
    """A Basic Sub ``sub(spec)`` running jobs "src*dst*sheet*…|…": each opens src hidden, lifts
    the sheet's protection, runs ``edit`` (which reads parts(3) on), restores the protection,
    recalculates and saves dst as .xlsx."""
    return f"""Sub {sub}(spec As String)
  Dim doc As Object
  Dim sh As Object
  Dim jobs() As String
  Dim parts() As String
  Dim args(0) As New com.sun.star.beans.PropertyValue
  Dim sargs(1) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  sargs(0).Name = "FilterName"
  sargs(0).Value = "Calc MS Excel 2007 XML"
  sargs(1).Name = "Overwrite"
  sargs(1).Value = True
  jobs = Split(spec, "|")
  For j = 0 To UBound(jobs)
    parts = Split(jobs(j), "*")
    doc = StarDesktop.loadComponentFromURL(ConvertToURL(parts(0)), "_blank", 0, args())
    sh = doc.getSheets().getByName(parts(2))
    wasProtected = sh.isProtected()
    If wasProtected Then sh.unprotect("")
{edit}
    If wasProtected Then sh.protect("")
    doc.calculateAll()
    doc.storeToURL(ConvertToURL(parts(1)), sargs())
    doc.close(True)
  Next j
End Sub
"""


_BASIC = basic_jobs("EditRows", """    If CLng(parts(4)) > 0 Then
      sh.getRows().insertByIndex(CLng(parts(3)), CLng(parts(4)))
    Else
      sh.getRows().removeByIndex(CLng(parts(3)), -CLng(parts(4)))
    End If""")


def edit_rows(jobs: Sequence[tuple[Path, Path, str, int, int]], timeout: float = 180) -> list[Path]:
    """For each (src, dst, sheet, row, n): LibreOffice opens src, inserts n rows before the
    0-based ``row`` (deletes -n rows from it when n < 0), recalculates and saves dst as .xlsx.
    One soffice run for all jobs; the sheet's protection is lifted for the edit and restored."""
    spec = "|".join(f"{src}*{dst}*{sheet}*{row}*{n}" for src, dst, sheet, row, n in jobs)
    return run_basic("Rows", _BASIC, f'EditRows("{spec}")', [dst for _src, dst, *_rest in jobs], timeout)


def run_basic(module: str, source: str, call: str, outputs: Sequence[Path], timeout: float = 180) -> list[Path]:
    """Run the Basic ``call`` of ``source`` (a module named ``module``) in one headless soffice with
    a private profile that recalculates on load; every file of ``outputs`` must then exist."""
    with private_profile() as (base, user):
        subprocess.run([*base, "--terminate_after_init"], capture_output=True, timeout=timeout, check=False)
        library = user / "basic" / "Standard"
        index = library / "script.xlb"
        if not index.is_file():
            raise RuntimeError(f"LibreOffice did not create its Basic library in {library}")
        (library / f"{module}.xba").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD '
            'OfficeDocument 1.0//EN" "module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" '
            f'script:name="{module}" script:language="StarBasic">' + escape(source, {'"': "&quot;"}) +
            "</script:module>", encoding="utf-8")
        text = index.read_text(encoding="utf-8")
        if f'library:name="{module}"' not in text:
            text = text.replace("</library:library>", f' <library:element library:name="{module}"/>\n</library:library>')
            index.write_text(text, encoding="utf-8")
        try:  # its own process group: on a timeout (a Basic error waits for a click) soffice.bin goes too
            run([*base, f"macro:///Standard.{module}.{call}"], timeout)
        except LibreOfficeError:
            pass  # the outputs below say what is missing
    missing = [str(p) for p in outputs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no {', '.join(missing)}")
    return list(outputs)
