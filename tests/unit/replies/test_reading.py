"""Focused behaviours of `read_reply`, one group per rule a focal point relies on."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from bot.domain.calendar import WorkingCalendar
from bot.domain.replies import (
    CONFIDENCE_THRESHOLD,
    ReplyKind,
    ReplyReading,
    changes_task,
    explain_reply,
    needs_confirmation,
    read_reply,
)
from bot.domain.replies.lemmas import RESOLVERS
from bot.domain.replies.lexicon import PHRASES

CALENDAR = WorkingCalendar()
MONDAY = date(2024, 5, 13)  # a plain working week: Fri 17/5, next Fri 24/5, end of May 31/5
K = ReplyKind


def read(text: str, today: date = MONDAY) -> ReplyReading:
    return read_reply(text, today, CALENDAR)


# --- negation and near misses: never "done" -------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("chưa hoàn thành", K.IN_PROGRESS),
        ("Chưa xong ạ", K.IN_PROGRESS),
        ("chua xong", K.IN_PROGRESS),
        ("chưa thực hiện xong", K.IN_PROGRESS),
        ("chưa làm", K.NOT_STARTED),
        ("Chưa triển khai", K.NOT_STARTED),
        ("chưa làm gì cả", K.NOT_STARTED),
        ("ko lam gi ca", K.NOT_STARTED),
        ("Đã hoàn thành dự thảo, đang xin ý kiến", K.IN_PROGRESS),
        ("sẽ hoàn thành trước 30/5", K.IN_PROGRESS),
        ("Hoàn thành 60%", K.IN_PROGRESS),
        ("Đã xong 3 xã, còn 2 xã đang làm", K.IN_PROGRESS),
        ("Không thể hoàn thành do chưa có kinh phí", K.BLOCKED),
        ("không làm được", K.BLOCKED),
    ],
)
def test_negated_or_partial_completion_is_not_done(text: str, kind: ReplyKind) -> None:
    assert read(text).kind is kind


def test_a_share_of_the_work_is_not_a_date() -> None:
    assert read("Hoàn thành 3/5 chỉ tiêu").kind is K.IN_PROGRESS
    assert read("đã gửi ngày 3/5 cho Sở").kind is K.DONE


def test_full_completion_is_done() -> None:
    assert read("hoàn thành 100%").kind is K.DONE
    assert read("Đã xong, không có vướng mắc gì").kind is K.DONE


@pytest.mark.parametrize(
    "text", ["không có vướng mắc", "Không vướng gì", "k vg gi", "hok co vuong mac gi"]
)
def test_no_problem_is_not_blocked_and_is_not_certain(text: str) -> None:
    reading = read(text)
    assert reading.kind is K.IN_PROGRESS
    assert needs_confirmation(reading)


def test_no_problem_alongside_progress_reads_as_progress() -> None:
    reading = read("Đang triển khai, không có vướng mắc gì ạ")
    assert reading.kind is K.IN_PROGRESS
    assert not needs_confirmation(reading)


def test_bare_not_yet_is_unfinished_but_asks() -> None:
    reading = read("Dạ chưa ạ")
    assert reading.kind is K.IN_PROGRESS
    assert needs_confirmation(reading)


# --- questions --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Đã hoàn thành chưa?",
        "xong chưa",
        "ht chua a",
        "hạn là ngày nào?",
        "nộp qua đâu ạ",
        "Báo cáo xong thì gửi ai ạ?",
        "Đã hoàn thành rồi thì có cần báo cáo lại không ạ?",
        "Cho em hỏi đã hoàn thành thì bấm nút nào ạ",
        "Gửi file word hay pdf a",
    ],
)
def test_questions_about_completion_are_questions(text: str) -> None:
    reading = read(text)
    assert reading.kind is K.QUESTION
    assert not changes_task(reading)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("dang lam, chua xong dau a", K.IN_PROGRESS),
        ("Không vướng gì, đang làm tiếp", K.IN_PROGRESS),
    ],
)
def test_dau_and_gi_after_a_negation_are_emphasis_not_questions(text: str, kind: ReplyKind) -> None:
    assert read(text).kind is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("đã xong đâu", K.IN_PROGRESS),
        ("có vướng gì đâu ạ", K.IN_PROGRESS),
        ("gửi đâu ạ", K.QUESTION),
    ],
)
def test_final_dau_after_a_state_denies_it(text: str, kind: ReplyKind) -> None:
    # colloquial "đã xong đâu" = "not done at all"; after a verb of motion it asks where
    assert read(text).kind is kind


def test_a_request_phrased_as_a_question_is_a_request() -> None:
    reading = read("Em xin lùi sang thứ 4 tuần sau được không ạ?")
    assert reading.kind is K.MORE_TIME
    assert reading.requested_date == date(2024, 5, 22)


def test_a_wh_question_about_extensions_stays_a_question() -> None:
    assert read("Gia hạn thì làm thế nào ạ?").kind is K.QUESTION


# --- acknowledgements -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Đã nhận", "đã nhận được", "ok", "OK ạ", "vâng", "dạ vâng", "Tiếp nhận", "nhan dc r a", "👍"],
)
def test_acknowledgements_never_change_a_task(text: str) -> None:
    reading = read(text)
    assert reading.kind is K.ACKNOWLEDGEMENT
    assert not changes_task(reading)


def test_receiving_then_promising_is_an_acknowledgement() -> None:
    assert read("Đã tiếp nhận, sẽ triển khai ạ").kind is K.ACKNOWLEDGEMENT


def test_an_acknowledged_completion_is_done() -> None:
    assert read("ok xong").kind is K.DONE


# --- done in shorthand, evidence, task codes -------------------------------------------------


@pytest.mark.parametrize("text", ["xong r", "xong roi", "dx", "ht", "Dx a", "Em gửi rồi ạ", "100%"])
def test_shorthand_completion(text: str) -> None:
    assert read(text).kind is K.DONE


def test_sent_report_is_done_with_its_reference_as_evidence() -> None:
    reading = read("đã gửi bc số 12/BC-STP")
    assert reading.kind is K.DONE
    assert reading.evidence == "12/BC-STP"


def test_a_reference_in_an_acknowledgement_is_not_evidence() -> None:
    reading = read("Đã nhận được công văn số 123/UBND-NC, bên em sẽ triển khai")
    assert reading.kind is K.ACKNOWLEDGEMENT
    assert reading.evidence is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("Đã hoàn thành nhiệm vụ T12 ạ", "T12"), ("t7 xong r", "T7"), ("đã xong", None)],
)
def test_task_code(text: str, code: str | None) -> None:
    assert read(text).task_code == code


def test_weekday_shorthand_is_not_a_task_code() -> None:
    reading = read("xin nộp T6 tuần sau")
    assert reading.task_code is None
    assert reading.requested_date == date(2024, 5, 24)


# --- spelling: diacritics, tone placement, Unicode forms, case -------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Đã hoàn thành",
        unicodedata.normalize("NFD", "Đã hoàn thành"),
        "ĐÃ HOÀN THÀNH",
        "da hoan thanh",
        "Kính gửi anh/chị, Dạ em báo cáo: đã hoàn thành ạ 👍",
    ],
)
def test_spelling_variants_read_the_same(text: str) -> None:
    assert read(text).kind is K.DONE


def test_old_and_new_tone_placement_read_the_same() -> None:
    old, new = read("Đã số hoá xong hồ sơ"), read("Đã số hóa xong hồ sơ")
    assert old == new
    assert old.kind is K.DONE


def test_diacritics_settle_words_that_fold_alike() -> None:
    assert read("Dạ").kind is K.ACKNOWLEDGEMENT  # dạ = yes
    assert read("Đã xong").kind is K.DONE  # đã = already
    assert read("Đang chờ số liệu của huyện").kind is K.BLOCKED  # chờ = wait
    assert read("Được một nửa").percent == 50  # nửa = half
    assert read("Xin thêm một tuần nữa").requested_span == 5  # nữa = more


# --- percentages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("Đang thực hiện 60%", 60),
        ("đang thực hiện 60 %", 60),
        ("Được sáu mươi phần trăm rồi ạ", 60),
        ("được khoảng bảy mươi lăm phần trăm", 75),
        ("dang lam nam muoi phan tram", 50),
        ("được một nửa", 50),
        ("đc 1 nửa r a", 50),
        ("gần xong rồi ạ", 90),
        ("Đạt khoảng 66,7%", 67),
        ("đang thực hiện", None),
    ],
)
def test_percent_of_work_in_progress(text: str, percent: int | None) -> None:
    reading = read(text)
    assert reading.kind is K.IN_PROGRESS
    assert reading.percent == percent


def test_percent_is_kept_only_for_work_in_progress() -> None:
    assert read("Hoàn thành 100%").percent is None
    assert read("Đã làm được 50% nhưng đang vướng kinh phí").percent is None


# --- blocked and reasons ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("vướng: chưa có số liệu của huyện", "chưa có số liệu của huyện"),
        ("Vướng mắc: chưa có hướng dẫn của Bộ", "chưa có hướng dẫn của Bộ"),
        ("Khó khăn do thiếu kinh phí", "thiếu kinh phí"),
        ("chưa có số liệu", "chưa có số liệu"),
        ("vg so lieu cac xa", "so lieu cac xa"),
        ("không làm được vì phần mềm lỗi", "phần mềm lỗi"),
        ("Vướng ạ", None),
    ],
)
def test_blocked_reason_is_quoted_as_typed(text: str, reason: str | None) -> None:
    reading = read(text)
    assert reading.kind is K.BLOCKED
    assert reading.reason == reason


def test_a_block_with_a_request_for_time_is_a_request_keeping_the_reason() -> None:
    reading = read("vướng do chưa có hướng dẫn của Bộ, xin gia hạn đến 30/6")
    assert reading.kind is K.MORE_TIME
    assert reading.reason == "chưa có hướng dẫn của Bộ"
    assert reading.requested_date == date(2024, 6, 30)


# --- requested dates: explicit dates ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("xin gia hạn đến 30/5", MONDAY, date(2024, 5, 30)),
        ("xin gia hạn đến 30/5", date(2024, 6, 10), date(2025, 5, 30)),  # next such date
        ("xin gia hạn đến 13/5", MONDAY, date(2024, 5, 13)),  # on or after today
        ("xin gia hạn đến 30/5/2025", MONDAY, date(2025, 5, 30)),
        ("Xin gia hạn đến ngày 30 tháng 5", MONDAY, date(2024, 5, 30)),
        ("gh den 30-5", MONDAY, date(2024, 5, 30)),
        ("xin gia hạn đến 30.5.2024", MONDAY, date(2024, 5, 30)),
        ("xin lùi hạn sang 15/6", MONDAY, date(2024, 6, 15)),  # a Saturday, kept as asked
    ],
)
def test_explicit_requested_date(text: str, today: date, expected: date) -> None:
    reading = read(text, today)
    assert reading.kind is K.MORE_TIME
    assert reading.requested_date == expected
    assert reading.requested_span is None


def test_an_impossible_date_is_a_request_without_a_date() -> None:
    reading = read("xin gia han den ngay 31/2")
    assert reading.kind is K.MORE_TIME
    assert reading.requested_date is None


# --- requested dates: spans in working days -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("Xin thêm 5 ngày", 5, date(2024, 5, 20)),
        ("xin thêm 5 ngày làm việc", 5, date(2024, 5, 20)),
        ("Xin thêm một tuần", 5, date(2024, 5, 20)),
        ("xin gia hạn thêm hai tuần", 10, date(2024, 5, 27)),
        ("gh them 3 ngay nhe", 3, date(2024, 5, 16)),
    ],
)
def test_spans_count_working_days(text: str, span: int, expected: date) -> None:
    reading = read(text)
    assert reading.kind is K.MORE_TIME
    assert reading.requested_span == span
    assert reading.requested_date == expected


def test_three_days_from_friday_skip_the_weekend_and_the_april_holidays() -> None:
    friday = date(2024, 4, 26)
    # Sat 27 and Sun 28 are a weekend, Mon 29/4 is the swapped day off, 30/4 and
    # 1/5 are holidays; Thu 2/5, Fri 3/5 and the worked Saturday 4/5 count.
    reading = read("thêm 3 ngày", friday)
    assert reading.kind is K.MORE_TIME
    assert reading.requested_span == 3
    assert reading.requested_date == date(2024, 5, 4)


def test_a_month_is_calendar_months_moved_to_a_working_day() -> None:
    reading = read("xin gia hạn thêm 1 tháng")
    assert reading.requested_date == date(2024, 6, 13)
    assert reading.requested_span is None


# --- requested dates: weeks and months -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("Dạ em xin phép gia hạn sang tuần sau ạ", MONDAY, date(2024, 5, 24)),
        ("sang tuần sau", MONDAY, date(2024, 5, 24)),
        # next week's Friday 2/5/2025 is a swapped day off, 1/5 and 30/4 holidays
        ("xin gia hạn sang tuần sau", date(2025, 4, 21), date(2025, 4, 29)),
        ("xin nộp vào thứ Sáu tuần sau", MONDAY, date(2024, 5, 24)),
        ("cho e xin them tg den thu 6 tuan sau a", MONDAY, date(2024, 5, 24)),
        ("Cho em khất đến thứ Sáu nhé", MONDAY, date(2024, 5, 17)),  # the next Friday
        ("gh đến đầu tuần sau", MONDAY, date(2024, 5, 20)),
        ("Cho bên em lùi đến cuối tháng nhé", MONDAY, date(2024, 5, 31)),
        ("xin gia hạn đến cuối tháng", date(2024, 6, 3), date(2024, 6, 28)),  # 30/6 is a Sunday
        ("xin gia hạn đến hết tháng 6", MONDAY, date(2024, 6, 28)),
        ("Xin hoãn sang đầu tháng sau", MONDAY, date(2024, 6, 3)),
        ("Cho em xin gia hạn đến mai", date(2024, 5, 17), date(2024, 5, 20)),
    ],
)
def test_relative_requested_dates(text: str, today: date, expected: date) -> None:
    reading = read(text, today)
    assert reading.kind is K.MORE_TIME
    assert reading.requested_date == expected


def test_a_date_in_a_promise_is_not_a_request() -> None:
    reading = read("Đang thực hiện, dự kiến hoàn thành trước ngày 25/5/2024")
    assert reading.kind is K.IN_PROGRESS
    assert reading.requested_date is None


def test_a_past_date_of_a_report_is_not_a_request() -> None:
    assert read("Đã nộp báo cáo số 45/BC-UBND ngày 08/5").kind is K.DONE


# --- confidence and the adapter's decisions ------------------------------------------------------


def test_clear_replies_do_not_need_confirmation() -> None:
    for text in ["đã xong", "Đang thực hiện 60%", "vướng: chưa có số liệu", "xin gia hạn đến 30/5"]:
        reading = read(text)
        assert reading.confidence >= CONFIDENCE_THRESHOLD, text
        assert not needs_confirmation(reading)


def test_contradictory_reply_needs_confirmation() -> None:
    reading = read("Đã xong T12, T13 đang làm")
    assert needs_confirmation(reading)


def test_done_with_a_later_date_asks_rather_than_guessing() -> None:
    assert needs_confirmation(read("Xong rồi, sang tuần sau em gửi bản giấy"))


def test_unrecognised_reply_is_other_and_asks() -> None:
    reading = read("Chúc mừng năm mới")
    assert reading.kind is K.OTHER
    assert needs_confirmation(reading)
    assert not changes_task(reading)


def test_empty_reply_is_other() -> None:
    assert read("").kind is K.OTHER
    assert read("   ...  ").kind is K.OTHER


def test_confidence_is_a_probability_like_number() -> None:
    for text in ["đã xong", "?", "Dạ", "xin gia hạn", "chưa xong nhưng đang làm"]:
        assert 0.0 <= read(text).confidence <= 1.0


def test_every_word_that_folds_to_several_meanings_has_a_resolver() -> None:
    ambiguous = {
        " ".join(key)
        for key, entries in PHRASES.items()
        if len({entry.concept for entry in entries}) > 1
    }
    assert ambiguous <= set(RESOLVERS)


def test_explanation_names_the_rules_behind_a_reading() -> None:
    lines = explain_reply("Đã hoàn thành chưa?", MONDAY, CALENDAR)
    assert lines == ("question 3.0 question:yes_no: 'Đã hoàn thành chưa'",)
    lines = explain_reply("chưa xong, đang làm 60%", MONDAY, CALENDAR)
    assert any("not finished" in line for line in lines)
    assert any("percent" in line for line in lines)


def test_explanation_of_a_bare_question_mark() -> None:
    assert explain_reply("ok. ?", MONDAY, CALENDAR) == (
        "acknowledgement 1.5 acknowledged: 'ok'",
        "question 3.0 question:asked: ''",
    )
