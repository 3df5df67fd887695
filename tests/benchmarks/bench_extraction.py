"""Extraction speed and per-field accuracy.

Run: .venv/bin/pytest tests/benchmarks/bench_extraction.py -s -p no:cacheprovider --override-ini addopts=

Accuracy is measured on our own labelled set (tests/data/directives): the
fraction of documents (top fields) or of expected tasks (task fields) that
match exactly. That set was written to exercise the extractor, so the
figures are an upper bound for unseen directives.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

from bot.domain.extraction import extract_directive, to_contract_json
from bot.domain.extraction.assignment import parse_assignment
from bot.domain.extraction.deadlines import find_timings
from tests.benchmarks.report import record
from tests.unit.extraction.compare import _TASK_DEFAULTS, TASK_FIELDS, TOP_FIELDS

REPO = Path(__file__).parents[2]
OWN_SET = REPO / "tests" / "data" / "directives"
SEEDS = REPO.parent / "shared" / "seeds"
ROUNDS = 20


def _texts() -> list[str]:
    paths = sorted(OWN_SET.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
    return [path.read_text("utf-8") for path in paths]


def _three_pages() -> str:
    """A long directive: one header, the numbered items of many letters, one footer."""
    seed = (OWN_SET / "007_nghean_quarterly_yearly_reports.txt").read_text("utf-8")
    header, _, rest = seed.partition("1. ")
    footer = rest[rest.index("Nơi nhận") :]
    items: list[str] = []
    for text in _texts():
        for item in re.findall(r"(?m)^\d\. .+$", text):
            items.append(re.sub(r"^\d\. ", "", item))
    numbered = "\n\n".join(f"{i}. {item}" for i, item in enumerate(items[:45], start=1))
    return f"{header}{numbered}\n\nNơi nhận:\n{footer}"


def _time_ms(text: str, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        # Cold caches: each round costs what a new document costs.
        find_timings.cache_clear()
        parse_assignment.cache_clear()
        started = time.perf_counter()
        extract_directive(text)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def test_time_per_document() -> None:
    texts = _texts()
    per_doc = [statistics.mean(_time_ms(text, ROUNDS)) for text in texts]
    long_text = _three_pages()
    long_ms = _time_ms(long_text, ROUNDS)
    p95 = statistics.quantiles(per_doc, n=20)[-1]
    print(f"\nextraction time over {len(texts)} documents ({ROUNDS} rounds each)")
    print(
        f"  mean {statistics.mean(per_doc):6.2f} ms   p95 {p95:6.2f} ms   max {max(per_doc):6.2f} ms"
    )
    print(
        f"  three-page directive ({len(long_text)} chars, "
        f"{len(extract_directive(long_text).tasks)} tasks): "
        f"mean {statistics.mean(long_ms):6.2f} ms   max {max(long_ms):6.2f} ms (target < 50 ms)"
    )
    record(
        "extraction",
        f"time per document, mean ({len(texts)} documents)",
        statistics.mean(per_doc),
        "ms",
    )
    record("extraction", "time per document, p95", p95, "ms")
    record("extraction", "three-page directive, mean", statistics.mean(long_ms), "ms", "< 50 ms")
    assert statistics.mean(long_ms) < 50


def test_accuracy_per_field() -> None:
    top = {name: 0 for name in TOP_FIELDS}
    task = {name: 0 for name in TASK_FIELDS}
    documents = expected_tasks = count_ok = 0
    for path in sorted(OWN_SET.glob("*.txt")):
        expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text())
        actual = to_contract_json(extract_directive(path.read_text("utf-8")))
        documents += 1
        count_ok += len(expected["tasks"]) == len(actual["tasks"])
        for name in TOP_FIELDS:
            top[name] += expected.get(name) == actual.get(name)
        for index, want in enumerate(expected["tasks"]):
            expected_tasks += 1
            got = actual["tasks"][index] if index < len(actual["tasks"]) else {}
            for name in TASK_FIELDS:
                task[name] += want.get(name, _TASK_DEFAULTS.get(name)) == got.get(name, "<none>")
    print(f"\naccuracy on {documents} labelled directives ({expected_tasks} tasks)")
    print(f"  {'field':<22}{'correct':>10}{'fraction':>10}")
    for name, ok in top.items():
        print(f"  {name:<22}{f'{ok}/{documents}':>10}{ok / documents:>10.2f}")
    print(f"  {'task count':<22}{f'{count_ok}/{documents}':>10}{count_ok / documents:>10.2f}")
    for name, ok in task.items():
        label = f"tasks.{name}"
        print(f"  {label:<22}{f'{ok}/{expected_tasks}':>10}{ok / expected_tasks:>10.2f}")
    record(
        "extraction",
        f"task count right ({documents} labelled directives)",
        count_ok / documents,
        "",
    )
    for name in ("number", "date", "subject"):
        if name in top:
            record("extraction", f"{name} right", top[name] / documents, "")
    for name in ("assignees", "deadline", "deadline_kind"):
        if name in task:
            record(
                "extraction",
                f"tasks.{name} right ({expected_tasks} tasks)",
                task[name] / expected_tasks,
                "",
            )
    assert documents >= 20
