"""The admins' "🔁 Gửi lại" button through the real Application and the sandbox:
a reminder whose sends never got an answer is reported with the button, a
press by someone who is not an admin is refused, the admin's press takes the
button off and the next sweep sends the reminder labelled «gửi lại»."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.clock import ManualClock
from bot.runtime import Runtime
from bot.services import reminder_reports
from bot.services.reminders import DeliveryPolicy
from handlers.keyboards import parse_resend_callback
from storage.models import OutboxState
from tests.e2e.harness import BotHarness
from tests.e2e.test_reminders import AT_0800, THURSDAY, World, bot_texts, sender, sweep
from tests.reminders_support import deliveries, planned_task

JSON = dict[str, Any]


def _admins(runtime: Runtime, *ids: int) -> None:
    runtime.settings = runtime.settings.model_copy(update={"BOT_ADMINS": list(ids)})


async def _report(h: BotHarness, chat_id: int) -> JSON:
    [report] = [m for m in await h.bot_messages(chat_id) if "chưa rõ đã đến nơi" in m["text"]]
    return report


def _button(message: JSON) -> JSON | None:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return rows[0][0] if rows else None


async def test_an_admin_sends_again_a_reminder_telegram_never_confirmed(
    e2e_runtime: Runtime, clock: ManualClock
) -> None:
    policy = DeliveryPolicy()
    async with BotHarness(e2e_runtime) as h:
        world = await World(h).build()
        admin = world.users["Admin"]
        # Tuấn is an admin when the report goes out, and no longer when he presses.
        former = await h.user("Tuấn")
        await h.say(former["id"], former, "/start")
        _admins(e2e_runtime, admin["id"], former["id"])
        await planned_task(e2e_runtime, world.db, "STP", "T1", THURSDAY)
        group = world.groups["Sở Tư pháp"]

        await h.client.set_faults(ack_loss_rate=1.0)  # Telegram gets them; the bot never knows
        clock.set(AT_0800)
        for _ in range(policy.max_doubtful_sends):
            await sweep(h, policy=policy)
            clock.advance(policy.repeat_after)
        await h.client.set_faults(ack_loss_rate=0)
        [row] = await deliveries(e2e_runtime)
        assert (row.state, row.doubtful_sends) == ("unknown", policy.max_doubtful_sends)
        assert len(await bot_texts(h, group)) == policy.max_doubtful_sends

        assert await reminder_reports.report_problems(e2e_runtime, sender(h)) == 1
        report = await _report(h, admin["id"])
        button = _button(report)
        assert button is not None and button["text"] == "🔁 Gửi lại"
        data = button["callback_data"]
        assert parse_resend_callback(data) is not None and len(data.encode()) <= 64
        assert "Bấm «Gửi lại» để bot gửi lại 1 tin nhắc" in report["text"]

        _admins(e2e_runtime, admin["id"])
        former_report = await _report(h, former["id"])
        query = await h.press(former["id"], former_report, former, data)
        answer = await h.client.wait_for_callback_answer(query)
        await h.idle()
        assert answer["show_alert"] and "Chỉ quản trị viên" in answer["text"]
        assert _button(await _report(h, former["id"])) is not None, "refused: nothing changes"
        assert [r.state for r in await deliveries(e2e_runtime)] == ["unknown"]

        pressed_at = clock.now()
        query = await h.press(admin["id"], report, admin, data)
        answer = await h.client.wait_for_callback_answer(query)
        await h.idle()
        assert "Sẽ gửi lại 1 tin nhắc" in answer["text"] and "«gửi lại»" in answer["text"]
        assert _button(await _report(h, admin["id"])) is None, "the button is gone"
        confirmation = await h.client.wait_for_bot_message(  # paced: one a second per chat
            admin["id"], after_message_id=report["message_id"]
        )
        assert confirmation["text"] == answer["text"]
        assert confirmation["reply_to_message"]["message_id"] == report["message_id"]
        [row] = await deliveries(e2e_runtime)
        assert (row.state, row.attempts, row.next_attempt_at) == ("pending", 0, pressed_at)

        # Tuấn is an admin again and presses his copy: already done, nothing more.
        _admins(e2e_runtime, admin["id"], former["id"])
        query = await h.press(former["id"], former_report, former, data)
        answer = await h.client.wait_for_callback_answer(query)
        await h.idle()
        assert "đã được gửi lại lúc" in answer["text"]
        assert _button(await _report(h, former["id"])) is None

        clock.advance(timedelta(seconds=30))
        result = await sweep(h, policy=policy)
        assert result.delivery.sent == 1
        texts = await bot_texts(h, group)
    assert len(texts) == policy.max_doubtful_sends + 1
    repeat = texts[-1]
    assert "Tin nhắc này được gửi lại" in repeat["text"]
    assert "♻️ Gửi lại (lần gửi trước: 08:00 13/05/2024)" in repeat["text"]
    [row] = await deliveries(e2e_runtime)
    assert (row.state, row.telegram_message_id) == (OutboxState.SENT, repeat["message_id"])
