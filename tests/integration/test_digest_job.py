"""The digest job is scheduled at DIGEST_TIME in BOT_TIMEZONE (not UTC), with a
catch-up run at start-up."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import build_application
from bot.runtime import Runtime
from storage.database import Database
from tests.conftest import make_settings


def test_daily_digest_runs_at_digest_time_local(sqlite_database: Database) -> None:
    runtime = Runtime(
        settings=make_settings(sqlite_database.url, DIGEST_TIME="17:05"),
        database=sqlite_database,
    )
    application = build_application(runtime)
    assert application.job_queue is not None
    (daily,) = application.job_queue.get_jobs_by_name("digest.daily")
    trigger = daily.job.trigger
    assert str(trigger.timezone) == "Asia/Ho_Chi_Minh"
    after = datetime(2024, 5, 13, 0, 0, tzinfo=UTC)  # 07:00 in Vietnam
    fire = trigger.get_next_fire_time(None, after)
    assert fire.astimezone(UTC) == datetime(2024, 5, 13, 10, 5, tzinfo=UTC)  # 17:05 local
    assert application.job_queue.get_jobs_by_name("digest.catch_up")
