"""The "send again" button's data, its answers' length, and who may press it."""

from __future__ import annotations

import pytest

from bot.domain.rights import RULES, Action, Actor, Role, may
from bot.services.reminder_reports import _with_hint
from bot.texts import t
from handlers.keyboards import (
    MAX_CALLBACK_BYTES,
    parse_resend_callback,
    parse_task_callback,
    resend_callback_data,
    resend_keyboard,
)

BIGGEST_ID = 10**18 - 1


def test_the_button_names_a_report_and_parses_back() -> None:
    assert resend_callback_data(42) == "rr:42"
    assert parse_resend_callback("rr:42") == 42
    data = resend_callback_data(BIGGEST_ID)
    assert len(data.encode()) <= MAX_CALLBACK_BYTES and parse_resend_callback(data) == BIGGEST_ID
    assert parse_task_callback(data) is None, "not mistaken for a task button"
    [[button]] = resend_keyboard(7, "en").inline_keyboard
    assert (button.text, button.callback_data) == ("🔁 Send again", "rr:7")
    assert resend_keyboard(7, "vi").inline_keyboard[0][0].text == "🔁 Gửi lại"


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "rr:",
        "rr:0",
        "rr:007",
        "rr:-1",
        "rr:1:2",
        "rr:1 ",
        "rr:١",
        "t:1:d",
        "rr:" + "9" * 19,
    ],
)
def test_anything_else_is_refused(data: str | None) -> None:
    assert parse_resend_callback(data) is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_answers_fit_a_callback_answer(lang: str) -> None:
    answers = [
        t(lang, "reminder.resend.done", count=500),
        t(lang, "reminder.resend.already", time="08:00 13/05/2024"),
        t(lang, "reminder.resend.nothing"),
        t(lang, "reminder.resend.expired"),
        t(lang, "reminder.resend.refused"),
    ]
    assert all(0 < len(answer) <= 200 for answer in answers)
    assert ("«gửi lại»" if lang == "vi" else "“sent again”") in answers[0]


def test_only_admins_may_send_reminders_again() -> None:
    assert [role for role in RULES if Action.RESEND_REMINDERS in RULES[role]] == [Role.ADMIN]
    assert may(Actor(1, None, Role.ADMIN), Action.RESEND_REMINDERS)
    assert not may(Actor(2, 1, Role.COORDINATOR), Action.RESEND_REMINDERS)


def test_the_hint_goes_under_the_last_message_or_after_it() -> None:
    assert _with_hint(["a", "b"], "hint") == ["a", "b\n\nhint"]
    fits = "x" * (4096 - len("\n\nhint"))
    assert _with_hint(["a", fits], "hint") == ["a", fits + "\n\nhint"]
    full = fits + "x"
    assert _with_hint(["a", full], "hint") == ["a", full, "hint"]
