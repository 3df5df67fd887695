"""/status, /overdue and /tasks through the real bot and the sandbox, on a
seeded workspace of 30 agencies and 200 tasks: every figure read from the
chat equals a count computed here from the database rows, drill-down and
paging buttons cover every agency and task once, and each person sees only
what they may."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import select

from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.services.overview import Counts
from storage.models import AuditEvent, ChatPurpose, Task
from tests import factories
from tests.e2e.harness import BotHarness
from tests.e2e.status_scene import bind_chat, buttons
from tests.status_world import Seeded, Truth, seeded_workspace, truth

JSON = dict[str, Any]

_COUNTS = {
    "total": r"Tổng số nhiệm vụ: (\d+)",
    "done_on_time": r"Hoàn thành đúng hạn: (\d+)",
    "done_late": r"Hoàn thành quá hạn: (\d+)",
    "open_on_time": r"Đang thực hiện trong hạn: (\d+)",
    "open_overdue": r"Quá hạn chưa hoàn thành: (\d+)",
    "blocked": r"vướng mắc (\d+)",
    "not_started": r"chưa bắt đầu (\d+)",
    "pending_extensions": r"Đề nghị gia hạn chờ quyết định: (\d+)",
}
_GROUP_LINE = re.compile(r"^• (\S+).*?: (\d+) — ✅(\d+) ☑️(\d+) 🔄(\d+) 🔴(\d+)$", re.MULTILINE)
_TASK_LINE = re.compile(r"^(?:🔴|🔄|☑️|✅) (T\d+) · ", re.MULTILINE)


def read_counts(text: str) -> Counts:
    found = {key: int(re.search(pattern, text).group(1)) for key, pattern in _COUNTS.items()}  # type: ignore[union-attr]
    total = found.pop("total")
    counts = Counts(**found)
    assert counts.total == total
    return counts


def read_groups(text: str) -> dict[str, tuple[int, int, int, int, int]]:
    return {
        m[1]: (int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))
        for m in _GROUP_LINE.finditer(text)
    }


def as_tuple(counts: Counts) -> tuple[int, int, int, int, int]:
    return (
        counts.total,
        counts.done_on_time,
        counts.done_late,
        counts.open_on_time,
        counts.open_overdue,
    )


@dataclass
class Office:
    harness: BotHarness
    seeded: Seeded
    truth: Truth
    codes: dict[str, int]  # task code -> id
    coordinator: JSON
    focal: JSON
    group: JSON

    async def command(self, user: JSON, text: str) -> JSON:
        return await self.harness.say(self.group["id"], user, text)

    async def press(self, message: JSON, user: JSON, data: str) -> tuple[JSON, JSON]:
        """Press a view button; returns (callback answer, the message once edited)."""
        before = len((await self._message(message["message_id"]))["edits"])
        query = await self.harness.press(self.group["id"], message, user, data)
        answer = await self.harness.client.wait_for_callback_answer(query)
        for _ in range(250):
            current = await self._message(message["message_id"])
            if answer.get("show_alert") or len(current["edits"]) > before:
                return answer, current
            await asyncio.sleep(0.02)
        raise AssertionError(f"message not edited after {data}")

    async def _message(self, message_id: int) -> JSON:
        for message in await self.harness.client.messages(self.group["id"]):
            if message["message_id"] == message_id:
                return message
        raise AssertionError(message_id)

    async def all_pages(self, message: JSON, user: JSON) -> list[JSON]:
        pages = [message]
        while True:
            forward = [d for d in buttons(pages[-1]) if _is_next(pages[-1], d)]
            if not forward:
                return pages
            _, edited = await self.press(pages[-1], user, forward[0])
            pages.append(edited)


def _is_next(message: JSON, data: str) -> bool:
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            if button["callback_data"] == data and button["text"].startswith("Sau"):
                return True
    return False


@pytest.fixture
async def office(harness: BotHarness, e2e_runtime: Runtime) -> AsyncIterator[Office]:
    seeded = await seeded_workspace(e2e_runtime.database, agencies=30, tasks=200)
    coordinator = await harness.user("Minh")
    focal = await harness.user("Lan")
    group = await harness.group("Sở Nội vụ — điều phối", [coordinator, focal], added_by=coordinator)
    db = e2e_runtime.database
    ws = seeded.workspace_id
    await factories.member(db, ws, coordinator["id"], Role.COORDINATOR, None, "Minh")
    await factories.member(db, ws, focal["id"], Role.FOCAL_POINT, seeded.agency_ids[0], "Lan")
    await bind_chat(e2e_runtime, group["id"], ws, ChatPurpose.COORDINATION)
    async with db.session() as session:
        rows = (
            await session.execute(select(Task.code, Task.id).where(Task.workspace_id == ws))
        ).all()
    yield Office(
        harness,
        seeded,
        await truth(db, ws),
        {code: task_id for code, task_id in rows},
        coordinator,
        focal,
        group,
    )


async def test_status_figures_equal_the_database(office: Office) -> None:
    reply = await office.command(office.coordinator, "/status")
    text = reply["text"]
    assert "Số liệu đến ngày 13/05/2024" in text
    assert read_counts(text) == office.truth.counts()
    groups = read_groups(text)
    assert len(groups) == 8
    for directive_id, number in office.seeded.directive_numbers.items():
        assert groups[number] == as_tuple(office.truth.counts(directive=directive_id)), number
    # One drill-down button per directive, then the agency breakdown and the lists.
    data = buttons(reply)
    assert sum(d.startswith("s:v:d:") for d in data) == 8
    assert {"s:v:A:0:0", "s:v:o:0:0", "s:v:b:0:0", "s:v:x:0:0"} <= set(data)


async def test_by_agency_pages_through_every_agency(office: Office) -> None:
    reply = await office.command(office.coordinator, "/status")
    _, by_agency = await office.press(reply, office.coordinator, "s:v:A:0:0")
    pages = await office.all_pages(by_agency, office.coordinator)
    assert len(pages) == 3
    assert [re.search(r"Trang (\d)/3", p["text"]).group(1) for p in pages] == ["1", "2", "3"]  # type: ignore[union-attr]
    seen: dict[str, tuple[int, int, int, int, int]] = {}
    for page in pages:
        assert read_counts(page["text"]) == office.truth.counts()
        seen.update(read_groups(page["text"]))
    assert len(seen) == 30
    for agency_id, code in office.seeded.agency_codes.items():
        assert seen[code] == as_tuple(office.truth.counts(agency=agency_id)), code


async def test_drill_down_to_an_agency_lists_each_of_its_tasks_once(office: Office) -> None:
    reply = await office.command(office.coordinator, "/status")
    _, by_agency = await office.press(reply, office.coordinator, "s:v:A:0:0")
    first_agency = next(d for d in buttons(by_agency) if d.startswith("s:v:a:"))
    agency_id = int(first_agency.split(":")[3])
    _, agency_view = await office.press(by_agency, office.coordinator, first_agency)
    assert read_counts(agency_view["text"]) == office.truth.counts(agency=agency_id)
    pages = await office.all_pages(agency_view, office.coordinator)
    listed = [office.codes[c] for page in pages for c in _TASK_LINE.findall(page["text"])]
    assert len(listed) == len(set(listed))
    assert set(listed) == office.truth.ids(agency=agency_id)


async def test_status_for_a_directive_number_and_an_agency_code(office: Office) -> None:
    directive_id = office.seeded.directive_ids[2]
    number = office.seeded.directive_numbers[directive_id]
    reply = await office.command(office.coordinator, f"/status {number}")
    assert f"Văn bản {number}" in reply["text"]
    assert read_counts(reply["text"]) == office.truth.counts(directive=directive_id)
    short = await office.command(office.coordinator, f"/status {number.split('/')[0]}")
    assert read_counts(short["text"]) == office.truth.counts(directive=directive_id)
    agency_id = office.seeded.agency_ids[4]
    code = office.seeded.agency_codes[agency_id]
    by_code = await office.command(office.coordinator, f"/tinhhinh {code.lower()}")
    assert read_counts(by_code["text"]) == office.truth.counts(agency=agency_id)
    missing = await office.command(office.coordinator, "/status 9999/QĐ-UBND")
    assert "Không tìm thấy văn bản hoặc cơ quan «9999/QĐ-UBND»" in missing["text"]
    huge = await office.command(office.coordinator, "/status " + "x" * 4000)
    assert "Không tìm thấy văn bản hoặc cơ quan «xxx" in huge["text"]
    assert len(huge["text"]) < 400, "a long argument is not echoed back in full"


async def test_overdue_lists_every_overdue_task(office: Office) -> None:
    reply = await office.command(office.coordinator, "/overdue")
    assert "Nhiệm vụ quá hạn chưa hoàn thành" in reply["text"]
    pages = await office.all_pages(reply, office.coordinator)
    listed = [office.codes[c] for page in pages for c in _TASK_LINE.findall(page["text"])]
    assert sorted(listed) == sorted(office.truth.ids(category="open_overdue"))
    alias = await office.command(office.coordinator, "/quahan")
    assert alias["text"] == reply["text"]


async def test_blocked_and_pending_extension_lists(office: Office) -> None:
    for data, where in (("s:v:b:0:0", {"blocked": True}), ("s:v:x:0:0", {"pending": True})):
        reply = await office.command(office.coordinator, "/status")
        _, view = await office.press(reply, office.coordinator, data)
        pages = await office.all_pages(view, office.coordinator)
        listed = [office.codes[c] for page in pages for c in _TASK_LINE.findall(page["text"])]
        assert sorted(listed) == sorted(office.truth.ids(**where)), data


async def test_a_focal_point_sees_their_own_agency_only(office: Office) -> None:
    own = office.seeded.agency_ids[0]
    status = await office.command(office.focal, "/status")
    tasks = await office.command(office.focal, "/tasks")
    assert status["text"] == tasks["text"]
    assert read_counts(status["text"]) == office.truth.counts(agency=own)
    assert "Cơ quan số 1" in status["text"]
    listed = {office.codes[c] for c in _TASK_LINE.findall(status["text"])}
    assert listed <= office.truth.ids(agency=own)
    other_code = office.seeded.agency_codes[office.seeded.agency_ids[1]]
    refused = await office.command(office.focal, f"/status {other_code}")
    assert "chưa có quyền" in refused["text"]
    assert not any(d.startswith("s:v:A") or d.startswith("s:v:d") for d in buttons(status))


async def test_forged_view_buttons_are_refused_and_audited(
    office: Office, e2e_runtime: Runtime
) -> None:
    other = await seeded_workspace(e2e_runtime.database, agencies=2, tasks=4, name="Huyện khác")
    status = await office.command(office.coordinator, "/status")
    group = office.group["id"]
    stored = office.harness.sandbox.state.chats[group].messages[status["message_id"]]
    forged = [
        f"s:v:d:{other.directive_ids[0]}:0",
        f"s:v:a:{other.agency_ids[0]}:0",
        f"s:v:a:{office.seeded.agency_ids[1]}:0",
    ]
    assert stored.reply_markup is not None
    stored.reply_markup["inline_keyboard"].append(
        [{"text": str(i), "callback_data": data} for i, data in enumerate(forged)]
    )
    for data in forged[:2]:
        answer, _ = await office.press(status, office.coordinator, data)
        assert answer["show_alert"] and "chưa có quyền" in answer["text"]
    answer, _ = await office.press(status, office.focal, forged[2])
    assert answer["show_alert"]
    async with e2e_runtime.database.session() as session:
        audit = list(
            (await session.execute(select(AuditEvent).where(AuditEvent.allowed == False))).scalars()  # noqa: E712
        )
    assert len(audit) == 3
    message = (await office.harness.bot_messages(group))[-1]
    assert "Huyện khác" not in message["text"]
