"""Groups: /setup's rights, the bot leaving, and a supergroup migration that
takes every pointer to the chat along (pending reminders included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.services import chats
from bot.services.chats import SetupStep
from bot.services.onboarding import UserRef
from bot.services.workspaces import Refused
from storage.models import (
    AuditEvent,
    Chat,
    ChatPurpose,
    Draft,
    ExtensionRequest,
    Member,
    OutboxState,
    ReminderOutbox,
    StatusUpdate,
)
from tests import factories

ADMIN, COORDINATOR, FOCAL, STRANGER = 1001, 2001, 3001, 9001
OLD, NEW = -4001, -1004001
T = datetime(2024, 5, 13, 1, 0, tzinfo=UTC)


async def _setup_world(runtime: Runtime) -> dict[str, int]:
    db = runtime.database
    ws = await factories.workspace(db)
    other = await factories.workspace(db, "Phòng Nội vụ huyện Bình Sơn")
    assert ws.id and other.id
    stp = await factories.agency(db, ws.id, "STP", "Sở Tư pháp")
    foreign = await factories.agency(db, other.id, "PTP", "Phòng Tư pháp")
    await factories.member(db, ws.id, COORDINATOR, Role.COORDINATOR)
    await factories.member(db, ws.id, FOCAL, Role.FOCAL_POINT, stp.id)
    assert stp.id and foreign.id
    return {"ws": ws.id, "other": other.id, "stp": stp.id, "foreign": foreign.id}


async def _menu(runtime: Runtime, user: int, chat_id: int = OLD) -> chats.SetupMenu:
    return await chats.setup_menu(runtime, user, chat_id, chat_type="group", title="Nhóm")


async def test_coordinator_sets_up_a_new_group(runtime: Runtime) -> None:
    w = await _setup_world(runtime)
    menu = await _menu(runtime, COORDINATOR)
    assert menu.step is SetupStep.WORKSPACE and not menu.can_create
    assert [x.id for x in menu.workspaces] == [w["ws"]]
    result = await chats.set_purpose(runtime, COORDINATOR, OLD, w["ws"], ChatPurpose.FOCAL_POINTS)
    assert result.chat.workspace and result.chat.workspace.id == w["ws"]
    assert result.chat.purpose is ChatPurpose.FOCAL_POINTS
    menu = await _menu(runtime, COORDINATOR)
    assert menu.step is SetupStep.PURPOSE and menu.workspace and menu.workspace.id == w["ws"]
    # An agency's own group.
    await _menu(runtime, COORDINATOR, -5001)
    result = await chats.set_purpose(
        runtime, COORDINATOR, -5001, w["ws"], ChatPurpose.AGENCY, w["stp"]
    )
    assert result.chat.agency and result.chat.agency.code == "STP"
    assert await chats.destinations(runtime, w["ws"], ChatPurpose.AGENCY, w["stp"]) == [-5001]


async def test_one_group_per_post(runtime: Runtime) -> None:
    w = await _setup_world(runtime)
    await _menu(runtime, COORDINATOR, -1)
    await _menu(runtime, COORDINATOR, -2)
    await chats.set_purpose(runtime, COORDINATOR, -1, w["ws"], ChatPurpose.COORDINATION)
    result = await chats.set_purpose(runtime, COORDINATOR, -2, w["ws"], ChatPurpose.COORDINATION)
    assert result.replaced == ("Nhóm",)
    assert await chats.destinations(runtime, w["ws"], ChatPurpose.COORDINATION) == [-2]


@pytest.mark.parametrize("user", [FOCAL, STRANGER], ids=["focal", "stranger"])
async def test_others_may_not_set_up(runtime: Runtime, user: int) -> None:
    w = await _setup_world(runtime)
    with pytest.raises(Refused):
        await _menu(runtime, user)
    with pytest.raises(Refused):  # a pressed (or forged) button
        await chats.set_purpose(runtime, user, OLD, w["ws"], ChatPurpose.COORDINATION)
    chat = await chats.get_chat(runtime, OLD)
    assert chat and chat.workspace is None and chat.purpose is None
    async with runtime.database.session() as session:
        refused = (
            await session.execute(select(AuditEvent).where(AuditEvent.allowed == False))  # noqa: E712
        ).scalars()
        assert [e.action for e in refused] == ["setup_chat", "setup_chat"]


async def test_a_group_stays_in_its_workspace(runtime: Runtime) -> None:
    w = await _setup_world(runtime)
    await _menu(runtime, COORDINATOR)
    await chats.set_purpose(runtime, COORDINATOR, OLD, w["ws"], ChatPurpose.COORDINATION)
    with pytest.raises(Refused):  # even an admin cannot move it with a button
        await chats.set_purpose(runtime, ADMIN, OLD, w["other"], ChatPurpose.COORDINATION)
    with pytest.raises(Refused):  # nor attach another workspace's agency
        await chats.set_purpose(
            runtime, COORDINATOR, OLD, w["ws"], ChatPurpose.AGENCY, w["foreign"]
        )
    chat = await chats.get_chat(runtime, OLD)
    assert chat and chat.workspace and chat.workspace.id == w["ws"]
    assert chat.purpose is ChatPurpose.COORDINATION


async def test_admin_creates_a_workspace_from_a_group(runtime: Runtime) -> None:
    menu = await chats.setup_menu(
        runtime, ADMIN, OLD, chat_type="group", title="Sở Nội vụ tỉnh Bình Định"
    )
    assert menu.can_create and menu.workspaces == ()
    with pytest.raises(Refused):
        await chats.create_workspace_here(runtime, UserRef(STRANGER, "X"), OLD)
    result = await chats.create_workspace_here(runtime, UserRef(ADMIN, "Admin", "admin"), OLD)
    assert result.created_workspace and result.chat.purpose is ChatPurpose.COORDINATION
    assert result.chat.workspace and result.chat.workspace.name == "Sở Nội vụ tỉnh Bình Định"
    async with runtime.database.session() as session:
        member = (await session.execute(select(Member))).scalar_one()
    assert (member.telegram_user_id, member.role) == (ADMIN, "coordinator")
    with pytest.raises(Refused):  # the group has a workspace now
        await chats.create_workspace_here(runtime, UserRef(ADMIN, "Admin"), OLD)


async def test_bot_removed_stops_destinations_and_comes_back(runtime: Runtime) -> None:
    w = await _setup_world(runtime)
    await _menu(runtime, COORDINATOR)
    await chats.set_purpose(runtime, COORDINATOR, OLD, w["ws"], ChatPurpose.FOCAL_POINTS)
    assert await chats.bot_removed(runtime, OLD)
    assert await chats.destinations(runtime, w["ws"], ChatPurpose.FOCAL_POINTS) == []
    assert not await chats.bot_removed(runtime, -777)
    back = await chats.bot_added(runtime, OLD, chat_type="group", title="Nhóm")
    assert back.bot_is_member and back.purpose is ChatPurpose.FOCAL_POINTS
    assert await chats.destinations(runtime, w["ws"], ChatPurpose.FOCAL_POINTS) == [OLD]


async def _pointers(runtime: Runtime, w: dict[str, int]) -> int:
    """Rows that point at OLD: a pending and a sent reminder, a draft, an
    extension request, and a status update (history)."""
    db = runtime.database
    directive = await factories.directive(db, w["ws"])
    assert directive.id
    task = await factories.task(db, w["ws"], directive.id, w["stp"], "T1", date(2024, 5, 20))
    assert task.id
    rows = [
        ReminderOutbox(
            workspace_id=w["ws"], task_id=task.id, kind="before", day=date(2024, 5, 17),
            send_at=T, telegram_chat_id=OLD,
        ),
        ReminderOutbox(
            workspace_id=w["ws"], task_id=task.id, kind="before", day=date(2024, 5, 13),
            send_at=T, telegram_chat_id=OLD, state=OutboxState.SENT, telegram_message_id=5,
        ),
        Draft(
            workspace_id=w["ws"], telegram_chat_id=OLD, telegram_user_id=FOCAL, kind="blocked",
            expires_at=T, created_at=T,
        ),
        ExtensionRequest(
            workspace_id=w["ws"], task_id=task.id, requested_by=FOCAL,
            requested_date=date(2024, 5, 30), telegram_chat_id=OLD, created_at=T,
        ),
        StatusUpdate(
            workspace_id=w["ws"], task_id=task.id, kind="progress", percent=50,
            telegram_chat_id=OLD, created_at=T,
        ),
    ]  # fmt: skip
    await factories.add(db, *rows)
    return task.id


async def test_supergroup_migration_moves_every_pointer(runtime: Runtime) -> None:
    w = await _setup_world(runtime)
    await _menu(runtime, COORDINATOR)
    await chats.set_purpose(runtime, COORDINATOR, OLD, w["ws"], ChatPurpose.FOCAL_POINTS)
    await _pointers(runtime, w)
    moved = await chats.migrate_chat(runtime, OLD, NEW)
    assert moved["chat"] == 1 and moved["reminderoutbox"] == 2
    assert moved["draft"] == 1 and moved["extensionrequest"] == 1
    assert await chats.migrate_chat(runtime, OLD, NEW) == {
        name: 0 for name in moved if name != "chat"
    }  # idempotent
    chat = await chats.get_chat(runtime, NEW)
    assert chat and chat.purpose is ChatPurpose.FOCAL_POINTS and chat.workspace
    assert await chats.get_chat(runtime, OLD) is None
    assert await chats.destinations(runtime, w["ws"], ChatPurpose.FOCAL_POINTS) == [NEW]
    async with runtime.database.session() as session:
        pending = (await session.execute(select(ReminderOutbox))).scalars().all()
        assert {r.telegram_chat_id for r in pending} == {NEW}
        history = (await session.execute(select(StatusUpdate))).scalar_one()
        assert history.telegram_chat_id == OLD  # append-only history is not rewritten
        row = (await session.execute(select(Chat))).scalar_one()
        assert row.migrated_from_chat_id == OLD and row.type == "supergroup"


async def test_migration_after_the_bot_saw_the_supergroup(runtime: Runtime) -> None:
    """The new supergroup may appear first (its own service message): the set-up
    row of the old group wins and the blank new one goes away."""
    w = await _setup_world(runtime)
    await _menu(runtime, COORDINATOR)
    await chats.set_purpose(runtime, COORDINATOR, OLD, w["ws"], ChatPurpose.COORDINATION)
    await chats.bot_added(runtime, NEW, chat_type="supergroup", title="Nhóm")
    await chats.migrate_chat(runtime, OLD, NEW)
    async with runtime.database.session() as session:
        rows = (await session.execute(select(Chat))).scalars().all()
    assert [(r.telegram_chat_id, r.purpose) for r in rows] == [(NEW, "coordination")]
