"""Reminders through the real Application and the sandbox over HTTP: one
message per chat grouped by agency with mentions and buttons, flood control,
5xx and dropped connections, a migrated group, the bot removed or blocked,
and a restart on the same database."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlmodel import col

import bot.app
from bot.clock import ManualClock
from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.sandbox import Sandbox, SandboxConfig
from bot.services import reminder_reports, reminders
from bot.services.reminders import DeliveryPolicy
from handlers.keyboards import parse_task_callback
from jobs.sender import TelegramSender
from storage.models import Chat, ChatPurpose, OutboxState
from storage.repositories import reminders as repo
from tests import factories
from tests.e2e.harness import BotHarness
from tests.reminders_support import World as DbWorld
from tests.reminders_support import deliveries, planned_task, task_row

JSON = dict[str, Any]
AT_0800 = datetime(2024, 5, 13, 1, 0, 30, tzinfo=UTC)  # Monday 08:00:30 in Vietnam
THURSDAY = date(2024, 5, 16)


class World:
    """Sandbox people and groups, and the database rows that describe them."""

    def __init__(self, harness: BotHarness) -> None:
        self.harness = harness
        self.runtime = harness.runtime
        self.users: dict[str, JSON] = {}
        self.groups: dict[str, int] = {}
        self.db: DbWorld

    async def build(self, *, groups: bool = True, agencies: int = 2) -> World:
        h, runtime = self.harness, self.runtime
        for name in ("Lan", "Hùng", "Mai", "Admin"):
            self.users[name] = await h.user(name)
        admin = self.users["Admin"]
        runtime.settings = runtime.settings.model_copy(update={"BOT_ADMINS": [admin["id"]]})
        await h.say(admin["id"], admin, "/start")
        db = runtime.database
        ws = await factories.workspace(db)
        assert ws.id is not None
        ids: dict[str, int] = {}
        for n, (code, name) in enumerate(
            [("STP", "Sở Tư pháp"), ("STC", "Sở Tài chính"), *_more(agencies)]
        ):
            agency = await factories.agency(db, ws.id, code, name)
            assert agency.id is not None
            ids[code] = agency.id
            if n >= 2:
                await self.group(f"G{code}", ChatPurpose.AGENCY, ws.id, agency.id, ["Lan"])
        await factories.member(
            db, ws.id, self.users["Lan"]["id"], Role.FOCAL_POINT, ids["STP"], "Lan"
        )
        await factories.member(
            db, ws.id, self.users["Hùng"]["id"], Role.FOCAL_POINT, ids["STP"], "Hùng"
        )
        await factories.member(
            db, ws.id, self.users["Mai"]["id"], Role.FOCAL_POINT, ids["STC"], "Mai"
        )
        if groups:
            await self.group("Sở Tư pháp", ChatPurpose.AGENCY, ws.id, ids["STP"], ["Lan", "Hùng"])
            await self.group(
                "Đầu mối", ChatPurpose.FOCAL_POINTS, ws.id, None, ["Lan", "Hùng", "Mai"]
            )
            await self.group("Điều phối", ChatPurpose.COORDINATION, ws.id, None, ["Admin"])
        directive = await factories.directive(db, ws.id)
        assert directive.id is not None
        self.db = DbWorld(ws.id, directive.id, ids)
        return self

    async def group(
        self, title: str, purpose: ChatPurpose, ws: int, agency_id: int | None, people: list[str]
    ) -> int:
        members = [self.users[p] for p in people]
        chat = await self.harness.group(title, members, added_by=members[0])
        await set_purpose(self.runtime, chat["id"], ws, purpose, agency_id, title)
        self.groups[title] = chat["id"]
        return int(chat["id"])

    def id(self, name: str) -> int:
        return int(self.users[name]["id"])


def _more(n: int) -> list[tuple[str, str]]:
    return [(f"A{i}", f"Cơ quan {i:03d}") for i in range(max(n - 2, 0))]


async def set_purpose(
    runtime: Runtime, chat_id: int, ws: int, purpose: ChatPurpose, agency_id: int | None, title: str
) -> None:
    """What /setup leaves behind (the chat row may already exist: the bot saw the join)."""
    async with runtime.database.session() as session:
        row = (
            await session.execute(select(Chat).where(col(Chat.telegram_chat_id) == chat_id))
        ).scalar_one_or_none()
        if row is None:
            row = Chat(telegram_chat_id=chat_id, type="group", title=title)
        row.workspace_id, row.purpose, row.agency_id, row.bot_is_member = (
            ws,
            purpose,
            agency_id,
            True,
        )
        session.add(row)


def sender(harness: BotHarness) -> TelegramSender:
    return TelegramSender(harness.app.bot, harness.runtime.language)


async def sweep(harness: BotHarness, **kw: Any) -> reminders.SweepResult:
    return await reminders.sweep(harness.runtime, sender(harness), **kw)


async def bot_texts(harness: BotHarness, chat_id: int) -> list[JSON]:
    """The bot's reminder messages in a chat (not its greetings or setup prompts)."""
    return [
        m for m in await harness.bot_messages(chat_id) if m.get("text", "").startswith(("🔔", "⛔"))
    ]


async def last_text(harness: BotHarness, chat_id: int) -> str:
    messages = [m for m in await harness.bot_messages(chat_id) if "text" in m]
    return str(messages[-1]["text"])


def task_rows(message: JSON) -> list[int]:
    """Task ids of a message's button rows (one row per task)."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    parsed = [parse_task_callback(row[0]["callback_data"]) for row in rows]
    return [p.task_id for p in parsed if p is not None]


async def test_one_message_per_chat_grouped_by_agency_with_mentions_and_buttons(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build()
        t1 = await planned_task(
            e2e_runtime, world.db, "STP", "T1", THURSDAY, action="Báo cáo PAR INDEX"
        )
        t2 = await planned_task(e2e_runtime, world.db, "STP", "T2", THURSDAY)
        t3 = await planned_task(e2e_runtime, world.db, "STC", "T3", THURSDAY)
        clock.set(AT_0800)
        result = await sweep(h)
        assert result.delivery.messages == 2

        [stp] = await bot_texts(h, world.groups["Sở Tư pháp"])
        assert task_rows(stp) == [t1.id, t2.id]
        buttons = [b["callback_data"] for b in stp["reply_markup"]["inline_keyboard"][0]]
        assert buttons == [f"t:{t1.id}:d", f"t:{t1.id}:p", f"t:{t1.id}:b", f"t:{t1.id}:e"]
        assert "Báo cáo PAR INDEX" in stp["text"] and "Văn bản số 2268/UBND-TTHC" in stp["text"]
        # Telegram turns tg://user links into text_mention entities (and notifies the
        # user); the sandbox keeps them as text links, which carry the same id.
        mentioned = {
            e.get("user", {}).get("id") or int(e["url"].split("=")[1])
            for e in stp.get("entities", [])
            if e["type"] == "text_mention" or e.get("url", "").startswith("tg://user?id=")
        }
        assert mentioned == {world.id("Lan"), world.id("Hùng")}
        [focal] = await bot_texts(h, world.groups["Đầu mối"])
        assert task_rows(focal) == [t3.id] and "Sở Tài chính" in focal["text"]
        assert await bot_texts(h, world.groups["Điều phối"]) == []

        rows = await deliveries(e2e_runtime)
        assert {(r.telegram_chat_id, r.telegram_message_id) for r in rows} == {
            (world.groups["Sở Tư pháp"], stp["message_id"]),
            (world.groups["Đầu mối"], focal["message_id"]),
        }
        async with e2e_runtime.database.session() as session:
            about = await repo.tasks_of_message(
                session, world.groups["Sở Tư pháp"], stp["message_id"]
            )
        assert [t.id for t in about] == [t1.id, t2.id]


async def test_a_flood_of_429s_is_waited_out_and_nothing_is_sent_twice(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build(groups=False, agencies=10)
        for n, code in enumerate(c for c in world.db.agencies if c.startswith("A")):
            await planned_task(e2e_runtime, world.db, code, f"T{n}", THURSDAY)
        await h.client.set_rate_limits(global_rate_per_second=3)
        clock.set(AT_0800)
        result = await sweep(h)
        for _ in range(3):  # 429s past the rate limiter's own retries wait for the outbox
            if not result.delivery.retried:
                break
            clock.advance(timedelta(minutes=1))
            result = await sweep(h)
        stats = await h.client.stats()
        received = {chat_id: len(await bot_texts(h, chat_id)) for chat_id in world.groups.values()}
    assert stats["responses_429"] > 0, "the storm did happen"
    assert {r.state for r in await deliveries(e2e_runtime)} == {OutboxState.SENT}
    assert len(received) == 8 and set(received.values()) == {1}


async def test_a_429_beyond_the_limiters_retries_is_retried_by_the_outbox(
    e2e_runtime: Runtime, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = bot.app.rate_limiter
    monkeypatch.setattr(bot.app, "rate_limiter", lambda retries: original(0))
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build()
        for n in range(30):  # two messages for one group
            await planned_task(e2e_runtime, world.db, "STP", f"T{n}", THURSDAY)
        await h.client.set_rate_limits(group_rate_per_minute=1)
        clock.set(AT_0800)
        first = await sweep(h)
        assert first.delivery.sent == 25 and first.delivery.retried == 5
        [pending] = {
            r.next_attempt_at for r in await deliveries(e2e_runtime) if r.state == "pending"
        }
        assert pending is not None and pending >= AT_0800 + timedelta(seconds=30)
        await h.client.advance_clock(61)  # the group's minute passes on Telegram's side...
        clock.advance(timedelta(seconds=61))  # ...and ours
        second = await sweep(h)
        assert second.delivery.sent == 5
        messages = await bot_texts(h, world.groups["Sở Tư pháp"])
    ids = [task_id for m in messages for task_id in task_rows(m)]
    assert len(ids) == len(set(ids)) == 30


async def test_server_errors_are_retried_until_each_reminder_arrives_once(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build(groups=False, agencies=10)
        for n, code in enumerate(c for c in world.db.agencies if c.startswith("A")):
            await planned_task(e2e_runtime, world.db, code, f"T{n}", THURSDAY)
        await h.client.set_faults(failure_rate=0.6)
        clock.set(AT_0800)
        policy = DeliveryPolicy(max_attempts=50)
        for _ in range(40):
            result = await sweep(h, policy=policy)
            if not result.delivery.retried:
                break
            clock.advance(timedelta(minutes=31))
        stats = await h.client.stats()
        await h.client.set_faults(failure_rate=0)
        received: Counter[int] = Counter()
        for chat_id in world.groups.values():
            for message in await bot_texts(h, chat_id):
                received.update(task_rows(message))
    assert stats["faults_5xx"] > 0
    assert {r.state for r in await deliveries(e2e_runtime)} == {OutboxState.SENT}
    assert len(received) == 8 and set(received.values()) == {1}


async def test_dropped_connections_are_sent_again_labelled_and_nothing_is_lost(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    policy = DeliveryPolicy()
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build(groups=False, agencies=16)
        for n, code in enumerate(c for c in world.db.agencies if c.startswith("A")):
            await planned_task(e2e_runtime, world.db, code, f"T{n}", THURSDAY)
        await h.client.set_faults(drop_rate=0.25, ack_loss_rate=0.25)
        clock.set(AT_0800)
        for _ in range(4):
            await sweep(h)
            clock.advance(timedelta(minutes=1))
        stats = await h.client.stats()
        await h.client.set_faults(drop_rate=0, ack_loss_rate=0)
        for _ in range(policy.max_doubtful_sends):  # the repeats, on a good connection
            clock.advance(policy.repeat_after)
            await sweep(h)
        reported = await reminder_reports.report_problems(e2e_runtime, sender(h))
        first: Counter[int] = Counter()
        repeated: Counter[int] = Counter()
        for chat_id in world.groups.values():
            for message in await bot_texts(h, chat_id):
                labelled = "Tin nhắc này được gửi lại" in message["text"]
                (repeated if labelled else first).update(task_rows(message))
    rows = await deliveries(e2e_runtime)
    assert stats["drops"] > 0 and stats["acks_lost"] > 0
    assert {r.state for r in rows} == {"sent"}, "every reminder went out in the end"
    assert set(first) | set(repeated) == {r.task_id for r in rows}, "none lost"
    assert set(first.values()) == {1} and set(repeated.values()) <= {1}
    # A task arrives twice only when the answer to its first send was lost, and
    # then the second copy says it is a repeat.
    twice = [task for task in repeated if first[task]]
    assert len(twice) <= 25 * stats["acks_lost"]
    assert any(r.doubtful_sends for r in rows)
    assert reported == 0  # nothing left for the admins to check


async def test_a_reply_to_a_reminder_whose_answer_was_lost_withdraws_its_repeat(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    policy = DeliveryPolicy()
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build()
        task = await planned_task(e2e_runtime, world.db, "STP", "T1", THURSDAY)
        group = world.groups["Sở Tư pháp"]
        await h.client.set_faults(ack_loss_rate=1.0)
        clock.set(AT_0800)
        result = await sweep(h)
        await h.client.set_faults(ack_loss_rate=0)
        assert result.delivery.to_repeat == 1 and result.delivery.sent == 0
        [reminder] = await bot_texts(h, group)  # Telegram has it; the bot does not know
        await h.client.send_message(
            group, world.id("Lan"), "đang làm 40%", reply_to_message_id=reminder["message_id"]
        )
        await h.idle()
        clock.advance(policy.repeat_after)
        await sweep(h)
        texts = await bot_texts(h, group)
    assert [m["message_id"] for m in texts] == [reminder["message_id"]], "no repeat"
    [row] = await deliveries(e2e_runtime)
    assert (row.state, row.telegram_message_id) == ("sent", reminder["message_id"])
    assert (await task_row(e2e_runtime, task.id or 0)).progress == 40


async def test_a_group_upgraded_to_a_supergroup_gets_its_reminders_there(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build()
        task = await planned_task(e2e_runtime, world.db, "STP", "T1", THURSDAY)
        old = world.groups["Sở Tư pháp"]
        new = await h.client.migrate_to_supergroup(old)
        await h.idle()
        # The bot missed the migration notice (say it was down): the chat row still has the old id.
        async with e2e_runtime.database.session() as session:
            await session.execute(
                update(Chat).where(col(Chat.telegram_chat_id) == new).values(telegram_chat_id=old)
            )
        clock.set(AT_0800)
        result = await sweep(h)
        assert result.delivery.migrated == 1 and result.delivery.sent == 1
        [message] = await bot_texts(h, new)
        assert task_rows(message) == [task.id]
        async with e2e_runtime.database.session() as session:
            chat = (
                await session.execute(select(Chat).where(col(Chat.telegram_chat_id) == new))
            ).scalar_one()
        assert chat.purpose == ChatPurpose.AGENCY and chat.migrated_from_chat_id == old
        # The next reminder goes straight to the new id.
        clock.set(datetime(2024, 5, 15, 1, 0, 30, tzinfo=UTC))
        again = await sweep(h)
        assert again.delivery.migrated == 0 and len(await bot_texts(h, new)) == 2


async def test_removed_from_the_group_and_blocked_in_private(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build()
        stp_group = world.groups["Sở Tư pháp"]
        await planned_task(e2e_runtime, world.db, "STP", "T1", THURSDAY)
        await h.client.remove_bot(stp_group, world.id("Lan"))
        await h.idle()
        # Whether or not the bot noticed, the database still says it is there:
        async with e2e_runtime.database.session() as session:
            await session.execute(
                update(Chat)
                .where(col(Chat.telegram_chat_id) == stp_group)
                .values(bot_is_member=True)
            )
        clock.set(AT_0800)
        result = await sweep(h)
        assert result.delivery.failed == 1 and result.delivery.removed_from == [stp_group]
        async with e2e_runtime.database.session() as session:
            chat = (
                await session.execute(select(Chat).where(col(Chat.telegram_chat_id) == stp_group))
            ).scalar_one()
        assert chat.bot_is_member is False
        clock.set(datetime(2024, 5, 15, 1, 0, 30, tzinfo=UTC))  # the next reminder
        await sweep(h)
        assert len(await bot_texts(h, world.groups["Đầu mối"])) == 1  # the fallback group

        # In private: Sở Tài chính has no group once the focal points' group is gone too.
        async with e2e_runtime.database.session() as session:
            await session.execute(update(Chat).values(bot_is_member=False))
        await h.say(world.id("Mai"), world.users["Mai"], "/start")
        await h.client.block_bot(world.id("Mai"))
        await planned_task(e2e_runtime, world.db, "STC", "T2", date(2024, 5, 20))
        clock.set(datetime(2024, 5, 17, 1, 0, 30, tzinfo=UTC))  # Friday: T2's BEFORE-1
        await sweep(h)
        reported = await reminder_reports.report_problems(e2e_runtime, sender(h))
        report = await last_text(h, world.id("Admin"))
    blocked = [r for r in await deliveries(e2e_runtime) if r.telegram_chat_id == world.id("Mai")]
    assert [r.state for r in blocked] == ["failed"]
    assert reported >= 2 and "bot không còn trong nhóm hoặc bị chặn" in report


async def test_restart_on_the_same_database_sends_nothing_twice(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    sandbox = Sandbox(SandboxConfig())
    await sandbox.start()
    try:
        async with BotHarness(e2e_runtime, sandbox=sandbox) as h:
            world = await World(h).build()
            for n in range(3):
                await planned_task(e2e_runtime, world.db, "STP", f"T{n}", THURSDAY)
            await planned_task(e2e_runtime, world.db, "STC", "T9", THURSDAY)
            clock.set(AT_0800)
            await reminders.plan_due(e2e_runtime)  # planned, then the bot stops before sending
        for _ in range(2):  # two restarts on the same database and sandbox
            async with BotHarness(e2e_runtime, sandbox=sandbox) as h:
                await sweep(h)
        async with BotHarness(e2e_runtime, sandbox=sandbox) as h:
            stp = await bot_texts(h, world.groups["Sở Tư pháp"])
            focal = await bot_texts(h, world.groups["Đầu mối"])
    finally:
        await sandbox.stop()
    assert len(stp) == 1 and len(task_rows(stp[0])) == 3
    assert len(focal) == 1


async def test_a_reminder_due_while_the_bot_was_down_goes_out_once_marked_late(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build()
        await planned_task(e2e_runtime, world.db, "STP", "T1", THURSDAY)
        clock.set(datetime(2024, 5, 14, 3, 0, tzinfo=UTC))  # Tuesday 10:00: Monday's was missed
        await sweep(h)
        await sweep(h)
        [message] = await bot_texts(h, world.groups["Sở Tư pháp"])
    assert "gửi muộn" in message["text"]
    assert "Nhắc muộn (lịch nhắc: 08:00 13/05/2024)" in message["text"]
