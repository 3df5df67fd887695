"""The four official groups and the agency score, on hand-made facts."""

from datetime import date

from bot.domain.rollup import (
    Category,
    Detail,
    TaskFacts,
    agency_scores,
    categorize,
    category_of,
    days_late,
    details,
    has_blocker,
    is_blocked,
    is_late,
    is_not_started,
    reported_progress,
    summarize,
)

TODAY = date(2024, 5, 22)


def facts(task_id: int, **kw: object) -> TaskFacts:
    base: dict[str, object] = dict(
        task_id=task_id, agency_id=1, state="open", effective_deadline=date(2024, 5, 19)
    )
    base.update(kw)
    return TaskFacts(**base)  # type: ignore[arg-type]


def test_done_on_the_deadline_day_is_on_time() -> None:
    assert (
        categorize(facts(1, state="done", completed_on=date(2024, 5, 19)), TODAY)
        is Category.DONE_ON_TIME
    )


def test_done_a_day_after_is_late() -> None:
    assert (
        categorize(facts(1, state="done", completed_on=date(2024, 5, 20)), TODAY)
        is Category.DONE_LATE
    )


def test_open_after_the_deadline_is_overdue_and_on_the_day_is_not() -> None:
    assert categorize(facts(1), TODAY) is Category.OPEN_OVERDUE
    assert categorize(facts(1), date(2024, 5, 19)) is Category.OPEN_ON_TIME


def test_no_deadline_is_never_late_and_cancelled_is_not_counted() -> None:
    assert categorize(facts(1, effective_deadline=None), TODAY) is Category.OPEN_ON_TIME
    assert categorize(facts(1, state="cancelled"), TODAY) is None


def test_summary_counts_each_task_once_with_details() -> None:
    tasks = [
        facts(1, state="done", completed_on=date(2024, 5, 10)),
        facts(2, state="done", completed_on=date(2024, 5, 21)),
        facts(3, effective_deadline=date(2024, 6, 1), has_updates=True, progress=40),
        facts(4, blocked=True, has_updates=True),
        facts(5),
        facts(6, state="cancelled"),
    ]
    summary = summarize(tasks, TODAY)
    assert summary.total == 5
    assert summary.count(Category.DONE_ON_TIME) == 1
    assert summary.count(Category.DONE_LATE) == 1
    assert summary.count(Category.OPEN_ON_TIME) == 1
    assert summary.count(Category.OPEN_OVERDUE) == 2
    assert summary.detail_counts == {Detail.BLOCKED: 1, Detail.NOT_STARTED: 1}


def test_days_late_counts_calendar_days() -> None:
    assert days_late(date(2024, 5, 19), TODAY) == 3
    assert days_late(date(2024, 5, 30), TODAY) == 0
    assert days_late(None, TODAY) == 0


def test_agency_score_only_counts_tasks_due_in_the_period() -> None:
    tasks = [
        facts(1, state="done", completed_on=date(2024, 5, 19)),
        facts(2, state="done", completed_on=date(2024, 5, 25)),
        facts(3),
        facts(4, effective_deadline=date(2024, 7, 1)),
        facts(
            5,
            agency_id=2,
            state="done",
            completed_on=date(2024, 5, 2),
            effective_deadline=date(2024, 5, 3),
        ),
    ]
    scores = agency_scores(tasks, date(2024, 5, 1), date(2024, 5, 31), TODAY)
    assert [(s.agency_id, s.due, s.done_on_time, s.done_late, s.still_open) for s in scores] == [
        (1, 3, 1, 1, 1),
        (2, 1, 1, 0, 0),
    ]
    assert scores[0].on_time_rate == 1 / 3


# ---------------------------------------------------------------- "chưa bắt đầu"


def test_progress_is_reported_by_the_latest_of_the_standing_reports() -> None:
    assert not reported_progress([])
    assert not reported_progress(["more_time", "evidence"])  # asking for time is not progress
    assert reported_progress(["in_progress"])
    assert reported_progress(["blocked", "more_time"])
    assert reported_progress(["done"])
    # "chưa triển khai" after "đang thực hiện": the latest word is "not started"
    assert not reported_progress(["in_progress", "not_started"])
    assert reported_progress(["not_started", "in_progress"])


def test_not_started_is_an_open_task_with_no_progress_of_any_kind() -> None:
    assert is_not_started("open", reported=False, progressed=False, blocked=False)
    assert not is_not_started("open", reported=True, progressed=False, blocked=False)
    assert not is_not_started("open", reported=False, progressed=True, blocked=False)
    assert not is_not_started("open", reported=False, progressed=False, blocked=True)
    assert not is_not_started("done", reported=False, progressed=False, blocked=False)
    # Overdue or not, an open task is judged the same way.
    overdue = facts(1)
    assert categorize(overdue, TODAY) is Category.OPEN_OVERDUE
    assert details(overdue) == {Detail.NOT_STARTED}


def test_an_empty_reason_is_no_blocker() -> None:
    assert not has_blocker(None) and not has_blocker("")
    assert has_blocker("chưa có số liệu của huyện")
    assert not is_blocked("done", "chưa có số liệu")
    assert is_blocked("open", "chưa có số liệu")


def test_categorize_is_category_of_is_late() -> None:
    for state in ("open", "done", "cancelled"):
        for deadline in (None, date(2024, 5, 19), date(2024, 5, 22), date(2024, 5, 30)):
            for completed in (None, date(2024, 5, 19), date(2024, 5, 25)):
                task = facts(1, state=state, effective_deadline=deadline, completed_on=completed)
                late = is_late(state, deadline, completed, TODAY)
                assert categorize(task, TODAY) is category_of(state, late)
