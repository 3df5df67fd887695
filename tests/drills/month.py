"""A simulated month for the fault drill: 50 agencies, 300 tasks, 22 working days.

The bot is the real Application on the demo's Stage (the sandbox and the
bot on one simulated clock). The drill is the scheduler: at each simulated
time it runs what the JobQueue would (the reminder sweep at 08:00 and its
retries, the admins' problem report, the daily digest at 16:30, the
start-up sweep and digest catch-up after a restart), and the focal points
answer the reminders they received — buttons, sentences, commands — while
the fault plan injects failures, storms, an outage and restarts.

Each bot process gets its own Claimant (host, pid, token), as a new process
would: a crash leaves deliveries claimed by a claimant that is dead, and
the next process's recovery finds them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import col

from bot.demo.stage import Stage
from bot.domain.reminder_policy import plan as plan_reminders
from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.services import reminder_reports, reminders
from bot.services.reminders import Claimant, OutgoingMessage, schedule_task
from jobs import digest as digest_job
from jobs.sender import TelegramSender
from storage.models import (
    Agency,
    Chat,
    ChatPurpose,
    DigestOutbox,
    Directive,
    Member,
    OutboxState,
    ReminderDelivery,
    ReminderOutbox,
    StatusUpdate,
    Task,
    Workspace,
)
from tests.drills.checker import DeliveryRow, DigestRow, SeenReminder, Update
from tests.drills.schedule import FaultPlan, Restart, working_days

JSON = dict[str, Any]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_DAY = date(2024, 6, 3)  # Monday; 22 working days end on Tuesday 2 July
SWEEP_AT = time(8, 0, 30)
DIGEST_AT = time(16, 30)
REPLIES_AT = time(10, 0)
REMINDER_HEADS = ("🔔", "⛔")
USER_KINDS = ("done", "in_progress", "blocked", "more_time", "extension_approved")


@dataclass
class TaskInfo:
    id: int
    code: str
    agency: int  # index 0..49
    deadline: date
    touched: bool = False  # answered or extended: the plain policy no longer predicts it
    done: bool = False
    answers: int = 0
    extended: bool = False


@dataclass
class World:
    runtime: Runtime
    stage: Stage
    workspace_id: int
    admin: int
    coordinator: int
    focal: list[int]  # user id per agency index
    coordination: int
    focal_group: int
    agency_groups: dict[int, int]  # agency index -> its own group
    tasks: dict[int, TaskInfo]
    by_code: dict[str, int]

    def chat_of(self, agency: int) -> int:
        return self.agency_groups.get(agency, self.focal_group)

    @property
    def chats(self) -> list[int]:
        return [self.coordination, self.focal_group, *self.agency_groups.values(), self.admin]


# -- building the world -------------------------------------------------------------------


async def build_world(
    stage: Stage, *, agencies: int = 50, tasks_per_agency: int = 6, own_groups: int = 10
) -> World:
    """Sandbox people and groups, the bot in them, and the rows /setup,
    invites and intake would have left (written directly: the drill is about
    the month, not onboarding)."""
    runtime = stage.runtime
    client = await stage.open_sandbox()
    admin = (await client.create_user("Quản trị"))["id"]
    coordinator = (await client.create_user("Minh", "minh_snv"))["id"]
    focal = [(await client.create_user(f"Đầu mối {a:02d}"))["id"] for a in range(agencies)]
    await client.create_chat("private", members=[admin])
    runtime.settings = runtime.settings.model_copy(update={"BOT_ADMINS": [admin]})
    coordination = (
        await client.create_chat(
            "group", "Sở Nội vụ — điều phối", members=[coordinator, admin], with_bot=True
        )
    )["id"]
    in_focal = [coordinator, *[focal[a] for a in range(own_groups, agencies)]]
    focal_group = (
        await client.create_chat("group", "Nhóm đầu mối", members=in_focal, with_bot=True)
    )["id"]
    agency_groups = {
        a: (
            await client.create_chat(
                "group", f"Cơ quan {a:02d}", members=[focal[a], coordinator], with_bot=True
            )
        )["id"]
        for a in range(own_groups)
    }
    await stage.start_bot()
    await stage.idle()  # the bot saw itself added everywhere (greetings, chat rows)
    now = runtime.now()
    async with runtime.database.session() as session:
        workspace = Workspace(name="Sở Nội vụ tỉnh Quảng Ngãi", created_at=now)
        session.add(workspace)
        await session.flush()
        assert workspace.id is not None
        ws = workspace.id
        rows = [
            Agency(workspace_id=ws, code=f"A{a:02d}", name=f"Cơ quan {a:02d}", category="so_nganh")
            for a in range(agencies)
        ]
        session.add_all(rows)
        directive = Directive(workspace_id=ws, number="1520/UBND-NC", created_at=now)
        session.add(directive)
        await session.flush()
        agency_ids = [row.id for row in rows]
        session.add(
            Member(
                workspace_id=ws,
                telegram_user_id=coordinator,
                role=Role.COORDINATOR,
                display_name="Minh",
            )
        )
        session.add_all(
            Member(
                workspace_id=ws,
                telegram_user_id=focal[a],
                agency_id=agency_ids[a],
                role=Role.FOCAL_POINT,
                display_name=f"Đầu mối {a:02d}",
            )
            for a in range(agencies)
        )
        await _bind(session, coordination, ws, ChatPurpose.COORDINATION, None)
        await _bind(session, focal_group, ws, ChatPurpose.FOCAL_POINTS, None)
        for a, chat_id in agency_groups.items():
            await _bind(session, chat_id, ws, ChatPurpose.AGENCY, agency_ids[a])
        deadlines = working_days(date(2024, 6, 5), 36, runtime.calendar)
        infos: list[TaskInfo] = []
        task_rows: list[Task] = []
        for a in range(agencies):
            for k in range(tasks_per_agency):
                index = a * tasks_per_agency + k
                deadline = deadlines[(index * 7) % len(deadlines)]
                task = Task(
                    workspace_id=ws,
                    directive_id=directive.id,  # type: ignore[arg-type]
                    agency_id=agency_ids[a],  # type: ignore[arg-type]
                    code=f"T{index + 1}",
                    action=f"Nhiệm vụ {index + 1} của Cơ quan {a:02d}",
                    effective_deadline=deadline,
                    deadline_stated=deadline,
                    deadline_kind="no_later_than",
                    created_at=now,
                )
                schedule_task(task, runtime)
                task_rows.append(task)
                infos.append(TaskInfo(0, task.code, a, deadline))
        session.add_all(task_rows)
        await session.flush()
        for info, row in zip(infos, task_rows, strict=True):
            assert row.id is not None
            info.id = row.id
    return World(
        runtime=runtime,
        stage=stage,
        workspace_id=ws,
        admin=admin,
        coordinator=coordinator,
        focal=focal,
        coordination=coordination,
        focal_group=focal_group,
        agency_groups=agency_groups,
        tasks={info.id: info for info in infos},
        by_code={info.code: info.id for info in infos},
    )


async def _bind(
    session: Any, chat_id: int, ws: int, purpose: ChatPurpose, agency_id: int | None
) -> None:
    """What /setup leaves: the chat row (the bot made it when it was added) gets its purpose."""
    chat = (
        await session.execute(select(Chat).where(col(Chat.telegram_chat_id) == chat_id))
    ).scalar_one_or_none()
    if chat is None:
        chat = Chat(telegram_chat_id=chat_id, type="group")
    chat.workspace_id, chat.purpose, chat.agency_id, chat.bot_is_member = (
        ws,
        purpose,
        agency_id,
        True,
    )
    session.add(chat)


# -- a crash in the middle of a sweep ----------------------------------------------------------


class Crash(Exception):
    """Not a SendFailure: nothing in the service catches it."""


class CrashingSender:
    """The job's sender, until `after` messages went out: then the process
    'dies' — the message that just went out is never recorded, and every
    other send in flight hangs until the sweep is cancelled."""

    def __init__(self, inner: TelegramSender, after: int) -> None:
        self.inner = inner
        self.after = after
        self.sent = 0
        self.dead = asyncio.Event()

    async def send(self, message: OutgoingMessage) -> int:
        if self.dead.is_set():
            await asyncio.Event().wait()
        message_id = await self.inner.send(message)
        self.sent += 1
        if self.sent >= self.after:
            self.dead.set()
            await asyncio.Event().wait()
        return message_id


# -- the month ----------------------------------------------------------------------------------


@dataclass
class Drill:
    world: World
    plan: FaultPlan
    days: list[date]
    seed: int = 8
    replies_per_day: int = 6
    ledger: list[Update] = field(default_factory=list)
    how: dict[Update, list[str]] = field(default_factory=dict)  # for explaining a miss
    replies_to: dict[int, tuple[int, int]] = field(default_factory=dict)  # ledger index -> message
    lives: int = 1
    restarts: int = 0
    crashes: int = 0
    confirmations_missing: int = 0
    rng: random.Random = field(init=False)
    claimant: Claimant = field(init=False)
    _base_limits: JSON = field(default_factory=dict)
    origin: tuple[float, datetime] = (0.0, datetime.min.replace(tzinfo=UTC))

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.claimant = self._new_claimant()

    @property
    def stage(self) -> Stage:
        return self.world.stage

    @property
    def runtime(self) -> Runtime:
        return self.world.runtime

    def _new_claimant(self) -> Claimant:
        return Claimant(socket.gethostname()[:50] or "host", os.getpid(), f"life{self.lives}")

    async def at(self, day: date, moment: time) -> None:
        await self.stage.advance_to(datetime.combine(day, moment, tzinfo=VN))

    # -- what the JobQueue would run ------------------------------------------------------

    def sender(self) -> TelegramSender:
        return TelegramSender(self.stage.application.bot, self.runtime.language)

    async def sweep(self) -> reminders.SweepResult:
        result = await reminders.sweep(self.runtime, self.sender(), claimant=self.claimant)
        await reminder_reports.report_problems(self.runtime, self.sender())
        return result

    async def settle_sweeps(self, day: date, *, until: time = time(12, 0)) -> None:
        """Sweep again whenever a retry falls due, until nothing is pending."""
        for _ in range(40):
            upcoming = await self.next_retry()
            if upcoming is None:
                return
            now = self.runtime.now()
            target = max(upcoming, now + timedelta(seconds=30))
            if target.astimezone(VN) > datetime.combine(day, until, tzinfo=VN):
                return
            await self.stage.advance_to(target + timedelta(seconds=1))
            await self.sweep()

    async def next_retry(self) -> datetime | None:
        """When the earliest pending delivery may be tried again (None: nothing pending)."""
        async with self.runtime.database.session() as session:
            rows = (
                await session.execute(
                    select(ReminderDelivery.next_attempt_at, ReminderDelivery.send_at).where(
                        col(ReminderDelivery.state) == OutboxState.PENDING
                    )
                )
            ).all()
        times = [next_at or send_at for next_at, send_at in rows]
        return min(times) if times else None

    async def digest(self) -> None:
        """DIGEST_TIME, and the job's retries while Telegram asks to wait."""
        for attempt in range(3):
            await self.stage.run_job(digest_job.daily)
            outcome = self.stage.application.bot_data.get(digest_job.LAST_RUN_KEY)
            waiting = outcome and any(o.state == OutboxState.PENDING for o in outcome[1])
            if not waiting:
                return
            await self.stage.advance(timedelta(minutes=5 * (attempt + 1)))

    async def start_up(self) -> None:
        """What a new process runs at once: the sweep (with recovery) and the digest catch-up."""
        await self.stage.idle()
        await self.sweep()
        await self.stage.run_job(digest_job.catch_up)
        await self.stage.idle()

    # -- restarts ---------------------------------------------------------------------------

    async def restart(self) -> None:
        await self.stage.stop_bot()
        await self.reincarnate()

    async def reincarnate(self) -> None:
        self.lives += 1
        self.restarts += 1
        self.claimant = self._new_claimant()
        await self.stage.start_bot(
            attempts=10
        )  # a supervisor restarts a process that failed to start
        self.stage.application.bot_data[digest_job.STARTED_AT_KEY] = self.runtime.now()
        await self.start_up()

    async def crash_in_sweep(self, after_sends: int) -> None:
        """A sweep killed after `after_sends` messages: the claimed deliveries
        stay 'sending' under this life's claimant; then a new process starts."""
        sender = CrashingSender(self.sender(), after_sends)
        task = asyncio.ensure_future(reminders.sweep(self.runtime, sender, claimant=self.claimant))
        dead = asyncio.ensure_future(sender.dead.wait())
        await asyncio.wait({task, dead}, return_when=asyncio.FIRST_COMPLETED)
        await asyncio.sleep(0.2)  # the other sends in flight reach the sandbox, or not
        task.cancel()
        dead.cancel()
        with contextlib.suppress(asyncio.CancelledError, Crash):
            await task
        self.crashes += 1 if sender.dead.is_set() else 0
        await self.stage.stop_bot()
        await self.reincarnate()

    # -- storms and outages ---------------------------------------------------------------

    async def storm(self, limits: Iterable[tuple[str, int]]) -> None:
        if not self._base_limits:
            self._base_limits = {
                "global_rate_per_second": 30,
                "group_rate_per_minute": 20,
                "private_rate_per_second": 1.0,
                "private_burst": 20,
            }
        await self.stage.api.set_rate_limits(**dict(limits))

    async def calm(self) -> None:
        await self.stage.api.set_rate_limits(**self._base_limits)

    # -- the focal points -----------------------------------------------------------------

    async def reminders_today(self, day: date) -> list[tuple[JSON, list[int]]]:
        """(message, task ids) of today's reminders that reached their chats."""
        found = []
        for chat_id in [self.world.focal_group, *self.world.agency_groups.values()]:
            for message in await self.stage.api.messages(chat_id):
                if sim_day(message, self.origin) != day:
                    continue
                ids = reminder_task_ids(message, self.world.by_code)
                if ids and not message.get("deleted"):
                    found.append((message, ids))
        return found

    async def replies(self, day: date, *, post_only: bool = False) -> None:
        """Up to `replies_per_day` focal points answer today's reminders."""
        received = await self.reminders_today(day)
        candidates = [
            (message, task_id)
            for message, ids in received
            for task_id in ids
            if not self.world.tasks[task_id].done
        ]
        self.rng.shuffle(candidates)
        chosen: dict[int, JSON] = {}
        for message, task_id in candidates:
            chosen.setdefault(task_id, message)
            if len(chosen) >= self.replies_per_day:
                break
        for n, (task_id, message) in enumerate(chosen.items()):
            await self.answer(task_id, message, post_only=post_only)
            if n % 5 == 4:  # a simulated minute every few answers: Telegram's group window
                await self.stage.advance(timedelta(minutes=1))
        if not post_only:
            await self.stage.idle()

    async def answer(self, task_id: int, message: JSON, *, post_only: bool) -> None:
        info = self.world.tasks[task_id]
        user = self.world.focal[info.agency]
        chat_id = message["chat"]["id"]
        how = self.rng.choice(
            ("button", "button", "done", "progress", "blocked", "command", "tiendo")
        )
        if how == "button" and post_only:
            how = "done"
        client = self.stage.api
        if how == "button":
            data = f"t:{task_id}:d"
            current = await _current(client, chat_id, message["message_id"])
            if current is None or data not in _buttons(current):
                how = "command"
            else:
                await client.press_button(chat_id, message["message_id"], user, data)
                self._expect(
                    info, "done", user, f"button {data} on {chat_id}/{message['message_id']}"
                )
                return
        info.answers += 1  # each answer says something new: a repeat is rightly not recorded
        percent = min(4 * info.answers, 96)  # rising: at most one answer a day, 22 days
        texts = {
            "done": (f"{info.code} đã xong", "done"),
            "progress": (f"{info.code} đang thực hiện {percent}%", "in_progress"),
            "blocked": (f"{info.code} vướng: chưa có số liệu của {info.answers} huyện", "blocked"),
            "command": (f"/xong {info.code}", "done"),
            "tiendo": (f"/tiendo {info.code} {percent}", "in_progress"),
        }
        text, kind = texts[how]
        reply_to = None if text.startswith("/") else message["message_id"]
        sent = await client.send_message(chat_id, user, text, reply_to_message_id=reply_to)
        self._expect(
            info, kind, user, f"{text!r} in {chat_id}/{sent['message_id']} reply to {reply_to}"
        )
        if reply_to is not None:
            self.replies_to[len(self.ledger) - 1] = (chat_id, reply_to)

    def _expect(self, info: TaskInfo, kind: str, user: int, how: str = "") -> None:
        update = Update(info.id, kind, user)
        self.ledger.append(update)
        self.how.setdefault(update, []).append(
            f"{self.runtime.now():%d/%m %H:%M} life {self.lives}: {how}"
        )
        info.touched = True
        info.done = info.done or kind == "done"

    async def extension(self, day: date) -> None:
        """A focal point asks for more time; the coordinator approves in the coordination group."""
        open_tasks = [
            t
            for t in self.world.tasks.values()
            if not t.done and not t.extended and t.deadline >= day
        ]
        if not open_tasks:
            return
        info = self.rng.choice(open_tasks)
        user = self.world.focal[info.agency]
        new_date = self.runtime.calendar.add_working_days(info.deadline, 10)
        chat_id = self.world.chat_of(info.agency)
        client = self.stage.api
        before = await _bot_ids(client, self.world.coordination)
        await client.send_message(
            chat_id, user, f"/giahan {info.code} {new_date:%d/%m/%Y} chờ số liệu"
        )
        self._expect(info, "more_time", user, f"/giahan {info.code} {new_date:%d/%m/%Y}")
        info.extended = True  # one request per task: asking again for the same date changes nothing
        await self.stage.idle()
        request = None
        for message in await client.messages(self.world.coordination):
            if message["message_id"] in before:
                continue
            data = [d for d in _buttons(message) if d.startswith("s:xa:")]
            if data:
                request = (message, data[0])
        if (
            request is None
        ):  # the request message did not reach the group (a fault): nothing to press
            self.confirmations_missing += 1
            return
        await self.stage.advance(timedelta(minutes=3))
        await client.press_button(
            self.world.coordination, request[0]["message_id"], self.world.coordinator, request[1]
        )
        self._expect(info, "extension_approved", self.world.coordinator)
        await self.stage.idle()

    # -- one day, and the month ---------------------------------------------------------------

    async def day(self, index: int, day: date) -> None:
        plan = self.plan
        restarts = {r.at: r for r in plan.restarts_on(index)}
        for restart in [r for r in restarts.values() if r.at < time(8, 0)]:
            await self.at(day, restart.at)
            await self.restart()
        outage = plan.outage_on(index)
        if outage is not None:
            await self.at(day, outage.start)
            await self.stage.api.set_faults(outage_seconds=outage.seconds)
        morning = [s for s in plan.storms_on(index) if s.start <= time(8, 0)]
        for storm in morning:
            await self.at(day, storm.start)
            await self.storm(storm.limits)
        await self.at(day, SWEEP_AT)
        crash = next((r for r in restarts.values() if r.crash), None)
        if crash is not None:
            await self.crash_in_sweep(crash.after_sends)
        else:
            await self.sweep()
        if outage is not None:
            for _ in range(outage.seconds // 60):
                await self.stage.advance(timedelta(minutes=1))
                await self.sweep()
        for storm in morning:
            await self.at(day, _after(storm.start, storm.minutes))
            await self.calm()
        await self.settle_sweeps(day)
        await self.answers_of_the_day(index, day, restarts)
        if index % 4 == 1:
            await self.at(day, time(11, 0))
            await self.extension(day)
        await self.at(day, DIGEST_AT)
        await self.digest()
        for restart in [r for r in restarts.values() if r.at > DIGEST_AT]:
            await self.at(day, restart.at)
            await self.restart()

    async def answers_of_the_day(
        self, index: int, day: date, restarts: dict[time, Restart]
    ) -> None:
        down = next((r for r in restarts.values() if r.replies_while_down), None)
        storms = [s for s in self.plan.storms_on(index) if s.start > time(8, 0)]
        for storm in storms:
            await self.at(day, storm.start)
            await self.storm(storm.limits)
        if down is not None:
            await self.at(day, down.at)
            await self.stage.stop_bot()
            await self.at(day, _after(down.at, 5))
            await self.replies(day, post_only=True)  # nobody is listening; Telegram keeps them
            await self.at(day, _after(down.at, 20))
            await self.reincarnate()
        else:
            await self.at(day, REPLIES_AT)
            await self.replies(day)
        for storm in storms:
            await self.at(day, _after(storm.start, storm.minutes))
            await self.calm()
        await self.settle_sweeps(day, until=time(16, 0))

    async def run(self) -> None:
        self.origin = await sim_origin(self.stage)
        base = self.plan
        await self.stage.api.set_faults(
            failure_rate=base.failure_rate,
            drop_rate=base.drop_rate,
            ack_loss_rate=base.ack_loss_rate,
        )
        await self.start_up()
        for index, day in enumerate(self.days):
            await self.day(index, day)
        await self.stage.api.set_faults(failure_rate=0, drop_rate=0, ack_loss_rate=0)
        last = self.days[-1]
        await self.settle_sweeps(last, until=time(23, 0))
        await self.stage.idle()
        await reminder_reports.report_problems(self.runtime, self.sender())


def _after(moment: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), moment) + timedelta(minutes=minutes)).time()


# -- reading the results ----------------------------------------------------------------------


async def sim_origin(stage: Stage) -> tuple[float, datetime]:
    """(sandbox unix time, simulated time) at one instant: the two clocks move
    together from here, so a message's sandbox date maps to its simulated time
    (late by at most the real seconds the drill took)."""
    state = await stage.api.advance_clock(0)
    return float(state["unix"]), stage.clock.now()


def sim_day(message: JSON, origin: tuple[float, datetime]) -> date:
    unix, simulated = origin
    instant = simulated + timedelta(seconds=float(message["date"]) - unix)
    return instant.astimezone(VN).date()


def _first_version(message: JSON) -> JSON:
    edits = message.get("edits") or []
    return edits[0] if edits else message


def _buttons(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def reminder_task_ids(message: JSON, by_code: dict[str, int]) -> list[int]:
    """Tasks of a reminder as first sent: its button rows (one per task)."""
    if not message.get("from_bot", True):
        return []
    first = _first_version(message)
    if not str(first.get("text") or "").startswith(REMINDER_HEADS):
        return []
    ids = []
    for data in _buttons(first):
        parts = data.split(":")
        if len(parts) == 3 and parts[0] == "t" and parts[2] == "d":
            ids.append(int(parts[1]))
    return ids


async def _current(client: Any, chat_id: int, message_id: int) -> JSON | None:
    for message in await client.messages(chat_id):
        if message["message_id"] == message_id:
            return dict(message)
    return None


async def _bot_ids(client: Any, chat_id: int) -> set[int]:
    return {m["message_id"] for m in await client.messages(chat_id)}


REPEAT_MARK = "♻️ Gửi lại (lần gửi trước"


def repeated_task_ids(message: JSON, by_code: dict[str, int]) -> tuple[int, ...]:
    """Tasks a reminder labels as sent again: their block carries the repeat mark.

    A block is the lines between blank lines; it starts with the task's code."""
    text = str(_first_version(message).get("text") or "")
    marked = []
    for block in text.split("\n\n"):
        if REPEAT_MARK in block:
            code = block.split(" ", 1)[0].strip()
            if code in by_code:
                marked.append(by_code[code])
    return tuple(marked)


async def seen_reminders(world: World, origin: tuple[float, datetime]) -> list[SeenReminder]:
    seen = []
    for chat_id in world.chats:
        for message in await world.stage.api.messages(chat_id):
            ids = reminder_task_ids(message, world.by_code)
            if ids:
                escalation = str(_first_version(message).get("text", "")).startswith("⛔")
                seen.append(
                    SeenReminder(
                        chat_id,
                        message["message_id"],
                        sim_day(message, origin),
                        escalation,
                        tuple(ids),
                        repeated_task_ids(message, world.by_code),
                    )
                )
    return seen


async def delivery_rows(
    runtime: Runtime,
) -> tuple[list[DeliveryRow], int, set[tuple[int, str, date]]]:
    """Deliveries (dated the day they were sent or tried), the outbox size, the outbox keys."""
    async with runtime.database.session() as session:
        deliveries = list((await session.execute(select(ReminderDelivery))).scalars())
        outbox = list((await session.execute(select(ReminderOutbox))).scalars())
    rows = []
    for d in deliveries:
        when = d.sent_at or d.claimed_at or d.send_at
        day = when.astimezone(VN).date() if when else d.day
        rows.append(
            DeliveryRow(
                d.task_id,
                d.telegram_chat_id,
                d.kind,
                day,
                d.state,
                d.telegram_message_id,
                d.doubtful_sends,
            )
        )
    keys = {(o.task_id, o.kind, o.day) for o in outbox}
    return rows, len(outbox), keys


def expected_missing(
    world: World, keys: set[tuple[int, str, date]], first: datetime, last: date
) -> list[tuple[int, str, date]]:
    """Reminders the policy plans for tasks nobody touched, absent from the outbox."""
    policy = reminders.policy_for(world.runtime.settings)
    missing = []
    for info in world.tasks.values():
        if info.touched:
            continue
        for planned in plan_reminders(info.deadline, policy, world.runtime.calendar, until=last):
            if planned.send_at > first and (info.id, planned.kind.value, planned.day) not in keys:
                missing.append((info.id, planned.kind.value, planned.day))
    return missing


async def unexpected(
    world: World, keys: set[tuple[int, str, date]], first: datetime, last: date
) -> list[tuple[int, str, date]]:
    """Outbox rows of untouched tasks that the policy does not plan (reminders nobody was due)."""
    policy = reminders.policy_for(world.runtime.settings)
    extra = []
    for info in world.tasks.values():
        if info.touched:
            continue
        planned = {
            (info.id, p.kind.value, p.day)
            for p in plan_reminders(info.deadline, policy, world.runtime.calendar, until=last)
            if p.send_at > first
        }
        extra += [k for k in keys if k[0] == info.id and k not in planned]
    return extra


async def recorded_updates(world: World) -> list[Update]:
    async with world.runtime.database.session() as session:
        rows = list(
            (
                await session.execute(
                    select(StatusUpdate).where(col(StatusUpdate.kind).in_(USER_KINDS))
                )
            ).scalars()
        )
    people = {world.coordinator, *world.focal}
    return [
        Update(r.task_id, r.kind, r.by_telegram_user_id or 0)
        for r in rows
        if r.by_telegram_user_id in people
    ]


async def digest_rows(
    world: World, origin: tuple[float, datetime]
) -> tuple[list[DigestRow], dict[date, list[int]], dict[date, list[int]]]:
    """The digest rows, and the day's digest headers seen: unlabelled, and
    labelled as sent again."""
    async with world.runtime.database.session() as session:
        rows = list((await session.execute(select(DigestOutbox))).scalars())
    seen: dict[date, list[int]] = {}
    repeats: dict[date, list[int]] = {}
    for message in await world.stage.api.messages(world.coordination):
        text = str(message.get("text") or "")
        if text.startswith("📋"):
            into = repeats if "Bản tổng hợp này được gửi lại" in text else seen
            into.setdefault(sim_day(message, origin), []).append(message["message_id"])
    digest_db = [DigestRow(r.day, r.state, tuple(r.telegram_message_ids or ())) for r in rows]
    return digest_db, seen, repeats


async def recorded_reminder_messages(runtime: Runtime) -> set[tuple[int, int]]:
    """(chat, message id) of every reminder message the database knows it sent."""
    async with runtime.database.session() as session:
        rows = (
            await session.execute(
                select(
                    ReminderDelivery.telegram_chat_id, ReminderDelivery.telegram_message_id
                ).where(col(ReminderDelivery.telegram_message_id).is_not(None))
            )
        ).all()
    return {(int(chat), int(message)) for chat, message in rows}


def answers_to_unrecorded(drill: Drill, recorded: set[tuple[int, int]]) -> list[Update]:
    """Answers given as replies to a reminder that arrived but that the bot has
    no record of (its acknowledgement was lost, or the process died before
    recording it)."""
    return [
        drill.ledger[index] for index, target in drill.replies_to.items() if target not in recorded
    ]


async def unreported(runtime: Runtime) -> int:
    """'unknown' and 'failed' deliveries the admins were not told about."""
    async with runtime.database.session() as session:
        return int(
            (
                await session.execute(
                    select(func.count())
                    .select_from(ReminderDelivery)
                    .where(
                        col(ReminderDelivery.state).in_((OutboxState.UNKNOWN, OutboxState.FAILED)),
                        col(ReminderDelivery.reported_at).is_(None),
                    )
                )
            ).scalar_one()
        )
