"""Undoing "done" on a monthly duty, through the real bot and the sandbox.

Lan taps "done" under the reminder for T1, a duty due on the 20th of every
month: the bot records it and opens June's occurrence, T1.2. She undoes it
two minutes later. The agency must be left with one open occurrence (T1,
reminded again), not two: T1.2, which nobody had touched, is withdrawn, and
the confirmation says so. The reminder gets T1's row back as it was.

These tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from bot.clock import ManualClock
from bot.domain.deadlines import Period, Recurrence
from bot.runtime import Runtime
from bot.services.recurrence import recurrence_to_json
from storage.database import Database
from storage.models import Task
from tests.conftest import make_settings
from tests.e2e.harness import BotHarness
from tests.e2e.status_scene import JSON, Scene, build_scene, buttons

MONTHLY_20 = recurrence_to_json(Recurrence(Period.MONTHLY, "ngày 20 hằng tháng", day=20))


@pytest.fixture
def e2e_runtime(database: Database, clock: ManualClock) -> Runtime:
    """The e2e runtime on every configured backend (SQLite, and PostgreSQL when set)."""
    return Runtime(settings=make_settings(database.url), database=database, clock=clock)


@pytest.fixture
async def scene(harness: BotHarness, e2e_runtime: Runtime) -> AsyncIterator[Scene]:
    scene = await build_scene(harness, e2e_runtime)
    async with e2e_runtime.database.session() as session:
        t1 = await session.get(Task, scene.tasks["T1"])
        assert t1 is not None
        t1.recurrence = MONTHLY_20
        t1.deadline_stated = date(2024, 5, 20)
        session.add(t1)
    yield scene


def keyboard(message: JSON) -> list[list[tuple[str, str]]]:
    markup = message.get("reply_markup") or {}
    return [
        [(button["text"], button["callback_data"]) for button in row]
        for row in markup.get("inline_keyboard", [])
    ]


async def occurrences(scene: Scene) -> dict[str, Task]:
    async with scene.runtime.database.session() as session:
        rows = await session.execute(
            select(Task).where(col(Task.code).startswith("T1")).order_by(col(Task.id))
        )
        return {task.code: task for task in rows.scalars()}


async def test_undoing_done_on_a_monthly_duty_leaves_one_open_occurrence(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    t1 = scene.tasks["T1"]
    assert f"t:{t1}:d" in buttons(reminder)

    answer = await scene.press(group, reminder, scene.lan, f"t:{t1}:d")
    assert answer["text"] == "Đã ghi nhận."
    confirmation = await scene.next(group)
    assert "<b>T1</b> — đã ghi nhận <b>hoàn thành</b>" in confirmation["html"]
    assert "Đã mở kỳ báo cáo tiếp theo" in confirmation["text"]
    await scene.eventually(group, reminder["message_id"], lambda m: f"t:{t1}:d" not in buttons(m))
    tasks = await occurrences(scene)
    assert [(code, task.state) for code, task in tasks.items()] == [
        ("T1", "done"),
        ("T1.2", "open"),
    ]
    assert tasks["T1.2"].effective_deadline == date(2024, 6, 20)

    scene.clock.advance(timedelta(minutes=2))
    [undo] = buttons(confirmation)
    answer = await scene.press(group, confirmation, scene.lan, undo)
    assert answer["text"] == "Đã ghi nhận." and not answer["show_alert"]
    undone = await scene.eventually(
        group, confirmation["message_id"], lambda m: "đã hoàn tác" in m["text"]
    )
    assert "«hoàn thành»" in undone["text"]
    # The group's reminder has T1's row back, exactly as it was sent.
    restored = await scene.eventually(
        group, reminder["message_id"], lambda m: f"t:{t1}:d" in buttons(m)
    )
    assert keyboard(restored) == keyboard(reminder)
    assert restored["html"] == reminder["html"]

    # The database: one open occurrence of the duty, reminded again; T1.2 withdrawn.
    tasks = await occurrences(scene)
    assert [code for code, task in tasks.items() if task.state == "open"] == ["T1"]
    assert tasks["T1"].next_reminder_at is not None
    assert (tasks["T1.2"].state, tasks["T1.2"].next_reminder_at) == ("cancelled", None)
    assert [u.kind for u in await scene.history("T1")] == ["done", "undo"]
    # ... and the confirmation says what became of T1.2.
    assert "Kỳ báo cáo tiếp theo (T1.2) đã được hủy" in undone["text"]
