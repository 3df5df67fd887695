"""Documents the directive cites: number, date and issuer.

"Quyết định số: 273/QĐ-BNV, 272/QĐ-BNV ngày 10/4/2024 của Bộ Nội vụ" cites
two documents sharing a date and an issuer. A document cited twice is kept
once, in order of first citation, with whatever date or issuer either
citation gives (seed 003 names the issuer of 84/BC-SNV only the second time).
"""

from __future__ import annotations

import re

from bot.domain.extraction.agencies import starts_with_party, strip_title
from bot.domain.extraction.dates import DATE_PATTERN, parse_date
from bot.domain.extraction.model import Reference

DOC_NUMBER = (
    r"\d{1,6}(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9&]*"
    r"(?:-[A-ZĐ0-9&][A-Za-zĐđ0-9&]*(?:\.[A-Za-zĐđ0-9]+)*)+"
)
_CITATION = re.compile(
    rf"(?P<numbers>{DOC_NUMBER}(?:\s*(?:,|và)\s*{DOC_NUMBER}){{0,5}})"
    rf"(?:\s*,?\s*ngày\s+(?P<date>{DATE_PATTERN}))?"
    r"(?:\s*(?:\([^)]{0,80}\))?\s*của\s+(?P<issuer>[^.;:()\n]{1,120}))?"
)
_ONE_NUMBER = re.compile(DOC_NUMBER)
_ISSUER_BEFORE = re.compile(
    r"của\s+(?P<issuer>[^.;:()]{2,90}?)\s+tại\s+[^.;:()\d]{0,30}?(?:số\s*:?\s*)?$", re.IGNORECASE
)
_ISSUER_END = re.compile(
    r"\s+(?:về|tại|theo|thì|để|nhằm|đã|đối\s+với|gửi|kèm|trong|ban\s+hành|quy\s+định|"
    r"hướng\s+dẫn|triển\s+khai|thực\s+hiện|phê\s+duyệt|công\s+bố|giao|chỉ\s+đạo|yêu\s+cầu|và\s+(?:các|những)|như\s+sau|trên)\b|,|\s+-\s+"
)


def find_references(paragraphs: list[str], default_year: int | None) -> list[Reference]:
    found: dict[str, Reference] = {}
    for paragraph in paragraphs:
        for match in _CITATION.finditer(paragraph):
            when = parse_date(match.group("date"), default_year) if match.group("date") else None
            issuer = _issuer(match.group("issuer")) or _issuer_before(paragraph[: match.start()])
            for number in _ONE_NUMBER.findall(match.group("numbers")):
                _merge(found, Reference(number=number, date=when, issuer=issuer))
    return list(found.values())


def _merge(found: dict[str, Reference], ref: Reference) -> None:
    old = found.get(ref.number)
    if old is None:
        found[ref.number] = ref
        return
    found[ref.number] = Reference(
        number=ref.number, date=old.date or ref.date, issuer=old.issuer or ref.issuer
    )


def _issuer_before(text: str) -> str | None:
    """ "đề nghị của Giám đốc Sở Nội vụ tại Báo cáo số ...": the agency behind the citation."""
    match = _ISSUER_BEFORE.search(text[-200:])
    if not match:
        return None
    issuer = _issuer(match.group("issuer"))
    return strip_title(issuer) if issuer else None


def _issuer(raw: str | None) -> str | None:
    if not raw:
        return None
    issuer = _ISSUER_END.split(raw, maxsplit=1)[0].strip()
    if not starts_with_party(issuer) or len(issuer.split()) > 12:
        return None
    return issuer
