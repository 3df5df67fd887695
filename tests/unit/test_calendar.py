"""Working days as Vietnamese agencies live them, 2024–2026.

The expected days come from the Government's announcements, not from the
`holidays` package, so a package upgrade that drops a day fails here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.calendar import (
    ANNOUNCED_DAYS_OFF_MISSING_FROM_HOLIDAYS,
    ANNOUNCED_WORKING_DAYS_MISSING_FROM_HOLIDAYS,
    WorkingCalendar,
    calendar_from_settings,
)

CAL = WorkingCalendar()


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _weekdays_off(start: date, end: date) -> list[date]:
    """Monday–Friday days in [start, end] that are not worked."""
    return [d for d in _days(start, end) if d.weekday() < 5 and not CAL.is_working_day(d)]


# --- Tết Nguyên đán -------------------------------------------------------


def test_tet_2024_is_thursday_8_to_wednesday_14_february() -> None:
    # Thông báo 5486/TB-LĐTBXH: off 8/2/2024 (29 Tết) to 14/2/2024 (mùng 5).
    assert _weekdays_off(date(2024, 2, 1), date(2024, 2, 29)) == _days(
        date(2024, 2, 8), date(2024, 2, 9)
    ) + _days(date(2024, 2, 12), date(2024, 2, 14))
    assert CAL.is_working_day(date(2024, 2, 7))
    assert CAL.is_working_day(date(2024, 2, 15))


def test_tet_2025_is_saturday_25_january_to_sunday_2_february() -> None:
    # Thông báo 6150/TB-BLĐTBXH: off 25/1/2025 to 2/2/2025, nine days in a row.
    block = _days(date(2025, 1, 25), date(2025, 2, 2))
    assert not any(CAL.is_working_day(d) for d in block)
    assert CAL.is_working_day(date(2025, 1, 24))
    assert CAL.is_working_day(date(2025, 2, 3))
    assert _weekdays_off(date(2025, 1, 20), date(2025, 2, 10)) == _days(
        date(2025, 1, 27), date(2025, 1, 31)
    )


def test_tet_2026_is_monday_16_to_friday_20_february() -> None:
    assert _weekdays_off(date(2026, 2, 9), date(2026, 2, 27)) == _days(
        date(2026, 2, 16), date(2026, 2, 20)
    )


def test_tet_on_a_saturday_is_named_but_a_weekend_anyway() -> None:
    # 10/2/2024 is Tết (mùng 1) and a Saturday: in the package's set, never worked.
    assert CAL.holiday_name(date(2024, 2, 10)) == "Tết Nguyên Đán"
    assert not CAL.is_working_day(date(2024, 2, 10))


# --- 30/4 – 1/5 -----------------------------------------------------------


def test_reunification_2024_swaps_monday_29_april_for_saturday_4_may() -> None:
    # Công văn 2450/VPCP-KGVX: off 27/4–1/5/2024, Saturday 4/5/2024 worked.
    assert not any(CAL.is_working_day(d) for d in _days(date(2024, 4, 27), date(2024, 5, 1)))
    assert CAL.is_working_day(date(2024, 5, 4))
    assert not CAL.is_working_day(date(2024, 4, 27))  # an ordinary Saturday stays off
    assert CAL.holiday_name(date(2024, 4, 30)) == "Ngày Chiến thắng"


def test_reunification_2025_swaps_friday_2_may_for_saturday_26_april() -> None:
    assert not any(CAL.is_working_day(d) for d in _days(date(2025, 4, 30), date(2025, 5, 4)))
    assert CAL.is_working_day(date(2025, 4, 26))
    assert CAL.is_working_day(date(2025, 4, 29))


def test_reunification_2026_is_thursday_and_friday() -> None:
    assert _weekdays_off(date(2026, 4, 28), date(2026, 5, 8)) == [
        date(2026, 4, 30),
        date(2026, 5, 1),
    ]


# --- Quốc khánh 2/9 and the adjacent day -----------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, [date(2024, 9, 2), date(2024, 9, 3)]),  # Monday + Tuesday
        (2025, [date(2025, 9, 1), date(2025, 9, 2)]),  # Monday + Tuesday
        # Tuesday 1/9 + Wednesday 2/9, and Monday 31/8 swapped for Saturday 22/8.
        (2026, [date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)]),
    ],
)
def test_national_day_and_adjacent_day(year: int, expected: list[date]) -> None:
    assert _weekdays_off(date(year, 8, 24), date(year, 9, 10)) == expected


def test_national_day_2026_make_up_saturday_is_worked() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))


# --- Giỗ Tổ Hùng Vương (10/3 lunar) ---------------------------------------


@pytest.mark.parametrize("day", [date(2024, 4, 18), date(2025, 4, 7), date(2026, 4, 26)])
def test_hung_kings_day_is_off(day: date) -> None:
    assert not CAL.is_working_day(day)
    assert CAL.holiday_name(day) == "Ngày Giỗ Tổ Hùng Vương"


def test_hung_kings_day_2026_on_a_sunday_gives_monday_off() -> None:
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert CAL.is_working_day(date(2026, 4, 28))


# --- New Year 2026: the swap the package lacks -------------------------------


def test_new_year_2026_swap_from_12729_vpcp_kgvx() -> None:
    assert not CAL.is_working_day(date(2026, 1, 1))
    assert not CAL.is_working_day(date(2026, 1, 2))
    assert CAL.is_working_day(date(2026, 1, 10))
    assert CAL.is_working_day(date(2026, 1, 5))
    assert date(2026, 1, 2) in ANNOUNCED_DAYS_OFF_MISSING_FROM_HOLIDAYS
    assert date(2026, 1, 10) in ANNOUNCED_WORKING_DAYS_MISSING_FROM_HOLIDAYS


def test_ordinary_days() -> None:
    assert CAL.is_working_day(date(2024, 5, 20))  # a Monday
    assert not CAL.is_working_day(date(2024, 5, 19))  # a Sunday
    assert not CAL.is_working_day(date(2024, 5, 18))  # a Saturday
    assert CAL.holiday_name(date(2024, 5, 20)) is None
    assert CAL.holiday_name(date(2024, 5, 4)) is None  # worked Saturday


# --- stepping ----------------------------------------------------------------


def test_a_sunday_deadline_falls_back_to_friday() -> None:
    assert CAL.on_or_before(date(2024, 5, 19)) == date(2024, 5, 17)
    assert CAL.on_or_before(date(2024, 5, 17)) == date(2024, 5, 17)
    assert CAL.on_or_after(date(2024, 5, 19)) == date(2024, 5, 20)


def test_next_and_previous_are_strict() -> None:
    assert CAL.next_working_day(date(2024, 5, 17)) == date(2024, 5, 20)
    assert CAL.previous_working_day(date(2024, 5, 20)) == date(2024, 5, 17)
    assert CAL.next_working_day(date(2024, 5, 20)) == date(2024, 5, 21)
    # Around 30/4/2024: Friday 26/4 -> Thursday 2/5, and the worked Saturday after it.
    assert CAL.next_working_day(date(2024, 4, 26)) == date(2024, 5, 2)
    assert CAL.next_working_day(date(2024, 5, 3)) == date(2024, 5, 4)


def test_add_working_days_across_tet_2025() -> None:
    # Friday 24/1/2025 + 1 working day is Monday 3/2/2025 (nine days off between).
    assert CAL.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert CAL.add_working_days(date(2025, 1, 22), 5) == date(2025, 2, 5)
    assert CAL.add_working_days(date(2025, 2, 5), -5) == date(2025, 1, 22)
    assert CAL.add_working_days(date(2025, 1, 29), 0) == date(2025, 1, 29)


def test_add_working_days_from_a_day_off_does_not_count_it() -> None:
    # Signed on Saturday 18/5/2024: the 1st working day after is Monday 20/5.
    assert CAL.add_working_days(date(2024, 5, 18), 1) == date(2024, 5, 20)
    assert CAL.add_working_days(date(2024, 5, 18), -1) == date(2024, 5, 17)


def test_working_days_between() -> None:
    assert CAL.working_days_between(date(2024, 5, 20), date(2024, 5, 23)) == 3
    assert CAL.working_days_between(date(2024, 5, 23), date(2024, 5, 20)) == -3
    assert CAL.working_days_between(date(2024, 5, 20), date(2024, 5, 20)) == 0
    # (Fri 26/4, Sat 4/5] 2024: Thu 2/5, Fri 3/5, worked Sat 4/5.
    assert CAL.working_days_between(date(2024, 4, 26), date(2024, 5, 4)) == 3
    # Tết 2025 week counts nothing.
    assert CAL.working_days_between(date(2025, 1, 24), date(2025, 2, 2)) == 0


def test_working_days_between_matches_a_day_by_day_walk_over_three_years() -> None:
    cal = WorkingCalendar(
        extra_days_off=frozenset({date(2025, 6, 10), date(2025, 6, 14)}),
        extra_working_days=frozenset({date(2025, 6, 15), date(2025, 1, 29)}),
    )
    start = date(2023, 12, 20)
    days = _days(start, date(2027, 1, 10))
    running = 0
    for day in days[1:]:
        running += cal.is_working_day(day)
        assert cal.working_days_between(start, day) == running, day
    assert cal.working_days_between(date(2024, 1, 1), date(2024, 12, 31)) == sum(
        cal.is_working_day(d) for d in _days(date(2024, 1, 2), date(2024, 12, 31))
    )


def test_working_days_between_is_the_inverse_of_add_working_days() -> None:
    start = date(2024, 12, 27)
    for n in range(-300, 301, 7):
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


# --- configuration ------------------------------------------------------------


def test_configured_extra_day_off_and_extra_working_day() -> None:
    cal = calendar_from_settings(
        extra_days_off=[date(2024, 5, 21)], extra_working_days=[date(2024, 5, 25)]
    )
    assert not cal.is_working_day(date(2024, 5, 21))
    assert cal.is_working_day(date(2024, 5, 25))  # a Saturday, worked by configuration
    assert cal.next_working_day(date(2024, 5, 20)) == date(2024, 5, 22)
    assert cal.working_days_between(date(2024, 5, 20), date(2024, 5, 27)) == 5
    assert CAL.working_days_between(date(2024, 5, 20), date(2024, 5, 27)) == 5
    assert cal.holiday_name(date(2024, 5, 21)) is None


def test_configuration_can_turn_a_holiday_into_a_working_day() -> None:
    cal = WorkingCalendar(extra_working_days=frozenset({date(2026, 11, 24)}))
    assert cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday_name(date(2026, 11, 24)) is None
    assert not CAL.is_working_day(date(2026, 11, 24))


def test_a_day_both_off_and_working_is_rejected() -> None:
    with pytest.raises(ValueError, match="2024-05-21"):
        WorkingCalendar(
            extra_days_off=frozenset({date(2024, 5, 21)}),
            extra_working_days=frozenset({date(2024, 5, 21)}),
        )


def test_calendar_is_hashable_and_compares_by_value() -> None:
    a = calendar_from_settings([date(2024, 5, 21)], [])
    b = WorkingCalendar(extra_days_off=frozenset({date(2024, 5, 21)}))
    assert a == b
    assert hash(a) == hash(b)
