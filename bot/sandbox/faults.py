"""Injected failures: random 5xx, dropped connections, lost acknowledgements, outages."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Fault(Enum):
    NONE = "none"
    ERROR_500 = "500"
    ERROR_502 = "502"
    DROP = "drop"


@dataclass
class FaultSettings:
    failure_rate: float = 0.0
    drop_rate: float = 0.0
    ack_loss_rate: float = 0.0


class FaultInjector:
    """Decides, per Bot API call, whether to misbehave.

    Decisions use a seeded RNG so a run with the same seed and the same
    sequence of calls fails the same way.
    """

    def __init__(self, settings: FaultSettings, now: Callable[[], float], seed: int | None) -> None:
        self.settings = settings
        self._now = now
        self._rng = random.Random(seed)
        self.outage_until = 0.0

    def start_outage(self, seconds: float) -> None:
        """Every call fails (dropped or 502) for ``seconds`` from now; 0 ends it."""
        self.outage_until = self._now() + seconds if seconds > 0 else 0.0

    def in_outage(self) -> bool:
        return self._now() < self.outage_until

    def before_call(self) -> Fault:
        """The fault to apply instead of executing the call, if any."""
        if self.in_outage():
            return Fault.DROP if self._rng.random() < 0.5 else Fault.ERROR_502
        roll = self._rng.random()
        if roll < self.settings.drop_rate:
            return Fault.DROP
        if roll < self.settings.drop_rate + self.settings.failure_rate:
            return Fault.ERROR_502 if self._rng.random() < 0.5 else Fault.ERROR_500
        return Fault.NONE

    def lose_ack(self) -> bool:
        """Whether to drop the answer of a send that did happen."""
        rate = self.settings.ack_loss_rate
        return rate > 0 and self._rng.random() < rate
