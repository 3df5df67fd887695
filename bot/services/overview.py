"""The data behind /status, /overdue and /tasks.

Every figure is judged by bot/domain/rollup.py (category_of, details_of) on
the facts the database computes for each task (storage/repositories/tasks.py
`standing_columns`: state, late, progress, blocker, progress reported,
extension pending). The database returns how many tasks share each set of
facts, per directive or agency (`standing_counts`, ONE statement for all the
figures of a view), so /status at 10,000 tasks handles a few hundred rows,
not 10,000, and the counts and the breakdowns agree with each other and with
the database task for task. A task list reads just the page it shows, in
the order of urgency, with its texts and the list's size (`listed_tasks`,
one statement), choosing its tasks by the same judgement (`list_filter`).
Views:

- workspace ("w"): the four official groups, blocked, not started, pending
  extensions, then one line per directive (drill down to it);
- agencies ("A"): one line per agency (drill down to it);
- directive ("d") and agency ("a"): the counts, then the tasks;
- overdue ("o"), blocked ("b"), pending extensions ("x"): a task list (its
  figure is its size, `items`; `counts` is left empty).

A coordinator or viewer sees the whole workspace; a focal point sees their
own agency only (asking for another agency is refused and audited). Lists
are paged (PAGE_SIZE lines).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import product
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.rights import Action, Actor, Role
from bot.domain.rollup import Category, Detail, category_of, days_late, details_of
from bot.runtime import Runtime
from bot.services import identity
from storage.models import TaskState
from storage.repositories import agencies, reporting, workspaces
from storage.repositories import tasks as task_repository
from storage.repositories.tasks import (
    STANDING_FIELDS,
    ListedTask,
    ListFilter,
    Standing,
    StandingCount,
)

PAGE_SIZE = 10
MAX_PAGE = 9999


class Scope(StrEnum):
    WORKSPACE = "w"
    AGENCIES = "A"
    DIRECTIVE = "d"
    AGENCY = "a"
    OVERDUE = "o"
    BLOCKED = "b"
    EXTENSIONS = "x"


# Lists that may be narrowed to one agency (scope id = agency id, 0 = all).
TASK_LISTS = frozenset({Scope.OVERDUE, Scope.BLOCKED, Scope.EXTENSIONS})

# The order tasks are listed in: what needs attention first.
CATEGORY_ORDER = {
    Category.OPEN_OVERDUE: 0,
    Category.OPEN_ON_TIME: 1,
    Category.DONE_LATE: 2,
    Category.DONE_ON_TIME: 3,
}


class ViewOutcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    NOT_FOUND = "not_found"
    NO_WORKSPACE = "no_workspace"


@dataclass(frozen=True, slots=True)
class Counts:
    done_on_time: int = 0
    done_late: int = 0
    open_on_time: int = 0
    open_overdue: int = 0
    blocked: int = 0
    not_started: int = 0
    pending_extensions: int = 0

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.open_on_time + self.open_overdue


@dataclass(frozen=True, slots=True)
class GroupLine:
    """One directive's or one agency's counts (a drill-down target)."""

    scope: Scope
    target_id: int
    label: str
    name: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class TaskLine:
    task_id: int
    code: str
    action: str
    agency_code: str
    agency_name: str
    directive_number: str | None
    category: Category
    effective_deadline: date | None
    original_effective_deadline: date | None
    completed_on: date | None
    days_late: int
    working_days_left: int | None
    progress: int
    blocked_reason: str | None  # None unless the task is blocked
    started: bool  # progress reported (rollup.reported_progress)
    extension_until: date | None
    not_started: bool = False  # "chưa bắt đầu" (rollup.is_not_started)


@dataclass(frozen=True, slots=True)
class Overview:
    outcome: ViewOutcome
    scope: Scope = Scope.WORKSPACE
    target_id: int = 0
    title: str = ""
    subtitle: str | None = None
    today: date | None = None
    counts: Counts = field(default_factory=Counts)
    groups: tuple[GroupLine, ...] = ()
    tasks: tuple[TaskLine, ...] = ()
    page: int = 0
    pages: int = 1
    items: int = 0
    own_agency: bool = False  # narrowed to the viewer's agency


class Judgement(NamedTuple):
    """What rollup.py says of a standing (a tuple: hashed and compared in C)."""

    category: Category | None  # None: cancelled, not counted
    blocked: bool
    not_started: bool
    pending_extension: bool


@lru_cache(maxsize=1024)
def judge(standing: Standing) -> Judgement:
    """What rollup.category_of and rollup.details_of say of one standing. The
    standing has at most 3 x 2**5 values, so the answers are kept."""
    state, late, progressed, blocker, reported, pending = standing
    found = details_of(state, bool(reported), bool(progressed), bool(blocker))
    return Judgement(
        category_of(state, bool(late)),
        Detail.BLOCKED in found,
        Detail.NOT_STARTED in found,
        bool(pending) and state == "open",
    )


_SLOT = {
    Category.DONE_ON_TIME: 0,
    Category.DONE_LATE: 1,
    Category.OPEN_ON_TIME: 2,
    Category.OPEN_OVERDUE: 3,
}


def tally(rows: Iterable[StandingCount]) -> dict[int, Counts]:
    """The counts of each group (directive, agency, or 0 for all) from the
    number of tasks per standing; cancelled tasks are not counted."""
    sums: dict[int, list[int]] = {}
    for row in rows:
        judged = judge(row.standing)
        if judged.category is None:
            continue
        into = sums.setdefault(row.group_id, [0] * 7)
        into[_SLOT[judged.category]] += row.tasks
        into[4] += row.tasks * judged.blocked
        into[5] += row.tasks * judged.not_started
        into[6] += row.tasks * judged.pending_extension
    return {group: Counts(*values) for group, values in sums.items()}


def _task_line(runtime: Runtime, row: ListedTask, today: date) -> TaskLine:
    judged = judge(row.standing)
    assert judged.category is not None
    deadline = row.effective_deadline
    left = None
    if row.state == "open" and deadline is not None:
        left = runtime.calendar.working_days_between(today, deadline)
    finished = row.completed_on if row.state == "done" else today
    return TaskLine(
        task_id=row.task_id,
        code=row.code,
        action=row.action,
        agency_code=row.agency_code,
        agency_name=row.agency_name,
        directive_number=row.directive_number,
        category=judged.category,
        effective_deadline=deadline,
        original_effective_deadline=row.original_effective_deadline,
        completed_on=row.completed_on,
        days_late=days_late(deadline, finished or today),
        working_days_left=left,
        progress=row.progress or 0,
        blocked_reason=row.blocked_reason if judged.blocked else None,
        started=bool(row.reported),
        extension_until=row.extension_until,
        not_started=judged.not_started,
    )


def _page(total: int, page: int) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return max(0, min(page, pages - 1)), pages


# ---------------------------------------------------------------- rights


def sees_whole_workspace(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.COORDINATOR, Role.VIEWER)


async def _allowed(
    runtime: Runtime,
    actor: Actor,
    workspace_id: int,
    agency_id: int | None,
    chat_id: int | None,
    detail: dict[str, object],
) -> bool:
    """Whole-workspace views need VIEW_WORKSPACE; one agency's, VIEW_OWN_AGENCY
    (a focal point's own agency only); always on the TARGET's workspace."""
    if agency_id is None or sees_whole_workspace(actor):
        action = Action.VIEW_WORKSPACE
    else:
        action = Action.VIEW_OWN_AGENCY
    return await identity.check(
        runtime,
        actor,
        action,
        workspace_id=workspace_id,
        agency_id=agency_id,
        telegram_chat_id=chat_id,
        detail=detail,
    )


# ---------------------------------------------------------------- views


def default_scope(actor: Actor) -> tuple[Scope, int]:
    """What a bare /status shows: the workspace, or a focal point's agency."""
    if actor.role is Role.FOCAL_POINT and actor.agency_id is not None:
        return Scope.AGENCY, actor.agency_id
    return Scope.WORKSPACE, 0


async def overview(
    runtime: Runtime,
    actor: Actor,
    scope: Scope,
    target_id: int = 0,
    page: int = 0,
    *,
    telegram_chat_id: int | None = None,
) -> Overview:
    """One view, rights checked on its target, figures from one query."""
    workspace_id = actor.workspace_id
    if workspace_id is None:
        return Overview(ViewOutcome.NO_WORKSPACE)
    page = max(0, min(page, MAX_PAGE))
    if actor.role is Role.FOCAL_POINT and scope in (Scope.WORKSPACE, Scope.AGENCIES):
        scope, target_id = default_scope(actor)
    if actor.role is Role.FOCAL_POINT and scope in TASK_LISTS and target_id == 0:
        target_id = actor.agency_id or 0
    detail: dict[str, object] = {"view": scope.value, "target": target_id}
    today = runtime.today()
    async with runtime.database.session() as session:
        title, subtitle, target_workspace, agency_id, directive_id = (
            "",
            None,
            workspace_id,
            None,
            None,
        )
        if scope is Scope.DIRECTIVE:
            directive = await task_repository.directive(session, target_id)
            target_workspace = directive.workspace_id if directive else -1
            directive_id = target_id
            if directive is not None:
                title = directive.number or f"#{directive.id}"
                subtitle = directive.subject
        elif scope is Scope.AGENCY or (scope in TASK_LISTS and target_id):
            agency = await agencies.get(session, workspace_id, target_id)
            target_workspace = agency.workspace_id if agency else -1
            agency_id = target_id
            if agency is not None:
                title, subtitle = agency.code, agency.name
        else:
            workspace = await workspaces.get(session, workspace_id)
            title = workspace.name if workspace else ""
        if target_workspace == -1:
            await identity.record(
                runtime,
                actor,
                Action.VIEW_WORKSPACE.value,
                allowed=False,
                telegram_chat_id=telegram_chat_id,
                detail={**detail, "missing": True},
            )
            return Overview(ViewOutcome.REFUSED)
        if not await _allowed(
            runtime, actor, target_workspace, agency_id, telegram_chat_id, detail
        ):
            return Overview(ViewOutcome.REFUSED)
        kind = "d" if scope is Scope.WORKSPACE else "a"
        names: dict[tuple[str, int], tuple[str, str]] = {}
        rows: list[ListedTask] = []
        if scope in (Scope.WORKSPACE, Scope.AGENCIES):
            counts = await task_repository.standing_counts(
                session, workspace_id, today, by="directive" if kind == "d" else "agency"
            )
            shown = _groups(tally(counts), page)
            if shown.groups:
                names = await task_repository.labels(
                    session,
                    workspace_id,
                    agency_ids=[g for g, _ in shown.groups] if kind == "a" else (),
                    directive_ids=[g for g, _ in shown.groups] if kind == "d" else (),
                )
        else:
            figures = Counts()
            if scope not in TASK_LISTS:  # a drill-down: its counts, then its tasks
                counts = await task_repository.standing_counts(
                    session, workspace_id, today, directive_id=directive_id, agency_id=agency_id
                )
                figures = tally(counts).get(0, Counts())
            shown, rows = await _task_page(
                session, scope, figures, page, workspace_id, today, directive_id, agency_id
            )
    group_scope = Scope.DIRECTIVE if kind == "d" else Scope.AGENCY
    groups = tuple(
        GroupLine(
            group_scope,
            target,
            names.get((kind, target), (f"#{target}", ""))[0],
            names.get((kind, target), ("", ""))[1] if kind == "a" else "",
            group_counts,
        )
        for target, group_counts in shown.groups
    )
    lines = tuple(_task_line(runtime, row, today) for row in rows)
    return Overview(
        ViewOutcome.OK,
        scope=scope,
        target_id=target_id,
        title=title,
        subtitle=subtitle,
        today=today,
        counts=shown.counts,
        groups=groups,
        tasks=lines,
        page=shown.page,
        pages=shown.pages,
        items=shown.total,
        own_agency=actor.role is Role.FOCAL_POINT and agency_id is not None,
    )


@dataclass(frozen=True, slots=True)
class _Shown:
    """One page of a view: its figures, and its group lines (target id, counts)."""

    counts: Counts
    page: int
    pages: int
    total: int
    groups: tuple[tuple[int, Counts], ...] = ()


def _groups(per_group: dict[int, Counts], page: int) -> _Shown:
    """Directives or agencies, the most overdue first, then the largest."""
    ranked = sorted(
        per_group.items(), key=lambda pair: (-pair[1].open_overdue, -pair[1].total, pair[0])
    )
    page, pages = _page(len(ranked), page)
    window = ranked[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    return _Shown(_sum(per_group.values()), page, pages, len(ranked), groups=tuple(window))


# Which tasks each list shows, and the standing fields that choice depends on
# (so the database filters on those alone; `list_filter` checks it is exact).
_LISTS: dict[Scope, tuple[Callable[[Judgement], bool], tuple[str, ...]]] = {
    Scope.OVERDUE: (lambda j: j.category is Category.OPEN_OVERDUE, ("state", "late")),
    Scope.BLOCKED: (lambda j: j.blocked, ("state", "blocker")),
    Scope.EXTENSIONS: (lambda j: j.pending_extension, ("state", "pending")),
}
_COUNTED: tuple[Callable[[Judgement], bool], tuple[str, ...]] = (
    lambda j: j.category is not None,
    ("state",),
)

# Every standing a task can have: a state storage writes, and the five flags.
ALL_STANDINGS: tuple[Standing, ...] = tuple(
    (state.value, late, progressed, blocker, reported, pending)
    for state in TaskState
    for late, progressed, blocker, reported, pending in product((0, 1), repeat=5)
)


@lru_cache(maxsize=16)
def list_filter(scope: Scope) -> ListFilter:
    """The tasks a list shows (the domain's judgement of every standing), as
    a filter on as few standing fields as the choice depends on, and their
    order (the rank of each category, CATEGORY_ORDER). Should a rule come to
    depend on more fields, the filter falls back to all of them."""
    keep, fields = _LISTS.get(scope, _COUNTED)

    def narrow(standing: Standing, fields: tuple[str, ...]) -> tuple[object, ...]:
        return tuple(standing[STANDING_FIELDS.index(name)] for name in fields)

    kept = [s for s in ALL_STANDINGS if keep(judge(s))]
    values = frozenset(narrow(s, fields) for s in kept)
    if any(narrow(s, fields) in values and not keep(judge(s)) for s in ALL_STANDINGS):
        fields = STANDING_FIELDS
        values = frozenset(kept)
    ranks: dict[tuple[str, int], int] = {}
    for standing in ALL_STANDINGS:
        category = judge(standing).category
        if category is not None:
            ranks[(standing[0], standing[1])] = CATEGORY_ORDER[category]
    return ListFilter(fields, values, tuple(sorted(ranks.items())))


async def _task_page(
    session: AsyncSession,
    scope: Scope,
    figures: Counts,
    page: int,
    workspace_id: int,
    today: date,
    directive_id: int | None,
    agency_id: int | None,
) -> tuple[_Shown, list[ListedTask]]:
    """A page of a task list (overdue, blocked, ...; every counted task in a
    drill-down), what needs attention first, and how many tasks it has."""
    shown = list_filter(scope)

    async def read(page: int) -> tuple[list[ListedTask], int]:
        return await task_repository.listed_tasks(
            session,
            workspace_id,
            today,
            shown,
            offset=page * PAGE_SIZE,
            limit=PAGE_SIZE,
            directive_id=directive_id,
            agency_id=agency_id,
        )

    if scope not in TASK_LISTS:  # a drill-down lists every counted task
        page = _page(figures.total, page)[0]
    rows, total = await read(page)
    if not rows and total:  # past the end: the last page
        page = _page(total, page)[0]
        rows, total = await read(page)
    page, pages = _page(total, page)
    return _Shown(figures, page, pages, total), rows


def _sum(all_counts: Iterable[Counts]) -> Counts:
    values = [0] * 7
    for c in all_counts:
        for i, value in enumerate(
            (
                c.done_on_time,
                c.done_late,
                c.open_on_time,
                c.open_overdue,
                c.blocked,
                c.not_started,
                c.pending_extensions,
            )
        ):
            values[i] += value
    return Counts(*values)


@dataclass(frozen=True, slots=True)
class QueryTarget:
    outcome: ViewOutcome
    scope: Scope = Scope.WORKSPACE
    target_id: int = 0
    choices: tuple[tuple[int, str], ...] = ()  # several directives match


async def resolve_query(runtime: Runtime, actor: Actor, text: str) -> QueryTarget:
    """What `/status <text>` names: a directive number ("2268/UBND-TTHC",
    "2268") or an agency code ("STP"), within the actor's workspace."""
    text = text.strip()
    if not text:
        scope, target = default_scope(actor)
        return QueryTarget(ViewOutcome.OK, scope, target)
    if actor.workspace_id is None:
        return QueryTarget(ViewOutcome.NO_WORKSPACE)
    async with runtime.database.session() as session:
        agency = await agencies.by_code(session, actor.workspace_id, text)
        if agency is None and text.upper() != text:
            agency = await agencies.by_code(session, actor.workspace_id, text.upper())
        found = [] if agency else await reporting.find_directives(session, actor.workspace_id, text)
    if agency is not None and agency.id is not None:
        return QueryTarget(ViewOutcome.OK, Scope.AGENCY, agency.id)
    if len(found) == 1 and found[0].id is not None:
        return QueryTarget(ViewOutcome.OK, Scope.DIRECTIVE, found[0].id)
    if found:
        exact = [d for d in found if (d.number or "").lower() == text.lower()]
        if len(exact) == 1 and exact[0].id is not None:
            return QueryTarget(ViewOutcome.OK, Scope.DIRECTIVE, exact[0].id)
        choices = tuple((d.id, d.number or f"#{d.id}") for d in found if d.id is not None)
        return QueryTarget(ViewOutcome.OK, Scope.WORKSPACE, 0, choices[:PAGE_SIZE])
    return QueryTarget(ViewOutcome.NOT_FOUND)
