"""Every table of the product, in one place.

Conventions:
- Every row that belongs to a coordinating unit carries `workspace_id`; every
  repository query filters on it, so nothing crosses between workspaces.
- Telegram ids are 64-bit (`BigInteger`): supergroup ids exceed 32 bits.
- Datetimes are aware and stored in UTC (SQLModel's UTCDateTime); local dates
  (`date` columns) are days in BOT_TIMEZONE, as users see them.
- History is append-only: status updates, audit events and extension
  decisions are rows, never overwritten; the task row holds the current state
  derived from them so that queries stay cheap.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.domain.rights import Role


class WorkspaceLevel(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class ChatPurpose(StrEnum):
    COORDINATION = "coordination"  # Home Affairs: digests, escalations, extension decisions
    FOCAL_POINTS = "focal_points"  # all agencies' focal points: reminders
    AGENCY = "agency"  # one agency's own group: its reminders


class TaskRole(StrEnum):
    LEAD = "lead"  # chủ trì
    SUPPORT = "support"  # phối hợp
    PERFORM = "perform"  # thực hiện


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # given up (chat gone); kept with the error for the admins
    UNKNOWN = "unknown"  # left 'sending' by a crash: reported, never resent blindly
    CANCELLED = "cancelled"  # the task was closed or its deadline moved before sending


class ExtensionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"


def _created() -> Any:
    return Field(default=None, sa_column_kwargs={"server_default": text("CURRENT_TIMESTAMP")})


class Workspace(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    level: str = Field(default=WorkspaceLevel.PROVINCE, max_length=20)
    created_at: datetime | None = _created()


class Agency(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=300)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    category: str = Field(max_length=20)
    parent_id: int | None = Field(default=None, foreign_key="agency.id")
    head_telegram_user_id: int | None = Field(default=None, sa_type=BigInteger)
    head_title: str | None = Field(default=None, max_length=100)  # "Giám đốc", "Chủ tịch"
    active: bool = True
    created_at: datetime | None = _created()
    updated_at: datetime | None = None


class Member(SQLModel, table=True):
    """A Telegram user's standing in one workspace (one role per workspace)."""

    __table_args__ = (UniqueConstraint("workspace_id", "telegram_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    telegram_user_id: int = Field(sa_type=BigInteger, index=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    role: str = Field(max_length=20)
    display_name: str = Field(default="", max_length=200)
    username: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=8)
    active: bool = True
    joined_at: datetime | None = _created()
    left_at: datetime | None = None


class Chat(SQLModel, table=True):
    """A Telegram chat the bot is in, and what it is for in which workspace."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_chat_id: int = Field(sa_type=BigInteger, unique=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    purpose: str | None = Field(default=None, max_length=20)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    type: str = Field(default="group", max_length=20)
    title: str = Field(default="", max_length=255)
    bot_is_member: bool = True
    migrated_from_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime | None = _created()
    updated_at: datetime | None = None


class Invite(SQLModel, table=True):
    """A one-time code that binds a Telegram user to an agency as focal point."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")  # None: coordinator/viewer
    role: str = Field(default=Role.FOCAL_POINT, max_length=20)
    created_by: int = Field(sa_type=BigInteger)
    expires_at: datetime
    used_at: datetime | None = None
    used_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime | None = _created()


class Directive(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    number: str | None = Field(default=None, max_length=80)
    symbol: str | None = Field(default=None, max_length=80)
    issuer: str | None = Field(default=None, max_length=300)
    place: str | None = Field(default=None, max_length=120)
    issued_on: date | None = None
    year: int | None = None
    subject: str | None = Field(default=None, sa_type=Text)
    signer: str | None = Field(default=None, max_length=200)
    signer_title: str | None = Field(default=None, max_length=200)
    source_text: str = Field(default="", sa_type=Text)
    source_file_name: str | None = Field(default=None, max_length=255)
    source_file_id: str | None = Field(default=None, max_length=255)
    extraction: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime | None = _created()


# A directive number is unique within a workspace (unnumbered drafts excepted).
Index(
    "uq_directive_workspace_number",
    Directive.workspace_id,  # type: ignore[arg-type]
    Directive.number,  # type: ignore[arg-type]
    unique=True,
    sqlite_where=text("number IS NOT NULL"),
    postgresql_where=text("number IS NOT NULL"),
)


class Task(SQLModel, table=True):
    """One agency's duty under one directive; the current state of its history."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "code"),
        # The sweep's only query: open tasks whose next reminder is due.
        Index(
            "ix_task_open_next_reminder",
            "next_reminder_at",
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
        Index("ix_task_workspace_state_deadline", "workspace_id", "state", "effective_deadline"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    directive_id: int = Field(foreign_key="directive.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    code: str = Field(max_length=20)  # "T12": short, typed by focal points
    role: str = Field(default=TaskRole.PERFORM, max_length=20)
    action: str = Field(sa_type=Text)
    supporting: list[str] = Field(default_factory=list, sa_type=JSON)
    report_to: str | None = Field(default=None, max_length=200)
    deadline_stated: date | None = None
    deadline_text: str | None = Field(default=None, max_length=300)
    deadline_kind: str | None = Field(default=None, max_length=20)
    deadline_hour: int | None = None
    relative_span: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    effective_deadline: date | None = None
    original_effective_deadline: date | None = None  # kept when an extension moves it
    recurrence: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    previous_occurrence_id: int | None = Field(default=None, foreign_key="task.id")
    state: str = Field(default=TaskState.OPEN, max_length=20)
    progress: int = 0
    blocked_reason: str | None = Field(default=None, sa_type=Text)
    completed_at: datetime | None = None
    completed_on: date | None = None  # local day, what "on time" is judged on
    next_reminder_at: datetime | None = None
    reminders_checked_at: datetime | None = None
    created_at: datetime | None = _created()
    updated_at: datetime | None = None


class StatusUpdate(SQLModel, table=True):
    """Append-only: who said what about a task, when, and from which message."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    kind: str = Field(max_length=30)
    percent: int | None = None
    reason: str | None = Field(default=None, sa_type=Text)
    requested_date: date | None = None
    text: str | None = Field(default=None, sa_type=Text)
    source: str = Field(default="command", max_length=20)  # button / reply / command / system
    by_telegram_user_id: int | None = Field(default=None, sa_type=BigInteger)
    by_name: str | None = Field(default=None, max_length=200)
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    telegram_message_id: int | None = None
    file_id: str | None = Field(default=None, max_length=255)
    file_name: str | None = Field(default=None, max_length=255)
    reverts_id: int | None = Field(default=None, foreign_key="statusupdate.id")
    previous_state: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime


class ReminderOutbox(SQLModel, table=True):
    """One reminder to deliver. (task, kind, day) is unique: never planned twice."""

    __table_args__ = (
        UniqueConstraint("task_id", "kind", "day", name="uq_reminder_task_kind_day"),
        Index("ix_reminder_state_send_at", "state", "send_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    kind: str = Field(max_length=20)
    day: date
    working_days: int = 0
    send_at: datetime
    late: bool = False
    state: str = Field(default=OutboxState.PENDING, max_length=20)
    attempts: int = 0
    claimed_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    sent_at: datetime | None = None
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    telegram_message_id: int | None = None
    error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime | None = _created()


class ReminderDelivery(SQLModel, table=True):
    """One reminder to one chat: the unit that is claimed, sent and recorded.

    A reminder (ReminderOutbox, unique per task/kind/day) may go to several
    chats: an escalation to the coordination group and to the agency head, a
    reminder to each focal point in private. Each chat gets its own row, so a
    failure in one chat neither blocks nor repeats another. The rows of one
    chat claimed in one sweep go out as one message (split only past
    Telegram's limits), and each row records that message's id, which is how
    a reply to the reminder finds its tasks. `telegram_chat_id` 0 records a
    reminder that had nowhere to go (no group, no focal point).
    """

    __table_args__ = (
        UniqueConstraint("outbox_id", "telegram_chat_id", name="uq_delivery_outbox_chat"),
        Index("ix_delivery_state_next_attempt", "state", "next_attempt_at"),
        Index("ix_delivery_chat_message", "telegram_chat_id", "telegram_message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    outbox_id: int = Field(foreign_key="reminderoutbox.id")
    task_id: int = Field(foreign_key="task.id", index=True)
    telegram_chat_id: int = Field(sa_type=BigInteger)
    kind: str = Field(max_length=20)
    day: date
    deadline: date | None = None  # the effective deadline the reminder was planned for
    working_days: int = 0
    send_at: datetime
    late: bool = False
    state: str = Field(default=OutboxState.PENDING, max_length=20)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    sent_at: datetime | None = None
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    error: str | None = Field(default=None, sa_type=Text)
    # Sends whose answer never came (the message may have arrived): the next
    # send says it is a repeat, and a reply to the first one confirms it.
    doubtful_sends: int = 0
    doubtful_since: datetime | None = None  # when the first such send was claimed
    reported_at: datetime | None = None
    created_at: datetime | None = _created()


class DigestOutbox(SQLModel, table=True):
    """One daily digest per workspace per day, across restarts."""

    __table_args__ = (UniqueConstraint("workspace_id", "day", name="uq_digest_workspace_day"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    day: date
    state: str = Field(default=OutboxState.PENDING, max_length=20)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    telegram_message_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    error: str | None = Field(default=None, sa_type=Text)
    doubtful_sends: int = 0  # sends whose answer never came: the next one says it is a repeat


class ExtensionRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    requested_by: int = Field(sa_type=BigInteger)
    requested_date: date
    reason: str | None = Field(default=None, sa_type=Text)
    state: str = Field(default=ExtensionState.PENDING, max_length=20)
    decided_by: int | None = Field(default=None, sa_type=BigInteger)
    decided_at: datetime | None = None
    decision_reason: str | None = Field(default=None, sa_type=Text)
    previous_deadline: date | None = None
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)  # where it was asked
    telegram_message_id: int | None = None
    coordination_message_id: int | None = None
    created_at: datetime


class Draft(SQLModel, table=True):
    """Conversation state that must survive a restart: a directive being taken
    in, or an answer the bot is waiting for ("why is it blocked?")."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    telegram_chat_id: int = Field(sa_type=BigInteger, index=True)
    telegram_user_id: int = Field(sa_type=BigInteger)
    kind: str = Field(max_length=30)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    prompt_message_id: int | None = None
    expires_at: datetime
    created_at: datetime


class AuditEvent(SQLModel, table=True):
    """Append-only log of actions, refused ones included."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger)
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=60)
    allowed: bool = True
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime
