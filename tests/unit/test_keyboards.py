"""Task buttons: what is written parses back, and nothing else parses."""

from __future__ import annotations

import pytest

from handlers.keyboards import (
    MAX_BUTTONS_PER_MESSAGE,
    TaskAction,
    TaskCallback,
    parse_task_callback,
    progress_buttons,
    reminder_keyboard,
    task_buttons,
    task_callback_data,
    undo_button,
)


def test_task_buttons_are_done_progress_blocked_extend_in_vietnamese() -> None:
    buttons = task_buttons(12, "vi", "T12")
    assert [b.text for b in buttons] == ["✅ T12 xong", "⏳ Đang làm", "⚠️ Vướng", "📅 Gia hạn"]
    assert [b.callback_data for b in buttons] == ["t:12:d", "t:12:p", "t:12:b", "t:12:e"]


def test_task_buttons_in_english() -> None:
    assert [b.text for b in task_buttons(3, "en")] == [
        "✅ Done",
        "⏳ In progress",
        "⚠️ Blocked",
        "📅 More time",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("t:12:d", TaskCallback(12, TaskAction.DONE)),
        ("t:12:p", TaskCallback(12, TaskAction.PROGRESS)),
        ("t:12:b", TaskCallback(12, TaskAction.BLOCKED)),
        ("t:12:e", TaskCallback(12, TaskAction.EXTEND)),
        ("t:12:p:60", TaskCallback(12, TaskAction.PROGRESS, percent=60)),
        ("t:12:p:0", TaskCallback(12, TaskAction.PROGRESS, percent=0)),
        ("t:12:p:100", TaskCallback(12, TaskAction.PROGRESS, percent=100)),
        ("t:9:u:345", TaskCallback(9, TaskAction.UNDO, status_update_id=345)),
        (
            "t:9:u:345:88",
            TaskCallback(9, TaskAction.UNDO, status_update_id=345, reminder_message_id=88),
        ),
        ("t:999999999999999999:d", TaskCallback(999999999999999999, TaskAction.DONE)),
    ],
)
def test_parse_accepts_exactly_the_written_shapes(data: str, expected: TaskCallback) -> None:
    assert parse_task_callback(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "t:12",
        "t:12:x",
        "t:12:d:1",
        "t:012:d",
        "t:0:d",
        "t:-1:d",
        "t: 12:d",
        "t:12:d ",
        "t:12:p:101",
        "t:12:p:060",
        "t:12:p:-5",
        "t:12:u",
        "t:12:u:0",
        "t:12:u:5:",
        "t:12:u:5:0",
        "t:12:u:5:07",
        "t:12:u:5:7:8",
        "t:12:p:50:7",
        "t:12:e:5",
        "T:12:d",
        "x:12:d",
        "t:1e3:d",
        "t:١٢:d",  # Arabic-Indic digits: str.isdigit() says yes, we say no
        "t:12:d\n",
        "t:9999999999999999999:d",  # 19 digits: past a 64-bit id
        "t:12:" + "p" * 80,
    ],
)
def test_parse_rejects_everything_else(data: str | None) -> None:
    assert parse_task_callback(data) is None


def test_every_written_callback_round_trips_and_fits_64_bytes() -> None:
    big = 10**17
    datas = [b.callback_data for b in task_buttons(big, "vi", "T1")]
    datas += [b.callback_data for b in progress_buttons(big, "vi")]
    datas.append(undo_button(big, big, "vi").callback_data)
    datas.append(undo_button(big, big, "vi", reminder_message_id=big).callback_data)
    datas.append(
        task_callback_data(
            10**18 - 1, TaskAction.UNDO, status_update_id=10**18 - 1, reminder_message_id=10**18 - 1
        )
    )
    for data in datas:
        assert isinstance(data, str) and len(data.encode()) <= 64
        assert parse_task_callback(data) is not None


def test_builder_refuses_shapes_it_cannot_parse() -> None:
    with pytest.raises(ValueError):
        task_callback_data(1, TaskAction.UNDO)
    with pytest.raises(ValueError):
        task_callback_data(1, TaskAction.DONE, percent=50)
    with pytest.raises(ValueError):
        task_callback_data(1, TaskAction.PROGRESS, percent=150)
    with pytest.raises(ValueError):
        task_callback_data(0, TaskAction.DONE)
    with pytest.raises(ValueError):
        task_callback_data(1, TaskAction.DONE, reminder_message_id=5)


def test_an_undo_button_names_the_reminder_it_puts_back() -> None:
    data = undo_button(12, 345, "vi", reminder_message_id=88).callback_data
    assert data == "t:12:u:345:88"
    parsed = parse_task_callback(data)
    assert parsed is not None and parsed.reminder_message_id == 88
    old = parse_task_callback(undo_button(12, 345, "vi").callback_data)
    assert old is not None and old.reminder_message_id is None


def test_reminder_keyboard_has_one_row_per_task_and_respects_the_button_limit() -> None:
    keyboard = reminder_keyboard([(1, "T1"), (2, "T2")], "vi")
    assert keyboard is not None
    rows = keyboard.inline_keyboard
    assert [row[0].callback_data for row in rows] == ["t:1:d", "t:2:d"]
    assert reminder_keyboard([], "vi") is None
    too_many = [(i, f"T{i}") for i in range(1, MAX_BUTTONS_PER_MESSAGE // 4 + 2)]
    with pytest.raises(ValueError):
        reminder_keyboard(too_many, "vi")
