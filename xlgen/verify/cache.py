"""Compiled programs of template layouts: built once per process, parsed once per machine.

A layout's program is cached in memory with the layout (``build_layout`` is cached per
template and row counts). What costs time in a fresh process is parsing the formulas with
`formulas` (importing it and running its parser: most of a second for a form); those parses
are plain data (``compiler.PARSED``), so they are kept on disk as JSON, keyed by the template's
hash and the xlgen and `formulas` versions, and a worker of ``xlgen verify --jobs`` starts
without parsing anything. JSON, not pickle: a cache file is data, never code.

``$XLGEN_CACHE_DIR`` sets the folder (``off`` disables the disk cache); default
``$XDG_CACHE_HOME/xlgen`` or ``~/.cache/xlgen``.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

from xlgen import __version__
from xlgen.formula import compiler
from xlgen.formula.compiler import Program
from xlgen.layout.model import Layout
from xlgen.template.model import Template

FORMAT = 1  # of the cache file; bump when compiler.Parsed changes


def cache_dir() -> Path | None:
    env = os.environ.get("XLGEN_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xlgen"


@functools.lru_cache(maxsize=1)
def _formulas_version() -> str:
    try:
        return metadata.version("formulas")
    except metadata.PackageNotFoundError:
        return "unknown"


def cache_file(t: Template) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"parsed-{t.id}-{t.sha256[:16]}-xlgen{__version__}-formulas{_formulas_version()}-v{FORMAT}.json"


_loaded: set[Path] = set()


def program(lay: Layout) -> Program:
    """The layout's compiled program; its formulas' parses read from and added to the disk cache."""
    built: Program | None = vars(lay).get("program")
    if built is not None:
        return built  # compiled already (every file of a layout after its first): nothing to parse
    path = cache_file(lay.template)
    if path is not None and path not in _loaded:
        _loaded.add(path)
        _load(path)
    before = len(compiler.PARSED)
    compiled = lay.program
    if path is not None and len(compiler.PARSED) > before:
        _save(path)
    return compiled


def _load(path: Path) -> None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            return
        for source, (root, producers, constants) in doc["parsed"].items():
            compiler.PARSED.setdefault(source, (root, {k: (n, list(i)) for k, (n, i) in producers.items()},
                                              dict(constants)))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return  # no cache, or a damaged one: parse again and write it anew


def _save(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"format": FORMAT, "parsed": compiler.PARSED}
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return  # a read-only home: the cache is an optimisation, never a requirement
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(doc, out, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
