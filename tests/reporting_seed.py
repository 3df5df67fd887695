"""A seeded workspace for the digest and report tests (and the README pictures).

Monday 13 May 2024, 17:00 in Vietnam (after the 16:30 digest time); the
previous digest would have been Friday 10 May at 16:30. Seven agencies,
three directives, tasks in every official group, blocked tasks, pending and
decided extension requests, a cancelled task, and a second workspace whose
rows must never leak into the first one's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from storage.database import Database
from storage.models import (
    ChatPurpose,
    ExtensionRequest,
    ExtensionState,
    Role,
    StatusUpdate,
    Task,
)
from tests import factories

NOW = datetime(2024, 5, 13, 10, 0, tzinfo=UTC)  # 17:00 in Vietnam
TODAY = date(2024, 5, 13)
LAST_DIGEST = datetime(2024, 5, 10, 9, 30, tzinfo=UTC)  # Friday 16:30 in Vietnam
COORDINATION_CHAT = -1001000000001
FOCAL_CHAT = -1001000000002
COORDINATOR = 2001
FOCAL_POINT = 3001
OTHER_COORDINATION_CHAT = -1001000000009

AGENCIES = [
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("UBND_BS", "Ủy ban nhân dân huyện Bình Sơn"),
    ("CAT", "Công an tỉnh"),
]

# (agency code, directive index, action, deadline, state/extra)
TASKS: list[tuple[str, int, str, date | None, dict[str, Any]]] = [
    # done on time
    (
        "STP",
        0,
        "Rà soát, cắt giảm thủ tục hành chính lĩnh vực tư pháp",
        date(2024, 4, 30),
        {"state": "done", "completed_on": date(2024, 4, 25)},
    ),
    (
        "STC",
        0,
        "Bố trí kinh phí thực hiện cải cách hành chính năm 2024",
        date(2024, 5, 10),
        {
            "state": "done",
            "completed_on": date(2024, 5, 10),
            "completed_at": datetime(2024, 5, 10, 3, 0, tzinfo=UTC),
        },
    ),
    (
        "SYT",
        1,
        "Báo cáo kết quả khảo sát sự hài lòng của người bệnh quý I",
        date(2024, 5, 15),
        {
            "state": "done",
            "completed_on": date(2024, 5, 13),
            "completed_at": datetime(2024, 5, 13, 2, 0, tzinfo=UTC),
        },
    ),  # since the last digest
    (
        "CAT",
        2,
        "Triển khai dịch vụ công trực tuyến toàn trình cấp căn cước",
        date(2024, 5, 31),
        {
            "state": "done",
            "completed_on": date(2024, 5, 11),
            "completed_at": datetime(2024, 5, 11, 1, 0, tzinfo=UTC),
        },
    ),  # since the last digest
    # done late
    (
        "STNMT",
        0,
        "Công khai quy trình nội bộ giải quyết thủ tục đất đai",
        date(2024, 4, 26),
        {
            "state": "done",
            "completed_on": date(2024, 5, 6),
            "completed_at": datetime(2024, 5, 6, 8, 0, tzinfo=UTC),
        },
    ),
    (
        "UBND_BS",
        1,
        "Kiện toàn bộ phận một cửa cấp xã",
        date(2024, 5, 3),
        {
            "state": "done",
            "completed_on": date(2024, 5, 10),
            "completed_at": datetime(2024, 5, 10, 10, 0, tzinfo=UTC),
        },
    ),  # 17:00 Fri: after the digest
    # open, on time (three fall due within 3 working days: 13/5 .. 16/5)
    (
        "STP",
        1,
        "Tổ chức hội nghị tập huấn nghiệp vụ kiểm soát thủ tục hành chính",
        date(2024, 5, 13),
        {},
    ),
    (
        "SGDDT",
        0,
        "Báo cáo chỉ số SIPAS trong lĩnh vực giáo dục",
        date(2024, 5, 16),
        {"progress": 60},
    ),
    ("STC", 2, "Thẩm định dự toán kinh phí chuyển đổi số", date(2024, 5, 14), {}),
    ("SYT", 2, "Xây dựng kế hoạch số hóa hồ sơ sức khỏe", date(2024, 5, 17), {}),
    ("CAT", 1, "Phối hợp làm sạch dữ liệu dân cư", date(2024, 6, 28), {}),
    ("STNMT", 2, "Tham mưu điều chỉnh bảng giá đất", None, {}),
    # open, overdue
    (
        "SYT",
        0,
        "Khắc phục tồn tại, hạn chế Chỉ số PAR INDEX lĩnh vực y tế",
        date(2024, 5, 3),
        {"blocked_reason": "chờ số liệu của Bộ Y tế"},
    ),
    ("SYT", 1, "Báo cáo tình hình thực hiện Đề án 06 tháng 4", date(2024, 5, 8), {}),
    ("UBND_BS", 0, "Báo cáo kết quả thực hiện kỷ luật, kỷ cương hành chính", date(2024, 4, 19), {}),
    (
        "UBND_BS",
        2,
        "Triển khai thanh toán trực tuyến phí, lệ phí",
        date(2024, 5, 10),
        {"progress": 30},
    ),
    (
        "SGDDT",
        2,
        "Cập nhật cơ sở dữ liệu ngành giáo dục",
        date(2024, 4, 12),
        {"blocked_reason": "phần mềm chưa được bàn giao"},
    ),
    # open on time, blocked
    (
        "STP",
        2,
        "Số hóa sổ hộ tịch giai đoạn 2",
        date(2024, 6, 30),
        {"blocked_reason": "chưa được bố trí kinh phí"},
    ),
    # cancelled: counted nowhere
    ("STC", 1, "Nhiệm vụ đã được thu hồi", date(2024, 4, 1), {"state": "cancelled"}),
]


@dataclass
class Seeded:
    workspace_id: int
    other_workspace_id: int
    agency_ids: dict[str, int] = field(default_factory=dict)
    task_ids: list[int] = field(default_factory=list)
    directive_numbers: list[str] = field(default_factory=list)


DIRECTIVES = [
    ("2268/UBND-TTHC", date(2024, 3, 20), "triển khai khắc phục, nâng cao Chỉ số PAR INDEX, SIPAS"),
    ("1520/UBND-NC", date(2024, 4, 2), "tăng cường kỷ luật, kỷ cương hành chính"),
    ("845/KH-UBND", date(2024, 4, 15), "chuyển đổi số và Đề án 06 năm 2024"),
]


async def seed(database: Database, *, with_chats: bool = True) -> Seeded:
    ws = await factories.workspace(database, "Sở Nội vụ tỉnh Quảng Ngãi")
    other = await factories.workspace(database, "Phòng Nội vụ huyện Bình Sơn")
    assert ws.id is not None and other.id is not None
    seeded = Seeded(ws.id, other.id)
    for code, name in AGENCIES:
        agency = await factories.agency(database, ws.id, code, name)
        assert agency.id is not None
        seeded.agency_ids[code] = agency.id
    directive_ids = []
    for number, issued, subject in DIRECTIVES:
        directive = await factories.directive(database, ws.id, number)
        directive_ids.append(directive.id)
        seeded.directive_numbers.append(number)
        async with database.session() as session:
            stored = await session.get(type(directive), directive.id)
            assert stored is not None
            stored.issued_on = issued
            stored.subject = subject
    if with_chats:
        await factories.chat(database, ws.id, COORDINATION_CHAT, ChatPurpose.COORDINATION)
        await factories.chat(database, ws.id, FOCAL_CHAT, ChatPurpose.FOCAL_POINTS)
        await factories.chat(database, other.id, OTHER_COORDINATION_CHAT, ChatPurpose.COORDINATION)
    await factories.member(database, ws.id, COORDINATOR, Role.COORDINATOR)
    await factories.member(
        database, ws.id, FOCAL_POINT, Role.FOCAL_POINT, agency_id=seeded.agency_ids["SYT"]
    )
    for index, (code, directive_index, action, deadline, extra) in enumerate(TASKS, 1):
        row = await factories.task(
            database,
            ws.id,
            directive_ids[directive_index],  # type: ignore[arg-type]
            seeded.agency_ids[code],
            f"T{index}",
            deadline,
            action=action,
            **extra,
        )
        assert row.id is not None
        seeded.task_ids.append(row.id)
    await _history(database, seeded)
    await _other_workspace(database, other.id)
    return seeded


async def _history(database: Database, seeded: Seeded) -> None:
    """Status updates (who started what) and extension requests."""
    by_code = {f"T{i}": task_id for i, task_id in enumerate(seeded.task_ids, 1)}
    async with database.session() as session:
        for code, kind in (
            ("T8", "in_progress"),
            ("T16", "in_progress"),
            ("T13", "blocked"),
            ("T17", "blocked"),
            ("T18", "blocked"),
        ):
            session.add(
                StatusUpdate(
                    workspace_id=seeded.workspace_id,
                    task_id=by_code[code],
                    kind=kind,
                    created_at=NOW - timedelta(days=3),
                )
            )
        # a status update that was undone does not count as "started"
        wrong = StatusUpdate(
            workspace_id=seeded.workspace_id,
            task_id=by_code["T10"],
            kind="in_progress",
            created_at=NOW - timedelta(days=2),
        )
        session.add(wrong)
        await session.flush()
        session.add(
            StatusUpdate(
                workspace_id=seeded.workspace_id,
                task_id=by_code["T10"],
                kind="undo",
                reverts_id=wrong.id,
                created_at=NOW - timedelta(days=2),
            )
        )
        session.add_all(
            [
                ExtensionRequest(
                    workspace_id=seeded.workspace_id,
                    task_id=by_code["T14"],
                    requested_by=FOCAL_POINT,
                    requested_date=date(2024, 5, 31),
                    reason="chờ ý kiến của Bộ Công an",
                    created_at=NOW - timedelta(days=1),
                ),
                ExtensionRequest(
                    workspace_id=seeded.workspace_id,
                    task_id=by_code["T10"],
                    requested_by=FOCAL_POINT,
                    requested_date=date(2024, 6, 15),
                    created_at=NOW - timedelta(hours=5),
                ),
                ExtensionRequest(  # decided: not pending
                    workspace_id=seeded.workspace_id,
                    task_id=by_code["T7"],
                    requested_by=FOCAL_POINT,
                    requested_date=date(2024, 5, 20),
                    state=ExtensionState.DENIED,
                    created_at=NOW - timedelta(days=4),
                ),
            ]
        )


async def _other_workspace(database: Database, workspace_id: int) -> None:
    agency = await factories.agency(database, workspace_id, "PTP", "Phòng Tư pháp")
    directive = await factories.directive(database, workspace_id, "99/UBND")
    assert agency.id is not None and directive.id is not None
    for i in range(3):
        await factories.task(
            database, workspace_id, directive.id, agency.id, f"T{i + 1}", date(2024, 4, 1)
        )


async def tasks_of(database: Database, workspace_id: int) -> list[Task]:
    from sqlmodel import select

    async with database.session() as session:
        result = await session.execute(select(Task).where(Task.workspace_id == workspace_id))
        return list(result.scalars())
