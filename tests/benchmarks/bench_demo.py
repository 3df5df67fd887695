"""How long `nhacviec demo` takes: the whole story, ten simulated working days.

Run: .venv/bin/pytest tests/benchmarks/bench_demo.py -s -p no:cacheprovider --override-ini addopts=
"""

from __future__ import annotations

import io
import time
from pathlib import Path

from bot.demo import DemoOptions, run_demo
from tests.benchmarks.report import record


async def test_demo_running_time(tmp_path: Path) -> None:
    started = time.process_time()
    result = await run_demo(
        DemoOptions(out=io.StringIO(), db_path=tmp_path / "demo.db", reports_dir=tmp_path / "r")
    )
    cpu = time.process_time() - started
    record(
        "demo",
        f"whole story ({result.working_days} working days), wall",
        result.seconds,
        "s",
        "< 60 s",
    )
    record("demo", "whole story, CPU of this process", cpu, "s")
    record("demo", "transcript lines printed", len(result.transcript), "lines")
    assert result.seconds < 60
