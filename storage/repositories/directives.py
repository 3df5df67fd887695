"""Directives and the tasks taken in from them, and the intake's own drafts.

A directive number is unique within a workspace (the partial unique index
`uq_directive_workspace_number`), and so is a task code (`T12`); both are
checked here before writing and enforced by the database, so two
coordinators saving at the same moment cannot both succeed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Directive, Draft, Task

_BASE_CODE = re.compile(r"^T(\d{1,9})$")


async def by_number(session: AsyncSession, workspace_id: int, number: str) -> Directive | None:
    """The workspace's directive with this number (numbers compare as written)."""
    result = await session.execute(
        select(Directive).where(Directive.workspace_id == workspace_id, Directive.number == number)
    )
    return result.scalars().first()


async def get(session: AsyncSession, workspace_id: int, directive_id: int) -> Directive | None:
    result = await session.execute(
        select(Directive).where(
            Directive.id == directive_id, Directive.workspace_id == workspace_id
        )
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, directive: Directive) -> Directive:
    """Insert; a duplicate number raises IntegrityError at the flush."""
    session.add(directive)
    await session.flush()
    return directive


async def next_task_number(session: AsyncSession, workspace_id: int) -> int:
    """The number after the workspace's highest base code ("T41" -> 42).

    Codes of later occurrences ("T12.2") are derived from their first
    occurrence and do not count. Longer codes are larger numbers, so the
    highest is among the longest: no need to read every code.
    """
    result = await session.execute(
        select(Task.code)
        .where(
            Task.workspace_id == workspace_id,
            col(Task.code).like("T%"),
            col(Task.code).not_like("%.%"),
        )
        .order_by(func.length(Task.code).desc(), col(Task.code).desc())
        .limit(20)
    )
    for code in result.scalars():
        match = _BASE_CODE.match(code)
        if match:
            return int(match[1]) + 1
    return 1


async def add_tasks(session: AsyncSession, tasks: Sequence[Task]) -> list[Task]:
    """Insert; a taken code raises IntegrityError at the flush."""
    session.add_all(tasks)
    await session.flush()
    return list(tasks)


async def tasks_of(session: AsyncSession, workspace_id: int, directive_id: int) -> list[Task]:
    result = await session.execute(
        select(Task)
        .where(Task.workspace_id == workspace_id, Task.directive_id == directive_id)
        .order_by(col(Task.id))
    )
    return list(result.scalars())


async def count_in(session: AsyncSession, workspace_id: int) -> int:
    result = await session.execute(
        select(func.count()).select_from(Directive).where(Directive.workspace_id == workspace_id)
    )
    return int(result.scalar_one())


# -- intake drafts ---------------------------------------------------------------


async def update_draft(
    session: AsyncSession,
    draft_id: int,
    *,
    payload: dict[str, Any],
    prompt_message_id: int | None,
    expires_at: datetime,
) -> bool:
    """Replace a draft's payload (a new dict, so the JSON column is written).

    False when the draft is gone (cancelled or saved meanwhile).
    """
    draft = await session.get(Draft, draft_id)
    if draft is None:
        return False
    draft.payload = dict(payload)
    draft.prompt_message_id = prompt_message_id
    draft.expires_at = expires_at
    session.add(draft)
    await session.flush()
    return True
