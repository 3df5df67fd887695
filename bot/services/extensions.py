"""Extension requests: asked by a focal point, decided by a coordinator.

A request (a button, /giahan, or "xin gia hạn đến 30/5") becomes an
ExtensionRequest in state pending plus a `more_time` status update; the
adapter posts it to the workspace's coordination chat with approve / deny
buttons. Only a coordinator of the TASK's workspace may decide (refusals are
audited); the decision is a conditional update, so a second press finds it
already decided. Approval moves the task's effective deadline, keeps the
first one in `original_effective_deadline`, and replans the reminders.

A requested date that is not a working day (Saturday 1/6) is accepted as it
stands, like a stated deadline, and the answer names the last working day
on or before it (Friday 31/5): reminders go out on working days and offices
receive reports on working days. One pending request per task: a new one
withdraws the earlier (its row stays, state withdrawn).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.domain.rights import Action, Actor
from bot.runtime import Runtime
from bot.services import identity
from bot.services import reminders as reminder_service
from bot.services.status import (
    ChangeKind,
    Origin,
    TaskView,
    find_task,
    snapshot,
)
from storage.models import ChatPurpose, ExtensionRequest, ExtensionState, StatusUpdate, TaskState
from storage.repositories import chats, extensions
from storage.repositories import tasks as task_repository


class ExtensionOutcome(StrEnum):
    CREATED = "created"
    REFUSED = "refused"
    CLOSED = "closed"  # the task is done or cancelled
    NOT_LATER = "not_later"  # the date is not after the current deadline
    IN_PAST = "in_past"
    PENDING = "pending"  # may_decide: the request awaits a decision
    APPROVED = "approved"
    DENIED = "denied"
    ALREADY_DECIDED = "already_decided"


@dataclass(frozen=True, slots=True)
class ExtensionView:
    request_id: int
    task: TaskView
    requested_date: date
    reason: str | None
    state: str
    previous_deadline: date | None
    requested_by: int
    telegram_chat_id: int | None
    telegram_message_id: int | None
    coordination_message_id: int | None
    decision_reason: str | None
    working_day: date | None  # the working day that counts when requested_date is a day off
    agency_name: str = ""
    directive_number: str = ""
    requester_name: str = ""


@dataclass(frozen=True, slots=True)
class ExtensionResult:
    outcome: ExtensionOutcome
    request: ExtensionView | None = None
    coordination_chat_ids: tuple[int, ...] = ()
    notify_chat_ids: tuple[int, ...] = ()  # the agency's chats, told of a decision
    replaced: tuple[int, ...] = ()  # earlier pending requests now withdrawn
    requested_date: date | None = None  # the resolved date (also on refusals)


def resolve_date(
    runtime: Runtime, task: TaskView, requested_date: date | None, span: int | None
) -> date | None:
    """The asked-for date: as given, or `span` working days after the current
    deadline (or today, when the deadline has passed or there is none)."""
    if requested_date is not None:
        return requested_date
    if span is None or span <= 0:
        return None
    today = runtime.today()
    base = (
        task.effective_deadline
        if task.effective_deadline and task.effective_deadline >= today
        else today
    )
    return runtime.calendar.add_working_days(base, span)


async def _view(
    runtime: Runtime, session: Any, request: ExtensionRequest, task: TaskView
) -> ExtensionView:
    assert request.id is not None
    day = request.requested_date
    working = None if runtime.calendar.is_working_day(day) else runtime.calendar.on_or_before(day)
    labels = await extensions.labels(session, request)
    return ExtensionView(
        request_id=request.id,
        task=task,
        requested_date=day,
        reason=request.reason,
        state=request.state,
        previous_deadline=request.previous_deadline,
        requested_by=request.requested_by,
        telegram_chat_id=request.telegram_chat_id,
        telegram_message_id=request.telegram_message_id,
        coordination_message_id=request.coordination_message_id,
        decision_reason=request.decision_reason,
        working_day=working,
        agency_name=labels.agency_name,
        directive_number=labels.directive_number,
        requester_name=labels.requester_name,
    )


async def request_extension(
    runtime: Runtime,
    actor: Actor,
    task_id: int,
    origin: Origin,
    *,
    requested_date: date | None = None,
    span: int | None = None,
    reason: str | None = None,
) -> ExtensionResult:
    """Record a request for more time and say where to post it."""
    view = await find_task(
        runtime,
        actor,
        task_id,
        action=Action.REQUEST_EXTENSION,
        telegram_chat_id=origin.telegram_chat_id,
    )
    if view is None:
        return ExtensionResult(ExtensionOutcome.REFUSED)
    day = resolve_date(runtime, view, requested_date, span)
    if view.state != TaskState.OPEN:
        return ExtensionResult(ExtensionOutcome.CLOSED, requested_date=day)
    if day is None:
        raise ValueError("an extension request needs a date or a span")
    if day < runtime.today():
        return ExtensionResult(ExtensionOutcome.IN_PAST, requested_date=day)
    if view.effective_deadline is not None and day <= view.effective_deadline:
        return ExtensionResult(ExtensionOutcome.NOT_LATER, requested_date=day)
    now = runtime.now()
    async with runtime.database.session() as session:
        task = await task_repository.lock_task(session, task_id)
        assert task is not None and task.id is not None
        replaced = []
        for earlier in await extensions.pending_for_task(session, task.id):
            assert earlier.id is not None
            if await extensions.decide(
                session,
                earlier.id,
                state=ExtensionState.WITHDRAWN,
                decided_by=origin.telegram_user_id,
                decided_at=now,
                reason="replaced by a new request",
            ):
                replaced.append(earlier.id)
        request = await extensions.add(
            session,
            ExtensionRequest(
                workspace_id=task.workspace_id,
                task_id=task.id,
                requested_by=origin.telegram_user_id,
                requested_date=day,
                reason=reason,
                previous_deadline=task.effective_deadline,
                telegram_chat_id=origin.telegram_chat_id,
                telegram_message_id=origin.telegram_message_id,
                created_at=now,
            ),
        )
        await task_repository.append_update(
            session,
            _history(task, ChangeKind.MORE_TIME, origin, now, reason=reason, requested_date=day),
        )
        coordination = await chats.holding(session, task.workspace_id, ChatPurpose.COORDINATION)
        result_view = await _view(runtime, session, request, TaskView.of(task))
    return ExtensionResult(
        ExtensionOutcome.CREATED,
        result_view,
        coordination_chat_ids=tuple(chat.telegram_chat_id for chat in coordination),
        replaced=tuple(replaced),
        requested_date=day,
    )


def _history(
    task: Any,
    kind: ChangeKind,
    origin: Origin,
    now: Any,
    *,
    reason: str | None = None,
    requested_date: date | None = None,
    previous: dict[str, Any] | None = None,
) -> StatusUpdate:
    return StatusUpdate(
        workspace_id=task.workspace_id,
        task_id=task.id,
        kind=kind,
        reason=reason,
        requested_date=requested_date,
        text=origin.text,
        source=origin.source,
        by_telegram_user_id=origin.telegram_user_id,
        by_name=origin.name,
        telegram_chat_id=origin.telegram_chat_id,
        telegram_message_id=origin.telegram_message_id,
        file_id=origin.file_id,
        file_name=origin.file_name,
        previous_state=previous if previous is not None else snapshot(task),
        created_at=now,
    )


async def note_coordination_message(runtime: Runtime, request_id: int, message_id: int) -> None:
    """Remember the coordination chat's message that carries the buttons."""
    async with runtime.database.session() as session:
        await extensions.set_coordination_message(session, request_id, message_id)


async def _load(runtime: Runtime, request_id: int) -> ExtensionView | None:
    async with runtime.database.session() as session:
        request = await extensions.get(session, request_id)
        if request is None:
            return None
        task = await task_repository.get_task(session, request.task_id)
        assert task is not None
        return await _view(runtime, session, request, TaskView.of(task))


async def may_decide(
    runtime: Runtime, actor: Actor, request_id: int, *, telegram_chat_id: int | None = None
) -> ExtensionResult:
    """Whether `actor` may decide the request now (refusals audited)."""
    loaded = await _load(runtime, request_id)
    if loaded is None:
        await identity.record(
            runtime,
            actor,
            Action.DECIDE_EXTENSION.value,
            allowed=False,
            telegram_chat_id=telegram_chat_id,
            detail={"extension": request_id, "missing": True},
        )
        return ExtensionResult(ExtensionOutcome.REFUSED)
    allowed = await identity.check(
        runtime,
        actor,
        Action.DECIDE_EXTENSION,
        workspace_id=loaded.task.workspace_id,
        telegram_chat_id=telegram_chat_id,
        detail={"extension": request_id},
    )
    if not allowed:
        return ExtensionResult(ExtensionOutcome.REFUSED)
    outcome = (
        ExtensionOutcome.PENDING
        if loaded.state == ExtensionState.PENDING
        else ExtensionOutcome.ALREADY_DECIDED
    )
    return ExtensionResult(outcome, loaded)


async def decide(
    runtime: Runtime,
    actor: Actor,
    request_id: int,
    *,
    approve: bool,
    origin: Origin,
    reason: str | None = None,
) -> ExtensionResult:
    """Approve (the deadline moves, reminders are replanned) or deny, once."""
    checked = await may_decide(runtime, actor, request_id, telegram_chat_id=origin.telegram_chat_id)
    if checked.outcome is not ExtensionOutcome.PENDING:
        return checked
    now = runtime.now()
    async with runtime.database.session() as session:
        request = await extensions.get(session, request_id)
        assert request is not None
        task = await task_repository.lock_task(session, request.task_id)
        assert task is not None and task.id is not None
        state = ExtensionState.APPROVED if approve else ExtensionState.DENIED
        decided = await extensions.decide(
            session,
            request_id,
            state=state,
            decided_by=origin.telegram_user_id,
            decided_at=now,
            reason=reason,
        )
        if not decided:
            await session.refresh(request)
            return ExtensionResult(
                ExtensionOutcome.ALREADY_DECIDED,
                await _view(runtime, session, request, TaskView.of(task)),
            )
        if approve:
            previous = {**snapshot(task), "effective_deadline": _iso(task.effective_deadline)}
            if task.original_effective_deadline is None:
                task.original_effective_deadline = task.effective_deadline
            task.effective_deadline = request.requested_date
            task.updated_at = now
            session.add(task)
            await task_repository.append_update(
                session,
                _history(
                    task,
                    ChangeKind.EXTENSION_APPROVED,
                    origin,
                    now,
                    reason=reason,
                    requested_date=request.requested_date,
                    previous=previous,
                ),
            )
            await reminder_service.cancel_pending(session, task.id)
            if task.state == TaskState.OPEN:
                reminder_service.schedule_task(task, runtime)
                session.add(task)
        else:
            await task_repository.append_update(
                session,
                _history(
                    task,
                    ChangeKind.EXTENSION_DENIED,
                    origin,
                    now,
                    reason=reason,
                    requested_date=request.requested_date,
                ),
            )
        await session.refresh(request)
        agency_chats = await chats.holding(
            session, task.workspace_id, ChatPurpose.AGENCY, agency_id=task.agency_id
        )
        view = await _view(runtime, session, request, TaskView.of(task))
    notify = [request.telegram_chat_id] if request.telegram_chat_id is not None else []
    notify += [
        chat.telegram_chat_id for chat in agency_chats if chat.telegram_chat_id not in notify
    ]
    outcome = ExtensionOutcome.APPROVED if approve else ExtensionOutcome.DENIED
    return ExtensionResult(outcome, view, notify_chat_ids=tuple(notify))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
