"""The Government Office's roll-up categories, from a task's facts and a day.

The four official groups: hoàn thành đúng hạn, hoàn thành quá hạn, đang
thực hiện trong hạn, quá hạn chưa hoàn thành; "chưa bắt đầu" and "vướng mắc"
are details inside the open groups. On time is judged on the local day of
completion against the effective deadline (which an approved extension
moves); a task without a deadline is never late. Cancelled tasks are not
counted at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol


class Category(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_ON_TIME = "open_on_time"
    OPEN_OVERDUE = "open_overdue"


class Detail(StrEnum):
    NOT_STARTED = "not_started"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """What the roll-up needs of a task; storage maps rows to this."""

    task_id: int
    agency_id: int
    state: str  # "open" | "done" | "cancelled"
    effective_deadline: date | None
    completed_on: date | None = None
    progress: int = 0
    blocked: bool = False
    has_updates: bool = False


class TaskRow(Protocol):
    """What a loaded task row offers the roll-up (digest and report rows alike)."""

    @property
    def task_id(self) -> int: ...

    @property
    def agency_id(self) -> int: ...

    @property
    def state(self) -> str: ...

    @property
    def effective_deadline(self) -> date | None: ...

    @property
    def completed_on(self) -> date | None: ...

    @property
    def progress(self) -> int: ...

    @property
    def blocked_reason(self) -> str | None: ...

    @property
    def has_updates(self) -> bool: ...


def is_blocked(state: str, blocked_reason: str | None) -> bool:
    """An open task with a reason on record is blocked; a closed one no longer is."""
    return state == "open" and bool(blocked_reason)


def facts_of(row: TaskRow) -> TaskFacts:
    return TaskFacts(
        task_id=row.task_id,
        agency_id=row.agency_id,
        state=row.state,
        effective_deadline=row.effective_deadline,
        completed_on=row.completed_on,
        progress=row.progress,
        blocked=is_blocked(row.state, row.blocked_reason),
        has_updates=row.has_updates,
    )


def categorize(task: TaskFacts, today: date) -> Category | None:
    """The official group of a task on `today`; None for a cancelled task."""
    if task.state == "cancelled":
        return None
    deadline = task.effective_deadline
    if task.state == "done":
        finished = task.completed_on or today
        late = deadline is not None and finished > deadline
        return Category.DONE_LATE if late else Category.DONE_ON_TIME
    if deadline is not None and today > deadline:
        return Category.OPEN_OVERDUE
    return Category.OPEN_ON_TIME


def details(task: TaskFacts) -> set[Detail]:
    if task.state != "open":
        return set()
    found: set[Detail] = set()
    if task.blocked:
        found.add(Detail.BLOCKED)
    if not task.has_updates and task.progress == 0 and not task.blocked:
        found.add(Detail.NOT_STARTED)
    return found


def days_late(deadline: date | None, day: date) -> int:
    """Calendar days past the effective deadline (0 when on time or no deadline)."""
    if deadline is None:
        return 0
    return max(0, (day - deadline).days)


@dataclass(frozen=True, slots=True)
class Summary:
    counts: dict[Category, int]
    detail_counts: dict[Detail, int]
    total: int

    def count(self, category: Category) -> int:
        return self.counts.get(category, 0)


def summarize(tasks: Iterable[TaskFacts], today: date) -> Summary:
    counts: Counter[Category] = Counter()
    detail_counts: Counter[Detail] = Counter()
    total = 0
    for task in tasks:
        category = categorize(task, today)
        if category is None:
            continue
        total += 1
        counts[category] += 1
        detail_counts.update(details(task))
    return Summary(counts=dict(counts), detail_counts=dict(detail_counts), total=total)


@dataclass(frozen=True, slots=True)
class AgencyScore:
    """On-time rate over a period: of the tasks due in it, how many were done
    on time, done late, or are still open (feeds the PAR Index self-assessment)."""

    agency_id: int
    due: int
    done_on_time: int
    done_late: int
    still_open: int

    @property
    def on_time_rate(self) -> float | None:
        return self.done_on_time / self.due if self.due else None


def agency_scores(
    tasks: Iterable[TaskFacts], period_start: date, period_end: date, today: date
) -> list[AgencyScore]:
    """Scores per agency for tasks whose effective deadline falls in the period."""
    tally: dict[int, list[int]] = {}
    for task in tasks:
        deadline = task.effective_deadline
        if task.state == "cancelled" or deadline is None:
            continue
        if not period_start <= deadline <= period_end:
            continue
        row = tally.setdefault(task.agency_id, [0, 0, 0, 0])
        row[0] += 1
        category = categorize(task, today)
        if category is Category.DONE_ON_TIME:
            row[1] += 1
        elif category is Category.DONE_LATE:
            row[2] += 1
        else:
            row[3] += 1
    return [
        AgencyScore(agency_id, due, on_time, late, still_open)
        for agency_id, (due, on_time, late, still_open) in sorted(tally.items())
    ]
