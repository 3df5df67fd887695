"""Focal points, coordinators and viewers joining and leaving a workspace.

A coordinator issues a one-time invite for an agency (or for a coordinator
or viewer); the invitee redeems it with the deep link t.me/<bot>?start=<code>
or with /join <code>. Codes expire (INVITE_TTL) and work once: redeeming is
one conditional UPDATE, so two people racing for a code cannot both win.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.rights import Action, Actor, Role
from bot.runtime import Runtime
from bot.services import identity
from bot.services.agencies import AgencyInfo, agency_info
from bot.services.workspaces import (
    NoWorkspace,
    Refused,
    WorkspaceInfo,
    actor_in_workspace,
    info,
    target_workspace,
)
from storage.models import Agency, Invite, Member
from storage.repositories import agencies, invites, members, workspaces

INVITE_TTL = timedelta(days=7)
# No 0/O, 1/I/L: the code is read aloud over the phone and typed on one.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@dataclass(frozen=True, slots=True)
class UserRef:
    """The Telegram user as the update shows them."""

    telegram_user_id: int
    display_name: str
    username: str | None = None


@dataclass(frozen=True, slots=True)
class InviteInfo:
    code: str
    workspace: WorkspaceInfo
    role: Role
    agency: AgencyInfo | None
    expires_at: datetime


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What the user typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


async def create_invite(
    runtime: Runtime,
    actor: Actor,
    *,
    role: Role = Role.FOCAL_POINT,
    agency_id: int | None = None,
    workspace_id: int | None = None,
    telegram_chat_id: int | None = None,
    ttl: timedelta = INVITE_TTL,
) -> InviteInfo:
    """A one-time invite into the actor's workspace.

    A focal point invite names an agency of that workspace; coordinator and
    viewer invites name none. Raises Refused (audited) or NoWorkspace.
    """
    target = await target_workspace(
        runtime,
        actor,
        Action.INVITE,
        workspace_id=workspace_id,
        agency_id=agency_id,
        telegram_chat_id=telegram_chat_id,
    )
    if role is Role.ADMIN:
        raise Refused(Action.INVITE)  # admins are BOT_ADMINS, never invited
    now = runtime.now()
    async with runtime.database.session() as session:
        agency = await agencies.get(session, target, agency_id) if agency_id is not None else None
    if (role is Role.FOCAL_POINT) != (
        agency is not None
    ):  # a forged or foreign agency id: refused, and audited
        await identity.record(
            runtime,
            actor,
            Action.INVITE.value,
            allowed=False,
            telegram_chat_id=telegram_chat_id,
            detail={"target_agency": agency_id, "reason": "no such agency in the workspace"},
        )
        raise Refused(Action.INVITE)
    async with runtime.database.session() as session:
        code = new_code()
        while await invites.code_taken(session, code):
            code = new_code()
        await invites.create(
            session,
            code=code,
            workspace_id=target,
            agency_id=agency.id if agency else None,
            role=role,
            created_by=actor.telegram_user_id,
            expires_at=now + ttl,
            at=now,
        )
        workspace = await workspaces.get(session, target)
        assert workspace is not None
        result = InviteInfo(
            code, info(workspace), role, agency_info(agency) if agency else None, now + ttl
        )
    await identity.record(
        runtime,
        actor,
        "invite_created",
        telegram_chat_id=telegram_chat_id,
        detail={"code": code, "role": role.value, "agency": agency_id},
    )
    return result


class JoinOutcome(StrEnum):
    JOINED = "joined"
    ALREADY = "already"  # already this agency's focal point (or this role): nothing to do
    NOT_FOUND = "not_found"
    EXPIRED = "expired"
    USED = "used"
    OTHER_ROLE = "other_role"  # already in the workspace with another role or agency
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class JoinResult:
    outcome: JoinOutcome
    workspace: WorkspaceInfo | None = None
    role: Role | None = None
    agency: AgencyInfo | None = None
    current_role: Role | None = None
    current_agency: AgencyInfo | None = None


async def redeem(
    runtime: Runtime, user: UserRef, code_text: str, *, telegram_chat_id: int | None = None
) -> JoinResult:
    """Use an invite code. Every failed attempt is written to the audit log."""
    code, now = normalise_code(code_text), runtime.now()
    async with runtime.database.session() as session:
        invite = await invites.by_code(session, code) if code else None
        if invite is not None:
            workspace = await workspaces.get(session, invite.workspace_id)
            agency = (
                await agencies.get(session, invite.workspace_id, invite.agency_id)
                if invite.agency_id is not None
                else None
            )
            current = await members.any_membership(
                session, invite.workspace_id, user.telegram_user_id
            )
    if invite is None:
        await _join_failed(runtime, user, None, "not_found", telegram_chat_id, code)
        return JoinResult(JoinOutcome.NOT_FOUND)
    assert workspace is not None and invite.id is not None
    target = JoinResult(JoinOutcome.JOINED, info(workspace), Role(invite.role), _info(agency))
    if invite.used_at is not None:
        if invite.used_by == user.telegram_user_id and _same(current, invite):
            return _with(target, JoinOutcome.ALREADY)
        await _join_failed(runtime, user, invite.workspace_id, "used", telegram_chat_id, code)
        return _with(target, JoinOutcome.USED)
    if invite.expires_at <= now:
        await _join_failed(runtime, user, invite.workspace_id, "expired", telegram_chat_id, code)
        return _with(target, JoinOutcome.EXPIRED)
    if current is not None and current.active:
        if _same(current, invite):
            return _with(target, JoinOutcome.ALREADY)
        async with runtime.database.session() as session:
            held = (
                await agencies.get(session, invite.workspace_id, current.agency_id)
                if current.agency_id is not None
                else None
            )
        await _join_failed(runtime, user, invite.workspace_id, "other_role", telegram_chat_id, code)
        return JoinResult(
            JoinOutcome.OTHER_ROLE,
            target.workspace,
            target.role,
            target.agency,
            Role(current.role),
            _info(held),
        )
    actor = await actor_in_workspace(runtime, user.telegram_user_id, invite.workspace_id)
    if not await identity.check(
        runtime,
        actor,
        Action.JOIN,
        workspace_id=invite.workspace_id,
        agency_id=invite.agency_id,
        telegram_chat_id=telegram_chat_id,
        detail={"code": code},
    ):
        return _with(target, JoinOutcome.REFUSED)
    async with runtime.database.session() as session:
        if not await invites.consume(session, invite.id, user.telegram_user_id, now):
            won = False
        else:
            won = True
            await members.bind(
                session,
                invite.workspace_id,
                user.telegram_user_id,
                role=invite.role,
                agency_id=invite.agency_id,
                display_name=user.display_name,
                username=user.username,
                at=now,
            )
    if not won:
        await _join_failed(runtime, user, invite.workspace_id, "used", telegram_chat_id, code)
        return _with(target, JoinOutcome.USED)
    await identity.record(
        runtime,
        Actor(user.telegram_user_id, invite.workspace_id, Role(invite.role), invite.agency_id),
        "joined",
        telegram_chat_id=telegram_chat_id,
        detail={"code": code, "role": invite.role, "agency": invite.agency_id},
    )
    return target


def _same(member: Member | None, invite: Invite) -> bool:
    return (
        member is not None
        and member.active
        and member.role == invite.role
        and member.agency_id == invite.agency_id
    )


def _with(result: JoinResult, outcome: JoinOutcome) -> JoinResult:
    return JoinResult(outcome, result.workspace, result.role, result.agency)


def _info(agency: Agency | None) -> AgencyInfo | None:
    return agency_info(agency) if agency is not None else None


async def _join_failed(
    runtime: Runtime,
    user: UserRef,
    workspace_id: int | None,
    reason: str,
    telegram_chat_id: int | None,
    code: str,
) -> None:
    await identity.record(
        runtime,
        Actor(user.telegram_user_id, workspace_id, None),
        Action.JOIN.value,
        allowed=False,
        telegram_chat_id=telegram_chat_id,
        detail={"reason": reason, "code": code[:16]},
    )


# -- leaving and removing ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberInfo:
    id: int
    telegram_user_id: int
    display_name: str
    username: str | None
    role: Role
    agency: AgencyInfo | None = None
    workspace_name: str = ""


class NotMember(LookupError):
    """The user is not an active member of the workspace."""


async def leave(
    runtime: Runtime, actor: Actor, *, telegram_chat_id: int | None = None
) -> tuple[WorkspaceInfo, MemberInfo]:
    """The actor stops being a member of the chat's workspace."""
    if actor.workspace_id is None:
        raise NoWorkspace()
    target = await target_workspace(runtime, actor, Action.LEAVE, telegram_chat_id=telegram_chat_id)
    async with runtime.database.session() as session:
        member = await members.any_membership(session, target, actor.telegram_user_id)
        if member is None or not member.active:
            raise NotMember()
        result = await _member_info(session, member)
        await members.deactivate(session, member, runtime.now())
        workspace = await workspaces.get(session, target)
        assert workspace is not None
    await identity.record(
        runtime,
        actor,
        "left",
        telegram_chat_id=telegram_chat_id,
        detail={"role": result.role.value, "agency": result.agency.id if result.agency else None},
    )
    return info(workspace), result


async def _member_info(session: AsyncSession, member: Member) -> MemberInfo:
    assert member.id is not None
    agency = (
        await agencies.get(session, member.workspace_id, member.agency_id)
        if member.agency_id is not None
        else None
    )
    workspace = await workspaces.get(session, member.workspace_id)
    return MemberInfo(
        member.id,
        member.telegram_user_id,
        member.display_name,
        member.username,
        Role(member.role),
        agency_info(agency) if agency else None,
        workspace.name if workspace else "",
    )


async def focal_points(
    runtime: Runtime,
    actor: Actor,
    agency_id: int,
    *,
    workspace_id: int | None = None,
    telegram_chat_id: int | None = None,
) -> tuple[AgencyInfo, list[MemberInfo]]:
    """An agency's focal points, for a coordinator about to remove one."""
    target = await target_workspace(
        runtime,
        actor,
        Action.REMOVE_FOCAL_POINT,
        workspace_id=workspace_id,
        agency_id=agency_id,
        telegram_chat_id=telegram_chat_id,
    )
    async with runtime.database.session() as session:
        agency = await agencies.get(session, target, agency_id)
        if agency is None:
            raise Refused(Action.REMOVE_FOCAL_POINT)
        rows = await members.focal_points(session, target, agency_id)
        people = [await _member_info(session, m) for m in rows if m.role == Role.FOCAL_POINT]
    return agency_info(agency), people


def pick_member(people: list[MemberInfo], who: str) -> MemberInfo | None:
    """The focal point `who` names: "@username", "username" or a Telegram user id."""
    wanted = who.strip().lstrip("@").lower()
    for person in people:
        if wanted.isdigit() and person.telegram_user_id == int(wanted):
            return person
        if person.username and person.username.lower() == wanted:
            return person
    return None


async def remove_member(
    runtime: Runtime,
    actor: Actor,
    member_id: int,
    *,
    workspace_id: int | None = None,
    telegram_chat_id: int | None = None,
) -> MemberInfo:
    """A coordinator removes a focal point. The member id may come from a
    button: it is looked up inside the actor's workspace only."""
    if actor.workspace_id is None:
        raise NoWorkspace()
    async with runtime.database.session() as session:
        member = await members.by_id(session, member_id)
    if member is None or member.role != Role.FOCAL_POINT:
        await identity.record(
            runtime,
            actor,
            Action.REMOVE_FOCAL_POINT.value,
            allowed=False,
            telegram_chat_id=telegram_chat_id,
            detail={"member": member_id, "reason": "no such focal point"},
        )
        raise Refused(Action.REMOVE_FOCAL_POINT)
    if workspace_id is not None and workspace_id != member.workspace_id:
        workspace_id = -1  # the button named another workspace than the member's: forged
    target = await target_workspace(
        runtime,
        actor,
        Action.REMOVE_FOCAL_POINT,
        workspace_id=member.workspace_id if workspace_id is None else workspace_id,
        agency_id=member.agency_id,
        telegram_chat_id=telegram_chat_id,
    )
    async with runtime.database.session() as session:
        row = await members.get(session, target, member_id)
        if row is None or not row.active:
            raise NotMember()
        result = await _member_info(session, row)
        await members.deactivate(session, row, runtime.now())
    await identity.record(
        runtime,
        actor,
        "focal_point_removed",
        telegram_chat_id=telegram_chat_id,
        detail={"member": member_id, "user": result.telegram_user_id},
    )
    return result
