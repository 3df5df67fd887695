"""Recurring duties: each period's deadline and the roll-over to the next one."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.calendar import WorkingCalendar
from bot.domain.deadlines import DeadlineKind, Period, Recurrence, effective_deadline
from bot.domain.recurrence import (
    PeriodLabel,
    next_occurrence,
    occurrence_deadline,
    occurrence_spec,
    period_containing,
    period_label,
)

MONTHLY_BEFORE_15 = Recurrence(
    Period.MONTHLY, "trước ngày 15 hằng tháng", day=15, kind=DeadlineKind.BEFORE
)
QUARTERLY_20_LAST_MONTH = Recurrence(
    Period.QUARTERLY, "chậm nhất ngày 20 của tháng cuối quý", day=20
)
QUARTERLY = Recurrence(Period.QUARTERLY, "định kỳ hằng quý")
HALF_YEARLY = Recurrence(Period.HALF_YEARLY, "định kỳ 6 tháng")
YEARLY = Recurrence(Period.YEARLY, "hằng năm")


def test_monthly_before_the_15th() -> None:
    assert occurrence_deadline(MONTHLY_BEFORE_15, date(2024, 5, 1)) == date(2024, 5, 15)
    assert occurrence_deadline(MONTHLY_BEFORE_15, date(2024, 5, 31)) == date(2024, 5, 15)
    spec = occurrence_spec(MONTHLY_BEFORE_15, date(2024, 5, 20))
    assert spec.kind is DeadlineKind.BEFORE
    assert spec.text == "trước ngày 15 hằng tháng"
    assert effective_deadline(spec, WorkingCalendar()) == date(2024, 5, 14)


def test_monthly_rolls_over_the_year() -> None:
    assert next_occurrence(MONTHLY_BEFORE_15, date(2024, 12, 15)) == date(2025, 1, 15)
    assert next_occurrence(MONTHLY_BEFORE_15, date(2024, 12, 10)) == date(2024, 12, 15)


@pytest.mark.parametrize(
    ("inside", "expected"),
    [
        (date(2024, 1, 5), date(2024, 3, 20)),
        (date(2024, 5, 31), date(2024, 6, 20)),
        (date(2024, 9, 30), date(2024, 9, 20)),
        (date(2024, 10, 1), date(2024, 12, 20)),
    ],
)
def test_quarterly_day_20_of_the_quarters_last_month(inside: date, expected: date) -> None:
    assert occurrence_deadline(QUARTERLY_20_LAST_MONTH, inside) == expected


def test_quarterly_day_20_across_the_year_boundary() -> None:
    assert next_occurrence(QUARTERLY_20_LAST_MONTH, date(2024, 12, 20)) == date(2025, 3, 20)
    assert next_occurrence(QUARTERLY_20_LAST_MONTH, date(2024, 12, 21)) == date(2025, 3, 20)
    assert next_occurrence(QUARTERLY_20_LAST_MONTH, date(2024, 12, 19)) == date(2024, 12, 20)


def test_quarterly_without_a_day_is_the_quarters_last_day() -> None:
    assert [occurrence_deadline(QUARTERLY, date(2024, m, 10)) for m in (2, 5, 8, 11)] == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]
    assert next_occurrence(QUARTERLY, date(2024, 12, 31)) == date(2025, 3, 31)


def test_first_month_of_the_quarter() -> None:
    rec = Recurrence(Period.QUARTERLY, "ngày 10 tháng đầu quý", day=10, last_month_of_period=False)
    assert occurrence_deadline(rec, date(2024, 6, 30)) == date(2024, 4, 10)
    assert next_occurrence(rec, date(2024, 4, 10)) == date(2024, 7, 10)


def test_half_yearly() -> None:
    assert occurrence_deadline(HALF_YEARLY, date(2024, 2, 1)) == date(2024, 6, 30)
    assert occurrence_deadline(HALF_YEARLY, date(2024, 7, 1)) == date(2024, 12, 31)
    assert next_occurrence(HALF_YEARLY, date(2024, 12, 31)) == date(2025, 6, 30)
    with_day = Recurrence(Period.HALF_YEARLY, "trước ngày 25/6 và 25/12", day=25)
    assert occurrence_deadline(with_day, date(2024, 3, 3)) == date(2024, 6, 25)
    assert next_occurrence(with_day, date(2024, 6, 25)) == date(2024, 12, 25)


def test_yearly() -> None:
    assert occurrence_deadline(YEARLY, date(2024, 3, 3)) == date(2024, 12, 31)
    assert next_occurrence(YEARLY, date(2024, 12, 31)) == date(2025, 12, 31)
    with_day = Recurrence(Period.YEARLY, "chậm nhất ngày 15/12 hằng năm", day=15)
    assert occurrence_deadline(with_day, date(2025, 1, 1)) == date(2025, 12, 15)


def test_day_clipped_to_short_months() -> None:
    rec = Recurrence(Period.MONTHLY, "ngày 31 hằng tháng", day=31)
    assert occurrence_deadline(rec, date(2024, 2, 10)) == date(2024, 2, 29)
    assert occurrence_deadline(rec, date(2025, 2, 10)) == date(2025, 2, 28)
    assert next_occurrence(rec, date(2025, 2, 28)) == date(2025, 3, 31)
    quarterly = Recurrence(Period.QUARTERLY, "ngày 31 tháng cuối quý", day=31)
    assert occurrence_deadline(quarterly, date(2024, 5, 5)) == date(2024, 6, 30)


def test_a_year_of_monthly_occurrences_has_twelve_distinct_deadlines() -> None:
    deadlines = [date(2023, 12, 15)]
    for _ in range(12):
        deadlines.append(next_occurrence(MONTHLY_BEFORE_15, deadlines[-1]))
    assert deadlines[1:] == [date(2024, m, 15) for m in range(1, 13)]


@pytest.mark.parametrize(
    ("rec", "deadline", "expected"),
    [
        (MONTHLY_BEFORE_15, date(2024, 5, 15), (Period.MONTHLY, 5, 2024)),
        (QUARTERLY_20_LAST_MONTH, date(2024, 6, 20), (Period.QUARTERLY, 2, 2024)),
        (QUARTERLY, date(2024, 12, 31), (Period.QUARTERLY, 4, 2024)),
        (HALF_YEARLY, date(2024, 6, 30), (Period.HALF_YEARLY, 1, 2024)),
        (HALF_YEARLY, date(2024, 12, 31), (Period.HALF_YEARLY, 2, 2024)),
        (YEARLY, date(2024, 12, 31), (Period.YEARLY, 1, 2024)),
    ],
)
def test_period_label(rec: Recurrence, deadline: date, expected: tuple[Period, int, int]) -> None:
    label = period_label(rec, deadline)
    assert (label.period, label.index, label.year) == expected
    assert label.start <= deadline <= label.end


def test_period_bounds() -> None:
    assert period_containing(Period.QUARTERLY, date(2024, 2, 29)) == PeriodLabel(
        Period.QUARTERLY, 1, 2024, date(2024, 1, 1), date(2024, 3, 31)
    )
    assert period_containing(Period.HALF_YEARLY, date(2024, 7, 1)).start == date(2024, 7, 1)


def test_invalid_recurrences_are_rejected() -> None:
    with pytest.raises(ValueError, match="1–31"):
        occurrence_deadline(Recurrence(Period.MONTHLY, "ngày 0", day=0), date(2024, 1, 1))
    relative = Recurrence(Period.MONTHLY, "?", kind=DeadlineKind.RELATIVE)
    with pytest.raises(ValueError, match="relative"):
        occurrence_spec(relative, date(2024, 1, 1))
