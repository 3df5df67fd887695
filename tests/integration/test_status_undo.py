"""Undo on every backend: who may take a change back, the window measured by
the injected clock, what the result says it took back, and the reminder rows
an undo redraws (in the reminder's own order, only for a reminder that lists
the task)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.clock import ManualClock
from bot.domain.rights import Actor, Role
from bot.runtime import Runtime
from bot.services import identity
from bot.services import status as status_service
from bot.services.status import UNDO_WINDOW, Change, ChangeKind, Origin, Outcome
from storage.models import AuditEvent, ReminderDelivery, ReminderOutbox, StatusUpdate, Task
from tests import factories
from tests.status_world import COORDINATOR, FOCAL_CHAT, FOCAL_STP, World, small_world

COLLEAGUE = 3011  # a second focal point of Sở Tư pháp


@pytest.fixture
async def world(runtime: Runtime) -> World:
    world = await small_world(runtime.database)
    await factories.member(
        runtime.database, world.workspace_id, COLLEAGUE, Role.FOCAL_POINT, world.stp, "Chị Hai"
    )
    return world


async def actor(runtime: Runtime, user_id: int) -> Actor:
    return await identity.actor_for(runtime, user_id, FOCAL_CHAT, private=False)


def origin(user_id: int) -> Origin:
    return Origin(telegram_user_id=user_id, telegram_chat_id=FOCAL_CHAT, source="button")


async def history(runtime: Runtime, task_id: int) -> list[StatusUpdate]:
    async with runtime.database.session() as session:
        result = await session.execute(
            select(StatusUpdate)
            .where(StatusUpdate.task_id == task_id)
            .order_by(col(StatusUpdate.id))
        )
        return list(result.scalars())


async def task_row(runtime: Runtime, task_id: int) -> Task:
    async with runtime.database.session() as session:
        task = await session.get(Task, task_id)
        assert task is not None
        return task


async def report(runtime: Runtime, user_id: int, task_id: int, change: Change) -> int:
    result = await status_service.record_change(
        runtime, await actor(runtime, user_id), task_id, change, origin(user_id)
    )
    assert result.outcome is Outcome.RECORDED and result.update_id is not None
    return result.update_id


async def test_a_colleague_may_not_undo_the_author_or_a_coordinator_may(
    runtime: Runtime, world: World
) -> None:
    t1 = world.tasks["T1"]
    await report(runtime, FOCAL_STP, t1, Change(ChangeKind.IN_PROGRESS, percent=40))
    done = await report(runtime, FOCAL_STP, t1, Change(ChangeKind.DONE))

    refused = await status_service.undo(
        runtime, await actor(runtime, COLLEAGUE), done, origin(COLLEAGUE)
    )
    assert refused.outcome is Outcome.NOT_AUTHOR
    assert refused.task is not None and refused.task.state == "done"
    assert [u.kind for u in await history(runtime, t1)] == ["in_progress", "done"]
    async with runtime.database.session() as session:
        [audit] = (
            await session.execute(select(AuditEvent).where(AuditEvent.allowed == False))  # noqa: E712
        ).scalars()
    assert audit.telegram_user_id == COLLEAGUE
    assert audit.action == "undo_change"
    assert {k: audit.detail[k] for k in ("undo", "task_id", "author")} == {
        "undo": done,
        "task_id": t1,
        "author": FOCAL_STP,
    }
    assert audit.detail["target_workspace"] is not None  # the task's, as every refusal

    undone = await status_service.undo(
        runtime, await actor(runtime, COORDINATOR), done, origin(COORDINATOR)
    )
    assert undone.outcome is Outcome.RECORDED
    assert (undone.kind, undone.reverted_kind) == (ChangeKind.UNDO, ChangeKind.DONE)
    task = await task_row(runtime, t1)
    assert (task.state, task.progress, task.completed_on) == ("open", 40, None)
    rows = await history(runtime, t1)
    assert [u.kind for u in rows] == ["in_progress", "done", "undo"]
    assert (rows[-1].reverts_id, rows[-1].by_telegram_user_id) == (done, COORDINATOR)


async def test_the_author_may_undo_within_the_window_by_the_injected_clock(
    runtime: Runtime, world: World
) -> None:
    clock = runtime.clock
    assert isinstance(clock, ManualClock)
    t1, t2 = world.tasks["T1"], world.tasks["T2"]
    focal = await actor(runtime, FOCAL_STP)
    first = await report(runtime, FOCAL_STP, t1, Change(ChangeKind.BLOCKED, reason="thiếu số liệu"))
    clock.advance(UNDO_WINDOW)  # the last moment
    on_time = await status_service.undo(runtime, focal, first, origin(FOCAL_STP))
    assert (on_time.outcome, on_time.reverted_kind) == (Outcome.RECORDED, ChangeKind.BLOCKED)
    assert (await task_row(runtime, t1)).blocked_reason is None

    second = await report(runtime, FOCAL_STP, t2, Change(ChangeKind.DONE))
    clock.advance(UNDO_WINDOW + timedelta(microseconds=1))
    late = await status_service.undo(runtime, focal, second, origin(FOCAL_STP))
    assert late.outcome is Outcome.TOO_LATE
    assert (await task_row(runtime, t2)).state == "done"
    assert [u.kind for u in await history(runtime, t2)] == ["done"]


async def _sent(runtime: Runtime, world: World, message_id: int, codes: list[str]) -> None:
    """A reminder message listing `codes`, as the sender records it."""
    at = datetime(2024, 5, 15, 1, 0, tzinfo=UTC)
    async with runtime.database.session() as session:
        for code in codes:
            outbox = ReminderOutbox(
                workspace_id=world.workspace_id,
                task_id=world.tasks[code],
                kind="before",
                day=date(2024, 5, 15) + timedelta(days=message_id),
                send_at=at,
                state="sent",
            )
            session.add(outbox)
            await session.flush()
            assert outbox.id is not None
            session.add(
                ReminderDelivery(
                    workspace_id=world.workspace_id,
                    outbox_id=outbox.id,
                    task_id=world.tasks[code],
                    telegram_chat_id=FOCAL_CHAT,
                    kind="before",
                    day=outbox.day,
                    send_at=at,
                    state="sent",
                    sent_at=at,
                    telegram_message_id=message_id,
                )
            )


async def test_reminder_rows_follow_the_message_and_check_the_task_named(
    runtime: Runtime, world: World
) -> None:
    t1, t2, t3 = (world.tasks[code] for code in ("T1", "T2", "T3"))
    await _sent(runtime, world, 70, ["T1", "T2", "T3"])
    await _sent(runtime, world, 71, ["T2"])
    # Sở Tài chính before Sở Tư pháp, then by deadline: the order of the text.
    assert await status_service.reminder_rows(runtime, FOCAL_CHAT, 70) == [
        (t3, "T3"),
        (t1, "T1"),
        (t2, "T2"),
    ]
    await report(runtime, FOCAL_STP, t1, Change(ChangeKind.DONE))
    assert await status_service.reminder_rows(runtime, FOCAL_CHAT, 70, listing=t1) == [
        (t3, "T3"),
        (t2, "T2"),
    ]
    # A message id from a button is redrawn only if it is a reminder listing the task.
    assert await status_service.reminder_rows(runtime, FOCAL_CHAT, 71, listing=t1) is None
    assert await status_service.reminder_rows(runtime, FOCAL_CHAT, 72, listing=t1) is None
    assert await status_service.reminder_rows(runtime, FOCAL_CHAT + 1, 70, listing=t1) is None
