"""Dates and spans in replies, resolved on the working-day calendar.

Officers ask for time in many shapes: "đến 30/5", "ngày 30 tháng 5",
"thêm 5 ngày", "thêm một tuần", "sang tuần sau", "thứ Sáu tuần sau",
"cuối tháng", "đầu tháng sau". The rules, chosen to match how agencies count:

- A day and month without a year is the next such date on or after today.
- A span in days is in *working* days ("thêm 5 ngày" = 5 working days after
  today), as officers count deadlines; a week is 5 working days. A span in
  months is calendar months, moved back to a working day.
- "tuần sau" / "sang tuần sau" / "cuối tuần sau" is the Friday of next week,
  or the last working day before it when that Friday is off; "đầu tuần sau"
  the first working day of next week.
- "cuối tháng [6]" / "hết tháng 6" / "trong tháng 6" / "tháng sau" is the last
  working day of that month; "đầu tháng sau" its first working day.
- A named weekday ("thứ Sáu tuần sau", "T6 tuần sau") and an explicit date
  are kept as written, even on a day off: that is the date the officer asked for.
- "mai" is the next working day, "ngày kia" the second.
"""

from __future__ import annotations

import calendar as gregorian
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.replies.lemmas import Lemma
from bot.domain.replies.lexicon import Concept

_MAX_SPAN_DAYS = 260  # about a working year; longer "spans" are noise
_MAX_SPAN_MONTHS = 24
_EARLIEST_YEAR = 2000
_LATEST_YEAR = 2100


class WorkingDays(Protocol):
    """The part of `bot.domain.calendar.WorkingCalendar` this module uses."""

    def is_working_day(self, day: date) -> bool: ...
    def add_working_days(self, start: date, n: int) -> date: ...
    def next_working_day(self, day: date) -> date: ...
    def on_or_before(self, day: date) -> date: ...


class When(StrEnum):
    DATE = "date"
    MONTH_END = "month_end"
    MONTH_START = "month_start"
    WEEKDAY = "weekday"
    WEEK_END = "week_end"
    WEEK_START = "week_start"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    TOMORROW = "tomorrow"
    DAY_AFTER = "day_after"
    TODAY = "today"
    VAGUE = "vague"  # "ít ngày", "thêm thời gian": more time, no date
    PAST = "past"  # "tuần trước", "hôm qua"


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time phrase found at lemmas[first..last] (inclusive)."""

    when: When
    first: int
    last: int
    day: int | None = None
    month: int | None = None
    year: int | None = None
    amount: int | None = None  # span length, or weekday (0 = Monday)
    offset: int | None = None  # 0 this week/month, 1 next; None for a bare weekday
    targeted: bool = False  # after "đến", "sang", "trước", "vào" ...

    @property
    def is_span(self) -> bool:
        return self.when in (When.DAYS, When.WEEKS, When.MONTHS)


Matcher = Callable[[Sequence[Lemma], int], "TimeExpr | None"]


def find_times(lemmas: Sequence[Lemma]) -> list[TimeExpr]:
    """Every time phrase in the reply, left to right, without overlaps."""
    found: list[TimeExpr] = []
    i = 0
    while i < len(lemmas):
        expr = _match_at(lemmas, i)
        if expr is None:
            i += 1
            continue
        targeted = i > 0 and lemmas[i - 1].concept in (Concept.TARGET, Concept.END)
        found.append(_with_target(expr, targeted))
        i = expr.last + 1
    return found


def _with_target(expr: TimeExpr, targeted: bool) -> TimeExpr:
    if not targeted:
        return expr
    return TimeExpr(
        expr.when,
        expr.first,
        expr.last,
        expr.day,
        expr.month,
        expr.year,
        expr.amount,
        expr.offset,
        True,
    )


_STARTS = frozenset(
    {
        Concept.DATE,
        Concept.DAY,
        Concept.NUMBER,
        Concept.END,
        Concept.BEGIN,
        Concept.MONTH,
        Concept.NEXT_MONTH,
        Concept.THIS_MONTH,
        Concept.WEEKDAY,
        Concept.NEXT_WEEK,
        Concept.THIS_WEEK,
        Concept.TOMORROW,
        Concept.DAY_AFTER,
        Concept.TODAY,
        Concept.FEW_DAYS,
        Concept.PAST_TIME,
    }
)


def _match_at(lemmas: Sequence[Lemma], i: int) -> TimeExpr | None:
    if lemmas[i].concept not in _STARTS:
        return None
    for matcher in _MATCHERS:
        expr = matcher(lemmas, i)
        if expr is not None:
            return expr
    return None


def _concept(lemmas: Sequence[Lemma], i: int) -> Concept | None:
    return lemmas[i].concept if 0 <= i < len(lemmas) else None


def _number(lemmas: Sequence[Lemma], i: int) -> int | None:
    return lemmas[i].value if _concept(lemmas, i) is Concept.NUMBER else None


# --- matchers ----------------------------------------------------------------


def _explicit_date(lemmas: Sequence[Lemma], i: int) -> TimeExpr | None:
    """ "30/5", "30/5/2024", "(ngày) 30 tháng 5 (năm 2024)"."""
    start = i
    if _concept(lemmas, i) is Concept.DAY:
        i += 1
    if _concept(lemmas, i) is Concept.DATE:
        parts = [int(p) for p in re.split(r"[/.-]", lemmas[i].key)]
        year = parts[2] if len(parts) == 3 else None
        if year is not None and year < 100:
            year += 2000
        return TimeExpr(When.DATE, start, i, parts[0], parts[1], year)
    day, month = _number(lemmas, i), _number(lemmas, i + 2)
    if day is None or month is None or _concept(lemmas, i + 1) is not Concept.MONTH:
        return None
    last, year = i + 2, None
    if lemmas[last + 1 : last + 2] and lemmas[last + 1].key == "nam":
        year = _number(lemmas, last + 2)
        last = last + 2 if year is not None else last
    return TimeExpr(When.DATE, start, last, day, month, year)


def _month(lemmas: Sequence[Lemma], i: int) -> TimeExpr | None:
    """ "cuối tháng", "hết tháng 6", "trong tháng 6", "đầu tháng sau", "tháng sau"."""
    edge = _concept(lemmas, i)
    j = i + 1 if edge in (Concept.END, Concept.BEGIN) else i
    when = When.MONTH_START if edge is Concept.BEGIN else When.MONTH_END
    concept = _concept(lemmas, j)
    if concept in (Concept.NEXT_MONTH, Concept.THIS_MONTH):
        return TimeExpr(when, i, j, offset=int(concept is Concept.NEXT_MONTH))
    if concept is not Concept.MONTH:
        return None
    month = _number(lemmas, j + 1)
    if month is not None:
        return TimeExpr(when, i, j + 1, month=month)
    return TimeExpr(when, i, j, offset=0) if j > i else None


def _weekday(lemmas: Sequence[Lemma], i: int) -> TimeExpr | None:
    """ "thứ Sáu", "thứ 6 tuần sau", "T6 tuần này"."""
    if _concept(lemmas, i) is not Concept.WEEKDAY:
        return None
    nxt = _concept(lemmas, i + 1)
    if nxt in (Concept.NEXT_WEEK, Concept.THIS_WEEK):
        offset = int(nxt is Concept.NEXT_WEEK)
        return TimeExpr(When.WEEKDAY, i, i + 1, amount=lemmas[i].value, offset=offset)
    if lemmas[i + 1 : i + 2] and lemmas[i + 1].key == "nay":
        return TimeExpr(When.WEEKDAY, i, i + 1, amount=lemmas[i].value, offset=0)
    return TimeExpr(When.WEEKDAY, i, i, amount=lemmas[i].value)


def _week(lemmas: Sequence[Lemma], i: int) -> TimeExpr | None:
    """ "tuần sau", "cuối tuần", "đầu tuần sau"."""
    edge = _concept(lemmas, i)
    j = i + 1 if edge in (Concept.END, Concept.BEGIN) else i
    when = When.WEEK_START if edge is Concept.BEGIN else When.WEEK_END
    concept = _concept(lemmas, j)
    if concept in (Concept.NEXT_WEEK, Concept.THIS_WEEK):
        return TimeExpr(when, i, j, offset=int(concept is Concept.NEXT_WEEK))
    if concept is Concept.WEEK and j > i:
        return TimeExpr(when, i, j, offset=0)
    return None


_SPAN_UNITS = {
    Concept.DAY: When.DAYS,
    Concept.WORKDAY: When.DAYS,
    Concept.WEEK: When.WEEKS,
    Concept.MONTH: When.MONTHS,
}


def _span(lemmas: Sequence[Lemma], i: int) -> TimeExpr | None:
    """ "5 ngày", "5 ngày làm việc", "một tuần", "2 tháng (nữa)"."""
    amount = _number(lemmas, i)
    unit = _concept(lemmas, i + 1)
    when = _SPAN_UNITS.get(unit) if unit is not None else None
    if amount is None or when is None:
        return None
    if _concept(lemmas, i + 2) in (Concept.NUMBER, Concept.DATE):
        return None  # "5 ngày 20/5": not a span
    last = i + 2 if _concept(lemmas, i + 2) is Concept.MORE else i + 1
    return TimeExpr(when, i, last, amount=amount)


_SINGLE_WORDS = {
    Concept.TOMORROW: When.TOMORROW,
    Concept.DAY_AFTER: When.DAY_AFTER,
    Concept.TODAY: When.TODAY,
    Concept.FEW_DAYS: When.VAGUE,
    Concept.PAST_TIME: When.PAST,
}


def _single_word(lemmas: Sequence[Lemma], i: int) -> TimeExpr | None:
    when = _SINGLE_WORDS.get(lemmas[i].concept)
    return None if when is None else TimeExpr(when, i, i)


_MATCHERS: tuple[Matcher, ...] = (_explicit_date, _month, _weekday, _week, _span, _single_word)


# --- resolution ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    day: date | None
    span: int | None = None  # working days, for day and week spans


def resolve(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    """The date `expr` asks for, seen from `today`; None where it names none."""
    try:
        return _RESOLVERS[expr.when](expr, today, cal)
    except (ValueError, OverflowError):
        return Resolved(None)  # "31/2", "99/99", years out of range


def is_future(expr: TimeExpr, today: date) -> bool:
    """Whether `expr` points at today or later (a forecast, not a record)."""
    if expr.when is When.PAST:
        return False
    if expr.when is not When.DATE or expr.day is None or expr.month is None:
        return True
    try:
        return date(expr.year or today.year, expr.month, expr.day) >= today
    except ValueError:
        return False


def _explicit(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    day, month = expr.day or 0, expr.month or 0
    if expr.year is not None:
        return Resolved(date(_checked_year(expr.year), month, day))
    candidate = date(today.year, month, day)
    return Resolved(candidate if candidate >= today else date(today.year + 1, month, day))


def _checked_year(year: int) -> int:
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        raise ValueError(f"year out of range: {year}")
    return year


def _month_of(expr: TimeExpr, today: date) -> tuple[int, int]:
    """(year, month) the expression names: this/next month, or the next such month."""
    if expr.month is None:
        index = today.month - 1 + (expr.offset or 0)
        return today.year + index // 12, index % 12 + 1
    if not 1 <= expr.month <= 12:
        raise ValueError(f"no month {expr.month}")
    year = today.year if expr.month >= today.month else today.year + 1
    return year, expr.month


def _month_end(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    year, month = _month_of(expr, today)
    last = date(year, month, gregorian.monthrange(year, month)[1])
    return Resolved(cal.on_or_before(last))


def _month_start(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    year, month = _month_of(expr, today)
    return Resolved(cal.next_working_day(date(year, month, 1) - timedelta(days=1)))


def _monday(today: date, offset: int) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(weeks=offset)


def _weekday_date(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    weekday = expr.amount or 0
    if expr.offset is None:
        ahead = (weekday - today.weekday()) % 7 or 7
        return Resolved(today + timedelta(days=ahead))
    return Resolved(_monday(today, expr.offset) + timedelta(days=weekday))


def _week_end(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    friday = _monday(today, expr.offset or 0) + timedelta(days=4)
    return Resolved(cal.on_or_before(friday))


def _week_start(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    sunday_before = _monday(today, expr.offset or 0) - timedelta(days=1)
    return Resolved(cal.next_working_day(sunday_before))


def _days(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    span = (expr.amount or 0) * (5 if expr.when is When.WEEKS else 1)
    if not 0 < span <= _MAX_SPAN_DAYS:
        return Resolved(None)
    return Resolved(cal.add_working_days(today, span), span)


def _months(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    months = expr.amount or 0
    if not 0 < months <= _MAX_SPAN_MONTHS:
        return Resolved(None)
    index = today.month - 1 + months
    year, month = today.year + index // 12, index % 12 + 1
    day = min(today.day, gregorian.monthrange(year, month)[1])
    return Resolved(cal.on_or_before(date(year, month, day)))


def _relative(days: int) -> Callable[[TimeExpr, date, WorkingDays], Resolved]:
    def resolve_relative(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
        return Resolved(cal.add_working_days(today, days))

    return resolve_relative


def _nothing(expr: TimeExpr, today: date, cal: WorkingDays) -> Resolved:
    return Resolved(None)


_RESOLVERS: dict[When, Callable[[TimeExpr, date, WorkingDays], Resolved]] = {
    When.DATE: _explicit,
    When.MONTH_END: _month_end,
    When.MONTH_START: _month_start,
    When.WEEKDAY: _weekday_date,
    When.WEEK_END: _week_end,
    When.WEEK_START: _week_start,
    When.DAYS: _days,
    When.WEEKS: _days,
    When.MONTHS: _months,
    When.TOMORROW: _relative(1),
    When.DAY_AFTER: _relative(2),
    When.TODAY: _relative(0),
    When.VAGUE: _nothing,
    When.PAST: _nothing,
}
