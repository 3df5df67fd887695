"""Extension requests on every backend: the round trip (request, approve or
deny, the deadline moved and the original kept, reminders replanned), who
may decide, double decisions, and dates that are not working days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from bot.domain.rights import Actor
from bot.runtime import Runtime
from bot.services import extensions as extension_service
from bot.services import identity
from bot.services.extensions import ExtensionOutcome
from bot.services.status import Origin
from storage.models import (
    AuditEvent,
    ExtensionRequest,
    OutboxState,
    ReminderDelivery,
    ReminderOutbox,
    StatusUpdate,
    Task,
)
from tests.status_world import (
    COORDINATION_CHAT,
    COORDINATOR,
    FOCAL_CHAT,
    FOCAL_STC,
    FOCAL_STP,
    OTHER_CHAT,
    OTHER_COORDINATOR,
    STP_CHAT,
    VIEWER,
    World,
    small_world,
)


@pytest.fixture
async def world(runtime: Runtime) -> World:
    return await small_world(runtime.database)


async def actor(runtime: Runtime, user_id: int, chat_id: int = FOCAL_CHAT) -> Actor:
    return await identity.actor_for(runtime, user_id, chat_id, private=False)


def asked(user_id: int = FOCAL_STP, chat_id: int = FOCAL_CHAT, message_id: int = 610) -> Origin:
    return Origin(
        telegram_user_id=user_id,
        name="Anh Tư Pháp",
        telegram_chat_id=chat_id,
        telegram_message_id=message_id,
        source="command",
        text="/giahan T1 30/5 chờ số liệu",
    )


async def task_row(runtime: Runtime, task_id: int) -> Task:
    async with runtime.database.session() as session:
        task = await session.get(Task, task_id)
        assert task is not None
        return task


async def test_round_trip_approve_moves_the_deadline_keeps_the_original_and_replans(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    task_id = world.tasks["T1"]
    requested = await extension_service.request_extension(
        runtime, focal, task_id, asked(), requested_date=date(2024, 5, 30), reason="chờ số liệu"
    )
    assert requested.outcome is ExtensionOutcome.CREATED and requested.request is not None
    assert requested.coordination_chat_ids == (COORDINATION_CHAT,)
    view = requested.request
    assert (view.previous_deadline, view.requested_date, view.working_day) == (
        date(2024, 5, 20),
        date(2024, 5, 30),
        None,
    )
    assert (view.agency_name, view.directive_number, view.requester_name) == (
        "Sở Tư pháp",
        "2268/UBND-TTHC",
        "Anh Tư Pháp",
    )
    # A pending reminder for the old deadline.
    async with runtime.database.session() as session:
        outbox = ReminderOutbox(
            workspace_id=world.workspace_id,
            task_id=task_id,
            kind="due",
            day=date(2024, 5, 20),
            send_at=datetime(2024, 5, 20, 1, tzinfo=UTC),
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
                kind="due",
                day=date(2024, 5, 20),
                send_at=datetime(2024, 5, 20, 1, tzinfo=UTC),
            )
        )
    coordinator = await actor(runtime, COORDINATOR, COORDINATION_CHAT)
    decided = await extension_service.decide(
        runtime,
        coordinator,
        view.request_id,
        approve=True,
        origin=Origin(COORDINATOR, "Chị Điều Phối", COORDINATION_CHAT, 700, "button"),
    )
    assert decided.outcome is ExtensionOutcome.APPROVED
    assert decided.notify_chat_ids == (FOCAL_CHAT, STP_CHAT)  # where asked, then STP's own group
    task = await task_row(runtime, task_id)
    assert (task.effective_deadline, task.original_effective_deadline) == (
        date(2024, 5, 30),
        date(2024, 5, 20),
    )
    assert task.next_reminder_at is not None and task.next_reminder_at > runtime.now()
    async with runtime.database.session() as session:
        delivery_state = (await session.execute(select(ReminderDelivery.state))).scalar_one()
        request = await session.get(ExtensionRequest, view.request_id)
        kinds = (
            (
                await session.execute(
                    select(StatusUpdate.kind)
                    .where(StatusUpdate.task_id == task_id)
                    .order_by(col(StatusUpdate.id))
                )
            )
            .scalars()
            .all()
        )
    assert delivery_state == OutboxState.CANCELLED
    assert request is not None and request.state == "approved"
    assert (request.decided_by, request.decided_at) == (COORDINATOR, runtime.now())
    assert list(kinds) == ["more_time", "extension_approved"]
    again = await extension_service.decide(
        runtime,
        coordinator,
        view.request_id,
        approve=False,
        origin=Origin(COORDINATOR, "Chị Điều Phối", COORDINATION_CHAT, 701, "button"),
    )
    assert again.outcome is ExtensionOutcome.ALREADY_DECIDED
    # A second extension keeps the FIRST original deadline.
    second = await extension_service.request_extension(
        runtime, focal, task_id, asked(), requested_date=date(2024, 6, 14)
    )
    assert second.request is not None
    await extension_service.decide(
        runtime,
        coordinator,
        second.request.request_id,
        approve=True,
        origin=Origin(COORDINATOR, "Chị Điều Phối", COORDINATION_CHAT, 702, "button"),
    )
    task = await task_row(runtime, task_id)
    assert (task.effective_deadline, task.original_effective_deadline) == (
        date(2024, 6, 14),
        date(2024, 5, 20),
    )


async def test_deny_keeps_the_deadline_and_the_reason(runtime: Runtime, world: World) -> None:
    focal = await actor(runtime, FOCAL_STP)
    requested = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 5, 30)
    )
    assert requested.request is not None
    coordinator = await actor(runtime, COORDINATOR, COORDINATION_CHAT)
    denied = await extension_service.decide(
        runtime,
        coordinator,
        requested.request.request_id,
        approve=False,
        reason="Hạn do UBND tỉnh ấn định, không gia hạn",
        origin=Origin(COORDINATOR, "Chị Điều Phối", COORDINATION_CHAT, 703, "reply"),
    )
    assert denied.outcome is ExtensionOutcome.DENIED and denied.request is not None
    assert denied.request.decision_reason == "Hạn do UBND tỉnh ấn định, không gia hạn"
    task = await task_row(runtime, world.tasks["T1"])
    assert (task.effective_deadline, task.original_effective_deadline) == (date(2024, 5, 20), None)


@pytest.mark.parametrize("decider", [FOCAL_STP, FOCAL_STC, VIEWER, 9999])
async def test_only_coordinators_decide(runtime: Runtime, world: World, decider: int) -> None:
    focal = await actor(runtime, FOCAL_STP)
    requested = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 5, 30)
    )
    assert requested.request is not None
    someone = await actor(runtime, decider, COORDINATION_CHAT)
    result = await extension_service.decide(
        runtime,
        someone,
        requested.request.request_id,
        approve=True,
        origin=Origin(decider, "x", COORDINATION_CHAT, 704, "button"),
    )
    assert result.outcome is ExtensionOutcome.REFUSED and result.request is None
    assert (await task_row(runtime, world.tasks["T1"])).effective_deadline == date(2024, 5, 20)
    async with runtime.database.session() as session:
        audit = (
            (
                await session.execute(select(AuditEvent).where(AuditEvent.allowed == False))  # noqa: E712
            )
            .scalars()
            .all()
        )
    assert [(a.telegram_user_id, a.action) for a in audit] == [(decider, "decide_extension")]


async def test_another_workspaces_coordinator_cannot_decide(runtime: Runtime, world: World) -> None:
    focal = await actor(runtime, FOCAL_STP)
    requested = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 5, 30)
    )
    assert requested.request is not None
    foreign = await actor(runtime, OTHER_COORDINATOR, OTHER_CHAT)
    result = await extension_service.decide(
        runtime,
        foreign,
        requested.request.request_id,
        approve=True,
        origin=Origin(OTHER_COORDINATOR, "x", OTHER_CHAT, 705, "button"),
    )
    assert result.outcome is ExtensionOutcome.REFUSED
    missing = await extension_service.decide(
        runtime, foreign, 99999, approve=True, origin=Origin(OTHER_COORDINATOR)
    )
    assert missing == result


async def test_a_focal_point_asks_only_for_their_own_agency(runtime: Runtime, world: World) -> None:
    other = await actor(runtime, FOCAL_STC)
    result = await extension_service.request_extension(
        runtime, other, world.tasks["T1"], asked(FOCAL_STC), requested_date=date(2024, 5, 30)
    )
    assert result.outcome is ExtensionOutcome.REFUSED
    async with runtime.database.session() as session:
        assert (await session.execute(select(ExtensionRequest))).first() is None


async def test_a_day_off_is_accepted_and_the_working_day_before_is_named(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    result = await extension_service.request_extension(
        runtime,
        focal,
        world.tasks["T1"],
        asked(),
        requested_date=date(2024, 6, 1),  # Saturday
    )
    assert result.request is not None
    assert result.request.requested_date == date(2024, 6, 1)
    assert result.request.working_day == date(2024, 5, 31)


async def test_dates_in_the_past_or_not_after_the_deadline_are_refused(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    past = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 5, 10)
    )
    assert past.outcome is ExtensionOutcome.IN_PAST
    early = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 5, 17)
    )
    assert early.outcome is ExtensionOutcome.NOT_LATER


async def test_a_span_counts_working_days_after_the_deadline(
    runtime: Runtime, world: World
) -> None:
    focal = await actor(runtime, FOCAL_STP)
    result = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), span=5
    )
    assert result.request is not None
    assert result.request.requested_date == date(2024, 5, 27)  # Mon 20/5 + 5 working days


async def test_a_new_request_withdraws_the_pending_one(runtime: Runtime, world: World) -> None:
    focal = await actor(runtime, FOCAL_STP)
    first = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 5, 30)
    )
    second = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 6, 5)
    )
    assert first.request is not None and second.request is not None
    assert second.replaced == (first.request.request_id,)
    coordinator = await actor(runtime, COORDINATOR, COORDINATION_CHAT)
    stale = await extension_service.decide(
        runtime,
        coordinator,
        first.request.request_id,
        approve=True,
        origin=Origin(COORDINATOR),
    )
    assert stale.outcome is ExtensionOutcome.ALREADY_DECIDED
    assert stale.request is not None and stale.request.state == "withdrawn"


async def test_a_task_done_needs_no_more_time(runtime: Runtime, world: World) -> None:
    from bot.services import status as status_service
    from bot.services.status import Change, ChangeKind

    focal = await actor(runtime, FOCAL_STP)
    requested = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 5, 30)
    )
    assert requested.request is not None
    done = await status_service.record_change(
        runtime, focal, world.tasks["T1"], Change(ChangeKind.DONE), asked()
    )
    assert done.withdrawn_extensions == (requested.request.request_id,)
    closed = await extension_service.request_extension(
        runtime, focal, world.tasks["T1"], asked(), requested_date=date(2024, 6, 30)
    )
    assert closed.outcome is ExtensionOutcome.CLOSED
