"""Telegram's HTML parse mode, validated the way the Bot API validates it.

The parser follows tdlib's ``parse_html``: only the tags Telegram documents
are accepted, tags must nest properly, ``&lt; &gt; &amp; &quot;`` and numeric
character references are decoded, and an unknown ``&name;`` is kept as
text. Errors carry Telegram's wording (after "can't parse entities: ") so the
bot sees the same ``BadRequest`` it would get in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.sandbox.entities import Entity, utf16_len

TAG_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]+));")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's detail."""


@dataclass
class _Open:
    name: str
    attrs: dict[str, str]
    start: int
    language: str | None = None


@dataclass
class _Parser:
    source: str
    out: list[str] = field(default_factory=list)
    pos16: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def error(self, detail: str) -> HtmlError:
        return HtmlError(detail)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.pos16 += utf16_len(text)

    def decode_entity(self, index: int) -> tuple[str | None, int]:
        """Decode ``&...;`` at ``index``; (None, index) when it is not an entity."""
        match = _ENTITY.match(self.source, index)
        if not match:
            return None, index
        decimal, hexa, name = match.groups()
        if name is not None:
            char = _NAMED.get(name)
            return (char, match.end()) if char else (None, index)
        code = int(decimal) if decimal is not None else int(hexa, 16)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, index
        return chr(code), match.end()

    def run(self) -> tuple[str, list[Entity]]:
        i = 0
        n = len(self.source)
        while i < n:
            char = self.source[i]
            if char == "&":
                decoded, end = self.decode_entity(i)
                if decoded is None:
                    self.emit("&")
                    i += 1
                else:
                    self.emit(decoded)
                    i = end
            elif char != "<":
                self.emit(char)
                i += 1
            elif i + 1 < n and self.source[i + 1] == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            name = self.stack[-1].name
            raise self.error(f'Can\'t find end tag corresponding to start tag "{name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def end_tag(self, begin: int) -> int:
        src, n = self.source, len(self.source)
        if not self.stack:
            raise self.error(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        j = begin + 2
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        name = src[begin + 2 : j].lower()
        while j < n and src[j].isspace():
            j += 1
        if j >= n or src[j] != ">":
            raise self.error(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        opened = self.stack[-1]
        if name and name != opened.name:
            raise self.error(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{opened.name}>", found "</{name}>"'
            )
        self.stack.pop()
        self.close(opened)
        return j + 1

    def start_tag(self, begin: int) -> int:
        src, n = self.source, len(self.source)
        j = begin + 1
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        if j >= n:
            raise self.error(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = src[begin + 1 : j].lower()
        if name not in TAG_TYPES:
            raise self.error(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        attrs: dict[str, str] = {}
        j = self.attributes(begin, j, name, attrs)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.stack.append(_Open(name, attrs, self.pos16))
        return j + 1

    def attributes(self, begin: int, j: int, tag: str, attrs: dict[str, str]) -> int:
        """Parse attributes from ``j`` up to '>'; returns the index of '>'."""
        src, n = self.source, len(self.source)
        unclosed = f"Unclosed start tag at byte offset {self.byte_offset(begin)}"
        while True:
            while j < n and src[j].isspace():
                j += 1
            if j >= n:
                raise self.error(unclosed)
            if src[j] == ">":
                return j
            name_start = j
            while j < n and not src[j].isspace() and src[j] not in "=>":
                j += 1
            attr = src[name_start:j].lower()
            if not attr:
                raise self.error(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            while j < n and src[j].isspace():
                j += 1
            if j >= n:
                raise self.error(unclosed)
            if src[j] != "=":
                if tag == "blockquote" and attr == "expandable":
                    attrs[attr] = ""
                    continue
                raise self.error(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}"
                )
            j += 1
            while j < n and src[j].isspace():
                j += 1
            if j >= n:
                raise self.error(unclosed)
            value, j = self.attribute_value(j)
            if j >= n:
                raise self.error(unclosed)
            attrs[attr] = value

    def attribute_value(self, j: int) -> tuple[str, int]:
        src, n = self.source, len(self.source)
        quote = src[j]
        if quote not in "\"'":
            token_start = j
            while j < n and ((src[j].isascii() and src[j].isalnum()) or src[j] in ".-"):
                j += 1
            if j < n and not src[j].isspace() and src[j] != ">":
                raise self.error(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_start)}"
                )
            return src[token_start:j].lower(), j
        j += 1
        value: list[str] = []
        while j < n and src[j] != quote:
            if src[j] == "&":
                decoded, end = self.decode_entity(j)
                if decoded is not None:
                    value.append(decoded)
                    j = end
                    continue
            value.append(src[j])
            j += 1
        if j < n:
            j += 1
        return "".join(value), j

    def close(self, opened: _Open) -> None:
        kind = TAG_TYPES[opened.name]
        parent = self.stack[-1] if self.stack else None
        if kind == "code" and parent is not None and parent.name == "pre":
            css = opened.attrs.get("class", "")
            if css.startswith("language-") and len(css) > len("language-"):
                parent.language = css[len("language-") :]
            return
        length = self.pos16 - opened.start
        if length <= 0:
            return
        entity: Entity = {"type": kind, "offset": opened.start, "length": length}
        if kind == "text_link":
            href = opened.attrs.get("href", "").strip()
            if not href:
                return
            entity["url"] = href
        elif kind == "pre" and opened.language:
            entity["language"] = opened.language
        elif kind == "blockquote" and "expandable" in opened.attrs:
            entity["type"] = "expandable_blockquote"
        elif kind == "custom_emoji":
            emoji_id = opened.attrs.get("emoji-id", "")
            if not emoji_id:
                return
            entity["custom_emoji_id"] = emoji_id
        self.entities.append(entity)


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Plain text and entities (UTF-16 offsets) of Telegram-HTML ``source``.

    Raises ``HtmlError`` with Telegram's detail text for invalid markup.
    """
    return _Parser(source).run()


def escape(text: str) -> str:
    """Escape plain text for Telegram HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
