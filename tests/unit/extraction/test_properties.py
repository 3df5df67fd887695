"""Properties that hold for any input: no crash, bounded time, sane output.

Inputs are built from the directive's own vocabulary (markers, deadline
phrases, agency names, dates, Markdown and PDF debris) so that the
generator reaches the regular expressions' hard cases, plus raw text.
"""

from __future__ import annotations

import time
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.deadlines import DeadlineKind
from bot.domain.extraction import extract_directive, to_contract_json

FRAGMENTS = [
    "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n",
    "UBND TỈNH HÀ TĨNH\nSỞ NỘI VỤ\n",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n",
    "Số: 2268/UBND-TTHC\n",
    "Số:        /UBND-TTHC Bình Sơn, ngày        tháng      năm 2024 \n",
    "V/v triển khai khắc phục, nâng\ncao Chỉ số PAR INDEX\n",
    "Quảng Ngãi, ngày 06 tháng 5 năm 2024\n",
    "Kính gửi:\n",
    "- Các sở, ban, ngành tỉnh;\n",
    "- Thủ trưởng các Phòng: Nội vụ, Tư pháp, Văn \n\nhoá và Thông tin;\n",
    "Thực hiện Công văn số 2371/UBND-TTHC ngày 13/5/2024 của UBND tỉnh, ",
    "1. ",
    "2. Giao ",
    "a) ",
    "(1) ",
    "- ",
    "Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan ",
    "các Sở: Tư pháp, Tài chính ",
    "UBND các huyện: Sơn Tịnh, Tư Nghĩa ",
    "Thủ trưởng các sở, ban, ngành và Chủ tịch UBND các huyện ",
    "chịu trách nhiệm ",
    "rà soát, báo cáo kết quả gửi về Sở Nội vụ ",
    "(qua Sở Nội vụ) ",
    "trước ngày 20/5/2024. ",
    "trước 14 giờ ngày 20/5/2024 ",
    "chậm nhất ngày 25 tháng 7 năm 2021. ",
    "hạn 31/2 ",
    "trong tháng 13/2024 ",
    "trong tháng 6/2024. ",
    "trong năm 2024; ",
    "Quý IV/2026 ",
    "trong 05 ngày làm việc kể từ ngày ký. ",
    "không quá 2 tháng kể từ ngày ban hành ",
    "trước ngày 15 hằng tháng ",
    "chậm nhất ngày 20 của tháng cuối quý ",
    "định kỳ hằng quý. ",
    "từ ngày 15/12/2023 đến ngày 15/5/2024 ",
    "Thời hạn hoàn thành ",
    "Kính trình Ủy ban nhân dân tỉnh xem xét./.\n",
    "Yêu cầu Thủ trưởng các cơ quan khẩn trương thực hiện./.\n",
    "**",
    "*",
    "\\-",
    "| a | b |\n|---|---|\n",
    "<br>",
    "\n",
    "\n\n",
    "          ",
    "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n",
    "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An\n",
    "(((((",
    ")))))",
    "::::",
    "; ; ; ",
    "0000/0000/",
    "ngày ngày ngày tháng tháng năm ",
    "các các các ",
    "và và và ",
]

documents = st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join)
mixed = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=60).map(
    "".join
)


def _check_invariants(text: str) -> None:
    directive = extract_directive(text)
    to_contract_json(directive)  # serialisable without error
    for task in directive.tasks:
        assert task.assignees, "a task without an assignee"
        assert all(name.strip() for name in task.assignees)
        if task.deadline is not None:
            assert task.deadline.text
            if task.deadline.stated is not None:
                assert isinstance(task.deadline.stated, date)
            if task.deadline.kind is DeadlineKind.RELATIVE:
                assert task.deadline.relative is not None
            if task.deadline.hour is not None:
                assert 0 <= task.deadline.hour <= 23
    if directive.date is not None:
        assert directive.year == directive.date.year


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_directive_like_text_never_breaks_invariants(text: str) -> None:
    _check_invariants(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed)
def test_arbitrary_text_never_crashes(text: str) -> None:
    _check_invariants(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=400, max_size=600).map("".join))
def test_long_input_finishes_fast(text: str) -> None:
    """Guards against catastrophic backtracking: ~20k characters in well under a second."""
    text = text[:20_000]
    started = time.perf_counter()
    extract_directive(text)
    assert time.perf_counter() - started < 1.0


def test_pathological_runs_finish_fast() -> None:
    """Long runs of the characters the patterns repeat on."""
    for chunk in (" ", "a ", "các ", ", ", "ngày ", "1/", "Sở ", "- ", "\n", "trước ngày 1"):
        text = chunk * (20_000 // len(chunk))
        started = time.perf_counter()
        extract_directive(text)
        assert time.perf_counter() - started < 1.0, repr(chunk)
