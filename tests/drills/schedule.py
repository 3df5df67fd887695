"""What goes wrong, and when, in the simulated month.

A month of working days; on top of a steady 5% of failing Bot API calls
(server errors, dropped connections, lost acknowledgements), a few 429
storms (the sandbox's limits lowered for a while), one 10-minute outage, and
five restarts of the bot, two of them crashes in the middle of a reminder
sweep. The plan is data: the drill reads it day by day, the unit tests check
its shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from bot.domain.calendar import WorkingCalendar


@dataclass(frozen=True, slots=True)
class Storm:
    """Telegram's limits lowered for `minutes` of simulated time from `start`."""

    day: int  # index of the working day
    start: time
    minutes: int
    limits: tuple[tuple[str, int], ...] = (("global_rate_per_second", 2),)


@dataclass(frozen=True, slots=True)
class Outage:
    """Every Bot API call fails (dropped or 502) for `seconds` of simulated time."""

    day: int
    start: time
    seconds: int


@dataclass(frozen=True, slots=True)
class Restart:
    """The bot stops and a new Application starts on the same database.

    `crash`: killed in the middle of the reminder sweep (after `after_sends`
    messages went out), leaving deliveries 'sending'. `replies_while_down`:
    focal points answer while no bot is running; the updates wait for the
    next process.
    """

    day: int
    at: time
    crash: bool = False
    after_sends: int = 0
    replies_while_down: bool = False


@dataclass(frozen=True, slots=True)
class FaultPlan:
    failure_rate: float
    drop_rate: float
    ack_loss_rate: float
    storms: tuple[Storm, ...] = ()
    outage: Outage | None = None
    restarts: tuple[Restart, ...] = field(default_factory=tuple)

    @property
    def fault_rate(self) -> float:
        """The share of Bot API calls that misbehave outside storms and outages."""
        return self.failure_rate + self.drop_rate + self.ack_loss_rate

    def storms_on(self, day: int) -> list[Storm]:
        return [s for s in self.storms if s.day == day]

    def outage_on(self, day: int) -> Outage | None:
        return self.outage if self.outage is not None and self.outage.day == day else None

    def restarts_on(self, day: int) -> list[Restart]:
        return [r for r in self.restarts if r.day == day]


def month_plan(days: int = 22) -> FaultPlan:
    """5% faults (3% 5xx, 1% dropped, 1% lost acks), three storms, one outage
    hitting the morning sweep, five restarts (two crashes mid-sweep, one with
    replies waiting while down, one right after the digest)."""
    if days < 20:
        raise ValueError("the month plan needs at least 20 working days")
    return FaultPlan(
        failure_rate=0.03,
        drop_rate=0.01,
        ack_loss_rate=0.01,
        storms=(
            Storm(3, time(8, 0), 15),
            Storm(11, time(8, 0), 15, (("global_rate_per_second", 3),)),
            Storm(17, time(10, 0), 30, (("global_rate_per_second", 2),)),
        ),
        outage=Outage(7, time(7, 58), 600),
        restarts=(
            Restart(2, time(7, 30)),
            Restart(5, time(8, 0), crash=True, after_sends=3),
            Restart(9, time(9, 55), replies_while_down=True),
            Restart(13, time(8, 0), crash=True, after_sends=5),
            Restart(days - 3, time(16, 45)),
        ),
    )


def working_days(first: date, count: int, calendar: WorkingCalendar) -> list[date]:
    """`count` working days from `first` (included when it is one)."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days
