"""The labelled replies in tests/data/replies.tsv, shared by the test and the benchmark.

Columns: text, kind, percent, requested_date (ISO), notes. Every row is read
with today = 2024-05-13 (a Monday). Notes carry tags: #neg marks a negation
or near miss; #holdout and #holdout2 mark rows written after the rules, in
two batches, each scored once before any rule was changed for it (69/73 and
47/49 read right).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.domain.calendar import WorkingCalendar
from bot.domain.replies import ReplyKind, ReplyReading, read_reply

DATA = Path(__file__).resolve().parents[2] / "data" / "replies.tsv"
TODAY = date(2024, 5, 13)
CALENDAR = WorkingCalendar()


@dataclass(frozen=True)
class Labelled:
    text: str
    kind: ReplyKind
    percent: int | None
    requested_date: date | None
    notes: str

    def tagged(self, tag: str) -> bool:
        return f"#{tag}" in self.notes.split()

    @property
    def held_out(self) -> bool:
        return self.tagged("holdout") or self.tagged("holdout2")


@dataclass(frozen=True)
class Outcome:
    row: Labelled
    reading: ReplyReading

    @property
    def kind_ok(self) -> bool:
        return self.reading.kind is self.row.kind

    @property
    def percent_ok(self) -> bool:
        return self.reading.percent == self.row.percent

    @property
    def date_ok(self) -> bool:
        return self.reading.requested_date == self.row.requested_date


def load() -> list[Labelled]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Labelled(
                text=row["text"],
                kind=ReplyKind(row["kind"]),
                percent=int(row["percent"]) if row["percent"] else None,
                requested_date=date.fromisoformat(row["requested_date"])
                if row["requested_date"]
                else None,
                notes=row["notes"] or "",
            )
            for row in rows
        ]


def outcomes(rows: list[Labelled]) -> list[Outcome]:
    return [Outcome(row, read_reply(row.text, TODAY, CALENDAR)) for row in rows]
