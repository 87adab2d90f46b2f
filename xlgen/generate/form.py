"""``xlgen generate`` as a call: one workbook for a template, filled from data or blank. The
command line and the page both call ``make_form`` with a ``FormOptions``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlgen.generate.seal import load_key
from xlgen.generate.workbook import Generated, generate
from xlgen.template.fill import load_fill, next_year
from xlgen.template.model import Template, load_template


@dataclass(frozen=True)
class FormOptions:
    template: str | Path  # a template file, or the name of one in the search path
    data: Path | None = None  # fill data (TOML); none: a blank
    year: int | None = None  # default: the data's; a blank: next year
    output: Path | None = None  # default: TEMPLATE-YEAR.xlsx here
    force: bool = False
    password: str | None = None
    key_file: Path | None = None


@dataclass(frozen=True)
class FormMade:
    template: Template
    year: int
    year_taken: bool  # no year was given nor in the data: next year's blank
    generated: Generated

    @property
    def path(self) -> Path:
        return self.generated.path


def make_form(options: FormOptions) -> FormMade:
    """Write the workbook ``options`` describe; an XlgenError before anything is written when
    an input is wrong."""
    tmpl = load_template(options.template)
    fill = load_fill(options.data, tmpl) if options.data else None
    year = options.year or (fill.year if fill else None)
    taken = year is None
    if year is None:  # never a form without a year: a blank is for next year
        year = next_year()
    out = options.output or Path(f"{tmpl.id}-{year}.xlsx")
    key = load_key(options.key_file) if options.key_file is not None else None
    done = generate(tmpl, fill, out, year=year, force=options.force, password=options.password,
                    keep=[p for p in (options.data, tmpl.path, options.key_file) if p is not None], key=key)
    return FormMade(tmpl, year, taken, done)
