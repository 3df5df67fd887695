"""The text of reminder messages: grouping, mentions, deadlines, lateness, splitting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkingCalendar
from bot.services.reminder_messages import (
    MAX_MESSAGE_LENGTH,
    AgencyInfo,
    Mention,
    ProblemLine,
    TaskLine,
    render_problems,
    render_reminder,
    utf16_length,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar()
TODAY = date(2024, 5, 14)  # Tuesday

AGENCIES = {
    1: AgencyInfo(1, "Sở Tư pháp", (Mention(501, "Lan"), Mention(502, "Hùng <Tổ 1>"))),
    2: AgencyInfo(2, "Sở Tài chính", ()),
}


def line(task_id: int, agency_id: int = 1, **fields: object) -> TaskLine:
    values: dict[str, object] = {
        "task_id": task_id,
        "code": f"T{task_id}",
        "agency_id": agency_id,
        "action": "Báo cáo kết quả khắc phục Chỉ số PAR INDEX",
        "directive_number": "2268/UBND-TTHC",
        "deadline_text": "trước ngày 20/5/2024",
        "deadline_stated": date(2024, 5, 20),
        "effective_deadline": date(2024, 5, 19),
        "delivery_ids": (task_id * 10,),
    }
    values.update(fields)
    return TaskLine(**values)  # type: ignore[arg-type]


def render(lines: list[TaskLine], **kw: object) -> list:
    options: dict[str, object] = {
        "lang": "vi",
        "today": TODAY,
        "calendar": CAL,
        "timezone": TZ,
        "private": False,
    }
    options.update(kw)
    return render_reminder(lines, AGENCIES, **options)  # type: ignore[arg-type]


def test_one_message_groups_tasks_by_agency_with_mentions_and_buttons() -> None:
    parts = render([line(1), line(2, agency_id=2), line(3)])
    assert len(parts) == 1
    text = parts[0].text
    assert text.startswith("🔔 <b>Nhắc hạn nhiệm vụ</b> — ngày 14/05/2024")
    # Agencies sorted by name (Vietnamese, case-folded): Tài chính before Tư pháp.
    assert text.index("Sở Tài chính") < text.index("Sở Tư pháp")
    assert text.index("<b>T1</b>") > text.index("Sở Tư pháp")
    assert '<a href="tg://user?id=501">Lan</a>' in text
    assert '<a href="tg://user?id=502">Hùng &lt;Tổ 1&gt;</a>' in text
    assert "Cơ quan chưa có đầu mối đăng ký." in text
    assert parts[0].rows == ((2, "T2"), (1, "T1"), (3, "T3"))
    assert sorted(parts[0].delivery_ids) == [10, 20, 30]


def test_task_shows_code_directive_action_stated_and_effective_deadline_and_days_left() -> None:
    text = render([line(1)])[0].text
    assert "<b>T1</b> · Văn bản số 2268/UBND-TTHC" in text
    assert "Báo cáo kết quả khắc phục Chỉ số PAR INDEX" in text
    assert "Hạn: trước ngày 20/5/2024 (hạn thực tế: hết ngày 19/05/2024)" in text
    # Deadline Sunday 19/5: working days in (Tue 14, Sun 19] are Wed, Thu, Fri.
    assert "⏳ Còn 3 ngày làm việc" in text


def test_days_line_for_due_today_last_working_day_and_overdue() -> None:
    friday = date(2024, 5, 17)
    assert "Hạn cuối rơi vào ngày nghỉ" in render([line(1)], today=friday)[0].text
    assert "❗ Hôm nay là hạn cuối" in render([line(1, effective_deadline=TODAY)])[0].text
    overdue = render([line(1, effective_deadline=date(2024, 5, 9))])[0].text
    assert "🔴 Quá hạn 3 ngày làm việc" in overdue  # Fri 10, Mon 13, Tue 14


def test_late_reminders_say_so() -> None:
    planned = datetime(2024, 5, 14, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
    text = render([line(1, late_since=planned), line(2)])[0].text
    assert "gửi muộn" in text
    assert "⏰ Nhắc muộn (lịch nhắc: 08:00 14/05/2024)" in text
    assert "gửi muộn" not in render([line(2)])[0].text


def test_private_chat_gets_no_mentions_and_escalation_gets_its_header() -> None:
    text = render([line(1)], private=True)[0].text
    assert "tg://user" not in text
    escalation = render([line(1, escalation=True)])[0].text
    assert escalation.startswith("⛔ <b>Nhiệm vụ quá hạn cần đôn đốc</b>")
    assert "tg://user" not in escalation


def test_html_in_data_is_escaped() -> None:
    text = render([line(1, action="Báo cáo <script> & số liệu")])[0].text
    assert "Báo cáo &lt;script&gt; &amp; số liệu" in text


def test_long_batches_split_at_task_boundaries_under_4096_and_100_buttons() -> None:
    long_action = "Rà soát, đánh giá kết quả thực hiện nhiệm vụ cải cách hành chính. " * 8
    lines = [line(i, agency_id=1 + i % 2, action=long_action) for i in range(1, 61)]
    parts = render(lines)
    assert len(parts) > 2
    seen: list[int] = []
    for index, part in enumerate(parts, start=1):
        assert utf16_length(part.text) <= MAX_MESSAGE_LENGTH
        assert 0 < len(part.rows) <= 25
        assert f"(phần {index}/{len(parts)})" in part.text.splitlines()[0]
        for task_id, code in part.rows:
            assert f"<b>{code}</b>" in part.text
            seen.append(task_id)
    assert sorted(seen) == list(range(1, 61))  # every task once, none lost
    continued = [p for p in parts[1:] if "(tiếp)" in p.text]
    assert continued, "a part that starts mid-agency names the agency again"


def test_split_on_button_limit_alone() -> None:
    parts = render([line(i, action="Báo cáo") for i in range(1, 31)])
    assert [len(p.rows) for p in parts] == [25, 5]


def test_english() -> None:
    text = render([line(1)], lang="en")[0].text
    assert "Task deadline reminder" in text
    assert "Focal points:" in text
    assert "3 working day(s) left" in text


def test_admin_report_separates_unknown_from_failed() -> None:
    problems = [
        ProblemLine(True, "nhóm «Sở Tư pháp» (-100)", ("T1", "T2"), "due", TODAY, "bot dừng"),
        ProblemLine(False, "chat riêng 7", ("T3",), "overdue", TODAY, "bot bị chặn"),
    ]
    [text] = render_problems(problems, lang="vi")
    assert text.index("chưa rõ đã đến nơi") < text.index("không gửi được")
    assert "• nhóm «Sở Tư pháp» (-100): T1, T2 — nhắc đúng hạn 14/05/2024; bot dừng" in text
    many = [ProblemLine(True, f"chat {i}", ("T1",), "due", TODAY, "x" * 100) for i in range(200)]
    texts = render_problems(many, lang="vi")
    assert len(texts) > 1 and all(utf16_length(t) <= MAX_MESSAGE_LENGTH for t in texts)
    assert sum(t.count("• chat") for t in texts) == 200
