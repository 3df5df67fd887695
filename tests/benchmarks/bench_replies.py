"""Reply reading: accuracy per kind, confusions and time per reply.

Run: .venv/bin/pytest tests/benchmarks/bench_replies.py -s -p no:cacheprovider --override-ini addopts=
"""

from __future__ import annotations

import statistics
import time
from collections import Counter

from bot.domain.replies import ReplyKind, needs_confirmation, read_reply
from tests.benchmarks.report import record
from tests.unit.replies.labelled import CALENDAR, TODAY, Outcome, load, outcomes

ROUNDS = 20


def _accuracy_table(results: list[Outcome], title: str) -> None:
    print(f"\n{title}")
    print(f"{'kind':<16} {'count':>5} {'correct':>7} {'accuracy':>8} {'asks':>5}")
    for kind in ReplyKind:
        rows = [o for o in results if o.row.kind is kind]
        correct = sum(o.kind_ok for o in rows)
        asks = sum(needs_confirmation(o.reading) for o in rows)
        accuracy = correct / len(rows) if rows else float("nan")
        print(f"{kind:<16} {len(rows):>5} {correct:>7} {accuracy:>8.3f} {asks:>5}")
    correct = sum(o.kind_ok for o in results)
    print(f"{'overall':<16} {len(results):>5} {correct:>7} {correct / len(results):>8.3f}")


def _confusions(results: list[Outcome]) -> None:
    pairs = Counter((o.row.kind, o.reading.kind) for o in results if not o.kind_ok)
    print("\nconfusions (labelled -> read): " + ("none" if not pairs else ""))
    for (want, got), count in pairs.most_common():
        texts = [o.row.text for o in results if o.row.kind is want and o.reading.kind is got]
        print(f"  {want} -> {got}: {count}  e.g. {texts[0]!r}")


def _details(results: list[Outcome]) -> None:
    progress = [o for o in results if o.row.kind is ReplyKind.IN_PROGRESS and o.kind_ok]
    more_time = [o for o in results if o.row.kind is ReplyKind.MORE_TIME and o.kind_ok]
    risky = [
        o
        for o in results
        if o.row.kind is not ReplyKind.DONE
        and (o.row.kind in (ReplyKind.ACKNOWLEDGEMENT, ReplyKind.QUESTION) or o.row.tagged("neg"))
    ]
    wrongly_done = sum(o.reading.kind is ReplyKind.DONE for o in risky)
    print(
        f"\npercent exact (in_progress read right): {sum(o.percent_ok for o in progress)}"
        f"/{len(progress)}"
    )
    print(
        f"requested date exact (more_time read right): {sum(o.date_ok for o in more_time)}"
        f"/{len(more_time)}"
    )
    print(f"ack/question/negation read as done: {wrongly_done}/{len(risky)}")
    wrong_but_sure = [o for o in results if not o.kind_ok and not needs_confirmation(o.reading)]
    print(f"wrong and confident (applied without asking): {len(wrong_but_sure)}")
    record("replies", "ack/question/negation read as done", wrongly_done, f"of {len(risky)}")
    record("replies", "wrong and confident", len(wrong_but_sure), f"of {len(results)}")


def _timing(texts: list[str]) -> None:
    samples: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter()
            read_reply(text, TODAY, CALENDAR)
            samples.append(time.perf_counter() - start)
    samples.sort()
    micro = [s * 1e6 for s in samples]
    p95 = micro[int(len(micro) * 0.95)]
    print(
        f"\ntime per reply over {len(samples)} readings: mean {statistics.mean(micro):.0f} µs, "
        f"median {statistics.median(micro):.0f} µs, p95 {p95:.0f} µs, max {micro[-1]:.0f} µs"
    )
    long_text = ("chưa làm xong, đang vướng số liệu, xin gia hạn thêm 5 ngày " * 40)[:2000]
    start = time.process_time()
    for _ in range(10):
        read_reply(long_text, TODAY, CALENDAR)
    cpu_ms = (time.process_time() - start) / 10 * 1000
    print(f"2000-character reply: {cpu_ms:.1f} ms CPU")
    record("replies", "time per reply, mean", statistics.mean(micro), "µs")
    record("replies", "time per reply, p95", p95, "µs")
    record("replies", "2000-character reply", cpu_ms, "ms CPU")


def test_reply_reading_benchmark() -> None:
    results = outcomes(load())
    _accuracy_table(results, "labelled set (all rows)")
    held_out = [o for o in results if o.row.held_out]
    _accuracy_table(held_out, "held-out rows only (two batches written after the rules)")
    for name, rows in (("all", results), ("held-out", held_out)):
        if rows:
            accuracy = sum(o.kind_ok for o in rows) / len(rows)
            record("replies", f"kind read right, {name} ({len(rows)} replies)", accuracy, "")
    _confusions(results)
    _details(results)
    _timing([o.row.text for o in results])
    assert results
