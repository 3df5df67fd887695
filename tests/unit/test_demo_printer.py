"""The demo's transcript layout, from canned sandbox records (no bot, no HTTP)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.printer import (
    Transcript,
    button_rows,
    message_body,
    quote,
    render_block,
    render_buttons,
)
from bot.demo.script import learn_codes, task_button

JSON = dict[str, Any]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
GROUP = -4000000002
LAN = 7000000002


def reminder(message_id: int = 5, rows: list[list[tuple[str, str]]] | None = None) -> JSON:
    rows = rows if rows is not None else [[("✅ T2 xong", "t:2:d"), ("⏳ Đang làm", "t:2:p")]]
    return {
        "message_id": message_id,
        "chat": {"id": GROUP, "type": "group", "title": "Nhóm đầu mối CCHC"},
        "text": "🔔 Nhắc hạn nhiệm vụ — ngày 15/05/2024\n\n🏢 Sở Tài chính\nT2 · Văn bản số 1520",
        "reply_markup": {
            "inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]
        },
    }


class FakeClient:
    """The three test-API reads the transcript makes."""

    def __init__(self) -> None:
        self.chat_messages: dict[int, list[JSON]] = {}
        self.sends: list[JSON] = []
        self.answers: list[JSON] = []

    def bot_sends(self, message: JSON) -> None:
        chat_id = message["chat"]["id"]
        self.chat_messages.setdefault(chat_id, []).append(message)
        self.sends.append({"chat_id": chat_id, "message_id": message["message_id"]})

    async def stats(self) -> JSON:
        return {"sends": list(self.sends)}

    async def messages(self, chat_id: int) -> list[JSON]:
        return list(self.chat_messages.get(chat_id, []))

    async def callback_answers(self) -> list[JSON]:
        return list(self.answers)


def transcript(client: FakeClient, lang: str = "vi", numbered: bool = False) -> Transcript:
    return Transcript(
        client=client,  # type: ignore[arg-type]
        lang=lang,
        timezone=VN,
        now=lambda: datetime(2024, 5, 15, 1, 0, tzinfo=UTC),
        out=io.StringIO(),
        numbered=numbered,
        people={LAN: "Lan (Sở Tư pháp)"},
        chats={GROUP: "Nhóm đầu mối CCHC"},
    )


def test_buttons_are_shown_in_brackets_row_by_row_and_numbered_when_interactive() -> None:
    rows = button_rows(reminder(rows=[[("✅ T2 xong", "a"), ("⏳ Đang làm", "b")], [("x", "c")]]))
    assert render_buttons(rows) == ["    [✅ T2 xong] [⏳ Đang làm]", "    [x]"]
    assert render_buttons(rows, numbered=True) == [
        "    [1 ✅ T2 xong] [2 ⏳ Đang làm]",
        "    [3 x]",
    ]


def test_a_block_indents_continuation_lines_and_brief_keeps_the_first() -> None:
    assert render_block("[h] A · B", "one\ntwo") == ["[h] A · B: one", "    two"]
    assert render_block("[h] A · B", "one\ntwo\nthree", brief=True) == ["[h] A · B: one", "    …"]
    assert quote("a" * 100).endswith("…") and len(quote("a" * 100)) == 48


def test_files_and_photos_are_described_with_their_caption() -> None:
    document = {
        "document": {"file_name": "bao-cao.docx", "file_size": 2048},
        "caption": "📄 Dự thảo",
    }
    assert message_body("vi", document) == "📎 Tệp bao-cao.docx (2.0 KB)\n📄 Dự thảo"
    assert message_body("en", {"photo": [{}], "caption": "📊 Chart"}) == "🖼 [photo]\n📊 Chart"


async def test_flush_prints_new_messages_with_time_chat_speaker_and_buttons() -> None:
    client = FakeClient()
    printer = transcript(client)
    client.bot_sends(reminder())
    new = await printer.flush()
    assert [m["message_id"] for m in new] == [5]
    assert printer.lines[0] == (
        "[08:00 15/05/2024] Nhóm đầu mối CCHC · Nhắc việc: 🔔 Nhắc hạn nhiệm vụ — ngày 15/05/2024"
    )
    assert printer.lines[-1] == "    [✅ T2 xong] [⏳ Đang làm]"
    assert printer.last_with_buttons(GROUP) == reminder()
    assert await printer.flush() == [] and len(printer.lines) == 5  # nothing printed twice


async def test_edits_pop_ups_and_people_are_printed_as_they_happen() -> None:
    client = FakeClient()
    printer = transcript(client)
    client.bot_sends(reminder())
    await printer.flush()
    printer.user_pressed(GROUP, LAN, "✅ T2 xong")
    client.answers.append({"text": "Đã ghi nhận.", "show_alert": False, "user_id": LAN})
    client.chat_messages[GROUP][0] = reminder(rows=[])
    printer.touch(GROUP)
    await printer.flush()
    assert printer.lines[-3:] == [
        "[08:00 15/05/2024] Nhóm đầu mối CCHC · Lan (Sở Tư pháp) bấm nút [✅ T2 xong]",
        "    ↳ Lan thấy thông báo nhỏ: «Đã ghi nhận.»",
        "[08:00 15/05/2024] Nhóm đầu mối CCHC · Nhắc việc ✎ bỏ các nút dưới tin "
        "«🔔 Nhắc hạn nhiệm vụ — ngày 15/05/2024»",
    ]
    assert printer.last_with_buttons(GROUP) is None
    printer.user_said(LAN, LAN, "line 1\nline 2\nline 3", max_lines=1)
    assert printer.lines[-2:] == [
        "[08:00 15/05/2024] Tin riêng với Lan · Lan (Sở Tư pháp): line 1",
        "    … (còn 2 dòng)",
    ]


def test_a_focal_point_reads_task_codes_and_finds_the_row_of_a_task() -> None:
    message = reminder()
    message["text"] = (
        "🔔 ...\n\n🏢 Sở Tài chính\nĐầu mối: Hùng\n\nT2 · Văn bản số 1\n\n🏢 Sở Y tế\nT3 · x"
    )
    assert learn_codes(message) == {"Sở Tài chính": "T2", "Sở Y tế": "T3"}
    match = task_button("T12", "e")
    assert not match("📅 Gia hạn", "t:12:e")  # the row is not known before its first label
    assert match("✅ T12 xong", "t:12:d") is False and match("📅 Gia hạn", "t:12:e")
    assert not match("📅 Gia hạn", "t:1:e")
