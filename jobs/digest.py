"""The daily digest on PTB's JobQueue.

`run_daily` at DIGEST_TIME in BOT_TIMEZONE (the time carries its zone, so it
does not depend on the Application's Defaults), every day; the service skips
non-working days. At start-up a catch-up run sends today's digest if its time
has passed and it was not sent (the outbox makes that a no-op otherwise),
sending again (labelled) one a stopped process left half-sent. When Telegram
asked to wait, or a send got no answer, the row went back to 'pending': a
retry is scheduled, a few times, within the day.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import cast

from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.runtime import Runtime
from bot.services import digest as digest_service
from bot.services.digest import DailyOutcome, DeliveryError, DeliveryFailure
from bot.services.reminders import Ambiguous, RetryLater
from handlers.context import RUNTIME_KEY, BotApplication, BotContext
from jobs.sender import classify
from storage.models import OutboxState

log = logging.getLogger("nhacviec.jobs.digest")

RETRY_DELAY_SECONDS = 300.0
MAX_RETRIES = 6
STARTED_AT_KEY = "digest.started_at"
LAST_RUN_KEY = "digest.last_run"  # (kind, outcomes) of the last finished run, for admins and tests


class TelegramSender:
    """The digest service's Sender over PTB's bot, errors sorted by what they mean."""

    def __init__(self, bot: ExtBot[object]) -> None:
        self.bot = bot

    async def send_text(self, chat_id: int, text: str) -> int:
        try:
            message = await self.bot.send_message(chat_id, text)
        except Exception as exc:
            raise _classify(exc) from exc
        return message.message_id

    async def send_photo(self, chat_id: int, photo: bytes, caption: str) -> int:
        try:
            message = await self.bot.send_photo(chat_id, photo=photo, caption=caption)
        except Exception as exc:
            raise _classify(exc) from exc
        return message.message_id


def _classify(exc: Exception) -> DeliveryError:
    """Sort a failed send the way the reminder sender does (one judgement of
    whether Telegram may have delivered it): an HTTP 5xx or a request that
    never left is retried; an answer that never came is 'unknown'."""
    if not isinstance(exc, TelegramError):
        return DeliveryError(repr(exc), DeliveryFailure.UNKNOWN)
    failure = classify(exc)
    if isinstance(failure, RetryLater):
        return DeliveryError(str(exc), DeliveryFailure.RETRY, retry_after=failure.retry_after)
    if isinstance(failure, Ambiguous):
        return DeliveryError(str(exc), DeliveryFailure.UNKNOWN)
    return DeliveryError(str(exc), DeliveryFailure.GONE)


def _runtime(context: BotContext) -> Runtime:
    runtime: Runtime = context.application.bot_data[RUNTIME_KEY]
    return runtime


async def daily(context: BotContext) -> None:
    outcomes = await digest_service.send_daily(_runtime(context), TelegramSender(context.bot))
    _log_and_retry(context, outcomes, attempt=0)
    context.application.bot_data[LAST_RUN_KEY] = ("daily", outcomes)


async def catch_up(context: BotContext) -> None:
    runtime = _runtime(context)
    started_at: datetime = context.application.bot_data.get(STARTED_AT_KEY) or runtime.now()
    outcomes = await digest_service.catch_up(
        runtime, TelegramSender(context.bot), started_at=started_at
    )
    _log_and_retry(context, outcomes, attempt=0)
    context.application.bot_data[LAST_RUN_KEY] = ("catch_up", outcomes)


async def retry(context: BotContext) -> None:
    """Retry the day's digest that Telegram asked to delay (the same day, never the next)."""
    data = context.job.data if context.job and isinstance(context.job.data, dict) else {}
    attempt = int(data.get("attempt", 1))
    day = data.get("day")
    if not isinstance(day, date) or day != _runtime(context).today():
        return
    outcomes = await digest_service.send_daily(
        _runtime(context), TelegramSender(context.bot), day=day
    )
    _log_and_retry(context, outcomes, attempt=attempt)


def _log_and_retry(context: BotContext, outcomes: list[DailyOutcome], *, attempt: int) -> None:
    for outcome in outcomes:
        if outcome.state is not None:
            log.info(
                "digest workspace=%s day=%s state=%s messages=%d error=%s",
                outcome.workspace_id,
                outcome.day,
                outcome.state,
                len(outcome.message_ids),
                outcome.error,
            )
    waiting = [outcome for outcome in outcomes if outcome.state is OutboxState.PENDING]
    application = cast(BotApplication, context.application)
    job_queue = application.job_queue
    if not waiting or job_queue is None:
        return
    if attempt >= MAX_RETRIES:
        log.error("digest still not sent after %d retries; giving up for today", attempt)
        return
    delay = max([RETRY_DELAY_SECONDS, *(o.retry_after or 0.0 for o in waiting)])
    data = {"attempt": attempt + 1, "day": waiting[0].day}
    job_queue.run_once(retry, when=delay, data=data, name="digest.retry")


def schedule(application: BotApplication) -> None:
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("the digest needs PTB's job queue (python-telegram-bot[job-queue])")
    settings = runtime.settings
    at = time(settings.digest_time.hour, settings.digest_time.minute, tzinfo=settings.timezone)
    application.bot_data[STARTED_AT_KEY] = runtime.now()
    job_queue.run_daily(daily, time=at, name="digest.daily")
    job_queue.run_once(catch_up, when=1.0, name="digest.catch_up")
