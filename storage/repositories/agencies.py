"""Agencies of one workspace: every query names the workspace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Agency


async def get(session: AsyncSession, workspace_id: int, agency_id: int) -> Agency | None:
    """The agency, only if it belongs to `workspace_id` (a forged id finds nothing)."""
    result = await session.execute(
        select(Agency).where(Agency.id == agency_id, Agency.workspace_id == workspace_id)
    )
    return result.scalar_one_or_none()


async def by_code(session: AsyncSession, workspace_id: int, code: str) -> Agency | None:
    result = await session.execute(
        select(Agency).where(Agency.workspace_id == workspace_id, Agency.code == code)
    )
    return result.scalar_one_or_none()


async def all_in(session: AsyncSession, workspace_id: int) -> list[Agency]:
    result = await session.execute(
        select(Agency).where(Agency.workspace_id == workspace_id).order_by(col(Agency.id))
    )
    return list(result.scalars())


async def count(session: AsyncSession, workspace_id: int) -> int:
    result = await session.execute(
        select(func.count()).select_from(Agency).where(Agency.workspace_id == workspace_id)
    )
    return int(result.scalar_one())


async def page(
    session: AsyncSession, workspace_id: int, *, offset: int, limit: int
) -> tuple[list[Agency], int]:
    """One page of a workspace's agencies in registry order, and the total."""
    total = await count(session, workspace_id)
    result = await session.execute(
        select(Agency)
        .where(Agency.workspace_id == workspace_id)
        .order_by(col(Agency.id))
        .offset(offset)
        .limit(limit)
    )
    return list(result.scalars()), int(total)


async def add(
    session: AsyncSession,
    workspace_id: int,
    *,
    code: str,
    name: str,
    category: str,
    aliases: list[str] | None = None,
    head_title: str | None = None,
    at: datetime,
) -> Agency:
    agency = Agency(
        workspace_id=workspace_id,
        code=code,
        name=name,
        category=category,
        aliases=list(aliases or []),
        head_title=head_title,
        created_at=at,
    )
    session.add(agency)
    await session.flush()
    return agency


async def save(session: AsyncSession, agency: Agency) -> None:
    session.add(agency)
    await session.flush()
