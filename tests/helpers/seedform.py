"""The numbers of the reference form, read from the seed's own text (samples/seed/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def _key(text: str) -> str:
    return "".join(text.split())  # the seed wraps long cell text with spaces


def _number(text: str) -> float:
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


@dataclass(frozen=True)
class SeedTask:
    project: str
    allocated: float
    executed: float
    rate: float
    weight: float
    score: float


@dataclass(frozen=True)
class SeedIndicator:
    name: str
    actual: str
    degree: float
    weight: float
    score: float


@dataclass(frozen=True)
class SeedForm:
    tasks: list[SeedTask]
    indicators: dict[str, SeedIndicator]
    total: float


def read_seed(path: Path, indicator_names: list[str]) -> SeedForm:
    lines = [_cells(line) for line in path.read_text(encoding="utf-8").splitlines()]
    tasks = []
    for cells in lines:
        filled = [c for c in cells if c]
        if len(filled) >= 6 and filled[0].startswith(("年度主要任务", "部门预算")) and "%" in filled[-3]:
            nums = filled[-5:]
            tasks.append(SeedTask(filled[-6], *(_number(n) for n in nums)))
    wanted = {_key(n): n for n in indicator_names}
    indicators = {}
    for cells in lines:
        for i, cell in enumerate(cells):
            name = wanted.get(_key(cell))
            if not name:
                continue
            # quantitative: 运算符号 指标值 度量单位 全年完成值 完成程度 分值 得分 …
            # qualitative:  指标值 全年完成值(grade) 完成程度 分值 得分
            filled = [c for c in cells[i + 1:] if c]
            skip = 3 if filled and filled[0] in ("=", ">=", "<=", ">", "<") else 1
            actual, degree, weight, score = filled[skip:skip + 4]
            indicators[name] = SeedIndicator(name, actual, _number(degree), _number(weight), _number(score))
            break
    total_line = next(cells for cells in lines if cells and cells[0] == "总评价得分")
    total = _number(next(c for c in total_line[1:] if c))
    return SeedForm(tasks, indicators, total)
