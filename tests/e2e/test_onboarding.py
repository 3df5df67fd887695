"""Onboarding through the real bot and the sandbox: the bot joins a group,
/setup with buttons, invites redeemed by deep link and by code (expired and
reused codes refused), removal, a supergroup migration, the bot removed."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import ManualClock
from bot.domain.rights import Role
from bot.services import agencies as agency_service
from bot.services import chats as chat_service
from storage.models import Chat, ChatPurpose, Member, ReminderOutbox, Workspace
from tests import factories
from tests.e2e.harness import BotHarness

JSON = dict[str, Any]
REGISTRY = """\
territory: tỉnh Quảng Ngãi
agencies:
  - {code: STP, name: Sở Tư pháp, category: so_nganh}
  - {code: STC, name: Sở Tài chính, category: so_nganh}
  - {code: SYT, name: Sở Y tế, category: so_nganh}
"""
_CODE = re.compile(r"/join ([A-Z0-9]{8})")


def buttons(message: JSON) -> dict[str, str]:
    """The message's inline buttons: callback data -> label."""
    markup = message.get("reply_markup") or {}
    return {b["callback_data"]: b["text"] for row in markup.get("inline_keyboard", []) for b in row}


async def press_and_wait(
    harness: BotHarness, chat_id: int, message: JSON, user: JSON, data: str
) -> JSON:
    """Press a button and return the message once the bot has edited it."""
    before = len(message.get("edits") or [])
    await harness.press(chat_id, message, user, data)
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        current = next(
            m
            for m in await harness.bot_messages(chat_id)
            if m["message_id"] == message["message_id"]
        )
        if len(current["edits"]) > before or asyncio.get_running_loop().time() > deadline:
            await harness.idle()
            return current
        await asyncio.sleep(0.02)


async def make_admin(harness: BotHarness, user: JSON) -> None:
    settings = harness.runtime.settings
    harness.runtime.settings = settings.model_copy(update={"BOT_ADMINS": [user["id"]]})


async def coordination_group(
    harness: BotHarness, admin: JSON, title: str = "Sở Nội vụ — điều phối"
) -> tuple[JSON, int]:
    """An admin adds the bot to a group and makes it a new workspace's coordination group."""
    group = await harness.group(title, [admin], added_by=admin)
    menu = await harness.say(group["id"], admin, "/setup")
    assert "su:n" in buttons(menu)
    done = await press_and_wait(harness, group["id"], menu, admin, "su:n")
    assert "Đã tạo đơn vị điều phối" in done["text"] and "nhóm điều phối" in done["text"]
    async with harness.runtime.database.session() as session:
        workspace = (
            await session.execute(select(Workspace).where(Workspace.name == title))
        ).scalar_one()
    assert workspace.id is not None
    await agency_service.import_registry(
        harness.runtime, REGISTRY, "yaml", workspace=str(workspace.id)
    )
    return group, workspace.id


async def invite_code(
    harness: BotHarness, chat_id: int, coordinator: JSON, target: str
) -> tuple[str, JSON]:
    await harness.idle()  # earlier answers (join notices) are out of the way
    message = await harness.say(chat_id, coordinator, f"/invite {target}")
    found = _CODE.search(message["text"])
    assert found, message["text"]
    return found.group(1), message


async def test_bot_added_greets_and_explains_privacy(harness: BotHarness) -> None:
    officer = await harness.user("Minh")
    group = await harness.group("Nhóm đầu mối CCHC", [officer], added_by=officer)
    greeting = (await harness.bot_messages(group["id"]))[0]
    assert "/setup" in greeting["text"]
    assert "không đọc" in greeting["text"] and "trả lời (reply) vào tin của tôi" in greeting["text"]
    chat = await chat_service.get_chat(harness.runtime, group["id"])
    assert chat is not None and chat.bot_is_member and chat.workspace is None


async def test_setup_invite_and_join_by_deep_link_and_code(
    harness: BotHarness, clock: ManualClock
) -> None:
    admin = await harness.user("Hà", "ha_snv")
    await make_admin(harness, admin)
    group, workspace_id = await coordination_group(harness, admin)

    # Deep link: the invite message carries it, the focal point opens it.
    code, invite = await invite_code(harness, group["id"], admin, "STP")
    assert f"https://t.me/nhacviec_bot?start={code}" in invite["text"]
    assert "Sở Tư pháp" in invite["text"] and "20/05/2024" in invite["text"]
    lan = await harness.user("Lan", "lan_stp")
    joined = await harness.say(lan["id"], lan, f"/start {code}")
    assert "đầu mối của Sở Tư pháp" in joined["text"]
    await harness.idle()
    private = await harness.bot_messages(lan["id"])
    assert len(private) == 1, "the generic /start must not answer a deep link too"
    notices = [m["text"] for m in await harness.bot_messages(group["id"])]
    assert any("Lan (@lan_stp) đã nhận làm đầu mối của Sở Tư pháp" in n for n in notices)

    # The same code again, by someone else: refused.
    thief = await harness.user("Tuấn")
    reused = await harness.say(thief["id"], thief, f"/join {code}")
    assert "đã được dùng" in reused["text"]

    # A code typed with /join (lower case, with a space) works.
    code2, _ = await invite_code(harness, group["id"], admin, "Sở Tài chính")
    binh = await harness.user("Bình", "binh_stc")
    typed = await harness.say(binh["id"], binh, f"/join {code2[:4].lower()} {code2[4:]}")
    assert "đầu mối của Sở Tài chính" in typed["text"]

    # Expired: seven days and a second later.
    code3, _ = await invite_code(harness, group["id"], admin, "SYT")
    clock.advance(timedelta(days=7, seconds=1))
    late = await harness.say(thief["id"], thief, f"/join {code3}")
    assert "đã hết hạn" in late["text"]

    async with harness.runtime.database.session() as session:
        rows = (
            (await session.execute(select(Member).where(Member.workspace_id == workspace_id)))
            .scalars()
            .all()
        )
    focal = {
        (m.telegram_user_id, m.agency_id is not None) for m in rows if m.role == Role.FOCAL_POINT
    }
    assert focal == {(lan["id"], True), (binh["id"], True)}


async def test_several_focal_points_leave_and_remove(harness: BotHarness) -> None:
    admin = await harness.user("Hà")
    await make_admin(harness, admin)
    group, _ = await coordination_group(harness, admin)
    people = []
    for name in ("Lan", "Mai"):
        code, _ = await invite_code(harness, group["id"], admin, "STP")
        person = await harness.user(name, name.lower())
        await harness.say(person["id"], person, f"/join {code}")
        people.append(person)
    await harness.idle()  # the join notices are out
    listing = await harness.say(group["id"], admin, "/agencies")
    assert "STP" in listing["text"] and "2 đầu mối" in listing["text"]

    left = await harness.say(people[0]["id"], people[0], "/leave")
    assert "đã thôi là đầu mối của Sở Tư pháp" in left["text"]

    menu = await harness.say(group["id"], admin, "/remove STP")
    [data] = [d for d in buttons(menu) if d.startswith("iv:r:")]
    done = await press_and_wait(harness, group["id"], menu, admin, data)
    assert "Đã gỡ Mai" in done["text"]
    told = await harness.bot_messages(people[1]["id"])
    assert "không còn là đầu mối của Sở Tư pháp" in told[-1]["text"]
    again = await harness.say(group["id"], admin, "/remove STP")
    assert "chưa có đầu mối" in again["text"]


async def test_setup_focal_points_and_agency_groups(harness: BotHarness) -> None:
    admin = await harness.user("Hà")
    await make_admin(harness, admin)
    _, workspace_id = await coordination_group(harness, admin)
    coordinator = await harness.user("Minh", "minh_snv")
    await factories.member(
        harness.runtime.database, workspace_id, coordinator["id"], Role.COORDINATOR
    )

    focal_group = await harness.group("Đầu mối các sở", [coordinator], added_by=coordinator)
    menu = await harness.say(focal_group["id"], coordinator, "/setup")
    assert set(buttons(menu)) == {f"su:w:{workspace_id}"}  # no "new workspace" for a coordinator
    menu = await press_and_wait(
        harness, focal_group["id"], menu, coordinator, f"su:w:{workspace_id}"
    )
    assert set(buttons(menu)) == {
        f"su:c:{workspace_id}",
        f"su:f:{workspace_id}",
        f"su:a:{workspace_id}:0",
    }
    done = await press_and_wait(
        harness, focal_group["id"], menu, coordinator, f"su:f:{workspace_id}"
    )
    assert "nhóm đầu mối" in done["text"] and "trả lời (reply) vào tin của tôi" in done["text"]

    stp_group = await harness.group("Sở Tư pháp", [coordinator], added_by=coordinator)
    menu = await harness.say(stp_group["id"], coordinator, "/setup")
    menu = await press_and_wait(harness, stp_group["id"], menu, coordinator, f"su:w:{workspace_id}")
    menu = await press_and_wait(
        harness, stp_group["id"], menu, coordinator, f"su:a:{workspace_id}:0"
    )
    choice = {label.split(" · ")[0]: data for data, label in buttons(menu).items()}
    done = await press_and_wait(harness, stp_group["id"], menu, coordinator, choice["STP"])
    assert "nhóm của <b>Sở Tư pháp</b>" in done["html"]

    runtime = harness.runtime
    assert await chat_service.destinations(runtime, workspace_id, ChatPurpose.FOCAL_POINTS) == [
        focal_group["id"]
    ]
    stp = (await agency_service.resolve(runtime, workspace_id, "STP")).agency
    assert stp is not None
    assert await chat_service.destinations(runtime, workspace_id, ChatPurpose.AGENCY, stp.id) == [
        stp_group["id"]
    ]


async def test_supergroup_migration_keeps_setup_and_pending_reminders(harness: BotHarness) -> None:
    admin = await harness.user("Hà")
    await make_admin(harness, admin)
    group, workspace_id = await coordination_group(harness, admin)
    runtime = harness.runtime
    stp = (await agency_service.resolve(runtime, workspace_id, "STP")).agency
    assert stp is not None
    directive = await factories.directive(runtime.database, workspace_id)
    assert directive.id
    task = await factories.task(
        runtime.database, workspace_id, directive.id, stp.id, "T1", date(2024, 5, 20)
    )
    assert task.id
    pending = ReminderOutbox(
        workspace_id=workspace_id,
        task_id=task.id,
        kind="before",
        day=date(2024, 5, 17),
        send_at=datetime(2024, 5, 17, 1, 0, tzinfo=UTC),
        telegram_chat_id=group["id"],
    )
    await factories.add(runtime.database, pending)

    new_id = await harness.client.migrate_to_supergroup(group["id"])
    await harness.idle()
    async with runtime.database.session() as session:
        chats = (await session.execute(select(Chat))).scalars().all()
        outbox = (await session.execute(select(ReminderOutbox))).scalar_one()
    assert [
        (c.telegram_chat_id, c.purpose, c.workspace_id, c.migrated_from_chat_id) for c in chats
    ] == [(new_id, "coordination", workspace_id, group["id"])]
    assert outbox.telegram_chat_id == new_id and outbox.state == "pending"
    # The supergroup answers as the same group.
    listing = await harness.say(new_id, admin, "/agencies")
    assert "STP" in listing["text"]
    menu = await harness.say(new_id, admin, "/setup")
    assert f"su:c:{workspace_id}" in buttons(menu)


async def test_bot_removed_is_recorded_and_greets_on_return(harness: BotHarness) -> None:
    admin = await harness.user("Hà")
    await make_admin(harness, admin)
    group, workspace_id = await coordination_group(harness, admin)
    await harness.client.remove_bot(group["id"], admin["id"])
    await harness.idle()
    chat = await chat_service.get_chat(harness.runtime, group["id"])
    assert chat is not None and not chat.bot_is_member
    assert (
        await chat_service.destinations(harness.runtime, workspace_id, ChatPurpose.COORDINATION)
        == []
    )
    await harness.client.add_bot(group["id"], admin["id"])
    await harness.idle()
    back = (await harness.bot_messages(group["id"]))[-1]
    assert "vẫn là nhóm điều phối" in back["text"]
    assert await chat_service.destinations(
        harness.runtime, workspace_id, ChatPurpose.COORDINATION
    ) == [group["id"]]


async def test_english_texts_with_bot_language_en(harness: BotHarness) -> None:
    harness.runtime.settings = harness.runtime.settings.model_copy(update={"BOT_LANGUAGE": "en"})
    stranger = await harness.user("Sam")
    group = await harness.group("Team", [stranger], added_by=stranger)
    greeting = (await harness.bot_messages(group["id"]))[0]
    assert "send /setup" in greeting["text"] and "privacy mode" in greeting["text"]
    refused = await harness.say(group["id"], stranger, "/setup")
    assert refused["text"].startswith("You do not have the right")
    expired = await harness.say(stranger["id"], stranger, "/join ABCDEFGH")
    assert "not right" in expired["text"]
