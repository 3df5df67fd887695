"""A redrawn reminder keyboard keeps the order of the reminder's text.

The reminder is rendered once (bot/services/reminder_messages.py); a status
change or an undo later redraws only its keyboard, from the database. Both
must list the tasks in the same order, or the rows stop matching the text
and an undo does not put a row back where it was.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkingCalendar
from bot.services.reminder_messages import AgencyInfo, TaskLine, render_reminder
from bot.services.status import message_order
from storage.models import Task

NAMES = {1: "Sở Tư pháp", 2: "Sở Tài chính", 3: "sở Y tế", 4: "Sở Tài chính"}
PLAN = [  # (task id, agency, effective deadline, code): ids in no particular order
    (1, 1, date(2024, 5, 20), "T1"),
    (2, 2, date(2024, 5, 31), "T2"),
    (3, 2, date(2024, 5, 20), "T3"),
    (4, 1, date(2024, 5, 20), "T10"),
    (5, 3, None, "T5"),
    (6, 4, date(2024, 5, 17), "T6"),  # same name as agency 2: the id decides
    (7, 1, date(2024, 5, 17), "T7"),
]


def test_the_redraw_order_is_the_rendered_order() -> None:
    lines = [
        TaskLine(
            task_id=task_id,
            code=code,
            agency_id=agency_id,
            action="Việc",
            directive_number=None,
            deadline_text=None,
            deadline_stated=deadline,
            effective_deadline=deadline,
        )
        for task_id, agency_id, deadline, code in PLAN
    ]
    [part] = render_reminder(
        lines,
        {agency_id: AgencyInfo(agency_id, name) for agency_id, name in NAMES.items()},
        lang="vi",
        today=date(2024, 5, 15),
        calendar=WorkingCalendar(),
        timezone=ZoneInfo("Asia/Ho_Chi_Minh"),
        private=True,
    )
    tasks = [
        Task(
            id=task_id,
            workspace_id=1,
            directive_id=1,
            agency_id=agency_id,
            code=code,
            action="Việc",
            effective_deadline=deadline,
        )
        for task_id, agency_id, deadline, code in reversed(PLAN)
    ]
    redrawn = [(task.id, task.code) for task in message_order(tasks, NAMES)]
    assert redrawn == list(part.rows)
    assert [code for _, code in redrawn] == ["T3", "T2", "T6", "T7", "T1", "T10", "T5"]
