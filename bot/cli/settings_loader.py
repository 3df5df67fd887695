"""Loading settings for a command: a bad value stops it with a readable message."""

from __future__ import annotations

import os
import sys

from pydantic import ValidationError

from bot.settings import Settings
from bot.texts import t


def load_settings() -> Settings | None:
    """The settings, or None after printing what is wrong (in the user's language)."""
    try:
        return Settings()
    except ValidationError as exc:
        language = os.environ.get("BOT_LANGUAGE", "vi")
        problems = "\n".join(
            f"- {'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        print(t(language, "cli.bad_settings", problems=problems), file=sys.stderr)
        return None
