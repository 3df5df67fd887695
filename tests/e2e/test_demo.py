"""`nhacviec demo`: the whole story runs to the end in under a minute, prints
its key moments, and leaves the database and the report files; the
interactive mode is driven by piped input; the demo never replaces a
database it did not make."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from bot.cli import build_parser
from bot.cli.demo import demo_command
from bot.demo import DemoOptions, run_demo
from bot.demo.script import (
    DEMO_MARK,
    NotADemoDatabase,
    mark_database_file,
    prepare_database_file,
)

FOCAL = "Nhóm đầu mối CCHC"
COORDINATION = "Sở Nội vụ Quảng Ngãi — điều phối CCHC"


def lines_with(transcript: list[str], *parts: str) -> list[str]:
    return [line for line in transcript if all(part in line for part in parts)]


async def test_the_demo_runs_the_whole_story_in_under_a_minute(tmp_path: Path) -> None:
    out = io.StringIO()
    db = tmp_path / "demo" / "nhacviec-demo.db"
    reports = tmp_path / "demo" / "reports"
    result = await run_demo(DemoOptions(out=out, db_path=db, reports_dir=reports))
    text = out.getvalue()
    lines = result.transcript
    print(f"\ndemo: {result.working_days} working days in {result.seconds:.1f} s")
    assert result.seconds < 60
    assert result.working_days == 10
    assert text.splitlines() == lines

    # A reminder in the focal points' group, with its buttons as [..] [..].
    assert lines_with(lines, "[08:00 15/05/2024]", FOCAL, "Nhắc việc: 🔔 Nhắc hạn nhiệm vụ")
    assert "    [✅ T2 xong] [⏳ Đang làm] [⚠️ Vướng] [📅 Gia hạn]" in lines
    # Answers: a sentence, "vướng: ...", a button, a command — each recorded.
    assert lines_with(lines, "Hùng (Sở Tài chính) ↩ trả lời", "đang thực hiện 60%")
    assert lines_with(lines, "T2 — đã ghi nhận đang thực hiện, tiến độ 60%")
    assert lines_with(lines, "T3 — đã ghi nhận vướng mắc: chưa được cấp tài khoản quản trị")
    assert lines_with(lines, "Lan (Sở Tư pháp) bấm nút [✅ T1 xong]")
    assert lines_with(lines, "T1 — đã ghi nhận hoàn thành ngày 17/05/2024 (đúng hạn)")
    assert lines_with(lines, "T4 — đã ghi nhận hoàn thành ngày 22/05/2024")
    assert lines_with(lines, "T2 — đã ghi nhận đang thực hiện, tiến độ 80%")
    # The extension: asked in the focal group, approved in the coordination group.
    assert lines_with(lines, COORDINATION, "Hà (Sở Nội vụ) bấm nút [✅ Đồng ý]")
    assert lines_with(lines, FOCAL, "Sở Nội vụ đồng ý gia hạn nhiệm vụ T3 đến ngày 31/05/2024")
    # /status with the four official groups, and the overdue reminder at the end.
    assert lines_with(lines, "[10:00 27/05/2024]", COORDINATION, "📊 Tình hình thực hiện nhiệm vụ")
    for group in ("✅ Hoàn thành đúng hạn: 2", "☑️ Hoàn thành quá hạn: 0"):
        assert group in text
    assert "🔴 Quá hạn chưa hoàn thành: 1" in text and "🔴 Quá hạn 1 ngày làm việc" in text
    # The daily digest with its chart, every working day; in full on the last one.
    digests = lines_with(lines, COORDINATION, "📋 Tổng hợp tình hình thực hiện nhiệm vụ ngày")
    assert len(digests) == 10
    assert lines_with(lines, "[16:30 27/05/2024]", "🖼 [ảnh]")
    assert "    📊 Biểu đồ tình hình thực hiện nhiệm vụ theo cơ quan, ngày 27/05/2024" in lines

    # What is left to look at: the database...
    with sqlite3.connect(db) as connection:
        tasks = {
            code: (state, progress, str(deadline))
            for code, state, progress, deadline in connection.execute(
                "select code, state, progress, effective_deadline from task"
            )
        }
        deliveries = connection.execute(
            "select state, count(*) from reminderdelivery group by state"
        )
        delivery_states = dict(deliveries.fetchall())
        digest_days = connection.execute(
            "select count(*) from digestoutbox where state = 'sent'"
        ).fetchone()[0]
        mark = connection.execute("PRAGMA user_version").fetchone()[0]
    assert tasks["T1"][0] == tasks["T4"][0] == "done"
    assert tasks["T2"] == ("open", 80, "2024-05-24")
    assert tasks["T3"][2] == "2024-05-31"  # extended
    assert delivery_states == {"sent": 10}
    assert digest_days == 10
    assert mark == DEMO_MARK
    # ...and the report files.
    names = sorted(path.name for path in reports.iterdir())
    assert names == [
        "bang-theo-doi-nhiem-vu_20240527.xlsx",
        "bao-cao-tong-hop_20240527.docx",
        "bieu-do-tong-hop_20240527.png",
        "cong-van-don-doc_20240527.docx",
    ]
    sheet = openpyxl.load_workbook(reports / names[0]).active
    assert sheet is not None and sheet.max_row >= 5
    assert Document(str(reports / names[1])).paragraphs
    assert (reports / names[2]).read_bytes().startswith(b"\x89PNG")


async def test_the_interactive_mode_follows_piped_input_in_english(tmp_path: Path) -> None:
    typed = "\n".join(
        [":who", "2", ":chat", "2", ":next", ":next", "5", "in progress 50%", "99", ":quit", ""]
    )
    out = io.StringIO()
    options = DemoOptions(
        lang="en",
        db_path=tmp_path / "demo.db",
        reports_dir=tmp_path / "reports",
        out=out,
        interactive=True,
        stdin=io.StringIO(typed),
    )
    result = await run_demo(options)
    lines = result.transcript
    assert "Interactive mode. You speak for someone in the story." in lines
    assert "You are Lan, in: Nhóm đầu mối CCHC. It is 09:43 13/05/2024." in lines
    assert lines_with(lines, "[08:00 15/05/2024]", FOCAL, "🔔 Task deadline reminder")
    assert "    [1 ✅ T2 done] [2 ⏳ In progress] [3 ⚠️ Blocked] [4 📅 More time]" in lines
    assert lines_with(lines, "Lan (Sở Tư pháp) presses [✅ T1 done]")
    assert lines_with(lines, "T1 — recorded done on 15/05/2024")
    assert lines_with(lines, "Lan @ Nhóm đầu mối CCHC> 99") and "There is no button 99." in lines
    assert lines[-1].startswith("   Done: 2 simulated working days")
    assert "Bye." in lines
    with sqlite3.connect(tmp_path / "demo.db") as connection:
        kinds = [k for (k,) in connection.execute("select kind from statusupdate order by id")]
    assert kinds[0] == "done"


def test_the_demo_replaces_only_its_own_database(tmp_path: Path) -> None:
    mine = tmp_path / "demo.db"
    sqlite3.connect(mine).close()
    mark_database_file(mine)
    prepare_database_file(mine)
    assert not mine.exists()
    theirs = tmp_path / "nhacviec.db"
    with sqlite3.connect(theirs) as connection:
        connection.execute("create table task (id integer)")
    with pytest.raises(NotADemoDatabase):
        prepare_database_file(theirs)
    assert theirs.exists()


def test_the_demo_command_refuses_a_database_it_did_not_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = tmp_path / "real.db"
    theirs.write_bytes(b"not a demo")
    args = build_parser().parse_args(["demo", "--db", str(theirs), "--lang", "en"])
    assert args.func is demo_command and args.interactive is False
    assert demo_command(args) == 2
    assert "was not made by the demo" in capsys.readouterr().err
    assert theirs.read_bytes() == b"not a demo"
