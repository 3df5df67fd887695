"""One-time invite codes. Redeeming is one atomic UPDATE, so a code works once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Invite


async def create(
    session: AsyncSession,
    *,
    code: str,
    workspace_id: int,
    agency_id: int | None,
    role: str,
    created_by: int,
    expires_at: datetime,
    at: datetime,
) -> Invite:
    invite = Invite(
        code=code,
        workspace_id=workspace_id,
        agency_id=agency_id,
        role=role,
        created_by=created_by,
        expires_at=expires_at,
        created_at=at,
    )
    session.add(invite)
    await session.flush()
    return invite


async def by_code(session: AsyncSession, code: str) -> Invite | None:
    result = await session.execute(select(Invite).where(Invite.code == code))
    return result.scalar_one_or_none()


async def code_taken(session: AsyncSession, code: str) -> bool:
    return await by_code(session, code) is not None


async def consume(
    session: AsyncSession, invite_id: int, telegram_user_id: int, at: datetime
) -> bool:
    """Mark the invite used by `telegram_user_id`; False if it was used or expired
    meanwhile (two people racing for one code: exactly one wins)."""
    result = await session.execute(
        update(Invite)
        .where(
            col(Invite.id) == invite_id,
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > at,
        )
        .values(used_at=at, used_by=telegram_user_id)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
