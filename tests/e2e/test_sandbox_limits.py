"""Flood control, chat state errors, injected faults, webhook mode and ``serve``."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.sandbox import Sandbox, SandboxClient, SandboxConfig
from bot.sandbox.ptb import make_bot

pytest_plugins = ["bot.sandbox.testing"]

ROOT = Path(__file__).resolve().parents[2]

# PTB 22 warns on every RetryAfter that retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


class FakeMonotonic:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def retry_seconds(err: RetryAfter) -> float:
    value = err.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def _group(client: SandboxClient, title: str = "Nhóm") -> tuple[int, int]:
    user = await client.create_user("Hà")
    chat = await client.create_chat("group", title, members=[user["id"]], with_bot=True)
    return user["id"], chat["id"]


@pytest_asyncio.fixture
async def frozen() -> AsyncIterator[tuple[Sandbox, FakeMonotonic]]:
    clock = FakeMonotonic()
    async with Sandbox(SandboxConfig(), clock=clock) as instance:
        yield instance, clock


async def test_group_limit_answers_429_with_retry_after(frozen) -> None:
    sandbox, clock = frozen
    async with sandbox.client() as client, make_bot(sandbox) as bot:
        _, group_id = await _group(client)
        for i in range(20):
            await bot.send_message(group_id, f"nhắc {i}")
            clock.now += 1.0
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(group_id, "thứ 21")
        # the first send leaves the 60 s window 60 - 20 = 40 s from now
        assert retry_seconds(caught.value) == 40
        _, other_group = await _group(client, "Nhóm khác")
        await bot.send_message(other_group, "nhóm khác vẫn gửi được")
        clock.now += 40.0
        await bot.send_message(group_id, "thứ 21, sau khi chờ")
        stats = await client.stats()
    assert stats["responses_429"] == 1
    assert stats["sends_per_chat"][str(group_id)] == 21
    assert [s["message_id"] for s in stats["sends"] if s["chat_id"] == group_id][-1] == 22


async def test_global_limit_counts_sends_across_chats(frozen) -> None:
    sandbox, clock = frozen
    async with sandbox.client() as client, make_bot(sandbox) as bot:
        chats = [(await _group(client, f"Nhóm {i}"))[1] for i in range(31)]
        for chat_id in chats[:30]:
            await bot.send_message(chat_id, "tổng hợp")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chats[30], "tổng hợp")
        assert retry_seconds(caught.value) == 1
        clock.now += 1.0
        await bot.send_message(chats[30], "tổng hợp")
        await client.set_rate_limits(global_rate_per_second=None)
        for chat_id in chats[:30]:
            await bot.send_message(chat_id, "không giới hạn")


async def test_private_chats_tolerate_a_burst_then_one_per_second(frozen) -> None:
    sandbox, clock = frozen
    async with sandbox.client() as client, make_bot(sandbox) as bot:
        user = await client.create_user("Tú")
        await client.send_message(user["id"], user["id"], "/start")
        await client.set_rate_limits(private_burst=3)
        for _ in range(3):
            await bot.send_message(user["id"], "ok")
        with pytest.raises(RetryAfter):
            await bot.send_message(user["id"], "quá nhanh")
        clock.now += 1.0
        await bot.send_message(user["id"], "ok sau 1 giây")


async def test_advance_clock_frees_the_window_over_http(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    await sandbox_client.set_rate_limits(group_rate_per_minute=2)
    await sandbox_bot.send_message(group_id, "1")
    await sandbox_bot.send_message(group_id, "2")
    with pytest.raises(RetryAfter):
        await sandbox_bot.send_message(group_id, "3")
    await sandbox_client.advance_clock(61)
    await sandbox_bot.send_message(group_id, "3")


async def test_migrated_group_raises_chat_migrated(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    new_id = await sandbox_client.migrate_to_supergroup(group_id)
    assert str(new_id).startswith("-100") and len(str(new_id)) == 14
    with pytest.raises(ChatMigrated) as caught:
        await sandbox_bot.send_message(group_id, "nhắc việc")
    assert caught.value.new_chat_id == new_id
    sent = await sandbox_bot.send_message(new_id, "nhắc việc")
    assert sent.chat.type == "supergroup"
    service = [u["message"] for u in await sandbox_client.updates() if "message" in u]
    assert {"migrate_to_chat_id": new_id} in [
        {k: v for k, v in m.items() if k == "migrate_to_chat_id"} for m in service
    ]
    assert any(m.get("migrate_from_chat_id") == group_id for m in service)


async def test_removed_or_blocked_bot_gets_forbidden(sandbox_bot, sandbox_client) -> None:
    user_id, group_id = await _group(sandbox_client)
    await sandbox_client.remove_bot(group_id, user_id)
    with pytest.raises(Forbidden, match=r"(?i)kicked from the group chat"):
        await sandbox_bot.send_message(group_id, "nhắc")
    updates = await sandbox_bot.get_updates(timeout=0)
    changes = [u.my_chat_member for u in updates if u.my_chat_member]
    assert [(c.old_chat_member.status, c.new_chat_member.status) for c in changes] == [
        ("left", "member"),
        ("member", "left"),
    ]
    assert any(
        u.message and u.message.left_chat_member and u.message.left_chat_member.id == 123456
        for u in updates
    )
    await sandbox_client.add_bot(group_id, user_id)
    await sandbox_bot.send_message(group_id, "đã quay lại")

    with pytest.raises(Forbidden, match=r"(?i)can't initiate"):
        await sandbox_bot.send_message(user_id, "chưa /start")
    await sandbox_client.send_message(user_id, user_id, "/start")
    await sandbox_client.block_bot(user_id)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await sandbox_bot.send_message(user_id, "nhắc riêng")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await sandbox_bot.send_message(-42, "không có")


async def test_injected_errors_are_not_recorded_as_delivered(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    await sandbox_client.set_faults(failure_rate=1.0)
    for _ in range(3):
        with pytest.raises(NetworkError):
            await sandbox_bot.send_message(group_id, "lỗi 5xx")
    await sandbox_client.set_faults(failure_rate=0.0, drop_rate=1.0)
    for _ in range(3):
        with pytest.raises(NetworkError, match=r"(?i)disconnected"):
            await sandbox_bot.send_message(group_id, "mất kết nối")
    await sandbox_client.set_faults(drop_rate=0.0)
    assert await sandbox_client.messages(group_id) == []
    await sandbox_bot.send_message(group_id, "đã gửi")
    stats = await sandbox_client.stats()
    assert (stats["faults_5xx"], stats["drops"], stats["total_sends"]) == (3, 3, 1)
    assert stats["requests"]["sendMessage"] == 7


async def test_lost_ack_records_the_send_but_the_client_sees_an_error(
    sandbox_bot, sandbox_client
) -> None:
    _, group_id = await _group(sandbox_client)
    await sandbox_client.set_faults(ack_loss_rate=1.0)
    with pytest.raises(NetworkError):
        await sandbox_bot.send_message(group_id, "đã gửi nhưng không biết")
    await sandbox_client.set_faults(ack_loss_rate=0.0)
    assert [m["text"] for m in await sandbox_client.messages(group_id)] == [
        "đã gửi nhưng không biết"
    ]
    assert (await sandbox_client.stats())["acks_lost"] == 1


async def test_outage_fails_every_call_until_it_ends(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    await sandbox_client.set_faults(outage_seconds=30)
    for _ in range(4):
        with pytest.raises(TelegramError):
            await sandbox_bot.get_me()
    with pytest.raises(NetworkError):
        await sandbox_bot.send_message(group_id, "trong lúc mất mạng")
    await sandbox_client.advance_clock(31)
    await sandbox_bot.send_message(group_id, "đã có mạng")
    assert [m["text"] for m in await sandbox_client.messages(group_id)] == ["đã có mạng"]


async def test_seeded_faults_repeat_identically() -> None:
    async def outcomes() -> list[str]:
        config = SandboxConfig(failure_rate=0.3, drop_rate=0.2, seed=7)
        async with Sandbox(config) as sandbox, httpx.AsyncClient() as http:
            results = []
            for _ in range(20):
                try:
                    response = await http.get(f"{sandbox.api_url}{sandbox.token}/getMe")
                    results.append(str(response.status_code))
                except httpx.HTTPError:
                    results.append("drop")
            return results

    first, second = await outcomes(), await outcomes()
    assert first == second
    assert {"200", "drop"} <= set(first) and ({"500", "502"} & set(first))


async def test_webhook_mode_pushes_updates_with_the_secret(sandbox_bot, sandbox_client) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    class Hook(tornado.web.RequestHandler):
        def post(self) -> None:
            received.append(
                (
                    self.request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                    json.loads(self.request.body),
                )
            )

    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server = tornado.httpserver.HTTPServer(tornado.web.Application([(r"/hook", Hook)]))
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    try:
        user = await sandbox_client.create_user("Vy")
        await sandbox_bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        with pytest.raises(Conflict):
            await sandbox_bot.get_updates(timeout=0)
        await sandbox_client.send_message(user["id"], user["id"], "/status")
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.02)
        assert received and received[0][0] == "s3cret"
        assert received[0][1]["message"]["text"] == "/status"  # type: ignore[index]
        info = await sandbox_bot.get_webhook_info()
        assert info.url.endswith("/hook") and info.pending_update_count == 0
        await sandbox_bot.delete_webhook()
        await sandbox_client.send_message(user["id"], user["id"], "/done")
        polled = await sandbox_bot.get_updates(timeout=0)
        assert [u.message.text for u in polled] == ["/done"]
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_standalone_server_serves_and_stops_on_sigterm() -> None:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.sandbox",
        "--port",
        str(port),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first_line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        assert f"http://127.0.0.1:{port}" in first_line
        async with Bot(
            SandboxConfig().bot_token,
            base_url=f"http://127.0.0.1:{port}/bot",
            base_file_url=f"http://127.0.0.1:{port}/file/bot",
        ) as bot:
            assert (await bot.get_me()).username == "nhacviec_bot"
        async with SandboxClient(f"http://127.0.0.1:{port}") as client:
            assert (await client.create_user("Xa"))["id"] > 0
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 10)
        assert process.returncode == 0
        assert "sandbox stopped" in output.decode()
    finally:
        if process.returncode is None:
            process.kill()
