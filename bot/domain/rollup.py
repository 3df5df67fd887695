"""The Government Office's roll-up categories, from a task's facts and a day.

The four official groups: hoàn thành đúng hạn, hoàn thành quá hạn, đang
thực hiện trong hạn, quá hạn chưa hoàn thành; "chưa bắt đầu" and "vướng mắc"
are details inside the open groups. On time is judged on the local day of
completion against the effective deadline (which an approved extension
moves); a task without a deadline is never late. Cancelled tasks are not
counted at all.

The rules are stated once, here, on a few yes/no facts (`is_late`,
`category_of`, `is_not_started`, `details_of`), so that /status (which has
the database compute those facts for 10,000 tasks and counts them grouped)
and the digest and reports (which load rows and map them with `facts_of`)
apply the same rules.

"Chưa bắt đầu" (not started): an open task on which no focal point has
reported any progress. Progress is reported by a "done", "in progress" or
"blocked" update (`PROGRESS_REPORTS`) that was not undone and that no later
"not started" update (itself not undone) took back; a progress figure above
0 or a blocker on record says the same. A pending extension request is not
progress, and an overdue or blocked task is judged like any other open task
(a blocked one is counted as "vướng mắc", not as not started).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

# Status update kinds by which a focal point reports progress on a task, and
# the kind by which they say the work has not started (which takes back the
# progress reports before it).
PROGRESS_REPORTS: tuple[str, ...] = ("done", "in_progress", "blocked")
NO_PROGRESS_REPORT = "not_started"


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
    has_updates: bool = False  # progress reported (`reported_progress`)


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


def has_blocker(blocked_reason: str | None) -> bool:
    """A blocker is on record: a non-empty reason (storage's SQL mirrors this)."""
    return bool(blocked_reason)


def is_blocked(state: str, blocked_reason: str | None) -> bool:
    """An open task with a reason on record is blocked; a closed one no longer is."""
    return state == "open" and has_blocker(blocked_reason)


def reported_progress(reports: Iterable[str]) -> bool:
    """Whether a task's status updates, oldest first and without the undone
    ones, report progress: the latest of its progress reports and "not
    started" reports is a progress report. (Storage computes the same with an
    SQL EXISTS; this is the rule it follows, and what tests check it against.)"""
    latest = None
    for kind in reports:
        if kind in PROGRESS_REPORTS or kind == NO_PROGRESS_REPORT:
            latest = kind
    return latest is not None and latest != NO_PROGRESS_REPORT


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


def is_late(state: str, deadline: date | None, completed_on: date | None, today: date) -> bool:
    """The deadline passed before the work was finished: a done task on its
    completion day (today if unknown), an open one today. No deadline: never."""
    finished = (completed_on or today) if state == "done" else today
    return deadline is not None and finished > deadline


def category_of(state: str, late: bool) -> Category | None:
    """The official group of a task from its state and `is_late`; None when cancelled."""
    if state == "cancelled":
        return None
    if state == "done":
        return Category.DONE_LATE if late else Category.DONE_ON_TIME
    return Category.OPEN_OVERDUE if late else Category.OPEN_ON_TIME


def categorize(task: TaskFacts, today: date) -> Category | None:
    """The official group of a task on `today`; None for a cancelled task."""
    late = is_late(task.state, task.effective_deadline, task.completed_on, today)
    return category_of(task.state, late)


def is_not_started(state: str, reported: bool, progressed: bool, blocked: bool) -> bool:
    """ "Chưa bắt đầu": open, and no progress reported (`reported_progress`),
    no progress figure above 0 and no blocker on record."""
    return state == "open" and not reported and not progressed and not blocked


def details_of(state: str, reported: bool, progressed: bool, blocked: bool) -> set[Detail]:
    """The details of an open task (`blocked`: a blocker is on record)."""
    if state != "open":
        return set()
    found: set[Detail] = set()
    if blocked:
        found.add(Detail.BLOCKED)
    if is_not_started(state, reported, progressed, blocked):
        found.add(Detail.NOT_STARTED)
    return found


def details(task: TaskFacts) -> set[Detail]:
    return details_of(task.state, task.has_updates, task.progress > 0, task.blocked)


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
