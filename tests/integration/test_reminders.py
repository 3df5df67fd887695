"""The reminder outbox on SQLite and PostgreSQL: planning, targets, batching,
the unique key, atomic claims, crash recovery, failures, and the sweep's cost."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text, update
from sqlmodel import col

from bot.clock import ManualClock
from bot.runtime import Runtime
from bot.services import reminder_reports, reminders
from bot.services.reminder_reports import report_problems
from bot.services.reminders import (
    THIS_PROCESS,
    Ambiguous,
    ChatGone,
    ChatMoved,
    Claimant,
    DeliveryPolicy,
    Rejected,
    RetryLater,
    cancel_pending,
    deliver,
    plan_due,
    recover,
    schedule_task,
    sweep,
)
from storage.database import Database
from storage.models import Chat, OutboxState, ReminderDelivery, Task, TaskState
from storage.repositories import reminders as repo
from tests.conftest import make_settings
from tests.reminders_support import (
    ADMIN,
    COORDINATION_CHAT,
    FOCAL_GROUP,
    HEAD_STC,
    HUNG,
    LAN,
    MAI,
    STP_GROUP,
    FakeSender,
    build_world,
    deliveries,
    outbox,
    planned_task,
    task_row,
)

# The `clock` fixture starts on Monday 13/5/2024 at 07:00 in Vietnam.
AT_0800 = datetime(2024, 5, 13, 1, 0, 30, tzinfo=UTC)  # 08:00:30 local
THURSDAY = date(2024, 5, 16)  # BEFORE-3 of a Thursday deadline is Monday 13/5


async def test_schedule_task_plans_the_next_reminder_or_none(runtime: Runtime) -> None:
    world = await build_world(runtime)
    task = await planned_task(runtime, world, "STP", "T1", THURSDAY)
    assert task.next_reminder_at == datetime(2024, 5, 13, 1, 0, tzinfo=UTC)
    assert task.reminders_checked_at == runtime.now()
    task.state = TaskState.DONE
    assert schedule_task(task, runtime) is None and task.next_reminder_at is None
    task.state = TaskState.OPEN
    task.effective_deadline = None
    assert schedule_task(task, runtime) is None


async def test_one_message_per_chat_grouped_with_mentions_and_message_ids(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    t1 = await planned_task(runtime, world, "STP", "T1", THURSDAY)
    t2 = await planned_task(runtime, world, "STP", "T2", THURSDAY)
    t3 = await planned_task(runtime, world, "STC", "T3", THURSDAY)
    await planned_task(runtime, world, "STC", "T4", date(2024, 6, 28))  # not due
    clock.set(AT_0800)
    sender = FakeSender()
    result = await sweep(runtime, sender)

    assert result.plan.tasks == 3 and result.plan.reminders == 3
    assert result.delivery.messages == 2 and result.delivery.sent == 3
    [stp] = sender.to(STP_GROUP)  # Sở Tư pháp's own group: both its tasks, one message
    assert [row[0] for row in stp.rows] == [t1.id, t2.id]
    assert f'<a href="tg://user?id={LAN}">Lan</a>' in stp.text
    assert f'<a href="tg://user?id={HUNG}">Hùng</a>' in stp.text
    [focal] = sender.to(FOCAL_GROUP)  # Sở Tài chính has no group: the focal points' group
    assert [row[0] for row in focal.rows] == [t3.id]
    assert f"tg://user?id={MAI}" in focal.text and "Sở Tài chính" in focal.text
    assert "⏳ Còn 3 ngày làm việc" in stp.text and "muộn" not in stp.text

    rows = await deliveries(runtime)
    assert {r.state for r in rows} == {OutboxState.SENT}
    stp_message = dict((m.chat_id, i) for m, i in sender.sent)[STP_GROUP]
    assert {r.telegram_message_id for r in rows if r.telegram_chat_id == STP_GROUP} == {stp_message}
    async with runtime.database.session() as session:
        about = await repo.tasks_of_message(session, STP_GROUP, stp_message)
        assert [task.id for task in about] == [t1.id, t2.id]
        assert await repo.tasks_of_message(session, STP_GROUP, 999_999) == []
    assert {r.state for r in await outbox(runtime)} == {OutboxState.SENT}
    # The next reminder of a Thursday deadline: BEFORE-1 on Wednesday 15/5, 08:00.
    assert (await task_row(runtime, t1.id or 0)).next_reminder_at == datetime(
        2024, 5, 15, 1, 0, tzinfo=UTC
    )

    again = await sweep(runtime, sender)  # same minute: nothing new
    assert again.plan.tasks == 0 and again.delivery.messages == 0 and len(sender.sent) == 2


async def test_a_reminder_planned_twice_is_delivered_once(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    task = await planned_task(runtime, world, "STP", "T1", THURSDAY)
    before = (task.next_reminder_at, task.reminders_checked_at)
    clock.set(AT_0800)
    first = await plan_due(runtime)
    # A second process that read the task before the first one moved it on:
    async with runtime.database.session() as session:
        await session.execute(
            update(Task)
            .where(col(Task.id) == task.id)
            .values(next_reminder_at=before[0], reminders_checked_at=before[1])
        )
    second = await plan_due(runtime)
    assert first.reminders == 1 and second.tasks == 1 and second.reminders == 0
    assert len(await outbox(runtime)) == 1 and len(await deliveries(runtime)) == 1


async def test_without_groups_reminders_go_to_focal_points_privately_and_escalate(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime, agency_group=False, focal_group=False)
    stp = await planned_task(runtime, world, "STP", "T1", THURSDAY)
    # Sở Tài chính, due Tuesday 7/5: 3 working days overdue on Friday 10/5 (escalation).
    stc = await planned_task(
        runtime,
        world,
        "STC",
        "T2",
        date(2024, 5, 7),
    )
    async with runtime.database.session() as session:
        await session.execute(
            update(Task)
            .where(col(Task.id) == stc.id)
            .values(
                reminders_checked_at=datetime(2024, 5, 10, 0, 0, tzinfo=UTC),
                next_reminder_at=datetime(2024, 5, 10, 1, 0, tzinfo=UTC),
            )
        )
    clock.set(AT_0800)
    sender = FakeSender()
    await sweep(runtime, sender)
    assert sender.task_ids(LAN) == [stp.id] and sender.task_ids(HUNG) == [stp.id]
    assert "tg://user" not in sender.to(LAN)[0].text  # no mentions in a private chat
    assert sender.task_ids(MAI) == [stc.id]  # today's OVERDUE, to the focal point
    [escalation] = sender.to(COORDINATION_CHAT)
    assert escalation.text.startswith("⛔") and "quá hạn 4 ngày" in escalation.text.lower()
    assert "muộn" in escalation.text  # the escalation fell due on Friday: sent late
    assert sender.task_ids(HEAD_STC) == [stc.id]
    kinds = {(r.telegram_chat_id, r.kind, r.late) for r in await deliveries(runtime)}
    assert (COORDINATION_CHAT, "escalation", True) in kinds
    assert (MAI, "overdue", False) in kinds


async def test_a_reminder_with_nowhere_to_go_is_reported_to_the_admins(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime, agency_group=False, focal_group=False)
    t1 = await planned_task(runtime, world, "STC", "T1", THURSDAY)  # planned in the same batch
    await planned_task(runtime, world, "SNV", "T9", THURSDAY)  # no group, no focal point
    clock.set(AT_0800)
    sender = FakeSender()
    await sweep(runtime, sender)
    assert sender.task_ids() == [t1.id]  # to Sở Tài chính's focal point in private
    [row] = [r for r in await deliveries(runtime) if r.telegram_chat_id == 0]
    assert row.state == OutboxState.FAILED and row.error == "no_chat"
    assert await report_problems(runtime, sender) == 1
    [report] = sender.to(ADMIN)
    assert "T9" in report.text and "chưa có nhóm và chưa có đầu mối" in report.text
    assert await report_problems(runtime, sender) == 0  # reported once


async def _due_deliveries(runtime: Runtime, clock: ManualClock, count: int) -> list[int]:
    world = await build_world(runtime)
    for n in range(count):
        await planned_task(runtime, world, "STP" if n % 2 else "STC", f"T{n}", THURSDAY)
    clock.set(AT_0800)
    await plan_due(runtime)
    return [r.id for r in await deliveries(runtime) if r.id is not None]


async def test_two_claimers_get_disjoint_rows(
    runtime: Runtime, clock: ManualClock, database: Database
) -> None:
    ids = await _due_deliveries(runtime, clock, 60)
    assert len(ids) == 60
    other = Database(database.url)
    try:

        async def take(db: Database, who: str) -> list[int]:
            got: list[int] = []
            for chunk in range(0, len(ids), 7):  # interleave many small claims
                async with db.session() as session:
                    got += await repo.claim(session, ids[chunk : chunk + 7], who, AT_0800)
                await asyncio.sleep(0)
            return got

        first, second = await asyncio.gather(take(database, "a:1:x"), take(other, "b:2:y"))
    finally:
        await other.dispose()
    assert set(first).isdisjoint(second)
    assert sorted(first + second) == sorted(ids)


async def test_two_processes_delivering_at_once_never_send_twice(
    runtime: Runtime, clock: ManualClock, database: Database
) -> None:
    await _due_deliveries(runtime, clock, 40)
    other = Runtime(settings=runtime.settings, database=Database(database.url), clock=clock)
    a, b = FakeSender(), FakeSender(next_id=10_000)
    try:
        await asyncio.gather(
            deliver(runtime, a, claimant=Claimant("host-a", 1, "a")),
            deliver(other, b, claimant=Claimant("host-b", 2, "b")),
        )
    finally:
        await other.database.dispose()
    sent = a.task_ids() + b.task_ids()
    assert len(sent) == len(set(sent)) == 40
    assert {r.state for r in await deliveries(runtime)} == {OutboxState.SENT}


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


async def test_rows_left_sending_by_a_crash_are_sent_again_saying_so(
    runtime: Runtime, clock: ManualClock
) -> None:
    ids = await _due_deliveries(runtime, clock, 4)
    dead = Claimant(THIS_PROCESS.host, _dead_pid(), "gone")
    elsewhere = Claimant("other-host", 42, "alive?")
    async with runtime.database.session() as session:
        await repo.claim(session, ids[:2], str(dead), runtime.now())
        await repo.claim(session, ids[2:3], str(elsewhere), runtime.now())
    crashed_at = runtime.now()
    sender = FakeSender()
    result = await sweep(runtime, sender)
    assert result.recovered == 2  # the dead process's rows; the other host's may be alive
    assert len(sender.sent) == 1  # only the unclaimed row went out, not the crashed ones yet
    states = {r.id: (r.state, r.doubtful_sends) for r in await deliveries(runtime)}
    assert [states[i] for i in ids] == [("pending", 1), ("pending", 1), ("sending", 0), ("sent", 0)]

    policy = DeliveryPolicy()
    clock.advance(policy.stale_after + timedelta(seconds=1))
    assert await recover(runtime) == 1  # the other host's claim is now too old
    clock.set(crashed_at + policy.repeat_after)
    await sweep(runtime, sender)
    repeats = sender.sent[1:]
    assert sorted(task for m, _ in repeats for task, _code in m.rows) == sorted(
        r.task_id for r in await deliveries(runtime) if r.id in ids[:2]
    )
    for message, _ in repeats:
        assert "♻️ Tin nhắc này được gửi lại" in message.text
        assert "♻️ Gửi lại (lần gửi trước: 08:00 13/05/2024)" in message.text
    assert "gửi lại" not in sender.sent[0][0].text  # the first send is not labelled

    clock.advance(policy.stale_after + timedelta(seconds=1))  # the hung row's repeat is due
    await sweep(runtime, sender)
    assert {r.state for r in await deliveries(runtime)} == {OutboxState.SENT}
    assert len(sender.task_ids()) == 4  # each task once, plus nothing else
    assert await report_problems(runtime, sender) == 0  # nothing left in doubt
    assert {r.state for r in await outbox(runtime)} == {OutboxState.SENT}


async def test_a_restart_of_the_same_pid_is_a_new_process(runtime: Runtime) -> None:
    previous = Claimant(THIS_PROCESS.host, THIS_PROCESS.pid, "before-restart")
    assert reminders.claimant_is_dead(previous)
    assert not reminders.claimant_is_dead(THIS_PROCESS)
    assert not reminders.claimant_is_dead(Claimant("elsewhere", 1, "x"))
    assert Claimant.parse(str(previous)) == previous


async def test_flood_control_and_server_errors_retry_with_backoff_then_give_up(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    await planned_task(runtime, world, "STP", "T1", THURSDAY)
    clock.set(AT_0800)
    sender = FakeSender(script={STP_GROUP: [RetryLater("429", retry_after=45)]})
    result = await sweep(runtime, sender)
    assert result.delivery.retried == 1 and sender.sent == []
    [row] = await deliveries(runtime)
    assert row.state == OutboxState.PENDING and row.attempts == 1
    assert row.next_attempt_at == AT_0800 + timedelta(seconds=45)
    await sweep(runtime, sender)
    assert sender.sent == []  # not before its time
    clock.advance(timedelta(seconds=46))
    await sweep(runtime, sender)
    assert sender.task_ids(STP_GROUP) == [row.task_id]

    # A delivery that keeps failing stops after max_attempts.
    await planned_task(runtime, world, "STC", "T2", THURSDAY)
    clock.set(datetime(2024, 5, 15, 1, 0, 30, tzinfo=UTC))  # T2's BEFORE-1, Wednesday
    policy = DeliveryPolicy(max_attempts=3)
    failing = FakeSender(script={FOCAL_GROUP: [RetryLater("502 Bad Gateway")] * 10})
    for _ in range(6):
        await sweep(runtime, failing, policy=policy)
        clock.advance(timedelta(hours=1))
    given_up = [r for r in await deliveries(runtime) if r.telegram_chat_id == FOCAL_GROUP]
    assert [(r.state, r.attempts) for r in given_up] == [("failed", 3)]
    assert given_up[0].error is not None and given_up[0].error.startswith("gave_up")


async def test_removed_from_a_group_fails_at_once_and_later_reminders_fall_back(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    await planned_task(runtime, world, "STP", "T1", THURSDAY)
    clock.set(AT_0800)
    sender = FakeSender(script={STP_GROUP: [ChatGone("Forbidden: bot was kicked")]})
    result = await sweep(runtime, sender)
    assert result.delivery.failed == 1 and result.delivery.removed_from == [STP_GROUP]
    async with runtime.database.session() as session:
        chat = (
            await session.execute(select(Chat).where(col(Chat.telegram_chat_id) == STP_GROUP))
        ).scalar_one()
        assert chat.bot_is_member is False
    clock.set(datetime(2024, 5, 15, 1, 0, 30, tzinfo=UTC))  # Wednesday: BEFORE-1
    await sweep(runtime, sender)
    assert len(sender.to(FOCAL_GROUP)) == 1  # the focal points' group instead


async def test_a_migrated_group_gets_the_reminder_at_its_new_id(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    task = await planned_task(runtime, world, "STP", "T1", THURSDAY)
    new_id = -1009999
    sender = FakeSender(script={STP_GROUP: [ChatMoved(new_id)]})
    clock.set(AT_0800)
    result = await sweep(runtime, sender)
    assert result.delivery.migrated == 1 and result.delivery.sent == 1
    assert sender.task_ids(new_id) == [task.id] and sender.to(STP_GROUP) == []
    [row] = await deliveries(runtime)
    assert row.telegram_chat_id == new_id and row.state == OutboxState.SENT
    async with runtime.database.session() as session:
        chats = await repo.target_chats(session, [world.workspace_id])
        assert new_id in {c.telegram_chat_id for c in chats}
        assert STP_GROUP not in {c.telegram_chat_id for c in chats}
        about = await repo.tasks_of_message(session, new_id, row.telegram_message_id or 0)
        assert [t.id for t in about] == [task.id]


async def test_a_dropped_connection_is_sent_again_later_and_later_parts_still_go(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    for n in range(30):  # 30 tasks: two messages (at most 25 tasks' buttons each)
        await planned_task(runtime, world, "STP", f"T{n}", THURSDAY)
    clock.set(AT_0800)
    sender = FakeSender(script={STP_GROUP: [Ambiguous("httpx.RemoteProtocolError")]})
    result = await sweep(runtime, sender)
    assert result.delivery.to_repeat == 25 and result.delivery.retried == 5
    assert result.delivery.unknown == 0
    await sweep(runtime, sender)
    assert len(sender.task_ids(STP_GROUP)) == 5  # the second part at once; the first waits
    clock.advance(DeliveryPolicy().repeat_after - timedelta(seconds=1))
    await sweep(runtime, sender)
    assert len(sender.task_ids(STP_GROUP)) == 5  # not before its time
    clock.advance(timedelta(seconds=1))
    await sweep(runtime, sender)
    repeats = sender.to(STP_GROUP)[1:]  # (the labels make 25 tasks longer than one message)
    assert sum(len(m.rows) for m in repeats) == 25
    assert all("♻️ Tin nhắc này được gửi lại" in m.text for m in repeats)
    assert [r.state for r in await deliveries(runtime)] == ["sent"] * 30
    assert await report_problems(runtime, sender) == 0


async def test_an_answer_to_the_first_message_shows_it_arrived_and_withdraws_the_repeat(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    t1 = await planned_task(runtime, world, "STP", "T1", THURSDAY)
    t2 = await planned_task(runtime, world, "STP", "T2", THURSDAY)
    clock.set(AT_0800)
    sender = FakeSender(script={STP_GROUP: [Ambiguous("httpx.ReadTimeout")]})
    await sweep(runtime, sender)
    first_send = AT_0800.replace(second=31, microsecond=0)  # Telegram's date, whole seconds
    tasks = [t1.id or 0, t2.id or 0]
    # Not proof: a message older than the doubtful send, or another chat's message.
    assert (
        await reminders.confirm_arrival(
            runtime, STP_GROUP, 500, AT_0800 - timedelta(hours=1), tasks
        )
        == 0
    )
    assert await reminders.confirm_arrival(runtime, FOCAL_GROUP, 500, first_send, tasks) == 0
    clock.advance(timedelta(minutes=4))
    assert await reminders.confirm_arrival(runtime, STP_GROUP, 500, first_send, tasks) == 2
    assert await reminders.confirm_arrival(runtime, STP_GROUP, 500, first_send, tasks) == 0
    clock.advance(DeliveryPolicy().repeat_after)
    await sweep(runtime, sender)
    assert sender.sent == []  # it arrived: no repeat
    rows = await deliveries(runtime)
    assert [(r.state, r.telegram_message_id, r.sent_at) for r in rows] == [
        ("sent", 500, first_send)
    ] * 2
    async with runtime.database.session() as session:
        about = await repo.tasks_of_message(session, STP_GROUP, 500)
    assert [t.id for t in about] == tasks  # replies to it now find their tasks
    assert {r.state for r in await outbox(runtime)} == {OutboxState.SENT}


async def test_a_send_never_answered_after_the_last_try_is_unknown_and_reported(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    await planned_task(runtime, world, "STP", "T1", THURSDAY)
    clock.set(AT_0800)
    policy = DeliveryPolicy()
    sender = FakeSender(
        script={STP_GROUP: [Ambiguous("httpx.ReadTimeout")] * policy.max_doubtful_sends}
    )
    unknown = 0
    for _ in range(policy.max_doubtful_sends + 2):
        unknown += (await sweep(runtime, sender)).delivery.unknown
        clock.advance(policy.repeat_after)
    assert unknown == 1 and sender.sent == []
    [row] = await deliveries(runtime)
    assert (row.state, row.doubtful_sends) == ("unknown", policy.max_doubtful_sends)
    assert await report_problems(runtime, sender) == 1
    [report] = sender.to(ADMIN)
    assert "chưa rõ đã đến nơi" in report.text and "không gửi thêm nữa" in report.text
    assert "mất kết nối khi đang gửi" in report.text


async def test_a_refused_part_fails_and_the_next_part_is_sent(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    for n in range(30):
        await planned_task(runtime, world, "STP", f"T{n}", THURSDAY)
    clock.set(AT_0800)
    sender = FakeSender(script={STP_GROUP: [Rejected("Bad Request: can't parse entities")]})
    result = await sweep(runtime, sender)
    assert result.delivery.failed == 25 and result.delivery.sent == 5


async def test_closing_a_task_withdraws_its_pending_reminders(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    done = await planned_task(runtime, world, "STP", "T1", THURSDAY)
    closed_late = await planned_task(runtime, world, "STP", "T2", THURSDAY)
    kept = await planned_task(runtime, world, "STP", "T3", THURSDAY)
    clock.set(AT_0800)
    await plan_due(runtime)
    async with runtime.database.session() as session:
        task = await session.get(Task, done.id)
        assert task is not None
        task.state = TaskState.DONE
        assert await cancel_pending(session, task.id or 0) == 1
        schedule_task(task, runtime)
        # Closed without cancel_pending (a race with the sweep): the sender re-checks.
        await session.execute(
            update(Task).where(col(Task.id) == closed_late.id).values(state=TaskState.CANCELLED)
        )
    sender = FakeSender()
    result = await deliver(runtime, sender)
    assert sender.task_ids() == [kept.id]
    assert result.cancelled == 1
    by_task = {r.task_id: r.state for r in await deliveries(runtime)}
    assert by_task == {done.id: "cancelled", closed_late.id: "cancelled", kept.id: "sent"}


async def test_an_extension_moves_the_reminders(runtime: Runtime, clock: ManualClock) -> None:
    world = await build_world(runtime)
    task = await planned_task(runtime, world, "STP", "T1", THURSDAY)
    clock.set(AT_0800)
    await plan_due(runtime)  # today's BEFORE-3 is pending
    async with runtime.database.session() as session:
        row = await session.get(Task, task.id)
        assert row is not None
        row.original_effective_deadline = row.effective_deadline
        row.effective_deadline = date(2024, 5, 31)  # Friday
        await cancel_pending(session, row.id or 0)
        schedule_task(row, runtime)
    sender = FakeSender()
    await deliver(runtime, sender)
    assert sender.sent == []
    moved = await task_row(runtime, task.id or 0)
    # 7 working days before Friday 31/5 is Wednesday 22/5.
    assert moved.next_reminder_at == datetime(2024, 5, 22, 1, 0, tzinfo=UTC)


async def _bulk_tasks(runtime: Runtime, count: int, due: int) -> None:
    world = await build_world(runtime)
    now = runtime.now()
    rows = [
        {
            "workspace_id": world.workspace_id,
            "directive_id": world.directive_id,
            "agency_id": world.agencies["STP"],
            "code": f"B{n}",
            "action": "x",
            "effective_deadline": THURSDAY,
            "state": TaskState.OPEN if n % 10 else TaskState.DONE,
            "progress": 0,
            "role": "perform",
            "supporting": [],
            "next_reminder_at": now - timedelta(minutes=1)
            if n < due
            else now + timedelta(days=1 + n % 30),
            "reminders_checked_at": now - timedelta(days=1),
        }
        for n in range(1, count + 1)
    ]
    async with runtime.database.session() as session:
        await session.execute(insert(Task), rows)


async def test_the_sweep_touches_only_due_tasks(runtime: Runtime, database: Database) -> None:
    await _bulk_tasks(runtime, 5000, due=11)  # ids 1..10 are due; one of them is done
    result = await plan_due(runtime)
    assert result.tasks == 9  # not 5000: and a done task is never selected
    async with database.engine.connect() as connection:
        if database.is_sqlite:
            plan = (
                await connection.execute(
                    text("EXPLAIN QUERY PLAN " + repo.due_tasks_sql()),
                    {"now": runtime.now(), "limit": 500},
                )
            ).all()
            assert any("ix_task_open_next_reminder" in str(row) for row in plan), plan
        else:
            await connection.execute(text("ANALYZE task"))
            plan = (
                await connection.execute(
                    text("EXPLAIN " + repo.due_tasks_sql()),
                    {"now": runtime.now(), "limit": 500},
                )
            ).all()
            assert any("ix_task_open_next_reminder" in str(row) for row in plan), plan


async def test_settings_drive_the_policy(database: Database) -> None:
    settings = make_settings(
        database.url, REMINDER_DAYS="5,2", REMINDER_TIME="07:30", ESCALATE_AFTER_DAYS=2
    )
    policy = reminders.policy_for(settings)
    assert policy.days_before == (5, 2) and policy.escalate_after == 2
    assert policy.send_time.hour == 7 and policy.send_time.minute == 30
    assert str(policy.timezone) == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_problem_reasons_are_worded(runtime: Runtime, lang: str) -> None:
    for error in ("crash", "stale", "connection: x", "forbidden: y", "no_chat", "gave_up: z"):
        assert reminder_reports._reason(lang, error, 3) != ""
    assert "Bad Request" in reminder_reports._reason(lang, "rejected: Bad Request: x", 1)


async def test_delivery_rows_follow_the_unique_key(runtime: Runtime, clock: ManualClock) -> None:
    ids = await _due_deliveries(runtime, clock, 2)
    async with runtime.database.session() as session:
        first = await session.get(ReminderDelivery, ids[0])
        assert first is not None
        copy = {
            c: getattr(first, c)
            for c in ("workspace_id", "outbox_id", "task_id", "telegram_chat_id", "kind", "day")
        }
        copy.update(send_at=first.send_at, state="pending")
        assert await repo.insert_deliveries(session, [copy]) == 0
