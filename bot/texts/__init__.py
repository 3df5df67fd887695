"""Every user-facing string, Vietnamese first, English with BOT_LANGUAGE=en.

Each room keeps its strings in its own catalog module (`MESSAGES: dict[key,
(vietnamese, english)]`); this module merges them and renders with
parameters HTML-escaped, because every message goes out with parse_mode HTML.
Pass `Raw(...)` for a parameter that is already safe HTML (a rendered list).
"""

from __future__ import annotations

import html
from datetime import date, datetime
from types import ModuleType
from typing import Literal
from zoneinfo import ZoneInfo

Language = Literal["vi", "en"]
Catalog = dict[str, tuple[str, str]]


class Raw(str):
    """A parameter that is already valid Telegram HTML and must not be escaped."""


MESSAGES: Catalog = {}


def register(module: ModuleType) -> None:
    """Add a room's catalog (called once from bot/texts/catalogs.py)."""
    for key, pair in module.MESSAGES.items():
        if key in MESSAGES:
            raise ValueError(f"text key {key!r} defined twice ({module.__name__})")
        MESSAGES[key] = pair


def _escape(value: object) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value)
    return html.escape(str(value), quote=False)


def t(lang: str, key: str, /, **params: object) -> str:
    """The text for `key` in `lang` (falls back to Vietnamese), parameters escaped."""
    from bot.texts import catalogs  # noqa: F401  (registers every room's catalog)

    vietnamese, english = MESSAGES[key]
    template = english if lang == "en" else vietnamese
    return template.format(**{name: _escape(value) for name, value in params.items()})


def format_date(day: date | None) -> str:
    """Dates in text are dd/mm/yyyy (ISO is for JSON only)."""
    return day.strftime("%d/%m/%Y") if day else "—"


def format_datetime(instant: datetime, timezone: ZoneInfo) -> str:
    return instant.astimezone(timezone).strftime("%H:%M %d/%m/%Y")
