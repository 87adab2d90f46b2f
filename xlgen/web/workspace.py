"""The page's workspace: plain files in the command line's own layout, so a bureau can switch
between the page and the command line at any time::

    WORKSPACE/templates/                 the bureau's templates (xlgen --templates WORKSPACE/templates)
    WORKSPACE/rosters/YEAR/ROSTER        rosters as uploaded
    WORKSPACE/YEAR/distributed/          xlgen distribute … -o WORKSPACE/YEAR/distributed (blanks, manifest.csv)
    WORKSPACE/YEAR/returns/              the returns, as uploaded (xlgen verify WORKSPACE/YEAR/returns …)
    WORKSPACE/YEAR/report.xlsx           xlgen verify … --distributed … --report WORKSPACE/YEAR/report.xlsx
    WORKSPACE/YEAR+1/distributed/        xlgen rollover WORKSPACE/YEAR/returns --distributed … -o WORKSPACE/YEAR+1/distributed
    WORKSPACE/blanks/, previews/         single blanks and their pictures, made on the 模板 page

Uploads are stored here under clean names only: the base name of what the browser sent (or of a
zip entry), with characters unsafe on Windows or POSIX replaced, never over an existing file (a
second upload of ``a.xlsx`` becomes ``a (2).xlsx``), always inside the folder it is meant for.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from xlgen.cycle.distribute import safe_name
from xlgen.intake.safezip import MAX_FILE, OLE2, Refused, open_zip
from xlgen.errors import Said, said
from xlgen.errors.cycle import CycleCode
from xlgen.lang import Text
from xlgen.verify.batch import SUFFIXES
from xlgen.verify.manifest import MANIFEST

ROSTER_SUFFIXES = (".xlsx", ".xls", ".csv")
RETURN_SUFFIXES = SUFFIXES
ZIP = ".zip"
ZIP_MAGIC = b"PK\x03\x04"
MAX_REQUEST = 256 << 20  # one upload request in all (several returns, or a zip of them)
_ANY = re.compile("")


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def year(self, year: int) -> Path:
        return self.root / str(year)

    def distributed(self, year: int) -> Path:
        return self.year(year) / "distributed"

    def manifest(self, year: int) -> Path:
        return self.distributed(year) / MANIFEST

    def returns(self, year: int) -> Path:
        return self.year(year) / "returns"

    def report(self, year: int) -> Path:
        return self.year(year) / "report.xlsx"

    def rosters(self, year: int) -> Path:
        return self.root / "rosters" / str(year)

    @property
    def blanks(self) -> Path:
        return self.root / "blanks"

    @property
    def previews(self) -> Path:
        return self.root / "previews"

    def years(self) -> list[int]:
        """The years with a distribution, newest first."""
        found = [int(p.name) for p in self.root.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4
                 and (p / "distributed" / MANIFEST).is_file()] if self.root.is_dir() else []
        return sorted(found, reverse=True)

    def inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root.resolve())


class Unwanted(Exception):
    """An uploaded file not taken, and why."""

    def __init__(self, reason: Said) -> None:
        super().__init__(reason.message_in("en"))
        self.reason = reason


def clean_name(sent: str, suffixes: tuple[str, ...]) -> str:
    """The name a file is stored under: its base name (whatever path the browser or the zip
    gave), made safe, with one of ``suffixes``; Unwanted otherwise."""
    base = sent.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in suffixes:
        raise Unwanted(said(CycleCode.NOT_TAKEN, name=base or "?", expected=Text("、".join(suffixes), ", ".join(suffixes))))
    return f"{safe_name(stem)}.{suffix.lower()}"


def check_content(name: str, data: bytes) -> None:
    """What a file's first bytes must be for its suffix: a zip for .xlsx/.xlsm/.xlsb/.zip, OLE2 for
    .xls/.et (both are opened by the verify's safe layer later; this refuses a mislabelled file at
    the door)."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise Unwanted(said(CycleCode.UPLOAD_EMPTY, name=name))
    if len(data) > MAX_FILE:
        raise Unwanted(said(CycleCode.UPLOAD_TOO_LARGE, name=name, limit=MAX_FILE >> 20))
    wants = {".xlsx": ZIP_MAGIC, ".xlsm": ZIP_MAGIC, ".xlsb": ZIP_MAGIC, ZIP: ZIP_MAGIC, ".xls": OLE2, ".et": OLE2}
    magic = wants.get(suffix)
    if magic is not None and not data.startswith(magic):
        raise Unwanted(said(CycleCode.UPLOAD_NOT_ITS_KIND, name=name, suffix=suffix))


def store(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``folder/name``, or ``name (2)``… when taken: never over a file, never
    outside ``folder`` (``name`` is a clean base name already)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 1000):
        path = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
        if path.resolve().parent != folder.resolve():
            raise Unwanted(said(CycleCode.UPLOAD_UNSAFE_NAME, name=name))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # two uploads at once: one wins each name
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return path
    raise Unwanted(said(CycleCode.UPLOAD_NAME_TAKEN, name=name))


def take(folder: Path, sent: str, data: bytes, suffixes: tuple[str, ...]) -> Path:
    """An uploaded file stored in ``folder``: named clean, its content checked; Unwanted otherwise."""
    name = clean_name(sent, suffixes)
    check_content(name, data)
    return store(folder, name, data)


def zip_members(path: Path) -> list[tuple[str, bytes]]:
    """The workbooks in an uploaded zip, read through the same safe layer as a workbook (no path
    outside, no bomb, every size capped); entries in folders are taken by their base name, other
    files are left out. Unwanted when the zip itself is refused."""
    try:
        zf = open_zip(path)
        names = zf.parts_like(_ANY)
        out = []
        for name in names:
            base = name.rsplit("/", 1)[-1]
            if not base or name.startswith("__MACOSX/") or base.startswith("~$") or base.startswith("._"):
                continue
            if Path(base).suffix.lower() in RETURN_SUFFIXES:
                out.append((base, zf.read(name, limit=MAX_FILE)))
        return out
    except Refused as exc:
        raise Unwanted(said(CycleCode.UPLOAD_ZIP_REFUSED, name=path.name, reason=exc.reason)) from None

