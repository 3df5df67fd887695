"""/status figures on every backend, checked task for task against counts
computed here, independently, from the rows of a seeded workspace of 30
agencies and 200 tasks; pagination; who sees what; one query per view."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.domain.rights import Actor, Role
from bot.runtime import Runtime
from bot.services import identity
from bot.services import overview as overview_service
from bot.services.overview import Counts, Overview, Scope, ViewOutcome
from storage.database import Database
from storage.models import AuditEvent, ChatPurpose
from tests import factories
from tests.status_world import TODAY, Seeded, seeded_workspace, truth

COORDINATOR = 5001
VIEWER = 5002
FOCAL = 5003
STRANGER = 5999
CHAT = -1005000000001


@pytest.fixture
async def seeded(runtime: Runtime) -> Seeded:
    world = await seeded_workspace(runtime.database, agencies=30, tasks=200)
    database = runtime.database
    await factories.member(database, world.workspace_id, COORDINATOR, Role.COORDINATOR)
    await factories.member(database, world.workspace_id, VIEWER, Role.VIEWER)
    await factories.member(
        database, world.workspace_id, FOCAL, Role.FOCAL_POINT, world.agency_ids[0]
    )
    await factories.chat(database, world.workspace_id, CHAT, ChatPurpose.COORDINATION)
    return world


async def actor(runtime: Runtime, user_id: int) -> Actor:
    return await identity.actor_for(runtime, user_id, CHAT, private=False)


async def all_pages(
    runtime: Runtime, who: Actor, scope: Scope, target: int = 0
) -> tuple[list[Overview], list[int]]:
    first = await overview_service.overview(runtime, who, scope, target, 0)
    assert first.outcome is ViewOutcome.OK
    pages = [first]
    for page in range(1, first.pages):
        pages.append(await overview_service.overview(runtime, who, scope, target, page))
    task_ids = [line.task_id for view in pages for line in view.tasks]
    return pages, task_ids


# ---------------------------------------------------------------- figures


async def test_workspace_figures_equal_the_rows(runtime: Runtime, seeded: Seeded) -> None:
    expected = await truth(runtime.database, seeded.workspace_id)
    coordinator = await actor(runtime, COORDINATOR)
    view = await overview_service.overview(runtime, coordinator, Scope.WORKSPACE)
    assert view.outcome is ViewOutcome.OK
    assert view.counts == expected.counts()
    assert view.counts.total == len(expected.rows) > 150  # cancelled tasks are not counted
    # Every group is non-empty in this seed, so the test can fail on any of them.
    assert (
        min(
            view.counts.done_on_time,
            view.counts.done_late,
            view.counts.open_on_time,
            view.counts.open_overdue,
            view.counts.blocked,
            view.counts.not_started,
            view.counts.pending_extensions,
        )
        > 0
    )
    # One line per directive, each equal to the rows of that directive.
    assert view.pages == 1 and len(view.groups) == len(seeded.directive_ids)
    for line in view.groups:
        assert line.scope is Scope.DIRECTIVE
        assert line.label == seeded.directive_numbers[line.target_id]
        assert line.counts == expected.counts(directive=line.target_id)


async def test_agency_breakdown_pages_cover_every_agency_once(
    runtime: Runtime, seeded: Seeded
) -> None:
    expected = await truth(runtime.database, seeded.workspace_id)
    coordinator = await actor(runtime, COORDINATOR)
    pages, _ = await all_pages(runtime, coordinator, Scope.AGENCIES)
    assert len(pages) == 3  # 30 agencies, 10 a page
    lines = [line for view in pages for line in view.groups]
    assert sorted(line.target_id for line in lines) == sorted(seeded.agency_ids)
    for line in lines:
        assert line.label == seeded.agency_codes[line.target_id]
        assert line.counts == expected.counts(agency=line.target_id)
    assert sum(line.counts.total for line in lines) == len(expected.rows)


@pytest.mark.parametrize("scope", [Scope.DIRECTIVE, Scope.AGENCY])
async def test_drill_down_lists_every_task_once_across_pages(
    runtime: Runtime, seeded: Seeded, scope: Scope
) -> None:
    expected = await truth(runtime.database, seeded.workspace_id)
    coordinator = await actor(runtime, COORDINATOR)
    targets = seeded.directive_ids if scope is Scope.DIRECTIVE else seeded.agency_ids
    key = "directive" if scope is Scope.DIRECTIVE else "agency"
    for target in targets[:4]:
        pages, task_ids = await all_pages(runtime, coordinator, scope, target)
        assert len(task_ids) == len(set(task_ids))
        assert set(task_ids) == expected.ids(**{key: target})
        assert pages[0].counts == expected.counts(**{key: target})
        # Listed in order of urgency: overdue first.
        order = {"open_overdue": 0, "open_on_time": 1, "done_late": 2, "done_on_time": 3}
        ranks = [order[line.category.value] for view in pages for line in view.tasks]
        assert ranks == sorted(ranks)


@pytest.mark.parametrize(
    ("scope", "where"),
    [
        (Scope.OVERDUE, {"category": "open_overdue"}),
        (Scope.BLOCKED, {"blocked": True}),
        (Scope.EXTENSIONS, {"pending": True}),
    ],
)
async def test_overdue_blocked_and_pending_lists(
    runtime: Runtime, seeded: Seeded, scope: Scope, where: dict[str, object]
) -> None:
    expected = await truth(runtime.database, seeded.workspace_id)
    coordinator = await actor(runtime, COORDINATOR)
    _, task_ids = await all_pages(runtime, coordinator, scope)
    assert sorted(task_ids) == sorted(expected.ids(**where))
    if scope is Scope.OVERDUE:
        view = await overview_service.overview(runtime, coordinator, scope)
        late = [line.days_late for line in view.tasks]
        assert late == sorted(late, reverse=True) and all(d > 0 for d in late)


async def test_a_page_past_the_end_shows_the_last_page(runtime: Runtime, seeded: Seeded) -> None:
    expected = await truth(runtime.database, seeded.workspace_id)
    coordinator = await actor(runtime, COORDINATOR)
    view = await overview_service.overview(runtime, coordinator, Scope.AGENCIES, 0, 9999)
    assert (view.page, view.pages) == (2, 3)
    overdue = expected.ids(category="open_overdue")
    last = await overview_service.overview(runtime, coordinator, Scope.OVERDUE, 0, 9999)
    pages = -(-len(overdue) // overview_service.PAGE_SIZE)
    assert (last.page, last.pages, last.items) == (pages - 1, pages, len(overdue))
    assert 0 < len(last.tasks) <= overview_service.PAGE_SIZE
    assert {line.task_id for line in last.tasks} <= overdue


# ---------------------------------------------------------------- who sees what


async def test_a_focal_point_sees_their_own_agency_only(runtime: Runtime, seeded: Seeded) -> None:
    expected = await truth(runtime.database, seeded.workspace_id)
    focal = await actor(runtime, FOCAL)
    own = seeded.agency_ids[0]
    view = await overview_service.overview(runtime, focal, Scope.WORKSPACE)
    assert (view.scope, view.target_id, view.own_agency) == (Scope.AGENCY, own, True)
    assert view.counts == expected.counts(agency=own)
    _, overdue = await all_pages(runtime, focal, Scope.OVERDUE)
    assert set(overdue) == expected.ids(agency=own, category="open_overdue")
    other = await overview_service.overview(runtime, focal, Scope.AGENCY, seeded.agency_ids[1])
    directive = await overview_service.overview(
        runtime, focal, Scope.DIRECTIVE, seeded.directive_ids[0]
    )
    assert other.outcome is directive.outcome is ViewOutcome.REFUSED
    assert other.counts == Counts() and other.tasks == ()
    async with runtime.database.session() as session:
        audit = (
            (
                await session.execute(select(AuditEvent).where(AuditEvent.allowed == False))  # noqa: E712
            )
            .scalars()
            .all()
        )
    assert [a.telegram_user_id for a in audit] == [FOCAL, FOCAL]


async def test_viewer_sees_the_workspace_and_a_stranger_nothing(
    runtime: Runtime, seeded: Seeded
) -> None:
    viewer = await actor(runtime, VIEWER)
    assert (await overview_service.overview(runtime, viewer, Scope.WORKSPACE)).outcome is (
        ViewOutcome.OK
    )
    stranger = await actor(runtime, STRANGER)
    refused = await overview_service.overview(runtime, stranger, Scope.WORKSPACE)
    assert refused.outcome is ViewOutcome.REFUSED


async def test_another_workspaces_directive_or_agency_is_refused(
    runtime: Runtime, seeded: Seeded
) -> None:
    other = await seeded_workspace(runtime.database, agencies=2, tasks=5, name="Huyện khác")
    coordinator = await actor(runtime, COORDINATOR)
    for scope, target in (
        (Scope.DIRECTIVE, other.directive_ids[0]),
        (Scope.AGENCY, other.agency_ids[0]),
        (Scope.OVERDUE, other.agency_ids[0]),
        (Scope.DIRECTIVE, 10_000_000),
    ):
        view = await overview_service.overview(runtime, coordinator, scope, target)
        assert view.outcome is ViewOutcome.REFUSED and view.title == "", (scope, target)


async def test_a_coordinator_without_a_workspace_is_told(runtime: Runtime, seeded: Seeded) -> None:
    nobody = Actor(1001, None, Role.ADMIN)
    view = await overview_service.overview(runtime, nobody, Scope.WORKSPACE)
    assert view.outcome is ViewOutcome.NO_WORKSPACE


# ---------------------------------------------------------------- queries


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def test_each_view_is_one_query_for_the_figures(runtime: Runtime, seeded: Seeded) -> None:
    """Every figure from one statement (grouped counts; a task list's size is
    counted by the statement that reads its page); the page (its tasks with
    their texts, or the groups' labels) from one more; never a statement per
    task, agency or directive, and never a row per task."""
    coordinator = await actor(runtime, COORDINATOR)
    for scope, target in (
        (Scope.WORKSPACE, 0),
        (Scope.AGENCIES, 0),
        (Scope.DIRECTIVE, seeded.directive_ids[0]),
        (Scope.AGENCY, seeded.agency_ids[0]),
        (Scope.OVERDUE, 0),
    ):
        with statements(runtime.database) as seen:
            view = await overview_service.overview(runtime, coordinator, scope, target)
        assert view.outcome is ViewOutcome.OK
        grouped = [s for s in seen if "GROUP BY" in s]
        assert len(grouped) == (0 if scope is Scope.OVERDUE else 1), seen
        assert len(seen) <= 3, seen  # the title, the figures, the page


async def test_status_query_resolves_directive_numbers_and_agency_codes(
    runtime: Runtime, seeded: Seeded
) -> None:
    coordinator = await actor(runtime, COORDINATOR)
    first = seeded.directive_ids[0]
    by_number = await overview_service.resolve_query(runtime, coordinator, "101/UBND-TH")
    assert (by_number.scope, by_number.target_id) == (Scope.DIRECTIVE, first)
    short = await overview_service.resolve_query(runtime, coordinator, "101")
    assert (short.scope, short.target_id) == (Scope.DIRECTIVE, first)
    agency = await overview_service.resolve_query(runtime, coordinator, "a01")
    assert (agency.scope, agency.target_id) == (Scope.AGENCY, seeded.agency_ids[0])
    missing = await overview_service.resolve_query(runtime, coordinator, "9999/QĐ-UBND")
    assert missing.outcome is ViewOutcome.NOT_FOUND
    bare = await overview_service.resolve_query(runtime, coordinator, "")
    assert (bare.scope, bare.target_id) == (Scope.WORKSPACE, 0)
    focal = await actor(runtime, FOCAL)
    own = await overview_service.resolve_query(runtime, focal, "")
    assert (own.scope, own.target_id) == (Scope.AGENCY, seeded.agency_ids[0])


async def test_days_left_and_late_are_counted_as_users_read_them(
    runtime: Runtime, seeded: Seeded
) -> None:
    coordinator = await actor(runtime, COORDINATOR)
    view = await overview_service.overview(runtime, coordinator, Scope.AGENCY, seeded.agency_ids[0])
    for line in view.tasks:
        if line.category.value == "open_overdue":
            assert line.effective_deadline is not None
            assert line.days_late == (TODAY - line.effective_deadline).days
        if line.category.value == "open_on_time" and line.effective_deadline is not None:
            assert line.working_days_left == runtime.calendar.working_days_between(
                TODAY, line.effective_deadline
            )
    assert date(2024, 5, 13) == TODAY == runtime.today()
