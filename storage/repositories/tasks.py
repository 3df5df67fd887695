"""Task queries for status replies and the /status views.

`status_rows` is the one query behind every figure of /status, /overdue and
/tasks: the tasks of a workspace (optionally one directive's or one
agency's) with the facts the roll-up needs, their agency and directive, and
two correlated sub-queries (is the task started, is an extension pending),
so a view never runs a query per task. Writes to a task go through
`lock_task` (SELECT ... FOR UPDATE on PostgreSQL) so two taps on the same
task are serialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from storage.models import (
    Agency,
    Directive,
    ExtensionRequest,
    ExtensionState,
    StatusUpdate,
    Task,
)

# Status update kinds that mean work on the task has begun (for "chưa bắt đầu").
STARTED_KINDS = ("done", "in_progress", "blocked")


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One task as the /status views see it (plain values, no ORM object)."""

    task_id: int
    code: str
    action: str
    agency_id: int
    agency_code: str
    agency_name: str
    directive_id: int
    directive_number: str | None
    state: str
    effective_deadline: date | None
    original_effective_deadline: date | None
    completed_on: date | None
    progress: int
    blocked_reason: str | None
    started: bool
    extension_until: date | None  # requested date of a pending extension request


def _status_query(workspace_id: int) -> Select[Any]:
    update = aliased(StatusUpdate)
    reverting = aliased(StatusUpdate)
    undone = exists().where(
        col(reverting.task_id) == col(update.task_id),  # uses the task_id index
        col(reverting.reverts_id) == col(update.id),
    )
    started = exists().where(
        col(update.task_id) == col(Task.id),
        col(update.kind).in_(STARTED_KINDS),
        ~undone,
    )
    pending_until = (
        sa_select(func.max(col(ExtensionRequest.requested_date)))
        .where(
            col(ExtensionRequest.task_id) == col(Task.id),
            col(ExtensionRequest.state) == ExtensionState.PENDING,
        )
        .scalar_subquery()
    )
    columns: list[Any] = [
        col(Task.id),
        col(Task.code),
        col(Task.action),
        col(Task.agency_id),
        col(Agency.code),
        col(Agency.name),
        col(Task.directive_id),
        col(Directive.number),
        col(Task.state),
        col(Task.effective_deadline),
        col(Task.original_effective_deadline),
        col(Task.completed_on),
        col(Task.progress),
        col(Task.blocked_reason),
        started.label("started"),
        pending_until.label("extension_until"),
    ]
    return (
        sa_select(*columns)
        .join(Agency, col(Agency.id) == col(Task.agency_id))
        .join(Directive, col(Directive.id) == col(Task.directive_id))
        .where(col(Task.workspace_id) == workspace_id)
    )


async def status_rows(
    session: AsyncSession,
    workspace_id: int,
    *,
    directive_id: int | None = None,
    agency_id: int | None = None,
) -> list[StatusRow]:
    """Every task of the scope, with its roll-up facts, in one query."""
    query = _status_query(workspace_id)
    if directive_id is not None:
        query = query.where(col(Task.directive_id) == directive_id)
    if agency_id is not None:
        query = query.where(col(Task.agency_id) == agency_id)
    result = await session.execute(query)
    return [
        StatusRow(
            task_id=row[0],
            code=row[1],
            action=row[2],
            agency_id=row[3],
            agency_code=row[4],
            agency_name=row[5],
            directive_id=row[6],
            directive_number=row[7],
            state=row[8],
            effective_deadline=row[9],
            original_effective_deadline=row[10],
            completed_on=row[11],
            progress=row[12] or 0,
            blocked_reason=row[13],
            started=bool(row[14]),
            extension_until=row[15],
        )
        for row in result.all()
    ]


async def get_task(session: AsyncSession, task_id: int) -> Task | None:
    return await session.get(Task, task_id)


async def lock_task(session: AsyncSession, task_id: int) -> Task | None:
    """The task row for an update, locked on PostgreSQL until the commit
    (SQLite serialises writers by itself)."""
    query = select(Task).where(col(Task.id) == task_id).with_for_update()
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def task_by_code(session: AsyncSession, workspace_id: int, code: str) -> Task | None:
    """A task by the short code focal points type ("T12", "t12")."""
    result = await session.execute(
        select(Task).where(
            Task.workspace_id == workspace_id, func.upper(Task.code) == code.strip().upper()
        )
    )
    return result.scalar_one_or_none()


async def tasks_by_ids(session: AsyncSession, task_ids: Sequence[int]) -> list[Task]:
    if not task_ids:
        return []
    result = await session.execute(
        select(Task).where(col(Task.id).in_(list(task_ids))).order_by(col(Task.id))
    )
    return list(result.scalars())


async def open_tasks_of_agency(
    session: AsyncSession, workspace_id: int, agency_id: int, *, limit: int = 50
) -> list[Task]:
    """An agency's open tasks, nearest deadline first (no deadline last)."""
    result = await session.execute(
        select(Task)
        .where(
            Task.workspace_id == workspace_id,
            Task.agency_id == agency_id,
            Task.state == "open",
        )
        .order_by(
            col(Task.effective_deadline).is_(None), col(Task.effective_deadline), col(Task.id)
        )
        .limit(limit)
    )
    return list(result.scalars())


async def directive(session: AsyncSession, directive_id: int) -> Directive | None:
    return await session.get(Directive, directive_id)


async def append_update(session: AsyncSession, update: StatusUpdate) -> StatusUpdate:
    """Append one history row (never updated afterwards)."""
    session.add(update)
    await session.flush()
    return update


async def status_update(session: AsyncSession, update_id: int) -> StatusUpdate | None:
    return await session.get(StatusUpdate, update_id)


async def history(session: AsyncSession, task_id: int) -> list[StatusUpdate]:
    """A task's history, oldest first."""
    result = await session.execute(
        select(StatusUpdate).where(StatusUpdate.task_id == task_id).order_by(col(StatusUpdate.id))
    )
    return list(result.scalars())


async def is_reverted(session: AsyncSession, task_id: int, update_id: int) -> bool:
    result = await session.execute(
        select(StatusUpdate.id).where(
            StatusUpdate.task_id == task_id, StatusUpdate.reverts_id == update_id
        )
    )
    return result.first() is not None


async def latest_change_id(session: AsyncSession, task_id: int, kinds: Sequence[str]) -> int | None:
    """The id of the task's latest update among `kinds` (the changes an undo may revert)."""
    result = await session.execute(
        select(func.max(col(StatusUpdate.id))).where(
            StatusUpdate.task_id == task_id, col(StatusUpdate.kind).in_(list(kinds))
        )
    )
    value = result.scalar_one_or_none()
    return int(value) if value is not None else None
