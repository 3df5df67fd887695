"""/new through the real bot and the sandbox: a directive pasted as text, sent
as .docx (in a group, as a reply to the prompt) and as .pdf (with /new as its
caption); the preview, edits in the chat (deadline, agency, drop, add), save
and the tasks in the database; a focal point refused; a scanned PDF; a
duplicate number; a restart between two steps."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.domain.rights import Role
from bot.registry_files import load_sample_registry
from bot.runtime import Runtime
from bot.sandbox import Sandbox, SandboxConfig
from bot.services import agencies as agency_service
from storage.models import Agency, AuditEvent, Chat, ChatPurpose, Directive, Task
from tests import factories
from tests.e2e.harness import BotHarness
from tests.intake_support import NUMBER, TEXT, docx_bytes, pdf_bytes

JSON = dict[str, Any]
QUANG_NGAI = "Sở Nội vụ tỉnh Quảng Ngãi"


def buttons(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def button(message: JSON, suffix: str) -> str:
    """The callback data of the message's button ending with `suffix` ("s", "m:d:0")."""
    found = [data for data in buttons(message) if data.endswith(f":{suffix}")]
    assert found, (suffix, buttons(message))
    return found[0]


class Office:
    """A Quảng Ngãi workspace: Minh coordinates, Lan is Sở Tư pháp's focal point."""

    def __init__(self, harness: BotHarness, workspace_id: int, minh: JSON, lan: JSON) -> None:
        self.harness = harness
        self.workspace_id = workspace_id
        self.minh = minh
        self.lan = lan

    @property
    def runtime(self) -> Runtime:
        return self.harness.runtime

    async def last(self, chat_id: int) -> JSON:
        return (await self.harness.bot_messages(chat_id))[-1]

    async def message(self, chat_id: int, message_id: int) -> JSON:
        return next(
            m for m in await self.harness.bot_messages(chat_id) if m["message_id"] == message_id
        )

    async def press(self, chat_id: int, message: JSON, data: str, user: JSON | None = None) -> str:
        """Press and wait until the bot is done; returns the callback answer's text."""
        query = await self.harness.press(chat_id, message, user or self.minh, data)
        answer = await self.harness.client.wait_for_callback_answer(query)
        await self.harness.idle()
        return str(answer.get("text") or "")

    async def send_file(
        self,
        chat_id: int,
        name: str,
        content: bytes,
        *,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> JSON:
        sent = await self.harness.client.send_document(
            chat_id, self.minh["id"], name, content, caption=caption, reply_to=reply_to
        )
        return await self.harness.client.wait_for_bot_message(
            chat_id, after_message_id=sent["message_id"], timeout=10
        )

    async def tasks(self) -> list[tuple[str, str, date | None, str]]:
        """(code, agency code, effective deadline, action) of every stored task."""
        async with self.runtime.database.session() as session:
            result = await session.execute(
                select(Task.code, Agency.code, Task.effective_deadline, Task.action)
                .join(Agency, col(Agency.id) == col(Task.agency_id))
                .order_by(col(Task.id))
            )
            return [(r[0], r[1], r[2], r[3]) for r in result.all()]

    async def directives(self) -> list[Directive]:
        async with self.runtime.database.session() as session:
            return list((await session.execute(select(Directive))).scalars())


async def office(harness: BotHarness) -> Office:
    runtime = harness.runtime
    result = await agency_service.import_registry(
        runtime, load_sample_registry("quang_ngai_2024.yaml"), "yaml", QUANG_NGAI
    )
    workspace_id = result.workspace.id
    minh = await harness.user("Minh", "minh_snv")
    lan = await harness.user("Lan", "lan_stp")
    async with runtime.database.session() as session:
        stp = (
            await session.execute(
                select(Agency).where(Agency.workspace_id == workspace_id, Agency.code == "STP")
            )
        ).scalar_one()
    await factories.member(runtime.database, workspace_id, minh["id"], Role.COORDINATOR)
    await factories.member(runtime.database, workspace_id, lan["id"], Role.FOCAL_POINT, stp.id)
    return Office(harness, workspace_id, minh, lan)


async def coordination_group(office: Office) -> JSON:
    group = await office.harness.group("Sở Nội vụ — điều phối", [office.minh], added_by=office.minh)
    runtime = office.runtime
    async with runtime.database.session() as session:
        chat = (
            await session.execute(select(Chat).where(Chat.telegram_chat_id == group["id"]))
        ).scalar_one_or_none()
        chat = chat or Chat(telegram_chat_id=group["id"], created_at=runtime.now())
        chat.workspace_id = office.workspace_id
        chat.purpose = ChatPurpose.COORDINATION
        chat.bot_is_member = True
        session.add(chat)
    return group


# -- text, in a private chat ------------------------------------------------------------


async def test_text_preview_edit_a_deadline_and_save(harness: BotHarness) -> None:
    o = await office(harness)
    chat = o.minh["id"]
    prompt = await harness.say(chat, o.minh, "/new")
    assert "dán nội dung" in prompt["text"]
    preview = await harness.say(chat, o.minh, TEXT)
    text = preview["text"]
    assert f"Số: {NUMBER}" in text and "Ngày: 06/05/2024" in text
    assert "V/v: rà soát thủ tục hành chính" in text
    assert "• Sở Tư pháp (STP)" in text and "Vai trò: chủ trì" in text
    assert "Hạn: trước ngày 20/5/2024 → 19/05/2024" in text
    assert "⚠ Chưa khớp: «Các cơ quan, đơn vị liên quan»" in text
    assert "Hạn: trong tháng 6/2024 → 30/06/2024" in text
    assert "Sẽ tạo 1 nhiệm vụ cho 1 cơ quan." in text
    assert "<b>1. " in preview["html"]
    assert all(len(d.encode()) <= 64 and d.startswith("in:") for d in buttons(preview))

    await o.press(chat, preview, button(preview, "e"))
    menu = await o.message(chat, preview["message_id"])
    await o.press(chat, menu, button(menu, "m:d:0"))
    choose = await o.message(chat, preview["message_id"])
    await o.press(chat, choose, button(choose, "t:d:0"))
    ask = await o.last(chat)
    assert "Hạn mới cho việc 1" in ask["text"] and "dd/mm/yyyy" in ask["text"]

    wrong = await harness.say(chat, o.minh, "31/02/2024")
    assert "không phải ngày hợp lệ" in wrong["text"]
    again = await harness.say(chat, o.minh, "24/05/2024")
    assert "Hạn (đã sửa): 24/05/2024" in again["text"]
    assert not (await o.message(chat, preview["message_id"])).get("reply_markup")  # old buttons

    await o.press(chat, again, button(again, "s"))
    saved = await o.last(chat)
    assert f"Đã lưu văn bản số {NUMBER}: 1 nhiệm vụ (T1)." in saved["text"]
    assert "1 dòng cơ quan chưa khớp không được giao việc." in saved["text"]
    ((code, agency, deadline, action),) = await o.tasks()
    assert (code, agency, deadline) == ("T1", "STP", date(2024, 5, 24))
    assert "thủ tục hành chính" in action
    (directive,) = await o.directives()
    assert directive.number == NUMBER and directive.created_by == o.minh["id"]
    assert directive.source_text == TEXT.strip()  # as Telegram delivered it


# -- .docx, in a group ------------------------------------------------------------------------


async def test_docx_in_a_group_reply_to_the_prompt_then_choose_an_agency(
    harness: BotHarness,
) -> None:
    o = await office(harness)
    group = await coordination_group(o)
    prompt = await harness.say(group["id"], o.minh, "/new")
    assert "trả lời (reply) tin nhắn này" in prompt["text"]
    assert (prompt.get("reply_keyboard") or {}).get("force_reply") is True

    not_a_reply = await harness.client.send_document(
        group["id"], o.minh["id"], "cv.docx", docx_bytes()
    )
    assert not not_a_reply["delivered"]  # privacy mode: only replies reach the bot

    preview = await o.send_file(group["id"], "cv.docx", docx_bytes(), reply_to=prompt["message_id"])
    assert "Tệp: cv.docx" in preview["text"] and "• Sở Tư pháp (STP)" in preview["text"]

    await o.press(group["id"], preview, button(preview, "e"))
    menu = await o.message(group["id"], preview["message_id"])
    await o.press(group["id"], menu, button(menu, "m:a:0"))
    choose = await o.message(group["id"], preview["message_id"])
    await o.press(group["id"], choose, button(choose, "t:a:1"))
    picker = await o.last(group["id"])
    assert "Cơ quan cho việc 2" in picker["text"]
    assert any(":g:1:0:" in data for data in buttons(picker))  # registry buttons
    # The coordinator types codes instead, as a reply to the picker.
    updated = await harness.say(group["id"], o.minh, "snv, STC", reply_to=picker["message_id"])
    assert "• Sở Nội vụ (SNV)" in updated["text"] and "• Sở Tài chính (STC)" in updated["text"]
    assert "Sẽ tạo 3 nhiệm vụ cho 3 cơ quan." in updated["text"]
    assert "Chưa khớp" not in updated["text"]
    old = await o.message(group["id"], preview["message_id"])  # still shows the task buttons
    stale = await o.press(group["id"], old, buttons(old)[0])
    assert "đã cũ" in stale

    await o.press(group["id"], updated, button(updated, "s"))
    assert "3 nhiệm vụ (T1–T3)" in (await o.last(group["id"]))["text"]
    assert [t[:3] for t in await o.tasks()] == [
        ("T1", "STP", date(2024, 5, 19)),
        ("T2", "SNV", date(2024, 6, 30)),
        ("T3", "STC", date(2024, 6, 30)),
    ]
    (directive,) = await o.directives()
    assert directive.source_file_name == "cv.docx" and directive.source_file_id


# -- .pdf with /new as its caption ---------------------------------------------------------------


async def test_pdf_with_caption_drop_and_add_a_task(harness: BotHarness) -> None:
    o = await office(harness)
    chat = o.minh["id"]
    preview = await o.send_file(chat, "cv.pdf", pdf_bytes(), caption="/new")
    assert f"Số: {NUMBER}" in preview["text"] and "Tệp: cv.pdf" in preview["text"]

    await o.press(chat, preview, button(preview, "e"))
    menu = await o.message(chat, preview["message_id"])
    await o.press(chat, menu, button(menu, "m:x:0"))
    choose = await o.message(chat, preview["message_id"])
    await o.press(chat, choose, button(choose, "t:x:1"))
    dropped = await o.message(chat, preview["message_id"])  # edited in place
    assert "Chưa khớp" not in dropped["text"] and "2. " not in dropped["text"]

    await o.press(chat, dropped, button(dropped, "e"))
    menu = await o.message(chat, preview["message_id"])
    await o.press(chat, menu, button(menu, "n"))
    picker = await o.last(chat)
    assert "Việc mới" in picker["text"]
    unknown = await harness.say(chat, o.minh, "XYZ")
    assert "Không tìm thấy cơ quan: XYZ" in unknown["text"]
    async with o.runtime.database.session() as session:
        stc = (await session.execute(select(Agency.id).where(Agency.code == "STC"))).scalar_one()
    await o.press(chat, picker, button(picker, f"g:n:0:{stc}"))
    ask_action = await o.last(chat)
    assert "Việc mới cho Sở Tài chính" in ask_action["text"]
    ask_deadline = await harness.say(chat, o.minh, "Tổng hợp số liệu thủ tục hành chính")
    assert "Hạn của việc mới" in ask_deadline["text"]
    final = await harness.say(chat, o.minh, "-")
    assert "2. Tổng hợp số liệu thủ tục hành chính</b> (thêm tay)" in final["html"]
    assert "• Sở Tài chính (STC)" in final["text"]

    await o.press(chat, final, button(final, "s"))
    assert "2 nhiệm vụ (T1–T2)" in (await o.last(chat))["text"]
    assert [t[:3] for t in await o.tasks()] == [
        ("T1", "STP", date(2024, 5, 19)),
        ("T2", "STC", None),
    ]


async def test_a_long_preview_is_split_with_the_buttons_under_the_last_part(
    harness: BotHarness,
) -> None:
    o = await office(harness)
    chat = o.minh["id"]
    items = [
        f"{n}. Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan liên quan rà soát, đánh giá"
        f" nhóm thủ tục hành chính số {n} về lĩnh vực hộ tịch, chứng thực, nuôi con nuôi,"
        f" lý lịch tư pháp và bồi thường nhà nước; báo cáo UBND tỉnh trước ngày {n % 28 + 1}/6/2024."
        for n in range(1, 41)
    ]
    long_text = "\n".join([*TEXT.splitlines()[:9], *items, "CHỦ TỊCH", "Nguyễn Văn A"])
    await harness.say(chat, o.minh, "/new")
    sent = await harness.client.send_document(
        chat, o.minh["id"], "kh.txt", long_text.encode("utf-8")
    )
    await harness.client.wait_for_bot_message(chat, after_message_id=sent["message_id"])
    await harness.idle()
    parts = [m for m in await harness.bot_messages(chat) if m["message_id"] > sent["message_id"]]
    assert len(parts) >= 2
    assert all(len(p["text"]) < 4096 for p in parts)
    assert [bool(p.get("reply_markup")) for p in parts] == [False] * (len(parts) - 1) + [True]
    joined = "\n".join(p["text"] for p in parts)
    assert joined.count("• Sở Tư pháp (STP)") == 40
    assert "Sẽ tạo 40 nhiệm vụ cho 1 cơ quan." in parts[-1]["text"]
    await o.press(chat, parts[-1], button(parts[-1], "s"))
    assert "40 nhiệm vụ (T1–T40)" in (await o.last(chat))["text"]


# -- refusals, unreadable files, duplicates, cancel ------------------------------------------------


async def test_a_focal_point_is_refused_and_the_refusal_audited(harness: BotHarness) -> None:
    o = await office(harness)
    reply = await harness.say(o.lan["id"], o.lan, "/new")
    assert "chưa có quyền" in reply["text"] or "không có quyền" in reply["text"]
    sent = await harness.client.send_document(
        o.lan["id"], o.lan["id"], "cv.docx", docx_bytes(), caption="/new"
    )
    refused = await harness.client.wait_for_bot_message(
        o.lan["id"], after_message_id=sent["message_id"]
    )
    assert refused["text"] == reply["text"]
    async with o.runtime.database.session() as session:
        audits = list(
            (
                await session.execute(
                    select(AuditEvent).where(col(AuditEvent.telegram_user_id) == o.lan["id"])
                )
            ).scalars()
        )
    assert [(a.action, a.allowed) for a in audits] == [("take_in_directive", False)] * 2
    assert await o.directives() == []


async def test_a_scanned_pdf_is_explained_and_changes_nothing(harness: BotHarness) -> None:
    o = await office(harness)
    chat = o.minh["id"]
    await harness.say(chat, o.minh, "/new")
    scan = await o.send_file(chat, "scan.pdf", pdf_bytes(None))
    assert "là bản scan" in scan["text"] and "không có lớp chữ" in scan["text"]
    wrong = await o.send_file(chat, "cv.xlsx", b"PK\x03\x04 spreadsheet")
    assert "chỉ nhận .docx, .pdf, .txt, .md" in wrong["text"]
    assert await o.directives() == []
    preview = await harness.say(chat, o.minh, TEXT)  # still waiting for the directive
    assert f"Số: {NUMBER}" in preview["text"]


async def test_a_duplicate_number_is_caught_at_save_and_cancel_discards(
    harness: BotHarness,
) -> None:
    o = await office(harness)
    group = await coordination_group(o)
    chat = o.minh["id"]
    await harness.say(chat, o.minh, "/new")
    private_preview = await harness.say(chat, o.minh, TEXT)
    prompt = await harness.say(group["id"], o.minh, "/new")
    group_preview = await harness.say(group["id"], o.minh, TEXT, reply_to=prompt["message_id"])
    await o.press(chat, private_preview, button(private_preview, "s"))
    await o.press(group["id"], group_preview, button(group_preview, "s"))
    refused = await o.last(group["id"])
    assert f"Văn bản số {NUMBER} đã có trong hệ thống" in refused["text"]
    assert len(await o.directives()) == 1 and len(await o.tasks()) == 1

    await o.press(group["id"], group_preview, button(group_preview, "c"))
    assert "Đã hủy" in (await o.last(group["id"]))["text"]
    assert not (await o.message(group["id"], group_preview["message_id"])).get("reply_markup")

    # Another /new of the same directive says so in the preview and offers no Save.
    await harness.say(chat, o.minh, "/new")
    third = await harness.say(chat, o.minh, TEXT)
    assert "đã được nhập ngày 13/05/2024" in third["text"]
    assert not any(d.endswith(":s") for d in buttons(third))


async def test_another_users_button_and_a_forged_one_are_refused(harness: BotHarness) -> None:
    o = await office(harness)
    group = await coordination_group(o)
    await harness.client.add_member(group["id"], o.lan["id"])
    prompt = await harness.say(group["id"], o.minh, "/new")
    preview = await harness.say(group["id"], o.minh, TEXT, reply_to=prompt["message_id"])
    answer = await o.press(group["id"], preview, button(preview, "s"), user=o.lan)
    assert "chưa có quyền" in answer or "không có quyền" in answer
    assert await o.directives() == []


# -- a restart between two steps -------------------------------------------------------------------


async def test_the_pending_step_survives_a_restart(e2e_runtime: Runtime) -> None:
    sandbox = Sandbox(SandboxConfig())
    await sandbox.start()
    try:
        async with BotHarness(e2e_runtime, sandbox=sandbox) as first:
            o = await office(first)
            chat = o.minh["id"]
            await first.say(chat, o.minh, "/new")
            preview = await first.say(chat, o.minh, TEXT)
            for suffix in ("e", "m:d:0", "t:d:0"):
                current = await o.message(chat, preview["message_id"])
                await o.press(chat, current, button(current, suffix))
            assert "Hạn mới cho việc 1" in (await o.last(chat))["text"]
        async with BotHarness(e2e_runtime, sandbox=sandbox) as second:
            again = await second.say(chat, o.minh, "27/05/2024")
            assert "Hạn (đã sửa): 27/05/2024" in again["text"]
            second_office = Office(second, o.workspace_id, o.minh, o.lan)
            await second_office.press(chat, again, button(again, "s"))
            assert "1 nhiệm vụ (T1)" in (await second_office.last(chat))["text"]
    finally:
        await sandbox.stop()
    async with e2e_runtime.database.session() as session:
        rows = list((await session.execute(select(Task))).scalars())
    assert [(r.code, r.effective_deadline) for r in rows] == [("T1", date(2024, 5, 27))]
