"""The admins' "send again" button (bot/services/reminder_reports.py `resend_reported`),
on SQLite and PostgreSQL: which reported deliveries come back to 'pending',
which do not, that a press works once, and that a press naming anything but
its own report, or by anyone but an admin, moves nothing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import col

from bot.clock import ManualClock
from bot.domain.rights import Actor, Role
from bot.runtime import Runtime
from bot.services import identity
from bot.services.reminder_reports import (
    RESEND_DRAFT,
    ResendOutcome,
    report_problems,
    resend_reported,
)
from bot.services.reminders import (
    Ambiguous,
    ChatGone,
    DeliveryPolicy,
    Rejected,
    RetryLater,
    sweep,
)
from storage.models import AuditEvent, Chat, Draft, ReminderDelivery, Task, TaskState
from storage.repositories import drafts
from tests import factories
from tests.reminders_support import (
    ADMIN,
    HUNG,
    LAN,
    MAI,
    FakeSender,
    build_world,
    deliveries,
    outbox,
    planned_task,
)

AT_0800 = datetime(2024, 5, 13, 1, 0, 30, tzinfo=UTC)  # Monday 08:00:30 in Vietnam
THURSDAY = date(2024, 5, 16)
COORDINATOR = 701
POLICY = DeliveryPolicy(max_attempts=1)  # one 5xx/429 and the delivery is given up


@dataclass
class Reported:
    """The deliveries of one report, by (task code, chat), and its button's report id."""

    rows: dict[tuple[str, int], ReminderDelivery]
    report_id: int
    sender: FakeSender

    def id(self, code: str, chat: int) -> int:
        delivery_id = self.rows[(code, chat)].id
        assert delivery_id is not None
        return delivery_id


async def _report(runtime: Runtime, clock: ManualClock) -> Reported:
    """Every kind of problem in private chats, reported once:

    T1, T4 (Sở Tư pháp) to Lan: no answer three times -> unknown; to Hùng: blocked
    -> failed (forbidden). T2, T5 (Sở Tài chính) to Mai: a 5xx with one attempt
    allowed -> failed (gave_up). T3 (Sở Nội vụ): nowhere to go -> failed (no_chat).
    Then T4 is done and T5's deadline moves: only T1 to Lan and T2 to Mai may
    be sent again.
    """
    world = await build_world(runtime, agency_group=False, focal_group=False)
    await factories.member(
        runtime.database, world.workspace_id, COORDINATOR, Role.COORDINATOR, name="Điều phối"
    )
    tasks = {
        code: await planned_task(runtime, world, agency, code, THURSDAY)
        for code, agency in (("T1", "STP"), ("T2", "STC"), ("T3", "SNV"), ("T4", "STP"))
    }
    tasks["T5"] = await planned_task(runtime, world, "STC", "T5", THURSDAY)
    sender = FakeSender(
        script={
            LAN: [Ambiguous("httpx.ReadTimeout")] * 3,
            HUNG: [ChatGone("Forbidden: bot was blocked by the user")],
            MAI: [RetryLater("Bad Gateway")],
        }
    )
    clock.set(AT_0800)
    for _ in range(POLICY.max_doubtful_sends):
        await sweep(runtime, sender, policy=POLICY)
        clock.advance(POLICY.repeat_after)
    async with runtime.database.session() as session:
        await session.execute(
            update(Task).where(col(Task.id) == tasks["T4"].id).values(state=TaskState.DONE)
        )
        await session.execute(
            update(Task)
            .where(col(Task.id) == tasks["T5"].id)
            .values(effective_deadline=date(2024, 5, 31))
        )
    assert await report_problems(runtime, sender) == 7
    code_of = {task.id: code for code, task in tasks.items()}
    rows = {(code_of[r.task_id], r.telegram_chat_id): r for r in await deliveries(runtime)}
    assert {key: (r.state, (r.error or "").split(":")[0]) for key, r in rows.items()} == {
        ("T1", LAN): ("unknown", "connection"),
        ("T4", LAN): ("unknown", "connection"),
        ("T1", HUNG): ("failed", "forbidden"),
        ("T4", HUNG): ("failed", "forbidden"),
        ("T2", MAI): ("failed", "gave_up"),
        ("T5", MAI): ("failed", "gave_up"),
        # Planned in one batch with deliveries that have a chat, this one loses its
        # "no_chat" error today (_plan_batch's executemany takes the first row's keys).
        ("T3", 0): ("failed", rows[("T3", 0)].error or ""),
    }
    [report] = sender.to(ADMIN)
    assert report.resend_report is not None
    return Reported(rows, report.resend_report, sender)


async def _actor(runtime: Runtime, user_id: int, chat_id: int | None = None) -> Actor:
    return await identity.actor_for(runtime, user_id, chat_id or user_id, private=True)


async def _states(runtime: Runtime) -> dict[int, tuple[str, int, int, bool]]:
    return {
        r.id or 0: (r.state, r.attempts, r.doubtful_sends, r.reported_at is not None)
        for r in await deliveries(runtime)
    }


async def test_the_report_offers_only_what_may_be_sent_again(
    runtime: Runtime, clock: ManualClock
) -> None:
    reported = await _report(runtime, clock)
    [report] = reported.sender.to(ADMIN)
    assert "chưa rõ đã đến nơi" in report.text and "không gửi được" in report.text
    assert "Bấm «Gửi lại» để bot gửi lại 2 tin nhắc" in report.text
    async with runtime.database.session() as session:
        draft = await drafts.get(session, reported.report_id)
    assert draft is not None and draft.kind == RESEND_DRAFT
    assert draft.payload["delivery_ids"] == sorted([reported.id("T1", LAN), reported.id("T2", MAI)])
    assert draft.payload["chats"] == [ADMIN]


async def test_an_admin_sends_them_again_once_labelled_as_repeats(
    runtime: Runtime, clock: ManualClock
) -> None:
    reported = await _report(runtime, clock)
    before = await _states(runtime)
    clock.advance(timedelta(hours=1))
    pressed_at = runtime.now()

    result = await resend_reported(
        runtime, await _actor(runtime, ADMIN), reported.report_id, telegram_chat_id=ADMIN
    )
    assert (result.outcome, result.count, result.labelled) == (ResendOutcome.RESENT, 2, 1)
    after = await _states(runtime)
    lan, mai = reported.id("T1", LAN), reported.id("T2", MAI)
    assert after[lan] == ("pending", 0, 3, False), "doubtful sends kept, attempts fresh"
    assert after[mai] == ("pending", 0, 0, False)
    assert {k: v for k, v in after.items() if k not in (lan, mai)} == {
        k: v for k, v in before.items() if k not in (lan, mai)
    }, "nothing else moved"
    rows = {r.id: r for r in await deliveries(runtime)}
    assert rows[lan].next_attempt_at == pressed_at == rows[mai].next_attempt_at
    outboxes = {o.id: o.state for o in await outbox(runtime)}
    assert outboxes[rows[lan].outbox_id] == outboxes[rows[mai].outbox_id] == "pending"

    again = await resend_reported(
        runtime, await _actor(runtime, ADMIN), reported.report_id, telegram_chat_id=ADMIN
    )
    assert (again.outcome, again.count, again.resent_at) == (
        ResendOutcome.ALREADY,
        0,
        pressed_at,
    )
    assert await _states(runtime) == after

    sender = FakeSender()
    await sweep(runtime, sender)
    [to_lan] = sender.to(LAN)
    [to_mai] = sender.to(MAI)
    assert "Tin nhắc này được gửi lại" in to_lan.text and "♻️ Gửi lại" in to_lan.text
    assert "được gửi lại" not in to_mai.text, "never delivered: nothing to label"
    assert [r.id for r in await deliveries(runtime) if r.state == "sent"] == sorted([lan, mai])
    after_sent = await resend_reported(
        runtime, await _actor(runtime, ADMIN), reported.report_id, telegram_chat_id=ADMIN
    )
    assert after_sent.outcome is ResendOutcome.ALREADY


async def test_a_resent_reminder_that_fails_again_is_reported_again(
    runtime: Runtime, clock: ManualClock
) -> None:
    reported = await _report(runtime, clock)
    await resend_reported(
        runtime, await _actor(runtime, ADMIN), reported.report_id, telegram_chat_id=ADMIN
    )
    sender = FakeSender(
        script={LAN: [Ambiguous("httpx.ReadTimeout")], MAI: [RetryLater("Bad Gateway")]}
    )
    result = await sweep(runtime, sender, policy=POLICY)
    assert (result.delivery.unknown, result.delivery.failed) == (1, 1)
    assert await report_problems(runtime, sender) == 2
    [second] = sender.to(ADMIN)
    assert second.resend_report not in (None, reported.report_id)
    # The old button stays spent; the new one covers the same two deliveries.
    old = await resend_reported(
        runtime, await _actor(runtime, ADMIN), reported.report_id, telegram_chat_id=ADMIN
    )
    assert old.outcome is ResendOutcome.ALREADY
    assert second.resend_report is not None
    new = await resend_reported(
        runtime, await _actor(runtime, ADMIN), second.resend_report, telegram_chat_id=ADMIN
    )
    assert (new.outcome, new.count) == (ResendOutcome.RESENT, 2)


async def test_refused_and_forged_presses_move_nothing(
    runtime: Runtime, clock: ManualClock
) -> None:
    reported = await _report(runtime, clock)
    before = await _states(runtime)
    coordinator = await _actor(runtime, COORDINATOR)
    assert coordinator.role is Role.COORDINATOR
    refused = await resend_reported(
        runtime, coordinator, reported.report_id, telegram_chat_id=COORDINATOR
    )
    assert refused.outcome is ResendOutcome.REFUSED

    admin = await _actor(runtime, ADMIN)
    async with runtime.database.session() as session:
        # A prompt of another room whose payload names this report's other rows.
        other = await drafts.put(
            session,
            workspace_id=None,
            telegram_chat_id=ADMIN,
            telegram_user_id=ADMIN,
            kind="status_prompt",
            payload={"delivery_ids": list(before), "chats": [ADMIN]},
            expires_at=runtime.now() + timedelta(days=1),
            created_at=runtime.now(),
        )
    forged = [
        (other.id or 0, ADMIN),  # not a report
        (reported.report_id + 1000, ADMIN),  # no such report
        (reported.report_id, LAN),  # pressed elsewhere than where the report went
    ]
    for report_id, chat_id in forged:
        result = await resend_reported(runtime, admin, report_id, telegram_chat_id=chat_id)
        assert result.outcome is ResendOutcome.EXPIRED, (report_id, chat_id)
    clock.advance(timedelta(days=8))  # the button's week is over
    expired = await resend_reported(runtime, admin, reported.report_id, telegram_chat_id=ADMIN)
    assert expired.outcome is ResendOutcome.EXPIRED
    assert await _states(runtime) == before

    async with runtime.database.session() as session:
        audit = (
            await session.execute(
                select(AuditEvent.telegram_user_id, AuditEvent.allowed).where(
                    col(AuditEvent.action) == "resend_reminders"
                )
            )
        ).all()
    assert sorted(audit) == sorted([(COORDINATOR, False)] + [(ADMIN, False)] * 4)


async def test_nothing_to_send_once_the_chat_is_gone_or_the_task_closed(
    runtime: Runtime, clock: ManualClock
) -> None:
    reported = await _report(runtime, clock)
    async with runtime.database.session() as session:
        session.add(Chat(telegram_chat_id=MAI, type="private", bot_is_member=False))
        await session.execute(
            update(Task)
            .where(col(Task.id) == reported.rows[("T1", LAN)].task_id)
            .values(state=TaskState.CANCELLED)
        )
    before = await _states(runtime)
    result = await resend_reported(
        runtime, await _actor(runtime, ADMIN), reported.report_id, telegram_chat_id=ADMIN
    )
    assert (result.outcome, result.count) == (ResendOutcome.NOTHING, 0)
    assert await _states(runtime) == before


async def test_a_press_moves_only_its_own_reports_rows(
    runtime: Runtime, clock: ManualClock
) -> None:
    reported = await _report(runtime, clock)
    # Wednesday's reminder of T1 to Lan gets no answer either: a second report.
    clock.set(datetime(2024, 5, 15, 1, 0, 30, tzinfo=UTC))
    sender = FakeSender(script={LAN: [Ambiguous("httpx.ReadTimeout")] * 3})
    for _ in range(POLICY.max_doubtful_sends):
        await sweep(runtime, sender, policy=POLICY)
        clock.advance(POLICY.repeat_after)
    assert await report_problems(runtime, sender) >= 1
    [second] = sender.to(ADMIN)
    wednesday = [
        r.id
        for r in await deliveries(runtime)
        if r.state == "unknown" and r.day == date(2024, 5, 15)
    ]
    assert len(wednesday) == 1 and second.resend_report is not None

    result = await resend_reported(
        runtime, await _actor(runtime, ADMIN), reported.report_id, telegram_chat_id=ADMIN
    )
    assert result.count == 2
    states = await _states(runtime)
    assert states[wednesday[0]][0] == "unknown", "the second report's row stays"


async def test_two_presses_at_once_send_again_once(runtime: Runtime, clock: ManualClock) -> None:
    reported = await _report(runtime, clock)
    admin = await _actor(runtime, ADMIN)
    results = await asyncio.gather(
        *(
            resend_reported(runtime, admin, reported.report_id, telegram_chat_id=ADMIN)
            for _ in range(2)
        )
    )
    assert sorted(r.outcome for r in results) == [ResendOutcome.ALREADY, ResendOutcome.RESENT]
    assert sum(r.count for r in results) == 2


async def test_no_button_when_nothing_may_be_sent_again(
    runtime: Runtime, clock: ManualClock
) -> None:
    world = await build_world(runtime, agency_group=False, focal_group=False)
    await planned_task(runtime, world, "STP", "T1", THURSDAY)
    await planned_task(runtime, world, "SNV", "T2", THURSDAY)  # nowhere to go
    sender = FakeSender(
        script={LAN: [Rejected("Bad Request: can't parse entities")], HUNG: [ChatGone("kicked")]}
    )
    clock.set(AT_0800)
    await sweep(runtime, sender)
    assert await report_problems(runtime, sender) == 3
    [report] = sender.to(ADMIN)
    assert report.resend_report is None and "Gửi lại" not in report.text
    async with runtime.database.session() as session:
        kinds = (await session.execute(select(Draft.kind))).scalars().all()
    assert RESEND_DRAFT not in kinds
