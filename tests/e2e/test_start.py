"""/start and /help through the real Application and the sandbox, the
command menus, and a restart on the same database."""

from __future__ import annotations

import bot.app
from bot.runtime import Runtime
from tests.e2e.harness import BotHarness


async def test_start_in_private_chat_answers_in_vietnamese(harness: BotHarness) -> None:
    lan = await harness.user("Lan", "lan_stp")
    reply = await harness.say(lan["id"], lan, "/start")
    assert reply["text"].startswith("Xin chào Lan!")
    assert "Đầu mối của cơ quan" in reply["text"]
    assert "Cán bộ Sở Nội vụ" in reply["text"]
    assert "<b>Nhắc việc</b>" in reply["html"]


async def test_start_in_a_group_explains_setup_and_privacy(harness: BotHarness) -> None:
    officer = await harness.user("Minh")
    group = await harness.group("Đầu mối CCHC", [officer], added_by=officer)
    reply = await harness.say(group["id"], officer, "/start@nhacviec_bot")
    assert "/setup" in reply["text"]
    assert "trả lời (reply) vào tin nhắc việc" in reply["text"]


async def test_help_lists_commands_with_vietnamese_aliases(harness: BotHarness) -> None:
    lan = await harness.user("Lan")
    reply = await harness.say(lan["id"], lan, "/help")
    for command in ("/xong", "/tiendo", "/vuong", "/giahan", "/status", "/new", "/join"):
        assert command in reply["text"]


async def test_english_with_bot_language_en(e2e_runtime: Runtime) -> None:
    e2e_runtime.settings = e2e_runtime.settings.model_copy(update={"BOT_LANGUAGE": "en"})
    async with BotHarness(e2e_runtime) as harness:
        lan = await harness.user("Lan")
        reply = await harness.say(lan["id"], lan, "/start")
    assert reply["text"].startswith("Hello Lan!")


async def test_command_menus_are_set_per_scope_and_language(harness: BotHarness) -> None:
    menus = await harness.client.commands()
    by_key = {(m["scope"]["type"], m["language_code"]): m["commands"] for m in menus}
    assert {"command": "xong", "description": "Báo đã hoàn thành"} in by_key[
        ("all_group_chats", "vi")
    ]
    assert {"command": "done", "description": "Report a task done"} in by_key[
        ("all_group_chats", "en")
    ]
    assert any(c["command"] == "join" for c in by_key[("all_private_chats", "vi")])


async def test_restart_on_the_same_database_keeps_answering(e2e_runtime: Runtime) -> None:
    for _ in range(2):
        async with BotHarness(e2e_runtime) as harness:
            lan = await harness.user("Lan")
            reply = await harness.say(lan["id"], lan, "/help")
            assert "/xong" in reply["text"]


async def test_a_bot_api_failing_while_the_menus_are_set_does_not_stop_the_bot(
    harness: BotHarness,
) -> None:
    await harness.client.reset()  # no menus yet
    await harness.client.set_faults(failure_rate=1.0)
    await bot.app._on_startup(harness.app)  # what run_polling calls after getMe: no exception
    assert await harness.client.commands() == []
    queue = harness.app.job_queue
    assert queue is not None
    [retry] = queue.get_jobs_by_name("menus.retry")
    await harness.client.set_faults(failure_rate=0)
    await retry.run(harness.app)
    menus = await harness.client.commands()
    assert {(m["scope"]["type"], m["language_code"]) for m in menus} >= {
        ("all_private_chats", "vi"),
        ("all_group_chats", "en"),
    }
    lan = await harness.user("Lan")
    reply = await harness.say(lan["id"], lan, "/start")  # and the bot answers meanwhile
    assert reply["text"].startswith("Xin chào Lan")
