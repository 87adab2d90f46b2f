"""A cell value as the text a person reads, and label text without wrap artefacts."""

from __future__ import annotations

from typing import Any


def as_text(value: Any) -> str:
    """A cell value as text: 12.63, 5 (not 5.0); None as ""."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value)


def norm(text: str) -> str:
    """Label text without whitespace (the seed wraps long labels with spaces)."""
    return "".join(text.split())
