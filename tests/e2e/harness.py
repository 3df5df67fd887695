"""The real python-telegram-bot Application, long-polling the sandbox over
HTTP, on a test database and a ManualClock.

    async with BotHarness(runtime) as bot:
        alice = await bot.user("Lan")
        reply = await bot.say(alice["id"], alice["id"], "/start")

`say` posts as a user and waits for the bot's next message in that chat;
`idle` waits until the bot has handled everything posted so far (for
asserting that it said nothing, or changed nothing).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from pydantic import SecretStr

from bot.app import build_application
from bot.runtime import Runtime
from bot.sandbox import Sandbox, SandboxClient, SandboxConfig
from bot.sandbox.ptb import polling, wait_until_idle
from handlers.context import BotApplication

JSON = dict[str, Any]


class BotHarness:
    def __init__(
        self,
        runtime: Runtime,
        *,
        sandbox_config: SandboxConfig | None = None,
        with_jobs: bool = False,
        sandbox: Sandbox | None = None,
    ) -> None:
        self.runtime = runtime
        self._own_sandbox = sandbox is None
        self.sandbox = sandbox or Sandbox(sandbox_config or SandboxConfig())
        self._with_jobs = with_jobs
        self._polling: Any = None
        self.app: BotApplication
        self.client: SandboxClient

    async def __aenter__(self) -> BotHarness:
        if self._own_sandbox:
            await self.sandbox.start()
        self.runtime.settings = self.runtime.settings.model_copy(
            update={
                "TELEGRAM_API_URL": self.sandbox.url,
                "TELEGRAM_BOT_TOKEN": SecretStr(self.sandbox.token),
            }
        )
        self.app = build_application(self.runtime, schedule_jobs=self._with_jobs)
        self._polling = polling(self.app)  # type: ignore[arg-type]
        await self._polling.__aenter__()
        if self.app.post_init is not None:  # run_polling() calls it; mirror that
            await self.app.post_init(self.app)
        self.client = self.sandbox.client()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.client.aclose()
        await self._polling.__aexit__(exc_type, exc, tb)
        if self.app.post_shutdown is not None:
            await self.app.post_shutdown(self.app)
        if self._own_sandbox:
            await self.sandbox.stop()

    # -- people and chats ---------------------------------------------------------

    async def user(self, first_name: str, username: str | None = None, **kw: Any) -> JSON:
        return await self.client.create_user(first_name, username=username, **kw)

    async def group(
        self, title: str, members: list[JSON], *, added_by: JSON, privacy: bool = True
    ) -> JSON:
        """A group with the bot in it, added by `added_by`."""
        chat = await self.client.create_chat(
            "group", title=title, privacy=privacy, members=[m["id"] for m in members]
        )
        await self.client.add_bot(chat["id"], added_by["id"])
        await self.idle()
        return chat

    # -- talking ------------------------------------------------------------------

    async def post(
        self, chat_id: int, user: JSON | int, text: str, *, reply_to: int | None = None
    ) -> JSON:
        """Post as a user without waiting for an answer."""
        user_id = user if isinstance(user, int) else user["id"]
        return await self.client.send_message(chat_id, user_id, text, reply_to_message_id=reply_to)

    async def say(
        self,
        chat_id: int,
        user: JSON | int,
        text: str,
        *,
        reply_to: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> JSON:
        """Post as a user and return the bot's next message in that chat."""
        message = await self.post(chat_id, user, text, reply_to=reply_to)
        return await self.client.wait_for_bot_message(
            chat_id, after_message_id=message["message_id"], timeout=timeout
        )

    async def press(self, chat_id: int, message: JSON, user: JSON | int, data: str) -> str:
        user_id = user if isinstance(user, int) else user["id"]
        return await self.client.press_button(chat_id, message["message_id"], user_id, data)

    async def bot_messages(self, chat_id: int) -> list[JSON]:
        return await self.client.messages(chat_id)

    async def idle(self, quiet_for: float = 0.15, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every posted update is handled and the bot stopped calling
        the API (other than polling) for `quiet_for` seconds."""
        await wait_until_idle(self.client, self.app, quiet_for=quiet_for, timeout=timeout)
