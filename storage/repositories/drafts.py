"""Pending prompts ("why is it blocked?", "until which date?") kept in the
Draft table, so an answer given after a restart still finds its question.

Only the kinds a caller names are touched: other rooms keep their own drafts
(a directive being taken in) in the same table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Draft


async def put(
    session: AsyncSession,
    *,
    workspace_id: int | None,
    telegram_chat_id: int,
    telegram_user_id: int,
    kind: str,
    payload: dict[str, Any],
    expires_at: datetime,
    created_at: datetime,
    replaces: Sequence[str] = (),
) -> Draft:
    """Store a prompt; earlier drafts of `replaces` kinds for the same user
    in the same chat are dropped (one open question at a time)."""
    if replaces:
        await session.execute(
            delete(Draft).where(
                col(Draft.telegram_chat_id) == telegram_chat_id,
                col(Draft.telegram_user_id) == telegram_user_id,
                col(Draft.kind).in_(list(replaces)),
            )
        )
    draft = Draft(
        workspace_id=workspace_id,
        telegram_chat_id=telegram_chat_id,
        telegram_user_id=telegram_user_id,
        kind=kind,
        payload=payload,
        expires_at=expires_at,
        created_at=created_at,
    )
    session.add(draft)
    await session.flush()
    return draft


async def get(session: AsyncSession, draft_id: int) -> Draft | None:
    return await session.get(Draft, draft_id)


async def locked(session: AsyncSession, draft_id: int, kind: str) -> Draft | None:
    """The draft `draft_id` if it is of `kind`; on PostgreSQL locked until the
    transaction ends, so two presses on one button take turns."""
    query = select(Draft).where(col(Draft.id) == draft_id, col(Draft.kind) == kind)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return (await session.execute(query)).scalars().first()


async def set_prompt_message(session: AsyncSession, draft_id: int, message_id: int) -> None:
    draft = await session.get(Draft, draft_id)
    if draft is not None:
        draft.prompt_message_id = message_id
        session.add(draft)


async def by_prompt(
    session: AsyncSession,
    telegram_chat_id: int,
    prompt_message_id: int,
    kinds: Sequence[str],
    now: datetime,
) -> Draft | None:
    """The live draft whose prompt message is `prompt_message_id` in the chat."""
    result = await session.execute(
        select(Draft)
        .where(
            Draft.telegram_chat_id == telegram_chat_id,
            Draft.prompt_message_id == prompt_message_id,
            col(Draft.kind).in_(list(kinds)),
            Draft.expires_at > now,
        )
        .order_by(col(Draft.id).desc())
    )
    return result.scalars().first()


async def latest_for_user(
    session: AsyncSession,
    telegram_chat_id: int,
    telegram_user_id: int,
    kinds: Sequence[str],
    now: datetime,
) -> Draft | None:
    """The user's newest live draft of `kinds` in the chat (private chats
    answer without replying to the prompt)."""
    result = await session.execute(
        select(Draft)
        .where(
            Draft.telegram_chat_id == telegram_chat_id,
            Draft.telegram_user_id == telegram_user_id,
            col(Draft.kind).in_(list(kinds)),
            Draft.expires_at > now,
        )
        .order_by(col(Draft.id).desc())
    )
    return result.scalars().first()


async def remove(session: AsyncSession, draft_id: int) -> bool:
    """Drop an answered prompt; False if it was already gone (answered twice)."""
    result = await session.execute(delete(Draft).where(col(Draft.id) == draft_id))
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def purge_expired(session: AsyncSession, kinds: Sequence[str], now: datetime) -> int:
    result = await session.execute(
        delete(Draft).where(col(Draft.kind).in_(list(kinds)), col(Draft.expires_at) <= now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
