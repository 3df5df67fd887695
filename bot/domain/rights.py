"""Who may do what: the one place where rights are decided.

An actor is a Telegram user seen from one workspace (the workspace of the
chat they write in, or of the task they touch). Admins (BOT_ADMINS) may do
everything; a coordinator everything within their workspace; a focal point
may act on their own agency's tasks only; a viewer may only look. A stranger
may only read the help and redeem an invite. A change reported on a task
may be taken back (within the undo window) by whoever reported it, or by a
coordinator: `may` is told the change's author. The README's rights table is
generated from `RULES` so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    FOCAL_POINT = "focal_point"
    VIEWER = "viewer"


class Action(StrEnum):
    JOIN = "join"
    LEAVE = "leave"
    CREATE_WORKSPACE = "create_workspace"
    SETUP_CHAT = "setup_chat"
    MANAGE_AGENCIES = "manage_agencies"
    INVITE = "invite"
    REMOVE_FOCAL_POINT = "remove_focal_point"
    TAKE_IN_DIRECTIVE = "take_in_directive"
    UPDATE_TASK = "update_task"
    UNDO_CHANGE = "undo_change"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    VIEW_WORKSPACE = "view_workspace"
    VIEW_OWN_AGENCY = "view_own_agency"
    SEND_DIGEST = "send_digest"
    EXPORT_REPORT = "export_report"
    RESEND_REMINDERS = "resend_reminders"


# Actions a focal point may take only on their own agency's tasks.
AGENCY_SCOPED = frozenset(
    {
        Action.UPDATE_TASK,
        Action.UNDO_CHANGE,
        Action.REQUEST_EXTENSION,
        Action.VIEW_OWN_AGENCY,
    }
)

# Actions a focal point may take only on what they did themselves (`author_id`).
AUTHOR_SCOPED = frozenset({Action.UNDO_CHANGE})

# A coordinator runs one workspace; creating another coordinating unit is the admins',
# and so is sending again the reminders reported to them (BOT_ADMINS, across workspaces).
ADMIN_ONLY = frozenset({Action.CREATE_WORKSPACE, Action.RESEND_REMINDERS})
_COORDINATING = frozenset(Action) - {Action.JOIN, Action.LEAVE} - ADMIN_ONLY

RULES: dict[Role | None, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.COORDINATOR: _COORDINATING | {Action.LEAVE},
    Role.FOCAL_POINT: frozenset(
        {
            Action.JOIN,
            Action.LEAVE,
            Action.UPDATE_TASK,
            Action.UNDO_CHANGE,
            Action.REQUEST_EXTENSION,
            Action.VIEW_OWN_AGENCY,
        }
    ),
    Role.VIEWER: frozenset(
        {Action.JOIN, Action.LEAVE, Action.VIEW_WORKSPACE, Action.VIEW_OWN_AGENCY}
    ),
    None: frozenset({Action.JOIN}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    telegram_user_id: int
    workspace_id: int | None
    role: Role | None
    agency_id: int | None = None


def may(
    actor: Actor,
    action: Action,
    *,
    workspace_id: int | None = None,
    agency_id: int | None = None,
    author_id: int | None = None,
) -> bool:
    """Whether `actor` may take `action` on something of `workspace_id` /
    `agency_id` (pass the target's, not the actor's, so that a forged
    reference to another workspace's task is refused). For an action on a
    change (undo), `author_id` is the Telegram id of whoever made it."""
    if action not in RULES[actor.role]:
        return False
    if actor.role is Role.ADMIN:
        # Admins act on every workspace, but from one workspace's chat only on
        # that workspace: otherwise a button of one workspace pressed in another's
        # group would show the first one's data there. (From a chat with no
        # workspace, e.g. an admin's private chat, any workspace.)
        return workspace_id is None or actor.workspace_id in (None, workspace_id)
    if workspace_id is not None and actor.workspace_id != workspace_id:
        return False
    if actor.role is Role.FOCAL_POINT:
        if action in AGENCY_SCOPED and (agency_id is None or agency_id != actor.agency_id):
            return False
        if action in AUTHOR_SCOPED and author_id != actor.telegram_user_id:
            return False
    return True


# Columns of the generated rights table, in the order readers expect.
TABLE_ROLES: tuple[Role | None, ...] = (
    Role.ADMIN,
    Role.COORDINATOR,
    Role.FOCAL_POINT,
    Role.VIEWER,
    None,
)


class Grant(StrEnum):
    """What one role may do with one action, as the rights table shows it."""

    EVERYWHERE = "everywhere"  # admins: every workspace
    WORKSPACE = "workspace"  # within the actor's own workspace
    OWN_AGENCY = "own_agency"  # a focal point: their own agency's tasks only
    OWN_CHANGES = "own_changes"  # a focal point: what they reported themselves
    NO = "no"


def grant(role: Role | None, action: Action) -> Grant:
    """The table cell for `role` and `action`, read from RULES and `may`'s scoping."""
    if action not in RULES[role]:
        return Grant.NO
    if role is Role.ADMIN:
        return Grant.EVERYWHERE
    if role is Role.FOCAL_POINT and action in AUTHOR_SCOPED:
        return Grant.OWN_CHANGES
    if role is Role.FOCAL_POINT and action in AGENCY_SCOPED:
        return Grant.OWN_AGENCY
    return Grant.WORKSPACE


def rights_table_markdown(label: Callable[[str, str], str]) -> str:
    """docs/RIGHTS.md, generated from RULES so the document cannot drift.

    `label(lang, key)` names roles ("role.<value>", "role.stranger"), actions
    ("action.<value>"), grants ("grant.<value>") and the headings; the caller
    passes the texts catalog, which keeps this module free of I/O and imports.
    """
    sections: list[str] = [label("vi", "title"), "", label("vi", "intro"), ""]
    for lang in ("vi", "en"):
        roles = [label(lang, f"role.{role.value if role else 'stranger'}") for role in TABLE_ROLES]
        sections.append(f"## {label(lang, 'heading')}")
        sections.append("")
        sections.append("| " + " | ".join([label(lang, "action"), *roles]) + " |")
        sections.append("|" + " --- |" * (len(roles) + 1))
        for action in Action:
            cells = [label(lang, f"grant.{grant(role, action).value}") for role in TABLE_ROLES]
            sections.append(
                "| " + " | ".join([label(lang, f"action.{action.value}"), *cells]) + " |"
            )
        sections.append("")
        sections.append(label(lang, "notes"))
        sections.append("")
    return "\n".join(sections).rstrip() + "\n"
