"""What ``xlgen distribute`` says about its plan: each changed, adopted or refused department, the
departments no longer on the roster, and the counts (``--dry-run``: also each new one)."""

from __future__ import annotations

from pathlib import Path

from xlgen import lang
from xlgen.clitext import Say
from xlgen.cycle.distribute import Distribution
from xlgen.cycle.plan import ADOPTED, CHANGED, KEPT, NEW, REFUSED, Step

SHOWN_CHANGES = 6  # fields of one department named; more are "…"
SHOWN_GONE = 20


def plan_lines(done: Distribution, manifest: Path, template: str, version: str) -> list[tuple[str, str]]:
    """(kind, line): kind "error" for a refused department, "warning", else "" (a plain line)."""
    plan = done.plan
    out: list[tuple[str, str]] = [("warning", note.message_in(None)) for note in plan.notes]
    for step in plan.steps:
        if step.kind == NEW and done.dry_run:
            out.append(("", Say.PLAN_NEW(code=step.code, name=step.name, file=step.target.name)))
        elif step.kind == CHANGED:
            out.append(("", Say.PLAN_CHANGED(code=step.code, name=step.name, changes=changes(step))))
        elif step.kind == ADOPTED:
            out.append(("", Say.PLAN_ADOPTED(file=step.target.name)))
        elif step.kind == REFUSED:
            out.append(("error", Say.PLAN_REFUSED(code=step.code, name=step.name,
                                                  file=step.earlier.file.name if step.earlier else "",
                                                  reason=step.reason.message_in(None) if step.reason else "")))
    if plan.gone:
        codes = "、".join(g.code for g in plan.gone[:SHOWN_GONE]) + ("…" if len(plan.gone) > SHOWN_GONE else "")
        out.append(("warning", Say.PLAN_GONE(count=len(plan.gone), codes=codes)))
    count = {kind: len(plan.of(kind)) for kind in (NEW, CHANGED, KEPT, REFUSED, ADOPTED)}
    if done.dry_run:
        out.append(("", Say.PLAN_SUMMARY(new=count[NEW], changed=count[CHANGED], kept=count[KEPT] + count[ADOPTED],
                                          refused=count[REFUSED])))
        return out
    if count[KEPT]:  # the earlier blanks may be out already: never rewritten unless their row changed
        out.append(("", Say.KEPT_BATCH(count=count[KEPT])))
    out.append(("", Say.WROTE_BATCH(count=count[NEW] + count[CHANGED], manifest=manifest, template=template,
                                    version=version)))
    return out


def changes(step: Step) -> str:
    """A changed department's fields as 「label old → new」, the first few, and a renamed file."""
    shown = [f"{label} {old} → {new}" for label, old, new in step.changes[:SHOWN_CHANGES]]
    if len(step.changes) > SHOWN_CHANGES:
        shown.append("…")
    if step.earlier is not None and step.earlier.file.name != step.target.name:
        shown.append(Say.PLAN_RENAMED(old=step.earlier.file.name, new=step.target.name))
    return ("；" if lang.current() == "zh" else "; ").join(shown)
