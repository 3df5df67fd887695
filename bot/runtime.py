"""What every adapter needs at hand: settings, database, clock, calendar.

Built once by the composition root (bot/app.py) and reached by handlers and
jobs through `context.runtime`; tests and the demo build one with a
ManualClock or an in-memory database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.clock import Clock, SystemClock, local_today
from bot.domain.calendar import WorkingCalendar
from bot.settings import Settings
from storage.database import Database


@dataclass
class Runtime:
    settings: Settings
    database: Database
    clock: Clock = field(default_factory=SystemClock)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        calendar = WorkingCalendar(
            extra_days_off=frozenset(settings.EXTRA_DAYS_OFF),
            extra_working_days=frozenset(settings.EXTRA_WORKING_DAYS),
        )
        return cls(
            settings=settings,
            database=Database(settings.DATABASE_URL),
            clock=clock or SystemClock(),
            calendar=calendar,
        )

    @property
    def language(self) -> str:
        return self.settings.BOT_LANGUAGE

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """Today where the users are (BOT_TIMEZONE)."""
        return local_today(self.clock, self.settings.timezone)
