"""The `nhacviec` command line: one sub-command module per room.

Each module exposes `register(subparsers)` and sets `func` on its parsers;
`func(args)` returns the process exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import serve


def _command_modules() -> list[object]:
    modules: list[object] = [serve]
    for name in ("agencies", "directives", "reports", "demo"):
        try:
            modules.append(__import__(f"bot.cli.{name}", fromlist=["register"]))
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.cli.{name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nhacviec",
        description="Nhắc việc: theo dõi, đôn đốc nhiệm vụ tại văn bản chỉ đạo qua Telegram.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _command_modules():
        module.register(subparsers)  # type: ignore[attr-defined]
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
