"""The data behind /status, /overdue and /tasks.

Every figure is computed by bot/domain/rollup.py (categorize, details) from
the facts loaded by ONE repository query (`tasks.status_facts`), so the
counts, the per-directive and per-agency breakdowns and the listed tasks
always agree with each other and with the database, task for task; only the
texts of the lines shown (a page) are read afterwards, in one more query.
At 10,000 tasks the work per task is kept in C: rollup judges each distinct
set of facts once (`judge`, memoised per day), and grouping is Counter/zip
over small integers (`Verdicts`). Views:

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

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import compress, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from bot.domain.rights import Action, Actor, Role
from bot.domain.rollup import (
    Category,
    Detail,
    TaskFacts,
    categorize,
    days_late,
    details,
)
from bot.runtime import Runtime
from bot.services import identity
from storage.repositories import agencies, reporting, workspaces
from storage.repositories import tasks as task_repository
from storage.repositories.tasks import FactRow, TaskDetail, day, to_facts

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


class Judgement(NamedTuple):
    """What rollup.py says of a task's facts (a tuple: hashed and compared in C)."""

    category: Category | None  # None: cancelled, not counted
    blocked: bool
    not_started: bool
    pending_extension: bool


@lru_cache(maxsize=65_536)
def judge(facts: tuple[Any, ...], today: date) -> Judgement:
    """What rollup.categorize and rollup.details say of one set of facts on
    `today`. Both are pure functions of the facts, so the answer is kept:
    10,000 tasks have a few thousand distinct facts at most, and the next
    /status the same day asks about the same ones."""
    state, deadline, completed, progress, blocked, started, pending = facts
    task = TaskFacts(
        task_id=0,
        agency_id=0,
        state=state,
        effective_deadline=day(deadline),
        completed_on=day(completed),
        progress=progress or 0,
        blocked=bool(blocked),
        has_updates=bool(started),
    )
    found = details(task)
    return Judgement(
        categorize(task, today),
        Detail.BLOCKED in found,
        Detail.NOT_STARTED in found,
        bool(pending) and state == "open",
    )


# The FactRow fields a task's category depends on (see tasks.FactRow).
_FACTS = itemgetter(3, 4, 5, 6, 7, 8, 9)
_AGENCY = itemgetter(1)
_DIRECTIVE = itemgetter(2)


class Verdicts:
    """Every task's judgement, computed once per distinct facts.

    `keys[i]` are the facts of `rows[i]`; `of[key]` its judgement. Counting
    goes through small integers (`index`) so that grouping 10,000 tasks is
    done by Counter and zip in C, not by a Python loop per task.
    """

    def __init__(self, rows: Sequence[FactRow], today: date) -> None:
        self.rows = rows
        self.keys = list(map(_FACTS, rows))
        self.of = {key: judge(key, today) for key in set(self.keys)}
        self.kinds = list(dict.fromkeys(self.of.values()))
        position = {judged: i for i, judged in enumerate(self.kinds)}
        self.index = {key: position[judged] for key, judged in self.of.items()}

    def tally(self, by: str | None = None) -> dict[int, Counts]:
        """Counts per agency (`by="agency"`), per directive, or one total (key 0)."""
        kinds = map(self.index.__getitem__, self.keys)
        if by is None:
            pairs = Counter(zip(repeat(0), kinds))
        else:
            groups = map(_AGENCY if by == "agency" else _DIRECTIVE, self.rows)
            pairs = Counter(zip(groups, kinds, strict=True))
        sums: dict[int, list[int]] = {}
        for (target, kind), n in pairs.items():
            judged = self.kinds[kind]
            if judged.category is None:
                continue
            into = sums.setdefault(target, [0] * 7)
            into[_SLOT[judged.category]] += n
            into[4] += n * judged.blocked
            into[5] += n * judged.not_started
            into[6] += n * judged.pending_extension
        return {target: Counts(*values) for target, values in sums.items()}

    def where(self, keep: Callable[[Judgement], bool]) -> list[tuple[FactRow, Judgement]]:
        """The tasks whose judgement passes `keep`, urgent first: overdue (the
        most late first), then by deadline (none last), then by id."""
        wanted = {key for key, judged in self.of.items() if keep(judged)}
        rows = compress(self.rows, map(wanted.__contains__, self.keys))
        ranked: list[list[FactRow]] = [[], [], [], []]
        undated: list[list[FactRow]] = [[], [], [], []]
        for row in rows:
            category = self.of[_FACTS(row)].category
            assert category is not None
            rank = CATEGORY_ORDER[category]
            (ranked if row.effective_deadline is not None else undated)[rank].append(row)
        ordered: list[tuple[FactRow, Judgement]] = []
        for rank in range(4):
            ranked[rank].sort(key=_DEADLINE_ID)
            undated[rank].sort(key=_ID)
            for row in (*ranked[rank], *undated[rank]):
                ordered.append((row, self.of[_FACTS(row)]))
        return ordered


_DEADLINE_ID = itemgetter(4, 0)
_ID = itemgetter(0)


_SLOT = {
    Category.DONE_ON_TIME: 0,
    Category.DONE_LATE: 1,
    Category.OPEN_ON_TIME: 2,
    Category.OPEN_OVERDUE: 3,
}


def _task_line(
    runtime: Runtime, row: FactRow, judged: Judgement, detail: TaskDetail, today: date
) -> TaskLine:
    facts = to_facts(row)
    assert judged.category is not None
    left = None
    if facts.state == "open" and facts.effective_deadline is not None:
        left = runtime.calendar.working_days_between(today, facts.effective_deadline)
    finished = facts.completed_on if facts.state == "done" else today
    return TaskLine(
        task_id=facts.task_id,
        code=detail.code,
        action=detail.action,
        agency_code=detail.agency_code,
        agency_name=detail.agency_name,
        directive_number=detail.directive_number,
        category=judged.category,
        effective_deadline=facts.effective_deadline,
        original_effective_deadline=detail.original_effective_deadline,
        completed_on=facts.completed_on,
        days_late=days_late(facts.effective_deadline, finished or today),
        working_days_left=left,
        progress=facts.progress,
        blocked_reason=detail.blocked_reason,
        started=facts.has_updates,
        extension_until=detail.extension_until,
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
        rows = await task_repository.status_facts(
            session, workspace_id, directive_id=directive_id, agency_id=agency_id
        )
        shown = _select(scope, rows, today, page)
        if shown.groups:
            kind = "d" if scope is Scope.WORKSPACE else "a"
            names = await task_repository.labels(
                session,
                workspace_id,
                agency_ids=[g for g, _ in shown.groups] if kind == "a" else (),
                directive_ids=[g for g, _ in shown.groups] if kind == "d" else (),
            )
        else:
            texts = await task_repository.task_details(
                session, workspace_id, [row.task_id for row, _ in shown.tasks]
            )
    if shown.groups:
        group_scope = Scope.DIRECTIVE if kind == "d" else Scope.AGENCY
        groups = tuple(
            GroupLine(
                group_scope,
                target,
                names.get((kind, target), (f"#{target}", ""))[0],
                names.get((kind, target), ("", ""))[1] if kind == "a" else "",
                counts,
            )
            for target, counts in shown.groups
        )
        lines: tuple[TaskLine, ...] = ()
    else:
        groups = ()
        lines = tuple(
            _task_line(runtime, row, judged, texts[row.task_id], today)
            for row, judged in shown.tasks
            if row.task_id in texts
        )
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
    """One page of a view: group lines (target id, counts) or tasks."""

    counts: Counts
    groups: tuple[tuple[int, Counts], ...]
    tasks: tuple[tuple[FactRow, Judgement], ...]
    page: int
    pages: int
    total: int


def _select(scope: Scope, rows: list[FactRow], today: date, page: int) -> _Shown:
    """The figures and the page of lines a view shows, what needs attention first."""
    verdicts = Verdicts(rows, today)
    if scope in (Scope.WORKSPACE, Scope.AGENCIES):
        per_group = verdicts.tally("directive" if scope is Scope.WORKSPACE else "agency")
        total = _sum(per_group.values())
        ranked = sorted(
            per_group.items(), key=lambda pair: (-pair[1].open_overdue, -pair[1].total, pair[0])
        )
        page, pages = _page(len(ranked), page)
        window = ranked[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        return _Shown(total, tuple(window), (), page, pages, len(ranked))
    total = verdicts.tally().get(0, Counts())
    if scope is Scope.OVERDUE:
        keep = verdicts.where(lambda j: j.category is Category.OPEN_OVERDUE)
    elif scope is Scope.BLOCKED:
        keep = verdicts.where(lambda j: j.blocked)
    elif scope is Scope.EXTENSIONS:
        keep = verdicts.where(lambda j: j.pending_extension)
    else:
        keep = verdicts.where(lambda j: j.category is not None)
    page, pages = _page(len(keep), page)
    return _Shown(
        total, (), tuple(keep[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]), page, pages, len(keep)
    )


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
