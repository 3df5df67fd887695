"""A local stand-in for the Telegram Bot API over HTTP.

The unmodified PTB ``Application`` talks to it with
``base_url=f"{sandbox.url}/bot"`` and ``base_file_url=f"{sandbox.url}/file/bot"``;
tests and the demo play the users through ``SandboxClient`` (the test API
under ``/sandbox/``). Used by end-to-end tests, ``nhacviec demo`` and the
benchmarks.
"""

from bot.sandbox.client import SandboxClient
from bot.sandbox.config import SandboxConfig
from bot.sandbox.errors import SandboxError
from bot.sandbox.server import Sandbox, serve

__all__ = ["Sandbox", "SandboxClient", "SandboxConfig", "SandboxError", "serve"]
