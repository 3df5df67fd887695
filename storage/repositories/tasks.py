"""Task queries for status replies and the /status views.

/status, /overdue and /tasks read a workspace of up to 10,000 tasks, so
they never load a row per task. The roll-up rules (bot/domain/rollup.py)
look at a task's state and five yes/no facts (`Standing`): late, progress
above 0, a blocker on record, progress reported, an extension pending. The
database computes those facts, mirroring the domain's functions one for one
(`standing_columns`), and `standing_counts` returns how many tasks share
each combination (per directive or agency): a few hundred rows, which the
service judges with the domain. A task list reads only the page it shows
and its size (`listed_tasks`: filtered on the facts the list depends on,
ordered in SQL, with the page's texts). The statements are built once and
run with bound values.

The rule for "progress reported" is the SQL of rollup.reported_progress
(`progress_reported`); the digest and the reports use the same expression
(storage/repositories/reporting.py), so "chưa bắt đầu" is one rule.

Writes to a task go through `lock_task` (SELECT ... FOR UPDATE on
PostgreSQL) so two taps on the same task are serialised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    tuple_,
)
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from bot.domain.rollup import NO_PROGRESS_REPORT, PROGRESS_REPORTS
from storage.models import (
    Agency,
    Directive,
    ExtensionRequest,
    ExtensionState,
    StatusUpdate,
    Task,
)

# A task's standing, as the columns of `standing_columns` return it:
# (state, late, progressed, blocker, reported, pending), the flags 0 or 1.
Standing = tuple[str, int, int, int, int, int]


class StandingCount(NamedTuple):
    """How many tasks of one directive or agency (`group_id`; 0 when not
    grouped) share one standing."""

    group_id: int
    state: str
    late: int
    progressed: int
    blocker: int
    reported: int
    pending: int
    tasks: int

    @property
    def standing(self) -> Standing:
        return (self.state, self.late, self.progressed, self.blocker, self.reported, self.pending)


class ListedTask(NamedTuple):
    """One line of a task list: the task's facts, standing and texts."""

    task_id: int
    code: str
    action: str
    agency_code: str
    agency_name: str
    directive_number: str | None
    state: str
    effective_deadline: date | None
    original_effective_deadline: date | None
    completed_on: date | None
    progress: int
    blocked_reason: str | None
    extension_until: date | None  # the date a pending extension request asks for
    late: int
    progressed: int
    blocker: int
    reported: int
    pending: int

    @property
    def standing(self) -> Standing:
        return (self.state, self.late, self.progressed, self.blocker, self.reported, self.pending)


def _not_undone(update: Any) -> ColumnElement[bool]:
    """No later update reverts `update` (uses the task_id index)."""
    reverting = aliased(StatusUpdate)
    return ~exists().where(
        col(reverting.task_id) == col(update.task_id),
        col(reverting.reverts_id) == col(update.id),
    )


def _standing_report(report: Any) -> list[ColumnElement[bool]]:
    """`report` is a progress report that stands: a done / in progress /
    blocked update, not undone, that no later "not started" update (not
    undone) took back."""
    retraction = aliased(StatusUpdate)
    taken_back = exists().where(
        col(retraction.task_id) == col(report.task_id),
        col(retraction.kind) == NO_PROGRESS_REPORT,
        col(retraction.id) > col(report.id),
        _not_undone(retraction),
    )
    return [col(report.kind).in_(PROGRESS_REPORTS), _not_undone(report), ~taken_back]


def _of_scope(query: Any, task_id: Any, directive_id: Any, agency_id: Any) -> Any:
    """`query` narrowed to the tasks of one directive / agency, if given (as an
    IN, so that SQLite walks those few tasks rather than the workspace's updates)."""
    if directive_id is None and agency_id is None:
        return query
    task = aliased(Task)
    scoped = sa_select(col(task.id))
    if directive_id is not None:
        scoped = scoped.where(col(task.directive_id) == directive_id)
    if agency_id is not None:
        scoped = scoped.where(col(task.agency_id) == agency_id)
    return query.where(task_id.in_(scoped))


def progress_reported(
    task_id: Any, *, workspace_id: Any = None, directive_id: Any = None, agency_id: Any = None
) -> ColumnElement[bool]:
    """SQL of rollup.reported_progress for the task `task_id`.

    With `workspace_id` (for queries over many tasks): `task_id IN (the tasks
    of the workspace, or of its directive / agency, with a standing report)`,
    which the database computes once (PostgreSQL hashes it; a per-row EXISTS
    makes PostgreSQL's estimate of a 10,000-task query so high that it
    JIT-compiles it, 100-450 ms). Without: a correlated EXISTS, for a handful
    of rows. One rule either way."""
    report = aliased(StatusUpdate)
    if workspace_id is None:
        return exists().where(col(report.task_id) == task_id, *_standing_report(report))
    reported = sa_select(col(report.task_id)).where(
        col(report.workspace_id) == workspace_id, *_standing_report(report)
    )
    reported = _of_scope(reported, col(report.task_id), directive_id, agency_id)
    return cast(ColumnElement[bool], task_id.in_(reported))


def _extension_pending(
    task_id: Any, *, workspace_id: Any = None, directive_id: Any = None, agency_id: Any = None
) -> ColumnElement[bool]:
    """An extension request of the task waits for a decision (forms as above)."""
    if workspace_id is None:
        return exists().where(
            col(ExtensionRequest.task_id) == task_id,
            col(ExtensionRequest.state) == ExtensionState.PENDING,
        )
    pending = sa_select(col(ExtensionRequest.task_id)).where(
        col(ExtensionRequest.workspace_id) == workspace_id,
        col(ExtensionRequest.state) == ExtensionState.PENDING,
    )
    pending = _of_scope(pending, col(ExtensionRequest.task_id), directive_id, agency_id)
    return cast(ColumnElement[bool], task_id.in_(pending))


_ONE, _ZERO = literal_column("1", Integer), literal_column("0", Integer)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """0 or 1 on every backend (SQLite and PostgreSQL read booleans apart)."""
    return case((condition, _ONE), else_=_ZERO)


def standing_columns(
    *, many: bool, directive: bool = False, agency: bool = False
) -> dict[str, Any]:
    """A task's standing on the day bound as `today`, as SQL, one column per
    domain function:

    - late: rollup.is_late (a done task judged on its completion day, today
      if unknown; an open one on today; no deadline, never late);
    - progressed: progress above 0; blocker: rollup.has_blocker (a non-empty
      reason); reported: rollup.reported_progress (`progress_reported`);
    - pending: an extension request waits for a decision.

    `many`: the query reads many tasks of the workspace bound as
    `workspace_id` (of the directive / agency bound as `directive_id` /
    `agency_id` if `directive` / `agency`; see `progress_reported`). Dates
    compare as dates on PostgreSQL and as ISO text on SQLite (how SQLAlchemy
    stores them there), in the same order."""
    day = bindparam("today", type_=Date)
    finished = case(
        (col(Task.state) == "done", func.coalesce(col(Task.completed_on), day)), else_=day
    )
    task_id = col(Task.id)
    scope: dict[str, Any] = {}
    if many:
        scope["workspace_id"] = bindparam("workspace_id", type_=Integer)
        if directive:
            scope["directive_id"] = bindparam("directive_id", type_=Integer)
        if agency:
            scope["agency_id"] = bindparam("agency_id", type_=Integer)
    return {
        "state": col(Task.state),
        "late": _flag(
            and_(col(Task.effective_deadline).is_not(None), finished > col(Task.effective_deadline))
        ),
        "progressed": _flag(col(Task.progress) > _ZERO),
        "blocker": _flag(
            and_(col(Task.blocked_reason).is_not(None), col(Task.blocked_reason) != "")
        ),
        "reported": _flag(progress_reported(task_id, **scope)),
        "pending": _flag(_extension_pending(task_id, **scope)),
    }


STANDING_FIELDS = ("state", "late", "progressed", "blocker", "reported", "pending")


def _in_scope(directive: bool, agency: bool) -> list[ColumnElement[bool]]:
    """The tasks of the workspace bound as `workspace_id`, and of the
    directive / agency bound as `directive_id` / `agency_id` if asked."""
    where = [col(Task.workspace_id) == bindparam("workspace_id", type_=Integer)]
    if directive:
        where.append(col(Task.directive_id) == bindparam("directive_id", type_=Integer))
    if agency:
        where.append(col(Task.agency_id) == bindparam("agency_id", type_=Integer))
    return where


def _values(
    workspace_id: int, today: date, directive_id: int | None, agency_id: int | None
) -> dict[str, Any]:
    values: dict[str, Any] = {"workspace_id": workspace_id, "today": today}
    if directive_id is not None:
        values["directive_id"] = directive_id
    if agency_id is not None:
        values["agency_id"] = agency_id
    return values


# The statements below are built once and run with bound values: building one
# (aliases of the update table, ...) costs more than running it on SQLite and
# leaves cyclic garbage behind, which brought 100 ms garbage collections.


@lru_cache(maxsize=16)
def _counts_statement(
    by: Literal["directive", "agency"] | None, directive: bool, agency: bool
) -> Executable:
    columns = standing_columns(many=True, directive=directive, agency=agency)
    group: Any = _ZERO
    if by == "directive":
        group = col(Task.directive_id)
    elif by == "agency":
        group = col(Task.agency_id)
    inner = (
        sa_select(group.label("group_id"), *(c.label(n) for n, c in columns.items()))
        .where(*_in_scope(directive, agency))
        .subquery("standing")
    )
    keys = [inner.c.group_id, *(inner.c[name] for name in columns)]
    return sa_select(*keys, func.count().label("tasks")).group_by(*keys)


async def standing_counts(
    session: AsyncSession,
    workspace_id: int,
    today: date,
    *,
    by: Literal["directive", "agency"] | None = None,
    directive_id: int | None = None,
    agency_id: int | None = None,
) -> list[StandingCount]:
    """How many tasks of the scope share each standing on `today`, per
    directive or agency (`by`) or in all (group 0): every figure of a view, in
    one statement, a row per combination rather than per task."""
    statement = _counts_statement(by, directive_id is not None, agency_id is not None)
    connection = await session.connection()  # Core rows: no ORM work
    result = await connection.execute(
        statement, _values(workspace_id, today, directive_id, agency_id)
    )
    return [StandingCount._make(row) for row in result.all()]


@dataclass(frozen=True, slots=True)
class ListFilter:
    """Which tasks a list shows: those whose standing, narrowed to `fields`
    (names of STANDING_FIELDS), is one of `values`; listed by `ranks` (the
    rank of the category of each (state, late)), then deadline (none last),
    then id."""

    fields: tuple[str, ...]
    values: frozenset[tuple[Any, ...]]
    ranks: tuple[tuple[tuple[str, int], int], ...]


def _kept(shown: ListFilter, directive: bool, agency: bool) -> list[ColumnElement[bool]]:
    columns = standing_columns(many=True, directive=directive, agency=agency)
    narrowed = [columns[name] for name in shown.fields]
    where = _in_scope(directive, agency)
    if len(narrowed) == 1:
        where.append(narrowed[0].in_(sorted(value[0] for value in shown.values)))
    else:
        where.append(tuple_(*narrowed).in_(sorted(shown.values)))
    if "state" in shown.fields:  # lets the (workspace, state, deadline) index narrow the scan
        at = shown.fields.index("state")
        where.append(col(Task.state).in_(sorted({value[at] for value in shown.values})))
    return where


@lru_cache(maxsize=32)
def _list_statement(shown: ListFilter, directive: bool, agency: bool) -> Executable:
    late = standing_columns(many=True)["late"]
    rank = case(
        *(
            ((col(Task.state) == state) & (late == is_late), value)
            for (state, is_late), value in shown.ranks
        ),
        else_=len(shown.ranks),
    )
    undated = _flag(col(Task.effective_deadline).is_(None))
    page = (
        sa_select(
            col(Task.id).label("id"),
            rank.label("rank"),
            undated.label("undated"),
            col(Task.effective_deadline).label("deadline"),
            func.count().over().label("kept"),
        )
        .where(*_kept(shown, directive, agency))
        .order_by(rank, undated, col(Task.effective_deadline), col(Task.id))
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
        .subquery("page")
    )
    pending_until = (
        sa_select(func.max(col(ExtensionRequest.requested_date)))
        .where(
            col(ExtensionRequest.task_id) == col(Task.id),
            col(ExtensionRequest.state) == ExtensionState.PENDING,
        )
        .scalar_subquery()
    )
    own = standing_columns(many=False)  # correlated forms: evaluated for the page only
    return (
        sa_select(
            col(Task.id),
            col(Task.code),
            col(Task.action),
            col(Agency.code),
            col(Agency.name),
            col(Directive.number),
            col(Task.state),
            col(Task.effective_deadline),
            col(Task.original_effective_deadline),
            col(Task.completed_on),
            col(Task.progress),
            col(Task.blocked_reason),
            pending_until,
            *(own[name] for name in STANDING_FIELDS[1:]),
            page.c.kept,
        )
        .select_from(page)
        .join(Task, col(Task.id) == page.c.id)
        .join(Agency, col(Agency.id) == col(Task.agency_id))
        .join(Directive, col(Directive.id) == col(Task.directive_id))
        .order_by(page.c.rank, page.c.undated, page.c.deadline, page.c.id)
    )


@lru_cache(maxsize=32)
def _kept_count_statement(shown: ListFilter, directive: bool, agency: bool) -> Executable:
    return sa_select(func.count()).select_from(Task).where(*_kept(shown, directive, agency))


async def listed_tasks(
    session: AsyncSession,
    workspace_id: int,
    today: date,
    shown: ListFilter,
    *,
    offset: int,
    limit: int,
    directive_id: int | None = None,
    agency_id: int | None = None,
) -> tuple[list[ListedTask], int]:
    """One page of the scope's tasks that `shown` keeps, with their texts, and
    how many tasks it keeps in all, in one statement (a second one only when
    the page is past the end)."""
    if not shown.values:
        return [], 0
    scoped = (shown, directive_id is not None, agency_id is not None)
    values = _values(workspace_id, today, directive_id, agency_id)
    connection = await session.connection()  # Core rows: no ORM work
    result = await connection.execute(
        _list_statement(*scoped), {**values, "offset": offset, "limit": limit}
    )
    rows = result.all()
    if rows:
        count: Any = rows[0][-1]
        return [ListedTask._make(row[:-1]) for row in rows], int(count)
    if offset == 0:
        return [], 0
    total = (await connection.execute(_kept_count_statement(*scoped), values)).scalar()
    return [], int(total or 0)


async def labels(
    session: AsyncSession,
    workspace_id: int,
    *,
    agency_ids: Iterable[int] = (),
    directive_ids: Iterable[int] = (),
) -> dict[tuple[str, int], tuple[str, str]]:
    """(code, name) of agencies and (number, subject) of directives a view
    lists, keyed ("a", id) / ("d", id), in one query."""
    agencies_wanted, directives_wanted = sorted(set(agency_ids)), sorted(set(directive_ids))
    found: dict[tuple[str, int], tuple[str, str]] = {}
    if agencies_wanted:
        rows: Any = await session.execute(
            sa_select(col(Agency.id), col(Agency.code), col(Agency.name)).where(
                col(Agency.workspace_id) == workspace_id, col(Agency.id).in_(agencies_wanted)
            )
        )
        found.update({("a", i): (code, name) for i, code, name in rows.all()})
    if directives_wanted:
        rows = await session.execute(
            sa_select(col(Directive.id), col(Directive.number), col(Directive.subject)).where(
                col(Directive.workspace_id) == workspace_id,
                col(Directive.id).in_(directives_wanted),
            )
        )
        found.update(
            {("d", i): (number or f"#{i}", subject or "") for i, number, subject in rows.all()}
        )
    return found


async def get_task(session: AsyncSession, task_id: int) -> Task | None:
    return await session.get(Task, task_id)


async def lock_task(session: AsyncSession, task_id: int) -> Task | None:
    """The task row for an update, locked on PostgreSQL until the commit
    (SQLite serialises writers by itself)."""
    query = select(Task).where(col(Task.id) == task_id).with_for_update()
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def task_by_code(session: AsyncSession, workspace_id: int, code: str) -> Task | None:
    """A task by the short code focal points type ("T12", "t12")."""
    result = await session.execute(
        select(Task).where(
            Task.workspace_id == workspace_id, func.upper(Task.code) == code.strip().upper()
        )
    )
    return result.scalar_one_or_none()


async def tasks_by_ids(session: AsyncSession, task_ids: Sequence[int]) -> list[Task]:
    if not task_ids:
        return []
    result = await session.execute(
        select(Task).where(col(Task.id).in_(list(task_ids))).order_by(col(Task.id))
    )
    return list(result.scalars())


async def open_tasks_of_agency(
    session: AsyncSession, workspace_id: int, agency_id: int, *, limit: int = 50
) -> list[Task]:
    """An agency's open tasks, nearest deadline first (no deadline last)."""
    result = await session.execute(
        select(Task)
        .where(
            Task.workspace_id == workspace_id,
            Task.agency_id == agency_id,
            Task.state == "open",
        )
        .order_by(
            col(Task.effective_deadline).is_(None), col(Task.effective_deadline), col(Task.id)
        )
        .limit(limit)
    )
    return list(result.scalars())


async def directive(session: AsyncSession, directive_id: int) -> Directive | None:
    return await session.get(Directive, directive_id)


async def append_update(session: AsyncSession, update: StatusUpdate) -> StatusUpdate:
    """Append one history row (never updated afterwards)."""
    session.add(update)
    await session.flush()
    return update


async def status_update(session: AsyncSession, update_id: int) -> StatusUpdate | None:
    return await session.get(StatusUpdate, update_id)


async def history(session: AsyncSession, task_id: int) -> list[StatusUpdate]:
    """A task's history, oldest first."""
    result = await session.execute(
        select(StatusUpdate).where(StatusUpdate.task_id == task_id).order_by(col(StatusUpdate.id))
    )
    return list(result.scalars())


async def is_reverted(session: AsyncSession, task_id: int, update_id: int) -> bool:
    result = await session.execute(
        select(StatusUpdate.id).where(
            StatusUpdate.task_id == task_id, StatusUpdate.reverts_id == update_id
        )
    )
    return result.first() is not None


async def latest_change_id(session: AsyncSession, task_id: int, kinds: Sequence[str]) -> int | None:
    """The id of the task's latest update among `kinds` (the changes an undo may revert)."""
    result = await session.execute(
        select(func.max(col(StatusUpdate.id))).where(
            StatusUpdate.task_id == task_id, col(StatusUpdate.kind).in_(list(kinds))
        )
    )
    value = result.scalar_one_or_none()
    return int(value) if value is not None else None
