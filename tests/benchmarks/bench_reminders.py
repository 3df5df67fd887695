"""Reminder benchmarks (DESIGN.md "Reminders"; issue #5):

1. Sweep time with 1k, 10k and 100k open tasks, on SQLite and (with
   TEST_DATABASE_URL) PostgreSQL: an idle sweep (nothing due) and a sweep
   that plans and sends 10 reminders, then 100 and 1,000 due at 100k.
   Target: under 50 ms at 100k, growing with the reminders due, not with tasks.
2. 2,000 reminders to 100 groups through the sandbox at its default limits
   (30/s overall, 20/min per group) with the real Application's bot and rate
   limiter: achieved message rate as a fraction of 30/s (target >= 0.9),
   429s (target 0), lost (target 0). Batched (the product: one message per
   group, split past 4,096 characters) and, as a stress test, unbatched (one
   message per reminder, 20 per group: both limits bind).
3. Resident memory of the real `nhacviec run` process with 100k tasks, after
   its start-up sweep sent 2,000 reminders to 100 groups (target < 150 MB).

Run: .venv/bin/pytest tests/benchmarks/bench_reminders.py -s -p no:cacheprovider --override-ini addopts=
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import insert, select, update
from sqlmodel import col

from bot.app import build_application
from bot.clock import ManualClock
from bot.runtime import Runtime
from bot.sandbox import Sandbox, SandboxConfig
from bot.services import reminders
from bot.services.reminders import DeliveryPolicy
from jobs.sender import TelegramSender
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Agency, Chat, ChatPurpose, Directive, ReminderDelivery, Task, Workspace
from tests.benchmarks.report import record
from tests.conftest import make_settings, sqlite_url
from tests.reminders_support import FakeSender

THURSDAY = date(2024, 5, 16)
AT_0800 = datetime(2024, 5, 13, 1, 0, 30, tzinfo=UTC)
LIMIT = 30.0  # messages per second, Telegram's and the sandbox's overall limit


def _backend(database: Database) -> str:
    return "sqlite" if database.is_sqlite else "postgresql"


async def _seed(
    database: Database,
    *,
    tasks: int,
    groups: int,
    now: datetime,
    due_at: list[datetime],
    group_ids: list[int] | None = None,
    checked: timedelta = timedelta(days=1),
) -> None:
    """`tasks` open tasks over `groups` agencies (each with its group); the first
    len(due_at) are due at those instants, the rest months away."""
    async with database.session() as session:
        workspace = Workspace(name="Sở Nội vụ")
        session.add(workspace)
        await session.flush()
        directive = Directive(workspace_id=workspace.id or 0, number="2268/UBND-TTHC")
        session.add(directive)
        await session.flush()
        await session.execute(
            insert(Agency),
            [
                {"workspace_id": workspace.id, "code": f"A{n}", "name": f"Cơ quan {n:03d}"}
                | {"category": "so_nganh", "aliases": [], "active": True}
                for n in range(groups)
            ],
        )
        agency_ids = list(
            (await session.execute(select(Agency.id).order_by(col(Agency.id)))).scalars()
        )
        chats = group_ids or [-1_000_000_000_000 - n for n in range(groups)]
        await session.execute(
            insert(Chat),
            [
                {
                    "telegram_chat_id": chats[n],
                    "workspace_id": workspace.id,
                    "purpose": ChatPurpose.AGENCY,
                    "agency_id": agency_ids[n],
                    "type": "group",
                    "title": f"Nhóm {n:03d}",
                    "bot_is_member": True,
                }
                for n in range(groups)
            ],
        )
    far = now + timedelta(days=90)
    for start in range(0, tasks, 10_000):
        rows = [
            {
                "workspace_id": workspace.id,
                "directive_id": directive.id,
                "agency_id": agency_ids[n % groups],
                "code": f"T{n}",
                "action": "Báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính năm 2024",
                "effective_deadline": THURSDAY,
                "deadline_text": "trước ngày 17/5/2024",
                "state": "open",
                "progress": 0,
                "role": "perform",
                "supporting": [],
                "next_reminder_at": due_at[n] if n < len(due_at) else far + timedelta(minutes=n),
                "reminders_checked_at": now - checked,
            }
            for n in range(start, min(start + 10_000, tasks))
        ]
        async with database.session() as session:
            await session.execute(insert(Task), rows)
    if not database.is_sqlite:
        async with database.engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE task")


def _ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


@pytest.mark.parametrize("tasks", [1_000, 10_000, 100_000])
async def test_sweep_time_grows_with_reminders_due_not_with_tasks(
    runtime: Runtime, clock: ManualClock, tasks: int
) -> None:
    backend = _backend(runtime.database)
    rounds = 15
    clock.set(AT_0800)
    now = runtime.now()
    # 10 tasks fall due in each of the next `rounds` minutes (all in one agency's group).
    due_at = [now + timedelta(minutes=1 + n // 10) for n in range(10 * rounds)]
    started = time.perf_counter()
    await _seed(runtime.database, tasks=tasks, groups=100, now=now, due_at=due_at)
    seeding = time.perf_counter() - started
    sender = FakeSender()
    idle: list[float] = []
    for _ in range(20):
        begin = time.perf_counter()
        await reminders.sweep(runtime, sender)
        idle.append(time.perf_counter() - begin)
    busy: list[float] = []
    for _ in range(rounds):
        clock.advance(timedelta(minutes=1))
        begin = time.perf_counter()
        result = await reminders.sweep(runtime, sender)
        busy.append(time.perf_counter() - begin)
        assert result.plan.tasks == 10 and result.delivery.sent == 10
    print(f"\n{backend}, {tasks} open tasks (seeded in {seeding:.1f} s)")
    record("reminders", f"idle sweep, {tasks} tasks, {backend}", _ms(idle), "ms", "< 50 ms")
    record("reminders", f"sweep of 10 due, {tasks} tasks, {backend}", _ms(busy), "ms", "< 50 ms")
    if tasks == 100_000:
        for due in (100, 1_000):
            async with runtime.database.session() as session:
                ids = (
                    await session.execute(
                        select(Task.id)  # tasks never swept yet (still months away)
                        .where(col(Task.next_reminder_at) > runtime.now() + timedelta(days=30))
                        .order_by(col(Task.id))
                        .limit(due)
                    )
                ).scalars()
                await session.execute(
                    update(Task)
                    .where(col(Task.id).in_(list(ids)))
                    .values(
                        next_reminder_at=runtime.now() + timedelta(seconds=30),
                        reminders_checked_at=runtime.now() - timedelta(days=1),
                    )
                )
            clock.advance(timedelta(minutes=1))
            begin = time.perf_counter()
            result = await reminders.sweep(runtime, sender)
            elapsed = time.perf_counter() - begin
            assert result.plan.tasks == due and result.delivery.sent == due
            record(
                "reminders", f"sweep of {due} due, {tasks} tasks, {backend}", elapsed * 1000, "ms"
            )


async def _sandbox_groups(sandbox: Sandbox, groups: int) -> list[int]:
    async with sandbox.client() as client:
        lan = await client.create_user("Lan")
        ids = []
        for n in range(groups):
            chat = await client.create_chat("group", f"Nhóm {n:03d}", members=[lan["id"]])
            await client.add_bot(chat["id"], lan["id"])
            ids.append(int(chat["id"]))
    async with httpx.AsyncClient(base_url=f"{sandbox.url}/bot{sandbox.token}") as http:
        last = (await http.post("/getUpdates", json={"offset": -1})).json()["result"]
        if last:
            await http.post("/getUpdates", json={"offset": last[-1]["update_id"] + 1})
    return ids


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
async def test_two_thousand_reminders_to_a_hundred_groups_through_the_sandbox(
    sqlite_database: Database, clock: ManualClock, batched: bool
) -> None:
    clock.set(AT_0800)
    runtime = Runtime(
        settings=make_settings(sqlite_database.url), database=sqlite_database, clock=clock
    )
    async with Sandbox(SandboxConfig()) as sandbox:
        groups = await _sandbox_groups(sandbox, 100)
        now = runtime.now()
        await _seed(
            sqlite_database,
            tasks=2_000,
            groups=100,
            now=now,
            due_at=[now - timedelta(minutes=1)] * 2_000,
            group_ids=groups,
        )
        await reminders.plan_due(runtime)
        runtime.settings = runtime.settings.model_copy(
            update={"TELEGRAM_API_URL": sandbox.url, "TELEGRAM_BOT_TOKEN": SecretStr(sandbox.token)}
        )
        application = build_application(runtime, schedule_jobs=False)
        policy = (
            DeliveryPolicy()
            if batched
            else DeliveryPolicy(max_tasks_per_message=1, concurrency=100)
        )
        async with application:
            sender = TelegramSender(application.bot, "vi")
            begin = time.perf_counter()
            result = await reminders.deliver(runtime, sender, policy=policy)
            elapsed = time.perf_counter() - begin
        async with sandbox.client() as client:
            stats = await client.stats()
            received: dict[int, int] = {}
            for chat_id in groups:
                for message in await client.messages(chat_id):
                    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                        task_id = int(row[0]["callback_data"].split(":")[1])
                        received[task_id] = received.get(task_id, 0) + 1
    async with sqlite_database.session() as session:
        states = list((await session.execute(select(ReminderDelivery.state))).scalars())
    messages = result.messages
    sends = [s for s in stats["sends"] if s["method"] == "sendMessage"]
    # The rate over the span the sandbox saw (first to last send), and end to end.
    span = max(s["t"] for s in sends) - min(s["t"] for s in sends)
    sandbox_rate = (len(sends) - 1) / span if span > 0 else float(len(sends))
    lost = 2_000 - sum(1 for state in states if state == "sent")
    twice = sum(1 for n in received.values() if n > 1)
    mode = "batched" if batched else "unbatched (1 reminder per message)"
    load = os.getloadavg()[0]  # the machine is shared: a figure means little without it
    print(f"\n{mode}: {messages} messages in {elapsed:.1f} s (load average {load:.2f})")
    record("reminders", f"2000 reminders/100 groups {mode}: messages", messages, "msgs")
    record(
        "reminders",
        f"2000 reminders/100 groups {mode}: rate / limit",
        sandbox_rate / LIMIT,
        "",
        ">= 0.9",
    )
    record(
        "reminders",
        f"2000 reminders/100 groups {mode}: end-to-end rate / limit",
        messages / elapsed / LIMIT,
        "",
    )
    record(
        "reminders", f"2000 reminders/100 groups {mode}: reminders per second", 2000 / elapsed, "/s"
    )
    record(
        "reminders",
        f"2000 reminders/100 groups {mode}: 429 responses",
        stats["responses_429"],
        "",
        "0",
    )
    record("reminders", f"2000 reminders/100 groups {mode}: lost", lost, "", "0")
    record("reminders", f"2000 reminders/100 groups {mode}: received twice", twice, "", "0")
    assert lost == 0 and twice == 0 and len(received) == 2_000


def _rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


async def _bot_rss(sandbox: Sandbox, url: str, log: Path, done: Any) -> tuple[float, float]:
    """Run `nhacviec run` until `done()` says so; its (VmRSS, VmHWM) then, in MB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(TELEGRAM_BOT_TOKEN=sandbox.token, TELEGRAM_API_URL=sandbox.url, DATABASE_URL=url)
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            env=env,
            stdout=sink,
            stderr=sink,
            cwd=log.parent,
        )
        try:
            deadline = time.monotonic() + 180
            while not await done():
                if time.monotonic() > deadline:
                    raise TimeoutError("the bot did not get there in time")
                await asyncio.sleep(0.5)
            await asyncio.sleep(2)  # let the start-up jobs (roll-over, digest catch-up) run
            return _rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
async def test_resident_memory_of_the_bot_with_a_hundred_thousand_tasks(tmp_path: Path) -> None:
    empty_url = sqlite_url(tmp_path / "empty.db")
    url = sqlite_url(tmp_path / "bot.db")
    database = Database(url)
    for target in (Database(empty_url), database):
        await upgrade(target)
    async with Sandbox(SandboxConfig()) as sandbox:
        started = time.monotonic()

        async def settled_after_start() -> bool:
            return time.monotonic() - started > 6

        baseline, _ = await _bot_rss(
            sandbox, empty_url, tmp_path / "empty.log", settled_after_start
        )
        groups = await _sandbox_groups(sandbox, 100)
        now = datetime.now(UTC)
        await _seed(
            database,
            tasks=100_000,
            groups=100,
            now=now,
            due_at=[now - timedelta(minutes=1)] * 2_000,
            group_ids=groups,
            checked=timedelta(days=8),  # real clock: a weekend must not leave nothing due
        )

        async def all_sent() -> bool:
            async with database.session() as session:
                states = set((await session.execute(select(ReminderDelivery.state))).scalars())
            return states == {"sent"}

        rss, peak = await _bot_rss(sandbox, url, tmp_path / "bot.log", all_sent)
    await database.dispose()
    record("reminders", "bot RSS, empty database (imports and start-up)", baseline, "MB")
    record("reminders", "bot RSS after sending 2000 reminders, 100k tasks", rss, "MB", "< 150 MB")
    record("reminders", "bot peak RSS (VmHWM), 100k tasks", peak, "MB", "< 150 MB")
    record("reminders", "RSS added by 100k tasks and 2000 reminders", rss - baseline, "MB")
