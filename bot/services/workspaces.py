"""Workspaces: how a coordinating unit comes to exist, and who acts in it.

A workspace is created in one of two ways:
- `nhacviec agencies import FILE --workspace NAME` creates the workspace NAME
  when none has that name (the officer who installs the bot starts there);
- an admin's /setup in a group that belongs to no workspace offers "create a
  new workspace": the group becomes its coordination group and the admin its
  first coordinator.
Everything else (agencies, members, chats, directives, tasks) is created
inside exactly one workspace and every query filters on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.rights import Action, Actor, Role
from bot.runtime import Runtime
from bot.services import identity
from storage.models import Workspace, WorkspaceLevel
from storage.repositories import members, workspaces


@dataclass(frozen=True, slots=True)
class WorkspaceInfo:
    id: int
    name: str
    level: str


def info(workspace: Workspace) -> WorkspaceInfo:
    assert workspace.id is not None
    return WorkspaceInfo(workspace.id, workspace.name, workspace.level)


class Refused(PermissionError):
    """The actor may not do this; the refusal is already in the audit log."""

    def __init__(self, action: Action | str) -> None:
        self.action = action
        super().__init__(str(action))


class NoWorkspace(LookupError):
    """The chat gives no workspace (a group not set up, a private chat of a user
    with no membership or with several)."""


class WorkspaceLookupError(LookupError):
    """No workspace, or several, answer to the name the user gave."""

    def __init__(self, wanted: str | None, candidates: list[WorkspaceInfo]) -> None:
        self.wanted = wanted
        self.candidates = candidates
        super().__init__(wanted or "")


async def list_workspaces(runtime: Runtime) -> list[WorkspaceInfo]:
    async with runtime.database.session() as session:
        return [info(w) for w in await workspaces.all_workspaces(session)]


async def get_workspace(runtime: Runtime, workspace_id: int) -> WorkspaceInfo | None:
    async with runtime.database.session() as session:
        workspace = await workspaces.get(session, workspace_id)
    return info(workspace) if workspace else None


async def find_workspace(runtime: Runtime, wanted: str) -> WorkspaceInfo:
    """The workspace named `wanted` (or numbered, "3" / "#3"); raises if none or several."""
    async with runtime.database.session() as session:
        digits = wanted.strip().lstrip("#")
        if digits.isdigit():
            workspace = await workspaces.get(session, int(digits))
            if workspace is not None:
                return info(workspace)
        found = await workspaces.by_name(session, wanted.strip())
        if len(found) == 1:
            return info(found[0])
        candidates = found or await workspaces.all_workspaces(session)
    raise WorkspaceLookupError(wanted, [info(w) for w in candidates])


async def create_workspace(
    runtime: Runtime,
    name: str,
    *,
    level: str = WorkspaceLevel.PROVINCE,
    first_coordinator: tuple[int, str, str | None] | None = None,
) -> WorkspaceInfo:
    """A new workspace; `first_coordinator` (user id, name, username) becomes its
    coordinator so that they can act from a private chat too."""
    async with runtime.database.session() as session:
        workspace = await workspaces.create(
            session, name=name.strip()[:200] or "Nhắc việc", level=level, at=runtime.now()
        )
        assert workspace.id is not None
        if first_coordinator is not None:
            user_id, display_name, username = first_coordinator
            await members.bind(
                session,
                workspace.id,
                user_id,
                role=Role.COORDINATOR,
                agency_id=None,
                display_name=display_name,
                username=username,
                at=runtime.now(),
            )
        return info(workspace)


async def actor_in_workspace(runtime: Runtime, telegram_user_id: int, workspace_id: int) -> Actor:
    """The user as seen from `workspace_id`, whatever chat they write in.

    Used where the target workspace is known but the chat does not give it
    (an invite's workspace, a group that is not set up yet).
    """
    async with runtime.database.session() as session:
        member = await members.any_membership(session, workspace_id, telegram_user_id)
    active = member if member is not None and member.active else None
    agency_id = active.agency_id if active else None
    if telegram_user_id in runtime.settings.BOT_ADMINS:
        return Actor(telegram_user_id, workspace_id, Role.ADMIN, agency_id)
    if active is None:
        return Actor(telegram_user_id, workspace_id, None)
    return Actor(telegram_user_id, workspace_id, Role(active.role), agency_id)


async def coordinated_by(runtime: Runtime, telegram_user_id: int) -> list[WorkspaceInfo]:
    """Workspaces where the user is an active coordinator (every one for an admin)."""
    async with runtime.database.session() as session:
        if telegram_user_id in runtime.settings.BOT_ADMINS:
            return [info(w) for w in await workspaces.all_workspaces(session)]
        rows = await members.with_role(session, telegram_user_id, Role.COORDINATOR)
        return [info(w) for w in await workspaces.some(session, [m.workspace_id for m in rows])]


async def target_workspace(
    runtime: Runtime,
    actor: Actor,
    action: Action,
    *,
    workspace_id: int | None = None,
    agency_id: int | None = None,
    telegram_chat_id: int | None = None,
) -> int:
    """The workspace to act on: the actor's (the chat's). Raises Refused, audited,
    when the rights say no or when `workspace_id` (what a button or a row names)
    is another workspace: an admin too acts on one workspace from one chat,
    so nothing of another workspace shows in this chat. Raises NoWorkspace
    when the chat gives no workspace to act on."""
    target = actor.workspace_id
    if workspace_id is not None and workspace_id != target:
        await identity.record(
            runtime,
            actor,
            action.value,
            allowed=False,
            telegram_chat_id=telegram_chat_id,
            detail={"target_workspace": workspace_id, "reason": "other workspace"},
        )
        raise Refused(action)
    if not await identity.check(
        runtime,
        actor,
        action,
        workspace_id=target,
        agency_id=agency_id,
        telegram_chat_id=telegram_chat_id,
    ):
        raise Refused(action)
    if target is None:
        raise NoWorkspace()
    return target
