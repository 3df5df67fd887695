"""The sandbox behaves like the Bot API for the real PTB Bot and Application."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox import Sandbox, SandboxClient, SandboxError
from bot.sandbox.ptb import application_builder, make_bot, polling

pytest_plugins = ["bot.sandbox.testing"]

pytestmark = pytest.mark.asyncio

BUTTONS = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Đã xong", callback_data="done:1")],
        [InlineKeyboardButton("Xin gia hạn", callback_data="extend:1")],
    ]
)


async def _group(client: SandboxClient, *, privacy: bool = True) -> tuple[int, int]:
    """A user and a group they created with the bot in it."""
    user = await client.create_user("Lan", "lan_sotuphap")
    chat = await client.create_chat(
        "group", "Đầu mối các sở", privacy=privacy, members=[user["id"]], with_bot=True
    )
    return user["id"], chat["id"]


async def test_get_me_answers_with_the_configured_bot(sandbox_bot) -> None:
    me = await sandbox_bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "nhacviec_bot", True)
    assert me.first_name == "Nhắc việc"


async def test_wrong_token_and_unknown_method(sandbox: Sandbox) -> None:
    with pytest.raises(InvalidToken):
        async with make_bot(sandbox, token="123456:wrong-secret"):
            pass
    async with httpx.AsyncClient() as http:
        wrong = await http.post(f"{sandbox.api_url}999:nope/getMe")
        unknown = await http.post(f"{sandbox.api_url}{sandbox.token}/fooBar")
        lower = await http.get(f"{sandbox.api_url}{sandbox.token}/getme")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert unknown.status_code == 404
    assert unknown.json()["description"] == "Not Found: method not found"
    assert lower.json()["result"]["username"] == "nhacviec_bot"


async def test_long_poll_returns_an_update_posted_during_the_wait(
    sandbox_bot, sandbox_client
) -> None:
    user = await sandbox_client.create_user("Minh")
    started = time.monotonic()
    poll = asyncio.create_task(sandbox_bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await sandbox_client.send_message(user["id"], user["id"], "xin chào")
    updates = await asyncio.wait_for(poll, 3)
    assert time.monotonic() - started < 2
    assert [u.message.text for u in updates] == ["xin chào"]
    assert updates[0].message.chat.type == "private"
    assert updates[0].message.from_user.language_code == "vi"


async def test_get_updates_honours_offset_limit_and_timeout(sandbox_bot, sandbox_client) -> None:
    user = await sandbox_client.create_user("Minh")
    for text in ("một", "hai", "ba"):
        await sandbox_client.send_message(user["id"], user["id"], text)
    first = await sandbox_bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in first] == ["một", "hai"]
    again = await sandbox_bot.get_updates(limit=2, timeout=0)
    assert [u.update_id for u in again] == [u.update_id for u in first]
    rest = await sandbox_bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in rest] == ["ba"]
    started = time.monotonic()
    empty = await sandbox_bot.get_updates(offset=rest[-1].update_id + 1, timeout=1)
    assert empty == ()
    assert 0.8 < time.monotonic() - started < 3


async def test_second_poller_ends_the_first_with_conflict(sandbox, sandbox_client) -> None:
    async with make_bot(sandbox) as first, make_bot(sandbox) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        newer = asyncio.create_task(second.get_updates(timeout=0))
        with pytest.raises(Conflict):
            await asyncio.wait_for(waiting, 3)
        assert await newer == ()


async def test_application_answers_start_in_private_and_in_a_group(sandbox, sandbox_client) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(f"Chào {update.effective_user.first_name}!")

    app = application_builder(sandbox).build()
    app.add_handler(CommandHandler("start", start))
    user_id, group_id = await _group(sandbox_client)
    async with polling(app):
        sent = await sandbox_client.send_message(user_id, user_id, "/start")
        reply = await sandbox_client.wait_for_bot_message(
            user_id, after_message_id=sent["message_id"]
        )
        assert reply["text"] == "Chào Lan!"
        sent = await sandbox_client.send_message(group_id, user_id, "/start@nhacviec_bot")
        assert sent["delivered"] is True
        reply = await sandbox_client.wait_for_bot_message(
            group_id, after_message_id=sent["message_id"]
        )
        assert reply["text"] == "Chào Lan!"
    stats = await sandbox_client.stats()
    assert stats["requests"]["sendMessage"] == 2
    assert [s["chat_id"] for s in stats["sends"]] == [user_id, group_id]


async def test_privacy_mode_decides_what_the_bot_receives(sandbox_bot, sandbox_client) -> None:
    user_id, group_id = await _group(sandbox_client)
    bot_message = await sandbox_bot.send_message(group_id, "Nhắc việc: hạn 20/5")

    async def delivered(text: str, reply_to: int | None = None) -> bool:
        message = await sandbox_client.send_message(group_id, user_id, text, reply_to)
        return bool(message["delivered"])

    assert not await delivered("chỉ là tin nhắn thường")
    assert await delivered("/status")
    assert await delivered("/status@nhacviec_bot")
    assert not await delivered("/status@other_bot")
    assert await delivered("đã xong", reply_to=bot_message.message_id)
    assert await delivered("nhờ @nhacviec_bot ghi nhận")
    assert not await delivered("nhờ @other_bot ghi nhận")
    queued = [u["message"].get("text") for u in await sandbox_client.updates() if "message" in u]
    assert "chỉ là tin nhắn thường" not in queued
    assert "đã xong" in queued

    await sandbox_client.set_privacy(group_id, False)
    assert await delivered("chỉ là tin nhắn thường")
    users = await sandbox_client.messages(group_id, include_users=True)
    assert [m["delivered"] for m in users if not m["from_bot"] and "text" in m][-1] is True


async def test_html_is_validated_like_telegram(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    for bad in ("<foo>x</foo>", "<b>không đóng", "<b><i>x</b></i>", "a < b"):
        with pytest.raises(BadRequest, match=r"(?i)parse entities"):
            await sandbox_bot.send_message(group_id, bad, parse_mode="HTML")
    html = (
        '<b>Hạn</b> <i>20/5</i> <a href="https://example.vn">văn bản</a> '
        '<span class="tg-spoiler">x</span> <pre><code class="language-python">1 &lt; 2</code></pre> '
        "<blockquote expandable>trích</blockquote> &amp; &#273;"
    )
    sent = await sandbox_bot.send_message(group_id, html, parse_mode="HTML")
    assert sent.text == "Hạn 20/5 văn bản x 1 < 2 trích & đ"
    types = [e.type for e in sent.entities]
    assert types == ["bold", "italic", "text_link", "spoiler", "pre", "expandable_blockquote"]
    assert sent.entities[4].language == "python"
    recorded = (await sandbox_client.messages(group_id))[-1]
    assert recorded["html"] == html and recorded["parse_mode"] == "HTML"


async def test_text_length_is_checked_after_parsing(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    await sandbox_bot.send_message(group_id, "ă" * 4096)
    await sandbox_bot.send_message(group_id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await sandbox_bot.send_message(group_id, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await sandbox_bot.send_message(group_id, "<b> </b>", parse_mode="HTML")
    assert len(await sandbox_client.messages(group_id)) == 2


async def test_callback_data_longer_than_64_bytes_is_rejected(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="đ" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await sandbox_bot.send_message(group_id, "chọn", reply_markup=too_long)
    just_fits = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="đ" * 32)]])
    await sandbox_bot.send_message(group_id, "chọn", reply_markup=just_fits)


async def test_button_press_reaches_the_callback_handler(sandbox, sandbox_client) -> None:
    seen: list[tuple[str | None, int, str | None]] = []

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        seen.append((query.data, query.message.message_id, query.message.text))
        await query.answer("Đã ghi nhận", show_alert=True)
        await query.edit_message_text("Sở Tư pháp: đã xong")

    app = application_builder(sandbox).build()
    app.add_handler(CallbackQueryHandler(on_button))
    user_id, group_id = await _group(sandbox_client)
    async with polling(app):
        reminder = await app.bot.send_message(group_id, "Nhắc: báo cáo quý", reply_markup=BUTTONS)
        with pytest.raises(SandboxError, match=r"(?i)no button"):
            await sandbox_client.press_button(group_id, reminder.message_id, user_id, "nope")
        query_id = await sandbox_client.press_button(
            group_id, reminder.message_id, user_id, "done:1"
        )
        answer = await sandbox_client.wait_for_callback_answer(query_id)
        for _ in range(50):
            record = (await sandbox_client.messages(group_id))[-1]
            if record["edits"]:
                break
            await asyncio.sleep(0.02)
    assert seen == [("done:1", reminder.message_id, "Nhắc: báo cáo quý")]
    assert answer["text"] == "Đã ghi nhận" and answer["show_alert"] is True
    assert answer["user_id"] == user_id and answer["data"] == "done:1"
    assert record["text"] == "Sở Tư pháp: đã xong"
    assert "reply_markup" not in record  # editMessageText without markup drops the keyboard
    assert record["edits"][0]["text"] == "Nhắc: báo cáo quý"
    assert await sandbox_client.callback_answers() == [answer]


async def test_edits_and_not_modified(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    sent = await sandbox_bot.send_message(group_id, "Tổng hợp", reply_markup=BUTTONS)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await sandbox_bot.edit_message_text(
            "Tổng hợp", chat_id=group_id, message_id=sent.message_id, reply_markup=BUTTONS
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await sandbox_bot.edit_message_reply_markup(
            chat_id=group_id, message_id=sent.message_id, reply_markup=BUTTONS
        )
    edited = await sandbox_bot.edit_message_text(
        "<b>Tổng hợp</b> mới",
        chat_id=group_id,
        message_id=sent.message_id,
        parse_mode="HTML",
        reply_markup=BUTTONS,
    )
    assert edited.text == "Tổng hợp mới" and edited.edit_date is not None
    cleared = await sandbox_bot.edit_message_reply_markup(
        chat_id=group_id, message_id=sent.message_id, reply_markup=None
    )
    assert cleared.reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await sandbox_bot.edit_message_text("x", chat_id=group_id, message_id=999)
    record = (await sandbox_client.messages(group_id))[-1]
    assert [e["text"] for e in record["edits"]] == ["Tổng hợp", "Tổng hợp mới"]
    assert record["html"] == "<b>Tổng hợp</b> mới"
    assert await sandbox_bot.delete_message(group_id, sent.message_id)
    assert (await sandbox_client.messages(group_id))[-1]["deleted"] is True


async def test_documents_upload_and_download(sandbox_bot, sandbox_client) -> None:
    user_id, group_id = await _group(sandbox_client)
    report = "Báo cáo tiến độ\n".encode() * 100
    sent = await sandbox_bot.send_document(
        group_id, report, filename="bao-cao.txt", caption="<b>Tệp</b>", parse_mode="HTML"
    )
    assert sent.document.file_name == "bao-cao.txt"
    assert sent.document.mime_type == "text/plain"
    assert sent.caption == "Tệp"
    file = await sandbox_bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == report
    assert await sandbox_client.download(sent.document.file_id) == report
    again = await sandbox_bot.send_document(group_id, sent.document.file_id)
    assert again.document.file_id == sent.document.file_id

    upload = b"%PDF-1.4 fake"
    posted = await sandbox_client.send_document(
        group_id, user_id, "ke-hoach.pdf", upload, caption="/import", mime_type="application/pdf"
    )
    assert posted["delivered"] is True
    user_file = await sandbox_bot.get_file(posted["document"]["file_id"])
    assert bytes(await user_file.download_as_bytearray()) == upload
    photo = await sandbox_bot.send_photo(group_id, b"\x89PNG\r\n\x1a\n" + bytes(16))
    assert photo.photo[-1].file_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await sandbox_bot.send_document(group_id, "no-such-file-id")
    records = await sandbox_client.messages(group_id)
    assert [("document" in r, "photo" in r) for r in records] == [
        (True, False),
        (True, False),
        (False, True),
    ]


async def test_commands_are_stored_per_scope_and_language(sandbox_bot, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    vi = [BotCommand("status", "Tình hình thực hiện"), BotCommand("done", "Báo đã xong")]
    en = [BotCommand("status", "Progress")]
    await sandbox_bot.set_my_commands(vi)
    await sandbox_bot.set_my_commands(en, language_code="en")
    await sandbox_bot.set_my_commands(vi[:1], scope=BotCommandScopeAllGroupChats())
    await sandbox_bot.set_my_commands(vi[1:], scope=BotCommandScopeChat(group_id))
    assert [c.command for c in await sandbox_bot.get_my_commands()] == ["status", "done"]
    assert [c.description for c in await sandbox_bot.get_my_commands(language_code="en")] == [
        "Progress"
    ]
    got = await sandbox_bot.get_my_commands(scope=BotCommandScopeChat(group_id))
    assert [c.command for c in got] == ["done"]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await sandbox_bot.set_my_commands([BotCommand("Trạng thái", "x")])
    stored = await sandbox_client.commands()
    assert {(c["scope"]["type"], c["language_code"]) for c in stored} == {
        ("default", ""),
        ("default", "en"),
        ("all_group_chats", ""),
        ("chat", ""),
    }
    await sandbox_bot.delete_my_commands(language_code="en")
    assert await sandbox_bot.get_my_commands(language_code="en") == ()


async def test_chat_information_and_membership(sandbox_bot, sandbox_client) -> None:
    owner = await sandbox_client.create_user("Chủ", "chu_nhom")
    deputy = await sandbox_client.create_user("Phó", "pho_nhom")
    chat = await sandbox_client.create_chat(
        "supergroup",
        "Điều phối Sở Nội vụ",
        members=[owner["id"], deputy["id"]],
        admins=[deputy["id"]],
    )
    await sandbox_client.add_bot(chat["id"], owner["id"], as_admin=True)
    full = await sandbox_bot.get_chat(chat["id"])
    assert (full.type, full.title) == ("supergroup", "Điều phối Sở Nội vụ")
    members = {
        uid: (await sandbox_bot.get_chat_member(chat["id"], uid)).status
        for uid in (owner["id"], deputy["id"], sandbox_bot.id)
    }
    assert members == {
        owner["id"]: "creator",
        deputy["id"]: "administrator",
        123456: "administrator",
    }
    admins = await sandbox_bot.get_chat_administrators(chat["id"])
    assert {a.user.id for a in admins} == {owner["id"], deputy["id"], 123456}
    assert await sandbox_bot.get_chat_member_count(chat["id"]) == 3
    assert await sandbox_bot.send_chat_action(chat["id"], "typing")
    stranger = await sandbox_client.create_user("Khách")
    joined = await sandbox_client.add_member(chat["id"], stranger["id"], by_user=owner["id"])
    assert joined["new_chat_members"][0]["id"] == stranger["id"] and joined["delivered"]
    assert await sandbox_bot.leave_chat(chat["id"])
    with pytest.raises(Forbidden, match=r"(?i)not a member"):
        await sandbox_bot.send_message(chat["id"], "sau khi rời nhóm")


async def test_replies_carry_the_replied_message(sandbox_bot, sandbox_client) -> None:
    user_id, group_id = await _group(sandbox_client)
    reminder = await sandbox_bot.send_message(group_id, "Nhắc: hạn 20/5")
    await sandbox_client.send_message(group_id, user_id, "đang thực hiện 60%", reminder.message_id)
    updates = await sandbox_bot.get_updates(timeout=0)
    reply = [u.message for u in updates if u.message and u.message.text][-1]
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == reminder.message_id
    assert reply.reply_to_message.from_user.id == sandbox_bot.id
    answer = await sandbox_bot.send_message(
        group_id, "Đã ghi nhận", reply_to_message_id=reply.message_id
    )
    assert answer.reply_to_message.text == "đang thực hiện 60%"
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await sandbox_bot.send_message(group_id, "x", reply_to_message_id=9999)
    loose = await sandbox_bot.send_message(
        group_id, "x", reply_to_message_id=9999, allow_sending_without_reply=True
    )
    assert loose.reply_to_message is None


async def test_a_callback_query_can_be_answered_once(sandbox_bot, sandbox_client) -> None:
    user_id, group_id = await _group(sandbox_client)
    sent = await sandbox_bot.send_message(group_id, "Chọn", reply_markup=BUTTONS)
    query_id = await sandbox_client.press_button(group_id, sent.message_id, user_id, "extend:1")
    updates = await sandbox_bot.get_updates(timeout=0)
    query = next(u.callback_query for u in updates if u.callback_query)
    assert (query.id, query.data, query.from_user.id) == (query_id, "extend:1", user_id)
    assert query.message.reply_markup == BUTTONS
    assert await query.answer()
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()


async def test_reset_forgets_the_world_but_ids_keep_growing(sandbox_bot, sandbox_client) -> None:
    user = await sandbox_client.create_user("Một")
    await sandbox_client.send_message(user["id"], user["id"], "trước")
    before = await sandbox_bot.get_updates(timeout=0)
    await sandbox_client.set_faults(failure_rate=1.0)
    await sandbox_client.reset()
    assert (await sandbox_client.stats())["total_sends"] == 0
    with pytest.raises(SandboxError, match=r"unknown user"):
        await sandbox_client.send_message(user["id"], user["id"], "sau")
    again = await sandbox_client.create_user("Hai")
    assert again["id"] > user["id"]
    await sandbox_client.send_message(again["id"], again["id"], "sau")
    after = await sandbox_bot.get_updates(offset=before[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in after] == ["sau"]


async def test_raw_json_and_form_bodies_get_bot_api_shaped_answers(sandbox, sandbox_client) -> None:
    _, group_id = await _group(sandbox_client)
    url = f"{sandbox.api_url}{sandbox.token}/sendMessage"
    async with httpx.AsyncClient() as http:
        as_json = await http.post(url, json={"chat_id": group_id, "text": "json"})
        as_form = await http.post(url, data={"chat_id": str(group_id), "text": "form"})
        missing = await http.post(url, json={"chat_id": -1, "text": "x"})
        migrated_id = await sandbox_client.migrate_to_supergroup(group_id)
        migrated = await http.post(url, json={"chat_id": group_id, "text": "x"})
    assert as_json.json()["result"]["text"] == "json"
    assert as_form.json()["result"]["chat"]["id"] == group_id
    assert missing.status_code == 400
    assert missing.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat not found",
    }
    assert migrated.json()["parameters"] == {"migrate_to_chat_id": migrated_id}
