"""The seal: a workbook's record of what the bureau fixed in it, and a hash or HMAC over the record.

The record is canonical JSON (sorted keys, no spaces between items): the template, the year and
``fields``, slot key → value, of every fixed value the blank was pre-filled with. It is stored in
custom document properties, which Excel, WPS and LibreOffice keep when they save an .xlsx, cut into
parts of at most 255 characters (Excel's limit for a property's text): ``xlgen_fixed_01`` … and
``xlgen_seal`` = ``hmac-sha256:<hex>`` with the bureau's key (``--key-file``), else
``sha256:<hex>``. The key is never stored. Without a key the seal only shows that record and seal
were not edited apart: a department that rewrites both together is not caught; with the key it is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.errors import ErrorCode, XlgenError
from xlgen.oserrors import input_failed, output_failed

PROP_SEAL = "xlgen_seal"
PROP_PART = "xlgen_fixed_"  # + two digits: the record's parts in order
PART_CHARS = 255  # Excel keeps at most 255 characters of a custom property's text
MAX_PARTS = 400  # a record longer than this is no record of ours (read bounded)
SHA, HMAC = "sha256", "hmac-sha256"
KEY_BYTES = 32
RECORD_FORMAT = 1


@dataclass(frozen=True)
class Record:
    """A workbook's fixed values as sealed: the record's text and what it says."""

    text: str
    template: str
    version: str
    year: int | None
    fields: dict[str, Any]  # slot key → value (str or float)

    @property
    def department_code(self) -> str | None:
        code = self.fields.get("header.department_code")
        return code if isinstance(code, str) else None

    @property
    def department_name(self) -> str | None:
        name = self.fields.get("header.department_name")
        return name if isinstance(name, str) else None


def record_text(template: str, version: str, year: int | None, fields: dict[str, Any]) -> str:
    """The canonical text of a record (numbers as floats, the way the cells hold them)."""
    values = {k: float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in fields.items()}
    doc = {"format": RECORD_FORMAT, "template": template, "version": version, "year": year, "fields": values}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def seal_of(text: str, key: bytes | None) -> str:
    data = text.encode("utf-8")
    if key is None:
        return f"{SHA}:{hashlib.sha256(data).hexdigest()}"
    return f"{HMAC}:{hmac.new(key, data, hashlib.sha256).hexdigest()}"


def properties(text: str, key: bytes | None) -> dict[str, str]:
    """The custom properties that carry the record ``text`` and its seal."""
    props = {PROP_SEAL: seal_of(text, key)}
    for i, part in enumerate(_parts(text), start=1):
        props[f"{PROP_PART}{i:02d}"] = part
    return props


def _parts(text: str) -> list[str]:
    """``text`` cut into pieces of at most PART_CHARS, never next to a space (a reader may trim a
    property's text)."""
    out = []
    while text:
        end = min(len(text), PART_CHARS)
        while end < len(text) and end > 1 and (text[end - 1].isspace() or text[end].isspace()):
            end -= 1
        out.append(text[:end])
        text = text[end:]
    return out


def stored(props: dict[str, str]) -> tuple[str, str] | None:
    """(record text, seal) as the properties hold them; None when the file holds no record."""
    seal = props.get(PROP_SEAL)
    parts = []
    for i in range(1, MAX_PARTS + 1):
        part = props.get(f"{PROP_PART}{i:02d}")
        if part is None:
            break
        parts.append(part)
    if seal is None and not parts:
        return None
    return "".join(parts), seal or ""


def parse(text: str) -> Record | None:
    """The record a text says, None when it is not one (damaged, edited out of shape)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("fields"), dict):
        return None
    fields = {k: v for k, v in doc["fields"].items() if isinstance(k, str) and isinstance(v, (str, float, int))
              and not isinstance(v, bool)}
    year = doc.get("year")
    return Record(text, str(doc.get("template", "")), str(doc.get("version", "")),
                  year if isinstance(year, int) and not isinstance(year, bool) else None, fields)


def seal_matches(text: str, seal: str, key: bytes | None) -> bool:
    """Whether ``seal`` seals ``text``: with a key only an HMAC by that key does (a department can
    compute a plain hash itself)."""
    # as bytes: compare_digest refuses a str with non-ASCII characters (a seal edited to hold a
    # full-width space raised TypeError instead of failing)
    return hmac.compare_digest(seal.strip().lower().encode("utf-8"), seal_of(text, key).encode("utf-8"))


def keyed(seal: str) -> bool:
    return seal.strip().lower().startswith(HMAC + ":")


# ----------------------------------------------------------------------------- the bureau's key
def new_key(path: Path) -> None:
    """Write a new random key to ``path`` (mode 600); never over an existing file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise XlgenError(ErrorCode.KEY_EXISTS, file=path) from None
    except OSError as exc:
        raise output_failed(exc, path) from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(KEY_BYTES) + "\n")


def load_key(path: Path) -> bytes:
    """The key in ``path``: the hex text ``keygen`` writes (any other content is used as bytes)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise input_failed(exc, path) from None
    text = data.strip()
    if len(text) < 16:
        raise XlgenError(ErrorCode.KEY_SHORT, file=path)
    try:
        return bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return text
