"""Shared pieces for reminder tests: a small world of agencies and chats, tasks
planned through `schedule_task`, and a scripted fake Sender."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.services.reminders import OutgoingMessage, SendFailure, schedule_task
from storage.models import ChatPurpose, ReminderDelivery, ReminderOutbox, Task
from tests import factories

COORDINATION_CHAT = -1001
FOCAL_GROUP = -1002
STP_GROUP = -1003
LAN, HUNG, MAI, HEAD_STC, ADMIN = 501, 502, 503, 601, 1001


@dataclass
class World:
    workspace_id: int
    directive_id: int
    agencies: dict[str, int]


async def build_world(
    runtime: Runtime,
    *,
    agency_group: bool = True,
    focal_group: bool = True,
    coordination: bool = True,
) -> World:
    """Sở Tư pháp (own group, two focal points), Sở Tài chính (one focal point,
    a registered head), Sở Nội vụ (nobody): the cases of target selection."""
    db = runtime.database
    ws = await factories.workspace(db)
    assert ws.id is not None
    stp = await factories.agency(db, ws.id, "STP", "Sở Tư pháp")
    stc = await factories.agency(db, ws.id, "STC", "Sở Tài chính")
    snv = await factories.agency(db, ws.id, "SNV", "Sở Nội vụ")
    assert stp.id and stc.id and snv.id
    async with db.session() as session:
        head = await session.get(type(stc), stc.id)
        assert head is not None
        head.head_telegram_user_id = HEAD_STC
    await factories.member(db, ws.id, LAN, Role.FOCAL_POINT, stp.id, name="Lan")
    await factories.member(db, ws.id, HUNG, Role.FOCAL_POINT, stp.id, name="Hùng")
    await factories.member(db, ws.id, MAI, Role.FOCAL_POINT, stc.id, name="Mai")
    if coordination:
        await factories.chat(db, ws.id, COORDINATION_CHAT, ChatPurpose.COORDINATION, title="SNV")
    if focal_group:
        await factories.chat(db, ws.id, FOCAL_GROUP, ChatPurpose.FOCAL_POINTS, title="Đầu mối")
    if agency_group:
        await factories.chat(db, ws.id, STP_GROUP, ChatPurpose.AGENCY, stp.id, title="STP")
    directive = await factories.directive(db, ws.id)
    assert directive.id is not None
    return World(ws.id, directive.id, {"STP": stp.id, "STC": stc.id, "SNV": snv.id})


async def planned_task(
    runtime: Runtime, world: World, agency: str, code: str, deadline: date | None, **kw: Any
) -> Task:
    """A task as intake would leave it: next reminder planned from now."""
    probe = Task(
        workspace_id=world.workspace_id,
        directive_id=world.directive_id,
        agency_id=world.agencies[agency],
        code=code,
        action="x",
        effective_deadline=deadline,
    )
    schedule_task(probe, runtime)
    return await factories.task(
        runtime.database,
        world.workspace_id,
        world.directive_id,
        world.agencies[agency],
        code,
        deadline,
        next_reminder_at=probe.next_reminder_at,
        reminders_checked_at=probe.reminders_checked_at,
        **kw,
    )


@dataclass
class FakeSender:
    """Records what would be sent; `script[chat_id]` lists failures to raise first."""

    sent: list[tuple[OutgoingMessage, int]] = field(default_factory=list)
    script: dict[int, list[SendFailure]] = field(default_factory=dict)
    next_id: int = 100

    async def send(self, message: OutgoingMessage) -> int:
        failures = self.script.get(message.chat_id)
        if failures:
            raise failures.pop(0)
        self.next_id += 1
        self.sent.append((message, self.next_id))
        return self.next_id

    def to(self, chat_id: int) -> list[OutgoingMessage]:
        return [message for message, _ in self.sent if message.chat_id == chat_id]

    def task_ids(self, chat_id: int | None = None) -> list[int]:
        return [
            task_id
            for message, _ in self.sent
            if chat_id is None or message.chat_id == chat_id
            for task_id, _code in message.rows
        ]


async def deliveries(runtime: Runtime) -> list[ReminderDelivery]:
    async with runtime.database.session() as session:
        query = select(ReminderDelivery).order_by(col(ReminderDelivery.id))
        return list((await session.execute(query)).scalars())


async def outbox(runtime: Runtime) -> list[ReminderOutbox]:
    async with runtime.database.session() as session:
        query = select(ReminderOutbox).order_by(col(ReminderOutbox.id))
        return list((await session.execute(query)).scalars())


async def task_row(runtime: Runtime, task_id: int) -> Task:
    async with runtime.database.session() as session:
        task = await session.get(Task, task_id)
        assert task is not None
        return task
