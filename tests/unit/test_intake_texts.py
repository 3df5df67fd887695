"""The intake preview's wording and splitting, and its callback data (no I/O)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.deadlines import DeadlineKind, DeadlineSpec
from bot.domain.extraction import Role
from bot.services.intake import (
    AgencyRef,
    AssigneeLine,
    IntakePreview,
    IntakeSession,
    Notice,
    PlannedTask,
    Step,
    set_deadline,
)
from bot.texts.intake import is_yes, pack, render_preview
from handlers.intake import (
    _valid,
    edit_keyboard,
    main_keyboard,
    parse_callback,
    task_keyboard,
)

STP = AgencyRef(7, "STP", "Sở Tư pháp")
DISTRICTS = tuple(AgencyRef(100 + i, f"UBND_H{i}", f"UBND huyện {i}") for i in range(13))


def task(action: str = "Rà soát thủ tục hành chính", **fields: object) -> PlannedTask:
    values: dict[str, object] = {
        "role": Role.LEAD,
        "action": action,
        "lines": (AssigneeLine("Sở Tư pháp", "exact", (STP,)),),
        "deadline": DeadlineSpec(DeadlineKind.BEFORE, "trước ngày 20/5/2024", date(2024, 5, 20)),
        "effective": date(2024, 5, 19),
    }
    values.update(fields)
    return PlannedTask(**values)  # type: ignore[arg-type]


def preview(*tasks: PlannedTask, **fields: object) -> IntakePreview:
    values: dict[str, object] = {
        "workspace_id": 1,
        "number": "2268/UBND-TTHC",
        "issued_on": date(2024, 5, 6),
        "subject": "triển khai khắc phục <PAR INDEX> & SIPAS",
        "tasks": tasks,
    }
    values.update(fields)
    return IntakePreview(**values)  # type: ignore[arg-type]


def test_preview_reads_number_date_subject_agency_role_and_both_deadlines() -> None:
    (text,) = render_preview("vi", preview(task()))
    assert "Số: <b>2268/UBND-TTHC</b>" in text and "Ngày: 06/05/2024" in text
    assert "V/v: triển khai khắc phục &lt;PAR INDEX&gt; &amp; SIPAS" in text  # escaped
    assert "• Sở Tư pháp (STP)" in text and "Vai trò: chủ trì" in text
    assert "Hạn: trước ngày 20/5/2024 → <b>19/05/2024</b>" in text
    assert "Sẽ tạo <b>1</b> nhiệm vụ cho 1 cơ quan." in text


def test_unmatched_fuzzy_and_group_lines() -> None:
    lines = (
        AssigneeLine("các cơ quan, đơn vị liên quan", "group", note="unspecified"),
        AssigneeLine("Sở Tư phap", "fuzzy", (STP,), note="spelling"),
        AssigneeLine("UBND các huyện, thị xã, thành phố", "group", DISTRICTS),
        AssigneeLine("Sở Nội vụ", "unmatched", note="ambiguous", candidates=(STP,)),
    )
    (text,) = render_preview("vi", preview(task(lines=lines)))
    assert "• ⚠ Chưa khớp: «các cơ quan, đơn vị liên quan» — không nêu cơ quan cụ thể" in text
    assert "• ⚠ Sở Tư pháp (STP) — gần giống «Sở Tư phap», hãy kiểm tra" in text
    assert "→ 13 cơ quan: UBND_H0, UBND_H1" in text
    assert "có thể là: STP" in text
    assert "2 dòng cơ quan chưa khớp" in text


def test_english_and_the_no_task_proposal() -> None:
    (text,) = render_preview("en", preview(task()))
    assert "Deadline: trước ngày 20/5/2024 → <b>19/05/2024</b>" in text and "Role: lead" in text
    (empty,) = render_preview(
        "vi", preview(number=None, symbol="SNV-CCHC", issued_on=None, year=2022, month=6)
    )
    assert "Số: (chưa có số) /SNV-CCHC" in empty and "tháng 6 năm 2022" in empty
    assert "không giao nhiệm vụ nào" in empty


def test_edited_deadline_and_warnings() -> None:
    relative = task(
        deadline=DeadlineSpec(DeadlineKind.RELATIVE, "trong 05 ngày làm việc kể từ ngày ký"),
        effective=None,
        notices=(Notice("relative_no_anchor", "trong 05 ngày làm việc kể từ ngày ký"),),
    )
    (text,) = render_preview("vi", preview(relative))
    assert "→ ⚠ chưa tính được" in text and "văn bản chưa ghi ngày: hãy nhập hạn" in text
    fixed = set_deadline(preview(relative), 0, date(2024, 5, 24), "24/05/2024", date(2024, 5, 13))
    (text,) = render_preview("vi", fixed)
    assert "Hạn (đã sửa): <b>24/05/2024</b>" in text and "chưa tính được" not in text


def test_long_previews_split_between_tasks_under_the_limit() -> None:
    tasks = [
        task(f"Việc số {n}: " + "rà soát, đánh giá thủ tục hành chính " * 15) for n in range(30)
    ]
    chunks = render_preview("vi", preview(*tasks))
    assert len(chunks) > 1 and all(len(c) <= 4000 for c in chunks)
    joined = "\n\n".join(chunks)
    assert joined.count("• Sở Tư pháp (STP)") == 30
    for chunk in chunks:  # no task block is cut in two
        assert chunk.count("<b>") == chunk.count("</b>")


def test_a_block_longer_than_a_message_is_cut_between_lines() -> None:
    block = "\n".join(f"dòng {n} " + "x" * 90 for n in range(100))
    chunks = pack(["đầu", block, "cuối"], limit=1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert "\n".join(chunks).count("dòng ") == 100


def session(version: int = 123456, draft: int = 987654321012345678) -> IntakeSession:
    tasks = tuple(task() for _ in range(45))
    return IntakeSession(draft, 1, -1001234567890, 42, Step.PREVIEW, version, preview(*tasks))


def test_callback_data_fits_in_64_bytes_and_parses_back() -> None:
    intake = session()
    markups = [
        main_keyboard("vi", intake),
        edit_keyboard("vi", intake),
        task_keyboard("vi", intake, "d", 2),
    ]
    datas = [b.callback_data for m in markups for row in m.inline_keyboard for b in row]
    assert datas and all(isinstance(d, str) and len(d.encode()) <= 64 for d in datas)
    for data in datas:
        press = parse_callback(str(data))
        assert press is not None and _valid(press)
        assert (press.draft_id, press.version) == (987654321012345678, 123456)
    assert "Việc 45" in [
        b.text for row in task_keyboard("vi", intake, "d", 2).inline_keyboard for b in row
    ]


@pytest.mark.parametrize(
    "data",
    [
        "in:0:1:s",  # no draft 0
        "in:1:1:z",  # unknown operation
        "in:1:1:s:1",  # save takes nothing
        "in:1:1:t:q:1",  # unknown edit kind
        "in:1:1:g:1:0",  # agency pick without the agency
        "in:1:1:g:n:0:x",
        "in:1:1234567:s",  # version too long
        "iv:1:1:s",
        "in:1:1:s ",
    ],
)
def test_malformed_callback_data_is_rejected(data: str) -> None:
    press = parse_callback(data)
    assert press is None or not _valid(press)


def test_yes_answers() -> None:
    assert is_yes("c") and is_yes(" Có ") and is_yes("yes")
    assert not is_yes("") and not is_yes("k") and not is_yes("không")
