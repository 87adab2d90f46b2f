"""Next year's distribution from this year's collection (``xlgen rollover RETURNS --distributed DIST``).

Each department of DIST rolls over from its one chosen return (the reconciliation of ``verify
--distributed`` decides which; a department with several returns and no ``prefer`` is refused,
never rolled over twice), or from its distributed blank when it returned nothing usable. A
``--roster`` gives next year's identity and amounts: its header values and tasks replace the
carried ones, and a department it adds gets a blank of its own. The output folder gets a
``manifest.csv`` like ``distribute``'s, so next year's returns can be collected against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlgen.cycle.distribute import Stop, sweep, workbook_name
from xlgen.verify.manifest import MANIFEST, Distributed, as_listed, read_manifest, write_manifest
from xlgen.cycle.rollover import next_fill
from xlgen.verify.fixed import SealPolicy
from xlgen.cycle.roster import RosterEntry, load_roster
from xlgen.errors import ErrorCode, Said, XlgenError, said
from xlgen.errors.cycle import CycleCode
from xlgen.findings import Finding, Text
from xlgen.oserrors import output_folder
from xlgen.generate.workbook import Generated, generate
from xlgen.outputs import refuse_inputs
from xlgen.template.fill import Fill
from xlgen.template.model import Template, known_templates, newest_version
from xlgen.verify.batch import verify_paths
from xlgen.names import FAIL
from xlgen.verify.reconcile import DUPLICATE, judged_against, reconcile
from xlgen.verify.manifest import load_distribution
from xlgen.verify.result import inputs_digest


@dataclass(frozen=True)
class Skipped:
    code: str
    name: str
    reason: Said | Text  # a finding's message is a Text, said in both languages


@dataclass(frozen=True)
class Failing:
    """A department whose chosen return does not pass verify: rolled over all the same, and said."""

    code: str
    name: str
    source: Path
    errors: int


@dataclass
class NextYear:
    written: list[Distributed] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)  # code → the file it rolled over from (none: roster)
    skipped: list[Skipped] = field(default_factory=list)
    failing: list[Failing] = field(default_factory=list)
    kept: int = 0  # blanks an interrupted earlier run of this rollover wrote, left as they were (resumed)
    template_id: str = ""  # of next year's blanks
    template_version: str = ""


def roll_collection(returns: Sequence[Path], dist: Path, year: int, outdir: Path, roster: Path | None = None,
                    prefer: str | None = None, force: bool = False, password: str | None = None,
                    jobs: int = 1, key: bytes | None = None) -> NextYear:
    blanks = load_distribution(dist)
    yardstick = {b.file.resolve() for b in blanks}
    files = [f for f in returns if f.resolve() not in yardstick]
    policy = judged_against(SealPolicy(key), dist, blanks)  # each return against the blank its department was sent
    departments = reconcile(verify_paths(files, jobs=jobs, policy=policy), blanks, prefer).departments
    plans: list[tuple[str, str, Path | None, Fill | None]] = []  # code, name, source, roster fill
    # next year's blanks are of the newest version of the distribution's template
    template = newest_version(_template(blanks[0].template_id, blanks[0].template_version)) if blanks else None
    entries = _roster(roster, template)
    done = NextYear()
    for d in departments:
        if d.status == DUPLICATE:
            done.skipped.append(Skipped(d.blank.code, d.blank.name, said(CycleCode.RETURNED_TWICE, count=len(d.returned))))
            continue
        origin = Path(d.chosen.path) if d.chosen is not None else d.blank.file  # nothing returned: its blank
        if d.status == FAIL and d.chosen is not None:
            done.failing.append(Failing(d.blank.code, d.blank.name, origin, d.chosen.errors))
        entry = entries.pop(d.blank.code, None)
        plans.append((d.blank.code, d.blank.name, origin, entry.fill if entry else None))
    plans += [(code, e.name, None, e.fill) for code, e in entries.items()]  # new on the roster
    targets = [outdir / workbook_name(year, code, _name(name, fill)) for code, name, _, fill in plans]
    keep = [*returns, *(b.file for b in blanks), *([roster] if roster else [])]
    refuse_inputs([*targets, outdir / MANIFEST], keep)
    # a rerun into the same folder resumes: the blanks its manifest lists, still as written, are kept
    earlier = {} if force or template is None else _resumable(outdir, template, year)
    if not force:  # refuse before writing anything: never half a distribution
        for path in [*targets, outdir / MANIFEST]:
            if path.exists() and path.name not in earlier and not (path.name == MANIFEST and earlier):
                raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=path)
    output_folder(outdir)
    sweep(outdir, [*targets, outdir / MANIFEST])  # what a killed run left half-written
    if template is not None:
        done.template_id, done.template_version = template.id, template.version
    todo = sum(1 for t in targets if t.name not in earlier)
    made_now = 0
    with Stop() as stop:  # Ctrl-C, SIGTERM: stop after the blank being written, as distribute does
        for (code, name, source, fill), target in zip(plans, targets):
            if stop.why is not None:
                break
            if target.name in earlier:
                done.written.append(earlier[target.name])
                done.kept += 1
            else:
                made = _one(source, fill, template, year, target, force, password, keep, policy)
                if isinstance(made, Finding):
                    done.skipped.append(Skipped(code, name, Text(made.message("zh"), made.message("en"))))
                    todo -= 1
                    continue
                done.written.append(Distributed(made.path, code, _name(name, fill), made.sha256, year,
                                                inputs_digest(made.inputs)))
                made_now += 1
            if source is not None:
                done.sources[code] = source
            if template is not None:  # listed as it is written: an interrupted run leaves no blank unlisted
                write_manifest(outdir / MANIFEST, template, done.written, force=True, keep=keep)
    if stop.why is not None:  # the folder is consistent: a rerun keeps what is listed and writes the rest
        raise XlgenError(ErrorCode.INTERRUPTED, why=stop.why, written=made_now, total=todo, manifest=outdir / MANIFEST)
    return done


def _resumable(outdir: Path, template: Template, year: int) -> dict[str, Distributed]:
    """The blanks an earlier run of this rollover (same template, version and year) wrote into
    ``outdir`` and that are still as written, by file name."""
    path = outdir / MANIFEST
    if not path.is_file():
        return {}
    try:
        rows = read_manifest(path)
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    kept = {}
    for row in rows:
        name = row.get("file") or ""
        same = (row.get("template_id"), row.get("template_version"), row.get("year")) == \
            (template.id, template.version, str(year))
        if not same or not name or Path(name).name != name:
            return {}
        file = outdir / name
        if file.is_file() and as_listed(file, row.get("sha256") or ""):
            kept[name] = Distributed(file, row.get("code") or "", row.get("name") or "", row["sha256"], year,
                                     row.get("inputs_sha256") or "", kept=True)
    return kept


def _template(template_id: str, version: str) -> Template:
    found = next((t for t in known_templates() if (t.id, t.version) == (template_id, version)), None)
    if found is None:
        raise XlgenError(ErrorCode.TEMPLATE_UNKNOWN, name=f"{template_id} {version}", where="manifest.csv",
                         expected=", ".join(f"{t.id} {t.version}" for t in known_templates()))
    return found


def _roster(roster: Path | None, template: Template | None) -> dict[str, RosterEntry]:
    """The roster's departments by code, read for next year's template (none: no distribution)."""
    if roster is None or template is None:
        return {}
    return {e.code: e for e in load_roster(roster, template, leave_open=True)}


def _name(name: str, fill: Fill | None) -> str:
    return str(fill.header.get("department_name") or name) if fill else name


def _one(source: Path | None, roster: Fill | None, template: Template | None, year: int, out: Path, force: bool,
         password: str | None, keep: Sequence[Path], policy: SealPolicy = SealPolicy()) -> Generated | Finding:
    """Next year's blank of one department: from ``source`` (its return or its blank), with the
    roster's identity and amounts over what it carries; from the roster alone for a new one."""
    if source is None:
        assert roster is not None and template is not None
        fill = roster
    else:
        carried = next_fill(source, year, policy)
        if isinstance(carried, Finding):
            return carried
        template, fill = carried.target, carried.fill
        if roster is not None:
            fill.header.update({k: v for k, v in roster.header.items() if v not in (None, "")})
            if roster.tasks:
                fill.tasks = roster.tasks
    fill.year = year
    return generate(template, fill, out, year=year, force=force, password=password, keep=keep, key=policy.key)
