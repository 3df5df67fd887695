"""Task queries for status replies and the /status views.

`status_facts` is the one query behind every figure of /status, /overdue and
/tasks: the roll-up facts of every task of a workspace (optionally one
directive's or one agency's), with two correlated EXISTS sub-queries (is the
task started, is an extension pending), so a view never runs a query per
task. Only the few lines a view shows then get their texts
(`task_details`, `labels`), in one query each. At 10,000 tasks this query is
the cost of /status, so it selects narrow columns through a Core connection
(no ORM work per row) and leaves dates raw (SQLite's ISO text is parsed once
per distinct value by `day`).

Writes to a task go through `lock_task` (SELECT ... FOR UPDATE on
PostgreSQL) so two taps on the same task are serialised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Integer, Select, String, exists, func, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from bot.domain.rollup import TaskFacts
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


class FactRow(NamedTuple):
    """One task's roll-up facts as the query returns them.

    Fields 3..9 (`facts_key`) are everything the roll-up looks at; tasks with
    equal facts get equal categories, which is what lets /status judge 10,000
    tasks by judging their few hundred distinct facts once each. Dates are
    raw: ISO text on SQLite, `date` on PostgreSQL (they compare the same way
    within one database); `to_facts` gives the domain's TaskFacts.
    """

    task_id: int
    agency_id: int
    directive_id: int
    state: str
    effective_deadline: Any
    completed_on: Any
    progress: int
    blocked: bool
    started: bool
    pending_extension: bool


def facts_key(row: FactRow) -> tuple[Any, ...]:
    """The fields of a row that decide its category (state .. pending_extension)."""
    return row[3:10]


def to_facts(row: FactRow) -> TaskFacts:
    return TaskFacts(
        task_id=row.task_id,
        agency_id=row.agency_id,
        state=row.state,
        effective_deadline=day(row.effective_deadline),
        completed_on=day(row.completed_on),
        progress=row.progress or 0,
        blocked=bool(row.blocked),
        has_updates=bool(row.started),
    )


@dataclass(frozen=True, slots=True)
class TaskDetail:
    """The texts of one listed task."""

    task_id: int
    code: str
    action: str
    agency_code: str
    agency_name: str
    directive_number: str | None
    original_effective_deadline: date | None
    blocked_reason: str | None
    extension_until: date | None  # the date a pending extension request asks for


@lru_cache(maxsize=4096)
def _iso_day(value: str) -> date:
    return date.fromisoformat(value[:10])


def day(value: Any) -> date | None:
    """A date column read raw: SQLite gives ISO text, PostgreSQL a date."""
    if value is None or isinstance(value, date):
        return value
    return _iso_day(value)


def _raw(column: Any) -> Any:
    return type_coerce(col(column), String)


def _facts_query(workspace_id: int) -> Select[Any]:
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
    pending = exists().where(
        col(ExtensionRequest.task_id) == col(Task.id),
        col(ExtensionRequest.state) == ExtensionState.PENDING,
    )
    columns: list[Any] = [
        col(Task.id),
        col(Task.agency_id),
        col(Task.directive_id),
        col(Task.state),
        _raw(Task.effective_deadline),
        _raw(Task.completed_on),
        col(Task.progress),
        type_coerce(col(Task.blocked_reason).is_not(None), Integer),  # 0/1: no processing
        type_coerce(started, Integer),
        type_coerce(pending, Integer),
    ]
    labelled = [column.label(name) for column, name in zip(columns, FactRow._fields, strict=True)]
    return sa_select(*labelled).where(col(Task.workspace_id) == workspace_id)


async def status_facts(
    session: AsyncSession,
    workspace_id: int,
    *,
    directive_id: int | None = None,
    agency_id: int | None = None,
) -> list[FactRow]:
    """The roll-up facts of every task of the scope, in one query."""
    query = _facts_query(workspace_id)
    if directive_id is not None:
        query = query.where(col(Task.directive_id) == directive_id)
    if agency_id is not None:
        query = query.where(col(Task.agency_id) == agency_id)
    connection = await session.connection()  # Core rows: no ORM work per row
    result = await connection.execute(query)
    # SQLAlchemy's rows are named tuples with FactRow's fields (the labels):
    # returned as they are, not copied, since this runs for every task.
    return cast(list[FactRow], result.all())


async def task_details(
    session: AsyncSession, workspace_id: int, task_ids: Iterable[int]
) -> dict[int, TaskDetail]:
    """Texts of the tasks a view lists (a page: a handful of ids), in one query."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    pending_until = (
        sa_select(func.max(col(ExtensionRequest.requested_date)))
        .where(
            col(ExtensionRequest.task_id) == col(Task.id),
            col(ExtensionRequest.state) == ExtensionState.PENDING,
        )
        .scalar_subquery()
    )
    result: Any = await session.execute(
        sa_select(
            col(Task.id),
            col(Task.code),
            col(Task.action),
            col(Agency.code),
            col(Agency.name),
            col(Directive.number),
            col(Task.original_effective_deadline),
            col(Task.blocked_reason),
            type_coerce(pending_until, String),
        )
        .join(Agency, col(Agency.id) == col(Task.agency_id))
        .join(Directive, col(Directive.id) == col(Task.directive_id))
        .where(col(Task.workspace_id) == workspace_id, col(Task.id).in_(ids))
    )
    return {
        row[0]: TaskDetail(
            task_id=row[0],
            code=row[1],
            action=row[2],
            agency_code=row[3],
            agency_name=row[4],
            directive_number=row[5],
            original_effective_deadline=row[6],
            blocked_reason=row[7],
            extension_until=day(row[8]),
        )
        for row in result.all()
    }


async def labels(
    session: AsyncSession,
    workspace_id: int,
    *,
    agency_ids: Iterable[int] = (),
    directive_ids: Iterable[int] = (),
) -> dict[tuple[str, int], tuple[str, str]]:
    """(code, name) of agencies and (number, subject) of directives a view
    lists, keyed ("a", id) / ("d", id), in one query."""
    agencies_wanted, directives_wanted = sorted(set(agency_ids)), sorted(set(directive_ids))
    found: dict[tuple[str, int], tuple[str, str]] = {}
    if agencies_wanted:
        rows: Any = await session.execute(
            sa_select(col(Agency.id), col(Agency.code), col(Agency.name)).where(
                col(Agency.workspace_id) == workspace_id, col(Agency.id).in_(agencies_wanted)
            )
        )
        found.update({("a", i): (code, name) for i, code, name in rows.all()})
    if directives_wanted:
        rows = await session.execute(
            sa_select(col(Directive.id), col(Directive.number), col(Directive.subject)).where(
                col(Directive.workspace_id) == workspace_id,
                col(Directive.id).in_(directives_wanted),
            )
        )
        found.update(
            {("d", i): (number or f"#{i}", subject or "") for i, number, subject in rows.all()}
        )
    return found


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
