"""The digest's content and its splitting into Telegram messages (no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.calendar import WorkingCalendar
from bot.domain.digest import (
    TELEGRAM_MESSAGE_LIMIT,
    DigestInput,
    DigestLimits,
    DigestTask,
    PendingExtension,
    chart_data,
    compose,
    message_length,
    split_message,
)
from bot.domain.rollup import Category
from bot.texts.digest import render_digest, shorten

CALENDAR = WorkingCalendar()
TODAY = date(2024, 5, 13)  # a Monday
NOW = datetime(2024, 5, 13, 10, 0, tzinfo=UTC)  # 17:00 in Vietnam
SINCE = datetime(2024, 5, 10, 9, 30, tzinfo=UTC)  # Friday's digest, 16:30 in Vietnam


def task(task_id: int, agency_id: int = 1, **kw: object) -> DigestTask:
    base: dict[str, object] = dict(
        task_id=task_id,
        code=f"T{task_id}",
        agency_id=agency_id,
        agency_name=f"Cơ quan {agency_id}",
        directive_number="2268/UBND-TTHC",
        action=f"Nhiệm vụ số {task_id}",
        state="open",
        effective_deadline=TODAY + timedelta(days=30),
    )
    base.update(kw)
    return DigestTask(**base)  # type: ignore[arg-type]


def digest_input(
    tasks: list[DigestTask], extensions: list[PendingExtension] | None = None
) -> DigestInput:
    return DigestInput(
        workspace_name="Sở Nội vụ tỉnh Quảng Ngãi",
        day=TODAY,
        since=SINCE,
        since_day=date(2024, 5, 10),
        until=NOW,
        tasks=tasks,
        extensions=extensions or [],
    )


def test_completed_since_the_last_digest_only() -> None:
    tasks = [
        task(
            1, state="done", completed_at=SINCE + timedelta(hours=1), completed_on=date(2024, 5, 10)
        ),
        task(
            2,
            state="done",
            completed_at=SINCE - timedelta(minutes=1),
            completed_on=date(2024, 5, 10),
        ),
        task(3, state="done", completed_at=None, completed_on=date(2024, 5, 13)),
        task(4, state="done", completed_at=None, completed_on=date(2024, 5, 10)),
    ]
    digest = compose(digest_input(tasks), CALENDAR)
    assert [item.task.task_id for item in digest.completed] == [1, 3]


def test_completed_late_carries_the_days_late() -> None:
    late = task(
        1,
        state="done",
        completed_at=NOW - timedelta(hours=1),
        completed_on=TODAY,
        effective_deadline=date(2024, 5, 8),
    )
    digest = compose(digest_input([late]), CALENDAR)
    assert digest.completed[0].days_late == 5


def test_due_soon_is_today_to_the_third_working_day() -> None:
    # Monday 13/5: the third working day after is Thursday 16/5.
    tasks = [
        task(1, effective_deadline=date(2024, 5, 13)),
        task(2, effective_deadline=date(2024, 5, 16)),
        task(3, effective_deadline=date(2024, 5, 17)),
        task(4, effective_deadline=date(2024, 5, 12)),  # overdue, not "due soon"
        task(5, effective_deadline=date(2024, 5, 14), state="done", completed_on=TODAY),
    ]
    digest = compose(digest_input(tasks), CALENDAR)
    assert digest.due_until == date(2024, 5, 16)
    assert [(d.task.task_id, d.working_days_left) for d in digest.due_soon] == [(1, 0), (2, 3)]


def test_due_soon_spans_the_april_holidays() -> None:
    # Friday 26/4/2024: 27/4 to 1/5 are off (29/4 swapped for Saturday 4/5,
    # which is worked); the third working day after is Saturday 4/5.
    friday = date(2024, 4, 26)
    data = DigestInput(
        workspace_name="X",
        day=friday,
        since=SINCE,
        since_day=friday,
        until=NOW,
        tasks=[
            task(1, effective_deadline=date(2024, 5, 4)),
            task(2, effective_deadline=date(2024, 5, 6)),
        ],
    )
    digest = compose(data, CALENDAR)
    assert digest.due_until == date(2024, 5, 4)
    assert [(d.task.task_id, d.working_days_left) for d in digest.due_soon] == [(1, 3)]


def test_overdue_grouped_by_agency_with_calendar_days_late() -> None:
    tasks = [
        task(1, agency_id=1, effective_deadline=date(2024, 5, 10)),  # 3 days late
        task(2, agency_id=2, effective_deadline=date(2024, 4, 13)),  # 30 days late
        task(3, agency_id=2, effective_deadline=date(2024, 5, 12)),  # 1 day late
        task(4, agency_id=3, effective_deadline=date(2024, 5, 13)),  # due today: not late
        task(5, agency_id=3, effective_deadline=None),  # no deadline: never late
    ]
    digest = compose(digest_input(tasks), CALENDAR)
    assert [
        (g.agency_id, [(late.task.task_id, late.days_late) for late in g.tasks])
        for g in digest.overdue
    ] == [
        (2, [(2, 30), (3, 1)]),
        (1, [(1, 3)]),
    ]
    assert digest.overdue_count == 3


def test_blocked_lists_only_open_tasks_with_a_reason() -> None:
    tasks = [
        task(1, blocked_reason="chưa có số liệu của huyện"),
        task(2, blocked_reason=None),
        task(3, blocked_reason="cũ", state="done", completed_on=TODAY),
    ]
    digest = compose(digest_input(tasks), CALENDAR)
    assert [t.task_id for t in digest.blocked] == [1]


def test_cancelled_tasks_count_nowhere() -> None:
    tasks = [
        task(1, state="cancelled", effective_deadline=date(2024, 5, 1), blocked_reason="x"),
        task(2),
    ]
    digest = compose(digest_input(tasks), CALENDAR)
    assert digest.summary.total == 1
    assert digest.overdue == () and digest.blocked == ()
    assert sum(bar.total for bar in digest.chart.bars) == 1


def test_quiet_day_when_nothing_needs_attention() -> None:
    digest = compose(digest_input([task(1), task(2, agency_id=2)]), CALENDAR)
    assert digest.quiet
    paragraphs = render_digest("vi", digest, _tz())
    text = "\n\n".join(paragraphs)
    assert "Hôm nay không có nhiệm vụ mới hoàn thành" in text
    assert "Đang thực hiện trong hạn: 2" in text
    assert len(split_message(paragraphs)) == 1


def test_a_pending_extension_is_not_quiet() -> None:
    ext = PendingExtension(
        request_id=1,
        task_code="T1",
        agency_name="Sở Y tế",
        action="Báo cáo",
        current_deadline=date(2024, 5, 20),
        requested_date=date(2024, 5, 30),
        reason="chờ số liệu",
        requested_at=NOW,
    )
    digest = compose(digest_input([task(1)], [ext]), CALENDAR)
    assert not digest.quiet
    text = "\n".join(render_digest("vi", digest, _tz()))
    assert "xin gia hạn đến 30/05/2024 (hạn hiện tại 20/05/2024)" in text
    assert "chờ số liệu" in text


def test_chart_counts_each_agency_in_the_four_groups() -> None:
    tasks = [
        task(
            1,
            agency_id=1,
            state="done",
            completed_on=date(2024, 5, 1),
            effective_deadline=date(2024, 5, 2),
        ),
        task(
            2,
            agency_id=1,
            state="done",
            completed_on=date(2024, 5, 3),
            effective_deadline=date(2024, 5, 2),
        ),
        task(3, agency_id=1, effective_deadline=date(2024, 5, 1)),
        task(4, agency_id=2, effective_deadline=date(2024, 6, 1)),
        task(5, agency_id=2, effective_deadline=date(2024, 5, 1)),
        task(6, agency_id=2, effective_deadline=date(2024, 5, 2)),
    ]
    chart = chart_data(tasks, TODAY)
    by_agency = {bar.agency_id: bar.counts for bar in chart.bars}
    assert by_agency == {1: (1, 1, 0, 1), 2: (0, 0, 1, 2)}
    assert [bar.agency_id for bar in chart.bars] == [2, 1]  # most overdue first
    assert chart.total(Category.OPEN_OVERDUE) == 3


def test_chart_folds_agencies_beyond_the_limit_into_one_bar() -> None:
    tasks = [task(i, agency_id=i, effective_deadline=date(2024, 5, 1)) for i in range(1, 21)]
    chart = chart_data(tasks, TODAY, max_agencies=5)
    assert len(chart.bars) == 5
    assert chart.bars[-1].agency_id is None
    assert chart.bars[-1].count(Category.OPEN_OVERDUE) == 16
    assert chart.total(Category.OPEN_OVERDUE) == 20


def test_html_in_task_text_is_escaped() -> None:
    nasty = task(1, action="<script>alert(1)</script> & co", effective_deadline=date(2024, 5, 1))
    text = "\n".join(render_digest("vi", compose(digest_input([nasty]), CALENDAR), _tz()))
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


def test_english_rendering() -> None:
    digest = compose(digest_input([task(1, effective_deadline=date(2024, 5, 1))]), CALENDAR)
    text = "\n".join(render_digest("en", digest, _tz()))
    assert "Overdue, not done: 1" in text


def test_shorten_cuts_at_a_word() -> None:
    text = "Tổ chức triển khai thực hiện " * 20
    short = shorten(text, 60)
    assert len(short) <= 60 and short.endswith("…")
    assert not short[:-1].endswith(" ")


# --- splitting ------------------------------------------------------------------


def test_short_digest_is_one_part_and_unchanged() -> None:
    paragraphs = ["a", "b\nc", "d"]
    assert split_message(paragraphs) == ["a\n\nb\nc\n\nd"]


def test_long_digest_splits_at_paragraph_boundaries_and_loses_nothing() -> None:
    paragraphs = [
        f"<b>Đoạn {i}</b>\n" + "\n".join(f"• dòng {i}.{j} " + "x" * 60 for j in range(8))
        for i in range(40)
    ]
    parts = split_message(paragraphs)
    assert len(parts) > 1
    assert all(message_length(part) < TELEGRAM_MESSAGE_LIMIT for part in parts)
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)
    # every part is made of whole paragraphs
    for part in parts:
        for paragraph in part.split("\n\n"):
            assert paragraph in paragraphs


def test_an_over_long_paragraph_is_cut_between_lines() -> None:
    lines = [f"• dòng {j} " + "ệ" * 100 for j in range(100)]  # one paragraph of ~11,000 chars
    paragraphs = ["Tiêu đề", "\n".join(lines), "Cuối"]
    parts = split_message(paragraphs)
    assert all(message_length(part) < TELEGRAM_MESSAGE_LIMIT for part in parts)
    rejoined = "\n".join(part.replace("\n\n", "\n") for part in parts).split("\n")
    assert rejoined == ["Tiêu đề", *lines, "Cuối"]


def test_a_single_line_longer_than_a_message_is_cut_hard() -> None:
    line = "x" * 10_000
    parts = split_message([line], limit=4096)
    assert "".join(parts) == line
    assert all(len(part) < 4096 for part in parts)


def test_length_is_counted_in_utf16_units() -> None:
    assert message_length("😀") == 2
    emoji_paragraphs = ["😀" * 1500, "😀" * 1500]
    parts = split_message(emoji_paragraphs)
    assert len(parts) == 2


@pytest.mark.parametrize("agencies", [1, 30, 120])
def test_rendered_big_digest_fits_telegram(agencies: int) -> None:
    tasks = [
        task(
            i,
            agency_id=i % agencies + 1,
            effective_deadline=date(2024, 4, 1) + timedelta(days=i % 40),
            action="Tổ chức thực hiện " * 12,
        )
        for i in range(1, 400)
    ]
    digest = compose(digest_input(tasks), CALENDAR)
    paragraphs = render_digest("vi", digest, _tz())
    parts = split_message(paragraphs)
    assert all(message_length(part) < TELEGRAM_MESSAGE_LIMIT for part in parts)
    if all(message_length(p) < TELEGRAM_MESSAGE_LIMIT for p in paragraphs):
        assert "\n\n".join(parts) == "\n\n".join(paragraphs)
    # nothing lost, nothing reordered, whatever had to be cut
    assert _lines(parts) == _lines(paragraphs)
    for part in parts:  # a cut never leaves a tag open
        assert part.count("<b>") == part.count("</b>")
        assert part.count("<i>") == part.count("</i>")
    text = "\n".join(parts)
    limits = digest.limits
    for group in digest.overdue[: limits.overdue_agencies]:
        for late in group.tasks[: limits.overdue_per_agency]:
            assert f"<b>{late.task.code}</b>:" in text
        hidden = len(group.tasks) - limits.overdue_per_agency
        if hidden > 0:
            assert f"… và {hidden} nhiệm vụ quá hạn khác của cơ quan này" in text
    assert len(parts) <= 6  # a few messages, not one per dozen tasks


def test_long_lists_show_the_most_urgent_and_say_how_many_more() -> None:
    tasks = [
        task(i, agency_id=1 + i % 20, effective_deadline=date(2024, 5, 12) - timedelta(days=i))
        for i in range(1, 201)
    ]
    tasks += [task(300 + i, effective_deadline=TODAY, blocked_reason="chờ") for i in range(30)]
    digest = compose(
        digest_input(tasks),
        CALENDAR,
        limits=DigestLimits(overdue_agencies=3, overdue_per_agency=2, due_soon=5, blocked=4),
    )
    text = "\n".join(render_digest("vi", digest, _tz()))
    assert "Quá hạn chưa hoàn thành</b>: 200 nhiệm vụ của 20 cơ quan" in text  # full counts
    assert text.count("🔴 <b>") == 3
    assert "… và 8 nhiệm vụ quá hạn khác của cơ quan này" in text  # 10 each, 2 shown
    assert "… và 17 cơ quan khác với 170 nhiệm vụ quá hạn (xem /overdue)" in text
    assert "… và 25 nhiệm vụ khác (xem /status)" in text  # due today: 30, 5 shown
    assert "… và 26 nhiệm vụ khác (xem /status)" in text  # blocked: 30, 4 shown
    # the most late come first
    first = digest.overdue[0]
    assert first.tasks[0].days_late == max(
        late.days_late for g in digest.overdue for late in g.tasks
    )


def _lines(texts: list[str]) -> list[str]:
    return [line for text in texts for line in text.split("\n") if line]


def _tz():  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Ho_Chi_Minh")
