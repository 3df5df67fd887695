"""Undo, through the real bot and the sandbox, from every kind of confirmation:
a free reply to the reminder, a low-confidence reply confirmed with buttons,
a command replying to the reminder. After the undo the group must see the
reminder exactly as it was (text and keyboard), the task must be back in its
earlier state, and the history must hold both the change and the undo. Only
the person who made the change, or a coordinator, may undo it.

These tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.services.status import UNDO_WINDOW
from storage.database import Database
from tests import factories
from tests.conftest import make_settings
from tests.e2e.harness import BotHarness
from tests.e2e.status_scene import JSON, Scene, build_scene, buttons


@pytest.fixture
def e2e_runtime(database: Database, clock: ManualClock) -> Runtime:
    """The e2e runtime on every configured backend (SQLite, and PostgreSQL when set)."""
    return Runtime(settings=make_settings(database.url), database=database, clock=clock)


@pytest.fixture
async def scene(harness: BotHarness, e2e_runtime: Runtime) -> AsyncIterator[Scene]:
    yield await build_scene(harness, e2e_runtime)


def keyboard(message: JSON) -> list[list[tuple[str, str]]]:
    """A message's inline keyboard as (label, data) rows, for exact comparison."""
    markup = message.get("reply_markup") or {}
    return [
        [(button["text"], button["callback_data"]) for button in row]
        for row in markup.get("inline_keyboard", [])
    ]


def row_codes(message: JSON, scene: Scene) -> set[str]:
    """The codes of the tasks whose "done" button is on the message."""
    data = buttons(message)
    return {code for code, task_id in scene.tasks.items() if f"t:{task_id}:d" in data}


async def undo_button(confirmation: JSON, task_id: int) -> str:
    [undo] = buttons(confirmation)
    assert undo.startswith(f"t:{task_id}:u:")
    return undo


async def test_undo_from_a_free_reply_puts_the_reminder_back_as_it_was(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    t1 = scene.tasks["T1"]
    assert row_codes(reminder, scene) == {"T1", "T3", "T4"}
    confirmation = await scene.reply(group, scene.lan, "T1 đã xong", reminder)
    assert "<b>T1</b> — đã ghi nhận <b>hoàn thành</b>" in confirmation["html"]
    # The confirmation answers Lan's message, not the reminder itself.
    assert confirmation["reply_to_message"]["message_id"] != reminder["message_id"]
    await scene.eventually(
        group, reminder["message_id"], lambda m: row_codes(m, scene) == {"T3", "T4"}
    )
    undo = await undo_button(confirmation, t1)

    scene.clock.advance(timedelta(minutes=2))
    answer = await scene.press(group, confirmation, scene.lan, undo)
    assert answer["text"] == "Đã ghi nhận." and not answer["show_alert"]
    # What the group sees: the reminder exactly as it was sent.
    restored = await scene.eventually(
        group, reminder["message_id"], lambda m: row_codes(m, scene) == {"T1", "T3", "T4"}
    )
    assert keyboard(restored) == keyboard(reminder)
    assert restored["html"] == reminder["html"]
    # ... and a confirmation that says what was taken back, by whom.
    undone = await scene.eventually(
        group, confirmation["message_id"], lambda m: "đã hoàn tác" in m["text"]
    )
    assert "«hoàn thành»" in undone["text"]
    assert "Trạng thái hiện tại: đang thực hiện" in undone["text"]
    assert "Người hoàn tác: Lan" in undone["text"]
    assert buttons(undone) == []

    # The database: the task as before, the history append-only.
    task = await scene.task("T1")
    assert (task.state, task.progress, task.completed_on, task.completed_at) == (
        "open",
        0,
        None,
        None,
    )
    done, undo_row = await scene.history("T1")
    assert (done.kind, undo_row.kind) == ("done", "undo")
    assert undo_row.reverts_id == done.id
    assert undo_row.by_telegram_user_id == scene.lan["id"]
    assert undo_row.created_at == scene.clock.now()


async def test_undo_after_a_low_confidence_confirmation_and_after_a_command(
    scene: Scene,
) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    t3 = scene.tasks["T3"]

    # Unsure what Hùng meant, the bot asks; "done" is chosen with a button.
    question = await scene.reply(group, scene.hung, "để em xem lại", reminder)
    done_choice = next(c for c in buttons(question) if c.endswith(":d"))
    await scene.press(group, question, scene.hung, done_choice)
    confirmation = await scene.next(group)
    assert "<b>T3</b> — đã ghi nhận <b>hoàn thành</b>" in confirmation["html"]
    await scene.eventually(group, reminder["message_id"], lambda m: "T3" not in row_codes(m, scene))
    await scene.press(group, confirmation, scene.hung, await undo_button(confirmation, t3))
    await scene.eventually(group, confirmation["message_id"], lambda m: "đã hoàn tác" in m["text"])
    restored = await scene.eventually(
        group, reminder["message_id"], lambda m: "T3" in row_codes(m, scene)
    )
    assert keyboard(restored) == keyboard(reminder)
    assert (await scene.task("T3")).state == "open"

    # "/xong" replying to the reminder, then undone.
    confirmation = await scene.reply(group, scene.hung, "/xong", reminder)
    assert "<b>T3</b> — đã ghi nhận <b>hoàn thành</b>" in confirmation["html"]
    await scene.eventually(group, reminder["message_id"], lambda m: "T3" not in row_codes(m, scene))
    await scene.press(group, confirmation, scene.hung, await undo_button(confirmation, t3))
    await scene.eventually(group, confirmation["message_id"], lambda m: "đã hoàn tác" in m["text"])
    restored = await scene.eventually(
        group, reminder["message_id"], lambda m: "T3" in row_codes(m, scene)
    )
    assert keyboard(restored) == keyboard(reminder)
    assert restored["html"] == reminder["html"]
    assert (await scene.task("T3")).state == "open"
    assert [(u.kind, u.source) for u in await scene.history("T3")] == [
        ("done", "reply"),
        ("undo", "button"),
        ("done", "command"),
        ("undo", "button"),
    ]


async def test_only_the_author_or_a_coordinator_may_undo(scene: Scene) -> None:
    # Khách becomes a second focal point of Sở Tư pháp: he may report on T1,
    # but not take back what Lan reported.
    await factories.member(
        scene.runtime.database,
        scene.workspace_id,
        scene.khach["id"],
        Role.FOCAL_POINT,
        scene.agencies["STP"],
        "Khách",
    )
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    t1 = scene.tasks["T1"]
    confirmation = await scene.reply(group, scene.lan, "T1 đã xong", reminder)
    undo = await undo_button(confirmation, t1)
    await scene.eventually(group, reminder["message_id"], lambda m: "T1" not in row_codes(m, scene))

    colleague = await scene.press(group, confirmation, scene.khach, undo)
    assert colleague["show_alert"]
    assert "Chỉ người đã báo hoặc cán bộ điều phối" in colleague["text"]
    stranger = await scene.press(group, confirmation, scene.hung, undo)
    assert stranger["show_alert"] and "không có quyền" in stranger["text"]
    await scene.quiet()
    assert (await scene.task("T1")).state == "done"
    assert [u.kind for u in await scene.history("T1")] == ["done"]
    assert buttons(await scene.message(group, confirmation["message_id"])) == [undo]
    assert "T1" not in row_codes(await scene.message(group, reminder["message_id"]), scene)
    refused = [r for r in await scene.refusals() if r.telegram_user_id == scene.khach["id"]]
    assert len(refused) == 1 and refused[0].detail["undo"] is not None

    # The coordinator may.
    answer = await scene.press(group, confirmation, scene.minh, undo)
    assert not answer["show_alert"]
    undone = await scene.eventually(
        group, confirmation["message_id"], lambda m: "đã hoàn tác" in m["text"]
    )
    assert "Người hoàn tác: Minh" in undone["text"]
    restored = await scene.eventually(
        group, reminder["message_id"], lambda m: "T1" in row_codes(m, scene)
    )
    assert keyboard(restored) == keyboard(reminder)
    assert (await scene.task("T1")).state == "open"
    assert (await scene.history("T1"))[-1].by_telegram_user_id == scene.minh["id"]


async def test_in_english_and_only_within_the_window(e2e_runtime: Runtime) -> None:
    e2e_runtime.settings = e2e_runtime.settings.model_copy(update={"BOT_LANGUAGE": "en"})
    async with BotHarness(e2e_runtime) as harness:
        scene = await build_scene(harness, e2e_runtime)
        reminder = await scene.send_reminders()
        group = scene.focal_group["id"]
        t1, t4 = scene.tasks["T1"], scene.tasks["T4"]

        # A reply with a percent, then "done": undoing "done" goes back to 60%.
        await scene.reply(group, scene.lan, "T1 đang thực hiện 60%", reminder)
        confirmation = await scene.reply(group, scene.lan, "T1 đã xong", reminder)
        assert "recorded <b>done</b>" in confirmation["html"]
        await scene.eventually(
            group, reminder["message_id"], lambda m: "T1" not in row_codes(m, scene)
        )
        scene.clock.advance(UNDO_WINDOW)  # the last moment it may still be undone
        await scene.press(group, confirmation, scene.lan, await undo_button(confirmation, t1))
        undone = await scene.eventually(
            group, confirmation["message_id"], lambda m: "undone" in m["text"]
        )
        assert "“done”" in undone["text"]
        assert "Current state: in progress, 60% done" in undone["text"]
        assert "Undone by Lan" in undone["text"]
        restored = await scene.eventually(
            group, reminder["message_id"], lambda m: "T1" in row_codes(m, scene)
        )
        assert keyboard(restored) == keyboard(reminder)
        task = await scene.task("T1")
        assert (task.state, task.progress) == ("open", 60)

        # One second too late: refused, nothing moves.
        confirmation = await scene.reply(group, scene.lan, "T4 đã xong", reminder)
        await scene.eventually(
            group, reminder["message_id"], lambda m: "T4" not in row_codes(m, scene)
        )
        scene.clock.advance(UNDO_WINDOW + timedelta(seconds=1))
        answer = await scene.press(
            group, confirmation, scene.lan, await undo_button(confirmation, t4)
        )
        assert answer["show_alert"] and "More than 5 minutes" in answer["text"]
        await scene.quiet()
        assert (await scene.task("T4")).state == "done"
        assert "T4" not in row_codes(await scene.message(group, reminder["message_id"]), scene)
        assert buttons(await scene.message(group, confirmation["message_id"])) == []
