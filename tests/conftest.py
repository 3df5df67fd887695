"""Shared fixtures: databases on SQLite always, and PostgreSQL when
TEST_DATABASE_URL is set (each test gets a clean schema at head)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import ManualClock
from bot.runtime import Runtime
from bot.settings import Settings
from storage.database import Database
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]
REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await upgrade(database)
    finally:
        await database.dispose()


async def _reset_postgres(url: str) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(database)
    finally:
        await database.dispose()


def run_async(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion from sync code, even inside a running loop."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        executor.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    run_async(_migrate(sqlite_url(path)))
    return path


async def _create_database_if_missing(server_url: str, name: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


def _worker_database_url(base_url: str) -> str:
    """Each xdist worker gets its own database next to TEST_DATABASE_URL's, so
    parallel workers never truncate each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return base_url
    url = make_url(base_url)
    name = f"{url.database}_{worker}"
    run_async(_create_database_if_missing(base_url, name))
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_schema() -> str:
    url = _worker_database_url(POSTGRES_URL)
    run_async(_reset_postgres(url))
    return url


async def _truncate_all(database: Database) -> None:
    async with database.engine.begin() as connection:
        tables = (
            await connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ).scalars()
        names = ", ".join(f'"{name}"' for name in tables)
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


async def make_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if backend == "postgres":
        url = request.getfixturevalue("postgres_schema")
        database = Database(url)
        await _truncate_all(database)
        return database
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "nhacviec.db"
    shutil.copy(template, path)
    return Database(sqlite_url(path))


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database on every configured backend."""
    db = await make_database(request.param, request, tmp_path)
    yield db
    await db.dispose()


@pytest.fixture
async def sqlite_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Database]:
    db = await make_database("sqlite", request, tmp_path)
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """Monday 13 May 2024, 07:00 in Vietnam."""
    return ManualClock(datetime(2024, 5, 13, 0, 0, tzinfo=UTC))


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "TELEGRAM_BOT_TOKEN": "123456:SANDBOX-token",
        "DATABASE_URL": database_url,
        "BOT_ADMINS": "1001",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def runtime(database: Database, clock: ManualClock) -> Runtime:
    return Runtime(settings=make_settings(database.url), database=database, clock=clock)
