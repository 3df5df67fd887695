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
    r"|(?P<date>\d{1,2}[/-]\d{1,2}(?:[/-]\d{4}|[/-]\d{2}(?!\d))?(?![\d/]))"
    r"|(?P<number>\d+(?:[.,]\d+)?)"
    r"|(?P<word>[^\W_]+)"
    r"|(?P<percent>%)"
    r"|(?P<qmark>\?)"
    r"|(?P<stop>[.!\n]+|…)"
    r"|(?P<comma>[,;–—]|(?<=\s)-(?=\s))"
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


def tokenize(text: str) -> list[Token]:
    """Tokens of `text`; spans index into `nfc(text)`."""
    source = nfc(text)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "word"
        raw = match.group()
        if kind == "emoji":
            word = _EMOJI_WORDS[raw]
            tokens.append(Token(raw, word, word, match.start(), match.end(), Shape.WORD))
            continue
        shape = Shape(kind)
        tokens.append(Token(raw, canonical(raw), fold(raw), match.start(), match.end(), shape))
    return tokens
