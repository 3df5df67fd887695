"""A small workspace for status-reply tests, and a large seeded one for /status.

Rows are written straight through the models (tests/factories.py), so the
tests of the status services do not depend on other services.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from bot.domain.rights import Role
from bot.services.overview import Counts
from storage.database import Database
from storage.models import (
    Agency,
    ChatPurpose,
    Directive,
    ExtensionRequest,
    StatusUpdate,
    Task,
    Workspace,
)
from tests import factories

COORDINATOR = 2001
VIEWER = 2002
FOCAL_STP = 3001
FOCAL_STC = 3002
STRANGER = 9999
OTHER_COORDINATOR = 4001  # coordinator of the other workspace

COORDINATION_CHAT = -1001000000001
FOCAL_CHAT = -1001000000002
STP_CHAT = -1001000000003
OTHER_CHAT = -1001000000009


@dataclass
class World:
    workspace_id: int
    other_workspace_id: int
    stp: int
    stc: int
    directive_id: int
    tasks: dict[str, int] = field(default_factory=dict)  # code -> id
    other_task_id: int = 0


async def small_world(database: Database) -> World:
    """Two agencies (Sở Tư pháp, Sở Tài chính), a coordinator, a viewer, a focal
    point for each, chats for coordination, focal points and STP; and a second
    workspace with one task (the target of forged buttons)."""
    ws = await factories.workspace(database)
    other = await factories.workspace(database, "Phòng Nội vụ huyện Bình Sơn")
    assert ws.id is not None and other.id is not None
    stp = await factories.agency(database, ws.id, "STP", "Sở Tư pháp")
    stc = await factories.agency(database, ws.id, "STC", "Sở Tài chính")
    other_agency = await factories.agency(database, other.id, "PTP", "Phòng Tư pháp")
    assert stp.id and stc.id and other_agency.id
    await factories.member(database, ws.id, COORDINATOR, Role.COORDINATOR, name="Chị Điều Phối")
    await factories.member(database, ws.id, VIEWER, Role.VIEWER, name="Anh Xem")
    await factories.member(database, ws.id, FOCAL_STP, Role.FOCAL_POINT, stp.id, "Anh Tư Pháp")
    await factories.member(database, ws.id, FOCAL_STC, Role.FOCAL_POINT, stc.id, "Chị Tài Chính")
    await factories.member(database, other.id, OTHER_COORDINATOR, Role.COORDINATOR)
    await factories.chat(database, ws.id, COORDINATION_CHAT, ChatPurpose.COORDINATION)
    await factories.chat(database, ws.id, FOCAL_CHAT, ChatPurpose.FOCAL_POINTS)
    await factories.chat(database, ws.id, STP_CHAT, ChatPurpose.AGENCY, stp.id)
    await factories.chat(database, other.id, OTHER_CHAT, ChatPurpose.COORDINATION)
    directive = await factories.directive(database, ws.id)
    other_directive = await factories.directive(database, other.id, "15/UBND-VP")
    assert directive.id and other_directive.id
    world = World(ws.id, other.id, stp.id, stc.id, directive.id)
    for code, agency_id, deadline in (
        ("T1", stp.id, date(2024, 5, 20)),
        ("T2", stp.id, date(2024, 5, 31)),
        ("T3", stc.id, date(2024, 5, 20)),
    ):
        task = await factories.task(database, ws.id, directive.id, agency_id, code, deadline)
        assert task.id is not None
        world.tasks[code] = task.id
    foreign = await factories.task(
        database, other.id, other_directive.id, other_agency.id, "T1", date(2024, 5, 20)
    )
    assert foreign.id is not None
    world.other_task_id = foreign.id
    return world


# ---------------------------------------------------------------- the large seeded workspace

TODAY = date(2024, 5, 13)


@dataclass
class Seeded:
    workspace_id: int
    agency_ids: list[int]
    directive_ids: list[int]
    agency_codes: dict[int, str]
    directive_numbers: dict[int, str]


async def seeded_workspace(
    database: Database,
    *,
    agencies: int = 30,
    directives: int = 8,
    tasks: int = 200,
    seed: int = 2024,
    name: str = "Sở Nội vụ tỉnh Quảng Ngãi",
) -> Seeded:
    """A workspace with every kind of task: done on time / late, open on time /
    overdue, blocked, with progress, never started, cancelled, with and without
    a deadline, with pending extensions and with undone updates. Bulk inserts,
    so 10,000 tasks take seconds."""
    rng = random.Random(seed)
    at = datetime(2024, 5, 1, tzinfo=UTC)
    async with database.session() as session:
        workspace = Workspace(name=name, created_at=at)
        session.add(workspace)
        await session.flush()
        assert workspace.id is not None
        ws = workspace.id
        agency_rows = [
            Agency(workspace_id=ws, code=f"A{i:02d}", name=f"Cơ quan số {i}", category="so_nganh")
            for i in range(1, agencies + 1)
        ]
        directive_rows = [
            Directive(workspace_id=ws, number=f"{100 + i}/UBND-TH", subject=f"Văn bản {i}")
            for i in range(1, directives + 1)
        ]
        session.add_all(agency_rows + directive_rows)
        await session.flush()
        agency_ids = [row.id for row in agency_rows if row.id is not None]
        directive_ids = [row.id for row in directive_rows if row.id is not None]
        task_values = [
            _task_values(rng, ws, i, agency_ids, directive_ids, at) for i in range(tasks)
        ]
        for start in range(0, len(task_values), 2000):
            await session.execute(insert(Task), task_values[start : start + 2000])
        ids = (
            await session.execute(
                Task.__table__.select()
                .with_only_columns(  # type: ignore[attr-defined]
                    Task.__table__.c.id,
                    Task.__table__.c.state,  # type: ignore[attr-defined]
                )
                .where(Task.__table__.c.workspace_id == ws)  # type: ignore[attr-defined]
            )
        ).all()
        updates, extensions = [], []
        for task_id, state in ids:
            roll = rng.random()
            if roll < 0.35:
                updates.append(_update(ws, task_id, "in_progress", at))
            elif roll < 0.40:
                updates.append(_update(ws, task_id, "more_time", at))
            if state == "open" and rng.random() < 0.08:
                extensions.append(
                    {
                        "workspace_id": ws,
                        "task_id": task_id,
                        "requested_by": FOCAL_STP,
                        "requested_date": TODAY + timedelta(days=rng.randint(5, 40)),
                        "state": "pending",
                        "created_at": at,
                    }
                )
        if updates:
            await session.execute(insert(StatusUpdate), updates)
        # Undo a few "in progress" updates: the task counts as not started again.
        undone = (
            await session.execute(
                StatusUpdate.__table__.select()  # type: ignore[attr-defined]
                .with_only_columns(
                    StatusUpdate.__table__.c.id,  # type: ignore[attr-defined]
                    StatusUpdate.__table__.c.task_id,  # type: ignore[attr-defined]
                )
                .where(StatusUpdate.__table__.c.workspace_id == ws)  # type: ignore[attr-defined]
                .where(StatusUpdate.__table__.c.kind == "in_progress")  # type: ignore[attr-defined]
            )
        ).all()
        reverts = [
            {**_update(ws, task_id, "undo", at), "reverts_id": update_id}
            for update_id, task_id in undone
            if update_id % 7 == 0
        ]
        if reverts:
            await session.execute(insert(StatusUpdate), reverts)
        # A few focal points then say "chưa triển khai": that takes the progress
        # report back (not started again), unless that word is itself undone.
        retractions = [
            _update(ws, task_id, "not_started", at)
            for update_id, task_id in undone
            if update_id % 7 != 0 and update_id % 5 == 0
        ]
        if retractions:
            await session.execute(insert(StatusUpdate), retractions)
            taken_back = (
                await session.execute(
                    StatusUpdate.__table__.select()  # type: ignore[attr-defined]
                    .with_only_columns(
                        StatusUpdate.__table__.c.id,  # type: ignore[attr-defined]
                        StatusUpdate.__table__.c.task_id,  # type: ignore[attr-defined]
                    )
                    .where(StatusUpdate.__table__.c.workspace_id == ws)  # type: ignore[attr-defined]
                    .where(StatusUpdate.__table__.c.kind == "not_started")  # type: ignore[attr-defined]
                )
            ).all()
            undos = [
                {**_update(ws, task_id, "undo", at), "reverts_id": update_id}
                for update_id, task_id in taken_back
                if update_id % 3 == 0
            ]
            if undos:
                await session.execute(insert(StatusUpdate), undos)
        if extensions:
            await session.execute(insert(ExtensionRequest), extensions)
    return Seeded(
        ws,
        agency_ids,
        directive_ids,
        {row.id: row.code for row in agency_rows if row.id},
        {row.id: row.number or "" for row in directive_rows if row.id},
    )


def _update(ws: int, task_id: int, kind: str, at: datetime) -> dict[str, object]:
    return {
        "workspace_id": ws,
        "task_id": task_id,
        "kind": kind,
        "source": "system",
        "by_telegram_user_id": FOCAL_STP,
        "created_at": at,
    }


def _task_values(
    rng: random.Random,
    ws: int,
    index: int,
    agency_ids: list[int],
    directive_ids: list[int],
    at: datetime,
) -> dict[str, object]:
    deadline: date | None = TODAY + timedelta(days=rng.randint(-30, 30))
    if rng.random() < 0.05:
        deadline = None
    state = rng.choices(["open", "done", "cancelled"], weights=[60, 35, 5])[0]
    completed_on = None
    completed_at = None
    progress = 0
    blocked = None
    if state == "done":
        base = deadline or TODAY
        completed_on = min(TODAY, base + timedelta(days=rng.randint(-10, 6)))
        completed_at = datetime.combine(completed_on, datetime.min.time(), tzinfo=UTC)
        progress = 100
    elif state == "open":
        progress = rng.choice([0, 0, 0, 25, 50, 75, 90])
        if rng.random() < 0.12:
            blocked = rng.choice(["chưa có số liệu của huyện", "chờ ý kiến Sở Tài chính", ""])
    original = None
    if deadline is not None and rng.random() < 0.05:
        original = deadline - timedelta(days=7)
    return {
        "workspace_id": ws,
        "directive_id": rng.choice(directive_ids),
        "agency_id": rng.choice(agency_ids),
        "code": f"T{index + 1}",
        "role": "perform",
        "action": f"Thực hiện nội dung số {index + 1} của văn bản",
        "supporting": [],
        "effective_deadline": deadline,
        "deadline_stated": deadline,
        "original_effective_deadline": original,
        "state": state,
        "progress": progress,
        "blocked_reason": blocked,
        "completed_on": completed_on,
        "completed_at": completed_at,
        "created_at": at,
    }


# ---------------------------------------------------------------- the independent truth


class Truth:
    """Categories computed from the rows with no code of the product."""

    def __init__(self, tasks: list[Task], updates: list[StatusUpdate], pending: set[int]) -> None:
        # Progress reported: the latest (by id) of a task's updates that say
        # done / in progress / blocked / not started, leaving out the undone
        # ones, is not "not started".
        reverted = {u.reverts_id for u in updates if u.reverts_id is not None}
        latest: dict[int, StatusUpdate] = {}
        for u in sorted(updates, key=lambda u: u.id or 0):
            if u.kind in ("done", "in_progress", "blocked", "not_started") and u.id not in reverted:
                latest[u.task_id] = u
        started = {task_id for task_id, u in latest.items() if u.kind != "not_started"}
        self.rows: dict[int, dict[str, Any]] = {}
        for task in tasks:
            if task.state == "cancelled":
                continue
            deadline = task.effective_deadline
            if task.state == "done":
                assert task.completed_on is not None
                late = deadline is not None and task.completed_on > deadline
                category = "done_late" if late else "done_on_time"
            else:
                category = (
                    "open_overdue" if deadline is not None and deadline < TODAY else "open_on_time"
                )
            is_open = task.state == "open"
            blocked = is_open and task.blocked_reason not in (None, "")  # a reason on record
            assert task.id is not None
            self.rows[task.id] = {
                "category": category,
                "agency": task.agency_id,
                "directive": task.directive_id,
                "blocked": blocked,
                "not_started": is_open
                and task.progress == 0
                and not blocked
                and task.id not in started,
                "pending": is_open and task.id in pending,
            }

    def counts(self, **where: int) -> Counts:
        rows = [
            r for r in self.rows.values() if all(r[key] == value for key, value in where.items())
        ]
        tally = Counter(r["category"] for r in rows)
        return Counts(
            done_on_time=tally["done_on_time"],
            done_late=tally["done_late"],
            open_on_time=tally["open_on_time"],
            open_overdue=tally["open_overdue"],
            blocked=sum(r["blocked"] for r in rows),
            not_started=sum(r["not_started"] for r in rows),
            pending_extensions=sum(r["pending"] for r in rows),
        )

    def ids(self, **where: object) -> set[int]:
        return {
            task_id
            for task_id, r in self.rows.items()
            if all(r[key] == value for key, value in where.items())
        }


async def truth(database: Database, workspace_id: int) -> Truth:
    async with database.session() as session:
        tasks = list(
            (await session.execute(select(Task).where(Task.workspace_id == workspace_id))).scalars()
        )
        updates = list(
            (
                await session.execute(
                    select(StatusUpdate).where(StatusUpdate.workspace_id == workspace_id)
                )
            ).scalars()
        )
        pending = set(
            (
                await session.execute(
                    select(ExtensionRequest.task_id).where(
                        ExtensionRequest.workspace_id == workspace_id,
                        ExtensionRequest.state == "pending",
                    )
                )
            ).scalars()
        )
    return Truth(tasks, updates, pending)
