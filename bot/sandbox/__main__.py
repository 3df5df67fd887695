"""``python -m bot.sandbox [--host H] [--port P]``: run a sandbox in the foreground."""

from __future__ import annotations

import argparse

from bot.sandbox.config import SandboxConfig
from bot.sandbox.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=SandboxConfig.bot_token)
    parser.add_argument("--username", default=SandboxConfig.bot_username)
    parser.add_argument("--no-rate-limits", action="store_true")
    args = parser.parse_args(argv)
    config = SandboxConfig(bot_token=args.token, bot_username=args.username)
    if args.no_rate_limits:
        config.global_rate_per_second = None
        config.group_rate_per_minute = None
        config.private_rate_per_second = None
    serve(args.host, args.port, config)


if __name__ == "__main__":
    main()
