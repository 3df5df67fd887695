"""Members: a Telegram user's role in one workspace (and agency, for focal points)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Member


async def get(session: AsyncSession, workspace_id: int, member_id: int) -> Member | None:
    """The member, only if it belongs to `workspace_id`."""
    result = await session.execute(
        select(Member).where(Member.id == member_id, Member.workspace_id == workspace_id)
    )
    return result.scalar_one_or_none()


async def by_id(session: AsyncSession, member_id: int) -> Member | None:
    return await session.get(Member, member_id)


async def any_membership(
    session: AsyncSession, workspace_id: int, telegram_user_id: int
) -> Member | None:
    """The user's row in the workspace, active or left (one per user and workspace)."""
    result = await session.execute(
        select(Member).where(
            Member.workspace_id == workspace_id, Member.telegram_user_id == telegram_user_id
        )
    )
    return result.scalar_one_or_none()


async def bind(
    session: AsyncSession,
    workspace_id: int,
    telegram_user_id: int,
    *,
    role: str,
    agency_id: int | None,
    display_name: str,
    username: str | None,
    at: datetime,
) -> Member:
    """Make the user an active member with `role` (re-activating a row left earlier)."""
    member = await any_membership(session, workspace_id, telegram_user_id)
    if member is None:
        member = Member(workspace_id=workspace_id, telegram_user_id=telegram_user_id, role=role)
    member.role = role
    member.agency_id = agency_id
    member.display_name = display_name[:200]
    member.username = username
    member.active = True
    member.joined_at = at
    member.left_at = None
    session.add(member)
    await session.flush()
    return member


async def deactivate(session: AsyncSession, member: Member, at: datetime) -> None:
    member.active = False
    member.left_at = at
    session.add(member)
    await session.flush()


async def focal_points(session: AsyncSession, workspace_id: int, agency_id: int) -> list[Member]:
    result = await session.execute(
        select(Member)
        .where(
            Member.workspace_id == workspace_id,
            Member.agency_id == agency_id,
            Member.active == True,  # noqa: E712
        )
        .order_by(col(Member.id))
    )
    return list(result.scalars())


async def focal_point_counts(session: AsyncSession, workspace_id: int) -> dict[int, int]:
    """Active focal points per agency id, for the agency list."""
    result = await session.execute(
        select(Member.agency_id, func.count())
        .where(
            Member.workspace_id == workspace_id,
            Member.active == True,  # noqa: E712
            col(Member.agency_id).is_not(None),
        )
        .group_by(col(Member.agency_id))
    )
    return {int(agency_id): int(count) for agency_id, count in result.all()}


async def with_role(session: AsyncSession, telegram_user_id: int, role: str) -> list[Member]:
    """The user's active memberships with `role`, in every workspace."""
    result = await session.execute(
        select(Member)
        .where(
            Member.telegram_user_id == telegram_user_id,
            Member.role == role,
            Member.active == True,  # noqa: E712
        )
        .order_by(col(Member.workspace_id))
    )
    return list(result.scalars())
