"""The report's figures, checked against hand-computed numbers (they feed the
PAR Index self-assessment), and the letterhead and date line of Decree 30."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.report_data import (
    ReportPeriod,
    ReportTask,
    Timeliness,
    build_report,
    letterhead_for,
    scores_for,
)
from bot.domain.rollup import Category
from bot.texts.documents import notes_text, percent, place_and_date, timeliness_text

TODAY = date(2024, 5, 13)
APRIL = ReportPeriod(date(2024, 4, 1), date(2024, 4, 30))
NAMES = {1: "Sở Tư pháp", 2: "Sở Y tế", 3: "UBND huyện Bình Sơn"}


def row(task_id: int, agency_id: int, deadline: date | None, **kw: object) -> ReportTask:
    base: dict[str, object] = dict(
        task_id=task_id,
        code=f"T{task_id}",
        directive_id=kw.pop("directive_id", 1),
        directive_number=kw.pop("directive_number", "2268/UBND-TTHC"),
        directive_date=kw.pop("directive_date", date(2024, 3, 20)),
        directive_subject="nâng cao Chỉ số PAR INDEX",
        action=f"Nhiệm vụ {task_id}",
        agency_id=agency_id,
        agency_name=NAMES[agency_id],
        role="lead",
        supporting=(),
        deadline_text=None,
        effective_deadline=deadline,
        original_effective_deadline=kw.pop("original", deadline),
        state="open",
    )
    base.update(kw)
    return ReportTask(**base)  # type: ignore[arg-type]


def done(task_id: int, agency_id: int, deadline: date, on: date) -> ReportTask:
    return row(task_id, agency_id, deadline, state="done", completed_on=on, progress=100)


TASKS = [
    # Sở Tư pháp: due in April 4 (on time 2, late 1, open 1)
    done(1, 1, date(2024, 4, 5), date(2024, 4, 4)),
    done(2, 1, date(2024, 4, 10), date(2024, 4, 10)),  # on the day: on time
    done(3, 1, date(2024, 4, 15), date(2024, 4, 16)),  # a day late
    row(4, 1, date(2024, 4, 30)),  # open, overdue by 13 days on 13/5
    done(5, 1, date(2024, 5, 1), date(2024, 4, 20)),  # due in May: not in the April score
    row(6, 1, date(2024, 3, 31)),  # due in March: not in the April score
    row(7, 1, date(2024, 4, 10), state="cancelled"),  # cancelled: counted nowhere
    row(8, 1, None),  # no deadline: never scored
    # Sở Y tế: due in April 3 (on time 2, late 1)
    done(9, 2, date(2024, 4, 1), date(2024, 4, 1)),
    done(10, 2, date(2024, 4, 30), date(2024, 4, 29)),
    # extended from 20/4 to 25/5: the approved extension replaces the deadline
    row(11, 2, date(2024, 5, 25), original=date(2024, 4, 20)),
    done(12, 2, date(2024, 4, 12), date(2024, 4, 20)),  # 8 days late
    # UBND huyện Bình Sơn: due in April 1, still open and blocked
    row(13, 3, date(2024, 4, 15), blocked_reason="chưa có kinh phí"),
]


def test_agency_scores_match_hand_computed_figures() -> None:
    rows, total = scores_for(TASKS, APRIL, TODAY)
    figures = {
        r.agency_name: (
            r.score.due,
            r.score.done_on_time,
            r.score.done_late,
            r.score.still_open,
            r.score.on_time_rate,
        )
        for r in rows
    }
    assert figures == {
        "Sở Tư pháp": (4, 2, 1, 1, 0.5),
        "Sở Y tế": (3, 2, 1, 0, pytest.approx(2 / 3)),
        "UBND huyện Bình Sơn": (1, 0, 0, 1, 0.0),
    }
    assert [r.agency_name for r in rows] == ["Sở Y tế", "Sở Tư pháp", "UBND huyện Bình Sơn"]
    assert (total.due, total.done_on_time, total.done_late, total.still_open) == (8, 4, 2, 2)
    assert [percent(r.score.done_on_time, r.score.due) for r in rows] == ["66,7%", "50%", "0%"]
    assert percent(total.done_on_time, total.due) == "50%"


def test_report_without_period_covers_every_live_task() -> None:
    data = build_report(
        TASKS, workspace_name="Sở Nội vụ tỉnh Quảng Ngãi", today=TODAY, reply_by=date(2024, 5, 20)
    )
    assert len(data.rows) == 12  # 13 tasks, one cancelled
    assert [r.number for r in data.rows] == list(range(1, 13))
    assert data.summary.total == 12
    # on time: 1, 2, 5, 9, 10; late: 3, 12; open on time: 8 (no deadline), 11;
    # overdue: 4, 6, 13
    assert data.summary.count(Category.DONE_ON_TIME) == 5
    assert data.summary.count(Category.DONE_LATE) == 2
    assert data.summary.count(Category.OPEN_ON_TIME) == 2
    assert data.summary.count(Category.OPEN_OVERDUE) == 3
    assert (data.done, data.not_done) == (7, 5)
    # the score period defaults to the year so far
    assert data.score_period == ReportPeriod(date(2024, 1, 1), TODAY)
    assert data.score_total.due == 10  # every live task with a deadline up to 13/5
    late = {
        a.agency_name: [(i.task.task_id, i.days_late) for i in a.items] for a in data.late_agencies
    }
    assert late == {"Sở Tư pháp": [(6, 43), (4, 13)], "UBND huyện Bình Sơn": [(13, 28)]}
    assert [t.task_id for t in data.blocked] == [13]


def test_report_with_period_keeps_tasks_due_in_it() -> None:
    data = build_report(
        TASKS,
        workspace_name="Sở Nội vụ tỉnh Quảng Ngãi",
        today=TODAY,
        reply_by=date(2024, 5, 20),
        period=APRIL,
    )
    assert sorted(r.task.task_id for r in data.rows) == [1, 2, 3, 4, 9, 10, 12, 13]
    assert data.score_period == APRIL
    assert data.score_total.due == 8


def test_timeliness_and_notes_texts() -> None:
    data = build_report(TASKS, workspace_name="x", today=TODAY, reply_by=TODAY)
    by_id = {r.task.task_id: r for r in data.rows}
    assert by_id[2].timeliness is Timeliness.ON_TIME and timeliness_text(by_id[2]) == "Đúng hạn"
    assert timeliness_text(by_id[12]) == "Chậm 8 ngày"
    assert timeliness_text(by_id[4]) == "Quá hạn 13 ngày"
    assert timeliness_text(by_id[11]) == ""
    assert "Đã gia hạn (hạn ban đầu 20/04/2024)" in notes_text(by_id[11])
    assert "Vướng mắc: chưa có kinh phí" in notes_text(by_id[13])
    assert notes_text(by_id[8]) == "Chưa bắt đầu"


def test_rows_are_ordered_by_directive_then_natural_code() -> None:
    tasks = [
        row(
            10, 1, None, directive_id=2, directive_number="9/UBND", directive_date=date(2024, 4, 1)
        ),
        row(2, 1, None, directive_id=2, directive_number="9/UBND", directive_date=date(2024, 4, 1)),
        row(1, 1, None, directive_id=1, directive_number="5/UBND", directive_date=date(2024, 1, 1)),
    ]
    data = build_report(tasks, workspace_name="x", today=TODAY, reply_by=TODAY)
    assert [r.task.code for r in data.rows] == ["T1", "T2", "T10"]
    assert data.directive_count == 2


def test_letterhead_of_a_department_and_of_a_district_office() -> None:
    province = letterhead_for("Sở Nội vụ tỉnh Quảng Ngãi")
    assert (province.parent_body, province.body, province.abbreviation) == (
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ NỘI VỤ",
        "SNV",
    )
    assert province.place == "Quảng Ngãi"
    assert province.superior == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert (province.head_title, province.deputy_title) == ("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    district = letterhead_for("Phòng Nội vụ huyện Bình Sơn")
    assert (district.parent_body, district.body, district.abbreviation) == (
        "UBND HUYỆN BÌNH SƠN",
        "PHÒNG NỘI VỤ",
        "PNV",
    )
    assert district.deputy_title == "PHÓ TRƯỞNG PHÒNG"
    city = letterhead_for("Sở Nội vụ thành phố Hà Nội")
    assert (city.parent_body, city.place) == ("UBND THÀNH PHỐ HÀ NỘI", "Hà Nội")
    other = letterhead_for("Văn phòng điều phối")
    assert other.parent_body.startswith("UBND TỈNH ..")


def test_date_line_pads_days_below_ten_and_months_below_three() -> None:
    assert place_and_date("Quảng Ngãi", date(2024, 5, 13)) == "Quảng Ngãi, ngày 13 tháng 5 năm 2024"
    assert place_and_date("Hà Nội", date(2024, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2024"
    assert place_and_date("Hà Nội", date(2024, 2, 28)) == "Hà Nội, ngày 28 tháng 02 năm 2024"
    assert place_and_date("Hà Nội", date(2024, 12, 9)) == "Hà Nội, ngày 09 tháng 12 năm 2024"


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        ReportPeriod(date(2024, 5, 1), date(2024, 4, 1))
