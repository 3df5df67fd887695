"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import AuditEvent


async def append(
    session: AsyncSession,
    *,
    workspace_id: int | None,
    telegram_user_id: int | None,
    telegram_chat_id: int | None,
    action: str,
    allowed: bool,
    detail: dict[str, object],
    at: datetime,
) -> None:
    session.add(
        AuditEvent(
            workspace_id=workspace_id,
            telegram_user_id=telegram_user_id,
            telegram_chat_id=telegram_chat_id,
            action=action,
            allowed=allowed,
            detail=detail,
            created_at=at,
        )
    )


async def refusals(session: AsyncSession, telegram_user_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.allowed == False)  # noqa: E712
    if telegram_user_id is not None:
        query = query.where(AuditEvent.telegram_user_id == telegram_user_id)
    return list((await session.execute(query.order_by(col(AuditEvent.id)))).scalars())
