"""The users' side: what tests and the demo do to the fake Telegram.

These operations are served under ``/sandbox/<name>`` (JSON in, JSON out) and
wrapped by ``SandboxClient``. They play the people: create users and chats,
post messages and files, press buttons, block the bot, upgrade a group. They
also expose what the bot did (messages, answers, commands, stats) and the
knobs (faults, rate limits, the clock).

Who sees what follows Telegram's group privacy mode (on by default): in a
group the bot receives commands (``/cmd`` or ``/cmd@<bot>``, not
``/cmd@other_bot``), replies to its own messages, messages mentioning
``@<bot>``, service messages, and all button presses. With privacy off, in
private chats, and when the bot is a group administrator it receives every
message. Every posted message records ``delivered`` accordingly.
"""

from __future__ import annotations

import asyncio
import base64
import mimetypes
from dataclasses import asdict, fields
from typing import Any

from bot.sandbox.content import MAX_CAPTION, MAX_TEXT
from bot.sandbox.entities import command_of, detect_entities, mentions
from bot.sandbox.errors import SandboxError
from bot.sandbox.faults import FaultInjector
from bot.sandbox.html import escape
from bot.sandbox.limits import RateLimiter, RateLimits
from bot.sandbox.state import JSON, Chat, Message, PendingCallback, SandboxState, User

#: Operation names served over HTTP; everything else is private.
OPERATIONS = (
    "create_user",
    "create_chat",
    "chat",
    "add_bot",
    "remove_bot",
    "add_member",
    "remove_member",
    "set_privacy",
    "block_bot",
    "unblock_bot",
    "send_message",
    "send_document",
    "press_button",
    "migrate_to_supergroup",
    "messages",
    "wait_for_bot_message",
    "wait_for_callback_answer",
    "callback_answers",
    "commands",
    "updates",
    "stats",
    "set_faults",
    "set_rate_limits",
    "advance_clock",
    "reset",
)


class TestApi:
    """Test-API operations over a ``SandboxState``."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        state: SandboxState,
        limiter: RateLimiter,
        faults: FaultInjector,
        base_limits: RateLimits,
    ) -> None:
        self.state = state
        self.limiter = limiter
        self.faults = faults
        self._base_limits = base_limits
        self._base_faults = asdict(faults.settings)

    # -- lookups ------------------------------------------------------------------

    def _user(self, user_id: Any) -> User:
        user = self.state.users.get(int(user_id))
        if user is None:
            raise SandboxError(f"unknown user {user_id}")
        return user

    def _chat(self, chat_id: Any) -> Chat:
        chat = self.state.chats.get(int(chat_id))
        if chat is None:
            raise SandboxError(f"unknown chat {chat_id}")
        return chat

    def _group(self, chat_id: Any) -> Chat:
        chat = self._chat(chat_id)
        if not chat.is_group:
            raise SandboxError(f"chat {chat_id} is not a group")
        if chat.migrated_to is not None:
            raise SandboxError(f"chat {chat_id} was upgraded to {chat.migrated_to}")
        return chat

    def _member_of(self, chat: Chat, user: User) -> None:
        if chat.is_group and user.id not in chat.members:
            raise SandboxError(f"user {user.id} is not a member of chat {chat.id}")

    def chat_info(self, chat: Chat) -> JSON:
        return {
            **chat.to_dict(),
            "privacy": chat.privacy,
            "members": list(chat.members),
            "admins": sorted(chat.admins),
            "creator": chat.creator,
            "bot_status": chat.bot_status,
            "migrated_to": chat.migrated_to,
            "migrated_from": chat.migrated_from,
        }

    def chat(self, chat_id: int) -> JSON:
        return self.chat_info(self._chat(chat_id))

    # -- people and chats -------------------------------------------------------------

    def create_user(
        self,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "vi",
    ) -> JSON:
        if username and self.state.find_by_username(username) is not None:
            raise SandboxError(f"username @{username} is taken")
        user = User(
            id=self.state.ids.next_user(),
            first_name=first_name,
            username=username.lstrip("@") if username else None,
            last_name=last_name,
            language_code=language_code,
        )
        self.state.users[user.id] = user
        return user.to_dict()

    def create_chat(
        self,
        type: str = "group",
        title: str | None = None,
        privacy: bool = True,
        members: list[int] | None = None,
        admins: list[int] | None = None,
        with_bot: bool = False,
        username: str | None = None,
    ) -> JSON:
        """Create a chat; a private chat's id is its user's id (the user started the bot).

        ``members[0]`` is the group's creator. ``with_bot`` puts the bot in the
        group from the start (a "group created" service message and a
        my_chat_member update, both from the creator).
        """
        users = [self._user(uid) for uid in members or []]
        if type == "private":
            if len(users) != 1:
                raise SandboxError("a private chat needs exactly one member: the user")
            return self.chat_info(self._private_chat(users[0]))
        if type not in ("group", "supergroup"):
            raise SandboxError(f"unsupported chat type {type!r}")
        chat = Chat(
            id=self.state.ids.next_chat(type),
            type=type,
            title=title or f"Nhóm {len(self.state.chats) + 1}",
            username=username.lstrip("@") if username else None,
            privacy=privacy,
            members=[u.id for u in users],
            admins={int(a) for a in admins or []},
            creator=users[0].id if users else None,
        )
        if not chat.admins <= set(chat.members):
            raise SandboxError("admins must be members")
        self.state.chats[chat.id] = chat
        if with_bot:
            if not users:
                raise SandboxError("with_bot needs a member to add the bot")
            self._bot_joins(chat, users[0], "member", created=type == "group")
        return self.chat_info(chat)

    def _private_chat(self, user: User) -> Chat:
        chat = self.state.chats.get(user.id)
        if chat is None:
            chat = Chat(
                id=user.id,
                type="private",
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
                members=[user.id],
                bot_status="kicked" if user.blocked_bot else "member",
                bot_ever_member=True,
            )
            self.state.chats[chat.id] = chat
        return chat

    def _bot_joins(self, chat: Chat, by: User, status: str, *, created: bool = False) -> None:
        old = chat.bot_status
        chat.bot_status = status
        chat.bot_removed = False
        chat.bot_ever_member = True
        self.state.my_chat_member(chat, by, old, status)
        service: JSON = (
            {"group_chat_created": True}
            if created
            else {"new_chat_members": [self.state.bot.to_dict()]}
        )
        self._deliver(chat, self.state.add_message(chat, by, service=service))

    def add_bot(self, chat_id: int, by_user: int, as_admin: bool = False) -> JSON:
        chat = self._group(chat_id)
        by = self._user(by_user)
        self._member_of(chat, by)
        if chat.bot_present:
            raise SandboxError(f"the bot is already in chat {chat_id}")
        self._bot_joins(chat, by, "administrator" if as_admin else "member")
        return self.chat_info(chat)

    def remove_bot(self, chat_id: int, by_user: int) -> JSON:
        """The bot is removed: "left" in a basic group, "kicked" in a supergroup."""
        chat = self._group(chat_id)
        by = self._user(by_user)
        self._member_of(chat, by)
        if not chat.bot_present:
            raise SandboxError(f"the bot is not in chat {chat_id}")
        message = self.state.add_message(
            chat, by, service={"left_chat_member": self.state.bot.to_dict()}
        )
        self._deliver(chat, message, force=True)
        old = chat.bot_status
        chat.bot_status = "kicked" if chat.type == "supergroup" else "left"
        chat.bot_removed = True
        self.state.my_chat_member(chat, by, old, chat.bot_status)
        return self.chat_info(chat)

    def add_member(self, chat_id: int, user_id: int, by_user: int | None = None) -> JSON:
        chat = self._group(chat_id)
        user = self._user(user_id)
        if user.id in chat.members:
            raise SandboxError(f"user {user_id} is already in chat {chat_id}")
        by = self._user(by_user) if by_user is not None else user
        chat.members.append(user.id)
        message = self.state.add_message(chat, by, service={"new_chat_members": [user.to_dict()]})
        self._deliver(chat, message)
        return self.state.record(message)

    def remove_member(self, chat_id: int, user_id: int, by_user: int | None = None) -> JSON:
        chat = self._group(chat_id)
        user = self._user(user_id)
        if user.id not in chat.members:
            raise SandboxError(f"user {user_id} is not in chat {chat_id}")
        by = self._user(by_user) if by_user is not None else user
        chat.members.remove(user.id)
        chat.admins.discard(user.id)
        message = self.state.add_message(chat, by, service={"left_chat_member": user.to_dict()})
        self._deliver(chat, message)
        return self.state.record(message)

    def set_privacy(self, chat_id: int, privacy: bool) -> JSON:
        chat = self._group(chat_id)
        chat.privacy = bool(privacy)
        return self.chat_info(chat)

    def block_bot(self, user_id: int) -> JSON:
        """The user blocks the bot: sends to them get 403 until they write again."""
        user = self._user(user_id)
        if not user.blocked_bot:
            user.blocked_bot = True
            chat = self.state.chats.get(user.id)
            if chat is not None:
                chat.bot_status = "kicked"
                self.state.my_chat_member(chat, user, "member", "kicked")
        return user.to_dict()

    def unblock_bot(self, user_id: int) -> JSON:
        user = self._user(user_id)
        if user.blocked_bot:
            user.blocked_bot = False
            chat = self.state.chats.get(user.id)
            if chat is not None:
                chat.bot_status = "member"
                self.state.my_chat_member(chat, user, "kicked", "member")
        return user.to_dict()

    # -- posting ------------------------------------------------------------------

    def _posting_chat(self, chat_id: int, user: User) -> Chat:
        if int(chat_id) == user.id:
            if user.blocked_bot:
                self.unblock_bot(user.id)
            return self._private_chat(user)
        chat = self._chat(chat_id)
        if chat.migrated_to is not None:
            raise SandboxError(f"chat {chat_id} was upgraded to {chat.migrated_to}")
        if chat.type == "private":
            raise SandboxError(f"user {user.id} cannot post in another user's private chat")
        self._member_of(chat, user)
        return chat

    def _reply_to(self, chat: Chat, message_id: int | None) -> int | None:
        if message_id is None:
            return None
        target = chat.messages.get(int(message_id))
        if target is None or target.deleted:
            raise SandboxError(f"no message {message_id} in chat {chat.id}")
        return target.message_id

    def bot_sees(self, chat: Chat, message: Message) -> bool:
        """Whether Telegram would deliver this user message to the bot (privacy mode)."""
        if not chat.bot_present:
            return False
        if chat.type == "private" or not chat.privacy or chat.bot_status == "administrator":
            return True
        if message.service:
            return True
        command = command_of(message.text, message.entities)
        bot_name = (self.state.bot.username or "").lower()
        if command is not None:
            return command[1] is None or command[1].lower() == bot_name
        if message.reply_to is not None:
            target = chat.messages.get(message.reply_to)
            if target is not None and target.from_bot:
                return True
        return any(name.lower() == bot_name for name in mentions(message.text, message.entities))

    def _deliver(self, chat: Chat, message: Message, *, force: bool = False) -> bool:
        delivered = False
        if force or self.bot_sees(chat, message):
            payload = self.state.message_dict(message)
            delivered = self.state.enqueue("message", payload) is not None
        message.delivered = delivered
        return delivered

    @staticmethod
    def _user_text(text: str | None, limit: int) -> tuple[str | None, list[Any]]:
        if text is None:
            return None, []
        text = text.strip()
        if len(text) > limit:
            raise SandboxError(f"text longer than {limit} characters")
        return text, detect_entities(text)

    def send_message(
        self,
        chat_id: int,
        from_user: int,
        text: str,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Post a text as ``from_user``; the result has ``delivered`` (did the bot get it)."""
        user = self._user(from_user)
        chat = self._posting_chat(chat_id, user)
        body, entities = self._user_text(text, MAX_TEXT)
        if not body:
            raise SandboxError("message text is empty")
        message = self.state.add_message(
            chat,
            user,
            text=body,
            entities=entities,
            html=escape(body),
            reply_to=self._reply_to(chat, reply_to_message_id),
        )
        self._deliver(chat, message)
        return self.state.record(message)

    def send_document(
        self,
        chat_id: int,
        from_user: int,
        filename: str,
        content: bytes | None = None,
        caption: str | None = None,
        reply_to: int | None = None,
        mime_type: str | None = None,
        content_b64: str | None = None,
    ) -> JSON:
        """Post a file as ``from_user`` (over HTTP the bytes travel as ``content_b64``)."""
        user = self._user(from_user)
        chat = self._posting_chat(chat_id, user)
        if content is None:
            content = base64.b64decode(content_b64 or "")
        if not content:
            raise SandboxError("the file is empty")
        body, entities = self._user_text(caption, MAX_CAPTION)
        stored = self.state.store_file(
            content,
            file_name=filename,
            mime_type=mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
            kind="document",
        )
        message = self.state.add_message(
            chat,
            user,
            text=body,
            entities=entities,
            html=escape(body) if body else None,
            reply_to=self._reply_to(chat, reply_to),
            document=stored.document(),
        )
        self._deliver(chat, message)
        return self.state.record(message)

    def press_button(self, chat_id: int, message_id: int, from_user: int, data: str) -> str:
        """Press an inline button; returns the callback query id the bot must answer."""
        user = self._user(from_user)
        chat = self._chat(chat_id)
        self._member_of(chat, user)
        message = chat.messages.get(int(message_id))
        if message is None or message.deleted or not message.from_bot:
            raise SandboxError(f"no bot message {message_id} in chat {chat_id}")
        if not any(b.get("callback_data") == data for b in message.buttons()):
            raise SandboxError(f"message {message_id} has no button with callback_data {data!r}")
        if not chat.bot_present:
            raise SandboxError(f"the bot is not in chat {chat_id}")
        query_id = str(4_300_000_000_000_000_000 + self.state.ids.next_callback())
        self.state.callbacks[query_id] = PendingCallback(
            id=query_id, user_id=user.id, chat_id=chat.id, message_id=message.message_id, data=data
        )
        self.state.enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_dict(),
                "message": self.state.message_dict(message),
                "chat_instance": str(abs(chat.id) * 7919 % 10**18),
                "data": data,
            },
        )
        return query_id

    def migrate_to_supergroup(self, chat_id: int) -> int:
        """Upgrade a basic group; returns the new supergroup id (the old id stops working)."""
        old = self._group(chat_id)
        if old.type != "group":
            raise SandboxError(f"chat {chat_id} is already a supergroup")
        if not old.members:
            raise SandboxError("a group without members cannot be upgraded")
        new = Chat(
            id=self.state.ids.next_chat("supergroup"),
            type="supergroup",
            title=old.title,
            privacy=old.privacy,
            members=list(old.members),
            admins=set(old.admins),
            creator=old.creator,
            bot_status=old.bot_status,
            bot_removed=old.bot_removed,
            bot_ever_member=old.bot_ever_member,
            migrated_from=old.id,
        )
        self.state.chats[new.id] = new
        by = self._user(old.creator if old.creator is not None else old.members[0])
        self._deliver(old, self.state.add_message(old, by, service={"migrate_to_chat_id": new.id}))
        old.migrated_to = new.id
        self._deliver(
            new, self.state.add_message(new, by, service={"migrate_from_chat_id": old.id})
        )
        return new.id

    # -- what the bot did -------------------------------------------------------------

    def messages(self, chat_id: int, include_users: bool = False) -> list[JSON]:
        """The bot's messages in a chat (current text, html, markup, edit history, files)."""
        chat = self._chat(chat_id)
        return [self.state.record(m) for m in chat.messages.values() if include_users or m.from_bot]

    async def wait_for_bot_message(
        self,
        chat_id: int,
        after_message_id: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test-API argument, waited for here
    ) -> JSON:
        """The first bot message in the chat with an id above ``after_message_id``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            chat = self._chat(chat_id)
            for message in chat.messages.values():
                if message.from_bot and message.message_id > int(after_message_id):
                    return self.state.record(message)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise SandboxError(
                    f"no bot message in chat {chat_id} after {after_message_id} within {timeout} s"
                )
            await self.state.wait_changed(remaining)

    async def wait_for_callback_answer(
        self,
        callback_query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test-API argument, waited for here
    ) -> JSON:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for answer in self.state.callback_answers:
                if answer["callback_query_id"] == str(callback_query_id):
                    return answer
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise SandboxError(f"callback query {callback_query_id} not answered in time")
            await self.state.wait_changed(remaining)

    def download(self, file_id: str) -> bytes:
        stored = self.state.files.get(file_id)
        if stored is None:
            raise SandboxError(f"unknown file {file_id}")
        return stored.content

    def callback_answers(self) -> list[JSON]:
        return list(self.state.callback_answers)

    def commands(self) -> list[JSON]:
        """Every command list the bot set, with its scope and language ("" = all)."""
        return [
            {
                "scope": self.state.command_scopes.get(key, {"type": "default"}),
                "language_code": language,
                "commands": list(commands),
            }
            for (key, language), commands in self.state.commands.items()
        ]

    def updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by the bot."""
        return list(self.state.updates)

    def stats(self) -> JSON:
        return self.state.stats.to_json(len(self.state.updates))

    # -- knobs ----------------------------------------------------------------------------

    def set_faults(
        self,
        failure_rate: float | None = None,
        drop_rate: float | None = None,
        ack_loss_rate: float | None = None,
        outage_seconds: float | None = None,
    ) -> JSON:
        """Change fault injection; ``None`` leaves a setting as it is, 0 turns it off."""
        settings = self.faults.settings
        for name, value in (
            ("failure_rate", failure_rate),
            ("drop_rate", drop_rate),
            ("ack_loss_rate", ack_loss_rate),
        ):
            if value is not None:
                if not 0.0 <= float(value) <= 1.0:
                    raise SandboxError(f"{name} must be between 0 and 1")
                setattr(settings, name, float(value))
        if outage_seconds is not None:
            self.faults.start_outage(float(outage_seconds))
        return {**asdict(settings), "outage": self.faults.in_outage()}

    def set_rate_limits(self, **limits: Any) -> JSON:
        """Change some limits (a key set to ``None`` disables that limit); windows restart."""
        known = {f.name for f in fields(RateLimits)}
        unknown = set(limits) - known
        if unknown:
            raise SandboxError(f"unknown rate limit settings: {sorted(unknown)}")
        current = asdict(self.limiter.limits)
        current.update(limits)
        self.limiter.configure(RateLimits(**current))
        return asdict(self.limiter.limits)

    def advance_clock(self, seconds: float) -> JSON:
        """Move the sandbox clock forward (rate-limit windows, outages, message dates)."""
        self.state.clock.advance(float(seconds))
        return {"elapsed": self.state.clock.elapsed(), "unix": self.state.clock.unix()}

    def reset(self) -> None:
        """Forget everything and restore configured faults and limits (ids keep counting)."""
        self.state.reset()
        for name, value in self._base_faults.items():
            setattr(self.faults.settings, name, value)
        self.faults.start_outage(0)
        self.limiter.configure(RateLimits(**asdict(self._base_limits)))
