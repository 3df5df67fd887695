"""Turn pasted, converted or PDF-extracted text into clean lines and paragraphs.

Directives reach us as Markdown (bold, italics, escaped characters, tables),
as PDF text (header columns interleaved, sentences broken over lines with
blank lines between), in NFC or NFD and with old or new tone placement.
Everything downstream works on one canonical form, so each trap is handled
once, here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.text import modern_tone_placement

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|&~<>])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_STAR_BULLET = re.compile(r"^(\s*)[*•·●▪]\s+")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w\\])_{1,2}|_{1,2}(?![\w])")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
_DASHES = re.compile("[\u2012\u2013\u2014\u2212]")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")

# A paragraph starts at a list marker: "1.", "1.2.", "a)", "(1)", "-", "+", "I.".
LIST_MARKER = re.compile(
    r"^(?:(?:[IVX]{1,4})\.\s|\d{1,2}(?:\.\d{1,2}){0,2}\.\s|\d{1,2}\)\s|[a-zđ]\)\s|"
    r"\(\d{1,2}\)\s|\([a-zđ]\)\s|[-+]\s?(?=\S)|Điều\s+\d{1,2}\.)"
)
# ... or at a line the header and footer are made of.
_KEYWORD_LINE = re.compile(
    r"^(?:Kính\s+gửi|Nơi\s+nhận|V/v|Về\s+việc|Số\s*:|CỘNG\s+HÒA|Độc\s+lập)", re.IGNORECASE
)
_TERMINAL = (".", ";", ":", "!", "?")


def clean_text(text: str) -> str:
    """Canonical characters and no Markdown, line structure kept."""
    text = modern_tone_placement(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _INVISIBLE.sub("", _DASHES.sub("-", text))
    text = text.replace("\t", "   ").replace("&nbsp;", " ")
    lines: list[str] = []
    for line in text.split("\n"):
        for cell in _table_cells(line):
            for part in _HTML_BREAK.split(cell):
                lines.extend(_clean_line(part))
    return "\n".join(lines)


def _table_cells(line: str) -> list[str]:
    """A Markdown table row becomes its cells, left to right; a rule row disappears."""
    if not line.lstrip().startswith("|"):
        return [line]
    if _TABLE_RULE.match(line):
        return []
    return [cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip()]


def _clean_line(line: str) -> list[str]:
    """One source line without Markdown emphasis, headings and escapes."""
    line = _HEADING.sub("", line)
    line = _STAR_BULLET.sub(r"\1- ", line)
    line = line.replace("**", "").replace("*", "")
    line = _EMPHASIS_UNDERSCORE.sub("", line)
    line = _ESCAPED.sub(r"\1", line)
    return [line.rstrip()]


def is_heading(line: str) -> bool:
    """An all-capitals line ("KẾ HOẠCH", "CHỦ TỊCH"): it never continues a sentence."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def join_paragraphs(lines: list[str]) -> list[str]:
    """Rebuild paragraphs from physical lines.

    A line continues the paragraph before it unless that paragraph ended a
    sentence (. ; : ! ?), the line starts a list item or a header/footer
    keyword, or the paragraph so far is an all-capitals heading. Blank lines
    alone do not end a paragraph: PDF extraction puts them inside sentences
    (seed 004), while Markdown paragraphs end with punctuation anyway.
    """
    paragraphs: list[str] = []
    current = ""
    for raw in lines:
        line = raw.strip()
        if not line or _PAGE_NUMBER.match(line):
            continue
        if current and _continues(current, line):
            current = f"{current} {line}"
            continue
        if current:
            paragraphs.append(current)
        current = line
    if current:
        paragraphs.append(current)
    return [re.sub(r"\s{2,}", " ", paragraph) for paragraph in paragraphs]


def _continues(current: str, line: str) -> bool:
    if current.endswith(_TERMINAL) or is_heading(current):
        return False
    return not (LIST_MARKER.match(line) or _KEYWORD_LINE.match(line))


_KINH_GUI = re.compile(r"^\s*Kính\s+gửi\b", re.IGNORECASE)
_NOI_NHAN = re.compile(r"^\s*Nơi\s+nhận\b", re.IGNORECASE)
_END_MARK = re.compile(r"\./\.")
_BODY_OPENER = re.compile(
    r"^\s*(?:Căn\s+cứ|Thực\s+hiện|Theo\s|Sau\s+khi|Qua\s|Ngày\s+\d|Để\s|Trên\s+cơ\s+sở|"
    r"Nhằm\s|Hiện\s+nay|Triển\s+khai|Tiếp\s+theo|\d{1,2}\.\s)"
)


@dataclass(frozen=True, slots=True)
class Zones:
    """The three parts of a directive, as physical lines.

    `header` runs to "Kính gửi" (or the first body line), `body` from
    there to "Nơi nhận" (recipients included), `footer` is the rest
    (distribution list, signer).
    """

    header: list[str]
    body: list[str]
    footer: list[str]


def split_zones(text: str) -> Zones:
    lines = text.split("\n")
    header_end = _header_end(lines)
    footer_start = _footer_start(lines, header_end)
    return Zones(lines[:header_end], lines[header_end:footer_start], lines[footer_start:])


def _header_end(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _KINH_GUI.match(line):
            return index
    seen_subject_or_date = False
    for index, line in enumerate(lines):
        if seen_subject_or_date and _BODY_OPENER.match(line):
            return index
        if re.search(r"V/v|Về\s+việc|ngày\s.{0,20}tháng", line, re.IGNORECASE):
            seen_subject_or_date = True
    return 0


def _footer_start(lines: list[str], header_end: int) -> int:
    for index in range(len(lines) - 1, header_end - 1, -1):
        if _NOI_NHAN.match(lines[index]):
            return index
    for index in range(len(lines) - 1, header_end - 1, -1):
        if _END_MARK.search(lines[index]):
            return index + 1
    return _trailing_short_lines(lines, header_end)


def _trailing_short_lines(lines: list[str], header_end: int) -> int:
    """Without "Nơi nhận" or "./.", the signature is the run of short lines at the end."""
    index = len(lines)
    while index > header_end:
        line = lines[index - 1].strip()
        if line and (len(line) > 60 or line.endswith((".", ";", ":"))):
            break
        index -= 1
    return index
