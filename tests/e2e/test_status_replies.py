"""Free replies to a reminder and commands, through the real bot and the
sandbox with privacy mode on: a reply naming a task, a reply naming none
(the reminder's task, or a question when the agency has several there), a
report file as evidence, low confidence asked with buttons, acknowledgements
and questions that change nothing, commands with codes and Vietnamese
aliases, and every refusal."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.runtime import Runtime
from handlers.keyboards import reminder_keyboard
from tests.e2e.harness import BotHarness
from tests.e2e.status_scene import Scene, build_scene, buttons


@pytest.fixture
async def scene(harness: BotHarness, e2e_runtime: Runtime) -> AsyncIterator[Scene]:
    yield await build_scene(harness, e2e_runtime)


# ---------------------------------------------------------------- free replies


async def test_a_reply_naming_a_task_changes_that_task(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    answer = await scene.reply(group, scene.lan, "T1 đã xong", reminder)
    assert "<b>T1</b> — đã ghi nhận <b>hoàn thành</b>" in answer["html"]
    assert (await scene.task("T1")).state == "done"
    assert (await scene.task("T4")).state == "open"
    [update] = await scene.history("T1")
    assert (update.source, update.text, update.by_telegram_user_id) == (
        "reply",
        "T1 đã xong",
        scene.lan["id"],
    )


async def test_a_reply_naming_no_task_goes_to_the_repliers_only_task_there(
    scene: Scene,
) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    answer = await scene.reply(group, scene.hung, "đang thực hiện 50%", reminder)
    assert "<b>T3</b> — đã ghi nhận <b>đang thực hiện</b>, tiến độ 50%" in answer["html"]
    task = await scene.task("T3")
    assert (task.state, task.progress) == ("open", 50)


async def test_several_tasks_of_the_agency_are_asked_about_with_buttons(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    question = await scene.reply(group, scene.lan, "đã xong", reminder)
    assert question["text"] == "Anh/chị báo cho nhiệm vụ nào?"
    choices = buttons(question)
    assert len(choices) == 2 and all(c.startswith("s:c:") for c in choices)
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0].startswith("T1 — ") and labels[1].startswith("T4 — ")
    # Someone else may not answer Lan's question.
    other = await scene.press(group, question, scene.hung, choices[1])
    assert other["show_alert"] and "dành cho người đã gửi tin" in other["text"]
    await scene.press(group, question, scene.lan, choices[1])
    confirmation = await scene.next(group)
    assert "<b>T4</b> — đã ghi nhận <b>hoàn thành</b>" in confirmation["html"]
    assert ((await scene.task("T4")).state, (await scene.task("T1")).state) == ("done", "open")
    # The question's buttons are gone; pressing an old one again does nothing.
    assert buttons(await scene.message(group, question["message_id"])) == []


async def test_a_report_file_replying_to_the_reminder_is_kept_as_evidence(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    await scene.mark(group)
    sent = await scene.harness.client.send_document(
        group,
        scene.lan["id"],
        "BC-45-STP.pdf",
        b"%PDF-1.4 bao cao",
        caption="T1 đã xong, gửi kèm báo cáo số 45/BC-STP",
        reply_to=reminder["message_id"],
    )
    assert sent["delivered"]
    confirmation = await scene.next(group)
    assert "đã ghi nhận <b>hoàn thành</b>" in confirmation["html"]
    assert "Đã lưu tệp «BC-45-STP.pdf» làm minh chứng" in confirmation["text"]
    [update] = await scene.history("T1")
    assert (update.kind, update.file_name) == ("done", "BC-45-STP.pdf")
    assert update.file_id == sent["document"]["file_id"]
    assert await scene.harness.client.download(update.file_id) == b"%PDF-1.4 bao cao"


async def test_a_file_alone_is_asked_about_and_kept(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    await scene.mark(group)
    await scene.harness.client.send_document(
        group, scene.hung["id"], "ke-hoach.docx", b"PK", reply_to=reminder["message_id"]
    )
    question = await scene.next(group)
    assert "Ý anh/chị là" in question["text"] and "ke-hoach.docx" in question["text"]
    done = next(c for c in buttons(question) if c.endswith(":d"))
    await scene.press(group, question, scene.hung, done)
    await scene.next(group)
    [update] = await scene.history("T3")
    assert (update.kind, update.file_name) == ("done", "ke-hoach.docx")


async def test_a_command_in_a_file_caption(scene: Scene) -> None:
    await scene.send_reminders()
    group = scene.focal_group["id"]
    await scene.mark(group)
    await scene.harness.client.send_document(
        group, scene.lan["id"], "bao-cao.xlsx", base64.b64decode("UEs="), caption="/xong T4"
    )
    confirmation = await scene.next(group)
    assert "<b>T4</b> — đã ghi nhận <b>hoàn thành</b>" in confirmation["html"]
    [update] = await scene.history("T4")
    assert (update.source, update.file_name) == ("command", "bao-cao.xlsx")


async def test_low_confidence_is_confirmed_with_buttons_before_anything_changes(
    scene: Scene,
) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    question = await scene.reply(group, scene.hung, "để em xem lại", reminder)
    assert "Tôi chưa chắc đã hiểu đúng" in question["text"] and "T3" in question["text"]
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [
        "✅ Đã xong",
        "🔄 Đang thực hiện",
        "⚠️ Vướng mắc",
        "⏳ Xin gia hạn",
        "✖️ Không, chỉ thông tin",
    ]
    assert await scene.history("T3") == []
    progress = next(c for c in buttons(question) if c.endswith(":p"))
    await scene.press(group, question, scene.hung, progress)
    percent = await scene.next(group)
    assert buttons(percent) == [f"t:{scene.tasks['T3']}:p:{p}" for p in (25, 50, 75, 90)]
    await scene.press(group, percent, scene.hung, f"t:{scene.tasks['T3']}:p:50")
    await scene.eventually(group, percent["message_id"], lambda m: "50%" in m["text"])
    assert (await scene.task("T3")).progress == 50


async def test_no_just_a_note_changes_nothing(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    question = await scene.reply(group, scene.hung, "không có vướng mắc gì", reminder)
    assert "Ý anh/chị là" in question["text"]
    nothing = next(c for c in buttons(question) if c.endswith(":n"))
    await scene.press(group, question, scene.hung, nothing)
    note = await scene.next(group)
    assert "không thay đổi" in note["text"]
    assert await scene.history("T3") == []


async def test_acknowledgement_and_question_never_change_the_task(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    ack = await scene.reply(group, scene.hung, "đã nhận ạ", reminder)
    assert ack["text"].startswith("👍 Cảm ơn anh/chị. Nhiệm vụ T3 vẫn ở trạng thái")
    question = await scene.reply(group, scene.hung, "Nhiệm vụ này hạn ngày nào ạ?", reminder)
    assert "Hạn: 20/05/2024 (còn 3 ngày làm việc)" in question["text"]
    assert "Bố trí kinh phí thực hiện Đề án 06" in question["text"]
    asked_done = await scene.reply(group, scene.hung, "Đã hoàn thành chưa?", reminder)
    assert "Trạng thái: đang thực hiện" in asked_done["text"]
    task = await scene.task("T3")
    assert (task.state, task.progress) == ("open", 0)
    assert await scene.history("T3") == []


async def test_free_text_asking_for_more_time_goes_to_the_coordinators(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    await scene.mark(scene.coordination["id"])
    answer = await scene.reply(group, scene.hung, "xin gia hạn đến 31/5 vì chờ số liệu", reminder)
    assert "Đã gửi đề nghị gia hạn nhiệm vụ <b>T3</b> đến ngày <b>31/05/2024</b>" in answer["html"]
    posted = await scene.next(scene.coordination["id"])
    assert "Lý do: chờ số liệu" in posted["text"] and "Người đề nghị: Hùng" in posted["text"]


async def test_privacy_mode_a_plain_message_is_not_seen(scene: Scene) -> None:
    await scene.send_reminders()
    group = scene.focal_group["id"]
    before = len(await scene.harness.bot_messages(group))
    posted = await scene.harness.post(group, scene.lan, "T1 đã xong")
    assert posted["delivered"] is False
    await scene.quiet()
    assert len(await scene.harness.bot_messages(group)) == before
    assert (await scene.task("T1")).state == "open"


# ---------------------------------------------------------------- commands


async def test_done_commands_with_the_code_any_case_and_the_bots_name(scene: Scene) -> None:
    group = scene.focal_group["id"]
    for command, code in (("/xong T1", "T1"), ("/done t4", "T4"), ("/xong@nhacviec_bot T2", "T2")):
        answer = await scene.harness.say(group, scene.lan, command)
        assert f"<b>{code}</b> — đã ghi nhận <b>hoàn thành</b>" in answer["html"], command
        assert (await scene.task(code)).state == "done"


async def test_progress_blocked_and_extend_commands_with_vietnamese_aliases(scene: Scene) -> None:
    group = scene.focal_group["id"]
    say = scene.harness.say
    progress = await say(group, scene.lan, "/tiendo T4 60")
    assert "tiến độ 60%" in progress["text"]
    english = await say(group, scene.lan, "/progress T4 80%")
    assert "tiến độ 80%" in english["text"]
    blocked = await say(group, scene.hung, "/vuong T3 chưa có số liệu của Sở Kế hoạch")
    assert "vướng mắc</b>: chưa có số liệu của Sở Kế hoạch" in blocked["html"]
    also = await say(group, scene.lan, "/blocked T1 chờ ý kiến UBND tỉnh")
    assert "chờ ý kiến UBND tỉnh" in also["text"]
    extend = await say(group, scene.lan, "/giahan T2 14/6 chờ số liệu quý II")
    assert "đến ngày <b>14/06/2024</b>" in extend["html"]
    english_extend = await say(group, scene.lan, "/extend T1 30/5")
    assert "đến ngày <b>30/05/2024</b>" in english_extend["html"]
    assert (await scene.task("T4")).progress == 80
    assert (await scene.task("T3")).blocked_reason == "chưa có số liệu của Sở Kế hoạch"
    requests = await scene.extension_requests()
    assert [(r.requested_date, r.reason) for r in requests] == [
        (date(2024, 6, 14), "chờ số liệu quý II"),
        (date(2024, 5, 30), None),
    ]


async def test_commands_missing_a_part_ask_for_it(scene: Scene) -> None:
    group = scene.focal_group["id"]
    say = scene.harness.say
    percent = await say(group, scene.lan, "/tiendo T4")
    assert buttons(percent) == [f"t:{scene.tasks['T4']}:p:{p}" for p in (25, 50, 75, 90)]
    reason = await say(group, scene.lan, "/vuong T4")
    assert reason["reply_keyboard"] == {"force_reply": True, "selective": True}
    answered = await scene.reply(group, scene.lan, "thiếu biên chế", reason)
    assert "thiếu biên chế" in answered["text"]
    date_prompt = await say(group, scene.hung, "/giahan T3")
    assert "đến ngày nào" in date_prompt["text"]
    bad = await say(group, scene.lan, "/tiendo T4 abc")
    assert "Cách dùng: /tiendo" in bad["text"]
    unknown = await say(group, scene.lan, "/xong T99")
    assert "Không tìm thấy nhiệm vụ mã <b>T99</b>" in unknown["html"]


async def test_a_command_without_a_code_uses_the_agencys_tasks(scene: Scene) -> None:
    group = scene.focal_group["id"]
    only = await scene.harness.say(group, scene.hung, "/xong")
    assert "<b>T3</b> — đã ghi nhận <b>hoàn thành</b>" in only["html"]
    several = await scene.harness.say(group, scene.lan, "/xong")
    assert several["text"] == "Anh/chị báo cho nhiệm vụ nào?" and len(buttons(several)) == 3


async def test_a_command_replying_to_the_reminder_uses_its_tasks(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    question = await scene.reply(group, scene.lan, "/xong", reminder)
    assert len(buttons(question)) == 2  # T1 and T4, not T2 (not on this reminder)


# ---------------------------------------------------------------- refusals


async def test_a_focal_point_cannot_touch_another_agencys_task(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    answer = await scene.press(group, reminder, scene.hung, f"t:{scene.tasks['T1']}:d")
    assert answer["show_alert"] and "không có quyền" in answer["text"]
    by_code = await scene.harness.say(group, scene.hung, "/xong T1")
    assert "chưa có quyền" in by_code["text"]
    by_reply = await scene.reply(group, scene.hung, "T1 đã xong", reminder)
    assert "chưa có quyền" in by_reply["text"]
    assert (await scene.task("T1")).state == "open"
    assert await scene.history("T1") == []
    refusals = await scene.refusals()
    assert len(refusals) == 3 and {r.telegram_user_id for r in refusals} == {scene.hung["id"]}


async def test_a_stranger_is_refused(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    answer = await scene.press(group, reminder, scene.khach, f"t:{scene.tasks['T1']}:d")
    assert answer["show_alert"]
    reply = await scene.reply(group, scene.khach, "đã xong", reminder)
    assert "không có nhiệm vụ nào của cơ quan anh/chị" in reply["text"]
    command = await scene.harness.say(group, scene.khach, "/xong T1")
    assert "chưa có quyền" in command["text"]
    assert (await scene.task("T1")).state == "open"
    assert len(await scene.refusals()) == 3


async def test_a_coordinator_may_answer_for_any_agency(scene: Scene) -> None:
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    answer = await scene.press(group, reminder, scene.minh, f"t:{scene.tasks['T3']}:d")
    assert answer["text"] == "Đã ghi nhận."
    assert (await scene.task("T3")).state == "done"


async def test_a_forged_button_for_another_workspaces_task_reveals_nothing(
    scene: Scene, e2e_runtime: Runtime
) -> None:
    from tests import factories

    other_ws = await factories.workspace(e2e_runtime.database, "Huyện khác")
    assert other_ws.id is not None
    agency = await factories.agency(e2e_runtime.database, other_ws.id, "PTP", "Phòng Tư pháp")
    directive = await factories.directive(e2e_runtime.database, other_ws.id, "9/UBND")
    assert agency.id and directive.id
    foreign = await factories.task(
        e2e_runtime.database, other_ws.id, directive.id, agency.id, "T1", date(2024, 5, 20)
    )
    reminder = await scene.send_reminders()
    group = scene.focal_group["id"]
    for data in (f"t:{foreign.id}:d", "t:99999:d", f"t:{foreign.id}:b", "t:1:zz"):
        scene.forge(group, reminder, data)
    answers = [
        await scene.press(group, reminder, scene.minh, data)
        for data in (f"t:{foreign.id}:d", "t:99999:d", f"t:{foreign.id}:b")
    ]
    assert answers[0]["text"] == answers[1]["text"] == answers[2]["text"]
    assert all(a["show_alert"] for a in answers)
    garbage = await scene.press(group, reminder, scene.minh, "t:1:zz")
    assert "không còn hiệu lực" in garbage["text"]
    async with e2e_runtime.database.session() as session:
        from storage.models import Task

        row = await session.get(Task, foreign.id)
        assert row is not None and row.state == "open"
    refusals = await scene.refusals()
    assert len(refusals) == 3
    assert refusals[0].detail["target_workspace"] == other_ws.id
    # Nothing of the other workspace appeared in the chat.
    texts = " ".join(m["text"] for m in await scene.harness.bot_messages(group))
    assert "Phòng Tư pháp" not in texts and "9/UBND" not in texts


async def test_a_reply_to_a_reminder_whose_sending_was_never_recorded_is_not_lost(
    scene: Scene,
) -> None:
    """A reminder Telegram delivered but whose answer was lost has no message
    id in the outbox; its task buttons still tell the bot what it was about."""
    group = scene.focal_group["id"]
    t3 = await scene.task("T3")
    assert t3.id is not None
    unrecorded = await scene.harness.app.bot.send_message(
        group, "Nhắc việc: T3", reply_markup=reminder_keyboard([(t3.id, "T3")], "vi")
    )
    reminder = await scene.message(group, unrecorded.message_id)
    answer = await scene.reply(group, scene.hung, "đang thực hiện 50%", reminder)
    assert "<b>T3</b> — đã ghi nhận <b>đang thực hiện</b>, tiến độ 50%" in answer["html"]
    task = await scene.task("T3")
    assert (task.state, task.progress) == ("open", 50)
    # Another agency's focal point answering it changes nothing.
    await scene.reply(group, scene.lan, "đã xong", reminder)
    assert (await scene.task("T3")).state == "open"
