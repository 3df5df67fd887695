"""The buttons under a reminder, through the real bot and the sandbox with
privacy mode on: done, a percent, blocked (the reason asked and answered,
across a restart), more time (the date asked), undo within five minutes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from bot.runtime import Runtime
from bot.sandbox import Sandbox, SandboxConfig
from bot.services.status import UNDO_WINDOW
from tests.e2e.harness import BotHarness
from tests.e2e.status_scene import Scene, build_scene, buttons


@pytest.fixture
async def scene(harness: BotHarness, e2e_runtime: Runtime) -> AsyncIterator[Scene]:
    yield await build_scene(harness, e2e_runtime)


async def test_the_reminder_comes_from_the_sweep_with_a_row_per_task(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    data = buttons(reminder)
    for code in ("T1", "T3", "T4"):
        assert f"t:{scene.tasks[code]}:d" in data
    assert f"t:{scene.tasks['T2']}:d" not in data  # due 31/5: not yet


async def test_done_button_confirms_edits_the_reminder_and_can_be_undone(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    t1 = scene.tasks["T1"]
    answer = await scene.press(group, reminder, scene.lan, f"t:{t1}:d")
    assert answer["text"] == "Đã ghi nhận."
    confirmation = await scene.next(group)
    assert (
        "<b>T1</b> — đã ghi nhận <b>hoàn thành</b> ngày 15/05/2024 (đúng hạn)"
        in confirmation["html"]
    )
    assert "Người báo: Lan" in confirmation["text"]
    assert confirmation["reply_to_message"]["message_id"] == reminder["message_id"]
    [undo] = buttons(confirmation)
    assert undo.startswith(f"t:{t1}:u:")
    task = await scene.task("T1")
    assert (task.state, task.completed_on, task.progress) == ("done", date(2024, 5, 15), 100)
    # The reminder's keyboard lost T1's row, kept the others.
    edited = await scene.eventually(
        group, reminder["message_id"], lambda m: f"t:{t1}:d" not in buttons(m)
    )
    assert f"t:{scene.tasks['T4']}:d" in buttons(edited)
    # Undo: the task is open again, its row is back; the history keeps both rows.
    scene.clock.advance(timedelta(minutes=2))
    answer = await scene.press(group, confirmation, scene.lan, undo)
    assert answer["text"] == "Đã ghi nhận."
    undone = await scene.eventually(
        group, confirmation["message_id"], lambda m: "đã hoàn tác" in m["text"]
    )
    assert "đang thực hiện" in undone["text"]
    assert buttons(undone) == []
    assert (await scene.task("T1")).state == "open"
    assert [u.kind for u in await scene.history("T1")] == ["done", "undo"]
    await scene.eventually(group, reminder["message_id"], lambda m: f"t:{t1}:d" in buttons(m))


async def test_undo_after_five_minutes_is_refused(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    await scene.press(group, reminder, scene.lan, f"t:{scene.tasks['T1']}:d")
    confirmation = await scene.next(group)
    scene.clock.advance(UNDO_WINDOW + timedelta(seconds=1))
    answer = await scene.press(group, confirmation, scene.lan, buttons(confirmation)[0])
    assert answer["show_alert"] and "Đã quá 5 phút" in answer["text"]
    assert (await scene.task("T1")).state == "done"


async def test_in_progress_offers_percentages(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    t4 = scene.tasks["T4"]
    await scene.press(group, reminder, scene.lan, f"t:{t4}:p")
    choice = await scene.next(group)
    assert "Tiến độ nhiệm vụ <b>T4</b>" in choice["html"]
    assert buttons(choice) == [f"t:{t4}:p:{p}" for p in (25, 50, 75, 90)]
    await scene.press(group, choice, scene.lan, f"t:{t4}:p:75")
    confirmed = await scene.eventually(group, choice["message_id"], lambda m: "75%" in m["text"])
    assert "đang thực hiện</b>, tiến độ 75%" in confirmed["html"]
    assert buttons(confirmed)[0].startswith(f"t:{t4}:u:")
    assert (await scene.task("T4")).progress == 75


async def test_blocked_asks_the_reason_and_the_answer_survives_a_restart(
    e2e_runtime: Runtime,
) -> None:
    sandbox = Sandbox(SandboxConfig())
    await sandbox.start()
    try:
        async with BotHarness(e2e_runtime, sandbox=sandbox) as first:
            scene = await build_scene(first, e2e_runtime)
            reminder = await scene.send_reminders()
            group = scene.focal_group["id"]
            await scene.press(group, reminder, scene.lan, f"t:{scene.tasks['T1']}:b")
            prompt = await scene.next(group)
        assert "trả lời tin này</b> với nội dung vướng mắc" in prompt["html"]
        assert prompt["reply_keyboard"] == {"force_reply": True, "selective": True}
        assert f'href="tg://user?id={scene.lan["id"]}"' in prompt["html"]
        # The bot was stopped before Lan answered; a new process answers.
        async with BotHarness(e2e_runtime, sandbox=sandbox) as again:
            scene.harness = again
            confirmation = await scene.reply(
                group, scene.lan, "chưa có số liệu của UBND huyện", prompt
            )
    finally:
        await sandbox.stop()
    assert "vướng mắc</b>: chưa có số liệu của UBND huyện" in confirmation["html"]
    task = await scene.task("T1")
    assert (task.state, task.blocked_reason) == ("open", "chưa có số liệu của UBND huyện")
    [update] = await scene.history("T1")
    assert (update.kind, update.source, update.reason) == (
        "blocked",
        "button",
        "chưa có số liệu của UBND huyện",
    )


async def test_more_time_asks_the_date_and_posts_the_request(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    await scene.press(group, reminder, scene.lan, f"t:{scene.tasks['T1']}:e")
    prompt = await scene.next(group)
    assert "đến ngày nào" in prompt["text"] and "20/05/2024" in prompt["text"]
    await scene.mark(scene.coordination["id"])
    bad = await scene.reply(group, scene.lan, "sớm nhất có thể", prompt)
    assert "chưa đọc được ngày" in bad["text"]
    sent = await scene.reply(group, scene.lan, "30/5/2024", prompt)
    assert "Đã gửi đề nghị gia hạn nhiệm vụ <b>T1</b> đến ngày <b>30/05/2024</b>" in sent["html"]
    posted = await scene.next(scene.coordination["id"])
    assert "Đề nghị gia hạn" in posted["text"] and "Sở Tư pháp" in posted["text"]
    [request] = await scene.extension_requests()
    assert (request.state, request.requested_date) == ("pending", date(2024, 5, 30))
