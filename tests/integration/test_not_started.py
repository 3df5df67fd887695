"""One rule for "chưa bắt đầu": /status, the daily digest and the exported
reports mark the same tasks as not started (and as blocked), task for task,
on SQLite and PostgreSQL.

The rule (bot/domain/rollup.py): an open task on which no focal point has
reported progress. A done / in progress / blocked update reports progress,
unless it was undone or a later "not started" update took it back; a
progress figure above 0 or a blocker (a non-empty reason) on record says the
same. Asking for more time is not progress; overdue tasks are judged like
the others; a blocked task counts as "vướng mắc", not as not started.

The first workspace spells out each case with the answer an officer would
give; the second, a seeded one of 200 tasks, checks the three views agree on
every task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.rights import Actor, Role
from bot.domain.rollup import Detail, details
from bot.runtime import Runtime
from bot.services import digest as digest_service
from bot.services import identity
from bot.services import overview as overview_service
from bot.services import reports as report_service
from bot.services.overview import Overview, Scope, ViewOutcome
from bot.texts.documents import notes_text
from handlers.status_view import render_text
from storage.models import ChatPurpose, ExtensionRequest, StatusUpdate
from storage.repositories import reporting
from tests import factories
from tests.status_world import seeded_workspace

COORDINATOR = 6001
CHAT = -1006000000001
AT = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)
TODAY = date(2024, 5, 13)  # the `clock` fixture's day
SOON = date(2024, 5, 31)
PAST = date(2024, 5, 8)


@dataclass(frozen=True)
class Case:
    """A task, its history (update kinds, oldest first; "undo" reverts the
    latest update not yet undone), and whether it is not started / blocked."""

    code: str
    state: str = "open"
    deadline: date | None = SOON
    progress: int = 0
    reason: str | None = None
    history: tuple[str, ...] = ()
    extension_pending: bool = False
    not_started: bool = False
    blocked: bool = False


CASES = (
    Case("N1", not_started=True),  # nobody said anything yet
    Case("N2", deadline=PAST, not_started=True),  # overdue, still nothing
    Case("N3", progress=40, history=("in_progress",)),
    Case("N4", history=("in_progress",)),  # "đang thực hiện" without a figure
    Case("N5", history=("in_progress", "undo"), not_started=True),  # tapped by mistake
    Case("N6", history=("in_progress", "not_started"), not_started=True),  # "chưa triển khai"
    Case("N7", progress=40, history=("in_progress", "not_started", "undo")),
    Case("N8", history=("more_time",), extension_pending=True, not_started=True),
    Case("N9", reason="chưa có số liệu của huyện", history=("blocked",), blocked=True),
    Case("N10", reason="", not_started=True),  # an empty reason is no blocker
    Case("N11", progress=30),  # a figure on record (imported): work has begun
    Case("N12", state="done", progress=100, history=("done",)),
    Case("N13", history=("done", "not_started"), not_started=True),  # reopened: not started
    Case("N14", state="cancelled"),  # not counted at all
    Case("N15", state="done", progress=100),
    Case("N16", deadline=None, history=("blocked", "undo"), not_started=True),
)


async def _build(runtime: Runtime) -> tuple[int, dict[str, int], list[int]]:
    database = runtime.database
    ws = await factories.workspace(database)
    assert ws.id is not None
    stp = await factories.agency(database, ws.id, "STP", "Sở Tư pháp")
    stc = await factories.agency(database, ws.id, "STC", "Sở Tài chính")
    first = await factories.directive(database, ws.id, "2268/UBND-TTHC")
    second = await factories.directive(database, ws.id, "1520/UBND-NC")
    assert stp.id and stc.id and first.id and second.id
    await factories.member(database, ws.id, COORDINATOR, Role.COORDINATOR)
    await factories.chat(database, ws.id, CHAT, ChatPurpose.COORDINATION)
    ids: dict[str, int] = {}
    for n, case in enumerate(CASES):
        task = await factories.task(
            database,
            ws.id,
            (first.id, second.id)[n % 2],
            (stp.id, stc.id)[n % 3 == 0],
            case.code,
            case.deadline,
            state=case.state,
            progress=case.progress,
            blocked_reason=case.reason,
            completed_on=date(2024, 5, 10) if case.state == "done" else None,
            completed_at=AT if case.state == "done" else None,
        )
        assert task.id is not None
        ids[case.code] = task.id
        standing: list[int] = []
        for step, kind in enumerate(case.history):
            reverts = standing.pop() if kind == "undo" else None
            update = StatusUpdate(
                workspace_id=ws.id,
                task_id=task.id,
                kind=kind,
                reverts_id=reverts,
                source="button",
                created_at=AT + timedelta(hours=step),
            )
            await factories.add(database, update)
            assert update.id is not None
            if kind != "undo":
                standing.append(update.id)
        if case.extension_pending:
            await factories.add(
                database,
                ExtensionRequest(
                    workspace_id=ws.id,
                    task_id=task.id,
                    requested_by=COORDINATOR,
                    requested_date=date(2024, 6, 15),
                    created_at=AT,
                ),
            )
    return ws.id, ids, [first.id, second.id]


async def _coordinator(runtime: Runtime) -> Actor:
    return await identity.actor_for(runtime, COORDINATOR, CHAT, private=False)


async def _status(
    runtime: Runtime, actor: Actor, directive_ids: list[int]
) -> tuple[Overview, set[int], set[int]]:
    """The workspace view, and the tasks /status marks not started / blocked
    (every task, read page by page through each directive)."""
    workspace = await overview_service.overview(runtime, actor, Scope.WORKSPACE)
    assert workspace.outcome is ViewOutcome.OK
    not_started, blocked = set(), set()
    for directive_id in directive_ids:
        page, pages = 0, 1
        while page < pages:
            view = await overview_service.overview(
                runtime, actor, Scope.DIRECTIVE, directive_id, page
            )
            pages = view.pages
            page += 1
            not_started |= {line.task_id for line in view.tasks if line.not_started}
            blocked |= {line.task_id for line in view.tasks if line.blocked_reason is not None}
    return workspace, not_started, blocked


async def _digest(runtime: Runtime, workspace_id: int) -> tuple[str, set[int], set[int], int]:
    """The digest's text, the tasks it counts as not started / blocked, and its count."""
    message = await digest_service.compose_message(runtime, workspace_id)
    assert message is not None
    async with runtime.database.session() as session:
        tasks = await reporting.digest_tasks(session, workspace_id)
    not_started = {t.task_id for t in tasks if Detail.NOT_STARTED in details(t.facts())}
    blocked = {t.task_id for t in tasks if t.blocked}
    count = message.digest.summary.detail_counts.get(Detail.NOT_STARTED, 0)
    return "\n".join(message.parts), not_started, blocked, count


async def _report(runtime: Runtime, workspace_id: int) -> tuple[set[int], int]:
    """The tasks the tracking table notes "Chưa bắt đầu", and the report's count."""
    loaded = await report_service.load(runtime, workspace_id)
    assert loaded.data is not None
    noted = {row.task.task_id for row in loaded.data.rows if "Chưa bắt đầu" in notes_text(row)}
    return noted, loaded.data.summary.detail_counts.get(Detail.NOT_STARTED, 0)


async def test_status_digest_and_reports_say_the_same_tasks_are_not_started(
    runtime: Runtime,
) -> None:
    workspace_id, ids, directive_ids = await _build(runtime)
    expected = {ids[case.code] for case in CASES if case.not_started}
    expected_blocked = {ids[case.code] for case in CASES if case.blocked}
    actor = await _coordinator(runtime)

    view, status_not_started, status_blocked = await _status(runtime, actor, directive_ids)
    text, digest_not_started, digest_blocked, digest_count = await _digest(runtime, workspace_id)
    noted, report_count = await _report(runtime, workspace_id)

    assert status_not_started == expected, sorted(
        code for code, i in ids.items() if i in status_not_started ^ expected
    )
    assert digest_not_started == expected
    assert noted == expected
    assert view.counts.not_started == digest_count == report_count == len(expected) == 8
    assert status_blocked == digest_blocked == expected_blocked
    assert view.counts.blocked == len(expected_blocked) == 1
    # What the two messages say, as a coordinator reads them.
    assert "chưa bắt đầu <b>8</b>" in render_text("vi", view)
    assert "trong đó chưa bắt đầu: 8, vướng mắc: 1" in text


@pytest.mark.parametrize("tasks", [200])
async def test_on_a_seeded_workspace_every_task_is_judged_alike(
    runtime: Runtime, tasks: int
) -> None:
    seeded = await seeded_workspace(runtime.database, agencies=12, directives=4, tasks=tasks)
    await factories.member(runtime.database, seeded.workspace_id, COORDINATOR, Role.COORDINATOR)
    await factories.chat(runtime.database, seeded.workspace_id, CHAT, ChatPurpose.COORDINATION)
    actor = await _coordinator(runtime)

    view, status_not_started, status_blocked = await _status(runtime, actor, seeded.directive_ids)
    _, digest_not_started, digest_blocked, digest_count = await _digest(
        runtime, seeded.workspace_id
    )
    noted, report_count = await _report(runtime, seeded.workspace_id)

    assert status_not_started == digest_not_started == noted
    assert view.counts.not_started == digest_count == report_count == len(noted) > 10
    assert status_blocked == digest_blocked and view.counts.blocked == len(digest_blocked) > 0
