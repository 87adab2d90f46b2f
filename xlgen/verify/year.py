"""The year a returned file is of: a hand-made form's own, else the year xlgen stamped in its
properties, else its title's year label (read without verifying the file: reconciling and
importing need it too)."""

from __future__ import annotations

from xlgen.generate import provenance
from xlgen.intake.adopted import LegacyReturned
from xlgen.intake.celltext import norm
from xlgen.intake.reader import Returned
from xlgen.verify.plan import Plan, plan_for


def year_of(ret: Returned) -> int | None:
    """The year a file is of, as its verification gives it, without verifying it: a legacy form's
    own, else the year xlgen stamped in its properties, else its title's year label."""
    if isinstance(ret, LegacyReturned):
        return ret.legacy.year
    return year_from(ret, label_year(ret, plan_for(ret.layout)))


def year_from(ret: Returned, label: tuple[int, str] | None) -> int | None:
    """The year xlgen stamped in the properties, else the title's label (``label_year``)."""
    prop = ret.package.properties.get(provenance.PROP_YEAR, "")
    if prop.strip().isdigit():
        return int(prop)
    return label[0] if label else None


def label_year(ret: Returned, plan: Plan) -> tuple[int, str] | None:
    """The year the title's year label shows, and its cell."""
    pattern, first_header = plan.year_label
    top = ret.file_row(first_header) or first_header
    for r in range(top):
        m = pattern.search(norm(ret.sheet.text(r, 0)))
        if m:
            return int(m.group(1)), f"A{r + 1}"
    return None
