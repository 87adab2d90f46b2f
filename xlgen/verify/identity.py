"""A returned file's sealed identity: who the bureau made it for, as its sealed record says.

For matching returns to the departments of a distribution (collect): the department code and
name in the record are the bureau's, whatever the cells say now; ``state`` says whether the
seal vouches for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlgen.findings import Finding
from xlgen.generate import seal
from xlgen.intake.package import open_workbook

SEALED, UNCHECKED, BROKEN, MISSING = "sealed", "unchecked", "broken", "missing"


@dataclass(frozen=True)
class SealedIdentity:
    state: str  # SEALED (seal matches), UNCHECKED (keyed seal, no key given), BROKEN, MISSING
    record: seal.Record | None  # None when the file holds no readable record

    @property
    def department_code(self) -> str | None:
        return self.record.department_code if self.record else None

    @property
    def department_name(self) -> str | None:
        return self.record.department_name if self.record else None

    @property
    def year(self) -> int | None:
        return self.record.year if self.record else None


def sealed_identity(path: Path, key: bytes | None = None) -> SealedIdentity | Finding:
    """The identity ``path``'s sealed record gives (an ``unreadable`` finding when the file
    cannot be opened). Reads the document properties only, not the sheet."""
    pkg = open_workbook(path)
    if isinstance(pkg, Finding):
        return pkg
    return identity_of(pkg.properties, key)


def identity_of(properties: dict[str, str], key: bytes | None = None) -> SealedIdentity:
    stored = seal.stored(properties)
    if stored is None:
        return SealedIdentity(MISSING, None)
    text, sealed = stored
    record = seal.parse(text)
    if record is None:
        return SealedIdentity(BROKEN, None)
    if key is None and seal.keyed(sealed):
        return SealedIdentity(UNCHECKED, record)
    return SealedIdentity(SEALED if seal.seal_matches(text, sealed, key) else BROKEN, record)
