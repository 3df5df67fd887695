"""The demo's transcript: the conversation as each participant sees it.

Every line starts with the simulated time and the chat, then who speaks:

    [10:00 13/05/2024] Nhóm đầu mối CCHC · Nhắc việc: 🔔 Nhắc hạn nhiệm vụ ...
        [✅ T1 xong] [⏳ Đang làm] [⚠️ Vướng] [📅 Gia hạn]

`Transcript` reads what the bot did from the sandbox's record (the send log
for order across chats, each chat's messages for text, buttons, files and
edits, the callback answers for the small pop-ups a presser sees); the
`render_*` functions are pure, so the layout is tested without a bot.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.sandbox import SandboxClient
from bot.texts import t

JSON = dict[str, Any]
INDENT = "    "
QUOTE_CHARS = 48
BRIEF_LINES = 1


def say(lang: str, key: str, /, **params: object) -> str:
    """A demo text from the catalog as terminal text (no HTML escaping)."""
    return html.unescape(t(lang, key, **params))


def stamp(instant: datetime, timezone: ZoneInfo) -> str:
    return instant.astimezone(timezone).strftime("[%H:%M %d/%m/%Y]")


def button_rows(message: JSON) -> list[list[str]]:
    """Labels of a message's inline buttons, row by row."""
    markup = message.get("reply_markup") or {}
    return [[b.get("text", "?") for b in row] for row in markup.get("inline_keyboard", [])]


def render_buttons(rows: list[list[str]], *, numbered: bool = False, first: int = 1) -> list[str]:
    """`[Đã xong] [Đang làm]`, one line per keyboard row; numbered for the
    interactive mode (`[1 Đã xong] [2 Đang làm]`)."""
    lines = []
    number = first
    for row in rows:
        cells = []
        for label in row:
            cells.append(f"[{number} {label}]" if numbered else f"[{label}]")
            number += 1
        lines.append(INDENT + " ".join(cells))
    return lines


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The first line of a message, shortened, for "replying to ..." notes."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def render_block(head: str, body: str, *, brief: bool = False) -> list[str]:
    """`head` then the body: its first line after the head, the rest indented."""
    lines = (body or "").strip("\n").splitlines() or [""]
    if brief and len(lines) > BRIEF_LINES:
        lines = [*lines[:BRIEF_LINES], "…"]
    out = [f"{head}: {lines[0]}".rstrip()]
    out += [(INDENT + line).rstrip() for line in lines[1:]]
    return out


def size_label(size: int) -> str:
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} B"


def message_body(lang: str, message: JSON) -> str:
    """What the chat shows for a message: its text, or its file or photo and caption."""
    parts = []
    document = message.get("document")
    if document:
        name = document.get("file_name") or "?"
        parts.append(say(lang, "demo.document", name=name, size=size_label(document["file_size"])))
    elif message.get("photo"):
        parts.append(say(lang, "demo.photo"))
    text = message.get("text") if "text" in message else message.get("caption")
    if text:
        parts.append(text)
    if not parts:
        parts.append(service_note(lang, message))
    return "\n".join(parts)


def service_note(lang: str, message: JSON) -> str:
    if message.get("new_chat_members"):
        names = ", ".join(m.get("first_name", "?") for m in message["new_chat_members"])
        return say(lang, "demo.service.joined", names=names)
    if message.get("left_chat_member"):
        return say(lang, "demo.service.left", name=message["left_chat_member"].get("first_name"))
    if message.get("group_chat_created"):
        return say(lang, "demo.service.created")
    return say(lang, "demo.service.other")


@dataclass
class _Seen:
    text: str
    buttons: list[list[str]]


@dataclass
class Transcript:
    """Prints the story as it happens; `flush()` after each step."""

    client: SandboxClient
    lang: str
    timezone: ZoneInfo
    now: Any  # () -> datetime: the simulated clock
    out: TextIO
    bot_name: str = "Nhắc việc"
    numbered: bool = False
    people: dict[int, str] = field(default_factory=dict)  # user id -> "Lan (Sở Tư pháp)"
    chats: dict[int, str] = field(default_factory=dict)  # chat id -> title
    brief: bool = False
    lines: list[str] = field(default_factory=list)
    _sends_seen: int = 0
    _answers_seen: int = 0
    _seen: dict[tuple[int, int], _Seen] = field(default_factory=dict)
    _last_with_buttons: dict[int, JSON] = field(default_factory=dict)
    _touched: set[int] = field(default_factory=set)

    # -- output ----------------------------------------------------------------------

    def emit(self, *lines: str) -> None:
        """Print lines (one transcript entry per printed line)."""
        for text in lines:
            for line in text.split("\n"):
                self.lines.append(line)
                print(line, file=self.out, flush=True)

    def heading(self, text: str) -> None:
        self.emit("", f"━━ {text} ━━")

    def note(self, text: str) -> None:
        for line in text.splitlines():
            self.emit(textwrap.indent(line, "   ").rstrip() if line else "")

    @contextmanager
    def briefly(self) -> Iterator[None]:
        """Bot messages shortened to their first line (for days that repeat)."""
        previous, self.brief = self.brief, True
        try:
            yield
        finally:
            self.brief = previous

    def chat_label(self, chat_id: int) -> str:
        if chat_id > 0:
            name = self.people.get(chat_id, str(chat_id)).split(" (")[0]
            return say(self.lang, "demo.chat.private", name=name)
        return self.chats.get(chat_id, str(chat_id))

    def _head(self, chat_id: int, speaker: str) -> str:
        return f"{stamp(self.now(), self.timezone)} {self.chat_label(chat_id)} · {speaker}"

    # -- what people do ------------------------------------------------------------------

    def user_said(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        reply_to: JSON | None = None,
        *,
        max_lines: int | None = None,
    ) -> None:
        speaker = self.people.get(user_id, str(user_id))
        lines = text.splitlines()
        if max_lines is not None and len(lines) > max_lines:
            more = say(self.lang, "demo.more_lines", count=len(lines) - max_lines)
            text = "\n".join([*lines[:max_lines], more])
        if reply_to is not None:
            who = self.bot_name if reply_to.get("from_bot", True) else "?"
            speaker += " " + say(
                self.lang, "demo.reply_to", who=who, quote=quote(message_text(reply_to))
            )
        self.emit(*render_block(self._head(chat_id, speaker), text))

    def user_sent_file(
        self, chat_id: int, user_id: int, name: str, size: int, caption: str
    ) -> None:
        body = say(self.lang, "demo.document", name=name, size=size_label(size))
        if caption:
            body += "\n" + caption
        self.emit(*render_block(self._head(chat_id, self.people.get(user_id, "?")), body))

    def user_pressed(self, chat_id: int, user_id: int, label: str) -> None:
        speaker = self.people.get(user_id, str(user_id))
        self.emit(f"{self._head(chat_id, speaker)} {say(self.lang, 'demo.pressed', label=label)}")

    # -- what the bot did -------------------------------------------------------------------

    def touch(self, chat_id: int) -> None:
        """Someone acted in this chat: look for the bot's edits there at the next flush."""
        self._touched.add(chat_id)

    async def unseen_sends(self) -> int:
        """How many messages the bot sent that are not printed yet."""
        stats = await self.client.stats()
        return len(stats["sends"]) - self._sends_seen

    async def flush(self) -> list[JSON]:
        """Print the pop-ups, new messages and edits since the last flush; returns
        the new bot messages (in the order they were sent)."""
        await self._answers()
        stats = await self.client.stats()
        sends = stats["sends"][self._sends_seen :]
        self._sends_seen += len(sends)
        new: list[JSON] = []
        by_chat: dict[int, dict[int, JSON]] = {}
        chats, self._touched = {s["chat_id"] for s in sends} | self._touched, set()
        for chat_id in chats:
            by_chat[chat_id] = {m["message_id"]: m for m in await self.client.messages(chat_id)}
        for send in sends:
            message = by_chat.get(send["chat_id"], {}).get(send["message_id"])
            if message is None:
                continue
            self._print_message(message)
            new.append(message)
        for (chat_id, message_id), seen in list(self._seen.items()):
            message = by_chat.get(chat_id, {}).get(message_id)
            if message is not None and message not in new:
                self._print_edit(message, seen)
        return new

    def _print_message(self, message: JSON) -> None:
        chat_id = message["chat"]["id"]
        if not self.chats.get(chat_id) and chat_id < 0:
            self.chats[chat_id] = message["chat"].get("title", str(chat_id))
        self.emit(
            *render_block(
                self._head(chat_id, self.bot_name),
                message_body(self.lang, message),
                brief=self.brief,
            )
        )
        rows = button_rows(message)
        if rows and not self.brief:
            self.emit(*render_buttons(rows, numbered=self.numbered))
        if rows:
            self._last_with_buttons[chat_id] = message
        self._seen[(chat_id, message["message_id"])] = _Seen(message_text(message), rows)

    def _print_edit(self, message: JSON, seen: _Seen) -> None:
        chat_id = message["chat"]["id"]
        text, rows = message_text(message), button_rows(message)
        if message.get("deleted"):
            self.emit(
                f"{self._head(chat_id, self.bot_name)} {say(self.lang, 'demo.deleted', quote=quote(seen.text))}"
            )
            del self._seen[(chat_id, message["message_id"])]
            return
        if text == seen.text and rows == seen.buttons:
            return
        if text != seen.text:
            head = f"{self._head(chat_id, self.bot_name)} {say(self.lang, 'demo.edited')}"
            self.emit(*render_block(head, text, brief=self.brief))
            if rows and not self.brief:
                self.emit(*render_buttons(rows, numbered=self.numbered))
        elif rows:
            note = say(self.lang, "demo.buttons_changed", quote=quote(text))
            self.emit(f"{self._head(chat_id, self.bot_name)} {note}")
            if not self.brief:
                self.emit(*render_buttons(rows, numbered=self.numbered))
        else:
            note = say(self.lang, "demo.buttons_removed", quote=quote(text))
            self.emit(f"{self._head(chat_id, self.bot_name)} {note}")
        seen.text, seen.buttons = text, rows
        if rows:
            self._last_with_buttons[chat_id] = message
        elif self._last_with_buttons.get(chat_id, {}).get("message_id") == message["message_id"]:
            del self._last_with_buttons[chat_id]

    async def _answers(self) -> None:
        answers = await self.client.callback_answers()
        for answer in answers[self._answers_seen :]:
            text = answer.get("text")
            if not text:
                continue
            key = "demo.alert" if answer.get("show_alert") else "demo.toast"
            name = self.people.get(int(answer.get("user_id") or 0), "").split(" (")[0] or "?"
            self.emit(INDENT + say(self.lang, key, name=name, text=text))
        self._answers_seen = len(answers)

    def last_with_buttons(self, chat_id: int) -> JSON | None:
        """The chat's latest bot message that still has buttons (interactive mode)."""
        return self._last_with_buttons.get(chat_id)


def message_text(message: JSON) -> str:
    return str(message.get("text") or message.get("caption") or "")
