"""`nhacviec demo [--lang vi|en] [--db FILE] [--reports DIR] [--interactive]`.

Runs the whole story offline: an in-process Bot API sandbox, the real bot,
a fast clock. Leaves the database and the report files to look at, and the
bot's own log next to the database.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.demo.printer import say
from bot.demo.script import (
    DEFAULT_DB,
    DEFAULT_REPORTS,
    DemoOptions,
    NotADemoDatabase,
    prepare_database_file,
    run_demo,
)
from bot.logs import RedactTokens

EXIT_REFUSED = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="the whole story offline against a local Bot API sandbox (under a minute)"
    )
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="BOT_LANGUAGE")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"default: {DEFAULT_DB}")
    parser.add_argument(
        "--reports", type=Path, default=DEFAULT_REPORTS, help=f"default: {DEFAULT_REPORTS}"
    )
    parser.add_argument(
        "--interactive", action="store_true", help="type as a focal point or an officer"
    )
    parser.set_defaults(func=demo_command)


@contextmanager
def log_to_file(path: Path) -> Iterator[None]:
    """The bot's log goes to a file while the demo runs: the terminal shows
    only the conversation. The previous logging setup is restored after."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "apscheduler")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        for name, old in quiet.items():
            logging.getLogger(name).setLevel(old)
        handler.close()


def demo_command(args: argparse.Namespace) -> int:
    options = DemoOptions(
        lang=args.lang, db_path=args.db, reports_dir=args.reports, interactive=args.interactive
    )
    try:
        prepare_database_file(args.db)
        with log_to_file(args.db.with_suffix(".log")):
            asyncio.run(run_demo(options))
    except NotADemoDatabase as refused:
        print(say(args.lang, "demo.error.not_demo_db", path=str(refused)), file=sys.stderr)
        return EXIT_REFUSED
    return 0
