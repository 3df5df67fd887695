"""The sandbox's own notion of time.

Rate limits and outages are measured on a monotonic clock so that tests can
inject a fake one, and both clocks can be pushed forward (``advance``) so a
test can "wait a minute" for a rate-limit window without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class SandboxClock:
    """Monotonic and wall time, both shifted by the same adjustable offset."""

    def __init__(
        self,
        monotonic: Callable[[], float] | None = None,
        wall: Callable[[], float] | None = None,
    ) -> None:
        self._monotonic = monotonic or time.monotonic
        self._wall = wall or time.time
        self._offset = 0.0
        self._start = self._monotonic()

    def monotonic(self) -> float:
        """Seconds on the monotonic clock (plus any offset from ``advance``)."""
        return self._monotonic() + self._offset

    def wall(self) -> float:
        """Unix time in seconds (plus any offset from ``advance``)."""
        return self._wall() + self._offset

    def unix(self) -> int:
        """Unix time as Telegram reports it in ``date`` fields (whole seconds)."""
        return int(self.wall())

    def elapsed(self) -> float:
        """Seconds since the clock was created, for the send log."""
        return self.monotonic() - self._start

    def advance(self, seconds: float) -> None:
        """Jump forward, e.g. past a rate-limit window, without sleeping."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._offset += seconds
