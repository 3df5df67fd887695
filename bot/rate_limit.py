"""Telegram's flood limits as sliding windows, for python-telegram-bot.

Telegram counts the messages a bot sends in sliding windows: about 30 a
second over all chats, 20 a minute in one group, about one a second in one
private chat. A message that would make a window hold more than its limit
when it *arrives* is refused with a 429 and a ``retry_after``. The sandbox
(bot/sandbox/limits.py) enforces the same shape. A leaky bucket (PTB's
AIORateLimiter) has another shape, so it must be tuned below the limit to
never exceed it; a sliding window can use the whole of it.

The windows here count arrivals, which the bot does not see: a message
admitted at ``a`` whose answer came back at ``r`` arrived somewhere in
``[a, r]``. It is counted until ``r`` minus the shortest round trip seen
(the time any answer needs to come back), so a request that stalled
on its way (a busy event loop, a garbage collection, a new connection) holds
its place as long as it may really have arrived late, and a prompt one
leaves at its admission time. A request still in flight is counted until
its answer; a refused one (429) not at all, as Telegram does not count it.
Every window is also widened by a small ``margin`` (50 ms) for what the
round trip cannot tell: a message that reaches Telegram faster than usual
right after one whose answer came back faster than usual.

The overall window's messages are spread across it (at most ``burst``, 3,
at once, then one every 1/30 of the window on an ideal schedule) rather
than sent 30 together: requests sent together queue behind each other and
the last answers late, which would hold their places longer.

Only methods that send a message are limited (``sends_a_message``); other
requests (edits, callback answers, getChat...) go straight through, as the
sandbox counts only sends. A 429 that still happens (another process on the
same token) is retried after its ``retry_after`` up to ``max_retries``
times; it also holds back that chat for the ``retry_after`` and every chat
for at most one overall window, so that queued messages do not run into the
same wall.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[Any]]
Result = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True)
class Limit:
    """At most ``count`` messages in any ``seconds``."""

    count: int
    seconds: float


OVERALL = Limit(30, 1.0)
GROUP = Limit(20, 60.0)
PRIVATE = Limit(1, 1.0)
PAID = Limit(FloodLimit.PAID_MESSAGES_PER_SECOND, 1.0)
MARGIN = 0.05
OVERALL_BURST = 3
IN_FLIGHT_POLL = 0.05  # a window full of unanswered requests is looked at again after this
ROUND_TRIPS_BEFORE_TRUST = 16  # answers seen before the shortest round trip is trusted
_FORWARDS = frozenset({"forwardMessage", "forwardMessages", "copyMessage", "copyMessages"})
_PRUNE_ABOVE = 1024  # chats remembered before idle ones are forgotten


def sends_a_message(endpoint: str) -> bool:
    """Whether a Bot API method puts a message in a chat (what the limits count)."""
    return endpoint in _FORWARDS or (endpoint.startswith("send") and endpoint != "sendChatAction")


class Slot:
    """One admitted message: the latest time it may have reached the server.

    ``until`` is infinite while the request is in flight; -inf once refused.
    One slot is shared by the chat's window and the overall window.
    """

    __slots__ = ("admitted", "until")

    def __init__(self, admitted: float) -> None:
        self.admitted = admitted
        self.until = math.inf


class Window:
    """The messages that may still count in one sliding window, and a hold after a 429.

    One more message fits at ``now`` when fewer than ``count`` slots may have
    arrived within the last ``span`` seconds (``limit.seconds`` + margin).

    ``burst`` below ``count`` also spreads the messages across the window: at
    most ``burst`` at once, then one every ``span / count`` seconds on an
    ideal schedule (GCRA), so a message that went late lets the next ones
    catch up by up to ``burst - 1`` gaps.
    """

    def __init__(self, limit: Limit, margin: float, burst: int | None = None) -> None:
        self.count = limit.count
        self.span = limit.seconds + margin
        self.slots: list[Slot] = []
        self.held_until = -math.inf
        self.gap = self.span / limit.count
        self.tolerance = (min(burst or limit.count, limit.count) - 1) * self.gap
        self.due = -math.inf  # when the next message is due on the ideal schedule
        self.turn = asyncio.Lock()  # FIFO: the first to wait is the first admitted

    def wait(self, now: float) -> float:
        """Seconds until one more message fits (0 when it fits now)."""
        self.slots = [slot for slot in self.slots if slot.until + self.span > now]
        ready = max(self.held_until, self.due - self.tolerance)
        excess = len(self.slots) - self.count
        if excess >= 0:  # the excess + 1 that leave first must have left
            leaves = sorted(slot.until for slot in self.slots)[excess] + self.span
            ready = max(ready, leaves if leaves < math.inf else now + IN_FLIGHT_POLL)
        return max(0.0, ready - now)

    def record(self, slot: Slot) -> None:
        self.slots.append(slot)
        self.due = max(self.due, slot.admitted) + self.gap

    def hold(self, until: float) -> None:
        self.held_until = max(self.held_until, until)

    def idle(self, now: float) -> bool:
        """Nothing to remember: forgetting this window changes no decision."""
        return self.wait(now) == 0 and not self.slots and not self.turn.locked()


class SlidingWindowRateLimiter(BaseRateLimiter[int]):
    """Paces message sends to stay inside Telegram's sliding windows.

    Chat ids below zero and ``@usernames`` are groups, supergroups or
    channels (``group``); positive ids are private chats (``private``). Each
    request waits for its chat's window first (holding only that chat's
    turn), then for the overall window, so a full group never delays other
    chats. ``rate_limit_args`` overrides ``max_retries`` for one request.
    ``None`` for a limit turns it off; ``burst`` is how many messages the
    overall window lets go at once (``None``: all of it). ``clock`` and
    ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        *,
        overall: Limit | None = OVERALL,
        group: Limit | None = GROUP,
        private: Limit | None = PRIVATE,
        margin: float = MARGIN,
        burst: int | None = OVERALL_BURST,
        max_retries: int = 0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.margin = margin
        self.max_retries = max_retries
        self.waiting = 0  # requests held back right now (e.g. for "is the bot idle?")
        self._overall = Window(overall, margin, burst) if overall else None
        self._paid = Window(PAID, margin)
        self._limits = {"group": group, "private": private}
        self._chats: dict[int | str, Window] = {}
        self._round_trips = 0
        self._shortest = math.inf
        self._clock = clock
        self._sleep = sleep

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        metered = sends_a_message(endpoint)
        chat = self.chat_window(data.get("chat_id")) if metered else None
        overall = self._paid if data.get("allow_paid_broadcast") else self._overall
        attempt = 0
        while True:
            self.waiting += 1
            try:
                slot = await self._admit(chat, overall) if metered else None
            finally:
                self.waiting -= 1
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as error:
                if slot:
                    slot.until = -math.inf  # refused: Telegram did not count it
                if attempt >= retries:
                    log.warning("%s: 429 after %d retries, giving up", endpoint, retries)
                    raise
                attempt += 1
                wait = retry_seconds(error)
                log.info("%s: 429, retry %d in %.1f s", endpoint, attempt, wait)
                self._hold(chat, overall, wait)
                self.waiting += 1
                try:
                    await self._sleep(wait + self.margin)
                finally:
                    self.waiting -= 1
                continue
            except BaseException:
                if slot:  # it may have arrived, at the latest now
                    slot.until = self._clock()
                raise
            if slot:
                self._answered(slot)
            return result

    def chat_window(self, chat_id: object) -> Window | None:
        """The window of the chat a message goes to (None: not limited per chat)."""
        if chat_id is None:
            return None
        key: int | str = str(chat_id)
        with contextlib.suppress(ValueError):
            key = int(key)
        limit = self._limits["private" if isinstance(key, int) and key > 0 else "group"]
        if limit is None:
            return None
        window = self._chats.get(key)
        if window is None:
            if len(self._chats) >= _PRUNE_ABOVE:
                self._forget_idle_chats()
            window = self._chats[key] = Window(limit, self.margin)
        return window

    async def _admit(self, chat: Window | None, overall: Window | None) -> Slot:
        """Return at the moment this message may go, having counted it."""
        async with chat.turn if chat else contextlib.nullcontext():
            while True:
                if chat:
                    await self._room(chat)
                async with overall.turn if overall else contextlib.nullcontext():
                    if overall:
                        await self._room(overall)
                    now = self._clock()
                    # A 429 in this chat while we waited for the overall window holds it.
                    if chat is None or chat.wait(now) == 0:
                        slot = Slot(now)
                        for window in (chat, overall):
                            if window:
                                window.record(slot)
                        return slot

    async def _room(self, window: Window) -> None:
        while (wait := window.wait(self._clock())) > 0:
            await self._sleep(wait)

    def _answered(self, slot: Slot) -> None:
        """The message arrived before its answer, and (as far as the next one
        can tell) at least the shortest round trip seen before it: count it
        until then. The first answers may all have been slow (new connections),
        so they are trusted only once there are a few."""
        answered = self._clock()
        self._round_trips += 1
        self._shortest = min(self._shortest, answered - slot.admitted)
        known = self._shortest if self._round_trips >= ROUND_TRIPS_BEFORE_TRUST else 0.0
        slot.until = max(slot.admitted, answered - known)

    def _hold(self, chat: Window | None, overall: Window | None, seconds: float) -> None:
        """After a 429: this chat waits it out; the others at most one overall window,
        which is all an overall excess can need."""
        now = self._clock()
        if chat:
            chat.hold(now + seconds)
        if overall:
            overall.hold(now + min(seconds, overall.span))

    def _forget_idle_chats(self) -> None:
        now = self._clock()
        for key in [key for key, window in self._chats.items() if window.idle(now)]:
            del self._chats[key]


def retry_seconds(error: RetryAfter) -> float:
    """retry_after in seconds (PTB 22 keeps a timedelta; the int property warns)."""
    wait = getattr(error, "_retry_after", None) or error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
