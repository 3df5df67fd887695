"""Telegram-like flood control for message-sending methods.

Only sends are counted (sendMessage, sendDocument, sendPhoto). Telegram also
throttles edits, but loosely and without documented numbers; the bot's
correctness never depends on that, so edits are free here.

Retry-after values are whole seconds >= 1 — the time until the window (or
bucket) has room again — as Telegram reports them in
``parameters.retry_after``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Now = Callable[[], float]


def _whole_seconds(wait: float) -> int:
    return max(1, math.ceil(wait - 1e-9))


class SlidingWindow:
    """At most ``limit`` events in any ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: deque[float] = deque()

    def _prune(self, now: float) -> None:
        while self._events and self._events[0] <= now - self.window:
            self._events.popleft()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 when it fits now)."""
        self._prune(now)
        if len(self._events) < self.limit:
            return 0.0
        return self._events[0] + self.window - now

    def record(self, now: float) -> None:
        self._prune(now)
        self._events.append(now)


class TokenBucket:
    """``burst`` events at once, refilled at ``rate`` per second."""

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._at = now

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def wait(self, now: float) -> float:
        self._refill(now)
        if self._tokens >= 1.0:
            return 0.0
        return (1.0 - self._tokens) / self.rate

    def record(self, now: float) -> None:
        self._refill(now)
        self._tokens -= 1.0


@dataclass
class RateLimits:
    """The active limits; ``None`` disables one."""

    global_rate_per_second: int | None = 30
    group_rate_per_minute: int | None = 20
    private_rate_per_second: float | None = 1.0
    private_burst: int = 20


class RateLimiter:
    """Global, per-group and per-private-chat limits on one injectable clock."""

    def __init__(self, limits: RateLimits, now: Now) -> None:
        self._now = now
        self.limits = limits
        self._global: SlidingWindow | None = None
        self._groups: dict[int, SlidingWindow] = {}
        self._private: dict[int, TokenBucket] = {}
        self.configure(limits)

    def configure(self, limits: RateLimits) -> None:
        """Replace the limits and forget past sends (a fresh window)."""
        self.limits = limits
        rate = limits.global_rate_per_second
        self._global = SlidingWindow(rate, 1.0) if rate else None
        self._groups.clear()
        self._private.clear()

    def _group(self, chat_id: int) -> SlidingWindow | None:
        per_minute = self.limits.group_rate_per_minute
        if not per_minute:
            return None
        if chat_id not in self._groups:
            self._groups[chat_id] = SlidingWindow(per_minute, 60.0)
        return self._groups[chat_id]

    def _bucket(self, chat_id: int) -> TokenBucket | None:
        rate = self.limits.private_rate_per_second
        if not rate:
            return None
        if chat_id not in self._private:
            self._private[chat_id] = TokenBucket(rate, self.limits.private_burst, self._now())
        return self._private[chat_id]

    def _limiters(self, chat_id: int, chat_type: str) -> list[SlidingWindow | TokenBucket]:
        found: list[SlidingWindow | TokenBucket | None] = [self._global]
        if chat_type in ("group", "supergroup"):
            found.append(self._group(chat_id))
        elif chat_type == "private":
            found.append(self._bucket(chat_id))
        return [limiter for limiter in found if limiter is not None]

    def retry_after(self, chat_id: int, chat_type: str) -> int | None:
        """Whole seconds to wait before this send is allowed, or None if allowed now."""
        now = self._now()
        wait = max((lim.wait(now) for lim in self._limiters(chat_id, chat_type)), default=0.0)
        return _whole_seconds(wait) if wait > 0 else None

    def record(self, chat_id: int, chat_type: str) -> None:
        """Count an accepted send."""
        now = self._now()
        for limiter in self._limiters(chat_id, chat_type):
            limiter.record(now)
