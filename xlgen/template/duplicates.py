"""Two files of one template (id and version) in a bureau's folders: refused, naming both."""

from __future__ import annotations

from xlgen.errors import ErrorCode, XlgenError
from xlgen.template.model import Template, built_in_templates, loaded, template_files


def refuse_duplicates() -> None:
    """Two different files with one id and version in a bureau's folders ($XLGEN_TEMPLATES,
    --templates, ./templates) are refused, naming both: which one generate and verify used would
    depend on the order of the folders. Such a file does override a built-in template of the
    same id and version (that is what the folders are for)."""
    built_in = built_in_templates().resolve()
    own = [path for path in template_files() if path.parent.resolve() != built_in]
    first: dict[tuple[str, str], Template] = {}
    for t in loaded(tuple(str(path.resolve()) for path in own)):
        seen = first.setdefault((t.id, t.version), t)
        if seen.sha256 != t.sha256:
            raise XlgenError(ErrorCode.TEMPLATE_DUPLICATE, name=t.id, version=t.version, file=seen.path,
                             other=t.path)
