"""Undoing "done" on a recurring duty, on every backend.

"Done" on T12 opens the next occurrence T12.2. Taking that "done" back must
not leave the agency with two open occurrences (and two sets of reminders):
the occurrence it opened is withdrawn (cancelled, with a history row saying
why, its pending reminders cancelled) unless somebody has already reported
on it or asked for more time. A "done" reported again brings the same
occurrence back; it never opens a second one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.clock import ManualClock
from bot.domain.deadlines import Period, Recurrence
from bot.domain.rights import Actor
from bot.runtime import Runtime
from bot.services import extensions as extension_service
from bot.services import identity
from bot.services import status as status_service
from bot.services.recurrence import recurrence_to_json, roll_over
from bot.services.status import Change, ChangeKind, ChangeResult, Origin, Outcome
from storage.models import ReminderDelivery, ReminderOutbox, StatusUpdate, Task
from tests import factories
from tests.status_world import COORDINATOR, FOCAL_CHAT, FOCAL_STP, World, small_world

MONTHLY_15 = recurrence_to_json(Recurrence(Period.MONTHLY, "chậm nhất ngày 15 hằng tháng", day=15))


@pytest.fixture
async def world(runtime: Runtime) -> World:
    return await small_world(runtime.database)


async def duty(runtime: Runtime, world: World, stated: date) -> int:
    """T12, a monthly duty of Sở Tư pháp due on the 15th of `stated`'s month."""
    row = await factories.task(
        runtime.database,
        world.workspace_id,
        world.directive_id,
        world.stp,
        "T12",
        stated,
        deadline_stated=stated,
        recurrence=MONTHLY_15,
        action="Báo cáo tình hình thực hiện hằng tháng",
    )
    assert row.id is not None
    return row.id


async def actor(runtime: Runtime, user_id: int) -> Actor:
    return await identity.actor_for(runtime, user_id, FOCAL_CHAT, private=False)


def origin(user_id: int) -> Origin:
    return Origin(
        telegram_user_id=user_id, name="Anh Tư Pháp", telegram_chat_id=FOCAL_CHAT, source="button"
    )


async def report(runtime: Runtime, task_id: int, change: Change) -> ChangeResult:
    result = await status_service.record_change(
        runtime, await actor(runtime, FOCAL_STP), task_id, change, origin(FOCAL_STP)
    )
    assert result.outcome is Outcome.RECORDED, result
    return result


async def undo(runtime: Runtime, update_id: int, user_id: int = FOCAL_STP) -> ChangeResult:
    result = await status_service.undo(
        runtime, await actor(runtime, user_id), update_id, origin(user_id)
    )
    assert result.outcome is Outcome.RECORDED, result
    return result


async def occurrences(runtime: Runtime) -> dict[str, Task]:
    """Every task of the duty T12 by code."""
    async with runtime.database.session() as session:
        rows = await session.execute(
            select(Task).where(col(Task.code).startswith("T12")).order_by(col(Task.id))
        )
        return {task.code: task for task in rows.scalars()}


async def history(runtime: Runtime, task_id: int) -> list[StatusUpdate]:
    async with runtime.database.session() as session:
        rows = await session.execute(
            select(StatusUpdate)
            .where(StatusUpdate.task_id == task_id)
            .order_by(col(StatusUpdate.id))
        )
        return list(rows.scalars())


async def planned_reminder(runtime: Runtime, world: World, task_id: int) -> int:
    """A reminder of `task_id` the sweep has planned but not sent yet."""
    async with runtime.database.session() as session:
        outbox = ReminderOutbox(
            workspace_id=world.workspace_id,
            task_id=task_id,
            kind="before",
            day=date(2024, 6, 5),
            send_at=datetime(2024, 6, 5, 1, 0, tzinfo=UTC),
        )
        session.add(outbox)
        await session.flush()
        assert outbox.id is not None
        session.add(
            ReminderDelivery(
                workspace_id=world.workspace_id,
                outbox_id=outbox.id,
                task_id=task_id,
                telegram_chat_id=FOCAL_CHAT,
                kind="before",
                day=date(2024, 6, 5),
                send_at=datetime(2024, 6, 5, 1, 0, tzinfo=UTC),
            )
        )
        return outbox.id


async def reminder_states(runtime: Runtime, outbox_id: int) -> tuple[str, list[str]]:
    async with runtime.database.session() as session:
        outbox = await session.get(ReminderOutbox, outbox_id)
        assert outbox is not None
        deliveries = await session.execute(
            select(ReminderDelivery.state).where(ReminderDelivery.outbox_id == outbox_id)
        )
        return outbox.state, list(deliveries.scalars())


def open_codes(tasks: dict[str, Task]) -> list[str]:
    return [code for code, task in tasks.items() if task.state == "open"]


async def test_undoing_done_withdraws_the_untouched_next_occurrence(
    runtime: Runtime, world: World, clock: ManualClock
) -> None:
    t12 = await duty(runtime, world, date(2024, 5, 15))
    done = await report(runtime, t12, Change(ChangeKind.DONE))
    assert done.next_occurrence_id is not None and done.update_id is not None
    following = done.next_occurrence_id
    assert open_codes(await occurrences(runtime)) == ["T12.2"]
    outbox_id = await planned_reminder(runtime, world, following)

    clock.advance(timedelta(minutes=2))
    undone = await undo(runtime, done.update_id)

    tasks = await occurrences(runtime)
    assert open_codes(tasks) == ["T12"]  # one open occurrence, the one that was reopened
    assert tasks["T12.2"].state == "cancelled" and tasks["T12.2"].next_reminder_at is None
    # Its planned reminder will not be sent.
    assert await reminder_states(runtime, outbox_id) == ("cancelled", ["cancelled"])
    # Append-only: a row on T12.2 says who withdrew it, when and why.
    [withdrawn] = await history(runtime, following)
    assert (withdrawn.kind, withdrawn.source) == ("withdrawn", "system")
    assert withdrawn.by_telegram_user_id == FOCAL_STP and withdrawn.created_at == clock.now()
    assert withdrawn.reason is not None and "T12" in withdrawn.reason
    assert withdrawn.previous_state is not None and withdrawn.previous_state["state"] == "open"
    assert [u.kind for u in await history(runtime, t12)] == ["done", "undo"]
    # The result says what became of it, for the confirmation.
    assert undone.successor is not None
    assert (undone.successor.task_id, undone.successor.code) == (following, "T12.2")
    assert undone.successor.fate == "withdrawn"
    # The roll-over has nothing to open while May's period runs.
    assert await roll_over(runtime) == []


async def test_a_done_reported_again_brings_back_the_same_occurrence(
    runtime: Runtime, world: World, clock: ManualClock
) -> None:
    t12 = await duty(runtime, world, date(2024, 5, 15))
    first = await report(runtime, t12, Change(ChangeKind.DONE))
    assert first.update_id is not None and first.next_occurrence_id is not None
    await undo(runtime, first.update_id)

    clock.advance(timedelta(minutes=1))
    again = await report(runtime, t12, Change(ChangeKind.DONE))
    assert again.next_occurrence_id == first.next_occurrence_id  # opened once
    tasks = await occurrences(runtime)
    assert list(tasks) == ["T12", "T12.2"]
    assert open_codes(tasks) == ["T12.2"] and tasks["T12"].state == "done"
    following = tasks["T12.2"]
    assert following.next_reminder_at is not None and following.next_reminder_at > clock.now()
    assert [(u.kind, u.source) for u in await history(runtime, following.id or 0)] == [
        ("withdrawn", "system"),
        ("reinstated", "system"),
    ]

    # Still untouched: undoing the second "done" withdraws it again.
    assert again.update_id is not None
    undone = await undo(runtime, again.update_id)
    assert undone.successor is not None and undone.successor.fate == "withdrawn"
    assert open_codes(await occurrences(runtime)) == ["T12"]
    # And a third "done" still finds the one successor.
    third = await report(runtime, t12, Change(ChangeKind.DONE))
    assert third.next_occurrence_id == first.next_occurrence_id
    assert list(await occurrences(runtime)) == ["T12", "T12.2"]


@pytest.mark.parametrize("touch", ["progress", "extension"])
async def test_a_next_occurrence_someone_touched_is_kept(
    runtime: Runtime, world: World, touch: str
) -> None:
    t12 = await duty(runtime, world, date(2024, 5, 15))
    done = await report(runtime, t12, Change(ChangeKind.DONE))
    assert done.update_id is not None and done.next_occurrence_id is not None
    following = done.next_occurrence_id
    if touch == "progress":
        await report(runtime, following, Change(ChangeKind.IN_PROGRESS, percent=20))
    else:
        asked = await extension_service.request_extension(
            runtime,
            await actor(runtime, FOCAL_STP),
            following,
            origin(FOCAL_STP),
            requested_date=date(2024, 6, 28),
        )
        assert asked.outcome == "created"

    undone = await undo(runtime, done.update_id, COORDINATOR)

    tasks = await occurrences(runtime)
    assert open_codes(tasks) == ["T12", "T12.2"]  # kept, as the result says
    assert undone.successor is not None
    assert (undone.successor.code, undone.successor.fate) == ("T12.2", "kept_touched")
    assert "withdrawn" not in [u.kind for u in await history(runtime, following)]


async def test_undo_after_the_period_ended_keeps_the_occurrence_that_is_due_anyway(
    runtime: Runtime, world: World
) -> None:
    # April's report, still open on 13/5: May's occurrence is due whatever happens.
    t12 = await duty(runtime, world, date(2024, 4, 15))
    done = await report(runtime, t12, Change(ChangeKind.DONE))
    assert done.update_id is not None and done.next_occurrence_id is not None
    undone = await undo(runtime, done.update_id)
    assert open_codes(await occurrences(runtime)) == ["T12", "T12.2"]
    assert undone.successor is not None and undone.successor.fate == "kept_due"


async def test_the_roll_over_brings_back_a_withdrawn_occurrence_when_the_period_ends(
    runtime: Runtime, world: World, clock: ManualClock
) -> None:
    t12 = await duty(runtime, world, date(2024, 5, 15))
    done = await report(runtime, t12, Change(ChangeKind.DONE))
    assert done.update_id is not None and done.next_occurrence_id is not None
    await undo(runtime, done.update_id)
    assert open_codes(await occurrences(runtime)) == ["T12"]

    clock.set(datetime(2024, 6, 1, 0, 10, tzinfo=UTC))  # May is over; T12 was never done
    assert await roll_over(runtime) == [done.next_occurrence_id]
    tasks = await occurrences(runtime)
    assert list(tasks) == ["T12", "T12.2"]
    assert open_codes(tasks) == ["T12", "T12.2"]
    assert tasks["T12.2"].next_reminder_at is not None
    assert await roll_over(runtime) == []  # nothing twice
