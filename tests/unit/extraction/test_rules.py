"""The extraction rules one at a time, each on the smallest text that shows it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.deadlines import DeadlineKind, Period, RelativeAnchor, RelativeUnit
from bot.domain.extraction import Role, extract_directive, to_contract_json
from bot.domain.extraction.agencies import parties, title_case_agency
from bot.domain.extraction.deadlines import DocDate, find_timings
from bot.domain.extraction.header import expand_issuer
from bot.domain.extraction.normalize import clean_text, join_paragraphs

DOC = DocDate(date(2024, 5, 6), 2024, 5)


def _first(text: str, doc: DocDate = DOC):  # type: ignore[no-untyped-def]
    timings = find_timings(text, doc)
    assert timings, text
    return timings[0]


@pytest.mark.parametrize(
    ("phrase", "kind", "stated", "hour"),
    [
        ("gửi trước ngày 20/5/2024.", DeadlineKind.BEFORE, date(2024, 5, 20), None),
        ("báo cáo trước 14 giờ ngày 20/5/2024", DeadlineKind.BEFORE, date(2024, 5, 20), 14),
        ("trước 16h30 ngày 08/11/2024", DeadlineKind.BEFORE, date(2024, 11, 8), 16),
        ("chậm nhất ngày 25 tháng 7 năm 2024", DeadlineKind.NO_LATER_THAN, date(2024, 7, 25), None),
        ("hạn 25/7 báo cáo", DeadlineKind.NO_LATER_THAN, date(2024, 7, 25), None),
        ("trước hoặc trong ngày 20/11/2024", DeadlineKind.NO_LATER_THAN, date(2024, 11, 20), None),
        ("không muộn hơn ngày 15.8.2024", DeadlineKind.NO_LATER_THAN, date(2024, 8, 15), None),
        ("hoàn thành ngày 30-6-2024", DeadlineKind.NO_LATER_THAN, date(2024, 6, 30), None),
        ("trong tháng 6/2024", DeadlineKind.WITHIN_PERIOD, date(2024, 6, 30), None),
        ("trong tháng 2 năm 2028", DeadlineKind.WITHIN_PERIOD, date(2028, 2, 29), None),
        ("trong năm 2024", DeadlineKind.WITHIN_PERIOD, date(2024, 12, 31), None),
        ("Thời gian hoàn thành: Quý IV/2026", DeadlineKind.WITHIN_PERIOD, date(2026, 12, 31), None),
        (
            "hoàn thành trong 6 tháng đầu năm 2024",
            DeadlineKind.WITHIN_PERIOD,
            date(2024, 6, 30),
            None,
        ),
    ],
)
def test_deadline_phrases(phrase: str, kind: DeadlineKind, stated: date, hour: int | None) -> None:
    spec = _first(phrase).spec
    assert (spec.kind, spec.stated, spec.hour) == (kind, stated, hour)


@pytest.mark.parametrize(
    ("phrase", "amount", "unit", "anchor"),
    [
        (
            "trong 05 ngày làm việc kể từ ngày ký",
            5,
            RelativeUnit.WORKING_DAYS,
            RelativeAnchor.SIGNING,
        ),
        ("không quá 2 tháng kể từ ngày ban hành", 2, RelativeUnit.MONTHS, RelativeAnchor.ISSUANCE),
        (
            "trong thời hạn 10 ngày kể từ ngày nhận được văn bản này",
            10,
            RelativeUnit.DAYS,
            RelativeAnchor.RECEIPT,
        ),
        (
            "trong vòng 15 ngày kể từ ngày hết hạn góp ý",
            15,
            RelativeUnit.DAYS,
            RelativeAnchor.OTHER,
        ),
    ],
)
def test_relative_deadlines(
    phrase: str, amount: int, unit: RelativeUnit, anchor: RelativeAnchor
) -> None:
    spec = _first(phrase).spec
    assert spec.kind is DeadlineKind.RELATIVE and spec.stated is None
    assert spec.relative is not None
    assert (spec.relative.amount, spec.relative.unit, spec.relative.anchor) == (
        amount,
        unit,
        anchor,
    )


@pytest.mark.parametrize(
    ("phrase", "period", "day", "last_month", "kind"),
    [
        ("trước ngày 15 hằng tháng", Period.MONTHLY, 15, True, DeadlineKind.BEFORE),
        (
            "chậm nhất ngày 20 của tháng cuối quý",
            Period.QUARTERLY,
            20,
            True,
            DeadlineKind.NO_LATER_THAN,
        ),
        ("trước ngày 10 tháng đầu quý", Period.QUARTERLY, 10, False, DeadlineKind.BEFORE),
        ("trước ngày 15/6 và 15/12 hằng năm", Period.HALF_YEARLY, 15, True, DeadlineKind.BEFORE),
        ("trước ngày 10/12 hằng năm", Period.YEARLY, 10, True, DeadlineKind.BEFORE),
        ("định kỳ hằng quý", Period.QUARTERLY, None, True, DeadlineKind.NO_LATER_THAN),
        ("định kỳ 6 tháng một lần", Period.HALF_YEARLY, None, True, DeadlineKind.NO_LATER_THAN),
    ],
)
def test_recurrences(
    phrase: str, period: Period, day: int | None, last_month: bool, kind: DeadlineKind
) -> None:
    recurrence = _first(phrase).recurrence
    assert recurrence is not None
    assert (recurrence.period, recurrence.day, recurrence.last_month_of_period) == (
        period,
        day,
        last_month,
    )
    assert recurrence.kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "Công văn số 2371/UBND-TTHC ngày 13/5/2024 của UBND tỉnh",
        "từ ngày 15/12/2023 đến ngày 15/5/2024",
        "họp Ban chỉ đạo 6 tháng đầu năm 2024",
        "kết quả thực hiện trong năm 2023",  # a period that ended before the letter
        "tăng 16 bậc, giai đoạn 2020 - 2025, đạt 86.17%",
        "hạn chế, tồn tại trước mắt",
    ],
)
def test_dates_that_are_not_deadlines(text: str) -> None:
    assert find_timings(text, DOC) == ()


def test_agency_lists_expand_and_group_phrases_stay_whole() -> None:
    assert parties("các Sở: Tư pháp, Tài chính") == ["Sở Tư pháp", "Sở Tài chính"]
    assert parties("UBND các huyện: Sơn Tịnh, Tư Nghĩa") == [
        "UBND huyện Sơn Tịnh",
        "UBND huyện Tư Nghĩa",
    ]
    assert parties("các sở, ban, ngành") == ["các sở, ban, ngành"]
    assert parties("Thủ trưởng các Phòng: Văn hóa và Thông tin, Kinh tế và Hạ tầng") == [
        "Phòng Văn hóa và Thông tin",
        "Phòng Kinh tế và Hạ tầng",
    ]
    assert parties("Giám đốc Sở Nội vụ và Chánh Văn phòng HĐND và UBND huyện") == [
        "Sở Nội vụ",
        "Văn phòng HĐND và UBND huyện",
    ]
    assert parties("Sở Văn hóa, Thể thao và Du lịch") == ["Sở Văn hóa, Thể thao và Du lịch"]


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("UBND TỈNH HÀ TĨNH SỞ NỘI VỤ", "Sở Nội vụ tỉnh Hà Tĩnh"),
        ("ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN", "Ủy ban nhân dân huyện Bình Sơn"),
        ("UBND THÀNH PHỐ HẢI PHÒNG SỞ NỘI VỤ", "Sở Nội vụ thành phố Hải Phòng"),
        ("UBND THÀNH PHỐ HẢI PHÒNG", "Ủy ban nhân dân thành phố Hải Phòng"),
        ("ỦY BAN NHÂN DÂN ĐẶC KHU PHÚ QUỐC", "Ủy ban nhân dân đặc khu Phú Quốc"),
        ("UBND TỈNH NGHỆ AN VĂN PHÒNG", "Văn phòng Ủy ban nhân dân tỉnh Nghệ An"),
        ("UBND TỈNH BẮC NINH CÔNG AN TỈNH", "Công an tỉnh Bắc Ninh"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "Ủy ban nhân dân Thành phố Hồ Chí Minh"),
    ],
)
def test_issuer_expansion(header: str, issuer: str) -> None:
    assert expand_issuer(header) == issuer


def test_agency_capitalisation() -> None:
    assert title_case_agency("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG") == "Sở Tài nguyên và Môi trường"
    assert title_case_agency("SỞ CÔNG THƯƠNG") == "Sở Công Thương"
    assert title_case_agency("BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP") == "Ban Quản lý các khu công nghiệp"


def test_normalisation_of_nfd_old_tones_and_markdown() -> None:
    import unicodedata

    raw = unicodedata.normalize("NFD", "**Phòng Văn hoá** và Thông tin \\- Uỷ ban")
    assert clean_text(raw) == "Phòng Văn hóa và Thông tin - Ủy ban"


def test_pdf_lines_rejoin_into_sentences_but_not_across_items() -> None:
    lines = [
        "1. Thủ trưởng các cơ quan báo cáo",
        "",
        "kết quả trước ngày",
        "",
        "17/5/2024.",
        "2. Giao",
    ]
    assert join_paragraphs(lines) == [
        "1. Thủ trưởng các cơ quan báo cáo kết quả trước ngày 17/5/2024.",
        "2. Giao",
    ]


LETTER = """ỦY BAN NHÂN DÂN
TỈNH HÀ TĨNH
Số: /UBND-NC
V/v thử
Hà Tĩnh, ngày   tháng 5 năm 2024
Kính gửi: Sở Tư pháp.
Ủy ban nhân dân tỉnh có ý kiến như sau:
1. Giao Sở Tư pháp rà soát văn bản, báo cáo trước ngày 20/5 và trước ngày 30/5/2024.
2. Biểu dương các cơ quan, đơn vị đã hoàn thành tốt nhiệm vụ.
3. Rà soát, báo cáo kết quả trước ngày 25/5/2024.
Nơi nhận:
- Như trên;
CHỦ TỊCH
Võ Trọng Hải
"""


def test_warnings_instead_of_guesses() -> None:
    directive = extract_directive(LETTER)
    codes = {(w.field, w.code) for w in directive.warnings}
    assert ("date", "day_blank") in codes
    assert ("number", "number_blank") in codes
    assert ("tasks[0].deadline", "several_deadlines") in codes
    assert ("tasks[0].deadline", "year_inferred") in codes
    assert ("tasks", "assignee_not_found") in codes  # item 3 names nobody
    assert [t.assignees for t in directive.tasks] == [("Sở Tư pháp",)]  # item 2 praises
    assert directive.tasks[0].role is Role.DO
    payload = to_contract_json(directive)
    assert payload["month"] == 5 and payload["date"] is None and payload["year"] == 2024
    assert {"field": "date", "code": "day_blank", "detail": ""} in payload["warnings"]


def test_recipients_without_bullets_and_daily_duties_are_flagged() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 5012/UBND-NC1\nV/v phòng, chống bão\n"
        "Hà Tĩnh, ngày 05 tháng 9 năm 2024\nKính gửi:\nSở Nông nghiệp và Phát triển nông thôn;\n"
        "Bộ Chỉ huy Quân sự tỉnh.\nChủ tịch UBND tỉnh yêu cầu:\n"
        "1. Bộ Chỉ huy Quân sự tỉnh báo cáo tình hình về Văn phòng thường trực Ban Chỉ huy "
        "phòng, chống thiên tai tỉnh trước 15 giờ hằng ngày.\n"
    )
    directive = extract_directive(text)
    assert directive.recipients == (
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Bộ Chỉ huy Quân sự tỉnh",
    )
    (task,) = directive.tasks
    assert task.report_to == "Văn phòng thường trực Ban Chỉ huy phòng, chống thiên tai tỉnh"
    assert task.recurrence is None  # no daily period in the shared vocabulary: say so
    assert ("tasks[0].recurrence", "unsupported_period") in {
        (w.field, w.code) for w in directive.warnings
    }
