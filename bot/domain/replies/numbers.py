"""Vietnamese numbers written in words, 0–999 ("bảy mươi lăm" = 75).

Officers write percentages and spans in words as often as in digits
("được sáu mươi phần trăm", "thêm mười ngày"). Without diacritics several
numerals collide with common words (sau = after / sáu = six, nam = year /
năm = five, lam = làm / lăm), so the caller decides *whether* a run of words
is a number from context; this module only says *which* number it spells.
"""

from __future__ import annotations

from collections.abc import Sequence

_DIGITS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
# After "mươi": "mốt" = 1, "tư" = 4, "lăm"/"nhăm" = 5 ("hai mươi lăm").
_AFTER_TENS = {**_DIGITS, "lam": 5, "nham": 5}
_ZERO_LINK = {"linh", "le"}  # "một trăm linh năm" = 105
_TEN = "muoi"
_HUNDRED = "tram"

# Canonical spellings that are numerals (with diacritics), and the folded
# spellings accepted when a word carries no diacritics at all.
_MARKED_SPELLINGS = "một hai ba bốn tư năm lăm nhăm sáu bảy bẩy tám chín mười mươi mốt trăm linh lẻ"
MARKED_NUMERALS = frozenset(_MARKED_SPELLINGS.split(" "))
FOLDED_NUMERALS = frozenset({*_AFTER_TENS, _TEN, _HUNDRED, *_ZERO_LINK})


def _tens(words: Sequence[str]) -> int | None:
    """Value of 1–99 spelled exactly by `words`, else None."""
    if len(words) == 1:
        return 10 if words[0] == _TEN else _DIGITS.get(words[0])
    if len(words) == 2 and words[1] == _TEN and words[0] in _DIGITS:
        return _DIGITS[words[0]] * 10
    if len(words) == 2 and words[0] == _TEN and words[1] in _AFTER_TENS:
        return 10 + _AFTER_TENS[words[1]]
    if len(words) == 3 and words[0] in _DIGITS and words[1] == _TEN:
        unit = _AFTER_TENS.get(words[2])
        return None if unit is None else _DIGITS[words[0]] * 10 + unit
    return None


def _exact(words: Sequence[str]) -> int | None:
    """Value of 0–999 spelled exactly by `words`, else None."""
    if _HUNDRED not in words:
        return _tens(words)
    at = list(words).index(_HUNDRED)
    if at != 1 or words[0] not in _DIGITS:
        return None
    hundreds = _DIGITS[words[0]] * 100
    rest = words[2:]
    if not rest:
        return hundreds
    if len(rest) == 2 and rest[0] in _ZERO_LINK and rest[1] in _DIGITS:
        return hundreds + _DIGITS[rest[1]]
    tens = _tens(rest)
    return None if tens is None else hundreds + tens


MAX_NUMBER_WORDS = 5  # "một trăm hai mươi lăm": no number below 1000 needs more


def spelled_number(words: Sequence[str]) -> tuple[int, int] | None:
    """The longest number spelled at the start of folded `words`.

    Returns (value, words used) or None.
    """
    for size in range(min(len(words), MAX_NUMBER_WORDS), 0, -1):
        value = _exact(words[:size])
        if value is not None:
            return value, size
    return None
