"""Directive intake on every backend: the five seeds against the sample
registries (matched agencies, task counts, effective deadlines), saving,
duplicates, task codes, the coordinator's edits and the chat's draft state."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.registry_files import load_sample_registry
from bot.runtime import Runtime
from bot.services import agencies, intake
from bot.services.intake import IntakePreview, Step
from storage.models import Directive, Task
from storage.repositories import directives as directive_rows
from tests.conftest import SEEDS_DIR

QUANG_NGAI = "Sở Nội vụ tỉnh Quảng Ngãi"
BINH_SON = "Phòng Nội vụ huyện Bình Sơn"

SO_NGANH = [
    "VPUB", "SNV", "STP", "SKHDT", "STC", "SCT", "SNNPTNT", "SGTVT", "SXD", "STNMT",
    "STTTT", "SLDTBXH", "SVHTTDL", "SKHCN", "SGDDT", "SYT", "SNGV", "TTT", "BDT", "BQL_KKT",
]  # fmt: skip
HUYEN = [
    "UBND_TPQN", "UBND_DUCPHO", "UBND_BINHSON", "UBND_SONTINH", "UBND_TUNGHIA",
    "UBND_NGHIAHANH", "UBND_MODUC", "UBND_BATO", "UBND_MINHLONG", "UBND_SONHA",
    "UBND_SONTAY", "UBND_TRABONG", "UBND_LYSON",
]  # fmt: skip
PHONG_004 = ["PNV", "PTP", "PVHTT", "PTCKH", "PKTHT", "PYT", "PGDDT", "VP", "TTH"]

RELATIVE = """\
ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 15/UBND-NC
V/v rà soát thủ tục hành chính
Quảng Ngãi, ngày 06 tháng 5 năm 2024
Kính gửi: Sở Tư pháp.
Chủ tịch UBND tỉnh có ý kiến như sau:
Giao Sở Tư pháp chủ trì rà soát các thủ tục hành chính, báo cáo UBND tỉnh trong 05 ngày làm
việc kể từ ngày ký.
CHỦ TỊCH
Nguyễn Văn A
"""


def seed_text(prefix: str) -> str:
    found = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt")) if SEEDS_DIR.is_dir() else []
    if not found:
        pytest.skip("../shared/seeds is not present")
    return found[0].read_text(encoding="utf-8")


async def workspace_with(runtime: Runtime, sample: str, name: str) -> int:
    fmt = "yaml" if sample.endswith(".yaml") else "csv"
    result = await agencies.import_registry(runtime, load_sample_registry(sample), fmt, name)
    return result.workspace.id


@pytest.fixture
async def quang_ngai(runtime: Runtime) -> int:
    return await workspace_with(runtime, "quang_ngai_2024.yaml", QUANG_NGAI)


@pytest.fixture
async def binh_son(runtime: Runtime) -> int:
    return await workspace_with(runtime, "binh_son_2024.csv", BINH_SON)


def codes(preview: IntakePreview, task: int) -> list[str]:
    return [a.code for a in preview.tasks[task].agencies]


async def stored_tasks(runtime: Runtime, directive_id: int) -> list[Task]:
    async with runtime.database.session() as session:
        result = await session.execute(
            select(Task).where(Task.directive_id == directive_id).order_by(Task.id)  # type: ignore[arg-type]
        )
        return list(result.scalars())


async def count(runtime: Runtime, model: type) -> int:
    async with runtime.database.session() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


# -- the seeds -----------------------------------------------------------------------


async def test_seed_000_matches_home_affairs_and_leaves_the_vague_line_unmatched(
    runtime: Runtime, quang_ngai: int
) -> None:
    preview = await intake.preview(runtime, quang_ngai, text=seed_text("000"))
    assert codes(preview, 0) == ["SNV"]
    assert preview.tasks[0].effective == date(2021, 7, 25)  # "chậm nhất ngày 25 tháng 7"
    vague = preview.tasks[1].lines[0]
    assert not vague.matched and vague.note == "unspecified"
    assert vague.text == "các cơ quan, đơn vị, địa phương liên quan"
    assert preview.task_count == 1
    assert [n.code for n in preview.notices] == ["day_blank", "number_blank"]
    saved = await intake.save(runtime, preview)
    assert saved.task_codes == ("T1",) and saved.skipped == 1
    (task,) = await stored_tasks(runtime, saved.directive_id)
    assert (task.role, task.deadline_kind, task.deadline_stated) == (
        "lead",
        "no_later_than",
        date(2021, 7, 25),
    )
    assert task.deadline_text == "chậm nhất ngày 25 tháng 7 năm 2021"
    assert task.supporting == ["các cơ quan, đơn vị liên quan"]


async def test_seed_001_expands_groups_and_plans_the_quarterly_duty(
    runtime: Runtime, quang_ngai: int
) -> None:
    preview = await intake.preview(runtime, quang_ngai, text=seed_text("001"))
    assert codes(preview, 0) == SO_NGANH + HUYEN
    assert [line.status for line in preview.tasks[0].lines] == ["group", "group"]
    assert preview.tasks[0].effective == date(2021, 8, 14)  # "trước ngày 15 tháng 8"
    assert preview.tasks[0].report_to == "Sở Nội vụ"
    quarterly = preview.tasks[1]
    assert codes(preview, 1) == ["SNV"] and quarterly.recurrence is not None
    # The first quarter on or after today (13/5/2024: the directive's day is blank).
    assert quarterly.first_occurrence and quarterly.effective == date(2024, 6, 30)
    assert codes(preview, 2) == ["SNV"] and preview.tasks[2].effective is None
    assert preview.task_count == 35
    saved = await intake.save(runtime, preview)
    rows = await stored_tasks(runtime, saved.directive_id)
    assert len(rows) == 35 and saved.agencies == 33
    assert [r.code for r in rows] == [f"T{n}" for n in range(1, 36)]
    recurring = rows[33]
    assert recurring.recurrence is not None and recurring.recurrence["period"] == "quarterly"
    assert recurring.deadline_text == "định kỳ hằng quý"
    assert recurring.next_reminder_at is not None  # 30/6/2024 is ahead: reminders planned
    assert rows[0].role == "perform" and rows[0].next_reminder_at is not None  # overdue
    assert rows[34].effective_deadline is None and rows[34].next_reminder_at is None


async def test_seed_002_a_proposal_yields_no_task_and_saves_nothing(
    runtime: Runtime, quang_ngai: int
) -> None:
    preview = await intake.preview(runtime, quang_ngai, text=seed_text("002"))
    assert preview.tasks == () and preview.task_count == 0
    with pytest.raises(intake.NothingToSave):
        await intake.save(runtime, preview)
    assert await count(runtime, Directive) == 0


async def test_seed_003_matches_districts_and_computes_deadlines(
    runtime: Runtime, quang_ngai: int
) -> None:
    text = seed_text("003")
    preview = await intake.preview(runtime, quang_ngai, text=text)
    assert preview.number == "2268/UBND-TTHC" and preview.issued_on == date(2024, 5, 6)
    assert codes(preview, 0) == HUYEN
    assert [line.matched for line in preview.tasks[0].lines] == [False, True]
    qualified = preview.tasks[1].lines[0]
    assert not qualified.matched and qualified.note == "qualified_group"
    assert preview.tasks[1].effective == date(2024, 5, 19)  # "trước ngày 20/5/2024"
    assert codes(preview, 2) == ["SNV"]
    assert preview.tasks[2].effective == date(2024, 12, 31)  # "trong năm 2024"
    assert preview.task_count == 14 and len(preview.unmatched) == 2
    saved = await intake.save(runtime, preview)
    rows = await stored_tasks(runtime, saved.directive_id)
    assert len(rows) == 14
    last = rows[-1]
    assert (last.deadline_kind, last.deadline_stated, last.effective_deadline) == (
        "within_period",
        date(2024, 12, 31),
        date(2024, 12, 31),
    )
    assert last.supporting == ["các cơ quan liên quan"]
    async with runtime.database.session() as session:
        directive = await directive_rows.get(session, quang_ngai, saved.directive_id)
    assert directive is not None and directive.issued_on == date(2024, 5, 6)
    assert directive.source_text == text
    assert directive.extraction["number"] == "2268/UBND-TTHC"
    assert directive.extraction["tasks"][2]["matched"] == [["SNV"]]


async def test_seed_004_matches_the_district_offices(runtime: Runtime, binh_son: int) -> None:
    preview = await intake.preview(runtime, binh_son, text=seed_text("004"))
    assert codes(preview, 0) == PHONG_004
    assert preview.tasks[0].effective == date(2024, 5, 16)  # "trước ngày 17/5/2024"
    assert preview.tasks[0].report_to == "Phòng Nội vụ"
    assert codes(preview, 1) == ["PNV"] and preview.tasks[1].effective == date(2024, 5, 19)
    assert codes(preview, 2) == ["PNV"] and preview.tasks[2].effective == date(2024, 6, 30)
    assert codes(preview, 3) == ["VP"] and preview.tasks[3].effective is None
    assert preview.unmatched == ()
    saved = await intake.save(runtime, preview)
    rows = await stored_tasks(runtime, saved.directive_id)
    assert [r.role for r in rows] == ["perform"] * 9 + ["lead", "lead", "perform"]
    assert rows[10].deadline_text == "trong tháng 6/2024"
    assert rows[10].next_reminder_at is not None


# -- duplicates, codes, relative deadlines -----------------------------------------------


async def test_a_stored_number_is_refused_and_shown_in_the_next_preview(
    runtime: Runtime, quang_ngai: int
) -> None:
    text = seed_text("003")
    first = await intake.preview(runtime, quang_ngai, text=text)
    second = await intake.preview(runtime, quang_ngai, text=text)  # opened before the save
    await intake.save(runtime, first)
    with pytest.raises(intake.DuplicateDirective) as caught:
        await intake.save(runtime, second)
    assert caught.value.duplicate.number == "2268/UBND-TTHC"
    assert await count(runtime, Directive) == 1 and await count(runtime, Task) == 14
    again = await intake.preview(runtime, quang_ngai, text=text)
    assert again.duplicate is not None and again.notices[0].code == "duplicate"


async def test_task_codes_continue_per_workspace(
    runtime: Runtime, quang_ngai: int, binh_son: int
) -> None:
    first = await intake.save(runtime, await intake.preview(runtime, quang_ngai, text=RELATIVE))
    second = await intake.save(
        runtime,
        await intake.preview(runtime, quang_ngai, text=RELATIVE.replace("15/UBND", "16/UBND")),
    )
    other = await intake.save(
        runtime, await intake.preview(runtime, binh_son, text=seed_text("004"))
    )
    assert (first.task_codes, second.task_codes) == (("T1",), ("T2",))
    assert other.task_codes[0] == "T1"  # another workspace counts on its own


async def test_relative_deadline_counts_working_days_from_the_date(
    runtime: Runtime, quang_ngai: int
) -> None:
    preview = await intake.preview(runtime, quang_ngai, text=RELATIVE)
    assert codes(preview, 0) == ["STP"]
    assert preview.tasks[0].effective == date(2024, 5, 13)  # Mon 6/5 + 5 working days
    saved = await intake.save(runtime, preview)
    (task,) = await stored_tasks(runtime, saved.directive_id)
    assert task.relative_span == {"amount": 5, "unit": "working_days", "anchor": "signing"}
    assert task.deadline_kind == "relative" and task.deadline_stated is None


async def test_relative_deadline_without_a_date_is_a_warning_not_a_guess(
    runtime: Runtime, quang_ngai: int
) -> None:
    blank = RELATIVE.replace("ngày 06 tháng 5 năm 2024", "ngày    tháng 5 năm 2024")
    preview = await intake.preview(runtime, quang_ngai, text=blank)
    task = preview.tasks[0]
    assert task.effective is None
    assert [n.code for n in task.notices] == ["relative_no_anchor"]


# -- the coordinator's edits ----------------------------------------------------------------


async def test_edits_change_what_is_saved(runtime: Runtime, quang_ngai: int) -> None:
    today = runtime.today()
    preview = await intake.preview(runtime, quang_ngai, text=seed_text("003"))
    resolved = await intake.resolve_agencies(runtime, quang_ngai, "stp, Sở Tài chính")
    assert [a.code for a in resolved.agencies] == ["STP", "STC"] and resolved.unknown == ()
    assert (await intake.resolve_agencies(runtime, quang_ngai, "XYZ")).unknown == ("XYZ",)
    edited = intake.set_agencies(preview, 1, 0, resolved.agencies)  # the qualified group
    edited = intake.set_deadline(edited, 1, date(2024, 5, 24), "24/05/2024", today)
    edited = intake.drop_task(edited, 0)
    snv = await intake.resolve_agencies(runtime, quang_ngai, "SNV")
    edited = intake.add_task(edited, snv.agencies, "Tổng hợp kết quả", None, "", today)
    assert [t.action for t in edited.tasks][-1] == "Tổng hợp kết quả"
    assert edited.task_count == 4 and edited.unmatched == ()
    restored = IntakePreview.from_json(edited.to_json())
    assert restored == edited  # the chat keeps it in a Draft between steps
    saved = await intake.save(runtime, restored)
    rows = await stored_tasks(runtime, saved.directive_id)
    assert [(r.code, r.agency_id is not None, r.effective_deadline) for r in rows] == [
        ("T1", True, date(2024, 5, 24)),
        ("T2", True, date(2024, 5, 24)),
        ("T3", True, date(2024, 12, 31)),
        ("T4", True, None),
    ]
    assert rows[0].deadline_kind == "no_later_than" and rows[3].role == "perform"


async def test_typed_dates(runtime: Runtime) -> None:
    assert intake.parse_typed_date("25/05/2024") == date(2024, 5, 25)
    assert intake.parse_typed_date(" 5-6-2024 ") == date(2024, 6, 5)
    assert intake.parse_typed_date("31/02/2024") is None
    assert intake.parse_typed_date("25/05") is None


async def test_every_seed_preview_survives_the_draft_round_trip(
    runtime: Runtime, quang_ngai: int
) -> None:
    for prefix in ("000", "001", "002", "003"):
        preview = await intake.preview(runtime, quang_ngai, text=seed_text(prefix))
        assert IntakePreview.from_json(preview.to_json()) == preview


# -- the chat's pending step ------------------------------------------------------------------


async def test_the_intake_step_lives_in_the_draft_table(runtime: Runtime, quang_ngai: int) -> None:
    chat, user = -100123, 555
    session = await intake.begin(runtime, quang_ngai, chat, user)
    session.prompt_message_id = 42
    session.preview = await intake.preview(runtime, quang_ngai, text=RELATIVE)
    session.step = Step.DEADLINE
    session.target_task = 0
    session.version = 3
    assert await intake.keep(runtime, session)
    found = await intake.session_for_message(runtime, chat, user, 42, private=False)
    assert found is not None and found.step is Step.DEADLINE and found.version == 3
    assert found.preview == session.preview and found.target_task == 0
    assert await intake.session_for_message(runtime, chat, user, 41, private=False) is None
    assert await intake.session_by_id(runtime, session.draft_id, chat + 1) is None  # forged chat
    restarted = await intake.begin(runtime, quang_ngai, chat, user)  # /new again
    live = await intake.session_for_message(runtime, chat, user, None, private=True)
    assert live is not None and live.draft_id == restarted.draft_id
    assert live.step is Step.SOURCE and live.preview is None  # the old one is gone
    assert live.version != session.version  # buttons of the old preview are stale
    assert await intake.discard(runtime, restarted.draft_id)
    assert not await intake.discard(runtime, restarted.draft_id)


async def test_territory_comes_from_the_workspace_name() -> None:
    assert intake.territory_of("Sở Nội vụ tỉnh Quảng Ngãi") == "tỉnh Quảng Ngãi"
    assert intake.territory_of("Phòng Nội vụ huyện Bình Sơn") == "huyện Bình Sơn"
    assert intake.territory_of("Nhắc việc") is None


async def test_another_provinces_agency_stays_unmatched(runtime: Runtime, quang_ngai: int) -> None:
    text = RELATIVE.replace("Giao Sở Tư pháp", "Giao Sở Tư pháp tỉnh Bình Định")
    preview = await intake.preview(runtime, quang_ngai, text=text)
    line = preview.tasks[0].lines[0]
    assert not line.matched and line.note == "other_place"
