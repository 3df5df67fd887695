"""What goes into the daily digest, and how a long digest is cut into messages.

The digest tells Home Affairs, once a working day, where things stand: the
four official groups (as counts and as chart data by agency), what was
completed since the previous digest, what falls due in the next few working
days, what is overdue by agency with the days late, what is blocked and why,
and which extension requests wait for a decision. A day on which none of
those lists has anything is a *quiet* day: the digest is then short, but it
is still sent, so that silence never means "the bot is down".

Pure: plain dataclasses in, plain dataclasses out. Counting is delegated to
`bot.domain.rollup` so that the digest, /status and the reports can never
disagree on a figure. Rendering is bot/texts/digest.py's job; this module
only decides content and order, and splits rendered paragraphs into parts
that fit one Telegram message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from bot.domain.calendar import WorkingCalendar
from bot.domain.rollup import (
    Category,
    Summary,
    TaskFacts,
    categorize,
    days_late,
    facts_of,
    is_blocked,
    summarize,
)

# Telegram refuses a message of more than 4,096 characters (counted after the
# HTML is parsed, so counting the raw HTML is on the safe side).
TELEGRAM_MESSAGE_LIMIT = 4096
DUE_SOON_WORKING_DAYS = 3
MAX_CHART_AGENCIES = 15
CATEGORY_ORDER: tuple[Category, ...] = (
    Category.DONE_ON_TIME,
    Category.DONE_LATE,
    Category.OPEN_ON_TIME,
    Category.OPEN_OVERDUE,
)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DigestLimits:
    """How many items each list shows before "... and N more".

    A digest is read in a chat: a province with hundreds of overdue tasks
    would otherwise get dozens of messages (and hit Telegram's 20 messages a
    minute per group). The most urgent items come first in every list, the
    headers keep the full counts, and the full lists are in /overdue,
    /status and /report.
    """

    completed: int = 15
    due_soon: int = 15
    overdue_agencies: int = 10
    overdue_per_agency: int = 5
    blocked: int = 10
    extensions: int = 10


def capped(items: Sequence[T], limit: int) -> tuple[Sequence[T], int]:
    """The first `limit` items and how many are left out."""
    return items[:limit], max(0, len(items) - limit)


@dataclass(frozen=True, slots=True)
class DigestTask:
    """A task as the digest sees it (storage maps rows to this)."""

    task_id: int
    code: str
    agency_id: int
    agency_name: str
    directive_number: str | None
    action: str
    state: str  # "open" | "done" | "cancelled"
    effective_deadline: date | None
    completed_on: date | None = None
    completed_at: datetime | None = None
    progress: int = 0
    blocked_reason: str | None = None
    has_updates: bool = False

    @property
    def blocked(self) -> bool:
        return is_blocked(self.state, self.blocked_reason)

    def facts(self) -> TaskFacts:
        return facts_of(self)


@dataclass(frozen=True, slots=True)
class PendingExtension:
    request_id: int
    task_code: str
    agency_name: str
    action: str
    current_deadline: date | None
    requested_date: date
    reason: str | None
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class DigestInput:
    """Everything the digest is made of, loaded by the service.

    `since`/`until` bound "completed since the last digest" (aware instants);
    `since_day` is the local day of `since`, used for tasks that carry only a
    completion day and no instant.
    """

    workspace_name: str
    day: date
    since: datetime
    since_day: date
    until: datetime
    tasks: Sequence[DigestTask]
    extensions: Sequence[PendingExtension] = ()


@dataclass(frozen=True, slots=True)
class CompletedTask:
    task: DigestTask
    days_late: int  # 0 = on time


@dataclass(frozen=True, slots=True)
class DueTask:
    task: DigestTask
    working_days_left: int  # 0 = due today


@dataclass(frozen=True, slots=True)
class LateTask:
    task: DigestTask
    days_late: int  # calendar days past the effective deadline (rollup.days_late)


@dataclass(frozen=True, slots=True)
class AgencyOverdue:
    agency_id: int
    agency_name: str
    tasks: tuple[LateTask, ...]

    @property
    def max_days_late(self) -> int:
        return max(late.days_late for late in self.tasks)


@dataclass(frozen=True, slots=True)
class AgencyBar:
    """One bar of the chart: an agency's tasks in each official group.

    `agency_id` is None for the bar that sums the agencies beyond the chart's
    limit ("other agencies")."""

    agency_id: int | None
    agency_name: str | None
    counts: tuple[int, int, int, int]  # in CATEGORY_ORDER

    def count(self, category: Category) -> int:
        return self.counts[CATEGORY_ORDER.index(category)]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class ChartData:
    day: date
    bars: tuple[AgencyBar, ...]

    def total(self, category: Category) -> int:
        return sum(bar.count(category) for bar in self.bars)


@dataclass(frozen=True, slots=True)
class Digest:
    workspace_name: str
    day: date
    since: datetime
    summary: Summary
    completed: tuple[CompletedTask, ...]
    due_soon: tuple[DueTask, ...]
    due_until: date
    overdue: tuple[AgencyOverdue, ...]
    blocked: tuple[DigestTask, ...]
    extensions: tuple[PendingExtension, ...]
    chart: ChartData
    horizon_working_days: int = DUE_SOON_WORKING_DAYS
    limits: DigestLimits = field(default_factory=DigestLimits)

    @property
    def quiet(self) -> bool:
        """Nothing happened and nothing needs attention: a short digest."""
        return not (
            self.completed or self.due_soon or self.overdue or self.blocked or self.extensions
        )

    @property
    def overdue_count(self) -> int:
        return sum(len(agency.tasks) for agency in self.overdue)


def compose(
    data: DigestInput,
    calendar: WorkingCalendar,
    *,
    horizon_working_days: int = DUE_SOON_WORKING_DAYS,
    max_chart_agencies: int = MAX_CHART_AGENCIES,
    limits: DigestLimits | None = None,
) -> Digest:
    """Decide the digest's content for `data.day`."""
    day = data.day
    live = [task for task in data.tasks if task.state != "cancelled"]
    due_until = calendar.add_working_days(day, horizon_working_days)
    return Digest(
        workspace_name=data.workspace_name,
        day=day,
        since=data.since,
        summary=summarize((task.facts() for task in live), day),
        completed=_completed(live, data),
        due_soon=_due_soon(live, day, due_until, calendar),
        due_until=due_until,
        overdue=_overdue_by_agency(live, day),
        blocked=tuple(
            sorted(
                (task for task in live if task.blocked),
                key=lambda task: (task.agency_name, _code_key(task.code)),
            )
        ),
        extensions=tuple(
            sorted(data.extensions, key=lambda ext: (ext.requested_at, ext.request_id))
        ),
        chart=chart_data(live, day, max_agencies=max_chart_agencies),
        horizon_working_days=horizon_working_days,
        limits=limits or DigestLimits(),
    )


def _completed_in_window(task: DigestTask, data: DigestInput) -> bool:
    if task.state != "done":
        return False
    if task.completed_at is not None:
        return data.since < task.completed_at <= data.until
    return task.completed_on is not None and data.since_day < task.completed_on <= data.day


def _completed(tasks: Iterable[DigestTask], data: DigestInput) -> tuple[CompletedTask, ...]:
    done = [task for task in tasks if _completed_in_window(task, data)]
    done.sort(key=lambda task: (task.agency_name, _code_key(task.code)))
    return tuple(
        CompletedTask(task, days_late(task.effective_deadline, task.completed_on or data.day))
        for task in done
    )


def _due_soon(
    tasks: Iterable[DigestTask], day: date, until: date, calendar: WorkingCalendar
) -> tuple[DueTask, ...]:
    """Open tasks whose effective deadline is today or within the horizon."""
    found = [
        task
        for task in tasks
        if task.state == "open"
        and task.effective_deadline is not None
        and day <= task.effective_deadline <= until
    ]
    found.sort(key=lambda task: (task.effective_deadline, task.agency_name, _code_key(task.code)))
    return tuple(
        DueTask(task, max(0, calendar.working_days_between(day, task.effective_deadline)))
        for task in found
        if task.effective_deadline is not None
    )


def _overdue_by_agency(tasks: Iterable[DigestTask], day: date) -> tuple[AgencyOverdue, ...]:
    """Overdue open tasks grouped by agency, the most late agency first."""
    groups: dict[int, list[LateTask]] = {}
    names: dict[int, str] = {}
    for task in tasks:
        if categorize(task.facts(), day) is not Category.OPEN_OVERDUE:
            continue
        late = LateTask(task, days_late(task.effective_deadline, day))
        groups.setdefault(task.agency_id, []).append(late)
        names[task.agency_id] = task.agency_name
    result = [
        AgencyOverdue(
            agency_id,
            names[agency_id],
            tuple(sorted(lates, key=lambda late: (-late.days_late, _code_key(late.task.code)))),
        )
        for agency_id, lates in groups.items()
    ]
    result.sort(key=lambda group: (-len(group.tasks), -group.max_days_late, group.agency_name))
    return tuple(result)


def chart_data(
    tasks: Iterable[DigestTask], day: date, *, max_agencies: int = MAX_CHART_AGENCIES
) -> ChartData:
    """Counts per agency and official group; the agencies with the most overdue
    (then the most tasks) first; beyond `max_agencies`, one "other" bar."""
    per_agency: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for task in tasks:
        category = categorize(task.facts(), day)
        if category is None:
            continue
        row = per_agency.setdefault(task.agency_id, [0, 0, 0, 0])
        row[CATEGORY_ORDER.index(category)] += 1
        names[task.agency_id] = task.agency_name
    bars = [
        AgencyBar(agency_id, names[agency_id], (row[0], row[1], row[2], row[3]))
        for agency_id, row in per_agency.items()
    ]
    bars.sort(key=lambda bar: (-bar.count(Category.OPEN_OVERDUE), -bar.total, bar.agency_name))
    if len(bars) > max_agencies:
        kept, rest = bars[: max_agencies - 1], bars[max_agencies - 1 :]
        summed = tuple(sum(bar.counts[i] for bar in rest) for i in range(4))
        kept.append(AgencyBar(None, None, (summed[0], summed[1], summed[2], summed[3])))
        bars = kept
    return ChartData(day=day, bars=tuple(bars))


def _code_key(code: str) -> tuple[str, int, str]:
    """Natural order of task codes: T2 before T10."""
    prefix = code.rstrip("0123456789")
    digits = code[len(prefix) :]
    return (prefix, int(digits) if digits else -1, code)


# --- splitting ------------------------------------------------------------------


def message_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Packer:
    limit: int
    separator: str
    parts: list[str] = field(default_factory=list)
    current: str = ""

    def add(self, piece: str) -> None:
        candidate = f"{self.current}{self.separator}{piece}" if self.current else piece
        if message_length(candidate) < self.limit:
            self.current = candidate
            return
        self.flush()
        self.current = piece

    def flush(self) -> None:
        if self.current:
            self.parts.append(self.current)
        self.current = ""


def split_message(
    paragraphs: Sequence[str], limit: int = TELEGRAM_MESSAGE_LIMIT, separator: str = "\n\n"
) -> list[str]:
    """Pack paragraphs into as few parts as possible, each shorter than `limit`.

    Paragraphs are never cut while they fit in a part; a paragraph longer than
    a whole part is cut between its lines, and a single line longer than a
    part (never produced by the renderer, which shortens long texts) is cut
    hard. Joining the parts with `separator` gives back the original text
    whenever no paragraph had to be cut.
    """
    if limit < 2:
        raise ValueError("limit too small")
    packer = _Packer(limit, separator)
    for paragraph in paragraphs:
        if not paragraph:
            continue
        if message_length(paragraph) < limit:
            packer.add(paragraph)
            continue
        packer.flush()
        lines = _Packer(limit, "\n")
        for line in paragraph.split("\n"):
            for piece in _hard_cut(line, limit):
                lines.add(piece)
        lines.flush()
        packer.parts.extend(lines.parts[:-1])
        packer.current = lines.parts[-1] if lines.parts else ""
    packer.flush()
    return packer.parts


def _hard_cut(line: str, limit: int) -> list[str]:
    if message_length(line) < limit:
        return [line]
    pieces: list[str] = []
    current = ""
    for char in line:
        if message_length(current + char) >= limit:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces
