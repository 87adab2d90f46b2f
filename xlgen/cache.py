"""Compiled programs of template layouts, built once per process."""

from __future__ import annotations

from .engine import Program
from .layout import Layout


def program(lay: Layout) -> Program:
    return lay.program
