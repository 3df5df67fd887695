"""The hostile drill's world and runner: 1,000 updates nobody may act on.

Two workspaces: ours (province A: a coordinator, three agencies with focal
points, six tasks, a reminder in the focal points' group) and another one
(province B: its own agency, focal point, forty tasks and a pending
extension request). In A's focal points' group sit, besides A's people, two
strangers and B's focal point. The updates come from them (see
tests/drills/hostile.py); the runner sends them through the sandbox like
users, forging buttons where the update is a press, and the test compares
a dump of every table before and after.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (every table is in SQLModel.metadata)
from bot.demo.stage import Stage
from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.sandbox import SandboxError
from bot.services import reminders
from bot.services.reminders import schedule_task
from jobs.sender import TelegramSender
from storage.models import (
    Agency,
    AuditEvent,
    ChatPurpose,
    Directive,
    ExtensionRequest,
    Member,
    Task,
    Workspace,
)
from tests.drills.hostile import Hostile, Targets
from tests.drills.month import _bind

JSON = dict[str, Any]
T0 = datetime(2024, 6, 3, 0, 0, tzinfo=UTC)


@dataclass
class Arena:
    runtime: Runtime
    stage: Stage
    people: dict[
        str, int
    ]  # actor -> user id (focal, coordinator, other_focal, stranger, stranger2)
    focal_group: int
    coordination: int
    targets: Targets
    reminder: JSON


async def build_arena(stage: Stage) -> Arena:
    runtime = stage.runtime
    client = await stage.open_sandbox()
    names = {
        "coordinator": "Minh",
        "focal": "Lan",
        "focal2": "Hùng",
        "other_focal": "Tuấn (tỉnh khác)",
        "stranger": "Khách",
        "stranger2": "Người lạ",
    }
    people = {key: (await client.create_user(name))["id"] for key, name in names.items()}
    for key in ("stranger", "stranger2"):
        await client.create_chat("private", members=[people[key]])
    focal_group = (
        await client.create_chat(
            "group",
            "Nhóm đầu mối",
            members=[people[k] for k in names],
            with_bot=True,
        )
    )["id"]
    coordination = (
        await client.create_chat(
            "group", "Điều phối", members=[people["coordinator"]], with_bot=True
        )
    )["id"]
    await stage.start_bot()
    await stage.idle()
    async with runtime.database.session() as session:
        ours, theirs = (
            Workspace(name="Tỉnh A", created_at=T0),
            Workspace(name="Tỉnh B", created_at=T0),
        )
        session.add_all([ours, theirs])
        await session.flush()
        assert ours.id is not None and theirs.id is not None
        agencies = [
            Agency(workspace_id=ours.id, code=f"A{n}", name=f"Sở {n}", category="so_nganh")
            for n in range(3)
        ]
        foreign_agency = Agency(workspace_id=theirs.id, code="B0", name="Sở B", category="so_nganh")
        session.add_all([*agencies, foreign_agency])
        directives = [
            Directive(workspace_id=ours.id, number="1/UBND", created_at=T0),
            Directive(workspace_id=theirs.id, number="9/UBND", created_at=T0),
        ]
        session.add_all(directives)
        await session.flush()
        session.add_all(
            [
                Member(
                    workspace_id=ours.id,
                    telegram_user_id=people["coordinator"],
                    role=Role.COORDINATOR,
                ),
                Member(
                    workspace_id=ours.id,
                    telegram_user_id=people["focal"],
                    agency_id=agencies[0].id,
                    role=Role.FOCAL_POINT,
                ),
                Member(
                    workspace_id=ours.id,
                    telegram_user_id=people["focal2"],
                    agency_id=agencies[1].id,
                    role=Role.FOCAL_POINT,
                ),
                Member(
                    workspace_id=theirs.id,
                    telegram_user_id=people["other_focal"],
                    agency_id=foreign_agency.id,
                    role=Role.FOCAL_POINT,
                ),
            ]
        )
        await _bind(session, focal_group, ours.id, ChatPurpose.FOCAL_POINTS, None)
        await _bind(session, coordination, ours.id, ChatPurpose.COORDINATION, None)
        own_tasks = [
            _task(
                runtime,
                ours.id,
                directives[0].id,
                agencies[n % 3].id,
                f"T{n + 1}",
                date(2024, 6, 6),
            )
            for n in range(6)
        ]
        foreign_tasks = [
            _task(
                runtime,
                theirs.id,
                directives[1].id,
                foreign_agency.id,
                f"T{n + 1}",
                date(2024, 6, 20),
            )
            for n in range(40)
        ]
        session.add_all([*own_tasks, *foreign_tasks])
        await session.flush()
        request = ExtensionRequest(
            workspace_id=theirs.id,
            task_id=foreign_tasks[0].id,  # type: ignore[arg-type]
            requested_by=people["other_focal"],
            requested_date=date(2024, 6, 28),
            created_at=T0,
        )
        member_b = (
            await session.execute(select(Member).where(Member.workspace_id == theirs.id))
        ).scalar_one()
        session.add(request)
        await session.flush()
        targets = Targets(
            own_workspace=ours.id,
            foreign_workspace=theirs.id,
            foreign_tasks=tuple(t.id for t in foreign_tasks[:5] if t.id is not None),
            foreign_agency=foreign_agency.id,  # type: ignore[arg-type]
            foreign_member=member_b.id,  # type: ignore[arg-type]
            foreign_request=request.id,  # type: ignore[arg-type]
            # the focal point (agency A0) has T1 and T4; these are the others' and B's
            other_agency_codes=("T2", "T3", "T5", "T6"),
            foreign_codes=tuple(f"T{n}" for n in range(7, 41)),
        )
    # A reminder in the focal points' group: the message the updates reply to and forge buttons on.
    await stage.advance_to(datetime(2024, 6, 4, 1, 0, 30, tzinfo=UTC))  # Tuesday 08:00:30
    await reminders.sweep(runtime, TelegramSender(stage.application.bot, runtime.language))
    await stage.idle()
    reminder = next(
        m
        for m in reversed(await client.messages(focal_group))
        if str(m.get("text", "")).startswith("🔔")
    )
    return Arena(runtime, stage, people, focal_group, coordination, targets, reminder)


def _task(
    runtime: Runtime, ws: int, directive: int | None, agency: int | None, code: str, deadline: date
) -> Task:
    task = Task(
        workspace_id=ws,
        directive_id=directive,  # type: ignore[arg-type]
        agency_id=agency,  # type: ignore[arg-type]
        code=code,
        action=f"Nhiệm vụ {code}",
        effective_deadline=deadline,
        created_at=T0,
    )
    schedule_task(task, runtime)
    return task


# -- the dump --------------------------------------------------------------------------------


async def dump(runtime: Runtime) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, as text, in primary-key order."""
    tables: dict[str, list[tuple[str, ...]]] = {}
    async with runtime.database.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows = (await session.execute(query)).all()
            tables[table.name] = [tuple(str(value) for value in row) for row in rows]
    return tables


async def audit_rows(runtime: Runtime) -> list[AuditEvent]:
    async with runtime.database.session() as session:
        return list((await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars())  # type: ignore[arg-type]


# -- sending ---------------------------------------------------------------------------------


@dataclass
class Sent:
    delivered: int = 0  # updates the bot received
    refused_by_sandbox: int = 0  # what Telegram itself would refuse (not a member, too long)


def actor_id(arena: Arena, update: Hostile, rng: random.Random) -> int:
    if update.actor == "stranger":
        return arena.people[rng.choice(("stranger", "stranger2"))]
    return arena.people[update.actor]


async def send(arena: Arena, update: Hostile, rng: random.Random, sent: Sent) -> None:
    client = arena.stage.api
    user = actor_id(arena, update, rng)
    chat = arena.focal_group
    try:
        if update.kind == "press":
            message_id = forge(arena, chat, update.data)
            await client.press_button(chat, message_id, user, update.data)
        elif update.kind == "private":
            await client.send_message(user, user, update.text)
        elif update.kind == "reply":
            await client.send_message(
                chat, user, update.text, reply_to_message_id=arena.reminder["message_id"]
            )
        elif update.kind == "command":
            await client.send_message(chat, user, update.text)
        elif update.kind == "file":
            await client.call(
                "send_document",
                chat_id=chat,
                from_user=user,
                filename=update.file_name,
                content_b64=base64.b64encode(_content(update, rng)).decode("ascii"),
                caption=update.text or None,
                reply_to=arena.reminder["message_id"] if rng.random() < 0.7 else None,
                mime_type=update.mime_type,
            )
        sent.delivered += 1
    except SandboxError:
        sent.refused_by_sandbox += 1


def _content(update: Hostile, rng: random.Random) -> bytes:
    if update.file_size > 1_000_000:
        return b"\0" * update.file_size
    return bytes(rng.getrandbits(8) for _ in range(update.file_size))


def forge(arena: Arena, chat_id: int, data: str) -> int:
    """A tampered client: the bot's reminder now carries a button with `data`."""
    sandbox = arena.stage.sandbox
    assert sandbox is not None
    message = sandbox.state.chats[chat_id].messages[arena.reminder["message_id"]]
    message.reply_markup = {"inline_keyboard": [[{"text": "⚠", "callback_data": data}]]}
    return message.message_id
