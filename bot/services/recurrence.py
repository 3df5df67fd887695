"""Recurring duties: open the next occurrence when one is done or its period ends.

"Định kỳ hằng quý", "trước ngày 15 hằng tháng": one Task row per period,
linked by `previous_occurrence_id`. The next occurrence copies the duty
(directive, agency, role, action) and gets its own deadline from
bot/domain/recurrence.py and its reminders from `schedule_task`, so the
sweep treats it like any other task.

Opening is idempotent: an occurrence has at most one successor. The code is
derived from the first occurrence's ("T12", then "T12.2", "T12.3"), so two
callers racing to open the same successor collide on the (workspace, code)
unique key and the loser returns the winner's row.

An undone "done" withdraws the occurrence it opened, if nobody has used it
yet (no report of its own, no extension request) and the period of the
undone occurrence has not ended: otherwise the agency would have two open
occurrences of one duty and be reminded of both. Withdrawn means cancelled,
with a history row saying why and its pending reminders cancelled; the row is
kept (tasks are never deleted: their history, reminders and audit point at
them). The successor stays the one successor: "done" reported again, or the
roll-over at the end of the period, opens it again (a "reinstated" row)
instead of opening a second one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.deadlines import DeadlineKind, Period, Recurrence, effective_deadline
from bot.domain.recurrence import next_occurrence, occurrence_spec, period_label
from bot.runtime import Runtime
from bot.services.reminders import cancel_pending, schedule_task
from storage.models import StatusUpdate, Task, TaskState
from storage.repositories import recurrence as recurrence_repository
from storage.repositories import reminders as repo
from storage.repositories import tasks as task_repository

log = logging.getLogger("nhacviec.recurrence")

_CODE_SUFFIX = re.compile(r"^(?P<base>.+)\.(?P<n>\d+)$")
MAX_CATCH_UP = 36  # occurrences opened for one duty in one roll-over (3 years of months)

# History rows the system writes on a successor (StatusUpdate.kind; the
# status room's ChangeKind has the same values). They do not count as use.
WITHDRAWN = "withdrawn"  # its "done" was undone before anybody used it
REINSTATED = "reinstated"  # opened again: done again, or the period ended
SYSTEM_KINDS = (WITHDRAWN, REINSTATED)


class SuccessorFate(StrEnum):
    """What an undone "done" did to the occurrence it had opened."""

    WITHDRAWN = "withdrawn"
    KEPT_TOUCHED = "kept_touched"  # somebody reported on it or asked for more time
    KEPT_DUE = "kept_due"  # the undone occurrence's period has ended: it is due anyway


@dataclass(frozen=True, slots=True)
class SuccessorNote:
    task_id: int
    code: str
    fate: SuccessorFate


def recurrence_to_json(rec: Recurrence) -> dict[str, Any]:
    """How Task.recurrence stores a Recurrence (intake writes it, this reads it)."""
    data = asdict(rec)
    data["period"] = rec.period.value
    data["kind"] = rec.kind.value
    return data


def recurrence_from_json(data: Any) -> Recurrence | None:
    """A Recurrence from Task.recurrence; None when absent or unreadable.

    Accepts the dataclass's fields, or just {"period": "quarterly"} (a
    bare period string too), so a partly filled value still recurs.
    """
    if isinstance(data, str):
        data = {"period": data}
    if not isinstance(data, dict) or "period" not in data:
        return None
    try:
        day = data.get("day")
        return Recurrence(
            period=Period(data["period"]),
            text=str(data.get("text") or ""),
            day=int(day) if day is not None else None,
            last_month_of_period=bool(data.get("last_month_of_period", True)),
            kind=DeadlineKind(data.get("kind") or DeadlineKind.NO_LATER_THAN),
        )
    except (ValueError, TypeError):
        log.warning("unreadable recurrence %r", data)
        return None


def _codes_after(code: str) -> list[str]:
    """Candidate codes for the next occurrence: "T12" -> "T12.2", "T12.2" -> "T12.3"."""
    match = _CODE_SUFFIX.match(code)
    base, n = (match["base"], int(match["n"])) if match else (code, 1)
    following = f"{base}.{n + 1}"
    return [following[:20], f"{following}b"[:20], f"{following}c"[:20]]


def _period_end(rec: Recurrence, task: Task) -> date | None:
    stated = task.deadline_stated or task.effective_deadline
    return period_label(rec, stated).end if stated else None


async def open_next_occurrence(runtime: Runtime, task_id: int) -> int | None:
    """Open (once) the occurrence after `task_id`; returns its id, None if not recurring.

    Called by the status room when a recurring task is done, and by the
    daily roll-over when an occurrence's period has ended.
    """
    try:
        return await _open_next(runtime, task_id)
    except IntegrityError:
        async with runtime.database.session() as session:
            existing = await repo.successor(session, task_id)
        if existing is None:
            raise
        return existing.id


async def _open_next(runtime: Runtime, task_id: int) -> int | None:
    async with runtime.database.session() as session:
        task = await task_repository.lock_task(session, task_id)  # one opener at a time (PG)
        if task is None:
            return None
        existing = await repo.successor(session, task_id)
        if existing is not None:
            assert existing.id is not None
            if await _is_withdrawn(session, existing):
                await _reinstate(session, runtime, existing.id, task)
            return existing.id
        rec = recurrence_from_json(task.recurrence)
        if rec is None or rec.kind is DeadlineKind.RELATIVE:
            return None
        after = task.deadline_stated or task.effective_deadline or runtime.today()
        stated = next_occurrence(rec, after)
        spec = occurrence_spec(rec, stated)
        code = None
        for candidate in _codes_after(task.code):
            holder = await repo.task_with_code(session, task.workspace_id, candidate)
            if holder is not None and holder.previous_occurrence_id == task_id:
                return holder.id  # opened meanwhile by another caller
            if holder is None:
                code = candidate
                break
        if code is None:
            log.error("no free code for the occurrence after task %s (%s)", task_id, task.code)
            return None
        following = Task(
            workspace_id=task.workspace_id,
            directive_id=task.directive_id,
            agency_id=task.agency_id,
            code=code,
            role=task.role,
            action=task.action,
            supporting=list(task.supporting or []),
            report_to=task.report_to,
            deadline_stated=spec.stated,
            deadline_text=spec.text or task.deadline_text,
            deadline_kind=spec.kind.value,
            deadline_hour=task.deadline_hour,
            effective_deadline=effective_deadline(spec, runtime.calendar),
            recurrence=task.recurrence,
            previous_occurrence_id=task_id,
            state=TaskState.OPEN,
            created_at=runtime.now(),
        )
        schedule_task(following, runtime)
        session.add(following)
        await session.flush()
        log.info("opened occurrence %s (%s) after task %s", following.id, code, task_id)
        return following.id


async def roll_over(runtime: Runtime) -> list[int]:
    """Open the next occurrence of every recurring duty whose period has ended.

    Also catches up on done occurrences whose successor was never opened
    (a crash between "done" and opening), and on several periods missed
    while the bot was down; a successor withdrawn by an undo is opened
    again when its predecessor's period ends. Returns the ids opened.
    """
    today = runtime.today()
    async with runtime.database.session() as session:
        candidates = await repo.recurring_without_successor(session)
        candidates += await recurrence_repository.with_withdrawn_successor(session, WITHDRAWN)
    opened: list[int] = []
    for task in candidates:
        assert task.id is not None
        current: Task | None = task
        for _ in range(MAX_CATCH_UP):
            if current is None or current.id is None:
                break
            rec = recurrence_from_json(current.recurrence)
            end = _period_end(rec, current) if rec else None
            if current.state != TaskState.DONE and (end is None or end >= today):
                break
            next_id = await open_next_occurrence(runtime, current.id)
            if next_id is None:
                break
            opened.append(next_id)
            async with runtime.database.session() as session:
                found = await repo.tasks(session, [next_id])
            current = found[0] if found else None
    return opened


# ---------------------------------------------------------------- undoing a "done"


async def withdraw_next_occurrence(
    session: AsyncSession, runtime: Runtime, task: Task, undo: StatusUpdate
) -> SuccessorNote | None:
    """After `undo` (already appended on `task`) took back the "done" that
    opened `task`'s successor: withdraw that successor if nobody used it.

    Runs in the undo's transaction, so the task reopens and its successor
    goes together. The successor is locked before it is checked, so a report
    on it racing the undo either comes first (and the successor is kept) or
    finds it cancelled. Returns None when there is no live successor."""
    assert task.id is not None
    found = await repo.successor(session, task.id)
    if found is None or found.id is None:
        return None
    following = await task_repository.lock_task(session, found.id)
    if following is None or following.id is None or following.state == TaskState.CANCELLED:
        return None
    if await recurrence_repository.touched(session, following.id, ignoring=SYSTEM_KINDS):
        return SuccessorNote(following.id, following.code, SuccessorFate.KEPT_TOUCHED)
    rec = recurrence_from_json(task.recurrence)
    end = _period_end(rec, task) if rec else None
    if end is not None and end < runtime.today():  # as the roll-over decides
        return SuccessorNote(following.id, following.code, SuccessorFate.KEPT_DUE)
    previous = {"state": following.state, "next_reminder_at": _iso(following.next_reminder_at)}
    following.state = TaskState.CANCELLED
    following.next_reminder_at = None
    following.updated_at = undo.created_at
    session.add(following)
    withdrawn_reminders = await cancel_pending(session, following.id)
    reason = f"{task.code} reopened: the done that opened this occurrence was undone"
    await task_repository.append_update(
        session,
        _system_row(following, WITHDRAWN, reason, undo.created_at, previous, undo),
    )
    log.info(
        "withdrew occurrence %s (%s) after undo %s on task %s; %d reminders cancelled",
        following.id,
        following.code,
        undo.id,
        task.id,
        withdrawn_reminders,
    )
    return SuccessorNote(following.id, following.code, SuccessorFate.WITHDRAWN)


async def _is_withdrawn(session: AsyncSession, task: Task) -> bool:
    assert task.id is not None
    if task.state != TaskState.CANCELLED:
        return False
    return await recurrence_repository.latest_kind(session, task.id) == WITHDRAWN


async def _reinstate(session: AsyncSession, runtime: Runtime, task_id: int, previous: Task) -> None:
    """Open a withdrawn successor again, planned like a new occurrence."""
    following = await task_repository.lock_task(session, task_id)
    assert following is not None
    now = runtime.now()
    before = {"state": following.state, "next_reminder_at": None}
    following.state = TaskState.OPEN
    following.updated_at = now
    schedule_task(following, runtime)
    session.add(following)
    why = "was done again" if previous.state == TaskState.DONE else "period has ended"
    await task_repository.append_update(
        session,
        _system_row(following, REINSTATED, f"{previous.code} {why}", now, before, None),
    )
    log.info("reinstated occurrence %s (%s) after task %s", task_id, following.code, previous.id)


def _system_row(
    task: Task,
    kind: str,
    reason: str,
    at: datetime,
    previous: dict[str, Any],
    cause: StatusUpdate | None,
) -> StatusUpdate:
    """A history row the system writes; `cause` (the undo) says who and where."""
    assert task.id is not None
    return StatusUpdate(
        workspace_id=task.workspace_id,
        task_id=task.id,
        kind=kind,
        reason=reason,
        source="system",
        by_telegram_user_id=cause.by_telegram_user_id if cause else None,
        by_name=cause.by_name if cause else None,
        telegram_chat_id=cause.telegram_chat_id if cause else None,
        telegram_message_id=cause.telegram_message_id if cause else None,
        previous_state=previous,
        created_at=at,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
