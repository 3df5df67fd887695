"""Storage basics on every backend: the schema is at head and matches the
models, datetimes come back aware, the outbox key is unique, and a SQLite
file runs with WAL and foreign keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage.database import Database
from storage.migrate import current_revision, head_revision
from storage.models import Agency, Directive, ReminderOutbox, Task, Workspace


async def _seed_task(database: Database) -> Task:
    async with database.session() as session:
        workspace = Workspace(name="Sở Nội vụ tỉnh Quảng Ngãi")
        session.add(workspace)
        await session.flush()
        assert workspace.id is not None
        agency = Agency(
            workspace_id=workspace.id, code="STP", name="Sở Tư pháp", category="so_nganh"
        )
        directive = Directive(workspace_id=workspace.id, number="2268/UBND-TTHC")
        session.add_all([agency, directive])
        await session.flush()
        assert agency.id is not None and directive.id is not None
        task = Task(
            workspace_id=workspace.id,
            directive_id=directive.id,
            agency_id=agency.id,
            code="T1",
            action="Báo cáo kết quả",
            effective_deadline=date(2024, 5, 19),
            next_reminder_at=datetime(2024, 5, 9, 1, 0, tzinfo=UTC),
        )
        session.add(task)
        await session.flush()
        return task


async def test_schema_is_at_head_and_matches_models(database: Database) -> None:
    assert await current_revision(database) == head_revision()

    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection)  # type: ignore[arg-type]
        return list(compare_metadata(context, SQLModel.metadata))

    async with database.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == [], "models changed without a migration"


async def test_datetimes_come_back_aware_in_utc(database: Database) -> None:
    task = await _seed_task(database)
    async with database.session() as session:
        stored = await session.get(Task, task.id)
        assert stored is not None and stored.next_reminder_at is not None
        assert stored.next_reminder_at.utcoffset() == timedelta(0)
        assert stored.next_reminder_at == datetime(
            2024, 5, 9, 8, 0, tzinfo=timezone(timedelta(hours=7))
        )


async def test_naive_datetime_is_refused(database: Database) -> None:
    task = await _seed_task(database)
    with pytest.raises(Exception, match="timezone"):
        async with database.session() as session:
            stored = await session.get(Task, task.id)
            assert stored is not None
            stored.next_reminder_at = datetime(2024, 5, 9, 8, 0)
            await session.flush()


async def test_reminder_key_is_unique(database: Database) -> None:
    task = await _seed_task(database)
    assert task.id is not None
    row = dict(
        workspace_id=task.workspace_id,
        task_id=task.id,
        kind="before",
        day=date(2024, 5, 9),
        send_at=datetime(2024, 5, 9, 1, 0, tzinfo=UTC),
    )
    async with database.session() as session:
        session.add(ReminderOutbox(**row))
    with pytest.raises(IntegrityError):
        async with database.session() as session:
            session.add(ReminderOutbox(**row))
    async with database.session() as session:
        count = (await session.execute(text("SELECT count(*) FROM reminderoutbox"))).scalar_one()
    assert count == 1


async def test_directive_number_unique_per_workspace(database: Database) -> None:
    await _seed_task(database)
    with pytest.raises(IntegrityError):
        async with database.session() as session:
            session.add(Directive(workspace_id=1, number="2268/UBND-TTHC"))
    async with database.session() as session:  # unnumbered drafts may repeat
        session.add(Directive(workspace_id=1, number=None))
        session.add(Directive(workspace_id=1, number=None))


async def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_database: Database) -> None:
    async with sqlite_database.engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
    with pytest.raises(IntegrityError):
        async with sqlite_database.session() as session:
            session.add(Agency(workspace_id=999, code="X", name="X", category="khac"))
