"""Split a reply into typed tokens that remember where they came from.

Chat replies mix words, dates ("30/5"), report references ("12/BC-STP"),
percentages and emojis. Recognising the shapes first keeps "12/BC-STP" from
being read as a date and "60 %" as two unrelated tokens. Every token keeps its
character span in the NFC text so a reason can be quoted back exactly as the
officer typed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import islice

from bot.domain.text import canonical, fold, nfc


class Shape(StrEnum):
    WORD = "word"
    NUMBER = "number"
    DATE = "date"
    REF = "ref"
    PERCENT = "percent"
    QMARK = "qmark"  # "?": ends a sentence and marks it as asked
    STOP = "stop"  # ". ! newline": ends a sentence
    COMMA = "comma"  # ", ; -": ends a segment inside a sentence
    COLON = "colon"  # ":" introduces what follows ("vướng: chưa có số liệu"), ends nothing


# Emojis people answer with; everything else that is not a word is ignored.
_EMOJI_WORDS = {
    "👍": "ok",
    "👌": "ok",
    "🆗": "ok",
    "🙏": "ok",
    "✅": "xong",
    "✔": "xong",
}

_TOKEN = re.compile(
    r"(?P<ref>\d+(?:/\d{2,4})?/[^\W\d_][^\W_]*(?:-[^\W_]+)+)"
    r"|(?P<date>\d{1,2}[/-]\d{1,2}(?:[/-]\d{4}|[/-]\d{2}(?!\d))?(?![\d/])"
    r"|\d{1,2}\.\d{1,2}(?:\.\d{4})?(?![\d.,]|\s*%))"
    r"|(?P<number>\d+(?:[.,]\d+)?)"
    r"|(?P<word>[^\W_]+)"
    r"|(?P<percent>%)"
    r"|(?P<punct>[?.!\n,;–—…]+|(?<=\s)-(?=\s))"
    r"|(?P<colon>:)"
    r"|(?P<emoji>[👍👌🆗🙏✅✔])"
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its text as typed (NFC), canonical and folded forms, span."""

    raw: str
    canon: str
    fold: str
    start: int
    end: int
    shape: Shape

    @property
    def marked(self) -> bool:
        """Whether the token carried diacritics that disambiguate it (đã vs dạ)."""
        return self.canon != self.fold


# A status reply is a sentence or two. Reading stops after this many tokens
# (about 2,500 characters of ordinary Vietnamese), which bounds the time any
# input can take; what follows cannot be a short status reply anyway.
MAX_TOKENS = 600


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` (at most MAX_TOKENS); spans index into `nfc(text)`."""
    source = nfc(text)
    tokens: list[Token] = []
    for match in islice(_TOKEN.finditer(source), MAX_TOKENS):
        kind = match.lastgroup or "word"
        raw = match.group()
        if kind == "emoji":
            word = _EMOJI_WORDS[raw]
            tokens.append(Token(raw, word, word, match.start(), match.end(), Shape.WORD))
            continue
        shape = _punctuation_shape(raw) if kind == "punct" else Shape(kind)
        canon, folded = _forms(raw)
        tokens.append(Token(raw, canon, folded, match.start(), match.end(), shape))
    return tokens


def _punctuation_shape(run: str) -> Shape:
    """A run of marks ("?!", "...", ",") is one boundary: asked if it has a "?"."""
    if "?" in run:
        return Shape.QMARK
    if any(mark in run for mark in ".!\n…"):
        return Shape.STOP
    return Shape.COMMA


@lru_cache(maxsize=8192)
def _forms(raw: str) -> tuple[str, str]:
    """Canonical and folded forms; cached because chat words repeat a lot."""
    return canonical(raw), fold(raw)
