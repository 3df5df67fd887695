"""Chats the bot is in: their workspace and purpose, membership, and migration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from storage.models import Chat

# Append-only history keeps the chat id it was written with: a status update or
# an audit event is a record of what happened where, and is never rewritten.
# Chat.migrated_from_chat_id links those rows to the chat's new id.
HISTORY_TABLES = frozenset({"statusupdate", "auditevent"})
CHAT_COLUMN = "telegram_chat_id"


async def get(session: AsyncSession, telegram_chat_id: int) -> Chat | None:
    result = await session.execute(select(Chat).where(Chat.telegram_chat_id == telegram_chat_id))
    return result.scalar_one_or_none()


async def seen(
    session: AsyncSession, telegram_chat_id: int, *, chat_type: str, title: str, at: datetime
) -> Chat:
    """The chat's row, created on first sight; the bot is a member of it now.

    Written only when something changed, so merely seeing a chat again (a
    refused command in it, say) leaves its row as it was."""
    chat = await get(session, telegram_chat_id)
    if chat is None:
        chat = Chat(telegram_chat_id=telegram_chat_id, created_at=at)
    elif (chat.type, chat.title, chat.bot_is_member) == (chat_type, title[:255], True):
        return chat
    chat.type = chat_type
    chat.title = title[:255]
    chat.bot_is_member = True
    chat.updated_at = at
    session.add(chat)
    await session.flush()
    return chat


async def mark_bot_gone(session: AsyncSession, telegram_chat_id: int, at: datetime) -> Chat | None:
    chat = await get(session, telegram_chat_id)
    if chat is not None:
        chat.bot_is_member = False
        chat.updated_at = at
        session.add(chat)
        await session.flush()
    return chat


async def holding(
    session: AsyncSession, workspace_id: int, purpose: str, agency_id: int | None = None
) -> list[Chat]:
    """Chats of a workspace set to `purpose` (and agency), the bot still in them."""
    query = select(Chat).where(
        Chat.workspace_id == workspace_id,
        Chat.purpose == purpose,
        Chat.bot_is_member == True,  # noqa: E712
    )
    if agency_id is not None:
        query = query.where(Chat.agency_id == agency_id)
    result = await session.execute(query.order_by(col(Chat.id)))
    return list(result.scalars())


async def assign(
    session: AsyncSession,
    chat: Chat,
    *,
    workspace_id: int,
    purpose: str,
    agency_id: int | None,
    at: datetime,
) -> list[Chat]:
    """Give `chat` its purpose; other chats that held the same post lose it.

    A workspace has one coordination group, one focal points' group and one
    group per agency, so a reminder has exactly one destination. Returns the
    chats that lost the post.
    """
    query = select(Chat).where(
        Chat.workspace_id == workspace_id,
        Chat.purpose == purpose,
        Chat.id != chat.id,
    )
    if agency_id is not None:
        query = query.where(Chat.agency_id == agency_id)
    previous = list((await session.execute(query)).scalars())
    for other in previous:
        other.purpose = None
        other.agency_id = None
        other.updated_at = at
        session.add(other)
    chat.workspace_id = workspace_id
    chat.purpose = purpose
    chat.agency_id = agency_id
    chat.updated_at = at
    session.add(chat)
    await session.flush()
    return previous


def _chat_tables() -> list[Table]:
    """Every table (today's and any added later) that points at a Telegram chat."""
    return [
        table
        for table in SQLModel.metadata.sorted_tables
        if CHAT_COLUMN in table.c and table.name not in HISTORY_TABLES and table.name != "chat"
    ]


async def migrate(
    session: AsyncSession, old_chat_id: int, new_chat_id: int, at: datetime
) -> dict[str, int]:
    """Move everything that points at `old_chat_id` to `new_chat_id`.

    If both ids already have a Chat row (the bot saw the new supergroup
    before the migration notice), the row that has a workspace wins, the old
    one first. Returns the number of rows moved per table.
    """
    moved: dict[str, int] = {}
    old, new = await get(session, old_chat_id), await get(session, new_chat_id)
    if old is not None and new is not None:
        keep_old = old.workspace_id is not None or new.workspace_id is None
        loser = new if keep_old else old
        await session.execute(delete(Chat).where(col(Chat.id) == loser.id))
        await session.flush()
        session.expunge(loser)
        old = old if keep_old else None
        new = None if keep_old else new
    if old is not None:
        old.telegram_chat_id = new_chat_id
        old.migrated_from_chat_id = old_chat_id
        old.type = "supergroup"
        old.updated_at = at
        session.add(old)
        await session.flush()
        moved["chat"] = 1
    elif new is not None and new.migrated_from_chat_id is None:
        new.migrated_from_chat_id = old_chat_id
        session.add(new)
    for table in _chat_tables():
        column = table.c[CHAT_COLUMN]
        result = await session.execute(
            update(table).where(column == old_chat_id).values({CHAT_COLUMN: new_chat_id})
        )
        moved[table.name] = int(getattr(result, "rowcount", 0) or 0)
    return moved
