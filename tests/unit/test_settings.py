"""Settings keep DESIGN.md's names, parse lists, refuse bad values, and never
show the token."""

from __future__ import annotations

import logging
from datetime import date, time

import pytest
from pydantic import ValidationError

from bot.logs import RedactTokens
from bot.settings import Settings

TOKEN = "7012345678:AAF-secret_token_value_0123456789abc"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_defaults_are_design_md_defaults() -> None:
    s = settings()
    assert s.TELEGRAM_BOT_TOKEN is None
    assert s.TELEGRAM_API_URL == "https://api.telegram.org"
    assert s.DATABASE_URL.startswith("sqlite+aiosqlite:///./data/")
    assert (s.BOT_TIMEZONE, s.BOT_LANGUAGE) == ("Asia/Ho_Chi_Minh", "vi")
    assert s.BOT_ADMINS == []
    assert s.REMINDER_DAYS == [7, 3, 1, 0]
    assert (s.reminder_time, s.digest_time) == (time(8, 0), time(16, 30))
    assert s.ESCALATE_AFTER_DAYS == 3
    assert not s.webhook_mode


def test_lists_come_from_comma_separated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_ADMINS", "111, 222")
    monkeypatch.setenv("REMINDER_DAYS", "1,7,3")
    monkeypatch.setenv("EXTRA_DAYS_OFF", "2026-11-24")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.BOT_ADMINS == [111, 222]
    assert s.REMINDER_DAYS == [7, 3, 1]
    assert s.EXTRA_DAYS_OFF == [date(2026, 11, 24)]


def test_sandbox_url_is_used_for_api_and_files() -> None:
    s = settings(TELEGRAM_API_URL="http://127.0.0.1:8081/")
    assert s.api_base_url == "http://127.0.0.1:8081/bot"
    assert s.file_base_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REMINDER_TIME", "25:00"),
        ("DIGEST_TIME", "8h"),
        ("BOT_TIMEZONE", "Mars/Olympus"),
        ("BOT_LANGUAGE", "fr"),
        ("REMINDER_DAYS", "-1"),
        ("ESCALATE_AFTER_DAYS", "0"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(name: str, value: str) -> None:
    with pytest.raises(ValidationError) as info:
        settings(**{name: value})
    assert name in str(info.value)


def test_token_never_in_repr_or_str() -> None:
    s = settings(TELEGRAM_BOT_TOKEN=TOKEN)
    assert TOKEN not in repr(s)
    assert TOKEN not in str(s)
    assert TOKEN not in str(s.model_dump())
    assert s.TELEGRAM_BOT_TOKEN is not None
    assert s.TELEGRAM_BOT_TOKEN.get_secret_value() == TOKEN


def test_log_records_are_redacted() -> None:
    redactor = RedactTokens(TOKEN)
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "HTTP Request: POST %s",
        (f"https://x/bot{TOKEN}/getMe",),
        None,
    )
    assert redactor.filter(record)
    assert TOKEN not in record.getMessage()
    assert "[token]" in record.getMessage()
    # A token-shaped string that was not configured is redacted too.
    other = "1234567:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc"
    assert other not in redactor.redact(f"boom {other}")
