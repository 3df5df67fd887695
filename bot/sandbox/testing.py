"""Pytest fixtures for tests that run the bot against the sandbox.

Load them as a plugin from a test module (or the root conftest)::

    pytest_plugins = ["bot.sandbox.testing"]

and build PTB objects with the helpers in ``bot.sandbox.ptb`` (``make_bot``,
``application_builder``, ``polling``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from telegram import Bot

from bot.sandbox.client import SandboxClient
from bot.sandbox.config import SandboxConfig
from bot.sandbox.ptb import make_bot
from bot.sandbox.server import Sandbox


@pytest_asyncio.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A started sandbox with default settings (limits on, no faults)."""
    async with Sandbox(SandboxConfig()) as instance:
        yield instance


@pytest_asyncio.fixture
async def sandbox_client(sandbox: Sandbox) -> AsyncIterator[SandboxClient]:
    """A test-API client for the ``sandbox`` fixture."""
    async with sandbox.client() as client:
        yield client


@pytest_asyncio.fixture
async def sandbox_bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    """An initialized ``telegram.Bot`` for the ``sandbox`` fixture."""
    async with make_bot(sandbox) as bot:
        yield bot
