"""Time is injected, never read ad hoc, so tests and the demo can move it."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class ManualClock:
    """A clock a test or the demo sets and advances explicitly."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start

    def now(self) -> dt.datetime:
        return self._now

    def set(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = instant

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta


def local_today(clock: Clock, timezone: ZoneInfo) -> dt.date:
    """Today's date where the users are (BOT_TIMEZONE), not in UTC."""
    return clock.now().astimezone(timezone).date()
