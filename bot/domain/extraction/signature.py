"""The signature block: the signer's title (with KT./TM./TL./Q.) and name.

It sits after the distribution list ("Nơi nhận"), often in the right column
of a table or, in PDF text, on the same lines as the list: lines are split
at wide gaps and each piece is read on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GAP = re.compile(r"\s{3,}")
_SKIP = re.compile(r"^\(?\s*(?:đã\s+ký|ký\s+tên|ký|đóng\s+dấu|chữ\s+ký)", re.IGNORECASE)
_NOI_NHAN = re.compile(r"^Nơi\s+nhận\s*:?\s*", re.IGNORECASE)
_AUTHORITY = re.compile(r"^(?:KT|TM|TL|TUQ|Q)\.\s*")
_TITLE_WORD = re.compile(
    r"CHỦ\s+TỊCH|GIÁM\s+ĐỐC|TRƯỞNG|CHÁNH|ỦY\s+BAN|BAN\b|THƯỜNG\s+TRỰC|BÍ\s+THƯ|"
    r"VĂN\s+PHÒNG|SỞ\b|PHÓ\b|^(?:KT|TM|TL|TUQ|Q)\."
)
_NOT_NAME = {"Như", "Lưu", "Nơi", "Sở", "Ủy", "Bộ", "Phòng", "Ban", "Các", "Văn", "Thường"}


@dataclass(frozen=True, slots=True)
class Signature:
    signer: str | None = None
    title: str | None = None


def parse_signature(lines: list[str]) -> Signature:
    titles: list[str] = []
    name: str | None = None
    for piece in _pieces(lines):
        if piece.startswith(("-", "+")) or _SKIP.match(piece):
            continue
        if _is_name(piece):
            name = piece
        elif _is_title(piece):
            if name is not None:  # a second signature block: start again
                titles, name = [], None
            titles.append(piece)
    title = " ".join(titles) or None
    return Signature(signer=name, title=title)


def _pieces(lines: list[str]) -> list[str]:
    pieces: list[str] = []
    for line in lines:
        for piece in _GAP.split(line.strip()):
            piece = _NOI_NHAN.sub("", piece).strip()
            if piece:
                pieces.append(piece)
    return pieces


def _is_name(piece: str) -> bool:
    words = piece.split()
    if not 2 <= len(words) <= 5 or words[0] in _NOT_NAME:
        return False
    return all(word[0].isupper() and word[1:].islower() and word.isalpha() for word in words)


def _is_title(piece: str) -> bool:
    body = _AUTHORITY.sub("", piece)
    letters = [ch for ch in body if ch.isalpha()]
    if len(letters) < 4 or not all(ch.isupper() for ch in letters):
        return False
    return bool(_TITLE_WORD.search(piece)) and not piece.startswith(("NƠI NHẬN", "LƯU"))
