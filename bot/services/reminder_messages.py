"""The text of a reminder message: one chat, one sweep, every task due there.

A chat gets one message per sweep listing its tasks grouped by agency,
each with its code, directive number, action, deadline as written and
effective, working days left or overdue, and one row of buttons. The
agency's focal points are mentioned (tg://user links) so Telegram notifies
them even in a muted group.

Telegram refuses a text over 4,096 characters and a keyboard over 100
buttons; a long batch is split at task boundaries, each part with the
buttons of its own tasks. Lengths are counted on the HTML source in UTF-16
code units, which is never less than what Telegram counts (the text after
parsing), so a part that fits here fits there.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkingCalendar
from bot.texts import Raw, format_date, format_datetime, t

MAX_MESSAGE_LENGTH = 4096
BUTTONS_PER_TASK = 4  # done / in progress / blocked / more time (handlers/keyboards.py)
MAX_TASKS_PER_MESSAGE = 100 // BUTTONS_PER_TASK  # Telegram: at most 100 buttons
MAX_ACTION_LENGTH = 600
MAX_REASON_LENGTH = 200
_PART_LABEL_RESERVE = 40  # room for " (phần 12/12)" added once the parts are counted


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Mention:
    telegram_user_id: int
    name: str


@dataclass(frozen=True, slots=True)
class AgencyInfo:
    agency_id: int
    name: str
    focal_points: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskLine:
    """One task in a reminder, with the deliveries it answers for."""

    task_id: int
    code: str
    agency_id: int
    action: str
    directive_number: str | None
    deadline_text: str | None
    deadline_stated: date | None
    effective_deadline: date | None
    original_deadline: date | None = None
    progress: int = 0
    blocked_reason: str | None = None
    escalation: bool = False
    late_since: datetime | None = None  # the planned instant, when sent late
    repeat_of: datetime | None = None  # the first send that got no answer, when repeating
    delivery_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class MessagePart:
    """One Telegram message: its text, one button row per task, its deliveries."""

    text: str
    rows: tuple[tuple[int, str], ...]  # (task_id, code) per button row
    delivery_ids: tuple[int, ...]


@dataclass
class _Draft:
    chunks: list[str] = field(default_factory=list)
    rows: list[tuple[int, str]] = field(default_factory=list)
    delivery_ids: list[int] = field(default_factory=list)
    late: bool = False
    repeat: bool = False
    length: int = 0

    def add(self, chunk: str) -> None:
        self.chunks.append(chunk)
        self.length += utf16_length(chunk) + 2  # joined by a blank line


def _mention(person: Mention) -> str:
    name = html.escape(person.name.strip() or str(person.telegram_user_id), quote=False)
    return f'<a href="tg://user?id={person.telegram_user_id}">{name}</a>'


def _agency_header(lang: str, agency: AgencyInfo, *, continued: bool, mention: bool) -> str:
    key = "reminder.agency.continued" if continued else "reminder.agency"
    lines = [t(lang, key, agency=agency.name)]
    if mention:
        if agency.focal_points:
            mentions = ", ".join(_mention(person) for person in agency.focal_points)
            lines.append(t(lang, "reminder.focal_points", mentions=Raw(mentions)))
        else:
            lines.append(t(lang, "reminder.no_focal_point"))
    return "\n".join(lines)


def _days_line(lang: str, deadline: date, today: date, calendar: WorkingCalendar) -> str:
    if today < deadline:
        left = calendar.working_days_between(today, deadline)
        if left > 0:
            return t(lang, "reminder.task.days_left", days=left)
        return t(lang, "reminder.task.last_working_day")
    if today == deadline:
        return t(lang, "reminder.task.due_today")
    late = calendar.working_days_between(deadline, today)
    if late > 0:
        return t(lang, "reminder.task.overdue", days=late)
    return t(lang, "reminder.task.past_deadline")


def task_block(
    lang: str, line: TaskLine, *, today: date, calendar: WorkingCalendar, timezone: ZoneInfo
) -> str:
    """The lines about one task (no buttons: those are the message's keyboard)."""
    if line.directive_number:
        title = t(lang, "reminder.task.title", code=line.code, number=line.directive_number)
    else:
        title = t(lang, "reminder.task.title_no_number", code=line.code)
    parts = [title, html.escape(_clip(line.action, MAX_ACTION_LENGTH), quote=False)]
    if line.effective_deadline is not None:
        stated = line.deadline_text or (
            format_date(line.deadline_stated) if line.deadline_stated else None
        )
        if stated and (line.deadline_text or line.deadline_stated != line.effective_deadline):
            parts.append(
                t(lang, "reminder.task.deadline", stated=stated, effective=line.effective_deadline)
            )
        else:
            parts.append(t(lang, "reminder.task.deadline_same", effective=line.effective_deadline))
        if line.original_deadline and line.original_deadline != line.effective_deadline:
            parts.append(
                t(
                    lang,
                    "reminder.task.extended",
                    original=line.original_deadline,
                    effective=line.effective_deadline,
                )
            )
        parts.append(_days_line(lang, line.effective_deadline, today, calendar))
    if line.progress:
        parts.append(t(lang, "reminder.task.progress", percent=line.progress))
    if line.blocked_reason:
        parts.append(
            t(lang, "reminder.task.blocked", reason=_clip(line.blocked_reason, MAX_REASON_LENGTH))
        )
    if line.late_since is not None:
        planned = format_datetime(line.late_since, timezone)
        parts.append(t(lang, "reminder.task.late", planned=planned))
    if line.repeat_of is not None:
        parts.append(
            t(lang, "reminder.task.repeat", sent=format_datetime(line.repeat_of, timezone))
        )
    return "\n".join(parts)


def render_reminder(
    lines: Sequence[TaskLine],
    agencies: dict[int, AgencyInfo],
    *,
    lang: str,
    today: date,
    calendar: WorkingCalendar,
    timezone: ZoneInfo,
    private: bool,
    max_tasks: int = MAX_TASKS_PER_MESSAGE,
    max_length: int = MAX_MESSAGE_LENGTH,
) -> list[MessagePart]:
    """The message(s) for one chat: grouped by agency, split at task boundaries.

    `private`: a private chat gets no mentions (the reader is the one to notify).
    """
    if not lines:
        return []
    escalation_only = all(line.escalation for line in lines)
    header_key = "reminder.header.escalation" if escalation_only else "reminder.header"
    header = t(lang, header_key, today=today)
    late_note = t(lang, "reminder.late_note")
    repeat_note = t(lang, "reminder.repeat_note")
    by_agency: dict[int, list[TaskLine]] = {}
    for line in lines:
        by_agency.setdefault(line.agency_id, []).append(line)
    order = sorted(by_agency, key=lambda a: (agencies[a].name.casefold(), a))
    reserve = (
        utf16_length(header)
        + utf16_length(late_note)
        + utf16_length(repeat_note)
        + utf16_length(t(lang, "reminder.footer", code="X" * 20))
        + _PART_LABEL_RESERVE
        + 8
    )
    budget = max_length - reserve
    drafts: list[_Draft] = [_Draft()]
    for agency_id in order:
        agency = agencies[agency_id]
        tasks = sorted(
            by_agency[agency_id],
            key=lambda line: (line.effective_deadline or date.max, line.code),
        )
        mention = not private and any(not line.escalation for line in tasks)
        current_agency_in_draft = False
        for line in tasks:
            block = task_block(lang, line, today=today, calendar=calendar, timezone=timezone)
            draft = drafts[-1]
            head = ""
            if not current_agency_in_draft:
                head = _agency_header(lang, agency, continued=False, mention=mention)
            needed = utf16_length(block) + (utf16_length(head) + 2 if head else 0) + 2
            if draft.rows and (len(draft.rows) >= max_tasks or draft.length + needed > budget):
                draft = _Draft()
                drafts.append(draft)
                head = _agency_header(
                    lang, agency, continued=current_agency_in_draft, mention=mention
                )
            if head:
                draft.add(head)
            draft.add(block)
            current_agency_in_draft = True
            draft.rows.append((line.task_id, line.code))
            draft.delivery_ids.extend(line.delivery_ids)
            draft.late = draft.late or line.late_since is not None
            draft.repeat = draft.repeat or line.repeat_of is not None
    notes = (late_note, repeat_note)
    return [
        _finish(draft, index, len(drafts), header, notes, lang)
        for index, draft in enumerate(drafts)
    ]


def _finish(
    draft: _Draft, index: int, total: int, header: str, notes: tuple[str, str], lang: str
) -> MessagePart:
    top = header
    if total > 1:
        top += " " + t(lang, "reminder.header.part", part=index + 1, parts=total)
    chunks = [top]
    late_note, repeat_note = notes
    if draft.late:
        chunks.append(late_note)
    if draft.repeat:
        chunks.append(repeat_note)
    chunks.extend(draft.chunks)
    chunks.append(t(lang, "reminder.footer", code=draft.rows[0][1]))
    return MessagePart(
        text="\n\n".join(chunks), rows=tuple(draft.rows), delivery_ids=tuple(draft.delivery_ids)
    )


def _codes(codes: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" … (+{len(codes) - limit})" if len(codes) > limit else "")


@dataclass(frozen=True, slots=True)
class ProblemLine:
    """One chat's undelivered reminders, for the admins' report."""

    unknown: bool
    chat: str
    codes: tuple[str, ...]
    kind: str
    day: date
    reason: str


def render_problems(
    problems: Sequence[ProblemLine], *, lang: str, max_length: int = MAX_MESSAGE_LENGTH
) -> list[str]:
    """The admins' report: unknown outcomes first, then failures; split to fit."""
    sections: list[tuple[str, list[str]]] = []
    for unknown, key in ((True, "reminder.admin.unknown"), (False, "reminder.admin.failed")):
        lines = [
            t(
                lang,
                "reminder.admin.line",
                chat=Raw(problem.chat),
                codes=_codes(problem.codes),
                kind=t(lang, f"reminder.kind.{problem.kind}"),
                day=problem.day,
                reason=Raw(problem.reason),
            )
            for problem in problems
            if problem.unknown is unknown
        ]
        if lines:
            sections.append((t(lang, key), lines))
    messages: list[str] = []
    current = ""
    for title, lines in sections:
        for index, line in enumerate(lines):
            chunk = f"{title}\n{line}" if index == 0 else line
            candidate = current + ("\n\n" if index == 0 else "\n") + chunk if current else chunk
            if current and utf16_length(candidate) > max_length:
                messages.append(current)
                candidate = f"{title}\n{line}"
            current = candidate
    if current:
        messages.append(current)
    return messages
