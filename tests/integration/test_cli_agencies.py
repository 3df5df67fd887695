"""`nhacviec agencies import` as an officer runs it: output, exit codes, database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.registry_files import SAMPLE_REGISTRIES
from storage.database import Database
from storage.models import Agency, Workspace

REGISTRIES = Path(__file__).resolve().parents[2] / "bot" / "data" / "registries"

GOOD_CSV = """\
# territory: huyện Bình Sơn
code,name,aliases,category,parent,head_title
PNV,Phòng Nội vụ,Phòng NV,phong,,Trưởng phòng
PTP,Phòng Tư pháp,,phong,,Trưởng phòng
"""

BAD_CSV = """\
code,name,aliases,category,parent,head_title
PNV,Phòng Nội vụ,,phong,,
ptp,Phòng Tư pháp,,phong,,
PTC,,,phong,,
PVH,Phòng Văn hóa,,phòng ban,PXX,
"""


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_LANGUAGE", "vi")
    monkeypatch.chdir(tmp_path)  # no stray .env
    return url


def _counts(url: str) -> tuple[int, int]:
    async def count() -> tuple[int, int]:
        database = Database(url)
        try:
            async with database.session() as session:
                agencies = (
                    await session.execute(select(func.count()).select_from(Agency))
                ).scalar_one()
                spaces = (
                    await session.execute(select(func.count()).select_from(Workspace))
                ).scalar_one()
            return int(agencies), int(spaces)
        finally:
            await database.dispose()

    return asyncio.run(count())


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_good_file(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agencies", "import", _write(tmp_path, "bs.csv", GOOD_CSV)]) == 0
    out = capsys.readouterr().out
    assert "Đã tạo đơn vị điều phối mới «Phòng Nội vụ huyện Bình Sơn» (số 1)" in out
    assert "Đã nhập 2 cơ quan" in out and "2 mới" in out
    assert _counts(db_url) == (2, 1)
    assert main(["agencies", "list"]) == 0
    listed = capsys.readouterr().out
    assert "PNV" in listed and "Phòng Tư pháp" in listed


def test_bad_file_names_lines_and_imports_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agencies", "import", _write(tmp_path, "bad.csv", BAD_CSV)]) == 1
    err = capsys.readouterr().err
    assert "CHƯA NHẬP cơ quan nào" in err
    assert "dòng 3: mã «ptp» không hợp lệ" in err
    assert "dòng 4: thiếu tên cơ quan" in err
    assert "dòng 5: loại cơ quan «phòng ban» không có" in err
    assert "dòng 5: cơ quan cấp trên «PXX» không có trong tệp" in err
    assert _counts(db_url) == (0, 0)


def test_bad_file_in_english(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_LANGUAGE", "en")
    assert main(["agencies", "import", _write(tmp_path, "bad.csv", BAD_CSV)]) == 1
    err = capsys.readouterr().err
    assert "NOTHING was imported" in err and 'line 3: the code "ptp" is not valid' in err


def test_reimport_updates_without_duplicates(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["agencies", "import", _write(tmp_path, "bs.csv", GOOD_CSV), "--workspace", "Bình Sơn"])
    changed = GOOD_CSV.replace("Phòng Tư pháp", "Phòng Tư pháp huyện").replace(
        "PNV,Phòng Nội vụ,Phòng NV,phong,,Trưởng phòng\n", ""
    )
    capsys.readouterr()
    path = _write(tmp_path, "bs2.csv", changed)
    assert main(["agencies", "import", path, "--workspace", "Bình Sơn"]) == 0
    out = capsys.readouterr().out
    assert "0 mới, 1 cập nhật, 0 không đổi" in out
    assert "1 cơ quan có trong hệ thống nhưng không có trong tệp được GIỮ NGUYÊN" in out
    assert "PNV" in out
    assert _counts(db_url) == (2, 1)


def test_unknown_format_and_missing_file(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agencies", "import", _write(tmp_path, "list.xlsx", "x")]) == 1
    assert "dùng tệp .yaml, .yml hoặc .csv" in capsys.readouterr().err
    assert main(["agencies", "import", str(tmp_path / "nope.yaml")]) == 1
    assert "Không đọc được tệp" in capsys.readouterr().err


@pytest.mark.parametrize("name", SAMPLE_REGISTRIES)
def test_sample_registries(db_url: str, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(REGISTRIES / name)
    assert main(["agencies", "import", path, "--workspace", name]) == 0
    first = _counts(db_url)
    assert first[0] > 10
    assert main(["agencies", "import", path, "--workspace", name]) == 0
    assert _counts(db_url) == first
    assert "0 mới, 0 cập nhật" in capsys.readouterr().out.splitlines()[-1]


def test_both_quang_ngai_registries_in_two_workspaces(db_url: str) -> None:
    for name in ("quang_ngai_2024.yaml", "quang_ngai_2025.yaml"):
        assert main(["agencies", "import", str(REGISTRIES / name), "--workspace", name]) == 0
    agencies, spaces = _counts(db_url)
    assert spaces == 2 and agencies > 60
