"""When a task's reminders go out: a pure function of its effective deadline.

DESIGN.md "Reminders: the database is the source of truth": the sweep writes
due reminders into an outbox keyed (task, kind, day). For that key to stop
duplicates, the same task must always plan the same reminders, so
everything here depends only on (effective deadline, policy, calendar) and
the instants the caller passes in; nothing reads the clock.

The rules:
- BEFORE: N working days before the effective deadline, for each N in
  `days_before` (N == 0 is DUE, the day itself), at `send_time` local.
- No reminder on a non-working day: one planned for a weekend or holiday
  goes out on the working day before it; when two land on the same day,
  only the more urgent (smaller N) is kept.
- OVERDUE every working day after the effective deadline, forever.
- ESCALATION once, on the day the task has been overdue `escalate_after`
  working days, alongside that day's OVERDUE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.calendar import WorkingCalendar

_TIME_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


class ReminderKind(StrEnum):
    BEFORE = "before"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


@dataclass(frozen=True)
class ReminderPolicy:
    """Configured reminder rules (REMINDER_DAYS, REMINDER_TIME, ESCALATE_AFTER_DAYS).

    `escalate_after == 0` disables escalation. `grace` is how late a sweep
    may send a reminder before the message says it is late (a sweep runs every
    minute, so a few minutes' delay is normal, not news).
    """

    days_before: tuple[int, ...] = (7, 3, 1, 0)
    send_time: time = time(8, 0)
    escalate_after: int = 3
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    grace: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if not self.days_before:
            raise ValueError("days_before must list at least one number of working days")
        if any(n < 0 for n in self.days_before):
            raise ValueError(f"days_before must not be negative: {self.days_before}")
        if self.escalate_after < 0:
            raise ValueError(f"escalate_after must not be negative: {self.escalate_after}")
        if self.send_time.tzinfo is not None:
            raise ValueError("send_time is a local wall-clock time; give the zone in `timezone`")
        # One canonical order (most distant first) so equal policies compare equal.
        object.__setattr__(self, "days_before", tuple(sorted(set(self.days_before), reverse=True)))

    @classmethod
    def from_settings(
        cls, days: str, time: str, escalate_after: int, timezone: str
    ) -> ReminderPolicy:
        """Parse the settings' strings ("7,3,1,0", "08:00", 3, "Asia/Ho_Chi_Minh").

        The one place these strings are parsed; each error names the setting.
        """
        return cls(
            days_before=parse_days(days),
            send_time=parse_time_of_day(time),
            escalate_after=escalate_after,
            timezone=parse_timezone(timezone),
        )

    def send_at(self, day: date) -> datetime:
        """The aware instant a reminder for `day` goes out."""
        return datetime.combine(day, self.send_time, tzinfo=self.timezone)


def parse_days(text: str) -> tuple[int, ...]:
    """ "7,3,1,0" -> (7, 3, 1, 0); spaces allowed, duplicates dropped."""
    parts = [part.strip() for part in text.split(",")]
    if not any(parts):
        raise ValueError(
            "REMINDER_DAYS is empty; give working days before the deadline, e.g. 7,3,1,0"
        )
    days: list[int] = []
    for part in parts:
        if not part.isdigit():
            raise ValueError(
                f"REMINDER_DAYS must be whole numbers of working days separated by commas "
                f"(e.g. 7,3,1,0); got {part!r} in {text!r}"
            )
        days.append(int(part))
    return tuple(sorted(set(days), reverse=True))


def parse_time_of_day(text: str) -> time:
    """ "08:00" or "8:00" -> time(8, 0)."""
    match = _TIME_PATTERN.match(text)
    if match is None:
        raise ValueError(f"REMINDER_TIME must look like HH:MM (e.g. 08:00); got {text!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"REMINDER_TIME is not a time of day: {text!r}")
    return time(hour, minute)


def parse_timezone(name: str) -> ZoneInfo:
    """ "Asia/Ho_Chi_Minh" -> ZoneInfo, with a ValueError naming the bad value."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"BOT_TIMEZONE must be an IANA zone name such as Asia/Ho_Chi_Minh; got {name!r}"
        ) from error


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """One reminder as planned; (kind, day) is its outbox key within a task.

    `working_days`: for BEFORE the N of the policy (working days before the
    effective deadline); 0 for DUE; for OVERDUE and ESCALATION how many
    working days the task is overdue on `day`.
    """

    kind: ReminderKind
    day: date
    send_at: datetime
    working_days: int


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder a sweep must send now; `late` when it is past the policy's grace."""

    reminder: PlannedReminder
    late: bool

    @property
    def kind(self) -> ReminderKind:
        return self.reminder.kind

    @property
    def day(self) -> date:
        return self.reminder.day

    @property
    def send_at(self) -> datetime:
        return self.reminder.send_at

    @property
    def working_days(self) -> int:
        return self.reminder.working_days


def _sort_key(reminder: PlannedReminder) -> tuple[datetime, bool]:
    """Chronological, with an ESCALATION after the OVERDUE of the same instant."""
    return reminder.send_at, reminder.kind is ReminderKind.ESCALATION


def _before_reminders(
    deadline: date, policy: ReminderPolicy, calendar: WorkingCalendar
) -> list[PlannedReminder]:
    """BEFORE and DUE reminders, moved onto working days and one per day, in order.

    N working days before the deadline is `add_working_days(deadline, -N)`,
    already a working day; N == 0 is the deadline itself, moved back if it
    is a day off. `days_before` is sorted most distant first, so a later
    (smaller) N landing on a taken day replaces the less urgent reminder.
    """
    by_day: dict[date, PlannedReminder] = {}
    for n in policy.days_before:
        if n == 0:
            day, kind = calendar.on_or_before(deadline), ReminderKind.DUE
        else:
            day, kind = calendar.add_working_days(deadline, -n), ReminderKind.BEFORE
        by_day[day] = PlannedReminder(kind, day, policy.send_at(day), n)
    return sorted(by_day.values(), key=_sort_key)


def _overdue(
    deadline: date, policy: ReminderPolicy, calendar: WorkingCalendar, day: date
) -> PlannedReminder:
    """The OVERDUE reminder on working day `day` (after the deadline)."""
    days_late = calendar.working_days_between(deadline, day)
    return PlannedReminder(ReminderKind.OVERDUE, day, policy.send_at(day), days_late)


def _escalation(
    deadline: date, policy: ReminderPolicy, calendar: WorkingCalendar
) -> PlannedReminder | None:
    """The single ESCALATION, or None when the policy disables it."""
    if policy.escalate_after == 0:
        return None
    day = calendar.add_working_days(deadline, policy.escalate_after)
    return PlannedReminder(ReminderKind.ESCALATION, day, policy.send_at(day), policy.escalate_after)


def _local(instant: datetime, policy: ReminderPolicy) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("reminder instants must be timezone-aware")
    return instant.astimezone(policy.timezone)


def plan(
    deadline: date, policy: ReminderPolicy, calendar: WorkingCalendar, *, until: date
) -> list[PlannedReminder]:
    """Every reminder for `deadline` on days up to `until`, in sending order.

    For display and tests; the sweep uses `due`, which does not enumerate
    the overdue days of a long-overdue task.
    """
    planned = [r for r in _before_reminders(deadline, policy, calendar) if r.day <= until]
    escalation = _escalation(deadline, policy, calendar)
    day = calendar.next_working_day(deadline)
    days_late = 1
    while day <= until:
        planned.append(PlannedReminder(ReminderKind.OVERDUE, day, policy.send_at(day), days_late))
        if escalation is not None and escalation.day == day:
            planned.append(escalation)
        day = calendar.next_working_day(day)
        days_late += 1
    return planned


def next_reminder(
    deadline: date, policy: ReminderPolicy, calendar: WorkingCalendar, after: datetime
) -> PlannedReminder:
    """The first reminder sent strictly after `after`.

    There is always one: overdue reminders never end (until the task is
    closed, which is the caller's business). On an escalation day the
    OVERDUE comes first; the ESCALATION shares its instant.
    """
    local = _local(after, policy)
    for reminder in _before_reminders(deadline, policy, calendar):
        if reminder.send_at > after:
            return reminder
    day = local.date()
    if not (calendar.is_working_day(day) and policy.send_at(day) > after):
        day = calendar.next_working_day(day)
    day = max(day, calendar.next_working_day(deadline))
    return _overdue(deadline, policy, calendar, day)


def _latest_at_or_before(
    deadline: date, policy: ReminderPolicy, calendar: WorkingCalendar, now: datetime
) -> PlannedReminder | None:
    """The most recent non-escalation reminder with send_at <= now, if any."""
    day = _local(now, policy).date()
    if not (calendar.is_working_day(day) and policy.send_at(day) <= now):
        day = calendar.previous_working_day(day)
    if day > deadline:
        return _overdue(deadline, policy, calendar, day)
    sent = [r for r in _before_reminders(deadline, policy, calendar) if r.send_at <= now]
    return sent[-1] if sent else None


def due(
    deadline: date,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    *,
    since: datetime | None,
    now: datetime,
) -> list[DueReminder]:
    """What a sweep must send at `now` for a task, given it last looked at `since`.

    Of the reminders with since < send_at <= now only the latest
    non-escalation one is returned: a bot that was down for three days sends
    the most recent reminder once, marked late, not three stale ones. An
    ESCALATION in the window is returned as well (it goes to another chat).

    `since=None` means the window has no lower bound: the most recent
    reminder due at or before `now` (and the escalation if its day has come).
    To ignore reminders planned before a task existed, pass
    `since=task.created_at` on its first sweep instead.
    """
    if since is not None and _local(since, policy) >= now:
        return []
    picked: list[PlannedReminder] = []
    latest = _latest_at_or_before(deadline, policy, calendar, now)
    if latest is not None and (since is None or latest.send_at > since):
        picked.append(latest)
    escalation = _escalation(deadline, policy, calendar)
    if (
        escalation is not None
        and escalation.send_at <= now
        and (since is None or escalation.send_at > since)
    ):
        picked.append(escalation)
    picked.sort(key=_sort_key)
    return [DueReminder(r, late=now - r.send_at > policy.grace) for r in picked]
