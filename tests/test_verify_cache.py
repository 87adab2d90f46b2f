"""The disk cache of parsed formulas: a fresh process compiles a form's program without parsing."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

from xlgen.verify import cache
from xlgen.formula import compiler
from xlgen.layout.placer import _build_layout, build_layout
from xlgen.template.model import Template


def _forget_parses() -> None:
    compiler.PARSED.clear()
    compiler.compile_formula.cache_clear()
    cache._loaded.clear()


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XLGEN_CACHE_DIR", str(tmp_path))
    saved = dict(compiler.PARSED)
    yield tmp_path
    _forget_parses()
    compiler.PARSED.update(saved)


def test_parses_come_from_disk_in_a_fresh_process(template: Template, cache_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import formulas

    _forget_parses()
    first = cache.program(build_layout(template, 7, 3))
    (written,) = cache_dir.glob("*.json")
    assert template.sha256[:16] in written.name and f"formulas{metadata.version('formulas')}" in written.name
    assert json.loads(written.read_text(encoding="utf-8"))["format"] == cache.FORMAT

    _forget_parses()  # as a new worker process starts

    def no_parser(*_a: object, **_k: object) -> None:
        raise AssertionError("parsed again instead of reading the cache")

    monkeypatch.setattr(formulas, "Parser", no_parser)
    again = cache.program(_build_layout.__wrapped__(template, 7, ("quantitative",) * 3))  # a new layout, not the cached one
    assert again is not first and len(again.steps) == len(first.steps) > 100
    inputs = {"I7": 12.79, "J7": 12.2, "L7": 13.3}
    assert again.run(inputs)["K7"] == first.run(inputs)["K7"] == 0.95
    assert again.run(inputs)["M7"] == 12.63  # ROUNDDOWN(13.3 × 0.95, 2), Excel's arithmetic


def test_a_damaged_cache_is_parsed_anew(template: Template, cache_dir: Path) -> None:
    _forget_parses()
    path = cache.cache_file(template)
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ not json", encoding="utf-8")
    program = cache.program(build_layout(template, 9, 3))
    assert program.run({"I7": 12.79, "J7": 12.2, "L7": 13.3})["K7"] == 0.95
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == cache.FORMAT  # rewritten


def test_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLGEN_CACHE_DIR", "off")
    assert cache.cache_dir() is None
