"""Status changes on every backend: append-only history, the derived task
state, undo, rights (including forged references to another workspace's
task), reminders withdrawn and replanned, evidence files, prompts that
survive a restart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.clock import ManualClock
from bot.domain.rights import Actor
from bot.runtime import Runtime
from bot.services import identity
from bot.services import status as status_service
from bot.services.status import Change, ChangeKind, Lookup, Origin, Outcome
from storage.models import (
    AuditEvent,
    OutboxState,
    ReminderDelivery,
    ReminderOutbox,
    StatusUpdate,
    Task,
)
from tests.status_world import (
    COORDINATOR,
    FOCAL_CHAT,
    FOCAL_STC,
    FOCAL_STP,
    OTHER_CHAT,
    OTHER_COORDINATOR,
    STRANGER,
    World,
    small_world,
)


async def actor(runtime: Runtime, user_id: int, chat_id: int = FOCAL_CHAT) -> Actor:
    return await identity.actor_for(runtime, user_id, chat_id, private=False)


def origin(user_id: int = FOCAL_STP, message_id: int = 501, **fields: object) -> Origin:
    return Origin(
        telegram_user_id=user_id,
        name="Anh Tư Pháp",
        telegram_chat_id=FOCAL_CHAT,
        telegram_message_id=message_id,
        source=str(fields.pop("source", "button")),
        **fields,  # type: ignore[arg-type]
    )


async def task_row(runtime: Runtime, task_id: int) -> Task:
    async with runtime.database.session() as session:
        task = await session.get(Task, task_id)
        assert task is not None
        return task


async def history(runtime: Runtime, task_id: int) -> list[StatusUpdate]:
    async with runtime.database.session() as session:
        result = await session.execute(
            select(StatusUpdate)
            .where(StatusUpdate.task_id == task_id)
            .order_by(col(StatusUpdate.id))
        )
        return list(result.scalars())


async def refusals(runtime: Runtime) -> list[AuditEvent]:
    async with runtime.database.session() as session:
        result = await session.execute(
            select(AuditEvent).where(AuditEvent.allowed == False)  # noqa: E712
        )
        return list(result.scalars())


@pytest.fixture
async def world(runtime: Runtime) -> World:
    return await small_world(runtime.database)


async def test_done_is_appended_with_who_when_where_and_derives_the_task(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    result = await status_service.record_change(
        runtime, focal, world.tasks["T1"], Change(ChangeKind.DONE), origin()
    )
    assert result.outcome is Outcome.RECORDED
    assert result.undo_until == runtime.now() + status_service.UNDO_WINDOW
    task = await task_row(runtime, world.tasks["T1"])
    assert (task.state, task.progress, task.completed_on) == ("done", 100, date(2024, 5, 13))
    assert task.completed_at == runtime.now()
    [row] = await history(runtime, world.tasks["T1"])
    assert row.kind == "done" and row.by_telegram_user_id == FOCAL_STP
    assert (row.telegram_chat_id, row.telegram_message_id, row.source) == (
        FOCAL_CHAT,
        501,
        "button",
    )
    assert row.created_at == runtime.now()
    assert row.previous_state == {
        "state": "open",
        "progress": 0,
        "blocked_reason": None,
        "completed_at": None,
        "completed_on": None,
    }


async def test_completed_on_is_the_local_day_not_utc(runtime: Runtime, world: World) -> None:
    clock = runtime.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2024, 5, 20, 18, 30, tzinfo=UTC))  # 01:30 on 21/5 in Vietnam
    focal = await actor(runtime, FOCAL_STP)
    await status_service.record_change(
        runtime, focal, world.tasks["T1"], Change(ChangeKind.DONE), origin()
    )
    task = await task_row(runtime, world.tasks["T1"])
    assert task.completed_on == date(2024, 5, 21)  # one day after the deadline 20/5: late


async def test_history_is_append_only_and_undo_restores_the_previous_state(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    task_id = world.tasks["T1"]
    await status_service.record_change(
        runtime, focal, task_id, Change(ChangeKind.IN_PROGRESS, percent=60), origin()
    )
    done = await status_service.record_change(
        runtime, focal, task_id, Change(ChangeKind.DONE), origin()
    )
    assert done.update_id is not None
    undone = await status_service.undo(runtime, focal, done.update_id, origin(message_id=777))
    assert undone.outcome is Outcome.RECORDED
    task = await task_row(runtime, task_id)
    assert (task.state, task.progress, task.completed_on, task.completed_at) == (
        "open",
        60,
        None,
        None,
    )
    rows = await history(runtime, task_id)
    assert [row.kind for row in rows] == ["in_progress", "done", "undo"]
    assert rows[2].reverts_id == done.update_id
    assert rows[2].previous_state is not None and rows[2].previous_state["state"] == "done"
    again = await status_service.undo(runtime, focal, done.update_id, origin())
    assert again.outcome is Outcome.ALREADY_UNDONE
    assert len(await history(runtime, task_id)) == 3


async def test_undo_after_the_window_is_refused(runtime: Runtime, world: World) -> None:
    focal = await actor(runtime, FOCAL_STP)
    done = await status_service.record_change(
        runtime, focal, world.tasks["T1"], Change(ChangeKind.DONE), origin()
    )
    assert done.update_id is not None
    clock = runtime.clock
    assert isinstance(clock, ManualClock)
    clock.advance(status_service.UNDO_WINDOW + timedelta(seconds=1))
    late = await status_service.undo(runtime, focal, done.update_id, origin())
    assert late.outcome is Outcome.TOO_LATE
    assert (await task_row(runtime, world.tasks["T1"])).state == "done"


async def test_undo_of_an_older_change_would_clobber_a_newer_one(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    first = await status_service.record_change(
        runtime, focal, world.tasks["T1"], Change(ChangeKind.DONE), origin()
    )
    await status_service.record_change(
        runtime,
        focal,
        world.tasks["T1"],
        Change(ChangeKind.BLOCKED, reason="thiếu số liệu"),
        origin(),
    )
    assert first.update_id is not None
    result = await status_service.undo(runtime, focal, first.update_id, origin())
    assert result.outcome is Outcome.SUPERSEDED
    task = await task_row(runtime, world.tasks["T1"])
    assert (task.state, task.blocked_reason) == ("open", "thiếu số liệu")


async def test_progress_blocked_and_a_hundred_percent(runtime: Runtime, world: World) -> None:
    focal = await actor(runtime, FOCAL_STP)
    task_id = world.tasks["T2"]
    await status_service.record_change(
        runtime, focal, task_id, Change(ChangeKind.BLOCKED, reason="chờ số liệu huyện"), origin()
    )
    task = await task_row(runtime, task_id)
    assert (task.state, task.blocked_reason) == ("open", "chờ số liệu huyện")
    await status_service.record_change(
        runtime, focal, task_id, Change(ChangeKind.IN_PROGRESS, percent=40), origin()
    )
    task = await task_row(runtime, task_id)
    assert (task.progress, task.blocked_reason) == (40, None)
    result = await status_service.record_change(
        runtime, focal, task_id, Change(ChangeKind.IN_PROGRESS, percent=100), origin()
    )
    assert result.kind is ChangeKind.DONE
    assert (await task_row(runtime, task_id)).state == "done"


async def test_done_twice_changes_nothing_but_a_file_is_kept_as_evidence(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    task_id = world.tasks["T1"]
    await status_service.record_change(runtime, focal, task_id, Change(ChangeKind.DONE), origin())
    again = await status_service.record_change(
        runtime, focal, task_id, Change(ChangeKind.DONE), origin()
    )
    assert again.outcome is Outcome.UNCHANGED
    with_file = await status_service.record_change(
        runtime,
        focal,
        task_id,
        Change(ChangeKind.DONE),
        origin(file_id="BQACAgUAAx0", file_name="BC-12-STP.pdf", source="reply"),
    )
    assert with_file.outcome is Outcome.RECORDED and with_file.kind is ChangeKind.EVIDENCE
    rows = await history(runtime, task_id)
    assert [row.kind for row in rows] == ["done", "evidence"]
    assert (rows[1].file_id, rows[1].file_name) == ("BQACAgUAAx0", "BC-12-STP.pdf")


async def test_a_file_sent_with_done_is_on_the_done_row(runtime: Runtime, world: World) -> None:
    focal = await actor(runtime, FOCAL_STP)
    await status_service.record_change(
        runtime,
        focal,
        world.tasks["T1"],
        Change(ChangeKind.DONE),
        origin(file_id="F1", file_name="bao-cao.docx", text="đã xong, gửi kèm báo cáo"),
    )
    [row] = await history(runtime, world.tasks["T1"])
    assert (row.kind, row.file_id, row.file_name, row.text) == (
        "done",
        "F1",
        "bao-cao.docx",
        "đã xong, gửi kèm báo cáo",
    )


# ---------------------------------------------------------------- rights


async def test_focal_point_of_another_agency_is_refused_and_audited(
    runtime: Runtime, world: World
) -> None:
    other_focal = await actor(runtime, FOCAL_STC)
    result = await status_service.record_change(
        runtime, other_focal, world.tasks["T1"], Change(ChangeKind.DONE), origin(FOCAL_STC)
    )
    assert result.outcome is Outcome.REFUSED and result.task is None
    assert (await task_row(runtime, world.tasks["T1"])).state == "open"
    assert await history(runtime, world.tasks["T1"]) == []
    [refusal] = await refusals(runtime)
    assert refusal.telegram_user_id == FOCAL_STC and refusal.action == "update_task"
    assert refusal.detail["task_id"] == world.tasks["T1"]


async def test_coordinator_may_change_any_task_of_the_workspace(
    runtime: Runtime, world: World
) -> None:
    coordinator = await actor(runtime, COORDINATOR)
    result = await status_service.record_change(
        runtime, coordinator, world.tasks["T3"], Change(ChangeKind.DONE), origin(COORDINATOR)
    )
    assert result.outcome is Outcome.RECORDED
    assert await refusals(runtime) == []


async def test_stranger_is_refused(runtime: Runtime, world: World) -> None:
    stranger = await actor(runtime, STRANGER)
    result = await status_service.record_change(
        runtime, stranger, world.tasks["T1"], Change(ChangeKind.DONE), origin(STRANGER)
    )
    assert result.outcome is Outcome.REFUSED
    assert len(await refusals(runtime)) == 1


async def test_a_forged_button_naming_another_workspaces_task_is_refused_like_a_missing_one(
    runtime: Runtime, world: World
) -> None:
    coordinator = await actor(runtime, COORDINATOR)
    forged = await status_service.record_change(
        runtime, coordinator, world.other_task_id, Change(ChangeKind.DONE), origin(COORDINATOR)
    )
    missing = await status_service.record_change(
        runtime, coordinator, 987654, Change(ChangeKind.DONE), origin(COORDINATOR)
    )
    assert forged == missing == status_service.ChangeResult(Outcome.REFUSED)
    assert (await task_row(runtime, world.other_task_id)).state == "open"
    audit = await refusals(runtime)
    assert len(audit) == 2
    assert audit[0].detail["target_workspace"] == world.other_workspace_id
    # The other workspace's own coordinator may: it is their task.
    theirs = await actor(runtime, OTHER_COORDINATOR, OTHER_CHAT)
    result = await status_service.record_change(
        runtime, theirs, world.other_task_id, Change(ChangeKind.DONE), origin(OTHER_COORDINATOR)
    )
    assert result.outcome is Outcome.RECORDED


async def test_undo_by_someone_without_rights_is_refused(runtime: Runtime, world: World) -> None:
    focal = await actor(runtime, FOCAL_STP)
    done = await status_service.record_change(
        runtime, focal, world.tasks["T1"], Change(ChangeKind.DONE), origin()
    )
    assert done.update_id is not None
    other = await actor(runtime, FOCAL_STC)
    result = await status_service.undo(runtime, other, done.update_id, origin(FOCAL_STC))
    assert result.outcome is Outcome.REFUSED
    assert (await task_row(runtime, world.tasks["T1"])).state == "done"


async def test_codes_are_looked_up_in_the_actors_workspace_only(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    found = await status_service.task_by_code(runtime, focal, "t2")
    assert found.outcome is Lookup.FOUND and found.task and found.task.task_id == world.tasks["T2"]
    assert (await status_service.task_by_code(runtime, focal, "T99")).outcome is Lookup.NOT_FOUND
    assert (await status_service.task_by_code(runtime, focal, "T3")).outcome is Lookup.REFUSED


# ---------------------------------------------------------------- reminders


async def _pending_reminder(runtime: Runtime, world: World, task_id: int) -> None:
    async with runtime.database.session() as session:
        outbox = ReminderOutbox(
            workspace_id=world.workspace_id,
            task_id=task_id,
            kind="before",
            day=date(2024, 5, 15),
            send_at=datetime(2024, 5, 15, 1, 0, tzinfo=UTC),
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
                day=date(2024, 5, 15),
                send_at=datetime(2024, 5, 15, 1, 0, tzinfo=UTC),
            )
        )
        task = await session.get(Task, task_id)
        assert task is not None
        task.next_reminder_at = datetime(2024, 5, 15, 1, 0, tzinfo=UTC)


async def test_done_withdraws_pending_reminders_and_undo_plans_them_again(
    runtime: Runtime, world: World
) -> None:
    task_id = world.tasks["T1"]
    await _pending_reminder(runtime, world, task_id)
    focal = await actor(runtime, FOCAL_STP)
    done = await status_service.record_change(
        runtime, focal, task_id, Change(ChangeKind.DONE), origin()
    )
    async with runtime.database.session() as session:
        states = (await session.execute(select(ReminderDelivery.state))).scalars().all()
        outbox = (await session.execute(select(ReminderOutbox.state))).scalars().all()
    assert list(states) == [OutboxState.CANCELLED] and list(outbox) == [OutboxState.CANCELLED]
    assert (await task_row(runtime, task_id)).next_reminder_at is None
    assert done.update_id is not None
    await status_service.undo(runtime, focal, done.update_id, origin())
    task = await task_row(runtime, task_id)
    assert task.state == "open" and task.next_reminder_at is not None
    assert task.next_reminder_at > runtime.now()


async def test_a_recurring_task_done_opens_the_next_occurrence(
    runtime: Runtime, world: World
) -> None:
    async with runtime.database.session() as session:
        task = await session.get(Task, world.tasks["T2"])
        assert task is not None
        task.recurrence = {"period": "monthly", "text": "hằng tháng", "day": None}
        task.deadline_stated = date(2024, 5, 31)
    focal = await actor(runtime, FOCAL_STP)
    result = await status_service.record_change(
        runtime, focal, world.tasks["T2"], Change(ChangeKind.DONE), origin()
    )
    assert result.next_occurrence_id is not None
    following = await task_row(runtime, result.next_occurrence_id)
    assert following.previous_occurrence_id == world.tasks["T2"]
    assert following.state == "open" and following.effective_deadline == date(2024, 6, 30)


# ---------------------------------------------------------------- reminder messages, prompts


async def test_tasks_of_a_reminder_are_narrowed_to_the_repliers_agency(
    runtime: Runtime, world: World
) -> None:
    async with runtime.database.session() as session:
        for code in ("T1", "T2", "T3"):
            outbox = ReminderOutbox(
                workspace_id=world.workspace_id,
                task_id=world.tasks[code],
                kind="before",
                day=date(2024, 5, 13),
                send_at=runtime.now(),
                state=OutboxState.SENT,
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
                    day=date(2024, 5, 13),
                    send_at=runtime.now(),
                    state=OutboxState.SENT,
                    telegram_message_id=902,
                )
            )
    stp = await status_service.tasks_of_reminder(
        runtime, await actor(runtime, FOCAL_STP), FOCAL_CHAT, 902
    )
    assert stp.is_reminder and [t.code for t in stp.tasks] == ["T1", "T2"]
    stc = await status_service.tasks_of_reminder(
        runtime, await actor(runtime, FOCAL_STC), FOCAL_CHAT, 902
    )
    assert [t.code for t in stc.tasks] == ["T3"]
    coordinator = await status_service.tasks_of_reminder(
        runtime, await actor(runtime, COORDINATOR), FOCAL_CHAT, 902
    )
    assert len(coordinator.tasks) == 3
    stranger = await status_service.tasks_of_reminder(
        runtime, await actor(runtime, STRANGER), FOCAL_CHAT, 902
    )
    assert stranger.is_reminder and stranger.others_only
    focal = await actor(runtime, FOCAL_STP)
    assert not (await status_service.tasks_of_reminder(runtime, focal, FOCAL_CHAT, 1)).is_reminder
    rows = await status_service.reminder_rows(runtime, FOCAL_CHAT, 902)
    # In the reminder's own order (Sở Tài chính before Sở Tư pháp), not by id.
    assert rows == [(world.tasks["T3"], "T3"), (world.tasks["T1"], "T1"), (world.tasks["T2"], "T2")]


async def test_a_prompt_survives_a_restart_and_is_answered_once(
    runtime: Runtime, world: World
) -> None:
    draft_id = await status_service.open_prompt(
        runtime,
        kind=status_service.PROMPT_REASON,
        telegram_chat_id=FOCAL_CHAT,
        telegram_user_id=FOCAL_STP,
        workspace_id=world.workspace_id,
        payload={"task_id": world.tasks["T1"]},
    )
    await status_service.attach_prompt(runtime, draft_id, 4242)
    # A new Runtime on the same database: nothing kept in memory.
    restarted = Runtime(settings=runtime.settings, database=runtime.database, clock=runtime.clock)
    prompt = await status_service.prompt_answered_by(
        restarted, FOCAL_CHAT, FOCAL_STP, 4242, private=False
    )
    assert prompt is not None and prompt.payload == {"task_id": world.tasks["T1"]}
    assert (
        await status_service.prompt_answered_by(
            restarted, FOCAL_CHAT, FOCAL_STP, None, private=False
        )
        is None
    )  # in a group the answer must reply to the prompt
    assert (
        await status_service.prompt_answered_by(
            restarted, FOCAL_CHAT, FOCAL_STP, None, private=True
        )
        is not None
    )  # in private the latest question is enough
    # A reply to another message (a reminder) in private is not an answer to it.
    assert (
        await status_service.prompt_answered_by(restarted, FOCAL_CHAT, FOCAL_STP, 9, private=True)
        is None
    )
    assert await status_service.close_prompt(restarted, draft_id)
    assert not await status_service.close_prompt(restarted, draft_id)
    assert (
        await status_service.prompt_answered_by(
            restarted, FOCAL_CHAT, FOCAL_STP, 4242, private=False
        )
        is None
    )


async def test_an_expired_prompt_is_not_answered(runtime: Runtime, world: World) -> None:
    draft_id = await status_service.open_prompt(
        runtime,
        kind=status_service.PROMPT_DATE,
        telegram_chat_id=FOCAL_CHAT,
        telegram_user_id=FOCAL_STP,
        workspace_id=world.workspace_id,
        payload={"task_id": world.tasks["T1"]},
    )
    await status_service.attach_prompt(runtime, draft_id, 77)
    clock = runtime.clock
    assert isinstance(clock, ManualClock)
    clock.advance(status_service.PROMPT_LIFETIME + timedelta(minutes=1))
    assert (
        await status_service.prompt_answered_by(runtime, FOCAL_CHAT, FOCAL_STP, 77, private=False)
        is None
    )
    assert (
        await status_service.prompt_by_id(
            runtime, draft_id, FOCAL_CHAT, (status_service.PROMPT_DATE,)
        )
        is None
    )
