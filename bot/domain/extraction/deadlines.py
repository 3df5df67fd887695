"""Deadline phrases -> `DeadlineSpec` and `Recurrence` (bot/domain/deadlines.py).

Only a date introduced by a deadline phrase is a deadline: "trước ngày",
"chậm nhất", "hạn", "trong tháng/quý/năm", "trong N ngày kể từ ...". Dates
of cited documents and reporting periods ("từ ngày 15/12/2023 đến ngày
15/5/2024") have no such phrase. A period that ended before the directive was
issued ("trong năm 2023" in a 2024 letter) is what is being reported on, not
a deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.domain.deadlines import (
    DeadlineKind,
    DeadlineSpec,
    Period,
    Recurrence,
    RelativeAnchor,
    RelativeSpan,
    RelativeUnit,
)
from bot.domain.extraction.dates import (
    DATE_PATTERN,
    ROMAN,
    has_year,
    month_end,
    parse_date,
    quarter_end,
)

_I = re.IGNORECASE
_HOUR = r"(?:(?P<hour>\d{1,2})\s*(?:giờ|h)\s*(?:\d{2}\s*(?:phút|')?\s*)?,?\s*)"
_DAY_WORD = r"(?:ngày\s+)?"
_BEFORE = re.compile(
    rf"(?:chậm\s+nhất\s+(?:là\s+)?)?trước\s+(?:hoặc\s+trong\s+ngày\s+(?P<or_on>{DATE_PATTERN})|"
    rf"{_HOUR}?{_DAY_WORD}(?P<date>{DATE_PATTERN}))",
    _I,
)
_NO_LATER = re.compile(
    rf"(?:chậm\s+nhất\s+(?:là\s+)?(?:vào\s+)?(?:ngày\s+)?|(?<!\w)(?:thời\s+)?hạn(?:\s+chót)?"
    rf"(?:\s+hoàn\s+thành)?(?:\s+là)?\s*:?\s*(?:ngày\s+)?|không\s+(?:muộn|chậm)\s+hơn\s+(?:ngày\s+)?|"
    rf"không\s+quá\s+ngày\s+|(?:hoàn\s+thành|xong)(?:\s+xong)?\s*:?\s*(?:trong\s+)?ngày\s+|"
    rf"thời\s+gian\s+hoàn\s+thành\s*:\s*(?:ngày\s+)?|đến\s+hết\s+ngày\s+|"
    rf"trong\s+ngày\s+){_HOUR}?{_DAY_WORD}(?P<date>{DATE_PATTERN})",
    _I,
)
_MONTH = re.compile(
    r"trong\s+tháng\s+(?P<month>\d{1,2})(?:\s*(?:/|năm)\s*(?P<year>\d{4}))?(?![\d/])", _I
)
_YEAR = re.compile(r"trong\s+năm\s+(?P<year>\d{4})", _I)
_QUARTER = re.compile(
    r"(?P<trong>trong\s+)?quý\s+(?P<q>IV|III|II|I|[1-4])(?:\s*(?:/|năm)\s*(?P<year>\d{4}))?(?!\w)",
    _I,
)
_HALF = re.compile(r"(?:trong\s+)?0?6\s+tháng\s+(?P<which>đầu|cuối)\s+năm\s+(?P<year>\d{4})", _I)
_INTRODUCER = re.compile(
    r"(?:hoàn\s+thành|xong|thời\s+gian|thời\s+hạn|hạn\s+chót|kết\s+thúc)[^.;]{0,25}$", _I
)
_RELATIVE = re.compile(
    r"(?:trong\s+(?:vòng\s+|thời\s+hạn\s+)?|không\s+quá\s+|chậm\s+nhất\s+(?:là\s+)?(?:sau\s+)?)"
    r"(?P<n>\d{1,3})(?:\s*\([^)]{1,25}\))?\s+(?P<unit>ngày\s+làm\s+việc|ngày|tháng)\s*,?\s*"
    r"(?:kể\s+từ|tính\s+từ|sau|từ)\s+(?:ngày\s+|khi\s+)?(?:(?P<anchor>ký(?:\s+ban\s+hành)?|"
    r"ban\s+hành|nhận\s+được|có\s+hiệu\s+lực)"
    r"(?:\s+(?:văn\s+bản|công\s+văn|kế\s+hoạch|quyết\s+định|thông\s+báo)\s+này)?(?![\w])"
    r"|(?P<other>[^\s.;,()]+(?:\s+[^\s.;,()]+){0,5}))",
    _I,
)
_RECUR_DAY_MONTHLY = re.compile(
    r"(?P<kw>trước|chậm\s+nhất(?:\s+(?:là|vào))?)\s+ngày\s+(?P<day>\d{1,2})\s+"
    r"(?:của\s+)?(?:hằng|hàng|mỗi)\s+tháng",
    _I,
)
_RECUR_DAY_IN_PERIOD = re.compile(
    r"(?P<kw>trước|chậm\s+nhất(?:\s+(?:là|vào))?)\s+ngày\s+(?P<day>\d{1,2})\s+(?:của\s+)?"
    r"tháng\s+(?P<pos>cuối|đầu)\s+(?:của\s+)?(?:mỗi\s+|hằng\s+|hàng\s+)?(?P<per>quý|năm)",
    _I,
)
_RECUR_DAY_MONTH_YEARLY = re.compile(
    r"(?P<kw>trước|chậm\s+nhất(?:\s+(?:là|vào))?)\s+ngày\s+(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})"
    r"(?:\s+và\s+(?:ngày\s+)?\d{1,2}\s*/\s*(?P<month2>\d{1,2}))?\s+(?:hằng|hàng|mỗi)\s+năm",
    _I,
)
_RECUR_PLAIN = re.compile(
    r"(?:định\s+kỳ\s+)?(?:0?6|sáu)\s+tháng\s+(?:một|01|1)\s+lần"
    r"|(?:định\s+kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?P<per>tháng|quý)"
    r"|định\s+kỳ\s+(?:(?:hằng|hàng|mỗi)\s+)?(?P<per2>0?6\s+tháng|sáu\s+tháng|nửa\s+năm|năm)"
    r"|(?<=báo cáo )(?:hằng|hàng)\s+năm",
    _I,
)
_PERIODS = {"tháng": Period.MONTHLY, "quý": Period.QUARTERLY, "năm": Period.YEARLY}


@dataclass(frozen=True, slots=True)
class DocDate:
    """What a deadline phrase is read against: the directive's own date."""

    day: date | None
    year: int | None
    month: int | None

    def reference(self) -> date | None:
        """The earliest day the directive can have been issued."""
        if self.day:
            return self.day
        if self.year:
            return date(self.year, self.month or 1, 1)
        return None


@dataclass(frozen=True, slots=True)
class Timing:
    start: int
    end: int
    spec: DeadlineSpec | None = None
    recurrence: Recurrence | None = None
    note: str | None = None  # a warning code: "year_inferred", "past_period" ...


_CUES = re.compile(r"trước|chậm|hạn|trong|quý|hằng|hàng|mỗi|định\s+kỳ|không|xong|hoàn|hết", re.I)


@lru_cache(maxsize=512)
def find_timings(text: str, doc: DocDate) -> tuple[Timing, ...]:
    """Every deadline or recurrence phrase in `text`, in reading order.

    Cached: the task rules ask about the same paragraph more than once.
    """
    if not _CUES.search(text):
        return ()  # most paragraphs of a long directive: skip a dozen patterns
    timings = _recurrences(text)
    taken = [(t.start, t.end) for t in timings]
    for finder in (_relative, _dated, _periods):
        for timing in finder(text, doc):
            if not any(timing.start < end and start < timing.end for start, end in taken):
                timings.append(timing)
                taken.append((timing.start, timing.end))
    return tuple(sorted(timings, key=lambda t: t.start))


def _kind(keyword: str) -> DeadlineKind:
    return (
        DeadlineKind.BEFORE if keyword.lower().startswith("trước") else DeadlineKind.NO_LATER_THAN
    )


def _recurrences(text: str) -> list[Timing]:
    found: list[Timing] = []
    for match in _RECUR_DAY_MONTHLY.finditer(text):
        kind = _kind(match.group("kw"))
        rec = Recurrence(Period.MONTHLY, match.group(0), int(match.group("day")), True, kind)
        found.append(_recurring(match, rec))
    for match in _RECUR_DAY_IN_PERIOD.finditer(text):
        kind = _kind(match.group("kw"))
        period = _PERIODS[match.group("per").lower()]
        last = match.group("pos").lower() == "cuối"
        rec = Recurrence(period, match.group(0), int(match.group("day")), last, kind)
        found.append(_recurring(match, rec))
    for match in _RECUR_DAY_MONTH_YEARLY.finditer(text):
        found.append(_yearly_with_month(match))
    for match in _RECUR_PLAIN.finditer(text):
        if any(match.start() < t.end and t.start < match.end() for t in found):
            continue
        found.append(Timing(match.start(), match.end(), None, _plain_recurrence(match)))
    return found


def _recurring(match: re.Match[str], rec: Recurrence) -> Timing:
    spec = DeadlineSpec(kind=rec.kind, text=match.group(0))
    return Timing(match.start(), match.end(), spec, rec)


def _yearly_with_month(match: re.Match[str]) -> Timing:
    """ "trước ngày 15/12 hằng năm" (yearly) or "ngày 15/6 và 15/12 hằng năm" (half-yearly)."""
    kind = _kind(match.group("kw"))
    day, month = int(match.group("day")), int(match.group("month"))
    if match.group("month2"):
        period, last = Period.HALF_YEARLY, month in (6, 12)
    else:
        period, last = Period.YEARLY, month == 12
    note = None if last or month in (1, 7) else "recurrence_month_not_first_or_last"
    rec = Recurrence(period, match.group(0), day, last, kind)
    spec = DeadlineSpec(kind=kind, text=match.group(0))
    return Timing(match.start(), match.end(), spec, rec, note)


def _plain_recurrence(match: re.Match[str]) -> Recurrence:
    word = (match.group("per") or match.group("per2") or match.group(0)).lower()
    if "6" in word or "sáu" in word or "nửa" in word:
        period = Period.HALF_YEARLY
    elif "quý" in word:
        period = Period.QUARTERLY
    elif "tháng" in word:
        period = Period.MONTHLY
    else:
        period = Period.YEARLY
    return Recurrence(period, match.group(0))


def _relative(text: str, doc: DocDate) -> list[Timing]:
    found: list[Timing] = []
    for match in _RELATIVE.finditer(text):
        unit_text = match.group("unit").lower()
        unit = (
            RelativeUnit.WORKING_DAYS
            if "làm" in unit_text
            else RelativeUnit.MONTHS
            if unit_text == "tháng"
            else RelativeUnit.DAYS
        )
        anchor = _anchor(match.group("anchor")) if match.group("anchor") else RelativeAnchor.OTHER
        span = RelativeSpan(int(match.group("n")), unit, anchor)
        spec = DeadlineSpec(kind=DeadlineKind.RELATIVE, text=match.group(0), relative=span)
        found.append(Timing(match.start(), match.end(), spec))
    return found


def _anchor(text: str) -> RelativeAnchor:
    lowered = text.lower()
    if lowered.startswith("ký"):
        return RelativeAnchor.SIGNING
    if lowered.startswith(("ban hành", "có hiệu lực")):
        return RelativeAnchor.ISSUANCE
    if lowered.startswith("nhận"):
        return RelativeAnchor.RECEIPT
    return RelativeAnchor.OTHER


def _dated(text: str, doc: DocDate) -> list[Timing]:
    found: list[Timing] = []
    for pattern in (_BEFORE, _NO_LATER):
        for match in pattern.finditer(text):
            if _in_range(text, match.start()):
                continue
            found.append(_dated_timing(match, pattern is _BEFORE, doc))
    return found


def _in_range(text: str, start: int) -> bool:
    """ "từ ngày ... đến trước ngày ..." describes a period, not a deadline."""
    return bool(re.search(r"đến\s*$", text[max(0, start - 8) : start], _I))


def _dated_timing(match: re.Match[str], before: bool, doc: DocDate) -> Timing:
    raw = match.group("date") or match.group("or_on") if before else match.group("date")
    kind = DeadlineKind.BEFORE if before and match.group("date") else DeadlineKind.NO_LATER_THAN
    stated = parse_date(raw, doc.year)
    note = None
    if stated is None:
        note = "invalid_date" if has_year(raw) or doc.year else "year_unknown"
    elif not has_year(raw):
        note = "year_inferred"
    hour = int(match.group("hour")) if match.group("hour") else None
    if hour is not None and not 0 <= hour <= 23:
        hour = None
    spec = DeadlineSpec(kind=kind, text=match.group(0).strip(" ,"), stated=stated, hour=hour)
    return Timing(match.start(), match.end(), spec, note=note)


def _periods(text: str, doc: DocDate) -> list[Timing]:
    found: list[Timing] = []
    for match in _MONTH.finditer(text):
        year = int(match.group("year")) if match.group("year") else doc.year
        month = int(match.group("month"))
        if year and 1 <= month <= 12:
            found.append(_period(match, month_end(year, month), doc, match.group("year")))
    for match in _YEAR.finditer(text):
        found.append(_period(match, date(int(match.group("year")), 12, 31), doc, "y"))
    for match in _QUARTER.finditer(text):
        year = int(match.group("year")) if match.group("year") else doc.year
        introduced = match.group("trong") or _INTRODUCER.search(text[: match.start()])
        if year and introduced:
            end = quarter_end(year, ROMAN[match.group("q").upper()])
            found.append(_period(match, end, doc, match.group("year")))
    for match in _HALF.finditer(text):
        if _INTRODUCER.search(text[: match.start()]):
            year = int(match.group("year"))
            month = 6 if match.group("which").lower() == "đầu" else 12
            found.append(_period(match, month_end(year, month), doc, "y"))
    return [t for t in found if t.note != "past_period"]


def _period(match: re.Match[str], end: date, doc: DocDate, year_written: str | None) -> Timing:
    text = match.group(0).strip()
    spec = DeadlineSpec(kind=DeadlineKind.WITHIN_PERIOD, text=text, stated=end)
    reference = doc.reference()
    if reference is not None and end < reference:
        return Timing(match.start(), match.end(), spec, note="past_period")
    note = None if year_written else "year_inferred"
    return Timing(match.start(), match.end(), spec, note=note)
