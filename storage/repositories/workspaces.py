"""Workspaces: the coordinating units one bot serves (a Sở Nội vụ, a Phòng Nội vụ)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Workspace


async def create(session: AsyncSession, *, name: str, level: str, at: datetime) -> Workspace:
    workspace = Workspace(name=name, level=level, created_at=at)
    session.add(workspace)
    await session.flush()
    return workspace


async def get(session: AsyncSession, workspace_id: int) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def by_name(session: AsyncSession, name: str) -> list[Workspace]:
    result = await session.execute(select(Workspace).where(Workspace.name == name))
    return list(result.scalars())


async def all_workspaces(session: AsyncSession) -> list[Workspace]:
    result = await session.execute(select(Workspace).order_by(col(Workspace.id)))
    return list(result.scalars())


async def some(session: AsyncSession, ids: list[int]) -> list[Workspace]:
    if not ids:
        return []
    result = await session.execute(
        select(Workspace).where(col(Workspace.id).in_(ids)).order_by(col(Workspace.id))
    )
    return list(result.scalars())
