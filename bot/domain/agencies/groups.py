"""Group phrases: one assignee line that stands for many agencies.

"Các sở, ban, ngành tỉnh" means every registered sở, ban, ngành; "UBND các
huyện, thị xã, thành phố" every district. A group phrase with a qualifier
("các sở, ban, ngành chủ trì ... tại Quyết định số 380") means only some of
them, and "các cơ quan, đơn vị liên quan" means whoever the coordinator
decides: those two must not expand to everyone, or every agency gets
reminders for work that is not theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.domain.agencies.model import AgencyCategory


class Target(Enum):
    """What a group phrase stands for; some depend on the registry."""

    SO_NGANH = AgencyCategory.SO_NGANH
    HUYEN = AgencyCategory.HUYEN
    XA = AgencyCategory.XA
    PHONG = AgencyCategory.PHONG
    TRUNG_UONG = AgencyCategory.TRUNG_UONG
    LOCAL = "local"  # "các địa phương": districts if any are registered, else communes
    OWN_SPECIALISED = "own"  # "cơ quan chuyên môn thuộc UBND": sở at province level, else phòng


_DISTRICT_UNIT = r"(?:huyen|thi xa|thanh pho|quan)"
_COMMUNE_UNIT = r"(?:xa|phuong|thi tran|dac khu)"
_COMMITTEE = r"(?:uy ban nhan dan )?"

# Each pattern must match whole words of the folded phrase (see `parse_groups`).
_PATTERNS: tuple[tuple[re.Pattern[str], Target], ...] = tuple(
    (re.compile(pattern), target)
    for pattern, target in (
        (r"cac (?:co quan )?so(?: ban)?(?: nganh)?", Target.SO_NGANH),
        (rf"{_COMMITTEE}cac {_DISTRICT_UNIT}(?: {_DISTRICT_UNIT})*", Target.HUYEN),
        (r"(?:cac )?uy ban nhan dan cap huyen", Target.HUYEN),
        (rf"{_COMMITTEE}cac {_COMMUNE_UNIT}(?: {_COMMUNE_UNIT})*", Target.XA),
        (r"(?:cac )?uy ban nhan dan cap xa", Target.XA),
        (
            r"cac co quan chuyen mon(?: truc)?(?: thuoc)? uy ban nhan dan"
            rf" (?:{_DISTRICT_UNIT}|{_COMMUNE_UNIT})",
            Target.PHONG,
        ),
        (
            r"cac co quan chuyen mon(?:(?: truc)?(?: thuoc)? uy ban nhan dan)?",
            Target.OWN_SPECIALISED,
        ),
        (
            r"cac phong(?: ban)?(?: chuyen mon)?"
            rf"(?:(?: truc)? thuoc uy ban nhan dan(?: {_DISTRICT_UNIT}| {_COMMUNE_UNIT})?)?",
            Target.PHONG,
        ),
        (
            r"cac co quan (?:trung uong|nganh doc)(?: dong)?(?: tren dia ban| tai dia phuong)?",
            Target.TRUNG_UONG,
        ),
        (r"cac dia phuong", Target.LOCAL),
    )
)

# Words that open a phrase naming nobody in particular.
_VAGUE_HEAD = re.compile(
    r"(?:cac |nhung |mot so )?(?:co quan|don vi|dia phuong|to chuc|nganh|ca nhan|bo phan)\b"
)


@dataclass(frozen=True, slots=True)
class GroupParse:
    """The groups a phrase names, and whether words were left over (a qualifier)."""

    targets: tuple[Target, ...]
    qualified: bool


def parse_groups(folded: str) -> GroupParse | None:
    """Read `folded` as one or more group phrases ("cac so ban nganh cac dia phuong").

    None if it does not start with a group phrase. `qualified` is True when
    words remain that restrict the group ("... chu tri", "... lien quan").
    """
    targets: list[Target] = []
    rest = folded
    while rest:
        found = _longest_group(rest)
        if found is None and targets:  # "các sở, ban, ngành và (các) địa phương"
            found = _longest_group("cac " + rest, offset=4)
        if found is None:
            break
        target, end = found
        targets.append(target)
        rest = rest[end:].lstrip()
    if not targets:
        return None
    return GroupParse(tuple(targets), qualified=bool(rest))


def _longest_group(text: str, offset: int = 0) -> tuple[Target, int] | None:
    best: tuple[Target, int] | None = None
    for pattern, target in _PATTERNS:
        match = pattern.match(text)
        if match is None or not _at_word_end(text, match.end()):
            continue
        if best is None or match.end() > best[1] + offset:
            best = (target, match.end() - offset)
    return best


def _at_word_end(text: str, end: int) -> bool:
    return end == len(text) or text[end] == " "


def is_vague(folded: str) -> bool:
    """ "các cơ quan, đơn vị liên quan", "cơ quan liên quan", "các đơn vị" ..."""
    return _VAGUE_HEAD.match(folded) is not None
