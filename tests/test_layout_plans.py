"""A layout is frozen, and each stage keeps its own typed plan of it (``per_layout``), made once
per layout: no untyped memo bag on the layout."""

from __future__ import annotations

import dataclasses
import gc
import weakref

import pytest

from xlgen.generate import breaches, provenance
from xlgen.generate.guidance import conditional, printsetup, validation
from xlgen.layout.model import Layout, per_layout
from xlgen.layout.placer import build_layout
from xlgen.template.model import load_template
from xlgen.verify.plan import Plan, plan_for


@pytest.fixture(scope="module")
def layout() -> Layout:
    t = load_template("liaoning-department-overall")
    return build_layout(t, t.task_rows, t.spare_kinds)


def test_a_layout_is_frozen(layout: Layout) -> None:
    assert dataclasses.fields(layout)  # a dataclass …
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout.last_row = 0  # type: ignore[misc]
    assert not hasattr(layout, "cached")
    assert layout.last_row > 0 and layout.print_titles[1] == layout.print_titles[0] + 1  # set as it was placed


def test_a_plan_is_made_once_per_layout_and_freed_with_it() -> None:
    made: list[Layout] = []

    @per_layout
    def rows(lay: Layout) -> int:
        made.append(lay)
        return lay.last_row

    t = load_template("mof-project")
    a = build_layout(t, 3, 2)
    b = build_layout(t, 3, 3)  # a spare row more
    assert [rows(a), rows(a), rows(b), rows(a)] == [a.last_row, a.last_row, a.last_row + 1, a.last_row]
    assert made == [a, b]  # built once for each layout
    made.clear()
    lone = dataclasses.replace(a)  # not in build_layout's cache: only the plan would keep it
    rows(lone)
    assert made == [lone]
    made.clear()
    alive = weakref.ref(lone)
    del lone
    gc.collect()
    assert alive() is None  # no plan keeps a layout alive (its plans go with it)


def test_each_stage_keeps_its_own_typed_plan(layout: Layout) -> None:
    assert isinstance(plan_for(layout), Plan) and plan_for(layout) is plan_for(layout)
    assert validation.plan(layout) is validation.plan(layout)
    assert conditional._plan(layout) is conditional._plan(layout)
    assert printsetup._plan(layout) is printsetup._plan(layout)
    assert breaches.breaches(layout) is breaches.breaches(layout) and breaches.breaches(layout) == []
    names = provenance.defined_names(layout)
    assert names is provenance.defined_names(layout) and "xlgen_total" in names
