"""The bureau's yardstick: fixed values locked and sealed; a returned file that moved one fails.

Fast tests edit the XML; the LibreOffice suite types each change into the cell and lets
LibreOffice save the file, as a department would, for blanks from `generate --data`, from
`distribute` (an .xlsx roster with 任务 and 指标 sheets) and from `rollover`.
"""

from __future__ import annotations

import html
import json
import re
import stat
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from tests.helpers.common import ROOT, SAMPLE
from tests.helpers.userfill import set_cells
from tests.helpers.verifykit import edit_part, edit_sheet, set_formula
from tests.test_distribute import HEAD, SEED_DEPT, write_xlsx
from xlgen.cli import app
from xlgen.cycle.distribute import distribute
from xlgen.cycle.rollover import rollover
from xlgen.findings import Finding
from xlgen.generate import seal
from xlgen.generate.workbook import Generated, generate
from xlgen.intake.returned import read_returned
from xlgen.layout.model import FIXED, Layout
from xlgen.layout.placer import build_layout
from xlgen.names import INDICATORS
from xlgen.template.fill import Fill, load_fill
from xlgen.template.model import QUALITATIVE, QUANTITATIVE, Template, known_templates, load_template
from xlgen.verify.batch import verify_file
from xlgen.verify.fixed import SealPolicy
from xlgen.verify.identity import BROKEN, MISSING, SEALED, UNCHECKED, sealed_identity

runner = CliRunner()
CUSTOM = "docProps/custom.xml"


def record_of(path: Path) -> seal.Record:
    ret = read_returned(path)
    assert not isinstance(ret, Finding)
    stored = seal.stored(ret.package.properties)
    assert stored is not None
    record = seal.parse(stored[0])
    assert record is not None
    return record


def codes(result: Any) -> list[tuple[str, str | None]]:
    return [(f.code.code, f.cell) for f in result.findings if f.severity == "error"]


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "bureau.key"
    assert runner.invoke(app, ["keygen", str(path)]).exit_code == 0
    return path


@pytest.fixture(scope="module")
def sealed(template: Template, sample_fill: Fill, key: Path, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The seed's workbook sealed with the bureau's key."""
    return generate(template, sample_fill, tmp_path_factory.mktemp("sealed") / "chaoyang-2024.xlsx",
                    key=seal.load_key(key))


# ----------------------------------------------------------------------------- key and record
def test_keygen_writes_a_private_key_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "k"
    assert runner.invoke(app, ["keygen", str(path)]).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    assert len(seal.load_key(path)) == seal.KEY_BYTES
    again = runner.invoke(app, ["keygen", str(path)])
    assert again.exit_code == 2 and "never overwritten" in again.output
    assert path.read_bytes() == first


def test_the_record_lists_every_fixed_value_and_never_the_key(sealed: Generated, key: Path) -> None:
    record = record_of(sealed.path)
    fixed = sealed.layout.fixed_values(sealed.inputs)
    assert record.fields == {k: float(v) if isinstance(v, (int, float)) else v for k, v in fixed.items()}
    for k in ("header.department_code", "header.area_code", "header.budget_income", "tasks[0].allocated",
              "tasks[0].weight", "indicators[0].target", "indicators[0].operator", "indicators[0].unit",
              "indicators[0].name", "indicators[0].level1"):
        assert k in record.fields, k
    for k in ("tasks[0].executed", "indicators[0].actual", "goals.goal_plan", "indicators[0].measures"):
        assert k not in record.fields, k  # what the department fills stays open
    assert (record.template, record.year, record.department_code) == ("liaoning-department-overall", 2024, "703010")
    props = read_returned(sealed.path).package.properties  # type: ignore[union-attr]
    assert props[seal.PROP_SEAL].startswith("hmac-sha256:")
    assert all(len(v) <= seal.PART_CHARS for v in props.values())
    key_hex = key.read_text().strip()
    with open(sealed.path, "rb") as fh:
        assert key_hex.encode() not in fh.read()


def test_the_sealed_file_passes_with_its_key_and_warns_without(sealed: Generated, key: Path) -> None:
    assert verify_file(sealed.path, SealPolicy(seal.load_key(key))).status == "pass"
    unkeyed = verify_file(sealed.path)
    assert unkeyed.status == "pass"
    assert [f.code.code for f in unkeyed.findings] == ["seal-unchecked"]
    identity = sealed_identity(sealed.path, seal.load_key(key))
    assert not isinstance(identity, Finding)
    assert (identity.state, identity.department_code, identity.year) == (SEALED, "703010", 2024)
    assert sealed_identity(sealed.path).state == UNCHECKED  # type: ignore[union-attr]


def test_a_fixed_value_typed_over_fails_at_its_cell(sample: Generated, tmp_path: Path) -> None:
    lay = sample.layout
    target = lay.slot("indicators[0].target")
    edited = set_cells(sample.path, tmp_path / "edited.xlsx", {target.a1: 80.0})
    result = verify_file(edited)
    changed = [f for f in result.findings if f.code.code == "fixed-changed"]
    assert [(f.cell, f.field) for f in changed] == [(target.a1, "indicators[0].target")]
    assert changed[0].message("zh") == f"{target.a1} 重点工作办结率 指标值 由 100 改为 80：该项由财政部门下达，不得修改"
    assert "was changed from 100 to 80" in changed[0].message("en")


def test_a_number_typed_as_text_or_with_a_space_is_a_change(sample: Generated, tmp_path: Path) -> None:
    lay = sample.layout
    target, operator = lay.slot("indicators[0].target"), lay.slot("indicators[0].operator")
    edited = set_cells(sample.path, tmp_path / "edited.xlsx", {target.a1: "100", operator.a1: "= "})
    cells = [f.cell for f in verify_file(edited).findings if f.code.code == "fixed-changed"]
    assert cells == [operator.a1, target.a1]


def _rewrite_record(change: Any) -> Any:
    """The custom properties with the record changed by ``change`` and sealed again with SHA-256:
    what a department can do without the key."""
    def edit(xml: str) -> str:
        props = {k: html.unescape(v) for k, v in re.findall(r'name="([^"]+)"><vt:lpwstr>([^<]*)</vt:lpwstr>', xml)}
        text = "".join(v for k, v in sorted(props.items()) if k.startswith(seal.PROP_PART))
        doc = json.loads(text)
        change(doc)
        new = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        for name, value in seal.properties(new, None).items():
            props[name] = value
        for name in [k for k in props if k.startswith(seal.PROP_PART)]:
            if name not in seal.properties(new, None):
                del props[name]
        body = "".join(f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{k}">'
                       f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>" for i, (k, v) in enumerate(props.items(), 2))
        return re.sub(r"<property .*</property>", body, xml, flags=re.S)
    return edit


def test_record_and_seal_rewritten_together_pass_without_a_key_and_break_with_it(
        sealed: Generated, key: Path, tmp_path: Path) -> None:
    lay = sealed.layout
    target = lay.slot("indicators[0].target")
    moved = set_cells(sealed.path, tmp_path / "moved.xlsx", {target.a1: 80.0})
    forged = edit_part(moved, tmp_path / "forged.xlsx", CUSTOM,
                       _rewrite_record(lambda doc: doc["fields"].update({"indicators[0].target": 80.0})))
    # without the key, a consistent forgery is not caught (README: use --key-file) …
    assert verify_file(forged).findings == []
    # … with it, it is
    result = verify_file(forged, SealPolicy(seal.load_key(key)))
    assert ("seal-broken", None) in codes(result)
    assert sealed_identity(forged, seal.load_key(key)).state == BROKEN  # type: ignore[union-attr]


def test_a_record_edited_apart_from_its_seal_is_broken(sample: Generated, tmp_path: Path) -> None:
    edited = edit_part(sample.path, tmp_path / "edited.xlsx", CUSTOM, lambda xml: xml.replace(
        '"indicators[0].target":100.0', '"indicators[0].target":80.0'))
    assert ("seal-broken", None) in codes(verify_file(edited))


def test_custom_properties_deleted_is_seal_missing(sample: Generated, tmp_path: Path) -> None:
    gone = edit_part(sample.path, tmp_path / "gone.xlsx", CUSTOM,
                     lambda xml: re.sub(r"<property .*</property>", "", xml, flags=re.S))
    result = verify_file(gone)
    assert result.status == "fail"
    assert ("seal-missing", None) in codes(result)
    assert sealed_identity(gone).state == MISSING  # type: ignore[union-attr]


def test_a_file_of_the_layout_before_seals_warns_unless_seals_are_required(sample: Generated, tmp_path: Path) -> None:
    def old(xml: str) -> str:
        xml = re.sub(r'<property [^>]*name="xlgen_(?:seal|fixed_\d+)">.*?</property>', "", xml, flags=re.S)
        return xml.replace('name="xlgen_layout"><vt:lpwstr>2<', 'name="xlgen_layout"><vt:lpwstr>1<')
    before = edit_part(sample.path, tmp_path / "before.xlsx", CUSTOM, old)
    result = verify_file(before)
    assert result.status == "pass"
    assert [f.code.code for f in result.findings] == ["seal-predates"]
    assert "older xlgen (layout 1)" in result.findings[0].message("en")
    assert ("seal-missing", None) in codes(verify_file(before, SealPolicy(require=True)))
    cli = runner.invoke(app, ["verify", str(before), "--require-seal"])
    assert cli.exit_code == 1 and "seal-missing" in cli.output


def test_a_wrong_key_file_is_a_clear_error(sample: Generated, tmp_path: Path) -> None:
    short = tmp_path / "short.key"
    short.write_text("abc")
    result = runner.invoke(app, ["verify", str(sample.path), "--key-file", str(short)])
    assert result.exit_code == 2 and "fewer than 16 characters" in result.output


# ----------------------------------------------------------------------------- edited in LibreOffice
KINDS = ("target", "operator", "unit", "weight", "name", "qualitative", "budget", "allocated",
         "department_code", "department_name", "area_code")


def _tree_row(lay: Layout, kind: str, record: seal.Record) -> int:
    return next(r.index for r in lay.indicator_rows
                if r.tree is not None and r.kind == kind and f"indicators[{r.index}].target" in record.fields)


def mutations(lay: Layout, record: seal.Record) -> dict[str, dict[str, Any]]:
    """Each fixed field kind changed alone: kind → {slot key: new value}."""
    quant = _tree_row(lay, QUANTITATIVE, record)
    qual = _tree_row(lay, QUALITATIVE, record)
    weights = [r.index for r in lay.indicator_rows if r.tree is not None][:2]
    fields: dict[str, Any] = dict(record.fields)
    for key in ("tasks[0].allocated",):
        fields.setdefault(key, 0.0)
    op = fields[f"indicators[{quant}].operator"]
    own = next((r.index for r in lay.indicator_rows if r.tree is None
                and f"indicators[{r.index}].target" in fields), None)
    out: dict[str, dict[str, Any]] = {
        "target": {f"indicators[{quant}].target": float(fields[f"indicators[{quant}].target"]) - 20},
        "operator": {f"indicators[{quant}].operator": ">=" if op != ">=" else "<="},
        "unit": {f"indicators[{quant}].unit": "次" if fields[f"indicators[{quant}].unit"] != "次" else "项"},
        "weight": {f"indicators[{weights[0]}].weight": fields[f"indicators[{weights[0]}].weight"] - 1,
                   f"indicators[{weights[1]}].weight": fields[f"indicators[{weights[1]}].weight"] + 1},
        "name": {f"indicators[{quant}].name": fields[f"indicators[{quant}].name"] + "（改）"},
        "qualitative": {f"indicators[{qual}].target": fields[f"indicators[{qual}].target"] + "以上"},
        "budget": {"header.budget_income": 1.0},
        "allocated": {"tasks[0].allocated": fields["tasks[0].allocated"] + 50},
        "department_code": {"header.department_code": "700000"},
        "department_name": {"header.department_name": "某某局"},
        "area_code": {"header.area_code": "210000000"},
    }
    if own is not None:  # a department's own indicator given by the roster
        out["own"] = {f"indicators[{own}].target": float(fields[f"indicators[{own}].target"]) - 10}
    return {kind: change for kind, change in out.items() if all(k in record.fields for k in change)}


def honest(lay: Layout, values: dict[str, Any], record: seal.Record) -> dict[str, Any]:
    """What a department types into its blank: every open field it must fill, met targets."""
    t = lay.template
    typed: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        if key not in record.fields and (values.get(key) in (None, "")):
            typed[lay.slot(key).a1] = value

    put("header.budget_income", 175.41)
    put("header.budget_expenditure", 175.4)
    put("goals.goal_plan", "完成全年绩效目标任务。")
    put("goals.goal_result", "完成全年绩效目标任务。")
    for i in range(lay.task_count):
        allocated = values.get(f"tasks[{i}].allocated")
        if isinstance(allocated, float):
            put(f"tasks[{i}].executed", allocated)
    for row in lay.indicator_rows:
        key = f"indicators[{row.index}]"
        if row.kind == "linked" or f"{key}.target" not in record.fields:  # linked, or a spare row left empty
            continue
        if row.kind == QUALITATIVE:
            put(f"{key}.actual", t.grades[0].label)
            put(f"{key}.degree", 1.0)
        else:
            put(f"{key}.actual", values[f"{key}.target"])
    return typed


@pytest.fixture(scope="module")
def returned(template: Template, key: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Per source (data, roster, rollover): an honest return and one return per changed field
    kind, each typed into the cells and saved by LibreOffice; all converted in one soffice run."""
    from xlgen.libreoffice import convert

    tmp = tmp_path_factory.mktemp("sealed-returns")
    k = seal.load_key(key)
    assert runner.invoke(app, ["generate", template.id, "--data", str(SAMPLE), "-o", str(tmp / "data.xlsx"),
                               "--key-file", str(key)]).exit_code == 0
    roster = write_xlsx(tmp / "roster.xlsx", {
        "departments": [HEAD, SEED_DEPT],
        "任务": [["部门编码", "对应项目", "项目下达金额", "分值"],
                 ["703010", "部门预算基本支出公用经费（保运转）", 12.79, 20],
                 ["703010", "部门预算基本支出人员经费（保工资）", 148.81, 20]],
        "指标": [["部门编码", "三级指标", "指标值", "分值", "一级指标", "二级指标", "运算符号", "度量单位"],
                 ["703010", "重点工作办结率", 100, 2.5, "", "", "", ""],
                 ["703010", "统计数据按时报送率", 100, 1, "履职效能", "统计业务", "=", "%"]],
    })
    done = distribute(template, roster, 2025, tmp / "dist", key=k)
    rolled = rollover(tmp / "data.xlsx", 2025, tmp / "rollover.xlsx", key=k)
    assert not isinstance(rolled, Finding)
    sources = {"data": tmp / "data.xlsx", "roster": done[0].file, "rollover": tmp / "rollover.xlsx"}
    typed_dir = tmp / "typed"
    typed_dir.mkdir()
    files = []
    for name, path in sources.items():
        ret = read_returned(path)
        assert not isinstance(ret, Finding)
        lay, values, record = ret.layout, ret.inputs(), record_of(path)
        base = honest(lay, values, record)
        files.append(set_cells(path, typed_dir / f"{name}-honest.xlsx", base) if base else
                     edit_part(path, typed_dir / f"{name}-honest.xlsx", "xl/styles.xml", lambda x: x + " "))
        for kind, change in mutations(lay, record).items():
            files.append(set_cells(path, typed_dir / f"{name}-{kind}.xlsx",
                                   {**base, **{lay.slot(k).a1: v for k, v in change.items()}}))
    out = convert(files, "xlsx", tmp / "saved")
    return {p.stem: p for p in out}


@pytest.mark.libreoffice
@pytest.mark.parametrize("source", ["data", "roster", "rollover"])
def test_each_fixed_value_changed_in_libreoffice_fails_at_its_cell(source: str, returned: dict[str, Path],
                                                                 key: Path) -> None:
    policy = SealPolicy(seal.load_key(key))
    honest_result = verify_file(returned[f"{source}-honest"], policy)
    assert honest_result.status == "pass", [f.message("en") for f in honest_result.findings]
    ret = read_returned(returned[f"{source}-honest"])
    assert not isinstance(ret, Finding)
    record = record_of(returned[f"{source}-honest"])
    kinds = mutations(ret.layout, record)
    expected_kinds = set(KINDS) - ({"budget"} if source == "rollover" else set())  # next year's budget is new
    if source == "roster":
        expected_kinds |= {"own"}  # the roster's own indicator is the bureau's too
    assert set(kinds) >= expected_kinds, f"{source}: kinds not fixed: {expected_kinds - set(kinds)}"
    for kind, change in kinds.items():
        result = verify_file(returned[f"{source}-{kind}"], policy)
        changed = sorted((f.cell, f.field) for f in result.findings if f.code.code == "fixed-changed")
        assert changed == sorted((ret.layout.slot(k).a1, k) for k in change), (source, kind, changed)
        assert result.status == "fail"
        assert "seal-broken" not in [f.code.code for f in result.findings]


def test_rollover_carries_the_sealed_values_fixed_and_seals_again(sealed: Generated, key: Path, tmp_path: Path) -> None:
    rolled = rollover(sealed.path, 2025, tmp_path / "next.xlsx", key=seal.load_key(key))
    assert not isinstance(rolled, Finding)
    record = record_of(rolled.generated.path)
    assert record.fields["indicators[0].target"] == 100.0
    assert record.year == 2025 and record.department_code == "703010"
    assert verify_file(rolled.generated.path, SealPolicy(seal.load_key(key))).findings[0].code.code != "seal-broken"


def test_rollover_refuses_a_file_whose_fixed_value_moved(sealed: Generated, key: Path, tmp_path: Path) -> None:
    """A return that fails verify against its seal is never carried, even though the record still
    holds the bureau's value: the bureau sees the tampering instead of a quiet repair."""
    target = sealed.layout.slot("indicators[0].target")
    moved = set_cells(sealed.path, tmp_path / "moved.xlsx", {target.a1: 80.0})
    refused = rollover(moved, 2025, tmp_path / "next.xlsx", key=seal.load_key(key))
    assert isinstance(refused, Finding) and refused.code.code == "not-carried"
    assert refused.message("en") == (f"not rolled over: {target.a1} 重点工作办结率 指标值 was changed from 100 to 80: the "
                                     "bureau set it and it may not be changed. Rollover carries only the values the "
                                     "bureau set and sealed")
    assert not (tmp_path / "next.xlsx").exists()


def test_a_file_sealed_before_the_key_rolls_over_without_it(sample: Generated, key: Path, tmp_path: Path) -> None:
    """Under the key a plain hash is a broken seal (a department can make one): the file made before
    the bureau had its key rolls over without --key-file, carrying the bureau's values; with it,
    rollover refuses and says to leave the key out."""
    refused = rollover(sample.path, 2025, tmp_path / "keyed.xlsx", key=seal.load_key(key))
    assert isinstance(refused, Finding) and refused.code.code == "not-carried"
    assert "roll it over without --key-file" in refused.message("en")
    rolled = rollover(sample.path, 2025, tmp_path / "plain.xlsx")
    assert not isinstance(rolled, Finding)
    assert record_of(rolled.generated.path).fields["indicators[0].target"] == 100.0


def test_rollover_with_the_key_refuses_a_record_sealed_again_without_it(
        sealed: Generated, key: Path, tmp_path: Path) -> None:
    """A record rewritten and sealed again with a plain hash (what a department can do without the
    key) is broken under the bureau's key: rollover carries nothing of it (else next year's blank
    would seal the department's target with the bureau's key), says why, and writes nothing."""
    forged = edit_part(sealed.path, tmp_path / "forged.xlsx", CUSTOM,
                       _rewrite_record(lambda doc: doc["fields"].update({"indicators[0].target": 80.0})))
    out = tmp_path / "next.xlsx"
    refused = rollover(forged, 2025, out, key=seal.load_key(key))
    assert isinstance(refused, Finding) and refused.code.code == "not-carried"
    assert refused.message("en").startswith("not rolled over: the record of the bureau's fixed values does not "
                                            "match its seal")
    assert refused.message("en").endswith("roll it over without --key-file")
    assert refused.message("zh").startswith("未结转：文件中下达值的记录与封印不符")
    assert not out.exists()
    # without the key the plain hash holds, but the cell no longer says what the record does
    plain = rollover(forged, 2025, tmp_path / "plain.xlsx")
    assert isinstance(plain, Finding) and "changed from 80 to 100" in plain.message("en")


@pytest.mark.parametrize("damage", ["record edited", "properties deleted"])
def test_rollover_refuses_a_file_whose_record_is_broken_or_missing(sample: Generated, tmp_path: Path,
                                                                  damage: str) -> None:
    """Without a key too: a record edited apart from its seal, or deleted, leaves only what the cells
    say now, which the department may have moved; nothing is carried and the CLI says so (exit 2)."""
    edit = ((lambda xml: xml.replace('"indicators[0].target":100.0', '"indicators[0].target":80.0'))
            if damage == "record edited" else (lambda xml: re.sub(r"<property .*</property>", "", xml, flags=re.S)))
    damaged = edit_part(sample.path, tmp_path / "damaged.xlsx", CUSTOM, edit)
    out = tmp_path / "next"
    out.mkdir()
    result = runner.invoke(app, ["rollover", str(damaged), "--year", "2025", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 2, result.output
    why = ("the record of the bureau's fixed values does not match its seal" if damage == "record edited"
           else "the file was made by xlgen but holds no sealed record of the bureau's fixed values")
    assert f"not rolled over: {why}" in " ".join(result.output.split())
    refused = rollover(damaged, 2025, out)
    assert isinstance(refused, Finding) and refused.code.code == "not-carried"
    assert refused.message("en").startswith(f"not rolled over: {why}")
    assert "--key-file" not in refused.message("en")  # no key given: the hint does not apply
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("formula", ["F19", "calc!A1"])
def test_an_input_holding_a_formula_is_formula_in_input(sample: Generated, tmp_path: Path, formula: str) -> None:
    """Inputs are constants: a formula there takes its value from elsewhere (the saved value kept)."""
    executed = sample.layout.slot("tasks[0].executed")
    edited = edit_sheet(sample.path, tmp_path / "formula.xlsx", set_formula(executed.a1, formula))
    result = verify_file(edited)
    found = [f for f in result.findings if f.code.code == "formula-in-input"]
    assert [(f.cell, f.field) for f in found] == [(executed.a1, "tasks[0].executed")]
    assert f"={formula}" in found[0].message("en") and result.status == "fail"


@pytest.mark.parametrize("template_id", sorted({t.id for t in known_templates()}))
def test_every_text_of_the_tree_written_locked_is_sealed(template_id: str) -> None:
    """One rule for the tree's texts: what the layout writes as the bureau's (名称, 指标性质, 评分标准,
    是否核心指标) is sealed, whether or not the template's [fixed] names its column."""
    t = load_template(template_id)
    lay = build_layout(t, t.task_rows, t.spare_kinds)
    fixed = [s for s in lay.slots.values() if s.role == FIXED and s.section == INDICATORS]
    assert fixed, template_id
    assert [s.key for s in fixed if not s.bureau] == []


def test_a_chongqing_indicator_nature_changed_fails_at_its_cell(tmp_path: Path) -> None:
    """指标性质 and 是否核心指标 come from Chongqing's tree and are not in its [fixed]: a department
    that rewrites one fails verify at that cell, as with any of the bureau's values."""
    template = load_template("chongqing-department-overall")
    made = generate(template, load_fill(ROOT / "samples" / "chongqing-department-overall-2024.toml", template),
                    tmp_path / "cq.xlsx")
    nature = made.layout.slot("indicators[0].nature")
    assert made.inputs[nature.key] == "定量指标"
    edited = set_cells(made.path, tmp_path / "edited.xlsx", {nature.a1: "定性指标"})
    result = verify_file(edited)
    assert ("fixed-changed", nature.a1) in codes(result)
    assert "定量指标" in result.findings[0].message("zh") and "定性指标" in result.findings[0].message("zh")
