"""``SandboxClient``: drive a sandbox's test API over HTTP.

The same client works against an in-process ``Sandbox`` (``sandbox.client()``)
and against one running in another process (``nhacviec sandbox``), so tests
and the demo have one way to play the users.
"""

from __future__ import annotations

import base64
from types import TracebackType
from typing import Any

import httpx

from bot.sandbox.errors import SandboxError

JSON = dict[str, Any]


class SandboxClient:
    """Async client for ``/sandbox/...``; use ``async with`` or call ``aclose()``."""

    def __init__(
        self, url: str, *, timeout: float = 30.0, client: httpx.AsyncClient | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self._own_client = client is None
        # No TLS to verify on a plain-HTTP sandbox; skipping the CA bundle saves ~0.1 s.
        verify = not self.url.startswith("http://")
        self._http = client or httpx.AsyncClient(timeout=timeout, verify=verify)

    async def aclose(self) -> None:
        if self._own_client:
            await self._http.aclose()

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def call(self, operation: str, **kwargs: Any) -> Any:
        """Run one test-API operation; raises ``SandboxError`` when it is refused."""
        # Waiting operations hold the request open on the server for up to ``timeout``.
        wait = kwargs.get("timeout")
        read_timeout = self._http.timeout.read
        if isinstance(wait, int | float) and read_timeout is not None:
            read_timeout = max(read_timeout, float(wait) + 5.0)
        response = await self._http.post(
            f"{self.url}/sandbox/{operation}",
            json=kwargs,
            timeout=httpx.Timeout(self._http.timeout.connect, read=read_timeout),
        )
        try:
            body = response.json()
        except ValueError:
            raise SandboxError(f"{operation}: HTTP {response.status_code}") from None
        if not body.get("ok"):
            raise SandboxError(body.get("description") or f"{operation} failed")
        return body["result"]

    # -- people and chats -------------------------------------------------------------

    async def create_user(
        self,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "vi",
    ) -> JSON:
        """A new Telegram user; the dict has ``id``."""
        result: JSON = await self.call(
            "create_user",
            first_name=first_name,
            username=username,
            last_name=last_name,
            language_code=language_code,
        )
        return result

    async def create_chat(
        self,
        type: str = "group",
        title: str | None = None,
        *,
        privacy: bool = True,
        members: list[int] | None = None,
        admins: list[int] | None = None,
        with_bot: bool = False,
        username: str | None = None,
    ) -> JSON:
        """A chat (``id`` negative for groups; a private chat's id is its user's id)."""
        result: JSON = await self.call(
            "create_chat",
            type=type,
            title=title,
            privacy=privacy,
            members=members or [],
            admins=admins or [],
            with_bot=with_bot,
            username=username,
        )
        return result

    async def chat(self, chat_id: int) -> JSON:
        result: JSON = await self.call("chat", chat_id=chat_id)
        return result

    async def add_bot(self, chat_id: int, by_user: int, *, as_admin: bool = False) -> JSON:
        result: JSON = await self.call(
            "add_bot", chat_id=chat_id, by_user=by_user, as_admin=as_admin
        )
        return result

    async def remove_bot(self, chat_id: int, by_user: int) -> JSON:
        result: JSON = await self.call("remove_bot", chat_id=chat_id, by_user=by_user)
        return result

    async def add_member(self, chat_id: int, user_id: int, by_user: int | None = None) -> JSON:
        result: JSON = await self.call(
            "add_member", chat_id=chat_id, user_id=user_id, by_user=by_user
        )
        return result

    async def remove_member(self, chat_id: int, user_id: int, by_user: int | None = None) -> JSON:
        result: JSON = await self.call(
            "remove_member", chat_id=chat_id, user_id=user_id, by_user=by_user
        )
        return result

    async def set_privacy(self, chat_id: int, privacy: bool) -> JSON:
        result: JSON = await self.call("set_privacy", chat_id=chat_id, privacy=privacy)
        return result

    async def block_bot(self, user_id: int) -> JSON:
        result: JSON = await self.call("block_bot", user_id=user_id)
        return result

    async def unblock_bot(self, user_id: int) -> JSON:
        result: JSON = await self.call("unblock_bot", user_id=user_id)
        return result

    # -- posting ------------------------------------------------------------------

    async def send_message(
        self,
        chat_id: int,
        from_user: int,
        text: str,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Post as a user; the message dict has ``message_id`` and ``delivered``."""
        result: JSON = await self.call(
            "send_message",
            chat_id=chat_id,
            from_user=from_user,
            text=text,
            reply_to_message_id=reply_to_message_id,
        )
        return result

    async def send_document(
        self,
        chat_id: int,
        from_user: int,
        filename: str,
        content: bytes,
        caption: str | None = None,
        reply_to: int | None = None,
        mime_type: str | None = None,
    ) -> JSON:
        """Post a file as a user; ``result["document"]["file_id"]`` identifies it."""
        result: JSON = await self.call(
            "send_document",
            chat_id=chat_id,
            from_user=from_user,
            filename=filename,
            content_b64=base64.b64encode(content).decode("ascii"),
            caption=caption,
            reply_to=reply_to,
            mime_type=mime_type,
        )
        return result

    async def press_button(self, chat_id: int, message_id: int, from_user: int, data: str) -> str:
        """Press an inline button; returns the callback query id."""
        result: str = await self.call(
            "press_button",
            chat_id=chat_id,
            message_id=message_id,
            from_user=from_user,
            data=data,
        )
        return result

    async def migrate_to_supergroup(self, chat_id: int) -> int:
        """Upgrade a group; returns the new supergroup id."""
        result: int = await self.call("migrate_to_supergroup", chat_id=chat_id)
        return result

    # -- what the bot did ------------------------------------------------------------

    async def messages(self, chat_id: int, *, include_users: bool = False) -> list[JSON]:
        """Messages in a chat, the bot's only unless ``include_users``.

        Each is the Telegram Message plus ``html``, ``parse_mode``, ``edits``
        (earlier versions), ``deleted``, ``delivered`` (user messages),
        ``from_bot``, ``reply_keyboard`` and ``disable_notification``.
        """
        result: list[JSON] = await self.call(
            "messages", chat_id=chat_id, include_users=include_users
        )
        return result

    async def wait_for_bot_message(
        self,
        chat_id: int,
        *,
        after_message_id: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server does the waiting
    ) -> JSON:
        """Wait for the bot's first message in the chat after ``after_message_id``."""
        result: JSON = await self.call(
            "wait_for_bot_message",
            chat_id=chat_id,
            after_message_id=after_message_id,
            timeout=timeout,
        )
        return result

    async def wait_for_callback_answer(
        self,
        callback_query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server does the waiting
    ) -> JSON:
        result: JSON = await self.call(
            "wait_for_callback_answer", callback_query_id=callback_query_id, timeout=timeout
        )
        return result

    async def download(self, file_id: str) -> bytes:
        """The bytes of any stored file (sent by the bot or by a user)."""
        response = await self._http.get(f"{self.url}/sandbox/files/{file_id}")
        if response.status_code != 200:
            raise SandboxError(f"download {file_id}: HTTP {response.status_code}")
        return response.content

    async def callback_answers(self) -> list[JSON]:
        result: list[JSON] = await self.call("callback_answers")
        return result

    async def commands(self) -> list[JSON]:
        """Command lists the bot set: ``[{"scope", "language_code", "commands"}]``."""
        result: list[JSON] = await self.call("commands")
        return result

    async def updates(self) -> list[JSON]:
        """Updates queued for the bot and not yet confirmed."""
        result: list[JSON] = await self.call("updates")
        return result

    async def stats(self) -> JSON:
        """Request counts per method, 429s, faults, drops, sends per chat, the send log."""
        result: JSON = await self.call("stats")
        return result

    # -- knobs ------------------------------------------------------------------------

    async def set_faults(
        self,
        *,
        failure_rate: float | None = None,
        drop_rate: float | None = None,
        ack_loss_rate: float | None = None,
        outage_seconds: float | None = None,
    ) -> JSON:
        """Change fault injection (``None`` keeps a setting; 0 turns it off)."""
        result: JSON = await self.call(
            "set_faults",
            failure_rate=failure_rate,
            drop_rate=drop_rate,
            ack_loss_rate=ack_loss_rate,
            outage_seconds=outage_seconds,
        )
        return result

    async def set_rate_limits(self, **limits: int | float | None) -> JSON:
        """Change limits: global_rate_per_second, group_rate_per_minute,
        private_rate_per_second, private_burst (``None`` disables one)."""
        result: JSON = await self.call("set_rate_limits", **limits)
        return result

    async def advance_clock(self, seconds: float) -> JSON:
        """Move the sandbox clock forward (e.g. past a rate-limit window)."""
        result: JSON = await self.call("advance_clock", seconds=seconds)
        return result

    async def reset(self) -> None:
        """Forget all users, chats, messages and files; restore configured limits and faults."""
        await self.call("reset")
