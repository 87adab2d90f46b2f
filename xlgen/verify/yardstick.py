"""The distribution as the yardstick: each return judged against the blank its department was sent.

``verify --distributed DIST`` (and ``rollover --distributed``) read, once per run and process,
what each blank of DIST carries: its sealed record of the bureau's fixed values, the seal, the
layout stamp and the department code of its properties. Why the blank and not a copy in the
manifest: the manifest's sha256 already vouches for each blank, the blank's record is the one the
generator wrote (the layout's fixed slots, one source of truth for cell positions), and a manifest
of an older xlgen works the same; nothing is kept twice that could drift.

A return that claims a department (template, version, year and code, as reconciliation matches
it) is compared field by field with that department's blank, whatever its own seal says: each
difference is ``fixed-changed`` at its cell; its record and seal must be the blank's
(``seal-broken`` otherwise, so a record rewritten and sealed again with the public hash is caught
without a key); its layout stamp and department property must be the blank's (``marks-changed``);
xlgen's marks removed (properties, names, the lists sheet) are ``marks-removed``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.findings import Finding
from xlgen.generate import provenance, seal
from xlgen.intake.package import document_properties
from xlgen.verify.manifest import Key, load_distribution



@dataclass(frozen=True)
class Reference:
    """What one distributed blank carries that a return must still carry."""

    file: str  # the blank's file name (messages)
    record: seal.Record | None  # its sealed record (None: a blank of a layout before seals)
    seal: str  # its seal as stored
    layout: str  # its xlgen_layout stamp
    department: str | None  # its xlgen_department_code property


class Yardstick:
    """The blanks of one distribution by key. A forked worker process shares its parent's
    (``batch.warm``); pickled, it is its folder, and a spawned worker reads the blanks once
    (``load``)."""

    def __init__(self, folder: Path, references: dict[Key, Reference]) -> None:
        self.folder = folder
        self.references = references

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (load, (str(self.folder),))

    def get(self, key: Key | None) -> Reference | None:
        return None if key is None else self.references.get(key)


def reference_of(path: Path) -> Reference | None:
    """What the blank at ``path`` carries (None when it cannot be opened)."""
    props = document_properties(path)
    if isinstance(props, Finding):
        return None
    stored = seal.stored(props)
    record = seal.parse(stored[0]) if stored else None
    return Reference(path.name, record, stored[1] if stored else "",
                     props.get(provenance.PROP_LAYOUT, ""), props.get(provenance.PROP_DEPARTMENT))


def yardstick_of(folder: Path, blanks: Iterable[tuple[Key, Path]]) -> Yardstick:
    """The yardstick of ``folder`` from its blanks (key, file), already checked against the manifest."""
    refs = {key: ref for key, path in blanks if (ref := reference_of(path)) is not None}
    return Yardstick(folder, refs)


@functools.lru_cache(maxsize=4)
def load(folder: str) -> Yardstick:
    """The yardstick of the distribution in ``folder`` (a worker process's copy, read once)."""
    return yardstick_of(Path(folder), ((b.key, b.file) for b in load_distribution(Path(folder))))
