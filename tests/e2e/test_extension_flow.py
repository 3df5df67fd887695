"""The extension round trip through the real bot and the sandbox: a request
posted to the coordination group, refused to anyone but a coordinator,
approved (the deadline and the reminders move, the agency is told) or
denied with a reason the coordinator replies with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.runtime import Runtime
from tests.e2e.harness import BotHarness
from tests.e2e.status_scene import Scene, build_scene, buttons


@pytest.fixture
async def scene(harness: BotHarness, e2e_runtime: Runtime) -> AsyncIterator[Scene]:
    yield await build_scene(harness, e2e_runtime)


async def _request(scene: Scene, command: str) -> dict[str, object]:
    coordination = scene.coordination["id"]
    await scene.mark(coordination)
    await scene.harness.say(scene.focal_group["id"], scene.lan, command)
    return await scene.next(coordination)


async def test_approve_moves_the_deadline_and_tells_the_agency(scene: Scene) -> None:
    coordination, group = scene.coordination["id"], scene.focal_group["id"]
    posted = await _request(scene, "/giahan T1 30/5 chờ số liệu của các huyện")
    assert "Hạn hiện tại: 20/05/2024" in str(posted["text"])
    assert "Xin gia hạn đến: 30/05/2024" in str(posted["text"])
    [approve, deny] = buttons(posted)
    assert approve.startswith("s:xa:") and deny.startswith("s:xd:")
    # A focal point in the coordination group may not decide.
    refused = await scene.press(coordination, posted, scene.lan, approve)
    assert refused["show_alert"] and "Chỉ cán bộ điều phối" in refused["text"]
    assert [r.action for r in await scene.refusals()] == ["decide_extension"]
    assert (await scene.task("T1")).effective_deadline == date(2024, 5, 20)
    # The coordinator approves.
    await scene.mark(group)
    answer = await scene.press(coordination, posted, scene.minh, approve)
    assert answer["text"] == "Đã đồng ý gia hạn."
    told = await scene.next(group)
    assert "Sở Nội vụ <b>đồng ý</b> gia hạn nhiệm vụ <b>T1</b> đến ngày <b>30/05/2024</b>" in str(
        told["html"]
    )
    assert "Hạn ban đầu: 20/05/2024" in str(told["text"])
    decided = await scene.eventually(
        coordination, int(posted["message_id"]), lambda m: "Đã đồng ý" in m["text"]
    )
    assert buttons(decided) == [] and "Minh" in decided["text"]
    task = await scene.task("T1")
    assert (task.effective_deadline, task.original_effective_deadline) == (
        date(2024, 5, 30),
        date(2024, 5, 20),
    )
    assert task.next_reminder_at is not None and task.next_reminder_at > scene.runtime.now()
    [request] = await scene.extension_requests()
    assert (request.state, request.decided_by) == ("approved", scene.minh["id"])


async def test_deny_asks_the_coordinator_for_a_reason_and_tells_the_agency(scene: Scene) -> None:
    coordination, group = scene.coordination["id"], scene.focal_group["id"]
    posted = await _request(scene, "/giahan T1 1/6")
    deny = buttons(posted)[1]
    await scene.press(coordination, posted, scene.minh, deny)
    prompt = await scene.next(coordination)
    assert "lý do không đồng ý gia hạn" in prompt["text"]
    assert prompt["reply_keyboard"] == {"force_reply": True, "selective": True}
    await scene.mark(group)
    done = await scene.reply(
        coordination, scene.minh, "Hạn do UBND tỉnh ấn định, không gia hạn", prompt
    )
    assert "Đã ghi nhận quyết định" in done["text"]
    told = await scene.next(group)
    assert "<b>không đồng ý</b> gia hạn nhiệm vụ <b>T1</b>" in told["html"]
    assert "Lý do: Hạn do UBND tỉnh ấn định, không gia hạn" in told["text"]
    assert "Hạn vẫn là <b>20/05/2024</b>" in told["html"]
    decided = await scene.eventually(
        coordination, int(posted["message_id"]), lambda m: "Đã từ chối" in m["text"]
    )
    assert buttons(decided) == []
    task = await scene.task("T1")
    assert (task.effective_deadline, task.original_effective_deadline) == (date(2024, 5, 20), None)
    [request] = await scene.extension_requests()
    assert (request.state, request.decision_reason) == (
        "denied",
        "Hạn do UBND tỉnh ấn định, không gia hạn",
    )


async def test_a_second_press_after_the_decision_is_told_it_was_decided(scene: Scene) -> None:
    coordination = scene.coordination["id"]
    posted = await _request(scene, "/giahan T1 30/5")
    approve = buttons(posted)[0]
    await scene.press(coordination, posted, scene.minh, approve)
    await scene.eventually(
        coordination, int(posted["message_id"]), lambda m: "Đã đồng ý" in m["text"]
    )
    scene.forge(coordination, posted, approve)  # an old client still shows the button
    again = await scene.press(coordination, posted, scene.minh, approve)
    assert again["show_alert"] and "đã được xử lý" in again["text"]


async def test_extension_dates_a_saturday_before_the_deadline_or_in_the_past(
    scene: Scene,
) -> None:
    group = scene.focal_group["id"]
    early = await scene.harness.say(group, scene.lan, "/giahan T1 17/5")
    assert "phải sau ngày đó" in early["text"]
    past = await scene.harness.say(group, scene.lan, "/giahan T1 10/5/2024")
    assert "đã qua" in past["text"]
    assert await scene.extension_requests() == []
    saturday = await scene.harness.say(group, scene.lan, "/giahan T1 1/6/2024")
    assert (
        "Lưu ý: 01/06/2024 là ngày nghỉ; ngày làm việc cuối cùng trước đó là 31/05/2024"
        in saturday["text"]
    )
    [request] = await scene.extension_requests()
    assert request.requested_date == date(2024, 6, 1)
