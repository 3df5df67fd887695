"""PTB objects wired to a sandbox: a Bot, an ApplicationBuilder, a polling context.

Kept apart from ``bot.sandbox.testing`` (the pytest plugin) so test modules can
import these helpers without importing the plugin before pytest loads it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

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
