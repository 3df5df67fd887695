"""The digest outbox: one daily digest per workspace per day, across restarts.

Same discipline as the reminder outbox: the row is inserted if missing
(insert-or-ignore on the unique (workspace, day) key), then claimed with a
conditional UPDATE (only a 'pending' row can be claimed, so two runs never
both send), then marked sent with the Telegram message ids. A send whose answer never
came, or a row found in 'sending' by a new process (a crash), may or may not
have arrived: the row is pending again with `doubtful_sends` counted, so the
next send says it is a repeat (bot/services/digest.py decides how many).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import DigestOutbox, OutboxState


async def ensure(session: AsyncSession, workspace_id: int, day: date) -> None:
    """Insert the (workspace, day) row unless it exists (never fails on a duplicate)."""
    values: dict[str, object] = {
        "workspace_id": workspace_id,
        "day": day,
        "state": OutboxState.PENDING.value,
        "telegram_message_ids": [],
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(DigestOutbox).values(**values)
    await session.execute(statement.on_conflict_do_nothing(index_elements=["workspace_id", "day"]))


async def claim(session: AsyncSession, workspace_id: int, day: date, now: datetime) -> int | None:
    """Take the row for sending: how many earlier sends got no answer, or None
    when it is not pending (sent, being sent, ...)."""
    result = await session.execute(
        update(DigestOutbox)
        .where(
            col(DigestOutbox.workspace_id) == workspace_id,
            col(DigestOutbox.day) == day,
            col(DigestOutbox.state) == OutboxState.PENDING,
        )
        .values(state=OutboxState.SENDING, claimed_at=now)
        .returning(col(DigestOutbox.doubtful_sends))
    )
    row = result.first()
    return None if row is None else int(row[0])


async def finish(
    session: AsyncSession,
    workspace_id: int,
    day: date,
    *,
    state: OutboxState,
    now: datetime,
    telegram_chat_id: int | None = None,
    message_ids: list[int] | None = None,
    error: str | None = None,
    doubtful: bool = False,
) -> None:
    """Record how a claimed send ended (sent / failed / unknown / back to pending);
    `doubtful`: its answer never came (counted)."""
    values: dict[str, object] = {"state": state, "error": error}
    if doubtful:
        values["doubtful_sends"] = col(DigestOutbox.doubtful_sends) + 1
    if state is OutboxState.SENT:
        values["sent_at"] = now
    if state is OutboxState.PENDING:
        values["claimed_at"] = None
    if telegram_chat_id is not None:
        values["telegram_chat_id"] = telegram_chat_id
    if message_ids is not None:
        values["telegram_message_ids"] = message_ids
    await session.execute(
        update(DigestOutbox)
        .where(
            col(DigestOutbox.workspace_id) == workspace_id,
            col(DigestOutbox.day) == day,
            col(DigestOutbox.state) == OutboxState.SENDING,
        )
        .values(**values)
    )


async def get(session: AsyncSession, workspace_id: int, day: date) -> DigestOutbox | None:
    result = await session.execute(
        select(DigestOutbox).where(
            DigestOutbox.workspace_id == workspace_id, DigestOutbox.day == day
        )
    )
    return result.scalar_one_or_none()


async def last_sent(session: AsyncSession, workspace_id: int, before: date) -> DigestOutbox | None:
    """The latest digest actually sent before `before` (what "since the last digest" means)."""
    result = await session.execute(
        select(DigestOutbox)
        .where(
            DigestOutbox.workspace_id == workspace_id,
            DigestOutbox.day < before,
            DigestOutbox.state == OutboxState.SENT,
            col(DigestOutbox.sent_at).is_not(None),
        )
        .order_by(col(DigestOutbox.day).desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def mark_abandoned(
    session: AsyncSession, claimed_before: datetime, *, max_sends: int
) -> list[DigestOutbox]:
    """Rows left 'sending' by a previous process may have gone out: pending
    again, to be sent as a repeat, or 'unknown' after `max_sends` such sends.
    Returns them, to log."""
    result = await session.execute(
        select(DigestOutbox).where(
            DigestOutbox.state == OutboxState.SENDING,
            col(DigestOutbox.claimed_at) < claimed_before,
        )
    )
    rows = list(result.scalars())
    for row in rows:
        row.doubtful_sends += 1
        row.state = OutboxState.PENDING if row.doubtful_sends < max_sends else OutboxState.UNKNOWN
        row.claimed_at = None
        row.error = "left 'sending' by a stopped process"
    await session.flush()
    return rows


async def all_rows(session: AsyncSession, workspace_id: int) -> list[DigestOutbox]:
    result = await session.execute(
        select(DigestOutbox)
        .where(DigestOutbox.workspace_id == workspace_id)
        .order_by(col(DigestOutbox.day))
    )
    return list(result.scalars())
