"""Extension requests: created pending, decided once.

A decision is a conditional UPDATE (`WHERE state = 'pending'`), so two
coordinators pressing approve and deny at once cannot both win: the second
sees that the request was already decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Agency, Directive, ExtensionRequest, ExtensionState, StatusUpdate, Task


async def add(session: AsyncSession, request: ExtensionRequest) -> ExtensionRequest:
    session.add(request)
    await session.flush()
    return request


async def get(session: AsyncSession, request_id: int) -> ExtensionRequest | None:
    return await session.get(ExtensionRequest, request_id)


async def pending_for_task(session: AsyncSession, task_id: int) -> list[ExtensionRequest]:
    result = await session.execute(
        select(ExtensionRequest)
        .where(
            ExtensionRequest.task_id == task_id,
            ExtensionRequest.state == ExtensionState.PENDING,
        )
        .order_by(col(ExtensionRequest.id))
    )
    return list(result.scalars())


async def pending_in_workspace(session: AsyncSession, workspace_id: int) -> list[ExtensionRequest]:
    result = await session.execute(
        select(ExtensionRequest)
        .where(
            ExtensionRequest.workspace_id == workspace_id,
            ExtensionRequest.state == ExtensionState.PENDING,
        )
        .order_by(col(ExtensionRequest.id))
    )
    return list(result.scalars())


async def decide(
    session: AsyncSession,
    request_id: int,
    *,
    state: ExtensionState,
    decided_by: int | None,
    decided_at: datetime,
    reason: str | None,
) -> bool:
    """Move a pending request to `state`; False when it was no longer pending."""
    result = await session.execute(
        update(ExtensionRequest)
        .where(
            col(ExtensionRequest.id) == request_id,
            col(ExtensionRequest.state) == ExtensionState.PENDING,
        )
        .values(state=state, decided_by=decided_by, decided_at=decided_at, decision_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def set_coordination_message(session: AsyncSession, request_id: int, message_id: int) -> None:
    await session.execute(
        update(ExtensionRequest)
        .where(col(ExtensionRequest.id) == request_id)
        .values(coordination_message_id=message_id)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True, slots=True)
class Labels:
    agency_name: str
    directive_number: str
    requester_name: str


async def labels(session: AsyncSession, request: ExtensionRequest) -> Labels:
    """What a coordinator reads on a request: the agency, the directive, who asked."""
    row = (
        await session.execute(
            select(Agency.name, Directive.number, Directive.id)
            .select_from(Task)
            .join(Agency, col(Agency.id) == col(Task.agency_id))
            .join(Directive, col(Directive.id) == col(Task.directive_id))
            .where(col(Task.id) == request.task_id)
        )
    ).one()
    name = (
        await session.execute(
            select(StatusUpdate.by_name)
            .where(
                StatusUpdate.task_id == request.task_id,
                StatusUpdate.kind == "more_time",
                StatusUpdate.by_telegram_user_id == request.requested_by,
                StatusUpdate.requested_date == request.requested_date,
            )
            .order_by(col(StatusUpdate.id).desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return Labels(
        agency_name=row[0],
        directive_number=row[1] or f"#{row[2]}",
        requester_name=name or str(request.requested_by),
    )
