"""Exported reports against the seeded workspace: the Excel table and the Word
drafts open with openpyxl and python-docx and hold the rows and figures the
database holds; the agency scores equal hand-computed figures; the command
line writes the files."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from bot.domain.report_data import ReportPeriod
from bot.domain.rights import Actor, Role
from bot.services import reports as report_service
from bot.services import scores as score_service
from bot.services.reports import LoadOutcome
from storage.database import Database
from tests.conftest import REPO_ROOT
from tests.integration.test_digest import make_runtime
from tests.reporting_seed import COORDINATION_CHAT, COORDINATOR, FOCAL_POINT, TODAY, seed, tasks_of


async def _files(database: Database, **kw: object) -> report_service.ReportFiles:
    seeded = await seed(database)
    assert seeded.workspace_id == 1
    loaded = await report_service.load(make_runtime(database), seeded.workspace_id, **kw)  # type: ignore[arg-type]
    assert loaded.outcome is LoadOutcome.READY and loaded.data is not None
    assert loaded.data.today == TODAY
    return report_service.write_files(loaded.data)


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


async def test_excel_tracking_table_holds_every_live_task(database: Database) -> None:
    files = await _files(database)
    table = files.files[0]
    assert table.name == "bang-theo-doi-nhiem-vu_20240513.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(table.content))
    sheet = workbook["Theo dõi nhiệm vụ"]
    header = [cell.value for cell in sheet[4]]
    assert header[:4] == ["STT", "Số văn bản", "Ngày văn bản", "Trích yếu"]
    assert "Cơ quan chủ trì" in header and "Thời hạn" in header and "Ghi chú" in header
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:M22"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5, values_only=False)]
    assert len(rows) == 18  # 19 tasks, one cancelled
    assert [row[0] for row in rows] == list(range(1, 19))
    by_code = {row[4]: row for row in rows}
    t15 = by_code["T15"]
    assert t15[1] == "2268/UBND-TTHC"
    assert t15[6] == "Ủy ban nhân dân huyện Bình Sơn"
    assert t15[9] == "Quá hạn chưa hoàn thành" and t15[11] == "Quá hạn 24 ngày"
    assert by_code["T6"][11] == "Chậm 7 ngày" and by_code["T1"][11] == "Đúng hạn"
    assert "Vướng mắc: chờ số liệu của Bộ Y tế" in by_code["T13"][12]
    # dates are real date cells shown dd/mm/yyyy
    deadline = sheet.cell(row=5, column=9)
    assert isinstance(deadline.value, datetime) and deadline.is_date
    assert deadline.number_format == "DD/MM/YYYY"
    done_cell = next(
        sheet.cell(row=r, column=11)
        for r in range(5, 23)
        if sheet.cell(row=r, column=5).value == "T5"
    )
    assert done_cell.value.date() == date(2024, 5, 6) and done_cell.is_date
    assert sheet.cell(row=5, column=6).alignment.wrap_text
    assert sheet.column_dimensions["F"].width >= 40
    # the database agrees
    live = [t for t in await tasks_of(database, 1) if t.state != "cancelled"]
    assert sorted(by_code) == sorted(t.code for t in live)
    for task in live:
        value = by_code[task.code][8]
        assert (value.date() if value else None) == task.effective_deadline


async def test_excel_scores_sheet(database: Database) -> None:
    files = await _files(database, period=ReportPeriod(date(2024, 4, 1), date(2024, 5, 13)))
    workbook = openpyxl.load_workbook(io.BytesIO(files.files[0].content))
    sheet = workbook["Tỷ lệ đúng hạn"]
    assert sheet.freeze_panes == "A5"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    # tasks due 1/4 .. 13/5 (by hand from tests/reporting_seed.py):
    # Sở Tài chính: T2 (10/5, done 10/5) -> 1 due, 1 on time
    assert rows["Sở Tài chính"][2:] == (1, 1, 0, 0, 1.0)
    # Sở Y tế: T13 (3/5, open), T14 (8/5, open) -> 2 due, 2 open
    assert rows["Sở Y tế"][2:] == (2, 0, 0, 2, 0.0)
    # UBND Bình Sơn: T6 (3/5, done 10/5 late), T15 (19/4 open), T16 (10/5 open)
    assert rows["Ủy ban nhân dân huyện Bình Sơn"][2:6] == (3, 0, 1, 2)
    # Sở Tư pháp: T1 (30/4 done 25/4), T7 (13/5 open, not yet late)
    assert rows["Sở Tư pháp"][2:] == (2, 1, 0, 1, 0.5)
    total = rows["Tổng cộng"]
    assert total[2:6] == (10, 2, 2, 6)
    assert total[6] == pytest.approx(0.2)
    assert sheet.cell(row=5, column=7).number_format == "0.0%"


async def test_word_report_has_the_decree_30_layout_and_the_figures(database: Database) -> None:
    files = await _files(database)
    report = files.files[1]
    assert report.name == "bao-cao-tong-hop_20240513.docx"
    document = Document(io.BytesIO(report.content))
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert "UBND TỈNH QUẢNG NGÃI" in left.text and "SỞ NỘI VỤ" in left.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text
    assert "Độc lập - Tự do - Hạnh phúc" in right.text
    assert header.rows[1].cells[0].text.strip() == "Số:      /BC-SNV"
    assert header.rows[1].cells[1].text.strip() == "Quảng Ngãi, ngày 13 tháng 5 năm 2024"
    text = _docx_text(report.content)
    assert "BÁO CÁO" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ngãi." in text
    assert "Tổng số nhiệm vụ theo dõi: 18 nhiệm vụ tại 3 văn bản chỉ đạo" in text
    assert "Đã hoàn thành: 6 nhiệm vụ (33,3%)" in text
    assert "hoàn thành đúng hạn 4 nhiệm vụ (22,2%)" in text
    assert "quá hạn chưa hoàn thành 5 nhiệm vụ (27,8%)" in text
    assert "7 nhiệm vụ chưa triển khai và 3 nhiệm vụ gặp khó khăn" in text
    assert "Có 3 cơ quan, đơn vị còn 5 nhiệm vụ quá hạn chưa hoàn thành" in text
    assert "Sở Giáo dục và Đào tạo: 1 nhiệm vụ" in text
    assert "quá hạn 31 ngày" in text
    assert "Vướng mắc: chưa được bố trí kinh phí" in text
    assert "Nơi nhận:" in text and "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text
    # the scores table: header, one row per agency with a task due this year, total
    scores = document.tables[1]
    assert [c.text for c in scores.rows[0].cells][:2] == ["STT", "Cơ quan, đơn vị"]
    assert scores.rows[-1].cells[1].text == "Tổng cộng"
    # fonts: Times New Roman everywhere, 11 to 14 pt
    runs = [run for p in document.paragraphs for run in p.runs]
    assert document.styles["Normal"].font.name == "Times New Roman"
    sizes = {run.font.size.pt for run in runs if run.font.size and run.text}
    assert sizes <= {11, 12, 13, 14} and 14 in sizes


async def test_urging_letter_lists_each_late_agencys_tasks(database: Database) -> None:
    files = await _files(database)
    assert files.has_letter
    letter = files.files[2]
    document = Document(io.BytesIO(letter.content))
    number_cell = document.tables[0].rows[1].cells[0].text
    assert "Số:      /SNV-VP" in number_cell and "V/v đôn đốc thực hiện nhiệm vụ" in number_cell
    text = _docx_text(letter.content)
    assert "Kính gửi:" in text
    for name in ("Ủy ban nhân dân huyện Bình Sơn;", "Sở Y tế;", "Sở Giáo dục và Đào tạo."):
        assert f"- {name}" in text
    assert (
        "Báo cáo tình hình thực hiện Đề án 06 tháng 4 (Văn bản số 1520/UBND-NC ngày 02/04/2024; thời hạn: 08/05/2024; quá hạn 5 ngày)"
        in text
    )
    assert "trước ngày 20/05/2024" in text  # 5 working days after 13/5
    assert "Sở Tư pháp" not in text  # not late


async def test_report_of_one_directive(database: Database) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    loaded = await report_service.load(runtime, seeded.workspace_id, directive_number="1520")
    assert loaded.data is not None
    assert {row.task.directive_number for row in loaded.data.rows} == {"1520/UBND-NC"}
    assert len(loaded.data.rows) == 5
    files = report_service.write_files(loaded.data)
    assert files.files[0].name == "bang-theo-doi-nhiem-vu_1520-UBND-NC_20240513.xlsx"
    assert "Văn bản số 1520/UBND-NC ngày 02/04/2024" in _docx_text(files.files[1].content)
    missing = await report_service.load(runtime, seeded.workspace_id, directive_number="7777")
    assert missing.outcome is LoadOutcome.NO_DIRECTIVE
    # the other workspace's directive is not found from this one
    other = await report_service.load(runtime, seeded.workspace_id, directive_number="99/UBND")
    assert other.outcome is LoadOutcome.NO_DIRECTIVE


async def test_report_on_request_is_for_coordinators(database: Database) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    coordinator = Actor(COORDINATOR, seeded.workspace_id, Role.COORDINATOR)
    result = await report_service.on_request(runtime, coordinator, COORDINATION_CHAT, None)
    assert result.files is not None and len(result.files.files) == 3
    focal = Actor(FOCAL_POINT, seeded.workspace_id, Role.FOCAL_POINT, seeded.agency_ids["SYT"])
    refused = await report_service.on_request(runtime, focal, COORDINATION_CHAT, None)
    assert refused.loaded.outcome is LoadOutcome.REFUSED and refused.files is None
    stranger_elsewhere = Actor(COORDINATOR, seeded.other_workspace_id, Role.FOCAL_POINT)
    assert (await report_service.on_request(runtime, stranger_elsewhere, 1, None)).files is None


async def test_agency_scores_text_for_status(database: Database) -> None:
    seeded = await seed(database)
    runtime = make_runtime(database)
    april = ReportPeriod(date(2024, 4, 1), date(2024, 4, 30))
    scores = await score_service.agency_scores(runtime, seeded.workspace_id, april)
    # due in April: T1 (STP, on time), T5 (STNMT, 26/4 done 6/5: late),
    # T15 (Bình Sơn, open), T17 (SGDĐT, open); T19 is cancelled
    figures = {
        r.agency_name: (r.score.due, r.score.done_on_time, r.score.done_late, r.score.still_open)
        for r in scores.rows
    }
    assert figures == {
        "Sở Tư pháp": (1, 1, 0, 0),
        "Sở Tài nguyên và Môi trường": (1, 0, 1, 0),
        "Ủy ban nhân dân huyện Bình Sơn": (1, 0, 0, 1),
        "Sở Giáo dục và Đào tạo": (1, 0, 0, 1),
    }
    text = await score_service.agency_scores_text(runtime, seeded.workspace_id, april)
    assert "nhiệm vụ có hạn từ 01/04/2024 đến 30/04/2024" in text
    assert "• Sở Tư pháp: đúng hạn 1/1 (100%); quá hạn 0; chưa xong 0" in text
    assert "<b>Tổng cộng</b>: đúng hạn 1/4 (25%); quá hạn 1; chưa xong 2" in text


def _cli(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())", *args],
        cwd=cwd,
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
async def test_cli_report_writes_the_files_and_status_prints_the_groups(
    sqlite_database: Database, tmp_path: Path
) -> None:
    seeded = await seed(sqlite_database)
    out = tmp_path / "out"
    result = _cli(
        "report",
        "--workspace",
        str(seeded.workspace_id),
        "--out",
        str(out),
        "--as-of",
        "13/05/2024",
        database_url=sqlite_database.url,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "bang-theo-doi-nhiem-vu_20240513.xlsx",
        "bao-cao-tong-hop_20240513.docx",
        "cong-van-don-doc_20240513.docx",
    ]
    assert all(str(out / name) in result.stdout for name in written)
    assert openpyxl.load_workbook(out / written[0])["Theo dõi nhiệm vụ"].max_row == 22

    ambiguous = _cli("report", "--out", str(out), database_url=sqlite_database.url, cwd=tmp_path)
    assert ambiguous.returncode == 3 and "--workspace" in ambiguous.stderr

    status = _cli(
        "status",
        "--as-of",
        "2024-05-13",
        "--scores",
        database_url=sqlite_database.url,
        cwd=tmp_path,
    )
    assert status.returncode == 0, status.stderr
    assert "Sở Nội vụ tỉnh Quảng Ngãi (workspace 1) — ngày 13/05/2024: 18 nhiệm vụ" in status.stdout
    assert "  Hoàn thành đúng hạn: 4" in status.stdout
    assert "  Quá hạn chưa hoàn thành: 5" in status.stdout
    assert (
        "Phòng Nội vụ huyện Bình Sơn (workspace 2) — ngày 13/05/2024: 3 nhiệm vụ" in status.stdout
    )
    assert "Tổng cộng: đúng hạn" in status.stdout and "<b>" not in status.stdout

    period = _cli(
        "report",
        "--workspace",
        "1",
        "--from",
        "01/05/2024",
        "--out",
        str(out),
        database_url=sqlite_database.url,
        cwd=tmp_path,
    )
    assert period.returncode == 2
