"""Queries about an occurrence's successor that an undo may withdraw.

The successor itself is found by `storage.repositories.reminders.successor`
(the roll-over's queries live there); these answer whether anybody has used
it, and which withdrawn successors the roll-over must bring back. The
history kinds the service writes are passed in, so this module holds no
product vocabulary beyond the task states.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, cast, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from storage.models import ExtensionRequest, StatusUpdate, Task, TaskState


async def touched(session: AsyncSession, task_id: int, *, ignoring: Sequence[str]) -> bool:
    """Somebody used the task: a history row not among `ignoring` (the system's
    own), or an extension request in any state."""
    update = exists().where(
        col(StatusUpdate.task_id) == task_id, col(StatusUpdate.kind).not_in(list(ignoring))
    )
    request = exists().where(col(ExtensionRequest.task_id) == task_id)
    return bool((await session.execute(select(update | request))).scalar())


async def latest_kind(session: AsyncSession, task_id: int) -> str | None:
    """The kind of the task's latest history row (None without history)."""
    query = (
        select(col(StatusUpdate.kind))
        .where(col(StatusUpdate.task_id) == task_id)
        .order_by(col(StatusUpdate.id).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def with_withdrawn_successor(session: AsyncSession, withdrawn: str) -> list[Task]:
    """Open or done recurring occurrences whose successor is cancelled and whose
    successor's latest history row is `withdrawn`: what the roll-over must
    bring back once the period ends (`recurring_without_successor` skips them,
    since they have a successor)."""
    following = aliased(Task)
    update = aliased(StatusUpdate)
    later = aliased(StatusUpdate)
    query = (
        select(Task)
        .join(following, col(following.previous_occurrence_id) == col(Task.id))
        .join(update, col(update.task_id) == col(following.id))
        .where(
            col(Task.recurrence).is_not(None),
            cast(col(Task.recurrence), String) != "null",
            col(Task.state).in_([TaskState.OPEN, TaskState.DONE]),
            col(following.state) == TaskState.CANCELLED,
            col(update.kind) == withdrawn,
            ~exists().where(
                col(later.task_id) == col(following.id), col(later.id) > col(update.id)
            ),
        )
        .order_by(col(Task.id))
    )
    return list((await session.execute(query)).scalars().unique())
