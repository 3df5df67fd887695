"""/digest, /report and the daily digest through the real Application and the
sandbox: a coordinator gets the digest (text, then the chart) and the three
documents; a focal point is refused; the daily digest goes out once across
two Application lifetimes on the same database."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import openpyxl
from docx import Document
from sqlmodel import select

from bot.clock import ManualClock
from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.sandbox import Sandbox, SandboxConfig
from jobs.digest import LAST_RUN_KEY
from storage.models import AuditEvent, Chat, ChatPurpose, DigestOutbox, OutboxState
from tests import factories
from tests.e2e.harness import BotHarness
from tests.reporting_seed import NOW, TODAY, Seeded, seed

JSON = dict[str, Any]


async def bind(
    runtime: Runtime, telegram_chat_id: int, workspace_id: int, purpose: ChatPurpose
) -> None:
    async with runtime.database.session() as session:
        chat = (
            await session.execute(select(Chat).where(Chat.telegram_chat_id == telegram_chat_id))
        ).scalar_one_or_none()
        if chat is None:
            chat = Chat(telegram_chat_id=telegram_chat_id, created_at=runtime.now())
        chat.workspace_id = workspace_id
        chat.purpose = purpose
        chat.bot_is_member = True
        session.add(chat)


async def scene(harness: BotHarness) -> tuple[Seeded, JSON, JSON, JSON]:
    """The seeded workspace with a sandbox coordinator, focal point and coordination group."""
    runtime = harness.runtime
    assert isinstance(runtime.clock, ManualClock)
    runtime.clock.set(NOW)  # Monday 13/5/2024, 17:00 in Vietnam
    seeded = await seed(runtime.database, with_chats=False)
    minh = await harness.user("Minh", "minh_snv")
    lan = await harness.user("Lan", "lan_syt")
    group = await harness.group("Sở Nội vụ — điều phối", [minh, lan], added_by=minh)
    await bind(runtime, group["id"], seeded.workspace_id, ChatPurpose.COORDINATION)
    await factories.member(runtime.database, seeded.workspace_id, minh["id"], Role.COORDINATOR)
    await factories.member(
        runtime.database,
        seeded.workspace_id,
        lan["id"],
        Role.FOCAL_POINT,
        agency_id=seeded.agency_ids["SYT"],
    )
    return seeded, minh, lan, group


def is_digest(message: JSON) -> bool:
    return (message.get("text") or "").startswith("📋 Tổng hợp") or bool(message.get("photo"))


async def test_digest_command_sends_text_then_chart(harness: BotHarness) -> None:
    _, minh, _, group = await scene(harness)
    first = await harness.say(group["id"], minh, "/digest", timeout=15)
    await harness.idle()
    messages = [
        m for m in await harness.bot_messages(group["id"]) if m["message_id"] >= first["message_id"]
    ]
    assert first["text"].startswith("📋 Tổng hợp tình hình thực hiện nhiệm vụ ngày 13/05/2024")
    assert "✅ Hoàn thành đúng hạn: 4" in first["text"]
    assert "🔴 Quá hạn chưa hoàn thành: 5" in first["text"]
    assert "<b>Tình hình chung</b>" in first["html"]
    photo = messages[-1]
    assert photo.get("photo"), "the chart comes last, as a photo"
    assert photo["caption"].startswith("📊 Biểu đồ")
    png = await harness.client.download(photo["photo"][-1]["file_id"])
    assert png.startswith(b"\x89PNG")
    # /digest does not consume the daily key
    async with harness.runtime.database.session() as session:
        assert list((await session.execute(select(DigestOutbox))).scalars()) == []


async def test_digest_by_a_focal_point_is_refused(harness: BotHarness) -> None:
    _, _, lan, group = await scene(harness)
    reply = await harness.say(group["id"], lan, "/tonghop")
    assert "chưa có quyền" in reply["text"]
    await harness.idle()
    assert not any(is_digest(m) for m in await harness.bot_messages(group["id"]))
    async with harness.runtime.database.session() as session:
        refusals = list(
            (
                await session.execute(select(AuditEvent).where(AuditEvent.allowed == False))  # noqa: E712
            ).scalars()
        )
    assert [(r.telegram_user_id, r.action) for r in refusals] == [(lan["id"], "send_digest")]


async def test_report_command_sends_three_documents(harness: BotHarness) -> None:
    _, minh, lan, group = await scene(harness)
    first = await harness.say(group["id"], minh, "/report", timeout=20)
    await harness.idle()
    documents = [
        m
        for m in await harness.bot_messages(group["id"])
        if m["message_id"] >= first["message_id"] and m.get("document")
    ]
    names = [m["document"]["file_name"] for m in documents]
    assert names == [
        "bang-theo-doi-nhiem-vu_20240513.xlsx",
        "bao-cao-tong-hop_20240513.docx",
        "cong-van-don-doc_20240513.docx",
    ]
    table = await harness.client.download(documents[0]["document"]["file_id"])
    sheet = openpyxl.load_workbook(io.BytesIO(table))["Theo dõi nhiệm vụ"]
    assert sheet.max_row == 4 + 18
    report = Document(
        io.BytesIO(await harness.client.download(documents[1]["document"]["file_id"]))
    )
    assert any("Tổng số nhiệm vụ theo dõi: 18 nhiệm vụ" in p.text for p in report.paragraphs)
    assert "18 nhiệm vụ" in documents[0]["caption"]

    # in a private chat (the group has had its share of Telegram's per-group rate)
    one = await harness.say(minh["id"], minh, "/baocao 1520", timeout=20)
    await harness.idle()
    assert one["document"]["file_name"] == "bang-theo-doi-nhiem-vu_1520-UBND-NC_20240513.xlsx"
    missing = await harness.say(minh["id"], minh, "/report 7777")
    assert "Không tìm thấy văn bản số «7777»" in missing["text"]
    refused = await harness.say(lan["id"], lan, "/report")
    assert "chưa có quyền" in refused["text"]


async def test_daily_digest_once_across_two_application_lifetimes(e2e_runtime: Runtime) -> None:
    """Started after 16:30 on a working day, the catch-up job sends the digest;
    started again the same evening, it finds it sent and sends nothing."""
    assert isinstance(e2e_runtime.clock, ManualClock)
    e2e_runtime.clock.set(NOW)
    seeded = await seed(e2e_runtime.database, with_chats=False)
    sandbox = Sandbox(SandboxConfig())
    await sandbox.start()
    try:
        async with sandbox.client() as client:
            minh = await client.create_user("Minh")
            group = await client.create_chat(
                "group", title="Điều phối", members=[minh["id"]], with_bot=True
            )
        await bind(e2e_runtime, group["id"], seeded.workspace_id, ChatPurpose.COORDINATION)
        counts = []
        for _ in range(2):
            async with BotHarness(e2e_runtime, with_jobs=True, sandbox=sandbox) as harness:
                await _wait_for_catch_up(harness)
                await _wait_for_outbox(e2e_runtime, seeded.workspace_id)
                await harness.idle(quiet_for=0.5, timeout=30)
                messages = await harness.bot_messages(group["id"])
                counts.append(len([m for m in messages if is_digest(m)]))
    finally:
        await sandbox.stop()
    assert counts[0] >= 2  # text part(s), then the chart
    assert counts[1] == counts[0]  # nothing more after the restart
    async with e2e_runtime.database.session() as session:
        rows = list((await session.execute(select(DigestOutbox))).scalars())
    assert [(r.workspace_id, r.day, r.state) for r in rows] == [
        (seeded.workspace_id, TODAY, OutboxState.SENT)
    ]
    assert len(rows[0].telegram_message_ids) == counts[0]


async def _wait_for_catch_up(harness: BotHarness, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    """Until the start-up catch-up job has finished (it leaves its outcomes in bot_data)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while harness.app.bot_data.get(LAST_RUN_KEY, ("",))[0] != "catch_up":
        if loop.time() > deadline:
            raise TimeoutError("the catch-up job did not run")
        await asyncio.sleep(0.05)


async def _wait_for_outbox(runtime: Runtime, workspace_id: int, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    """Until today's digest is marked sent."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        async with runtime.database.session() as session:
            row = (
                await session.execute(
                    select(DigestOutbox).where(DigestOutbox.workspace_id == workspace_id)
                )
            ).scalar_one_or_none()
        if row is not None and row.state == OutboxState.SENT:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("the daily digest was not sent")


async def test_an_admin_outside_any_workspace_is_told_where_to_ask(harness: BotHarness) -> None:
    root = await harness.user("Quản trị")
    harness.runtime.settings = harness.runtime.settings.model_copy(
        update={"BOT_ADMINS": [root["id"]]}
    )
    for command in ("/digest", "/report"):
        reply = await harness.say(root["id"], root, command)
        assert reply["text"].startswith("Tôi chưa biết anh/chị làm việc với đơn vị điều phối nào")
