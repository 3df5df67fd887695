"""Turning agency names and assignee phrases into comparable keys.

The same agency is written many ways: "Sở Văn hoá, Thể thao và Du lịch",
"Sở VH-TT&DL", "so van hoa the thao du lich", "UBND" for "Ủy ban nhân dân".
Everything here works on words (so punctuation, hyphens and "&" stop
mattering), keeps the diacritics (so "Tịnh An" and "Tịnh Ấn" stay different
places) and lets a word typed without diacritics stand for the same word with
them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.domain.text import fold, modern_tone_placement, nfc

Words = tuple[str, ...]

_WORD = re.compile(r"\w+")
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
_LEADING_MARKER = re.compile(r"^\s*(?:[-+•*–]+|\d{1,2}[.)]|[a-zđ][)])\s*")

# "và" carries no identity ("HĐND và UBND" = "HĐND&UBND"), so keys drop it.
SKIP_WORDS = frozenset({"và", "va"})

# Abbreviations officials write inside names, keyed by the folded word.
EXPANSIONS: dict[str, Words] = {
    "ubnd": ("ủy", "ban", "nhân", "dân"),
    "hdnd": ("hội", "đồng", "nhân", "dân"),
    "vp": ("văn", "phòng"),
    "tp": ("thành", "phố"),
    "tx": ("thị", "xã"),
    "tw": ("trung", "ương"),
    "bhxh": ("bảo", "hiểm", "xã", "hội"),
    "kbnn": ("kho", "bạc", "nhà", "nước"),
    "qltt": ("quản", "lý", "thị", "trường"),
    "mttq": ("mặt", "trận", "tổ", "quốc"),
    "bql": ("ban", "quản", "lý"),
    "kkt": ("khu", "kinh", "tế"),
    "kcn": ("khu", "công", "nghiệp"),
    "bchqs": ("bộ", "chỉ", "huy", "quân", "sự"),
}

# Leading titles: "Giám đốc Sở Nội vụ" is addressed to the Sở Nội vụ.
# Longest first, so "phó giám đốc" wins over "giám đốc".
TITLES: tuple[Words, ...] = tuple(
    sorted(
        (
            tuple(t.split())
            for t in (
                "người đứng đầu",
                "thủ trưởng",
                "phó thủ trưởng",
                "giám đốc",
                "phó giám đốc",
                "tổng giám đốc",
                "chủ tịch",
                "phó chủ tịch",
                "chánh",
                "phó chánh",
                "cục trưởng",
                "chi cục trưởng",
                "chỉ huy trưởng",
                "trưởng",
                "lãnh đạo",
                "đồng chí",
            )
        ),
        key=len,
        reverse=True,
    )
)
# Titles that are ordinary words without their diacritics ("truong" is also
# "trường", a school): strip them only when written with the diacritics.
_TITLES_NEEDING_DIACRITICS = frozenset({("trưởng",)})

LEVELS: tuple[Words, ...] = (
    ("thành", "phố"),
    ("thị", "xã"),
    ("thị", "trấn"),
    ("đặc", "khu"),
    ("tỉnh",),
    ("huyện",),
    ("quận",),
    ("xã",),
    ("phường",),
)
_CONNECTORS: tuple[Words, ...] = (
    ("trên", "địa", "bàn"),
    ("trực", "thuộc"),
    ("thuộc",),
    ("của",),
)


@lru_cache(maxsize=65536)
def folded(text: str) -> str:
    """`fold`, cached: registries fold the same words and keys over and over."""
    return fold(text)


def clean(text: str) -> str:
    """NFC with modern tone marks, minus list markers and a trailing "(b/c)"."""
    text = modern_tone_placement(nfc(text)).strip()
    text = _LEADING_MARKER.sub("", text)
    return _TRAILING_PARENTHESIS.sub("", text).strip(" \t;,.:")


def raw_words(text: str) -> Words:
    """The words as written (case kept: "NV" in "Sở NV" is an abbreviation)."""
    return tuple(_WORD.findall(clean(text)))


def lower_words(words: Words) -> Words:
    return tuple(w.lower() for w in words)


def expand(words: Words) -> Words:
    """Lower-case words with abbreviations spelled out and "và" dropped."""
    out: list[str] = []
    for word in lower_words(words):
        if word in SKIP_WORDS:
            continue
        out.extend(EXPANSIONS.get(folded(word), (word,)))
    return tuple(out)


def name_key(text: str) -> str:
    """The key two names must share to be the same name (used for duplicates)."""
    return " ".join(expand(raw_words(text)))


@lru_cache(maxsize=8192)
def same_letter(typed: str, reference: str) -> bool:
    """True when `typed` is `reference` with some or all of its marks left off.

    "e", "ê" and "ế" all stand for "ế"; "é" does not (a different mark).
    """
    if typed == reference:
        return True
    t_letters = unicodedata.normalize("NFD", typed)
    r_letters = unicodedata.normalize("NFD", reference).replace("đ", "dđ")
    return t_letters[:1] == r_letters[:1] and set(t_letters[1:]) <= set(r_letters[1:])


def compatible(typed: str, reference: str) -> bool:
    """`typed` equals `reference` except for diacritics the typist left out.

    "so tu phap" and "sở tư phap" are compatible with "sở tư pháp"; "sở tư
    phạp" is not: a mark that is present and different is another word.
    """
    return len(typed) == len(reference) and all(
        same_letter(a, b) for a, b in zip(typed, reference, strict=True)
    )


def _words_compatible(typed: Words, reference: Words) -> bool:
    return len(typed) == len(reference) and all(
        compatible(a, b) for a, b in zip(typed, reference, strict=True)
    )


def strip_titles(words: Words) -> Words:
    """Drop leading titles ("Thủ trưởng", "Chủ tịch", "Chánh" ...), repeatedly."""
    for _ in range(3):
        title = _leading_title(words)
        if title == 0:
            return words
        words = words[title:]
    return words


def _leading_title(words: Words) -> int:
    lowered = lower_words(words)
    for title in TITLES:
        if len(lowered) <= len(title):
            continue
        head = lowered[: len(title)]
        if title in _TITLES_NEEDING_DIACRITICS and head != title:
            continue
        if _words_compatible(head, title):
            return len(title)
    return 0


def initials(words: Words) -> str:
    """First letters, folded: "sở kế hoạch đầu tư" -> "skhdt"."""
    return "".join(folded(w)[0] for w in words if w and w not in SKIP_WORDS)


# Words that may stand before an abbreviation: "Sở NV", "Phòng TC-KH", "Chi cục QLĐĐ".
_ABBREVIATION_HEADS = frozenset({"so", "phong", "ban", "cuc", "chi"})


def _is_abbreviation_word(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def looks_like_abbreviation(alias: str) -> bool:
    """A declared alias like "STP", "SKHĐT", "SNgV": one word, several capitals."""
    return (
        " " not in alias.strip()
        and sum(c.isupper() for c in alias) >= 2
        and len(raw_words(alias)) == 1
    )


def abbreviation_key(words: Words) -> str | None:
    """The abbreviation a phrase spells, or None if it does not read as one.

    "Sở NV" -> "snv", "SKHĐT" -> "skhdt", "Sở KH&ĐT" -> "skhdt". Plain words
    are never read by their initials ("sở tư phát", "UBND huyện Sơn Ta"), or
    every typo whose initials happen to agree would match some agency.
    """
    if len(words) == 1:
        return folded(words[0]) if len(words[0]) >= 2 else None
    if not any(_is_abbreviation_word(w) for w in words):
        return None
    plain = (w for w in words if not _is_abbreviation_word(w) and w.lower() not in SKIP_WORDS)
    if any(folded(w) not in _ABBREVIATION_HEADS for w in plain):
        return None
    parts = [
        folded(w) if _is_abbreviation_word(w) else folded(w)[0]
        for w in words
        if w.lower() not in SKIP_WORDS
    ]
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Place:
    """The registry's own territory ("tỉnh Quảng Ngãi"), to read name suffixes.

    "Sở Tư pháp", "Sở Tư pháp tỉnh" and "Sở Tư pháp tỉnh Quảng Ngãi" are the
    same agency in a Quảng Ngãi registry; "Sở Tư pháp tỉnh Bình Định" is not.
    """

    level: Words
    name: Words

    @classmethod
    def parse(cls, text: str | None) -> Place:
        """ "tỉnh Quảng Ngãi" -> level ("tỉnh",), name ("quảng", "ngãi")."""
        words = lower_words(raw_words(text or ""))
        for level in LEVELS:
            if words[: len(level)] == level:
                return cls(level, words[len(level) :])
        return cls(("tỉnh",), words)

    def strip(self, words: Words) -> tuple[Words, str | None]:
        """Remove a suffix naming this place; report a suffix naming another one.

        Returns (core words, foreign place or None).
        """
        full = self.level + self.name
        if self.name and len(words) > len(full) and _ends_with(words, full):
            return _drop_connector(words[: -len(full)]), None
        if len(words) > len(self.level) and _ends_with(words, self.level):
            return _drop_connector(words[: -len(self.level)]), None
        return words, self._foreign(words)

    def _foreign(self, words: Words) -> str | None:
        if not self.name:
            return None
        size = len(self.level)
        for start in range(len(words) - size - 1, 0, -1):
            if len(words) - start - size > 4:
                break
            if _words_compatible(words[start : start + size], self.level):
                return " ".join(words[start:])
        return None


def _ends_with(words: Words, suffix: Words) -> bool:
    return _words_compatible(words[-len(suffix) :], suffix)


def _drop_connector(words: Words) -> Words:
    for connector in _CONNECTORS:
        if len(words) > len(connector) and _ends_with(words, connector):
            return words[: -len(connector)]
    return words


def bounded_distance(typed: str, reference: str, limit: int) -> int:
    """Edit distance where a missing diacritic costs nothing; `limit + 1` if larger.

    Banded (only cells within `limit` of the diagonal), so a scan over a few
    hundred names stays cheap.
    """
    if abs(len(typed) - len(reference)) > limit:
        return limit + 1
    typed, reference = _trim_common(typed, reference)
    over = limit + 1
    previous = [j if j <= limit else over for j in range(len(reference) + 1)]
    for i, a in enumerate(typed, 1):
        current = [i if i <= limit else over] + [over] * len(reference)
        for j in range(max(1, i - limit), min(len(reference), i + limit) + 1):
            cost = 0 if same_letter(a, reference[j - 1]) else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost, over)
        if min(current) > limit:
            return over
        previous = current
    return min(previous[-1], over)


def _trim_common(typed: str, reference: str) -> tuple[str, str]:
    """Drop the shared prefix and suffix: they cost nothing, and names in one
    registry share long ones ("ủy ban nhân dân xã ...")."""
    start = 0
    shortest = min(len(typed), len(reference))
    while start < shortest and same_letter(typed[start], reference[start]):
        start += 1
    end = 0
    while end < shortest - start and same_letter(typed[-1 - end], reference[-1 - end]):
        end += 1
    return typed[start : len(typed) - end], reference[start : len(reference) - end]
