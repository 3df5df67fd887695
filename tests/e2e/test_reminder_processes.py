"""The real `nhacviec run` process against the sandbox: kill -9 in the middle
of a sweep, three times, then a clean run; and two processes on one
PostgreSQL database. Checked against the sandbox's record and the database:
none is lost, and none arrives twice unless the second copy says it is a
repeat (a row a killed process left in 'sending' may or may not have gone
out: it is sent again later, labelled).

The processes run on the real clock: the tasks are made overdue relative to
now, so the start-up sweep finds one OVERDUE reminder due for each.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import insert, select, update
from sqlmodel import col

from bot.runtime import Runtime
from bot.sandbox import Sandbox, SandboxClient, SandboxConfig
from bot.services import reminders
from bot.services.reminders import DeliveryPolicy
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Agency, Chat, ChatPurpose, Directive, ReminderDelivery, Task, Workspace
from tests.conftest import POSTGRES_URL, _truncate_all, make_settings, sqlite_url

pytestmark = pytest.mark.slow
NHACVIEC = [sys.executable, "-m", "bot.cli", "run"]
TOKEN = "7012345678:AAF-crash-test-secret-0123456789"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Prepared:
    groups: list[int]
    tasks: dict[int, int]  # task id -> its group
    admin: int


async def _drain_updates(sandbox: Sandbox) -> None:
    """Confirm the queued updates (the bot being added to each group), so the
    processes start with reminders only, not with a greeting per group."""
    async with httpx.AsyncClient(base_url=f"{sandbox.url}/bot{TOKEN}") as http:
        last = (await http.post("/getUpdates", json={"offset": -1, "timeout": 0})).json()
        if last["result"]:
            await http.post("/getUpdates", json={"offset": last["result"][-1]["update_id"] + 1})


async def _prepare(sandbox: Sandbox, database: Database, groups: int) -> Prepared:
    """One agency and one overdue task per group; the bot in every group."""
    async with sandbox.client() as client:
        admin = await client.create_user("Admin")
        await client.create_chat("private", members=[admin["id"]])
        lan = await client.create_user("Lan")
        chat_ids = []
        for n in range(groups):
            chat = await client.create_chat("group", f"Nhóm {n:03d}", members=[lan["id"]])
            await client.add_bot(chat["id"], lan["id"])
            chat_ids.append(int(chat["id"]))
    await _drain_updates(sandbox)
    now = datetime.now(UTC)
    today = now.astimezone(VN).date()
    async with database.session() as session:
        workspace = Workspace(name="Sở Nội vụ")
        session.add(workspace)
        await session.flush()
        assert workspace.id is not None
        directive = Directive(workspace_id=workspace.id, number="2268/UBND-TTHC")
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
        agencies = (await session.execute(select(Agency).order_by(col(Agency.id)))).scalars()
        agency_ids = [a.id for a in agencies]
        await session.execute(
            insert(Chat),
            [
                {
                    "telegram_chat_id": chat_id,
                    "workspace_id": workspace.id,
                    "purpose": ChatPurpose.AGENCY,
                    "agency_id": agency_ids[n],
                    "type": "group",
                    "title": f"Nhóm {n:03d}",
                    "bot_is_member": True,
                }
                for n, chat_id in enumerate(chat_ids)
            ],
        )
        await session.execute(
            insert(Task),
            [
                {
                    "workspace_id": workspace.id,
                    "directive_id": directive.id,
                    "agency_id": agency_ids[n],
                    "code": f"T{n}",
                    "action": "Báo cáo kết quả thực hiện",
                    "effective_deadline": today - timedelta(days=20),
                    "state": "open",
                    "progress": 0,
                    "role": "perform",
                    "supporting": [],
                    "next_reminder_at": now - timedelta(minutes=1),
                    "reminders_checked_at": now - timedelta(days=8),
                }
                for n in range(groups)
            ],
        )
        rows = (await session.execute(select(Task.id, Task.agency_id))).all()
    group_of = {agency_ids[n]: chat_ids[n] for n in range(groups)}
    return Prepared(chat_ids, {int(t): group_of[a] for t, a in rows}, int(admin["id"]))


def _env(sandbox: Sandbox, url: str, admin: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=sandbox.url,
        DATABASE_URL=url,
        BOT_ADMINS=str(admin),
        ESCALATE_AFTER_DAYS="60",  # only OVERDUE reminders in these tests
        **extra,
    )
    return env


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    handle = log.open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            *NHACVIEC, env=env, stdout=handle, stderr=handle, cwd=log.parent
        )
    finally:
        handle.close()


async def _group_sends(client: SandboxClient) -> int:
    stats = await client.stats()
    return sum(1 for s in stats["sends"] if s["chat_id"] < 0)


async def _wait_for(predicate: Any, timeout: float, what: str) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(what)


async def _states(database: Database) -> list[tuple[str, int]]:
    async with database.session() as session:
        query = select(ReminderDelivery.state, ReminderDelivery.doubtful_sends)
        return [(state, int(doubtful)) for state, doubtful in (await session.execute(query)).all()]


async def _settled(database: Database) -> bool:
    """Nothing in flight: sent, or waiting for its labelled repeat."""
    states = await _states(database)
    return bool(states) and all(s == "sent" or (s == "pending" and d) for s, d in states)


async def _all_sent(database: Database) -> bool:
    states = await _states(database)
    return bool(states) and {s for s, _ in states} == {"sent"}


async def _repeats_due_now(database: Database) -> int:
    """Time passes: the repeats of doubtful sends fall due."""
    async with database.session() as session:
        result = await session.execute(
            update(ReminderDelivery)
            .where(col(ReminderDelivery.state) == "pending")
            .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class Received:
    first: Counter[int]  # task -> unlabelled copies
    repeats: Counter[int]  # task -> copies labelled as a repeat


async def _check(client: SandboxClient, database: Database, prepared: Prepared) -> Received:
    """Every task's reminder is recorded sent and arrived; a second copy only as a repeat."""
    received = Received(Counter(), Counter())
    message_of: dict[tuple[int, int], set[int]] = {}
    for chat_id in prepared.groups:
        for message in await client.messages(chat_id):
            if not message.get("text", "").startswith("🔔"):
                continue
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            ids = {int(row[0]["callback_data"].split(":")[1]) for row in rows}
            labelled = "Tin nhắc này được gửi lại" in message["text"]
            (received.repeats if labelled else received.first).update(ids)
            message_of[(chat_id, message["message_id"])] = ids
    async with database.session() as session:
        rows = list((await session.execute(select(ReminderDelivery))).scalars())
    assert len(rows) == len(prepared.tasks), "one reminder per task, planned once"
    assert {r.state for r in rows} == {"sent"}
    assert set(received.first.values()) <= {1}, "no reminder arrived twice unlabelled"
    assert set(received.repeats.values()) <= {1}
    assert set(received.first) | set(received.repeats) == set(prepared.tasks), "none lost"
    for row in rows:
        assert row.telegram_chat_id == prepared.tasks[row.task_id]
        assert row.task_id in message_of[(row.telegram_chat_id, row.telegram_message_id or 0)]
    return received


async def test_kill_9_in_the_middle_of_sweeps_never_sends_twice_and_loses_nothing(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path / "bot.db")
    database = Database(url)
    await upgrade(database)
    log = tmp_path / "bot.log"
    async with Sandbox(SandboxConfig(bot_token=TOKEN)) as sandbox, sandbox.client() as client:
        prepared = await _prepare(sandbox, database, groups=60)
        env = _env(sandbox, url, prepared.admin)
        kills = 0
        for _ in range(3):
            threshold = await _group_sends(client) + 5
            process = await _start(env, log)

            async def reached(threshold: int = threshold) -> bool:
                return await _group_sends(client) >= threshold

            await _wait_for(reached, 60, f"the bot never reached {threshold} sends")
            process.send_signal(signal.SIGKILL)
            await process.wait()
            kills += 1
        sent_before_clean_run = await _group_sends(client)
        assert sent_before_clean_run < len(prepared.tasks), "the kills landed mid-sweep"

        process = await _start(env, log)  # the clean run: recovers, finishes the sweep
        await _wait_for(lambda: _settled(database), 60, "reminders did not settle")

        async def admin_told() -> bool:
            return any(
                "Bot dừng đột ngột khi đang gửi" in m.get("text", "")
                for m in await client.messages(prepared.admin)
            )

        await _wait_for(admin_told, 30, "the admins were not told about the sends in doubt")
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
        in_doubt = await _repeats_due_now(database)
        process = await _start(env, log)  # later: the repeats go out, labelled
        await _wait_for(lambda: _all_sent(database), 60, "the repeats were not sent")
        received = await _check(client, database, prepared)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    await database.dispose()
    assert kills == 3
    # A killed process leaves at most its claimed chats in doubt (two chunks).
    assert 0 < in_doubt <= 2 * DeliveryPolicy().concurrency * kills
    assert sum(received.repeats.values()) == in_doubt
    twice = sum(1 for task in received.repeats if received.first[task])
    print(
        f"\nkill -9 x{kills}: {len(prepared.tasks)} reminders, {in_doubt} in doubt and repeated "
        f"(labelled), {twice} of them had arrived before the kill"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
async def test_two_processes_on_one_postgresql_database_never_send_the_same_reminder(
    tmp_path: Path, postgres_schema: str
) -> None:
    database = Database(postgres_schema)
    await _truncate_all(database)
    async with Sandbox(SandboxConfig(bot_token=TOKEN)) as sandbox, sandbox.client() as client:
        prepared = await _prepare(sandbox, database, groups=150)
        # Each process keeps to 30/s by itself; together they would exceed it.
        # Rate limits are not what this test is about, so the sandbox lifts them.
        await client.set_rate_limits(global_rate_per_second=None, group_rate_per_minute=None)
        # Planned before either starts, so both find the same pending deliveries
        # and compete for every chat's claim.
        planner = Runtime.from_settings(make_settings(postgres_schema))
        planned = await reminders.plan_due(planner)
        await planner.database.dispose()
        assert planned.reminders == len(prepared.tasks)
        processes, logs = [], []
        for n in range(2):
            port = _free_port()
            env = _env(
                sandbox,
                postgres_schema,
                prepared.admin,
                WEBHOOK_URL=f"http://127.0.0.1:{port}/",
                WEBHOOK_LISTEN="127.0.0.1",
                WEBHOOK_PORT=str(port),
            )
            logs.append(tmp_path / f"bot{n}.log")
            processes.append(await _start(env, logs[-1]))

        async def both_started() -> bool:
            return all("Application started" in log.read_text() for log in logs)

        await _wait_for(both_started, 60, "a process did not start")
        await _wait_for(lambda: _settled(database), 90, "reminders did not settle")
        received = await _check(client, database, prepared)
        async with database.session() as session:
            claimants = Counter(
                (await session.execute(select(ReminderDelivery.claimed_by))).scalars()
            )
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            assert await asyncio.wait_for(process.wait(), 30) == 0
    await database.dispose()
    assert received.repeats == Counter()  # nothing crashed: nothing in doubt
    assert len(received.first) == len(prepared.tasks)
    assert len(claimants) == 2, f"both processes sent some reminders: {claimants}"
    print(f"\ntwo processes: {dict(claimants)}")
