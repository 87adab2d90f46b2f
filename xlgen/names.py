"""Names every stage shares: the sections of a form, the roles of its cells, the statuses of a
verified file. One spelling each, imported rather than written again as a string."""

from __future__ import annotations

# Sections of a form: a slot's ``section``, the tables and keys of a template and of a fill.
HEADER, TASKS, GOALS, INDICATORS, TOTAL = "header", "tasks", "goals", "indicators", "total"
FOOTER = "footer"  # rows under the total: 评价结论 blocks, sign-off lines
CHECKS, HELPER = "checks", "helper"  # the 填报检查 block; its hidden per-row helper columns

# Roles of a cell (a slot's ``role``): filled by the department, computed, or fixed by the template.
INPUT, FORMULA, FIXED = "input", "formula", "fixed"

# Statuses of a verified file.
PASS, FAIL, ERRORED = "pass", "fail", "error"
