"""xlgen as a bureau installs it: a wheel built from the checkout, installed (not editable) into
a fresh virtual environment, run from a folder that has no templates/ of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.helpers.common import ROOT, SAMPLE

LEFT_OUT = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "out", "__pycache__", "artifacts",
                                  ".pytest_cache", ".hypothesis", ".mypy_cache")


def test_the_wheel_carries_the_templates(tmp_path: Path) -> None:
    source = tmp_path / "checkout"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("xlgen-*.whl")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "XLGEN_TEMPLATES")}
    env["XLGEN_LANG"] = "en"
    venv = tmp_path / "venv"
    python = str(venv / "bin" / "python")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stderr
    # then the dependencies, from this interpreter's folders as plain paths: not --system-site-packages,
    # whose .pth files would bring back an editable install of the checkout
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    (Path(site) / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")

    elsewhere = tmp_path / "a bureau's folder"
    elsewhere.mkdir()

    def xlgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(venv / "bin" / "xlgen"), *args], cwd=elsewhere, env=env, capture_output=True,
                              text=True, timeout=300)

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import xlgen; print(xlgen.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(venv)), where  # the installed copy, not the checkout

    listed = xlgen("templates")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split() for line in listed.stdout.splitlines()[1:]]
    assert {r[0] for r in rows} >= {"liaoning-department-overall", "mof-project"}, listed.stdout

    made = xlgen("generate", "liaoning-department-overall", "--data", str(SAMPLE), "-o", "returned.xlsx")
    assert made.returncode == 0 and "总评价得分 97.18" in made.stdout, made.stderr
    checked = xlgen("verify", "returned.xlsx", "--json")
    assert checked.returncode == 0 and '"status": "pass"' in checked.stdout, checked.stdout + checked.stderr
    blank = xlgen("generate", "mof-project", "--year", "2025", "-o", "blank.xlsx")  # its base from _base/
    assert blank.returncode == 0 and (elsewhere / "blank.xlsx").is_file(), blank.stderr

    # the workbench: its pages, styles and script ship in the wheel and are served from it
    served = subprocess.run([python, "-c", (
        "import sys, xlgen.web.app as w; from pathlib import Path\n"
        "c = w.create_app(Path('ws')).test_client()\n"
        "pages = [c.get(u) for u in ('/templates', '/collect', '/static/style.css', '/static/app.js')]\n"
        "print(w.__file__, [p.status_code for p in pages], '绩效自评工作台' in pages[0].get_data(as_text=True))")],
        cwd=elsewhere, env={**env, "XLGEN_LANG": "zh"}, capture_output=True, text=True, timeout=300)
    assert served.returncode == 0, served.stderr
    assert served.stdout.startswith(str(venv)) and "[200, 200, 200, 200] True" in served.stdout, served.stdout
