"""End-to-end fixtures: the real bot against the sandbox, on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.runtime import Runtime
from storage.database import Database
from tests.conftest import make_settings
from tests.e2e.harness import BotHarness


@pytest.fixture
def e2e_runtime(sqlite_database: Database, clock: ManualClock) -> Runtime:
    return Runtime(
        settings=make_settings(sqlite_database.url), database=sqlite_database, clock=clock
    )


@pytest.fixture
async def harness(e2e_runtime: Runtime) -> AsyncIterator[BotHarness]:
    async with BotHarness(e2e_runtime) as running:
        yield running
