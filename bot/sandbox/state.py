"""Everything the fake Telegram knows: users, chats, messages, files, updates.

This module holds data and its Telegram JSON shapes; the rules for who may do
what live in ``botapi`` (the bot's side) and ``testapi`` (the users' side).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.clock import SandboxClock
from bot.sandbox.config import SandboxConfig
from bot.sandbox.entities import Entity

JSON = dict[str, Any]

#: Update types delivered when the bot has not asked for specific ones (Telegram's default).
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "my_chat_member",
        "inline_query",
        "chosen_inline_result",
    }
)

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


@dataclass
class User:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "vi"
    is_bot: bool = False
    blocked_bot: bool = False

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Message:
    """One message in a chat, from a user or from the bot, with its edit history."""

    chat_id: int
    message_id: int
    date: int
    sender: User
    text: str | None = None
    entities: list[Entity] = field(default_factory=list)
    html: str | None = None
    parse_mode: str | None = None
    reply_to: int | None = None
    reply_markup: JSON | None = None
    reply_keyboard: JSON | None = None
    document: JSON | None = None
    photo: list[JSON] | None = None
    service: JSON = field(default_factory=dict)
    edit_date: int | None = None
    edits: list[JSON] = field(default_factory=list)
    deleted: bool = False
    delivered: bool | None = None
    disable_notification: bool = False
    link_preview_options: JSON | None = None

    @property
    def from_bot(self) -> bool:
        return self.sender.is_bot

    @property
    def has_media(self) -> bool:
        return self.document is not None or self.photo is not None

    def buttons(self) -> list[JSON]:
        """Inline buttons, flattened."""
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    privacy: bool = True
    members: list[int] = field(default_factory=list)
    admins: set[int] = field(default_factory=set)
    creator: int | None = None
    bot_status: str = "left"
    bot_removed: bool = False
    bot_ever_member: bool = False
    migrated_to: int | None = None
    migrated_from: int | None = None
    next_message_id: int = 1
    messages: dict[int, Message] = field(default_factory=dict)

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    @property
    def bot_present(self) -> bool:
        return self.bot_status in ("member", "administrator")

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or ""
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or ""
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None
    mime_type: str | None
    kind: str
    file_path: str
    width: int = 0
    height: int = 0

    def document(self) -> JSON:
        data: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data

    def photo_sizes(self) -> list[JSON]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": len(self.content),
            }
        ]


@dataclass
class PendingCallback:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


@dataclass
class Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Stats:
    """What happened on the Bot API side, for tests and benchmarks."""

    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    rate_limited: int = 0
    faults_5xx: int = 0
    drops: int = 0
    acks_lost: int = 0
    webhook_deliveries: int = 0
    sends_per_chat: Counter[int] = field(default_factory=Counter)
    sends: list[JSON] = field(default_factory=list)

    def to_json(self, pending_updates: int) -> JSON:
        return {
            "requests": dict(self.requests),
            "errors": {str(code): n for code, n in self.errors.items()},
            "responses_429": self.rate_limited,
            "faults_5xx": self.faults_5xx,
            "drops": self.drops,
            "acks_lost": self.acks_lost,
            "webhook_deliveries": self.webhook_deliveries,
            "sends_per_chat": {str(chat): n for chat, n in self.sends_per_chat.items()},
            "sends": list(self.sends),
            "total_sends": len(self.sends),
            "pending_updates": pending_updates,
        }


class _Ids:
    """Id counters that survive ``reset`` so a running bot never sees an id twice."""

    def __init__(self) -> None:
        self.update = 0
        self.user = 7_000_000_000
        self.group = 4_000_000_000
        self.supergroup = 1_001_000_000_000
        self.file = 0
        self.callback = 0

    def next_update(self) -> int:
        self.update += 1
        return self.update

    def next_user(self) -> int:
        self.user += 1
        return self.user

    def next_chat(self, chat_type: str) -> int:
        if chat_type == "supergroup":
            self.supergroup += 1
            return -self.supergroup
        self.group += 1
        return -self.group

    def next_file(self) -> int:
        self.file += 1
        return self.file

    def next_callback(self) -> int:
        self.callback += 1
        return self.callback


def member_dict(user: User, status: str) -> JSON:
    """A ChatMember object for ``status`` with every field PTB requires."""
    data: JSON = {"status": status, "user": user.to_dict()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(
            {"can_be_edited": False, "is_anonymous": False, **dict.fromkeys(_ADMIN_RIGHTS, True)}
        )
    elif status == "kicked":
        data["until_date"] = 0
    return data


def scope_key(scope: JSON) -> str:
    return json.dumps(scope, sort_keys=True, ensure_ascii=False)


class SandboxState:
    """The whole world of one sandbox, mutated only from its event loop."""

    def __init__(self, config: SandboxConfig, clock: SandboxClock) -> None:
        self.config = config
        self.clock = clock
        self.bot = User(
            id=config.bot_id,
            first_name=config.bot_first_name,
            username=config.bot_username,
            language_code=None,
            is_bot=True,
        )
        self.ids = _Ids()
        self._changed: asyncio.Event | None = None
        self.poll_generation = 0
        self.closing = False
        self.reset()

    def reset(self) -> None:
        """Forget every user, chat, file and update (id counters keep counting)."""
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[JSON] = []
        self.allowed_updates: frozenset[str] | None = None
        self.webhook = Webhook()
        self.callbacks: dict[str, PendingCallback] = {}
        self.callback_answers: list[JSON] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.command_scopes: dict[str, JSON] = {}
        self.stats = Stats()
        self.notify()

    # -- change notification -------------------------------------------------

    def notify(self) -> None:
        """Wake everyone waiting for a change (long polls, wait_for_bot_message)."""
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_changed(self, seconds: float) -> None:
        """Return after the next change, or after ``seconds`` at most."""
        if self._changed is None:
            self._changed = asyncio.Event()
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=max(seconds, 0.0))

    # -- lookups --------------------------------------------------------------

    def find_chat(self, ref: int | str) -> Chat | None:
        if isinstance(ref, int):
            return self.chats.get(ref)
        name = ref.lstrip("@").lower()
        return next(
            (c for c in self.chats.values() if c.username and c.username.lower() == name), None
        )

    def user(self, user_id: int) -> User | None:
        if user_id == self.bot.id:
            return self.bot
        return self.users.get(user_id)

    def find_by_username(self, username: str) -> User | None:
        name = username.lstrip("@").lower()
        if name == (self.bot.username or "").lower():
            return self.bot
        return next(
            (u for u in self.users.values() if u.username and u.username.lower() == name), None
        )

    def member_status(self, chat: Chat, user_id: int) -> str:
        if user_id == self.bot.id:
            return chat.bot_status
        if chat.type == "private":
            return "member" if user_id == chat.id else "left"
        if user_id not in chat.members:
            return "left"
        if user_id == chat.creator:
            return "creator"
        return "administrator" if user_id in chat.admins else "member"

    # -- messages -------------------------------------------------------------

    def add_message(self, chat: Chat, sender: User, **fields: Any) -> Message:
        """Append a message to ``chat`` with the next message id and today's date."""
        message = Message(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            date=self.clock.unix(),
            sender=sender,
            **fields,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        self.notify()
        return message

    def message_dict(self, message: Message, *, nested: bool = True) -> JSON:
        """The Telegram ``Message`` object (reply_to_message nested one level)."""
        chat = self.chats[message.chat_id]
        data: JSON = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": chat.to_dict(),
            "from": message.sender.to_dict(),
        }
        if message.text is not None and (message.text or not message.has_media):
            key = "caption" if message.has_media else "text"
            data[key] = message.text
            if message.entities:
                data[f"{key}_entities" if message.has_media else "entities"] = message.entities
        if message.reply_to is not None and nested:
            target = chat.messages.get(message.reply_to)
            if target is not None and not target.deleted:
                data["reply_to_message"] = self.message_dict(target, nested=False)
        if message.document is not None:
            data["document"] = message.document
        if message.photo is not None:
            data["photo"] = message.photo
        if message.reply_markup is not None:
            data["reply_markup"] = message.reply_markup
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        data.update(message.service)
        return data

    def record(self, message: Message) -> JSON:
        """A message as the test API shows it: Telegram fields plus sandbox extras."""
        data = self.message_dict(message)
        data.update(
            {
                "chat_id": message.chat_id,
                "from_bot": message.from_bot,
                "html": message.html,
                "parse_mode": message.parse_mode,
                "edits": list(message.edits),
                "deleted": message.deleted,
                "delivered": message.delivered,
                "disable_notification": message.disable_notification,
                "reply_keyboard": message.reply_keyboard,
                "link_preview_options": message.link_preview_options,
            }
        )
        return data

    # -- updates --------------------------------------------------------------

    def enqueue(self, kind: str, payload: JSON) -> int | None:
        """Queue an update for the bot unless its allowed_updates exclude ``kind``."""
        allowed = self.allowed_updates or DEFAULT_ALLOWED_UPDATES
        if kind not in allowed:
            return None
        update_id = self.ids.next_update()
        self.updates.append({"update_id": update_id, kind: payload})
        self.notify()
        return update_id

    def confirm(self, offset: int) -> None:
        """Forget updates before ``offset`` (negative: keep only the last -offset)."""
        if offset < 0:
            self.updates = self.updates[offset:]
        elif offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def my_chat_member(self, chat: Chat, by: User, old: str, new: str) -> int | None:
        """Queue the bot's own membership change in ``chat``."""
        return self.enqueue(
            "my_chat_member",
            {
                "chat": chat.to_dict(),
                "from": by.to_dict(),
                "date": self.clock.unix(),
                "old_chat_member": member_dict(self.bot, old),
                "new_chat_member": member_dict(self.bot, new),
            },
        )

    # -- files ----------------------------------------------------------------

    def store_file(
        self,
        content: bytes,
        *,
        file_name: str | None,
        mime_type: str | None,
        kind: str,
        size: tuple[int, int] = (0, 0),
    ) -> StoredFile:
        seq = self.ids.next_file()
        prefix = "AgAC" if kind == "photo" else "BQAC"
        folder = "photos" if kind == "photo" else "documents"
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photo":
            suffix = ".jpg"
        stored = StoredFile(
            file_id=f"{prefix}AgSbx{seq:08d}",
            file_unique_id=f"AQADSbx{seq:06d}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
            kind=kind,
            file_path=f"{folder}/file_{seq}{suffix}",
            width=size[0],
            height=size[1],
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # -- stats ----------------------------------------------------------------

    def record_send(self, method: str, chat: Chat, message: Message) -> None:
        self.stats.sends_per_chat[chat.id] += 1
        self.stats.sends.append(
            {
                "seq": len(self.stats.sends) + 1,
                "method": method,
                "chat_id": chat.id,
                "message_id": message.message_id,
                "t": round(self.clock.elapsed(), 6),
                "time": self.clock.wall(),
                "date": message.date,
            }
        )
