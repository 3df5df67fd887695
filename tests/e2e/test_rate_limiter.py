"""The bot's rate limiter (bot/rate_limit.py) against the sandbox's flood control.

The sandbox enforces Telegram's windows; the limiter must keep every message
inside them, so the sandbox answers no 429. On a shared clock that only moves
when the limiter sleeps, a minute-long group window costs no real time; the
overall window is also checked on real time with real concurrent requests.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import ExtBot

import bot.app
from bot.rate_limit import GROUP, OVERALL, PRIVATE, Limit, SlidingWindowRateLimiter
from bot.sandbox import Sandbox, SandboxClient, SandboxConfig


class JumpingClock:
    """Monotonic time shared by the sandbox and the limiter: a sleep jumps it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def ext_bot(sandbox: Sandbox, limiter: SlidingWindowRateLimiter) -> ExtBot[Any]:
    return ExtBot(
        sandbox.token,
        base_url=sandbox.api_url,
        base_file_url=sandbox.file_url,
        rate_limiter=limiter,
    )


@pytest_asyncio.fixture
async def jumping() -> AsyncIterator[tuple[Sandbox, JumpingClock]]:
    clock = JumpingClock()
    async with Sandbox(SandboxConfig(), clock=clock) as instance:
        yield instance, clock


async def _groups(client: SandboxClient, count: int) -> list[int]:
    user = await client.create_user("Hà")
    return [
        int(
            (await client.create_chat("group", f"Nhóm {n}", members=[user["id"]], with_bot=True))[
                "id"
            ]
        )
        for n in range(count)
    ]


def _times(stats: dict[str, Any], chat_id: int | None = None) -> list[float]:
    return [s["t"] for s in stats["sends"] if chat_id is None or s["chat_id"] == chat_id]


def test_the_app_uses_the_sliding_window_limiter_at_telegrams_limits() -> None:
    limiter = bot.app.rate_limiter(2)
    assert isinstance(limiter, SlidingWindowRateLimiter) and limiter.max_retries == 2
    assert (OVERALL, GROUP, PRIVATE) == (Limit(30, 1.0), Limit(20, 60.0), Limit(1, 1.0))


async def test_a_group_gets_its_twenty_first_message_a_minute_later_without_a_429(
    jumping: tuple[Sandbox, JumpingClock],
) -> None:
    sandbox, clock = jumping
    limiter = SlidingWindowRateLimiter(clock=clock, sleep=clock.sleep)
    async with sandbox.client() as client, ext_bot(sandbox, limiter) as sender:
        [group] = await _groups(client, 1)
        for n in range(25):
            await sender.send_message(group, f"nhắc {n}")
        stats = await client.stats()
    assert stats["responses_429"] == 0
    times = _times(stats, group)
    assert len(times) == 25 and times[19] - times[0] < 1.0 and times[20] - times[0] >= 60.0


async def test_thirty_five_groups_take_two_overall_windows_without_a_429(
    jumping: tuple[Sandbox, JumpingClock],
) -> None:
    sandbox, clock = jumping
    limiter = SlidingWindowRateLimiter(clock=clock, sleep=clock.sleep)
    async with sandbox.client() as client, ext_bot(sandbox, limiter) as sender:
        groups = await _groups(client, 35)
        for group in groups:
            await sender.send_message(group, "nhắc việc")
        stats = await client.stats()
    assert stats["responses_429"] == 0
    times = _times(stats)
    assert times[30] - times[0] >= 1.0 and times[29] - times[0] < 1.0


async def test_a_private_chat_gets_one_message_a_second_under_a_strict_sandbox(
    jumping: tuple[Sandbox, JumpingClock],
) -> None:
    sandbox, clock = jumping
    limiter = SlidingWindowRateLimiter(clock=clock, sleep=clock.sleep)
    async with sandbox.client() as client, ext_bot(sandbox, limiter) as sender:
        user = await client.create_user("Tú")
        await client.send_message(user["id"], user["id"], "/start")
        await client.set_rate_limits(private_burst=1)  # exactly one a second, no burst
        for n in range(4):
            await sender.send_message(user["id"], f"trả lời {n}")
        stats = await client.stats()
    assert stats["responses_429"] == 0
    times = _times(stats, user["id"])
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))


@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_concurrent_sends_on_real_time_stay_inside_the_overall_window() -> None:
    """Twenty requests at once against a sandbox that allows five a second.

    A wide margin keeps the machine's load from mattering: this checks the
    windows, not how much jitter 50 ms absorbs (the benchmark measures that).
    """
    limiter = SlidingWindowRateLimiter(overall=Limit(5, 1.0), margin=0.3, max_retries=3)
    sandbox = Sandbox(SandboxConfig(global_rate_per_second=5))
    async with sandbox, sandbox.client() as client, ext_bot(sandbox, limiter) as sender:
        groups = await _groups(client, 20)
        await asyncio.gather(*(sender.send_message(g, "nhắc việc") for g in groups))
        stats = await client.stats()
    assert stats["responses_429"] == 0
    times = sorted(_times(stats))
    assert len(times) == 20
    assert all(late - early >= 1.0 for early, late in zip(times, times[5:], strict=False))
