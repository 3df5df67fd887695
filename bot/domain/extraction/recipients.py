"""The "Kính gửi" list, and where the body proper starts.

Recipients come inline ("Kính gửi: Ủy ban nhân dân tỉnh."), as bullets, or
";"-separated on one bullet. A line naming specific agencies is normalised
to the agencies ("Thủ trưởng các Phòng: Nội vụ, Tư pháp" -> "Phòng Nội vụ",
"Phòng Tư pháp"; "Chánh Thanh tra huyện" -> "Thanh tra huyện") so it matches
the registry; a group phrase is kept as written ("Thủ trưởng các sở, ban,
ngành thuộc tỉnh"), as the seeds do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.extraction.agencies import GROUP, TITLE, expand_list, strip_title

_KINH_GUI = re.compile(r"^\s*Kính\s+gửi\s*:?\s*", re.IGNORECASE)
_BULLET = re.compile(r"^[-+•]\s*")
_IS_GROUP = re.compile(rf"^(?:(?i:{TITLE})\s+)?(?:\S+\s+){{0,4}}?{GROUP}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Recipients:
    as_written: list[str]  # what the contract prints
    as_agencies: list[str]  # titles dropped: what "các cơ quan nêu trên" refers to
    body_start: int  # index of the first body paragraph


def parse_recipients(paragraphs: list[str]) -> Recipients:
    if not paragraphs or not _KINH_GUI.match(paragraphs[0]):
        return Recipients([], [], 0)
    entries: list[str] = []
    inline = _KINH_GUI.sub("", paragraphs[0]).strip()
    if inline:
        entries.append(inline)
    index = 1
    while index < len(paragraphs) and _is_entry(paragraphs[index], entries):
        entries.append(_BULLET.sub("", paragraphs[index]))
        index += 1
    written: list[str] = []
    agencies: list[str] = []
    for entry in entries:
        for piece in re.split(r"\s*;\s*", entry):
            _add(piece.strip(" .,;-"), written, agencies)
    return Recipients(written, agencies, index)


def _is_entry(paragraph: str, entries: list[str]) -> bool:
    """A bullet, or a short line that ends a list item (";", ",", ".") while the list is open."""
    if _BULLET.match(paragraph):
        return True
    is_open = not entries or entries[-1].rstrip().endswith((";", ","))
    return is_open and len(paragraph) < 120 and paragraph.rstrip().endswith((";", ",", "."))


def _add(piece: str, written: list[str], agencies: list[str]) -> None:
    if not piece:
        return
    stripped = strip_title(piece)
    if _IS_GROUP.match(piece) and ":" not in piece:
        names = [piece[0].upper() + piece[1:]]
        targets = [stripped]
    else:
        names = targets = expand_list(stripped)
    for name in names:
        if name not in written:
            written.append(name)
    for target in targets:
        if target not in agencies:
            agencies.append(target)
