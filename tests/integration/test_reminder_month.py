"""A month of May 2024 through the sweep, with a moved ManualClock and a fake
sender, checked against the pure policy's own plan: every planned reminder
goes out exactly once and on time, none is lost, a closed task stops at once,
and a downtime of two days yields one late reminder per task (plus any
escalation that fell due meanwhile), not a backlog."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col

from bot.clock import ManualClock
from bot.domain.reminder_policy import ReminderKind, plan
from bot.runtime import Runtime
from bot.services.reminders import cancel_pending, policy_for, sweep
from storage.models import OutboxState, Task, TaskState
from tests.reminders_support import FakeSender, build_world, deliveries, outbox, planned_task

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2024, 5, 1, 7, 0, tzinfo=VN)  # Labour Day, a holiday
END = date(2024, 5, 31)
DOWN_FROM = datetime(2024, 5, 15, 6, 0, tzinfo=VN)  # the bot is down...
DOWN_UNTIL = datetime(2024, 5, 17, 10, 0, tzinfo=VN)  # ...until Friday 10:00
CLOSE_A_AT = datetime(2024, 5, 8, 12, 0, tzinfo=VN)

DEADLINES = {
    "A": date(2024, 5, 10),  # done on 8/5: its later reminders never go out
    "B": date(2024, 5, 19),  # Sunday: the day-of reminder goes out Friday 17/5 (downtime)
    "C": date(2024, 5, 31),
    "D": date(2024, 5, 6),  # overdue from 7/5, escalated on 9/5
    "E": date(2024, 5, 2),
    "F": date(2024, 5, 14),  # overdue through the downtime, escalated on 17/5
}


def _ticks() -> list[datetime]:
    """Sweeps: every three hours, and every ten minutes around the 08:00 send time."""
    ticks: set[datetime] = set()
    day = START.date()
    while day <= END:
        for hour in range(0, 24, 3):
            ticks.add(datetime.combine(day, time(hour, 0), tzinfo=VN))
        ticks.add(datetime.combine(day, time(7, 50), tzinfo=VN))
        for minute in (0, 10, 20):
            ticks.add(datetime.combine(day, time(8, minute), tzinfo=VN))
        day += timedelta(days=1)
    return sorted(t for t in ticks if t >= START and not DOWN_FROM <= t < DOWN_UNTIL)


def _expected(runtime: Runtime, ticks: list[datetime]) -> set[tuple[str, str, date, bool]]:
    """(task, kind, day, late) the policy says must be sent, given the sweeps that ran."""
    policy = policy_for(runtime.settings)
    before_down = max(t for t in ticks if t < DOWN_FROM)
    after_down = min(t for t in ticks if t >= DOWN_UNTIL)
    expected: set[tuple[str, str, date, bool]] = set()
    for code, deadline in DEADLINES.items():
        planned = [r for r in plan(deadline, policy, runtime.calendar, until=END)]
        planned = [r for r in planned if r.send_at > START]
        if code == "A":
            planned = [r for r in planned if r.send_at < CLOSE_A_AT]
        window = [r for r in planned if before_down < r.send_at <= after_down]
        for r in planned:
            if r not in window:
                expected.add((code, r.kind.value, r.day, False))
        regular = [r for r in window if r.kind is not ReminderKind.ESCALATION]
        caught = ([regular[-1]] if regular else []) + [
            r for r in window if r.kind is ReminderKind.ESCALATION
        ]
        for r in caught:
            expected.add((code, r.kind.value, r.day, after_down - r.send_at > policy.grace))
    return expected


async def test_a_month_of_reminders_each_sent_once_none_lost_late_after_downtime(
    runtime: Runtime, clock: ManualClock
) -> None:
    clock.set(START.astimezone(UTC))
    world = await build_world(runtime)
    ids: dict[int, str] = {}
    for code, deadline in DEADLINES.items():
        agency = "STP" if code in "ABC" else "STC"
        task = await planned_task(runtime, world, agency, code, deadline)
        assert task.id is not None
        ids[task.id] = code
    sender = FakeSender()
    ticks = _ticks()
    closed = False
    for tick in ticks:
        clock.set(tick.astimezone(UTC))
        if not closed and tick >= CLOSE_A_AT:
            async with runtime.database.session() as session:
                task_a = next(i for i, c in ids.items() if c == "A")
                await session.execute(
                    update(Task)
                    .where(col(Task.id) == task_a)
                    .values(state=TaskState.DONE, next_reminder_at=None)
                )
                await cancel_pending(session, task_a)
            closed = True
        await sweep(runtime, sender)

    reminders = await outbox(runtime)
    sent = {(ids[r.task_id], r.kind, r.day, r.late) for r in reminders}
    assert {r.state for r in reminders} == {OutboxState.SENT}
    assert sent == _expected(runtime, ticks)
    assert len(sent) == len(reminders)  # (task, kind, day) once each
    # Downtime: B's DUE (Friday 17/5 08:00) went out at 12:00, late and said so.
    assert ("B", "due", date(2024, 5, 17), True) in sent
    assert ("F", "escalation", date(2024, 5, 17), True) in sent
    assert not any(code == "F" and day == date(2024, 5, 16) for code, _, day, _ in sent)

    rows = await deliveries(runtime)
    assert {r.state for r in rows} == {OutboxState.SENT}
    # Every delivery is in exactly one message, and each message went to one chat once.
    appearances = Counter((m.chat_id, task_id) for m, _ in sender.sent for task_id, _ in m.rows)
    per_chat_task = Counter((r.telegram_chat_id, r.task_id, r.sent_at) for r in rows)
    assert sum(appearances.values()) == len(per_chat_task)
    on_time = [r for r in rows if not r.late]
    assert all(r.sent_at == r.send_at for r in on_time)  # on the 08:00 sweep itself
    late_texts = [m.text for m, _ in sender.sent if "Nhắc muộn" in m.text]
    assert late_texts and all("gửi muộn" in text for text in late_texts)
