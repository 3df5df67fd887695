"""What the bot does with a reply, decided without Telegram or a database."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.calendar import WorkingCalendar
from bot.domain.replies import read_reply
from bot.services.status import (
    Change,
    ChangeKind,
    Intent,
    Step,
    TaskView,
    apply_change,
    normalise,
    plan_reply,
    restore,
    snapshot,
)
from storage.models import Task

TODAY = date(2024, 5, 13)


def view(task_id: int = 1, code: str = "T1") -> TaskView:
    return TaskView(
        task_id=task_id,
        workspace_id=1,
        agency_id=1,
        code=code,
        action="Báo cáo kết quả",
        state="open",
        progress=0,
        blocked_reason=None,
        effective_deadline=date(2024, 5, 20),
        original_effective_deadline=None,
        completed_on=None,
    )


def intent(text: str, **fields: object) -> Intent:
    return Intent.of(read_reply(text, TODAY, WorkingCalendar()), text=text, **fields)


@pytest.mark.parametrize(
    ("text", "step", "kind"),
    [
        ("đã xong", Step.APPLY, ChangeKind.DONE),
        ("Đã hoàn thành, gửi kèm báo cáo", Step.APPLY, ChangeKind.DONE),
        ("đang thực hiện 60%", Step.APPLY, ChangeKind.IN_PROGRESS),
        ("vướng: chưa có số liệu của huyện", Step.APPLY, ChangeKind.BLOCKED),
        ("xin gia hạn đến 30/5", Step.EXTEND, None),
        ("đã nhận", Step.ACKNOWLEDGE, None),
        ("Đã hoàn thành chưa?", Step.ANSWER, None),
        ("hạn khi nào vậy?", Step.ANSWER, None),
        ("hmm", Step.CONFIRM, None),
    ],
)
def test_one_task(text: str, step: Step, kind: ChangeKind | None) -> None:
    plan = plan_reply(intent(text), (view(),))
    assert plan.step is step
    if kind is not None:
        assert plan.change is not None and plan.change.kind is kind


def test_acknowledgements_questions_and_negations_are_never_read_as_done() -> None:
    for text in ("đã nhận", "ok", "Đã hoàn thành chưa?", "chưa hoàn thành", "không có vướng mắc"):
        plan = plan_reply(intent(text), (view(),))
        assert plan.change is None or plan.change.kind is not ChangeKind.DONE, text
        assert plan.step in (Step.ACKNOWLEDGE, Step.ANSWER, Step.CONFIRM, Step.APPLY), text


def test_the_reason_and_percent_are_carried() -> None:
    blocked = plan_reply(intent("vướng: chưa có số liệu của huyện"), (view(),))
    assert blocked.change == Change(ChangeKind.BLOCKED, reason="chưa có số liệu của huyện")
    progress = plan_reply(intent("đang thực hiện 60%"), (view(),))
    assert progress.change == Change(ChangeKind.IN_PROGRESS, percent=60)


def test_several_tasks_are_asked_about_and_none_is_no_task() -> None:
    plan = plan_reply(intent("đã xong"), (view(1, "T1"), view(2, "T2")))
    assert plan.step is Step.PICK_TASK and len(plan.candidates) == 2
    assert plan_reply(intent("đã xong"), ()).step is Step.NO_TASK


def test_low_confidence_is_confirmed_unless_the_bot_asked() -> None:
    unsure = Intent(kind="done", confidence=0.4, text="chắc xong rồi")
    assert plan_reply(unsure, (view(),)).step is Step.CONFIRM
    assert plan_reply(unsure, (view(),), asked=True).step is Step.APPLY


def test_confirmed_kinds_ask_for_what_is_missing() -> None:
    base = Intent(kind="other", confidence=0.2, text="")
    assert plan_reply(base.with_kind("in_progress"), (view(),), asked=True).step is Step.ASK_PERCENT
    assert plan_reply(base.with_kind("blocked"), (view(),), asked=True).step is Step.ASK_REASON
    assert plan_reply(base.with_kind("more_time"), (view(),), asked=True).step is Step.ASK_DATE
    texted = Intent(kind="other", confidence=0.2, text="chờ huyện gửi số liệu")
    plan = plan_reply(texted.with_kind("blocked"), (view(),), asked=True)
    assert plan.change == Change(ChangeKind.BLOCKED, reason="chờ huyện gửi số liệu")


def test_intent_round_trips_through_a_draft_payload() -> None:
    original = intent(
        "xin gia hạn đến 30/5", file_id="F", file_name="a.pdf", source="reply", message_id=9
    )
    assert Intent.from_payload(original.to_payload()) == original
    assert original.requested_date == date(2024, 5, 30)


def test_a_hundred_percent_is_done_and_undo_restores_a_snapshot() -> None:
    assert normalise(Change(ChangeKind.IN_PROGRESS, percent=100)) == Change(ChangeKind.DONE)
    from datetime import UTC, datetime

    task = Task(workspace_id=1, directive_id=1, agency_id=1, code="T1", action="x", progress=30)
    before = snapshot(task)
    apply_change(task, Change(ChangeKind.DONE), now=datetime(2024, 5, 13, tzinfo=UTC), today=TODAY)
    assert (task.state, task.progress, task.completed_on) == ("done", 100, TODAY)
    restore(task, before)
    assert (task.state, task.progress, task.completed_on, task.completed_at) == (
        "open",
        30,
        None,
        None,
    )


def test_not_started_takes_back_progress_and_an_old_blocker() -> None:
    """'Chưa triển khai' after 'vướng ...': the task is not started, not blocked
    (the roll-up's rule: a later not-started report takes earlier ones back)."""
    from datetime import UTC, datetime

    from bot.domain.rollup import is_blocked

    task = Task(workspace_id=1, directive_id=1, agency_id=1, code="T1", action="x", progress=40)
    now = datetime(2024, 5, 13, tzinfo=UTC)
    apply_change(task, Change(ChangeKind.BLOCKED, reason="chờ ý kiến Bộ"), now=now, today=TODAY)
    assert is_blocked(task.state, task.blocked_reason)
    apply_change(task, Change(ChangeKind.NOT_STARTED), now=now, today=TODAY)
    assert (task.progress, task.blocked_reason) == (0, None)
    assert not is_blocked(task.state, task.blocked_reason)
