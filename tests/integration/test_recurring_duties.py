"""Recurring duties: the next occurrence opens once, when one is done or its period ends."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.clock import ManualClock
from bot.domain.deadlines import DeadlineKind, Period, Recurrence
from bot.runtime import Runtime
from bot.services.recurrence import (
    open_next_occurrence,
    recurrence_from_json,
    recurrence_to_json,
    roll_over,
)
from storage.models import Task, TaskState
from tests.reminders_support import World, build_world, task_row

QUARTERLY_20 = recurrence_to_json(
    Recurrence(Period.QUARTERLY, "chậm nhất ngày 20 của tháng cuối quý", day=20)
)
MONTHLY_BEFORE_15 = recurrence_to_json(
    Recurrence(Period.MONTHLY, "trước ngày 15 hằng tháng", day=15, kind=DeadlineKind.BEFORE)
)


async def _duty(
    runtime: Runtime,
    world: World,
    code: str,
    stated: date,
    recurrence: Any,
    *,
    state: str = TaskState.OPEN,
    effective: date | None = None,
) -> Task:
    from tests import factories

    return await factories.task(
        runtime.database,
        world.workspace_id,
        world.directive_id,
        world.agencies["STP"],
        code,
        effective or stated,
        deadline_stated=stated,
        recurrence=recurrence,
        state=state,
        action="Báo cáo kết quả thực hiện hằng quý",
    )


async def _chain(runtime: Runtime) -> list[Task]:
    async with runtime.database.session() as session:
        return list((await session.execute(select(Task).order_by(col(Task.id)))).scalars())


def test_recurrence_json_round_trip_and_tolerance() -> None:
    rec = Recurrence(Period.MONTHLY, "trước ngày 15 hằng tháng", 15, True, DeadlineKind.BEFORE)
    assert recurrence_from_json(recurrence_to_json(rec)) == rec
    assert recurrence_from_json("quarterly") == Recurrence(Period.QUARTERLY, "")
    assert recurrence_from_json({"period": "weekly"}) is None
    assert recurrence_from_json(None) is None


async def test_done_quarterly_duty_opens_the_next_quarter_once(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    q2 = await _duty(runtime, world, "T5", date(2024, 6, 20), QUARTERLY_20, state="done")
    assert q2.id is not None
    first = await open_next_occurrence(runtime, q2.id)
    assert first is not None
    assert await open_next_occurrence(runtime, q2.id) == first  # idempotent
    q3 = await task_row(runtime, first)
    assert q3.code == "T5.2" and q3.previous_occurrence_id == q2.id
    assert q3.deadline_stated == date(2024, 9, 20) and q3.effective_deadline == date(2024, 9, 20)
    assert q3.state == TaskState.OPEN and q3.agency_id == q2.agency_id
    assert q3.action == q2.action and q3.recurrence == QUARTERLY_20
    # Planned like any task: 7 working days before Friday 20/9 is Wednesday 11/9.
    assert q3.next_reminder_at == datetime(2024, 9, 11, 1, 0, tzinfo=UTC)
    q4 = await open_next_occurrence(runtime, first)
    assert q4 is not None and (await task_row(runtime, q4)).code == "T5.3"


async def test_two_callers_racing_open_one_occurrence(runtime: Runtime) -> None:
    world = await build_world(runtime)
    duty = await _duty(runtime, world, "T5", date(2024, 6, 20), QUARTERLY_20, state="done")
    assert duty.id is not None
    results = await asyncio.gather(*(open_next_occurrence(runtime, duty.id) for _ in range(3)))
    assert len(set(results)) == 1
    assert [t.code for t in await _chain(runtime)] == ["T5", "T5.2"]


async def test_before_the_15th_monthly_has_effective_deadline_the_14th(runtime: Runtime) -> None:
    world = await build_world(runtime)
    may = await _duty(
        runtime, world, "T7", date(2024, 5, 15), MONTHLY_BEFORE_15, effective=date(2024, 5, 14)
    )
    assert may.id is not None
    june = await task_row(runtime, await open_next_occurrence(runtime, may.id) or 0)
    assert june.deadline_stated == date(2024, 6, 15)
    assert june.effective_deadline == date(2024, 6, 14)
    assert june.deadline_kind == "before"


async def test_roll_over_opens_ended_periods_and_catches_up(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime)
    q2 = await _duty(runtime, world, "T5", date(2024, 6, 20), QUARTERLY_20)  # still open
    march = await _duty(
        runtime, world, "T7", date(2024, 3, 15), MONTHLY_BEFORE_15, effective=date(2024, 3, 14)
    )
    current = await _duty(runtime, world, "T8", date(2024, 7, 20), QUARTERLY_20)  # Q3 running
    await _duty(runtime, world, "T9", date(2024, 6, 20), None)  # not recurring
    cancelled = await _duty(
        runtime, world, "T10", date(2024, 6, 20), QUARTERLY_20, state="cancelled"
    )
    clock.set(datetime(2024, 7, 1, 0, 10, tzinfo=UTC))  # 07:10 on Monday 1/7 in Vietnam
    opened = await roll_over(runtime)
    tasks = {t.code: t for t in await _chain(runtime)}
    assert tasks["T5.2"].previous_occurrence_id == q2.id
    assert tasks["T5.2"].deadline_stated == date(2024, 9, 20)
    # March's duty was never closed: April, May, June and July open in turn.
    assert [tasks[f"T7.{n}"].deadline_stated for n in (2, 3, 4, 5)] == [
        date(2024, 4, 15),
        date(2024, 5, 15),
        date(2024, 6, 15),
        date(2024, 7, 15),
    ]
    assert "T8.2" not in tasks and "T9.2" not in tasks and "T10.2" not in tasks
    assert len(opened) == 5
    assert march.id and current.id and cancelled.id
    assert await roll_over(runtime) == []  # nothing twice
