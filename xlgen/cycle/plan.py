"""Distribute as a reconciliation of the roster with the folder: what a run (or a rerun after the
roster was corrected, or after an interruption) has to do for each department, decided before
anything is written (``--dry-run`` shows it).

A department of the roster is
- NEW: no blank yet (or its file is missing);
- CHANGED: its blank is as written (the manifest's sha256) but its roster row changed (the inputs
  it would get differ, or its name and so its file name): rewritten, old → new said, a rename
  replaces the file;
- KEPT: its blank is as written and its row unchanged;
- REFUSED: its row changed but its blank is no longer as written (a department filled it and saved
  it back, or someone edited it): never touched, named.
A blank on disk that the manifest does not list (a run cut off by a crash after the file was
renamed into place) is ADOPTED when it is byte for byte what this run would write, else refused
as an existing file. One manifest row and one blank per code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlgen.errors import Said
from xlgen.layout.values import bind_inputs, layout_for
from xlgen.template.fill import Fill
from xlgen.template.model import Template
from xlgen.verify.manifest import Distributed as Distributed  # one row of manifest.csv, re-exported
from xlgen.verify.result import inputs_digest

NEW = "new"
CHANGED = "changed"
KEPT = "kept"
REFUSED = "refused"
ADOPTED = "adopted"


@dataclass(frozen=True)
class Step:
    """What a run does for one department of the roster."""

    kind: str  # NEW | CHANGED | KEPT | REFUSED | ADOPTED
    code: str
    name: str
    target: Path  # the file it gets (YYYY_CODE_NAME.xlsx)
    fill: Fill
    digest: str  # of the inputs it gets
    earlier: Distributed | None = None  # its manifest row, when it has one
    changes: tuple[tuple[str, str, str], ...] = ()  # (field as the form names it, old, new)
    reason: Said | None = None  # why it is REFUSED

    @property
    def writes(self) -> bool:
        return self.kind in (NEW, CHANGED)


@dataclass
class Plan:
    steps: list[Step]
    gone: list[Distributed] = field(default_factory=list)  # listed, no longer on the roster: kept
    notes: list[Said] = field(default_factory=list)  # what reading the roster noted (columns ignored …)

    def of(self, *kinds: str) -> list[Step]:
        return [s for s in self.steps if s.kind in kinds]


def digest_of(template: Template, fill: Fill) -> tuple[str, dict[str, Any]]:
    """The inputs a department's blank gets from its roster row, and their digest (the
    manifest's inputs_sha256), without writing the workbook."""
    inputs = bind_inputs(layout_for(template, fill), fill)
    return inputs_digest(inputs), inputs


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changes(template: Template, old_file: Path, new_inputs: Mapping[str, Any], old_name: str,
            new_name: str) -> tuple[tuple[str, str, str], ...]:
    """What differs between the blank on disk and what the roster now gives, field by field as the
    form names them (at most the first few; the blank is read as verify reads a return)."""
    from xlgen.intake.returned import read_returned
    from xlgen.verify.plan import plan_for

    read = read_returned(old_file)
    if not hasattr(read, "inputs"):  # unreadable: say only the name, if that changed
        return ((_NAME, old_name, new_name),) if old_name != new_name else ()
    old_inputs = read.inputs()
    labels = plan_for(layout_for(template, None)).labels
    out = []
    for key in sorted(set(old_inputs) | set(new_inputs), key=_slot_order):
        old, new = _shown(old_inputs.get(key)), _shown(new_inputs.get(key))
        if old != new:
            out.append((labels.get(key, key), old, new))
    return tuple(out)


_NAME = "部门名称"


def _slot_order(key: str) -> tuple[int, str]:
    return (0 if key.startswith("header.") else 1, key)


def _shown(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "（空）"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
    return str(value).strip()
