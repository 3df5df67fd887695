"""PTB objects wired to a sandbox: a Bot, an ApplicationBuilder, a polling context.

Kept apart from ``bot.sandbox.testing`` (the pytest plugin) so test modules can
import these helpers without importing the plugin before pytest loads it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import Sandbox


def make_bot(sandbox: Sandbox, token: str | None = None) -> Bot:
    """A plain ``telegram.Bot`` talking to the sandbox (``async with`` it or ``initialize``)."""
    return Bot(
        token or sandbox.token,
        base_url=sandbox.api_url,
        base_file_url=sandbox.file_url,
    )


def application_builder(sandbox: Sandbox) -> ApplicationBuilder:
    """An ``ApplicationBuilder`` with token and URLs set for the sandbox."""
    return (
        Application.builder()
        .token(sandbox.token)
        .base_url(sandbox.api_url)
        .base_file_url(sandbox.file_url)
    )


@asynccontextmanager
async def polling(app: Application, *, poll_timeout: int = 1) -> AsyncIterator[Application]:
    """Initialize, start and long-poll ``app``; stop everything on exit.

    ``poll_timeout`` is getUpdates' long-poll timeout: short, so stopping is quick.
    """
    async with app:
        await app.start()
        if app.updater is None:
            raise RuntimeError("the application was built without an updater")
        await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def handling(app: Application[Any, Any, Any, Any, Any, Any] | None) -> bool:
    """Updates fetched and not yet handled, a handler still running, or
    messages the rate limiter holds back (a full window)."""
    if app is None:
        return False
    return (
        not app.update_queue.empty()
        or app.update_processor.current_concurrent_updates > 0
        or getattr(app.bot.rate_limiter, "waiting", 0) > 0
    )


async def wait_until_idle(
    client: SandboxClient,
    app: Application[Any, Any, Any, Any, Any, Any] | None,
    *,
    quiet_for: float,
    timeout: float,  # noqa: ASYNC109
) -> None:
    """Until the sandbox holds no update for the bot, ``app`` is `handling`
    nothing, and the bot made no API call (other than polling) for
    ``quiet_for`` seconds."""
    deadline = time.monotonic() + timeout
    last_calls = -1
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        stats = await client.stats()
        calls = sum(n for method, n in stats["requests"].items() if method != "getUpdates")
        busy = stats["pending_updates"] > 0 or handling(app)
        if busy or calls != last_calls:
            last_calls = calls
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_for:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the bot did not become idle")
