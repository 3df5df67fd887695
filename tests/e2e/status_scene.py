"""A workspace played through the sandbox for the status-reply tests.

People are sandbox users; their Member rows carry the sandbox's ids. The
reminder a focal point answers is sent by the real reminder sweep
(`bot.services.reminders.sweep` with the Telegram sender the job uses), at
08:00 on Wednesday 15/5/2024, three working days before the deadline of
Monday 20/5.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import col, select

from bot.clock import ManualClock
from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.services import reminders
from jobs.sender import TelegramSender
from storage.models import (
    AuditEvent,
    Chat,
    ChatPurpose,
    ExtensionRequest,
    StatusUpdate,
    Task,
)
from tests import factories
from tests.e2e.harness import BotHarness

JSON = dict[str, Any]
REMINDER_MORNING = datetime(2024, 5, 15, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam


@dataclass
class Scene:
    harness: BotHarness
    runtime: Runtime
    workspace_id: int
    directive_id: int
    agencies: dict[str, int]
    lan: JSON  # focal point, Sở Tư pháp
    hung: JSON  # focal point, Sở Tài chính
    minh: JSON  # coordinator, Sở Nội vụ
    khach: JSON  # in the group, registered nowhere
    focal_group: JSON
    coordination: JSON
    tasks: dict[str, int] = field(default_factory=dict)
    _marks: dict[int, int] = field(default_factory=dict)

    @property
    def clock(self) -> ManualClock:
        clock = self.runtime.clock
        assert isinstance(clock, ManualClock)
        return clock

    async def task(self, code: str) -> Task:
        async with self.runtime.database.session() as session:
            row = await session.get(Task, self.tasks[code])
            assert row is not None
            return row

    async def history(self, code: str) -> list[StatusUpdate]:
        async with self.runtime.database.session() as session:
            result = await session.execute(
                select(StatusUpdate)
                .where(StatusUpdate.task_id == self.tasks[code])
                .order_by(col(StatusUpdate.id))
            )
            return list(result.scalars())

    async def refusals(self) -> list[AuditEvent]:
        async with self.runtime.database.session() as session:
            result = await session.execute(
                select(AuditEvent)
                .where(AuditEvent.allowed == False)  # noqa: E712
                .order_by(col(AuditEvent.id))
            )
            return list(result.scalars())

    async def extension_requests(self) -> list[ExtensionRequest]:
        async with self.runtime.database.session() as session:
            result = await session.execute(
                select(ExtensionRequest).order_by(col(ExtensionRequest.id))
            )
            return list(result.scalars())

    # -- the reminder ------------------------------------------------------------

    async def send_reminders(self) -> JSON:
        """Run the reminder sweep as the job does; returns the focal group's reminder."""
        self.clock.set(REMINDER_MORNING)
        sender = TelegramSender(self.harness.app.bot, self.runtime.language)
        result = await reminders.sweep(self.runtime, sender)
        assert result.delivery.messages >= 1, result
        await self.harness.idle()
        return (await self.harness.bot_messages(self.focal_group["id"]))[-1]

    async def message(self, chat_id: int, message_id: int) -> JSON:
        for message in await self.harness.client.messages(chat_id):
            if message["message_id"] == message_id:
                return message
        raise AssertionError(f"no message {message_id} in {chat_id}")

    async def press(self, chat_id: int, message: JSON, user: JSON, data: str) -> JSON:
        """Press a button and return the bot's answer to the callback query."""
        await self.mark(chat_id)
        query_id = await self.harness.press(chat_id, message, user, data)
        return await self.harness.client.wait_for_callback_answer(query_id)

    async def reply(self, chat_id: int, user: JSON, text: str, to: JSON) -> JSON:
        """Reply to a bot message; returns the bot's next message in the chat."""
        return await self.harness.say(chat_id, user, text, reply_to=to["message_id"])

    async def mark(self, chat_id: int) -> None:
        """Remember the chat's latest message: `next` waits for the bot's after it."""
        messages = await self.harness.client.messages(chat_id, include_users=True)
        self._marks[chat_id] = messages[-1]["message_id"] if messages else 0

    async def next(self, chat_id: int) -> JSON:
        """The bot's first message in the chat after the mark (waits for it)."""
        message = await self.harness.client.wait_for_bot_message(
            chat_id, after_message_id=self._marks.get(chat_id, 0)
        )
        self._marks[chat_id] = message["message_id"]
        return message

    async def eventually(
        self, chat_id: int, message_id: int, condition: Callable[[JSON], bool]
    ) -> JSON:
        """A bot message once `condition` holds (it is edited by the bot)."""
        for _ in range(250):
            message = await self.message(chat_id, message_id)
            if condition(message):
                return message
            await asyncio.sleep(0.02)
        raise AssertionError(f"message {message_id} never met the condition: {message}")

    async def quiet(self) -> None:
        """Wait until the bot has handled everything (for asserting nothing happened)."""
        await self.harness.idle(quiet_for=0.4)

    def forge(self, chat_id: int, message: JSON, data: str) -> None:
        """A tampered client: put a button with arbitrary data on a bot message."""
        stored = self.harness.sandbox.state.chats[chat_id].messages[message["message_id"]]
        markup = stored.reply_markup or {"inline_keyboard": []}
        markup["inline_keyboard"].append([{"text": "x", "callback_data": data}])
        stored.reply_markup = markup


def buttons(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def bind_chat(
    runtime: Runtime, telegram_chat_id: int, workspace_id: int, purpose: ChatPurpose
) -> None:
    """Give a sandbox group (already known to the bot, or not) a workspace and purpose."""
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


async def build_scene(harness: BotHarness, runtime: Runtime, *, extra_stp_tasks: int = 0) -> Scene:
    """Sở Tư pháp (T1, T4 due 20/5; T2 due 31/5), Sở Tài chính (T3 due 20/5), one
    focal group for both and a coordination group; reminders planned from
    Monday 13/5 so the sweep on Wednesday 15/5 sends the "3 days before" one."""
    lan = await harness.user("Lan", "lan_stp")
    hung = await harness.user("Hùng", "hung_stc")
    minh = await harness.user("Minh", "minh_snv")
    khach = await harness.user("Khách")
    focal_group = await harness.group("Đầu mối CCHC", [lan, hung, minh, khach], added_by=minh)
    coordination = await harness.group("Sở Nội vụ — điều phối", [minh, lan], added_by=minh)
    db = runtime.database
    ws = await factories.workspace(db)
    assert ws.id is not None
    stp = await factories.agency(db, ws.id, "STP", "Sở Tư pháp")
    stc = await factories.agency(db, ws.id, "STC", "Sở Tài chính")
    assert stp.id and stc.id
    await factories.member(db, ws.id, lan["id"], Role.FOCAL_POINT, stp.id, "Lan")
    await factories.member(db, ws.id, hung["id"], Role.FOCAL_POINT, stc.id, "Hùng")
    await factories.member(db, ws.id, minh["id"], Role.COORDINATOR, None, "Minh")
    await bind_chat(runtime, focal_group["id"], ws.id, ChatPurpose.FOCAL_POINTS)
    await bind_chat(runtime, coordination["id"], ws.id, ChatPurpose.COORDINATION)
    directive = await factories.directive(db, ws.id)
    assert directive.id is not None
    scene = Scene(
        harness=harness,
        runtime=runtime,
        workspace_id=ws.id,
        directive_id=directive.id,
        agencies={"STP": stp.id, "STC": stc.id},
        lan=lan,
        hung=hung,
        minh=minh,
        khach=khach,
        focal_group=focal_group,
        coordination=coordination,
    )
    plan = [
        ("T1", stp.id, date(2024, 5, 20), "Rà soát thủ tục hành chính thuộc thẩm quyền"),
        ("T2", stp.id, date(2024, 5, 31), "Báo cáo kết quả kiểm soát thủ tục hành chính"),
        ("T3", stc.id, date(2024, 5, 20), "Bố trí kinh phí thực hiện Đề án 06"),
        ("T4", stp.id, date(2024, 5, 20), "Cập nhật dữ liệu lên Cổng dịch vụ công"),
    ]
    plan += [
        (f"T{5 + i}", stp.id, date(2024, 6, 28), f"Nhiệm vụ bổ sung số {i + 1}")
        for i in range(extra_stp_tasks)
    ]
    for code, agency_id, deadline, action in plan:
        probe = Task(
            workspace_id=ws.id,
            directive_id=directive.id,
            agency_id=agency_id,
            code=code,
            action=action,
            effective_deadline=deadline,
        )
        reminders.schedule_task(probe, runtime)
        row = await factories.task(
            db,
            ws.id,
            directive.id,
            agency_id,
            code,
            deadline,
            action=action,
            next_reminder_at=probe.next_reminder_at,
            reminders_checked_at=probe.reminders_checked_at,
        )
        assert row.id is not None
        scene.tasks[code] = row.id
    return scene
