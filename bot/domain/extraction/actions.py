"""A short, faithful sentence saying what a task asks for.

The action is what a focal point reads in a reminder, so it is the
directive's own words with the parts that live in other fields removed (who,
with whom, by when), parentheses dropped, and cut at a clause boundary.
"""

from __future__ import annotations

import re

_MAX = 200
_DEADLINE_SENTENCE = re.compile(
    r"(?:^|(?<=[.;]\s))(?:Thời\s+hạn|Thời\s+gian|Hạn)[^.;]{0,60}?(?=[.;]|$)", re.IGNORECASE
)
_PARENS = re.compile(r"\s*\((?!qua\s)[^()]{0,300}\)")
_LEADING = re.compile(
    r"^(?:căn\s+cứ\s[^,;]{0,160},\s*|trên\s+cơ\s+sở\s+đó,\s*|tiến\s+hành\s+)+", re.IGNORECASE
)
_DANGLING = re.compile(r"[,;]?\s*(?:hoàn\s+thành|xong|thời\s+hạn|thời\s+gian)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ])|\./\.")


def summarize(text: str, drop: list[tuple[int, int]]) -> str:
    """`text` without the spans in `drop` (deadline phrases), trimmed to one readable sentence."""
    for start, end in sorted(drop, reverse=True):
        text = text[:start] + text[end:]
    text = _PARENS.sub("", text.replace("./.", "."))
    text = _DEADLINE_SENTENCE.sub("", text)
    text = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,;:.-")
    text = _LEADING.sub("", text)
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip(" ,;:.")
    first = _DANGLING.sub("", first)
    return _capitalise(_shorten(first))


def _shorten(text: str) -> str:
    if len(text) <= _MAX:
        return text
    kept = ""
    for clause in re.split(r"(?<=;)\s+", text):
        if kept and len(kept) + len(clause) > _MAX:
            break
        kept = f"{kept} {clause}".strip()
    if len(kept) > _MAX:
        cut = kept[:_MAX].rsplit(" ", 1)[0]
        kept = cut.rstrip(" ,;:") + "…"
    return kept.rstrip(" ;,")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
