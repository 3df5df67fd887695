"""Importing agency registries into workspaces, on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.registry_files import SAMPLE_REGISTRIES, RegistryFileError, load_sample_registry
from bot.runtime import Runtime
from bot.services import agencies
from bot.services.workspaces import WorkspaceLookupError
from storage.models import Agency, Workspace
from storage.repositories import agencies as agency_rows

GOOD = """\
territory: huyện Bình Sơn
agencies:
  - code: PNV
    name: Phòng Nội vụ
    category: phong
  - code: PTP
    name: Phòng Tư pháp
    aliases: [Phòng TP]
    category: phong
  - code: TTYT
    name: Trung tâm Y tế huyện
    category: khac
    parent: PNV
"""

BAD = """\
agencies:
  - code: PNV
    name: Phòng Nội vụ
    category: phong
  - code: ptp
    name: Phòng Tư pháp
    category: phong
  - code: PTC
    category: phong
  - code: PNV
    name: Phòng Tài chính
    category: sở
"""


async def _count(runtime: Runtime) -> int:
    async with runtime.database.session() as session:
        return int((await session.execute(select(func.count()).select_from(Agency))).scalar_one())


async def test_good_file_creates_workspace_and_agencies(runtime: Runtime) -> None:
    result = await agencies.import_registry(runtime, GOOD, "yaml")
    assert result.workspace_created
    assert result.workspace.name == "Phòng Nội vụ huyện Bình Sơn"
    assert result.workspace.level == "district"
    assert result.created == ("PNV", "PTP", "TTYT")
    async with runtime.database.session() as session:
        rows = {a.code: a for a in await agency_rows.all_in(session, result.workspace.id)}
    assert rows["PTP"].aliases == ["Phòng TP"]
    assert rows["TTYT"].parent_id == rows["PNV"].id


async def test_bad_file_lists_problems_by_line_and_imports_nothing(runtime: Runtime) -> None:
    with pytest.raises(RegistryFileError) as caught:
        await agencies.import_registry(runtime, BAD, "yaml")
    lines = {(p.line, p.code.value) for p in caught.value.problems}
    assert (5, "bad_code") in lines
    assert (8, "missing_name") in lines
    assert (10, "duplicate_code") in lines
    assert (12, "unknown_category") in lines
    assert await _count(runtime) == 0
    async with runtime.database.session() as session:
        assert (
            await session.execute(select(func.count()).select_from(Workspace))
        ).scalar_one() == 0


async def test_reimport_updates_by_code_and_keeps_missing(runtime: Runtime) -> None:
    first = await agencies.import_registry(runtime, GOOD, "yaml", workspace="Bình Sơn")
    changed = GOOD.replace("Phòng Tư pháp", "Phòng Tư pháp huyện").replace(
        "  - code: TTYT\n    name: Trung tâm Y tế huyện\n    category: khac\n    parent: PNV\n", ""
    )
    changed += "  - code: PVH\n    name: Phòng Văn hóa và Thông tin\n    category: phong\n"
    second = await agencies.import_registry(runtime, changed, "yaml", workspace="Bình Sơn")
    assert second.workspace.id == first.workspace.id and not second.workspace_created
    assert second.created == ("PVH",)
    assert second.updated == ("PTP",)
    assert second.unchanged == ("PNV",)
    assert second.kept == ("TTYT",)
    assert await _count(runtime) == 4
    third = await agencies.import_registry(runtime, changed, "yaml", workspace="Bình Sơn")
    assert third.created == () and third.updated == () and await _count(runtime) == 4


async def test_new_code_for_an_existing_name_is_refused(runtime: Runtime) -> None:
    await agencies.import_registry(runtime, GOOD, "yaml", workspace="Bình Sơn")
    renamed = GOOD.replace("code: PTP", "code: PTUPHAP").replace(
        "  - code: TTYT\n    name: Trung tâm Y tế huyện\n    category: khac\n    parent: PNV\n", ""
    )
    with pytest.raises(agencies.ImportConflictError) as caught:
        await agencies.import_registry(runtime, renamed, "yaml", workspace="Bình Sơn")
    assert caught.value.conflicts[0].existing_code == "PTP"
    assert await _count(runtime) == 3


async def test_same_codes_in_two_workspaces_stay_apart(runtime: Runtime) -> None:
    a = await agencies.import_registry(runtime, GOOD, "yaml", workspace="A")
    b = await agencies.import_registry(
        runtime, GOOD.replace("Phòng Nội vụ", "Phòng Nội vụ B"), "yaml", workspace="B"
    )
    assert a.workspace.id != b.workspace.id and b.created == ("PNV", "PTP", "TTYT")
    assert await _count(runtime) == 6
    with pytest.raises(WorkspaceLookupError):  # two workspaces: the file must say which
        await agencies.import_registry(runtime, GOOD, "yaml")
    by_id = await agencies.import_registry(runtime, GOOD, "yaml", workspace=f"#{a.workspace.id}")
    assert by_id.workspace.name == "A" and by_id.unchanged == ("PNV", "PTP", "TTYT")


@pytest.mark.parametrize("name", SAMPLE_REGISTRIES)
async def test_sample_registries_import_cleanly(runtime: Runtime, name: str) -> None:
    fmt = "csv" if name.endswith(".csv") else "yaml"
    text = load_sample_registry(name)
    result = await agencies.import_registry(runtime, text, fmt, workspace=name)
    assert len(result.created) > 10
    again = await agencies.import_registry(runtime, text, fmt, workspace=name)
    assert again.created == () and again.updated == ()
    assert len(again.unchanged) == len(result.created)
