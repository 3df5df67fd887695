"""Reminders: planned from the policy, written to the outbox, delivered once.

DESIGN.md "Reminders: the database is the source of truth". The JobQueue only
says "look now"; what is due, what was sent and what is in doubt lives in
the database, so a restart, a crash or a second process changes nothing.

One sweep (`sweep`, every minute and once at start-up) does three things:

1. Recover: deliveries left 'sending' by a dead process (or hung past
   `stale_after`) may or may not have gone out: like a send that got no
   answer, they are sent again later, labelled as a repeat.
2. Plan (`plan_due`): open tasks whose `next_reminder_at` has come (the
   partial index makes this cost the number of due tasks, not of all tasks)
   get `due(...)` since their `reminders_checked_at`: the latest reminder in
   that window (marked late when past the policy's grace, so a bot that was
   down sends one late reminder, not a backlog) plus an escalation. Each is
   inserted into the outbox under its unique (task, kind, day) key with ON
   CONFLICT DO NOTHING, with one delivery row per target chat; then the
   task's next reminder moves on. All in one transaction per batch.
3. Deliver (`deliver`): per chat, claim its pending deliveries atomically
   (a conditional UPDATE; on PostgreSQL with SKIP LOCKED), send ONE message
   listing them (split only past Telegram's limits), and record the message
   id on every delivery. A claim is taken just before the chat's send, so a
   crash leaves only the chats then in flight in doubt.

Failures while sending (see `SendFailure`): flood control and server errors
are retried later with backoff and a bounded number of attempts; a chat the
bot was removed from fails at once (`bot.services.chats.bot_removed`); a
migrated group is moved (`chats.migrate_chat`) and sent to its new id once; a
dropped connection after the request went out leaves the message in doubt
(HTTP cannot tell whether it arrived). Losing a reminder costs a missed
deadline, a labelled repeat costs a glance: so it is sent again after
`repeat_after`, saying so, unless a reply or a tap on the first copy proves
it arrived (`confirm_arrival`, fed by handlers/arrivals.py); after
`max_doubtful_sends` unanswered sends it is 'unknown' and reported to the
admins, who may have it sent again with the report's button
(bot/services/reminder_reports.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reminder_policy import ReminderKind, ReminderPolicy, due, next_reminder
from bot.runtime import Runtime
from bot.services import chats as chat_service
from bot.services.reminder_messages import (
    MAX_TASKS_PER_MESSAGE,
    AgencyInfo,
    Mention,
    MessagePart,
    TaskLine,
    render_reminder,
)
from bot.settings import Settings
from storage.database import Database
from storage.models import (
    Agency,
    ChatPurpose,
    Member,
    OutboxState,
    Task,
    TaskState,
)
from storage.repositories import reminders as repo

log = logging.getLogger("nhacviec.reminders")

# Plain database rows (sqlalchemy Row) of the task and reminderdelivery tables:
# the sweep handles thousands at 08:00 and ORM objects cost ten times more.
TaskRow = Any
DeliveryRow = Any

NO_CHAT = 0  # delivery "chat" of a reminder that had nowhere to go (reported, never sent)

_recovered_once: weakref.WeakSet[Database] = weakref.WeakSet()
_sqlite_writers: weakref.WeakKeyDictionary[Database, asyncio.Lock] = weakref.WeakKeyDictionary()


@asynccontextmanager
async def unit_of_work(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """A unit of work. On SQLite, one at a time within this process.

    SQLite has a single writer; concurrent transactions from the chats being
    delivered in parallel would otherwise wait in SQLite's busy handler, which
    sleeps in growing steps (a sweep to 100 chats took seconds). Taking turns
    in Python costs nothing: each transaction is a few milliseconds and no
    transaction spans a Telegram request. PostgreSQL needs no such gate.
    """
    database = runtime.database
    if database.engine.dialect.name != "sqlite":
        async with database.session() as session:
            yield session
        return
    gate = _sqlite_writers.setdefault(database, asyncio.Lock())
    async with gate, database.session() as session:
        yield session


# ---------------------------------------------------------------- process identity


@dataclass(frozen=True, slots=True)
class Claimant:
    """Who claimed a delivery: host, process id, and a token per start.

    The token tells a restarted process from its previous life even when
    the operating system gives it the same pid (pid 1 in a container).
    """

    host: str
    pid: int
    token: str

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"

    @classmethod
    def parse(cls, text: str | None) -> Claimant | None:
        if not text:
            return None
        host, _, rest = text.rpartition(":")
        host, _, pid = host.rpartition(":")
        if not host or not pid.isdigit():
            return None
        return cls(host, int(pid), rest)

    @classmethod
    def new(cls) -> Claimant:
        return cls(socket.gethostname()[:50] or "host", os.getpid(), secrets.token_hex(4))


THIS_PROCESS = Claimant.new()


def claimant_is_dead(claimant: Claimant | None, me: Claimant = THIS_PROCESS) -> bool:
    """True only when we can tell: same host, and the pid is gone or was ours before.

    A claim from another host is never judged here; only its age
    (`stale_after`) retires it, since that process may be alive.
    """
    if claimant is None or claimant.host != me.host:
        return False
    if claimant.pid == me.pid:
        return claimant.token != me.token
    try:
        os.kill(claimant.pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False
    return False


# ---------------------------------------------------------------- policy and planning


def policy_for(settings: Settings) -> ReminderPolicy:
    """The reminder policy from REMINDER_DAYS, REMINDER_TIME, ESCALATE_AFTER_DAYS, BOT_TIMEZONE."""
    return ReminderPolicy(
        days_before=tuple(settings.REMINDER_DAYS),
        send_time=settings.reminder_time,
        escalate_after=settings.ESCALATE_AFTER_DAYS,
        timezone=settings.timezone,
    )


def schedule_task(task: Task, runtime: Runtime) -> datetime | None:
    """Plan `task`'s next reminder from now on (the caller saves the task).

    For intake, status changes and extensions: a closed task or one without
    an effective deadline gets none; an open one gets the first reminder
    strictly after now, and `reminders_checked_at` becomes now, so reminders
    that fell due before this change (under an old deadline, or while the
    task was closed) are not sent late: the person just acted on the task.
    """
    now = runtime.now()
    if task.state != TaskState.OPEN or task.effective_deadline is None:
        task.next_reminder_at = None
        return None
    policy = policy_for(runtime.settings)
    upcoming = next_reminder(task.effective_deadline, policy, runtime.calendar, after=now)
    task.reminders_checked_at = now
    task.next_reminder_at = _utc(upcoming.send_at)
    return task.next_reminder_at


async def cancel_pending(session: AsyncSession, task_id: int) -> int:
    """Withdraw a task's reminders not yet sent (done, cancelled, deadline moved).

    Runs in the caller's transaction. Deliveries already being sent cannot
    be stopped; the sender also re-checks each task just before sending.
    Returns how many reminders were withdrawn.
    """
    outbox_ids = await repo.cancel_pending(session, task_id)
    await repo.settle_outbox(session, outbox_ids)
    return len(outbox_ids)


@dataclass
class PlanResult:
    tasks: int = 0
    reminders: int = 0
    deliveries: int = 0
    escalations: int = 0
    late: int = 0


@dataclass(frozen=True, slots=True)
class _Targets:
    """Who hears about which agency's tasks, resolved once per batch."""

    agency_groups: dict[tuple[int, int], list[int]]
    focal_groups: dict[int, list[int]]
    coordination: dict[int, list[int]]
    focal_points: dict[int, list[int]]
    heads: dict[int, int]

    def for_reminder(self, task: TaskRow, kind: str) -> list[int]:
        if kind == ReminderKind.ESCALATION:
            chats = list(self.coordination.get(task.workspace_id, []))
            head = self.heads.get(task.agency_id)
            if head is not None and head not in chats:
                chats.append(head)
            return chats
        return (
            self.agency_groups.get((task.workspace_id, task.agency_id))
            or self.focal_groups.get(task.workspace_id)
            or self.focal_points.get(task.agency_id)
            or []
        )


async def _targets(session: AsyncSession, tasks: Sequence[TaskRow]) -> _Targets:
    workspaces = {task.workspace_id for task in tasks}
    agency_ids = {task.agency_id for task in tasks}
    targets = _Targets({}, {}, {}, {}, {})
    for chat in await repo.target_chats(session, workspaces):
        assert chat.workspace_id is not None
        if chat.purpose == ChatPurpose.AGENCY and chat.agency_id is not None:
            key = (chat.workspace_id, chat.agency_id)
            targets.agency_groups.setdefault(key, []).append(chat.telegram_chat_id)
        elif chat.purpose == ChatPurpose.FOCAL_POINTS:
            targets.focal_groups.setdefault(chat.workspace_id, []).append(chat.telegram_chat_id)
        elif chat.purpose == ChatPurpose.COORDINATION:
            targets.coordination.setdefault(chat.workspace_id, []).append(chat.telegram_chat_id)
    for member in await repo.focal_points(session, agency_ids):
        assert member.agency_id is not None
        people = targets.focal_points.setdefault(member.agency_id, [])
        if member.telegram_user_id not in people:
            people.append(member.telegram_user_id)
    for agency in await repo.agencies(session, agency_ids):
        if agency.head_telegram_user_id is not None and agency.id is not None:
            targets.heads[agency.id] = agency.head_telegram_user_id
    return targets


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo("UTC"))


async def plan_due(runtime: Runtime, *, batch: int = 500) -> PlanResult:
    """Write every reminder due now into the outbox (no Telegram involved)."""
    policy = policy_for(runtime.settings)
    now = runtime.now()
    result = PlanResult()
    seen: set[int] = set()
    while True:
        async with unit_of_work(runtime) as session:
            tasks = await repo.due_tasks(session, now, batch)
            fresh = [task for task in tasks if task.id not in seen]
            if not fresh:
                break
            seen.update(task.id for task in fresh if task.id is not None)
            await _plan_batch(session, runtime, policy, fresh, now, result)
        if len(tasks) < batch:
            break
    return result


async def _plan_batch(
    session: AsyncSession,
    runtime: Runtime,
    policy: ReminderPolicy,
    tasks: Sequence[TaskRow],
    now: datetime,
    result: PlanResult,
) -> None:
    rows: list[dict[str, Any]] = []
    changes: list[tuple[int, datetime | None, datetime | None, datetime]] = []
    deadlines: dict[int, Any] = {}
    upcoming: dict[Any, datetime] = {}
    for task in tasks:
        assert task.id is not None
        result.tasks += 1
        deadline = task.effective_deadline
        if deadline is None:
            changes.append((task.id, task.next_reminder_at, None, now))
            continue
        deadlines[task.id] = deadline
        for reminder in due(
            deadline, policy, runtime.calendar, since=task.reminders_checked_at, now=now
        ):
            rows.append(
                {
                    "workspace_id": task.workspace_id,
                    "task_id": task.id,
                    "kind": reminder.kind.value,
                    "day": reminder.day,
                    "working_days": reminder.working_days,
                    "send_at": _utc(reminder.send_at),
                    "late": reminder.late,
                    "state": OutboxState.PENDING.value,
                    "attempts": 0,
                }
            )
        if deadline not in upcoming:  # tasks of one directive share their deadline
            upcoming[deadline] = _utc(
                next_reminder(deadline, policy, runtime.calendar, after=now).send_at
            )
        changes.append((task.id, task.next_reminder_at, upcoming[deadline], now))
    inserted = await repo.insert_outbox(session, rows)
    if inserted:
        by_key = {(row["task_id"], row["kind"], row["day"]): row for row in rows}
        by_id = {task.id: task for task in tasks}
        targets = await _targets(session, [by_id[task_id] for _, task_id, _, _ in inserted])
        deliveries: list[dict[str, Any]] = []
        nowhere: list[int] = []
        for outbox_id, task_id, kind, day in inserted:
            task, row = by_id[task_id], by_key[(task_id, kind, day)]
            chats = targets.for_reminder(task, kind)
            result.reminders += 1
            result.escalations += kind == ReminderKind.ESCALATION
            result.late += bool(row["late"])
            base = {
                "workspace_id": task.workspace_id,
                "outbox_id": outbox_id,
                "task_id": task_id,
                "kind": kind,
                "day": day,
                "deadline": deadlines[task_id],
                "working_days": row["working_days"],
                "send_at": row["send_at"],
                "late": row["late"],
                "attempts": 0,
            }  # every row has the same keys: one executemany takes them from the first
            if not chats:
                nowhere.append(outbox_id)
                deliveries.append(
                    {**base, "telegram_chat_id": NO_CHAT, "state": "failed", "error": "no_chat"}
                )
                continue
            for chat_id in chats:
                deliveries.append(
                    {**base, "telegram_chat_id": chat_id, "state": "pending", "error": None}
                )
        result.deliveries += await repo.insert_deliveries(session, deliveries)
        await repo.mark_outbox(session, nowhere, OutboxState.FAILED, "no_chat")
    await repo.advance_tasks(session, changes)


# ---------------------------------------------------------------- sending


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """What a Sender sends: HTML text and one row of task buttons per (task_id, code).

    `resend_report`: the admins' report (its Draft id) whose "send again"
    button goes under this message instead of task buttons.
    """

    chat_id: int
    text: str
    rows: tuple[tuple[int, str], ...] = ()
    resend_report: int | None = None


class SendFailure(Exception):
    """A send that did not return a message id; subclasses say what to do next."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class RetryLater(SendFailure):
    """Not delivered, try again later: flood control (retry_after), 5xx, no connection."""

    def __init__(self, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ChatGone(SendFailure):
    """The bot was removed from the chat, blocked, or the chat does not exist."""


class ChatMoved(SendFailure):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int, detail: str = "") -> None:
        super().__init__(detail or f"migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class Rejected(SendFailure):
    """Telegram refused this message (bad request): retrying would not help."""


class Ambiguous(SendFailure):
    """The request went out and no answer came back: it may have been delivered."""


class Sender(Protocol):
    async def send(self, message: OutgoingMessage) -> int:
        """Send and return the Telegram message id, or raise a SendFailure."""
        ...


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try.

    `concurrency` chats are in flight at once; the rate limiter paces them.
    Eight keep Telegram's 30 messages a second busy up to a 250 ms round trip,
    and bound what a crash leaves in doubt (about two chunks of chats).
    `max_attempts` bounds the retries of one delivery.

    A send whose answer never came may have arrived. It is sent again after
    `repeat_after`, saying so, unless a reply or a tap on the first message
    shows it arrived meanwhile (`confirm_arrival`); after `max_doubtful_sends`
    such sends the delivery is 'unknown' and reported to the admins. A lost
    reminder costs a missed deadline; a labelled repeat costs a glance.
    """

    concurrency: int = 8
    read_chunk: int = 64  # chats whose messages are read and rendered together
    max_attempts: int = 8
    repeat_after: timedelta = timedelta(minutes=15)
    max_doubtful_sends: int = 3
    base_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(minutes=30)
    stale_after: timedelta = timedelta(minutes=10)
    batch: int = 5000
    max_tasks_per_message: int = MAX_TASKS_PER_MESSAGE

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        wait = min(self.base_backoff * (2 ** max(attempts - 1, 0)), self.max_backoff)
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=retry_after))
        return wait


DEFAULT_DELIVERY = DeliveryPolicy()


@dataclass
class DeliveryResult:
    chats: int = 0
    messages: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0  # no answer, sent `max_doubtful_sends` times: reported
    to_repeat: int = 0  # no answer: sent again later, saying so
    cancelled: int = 0
    migrated: int = 0
    removed_from: list[int] = field(default_factory=list)

    _COUNTS: ClassVar[tuple[str, ...]] = (
        "chats",
        "messages",
        "sent",
        "retried",
        "failed",
        "unknown",
        "to_repeat",
        "cancelled",
    )

    def add(self, other: DeliveryResult) -> None:
        for name in self._COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.migrated += other.migrated
        self.removed_from.extend(other.removed_from)


async def deliver(
    runtime: Runtime,
    sender: Sender,
    *,
    claimant: Claimant = THIS_PROCESS,
    policy: DeliveryPolicy = DEFAULT_DELIVERY,
) -> DeliveryResult:
    """Send every pending delivery that is due: one message per chat.

    Chats go out `policy.concurrency` at a time (the rate limiter paces the
    requests). The due deliveries are read once, and what a chunk of
    `policy.read_chunk` chats' messages need in one go; each chat is claimed
    only when its turn to send comes (the claim re-checks the state), so a
    crash leaves at most the chats then in flight in doubt. Claims and records that fall due at
    the same moment share one statement (`_Batcher`), which keeps a sweep's
    database work to a few statements per chunk rather than a dozen per chat.
    """
    async with unit_of_work(runtime) as session:
        grouped = await repo.pending_by_chat(session, runtime.now(), policy.batch)
    chats = list(grouped.items())
    size = max(policy.concurrency, 1)
    step = max(policy.read_chunk, 1)
    chunks = [chats[start : start + step] for start in range(0, len(chats), step)]
    prepared: dict[int, asyncio.Task[dict[int, _ChatBatch]]] = {}
    total = DeliveryResult(chats=len(chats))
    gate = asyncio.Semaphore(size)
    claims = _Batcher(runtime, _claim_many(str(claimant)))
    records = _Batcher(runtime, _record_many)
    touched: list[int] = []

    async def one(chunk_index: int, chat_id: int) -> None:
        async with gate:
            if chunk_index not in prepared:
                prepared[chunk_index] = asyncio.ensure_future(
                    _prepare(runtime, chunks[chunk_index], policy, total)
                )
            batch = (await prepared[chunk_index]).get(chat_id)
            if batch is None:
                return
            claimed = set(await claims.run(tuple(batch.outbox_of)))
            if not claimed:
                return  # another process is sending these
            if len(claimed) < len(batch.outbox_of):
                batch = batch.only(claimed, runtime, policy)
            touched.extend(batch.outbox_of.values())
            total.add(await _send_batch(runtime, sender, batch, policy, records))

    try:
        await asyncio.gather(
            *(one(index, chat_id) for index, chunk in enumerate(chunks) for chat_id, _ in chunk)
        )
    finally:
        if touched:
            async with unit_of_work(runtime) as session:
                await repo.settle_outbox(session, touched)
    return total


def _claim_many(
    claimed_by: str,
) -> Callable[[AsyncSession, Runtime, list[Any]], Awaitable[list[Any]]]:
    async def claim(session: AsyncSession, runtime: Runtime, requests: list[Any]) -> list[Any]:
        ids = [delivery_id for request in requests for delivery_id in request]
        got = set(await repo.claim(session, ids, claimed_by, runtime.now()))
        return [[d for d in request if d in got] for request in requests]

    return claim


async def _record_many(session: AsyncSession, runtime: Runtime, requests: list[Any]) -> list[Any]:
    now = runtime.now()
    await repo.mark_sent(session, [(ids, chat, message, now) for ids, chat, message in requests])
    return [None] * len(requests)


class _Batcher:
    """Runs requests that arrive while a write is under way together, in the
    next transaction: one statement for many chats (SQLite costs a thread hop
    per statement). Each caller still waits for its own request to commit."""

    def __init__(
        self,
        runtime: Runtime,
        write: Callable[[AsyncSession, Runtime, list[Any]], Awaitable[list[Any]]],
    ) -> None:
        self.runtime = runtime
        self.write = write
        self.waiting: list[tuple[Any, asyncio.Future[Any]]] = []
        self.writer: asyncio.Task[None] | None = None

    async def run(self, request: Any) -> Any:
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting.append((request, done))
        if self.writer is None or self.writer.done():
            self.writer = asyncio.ensure_future(self._drain())
        return await done

    async def _drain(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            try:
                async with unit_of_work(self.runtime) as session:
                    answers = await self.write(session, self.runtime, [r for r, _ in batch])
            except Exception as error:
                for _, done in batch:
                    done.set_exception(error)
            else:
                for (_, done), answer in zip(batch, answers, strict=True):
                    done.set_result(answer)


@dataclass
class _ChatBatch:
    chat_id: int
    parts: list[MessagePart]
    attempts: dict[int, int]  # delivery id -> attempts so far
    outbox_of: dict[int, int]  # delivery id -> outbox id
    lines: list[TaskLine] = field(default_factory=list)
    agencies: dict[int, AgencyInfo] = field(default_factory=dict)

    def only(self, claimed: set[int], runtime: Runtime, policy: DeliveryPolicy) -> _ChatBatch:
        """The same chat's batch for the deliveries this process got (another took the rest)."""
        lines = []
        for line in self.lines:
            mine = tuple(d for d in line.delivery_ids if d in claimed)
            if mine:
                lines.append(replace(line, delivery_ids=mine))
        return _batch(
            runtime,
            policy,
            self.chat_id,
            lines,
            self.agencies,
            self.attempts,
            {d: o for d, o in self.outbox_of.items() if d in claimed},
        )


def _batch(
    runtime: Runtime,
    policy: DeliveryPolicy,
    chat_id: int,
    lines: list[TaskLine],
    agencies: dict[int, AgencyInfo],
    attempts: dict[int, int],
    outbox_of: dict[int, int],
) -> _ChatBatch:
    parts = render_reminder(
        lines,
        agencies,
        lang=runtime.language,
        today=runtime.today(),
        calendar=runtime.calendar,
        timezone=runtime.settings.timezone,
        private=chat_id > 0,
        max_tasks=policy.max_tasks_per_message,
    )
    return _ChatBatch(chat_id, parts, attempts, outbox_of, lines, agencies)


async def _send_batch(
    runtime: Runtime,
    sender: Sender,
    batch: _ChatBatch,
    policy: DeliveryPolicy,
    records: _Batcher,
) -> DeliveryResult:
    """Send one chat's message(s) in order, recording each as soon as it is accepted."""
    result = DeliveryResult()
    parts = list(batch.parts)
    moved = False
    while parts:
        part = parts[0]
        try:
            message_id = await sender.send(OutgoingMessage(batch.chat_id, part.text, part.rows))
        except ChatMoved as failure:
            if moved:
                await _give_up(runtime, batch, parts, f"migrated twice: {failure.detail}", result)
                return result
            moved = True
            await _migrate(runtime, batch, failure.new_chat_id, parts)
            result.migrated += 1
            continue
        except SendFailure as failure:
            await _on_failure(runtime, batch, parts, failure, policy, result)
            if isinstance(failure, Rejected):
                parts.pop(0)
                continue
            return result
        await records.run((part.delivery_ids, batch.chat_id, message_id))
        result.messages += 1
        result.sent += len(part.delivery_ids)
        parts.pop(0)
    return result


def _outboxes(batch: _ChatBatch, delivery_ids: Sequence[int]) -> list[int]:
    return [batch.outbox_of[d] for d in delivery_ids if d in batch.outbox_of]


async def _prepare(
    runtime: Runtime,
    chunk: Sequence[tuple[int, list[DeliveryRow]]],
    policy: DeliveryPolicy,
    result: DeliveryResult,
) -> dict[int, _ChatBatch]:
    """Read what a chunk of chats' messages need and render them (nothing is
    claimed yet); withdraw deliveries whose task was closed or whose deadline
    moved since they were planned."""
    rows = [row for _, chat_rows in chunk for row in chat_rows]
    async with unit_of_work(runtime) as session:
        tasks = {t.id: t for t in await repo.task_rows(session, [r.task_id for r in rows])}
        stale = {r.id for r in rows if not _still_due(r, tasks.get(r.task_id))}
        if stale:
            result.cancelled += await repo.mark(
                session,
                sorted(stale),
                OutboxState.CANCELLED,
                error="task closed or deadline moved before sending",
                from_states=(OutboxState.PENDING,),
                count_attempt=False,
            )
            await repo.settle_outbox(session, [r.outbox_id for r in rows if r.id in stale])
        live = [r for r in rows if r.id not in stale]
        context = await _context(session, [tasks[r.task_id] for r in live])
    by_chat: dict[int, list[DeliveryRow]] = {}
    for row in live:
        by_chat.setdefault(row.telegram_chat_id, []).append(row)
    batches: dict[int, _ChatBatch] = {}
    for chat_id, chat_rows in by_chat.items():
        lines = _lines(chat_rows, tasks, context)
        agencies = {line.agency_id: context.agencies[line.agency_id] for line in lines}
        attempts = {r.id: r.attempts for r in chat_rows}
        outbox_of = {r.id: r.outbox_id for r in chat_rows}
        batches[chat_id] = _batch(runtime, policy, chat_id, lines, agencies, attempts, outbox_of)
    return batches


def _still_due(delivery: DeliveryRow, task: TaskRow | None) -> bool:
    return (
        task is not None
        and task.state == TaskState.OPEN
        and task.effective_deadline == delivery.deadline
    )


@dataclass(frozen=True, slots=True)
class _Context:
    """Directive numbers and agencies (with their focal points) of a chunk's tasks."""

    directive_numbers: dict[int | None, str | None]
    agencies: dict[int, AgencyInfo]


async def _context(session: AsyncSession, tasks: Sequence[TaskRow]) -> _Context:
    directives = await repo.directives(session, {task.directive_id for task in tasks})
    agency_ids = {task.agency_id for task in tasks}
    agency_rows: dict[int | None, Agency] = {
        a.id: a for a in await repo.agencies(session, agency_ids)
    }
    people: dict[int, list[Member]] = {}
    for member in await repo.focal_points(session, agency_ids):
        assert member.agency_id is not None
        people.setdefault(member.agency_id, []).append(member)
    agencies = {
        agency_id: AgencyInfo(
            agency_id,
            agency_rows[agency_id].name if agency_id in agency_rows else str(agency_id),
            tuple(Mention(m.telegram_user_id, m.display_name) for m in people.get(agency_id, [])),
        )
        for agency_id in agency_ids
    }
    return _Context({d.id: d.number for d in directives}, agencies)


def _lines(
    rows: Sequence[DeliveryRow], tasks: dict[int, TaskRow], context: _Context
) -> list[TaskLine]:
    """One TaskLine per task (a task's several deliveries in one chat share it)."""
    by_task: dict[int, list[DeliveryRow]] = {}
    for row in rows:
        by_task.setdefault(row.task_id, []).append(row)
    lines: list[TaskLine] = []
    for task_id, deliveries_of_task in by_task.items():
        task = tasks[task_id]
        late = [d.send_at for d in deliveries_of_task if d.late]
        doubtful = [d.doubtful_since or d.send_at for d in deliveries_of_task if d.doubtful_sends]
        lines.append(
            TaskLine(
                task_id=task_id,
                code=task.code,
                agency_id=task.agency_id,
                action=task.action,
                directive_number=context.directive_numbers.get(task.directive_id),
                deadline_text=task.deadline_text,
                deadline_stated=task.deadline_stated,
                effective_deadline=task.effective_deadline,
                original_deadline=task.original_effective_deadline,
                progress=task.progress,
                blocked_reason=task.blocked_reason,
                escalation=all(d.kind == ReminderKind.ESCALATION for d in deliveries_of_task),
                late_since=min(late) if late else None,
                repeat_of=min(doubtful) if doubtful else None,
                delivery_ids=tuple(d.id for d in deliveries_of_task if d.id is not None),
            )
        )
    return lines


async def _on_failure(
    runtime: Runtime,
    batch: _ChatBatch,
    parts: list[MessagePart],
    failure: SendFailure,
    policy: DeliveryPolicy,
    result: DeliveryResult,
) -> None:
    """Record a failed send of parts[0]; what happens to later parts depends on why."""
    now = runtime.now()
    current = list(parts[0].delivery_ids)
    later = [d for part in parts[1:] for d in part.delivery_ids]
    async with unit_of_work(runtime) as session:
        if isinstance(failure, RetryLater):
            retry: list[int] = []
            give_up: list[int] = []
            for delivery_id in current + later:
                attempts = batch.attempts.get(delivery_id, 0) + 1
                (give_up if attempts >= policy.max_attempts else retry).append(delivery_id)
            worst = max((batch.attempts.get(d, 0) + 1 for d in retry), default=1)
            await repo.release(
                session,
                retry,
                next_attempt_at=now + policy.backoff(worst, failure.retry_after),
                error=f"retry: {failure.detail}"[:500],
                count_attempt=True,
            )
            await repo.mark(
                session, give_up, OutboxState.FAILED, error=f"gave_up: {failure.detail}"[:500]
            )
            result.retried += len(retry)
            result.failed += len(give_up)
            log.warning(
                "reminders to chat %s delayed (%s); %d to retry, %d given up",
                batch.chat_id,
                failure.detail,
                len(retry),
                len(give_up),
            )
        elif isinstance(failure, ChatGone):
            await repo.mark(
                session, current + later, OutboxState.FAILED, error=f"forbidden: {failure.detail}"
            )
            result.failed += len(current) + len(later)
            result.removed_from.append(batch.chat_id)
        elif isinstance(failure, Rejected):
            await repo.mark(
                session, current, OutboxState.FAILED, error=f"rejected: {failure.detail}"[:500]
            )
            result.failed += len(current)
            log.error("chat %s refused a reminder: %s", batch.chat_id, failure.detail)
        else:  # Ambiguous: this part may have arrived; later parts were never sent
            repeat, unknown = await repo.doubt(
                session,
                current,
                retry_at=now + policy.repeat_after,
                error=f"connection: {failure.detail}"[:500],
                max_sends=policy.max_doubtful_sends,
                count_attempt=True,
            )
            await repo.release(session, later, next_attempt_at=now, error=None, count_attempt=False)
            result.to_repeat += repeat
            result.unknown += unknown
            result.retried += len(later)
            log.warning(
                "reminder to chat %s may or may not have arrived (%s): %d to repeat, %d reported",
                batch.chat_id,
                failure.detail,
                repeat,
                unknown,
            )
        await repo.settle_outbox(session, _outboxes(batch, current + later))
    if isinstance(failure, ChatGone):
        await _bot_removed(runtime, batch.chat_id)


async def _give_up(
    runtime: Runtime,
    batch: _ChatBatch,
    parts: list[MessagePart],
    error: str,
    result: DeliveryResult,
) -> None:
    ids = [d for part in parts for d in part.delivery_ids]
    async with unit_of_work(runtime) as session:
        await repo.mark(session, ids, OutboxState.FAILED, error=error[:500])
        await repo.settle_outbox(session, _outboxes(batch, ids))
    result.failed += len(ids)


async def _migrate(
    runtime: Runtime, batch: _ChatBatch, new_chat_id: int, parts: list[MessagePart]
) -> None:
    """The group is now a supergroup: move the chat (and what points at it), then send there."""
    old = batch.chat_id
    try:
        await chat_service.migrate_chat(runtime, old, new_chat_id)
    except Exception:
        log.exception("moving chat %s to %s failed; sending there anyway", old, new_chat_id)
    async with unit_of_work(runtime) as session:
        await repo.move_to_chat(
            session, [d for part in parts for d in part.delivery_ids], new_chat_id
        )
    batch.chat_id = new_chat_id
    log.info("chat %s migrated to %s; reminders follow it", old, new_chat_id)


async def _bot_removed(runtime: Runtime, chat_id: int) -> None:
    try:
        await chat_service.bot_removed(runtime, chat_id)
    except Exception:
        log.exception("recording that the bot left chat %s failed", chat_id)


async def confirm_arrival(
    runtime: Runtime,
    telegram_chat_id: int,
    message_id: int,
    message_date: datetime,
    task_ids: Sequence[int],
) -> int:
    """A reply or a tap on a bot message with these tasks' buttons that no
    delivery recorded: the send whose answer was lost did arrive, so it is
    recorded as sent and not repeated. Returns how many deliveries it settles."""
    async with unit_of_work(runtime) as session:
        outboxes = await repo.confirm_arrival(
            session, telegram_chat_id, message_id, message_date, task_ids
        )
        if outboxes:
            await repo.settle_outbox(session, outboxes)
    if outboxes:
        log.info(
            "reminder message %s in chat %s did arrive: %d repeat(s) withdrawn",
            message_id,
            telegram_chat_id,
            len(outboxes),
        )
    return len(outboxes)


# ---------------------------------------------------------------- recovery and reports


async def recover(
    runtime: Runtime,
    *,
    claimant: Claimant = THIS_PROCESS,
    policy: DeliveryPolicy = DEFAULT_DELIVERY,
) -> int:
    """Deliveries left 'sending' by a dead process, or hung past `stale_after`:
    their message may have gone out, so they are treated like a send that got
    no answer (repeated later, saying so, or 'unknown' once too many)."""
    now = runtime.now()
    stale_after = policy.stale_after
    async with unit_of_work(runtime) as session:
        rows = await repo.sending(session)
        crashed: list[int] = []
        hung: list[int] = []
        for delivery_id, claimed_by, claimed_at in rows:
            if claimed_by != str(claimant) and claimant_is_dead(
                Claimant.parse(claimed_by), claimant
            ):
                crashed.append(delivery_id)
            elif claimed_at is None or claimed_at <= now - stale_after:
                hung.append(delivery_id)
        changed = 0
        for ids, error in ((crashed, "crash"), (hung, "stale")):
            repeat, unknown = await repo.doubt(
                session,
                ids,
                retry_at=now + policy.repeat_after,
                error=error,
                max_sends=policy.max_doubtful_sends,
                count_attempt=False,
            )
            changed += repeat + unknown
        # Reminders whose deliveries all ended but whose summary was not written
        # (the sweep that sent them stopped before its final settle): after a
        # crash, so at this process's first look and whenever rows were retired.
        if changed or runtime.database not in _recovered_once:
            await repo.settle_outbox(session, await repo.unsettled_outbox(session))
            _recovered_once.add(runtime.database)
    if changed:
        log.warning(
            "%d reminder(s) were being sent when a process stopped: to be sent again, "
            "marked as a possible repeat",
            changed,
        )
    return changed


# ---------------------------------------------------------------- the sweep


@dataclass
class SweepResult:
    recovered: int
    plan: PlanResult
    delivery: DeliveryResult


async def sweep(
    runtime: Runtime,
    sender: Sender,
    *,
    claimant: Claimant = THIS_PROCESS,
    policy: DeliveryPolicy = DEFAULT_DELIVERY,
) -> SweepResult:
    """Recover, plan, deliver: what the job runs every minute and at start-up."""
    recovered = await recover(runtime, claimant=claimant, policy=policy)
    plan = await plan_due(runtime)
    delivery = await deliver(runtime, sender, claimant=claimant, policy=policy)
    if plan.reminders or delivery.messages or delivery.failed or delivery.unknown:
        log.info(
            "sweep: %d task(s), %d reminder(s) planned (%d late), %d message(s) to %d chat(s), "
            "%d retry, %d failed, %d unknown, %d cancelled",
            plan.tasks,
            plan.reminders,
            plan.late,
            delivery.messages,
            delivery.chats,
            delivery.retried,
            delivery.failed,
            delivery.unknown,
            delivery.cancelled,
        )
    return SweepResult(recovered, plan, delivery)


__all__ = [
    "THIS_PROCESS",
    "Ambiguous",
    "ChatGone",
    "ChatMoved",
    "Claimant",
    "DeliveryPolicy",
    "DeliveryResult",
    "OutgoingMessage",
    "PlanResult",
    "Rejected",
    "RetryLater",
    "SendFailure",
    "Sender",
    "SweepResult",
    "cancel_pending",
    "confirm_arrival",
    "deliver",
    "plan_due",
    "policy_for",
    "recover",
    "schedule_task",
    "sweep",
    "unit_of_work",
]
