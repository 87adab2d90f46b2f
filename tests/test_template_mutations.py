"""`xlgen templates check` never raises a traceback (#22 item 4): every built-in template, its
``extends`` chain merged, is mutated by hypothesis — keys dropped, values of another type, lists
emptied, spans out of range, unknown keys and fields, rows repeated — and each mutant gives
either located errors (the file and a key) or a valid form that generates."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from tests.helpers.common import ROOT
from tests.helpers.tomlmutate import KINDS, dump_toml, mutate, paths, write
from xlgen.cli import app
from xlgen.errors import XlgenError
from xlgen.generate.workbook import generate
from xlgen.generate.templatecheck import check_template
from xlgen.template.model import _load_with_base, load_template

BUILT_IN = sorted(p.stem for p in (ROOT / "templates").glob("*.toml"))


def merged(name: str) -> dict[str, Any]:
    return _load_with_base(ROOT / "templates" / f"{name}.toml", ())[0]


def problems_of(path: Path) -> list[XlgenError]:
    """What `templates check` says of ``path``: the error loading it, or the checks' problems."""
    try:
        return check_template(load_template(path))
    except XlgenError as exc:
        return [exc]


def outcome(data: dict[str, Any], folder: Path) -> str:
    """'error' (every problem located) or 'valid' (and the blank generated); anything else raises."""
    path = write(data, folder)
    problems = problems_of(path)
    for p in problems:
        assert p.fields.get("file") == path and p.fields.get("key"), p.message  # located: the file and the key
        assert path.name in p.message
    if problems:
        return "error"
    generate(load_template(path), None, folder / "blank.xlsx", year=2025, force=True)
    return "valid"


def test_a_merged_template_written_back_is_the_same_form(tmp_path: Path) -> None:
    for name in BUILT_IN:
        assert outcome(merged(name), tmp_path) == "valid", name


@st.composite
def mutations(draw: st.DrawFn, data: dict[str, Any]) -> dict[str, Any]:
    for _ in range(draw(st.integers(1, 3))):
        where = paths(data)
        if not where:
            break
        data = mutate(data, draw(st.sampled_from(KINDS)), draw(st.sampled_from(where)), draw(st.integers(0, 50)))
    return data


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_mutant_gives_a_located_error_or_a_valid_form(name: str) -> None:
    seen: dict[str, int] = {}

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        mutant = data.draw(mutations(merged(name)))
        with tempfile.TemporaryDirectory() as folder:
            result = outcome(mutant, Path(folder))
        seen[result] = seen.get(result, 0) + 1

    run()
    assert seen.get("error", 0) > 0  # the mutations do break templates, and each is located


def test_the_cli_says_where_not_how(tmp_path: Path) -> None:
    """One of the crashes found: an indicator table without a 完成程度 column under a tree with a
    qualitative row (KeyError: 'indicators[0].degree')."""
    data = merged("mof-project")
    data["indicators"]["columns"] = [c for c in data["indicators"]["columns"] if c["field"] != "degree"]
    path = write(data, tmp_path)
    result = CliRunner().invoke(app, ["--lang", "en", "templates", "check", str(path)])
    assert result.exit_code == 1 and not isinstance(result.exception, KeyError), result.output
    assert "mutated.toml" in result.output and "degree" in result.output
    assert dump_toml({"a": {"b": [1, "x"]}}) == 'a = { b = [1, "x"] }\n'


def located(data: dict[str, Any], folder: Path) -> str:
    """The one error loading ``data`` gives, in English, without the folder."""
    problems = problems_of(write(data, folder))
    assert len(problems) == 1, [p.message for p in problems]
    return problems[0].message_in("en").replace(str(folder) + "/", "")


def test_found_a_field_label_wider_than_the_form(tmp_path: Path) -> None:
    """Found by the mutation test: a header field's own label counted no column, so a row wider
    than the form got to the print setup (IndexError)."""
    data = merged("chongqing-department-overall")
    data["header"][1]["fields"][2]["span"] = 2  # 自评总分's value, after its own label
    assert located(data, tmp_path).startswith("mutated.toml: key 'header[1].fields': the label and fields span")


def test_found_a_field_name_that_no_defined_name_can_hold(tmp_path: Path) -> None:
    """Found by the mutation test: a field named '{nosuch}' reached XlsxWriter's define_name."""
    data = merged("sichuan-project")
    data["goals"]["columns"][2]["field"] = "{nosuch}"
    assert located(data, tmp_path) == ("mutated.toml: key 'goals.columns[2].field': '{nosuch}' is not a field name; "
                                       "expected letters, digits and _, starting with a letter")


@pytest.mark.parametrize(("edit", "key"), [
    (lambda d: d["indicators"]["columns"][3].update(formula="rate"), "indicators.columns[3].formula"),
    (lambda d: d["indicators"]["columns"][3].update(format="percent"), "indicators.columns[3].format"),
    (lambda d: next(c for c in d["indicators"]["columns"] if c["type"] == "computed").update(required=False),
     "indicators.columns[8].required"),
    (lambda d: d["header"][0]["fields"][0].update(label_span=2), "header[0].fields[0].label_span"),
    (lambda d: d["total"].update(subtotal_label="{tier}小计"), "total.subtotal_label"),
    (lambda d: d["tree"][0].update(level2="无此列") or d["indicators"].update(
        columns=[c for c in d["indicators"]["columns"] if c["field"] != "level2"] + [
            {"field": "pad", "label": "", "type": "blank"}]), "tree[0].level2"),
])
def test_a_key_that_has_no_effect_is_an_error(edit: Any, key: str, tmp_path: Path) -> None:
    data = merged("mof-project")
    edit(data)
    message = located(data, tmp_path)
    assert message.startswith(f"mutated.toml: key '{key}': ") and ("no effect" in message or "only a computed" in message), message
