"""Recording what focal points say about their tasks, and undoing a mistaken tap.

Every change is a new StatusUpdate row (who, when, what, the message it came
from, and the task's state before it); the Task row only holds the state
derived from that history, so /status stays one cheap query. An undo is one
more row that restores the `previous_state` of the change it reverts:
nothing is deleted or rewritten. Rights are decided on the TARGET task's
workspace and agency, so a forged button naming another workspace's task is
refused and audited, and the answer says no more than for a task that does
not exist.

Pending questions the bot asks ("why is it blocked?", "until which date?",
"which task do you mean?") are Draft rows, so an answer given after a
restart still finds its question. `plan_reply` turns a reading of a free
reply into what the adapter should do; it is pure, so every branch is tested
without Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.domain.replies.model import ReplyKind, ReplyReading, changes_task, needs_confirmation
from bot.domain.rights import Action, Actor, Role
from bot.runtime import Runtime
from bot.services import identity, recurrence
from bot.services import reminders as reminder_service
from bot.services.recurrence import SuccessorNote, open_next_occurrence
from storage.models import ExtensionState, StatusUpdate, Task, TaskState
from storage.repositories import drafts, extensions
from storage.repositories import reminders as reminder_repository
from storage.repositories import tasks as task_repository

UNDO_WINDOW = timedelta(minutes=5)
PROMPT_LIFETIME = timedelta(days=3)


class ChangeKind(StrEnum):
    """What a status update says; the first four change the task's state."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    NOT_STARTED = "not_started"
    UNDO = "undo"
    EVIDENCE = "evidence"  # a report file sent for a task already done
    MORE_TIME = "more_time"  # an extension request (bot/services/extensions.py)
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_DENIED = "extension_denied"
    # Written by the system on a recurring duty's next occurrence (bot/services/recurrence.py):
    WITHDRAWN = recurrence.WITHDRAWN  # the "done" that opened it was undone; cancelled
    REINSTATED = recurrence.REINSTATED  # opened again


# Changes a later undo may revert, and that make an earlier change un-undoable.
UNDOABLE = frozenset(
    {ChangeKind.DONE, ChangeKind.IN_PROGRESS, ChangeKind.BLOCKED, ChangeKind.NOT_STARTED}
)
STATE_CHANGES = (
    ChangeKind.DONE,
    ChangeKind.IN_PROGRESS,
    ChangeKind.BLOCKED,
    ChangeKind.NOT_STARTED,
    ChangeKind.UNDO,
    ChangeKind.EXTENSION_APPROVED,
    ChangeKind.WITHDRAWN,
    ChangeKind.REINSTATED,
)

# Draft kinds owned by this room (other rooms keep their drafts in the same table).
PROMPT_REASON = "status.reason"  # waiting for the reason a task is blocked
PROMPT_DATE = "status.date"  # waiting for the date of an extension request
PROMPT_PICK = "status.pick"  # waiting for a task to be chosen with buttons
PROMPT_CONFIRM = "status.confirm"  # waiting for "did you mean ...?" buttons
PROMPT_DENY = "ext.deny_reason"  # waiting for a coordinator's reason to deny
TEXT_PROMPTS = (PROMPT_REASON, PROMPT_DATE, PROMPT_DENY)
BUTTON_PROMPTS = (PROMPT_PICK, PROMPT_CONFIRM)
ALL_PROMPTS = TEXT_PROMPTS + BUTTON_PROMPTS


class Outcome(StrEnum):
    RECORDED = "recorded"
    UNCHANGED = "unchanged"  # e.g. "done" for a task already done
    REFUSED = "refused"  # no right, or no such task (the two look the same)
    CLOSED = "closed"  # the task was cancelled
    TOO_LATE = "too_late"  # the undo window has passed
    ALREADY_UNDONE = "already_undone"
    SUPERSEDED = "superseded"  # a later change exists: undo would clobber it
    NOT_UNDOABLE = "not_undoable"
    NOT_AUTHOR = "not_author"  # an undo by someone other than the author or a coordinator


@dataclass(frozen=True, slots=True)
class Origin:
    """Who said it, where, and with what (text, evidence file)."""

    telegram_user_id: int
    name: str | None = None
    telegram_chat_id: int | None = None
    telegram_message_id: int | None = None
    source: str = "command"  # button / reply / command / system
    text: str | None = None
    file_id: str | None = None
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    percent: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class TaskView:
    """A task as messages show it."""

    task_id: int
    workspace_id: int
    agency_id: int
    code: str
    action: str
    state: str
    progress: int
    blocked_reason: str | None
    effective_deadline: date | None
    original_effective_deadline: date | None
    completed_on: date | None
    recurring: bool = False

    @classmethod
    def of(cls, task: Task) -> TaskView:
        assert task.id is not None
        return cls(
            task_id=task.id,
            workspace_id=task.workspace_id,
            agency_id=task.agency_id,
            code=task.code,
            action=task.action,
            state=task.state,
            progress=task.progress,
            blocked_reason=task.blocked_reason,
            effective_deadline=task.effective_deadline,
            original_effective_deadline=task.original_effective_deadline,
            completed_on=task.completed_on,
            recurring=task.recurrence is not None,
        )


@dataclass(frozen=True, slots=True)
class ChangeResult:
    outcome: Outcome
    task: TaskView | None = None
    update_id: int | None = None
    kind: ChangeKind | None = None
    undo_until: datetime | None = None
    next_occurrence_id: int | None = None
    withdrawn_extensions: tuple[int, ...] = ()
    reverted_kind: ChangeKind | None = None  # for an undo: what it took back
    successor: SuccessorNote | None = None  # for an undone "done": its next occurrence's fate


# ---------------------------------------------------------------- snapshots


def snapshot(task: Task) -> dict[str, Any]:
    """The derived fields a change may alter, as JSON (for previous_state)."""
    return {
        "state": task.state,
        "progress": task.progress,
        "blocked_reason": task.blocked_reason,
        "completed_at": task.completed_at.isoformat() if task.completed_at else None,
        "completed_on": task.completed_on.isoformat() if task.completed_on else None,
    }


def restore(task: Task, state: dict[str, Any]) -> None:
    task.state = state["state"]
    task.progress = int(state["progress"] or 0)
    task.blocked_reason = state["blocked_reason"]
    completed_at = state.get("completed_at")
    completed_on = state.get("completed_on")
    task.completed_at = datetime.fromisoformat(completed_at) if completed_at else None
    task.completed_on = date.fromisoformat(completed_on) if completed_on else None


def apply_change(task: Task, change: Change, *, now: datetime, today: date) -> None:
    """Derive the task's new state from one change (the history row is separate)."""
    if change.kind is ChangeKind.DONE:
        task.state = TaskState.DONE
        task.progress = 100
        task.blocked_reason = None
        task.completed_at = now
        task.completed_on = today
    elif change.kind is ChangeKind.IN_PROGRESS:
        _reopen(task)
        if change.percent is not None:
            task.progress = max(0, min(99, change.percent))
        task.blocked_reason = None
    elif change.kind is ChangeKind.BLOCKED:
        _reopen(task)
        task.blocked_reason = (change.reason or "").strip()
    elif change.kind is ChangeKind.NOT_STARTED:  # takes back earlier reports (rollup)
        _reopen(task)
        task.progress = 0
        task.blocked_reason = None


def _reopen(task: Task) -> None:
    if task.state == TaskState.DONE:
        task.state = TaskState.OPEN
        task.completed_at = None
        task.completed_on = None


def normalise(change: Change) -> Change:
    """ "In progress 100%" is done; a percent is kept within 0–100."""
    if change.kind is ChangeKind.IN_PROGRESS and change.percent is not None:
        if change.percent >= 100:
            return Change(ChangeKind.DONE)
        return Change(change.kind, max(0, change.percent), change.reason)
    return change


# ---------------------------------------------------------------- lookups


async def find_task(
    runtime: Runtime,
    actor: Actor,
    task_id: int,
    *,
    action: Action = Action.UPDATE_TASK,
    telegram_chat_id: int | None = None,
) -> TaskView | None:
    """The task if `actor` may `action` it; None (refusal audited) otherwise,
    including when no such task exists, so a forged id learns nothing."""
    async with runtime.database.session() as session:
        task = await task_repository.get_task(session, task_id)
        view = TaskView.of(task) if task is not None else None
    if view is None:
        await identity.record(
            runtime,
            actor,
            action.value,
            allowed=False,
            telegram_chat_id=telegram_chat_id,
            detail={"task_id": task_id, "missing": True},
        )
        return None
    allowed = await identity.check(
        runtime,
        actor,
        action,
        workspace_id=view.workspace_id,
        agency_id=view.agency_id,
        telegram_chat_id=telegram_chat_id,
        detail={"task_id": task_id},
    )
    return view if allowed else None


class Lookup(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class CodeLookup:
    outcome: Lookup
    task: TaskView | None = None


async def task_by_code(
    runtime: Runtime,
    actor: Actor,
    code: str,
    *,
    action: Action = Action.UPDATE_TASK,
    telegram_chat_id: int | None = None,
) -> CodeLookup:
    """A task named by its code, looked up in the actor's own workspace only."""
    if actor.workspace_id is None:
        await identity.check(runtime, actor, action, telegram_chat_id=telegram_chat_id)
        return CodeLookup(Lookup.REFUSED)
    async with runtime.database.session() as session:
        task = await task_repository.task_by_code(session, actor.workspace_id, code)
        view = TaskView.of(task) if task is not None else None
    if view is None:
        return CodeLookup(Lookup.NOT_FOUND)
    allowed = await identity.check(
        runtime,
        actor,
        action,
        workspace_id=view.workspace_id,
        agency_id=view.agency_id,
        telegram_chat_id=telegram_chat_id,
        detail={"task_id": view.task_id, "code": code},
    )
    return CodeLookup(Lookup.FOUND, view) if allowed else CodeLookup(Lookup.REFUSED)


@dataclass(frozen=True, slots=True)
class ReminderTasks:
    """The tasks a reminder message was about, as seen by one replier."""

    is_reminder: bool
    tasks: tuple[TaskView, ...] = ()  # the replier's own (all of them for a coordinator)
    others_only: bool = False  # the reminder was about other agencies' tasks only


async def tasks_of_reminder(
    runtime: Runtime,
    actor: Actor,
    telegram_chat_id: int,
    message_id: int,
    button_task_ids: Sequence[int] = (),
) -> ReminderTasks:
    """Open tasks of a reminder message the actor may answer for.

    The outbox knows which tasks a reminder was about once its message id is
    recorded. When a send ended 'unknown' (Telegram delivered it but the
    answer was lost), the message's own task buttons still say which tasks it
    lists, so a reply to it is not lost; only tasks of the actor's workspace
    are taken from them."""
    async with runtime.database.session() as session:
        rows = await reminder_repository.tasks_of_message(session, telegram_chat_id, message_id)
        if not rows and button_task_ids:
            rows = [
                task
                for task in await task_repository.tasks_by_ids(session, button_task_ids)
                if task.workspace_id == actor.workspace_id
            ]
        views = [TaskView.of(task) for task in rows]
    if not views:
        return ReminderTasks(is_reminder=False)
    if actor.role is Role.FOCAL_POINT:
        mine = [view for view in views if view.agency_id == actor.agency_id]
    elif actor.role in (Role.COORDINATOR, Role.ADMIN):
        mine = [
            view
            for view in views
            if actor.role is Role.ADMIN or view.workspace_id == actor.workspace_id
        ]
    else:
        mine = []
    mine = [view for view in mine if view.state != TaskState.CANCELLED]
    return ReminderTasks(is_reminder=True, tasks=tuple(mine), others_only=not mine)


async def own_open_tasks(runtime: Runtime, actor: Actor, *, limit: int = 20) -> list[TaskView]:
    """A focal point's open tasks (for a command that names no task)."""
    if actor.workspace_id is None or actor.agency_id is None:
        return []
    async with runtime.database.session() as session:
        rows = await task_repository.open_tasks_of_agency(
            session, actor.workspace_id, actor.agency_id, limit=limit
        )
        return [TaskView.of(task) for task in rows]


@dataclass(frozen=True, slots=True)
class TaskAnswer:
    """What the bot answers to a question about a task."""

    task: TaskView
    working_days_left: int | None  # negative when overdue
    pending_extension: date | None
    today: date


async def describe_task(runtime: Runtime, task: TaskView) -> TaskAnswer:
    today = runtime.today()
    left: int | None = None
    if task.effective_deadline is not None:
        left = runtime.calendar.working_days_between(today, task.effective_deadline)
    async with runtime.database.session() as session:
        pending = await extensions.pending_for_task(session, task.task_id)
    return TaskAnswer(task, left, pending[-1].requested_date if pending else None, today)


async def reminder_rows(
    runtime: Runtime, telegram_chat_id: int, message_id: int, *, listing: int | None = None
) -> list[tuple[int, str]] | None:
    """(task id, code) of a reminder message's tasks still open, in message
    order, to redraw its keyboard; None when the message is not a reminder
    (or, given `listing`, a reminder that does not list that task: a message
    id that came back in a button is checked before anything is redrawn)."""
    async with runtime.database.session() as session:
        rows = await reminder_repository.tasks_of_message(session, telegram_chat_id, message_id)
        if not rows or (listing is not None and all(task.id != listing for task in rows)):
            return None
        agencies = await reminder_repository.agencies(session, {task.agency_id for task in rows})
    names = {agency.id: agency.name for agency in agencies if agency.id is not None}
    return [
        (task.id, task.code)
        for task in message_order(rows, names)
        if task.state == TaskState.OPEN and task.id
    ]


def message_order(tasks: Sequence[Task], agency_names: dict[int, str]) -> list[Task]:
    """Tasks in the order a reminder lists them (render_reminder in
    bot/services/reminder_messages.py): by agency name, then effective
    deadline, then code. A redrawn keyboard keeps its rows in line with the
    text above it, and an undo puts a row back where it was. (An extension
    approved since the reminder was sent may move a row.)"""
    return sorted(
        tasks,
        key=lambda task: (
            agency_names.get(task.agency_id, "").casefold(),
            task.agency_id,
            task.effective_deadline or date.max,
            task.code,
        ),
    )


# ---------------------------------------------------------------- changes


async def record_change(
    runtime: Runtime, actor: Actor, task_id: int, change: Change, origin: Origin
) -> ChangeResult:
    """Append one status update and derive the task's state from it."""
    view = await find_task(runtime, actor, task_id, telegram_chat_id=origin.telegram_chat_id)
    if view is None:
        return ChangeResult(Outcome.REFUSED)
    change = normalise(change)
    now, today = runtime.now(), runtime.today()
    async with runtime.database.session() as session:
        task = await task_repository.lock_task(session, task_id)
        assert task is not None
        if task.state == TaskState.CANCELLED:
            return ChangeResult(Outcome.CLOSED, TaskView.of(task))
        if change.kind is ChangeKind.DONE and task.state == TaskState.DONE:
            if origin.file_id is None:
                return ChangeResult(Outcome.UNCHANGED, TaskView.of(task), kind=change.kind)
            update = await _append(session, task, ChangeKind.EVIDENCE, change, origin, now)
            return ChangeResult(Outcome.RECORDED, TaskView.of(task), update.id, ChangeKind.EVIDENCE)
        was_open = task.state == TaskState.OPEN
        update = await _append(session, task, change.kind, change, origin, now)
        apply_change(task, change, now=now, today=today)
        task.updated_at = now
        session.add(task)
        withdrawn: list[int] = []
        if task.state == TaskState.DONE:
            withdrawn = await _withdraw_extensions(session, task, now)
        await _follow_reminders(session, runtime, task, was_open=was_open)
        result_task = TaskView.of(task)
        update_id = update.id
    next_id = None
    if result_task.state == TaskState.DONE and result_task.recurring:
        next_id = await open_next_occurrence(runtime, task_id)
    return ChangeResult(
        Outcome.RECORDED,
        result_task,
        update_id,
        change.kind,
        undo_until=now + UNDO_WINDOW if change.kind in UNDOABLE else None,
        next_occurrence_id=next_id,
        withdrawn_extensions=tuple(withdrawn),
    )


async def _append(
    session: Any,
    task: Task,
    kind: ChangeKind,
    change: Change,
    origin: Origin,
    now: datetime,
    *,
    reverts_id: int | None = None,
    requested_date: date | None = None,
) -> StatusUpdate:
    assert task.id is not None
    return await task_repository.append_update(
        session,
        StatusUpdate(
            workspace_id=task.workspace_id,
            task_id=task.id,
            kind=kind,
            percent=change.percent,
            reason=change.reason,
            requested_date=requested_date,
            text=origin.text,
            source=origin.source,
            by_telegram_user_id=origin.telegram_user_id,
            by_name=origin.name,
            telegram_chat_id=origin.telegram_chat_id,
            telegram_message_id=origin.telegram_message_id,
            file_id=origin.file_id,
            file_name=origin.file_name,
            reverts_id=reverts_id,
            previous_state=snapshot(task),
            created_at=now,
        ),
    )


async def _withdraw_extensions(session: Any, task: Task, now: datetime) -> list[int]:
    """A task done needs no more time: its pending requests are withdrawn."""
    assert task.id is not None
    withdrawn = []
    for request in await extensions.pending_for_task(session, task.id):
        assert request.id is not None
        decided = await extensions.decide(
            session,
            request.id,
            state=ExtensionState.WITHDRAWN,
            decided_by=None,
            decided_at=now,
            reason="task done",
        )
        if decided:
            withdrawn.append(request.id)
    return withdrawn


async def _follow_reminders(session: Any, runtime: Runtime, task: Task, *, was_open: bool) -> None:
    """A closed task gets no more reminders; a reopened one is planned again."""
    assert task.id is not None
    if task.state != TaskState.OPEN:
        await reminder_service.cancel_pending(session, task.id)
        task.next_reminder_at = None
        session.add(task)
    elif not was_open:
        reminder_service.schedule_task(task, runtime)
        session.add(task)


async def record_evidence(
    runtime: Runtime, actor: Actor, task_id: int, origin: Origin
) -> ChangeResult:
    """Keep a report file on the task's history without changing its state."""
    view = await find_task(runtime, actor, task_id, telegram_chat_id=origin.telegram_chat_id)
    if view is None:
        return ChangeResult(Outcome.REFUSED)
    async with runtime.database.session() as session:
        task = await task_repository.lock_task(session, task_id)
        assert task is not None
        update = await _append(
            session, task, ChangeKind.EVIDENCE, Change(ChangeKind.EVIDENCE), origin, runtime.now()
        )
        return ChangeResult(Outcome.RECORDED, TaskView.of(task), update.id, ChangeKind.EVIDENCE)


async def undo(runtime: Runtime, actor: Actor, update_id: int, origin: Origin) -> ChangeResult:
    """Revert a change made at most UNDO_WINDOW ago (by the injected clock), if
    nothing came after it and `actor` may (Action.UNDO_CHANGE: its author or a
    coordinator).

    A colleague of the same agency may report on the task but not take back
    what someone else reported: the refusal is audited and says so. Undoing
    the "done" of a recurring duty withdraws, in the same transaction, the
    next occurrence it opened if nobody has used it yet (see
    `recurrence.withdraw_next_occurrence`); the result says what became of it."""
    async with runtime.database.session() as session:
        original = await task_repository.status_update(session, update_id)
        task_id = original.task_id if original is not None else None
    if original is None or task_id is None:
        await identity.record(
            runtime,
            actor,
            Action.UNDO_CHANGE.value,
            allowed=False,
            telegram_chat_id=origin.telegram_chat_id,
            detail={"undo": update_id, "missing": True},
        )
        return ChangeResult(Outcome.REFUSED)
    view = await find_task(runtime, actor, task_id, telegram_chat_id=origin.telegram_chat_id)
    if view is None:
        return ChangeResult(Outcome.REFUSED)
    author = original.by_telegram_user_id
    if not await identity.check(
        runtime,
        actor,
        Action.UNDO_CHANGE,
        workspace_id=view.workspace_id,
        agency_id=view.agency_id,
        author_id=author,
        telegram_chat_id=origin.telegram_chat_id,
        detail={"undo": update_id, "task_id": task_id, "author": author},
    ):
        return ChangeResult(Outcome.NOT_AUTHOR, view)
    now = runtime.now()
    async with runtime.database.session() as session:
        task = await task_repository.lock_task(session, task_id)
        assert task is not None
        refusal = await _undo_refusal(session, original, now)
        if refusal is not None:
            return ChangeResult(refusal, TaskView.of(task))
        was_open = task.state == TaskState.OPEN
        update = await _append(
            session,
            task,
            ChangeKind.UNDO,
            Change(ChangeKind.UNDO),
            origin,
            now,
            reverts_id=update_id,
        )
        assert original.previous_state is not None
        restore(task, original.previous_state)
        task.updated_at = now
        session.add(task)
        await _follow_reminders(session, runtime, task, was_open=was_open)
        successor = None
        if original.kind == ChangeKind.DONE and task.recurrence:
            successor = await recurrence.withdraw_next_occurrence(session, runtime, task, update)
        return ChangeResult(
            Outcome.RECORDED,
            TaskView.of(task),
            update.id,
            ChangeKind.UNDO,
            reverted_kind=ChangeKind(original.kind),
            successor=successor,
        )


async def _undo_refusal(session: Any, original: StatusUpdate, now: datetime) -> Outcome | None:
    if original.kind not in UNDOABLE or original.previous_state is None:
        return Outcome.NOT_UNDOABLE
    if await task_repository.is_reverted(session, original.task_id, original.id or 0):
        return Outcome.ALREADY_UNDONE
    if now - original.created_at > UNDO_WINDOW:
        return Outcome.TOO_LATE
    latest = await task_repository.latest_change_id(session, original.task_id, STATE_CHANGES)
    if latest != original.id:
        return Outcome.SUPERSEDED
    return None


# ---------------------------------------------------------------- free replies


@dataclass(frozen=True, slots=True)
class Intent:
    """What a message asks for, kept in a Draft while the bot asks a question."""

    kind: str  # a ReplyKind value
    percent: int | None = None
    reason: str | None = None
    requested_date: date | None = None
    requested_span: int | None = None
    confidence: float = 1.0
    text: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    source: str = "reply"
    message_id: int | None = None

    @classmethod
    def of(cls, reading: ReplyReading, **origin: Any) -> Intent:
        return cls(
            kind=reading.kind.value,
            percent=reading.percent,
            reason=reading.reason,
            requested_date=reading.requested_date,
            requested_span=reading.requested_span,
            confidence=reading.confidence,
            **origin,
        )

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            name: getattr(self, name) for name in self.__dataclass_fields__ if name != "kind"
        }
        payload["kind"] = self.kind
        payload["requested_date"] = self.requested_date.isoformat() if self.requested_date else None
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Intent:
        requested = payload.get("requested_date")
        return cls(
            kind=str(payload.get("kind") or ReplyKind.OTHER.value),
            percent=payload.get("percent"),
            reason=payload.get("reason"),
            requested_date=date.fromisoformat(requested) if requested else None,
            requested_span=payload.get("requested_span"),
            confidence=float(payload.get("confidence") or 0.0),
            text=payload.get("text"),
            file_id=payload.get("file_id"),
            file_name=payload.get("file_name"),
            source=str(payload.get("source") or "reply"),
            message_id=payload.get("message_id"),
        )

    def with_kind(self, kind: str) -> Intent:
        """The intent confirmed as `kind` by a button (full confidence)."""
        return replace(self, kind=kind, confidence=1.0)

    @property
    def reading(self) -> ReplyReading:
        return ReplyReading(
            kind=ReplyKind(self.kind),
            confidence=self.confidence,
            percent=self.percent,
            reason=self.reason,
            requested_date=self.requested_date,
            requested_span=self.requested_span,
        )


class Step(StrEnum):
    """What the adapter does with a reply."""

    APPLY = "apply"  # record_change
    EXTEND = "extend"  # request an extension (date known)
    ASK_DATE = "ask_date"  # more time, but until when?
    ASK_REASON = "ask_reason"  # blocked, but by what?
    ASK_PERCENT = "ask_percent"  # in progress: offer the percentage buttons
    PICK_TASK = "pick_task"  # several tasks: which one?
    CONFIRM = "confirm"  # unsure: "did you mean ...?" with buttons
    ACKNOWLEDGE = "acknowledge"  # "đã nhận": nothing changes
    ANSWER = "answer"  # a question: answer it, nothing changes
    EVIDENCE = "evidence"  # only a file: keep it, nothing changes
    NO_TASK = "no_task"  # nothing the replier may answer for


@dataclass(frozen=True, slots=True)
class Plan:
    step: Step
    task: TaskView | None = None
    change: Change | None = None
    candidates: tuple[TaskView, ...] = field(default_factory=tuple)


_CHANGE_OF_KIND = {
    ReplyKind.DONE: ChangeKind.DONE,
    ReplyKind.IN_PROGRESS: ChangeKind.IN_PROGRESS,
    ReplyKind.BLOCKED: ChangeKind.BLOCKED,
    ReplyKind.NOT_STARTED: ChangeKind.NOT_STARTED,
}


def plan_reply(intent: Intent, candidates: tuple[TaskView, ...], *, asked: bool = False) -> Plan:
    """Decide what to do with a reply about `candidates` (already narrowed to
    the tasks the replier may answer for). `asked` is True when the reply
    answers the bot's own "did you mean" buttons (no second confirmation).

    Never guesses silently: low confidence -> CONFIRM; acknowledgements and
    questions never change a task; several tasks -> PICK_TASK.
    """
    if not candidates:
        return Plan(Step.NO_TASK)
    if len(candidates) > 1:
        return Plan(Step.PICK_TASK, candidates=candidates)
    task = candidates[0]
    reading = intent.reading
    if reading.kind is ReplyKind.ACKNOWLEDGEMENT and not needs_confirmation(reading):
        return Plan(Step.ACKNOWLEDGE, task)
    if reading.kind is ReplyKind.QUESTION:
        return Plan(Step.ANSWER, task)
    if not changes_task(reading) or (needs_confirmation(reading) and not asked):
        return Plan(Step.CONFIRM, task)
    if reading.kind is ReplyKind.MORE_TIME:
        if reading.requested_date is None and reading.requested_span is None:
            return Plan(Step.ASK_DATE, task)
        return Plan(Step.EXTEND, task)
    if reading.kind is ReplyKind.BLOCKED:
        # A free reply confirmed as "blocked" is its own reason; a command's text is not.
        said = intent.text if intent.source != "command" else None
        reason = (reading.reason or said or "").strip()
        if not reason:
            return Plan(Step.ASK_REASON, task)
        return Plan(Step.APPLY, task, Change(ChangeKind.BLOCKED, reason=reason))
    if reading.kind is ReplyKind.IN_PROGRESS and reading.percent is None and asked:
        return Plan(Step.ASK_PERCENT, task)
    return Plan(Step.APPLY, task, Change(_CHANGE_OF_KIND[reading.kind], percent=reading.percent))


# ---------------------------------------------------------------- prompts


@dataclass(frozen=True, slots=True)
class Prompt:
    draft_id: int
    kind: str
    telegram_user_id: int
    telegram_chat_id: int
    workspace_id: int | None
    payload: dict[str, Any]


async def open_prompt(
    runtime: Runtime,
    *,
    kind: str,
    telegram_chat_id: int,
    telegram_user_id: int,
    workspace_id: int | None,
    payload: dict[str, Any],
) -> int:
    """Store a question the bot is about to ask; returns its id (for buttons)."""
    async with runtime.database.session() as session:
        draft = await drafts.put(
            session,
            workspace_id=workspace_id,
            telegram_chat_id=telegram_chat_id,
            telegram_user_id=telegram_user_id,
            kind=kind,
            payload=payload,
            expires_at=runtime.now() + PROMPT_LIFETIME,
            created_at=runtime.now(),
            replaces=TEXT_PROMPTS if kind in TEXT_PROMPTS else (),
        )
        assert draft.id is not None
        return draft.id


async def attach_prompt(runtime: Runtime, draft_id: int, message_id: int) -> None:
    """Remember which message asked the question (answers reply to it)."""
    async with runtime.database.session() as session:
        await drafts.set_prompt_message(session, draft_id, message_id)


def _prompt(draft: Any) -> Prompt:
    return Prompt(
        draft_id=draft.id,
        kind=draft.kind,
        telegram_user_id=draft.telegram_user_id,
        telegram_chat_id=draft.telegram_chat_id,
        workspace_id=draft.workspace_id,
        payload=dict(draft.payload),
    )


async def prompt_answered_by(
    runtime: Runtime,
    telegram_chat_id: int,
    telegram_user_id: int,
    reply_to_message_id: int | None,
    *,
    private: bool,
) -> Prompt | None:
    """The text question a message answers: the prompt it replies to, or in a
    private chat (when it replies to nothing) the user's latest open question."""
    now = runtime.now()
    async with runtime.database.session() as session:
        draft = None
        if reply_to_message_id is not None:
            draft = await drafts.by_prompt(
                session, telegram_chat_id, reply_to_message_id, TEXT_PROMPTS, now
            )
        if draft is None and private and reply_to_message_id is None:
            draft = await drafts.latest_for_user(
                session, telegram_chat_id, telegram_user_id, TEXT_PROMPTS, now
            )
        return _prompt(draft) if draft is not None else None


async def prompt_by_id(
    runtime: Runtime, draft_id: int, telegram_chat_id: int, kinds: tuple[str, ...]
) -> Prompt | None:
    """A live button prompt of this chat (a forged or expired id finds nothing)."""
    async with runtime.database.session() as session:
        draft = await drafts.get(session, draft_id)
        if (
            draft is None
            or draft.kind not in kinds
            or draft.telegram_chat_id != telegram_chat_id
            or draft.expires_at <= runtime.now()
        ):
            return None
        return _prompt(draft)


async def close_prompt(runtime: Runtime, draft_id: int) -> bool:
    """Forget an answered question; False when someone answered it already."""
    async with runtime.database.session() as session:
        return await drafts.remove(session, draft_id)
