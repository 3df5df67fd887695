"""The daily digest: compose it, and send it exactly once per workspace per day.

The daily run goes through the DigestOutbox (storage/repositories/digests.py):
insert-or-ignore the (workspace, day) row, claim it, compose and send, mark
it sent with the message ids. A second run the same day — the catch-up at
start-up after a restart, a second process — finds the row claimed or sent
and sends nothing. What ended how:

- everything (or anything) delivered: 'sent' (a message that did reach the
  chat is never sent again, even if a later part failed; the error is kept);
- nothing delivered and Telegram said "later" (flood control, network down
  before the request left): back to 'pending', the job retries;
- nothing delivered and the chat is gone (bot removed, chat not found):
  'failed' with the error, for the admins;
- nothing delivered and the answer never came (time-out after the request
  left), or a row found 'sending' after a crash: it may or may not have
  arrived. Back to 'pending' like the reminders (bot/services/reminders.py):
  the job retries, and the repeat says so under its header; 'unknown' after
  MAX_DOUBTFUL_SENDS such sends. A missing daily digest is a day the
  coordinators did not see; a labelled repeat costs a glance.

/digest on request composes the same digest for the chat that asked and does
not touch the outbox: the daily digest still goes out at DIGEST_TIME. Its
"since the last digest" is the last *daily* digest actually sent (on-request
digests are not recorded), so the daily digest always covers the whole day.

Sending is behind the `Sender` protocol, implemented over PTB by
jobs/digest.py, so this module knows nothing of Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.digest import Digest, DigestInput, compose, split_message
from bot.domain.rights import Action, Actor
from bot.runtime import Runtime
from bot.services import identity
from bot.services.charts import labels_for, render_png_async
from bot.texts import t
from bot.texts.digest import render_digest
from storage.models import OutboxState
from storage.repositories import digests, reporting

log = logging.getLogger("nhacviec.digest")


@dataclass(frozen=True, slots=True)
class DigestMessage:
    """A composed digest, ready to send: text parts, then the chart (if any)."""

    workspace_id: int
    digest: Digest
    parts: list[str]
    chart_png: bytes | None
    chart_caption: str | None


class DeliveryFailure(StrEnum):
    RETRY = "retry"  # nothing was delivered; try again later
    GONE = "gone"  # nothing was delivered and never will be (chat gone, bot removed)
    UNKNOWN = "unknown"  # the message may or may not have been delivered


class DeliveryError(Exception):
    def __init__(
        self, message: str, kind: DeliveryFailure, *, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after


class Sender(Protocol):
    """Delivers one message; returns its Telegram message id or raises DeliveryError."""

    async def send_text(self, chat_id: int, text: str) -> int: ...

    async def send_photo(self, chat_id: int, photo: bytes, caption: str) -> int: ...


@dataclass(frozen=True, slots=True)
class DailyOutcome:
    workspace_id: int
    day: date
    state: OutboxState | None  # None: not ours to send (already sent, claimed, ...)
    message_ids: tuple[int, ...] = ()
    error: str | None = None
    retry_after: float | None = None


# --- composing ------------------------------------------------------------------


MAX_DOUBTFUL_SENDS = 3


async def compose_message(
    runtime: Runtime,
    workspace_id: int,
    *,
    day: date | None = None,
    on_request: bool = False,
    repeat: bool = False,
) -> DigestMessage | None:
    """The digest of `workspace_id` for `day` (today), or None if there is no such workspace."""
    day = day or runtime.today()
    now = runtime.now()
    async with runtime.database.session() as session:
        workspace = await reporting.workspace(session, workspace_id)
        if workspace is None:
            return None
        before = day + timedelta(days=1) if on_request else day
        previous = await digests.last_sent(session, workspace_id, before)
        tasks = await reporting.digest_tasks(session, workspace_id)
        extensions = await reporting.pending_extensions(session, workspace_id)
    since = previous.sent_at if previous and previous.sent_at else _default_since(runtime, day)
    data = DigestInput(
        workspace_name=workspace.name,
        day=day,
        since=since,
        since_day=since.astimezone(runtime.settings.timezone).date(),
        until=now,
        tasks=tasks,
        extensions=extensions,
    )
    digest = compose(data, runtime.calendar)
    return await render(runtime, workspace_id, digest, repeat=repeat)


async def render(
    runtime: Runtime, workspace_id: int, digest: Digest, *, repeat: bool = False
) -> DigestMessage:
    """Text parts under Telegram's limit, then the chart unless the day is quiet.

    The text is always a message of its own (searchable, not limited to a
    caption's 1,024 characters) and the chart follows with a short caption.
    `repeat`: an earlier send got no answer, so this one says it may be a copy."""
    lang = runtime.language
    paragraphs = render_digest(lang, digest, runtime.settings.timezone)
    if repeat:
        paragraphs = [*paragraphs[:1], t(lang, "digest.repeat_note"), *paragraphs[1:]]
    parts = split_message(paragraphs)
    if digest.quiet or not digest.summary.total:
        return DigestMessage(workspace_id, digest, parts, None, None)
    chart_png = await render_png_async(digest.chart, labels_for(lang, digest.chart))
    caption = t(lang, "digest.chart.caption", day=digest.day)
    return DigestMessage(workspace_id, digest, parts, chart_png, caption)


def _default_since(runtime: Runtime, day: date) -> datetime:
    """No digest was sent before: since the previous working day's digest time."""
    previous_day = runtime.calendar.previous_working_day(day)
    return datetime.combine(
        previous_day, runtime.settings.digest_time, tzinfo=runtime.settings.timezone
    )


# --- on request (/digest) -----------------------------------------------------------


class RequestOutcome(StrEnum):
    READY = "ready"
    REFUSED = "refused"
    NO_WORKSPACE = "no_workspace"


@dataclass(frozen=True, slots=True)
class OnRequest:
    outcome: RequestOutcome
    message: DigestMessage | None = None


async def on_request(runtime: Runtime, actor: Actor, telegram_chat_id: int) -> OnRequest:
    """/digest: coordinators (and admins) of the chat's workspace get it now."""
    if actor.workspace_id is None:
        if not await identity.check(
            runtime, actor, Action.SEND_DIGEST, telegram_chat_id=telegram_chat_id
        ):
            return OnRequest(RequestOutcome.REFUSED)
        return OnRequest(RequestOutcome.NO_WORKSPACE)
    allowed = await identity.check(
        runtime,
        actor,
        Action.SEND_DIGEST,
        workspace_id=actor.workspace_id,
        telegram_chat_id=telegram_chat_id,
    )
    if not allowed:
        return OnRequest(RequestOutcome.REFUSED)
    message = await compose_message(runtime, actor.workspace_id, on_request=True)
    if message is None:
        return OnRequest(RequestOutcome.NO_WORKSPACE)
    await identity.record(
        runtime, actor, Action.SEND_DIGEST.value, telegram_chat_id=telegram_chat_id
    )
    return OnRequest(RequestOutcome.READY, message)


# --- the daily run -------------------------------------------------------------------


def is_due(runtime: Runtime) -> bool:
    """Today is a working day and its digest time has come (local time)."""
    local = runtime.now().astimezone(runtime.settings.timezone)
    return (
        runtime.calendar.is_working_day(local.date())
        and local.time() >= runtime.settings.digest_time
    )


async def send_daily(
    runtime: Runtime, sender: Sender, *, day: date | None = None
) -> list[DailyOutcome]:
    """Send today's digest to every workspace that has a coordination chat, once."""
    day = day or runtime.today()
    if not runtime.calendar.is_working_day(day):
        return []
    async with runtime.database.session() as session:
        chats = await reporting.coordination_chats(session)
    outcomes = []
    for workspace_id, chat_ids in chats.items():
        outcomes.append(await _send_one(runtime, sender, workspace_id, chat_ids, day))
    return outcomes


async def catch_up(runtime: Runtime, sender: Sender, *, started_at: datetime) -> list[DailyOutcome]:
    """At start-up: report rows a stopped process left 'sending', then send
    today's digest if it is due and was not sent (a no-op when it was)."""
    async with runtime.database.session() as session:
        abandoned = await digests.mark_abandoned(
            session, claimed_before=started_at, max_sends=MAX_DOUBTFUL_SENDS
        )
    for row in abandoned:
        log.warning(
            "digest of workspace %s for %s was being sent when the bot stopped: %s",
            row.workspace_id,
            row.day,
            "to be sent again, labelled" if row.state == OutboxState.PENDING else "unknown",
        )
    if not is_due(runtime):
        return []
    return await send_daily(runtime, sender)


async def _send_one(
    runtime: Runtime, sender: Sender, workspace_id: int, chat_ids: Sequence[int], day: date
) -> DailyOutcome:
    async with runtime.database.session() as session:
        await digests.ensure(session, workspace_id, day)
    async with runtime.database.session() as session:
        doubtful = await digests.claim(session, workspace_id, day, runtime.now())
    if doubtful is None:
        return DailyOutcome(workspace_id, day, None)
    try:
        message = await compose_message(runtime, workspace_id, day=day, repeat=doubtful > 0)
    except Exception as exc:
        log.exception("could not compose the digest of workspace %s", workspace_id)
        await _finish(runtime, workspace_id, day, OutboxState.PENDING, error=repr(exc)[:500])
        return DailyOutcome(workspace_id, day, OutboxState.PENDING, error=repr(exc)[:500])
    if message is None:
        await _finish(runtime, workspace_id, day, OutboxState.FAILED, error="no such workspace")
        return DailyOutcome(workspace_id, day, OutboxState.FAILED, error="no such workspace")
    outcome = await _deliver(sender, chat_ids, message, day)
    unanswered = outcome.state is OutboxState.UNKNOWN
    if unanswered and doubtful + 1 < MAX_DOUBTFUL_SENDS:
        outcome = replace(outcome, state=OutboxState.PENDING)  # the job sends it again
    await _finish(
        runtime,
        workspace_id,
        day,
        outcome.state or OutboxState.UNKNOWN,
        chat_id=chat_ids[0] if chat_ids else None,
        message_ids=list(outcome.message_ids),
        error=outcome.error,
        doubtful=unanswered,
    )
    return outcome


async def _deliver(
    sender: Sender, chat_ids: Sequence[int], message: DigestMessage, day: date
) -> DailyOutcome:
    delivered: list[int] = []
    errors: list[str] = []
    failures: set[DeliveryFailure] = set()
    retry_after: float | None = None
    for chat_id in chat_ids:
        before = len(delivered)
        try:
            for part in message.parts:
                delivered.append(await sender.send_text(chat_id, part))
            if message.chart_png is not None:
                delivered.append(
                    await sender.send_photo(chat_id, message.chart_png, message.chart_caption or "")
                )
        except DeliveryError as exc:
            errors.append(f"chat {chat_id}: {exc}")
            failures.add(exc.kind if len(delivered) == before else DeliveryFailure.UNKNOWN)
            if exc.retry_after is not None:
                retry_after = max(retry_after or 0.0, exc.retry_after)
            log.warning("digest to chat %s: %s (%s)", chat_id, exc, exc.kind)
    error = "; ".join(errors) or None
    if delivered:
        state = OutboxState.SENT
    elif DeliveryFailure.UNKNOWN in failures:
        state = OutboxState.UNKNOWN
    elif DeliveryFailure.RETRY in failures:
        state = OutboxState.PENDING
    else:
        state = OutboxState.FAILED
    return DailyOutcome(
        message.workspace_id, day, state, tuple(delivered), error, retry_after=retry_after
    )


async def _finish(
    runtime: Runtime,
    workspace_id: int,
    day: date,
    state: OutboxState,
    *,
    chat_id: int | None = None,
    message_ids: list[int] | None = None,
    error: str | None = None,
    doubtful: bool = False,
) -> None:
    async with runtime.database.session() as session:
        await digests.finish(
            session,
            workspace_id,
            day,
            state=state,
            now=runtime.now(),
            telegram_chat_id=chat_id,
            message_ids=message_ids,
            error=error,
            doubtful=doubtful,
        )
