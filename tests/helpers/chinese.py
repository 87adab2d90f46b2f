"""What of a Chinese message is English prose of ours: the words left once what the user wrote
and the names of things (quoted values, keys, files, formulas, codes, options) are taken out."""

from __future__ import annotations

import re
from collections.abc import Mapping

from xlgen.lang import Text, fill

# names that a Chinese message names as they are
NAMES = {"xlgen", "Excel", "WPS", "LibreOffice", "XlsxWriter", "TOML", "HMAC", "SHA", "CSV", "UTF",
         "GBK", "BOM", "PDF", "PNG", "Debian", "poppler", "utils", "pdftoppm", "apt", "get", "install", "keygen",
         "TRUE", "FALSE", "General", "xlrd", "OLE", "DTD", "VBA", "ActiveX", "http", "https", "mailto", "UNC",
         "DDE", "WEBSERVICE", "RTD", "CALL", "HYPERLINK", "History", "Calibri", "SimSun", "version", "id",
         "warning", "error",
         "generate", "distribute", "rollover", "import", "verify", "preview", "templates", "check", "serve",  # commands
         "tasks", "goals", "indicators", "header", "footer", "total", "sections", "nan", "inf",
         "subtotals", "min", "max", "label", "marked", "code", "guide", "highlight", "columns",
         "true", "false",
         "zip", "ZIP", "MiB", "GiB", "Office", "Word", "PowerPoint", "OpenDocument", "ods", "sha", "soffice", "Ctrl", "newest", "lists"}  # "lists": xlgen's hidden sheet  # formats and programs  # keys of a template  # tables; values a user typed  # a rule's severity, as a template writes it
_LISTED = re.compile(r"[\w.%≥≤<>=-]+(?:, [\w.%≥≤<>=-]+)+")  # a list of keys or values: names
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][\w.\-]+)+[/\\]?|[\w.\-]+/[\w.\-/]*")  # a path, or a relative one
_QUOTED = re.compile(r"「[^」]*」|“[^”]*”|'[^']*'|\"[^\"]*\"|\{[^}]*\}|\[[^\]]*\]|\([^)]*[/\\.][^)]*\)")
_NAMED = re.compile(r"(?<![\w-])(?:--?[\w-]+|\.(?:xlsx|xlsm|xls|et|xlsb|toml|csv|pdf|png)\b|[\w./\\-]+\.(?:xlsx|xlsm|xls|et|xlsb|toml|csv|pdf|png|key|json)"
                    r"|[A-Za-z_][\w-]*(?:[.\[][\w\]\[.-]*)+|[a-z]+(?:-[a-z]+)+|[a-z]+_[\w]+|[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?"
                    r"|[A-Z][A-Z0-9_]+\(?)")


def english_words(message: str) -> list[str]:
    """The English words of ``message`` that are prose, not names (empty for a clean Chinese one)."""
    left = _NAMED.sub(" ", _LISTED.sub(" ", _QUOTED.sub(" ", _PATH.sub(" ", message))))
    return [w for w in re.findall(r"[A-Za-z]{3,}", left) if w not in NAMES]


class AsIs(str):
    """A field's value that is not ours (a file, a key, the OS's words): shown as a mark."""

    def __format__(self, spec: str) -> str:
        return str(self)


def ours(text: Text, fields: Mapping[str, object], lang: str = "zh") -> str:
    """A message in ``lang`` with only our words in it: each field that is not a Text of ours
    (what the user, a library or the OS said) shown as a mark."""
    return fill(text, {k: v if isinstance(v, Text) else AsIs("※") for k, v in fields.items()}, lang)
