"""Run every benchmark and print one table: `python -m tests.benchmarks`.

Benchmarks are pytest modules named bench_*.py (not collected by `make
test`); each calls `tests.benchmarks.report.record`. PostgreSQL figures are
included when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.report import RESULTS_ENV, load, machine, table

HERE = Path(__file__).parent


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        results = Path(scratch) / "results.jsonl"
        env = {**os.environ, RESULTS_ENV: str(results)}
        modules = sorted(str(path) for path in HERE.glob("bench_*.py"))
        command = [
            sys.executable,
            "-m",
            "pytest",
            *modules,
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            "--override-ini",
            "addopts=",
            "--override-ini",
            "python_files=bench_*.py",
        ]
        code = subprocess.call(command, env=env)
        print(f"\nMachine: {machine()}\n")
        print(table(load(results)))
    return code


if __name__ == "__main__":
    sys.exit(main())
