"""Every query of the reminder outbox: plan, claim, record, recover, report.

Portability: the same statements run on SQLite and PostgreSQL. Inserts use
the dialect's `INSERT ... ON CONFLICT DO NOTHING` (the outbox key decides,
not a read-then-write race); claims are one conditional `UPDATE ... WHERE
state = 'pending' RETURNING id`, atomic on both (PostgreSQL re-checks the
condition after a concurrent writer commits; SQLite has one writer at a
time). On PostgreSQL the claim also skips rows another process has locked
(`FOR UPDATE SKIP LOCKED`), so two processes do not even wait on each other.

Open tasks are selected with the literal predicate `state = 'open'`, never a
bound parameter: only then can SQLite and PostgreSQL prove the query matches
the partial index `ix_task_open_next_reminder`, which keeps the sweep's cost
proportional to the reminders due rather than to all tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Row,
    String,
    and_,
    bindparam,
    cast,
    exists,
    false,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from bot.domain.rights import Role
from storage.models import (
    Agency,
    Chat,
    Directive,
    Member,
    OutboxState,
    ReminderDelivery,
    ReminderOutbox,
    Task,
    TaskState,
)

OPEN_TASK = text("task.state = 'open'")  # literal, to match the partial index
# Inserts and updates go to the tables (Core), not the ORM classes: no identity-map
# synchronisation, a fraction of the cost per statement.
DELIVERY = ReminderDelivery.__table__  # type: ignore[attr-defined]
TASK = Task.__table__  # type: ignore[attr-defined]
SWEEP_TASK_COLUMNS = (
    TASK.c.id,
    TASK.c.workspace_id,
    TASK.c.agency_id,
    TASK.c.effective_deadline,
    TASK.c.next_reminder_at,
    TASK.c.reminders_checked_at,
)
OUTBOX = ReminderOutbox.__table__  # type: ignore[attr-defined]
SETTLE_ORDER = ("unknown", "failed", "sent", "cancelled")  # worst first (OutboxState values)
_IN_FLIGHT = frozenset({"pending", "sending"})
# Telegram dates a message by its own clock, in whole seconds.
ARRIVAL_CLOCK_SLACK = timedelta(minutes=1)


def _is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert(session: AsyncSession, model: Any) -> Any:
    dialect = postgresql if _is_postgres(session) else sqlite
    return dialect.insert(model)


# ---------------------------------------------------------------- planning


async def due_tasks(session: AsyncSession, now: datetime, limit: int) -> Sequence[Any]:
    """Open tasks whose next reminder is due, oldest first, at most `limit`.

    Served by the partial index on open tasks' next_reminder_at. On
    PostgreSQL, rows another sweep is planning right now are skipped (they
    will be done by that sweep); the outbox key makes overlap harmless anyway.
    Plain rows, not ORM objects: at 08:00 this can be thousands of tasks.
    """
    query = (
        select(*SWEEP_TASK_COLUMNS)
        .where(OPEN_TASK, TASK.c.next_reminder_at <= now)
        .order_by(TASK.c.next_reminder_at)
        .limit(limit)
    )
    if _is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=TASK)
    return (await session.execute(query)).all()


def due_tasks_sql() -> str:
    """The sweep's selection as SQL text, for EXPLAIN in tests and benchmarks."""
    return (
        "SELECT id FROM task WHERE task.state = 'open' AND next_reminder_at <= :now "
        "ORDER BY next_reminder_at LIMIT :limit"
    )


async def insert_outbox(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> list[tuple[int, int, str, Any]]:
    """Insert reminders; those already planned (same task, kind, day) are skipped.

    Returns (id, task_id, kind, day) of the rows actually inserted: only they
    get deliveries, so a reminder planned twice is delivered once.
    """
    if not rows:
        return []
    statement = (
        _insert(session, OUTBOX)
        .on_conflict_do_nothing(index_elements=["task_id", "kind", "day"])
        .returning(OUTBOX.c.id, OUTBOX.c.task_id, OUTBOX.c.kind, OUTBOX.c.day)
    )
    # executemany ("insertmanyvalues"): compiled once and cached, unlike a
    # VALUES list whose SQL changes with the number of rows.
    result = await session.execute(statement, list(rows))
    return [(row[0], row[1], row[2], row[3]) for row in result.all()]


async def insert_deliveries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    statement = (
        _insert(session, DELIVERY)
        .on_conflict_do_nothing(index_elements=["outbox_id", "telegram_chat_id"])
        .returning(DELIVERY.c.id)
    )
    result = await session.execute(statement, list(rows))
    return len(result.all())


async def mark_outbox(
    session: AsyncSession, outbox_ids: Sequence[int], state: str, error: str | None = None
) -> None:
    if outbox_ids:
        await session.execute(
            update(OUTBOX)
            .where(col(ReminderOutbox.id).in_(list(outbox_ids)))
            .values(state=state, error=error)
        )


async def advance_tasks(
    session: AsyncSession, changes: Sequence[tuple[int, datetime | None, datetime | None, datetime]]
) -> int:
    """Move each task's next reminder: (task_id, expected_next, new_next, checked_at).

    Conditional on next_reminder_at still being what the sweep read: if a
    status change or an extension re-planned the task meanwhile, its plan wins.
    """
    if not changes:
        return 0
    table = Task.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.next_reminder_at == bindparam("b_expected"),
        )
        .values(next_reminder_at=bindparam("b_next"), reminders_checked_at=bindparam("b_checked"))
    )
    params = [
        {"b_id": task_id, "b_expected": expected, "b_next": new_next, "b_checked": checked}
        for task_id, expected, new_next, checked in changes
    ]
    result = await session.execute(statement, params)
    return int(getattr(result, "rowcount", 0) or 0)


async def target_chats(session: AsyncSession, workspace_ids: Iterable[int]) -> list[Chat]:
    """Chats with a purpose in these workspaces that the bot is still in."""
    ids = sorted(set(workspace_ids))
    if not ids:
        return []
    query = (
        select(Chat)
        .where(
            col(Chat.workspace_id).in_(ids),
            col(Chat.purpose).is_not(None),
            col(Chat.bot_is_member) == True,  # noqa: E712
        )
        .order_by(col(Chat.id))
    )
    return list((await session.execute(query)).scalars())


async def focal_points(session: AsyncSession, agency_ids: Iterable[int]) -> list[Member]:
    """Active focal points of these agencies, in the order they joined."""
    ids = sorted(set(agency_ids))
    if not ids:
        return []
    query = (
        select(Member)
        .where(
            col(Member.agency_id).in_(ids),
            col(Member.role) == Role.FOCAL_POINT,
            col(Member.active) == True,  # noqa: E712
        )
        .order_by(col(Member.id))
    )
    return list((await session.execute(query)).scalars())


async def agencies(session: AsyncSession, agency_ids: Iterable[int]) -> list[Agency]:
    ids = sorted(set(agency_ids))
    if not ids:
        return []
    return list((await session.execute(select(Agency).where(col(Agency.id).in_(ids)))).scalars())


async def directives(session: AsyncSession, directive_ids: Iterable[int]) -> list[Directive]:
    ids = sorted(set(directive_ids))
    if not ids:
        return []
    query = select(Directive).where(col(Directive.id).in_(ids))
    return list((await session.execute(query)).scalars())


async def tasks(session: AsyncSession, task_ids: Iterable[int]) -> list[Task]:
    ids = sorted(set(task_ids))
    if not ids:
        return []
    return list((await session.execute(select(Task).where(col(Task.id).in_(ids)))).scalars())


async def task_rows(session: AsyncSession, task_ids: Iterable[int]) -> Sequence[Row[Any]]:
    """Tasks as plain rows, for rendering reminders."""
    ids = sorted(set(task_ids))
    if not ids:
        return []
    return (await session.execute(select(TASK).where(TASK.c.id.in_(ids)))).all()


async def chats(session: AsyncSession, telegram_chat_ids: Iterable[int]) -> list[Chat]:
    ids = sorted(set(telegram_chat_ids))
    if not ids:
        return []
    query = select(Chat).where(col(Chat.telegram_chat_id).in_(ids))
    return list((await session.execute(query)).scalars())


# ---------------------------------------------------------------- sending


async def pending_by_chat(
    session: AsyncSession, now: datetime, limit: int
) -> dict[int, list[Row[Any]]]:
    """Deliveries ready to go (new, or retry time reached), as plain rows grouped
    by chat. Read whole, so a sweep does not read them twice: the claim
    re-checks the state, so a row another process took meanwhile is skipped."""
    query = (
        select(DELIVERY)
        .where(
            DELIVERY.c.state == OutboxState.PENDING,
            or_(DELIVERY.c.next_attempt_at.is_(None), DELIVERY.c.next_attempt_at <= now),
        )
        .order_by(DELIVERY.c.id)
        .limit(limit)
    )
    grouped: dict[int, list[Row[Any]]] = {}
    for row in (await session.execute(query)).all():
        grouped.setdefault(int(row.telegram_chat_id), []).append(row)
    return grouped


async def claim(
    session: AsyncSession, delivery_ids: Sequence[int], claimed_by: str, now: datetime
) -> list[int]:
    """Atomically take pending deliveries for this process; returns those it got.

    Another process claiming the same ids gets the complement: the update's
    `state = 'pending'` condition is re-checked under the row lock.
    """
    if not delivery_ids:
        return []
    table = ReminderDelivery.__table__  # type: ignore[attr-defined]
    if _is_postgres(session):
        lockable = (
            select(table.c.id)
            .where(table.c.id.in_(list(delivery_ids)), table.c.state == OutboxState.PENDING)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        condition = and_(table.c.id.in_(lockable), table.c.state == OutboxState.PENDING)
    else:
        condition = and_(table.c.id.in_(list(delivery_ids)), table.c.state == OutboxState.PENDING)
    statement = (
        update(table)
        .where(condition)
        .values(state=OutboxState.SENDING, claimed_by=claimed_by, claimed_at=now)
        .returning(table.c.id)
    )
    result = await session.execute(statement)
    return sorted(row[0] for row in result.all())


async def mark_sent(
    session: AsyncSession, messages: Sequence[tuple[Sequence[int], int, int, datetime]]
) -> None:
    """Record sent messages: (delivery ids, chat id, message id, when) each.

    One executemany for all of them (a sweep's messages that were accepted
    together are recorded in one transaction). Only rows still 'sending' move:
    a row recovery already declared 'unknown' stays so.
    """
    params = [
        {"b_id": delivery_id, "b_chat": chat_id, "b_message": message_id, "b_at": at}
        for delivery_ids, chat_id, message_id, at in messages
        for delivery_id in delivery_ids
    ]
    if not params:
        return
    await session.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id == bindparam("b_id"), DELIVERY.c.state == OutboxState.SENDING)
        .values(
            state=OutboxState.SENT,
            telegram_chat_id=bindparam("b_chat"),
            telegram_message_id=bindparam("b_message"),
            sent_at=bindparam("b_at"),
            attempts=DELIVERY.c.attempts + 1,
            error=None,
        ),
        params,
    )


async def mark(
    session: AsyncSession,
    delivery_ids: Sequence[int],
    state: str,
    *,
    error: str | None,
    from_states: Sequence[str] = (OutboxState.SENDING,),
    count_attempt: bool = True,
) -> int:
    """Move deliveries to `state` (failed, unknown, cancelled) from `from_states`."""
    if not delivery_ids:
        return 0
    values: dict[str, Any] = {"state": state, "error": error}
    if count_attempt:
        values["attempts"] = col(ReminderDelivery.attempts) + 1
    result = await session.execute(
        update(DELIVERY)
        .where(
            col(ReminderDelivery.id).in_(list(delivery_ids)),
            col(ReminderDelivery.state).in_(list(from_states)),
        )
        .values(**values)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release(
    session: AsyncSession,
    delivery_ids: Sequence[int],
    *,
    next_attempt_at: datetime,
    error: str | None,
    count_attempt: bool,
    doubtful: bool = False,
) -> int:
    """Give claimed deliveries back (pending again) to be retried at `next_attempt_at`.

    `doubtful`: the send's answer never came, so the message may be in the
    chat already; the count and the first such claim are kept for the repeat's
    label and for `confirm_arrival`."""
    if not delivery_ids:
        return 0
    values: dict[str, Any] = {
        "state": OutboxState.PENDING,
        "next_attempt_at": next_attempt_at,
        "claimed_by": None,
        "error": error,
    }
    if count_attempt:
        values["attempts"] = col(ReminderDelivery.attempts) + 1
    if doubtful:
        values["doubtful_sends"] = DELIVERY.c.doubtful_sends + 1
        values["doubtful_since"] = func.coalesce(DELIVERY.c.doubtful_since, DELIVERY.c.claimed_at)
    result = await session.execute(
        update(DELIVERY)
        .where(
            col(ReminderDelivery.id).in_(list(delivery_ids)),
            col(ReminderDelivery.state) == OutboxState.SENDING,
        )
        .values(**values)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def doubt(
    session: AsyncSession,
    delivery_ids: Sequence[int],
    *,
    retry_at: datetime,
    error: str,
    max_sends: int,
    count_attempt: bool,
) -> tuple[int, int]:
    """Claimed deliveries whose send got no answer: repeated later, or 'unknown'
    once `max_sends` sends went unanswered. Returns (to repeat, given up)."""
    if not delivery_ids:
        return 0, 0
    values: dict[str, Any] = {
        "state": OutboxState.UNKNOWN,
        "error": error,
        "doubtful_sends": DELIVERY.c.doubtful_sends + 1,
        "doubtful_since": func.coalesce(DELIVERY.c.doubtful_since, DELIVERY.c.claimed_at),
    }
    if count_attempt:
        values["attempts"] = DELIVERY.c.attempts + 1
    given_up = await session.execute(
        update(DELIVERY)
        .where(
            DELIVERY.c.id.in_(list(delivery_ids)),
            DELIVERY.c.state == OutboxState.SENDING,
            DELIVERY.c.doubtful_sends + 1 >= max_sends,
        )
        .values(**values)
        .returning(DELIVERY.c.id)
    )
    unknown = len(given_up.all())
    repeat = await release(
        session,
        delivery_ids,
        next_attempt_at=retry_at,
        error=error,
        count_attempt=count_attempt,
        doubtful=True,
    )
    return repeat, unknown


async def move_to_chat(
    session: AsyncSession, delivery_ids: Sequence[int], telegram_chat_id: int
) -> None:
    """A migrated group: these deliveries now go to the supergroup's id."""
    if delivery_ids:
        await session.execute(
            update(DELIVERY)
            .where(col(ReminderDelivery.id).in_(list(delivery_ids)))
            .values(telegram_chat_id=telegram_chat_id)
        )


async def settle_outbox(session: AsyncSession, outbox_ids: Iterable[int]) -> None:
    """Summarise deliveries on their reminder: state and the first message sent.

    A reminder is settled once none of its deliveries is pending or sending;
    its state is the worst outcome among its chats (unknown, then failed,
    then sent, then cancelled), so a problem anywhere shows on the reminder.
    """
    ids = sorted(set(outbox_ids))
    if not ids:
        return
    rows = (
        await session.execute(
            select(
                col(ReminderDelivery.outbox_id),
                col(ReminderDelivery.state),
                col(ReminderDelivery.telegram_chat_id),
                col(ReminderDelivery.telegram_message_id),
                col(ReminderDelivery.sent_at),
                col(ReminderDelivery.error),
            )
            .where(col(ReminderDelivery.outbox_id).in_(ids))
            .order_by(col(ReminderDelivery.id))
        )
    ).all()
    by_outbox: dict[int, list[Any]] = {}
    for row in rows:
        by_outbox.setdefault(row[0], []).append(row)
    params: list[dict[str, Any]] = []
    for outbox_id, group in by_outbox.items():
        states = {str(row[1]) for row in group}
        if not states.isdisjoint(_IN_FLIGHT):
            continue
        state = next(s for s in SETTLE_ORDER if s in states)
        first_sent = next((r for r in group if r[1] == "sent"), None)
        params.append(
            {
                "b_id": outbox_id,
                "b_state": state,
                "b_error": next((r[5] for r in group if r[1] == state), None),
                "b_chat": first_sent[2] if first_sent else None,
                "b_message": first_sent[3] if first_sent else None,
                "b_sent_at": first_sent[4] if first_sent else None,
            }
        )
    if params:  # one executemany for every settled reminder
        await session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == bindparam("b_id"))
            .values(
                state=bindparam("b_state"),
                error=bindparam("b_error"),
                telegram_chat_id=bindparam("b_chat"),
                telegram_message_id=bindparam("b_message"),
                sent_at=bindparam("b_sent_at"),
            ),
            params,
        )


async def unsettled_outbox(session: AsyncSession, limit: int = 2000) -> list[int]:
    """Pending reminders none of whose deliveries is pending or sending."""
    busy = exists().where(
        col(ReminderDelivery.outbox_id) == col(ReminderOutbox.id),
        col(ReminderDelivery.state).in_([OutboxState.PENDING, OutboxState.SENDING]),
    )
    query = (
        select(col(ReminderOutbox.id))
        .where(col(ReminderOutbox.state) == OutboxState.PENDING, ~busy)
        .limit(limit)
    )
    return [int(row[0] or 0) for row in (await session.execute(query)).all()]


async def cancel_pending(session: AsyncSession, task_id: int) -> list[int]:
    """Withdraw a task's reminders not yet being sent; returns their outbox ids."""
    table = ReminderDelivery.__table__  # type: ignore[attr-defined]
    result = await session.execute(
        update(table)
        .where(table.c.task_id == task_id, table.c.state == OutboxState.PENDING)
        .values(state=OutboxState.CANCELLED, error="task changed before sending")
        .returning(table.c.outbox_id)
    )
    outbox_ids = sorted({row[0] for row in result.all()})
    await session.execute(
        update(OUTBOX)
        .where(
            col(ReminderOutbox.task_id) == task_id, col(ReminderOutbox.state) == OutboxState.PENDING
        )
        .values(state=OutboxState.CANCELLED, error="task changed before sending")
    )
    return outbox_ids


async def confirm_arrival(
    session: AsyncSession,
    telegram_chat_id: int,
    message_id: int,
    message_date: datetime,
    task_ids: Sequence[int],
) -> list[int]:
    """Deliveries awaiting a repeat that this message proves arrived; recorded as sent.

    The message is a bot message in the chat with these tasks' buttons that
    no delivery recorded, dated no earlier than the first doubtful send
    (less a minute for the two clocks): the send whose answer was lost.
    Returns the outbox ids touched, to be settled.
    """
    if not task_ids:
        return []
    recorded = select(DELIVERY.c.id).where(
        DELIVERY.c.telegram_chat_id == telegram_chat_id,
        DELIVERY.c.telegram_message_id == message_id,
    )
    if (await session.execute(recorded.limit(1))).first() is not None:
        return []
    result = await session.execute(
        update(DELIVERY)
        .where(
            DELIVERY.c.telegram_chat_id == telegram_chat_id,
            DELIVERY.c.task_id.in_(list(task_ids)),
            DELIVERY.c.state == OutboxState.PENDING,
            DELIVERY.c.doubtful_sends > 0,
            DELIVERY.c.doubtful_since <= message_date + ARRIVAL_CLOCK_SLACK,
        )
        .values(
            state=OutboxState.SENT,
            telegram_message_id=message_id,
            sent_at=message_date,
            next_attempt_at=None,
            error=None,
        )
        .returning(DELIVERY.c.outbox_id)
    )
    return sorted({int(row[0]) for row in result.all()})


# ---------------------------------------------------------------- recovery, reports


async def sending(session: AsyncSession) -> list[tuple[int, str | None, datetime | None]]:
    """(id, claimed_by, claimed_at) of every delivery in 'sending'."""
    query = select(
        col(ReminderDelivery.id), col(ReminderDelivery.claimed_by), col(ReminderDelivery.claimed_at)
    ).where(col(ReminderDelivery.state) == OutboxState.SENDING)
    rows = (await session.execute(query)).all()
    return [(int(row[0] or 0), row[1], row[2]) for row in rows]


async def unreported(session: AsyncSession, limit: int) -> list[ReminderDelivery]:
    """Unknown and failed deliveries the admins have not been told about."""
    query = (
        select(ReminderDelivery)
        .where(
            col(ReminderDelivery.state).in_([OutboxState.UNKNOWN, OutboxState.FAILED]),
            col(ReminderDelivery.reported_at).is_(None),
        )
        .order_by(col(ReminderDelivery.id))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def mark_reported(session: AsyncSession, delivery_ids: Sequence[int], at: datetime) -> None:
    if delivery_ids:
        await session.execute(
            update(DELIVERY)
            .where(col(ReminderDelivery.id).in_(list(delivery_ids)))
            .values(reported_at=at)
        )


# ---------------------------------------------------------------- sending again what was reported

CHAT = Chat.__table__  # type: ignore[attr-defined]
NO_CHAT = 0  # the delivery "chat" of a reminder that had nowhere to go


def _resendable(transient_prefixes: Sequence[str]) -> Any:
    """A delivery an admin may send again: its outcome is unknown, or it failed
    for a reason that may pass (`transient_prefixes` of its error); it had a
    chat and the bot is not known to have left it; its task is still open with
    the deadline the reminder was planned for (what the sender re-checks)."""
    task_still_due = exists().where(
        TASK.c.id == DELIVERY.c.task_id,
        TASK.c.state == TaskState.OPEN.value,
        TASK.c.effective_deadline.is_not_distinct_from(DELIVERY.c.deadline),
    )
    chat_gone = exists().where(
        CHAT.c.telegram_chat_id == DELIVERY.c.telegram_chat_id,
        CHAT.c.bot_is_member == false(),
    )
    transient = or_(
        *(DELIVERY.c.error.startswith(prefix, autoescape=True) for prefix in transient_prefixes)
    )
    return and_(
        DELIVERY.c.telegram_chat_id != NO_CHAT,
        or_(
            DELIVERY.c.state == OutboxState.UNKNOWN,
            and_(DELIVERY.c.state == OutboxState.FAILED, transient),
        ),
        task_still_due,
        ~chat_gone,
    )


async def resendable(
    session: AsyncSession, delivery_ids: Sequence[int], transient_prefixes: Sequence[str]
) -> list[int]:
    """Which of these deliveries `reopen` would put back, in id order."""
    if not delivery_ids:
        return []
    query = (
        select(DELIVERY.c.id)
        .where(DELIVERY.c.id.in_(list(delivery_ids)), _resendable(transient_prefixes))
        .order_by(DELIVERY.c.id)
    )
    return [int(row[0]) for row in (await session.execute(query)).all()]


async def reopen(
    session: AsyncSession,
    delivery_ids: Sequence[int],
    now: datetime,
    transient_prefixes: Sequence[str],
) -> list[tuple[int, int]]:
    """Put these deliveries, where still resendable, back to 'pending' now.

    Attempts start again (a fresh set of retries) and `reported_at` is cleared
    (a new failure is reported again); `doubtful_sends` and `doubtful_since`
    stay, so a send that may have arrived goes out labelled as a repeat and a
    reply to an earlier copy still withdraws it. Their reminders are pending
    again too. The state condition is re-checked under the row lock, so of two
    concurrent calls only one moves a row. Returns (id, doubtful_sends) of the
    rows moved.
    """
    if not delivery_ids:
        return []
    result = await session.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id.in_(list(delivery_ids)), _resendable(transient_prefixes))
        .values(
            state=OutboxState.PENDING,
            next_attempt_at=now,
            attempts=0,
            reported_at=None,
            claimed_by=None,
        )
        .returning(DELIVERY.c.id, DELIVERY.c.outbox_id, DELIVERY.c.doubtful_sends)
    )
    rows = result.all()
    await mark_outbox(session, sorted({int(row[1]) for row in rows}), OutboxState.PENDING)
    return sorted((int(row[0]), int(row[2])) for row in rows)


async def tasks_of_message(
    session: AsyncSession, telegram_chat_id: int, message_id: int
) -> list[Task]:
    """The tasks a reminder message was about (empty if it was not a reminder).

    A reply to a reminder names the message; every delivery of the batch
    recorded that message's chat and id.
    """
    task_ids = (
        select(col(ReminderDelivery.task_id))
        .where(
            col(ReminderDelivery.telegram_chat_id) == telegram_chat_id,
            col(ReminderDelivery.telegram_message_id) == message_id,
        )
        .scalar_subquery()
    )
    query = select(Task).where(col(Task.id).in_(task_ids)).order_by(col(Task.id))
    return list((await session.execute(query)).scalars())


# ---------------------------------------------------------------- recurring duties


async def successor(session: AsyncSession, task_id: int) -> Task | None:
    """The occurrence opened after `task_id`, if any."""
    query = select(Task).where(col(Task.previous_occurrence_id) == task_id).order_by(col(Task.id))
    return (await session.execute(query.limit(1))).scalars().first()


async def task_with_code(session: AsyncSession, workspace_id: int, code: str) -> Task | None:
    query = select(Task).where(col(Task.workspace_id) == workspace_id, col(Task.code) == code)
    return (await session.execute(query.limit(1))).scalars().first()


async def recurring_without_successor(session: AsyncSession) -> list[Task]:
    """Open or done recurring occurrences that have no next occurrence yet.

    For the daily roll-over: a handful of rows per recurring duty, whatever
    the number of tasks. JSON `null` and SQL NULL both mean "not recurring".
    """
    following = aliased(Task)
    has_next = exists().where(col(following.previous_occurrence_id) == col(Task.id))
    query = (
        select(Task)
        .where(
            col(Task.recurrence).is_not(None),
            cast(col(Task.recurrence), String) != "null",
            col(Task.state).in_(["open", "done"]),
            ~has_next,
        )
        .order_by(col(Task.id))
    )
    return list((await session.execute(query)).scalars())
