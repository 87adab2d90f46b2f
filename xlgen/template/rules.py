"""The form's per-row rules: each defined once, in the template's ``[checks]``.

A rule is a formula of the template (a key of ``[formulas]``) giving 1 on a table row that breaks
it, else 0. Everything about the rule comes from its one definition:

- the workbook's hidden helper column (one per rule, ``layout/model.py``), on every row of each
  table whose columns all of the formula's placeholders name;
- its row of the live 填报检查 block counting the rows that break it (``label``; none: the rule
  is only highlighted);
- the light red highlight of a breaking row (``highlight``, on by default);
- its sentence in the 填表说明 sheet (``guide``);
- the finding ``xlgen verify`` reports on each breaking row (``code``), found by evaluating the
  same formula with xlgen's engine on the returned inputs: the workbook and verify cannot
  disagree about a rule.

The national base (``templates/_base/national.toml``) defines the built-in rules' wording; a form
names their formulas (``analysis = "missing_analysis"`` is short for ``[checks.analysis]
formula = "missing_analysis"``). A rule without a formula is off.

How to add a rule (in a template, or in the national base for every form)::

    [checks.measures_short]
    formula = "short_measures"           # a key of [formulas]: 1 when the row breaks the rule
    label = "改进措施少于 4 个字的指标数（应为 0）"   # its 填报检查 row
    guide = "改进措施至少填写 4 个字。"        # its 填表说明 sentence
    code = "measures-short"                # a new kebab-case code, with its severity and
    severity = "warning"                   # messages, or a code of xlgen/findings.py
    zh = "{cell}：「{name}」的改进措施「{measures}」太短"
    en = "{cell}: '{name}' has too short measures '{measures}'"
    at = "measures"                        # the column the finding points at

A message may name ``{cell}``, ``{label}`` (the pointed cell's), ``{name}`` (the indicator's, or
the row's), ``{missing}`` (the blank inputs the formula reads) and every column of the row by its
field. Without ``at`` a finding points at the first blank input the formula reads.

``required``, ``number``, ``band``, ``operator`` and ``unit`` are built by xlgen from the layout,
not by a template formula (empty required inputs, white space counting as empty; a text in a cell
that holds a number — "100%", "九十五", full-width digits, a number stored as text; a qualitative
grade not in the list or its 完成程度 outside the grade's band; an operator not exactly one of
``[lists] operators``, or any on a qualitative row; a unit not one of ``[lists] units``); the
template gives their wording only. Their helper formulas are the definition for verify too: it
evaluates each row's helper and the per-cell test it is made of (``layout/cellrules.py``) and
reports ``required-missing``, ``not-a-number``, ``grade-invalid``/``grade-band``,
``operator-invalid`` and ``unit-invalid``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.errors import XlgenError
from xlgen.errors.template import TemplateCode
from xlgen.findings import BY_CODE, ERROR, WARNING
from xlgen.template.tomlspec import Node, not_a_formula

# Rules xlgen builds itself (their helper formulas are structural, not a template formula).
REQUIRED, NUMBER, BAND, OPERATOR, UNIT = "required", "number", "band", "operator", "unit"
STRUCTURAL = (REQUIRED, NUMBER, BAND, OPERATOR, UNIT)
# the finding (its severity) of each: a unit off the list is a warning, so its row says 请核实
_STRUCTURAL_CODES = {REQUIRED: "required-missing", NUMBER: "not-a-number", BAND: "grade-band",
                     OPERATOR: "operator-invalid", UNIT: "unit-invalid"}
WEIGHT_CHECKS = ("task_weights", "indicator_weights")  # the other rows of 填报检查, and its verdict
OVERALL = "overall"
_KEYS = ("formula", "check", "label", "guide", "highlight", "code", "severity", "zh", "en", "at", "fix")
_NAME = re.compile(r"[a-z][a-z0-9_]*$")
_CODE = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Rule:
    """One per-row rule of the form (see the module's docstring)."""

    name: str  # its key under [checks]; also the helper column's role
    formula: str = ""  # key of [formulas] ("" for the structural rules)
    check: str = ""  # the 填报检查 row's field (defined name xlgen_check_<check>); default: name
    label: str = ""  # the 填报检查 row's label; "": not counted, only highlighted
    guide: str = ""  # its sentence in 填表说明
    highlight: bool = True  # light red on a breaking row
    code: str = ""  # the finding's code ("": verify reports nothing of its own)
    severity: str = ""  # of a template's own code (a catalogue code has its own)
    zh: str = ""
    en: str = ""
    at: str = ""  # the field a finding points at ("": the first blank input the formula reads)
    # key of [formulas]: the value meant on a breaking row; a warning's 填报检查 row shows it when
    # one row breaks the rule ("请核实：是否应填 95？")
    fix: str = ""

    @property
    def structural(self) -> bool:
        return self.name in STRUCTURAL

    @property
    def warns(self) -> bool:
        """Its finding is a warning: the 填报检查 row asks to check (请核实), the verdict ignores it."""
        code = self.code or _STRUCTURAL_CODES.get(self.name, "")
        if code in BY_CODE:
            return BY_CODE[code].severity == WARNING
        return self.severity == WARNING

    @property
    def check_field(self) -> str:
        return self.check or self.name


def normalize(data: dict[str, Any]) -> None:
    """``[checks] name = "formula"`` → ``[checks.name] formula = "formula"`` in a parsed template,
    so that a form's short form merges over the base's definition key by key."""
    checks = data.get("checks")
    if isinstance(checks, dict):
        for name, value in checks.items():
            if isinstance(value, str):
                checks[name] = {"formula": value}


def parse_rules(node: Node) -> tuple[Rule, ...]:
    """The rules of ``[checks]``, in order (the base's first), the active ones only."""
    rules = []
    for name in node.data:
        if not _NAME.match(name):
            raise node.error(name, TemplateCode.RULE_NAME, name=name)
        rule = _rule(node.table(name))
        if rule.structural or rule.formula:
            rules.append(rule)
    return tuple(rules)


def _rule(node: Node) -> Rule:
    node.only(*_KEYS)
    name = node.key.rsplit(".", 1)[-1]
    text = {k: node.get(k, str, default="") for k in _KEYS if k != "highlight"}
    rule = Rule(name=name, highlight=node.get("highlight", bool, default=True), **text)
    if rule.structural:
        for key in ("formula", "code", "severity", "zh", "en", "at", "fix"):
            if getattr(rule, key):
                raise node.error(key, TemplateCode.RULE_BUILT_IN, name=name)
        return rule
    if rule.code and not _CODE.match(rule.code):
        raise node.error("code", TemplateCode.RULE_CODE, finding=rule.code)
    if rule.code in BY_CODE:
        for key in ("severity", "zh", "en"):
            if getattr(rule, key):
                raise node.error(key, TemplateCode.RULE_CODE_CATALOGUED, finding=rule.code)
    elif rule.code:
        if rule.severity not in (ERROR, WARNING):
            raise node.error("severity", TemplateCode.RULE_SEVERITY, severity=rule.severity)
        for key in ("zh", "en"):
            if not getattr(rule, key):
                raise node.error(key, TemplateCode.RULE_WORDING, finding=rule.code, lang=key)
    elif rule.severity or rule.zh or rule.en:
        raise node.error("code", TemplateCode.RULE_CODE_MISSING)
    return rule


def check_rules(file: Path, rules: tuple[Rule, ...], formulas: dict[str, list[str]],
                fields: dict[str, tuple[str, ...]]) -> list[XlgenError]:
    """Cross-key problems of the rules of ``file`` (``formulas``: each formula's placeholders;
    ``fields``: each table's), each located at its dotted key."""
    problems = []
    every = {f for names in fields.values() for f in names}
    checks = [r.check_field for r in rules if r.label] + [*WEIGHT_CHECKS, OVERALL]
    for r in rules:
        key = f"checks.{r.name}"
        if r.formula and r.formula not in formulas:
            problems.append(not_a_formula(file, f"{key}.formula", r.formula, sorted(formulas)))
        elif r.formula and not any(set(formulas[r.formula]) <= set(names) for names in fields.values()):
            problems.append(XlgenError(TemplateCode.RULE_READS_NO_TABLE, file=file, key=f"{key}.formula",
                                       formula=r.formula, reads=", ".join(formulas[r.formula])))
        if r.fix and r.fix not in formulas:
            problems.append(not_a_formula(file, f"{key}.fix", r.fix, sorted(formulas)))
        elif r.fix and not r.warns:
            problems.append(XlgenError(TemplateCode.RULE_FIX_ON_ERROR, file=file, key=f"{key}.fix"))
        if r.at and r.at not in every:
            problems.append(XlgenError(TemplateCode.RULE_AT, file=file, key=f"{key}.at", column=r.at))
        if checks.count(r.check_field) > 1 and r.label:
            problems.append(XlgenError(TemplateCode.RULE_CHECK_TWICE, file=file, key=f"{key}.check", check=r.check_field))
    return problems
