"""Recurring duties: which occurrence is open, and when the next one is due.

"Định kỳ hằng quý", "trước ngày 15 hằng tháng", "chậm nhất ngày 20 của
tháng cuối quý": one task per period. When an occurrence is done or its
period ends, the roll-over job opens the next one; its stated deadline comes
from here and its effective deadline from `effective_deadline` with
`occurrence_spec`, like any other task, so reminders need no special case.

Conventions (Recurrence docstring): `day` None means the period's last day;
otherwise the day of the period's last month (`last_month_of_period`) or
first month, clipped to that month's length (day 31 in June is 30/6). So a
yearly duty "hằng năm, chậm nhất ngày 15/12" is day=15 in December, and a
yearly duty with no day falls on 31/12.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.deadlines import DeadlineKind, DeadlineSpec, Period, Recurrence

MONTHS_PER_PERIOD: dict[Period, int] = {
    Period.MONTHLY: 1,
    Period.QUARTERLY: 3,
    Period.HALF_YEARLY: 6,
    Period.YEARLY: 12,
}


@dataclass(frozen=True, slots=True)
class PeriodLabel:
    """Which period an occurrence belongs to, as data for bot/texts to word.

    index: the month (1–12), quarter (1–4), half (1–2) or 1 for a year; e.g.
    (QUARTERLY, 2, 2024) is "Quý II/2024", (HALF_YEARLY, 1, 2024) "6 tháng
    đầu năm 2024". `start` and `end` are the period's first and last days.
    """

    period: Period
    index: int
    year: int
    start: date
    end: date


def _last_day_of_month(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def period_containing(period: Period, day: date) -> PeriodLabel:
    """The month, quarter, half-year or year that contains `day`."""
    length = MONTHS_PER_PERIOD[period]
    index = (day.month - 1) // length + 1
    first_month = (index - 1) * length + 1
    last_month = first_month + length - 1
    return PeriodLabel(
        period=period,
        index=index,
        year=day.year,
        start=date(day.year, first_month, 1),
        end=_last_day_of_month(day.year, last_month),
    )


def period_label(rec: Recurrence, deadline: date) -> PeriodLabel:
    """The period an occurrence with this stated deadline belongs to.

    An occurrence's deadline always lies inside its own period, so this is
    the period containing the deadline.
    """
    return period_containing(rec.period, deadline)


def occurrence_deadline(rec: Recurrence, period_containing_day: date) -> date:
    """The stated deadline of the occurrence whose period contains the given day.

    "trước ngày 15 hằng tháng" in May 2024 -> 15/5/2024 (kind BEFORE, so the
    effective deadline is 14/5); "chậm nhất ngày 20 của tháng cuối quý" in
    Q2 -> 20/6; "định kỳ hằng quý" (no day) in Q2 -> 30/6.
    """
    label = period_containing(rec.period, period_containing_day)
    if rec.day is None:
        return label.end
    if not 1 <= rec.day <= 31:
        raise ValueError(f"recurrence day must be 1–31, got {rec.day}")
    month = label.end.month if rec.last_month_of_period else label.start.month
    return date(label.year, month, min(rec.day, monthrange(label.year, month)[1]))


def next_occurrence(rec: Recurrence, after_deadline: date) -> date:
    """The first occurrence's stated deadline strictly after `after_deadline`.

    Works from any date, not only from an occurrence's own deadline, so the
    roll-over job can ask "what comes after today" as well.
    """
    candidate = occurrence_deadline(rec, after_deadline)
    if candidate > after_deadline:
        return candidate
    following = period_containing(rec.period, after_deadline).end + timedelta(days=1)
    return occurrence_deadline(rec, following)


def occurrence_spec(rec: Recurrence, period_containing_day: date) -> DeadlineSpec:
    """A DeadlineSpec for one occurrence, for `effective_deadline` and storage.

    The spec keeps the recurrence's own words and kind: "trước ngày 15
    hằng tháng" stays BEFORE, so its effective deadline is the 14th.
    """
    if rec.kind is DeadlineKind.RELATIVE:
        raise ValueError("a recurring duty cannot have a relative deadline")
    return DeadlineSpec(
        kind=rec.kind, text=rec.text, stated=occurrence_deadline(rec, period_containing_day)
    )
