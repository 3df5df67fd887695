"""What every command shares: plain text for the terminal, a runtime on a
migrated database, and running a coroutine that closes it afterwards."""

from __future__ import annotations

import asyncio
import html
import re
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from bot.cli.settings_loader import load_settings
from bot.runtime import Runtime
from bot.texts import t

T = TypeVar("T")
_TAG = re.compile(r"</?\w+>")


def plain(text: str) -> str:
    """Terminal output: catalog HTML without tags or entities."""
    return html.unescape(_TAG.sub("", text))


def say(lang: str, key: str, /, *, file: Any = None, **params: object) -> None:
    print(plain(t(lang, key, **params)), file=file or sys.stdout)


def open_runtime() -> Runtime | None:
    """A runtime on the configured, migrated database; None after printing
    what is wrong with the settings."""
    settings = load_settings()
    if settings is None:
        return None
    from bot.cli.serve import migrate

    migrate(settings)
    return Runtime.from_settings(settings)


def run(runtime: Runtime, coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine`, then close the runtime's database connections."""

    async def _wrapped() -> T:
        try:
            return await coroutine
        finally:
            await runtime.database.dispose()

    return asyncio.run(_wrapped())
