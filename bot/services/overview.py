"""The data behind /status, /overdue and /tasks.

Every figure is computed by bot/domain/rollup.py from the rows of ONE
repository query (`tasks.status_rows`), so the counts, the per-directive and
per-agency breakdowns and the listed tasks always agree with each other and
with the database, task for task. Views:

- workspace ("w"): the four official groups, blocked, not started, pending
  extensions, then one line per directive (drill down to it);
- agencies ("A"): one line per agency (drill down to it);
- directive ("d") and agency ("a"): the counts, then the tasks;
- overdue ("o"), blocked ("b"), pending extensions ("x"): a task list.

A coordinator or viewer sees the whole workspace; a focal point sees their
own agency only (asking for another agency is refused and audited). Lists
are paged (PAGE_SIZE lines).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.rights import Action, Actor, Role
from bot.domain.rollup import (
    Category,
    Detail,
    TaskFacts,
    categorize,
    days_late,
    details,
    summarize,
)
from bot.runtime import Runtime
from bot.services import identity
from storage.repositories import agencies, reporting, workspaces
from storage.repositories import tasks as task_repository
from storage.repositories.tasks import StatusRow

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
    blocked_reason: str | None
    started: bool
    extension_until: date | None


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


@dataclass(frozen=True, slots=True)
class _Categorised:
    row: StatusRow
    facts: TaskFacts
    category: Category


def facts_of(row: StatusRow) -> TaskFacts:
    return TaskFacts(
        task_id=row.task_id,
        agency_id=row.agency_id,
        state=row.state,
        effective_deadline=row.effective_deadline,
        completed_on=row.completed_on,
        progress=row.progress,
        blocked=row.blocked_reason is not None,
        has_updates=row.started,
    )


def categorise(rows: Iterable[StatusRow], today: date) -> list[_Categorised]:
    """Rows with their official group; cancelled tasks are left out."""
    out = []
    for row in rows:
        facts = facts_of(row)
        category = categorize(facts, today)
        if category is not None:
            out.append(_Categorised(row, facts, category))
    return out


def count(items: list[_Categorised], today: date) -> Counts:
    summary = summarize((item.facts for item in items), today)
    return Counts(
        done_on_time=summary.count(Category.DONE_ON_TIME),
        done_late=summary.count(Category.DONE_LATE),
        open_on_time=summary.count(Category.OPEN_ON_TIME),
        open_overdue=summary.count(Category.OPEN_OVERDUE),
        blocked=summary.detail_counts.get(Detail.BLOCKED, 0),
        not_started=summary.detail_counts.get(Detail.NOT_STARTED, 0),
        pending_extensions=sum(
            1 for item in items if item.row.extension_until is not None and item.row.state == "open"
        ),
    )


def _task_line(runtime: Runtime, item: _Categorised, today: date) -> TaskLine:
    row = item.row
    left = None
    if row.state == "open" and row.effective_deadline is not None:
        left = runtime.calendar.working_days_between(today, row.effective_deadline)
    finished = row.completed_on if row.state == "done" else today
    return TaskLine(
        task_id=row.task_id,
        code=row.code,
        action=row.action,
        agency_code=row.agency_code,
        agency_name=row.agency_name,
        directive_number=row.directive_number,
        category=item.category,
        effective_deadline=row.effective_deadline,
        original_effective_deadline=row.original_effective_deadline,
        completed_on=row.completed_on,
        days_late=days_late(row.effective_deadline, finished or today),
        working_days_left=left,
        progress=row.progress,
        blocked_reason=row.blocked_reason,
        started=row.started,
        extension_until=row.extension_until,
    )


def _task_order(item: _Categorised, today: date) -> tuple[int, int, date, str]:
    row = item.row
    late = days_late(row.effective_deadline, today) if item.category is Category.OPEN_OVERDUE else 0
    deadline = row.effective_deadline or date.max
    return (CATEGORY_ORDER[item.category], -late, deadline, row.code)


def _groups(
    items: list[_Categorised],
    today: date,
    key: Callable[[StatusRow], int],
    scope: Scope,
    label: Callable[[StatusRow], tuple[str, str]],
) -> list[GroupLine]:
    grouped: dict[int, list[_Categorised]] = {}
    for item in items:
        grouped.setdefault(key(item.row), []).append(item)
    lines = []
    for target_id, members in grouped.items():
        text, name = label(members[0].row)
        lines.append(GroupLine(scope, target_id, text, name, count(members, today)))
    lines.sort(key=lambda line: (-line.counts.open_overdue, line.label, line.target_id))
    return lines


def _page(total: int, page: int) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return max(0, min(page, pages - 1)), pages


def _slice(items: list[_Categorised] | list[GroupLine], page: int) -> slice:
    return slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)


def _directive_label(row: StatusRow) -> tuple[str, str]:
    return (row.directive_number or f"#{row.directive_id}", "")


def _agency_label(row: StatusRow) -> tuple[str, str]:
    return (row.agency_code, row.agency_name)


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
        rows = await task_repository.status_rows(
            session, workspace_id, directive_id=directive_id, agency_id=agency_id
        )
    items = categorise(rows, today)
    return _build(runtime, scope, target_id, title, subtitle, today, items, page, agency_id, actor)


def _build(
    runtime: Runtime,
    scope: Scope,
    target_id: int,
    title: str,
    subtitle: str | None,
    today: date,
    items: list[_Categorised],
    page: int,
    agency_id: int | None,
    actor: Actor,
) -> Overview:
    counts = count(items, today)
    groups: list[GroupLine] = []
    listed: list[_Categorised] = []
    if scope is Scope.WORKSPACE:
        groups = _groups(items, today, lambda r: r.directive_id, Scope.DIRECTIVE, _directive_label)
    elif scope is Scope.AGENCIES:
        groups = _groups(items, today, lambda r: r.agency_id, Scope.AGENCY, _agency_label)
    elif scope is Scope.OVERDUE:
        listed = [item for item in items if item.category is Category.OPEN_OVERDUE]
    elif scope is Scope.BLOCKED:
        listed = [item for item in items if Detail.BLOCKED in _details(item)]
    elif scope is Scope.EXTENSIONS:
        listed = [
            item
            for item in items
            if item.row.extension_until is not None and item.row.state == "open"
        ]
    else:
        listed = list(items)
    listed.sort(key=lambda item: _task_order(item, today))
    total = len(groups) if groups else len(listed)
    page, pages = _page(total, page)
    window = _slice(listed, page)
    return Overview(
        ViewOutcome.OK,
        scope=scope,
        target_id=target_id,
        title=title,
        subtitle=subtitle,
        today=today,
        counts=counts,
        groups=tuple(groups[window]),
        tasks=tuple(_task_line(runtime, item, today) for item in listed[window]),
        page=page,
        pages=pages,
        items=total,
        own_agency=actor.role is Role.FOCAL_POINT and agency_id is not None,
    )


def _details(item: _Categorised) -> set[Detail]:
    return details(item.facts)


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
