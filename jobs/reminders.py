"""Reminder jobs on PTB's JobQueue: thin calls into bot/services.

- the sweep (recover, plan, deliver) every minute, first at start-up so
  reminders that fell due while the bot was down go out at once (late);
- the report of unknown/failed deliveries to the admins: right after a
  sweep that found some (and a notice when a stopped process left sends in
  doubt: they go out again, labelled),
  and every minute (offset from the sweep) for anything still unreported;
- the daily roll-over of recurring duties (00:05 local), and once at start-up.

The jobs hold no state: everything they need is in the database, so a
missed or skipped run (a sweep still running when the next is due is
skipped by APScheduler) loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import time

from bot.services import recurrence, reminder_reports, reminders
from handlers.context import BotApplication, BotContext
from jobs.sender import TelegramSender

log = logging.getLogger("nhacviec.jobs.reminders")

SWEEP_EVERY_SECONDS = 60
REPORT_EVERY_SECONDS = 60
ROLL_OVER_AT = time(0, 5)
_SINGLE = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
_sweeping = asyncio.Lock()  # one sweep at a time in this process (other processes may sweep too)


def _sender(context: BotContext) -> TelegramSender:
    return TelegramSender(context.bot, context.runtime.language)


async def sweep_job(context: BotContext) -> None:
    if _sweeping.locked():  # the start-up sweep is still sending: the next one waits its turn
        return
    async with _sweeping:
        sender = _sender(context)
        result = await reminders.sweep(context.runtime, sender)
        if result.recovered:  # a process stopped mid-send: the admins hear it at once
            await reminder_reports.notify_recovered(context.runtime, sender, count=result.recovered)
        if result.recovered or result.delivery.unknown or result.delivery.failed:
            await reminder_reports.report_problems(context.runtime, sender)  # tell the admins now


async def report_job(context: BotContext) -> None:
    await reminder_reports.report_problems(context.runtime, _sender(context))


async def roll_over_job(context: BotContext) -> None:
    opened = await recurrence.roll_over(context.runtime)
    if opened:
        log.info("opened %d next occurrence(s) of recurring duties", len(opened))


def schedule(application: BotApplication) -> None:
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    # `first=0` would not run at once (APScheduler's interval trigger starts one
    # interval later), so the start-up sweep is its own one-off job.
    queue.run_once(sweep_job, when=0, name="reminders.sweep.startup", job_kwargs=_SINGLE)
    queue.run_repeating(
        sweep_job,
        interval=SWEEP_EVERY_SECONDS,
        first=SWEEP_EVERY_SECONDS,
        name="reminders.sweep",
        job_kwargs=_SINGLE,
    )
    queue.run_repeating(
        report_job,
        interval=REPORT_EVERY_SECONDS,
        first=SWEEP_EVERY_SECONDS / 2,
        name="reminders.report",
        job_kwargs=_SINGLE,
    )
    queue.run_once(roll_over_job, when=5, name="reminders.roll_over.startup", job_kwargs=_SINGLE)
    queue.run_daily(
        roll_over_job, time=ROLL_OVER_AT, name="reminders.roll_over", job_kwargs=_SINGLE
    )
