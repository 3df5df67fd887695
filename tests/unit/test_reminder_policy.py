"""The reminder policy over simulated weeks: what goes out, when, and only once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import WorkingCalendar
from bot.domain.reminder_policy import (
    PlannedReminder,
    ReminderKind,
    ReminderPolicy,
    due,
    next_reminder,
    plan,
)

CAL = WorkingCalendar()
POLICY = ReminderPolicy()
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_20_MAY = date(2024, 5, 20)
SUNDAY_19_MAY = date(2024, 5, 19)


def _at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN)


def _summary(reminders: list[PlannedReminder]) -> list[tuple[str, date, int]]:
    return [(str(r.kind), r.day, r.working_days) for r in reminders]


def test_plan_for_a_monday_deadline() -> None:
    planned = plan(MONDAY_20_MAY, POLICY, CAL, until=date(2024, 5, 28))
    assert _summary(planned) == [
        ("before", date(2024, 5, 9), 7),
        ("before", date(2024, 5, 15), 3),
        ("before", date(2024, 5, 17), 1),
        ("due", date(2024, 5, 20), 0),
        ("overdue", date(2024, 5, 21), 1),
        ("overdue", date(2024, 5, 22), 2),
        ("overdue", date(2024, 5, 23), 3),
        ("escalation", date(2024, 5, 23), 3),
        ("overdue", date(2024, 5, 24), 4),
        ("overdue", date(2024, 5, 27), 5),  # the weekend is skipped
        ("overdue", date(2024, 5, 28), 6),
    ]
    assert all(r.send_at == _at(r.day) for r in planned)
    assert all(r.send_at.utcoffset() == timedelta(hours=7) for r in planned)


def test_sunday_deadline_is_reminded_on_friday_and_the_one_day_reminder_merges() -> None:
    # "trước ngày 20/5/2024" -> effective Sunday 19/5.
    planned = plan(SUNDAY_19_MAY, POLICY, CAL, until=date(2024, 5, 21))
    assert _summary(planned) == [
        ("before", date(2024, 5, 9), 7),
        ("before", date(2024, 5, 15), 3),
        ("due", date(2024, 5, 17), 0),
        ("overdue", date(2024, 5, 20), 1),
        ("overdue", date(2024, 5, 21), 2),
    ]


def test_deadline_on_a_holiday_and_escalation_on_a_worked_saturday() -> None:
    # Effective deadline 30/4/2024 (holiday); 27/4–1/5 off, Saturday 4/5 worked.
    planned = plan(date(2024, 4, 30), POLICY, CAL, until=date(2024, 5, 6))
    assert _summary(planned) == [
        ("before", date(2024, 4, 17), 7),  # 18/4 Giỗ Tổ is skipped while counting
        ("before", date(2024, 4, 24), 3),
        ("due", date(2024, 4, 26), 0),
        ("overdue", date(2024, 5, 2), 1),
        ("overdue", date(2024, 5, 3), 2),
        ("overdue", date(2024, 5, 4), 3),
        ("escalation", date(2024, 5, 4), 3),
        ("overdue", date(2024, 5, 6), 4),
    ]


def test_no_reminder_ever_falls_on_a_day_off() -> None:
    for offset in range(0, 400, 3):
        deadline = date(2024, 1, 1) + timedelta(days=offset)
        for reminder in plan(deadline, POLICY, CAL, until=deadline + timedelta(days=20)):
            assert CAL.is_working_day(reminder.day), (deadline, reminder)


def test_plan_stops_at_until() -> None:
    planned = plan(MONDAY_20_MAY, POLICY, CAL, until=date(2024, 5, 16))
    assert [r.day for r in planned] == [date(2024, 5, 9), date(2024, 5, 15)]


def test_escalation_can_be_disabled() -> None:
    policy = ReminderPolicy(escalate_after=0)
    planned = plan(MONDAY_20_MAY, policy, CAL, until=date(2024, 6, 30))
    assert ReminderKind.ESCALATION not in {r.kind for r in planned}


def test_custom_days_are_deduplicated_and_merged_per_day() -> None:
    policy = ReminderPolicy(days_before=(1, 0, 1, 2))
    assert policy.days_before == (2, 1, 0)
    # Saturday deadline: day-of moves to Friday, where the 1-day reminder also lands.
    planned = plan(date(2024, 5, 18), policy, CAL, until=date(2024, 5, 18))
    assert _summary(planned) == [("before", date(2024, 5, 16), 2), ("due", date(2024, 5, 17), 0)]


# --- next_reminder ---------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (_at(date(2024, 5, 1)), ("before", date(2024, 5, 9), 7)),
        (_at(date(2024, 5, 9)), ("before", date(2024, 5, 15), 3)),  # strictly after
        (_at(date(2024, 5, 9), 7, 59), ("before", date(2024, 5, 9), 7)),
        (_at(date(2024, 5, 20)), ("overdue", date(2024, 5, 21), 1)),
        (_at(date(2024, 5, 23), 7), ("overdue", date(2024, 5, 23), 3)),
        (_at(date(2024, 5, 25), 12), ("overdue", date(2024, 5, 27), 5)),
        # Long overdue: New Year's Day 2025 is off, next is Thursday 2/1/2025.
        (_at(date(2025, 1, 1), 0), ("overdue", date(2025, 1, 2), 160)),
    ],
)
def test_next_reminder(after: datetime, expected: tuple[str, date, int]) -> None:
    reminder = next_reminder(MONDAY_20_MAY, POLICY, CAL, after)
    assert (str(reminder.kind), reminder.day, reminder.working_days) == expected


def test_next_reminder_walks_the_plan() -> None:
    until = date(2024, 6, 30)
    expected = [r for r in plan(MONDAY_20_MAY, POLICY, CAL, until=until) if r.kind != "escalation"]
    walked: list[PlannedReminder] = []
    instant = _at(date(2024, 5, 1))
    while True:
        reminder = next_reminder(MONDAY_20_MAY, POLICY, CAL, instant)
        if reminder.day > until:
            break
        walked.append(reminder)
        instant = reminder.send_at
    assert walked == expected


def test_next_reminder_accepts_utc_instants() -> None:
    # 00:30 UTC on 9/5 is 07:30 in Hà Nội: the 08:00 reminder that day is next.
    after = datetime(2024, 5, 9, 0, 30, tzinfo=UTC)
    assert next_reminder(MONDAY_20_MAY, POLICY, CAL, after).day == date(2024, 5, 9)


def test_naive_instants_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_reminder(MONDAY_20_MAY, POLICY, CAL, datetime(2024, 5, 9, 8, 0))


# --- due -------------------------------------------------------------------


def test_due_on_time_is_not_late() -> None:
    result = due(
        MONDAY_20_MAY, POLICY, CAL, since=_at(MONDAY_20_MAY, 7, 59), now=_at(MONDAY_20_MAY, 8, 1)
    )
    assert [(r.kind, r.day, r.late) for r in result] == [(ReminderKind.DUE, MONDAY_20_MAY, False)]


def test_due_after_downtime_sends_the_latest_reminder_once_and_late() -> None:
    # Down from Friday 17/5 09:00 (after before-1) to Wednesday 22/5 11:00:
    # DUE 20/5, OVERDUE 21/5 and OVERDUE 22/5 fell in the gap; only 22/5 goes out.
    result = due(
        MONDAY_20_MAY,
        POLICY,
        CAL,
        since=_at(date(2024, 5, 17), 9),
        now=_at(date(2024, 5, 22), 11),
    )
    assert len(result) == 1
    assert (result[0].kind, result[0].day, result[0].working_days) == (
        ReminderKind.OVERDUE,
        date(2024, 5, 22),
        2,
    )
    assert result[0].late


def test_due_after_downtime_still_sends_a_missed_escalation() -> None:
    result = due(
        MONDAY_20_MAY, POLICY, CAL, since=_at(date(2024, 5, 20), 9), now=_at(date(2024, 5, 27), 9)
    )
    assert [(r.kind, r.day) for r in result] == [
        (ReminderKind.ESCALATION, date(2024, 5, 23)),
        (ReminderKind.OVERDUE, date(2024, 5, 27)),
    ]
    assert all(r.late for r in result)


def test_due_on_the_escalation_day_sends_both_overdue_first() -> None:
    result = due(
        MONDAY_20_MAY, POLICY, CAL, since=_at(date(2024, 5, 23), 7), now=_at(date(2024, 5, 23), 8)
    )
    assert [r.kind for r in result] == [ReminderKind.OVERDUE, ReminderKind.ESCALATION]


def test_grace_decides_lateness() -> None:
    since = _at(MONDAY_20_MAY, 7)
    on_edge = due(MONDAY_20_MAY, POLICY, CAL, since=since, now=_at(MONDAY_20_MAY, 8, 15))
    past = due(MONDAY_20_MAY, POLICY, CAL, since=since, now=_at(MONDAY_20_MAY, 8, 16))
    assert [r.late for r in on_edge] == [False]
    assert [r.late for r in past] == [True]
    strict = ReminderPolicy(grace=timedelta(minutes=5))
    assert [
        r.late for r in due(MONDAY_20_MAY, strict, CAL, since=since, now=_at(MONDAY_20_MAY, 8, 6))
    ] == [True]


def test_nothing_is_due_between_reminders_or_on_an_empty_window() -> None:
    assert (
        due(MONDAY_20_MAY, POLICY, CAL, since=_at(date(2024, 5, 10)), now=_at(date(2024, 5, 14)))
        == []
    )
    now = _at(MONDAY_20_MAY, 9)
    assert due(MONDAY_20_MAY, POLICY, CAL, since=now, now=now) == []
    assert due(MONDAY_20_MAY, POLICY, CAL, since=now + timedelta(hours=1), now=now) == []


def test_due_without_since_returns_the_most_recent_reminder() -> None:
    # A task registered on 16/5 whose reminders nobody has swept yet.
    result = due(MONDAY_20_MAY, POLICY, CAL, since=None, now=_at(date(2024, 5, 16), 10))
    assert [(r.kind, r.day, r.working_days, r.late) for r in result] == [
        (ReminderKind.BEFORE, date(2024, 5, 15), 3, True)
    ]
    assert due(MONDAY_20_MAY, POLICY, CAL, since=None, now=_at(date(2024, 5, 8))) == []


def test_due_with_since_at_creation_ignores_reminders_planned_before_the_task() -> None:
    created = _at(date(2024, 5, 16), 10)
    assert due(MONDAY_20_MAY, POLICY, CAL, since=created, now=_at(date(2024, 5, 16), 10, 1)) == []


def test_a_month_of_ten_minute_sweeps_sends_each_reminder_exactly_once() -> None:
    start, end = _at(date(2024, 5, 1), 0), _at(date(2024, 6, 5), 0)
    expected = plan(MONDAY_20_MAY, POLICY, CAL, until=date(2024, 6, 4))
    sent: list[PlannedReminder] = []
    since = start
    while since < end:
        now = since + timedelta(minutes=10)
        result = due(MONDAY_20_MAY, POLICY, CAL, since=since, now=now)
        assert not any(r.late for r in result)
        sent.extend(r.reminder for r in result)
        since = now
    assert sent == expected
    assert len({(r.kind, r.day) for r in sent}) == len(sent)


def test_irregular_sweeps_never_repeat_an_outbox_key() -> None:
    # Sweeps at uneven gaps (a restart, a slow night): keys never repeat and
    # every day with a reminder either sends it or a later one.
    start = _at(date(2024, 5, 1), 0)
    gaps = [timedelta(minutes=m) for m in (1, 7, 59, 600, 2, 1440, 3000, 30)]
    since, sent, i = start, [], 0
    while since < _at(date(2024, 6, 5)):
        now = since + gaps[i % len(gaps)]
        sent.extend(r.reminder for r in due(MONDAY_20_MAY, POLICY, CAL, since=since, now=now))
        since, i = now, i + 1
    keys = [(r.kind, r.day) for r in sent]
    assert len(keys) == len(set(keys))
    assert (ReminderKind.ESCALATION, date(2024, 5, 23)) in keys


# --- settings ----------------------------------------------------------------


def test_from_settings() -> None:
    policy = ReminderPolicy.from_settings("7, 3,1,0", "8:30", 5, "Asia/Ho_Chi_Minh")
    assert policy.days_before == (7, 3, 1, 0)
    assert policy.send_time == time(8, 30)
    assert policy.escalate_after == 5
    assert policy.timezone == VN
    assert policy == ReminderPolicy.from_settings("0,1,3,7", "08:30", 5, "Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("days", "clock", "zone", "message"),
    [
        ("", "08:00", "Asia/Ho_Chi_Minh", "REMINDER_DAYS is empty"),
        ("7,3,-1", "08:00", "Asia/Ho_Chi_Minh", "REMINDER_DAYS"),
        ("7;3", "08:00", "Asia/Ho_Chi_Minh", "REMINDER_DAYS"),
        ("7,3,1,0", "8h", "Asia/Ho_Chi_Minh", "REMINDER_TIME"),
        ("7,3,1,0", "24:00", "Asia/Ho_Chi_Minh", "REMINDER_TIME"),
        ("7,3,1,0", "08:00", "Asia/Hanoi_Typo", "BOT_TIMEZONE"),
    ],
)
def test_from_settings_rejects_bad_values(days: str, clock: str, zone: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ReminderPolicy.from_settings(days, clock, 3, zone)


def test_policy_rejects_negative_escalation() -> None:
    with pytest.raises(ValueError, match="escalate_after"):
        ReminderPolicy(escalate_after=-1)
