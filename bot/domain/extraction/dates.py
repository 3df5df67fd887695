"""Dates as Vietnamese directives write them.

"ngày 06 tháng 5 năm 2024", "06/5/2024", "7-9-2015", "06.5.2024", and the
same without a year ("hạn 25/7"), which takes the directive's year.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

# Digits are fenced so "2020 - 2025" or "86.17%" never read as a date.
DATE_PATTERN = (
    r"(?<!\d)\d{1,2}\s?/\s?\d{1,2}(?:\s?/\s?\d{4})?(?![\d/])"
    r"|(?<!\d)\d{1,2}[.\-]\d{1,2}(?:[.\-]\d{4})?(?![\d.\-%,]\d|\d|%)"
    r"|(?<!\d)\d{1,2}\s+tháng\s+\d{1,2}(?:\s*(?:năm|,\s*năm|/)\s*\d{4})?(?!\d)"
)
DATE_RE = re.compile(DATE_PATTERN, re.IGNORECASE)
_PARTS = re.compile(r"\d+")


def parse_date(text: str, default_year: int | None = None) -> date | None:
    """The date in `text` (a DATE_PATTERN match); None when it is not a real date."""
    numbers = [int(part) for part in _PARTS.findall(text)]
    if len(numbers) < 2:
        return None
    day, month = numbers[0], numbers[1]
    year = numbers[2] if len(numbers) > 2 else default_year
    if year is None:
        return None
    return make_date(year, month, day)


def has_year(text: str) -> bool:
    return len(_PARTS.findall(text)) > 2


def make_date(year: int, month: int, day: int) -> date | None:
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def quarter_end(year: int, quarter: int) -> date:
    return month_end(year, quarter * 3)
