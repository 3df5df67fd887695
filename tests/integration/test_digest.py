"""The daily digest against a seeded workspace, on SQLite and PostgreSQL.

Every figure is recomputed here straight from the rows, with plain date
comparisons (not through bot.domain.rollup), and compared with what the
digest says; then the once-a-day guarantee across restarts, crashes and
Telegram failures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.clock import ManualClock
from bot.domain.digest import CATEGORY_ORDER
from bot.domain.rights import Actor, Role
from bot.domain.rollup import Category
from bot.runtime import Runtime
from bot.services import digest as digest_service
from bot.services.digest import DeliveryError, DeliveryFailure, RequestOutcome
from storage.database import Database
from storage.models import (
    AuditEvent,
    ChatPurpose,
    DigestOutbox,
    ExtensionRequest,
    OutboxState,
    Task,
)
from storage.repositories import digests
from tests import factories
from tests.conftest import make_settings
from tests.reporting_seed import (
    COORDINATION_CHAT,
    COORDINATOR,
    FOCAL_POINT,
    LAST_DIGEST,
    NOW,
    OTHER_COORDINATION_CHAT,
    TODAY,
    seed,
    tasks_of,
)

HORIZON_END = date(2024, 5, 16)  # Monday 13/5 + 3 working days (Tue, Wed, Thu)


@dataclass
class FakeSender:
    sent: list[tuple[str, int, str]] = field(default_factory=list)
    photos: list[bytes] = field(default_factory=list)
    fail_with: DeliveryFailure | None = None
    fail_after: int = 0  # messages delivered before failing
    next_id: int = 100

    async def _deliver(self, kind: str, chat_id: int, text: str) -> int:
        if self.fail_with is not None and len(self.sent) >= self.fail_after:
            raise DeliveryError("simulated", self.fail_with, retry_after=30.0)
        self.next_id += 1
        self.sent.append((kind, chat_id, text))
        return self.next_id

    async def send_text(self, chat_id: int, text: str) -> int:
        return await self._deliver("text", chat_id, text)

    async def send_photo(self, chat_id: int, photo: bytes, caption: str) -> int:
        self.photos.append(photo)
        return await self._deliver("photo", chat_id, caption)


def make_runtime(database: Database, at: datetime = NOW) -> Runtime:
    return Runtime(settings=make_settings(database.url), database=database, clock=ManualClock(at))


def category_by_hand(task: Task, today: date) -> Category:
    deadline = task.effective_deadline
    if task.state == "done":
        assert task.completed_on is not None
        if deadline is not None and task.completed_on > deadline:
            return Category.DONE_LATE
        return Category.DONE_ON_TIME
    if deadline is not None and deadline < today:
        return Category.OPEN_OVERDUE
    return Category.OPEN_ON_TIME


async def test_digest_figures_equal_the_rows(database: Database) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    message = await digest_service.compose_message(runtime, seeded.workspace_id)
    assert message is not None
    digest = message.digest
    rows = [
        task for task in await tasks_of(database, seeded.workspace_id) if task.state != "cancelled"
    ]
    agency_of = {task.id: task.agency_id for task in rows}

    # the four groups
    by_hand = Counter(category_by_hand(task, TODAY) for task in rows)
    assert {c: digest.summary.count(c) for c in Category} == {c: by_hand[c] for c in Category}
    assert digest.summary.total == len(rows) == 18
    assert [by_hand[c] for c in CATEGORY_ORDER] == [4, 2, 7, 5]  # and by hand on paper

    # the chart: the same counts, per agency
    per_agency: dict[int, Counter[Category]] = {}
    for task in rows:
        per_agency.setdefault(task.agency_id, Counter())[category_by_hand(task, TODAY)] += 1
    assert {bar.agency_id: bar.counts for bar in digest.chart.bars} == {
        agency_id: tuple(counts[c] for c in CATEGORY_ORDER)
        for agency_id, counts in per_agency.items()
    }

    # completed since Friday's digest time (no digest was sent before)
    def completed_since(task: Task) -> bool:
        if task.state != "done":
            return False
        if task.completed_at is not None:
            return LAST_DIGEST < task.completed_at <= NOW
        return task.completed_on is not None and date(2024, 5, 10) < task.completed_on <= TODAY

    assert digest.since == LAST_DIGEST
    assert sorted(item.task.task_id for item in digest.completed) == sorted(
        task.id for task in rows if completed_since(task)
    )
    assert len(digest.completed) == 3

    # due in the next three working days
    assert digest.due_until == HORIZON_END
    assert sorted(item.task.task_id for item in digest.due_soon) == sorted(
        task.id
        for task in rows
        if task.state == "open"
        and task.effective_deadline is not None
        and TODAY <= task.effective_deadline <= HORIZON_END
    )
    assert len(digest.due_soon) == 3

    # overdue by agency, with the days late
    overdue = {
        task.id: (TODAY - task.effective_deadline).days
        for task in rows
        if task.state == "open" and task.effective_deadline and task.effective_deadline < TODAY
    }
    assert {
        late.task.task_id: late.days_late for g in digest.overdue for late in g.tasks
    } == overdue
    for group in digest.overdue:
        assert all(agency_of[late.task.task_id] == group.agency_id for late in group.tasks)
    assert sorted(overdue.values()) == [3, 5, 10, 24, 31]

    # blocked, with reasons
    blocked = {
        task.id: task.blocked_reason
        for task in rows
        if task.state == "open" and task.blocked_reason
    }
    assert {task.task_id: task.blocked_reason for task in digest.blocked} == blocked
    assert len(blocked) == 3

    # pending extension requests
    async with database.session() as session:
        requests = list((await session.execute(select(ExtensionRequest))).scalars())
    pending = [
        r.id for r in requests if r.state == "pending" and r.workspace_id == seeded.workspace_id
    ]
    assert sorted(ext.request_id for ext in digest.extensions) == sorted(pending)
    assert len(pending) == 2

    # the text says the same
    text = "\n\n".join(message.parts)
    for category, label in (
        (Category.DONE_ON_TIME, "Hoàn thành đúng hạn"),
        (Category.DONE_LATE, "Hoàn thành quá hạn"),
        (Category.OPEN_ON_TIME, "Đang thực hiện trong hạn"),
        (Category.OPEN_OVERDUE, "Quá hạn chưa hoàn thành"),
    ):
        assert f"{label}: {by_hand[category]}" in text
    assert "<b>Tình hình chung</b>: 18 nhiệm vụ" in text
    assert "chưa bắt đầu: 7, vướng mắc: 3" in text
    assert "Đã hoàn thành từ lần tổng hợp trước</b> (16:30 10/05/2024): 3" in text
    assert "Đến hạn trong 3 ngày làm việc tới</b> (đến 16/05/2024): 3" in text
    assert "Quá hạn chưa hoàn thành</b>: 5 nhiệm vụ của 3 cơ quan" in text
    assert "quá hạn 31 ngày" in text and "chờ số liệu của Bộ Y tế" in text
    assert "xin gia hạn đến 31/05/2024 (hạn hiện tại 08/05/2024)" in text
    assert "Nhiệm vụ đã được thu hồi" not in text  # cancelled
    assert "Phòng Tư pháp" not in text  # the other workspace
    assert message.chart_png is not None and message.chart_png.startswith(b"\x89PNG\r\n\x1a\n")


async def test_once_a_day_across_a_restart(database: Database) -> None:
    seeded = await seed(database)
    first = FakeSender()
    outcomes = await digest_service.send_daily(make_runtime(database), first)
    assert {o.workspace_id: o.state for o in outcomes} == {
        seeded.workspace_id: OutboxState.SENT,
        seeded.other_workspace_id: OutboxState.SENT,
    }
    to_coordination = [m for m in first.sent if m[1] == COORDINATION_CHAT]
    assert [kind for kind, _, _ in to_coordination][-1] == "photo"
    assert {chat for _, chat, _ in first.sent} == {COORDINATION_CHAT, OTHER_COORDINATION_CHAT}

    # a new process: another engine on the same database, later the same day
    database_again = Database(database.url)
    try:
        later = make_runtime(database_again, NOW + timedelta(hours=2))
        second = FakeSender()
        assert [o.state for o in await digest_service.send_daily(later, second)] == [None, None]
        started = NOW + timedelta(hours=2)
        assert await digest_service.catch_up(later, second, started_at=started) == [
            digest_service.DailyOutcome(seeded.workspace_id, TODAY, None),
            digest_service.DailyOutcome(seeded.other_workspace_id, TODAY, None),
        ]
        assert second.sent == []
        async with database_again.session() as session:
            row = await digests.get(session, seeded.workspace_id, TODAY)
        assert row is not None and row.state == OutboxState.SENT
        assert row.telegram_chat_id == COORDINATION_CHAT
        assert len(row.telegram_message_ids) == len(to_coordination)
    finally:
        await database_again.dispose()


async def test_a_digest_left_sending_by_a_crash_is_sent_again_labelled(
    database: Database,
) -> None:
    seeded = await seed(database)
    async with database.session() as session:
        await digests.ensure(session, seeded.workspace_id, TODAY)
    async with database.session() as session:
        assert await digests.claim(session, seeded.workspace_id, TODAY, NOW) == 0
    # the process dies here, between claim and send; a new one starts later
    runtime = make_runtime(database, NOW + timedelta(minutes=5))
    sender = FakeSender()
    await digest_service.catch_up(runtime, sender, started_at=NOW + timedelta(minutes=5))
    to_coordination = [text for _, chat, text in sender.sent if chat == COORDINATION_CHAT]
    assert to_coordination and to_coordination[0].startswith("<b>📋 Tổng hợp")
    assert "♻️ Bản tổng hợp này được gửi lại" in to_coordination[0]
    async with database.session() as session:
        row = await digests.get(session, seeded.workspace_id, TODAY)
    assert row is not None and (row.state, row.doubtful_sends) == (OutboxState.SENT, 1)


async def test_a_digest_whose_answer_never_came_is_sent_again_then_given_up(
    database: Database,
) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    unanswered = FakeSender(fail_with=DeliveryFailure.UNKNOWN)
    outcomes = await digest_service.send_daily(runtime, unanswered)
    assert {o.state for o in outcomes} == {OutboxState.PENDING}  # the job will retry
    sender = FakeSender()
    await digest_service.send_daily(runtime, sender)
    [first, *_] = [text for _, chat, text in sender.sent if chat == COORDINATION_CHAT]
    assert "♻️ Bản tổng hợp này được gửi lại" in first
    async with database.session() as session:
        row = await digests.get(session, seeded.workspace_id, TODAY)
    assert row is not None and (row.state, row.doubtful_sends) == (OutboxState.SENT, 1)

    tuesday = make_runtime(database, NOW + timedelta(days=1))
    states = [
        {o.state for o in await digest_service.send_daily(tuesday, unanswered)}
        for _ in range(digest_service.MAX_DOUBTFUL_SENDS)
    ]
    assert states[-1] == {OutboxState.UNKNOWN} and states[0] == {OutboxState.PENDING}
    assert await digest_service.send_daily(tuesday, sender) == [
        digest_service.DailyOutcome(o.workspace_id, o.day, None)
        for o in await digest_service.send_daily(tuesday, sender)
    ]  # given up: never sent a fourth time


async def test_catch_up_before_digest_time_or_on_a_weekend_sends_nothing(
    database: Database,
) -> None:
    await seed(database)
    morning = make_runtime(database, datetime(2024, 5, 13, 2, 0, tzinfo=UTC))  # 09:00
    sender = FakeSender()
    assert await digest_service.catch_up(morning, sender, started_at=morning.now()) == []
    saturday = make_runtime(database, datetime(2024, 5, 18, 11, 0, tzinfo=UTC))
    assert await digest_service.send_daily(saturday, sender) == []
    assert sender.sent == []
    async with database.session() as session:
        assert list((await session.execute(select(DigestOutbox))).scalars()) == []


async def test_telegram_asking_to_wait_leaves_the_digest_pending(database: Database) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    failing = FakeSender(fail_with=DeliveryFailure.RETRY)
    outcomes = await digest_service.send_daily(runtime, failing)
    assert {o.state for o in outcomes} == {OutboxState.PENDING}
    assert {o.retry_after for o in outcomes} == {30.0}
    sender = FakeSender()
    outcomes = await digest_service.send_daily(runtime, sender)
    assert {o.state for o in outcomes} == {OutboxState.SENT}
    assert any(chat == COORDINATION_CHAT for _, chat, _ in sender.sent)
    async with database.session() as session:
        row = await digests.get(session, seeded.workspace_id, TODAY)
    assert row is not None and row.state == OutboxState.SENT and row.error is None


async def test_a_gone_chat_fails_and_a_half_sent_digest_counts_as_sent(database: Database) -> None:
    seeded = await seed(database)
    gone = FakeSender(fail_with=DeliveryFailure.GONE)
    outcomes = await digest_service.send_daily(make_runtime(database), gone)
    assert {o.state for o in outcomes} == {OutboxState.FAILED}
    async with database.session() as session:
        row = await digests.get(session, seeded.workspace_id, TODAY)
    assert row is not None and row.state == OutboxState.FAILED and "simulated" in (row.error or "")

    # next working day: the first message goes out, then the network fails
    tuesday = make_runtime(database, NOW + timedelta(days=1))
    half = FakeSender(fail_with=DeliveryFailure.UNKNOWN, fail_after=1)
    outcomes = await digest_service.send_daily(tuesday, half)
    states = {o.workspace_id: o.state for o in outcomes}
    assert OutboxState.SENT in states.values()  # the part that went out is never resent
    again = FakeSender()
    by_workspace = {
        o.workspace_id: o.state for o in await digest_service.send_daily(tuesday, again)
    }
    # The workspace whose first part got through is done; the other one, whose
    # only send got no answer, goes again, saying it may be a copy.
    delivered_first = next(w for w, state in states.items() if state is OutboxState.SENT)
    assert by_workspace[delivered_first] is None
    assert set(by_workspace.values()) == {None, OutboxState.SENT}
    assert "♻️ Bản tổng hợp này được gửi lại" in again.sent[0][2]


async def test_completed_since_the_last_sent_digest(database: Database) -> None:
    seeded = await seed(database)
    await digest_service.send_daily(make_runtime(database), FakeSender())
    tuesday_morning = NOW + timedelta(hours=18)  # Tuesday 11:00 local
    async with database.session() as session:
        task = await session.get(Task, seeded.task_ids[6])  # T7, due Monday, open
        assert task is not None
        task.state = "done"
        task.completed_at = tuesday_morning
        task.completed_on = date(2024, 5, 14)
    tuesday = make_runtime(database, NOW + timedelta(days=1))
    message = await digest_service.compose_message(tuesday, seeded.workspace_id)
    assert message is not None
    assert message.digest.since == NOW  # Monday's digest was sent at NOW
    assert [item.task.code for item in message.digest.completed] == ["T7"]
    assert message.digest.completed[0].days_late == 1


async def test_digest_on_request_does_not_use_the_daily_key(database: Database) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    coordinator = Actor(COORDINATOR, seeded.workspace_id, Role.COORDINATOR)
    result = await digest_service.on_request(runtime, coordinator, COORDINATION_CHAT)
    assert result.outcome is RequestOutcome.READY and result.message is not None
    assert result.message.parts and result.message.chart_png
    sender = FakeSender()
    outcomes = await digest_service.send_daily(runtime, sender)
    assert {o.state for o in outcomes} == {OutboxState.SENT}


async def test_digest_on_request_is_refused_to_a_focal_point(database: Database) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    focal = Actor(FOCAL_POINT, seeded.workspace_id, Role.FOCAL_POINT, seeded.agency_ids["SYT"])
    result = await digest_service.on_request(runtime, focal, COORDINATION_CHAT)
    assert result.outcome is RequestOutcome.REFUSED and result.message is None
    async with database.session() as session:
        refusals = list(
            (await session.execute(select(AuditEvent).where(AuditEvent.allowed == False))).scalars()  # noqa: E712
        )
    assert [(r.telegram_user_id, r.action) for r in refusals] == [(FOCAL_POINT, "send_digest")]


async def test_a_quiet_day_gets_a_short_digest(database: Database) -> None:
    ws = await factories.workspace(database, "Sở Nội vụ tỉnh Quảng Ngãi")
    assert ws.id is not None
    agency = await factories.agency(database, ws.id, "STP", "Sở Tư pháp")
    directive = await factories.directive(database, ws.id)
    assert agency.id is not None and directive.id is not None
    await factories.chat(database, ws.id, COORDINATION_CHAT, ChatPurpose.COORDINATION)
    await factories.task(database, ws.id, directive.id, agency.id, "T1", date(2024, 6, 28))
    await factories.task(
        database,
        ws.id,
        directive.id,
        agency.id,
        "T2",
        date(2024, 4, 30),
        state="done",
        completed_on=date(2024, 4, 29),
        completed_at=datetime(2024, 4, 29, 3, 0, tzinfo=UTC),
    )
    sender = FakeSender()
    outcomes = await digest_service.send_daily(make_runtime(database), sender)
    assert [o.state for o in outcomes] == [OutboxState.SENT]
    assert [kind for kind, _, _ in sender.sent] == ["text"]  # one short message, no chart
    text = sender.sent[0][2]
    assert "Hôm nay không có nhiệm vụ mới hoàn thành" in text
    assert "Hoàn thành đúng hạn: 1" in text and "Đang thực hiện trong hạn: 1" in text
    assert len(text) < 1000


async def test_a_workspace_without_tasks_still_gets_a_digest(database: Database) -> None:
    ws = await factories.workspace(database)
    assert ws.id is not None
    await factories.chat(database, ws.id, COORDINATION_CHAT, ChatPurpose.COORDINATION)
    sender = FakeSender()
    await digest_service.send_daily(make_runtime(database), sender)
    assert len(sender.sent) == 1 and "Chưa có nhiệm vụ nào" in sender.sent[0][2]


@pytest.mark.parametrize("count", [150])
async def test_a_long_digest_arrives_in_parts_under_the_limit(
    database: Database, count: int
) -> None:
    ws = await factories.workspace(database)
    assert ws.id is not None
    directive = await factories.directive(database, ws.id)
    assert directive.id is not None
    await factories.chat(database, ws.id, COORDINATION_CHAT, ChatPurpose.COORDINATION)
    agencies = []
    for i in range(6):
        agency = await factories.agency(database, ws.id, f"A{i}", f"Cơ quan số {i}")
        agencies.append(agency.id)
    for i in range(count):
        await factories.task(
            database,
            ws.id,
            directive.id,
            agencies[i % 6],  # type: ignore[arg-type]
            f"T{i + 1}",
            date(2024, 4, 1) + timedelta(days=i % 40),
            action="Tổ chức triển khai thực hiện các nhiệm vụ cải cách hành chính " * 2,
        )
    sender = FakeSender()
    await digest_service.send_daily(make_runtime(database), sender)
    texts = [text for kind, _, text in sender.sent if kind == "text"]
    assert len(texts) >= 2
    assert all(len(text) < 4096 for text in texts)
    assert all(text.count("<b>") == text.count("</b>") for text in texts)
    joined = "\n".join(texts)
    assert f"Quá hạn chưa hoàn thành</b>: {count} nhiệm vụ của 6 cơ quan" in joined
    # per agency: its five most overdue tasks, then how many more
    rows = await tasks_of(database, ws.id)
    for agency_id in agencies:
        overdue = sorted(
            (t for t in rows if t.agency_id == agency_id),
            key=lambda t: (t.effective_deadline, int(t.code[1:])),
        )
        for task in overdue[:5]:
            assert f"<b>{task.code}</b>: " in joined
        assert f"… và {len(overdue) - 5} nhiệm vụ quá hạn khác của cơ quan này" in joined
    assert [kind for kind, _, _ in sender.sent][-1] == "photo"


async def test_a_short_digest_is_its_text_then_the_chart(database: Database) -> None:
    ws = await factories.workspace(database)
    assert ws.id is not None
    agency = await factories.agency(database, ws.id, "STP", "Sở Tư pháp")
    directive = await factories.directive(database, ws.id)
    assert agency.id is not None and directive.id is not None
    await factories.chat(database, ws.id, COORDINATION_CHAT, ChatPurpose.COORDINATION)
    await factories.task(database, ws.id, directive.id, agency.id, "T1", date(2024, 5, 8))
    sender = FakeSender()
    await digest_service.send_daily(make_runtime(database), sender)
    assert [kind for kind, _, _ in sender.sent] == ["text", "photo"]
    assert sender.sent[0][2].startswith("<b>📋 Tổng hợp") and "quá hạn 5 ngày" in sender.sent[0][2]
    assert (
        sender.sent[1][2] == "📊 Biểu đồ tình hình thực hiện nhiệm vụ theo cơ quan, ngày 13/05/2024"
    )


async def test_a_request_for_more_time_on_a_task_done_meanwhile_is_not_pending(
    database: Database,
) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    before = await digest_service.compose_message(runtime, seeded.workspace_id)
    assert before is not None and len(before.digest.extensions) == 2
    async with database.session() as session:
        request = (
            (
                await session.execute(
                    select(ExtensionRequest).where(
                        col(ExtensionRequest.workspace_id) == seeded.workspace_id,
                        col(ExtensionRequest.state) == "pending",
                    )
                )
            )
            .scalars()
            .first()
        )
        assert request is not None
        task = await session.get(Task, request.task_id)
        assert task is not None
        task.state, task.completed_on = "done", TODAY
    after = await digest_service.compose_message(runtime, seeded.workspace_id)
    assert after is not None
    # /status counts pending requests on open tasks only; the digest agrees.
    assert [e.request_id for e in after.digest.extensions] == [
        e.request_id for e in before.digest.extensions if e.request_id != request.id
    ]
