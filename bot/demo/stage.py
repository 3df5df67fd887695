"""The demo's stage: an in-process sandbox, the real Application polling it,
and one simulated clock that moves both the bot's time and the sandbox's.

The bot's clock is a ManualClock (what `runtime.now()` reads); the sandbox's
clock drives Telegram's flood limits and outages. Moving them together keeps
"20 messages a minute in a group" a rule about simulated minutes, so a week
of the story can pass in seconds without breaking Telegram's limits.

The JobQueue is not scheduled (it runs on real time); the story runs the
real job callbacks (jobs/reminders.py, jobs/digest.py) itself at the
simulated times they are due, with the context PTB would give them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr
from telegram.error import TelegramError

import bot.app as composition
from bot.clock import ManualClock
from bot.rate_limit import SlidingWindowRateLimiter
from bot.runtime import Runtime
from bot.sandbox import Sandbox, SandboxClient, SandboxConfig
from bot.sandbox.ptb import wait_until_idle
from handlers.context import BotApplication, BotContext

JSON = dict[str, Any]
POLL_TIMEOUT = 1  # getUpdates' long poll, short so that a stop is quick
Job = Callable[[BotContext], Awaitable[None]]


def simulated_time_limiter(max_retries: int = 3) -> SlidingWindowRateLimiter:
    """The bot's limiter for a bot on a fast clock.

    The limiter paces sends on the real clock: its per-chat windows (20 a
    minute in a group, one a second in a private chat) would make a week
    compressed into seconds wait minutes. The sandbox still enforces
    Telegram's limits, on the simulated clock, and a 429 from it is retried
    as usual; only the bot's own real-time per-chat pacing is off.
    """
    return SlidingWindowRateLimiter(group=None, private=None, max_retries=max_retries)


def build_for_stage(runtime: Runtime, *, retries: int = 3) -> BotApplication:
    """The composition root's Application, with the simulated-time limiter
    and no JobQueue schedules (the stage runs the jobs on its own clock).

    bot.app.build_application has no limiter argument, so the factory it
    calls is swapped for the duration of the call.
    """
    original = composition.rate_limiter
    composition.rate_limiter = simulated_time_limiter
    try:
        return composition.build_application(
            runtime, rate_limiter_retries=retries, schedule_jobs=False
        )
    finally:
        composition.rate_limiter = original


@dataclass
class Stage:
    """Sandbox + Application + the simulated clock. `async with Stage(...)`."""

    runtime: Runtime
    sandbox_config: SandboxConfig = field(default_factory=SandboxConfig)
    retries: int = 3
    sandbox: Sandbox | None = None
    app: BotApplication | None = None
    client: SandboxClient | None = None
    failed_starts: int = 0
    _own_sandbox: bool = False

    @property
    def clock(self) -> ManualClock:
        clock = self.runtime.clock
        if not isinstance(clock, ManualClock):
            raise TypeError("the stage needs a ManualClock")
        return clock

    @property
    def api(self) -> SandboxClient:
        if self.client is None:
            raise RuntimeError("the stage is not started")
        return self.client

    @property
    def application(self) -> BotApplication:
        if self.app is None:
            raise RuntimeError("the bot is not running")
        return self.app

    # -- lifecycle ----------------------------------------------------------------

    async def open_sandbox(self) -> SandboxClient:
        """Start the sandbox (users and chats can be made before the bot runs)."""
        if self.sandbox is None:
            self.sandbox = Sandbox(self.sandbox_config)
            self._own_sandbox = True
        if self.sandbox._server is None:
            await self.sandbox.start()
        if self.client is None:
            self.client = self.sandbox.client()
        return self.client

    async def start_bot(self, *, attempts: int = 1) -> BotApplication:
        """Build the Application on the runtime and long-poll the sandbox.

        A start can fail like a real process's does (Telegram answering
        getMe or deleteWebhook with an error): with `attempts` > 1 the stage
        starts a fresh Application again, as a process supervisor would;
        `failed_starts` counts the failures.
        """
        await self.open_sandbox()
        assert self.sandbox is not None
        self.runtime.settings = self.runtime.settings.model_copy(
            update={
                "TELEGRAM_API_URL": self.sandbox.url,
                "TELEGRAM_BOT_TOKEN": SecretStr(self.sandbox.token),
            }
        )
        for attempt in range(attempts):
            app = build_for_stage(self.runtime, retries=self.retries)
            try:
                await self._launch(app)
            except TelegramError:
                self.failed_starts += 1
                if attempt + 1 == attempts:
                    raise
                await asyncio.sleep(0.05)
                continue
            self.app = app
            return app
        raise AssertionError("unreachable")

    @staticmethod
    async def _launch(app: BotApplication) -> None:
        """initialize, start, poll, post_init (what run_polling does); undone on failure."""
        await app.initialize()
        try:
            await app.start()
            if app.updater is None:
                raise RuntimeError("the application was built without an updater")
            await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
            if app.post_init is not None:
                await app.post_init(app)
        except BaseException:
            await Stage._halt(app)
            raise

    @staticmethod
    async def _halt(app: BotApplication) -> None:
        """Stop polling and the Application, whatever state a start left them in."""
        with contextlib.suppress(Exception):
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
        with contextlib.suppress(Exception):
            if app.running:
                await app.stop()
        with contextlib.suppress(Exception):
            await app.shutdown()

    async def stop_bot(self) -> None:
        """Stop polling and shut the Application down, as on SIGTERM (the
        database engine is disposed and reopens on next use)."""
        app, self.app = self.app, None
        if app is None:
            return
        await self._halt(app)
        if app.post_shutdown is not None:
            await app.post_shutdown(app)

    async def restart_bot(self) -> BotApplication:
        """A new process's worth of Application on the same database and sandbox."""
        await self.stop_bot()
        return await self.start_bot()

    async def close(self) -> None:
        await self.stop_bot()
        if self.client is not None:
            await self.client.aclose()
            self.client = None
        if self.sandbox is not None and self._own_sandbox:
            await self.sandbox.stop()

    async def __aenter__(self) -> Stage:
        await self.start_bot()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- time ---------------------------------------------------------------------

    async def advance(self, delta: timedelta) -> None:
        """Move the bot's clock and the sandbox's clock forward together."""
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self.clock.advance(delta)
        if delta and self.client is not None:
            await self.client.advance_clock(delta.total_seconds())

    async def advance_to(self, instant: datetime) -> None:
        await self.advance(max(instant - self.clock.now(), timedelta(0)))

    async def run_job(self, job: Job) -> None:
        """Run a job callback now, with the context PTB gives a job (its Application)."""
        await job(BotContext(self.application))

    # -- people ---------------------------------------------------------------------

    async def post(
        self, chat_id: int, user_id: int, text: str, *, reply_to: int | None = None
    ) -> JSON:
        return await self.api.send_message(chat_id, user_id, text, reply_to_message_id=reply_to)

    async def press(self, chat_id: int, message_id: int, user_id: int, data: str) -> str:
        return await self.api.press_button(chat_id, message_id, user_id, data)

    async def idle(self, quiet_for: float = 0.05, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has handled every update and stopped calling the API
        (other than polling) for `quiet_for` seconds."""
        await wait_until_idle(self.api, self.app, quiet_for=quiet_for, timeout=timeout)
