"""The permission matrix: every command and button of the product, run through
the real bot and the sandbox as every role (admin, coordinator, focal point
of agency A, focal point of agency B, viewer, stranger), from the workspace's
group, from a private chat, and from a group of another workspace.

For each run it checks what the sandbox recorded (every message the bot sent
or edited, every callback answer) and the database:
- a run the rules do not allow changes nothing in the database, answers
  politely, and (unless it only says "this chat has no workspace") leaves a
  refusal in the audit log;
- a run the rules allow answers with what the command is for;
- in no run does a chat show data its audience may not see (another
  workspace's agencies and tasks, another agency's tasks in a focal point's
  private chat), and no run ends in an internal error.

Adding a command is one line in PROBES; `test_every_command_and_button_is_probed`
fails when a registered command or button has no probe.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.clock import ManualClock
from bot.domain.rights import Action, Actor, Role, may
from bot.runtime import Runtime
from bot.services import chats as chat_service
from bot.services import onboarding
from bot.texts import t
from storage.database import Database
from storage.models import ChatPurpose, ExtensionRequest
from tests import factories
from tests.conftest import make_settings, sqlite_url
from tests.e2e.harness import BotHarness

JSON = dict[str, Any]
ROLES = ("admin", "coordinator", "focal_a", "focal_b", "viewer", "stranger")
LOCATIONS = ("group", "private", "other_group")

# Markers: text that belongs to one workspace or one agency and must not show
# anywhere its audience may not see.
W1_AGENCY_A, W1_AGENCY_B = "Sở Tư pháp", "Sở Tài chính"
W1_TASK_A = "Rà soát thủ tục hành chính lĩnh vực hộ tịch"
W1_TASK_B = "Quyết toán ngân sách quý I"
W2_AGENCY = "Phòng Văn hóa và Thông tin"
W2_TASK = "Kiểm tra di tích đình làng Phước Thịnh"
W1_MARKERS = (W1_AGENCY_A, W1_AGENCY_B, W1_TASK_A, W1_TASK_B)
W2_MARKERS = (W2_AGENCY, W2_TASK)
INTERNAL_ERROR = "đã có lỗi khi xử lý yêu cầu"


@dataclass(frozen=True)
class Probe:
    """One command or button. `text` / `button` are templates filled per run:
    {agency} {agency_name} {task} {task_id} {invite} {victim} {n} {w1} {a1}
    {member_a} {request} (see `World.values`)."""

    name: str
    action: Action
    text: str | None = None
    button: str | None = None
    ok: str | None = None  # a regex the answer matches when the run is allowed
    mine: bool = True  # onboarding's own: its refusals must use the texts below
    agency_scoped: bool = False  # the target is agency A's (or W2's only agency's)
    groups_only: bool = False
    invite: bool = False  # the run needs a fresh viewer invite
    expect: Callable[[Run], bool] | None = None  # overrides the rules (see below)


def never(_run: Run) -> bool:
    return False


PROBES: tuple[Probe, ...] = (
    # -- onboarding (this room) ---------------------------------------------------------------
    Probe("agencies", Action.VIEW_WORKSPACE, text="/agencies", ok=r"\b{agency}\b"),
    Probe("agencies add", Action.MANAGE_AGENCIES, text="/agencies add ZZ{n} Cơ quan thử {n}", ok="Đã thêm"),
    Probe("agencies rename", Action.MANAGE_AGENCIES, text="/agencies rename {agency} {agency_name}", ok="Đã đổi tên"),
    Probe("invite agency", Action.INVITE, text="/invite {agency}", ok="/join [A-Z0-9]{{8}}"),
    Probe("invite viewer", Action.INVITE, text="/invite theo dõi", ok="/join [A-Z0-9]{{8}}"),
    Probe("invite picker", Action.INVITE, text="/invite", ok="Chọn cơ quan"),
    Probe("remove", Action.REMOVE_FOCAL_POINT, text="/remove {agency} @{victim}", ok="Đã gỡ|chưa có đầu mối"),
    Probe("setup", Action.SETUP_CHAT, text="/setup", ok="dùng để làm gì", groups_only=True),
    Probe("leave", Action.LEAVE, text="/leave", ok="đã thôi là|không phải thành viên"),
    Probe("join", Action.JOIN, text="/join {invite}", ok="người theo dõi|đang là", invite=True),
    Probe("start code", Action.JOIN, text="/start {invite}", ok="người theo dõi|đang là", invite=True),
    # Buttons always name workspace 1's objects: pressed in the other workspace's
    # group they are forged, and must be refused even for an admin.
    Probe("button agencies page", Action.VIEW_WORKSPACE, button="ag:p:{w1}:0", ok="Cơ quan của"),
    Probe("button invite page", Action.INVITE, button="iv:p:{w1}:0", ok="Chọn cơ quan"),
    Probe("button invite agency", Action.INVITE, button="iv:a:{w1}:{a1}", ok="/join [A-Z0-9]{{8}}"),
    Probe("button remove", Action.REMOVE_FOCAL_POINT, button="iv:r:{w1}:{member_a}", ok="Đã gỡ"),
    Probe("button setup workspace", Action.SETUP_CHAT, button="su:w:{w1}", ok="dùng để làm gì", groups_only=True),
    Probe("button setup coordination", Action.SETUP_CHAT, button="su:c:{w1}", ok="nhóm điều phối", groups_only=True),
    Probe("button setup focal points", Action.SETUP_CHAT, button="su:f:{w1}", ok="nhóm đầu mối", groups_only=True),
    Probe("button setup agency page", Action.SETUP_CHAT, button="su:a:{w1}:0", ok="Chọn cơ quan", groups_only=True),
    Probe("button setup agency", Action.SETUP_CHAT, button="su:A:{w1}:{a1}", ok="nhóm của", groups_only=True),
    # Every group of the matrix belongs to a workspace already: nobody may make it another's.
    Probe("button new workspace", Action.CREATE_WORKSPACE, button="su:n", groups_only=True, expect=never),
    # -- other rooms' commands and buttons (their answers are theirs; the matrix
    #    checks that refused runs change nothing and that nothing leaks) ----------------
    Probe("new directive", Action.TAKE_IN_DIRECTIVE, text="/new", mine=False),
    Probe("status", Action.VIEW_WORKSPACE, text="/status", mine=False),
    Probe("overdue", Action.VIEW_WORKSPACE, text="/overdue", mine=False),
    Probe("tasks", Action.VIEW_OWN_AGENCY, text="/tasks", mine=False, agency_scoped=True),
    Probe("done", Action.UPDATE_TASK, text="/done {task}", mine=False, agency_scoped=True),
    Probe("progress", Action.UPDATE_TASK, text="/progress {task} 50", mine=False, agency_scoped=True),
    Probe("blocked", Action.UPDATE_TASK, text="/blocked {task} chưa có số liệu", mine=False, agency_scoped=True),
    Probe("extend", Action.REQUEST_EXTENSION, text="/extend {task} 28/06/2024", mine=False, agency_scoped=True),
    Probe("digest", Action.SEND_DIGEST, text="/digest", mine=False),
    Probe("report", Action.EXPORT_REPORT, text="/report", mine=False),
    Probe("button task done", Action.UPDATE_TASK, button="t:{task_id}:d", mine=False, agency_scoped=True),
    Probe("button status view", Action.VIEW_WORKSPACE, button="s:v:w:0:0", mine=False),
    Probe("button approve extension", Action.DECIDE_EXTENSION, button="s:xa:{request}", mine=False),
    Probe("button deny extension", Action.DECIDE_EXTENSION, button="s:xd:{request}", mine=False),
)  # fmt: skip

# Registered commands and buttons the matrix does not run, and why.
EXEMPT_COMMANDS = {
    "start": "the generic greeting: no data, no change (/start CODE is probed)",
    "help": "static help text",
    "trogiup": "static help text",
}
EXEMPT_CALLBACKS = {
    r"^in:": "buttons of a directive being taken in, bound to its Draft and to the coordinator "
    "who started it (needs a /new conversation first; the intake room's tests cover them)",
    r"^s:[ck]:": "answers to the bot's own questions, bound to the draft of the user it asked "
    "(the replies room's tests press them as someone else)",
    r"^rr:": "the admins' 'send again' button, bound to a report of undelivered reminders sent "
    "to BOT_ADMINS in private (tests/e2e/test_reminder_resend.py presses it as a non-admin; "
    "tests/integration/test_reminder_resend.py as a coordinator, from another chat, forged)",
}


@dataclass
class Person:
    role: str
    user: JSON

    @property
    def id(self) -> int:
        return int(self.user["id"])


@dataclass
class World:
    harness: BotHarness
    people: dict[str, Person]
    group: int
    other_group: int
    w1: int
    w2: int
    agencies: dict[str, int]  # "A", "B", "W2"
    tasks: dict[str, int]  # "A", "B", "W2"
    member_a: int
    request: int
    counter: int = 0
    processed: list[int] = field(default_factory=lambda: [0])
    last_seen: dict[int, int] = field(default_factory=dict)  # chat -> last bot message id

    @property
    def runtime(self) -> Runtime:
        return self.harness.runtime

    def chat_of(self, person: Person, location: str) -> int:
        return {"group": self.group, "private": person.id, "other_group": self.other_group}[
            location
        ]

    def workspace_of(self, person: Person, location: str) -> int | None:
        if location == "group":
            return self.w1
        if location == "other_group":
            return self.w2
        return self.w1 if person.role in ("coordinator", "focal_a", "focal_b", "viewer") else None

    def all_chats(self) -> list[int]:
        return [self.group, self.other_group, *(p.id for p in self.people.values())]

    def forbidden(self, chat_id: int) -> tuple[str, ...]:
        """What a chat's audience may not see."""
        if chat_id == self.group:
            return W2_MARKERS
        if chat_id == self.other_group:
            return W1_MARKERS
        role = next(p.role for p in self.people.values() if p.id == chat_id)
        return {
            "coordinator": W2_MARKERS,
            "viewer": W2_MARKERS,
            "focal_a": (*W2_MARKERS, W1_TASK_B),
            "focal_b": (*W2_MARKERS, W1_TASK_A),
            "admin": (),  # an admin may see every workspace (in a chat of no workspace)
        }.get(role, W1_MARKERS + W2_MARKERS)


@dataclass
class Run:
    probe: Probe
    person: Person
    location: str
    world: World

    @property
    def workspace(self) -> int | None:
        """The workspace the run acts on: the chat's, or for /join the invite's."""
        if self.probe.invite:
            return self.world.w2 if self.location == "other_group" else self.world.w1
        return self.world.workspace_of(self.person, self.location)

    def actor(self) -> Actor:
        role = {
            "admin": Role.ADMIN,
            "coordinator": Role.COORDINATOR,
            "focal_a": Role.FOCAL_POINT,
            "focal_b": Role.FOCAL_POINT,
            "viewer": Role.VIEWER,
        }.get(self.person.role)
        in_w1 = self.person.role != "admin" and self.workspace == self.world.w1
        agency = {"focal_a": self.world.agencies["A"], "focal_b": self.world.agencies["B"]}
        return Actor(
            self.person.id,
            self.workspace,
            role if role is Role.ADMIN or in_w1 else None,
            agency.get(self.person.role),
        )

    def expected(self) -> bool:
        """Whether the rules allow this run: `may` on the target's ids (buttons
        name workspace 1's objects; commands act on the chat's workspace).

        Onboarding's own handlers are stricter than `may` for admins: they act
        on the chat's workspace only, so an admin's private chat without a
        membership gets "which workspace?" rather than acting anywhere.
        """
        probe = self.probe
        if probe.expect is not None:
            return probe.expect(self)
        if probe.groups_only and self.location == "private":
            return False
        target = self.world.w1 if probe.button else self.workspace
        if probe.text and target is None:
            return False  # the chat gives no workspace: a task code or a list names nothing
        if probe.mine and (self.workspace is None or target != self.workspace):
            return False
        agency = None
        if probe.agency_scoped:
            agency = self.world.agencies["W2" if target == self.world.w2 else "A"]
        return may(self.actor(), probe.action, workspace_id=target, agency_id=agency)


# -- building the world ----------------------------------------------------------------------


async def build_world(harness: BotHarness) -> World:
    db = harness.runtime.database
    people = {role: Person(role, await harness.user(role.title(), role)) for role in ROLES}
    harness.runtime.settings = harness.runtime.settings.model_copy(
        update={"BOT_ADMINS": [people["admin"].id]}
    )
    w1 = await factories.workspace(db, "Sở Nội vụ tỉnh Quảng Ngãi")
    w2 = await factories.workspace(db, "Phòng Nội vụ huyện Bình Sơn")
    assert w1.id and w2.id
    a = await factories.agency(db, w1.id, "STP", W1_AGENCY_A)
    b = await factories.agency(db, w1.id, "STC", W1_AGENCY_B)
    c = await factories.agency(db, w2.id, "PVH", W2_AGENCY, category="phong")
    assert a.id and b.id and c.id
    member_a = await factories.member(
        db, w1.id, people["focal_a"].id, Role.FOCAL_POINT, a.id, "Focal_A"
    )
    member_a.username = "focal_a"
    await factories.add(db, member_a)
    await factories.member(db, w1.id, people["focal_b"].id, Role.FOCAL_POINT, b.id, "Focal_B")
    await factories.member(db, w1.id, people["coordinator"].id, Role.COORDINATOR)
    await factories.member(db, w1.id, people["viewer"].id, Role.VIEWER)
    d1 = await factories.directive(db, w1.id)
    d2 = await factories.directive(db, w2.id, "15/UBND-VX")
    assert d1.id and d2.id
    ta = await factories.task(db, w1.id, d1.id, a.id, "T1", date(2024, 5, 20), action=W1_TASK_A)
    tb = await factories.task(db, w1.id, d1.id, b.id, "T2", date(2024, 5, 10), action=W1_TASK_B)
    tc = await factories.task(db, w2.id, d2.id, c.id, "T9", date(2024, 5, 10), action=W2_TASK)
    assert ta.id and tb.id and tc.id
    request = ExtensionRequest(
        workspace_id=w1.id,
        task_id=ta.id,
        requested_by=people["focal_a"].id,
        requested_date=date(2024, 6, 28),
        reason="chờ số liệu",
        created_at=datetime(2024, 5, 12, 2, 0, tzinfo=UTC),
    )
    await factories.add(db, request)
    assert request.id and member_a.id
    everyone = [p.user for p in people.values()]
    group = await harness.group("Điều phối tỉnh", everyone, added_by=people["admin"].user)
    other = await harness.group("Điều phối huyện", everyone, added_by=people["admin"].user)
    for chat, workspace in ((group, w1.id), (other, w2.id)):
        await chat_service.set_purpose(
            harness.runtime, people["admin"].id, chat["id"], workspace, ChatPurpose.COORDINATION
        )
    for person in people.values():  # everyone has opened a private chat with the bot
        await harness.say(person.id, person.user, "/help")
    world = World(
        harness,
        people,
        group["id"],
        other["id"],
        w1.id,
        w2.id,
        {"A": a.id, "B": b.id, "W2": c.id},
        {"A": ta.id, "B": tb.id, "W2": tc.id},
        member_a.id,
        request.id,
    )
    original = harness.app.process_update

    async def counted(update: object) -> None:
        try:
            await original(update)
        finally:
            world.processed[0] += 1

    harness.app.process_update = counted  # type: ignore[method-assign]
    # Hundreds of answers go to two groups: Telegram's 20-per-minute group limit
    # (kept by the bot's rate limiter and by the sandbox) would make the matrix
    # wait for minutes, and it is not what the matrix is about.
    object.__setattr__(harness.app.bot, "_rate_limiter", None)
    await harness.client.set_rate_limits(
        global_rate_per_second=None, group_rate_per_minute=None, private_rate_per_second=None
    )
    await harness.idle()
    for chat_id in world.all_chats():
        ids = [m["message_id"] for m in await harness.bot_messages(chat_id)]
        world.last_seen[chat_id] = max(ids, default=0)
    return world


# -- snapshots (straight from the SQLite file: fast, and typed as stored) -----------------

_SKIP_TABLES = {"auditevent", "alembic_version"}
Dump = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]


def _tables() -> list[tuple[str, list[str]]]:
    return [
        (table.name, [c.name for c in table.primary_key.columns])
        for table in SQLModel.metadata.sorted_tables
        if table.name not in _SKIP_TABLES
    ]


def _connect(runtime: Runtime) -> sqlite3.Connection:
    path = make_url(runtime.database.url).database
    assert path, "the matrix runs on a SQLite file"
    connection = sqlite3.connect(path, timeout=15)
    connection.execute("PRAGMA foreign_keys=OFF")
    return connection


def dump(runtime: Runtime) -> tuple[Dump, dict[str, list[str]]]:
    """Every business row (the audit log aside), by table and primary key."""
    out: Dump = {}
    columns: dict[str, list[str]] = {}
    with closing(_connect(runtime)) as connection:
        for name, key in _tables():
            cursor = connection.execute(f'SELECT * FROM "{name}"')
            columns[name] = [d[0] for d in cursor.description]
            positions = [columns[name].index(k) for k in key]
            out[name] = {tuple(row[i] for i in positions): tuple(row) for row in cursor.fetchall()}
    return out, columns


def restore(runtime: Runtime, before: Dump, now: Dump, columns: dict[str, list[str]]) -> None:
    """Put the database back as `before` (an allowed run may change it)."""
    if now == before:
        return
    with closing(_connect(runtime)) as connection:
        for name, key in reversed(_tables()):
            where = " AND ".join(f'"{k}" = ?' for k in key)
            for pk in set(now[name]) - set(before[name]):
                connection.execute(f'DELETE FROM "{name}" WHERE {where}', pk)
        for name, key in _tables():
            where = " AND ".join(f'"{k}" = ?' for k in key)
            names = ", ".join(f'"{c}"' for c in columns[name])
            marks = ", ".join("?" for _ in columns[name])
            sets = ", ".join(f'"{c}" = ?' for c in columns[name])
            for pk, row in before[name].items():
                if pk not in now[name]:
                    connection.execute(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', row)
                elif now[name][pk] != row:
                    connection.execute(f'UPDATE "{name}" SET {sets} WHERE {where}', (*row, *pk))
        connection.commit()


def refusals(runtime: Runtime) -> int:
    with closing(_connect(runtime)) as connection:
        return int(
            connection.execute("SELECT count(*) FROM auditevent WHERE allowed = 0").fetchone()[0]
        )


async def messages(world: World, chat_ids: list[int]) -> dict[tuple[int, int], tuple[str, int]]:
    """(chat, message id) -> (text or caption, number of edits) for the bot's messages."""
    seen: dict[tuple[int, int], tuple[str, int]] = {}
    for chat_id in chat_ids:
        for m in await world.harness.bot_messages(chat_id):
            seen[(chat_id, m["message_id"])] = (
                m.get("text") or m.get("caption") or "",
                len(m["edits"]),
            )
    return seen


def _edits(stats: JSON) -> int:
    return sum(n for method, n in stats["requests"].items() if method.lower().startswith("edit"))


# -- one run --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    answers: list[tuple[int, str]]  # (chat, text) of new or edited bot messages
    callback: str | None
    changed: bool
    new_refusals: int


async def values(run: Run) -> dict[str, object]:
    world = run.world
    in_w2 = run.workspace == world.w2
    world.counter += 1
    result: dict[str, object] = {
        "agency": "PVH" if in_w2 else "STP",
        "agency_name": W2_AGENCY if in_w2 else W1_AGENCY_A,
        "task": "T9" if in_w2 else "T1",
        "task_id": world.tasks["A"],
        "victim": "focal_a",
        "n": world.counter,
        "w1": world.w1,
        "a1": world.agencies["A"],
        "member_a": world.member_a,
        "request": world.request,
    }
    if run.probe.invite:
        target = world.w2 if in_w2 else world.w1
        issuer = Actor(world.people["admin"].id, target, Role.ADMIN)
        invite = await onboarding.create_invite(world.runtime, issuer, role=Role.VIEWER)
        result["invite"] = invite.code
    return result


async def wait_processed(world: World, count: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60  # a first report draws its charts: slow on a busy machine
    while world.processed[0] < count:
        if loop.time() > deadline:
            raise TimeoutError("the bot did not handle the update")
        await asyncio.sleep(0.005)


async def new_messages(world: World, chat_id: int, count: int) -> list[tuple[int, str]]:
    """The next `count` bot messages in a chat (the sandbox numbers them upwards)."""
    found: list[tuple[int, str]] = []
    for _ in range(count):
        message = await world.harness.client.wait_for_bot_message(
            chat_id, after_message_id=world.last_seen.get(chat_id, 0), timeout=5
        )
        world.last_seen[chat_id] = message["message_id"]
        found.append((chat_id, message.get("text") or message.get("caption") or ""))
    return found


async def perform(run: Run) -> Outcome:
    """Do one run and collect what the sandbox recorded, then restore the database.

    Only what changed is fetched from the sandbox (new messages by id, the
    pressed message), so a run costs the same however long the chats grow.
    """
    world, probe, person = run.world, run.probe, run.person
    harness, runtime = world.harness, world.runtime
    chat_id = world.chat_of(person, run.location)
    params = await values(run)
    carrier_id = 0
    if probe.button is not None:
        data = probe.button.format(**params)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("▶", callback_data=data)]])
        sent = await harness.app.bot.send_message(chat_id, "…", reply_markup=markup)
        carrier_id = world.last_seen[chat_id] = sent.message_id
    before_db, columns = dump(runtime)
    before_refusals = refusals(runtime)
    before_stats = await harness.client.stats()
    expected_updates = world.processed[0] + 1
    query_id = None
    if probe.button is not None:
        query_id = await harness.press(
            chat_id, {"message_id": carrier_id}, person.user, probe.button.format(**params)
        )
    else:
        assert probe.text is not None
        posted = await harness.post(chat_id, person.user, probe.text.format(**params))
        if not posted.get("delivered", True):
            expected_updates -= 1
    await wait_processed(world, expected_updates)
    after_stats = await harness.client.stats()
    answers: list[tuple[int, str]] = []
    before_sends = before_stats["sends_per_chat"]
    for chat, count in after_stats["sends_per_chat"].items():
        answers += await new_messages(world, int(chat), count - before_sends.get(chat, 0))
    edits = _edits(after_stats) - _edits(before_stats)
    if edits and carrier_id:
        carrier = await harness.client.wait_for_bot_message(
            chat_id, after_message_id=carrier_id - 1
        )
        if carrier["edits"]:
            answers.append((chat_id, carrier.get("text") or ""))
            edits -= len(carrier["edits"])
    if edits > 0:  # another message was edited: look everywhere (rare, and slower)
        everywhere = await messages(world, world.all_chats())
        answers += [(c, text) for (c, m), (text, n) in everywhere.items() if n and m != carrier_id]
    callback = None
    if query_id is not None:
        answer = await harness.client.wait_for_callback_answer(query_id, timeout=5)
        callback = answer.get("text") or ""
    now_db, _ = dump(runtime)
    outcome = Outcome(answers, callback, now_db != before_db, refusals(runtime) - before_refusals)
    restore(runtime, before_db, now_db, columns)
    return outcome


POLITE = (
    "refused",
    "onboarding.no_workspace.private",
    "onboarding.no_workspace.group",
    "onboarding.setup.group_only",
    "onboarding.join.other_role",
)


def _is_no_workspace(text: str) -> bool:
    return any(
        text.startswith(t("vi", key)[:40])
        for key in (
            "onboarding.no_workspace.private",
            "onboarding.no_workspace.group",
            "onboarding.setup.group_only",
        )
    )


def judge(run: Run, outcome: Outcome) -> list[str]:
    """Everything wrong with one run, in words."""
    problems: list[str] = []
    everything = [text for _, text in outcome.answers] + (
        [outcome.callback] if outcome.callback else []
    )
    for chat, text in outcome.answers:
        for marker in run.world.forbidden(chat):
            if marker in text:
                problems.append(f"leaks {marker!r} into chat {chat}")
    if any(INTERNAL_ERROR in text for text in everything):
        problems.append("internal error")
    probe = run.probe
    expected = run.expected()
    refusal = t("vi", "refused")
    if expected:
        if refusal in everything:
            problems.append("refused although allowed")
        if probe.ok and probe.mine:
            pattern = probe.ok.format(agency="PVH" if run.workspace == run.world.w2 else "STP")
            if not any(re.search(pattern, text) for text in everything):
                problems.append(f"allowed but no answer matching {pattern!r}: {everything!r}")
        return problems
    if outcome.changed:
        problems.append("changed the database although not allowed")
    here = run.world.chat_of(run.person, run.location)
    own_answers = [text for chat, text in outcome.answers if chat == here]
    if probe.mine and probe.button is not None and outcome.answers:
        problems.append(f"a refused button changed or sent messages: {outcome.answers!r}")
    if probe.mine and probe.text is not None and len(outcome.answers) > len(own_answers):
        problems.append(f"a refused command wrote to another chat: {outcome.answers!r}")
    if probe.mine:
        replies = own_answers + ([outcome.callback] if outcome.callback else [])
        if not replies:
            problems.append("no answer at all")
        elif not any(
            refusal in r
            or _is_no_workspace(r)
            or t("vi", "onboarding.stale") in r
            or "đang là" in r
            for r in replies
        ):
            problems.append(f"not a polite refusal: {replies!r}")
        if outcome.new_refusals == 0 and not any(_is_no_workspace(r) for r in replies):
            problems.append("refusal not in the audit log")
    return problems


# -- the tests --------------------------------------------------------------------------------------

# One world (sandbox, bot, database) for the whole module: each run restores
# the database it changed, so runs stay independent and the module stays fast.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    path = tmp_path_factory.mktemp("matrix") / "matrix.db"
    shutil.copy(sqlite_template, path)
    database = Database(sqlite_url(path))
    clock = ManualClock(datetime(2024, 5, 13, 0, 0, tzinfo=UTC))
    runtime = Runtime(settings=make_settings(database.url), database=database, clock=clock)
    try:
        async with BotHarness(runtime) as harness:
            yield await build_world(harness)
    finally:
        await database.dispose()


def _registered(harness: BotHarness) -> tuple[dict[str, set[str]], set[str]]:
    """Each registered command with its aliases, and each button pattern."""
    commands: dict[str, set[str]] = {}
    patterns: set[str] = set()
    for handlers in harness.app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                for name in handler.commands:
                    commands[name] = set(handler.commands)
            elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                pattern = handler.pattern
                patterns.add(pattern if isinstance(pattern, str) else pattern.pattern)
    return commands, patterns


def _probe_command(probe: Probe) -> str | None:
    return probe.text.split()[0].lstrip("/") if probe.text else None


def _sample(button: str) -> str:
    """A button template with its fields filled by plausible ids."""
    return re.sub(r"\{[a-z_0-9]+\}", "7", button)


async def test_every_command_and_button_is_probed(world: World) -> None:
    commands, patterns = _registered(world.harness)
    probed = {_probe_command(p) for p in PROBES}
    covered = set().union(*(commands.get(name or "", set()) for name in probed))
    missing = sorted(set(commands) - covered - set(EXEMPT_COMMANDS))
    assert missing == [], f"commands with no probe in PROBES: {missing}"
    buttons = [_sample(p.button) for p in PROBES if p.button]
    unprobed = sorted(
        p
        for p in patterns
        if p not in EXEMPT_CALLBACKS and not any(re.match(p, b) for b in buttons)
    )
    assert unprobed == [], f"buttons with no probe in PROBES: {unprobed}"


def _present(harness: BotHarness, probe: Probe) -> bool:
    commands, patterns = _registered(harness)
    if probe.text is not None:
        return _probe_command(probe) in commands
    assert probe.button is not None
    return any(re.match(p, _sample(probe.button)) for p in patterns)


@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
async def test_permission_matrix(world: World, probe: Probe) -> None:
    if not _present(world.harness, probe):
        pytest.skip(f"{probe.name}: not registered in this build")
    failures: list[str] = []
    for location in LOCATIONS:
        for role in ROLES:
            run = Run(probe, world.people[role], location, world)
            outcome = await perform(run)
            for problem in judge(run, outcome):
                failures.append(
                    f"{probe.name} as {role} in {location} (allowed={run.expected()}): {problem}"
                )
    assert failures == [], "\n".join(failures)
