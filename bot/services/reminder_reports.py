"""The admins' side of reminders: what could not be delivered, and sending it again.

After the sweep (bot/services/reminders.py) gives up on a delivery — no
answer from Telegram after `max_doubtful_sends` sends, retries exhausted, a
chat that is gone, a message refused, nowhere to send — BOT_ADMINS are told
once, in private (`report_problems`). The deliveries worth another try carry
a "send again" button naming a Draft of their ids (`resend_reported`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.rights import Action, Actor
from bot.runtime import Runtime
from bot.services import identity
from bot.services.reminder_messages import (
    MAX_MESSAGE_LENGTH,
    ProblemLine,
    render_problems,
    utf16_length,
)
from bot.services.reminders import (
    DEFAULT_DELIVERY,
    NO_CHAT,
    DeliveryPolicy,
    DeliveryRow,
    OutgoingMessage,
    Sender,
    SendFailure,
    TaskRow,
    unit_of_work,
)
from bot.texts import format_datetime, t
from storage.models import Chat, OutboxState
from storage.repositories import drafts
from storage.repositories import reminders as repo

log = logging.getLogger("nhacviec.reminders")


def _reason(lang: str, error: str | None, attempts: int) -> str:
    head = (error or "").split(":", 1)[0]
    detail = (error or "").split(":", 1)[1].strip() if ":" in (error or "") else ""
    if head in ("crash", "stale", "connection", "forbidden", "no_chat"):
        return t(lang, f"reminder.reason.{head}")
    if head == "gave_up":
        return t(lang, "reminder.reason.gave_up", attempts=attempts)
    return t(lang, "reminder.reason.rejected", detail=detail or head or "?")


async def report_problems(runtime: Runtime, sender: Sender, *, limit: int = 500) -> int:
    """Tell the admins (BOT_ADMINS, in private) about unknown and failed reminders.

    Each delivery is reported once, after at least one admin got the report.
    When some of them may be sent again (`repo.resendable`), the report's last
    message carries a "send again" button naming a Draft that holds those
    deliveries' ids (`resend_reported`). Returns how many deliveries were reported.
    """
    admins = runtime.settings.BOT_ADMINS
    if not admins:
        return 0
    lang = runtime.language
    now = runtime.now()
    async with unit_of_work(runtime) as session:
        rows = await repo.unreported(session, limit)
        if not rows:
            return 0
        tasks = {t.id: t for t in await repo.task_rows(session, [r.task_id for r in rows])}
        chat_rows = {
            c.telegram_chat_id: c
            for c in await repo.chats(session, [r.telegram_chat_id for r in rows])
        }
        ids = [r.id for r in rows if r.id is not None]
        again = await repo.resendable(session, ids, TRANSIENT_FAILURES)
        report_id = await _resend_draft(session, again, admins, now) if again else None
    problems = _problems(lang, rows, tasks, chat_rows)
    texts = render_problems(problems, lang=lang)
    if report_id is not None:
        texts = _with_hint(texts, t(lang, "reminder.admin.resend_hint", count=len(again)))
    delivered = False
    for admin in admins:
        try:
            for index, text in enumerate(texts):
                last = index == len(texts) - 1
                await sender.send(
                    OutgoingMessage(admin, text, resend_report=report_id if last else None)
                )
            delivered = True
        except SendFailure as failure:
            log.warning("could not report reminder problems to admin %s: %s", admin, failure)
    async with unit_of_work(runtime) as session:
        if not delivered:
            if report_id is not None:  # nobody has its button; the next report makes another
                await drafts.remove(session, report_id)
            return 0
        await repo.mark_reported(session, ids, runtime.now())
    return len(rows)


async def notify_recovered(
    runtime: Runtime, sender: Sender, *, count: int, policy: DeliveryPolicy = DEFAULT_DELIVERY
) -> bool:
    """Tell the admins that a process stopped while sending `count` reminders.

    Whether those arrived cannot be known; `recover` had them go out again
    after `policy.repeat_after`, labelled, unless someone answers the first
    copy meanwhile. The admins hear it now, not only if every repeat fails too."""
    if not count or not runtime.settings.BOT_ADMINS:
        return False
    lang = runtime.language
    when = format_datetime(runtime.now() + policy.repeat_after, runtime.settings.timezone)
    text = t(lang, "reminder.admin.recovered", count=count, time=when)
    told = False
    for admin in runtime.settings.BOT_ADMINS:
        try:
            await sender.send(OutgoingMessage(admin, text))
            told = True
        except SendFailure as failure:
            log.warning("could not tell admin %s about a stopped send: %s", admin, failure)
    return told


# ---------------------------------------------------------------- sending again on request

# The Draft kind of a report's "send again" button, and how long the button works.
RESEND_DRAFT = "reminder_resend"
RESEND_WINDOW = timedelta(days=7)
# Failures worth another try: retries exhausted on 429/5xx/no connection. Not a
# chat that is gone, a message Telegram refused, or nowhere to send.
TRANSIENT_FAILURES = ("gave_up:",)


async def _resend_draft(
    session: AsyncSession, delivery_ids: Sequence[int], admins: Sequence[int], now: datetime
) -> int:
    """Store which deliveries a report's button may send again; returns its id."""
    await drafts.purge_expired(session, [RESEND_DRAFT], now)
    draft = await drafts.put(
        session,
        workspace_id=None,
        telegram_chat_id=0,  # the report goes to every admin: see payload["chats"]
        telegram_user_id=0,
        kind=RESEND_DRAFT,
        payload={"delivery_ids": list(delivery_ids), "chats": list(admins)},
        expires_at=now + RESEND_WINDOW,
        created_at=now,
    )
    assert draft.id is not None
    return draft.id


def _with_hint(texts: list[str], hint: str) -> list[str]:
    """The report's messages with the button's explanation at the end."""
    joined = f"{texts[-1]}\n\n{hint}" if texts else hint
    if texts and utf16_length(joined) > MAX_MESSAGE_LENGTH:
        return [*texts, hint]
    return [*texts[:-1], joined]


class ResendOutcome(StrEnum):
    RESENT = "resent"  # put back to pending: the next sweep sends them
    ALREADY = "already"  # this report's button was pressed before
    NOTHING = "nothing"  # none of its deliveries may be sent again any more
    EXPIRED = "expired"  # no such report (expired, or a forged id / chat)
    REFUSED = "refused"  # not an admin


@dataclass(frozen=True, slots=True)
class ResendResult:
    outcome: ResendOutcome
    count: int = 0  # deliveries put back
    labelled: int = 0  # of which go out marked as a possible repeat
    resent_at: datetime | None = None  # for ALREADY: when the button was first pressed


async def resend_reported(
    runtime: Runtime, actor: Actor, report_id: int, *, telegram_chat_id: int
) -> ResendResult:
    """An admin pressed "send again" under a report: its deliveries that are
    still worth sending (`repo.reopen`) are pending again, due now.

    The press names a report (a Draft), never a delivery: only the ids the
    report stored can move, and only from the chats it went to. A report's
    button works once: a second press, by anyone, changes nothing. Unknown
    deliveries keep their count of doubtful sends, so the next copy says it
    is a repeat (and one more send without an answer is reported again).
    """
    if not await identity.check(
        runtime,
        actor,
        Action.RESEND_REMINDERS,
        telegram_chat_id=telegram_chat_id,
        detail={"report": report_id},
    ):
        return ResendResult(ResendOutcome.REFUSED)
    now = runtime.now()
    async with unit_of_work(runtime) as session:
        draft = await drafts.locked(session, report_id, RESEND_DRAFT)
        payload = draft.payload if draft is not None else {}
        if (
            draft is None
            or draft.expires_at <= now
            or telegram_chat_id not in payload.get("chats", [])
        ):
            result = ResendResult(ResendOutcome.EXPIRED)
        elif payload.get("resent_at"):
            resent_at = datetime.fromisoformat(str(payload["resent_at"]))
            result = ResendResult(ResendOutcome.ALREADY, resent_at=resent_at)
        else:
            ids = [int(i) for i in payload.get("delivery_ids", [])]
            moved = await repo.reopen(session, ids, now, TRANSIENT_FAILURES)
            if moved:
                assert draft is not None
                draft.payload = {
                    **payload,
                    "resent_at": now.isoformat(),
                    "resent_by": actor.telegram_user_id,
                    "resent": [delivery_id for delivery_id, _ in moved],
                }
                session.add(draft)
            labelled = sum(1 for _, doubtful in moved if doubtful)
            outcome = ResendOutcome.RESENT if moved else ResendOutcome.NOTHING
            result = ResendResult(outcome, len(moved), labelled)
    await identity.record(
        runtime,
        actor,
        Action.RESEND_REMINDERS.value,
        allowed=result.outcome is not ResendOutcome.EXPIRED,
        telegram_chat_id=telegram_chat_id,
        detail={"report": report_id, "outcome": result.outcome.value, "count": result.count},
    )
    if result.outcome is ResendOutcome.RESENT:
        log.info(
            "admin %s asked to send %d reminder(s) of report %s again (%d labelled as repeats)",
            actor.telegram_user_id,
            result.count,
            report_id,
            result.labelled,
        )
    return result


def _problems(
    lang: str,
    rows: Sequence[DeliveryRow],
    tasks: dict[int, TaskRow],
    chat_rows: dict[int, Chat],
) -> list[ProblemLine]:
    grouped: dict[tuple[bool, int, str, Any, str], list[str]] = {}
    for row in rows:
        unknown = row.state == OutboxState.UNKNOWN
        reason = _reason(lang, row.error, row.attempts)
        key = (unknown, row.telegram_chat_id, row.kind, row.day, reason)
        task = tasks.get(row.task_id)
        grouped.setdefault(key, []).append(task.code if task else f"#{row.task_id}")
    problems = []
    for (unknown, chat_id, kind, day, reason), codes in grouped.items():
        problems.append(
            ProblemLine(
                unknown, _chat_label(lang, chat_id, chat_rows), tuple(codes), kind, day, reason
            )
        )
    return problems


def _chat_label(lang: str, chat_id: int, chat_rows: dict[int, Chat]) -> str:
    if chat_id == NO_CHAT:
        return t(lang, "reminder.admin.no_chat")
    chat = chat_rows.get(chat_id)
    if chat_id > 0 or chat is None:
        return t(lang, "reminder.admin.chat_private", id=chat_id)
    return t(lang, "reminder.admin.chat_group", title=chat.title or "?", id=chat_id)
