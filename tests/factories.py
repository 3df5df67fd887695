"""Rows for tests, written straight through the models (not through services,
so a test of a service does not depend on another service)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from storage.database import Database
from storage.models import Agency, Chat, ChatPurpose, Directive, Member, Role, Task, Workspace

T0 = datetime(2024, 5, 1, 0, 0, tzinfo=UTC)


async def add(database: Database, *rows: Any) -> None:
    async with database.session() as session:
        session.add_all(rows)
        await session.flush()
        for row in rows:
            await session.refresh(row)


async def workspace(database: Database, name: str = "Sở Nội vụ tỉnh Quảng Ngãi") -> Workspace:
    row = Workspace(name=name, created_at=T0)
    await add(database, row)
    return row


async def agency(
    database: Database, workspace_id: int, code: str, name: str, category: str = "so_nganh"
) -> Agency:
    row = Agency(workspace_id=workspace_id, code=code, name=name, category=category, created_at=T0)
    await add(database, row)
    return row


async def member(
    database: Database,
    workspace_id: int,
    telegram_user_id: int,
    role: Role,
    agency_id: int | None = None,
    name: str = "Cán bộ",
) -> Member:
    row = Member(
        workspace_id=workspace_id,
        telegram_user_id=telegram_user_id,
        role=role,
        agency_id=agency_id,
        display_name=name,
        joined_at=T0,
    )
    await add(database, row)
    return row


async def chat(
    database: Database,
    workspace_id: int,
    telegram_chat_id: int,
    purpose: ChatPurpose,
    agency_id: int | None = None,
    title: str = "Nhóm",
) -> Chat:
    row = Chat(
        workspace_id=workspace_id,
        telegram_chat_id=telegram_chat_id,
        purpose=purpose,
        agency_id=agency_id,
        title=title,
        type="group" if telegram_chat_id > -1_000_000_000_000 else "supergroup",
        created_at=T0,
    )
    await add(database, row)
    return row


async def directive(
    database: Database, workspace_id: int, number: str = "2268/UBND-TTHC"
) -> Directive:
    row = Directive(
        workspace_id=workspace_id,
        number=number,
        symbol=number.split("/", 1)[-1],
        subject="triển khai khắc phục, nâng cao Chỉ số PAR INDEX, SIPAS",
        issued_on=date(2024, 5, 6),
        year=2024,
        created_at=T0,
    )
    await add(database, row)
    return row


async def task(
    database: Database,
    workspace_id: int,
    directive_id: int,
    agency_id: int,
    code: str,
    effective_deadline: date | None,
    **fields: Any,
) -> Task:
    row = Task(
        workspace_id=workspace_id,
        directive_id=directive_id,
        agency_id=agency_id,
        code=code,
        action=fields.pop("action", "Báo cáo kết quả thực hiện"),
        effective_deadline=effective_deadline,
        deadline_stated=fields.pop("deadline_stated", effective_deadline),
        deadline_kind=fields.pop("deadline_kind", "no_later_than"),
        created_at=fields.pop("created_at", T0),
        **fields,
    )
    await add(database, row)
    return row
