"""Who is acting, seen from which workspace, and the audit of refusals.

A group chat belongs to one workspace (set by /setup). In a private chat the
workspace is the user's own membership; a user who belongs to several
workspaces is asked to act from the workspace's group instead, so a private
chat never mixes two workspaces' data.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.rights import Action, Actor, Role, may
from bot.runtime import Runtime
from storage.repositories import audit, identity


@dataclass(frozen=True, slots=True)
class ChatContext:
    """The workspace a chat belongs to, and what it is for."""

    telegram_chat_id: int
    workspace_id: int | None
    purpose: str | None
    agency_id: int | None


async def actor_for(
    runtime: Runtime, telegram_user_id: int, telegram_chat_id: int, *, private: bool
) -> Actor:
    """The actor as seen from a chat: its workspace, the user's role there."""
    is_admin = telegram_user_id in runtime.settings.BOT_ADMINS
    async with runtime.database.session() as session:
        workspace_id: int | None = None
        if private:
            members = await identity.memberships(session, telegram_user_id)
            if len(members) == 1:
                workspace_id = members[0].workspace_id
        else:
            chat = await identity.chat_by_telegram_id(session, telegram_chat_id)
            workspace_id = chat.workspace_id if chat else None
        member = (
            await identity.active_member(session, workspace_id, telegram_user_id)
            if workspace_id is not None
            else None
        )
    if is_admin:
        return Actor(
            telegram_user_id, workspace_id, Role.ADMIN, member.agency_id if member else None
        )
    if member is None:
        return Actor(telegram_user_id, workspace_id, None)
    return Actor(telegram_user_id, workspace_id, Role(member.role), member.agency_id)


async def chat_context(runtime: Runtime, telegram_chat_id: int) -> ChatContext:
    async with runtime.database.session() as session:
        chat = await identity.chat_by_telegram_id(session, telegram_chat_id)
    if chat is None:
        return ChatContext(telegram_chat_id, None, None, None)
    return ChatContext(telegram_chat_id, chat.workspace_id, chat.purpose, chat.agency_id)


async def check(
    runtime: Runtime,
    actor: Actor,
    action: Action,
    *,
    workspace_id: int | None = None,
    agency_id: int | None = None,
    telegram_chat_id: int | None = None,
    detail: dict[str, object] | None = None,
    author_id: int | None = None,
) -> bool:
    """Decide, and write a refusal to the audit log (refusals are always kept).
    `author_id`: for an action on a change (undo), who made it."""
    allowed = may(
        actor, action, workspace_id=workspace_id, agency_id=agency_id, author_id=author_id
    )
    if not allowed:
        await record(
            runtime,
            actor,
            action.value,
            allowed=False,
            telegram_chat_id=telegram_chat_id,
            detail={"target_workspace": workspace_id, "target_agency": agency_id, **(detail or {})},
        )
    return allowed


async def record(
    runtime: Runtime,
    actor: Actor,
    action: str,
    *,
    allowed: bool = True,
    telegram_chat_id: int | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    async with runtime.database.session() as session:
        await audit.append(
            session,
            workspace_id=actor.workspace_id,
            telegram_user_id=actor.telegram_user_id,
            telegram_chat_id=telegram_chat_id,
            action=action,
            allowed=allowed,
            detail=detail or {},
            at=runtime.now(),
        )
