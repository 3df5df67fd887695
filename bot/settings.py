"""Configuration from the environment and `.env`, with DESIGN.md's names.

The bot token is a `SecretStr`: it never appears in a repr, a log line or an
error message. Parsing of the reminder policy fields happens here, once, so a
bad value stops the bot at start-up with a message that names the setting.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/nhacviec.db"
TELEGRAM_API_ROOT = "https://api.telegram.org"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _parse_int_list(value: object) -> object:
    if isinstance(value, str):
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    if isinstance(value, int):
        return [value]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    TELEGRAM_BOT_TOKEN: SecretStr | None = None
    TELEGRAM_API_URL: str = TELEGRAM_API_ROOT
    DATABASE_URL: str = DEFAULT_DATABASE_URL
    BOT_TIMEZONE: str = "Asia/Ho_Chi_Minh"
    BOT_LANGUAGE: Literal["vi", "en"] = "vi"
    BOT_ADMINS: Annotated[list[int], NoDecode] = Field(default_factory=list)
    REMINDER_DAYS: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [7, 3, 1, 0])
    REMINDER_TIME: str = "08:00"
    DIGEST_TIME: str = "16:30"
    ESCALATE_AFTER_DAYS: int = Field(default=3, ge=1, le=60)
    WEBHOOK_URL: str = ""
    WEBHOOK_LISTEN: str = "0.0.0.0"
    WEBHOOK_PORT: int = 8443
    WEBHOOK_SECRET: SecretStr | None = None
    EXTRA_DAYS_OFF: Annotated[list[date], NoDecode] = Field(default_factory=list)
    EXTRA_WORKING_DAYS: Annotated[list[date], NoDecode] = Field(default_factory=list)

    @field_validator("BOT_ADMINS", "REMINDER_DAYS", mode="before")
    @classmethod
    def _split_ints(cls, value: object) -> object:
        return _parse_int_list(value)

    @field_validator("EXTRA_DAYS_OFF", "EXTRA_WORKING_DAYS", mode="before")
    @classmethod
    def _split_dates(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.replace(" ", "").split(",") if part]
        return value

    @field_validator("REMINDER_DAYS")
    @classmethod
    def _reminder_days_in_range(cls, value: list[int]) -> list[int]:
        if not value or any(day < 0 or day > 60 for day in value):
            raise ValueError("REMINDER_DAYS must be working days between 0 and 60, e.g. 7,3,1,0")
        return sorted(set(value), reverse=True)

    @field_validator("REMINDER_TIME", "DIGEST_TIME")
    @classmethod
    def _is_hhmm(cls, value: str) -> str:
        if not _HHMM.match(value.strip()):
            raise ValueError("must be a local time of day as HH:MM, e.g. 08:00")
        return value.strip()

    @field_validator("BOT_TIMEZONE")
    @classmethod
    def _is_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("TELEGRAM_API_URL")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/") or TELEGRAM_API_ROOT

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.BOT_TIMEZONE)

    @property
    def reminder_time(self) -> time:
        return _to_time(self.REMINDER_TIME)

    @property
    def digest_time(self) -> time:
        return _to_time(self.DIGEST_TIME)

    @property
    def api_base_url(self) -> str:
        """PTB's `base_url`: the token is appended by PTB."""
        return f"{self.TELEGRAM_API_URL}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.TELEGRAM_API_URL}/file/bot"

    @property
    def webhook_mode(self) -> bool:
        return bool(self.WEBHOOK_URL.strip())


def _to_time(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))
