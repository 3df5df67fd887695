"""`nhacviec run`, `nhacviec db upgrade`, `nhacviec sandbox`."""

from __future__ import annotations

import argparse
import asyncio
import html
import sys
from typing import Any

from bot.cli.settings_loader import load_settings
from bot.settings import Settings
from bot.texts import t
from storage.database import Database
from storage.migrate import upgrade

EXIT_CONFIG = 2


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="migrate the database, then serve the bot")
    run.set_defaults(func=run_command)

    db = subparsers.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_commands.add_parser("upgrade", help="bring the database to the newest schema")
    db_upgrade.set_defaults(func=db_upgrade_command)

    sandbox = subparsers.add_parser("sandbox", help="a local Telegram Bot API stand-in")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.set_defaults(func=sandbox_command)


def _plain(text: str) -> str:
    """Terminal output: the catalog's HTML without tags."""
    return html.unescape(text.replace("<b>", "").replace("</b>", ""))


def migrate(settings: Settings) -> None:
    async def _run() -> None:
        database = Database(settings.DATABASE_URL)
        try:
            await upgrade(database)
        finally:
            await database.dispose()

    asyncio.run(_run())


def run_command(_args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return EXIT_CONFIG
    if settings.TELEGRAM_BOT_TOKEN is None or not settings.TELEGRAM_BOT_TOKEN.get_secret_value():
        print(_plain(t(settings.BOT_LANGUAGE, "cli.missing_token")), file=sys.stderr)
        return EXIT_CONFIG
    from bot.app import build_application, serve
    from bot.logs import configure_logging
    from bot.runtime import Runtime

    configure_logging(settings.TELEGRAM_BOT_TOKEN.get_secret_value())
    migrate(settings)
    serve(build_application(Runtime.from_settings(settings)))
    return 0


def db_upgrade_command(_args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return EXIT_CONFIG
    migrate(settings)
    print("OK: database is at the newest schema")
    return 0


def sandbox_command(args: argparse.Namespace) -> int:
    from bot.sandbox import serve as serve_sandbox

    serve_sandbox(args.host, args.port)
    return 0
