"""The real `nhacviec run` process: fails fast without a token, serves
/start against the sandbox, keeps the token out of its logs, and stops
cleanly on SIGTERM; a second run on the same database works."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.sandbox import Sandbox, SandboxConfig

pytestmark = pytest.mark.slow
NHACVIEC = [sys.executable, "-m", "bot.cli"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    env.update(extra)
    return env


async def test_run_without_token_fails_fast_saying_what_to_set(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *NHACVIEC, "run", cwd=tmp_path, env=_env(), stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    message = stderr.decode()
    assert "TELEGRAM_BOT_TOKEN" in message
    assert "@BotFather" in message
    assert "nhacviec demo" in message
    assert not (tmp_path / "data").exists(), "nothing is created before the token check"


async def _serve_once(sandbox: Sandbox, tmp_path: Path, token: str) -> str:
    env = _env(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=sandbox.url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    )
    process = await asyncio.create_subprocess_exec(
        *NHACVIEC, "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    async with sandbox.client() as client:
        user = await client.create_user("Lan")
        message = await client.send_message(user["id"], user["id"], "/start")
        reply = await client.wait_for_bot_message(
            user["id"], after_message_id=message["message_id"], timeout=30
        )
    assert reply["text"].startswith("Xin chào Lan!")
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()[-2000:]
    return stderr.decode()


async def test_run_serves_start_and_restarts_on_the_same_database(tmp_path: Path) -> None:
    token = "7012345678:AAF-real-looking-secret-0123456789"
    async with Sandbox(SandboxConfig(bot_token=token)) as sandbox:
        first_logs = await _serve_once(sandbox, tmp_path, token)
        second_logs = await _serve_once(sandbox, tmp_path, token)
    assert (tmp_path / "bot.db").exists()
    for logs in (first_logs, second_logs):
        assert "started" in logs
        assert token not in logs
        assert token.split(":")[1] not in logs
