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
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.domain.deadlines import DeadlineKind, Period, Recurrence, effective_deadline
from bot.domain.recurrence import next_occurrence, occurrence_spec, period_label
from bot.runtime import Runtime
from bot.services.reminders import schedule_task
from storage.models import Task, TaskState
from storage.repositories import reminders as repo
from storage.repositories import tasks as task_repository

log = logging.getLogger("nhacviec.recurrence")

_CODE_SUFFIX = re.compile(r"^(?P<base>.+)\.(?P<n>\d+)$")
MAX_CATCH_UP = 36  # occurrences opened for one duty in one roll-over (3 years of months)


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
    while the bot was down. Returns the ids opened.
    """
    today = runtime.today()
    async with runtime.database.session() as session:
        candidates = await repo.recurring_without_successor(session)
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
