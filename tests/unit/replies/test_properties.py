"""No input crashes `read_reply` or takes long, and readings stay well-formed."""

from __future__ import annotations

import time
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import WorkingCalendar
from bot.domain.replies import ReplyKind, ReplyReading, read_reply

CALENDAR = WorkingCalendar()
BUDGET_SECONDS = 0.050  # per reply of up to 2000 characters

# Vietnamese letters, digits and the marks replies are made of, plus whole
# words that trigger every rule, so examples reach deep into the pipeline.
_CHARS = st.sampled_from(
    list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặấầẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọ")
    + list("ồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ0123456789 ?!.,;:/-%\n👍✅")
)
_VOCABULARY = (
    "đã xong chưa không đang làm vướng gia hạn đến thêm ngày tuần tháng thứ sáu "
    "sau năm mươi một nửa phần trăm 30/5 12/BC-STP T12 ạ dạ ok nhận hỏi nào đâu gì "
    "do vì nên nhưng còn sẽ cuối đầu mai sang 60% ? , ."
)
_WORDS = st.sampled_from(_VOCABULARY.split(" "))
_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(_CHARS, max_size=2000),
    st.lists(_WORDS, max_size=400).map(" ".join),
)


def _timed(text: str, today: date) -> tuple[ReplyReading, float]:
    """CPU time of one reading; the best of three when the first is slow, so a
    busy machine does not fail the test, while slow code still does."""
    best = float("inf")
    reading: ReplyReading | None = None
    for _ in range(3):
        start = time.process_time()
        reading = read_reply(text, today, CALENDAR)
        best = min(best, time.process_time() - start)
        if best < BUDGET_SECONDS:
            break
    assert reading is not None
    return reading, best


@settings(max_examples=150, deadline=None)
@given(text=_TEXT, today=st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_any_text_reads_quickly_into_a_well_formed_reading(text: str, today: date) -> None:
    reading, seconds = _timed(text, today)
    assert seconds < BUDGET_SECONDS
    assert isinstance(reading.kind, ReplyKind)
    assert 0.0 <= reading.confidence <= 1.0
    if reading.percent is not None:
        assert reading.kind is ReplyKind.IN_PROGRESS
        assert 0 < reading.percent < 100
    if reading.requested_date is not None or reading.requested_span is not None:
        assert reading.kind is ReplyKind.MORE_TIME
    if reading.requested_span is not None:
        assert reading.requested_span > 0
        assert reading.requested_date == CALENDAR.add_working_days(today, reading.requested_span)


def test_worst_case_inputs_of_2000_characters_stay_within_budget() -> None:
    today = date(2024, 5, 13)
    worst = [
        "👍✅" * 1000,
        "a b " * 500,
        "1 2 " * 500,
        "? , . " * 333,
        ("thêm 250 ngày " * 150)[:2000],
        ("chưa làm xong, đang vướng số liệu, xin gia hạn thêm 5 ngày " * 40)[:2000],
        ("một hai ba bốn năm sáu bảy tám chín mười " * 50)[:2000],
    ]
    for text in worst:
        assert len(text) >= 1990
        _, seconds = _timed(text, today)
        assert seconds < BUDGET_SECONDS, (text[:40], seconds)


@given(text=st.text(max_size=200))
def test_reading_is_deterministic(text: str) -> None:
    today = date(2024, 5, 13)
    assert read_reply(text, today, CALENDAR) == read_reply(text, today, CALENDAR)
