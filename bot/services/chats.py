"""Groups: what each is for, the bot joining and leaving, supergroup migration.

A group belongs to no workspace until an admin or coordinator runs /setup in
it. Then it is the coordination group (digests, escalations), the focal
points' group (reminders) or one agency's own group (that agency's
reminders). A group stays in its workspace: /setup cannot move it to
another, so nothing of one workspace shows in another's group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.rights import Action, Actor, Role
from bot.runtime import Runtime
from bot.services import identity
from bot.services.agencies import AgencyInfo, agency_info
from bot.services.onboarding import UserRef
from bot.services.workspaces import (
    Refused,
    WorkspaceInfo,
    actor_in_workspace,
    coordinated_by,
    create_workspace,
    info,
    target_workspace,
)
from storage.models import Chat, ChatPurpose, WorkspaceLevel
from storage.repositories import agencies, chats, workspaces


@dataclass(frozen=True, slots=True)
class ChatInfo:
    telegram_chat_id: int
    title: str
    workspace: WorkspaceInfo | None
    purpose: ChatPurpose | None
    agency: AgencyInfo | None
    bot_is_member: bool


async def _chat_info(runtime: Runtime, chat: Chat) -> ChatInfo:
    async with runtime.database.session() as session:
        workspace = await workspaces.get(session, chat.workspace_id) if chat.workspace_id else None
        agency = (
            await agencies.get(session, chat.workspace_id, chat.agency_id)
            if chat.workspace_id and chat.agency_id
            else None
        )
    return ChatInfo(
        chat.telegram_chat_id,
        chat.title,
        info(workspace) if workspace else None,
        ChatPurpose(chat.purpose) if chat.purpose else None,
        agency_info(agency) if agency else None,
        chat.bot_is_member,
    )


async def get_chat(runtime: Runtime, telegram_chat_id: int) -> ChatInfo | None:
    async with runtime.database.session() as session:
        chat = await chats.get(session, telegram_chat_id)
    return await _chat_info(runtime, chat) if chat else None


# -- the bot joins, leaves, and follows a migration -------------------------------


async def bot_added(
    runtime: Runtime, telegram_chat_id: int, *, chat_type: str, title: str
) -> ChatInfo:
    """The bot is (again) a member of the group; its setup, if any, is kept."""
    async with runtime.database.session() as session:
        chat = await chats.seen(
            session, telegram_chat_id, chat_type=chat_type, title=title, at=runtime.now()
        )
    return await _chat_info(runtime, chat)


async def bot_removed(runtime: Runtime, telegram_chat_id: int) -> bool:
    """The bot was removed from the chat (or the chat is gone).

    The chat keeps its workspace and purpose (adding the bot back restores
    it) but `bot_is_member` is false: reminder and digest senders pick
    destinations with `destinations()`, which skips it, so nothing more is
    attempted there. Returns whether the chat was known.
    """
    async with runtime.database.session() as session:
        chat = await chats.mark_bot_gone(session, telegram_chat_id, runtime.now())
    return chat is not None


async def migrate_chat(runtime: Runtime, old_chat_id: int, new_chat_id: int) -> dict[str, int]:
    """A group became a supergroup: every row that points at the old chat id
    follows (the chat's setup, pending and sent reminders, digests, drafts,
    extension requests). History rows (status updates, audit) keep the id
    they were written with. Idempotent: a second call moves nothing."""
    if old_chat_id == new_chat_id:
        return {}
    async with runtime.database.session() as session:
        return await chats.migrate(session, old_chat_id, new_chat_id, runtime.now())


async def destinations(
    runtime: Runtime, workspace_id: int, purpose: ChatPurpose, agency_id: int | None = None
) -> list[int]:
    """Telegram chat ids of the workspace's groups for `purpose` that still have the bot."""
    async with runtime.database.session() as session:
        rows = await chats.holding(session, workspace_id, purpose, agency_id)
    return [row.telegram_chat_id for row in rows]


# -- /setup ------------------------------------------------------------------------


class SetupStep(StrEnum):
    PURPOSE = "purpose"  # the group has (or was given) a workspace: choose its purpose
    WORKSPACE = "workspace"  # the group has none: choose one, or create one (admins)


@dataclass(frozen=True, slots=True)
class SetupMenu:
    step: SetupStep
    chat: ChatInfo
    workspace: WorkspaceInfo | None = None  # for PURPOSE
    workspaces: tuple[WorkspaceInfo, ...] = ()  # for WORKSPACE
    can_create: bool = False


async def setup_menu(
    runtime: Runtime, user_id: int, telegram_chat_id: int, *, chat_type: str, title: str
) -> SetupMenu:
    """What /setup offers this user in this group. Raises Refused (audited)."""
    chat = await bot_added(runtime, telegram_chat_id, chat_type=chat_type, title=title)
    if chat.workspace is not None:
        actor = await actor_in_workspace(runtime, user_id, chat.workspace.id)
        await target_workspace(runtime, actor, Action.SETUP_CHAT, telegram_chat_id=telegram_chat_id)
        return SetupMenu(SetupStep.PURPOSE, chat, workspace=chat.workspace)
    candidates = await coordinated_by(runtime, user_id)
    is_admin = user_id in runtime.settings.BOT_ADMINS
    if not candidates and not is_admin:
        await identity.check(
            runtime,
            Actor(user_id, None, None),
            Action.SETUP_CHAT,
            telegram_chat_id=telegram_chat_id,
        )
        raise Refused(Action.SETUP_CHAT)
    return SetupMenu(SetupStep.WORKSPACE, chat, workspaces=tuple(candidates), can_create=is_admin)


async def _setup_actor(
    runtime: Runtime, user_id: int, telegram_chat_id: int, workspace_id: int
) -> tuple[Chat, Actor]:
    """The chat and the actor in `workspace_id`, if they may set the chat up there.

    A group already in a workspace cannot be given to another one (a forged
    or stale button naming another workspace is refused and audited).
    """
    async with runtime.database.session() as session:
        chat = await chats.get(session, telegram_chat_id)
    if chat is None:
        raise Refused(Action.SETUP_CHAT)
    actor = await actor_in_workspace(runtime, user_id, workspace_id)
    if chat.workspace_id is not None and chat.workspace_id != workspace_id:
        actor = await actor_in_workspace(runtime, user_id, chat.workspace_id)
    await target_workspace(
        runtime,
        actor,
        Action.SETUP_CHAT,
        workspace_id=workspace_id,
        telegram_chat_id=telegram_chat_id,
    )
    return chat, actor


async def workspace_for_setup(
    runtime: Runtime, user_id: int, telegram_chat_id: int, workspace_id: int
) -> WorkspaceInfo:
    """Check a workspace chosen from the /setup menu; the purpose comes next."""
    await _setup_actor(runtime, user_id, telegram_chat_id, workspace_id)
    async with runtime.database.session() as session:
        workspace = await workspaces.get(session, workspace_id)
    if workspace is None:
        raise Refused(Action.SETUP_CHAT)
    return info(workspace)


@dataclass(frozen=True, slots=True)
class SetupResult:
    chat: ChatInfo
    replaced: tuple[str, ...] = field(default_factory=tuple)  # titles of groups that lost the post
    created_workspace: bool = False


async def set_purpose(
    runtime: Runtime,
    user_id: int,
    telegram_chat_id: int,
    workspace_id: int,
    purpose: ChatPurpose,
    agency_id: int | None = None,
) -> SetupResult:
    """Give the group its purpose in `workspace_id` (an agency of that workspace
    for an agency's group). Raises Refused (audited)."""
    _, actor = await _setup_actor(runtime, user_id, telegram_chat_id, workspace_id)
    if (purpose is ChatPurpose.AGENCY) != (agency_id is not None):
        raise Refused(Action.SETUP_CHAT)
    async with runtime.database.session() as session:
        if agency_id is not None and await agencies.get(session, workspace_id, agency_id) is None:
            agency_ok = False
        else:
            agency_ok = True
            row = await chats.get(session, telegram_chat_id)
            assert row is not None
            previous = await chats.assign(
                session,
                row,
                workspace_id=workspace_id,
                purpose=purpose,
                agency_id=agency_id,
                at=runtime.now(),
            )
    if not agency_ok:
        await identity.record(
            runtime,
            actor,
            Action.SETUP_CHAT.value,
            allowed=False,
            telegram_chat_id=telegram_chat_id,
            detail={"target_agency": agency_id, "reason": "agency of another workspace"},
        )
        raise Refused(Action.SETUP_CHAT)
    await identity.record(
        runtime,
        actor,
        "chat_set_up",
        telegram_chat_id=telegram_chat_id,
        detail={"purpose": purpose.value, "agency": agency_id},
    )
    refreshed = await get_chat(runtime, telegram_chat_id)
    assert refreshed is not None
    return SetupResult(refreshed, tuple(p.title for p in previous))


async def create_workspace_here(
    runtime: Runtime,
    user: UserRef,
    telegram_chat_id: int,
    *,
    level: str = WorkspaceLevel.PROVINCE,
) -> SetupResult:
    """An admin makes a new workspace whose coordination group is this group;
    the admin becomes its first coordinator (so private chats work too)."""
    async with runtime.database.session() as session:
        chat = await chats.get(session, telegram_chat_id)
    actor = Actor(user.telegram_user_id, None, None)
    if user.telegram_user_id in runtime.settings.BOT_ADMINS:
        actor = Actor(user.telegram_user_id, None, Role.ADMIN)
    allowed = await identity.check(
        runtime, actor, Action.CREATE_WORKSPACE, telegram_chat_id=telegram_chat_id
    )
    if not allowed or chat is None or chat.workspace_id is not None:
        if allowed:
            await identity.record(
                runtime,
                actor,
                Action.CREATE_WORKSPACE.value,
                allowed=False,
                telegram_chat_id=telegram_chat_id,
                detail={"reason": "group already in a workspace"},
            )
        raise Refused(Action.CREATE_WORKSPACE)
    workspace = await create_workspace(
        runtime,
        chat.title or "Nhắc việc",
        level=level,
        first_coordinator=(user.telegram_user_id, user.display_name, user.username),
    )
    await identity.record(
        runtime,
        Actor(user.telegram_user_id, workspace.id, actor.role),
        "workspace_created",
        telegram_chat_id=telegram_chat_id,
        detail={"workspace": workspace.id, "name": workspace.name},
    )
    result = await set_purpose(
        runtime, user.telegram_user_id, telegram_chat_id, workspace.id, ChatPurpose.COORDINATION
    )
    return SetupResult(result.chat, result.replaced, created_workspace=True)
