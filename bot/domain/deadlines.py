"""Deadline vocabulary shared by extraction, the calendar and the reminder policy.

A directive states a deadline in words ("trước ngày 20/5/2024", "trong tháng
6/2024", "trong 05 ngày làm việc kể từ ngày ký"). Extraction turns the words
into a `DeadlineSpec`; the calendar turns a spec into the *effective* deadline,
the last day on which the work still counts as on time. Keeping the spec (and
not only the computed date) lets an approved extension replace the effective
date while the original words stay on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


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
    recurring duties); `period_end` is the last day of the period for
    WITHIN_PERIOD ("trong tháng 6/2024" -> 2024-06-30), which is also what the
    JSON prints as `deadline` for that kind.
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
