"""Message entities: UTF-16 offsets, trimming, and the ones Telegram detects itself.

Telegram measures entity offsets and lengths in UTF-16 code units, so every
offset here is UTF-16, not Python string indices.
"""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]

_COMMAND = re.compile(
    r"(?<![A-Za-z0-9_/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_])"
)
_MENTION = re.compile(r"(?<![A-Za-z0-9_@])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])")
_URL = re.compile(r"https?://[^\s<>\"']+")
_HASHTAG = re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")
_URL_TRAILING = ".,;:!?)]}'\""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (characters outside the BMP count twice)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The substring covered by a UTF-16 (offset, length) pair."""
    encoded = text.encode("utf-16-le")
    return encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace like Telegram does, keeping entities aligned."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def _spans(pattern: re.Pattern[str], text: str, kind: str) -> list[tuple[int, int, str]]:
    found = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if kind == "url":
            while end > start and text[end - 1] in _URL_TRAILING:
                end -= 1
        found.append((start, end, kind))
    return found


def detect_entities(text: str, existing: list[Entity] | None = None) -> list[Entity]:
    """Entities Telegram adds by itself: bot commands, @mentions, URLs, hashtags.

    Detection is skipped inside code, pre and text links, as Telegram does.
    The result is merged with ``existing`` and sorted by offset.
    """
    existing = list(existing or [])
    opaque = [
        (e["offset"], e["offset"] + e["length"])
        for e in existing
        if e["type"] in ("code", "pre", "text_link")
    ]
    found: list[Entity] = []
    spans = (
        _spans(_COMMAND, text, "bot_command")
        + _spans(_MENTION, text, "mention")
        + _spans(_URL, text, "url")
        + _spans(_HASHTAG, text, "hashtag")
    )
    for start, end, kind in spans:
        offset = utf16_len(text[:start])
        length = utf16_len(text[start:end])
        if any(lo < offset + length and offset < hi for lo, hi in opaque):
            continue
        if kind == "hashtag" and any(
            f["type"] == "url" and f["offset"] <= offset < f["offset"] + f["length"] for f in found
        ):
            continue
        found.append({"type": kind, "offset": offset, "length": length})
    merged = existing + found
    merged.sort(key=lambda e: (e["offset"], -e["length"]))
    return merged


def command_of(text: str | None, entities: list[Entity]) -> tuple[str, str | None] | None:
    """The leading bot command as (command, addressed bot username or None)."""
    if not text:
        return None
    for entity in entities:
        if entity["type"] == "bot_command" and entity["offset"] == 0:
            body = utf16_slice(text, 0, entity["length"])[1:]
            name, _, target = body.partition("@")
            return name, target or None
    return None


def mentions(text: str | None, entities: list[Entity]) -> list[str]:
    """Usernames (without '@') mentioned in the text."""
    if not text:
        return []
    return [
        utf16_slice(text, e["offset"], e["length"])[1:] for e in entities if e["type"] == "mention"
    ]
