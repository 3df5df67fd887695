"""Effective deadlines: the last day on which work still counts as on time."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.calendar import WorkingCalendar
from bot.domain.deadlines import (
    DeadlineKind,
    DeadlineSpec,
    RelativeAnchor,
    RelativeSpan,
    RelativeUnit,
    add_months,
    effective_deadline,
)

CAL = WorkingCalendar()


def _relative(amount: int, unit: RelativeUnit) -> DeadlineSpec:
    return DeadlineSpec(
        kind=DeadlineKind.RELATIVE,
        text=f"trong {amount} {unit} kể từ ngày ký",
        relative=RelativeSpan(amount, unit, RelativeAnchor.SIGNING),
    )


def test_before_means_the_calendar_day_before() -> None:
    spec = DeadlineSpec(DeadlineKind.BEFORE, "trước ngày 20/5/2024", stated=date(2024, 5, 20))
    # 19/5/2024 is a Sunday: the deadline stays there, reminders move instead.
    assert effective_deadline(spec, CAL) == date(2024, 5, 19)


def test_before_an_hour_means_the_stated_day_itself() -> None:
    spec = DeadlineSpec(
        DeadlineKind.BEFORE, "trước 14 giờ ngày 20/5/2024", stated=date(2024, 5, 20), hour=14
    )
    assert effective_deadline(spec, CAL) == date(2024, 5, 20)


def test_before_the_first_of_a_month_crosses_into_the_previous_month() -> None:
    spec = DeadlineSpec(DeadlineKind.BEFORE, "trước ngày 01/01/2025", stated=date(2025, 1, 1))
    assert effective_deadline(spec, CAL) == date(2024, 12, 31)


def test_no_later_than_is_the_stated_day() -> None:
    spec = DeadlineSpec(
        DeadlineKind.NO_LATER_THAN, "chậm nhất ngày 25/7/2021", stated=date(2021, 7, 25)
    )
    assert effective_deadline(spec, CAL) == date(2021, 7, 25)


@pytest.mark.parametrize(
    ("text", "stated"),
    [("trong tháng 6/2024", date(2024, 6, 30)), ("trong năm 2024", date(2024, 12, 31))],
)
def test_within_period_is_the_periods_last_day(text: str, stated: date) -> None:
    spec = DeadlineSpec(DeadlineKind.WITHIN_PERIOD, text, stated=stated)
    assert effective_deadline(spec, CAL) == stated


@pytest.mark.parametrize("kind", [DeadlineKind.BEFORE, DeadlineKind.NO_LATER_THAN])
def test_missing_stated_date_gives_none(kind: DeadlineKind) -> None:
    assert effective_deadline(DeadlineSpec(kind, "định kỳ"), CAL) is None


def test_relative_working_days_skip_the_reunification_holiday_2024() -> None:
    # Signed Thursday 25/4/2024: Fri 26/4, then 27/4–1/5 off, Thu 2/5, Fri 3/5,
    # the worked Saturday 4/5, Mon 6/5 -> the 5th working day.
    spec = _relative(5, RelativeUnit.WORKING_DAYS)
    assert effective_deadline(spec, CAL, anchor=date(2024, 4, 25)) == date(2024, 5, 6)


def test_relative_working_days_across_tet_2025() -> None:
    spec = _relative(3, RelativeUnit.WORKING_DAYS)
    assert effective_deadline(spec, CAL, anchor=date(2025, 1, 23)) == date(2025, 2, 4)


def test_relative_calendar_days_ignore_holidays() -> None:
    spec = _relative(10, RelativeUnit.DAYS)
    assert effective_deadline(spec, CAL, anchor=date(2025, 1, 23)) == date(2025, 2, 2)


@pytest.mark.parametrize(
    ("anchor", "months", "expected"),
    [
        (date(2024, 3, 15), 3, date(2024, 6, 15)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),  # clipped to February's end
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 10, 10), 14, date(2025, 12, 10)),
    ],
)
def test_relative_months_clip_to_month_end(anchor: date, months: int, expected: date) -> None:
    assert effective_deadline(_relative(months, RelativeUnit.MONTHS), CAL, anchor) == expected
    assert add_months(anchor, months) == expected


def test_relative_without_anchor_is_unknown() -> None:
    assert effective_deadline(_relative(5, RelativeUnit.WORKING_DAYS), CAL) is None


def test_relative_without_anchor_uses_a_stated_date_when_extraction_gave_one() -> None:
    spec = DeadlineSpec(
        DeadlineKind.RELATIVE,
        "trong 05 ngày làm việc kể từ ngày ký",
        stated=date(2024, 5, 27),
        relative=RelativeSpan(5, RelativeUnit.WORKING_DAYS, RelativeAnchor.SIGNING),
    )
    assert effective_deadline(spec, CAL) == date(2024, 5, 27)


def test_relative_uses_the_configured_calendar() -> None:
    cal = WorkingCalendar(extra_days_off=frozenset({date(2024, 5, 21)}))
    spec = _relative(2, RelativeUnit.WORKING_DAYS)
    assert effective_deadline(spec, CAL, anchor=date(2024, 5, 20)) == date(2024, 5, 22)
    assert effective_deadline(spec, cal, anchor=date(2024, 5, 20)) == date(2024, 5, 23)
