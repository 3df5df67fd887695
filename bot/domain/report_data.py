"""The figures and lists of an exported report, from rows and a day.

Home Affairs sends three documents up and out: the tracking table (Excel),
the summary report to the People's Committee and the urging letter to the
agencies that are late (Word drafts). All three are built from one
`ReportData`, assembled here from plain rows, so that the table, the report's
figures and the letter can never disagree, and so that the figures can be
checked by hand (the agency on-time rate feeds the PAR Index
self-assessment). Counting is `bot.domain.rollup`'s; nothing is recounted.

Scope rules:
- Cancelled tasks are left out everywhere (rollup does not count them).
- Without a period, the table covers every task (of the directive, if one is
  chosen); with a period, the tasks whose effective deadline falls in it.
- Agency scores always cover a period: the one given, or 1 January of
  `today`'s year to `today`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.rollup import (
    AgencyScore,
    Category,
    Summary,
    TaskFacts,
    agency_scores,
    categorize,
    days_late,
    facts_of,
    is_blocked,
    summarize,
)


@dataclass(frozen=True, slots=True)
class ReportTask:
    """A task row with its directive and agency, as storage loads it."""

    task_id: int
    code: str
    directive_id: int
    directive_number: str | None
    directive_date: date | None
    directive_subject: str | None
    action: str
    agency_id: int
    agency_name: str
    role: str
    supporting: tuple[str, ...]
    deadline_text: str | None
    effective_deadline: date | None
    original_effective_deadline: date | None
    state: str
    progress: int = 0
    blocked_reason: str | None = None
    completed_on: date | None = None
    has_updates: bool = False

    @property
    def blocked(self) -> bool:
        return is_blocked(self.state, self.blocked_reason)

    def facts(self) -> TaskFacts:
        return facts_of(self)


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def default_score_period(today: date) -> ReportPeriod:
    """From 1 January to today: the year so far, what the PAR self-assessment asks."""
    return ReportPeriod(date(today.year, 1, 1), today)


@dataclass(frozen=True, slots=True)
class Letterhead:
    """Who issues the documents, as Decree 30/2020 lays out a header."""

    parent_body: str  # "UBND TỈNH QUẢNG NGÃI"
    body: str  # "SỞ NỘI VỤ"
    abbreviation: str  # "SNV" (in "Số: .../BC-SNV")
    place: str  # "Quảng Ngãi" (in "Quảng Ngãi, ngày ...")
    superior: str  # "Ủy ban nhân dân tỉnh Quảng Ngãi" (Kính gửi)
    superior_short: str  # "UBND tỉnh"
    body_name: str  # "Sở Nội vụ" (in running text)
    head_title: str  # "GIÁM ĐỐC" / "TRƯỞNG PHÒNG"
    deputy_title: str  # "PHÓ GIÁM ĐỐC" / "PHÓ TRƯỞNG PHÒNG"


_WORKSPACE_NAME = re.compile(
    r"^\s*(?P<kind>sở|phòng)\s+nội\s+vụ\s+"
    r"(?P<unit>tỉnh|thành phố|huyện|thị xã|quận|xã|phường|đặc khu)\s+(?P<place>.+?)\s*$",
    re.IGNORECASE,
)


def letterhead_for(workspace_name: str) -> Letterhead:
    """Derive the header from the workspace's name ("Sở Nội vụ tỉnh Quảng Ngãi",
    "Phòng Nội vụ huyện Bình Sơn"); a name of another shape leaves dots for
    the officer to fill in."""
    match = _WORKSPACE_NAME.match(workspace_name)
    if match is None:
        return Letterhead(
            parent_body="UBND TỈNH ..........",
            body=workspace_name.strip().upper() or "SỞ NỘI VỤ",
            abbreviation="SNV",
            place="..........",
            superior="Ủy ban nhân dân tỉnh ..........",
            superior_short="UBND tỉnh",
            body_name=workspace_name.strip() or "Sở Nội vụ",
            head_title="GIÁM ĐỐC",
            deputy_title="PHÓ GIÁM ĐỐC",
        )
    kind = match["kind"].lower()
    unit = match["unit"].lower()
    place = match["place"]
    department = kind == "sở"
    return Letterhead(
        parent_body=f"UBND {unit} {place}".upper(),
        body="SỞ NỘI VỤ" if department else "PHÒNG NỘI VỤ",
        abbreviation="SNV" if department else "PNV",
        place=place,
        superior=f"Ủy ban nhân dân {unit} {place}",
        superior_short=f"UBND {unit}",
        body_name="Sở Nội vụ" if department else "Phòng Nội vụ",
        head_title="GIÁM ĐỐC" if department else "TRƯỞNG PHÒNG",
        deputy_title="PHÓ GIÁM ĐỐC" if department else "PHÓ TRƯỞNG PHÒNG",
    )


class Timeliness(StrEnum):
    ON_TIME = "on_time"  # done on or before the effective deadline
    DONE_LATE = "done_late"  # done after it
    OVERDUE = "overdue"  # open and past it
    PENDING = "pending"  # open, not yet due (or no deadline)


@dataclass(frozen=True, slots=True)
class TrackingRow:
    number: int  # STT
    task: ReportTask
    category: Category
    timeliness: Timeliness
    days_late: int

    @property
    def extended_from(self) -> date | None:
        """The original deadline when an extension moved it."""
        original = self.task.original_effective_deadline
        if original is not None and original != self.task.effective_deadline:
            return original
        return None


@dataclass(frozen=True, slots=True)
class LateItem:
    task: ReportTask
    days_late: int


@dataclass(frozen=True, slots=True)
class LateAgency:
    agency_id: int
    agency_name: str
    items: tuple[LateItem, ...]


@dataclass(frozen=True, slots=True)
class ScoreRow:
    agency_name: str
    score: AgencyScore


@dataclass(frozen=True, slots=True)
class DirectiveRef:
    number: str | None
    issued_on: date | None
    subject: str | None


@dataclass(frozen=True, slots=True)
class ReportData:
    letterhead: Letterhead
    today: date
    period: ReportPeriod | None  # the table's scope (None: every task)
    score_period: ReportPeriod
    directive: DirectiveRef | None  # the report is about this directive only
    rows: tuple[TrackingRow, ...]
    summary: Summary
    directive_count: int
    late_agencies: tuple[LateAgency, ...]
    blocked: tuple[ReportTask, ...]
    scores: tuple[ScoreRow, ...]
    score_total: AgencyScore
    reply_by: date  # the urging letter asks for an answer by this day

    @property
    def done(self) -> int:
        return self.summary.count(Category.DONE_ON_TIME) + self.summary.count(Category.DONE_LATE)

    @property
    def not_done(self) -> int:
        return self.summary.count(Category.OPEN_ON_TIME) + self.summary.count(Category.OPEN_OVERDUE)


def build_report(
    tasks: Iterable[ReportTask],
    *,
    workspace_name: str,
    today: date,
    reply_by: date,
    period: ReportPeriod | None = None,
    score_period: ReportPeriod | None = None,
    directive: DirectiveRef | None = None,
) -> ReportData:
    """Assemble the report of `tasks` as of `today` (cancelled tasks dropped)."""
    live = [task for task in tasks if task.state != "cancelled"]
    in_scope = [task for task in live if period is None or period.contains(task.effective_deadline)]
    in_scope.sort(key=_row_order)
    rows = tuple(_tracking_row(number, task, today) for number, task in enumerate(in_scope, 1))
    scored_period = score_period or period or default_score_period(today)
    scores, total = scores_for(live, scored_period, today)
    return ReportData(
        letterhead=letterhead_for(workspace_name),
        today=today,
        period=period,
        score_period=scored_period,
        directive=directive,
        rows=rows,
        summary=summarize((task.facts() for task in in_scope), today),
        directive_count=len({task.directive_id for task in in_scope}),
        late_agencies=_late_agencies(rows),
        blocked=tuple(
            sorted(
                (task for task in in_scope if task.blocked),
                key=lambda task: (task.agency_name, _row_order(task)),
            )
        ),
        scores=scores,
        score_total=total,
        reply_by=reply_by,
    )


def scores_for(
    tasks: Sequence[ReportTask], period: ReportPeriod, today: date
) -> tuple[tuple[ScoreRow, ...], AgencyScore]:
    """Agency scores with names, best on-time rate first, and the total row."""
    names = {task.agency_id: task.agency_name for task in tasks}
    computed = agency_scores((task.facts() for task in tasks), period.start, period.end, today)
    rows = [ScoreRow(names[score.agency_id], score) for score in computed]
    rows.sort(key=lambda row: (-(row.score.on_time_rate or 0.0), -row.score.due, row.agency_name))
    total = AgencyScore(
        agency_id=0,
        due=sum(row.score.due for row in rows),
        done_on_time=sum(row.score.done_on_time for row in rows),
        done_late=sum(row.score.done_late for row in rows),
        still_open=sum(row.score.still_open for row in rows),
    )
    return tuple(rows), total


def _tracking_row(number: int, task: ReportTask, today: date) -> TrackingRow:
    category = categorize(task.facts(), today)
    assert category is not None  # cancelled tasks were dropped
    if category is Category.DONE_ON_TIME:
        return TrackingRow(number, task, category, Timeliness.ON_TIME, 0)
    if category is Category.DONE_LATE:
        late = days_late(task.effective_deadline, task.completed_on or today)
        return TrackingRow(number, task, category, Timeliness.DONE_LATE, late)
    if category is Category.OPEN_OVERDUE:
        late = days_late(task.effective_deadline, today)
        return TrackingRow(number, task, category, Timeliness.OVERDUE, late)
    return TrackingRow(number, task, category, Timeliness.PENDING, 0)


def _late_agencies(rows: Iterable[TrackingRow]) -> tuple[LateAgency, ...]:
    """Agencies with overdue open tasks, the most overdue tasks first."""
    groups: dict[int, list[LateItem]] = {}
    names: dict[int, str] = {}
    for row in rows:
        if row.timeliness is Timeliness.OVERDUE:
            groups.setdefault(row.task.agency_id, []).append(LateItem(row.task, row.days_late))
            names[row.task.agency_id] = row.task.agency_name
    late = [
        LateAgency(
            agency_id,
            names[agency_id],
            tuple(sorted(items, key=lambda item: (-item.days_late, _row_order(item.task)))),
        )
        for agency_id, items in groups.items()
    ]
    late.sort(key=lambda agency: (-len(agency.items), agency.agency_name))
    return tuple(late)


def _row_order(task: ReportTask) -> tuple[date, str, tuple[str, int, str], str]:
    """Directives by date then number; tasks by natural code order."""
    prefix = task.code.rstrip("0123456789")
    digits = task.code[len(prefix) :]
    code_key = (prefix, int(digits) if digits else -1, task.code)
    return (
        task.directive_date or date.min,
        task.directive_number or "",
        code_key,
        task.agency_name,
    )


def rate(part: int, whole: int) -> float | None:
    """part / whole, None when there is nothing to divide by."""
    return part / whole if whole else None
