"""Deadline vocabulary shared by extraction, the calendar and the reminder policy.

A directive states a deadline in words ("trước ngày 20/5/2024", "trong tháng
6/2024", "trong 05 ngày làm việc kể từ ngày ký"). Extraction turns the words
into a `DeadlineSpec`; the calendar turns a spec into the *effective* deadline,
the last day on which the work still counts as on time. Keeping the spec (and
not only the computed date) lets an approved extension replace the effective
date while the original words stay on record.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the type: extraction should not pull in the holiday data
    from bot.domain.calendar import WorkingCalendar


class DeadlineKind(StrEnum):
    """How the stated date bounds the work (DESIGN.md `deadline_kind`)."""

    BEFORE = "before"  # "trước ngày 20/5" -> effective 19/5
    NO_LATER_THAN = "no_later_than"  # "chậm nhất ngày 25/7", "hạn 25/7" -> 25/7
    WITHIN_PERIOD = "within_period"  # "trong tháng 6/2024" -> 30/6
    RELATIVE = "relative"  # "trong 05 ngày làm việc kể từ ngày ký"


class RelativeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"


class RelativeAnchor(StrEnum):
    """What a relative deadline counts from."""

    SIGNING = "signing"  # "kể từ ngày ký"
    ISSUANCE = "issuance"  # "kể từ ngày ban hành"
    RECEIPT = "receipt"  # "kể từ ngày nhận được"
    OTHER = "other"


class Period(StrEnum):
    """Recurrence periods; the value is what `recurrence` prints in JSON."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


@dataclass(frozen=True, slots=True)
class RelativeSpan:
    amount: int
    unit: RelativeUnit
    anchor: RelativeAnchor


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    """A deadline as written.

    `stated` is the date as written (None for relative deadlines and
    recurring duties); for WITHIN_PERIOD it is the period's last day
    ("trong tháng 6/2024" -> 2024-06-30), which is also what the JSON prints
    as `deadline` for that kind.
    """

    kind: DeadlineKind
    text: str
    stated: date | None = None
    relative: RelativeSpan | None = None
    hour: int | None = None  # "trước 14 giờ ngày ..."


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A recurring duty: "định kỳ hằng quý", "trước ngày 15 hằng tháng",
    "chậm nhất ngày 20 của tháng cuối quý".

    `day` is the day of the month the duty falls on (None: the period's last
    day); `last_month_of_period` says the day is in the period's last month
    rather than its first; `kind` says whether the day itself still counts.
    """

    period: Period
    text: str
    day: int | None = None
    last_month_of_period: bool = True
    kind: DeadlineKind = DeadlineKind.NO_LATER_THAN


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months later, clipped to the month's end.

    "trong 03 tháng kể từ ngày 30/11/2024" ends on 28/2/2025, the way the
    Civil Code counts month periods (the corresponding day, or the last day
    of a month that has no such day).
    """
    month_index = start.year * 12 + start.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def effective_deadline(
    spec: DeadlineSpec, calendar: WorkingCalendar, anchor: date | None = None
) -> date | None:
    """The last day on which the work still counts as on time.

    - BEFORE: "trước ngày 20/5/2024" means by 19/5 (the calendar day before,
      even if it is a Sunday: the reminder policy moves reminders, not
      deadlines). With an hour ("trước 14 giờ ngày 20/5") the stated day itself.
    - NO_LATER_THAN, WITHIN_PERIOD: the stated date (for a period, extraction
      already stores its last day).
    - RELATIVE: counted from `anchor` (the directive's signing or issue
      date): working days on `calendar`, days as calendar days, months as
      calendar months. Without an anchor the stated date is used if extraction
      gave one, else None.

    None means the deadline cannot be computed yet (nothing stated, no anchor).
    """
    if spec.kind is DeadlineKind.RELATIVE:
        if spec.relative is not None and anchor is not None:
            return _count_relative(spec.relative, calendar, anchor)
        return spec.stated
    if spec.stated is None:
        return None
    if spec.kind is DeadlineKind.BEFORE and spec.hour is None:
        return spec.stated - timedelta(days=1)
    return spec.stated


def _count_relative(span: RelativeSpan, calendar: WorkingCalendar, anchor: date) -> date:
    """Apply a relative span ("05 ngày làm việc kể từ ngày ký") to its anchor."""
    if span.unit is RelativeUnit.WORKING_DAYS:
        return calendar.add_working_days(anchor, span.amount)
    if span.unit is RelativeUnit.DAYS:
        return anchor + timedelta(days=span.amount)
    return add_months(anchor, span.amount)
