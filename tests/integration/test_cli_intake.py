"""`nhacviec directives import FILE` as an officer runs it: the preview it
prints, the question about unmatched agencies, exit codes, the database."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from storage.database import Database
from storage.models import Directive, Task
from tests.intake_support import NUMBER, TEXT, docx_bytes, numbered, pdf_bytes

REGISTRY = Path(__file__).resolve().parents[2] / "bot" / "data" / "registries"
QUANG_NGAI = "Sở Nội vụ tỉnh Quảng Ngãi"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_LANGUAGE", "vi")
    monkeypatch.chdir(tmp_path)  # no stray .env
    return url


@pytest.fixture
def registered(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["agencies", "import", str(REGISTRY / "quang_ngai_2024.yaml"), "--workspace", QUANG_NGAI]) == 0  # fmt: skip
    capsys.readouterr()
    return db_url


def _counts(url: str) -> tuple[int, int]:
    async def count() -> tuple[int, int]:
        database = Database(url)
        try:
            async with database.session() as session:
                directives = (
                    await session.execute(select(func.count()).select_from(Directive))
                ).scalar_one()
                tasks = (await session.execute(select(func.count()).select_from(Task))).scalar_one()
            return int(directives), int(tasks)
        finally:
            await database.dispose()

    return asyncio.run(count())


def _file(tmp_path: Path, name: str, content: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def test_yes_stores_the_matched_tasks_and_reports_the_unmatched(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["directives", "import", _file(tmp_path, "cv.txt", TEXT), "--yes"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"Số: {NUMBER}" in out and "Ngày: 06/05/2024" in out
    assert "• Sở Tư pháp (STP)" in out
    assert "Hạn: trước ngày 20/5/2024 → 19/05/2024" in out  # as written and as computed
    assert "⚠ Chưa khớp: «Các cơ quan, đơn vị liên quan»" in out
    assert "<b>" not in out  # terminal text, not HTML
    assert f"Đã lưu văn bản số {NUMBER}: 1 nhiệm vụ (T1)." in out
    assert "1 dòng cơ quan chưa khớp không được giao việc." in out
    assert _counts(registered) == (1, 1)


def test_unmatched_agencies_are_confirmed_on_stdin(
    registered: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _file(tmp_path, "cv.txt", TEXT)
    monkeypatch.setattr("sys.stdin", io.StringIO("k\n"))
    assert main(["directives", "import", path]) == 1
    out = capsys.readouterr().out
    assert "Chưa khớp với danh sách cơ quan" in out
    assert "việc 2: «Các cơ quan, đơn vị liên quan» — không nêu cơ quan cụ thể" in out
    assert "Vẫn lưu và bỏ qua 1 dòng chưa khớp? [c/K]" in out
    assert "Không lưu gì." in out
    assert _counts(registered) == (0, 0)

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # end of input declines too
    assert main(["directives", "import", path]) == 1
    assert _counts(registered) == (0, 0)

    monkeypatch.setattr("sys.stdin", io.StringIO("có\n"))
    assert main(["directives", "import", path]) == 0
    assert _counts(registered) == (1, 1)


def test_a_stored_number_is_not_saved_twice(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, "cv.txt", TEXT)
    assert main(["directives", "import", path, "--yes"]) == 0
    capsys.readouterr()
    assert main(["directives", "import", path, "--yes"]) == 1
    captured = capsys.readouterr()
    assert f"Văn bản số {NUMBER} đã có trong hệ thống" in captured.err
    assert _counts(registered) == (1, 1)
    other = _file(tmp_path, "cv2.txt", numbered("78/UBND-NC"))
    assert main(["directives", "import", other, "--yes"]) == 0
    assert "(T2)" in capsys.readouterr().out
    assert _counts(registered) == (2, 2)


def test_docx_and_pdf_files_are_read(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["directives", "import", _file(tmp_path, "cv.docx", docx_bytes()), "--yes"]) == 0
    assert "Tệp: cv.docx" in capsys.readouterr().out
    pdf = _file(
        tmp_path,
        "cv78.pdf",
        pdf_bytes([line.replace(NUMBER, "78/UBND-NC") for line in TEXT.splitlines()]),
    )
    assert main(["directives", "import", pdf, "--yes"]) == 0
    assert "Số: 78/UBND-NC" in capsys.readouterr().out
    assert _counts(registered) == (2, 2)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", None, "là bản scan"),
        ("cv.doc", b"\xd0\xcf\x11\xe0 old word", "chỉ nhận .docx, .pdf, .txt, .md"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "tệp bị hỏng"),
    ],
)
def test_unreadable_files_exit_2_and_store_nothing(
    registered: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = _file(tmp_path, name, pdf_bytes(None) if content is None else content)
    assert main(["directives", "import", path, "--yes"]) == 2
    assert message in capsys.readouterr().err
    assert _counts(registered) == (0, 0)


def test_missing_file_and_unknown_workspace_exit_2(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["directives", "import", str(tmp_path / "none.txt")]) == 2
    assert "Không đọc được tệp" in capsys.readouterr().err
    assert main(["agencies", "import", str(REGISTRY / "binh_son_2024.csv"), "--workspace", "Phòng Nội vụ huyện Bình Sơn"]) == 0  # fmt: skip
    capsys.readouterr()
    path = _file(tmp_path, "cv.txt", TEXT)
    assert main(["directives", "import", path, "--yes"]) == 2  # two workspaces: which one?
    err = capsys.readouterr().err
    assert "--workspace" in err and QUANG_NGAI in err
    assert main(["directives", "import", path, "--yes", "--workspace", "1"]) == 0
    assert _counts(registered) == (1, 1)


def test_no_workspace_yet_exits_2(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["directives", "import", _file(tmp_path, "cv.txt", TEXT), "--yes"]) == 2
    assert "nhacviec agencies import FILE" in capsys.readouterr().err
    assert _counts(db_url) == (0, 0)
