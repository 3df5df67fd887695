"""Read-side queries of the digest and the reports.

Every query filters on the workspace. Rows are mapped to the domain's plain
dataclasses (bot.domain.digest, bot.domain.report_data) here, so the domain
never sees a table. Cancelled tasks are not loaded: nothing counts them.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from bot.domain.digest import DigestTask, PendingExtension
from bot.domain.report_data import ReportTask
from storage.models import (
    Agency,
    Chat,
    ChatPurpose,
    Directive,
    ExtensionRequest,
    ExtensionState,
    Task,
    TaskState,
    Workspace,
)
from storage.repositories.tasks import progress_reported


async def workspace(session: AsyncSession, workspace_id: int) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def workspaces(session: AsyncSession) -> list[Workspace]:
    result = await session.execute(select(Workspace).order_by(col(Workspace.id)))
    return list(result.scalars())


async def coordination_chats(session: AsyncSession) -> dict[int, list[int]]:
    """Telegram chat ids of every workspace's coordination chat(s) the bot is in."""
    result = await session.execute(
        select(Chat.workspace_id, Chat.telegram_chat_id)
        .where(
            Chat.purpose == ChatPurpose.COORDINATION,
            Chat.bot_is_member == True,  # noqa: E712  (SQL comparison)
            col(Chat.workspace_id).is_not(None),
        )
        .order_by(col(Chat.workspace_id), col(Chat.id))
    )
    chats: dict[int, list[int]] = {}
    for workspace_id, telegram_chat_id in result.all():
        chats.setdefault(workspace_id, []).append(telegram_chat_id)
    return chats


def _has_updates(workspace_id: int) -> ColumnElement[bool]:
    """Progress reported on the task: the one SQL rule (tasks.progress_reported,
    the mirror of rollup.reported_progress) that /status uses too, so the
    digest's and the reports' "chưa bắt đầu" is the one /status shows."""
    return progress_reported(col(Task.id), workspace_id=workspace_id)


async def digest_tasks(session: AsyncSession, workspace_id: int) -> list[DigestTask]:
    """The workspace's tasks (cancelled ones excepted) with agency and directive."""
    query = (
        select(
            Task,
            Agency.name,
            Directive.number,
            _has_updates(workspace_id).label("has_updates"),
        )
        .join(Agency, col(Agency.id) == col(Task.agency_id))
        .join(Directive, col(Directive.id) == col(Task.directive_id))
        .where(Task.workspace_id == workspace_id, Task.state != TaskState.CANCELLED)
        .order_by(col(Task.id))
    )
    rows = (await session.execute(query)).all()
    return [
        DigestTask(
            task_id=_id(task.id),
            code=task.code,
            agency_id=task.agency_id,
            agency_name=agency_name,
            directive_number=number,
            action=task.action,
            state=task.state,
            effective_deadline=task.effective_deadline,
            completed_on=task.completed_on,
            completed_at=task.completed_at,
            progress=task.progress,
            blocked_reason=task.blocked_reason,
            has_updates=bool(has_updates),
        )
        for task, agency_name, number, has_updates in rows
    ]


async def pending_extensions(session: AsyncSession, workspace_id: int) -> list[PendingExtension]:
    """Extension requests that wait for a coordinator's decision, on open tasks
    (as /status counts them: a request on a task done meanwhile is moot)."""
    query = (
        select(ExtensionRequest, Task, Agency.name)
        .join(Task, col(Task.id) == col(ExtensionRequest.task_id))
        .join(Agency, col(Agency.id) == col(Task.agency_id))
        .where(
            ExtensionRequest.workspace_id == workspace_id,
            ExtensionRequest.state == ExtensionState.PENDING,
            Task.state == TaskState.OPEN,
        )
        .order_by(col(ExtensionRequest.created_at), col(ExtensionRequest.id))
    )
    rows = (await session.execute(query)).all()
    return [
        PendingExtension(
            request_id=_id(request.id),
            task_code=task.code,
            agency_name=agency_name,
            action=task.action,
            current_deadline=task.effective_deadline,
            requested_date=request.requested_date,
            reason=request.reason,
            requested_at=request.created_at,
        )
        for request, task, agency_name in rows
    ]


async def report_tasks(
    session: AsyncSession, workspace_id: int, directive_id: int | None = None
) -> list[ReportTask]:
    """The tracking table's rows (cancelled tasks excepted), optionally of one directive."""
    query = (
        select(Task, Agency.name, Directive, _has_updates(workspace_id).label("has_updates"))
        .join(Agency, col(Agency.id) == col(Task.agency_id))
        .join(Directive, col(Directive.id) == col(Task.directive_id))
        .where(Task.workspace_id == workspace_id, Task.state != TaskState.CANCELLED)
        .order_by(col(Task.id))
    )
    if directive_id is not None:
        query = query.where(Task.directive_id == directive_id)
    rows = (await session.execute(query)).all()
    return [
        ReportTask(
            task_id=_id(task.id),
            code=task.code,
            directive_id=task.directive_id,
            directive_number=directive.number,
            directive_date=directive.issued_on,
            directive_subject=directive.subject,
            action=task.action,
            agency_id=task.agency_id,
            agency_name=agency_name,
            role=task.role,
            supporting=tuple(task.supporting or ()),
            deadline_text=task.deadline_text,
            effective_deadline=task.effective_deadline,
            original_effective_deadline=task.original_effective_deadline,
            state=task.state,
            progress=task.progress,
            blocked_reason=task.blocked_reason,
            completed_on=task.completed_on,
            has_updates=bool(has_updates),
        )
        for task, agency_name, directive, has_updates in rows
    ]


async def find_directives(session: AsyncSession, workspace_id: int, number: str) -> list[Directive]:
    """Directives whose number is `number`, or starts with it ("2268" finds
    "2268/UBND-TTHC"); an exact match wins over prefixes."""
    wanted = number.strip()
    if not wanted:
        return []
    lowered = wanted.lower()
    result = await session.execute(
        select(Directive)
        .where(
            Directive.workspace_id == workspace_id,
            or_(
                func.lower(Directive.number) == lowered,
                and_(
                    func.lower(Directive.number).like(_escape_like(lowered) + "/%", escape="\\"),
                ),
            ),
        )
        .order_by(col(Directive.issued_on), col(Directive.id))
    )
    found = list(result.scalars())
    exact = [row for row in found if (row.number or "").lower() == lowered]
    return exact or found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _id(value: int | None) -> int:
    if value is None:  # rows read back from the database always have one
        raise ValueError("row without id")
    return value
