"""One table for every benchmark: each records its figures here, and
`python -m tests.benchmarks` (make bench) prints them together."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_ENV = "NHACVIEC_BENCH_RESULTS"


@dataclass(frozen=True)
class Figure:
    benchmark: str
    measure: str
    value: float
    unit: str
    target: str = ""


def record(benchmark: str, measure: str, value: float, unit: str, target: str = "") -> None:
    """Print a figure and, under the runner, append it to the results file."""
    figure = Figure(benchmark, measure, round(value, 3), unit, target)
    print(f"[bench] {benchmark}: {measure} = {figure.value} {unit} {target}".rstrip())
    path = os.environ.get(RESULTS_ENV)
    if path:
        with Path(path).open("a", encoding="utf-8") as sink:
            sink.write(json.dumps(asdict(figure), ensure_ascii=False) + "\n")


def load(path: Path) -> list[Figure]:
    if not path.exists():
        return []
    return [Figure(**json.loads(line)) for line in path.read_text("utf-8").splitlines() if line]


def machine() -> str:
    cpus = os.cpu_count() or 0
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("\n")[0].split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return f"{platform.machine()}, {cpus} cores{memory}, Python {platform.python_version()}"


def table(figures: list[Figure]) -> str:
    rows = ["| benchmark | measure | value | target |", "| --- | --- | --- | --- |"]
    rows += [
        f"| {f.benchmark} | {f.measure} | {f.value:g} {f.unit} | {f.target} |" for f in figures
    ]
    return "\n".join(rows)
