"""Vietnamese text normalisation shared by extraction, matching and reply reading.

Real input mixes NFC and NFD, old and new tone placement ("hoá" / "hóa",
"thuỷ" / "thủy"), and text typed without diacritics. Comparisons go through
`canonical` (NFC, new tone placement, lower case, single spaces) and, where a
match without diacritics is acceptable, through `fold`.
"""

from __future__ import annotations

import re
import unicodedata

# Old-style placement puts the tone on the second vowel of "oa", "oe", "uy"
# when nothing follows; the style of the 1997 standard puts it on the first.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot
_OLD_TONE_PLACEMENT = re.compile(
    rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![a-zA-Z\u0300-\u036f])"
)
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def modern_tone_placement(text: str) -> str:
    """Move tone marks of old-style "oá, oè, uý" onto the first vowel: hoá -> hóa."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_TONE_PLACEMENT.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", moved)


def canonical(text: str) -> str:
    """NFC, modern tone placement, lower case, collapsed white space."""
    return _SPACES.sub(" ", modern_tone_placement(text)).strip().lower()


def fold(text: str) -> str:
    """`canonical` without diacritics ("Sở Tư pháp" -> "so tu phap")."""
    decomposed = unicodedata.normalize("NFD", canonical(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")
