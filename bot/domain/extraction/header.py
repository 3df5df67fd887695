"""The header block: number and symbol, issuer, place and date, subject.

Works on physical lines (not joined paragraphs) because the header is two
columns that PDF extraction interleaves: each recognised element is cut out
of its line and what remains is read as issuer or subject text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.domain.extraction.agencies import ORG_HEADS, title_case_agency, title_case_place
from bot.domain.extraction.dates import make_date
from bot.domain.extraction.normalize import is_heading

SYMBOL = r"[A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-ZĐ0-9&][A-Za-zĐđ0-9&]*(?:\.[A-Za-zĐđ0-9]+)*)*"
_NUMBER_LINE = re.compile(
    rf"Số\s*:\s*(?P<digits>\d{{1,6}})?\s*(?P<year>/\s*\d{{4}}\s*)?/\s*(?P<symbol>{SYMBOL})",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"(?:(?P<place>[^\W\d](?:[^\n,:\s]|\s(?!\s\s)){0,40}?)\s*,\s*)?ngày\s*(?P<day>\d{1,2})?\s*tháng\s*"
    r"(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})",
    re.IGNORECASE,
)
_MOTTO = re.compile(
    r"CỘNG\s*HÒA\s*XÃ\s*HỘI\s*CHỦ\s*NGHĨA\s*VIỆT\s*NAM|Độc\s*lập\s*-\s*Tự\s*do\s*-\s*Hạnh\s*phúc",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[\s\-_=.*]*$")
_DOC_TYPE = re.compile(
    r"^\s*(?:KẾ\s+HOẠCH|QUYẾT\s+ĐỊNH|THÔNG\s+BÁO|CHỈ\s+THỊ|CÔNG\s+ĐIỆN|HƯỚNG\s+DẪN|"
    r"BÁO\s+CÁO|TỜ\s+TRÌNH)\s*$"
)
_SUBJECT_START = re.compile(r"^\s*(?:V/v|Về\s+việc)\s*:?\s*", re.IGNORECASE)
_UNIT = r"TỈNH|THÀNH\s+PHỐ|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN|ĐẶC\s+KHU"
_COMMITTEE = re.compile(rf"^(?:UBND|ỦY\s+BAN\s+NHÂN\s+DÂN)\s+(?P<unit>{_UNIT})\s+(?P<rest>.+)$")
_HEAD_WORD = re.compile("|".join(rf"(?<!\S){re.escape(head)}(?!\S)" for head in ORG_HEADS))


@dataclass(frozen=True, slots=True)
class Header:
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    place: str | None = None
    date: date | None = None
    year: int | None = None
    month: int | None = None
    day_blank: bool = False
    subject: str | None = None


def parse_header(lines: list[str]) -> Header:
    number, symbol = _number(lines)
    place, when, year, month, day_blank = _place_and_date(lines)
    return Header(
        number=number,
        symbol=symbol,
        issuer=_issuer(lines),
        place=place,
        date=when,
        year=year,
        month=month,
        day_blank=day_blank,
        subject=_subject(lines),
    )


def _number(lines: list[str]) -> tuple[str | None, str | None]:
    for line in lines:
        match = _NUMBER_LINE.search(line)
        if match:
            symbol = match.group("symbol")
            if not match.group("digits"):
                return None, symbol
            year = re.sub(r"\s", "", match.group("year") or "")
            return f"{match.group('digits')}{year}/{symbol}", symbol
    return None, None


def _place_and_date(
    lines: list[str],
) -> tuple[str | None, date | None, int | None, int | None, bool]:
    for line in lines:
        match = _DATE_LINE.search(_NUMBER_LINE.sub("", line))
        if not match:
            continue
        year = int(match.group("year"))
        month = int(match.group("month")) if match.group("month") else None
        day = int(match.group("day")) if match.group("day") else None
        when = make_date(year, month, day) if month and day else None
        place = _clean_place(match.group("place"))
        return place, when, year, month, day is None
    return None, None, None, None, False


def _clean_place(raw: str | None) -> str | None:
    if not raw:
        return None
    place = _MOTTO.sub("", raw).strip(" -")
    city = re.search(r"(?:Thành\s+phố|Thị\s+xã|Thị\s+trấn|TP\.)\s+[A-ZĐÀ-Ỹ].*$", place)
    if city:
        return re.sub(r"\s+", " ", city.group(0))
    words = place.split()
    # PDF lines can put other header text before the place: keep its capitalised tail.
    tail: list[str] = []
    for word in reversed(words):
        if not word[:1].isupper():
            break
        tail.insert(0, word)
    return " ".join(tail[-5:]) or None


def _residual(line: str) -> str:
    """A header line without the motto, the number and the date."""
    line = _MOTTO.sub(" ", line)
    line = _NUMBER_LINE.sub(" ", line)
    line = _DATE_LINE.sub(" ", line)
    line = re.sub(r"\s+", " ", line).strip()
    return "" if _RULE.match(line) else line


def _issuer(lines: list[str]) -> str | None:
    """The organisation block: upper-case lines before "Số:" and the subject."""
    parts: list[str] = []
    for line in lines:
        if _NUMBER_LINE.search(line) or _SUBJECT_START.match(line):
            break
        text = _residual(line)
        if text and _is_upper(text) and text not in parts:
            parts.append(text)
    if not parts:
        return None
    return expand_issuer(" ".join(parts))


def expand_issuer(upper: str) -> str:
    """ "UBND TỈNH HÀ TĨNH SỞ NỘI VỤ" -> "Sở Nội vụ tỉnh Hà Tĩnh"."""
    upper = re.sub(r"\s+", " ", upper).strip()
    match = _COMMITTEE.match(upper)
    if not match:
        return title_case_agency(upper)
    unit = re.sub(r"\s+", " ", match.group("unit")).lower()
    name, dept = _split_department(match.group("rest"))
    place_name = title_case_place(name)
    if unit == "thành phố" and place_name == "Hồ Chí Minh":
        unit = "Thành phố"
    place = f"{unit} {place_name}"
    if dept is None:
        return f"Ủy ban nhân dân {place}"
    if dept == "VĂN PHÒNG":
        return f"Văn phòng Ủy ban nhân dân {place}"
    agency = title_case_agency(dept)
    if agency.endswith(f" {unit}"):  # "CÔNG AN TỈNH" under "UBND TỈNH NGHỆ AN"
        return f"{agency} {place_name}"
    return f"{agency} {place}"


def _split_department(rest: str) -> tuple[str, str | None]:
    """ "HẢI PHÒNG SỞ NỘI VỤ" -> ("HẢI PHÒNG", "SỞ NỘI VỤ"): the last head that names something."""
    for match in reversed(list(_HEAD_WORD.finditer(rest))):
        name, dept = rest[: match.start()].strip(), rest[match.start() :].strip()
        if not name:
            continue
        if name.endswith(("VĂN", "CHI", "ỦY", "QUẢN LÝ")):
            continue  # "VĂN PHÒNG", "CHI CỤC": the head started one word earlier
        if dept == "VĂN PHÒNG" or " " in dept:
            return name, dept
    return rest, None


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _subject(lines: list[str]) -> str | None:
    """ "V/v ..." and its continuation lines, skipping interleaved header pieces."""
    for index, line in enumerate(lines):
        match = _SUBJECT_START.match(line)
        if match:
            first = _residual(line[match.end() :])
            pieces = [first] if first else []
            pieces.extend(_subject_continuation(lines[index + 1 :]))
            subject = re.sub(r"\s+", " ", " ".join(pieces)).strip(" .;")
            return subject or None
    return _titled_subject(lines)


def _titled_subject(lines: list[str]) -> str | None:
    """A plan or notice: "KẾ HOẠCH" and, on the next lines, what it is about."""
    for index, line in enumerate(lines):
        if _DOC_TYPE.match(line):
            pieces: list[str] = []
            for following in lines[index + 1 :]:
                text = following.strip()
                if not text or is_heading(text):
                    if pieces:
                        break
                    continue
                pieces.append(text)
            return " ".join(pieces).strip(" .;") or None
    return None


def _subject_continuation(lines: list[str]) -> list[str]:
    pieces: list[str] = []
    for line in lines:
        if _DATE_LINE.search(line) or _NUMBER_LINE.search(line):
            residual = _residual(line)
            if residual and not _is_upper(residual):
                pieces.append(residual)
            if _DATE_LINE.search(line):
                break
            continue
        text = _residual(line)
        if text and is_heading(text) and " " in text:
            break  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "QUYẾT ĐỊNH:": the subject is over
        if text:
            pieces.append(text)
    return pieces
