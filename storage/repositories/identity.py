"""Queries that tell who a Telegram user is in a chat's workspace."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from storage.models import Chat, Member


async def chat_by_telegram_id(session: AsyncSession, telegram_chat_id: int) -> Chat | None:
    result = await session.execute(select(Chat).where(Chat.telegram_chat_id == telegram_chat_id))
    return result.scalar_one_or_none()


async def active_member(
    session: AsyncSession, workspace_id: int, telegram_user_id: int
) -> Member | None:
    result = await session.execute(
        select(Member).where(
            Member.workspace_id == workspace_id,
            Member.telegram_user_id == telegram_user_id,
            Member.active == True,  # noqa: E712  (SQL comparison)
        )
    )
    return result.scalar_one_or_none()


async def memberships(session: AsyncSession, telegram_user_id: int) -> list[Member]:
    """A user's active memberships in every workspace (a private chat has no
    workspace of its own: the user's single membership decides it)."""
    result = await session.execute(
        select(Member).where(
            Member.telegram_user_id == telegram_user_id,
            Member.active == True,  # noqa: E712
        )
    )
    return list(result.scalars())
