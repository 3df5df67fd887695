"""Task buttons: the only place their callback data is built and parsed.

Callback data travels through Telegram and comes back from any client, so
it is untrusted input: `parse_task_callback` accepts exactly the shapes
`task_callback_data` writes and nothing else (no signs, no leading zeros,
no spaces, percent 0-100, at most 64 bytes), and returns None for the rest.
The handler still checks rights on the task the data names: a well-formed
button can name someone else's task.

Formats (all ASCII, well under Telegram's 64 bytes):
    t:{task_id}:d                  done
    t:{task_id}:p                  in progress (ask how far)
    t:{task_id}:b                  blocked (ask why)
    t:{task_id}:e                  more time (ask until when)
    t:{task_id}:p:{percent}        in progress, percent chosen
    t:{task_id}:u:{update_id}      undo the status update `update_id`
    t:{task_id}:u:{update_id}:{message_id}
                                   ... and redraw the reminder message `message_id`
                                   (the one the change redrew; at most 60 bytes)

The admins' report of undelivered reminders has one button of its own:
    rr:{report_id}                 send the report's reminders again; the id is
                                   the Draft row holding the report's delivery
                                   ids, so the data names no delivery itself
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t

CALLBACK_PREFIX = "t"
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS_PER_MESSAGE = 100  # Telegram's limit on an inline keyboard
PROGRESS_CHOICES = (25, 50, 75, 90)

_ID = r"[1-9][0-9]{0,17}"  # a positive id that fits in a 64-bit integer column
_PATTERN = re.compile(
    rf"^{CALLBACK_PREFIX}:(?P<task>{_ID}):"
    rf"(?:(?P<simple>[dpbe])|p:(?P<percent>0|[1-9][0-9]?|100)"
    rf"|u:(?P<update>{_ID})(?::(?P<message>{_ID}))?)$"
)


class TaskAction(StrEnum):
    DONE = "d"
    PROGRESS = "p"
    BLOCKED = "b"
    EXTEND = "e"
    UNDO = "u"


@dataclass(frozen=True, slots=True)
class TaskCallback:
    """A pressed task button, parsed.

    `percent` is set only for a chosen progress ("t:12:p:60"); a bare
    PROGRESS means "ask how far". `status_update_id` is set only for UNDO, and
    so is `reminder_message_id`: the reminder whose keyboard the change redrew,
    which the undo must redraw back (untrusted like the rest: the handler only
    redraws it if it is a reminder of this chat that lists the task).
    """

    task_id: int
    action: TaskAction
    percent: int | None = None
    status_update_id: int | None = None
    reminder_message_id: int | None = None


def task_callback_data(
    task_id: int,
    action: TaskAction,
    *,
    percent: int | None = None,
    status_update_id: int | None = None,
    reminder_message_id: int | None = None,
) -> str:
    """The callback data for one button; raises ValueError on a shape it cannot parse back."""
    if reminder_message_id is not None and action is not TaskAction.UNDO:
        raise ValueError("only an undo button names a reminder message")
    if action is TaskAction.UNDO:
        if status_update_id is None:
            raise ValueError("an undo button needs the status update id")
        data = f"{CALLBACK_PREFIX}:{task_id}:u:{status_update_id}"
        if reminder_message_id is not None:
            data += f":{reminder_message_id}"
    elif percent is not None:
        if action is not TaskAction.PROGRESS:
            raise ValueError("only a progress button carries a percent")
        data = f"{CALLBACK_PREFIX}:{task_id}:p:{percent}"
    else:
        data = f"{CALLBACK_PREFIX}:{task_id}:{action.value}"
    if parse_task_callback(data) is None:
        raise ValueError(f"not a valid task callback: {data!r}")
    return data


def parse_task_callback(data: str | None) -> TaskCallback | None:
    """The button a callback query names, or None for anything not written by this module."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        return None
    match = _PATTERN.fullmatch(data)
    if match is None:
        return None
    task_id = int(match["task"])
    if match["simple"] is not None:
        return TaskCallback(task_id, TaskAction(match["simple"]))
    if match["percent"] is not None:
        return TaskCallback(task_id, TaskAction.PROGRESS, percent=int(match["percent"]))
    message = match["message"]
    return TaskCallback(
        task_id,
        TaskAction.UNDO,
        status_update_id=int(match["update"]),
        reminder_message_id=int(message) if message is not None else None,
    )


def task_buttons(task_id: int, lang: str, code: str | None = None) -> list[InlineKeyboardButton]:
    """One row of buttons for a task: done / in progress / blocked / more time.

    Under a reminder that lists several tasks, pass the task's short `code`
    ("T12") so each row says which task it answers for.
    """
    done = t(lang, "reminder.button.done")
    if code:
        done = t(lang, "reminder.button.done_code", code=code)
    return [
        InlineKeyboardButton(done, callback_data=task_callback_data(task_id, TaskAction.DONE)),
        InlineKeyboardButton(
            t(lang, "reminder.button.progress"),
            callback_data=task_callback_data(task_id, TaskAction.PROGRESS),
        ),
        InlineKeyboardButton(
            t(lang, "reminder.button.blocked"),
            callback_data=task_callback_data(task_id, TaskAction.BLOCKED),
        ),
        InlineKeyboardButton(
            t(lang, "reminder.button.extend"),
            callback_data=task_callback_data(task_id, TaskAction.EXTEND),
        ),
    ]


BUTTONS_PER_TASK = 4  # len(task_buttons(...)): the reminder splitter counts on it


def progress_buttons(
    task_id: int, lang: str, choices: tuple[int, ...] = PROGRESS_CHOICES
) -> list[InlineKeyboardButton]:
    """A row of percent choices for "in progress" (e.g. 25% 50% 75% 90%)."""
    return [
        InlineKeyboardButton(
            t(lang, "reminder.button.percent", percent=percent),
            callback_data=task_callback_data(task_id, TaskAction.PROGRESS, percent=percent),
        )
        for percent in choices
    ]


def undo_button(
    task_id: int, status_update_id: int, lang: str, reminder_message_id: int | None = None
) -> InlineKeyboardButton:
    """The button that reverts one status update (offered for a few minutes after it).

    `reminder_message_id` is the reminder whose keyboard the change redrew: the
    confirmation carrying this button does not always reply to it (it replies
    to a free-text answer or a command), and Telegram nests replies one level
    only, so the button itself says which reminder to put back.
    """
    return InlineKeyboardButton(
        t(lang, "reminder.button.undo"),
        callback_data=task_callback_data(
            task_id,
            TaskAction.UNDO,
            status_update_id=status_update_id,
            reminder_message_id=reminder_message_id,
        ),
    )


def reminder_keyboard(rows: list[tuple[int, str]], lang: str) -> InlineKeyboardMarkup | None:
    """The keyboard under a reminder: one row per (task_id, code), in message order."""
    if not rows:
        return None
    if len(rows) * BUTTONS_PER_TASK > MAX_BUTTONS_PER_MESSAGE:
        raise ValueError("too many tasks for one message's keyboard; split the message")
    return InlineKeyboardMarkup([task_buttons(task_id, lang, code) for task_id, code in rows])


def task_ids_of_keyboard(markup: InlineKeyboardMarkup | None) -> list[int]:
    """The tasks a message's task buttons name, in order, each once."""
    if markup is None:
        return []
    found: list[int] = []
    for row in markup.inline_keyboard:
        for button in row:
            parsed = parse_task_callback(
                button.callback_data if isinstance(button.callback_data, str) else None
            )
            if parsed is not None and parsed.task_id not in found:
                found.append(parsed.task_id)
    return found


# ---------------------------------------------------------------- the admins' report

RESEND_PREFIX = "rr"
RESEND_PATTERN = rf"^{RESEND_PREFIX}:"  # what the handler registers
_RESEND = re.compile(rf"^{RESEND_PREFIX}:(?P<report>{_ID})$")


def resend_callback_data(report_id: int) -> str:
    """The data of the "send again" button under the report `report_id`."""
    data = f"{RESEND_PREFIX}:{report_id}"
    if parse_resend_callback(data) != report_id:
        raise ValueError(f"not a valid resend callback: {data!r}")
    return data


def parse_resend_callback(data: str | None) -> int | None:
    """The report a "send again" press names, or None for anything else.

    Only the id comes from the client: which deliveries it covers is read
    from the database, so a forged id can at most name another report.
    """
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        return None
    match = _RESEND.fullmatch(data)
    return int(match["report"]) if match else None


def resend_keyboard(report_id: int, lang: str) -> InlineKeyboardMarkup:
    """The one-button keyboard under the admins' report of undelivered reminders."""
    button = InlineKeyboardButton(
        t(lang, "reminder.button.resend"), callback_data=resend_callback_data(report_id)
    )
    return InlineKeyboardMarkup([[button]])
