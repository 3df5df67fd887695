"""Vietnamese working days: the unit every deadline and reminder counts in.

A directive's "05 ngày làm việc", the reminder policy's "3 working days
before" and "overdue for 3 working days" all count working days of the
public administration: Monday to Friday, minus public holidays and the days
off the Government swaps in, plus the Saturdays worked in exchange
(ngày làm bù). The `holidays` package knows the lunar holidays and most
announced swaps; the Government announces new swaps every year, so the
calendar also takes configured extra days off and extra working days, and
carries the announced swaps the package does not know yet
(`ANNOUNCED_DAYS_OFF_MISSING_FROM_HOLIDAYS`).

The sweep and `/status` call this many times per task, so holiday data is
computed once per year and kept in frozensets; counting working days between
two dates is arithmetic plus a bisect, not a day-by-day walk.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5

# Swaps the Government announced that `holidays` 0.109 does not contain.
# 2026 New Year: Công văn 12729/VPCP-KGVX of 25/12/2025 (Deputy Prime Minister
# Phạm Thị Thanh Trà agreeing to the Ministry of Home Affairs' proposal):
# civil servants are off Thursday 1/1 to Sunday 4/1/2026; the working Friday
# 2/1/2026 is swapped with Saturday 10/1/2026, which is worked.
ANNOUNCED_DAYS_OFF_MISSING_FROM_HOLIDAYS: Mapping[date, str] = MappingProxyType(
    {date(2026, 1, 2): "Ngày nghỉ (thay cho ngày 10/01/2026)"}
)
ANNOUNCED_WORKING_DAYS_MISSING_FROM_HOLIDAYS: frozenset[date] = frozenset({date(2026, 1, 10)})
# Kept as the package has it, but not yet law when this was written: the
# package makes 24/11 (Ngày Văn hóa Việt Nam, Resolution 80-NQ/TW) a day off
# from 2026, while Resolution 30/NQ-CP (02/2026) only tasks the Government with
# amending Article 112 of the Labour Code to that effect. If the amendment is
# not in force by November 2026, configure 2026-11-24 as an extra working day.


@dataclass(frozen=True, slots=True)
class _YearDays:
    """One year's deviations from a plain Monday–Friday week.

    Sorted tuples serve counting (bisect), frozensets serve membership.
    """

    weekdays_off: tuple[date, ...]  # Monday–Friday days that are not worked
    weekends_worked: tuple[date, ...]  # make-up Saturdays/Sundays
    weekdays_off_set: frozenset[date]
    weekends_worked_set: frozenset[date]
    names: Mapping[date, str]  # every named holiday, weekends included


@lru_cache(maxsize=256)
def _year_days(year: int) -> _YearDays:
    """Holiday data for one year, computed once.

    The package is asked for the neighbouring years too because a swap can
    cross New Year (e.g. 31/12/2018 off, 5/1/2019 worked), and its
    `weekend_workdays` set is not limited to the requested years.
    """
    vn = holidays.country_holidays("VN", years=(year - 1, year, year + 1), language="vi")
    names = {day: name for day, name in vn.items() if day.year == year}
    names.update(
        {d: n for d, n in ANNOUNCED_DAYS_OFF_MISSING_FROM_HOLIDAYS.items() if d.year == year}
    )
    worked = set(vn.weekend_workdays) | ANNOUNCED_WORKING_DAYS_MISSING_FROM_HOLIDAYS
    weekdays_off = tuple(sorted(d for d in names if d.weekday() < _SATURDAY))
    weekends_worked = tuple(sorted(d for d in worked if d.year == year))
    return _YearDays(
        weekdays_off=weekdays_off,
        weekends_worked=weekends_worked,
        weekdays_off_set=frozenset(weekdays_off),
        weekends_worked_set=frozenset(weekends_worked),
        names=MappingProxyType(names),
    )


def _is_base_working_day(day: date) -> bool:
    """Working day by law and announced swaps, before configured overrides."""
    year_days = _year_days(day.year)
    if day.weekday() >= _SATURDAY:
        return day in year_days.weekends_worked_set
    return day not in year_days.weekdays_off_set


def _weekdays_up_to(ordinal: int) -> int:
    """Monday–Friday days among ordinals 1..ordinal (ordinal 1 is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _count_in(days: tuple[date, ...], start: date, end: date) -> int:
    """How many of the sorted `days` fall in (start, end]."""
    return bisect.bisect_right(days, end) - bisect.bisect_right(days, start)


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days of Vietnamese public agencies, with configured overrides.

    `extra_days_off` and `extra_working_days` come from settings (a swap the
    Government announced after this release, a provincial day off); a day
    may not be in both.
    """

    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept any iterable of dates from callers but keep the instance hashable.
        object.__setattr__(self, "extra_days_off", frozenset(self.extra_days_off))
        object.__setattr__(self, "extra_working_days", frozenset(self.extra_working_days))
        both = self.extra_days_off & self.extra_working_days
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"days both off and working in the configuration: {listed}")

    def is_working_day(self, day: date) -> bool:
        """Whether agencies work on `day` (weekends count only when swapped in)."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return _is_base_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n < 0); `start` when n == 0.

        `start` itself never counts, whether or not it is a working day:
        "05 ngày làm việc kể từ ngày ký" starts counting the day after signing.
        """
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        day = start
        for _ in range(abs(n)):
            day += step
            while not self.is_working_day(day):
                day += step
        return day

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        return self.add_working_days(day, -1)

    def on_or_before(self, day: date) -> date:
        """`day` if it is a working day, else the working day before it.

        A reminder planned for a Sunday goes out on the Friday before, never
        after the deadline it warns about.
        """
        return day if self.is_working_day(day) else self.previous_working_day(day)

    def on_or_after(self, day: date) -> date:
        """`day` if it is a working day, else the working day after it."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative (minus the count in (end, start]) if end < start.

        "Overdue by 3 working days" on Thursday for a Monday deadline is
        working_days_between(monday, thursday) == 3.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = _weekdays_up_to(end.toordinal()) - _weekdays_up_to(start.toordinal())
        for year in range(start.year, end.year + 1):
            year_days = _year_days(year)
            count -= _count_in(year_days.weekdays_off, start, end)
            count += _count_in(year_days.weekends_worked, start, end)
        count += self._override_adjustment(start, end)
        return count

    def _override_adjustment(self, start: date, end: date) -> int:
        """Correction for configured overrides that change a day in (start, end]."""
        adjustment = 0
        for day in self.extra_working_days:
            if start < day <= end and not _is_base_working_day(day):
                adjustment += 1
        for day in self.extra_days_off:
            if start < day <= end and _is_base_working_day(day):
                adjustment -= 1
        return adjustment

    def holiday_name(self, day: date) -> str | None:
        """The Vietnamese name of the public holiday or swapped day off on `day`.

        Named holidays on a weekend are named too (Tết on a Saturday). None
        for ordinary days, configured extra days off (they have no official
        name here) and days configured as working.
        """
        if day in self.extra_working_days:
            return None
        return _year_days(day.year).names.get(day)


def calendar_from_settings(
    extra_days_off: Iterable[date] = (), extra_working_days: Iterable[date] = ()
) -> WorkingCalendar:
    """Build the calendar from configured date lists (any iterable)."""
    return WorkingCalendar(frozenset(extra_days_off), frozenset(extra_working_days))
