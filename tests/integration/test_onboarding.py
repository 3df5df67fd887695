"""Invites, joining, leaving, removing, and the refusals they audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.domain.rights import Actor, Role
from bot.runtime import Runtime
from bot.services import agencies, onboarding
from bot.services.onboarding import JoinOutcome, UserRef
from bot.services.workspaces import NoWorkspace, Refused
from storage.models import AuditEvent, Member
from storage.repositories import audit
from tests import factories

COORDINATOR, FOCAL, STRANGER = 2001, 3001, 9001


async def _world(runtime: Runtime) -> dict[str, int]:
    db = runtime.database
    ws = await factories.workspace(db)
    other = await factories.workspace(db, "Phòng Nội vụ huyện Bình Sơn")
    assert ws.id and other.id
    stp = await factories.agency(db, ws.id, "STP", "Sở Tư pháp")
    stc = await factories.agency(db, ws.id, "STC", "Sở Tài chính")
    foreign = await factories.agency(db, other.id, "PTP", "Phòng Tư pháp")
    await factories.member(db, ws.id, COORDINATOR, Role.COORDINATOR)
    assert stp.id and stc.id and foreign.id
    return {"ws": ws.id, "other": other.id, "stp": stp.id, "stc": stc.id, "foreign": foreign.id}


def _coordinator(w: dict[str, int]) -> Actor:
    return Actor(COORDINATOR, w["ws"], Role.COORDINATOR)


async def _members(runtime: Runtime) -> list[Member]:
    async with runtime.database.session() as session:
        return list((await session.execute(select(Member).order_by(Member.id))).scalars())


async def test_invite_then_join_binds_focal_point(runtime: Runtime) -> None:
    w = await _world(runtime)
    invite = await onboarding.create_invite(runtime, _coordinator(w), agency_id=w["stp"])
    assert len(invite.code) == 8 and invite.agency and invite.agency.code == "STP"
    assert invite.expires_at == runtime.now() + timedelta(days=7)
    result = await onboarding.redeem(
        runtime, UserRef(FOCAL, "Nguyễn Văn A", "nva"), invite.code.lower()
    )
    assert result.outcome is JoinOutcome.JOINED and result.agency and result.agency.code == "STP"
    joined = [m for m in await _members(runtime) if m.telegram_user_id == FOCAL]
    assert len(joined) == 1 and joined[0].agency_id == w["stp"] and joined[0].role == "focal_point"


async def test_code_works_once_and_expires(runtime: Runtime, clock: ManualClock) -> None:
    w = await _world(runtime)
    first = await onboarding.create_invite(runtime, _coordinator(w), agency_id=w["stp"])
    assert (await onboarding.redeem(runtime, UserRef(FOCAL, "A"), first.code)).outcome is (
        JoinOutcome.JOINED
    )
    reused = await onboarding.redeem(runtime, UserRef(STRANGER, "B"), first.code)
    assert reused.outcome is JoinOutcome.USED
    second = await onboarding.create_invite(runtime, _coordinator(w), agency_id=w["stc"])
    clock.advance(timedelta(days=7, seconds=1))
    expired = await onboarding.redeem(runtime, UserRef(STRANGER, "B"), second.code)
    assert expired.outcome is JoinOutcome.EXPIRED
    unknown = await onboarding.redeem(runtime, UserRef(STRANGER, "B"), "NOPE2345")
    assert unknown.outcome is JoinOutcome.NOT_FOUND
    assert [m.telegram_user_id for m in await _members(runtime)] == [COORDINATOR, FOCAL]
    async with runtime.database.session() as session:
        reasons = [e.detail["reason"] for e in await audit.refusals(session, STRANGER)]
    assert reasons == ["used", "expired", "not_found"]


async def test_several_focal_points_per_agency_and_leaving(runtime: Runtime) -> None:
    w = await _world(runtime)
    for user in (FOCAL, FOCAL + 1):
        invite = await onboarding.create_invite(runtime, _coordinator(w), agency_id=w["stp"])
        await onboarding.redeem(runtime, UserRef(user, f"U{user}", f"u{user}"), invite.code)
    agency, people = await onboarding.focal_points(runtime, _coordinator(w), w["stp"])
    assert agency.code == "STP" and [p.telegram_user_id for p in people] == [FOCAL, FOCAL + 1]
    workspace, left = await onboarding.leave(runtime, Actor(FOCAL, w["ws"], Role.FOCAL_POINT))
    assert left.agency and left.agency.code == "STP" and workspace.id == w["ws"]
    _, people = await onboarding.focal_points(runtime, _coordinator(w), w["stp"])
    assert [p.telegram_user_id for p in people] == [FOCAL + 1]
    removed = await onboarding.remove_member(runtime, _coordinator(w), people[0].id)
    assert removed.telegram_user_id == FOCAL + 1
    assert [m.telegram_user_id for m in await _members(runtime) if m.active] == [COORDINATOR]
    # Joining again after leaving re-activates the same row (one per user and workspace).
    invite = await onboarding.create_invite(runtime, _coordinator(w), agency_id=w["stc"])
    again = await onboarding.redeem(runtime, UserRef(FOCAL, "A"), invite.code)
    assert again.outcome is JoinOutcome.JOINED
    rows = [m for m in await _members(runtime) if m.telegram_user_id == FOCAL]
    assert len(rows) == 1 and rows[0].active and rows[0].agency_id == w["stc"]


async def test_focal_point_of_one_agency_cannot_take_another_silently(runtime: Runtime) -> None:
    w = await _world(runtime)
    first = await onboarding.create_invite(runtime, _coordinator(w), agency_id=w["stp"])
    await onboarding.redeem(runtime, UserRef(FOCAL, "A"), first.code)
    second = await onboarding.create_invite(runtime, _coordinator(w), agency_id=w["stc"])
    result = await onboarding.redeem(runtime, UserRef(FOCAL, "A"), second.code)
    assert result.outcome is JoinOutcome.OTHER_ROLE
    assert result.current_agency and result.current_agency.code == "STP"
    # The code was not used up: the right person can still take it.
    assert (await onboarding.redeem(runtime, UserRef(FOCAL + 5, "C"), second.code)).outcome is (
        JoinOutcome.JOINED
    )


async def test_coordinator_and_viewer_invites(runtime: Runtime) -> None:
    w = await _world(runtime)
    invite = await onboarding.create_invite(runtime, _coordinator(w), role=Role.VIEWER)
    result = await onboarding.redeem(runtime, UserRef(FOCAL, "V"), invite.code)
    assert result.outcome is JoinOutcome.JOINED and result.role is Role.VIEWER
    invite = await onboarding.create_invite(runtime, _coordinator(w), role=Role.COORDINATOR)
    result = await onboarding.redeem(runtime, UserRef(FOCAL + 1, "C"), invite.code)
    assert result.role is Role.COORDINATOR and result.agency is None


@pytest.mark.parametrize(
    "actor_role", [Role.FOCAL_POINT, Role.VIEWER, None], ids=["focal", "viewer", "stranger"]
)
async def test_only_coordinators_invite(runtime: Runtime, actor_role: Role | None) -> None:
    w = await _world(runtime)
    actor = Actor(FOCAL, w["ws"], actor_role, w["stp"] if actor_role else None)
    with pytest.raises(Refused):
        await onboarding.create_invite(runtime, actor, agency_id=w["stp"])
    async with runtime.database.session() as session:
        refused = await audit.refusals(session, FOCAL)
    assert [e.action for e in refused] == ["invite"]


async def test_forged_ids_of_another_workspace_are_refused(runtime: Runtime) -> None:
    w = await _world(runtime)
    coordinator = _coordinator(w)
    with pytest.raises(Refused):  # an agency id of another workspace
        await onboarding.create_invite(runtime, coordinator, agency_id=w["foreign"])
    with pytest.raises(Refused):  # a button naming another workspace
        await onboarding.create_invite(
            runtime, coordinator, agency_id=w["stp"], workspace_id=w["other"]
        )
    await factories.member(runtime.database, w["other"], 4001, Role.FOCAL_POINT, w["foreign"])
    others = [m for m in await _members(runtime) if m.telegram_user_id == 4001]
    assert others[0].id is not None
    with pytest.raises(Refused):
        await onboarding.remove_member(runtime, coordinator, others[0].id)
    assert all(m.active for m in await _members(runtime))
    admin = Actor(1001, w["ws"], Role.ADMIN)  # an admin acts on the chat's workspace only
    with pytest.raises(Refused):
        await agencies.list_page(runtime, admin, workspace_id=w["other"])
    async with runtime.database.session() as session:
        events = (await session.execute(select(AuditEvent))).scalars().all()
    assert len([e for e in events if not e.allowed]) == 4


async def test_leave_needs_a_workspace_and_a_membership(runtime: Runtime) -> None:
    w = await _world(runtime)
    with pytest.raises(NoWorkspace):
        await onboarding.leave(runtime, Actor(FOCAL, None, None))
    with pytest.raises(Refused):  # a stranger in the workspace's group
        await onboarding.leave(runtime, Actor(FOCAL, w["ws"], None))
    with pytest.raises(onboarding.NotMember):  # an admin without a membership
        await onboarding.leave(runtime, Actor(1001, w["ws"], Role.ADMIN))


async def test_resolve_agency_by_code_name_and_spelling(runtime: Runtime) -> None:
    w = await _world(runtime)
    for query in ("stp", "STP", "Sở Tư pháp", "so tu phap", "Sở TP"):
        found = await agencies.resolve(runtime, w["ws"], query)
        assert found.agency and found.agency.code == "STP", query
    near = await agencies.resolve(runtime, w["ws"], "Sở Tư phá")
    assert near.agency is None and [c.code for c in near.candidates] == ["STP"]
    several = await agencies.resolve(runtime, w["ws"], "Sở")
    assert {c.code for c in several.candidates} == {"STP", "STC"}
    assert (await agencies.resolve(runtime, w["ws"], "PTP")).agency is None  # other workspace


async def test_add_and_rename_agency_keep_old_name_as_alias(runtime: Runtime) -> None:
    w = await _world(runtime)
    added = await agencies.add_agency(runtime, _coordinator(w), "sxd", "Sở Xây dựng")
    assert added.code == "SXD" and added.category == "so_nganh"
    with pytest.raises(agencies.AgencyChangeError) as caught:
        await agencies.add_agency(runtime, _coordinator(w), "SXD2", "Sở  Xây dựng")
    assert caught.value.reason == "duplicate_name"
    renamed, old = await agencies.rename_agency(
        runtime, _coordinator(w), "SXD", "Sở Xây dựng và Quy hoạch"
    )
    assert old == "Sở Xây dựng" and renamed.name == "Sở Xây dựng và Quy hoạch"
    assert (await agencies.resolve(runtime, w["ws"], "Sở Xây dựng")).agency == renamed
    with pytest.raises(Refused):
        await agencies.add_agency(runtime, Actor(FOCAL, w["ws"], Role.VIEWER), "SYT", "Sở Y tế")
    page = await agencies.list_page(runtime, _coordinator(w))
    assert [a.code for a in page.items] == ["STP", "STC", "SXD"] and page.pages == 1
