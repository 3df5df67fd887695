"""The admins' "send again" button under the report of undelivered reminders.

The report (bot/services/reminder_reports.py `report_problems`) goes to BOT_ADMINS in
private. Its button names the report, not the deliveries; the service decides
who may press it and what moves. Here: answer the press, and take the button
off the report once it has done its work (or can do nothing), so it is not
pressed twice by mistake. A refused press leaves the button for the admin.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.services import reminder_reports
from bot.services.reminder_reports import ResendOutcome, ResendResult
from bot.texts import format_datetime, t
from handlers.context import BotApplication, BotContext, sender_of
from handlers.keyboards import RESEND_PATTERN, parse_resend_callback

log = logging.getLogger("nhacviec.reminder_admin")


async def on_resend(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    runtime = context.runtime
    lang = runtime.language
    report_id = parse_resend_callback(query.data)
    message = query.message if isinstance(query.message, Message) else None
    chat, user = update.effective_chat, update.effective_user
    if report_id is None or message is None or chat is None or user is None:
        await query.answer(t(lang, "reminder.resend.expired"), show_alert=True)
        return
    actor = await sender_of(update, context)
    result = await reminder_reports.resend_reported(
        runtime, actor, report_id, telegram_chat_id=chat.id
    )
    text = _answer(context, result)
    if result.outcome is ResendOutcome.RESENT:
        await query.answer(text)
        await _drop_button(message)
        await message.reply_text(text, do_quote=True)  # which report it answers
        return
    await query.answer(text, show_alert=True)
    if result.outcome is not ResendOutcome.REFUSED:
        await _drop_button(message)


def _answer(context: BotContext, result: ResendResult) -> str:
    lang = context.runtime.language
    if result.outcome is ResendOutcome.RESENT:
        return t(lang, "reminder.resend.done", count=result.count)
    if result.outcome is ResendOutcome.ALREADY and result.resent_at is not None:
        when = format_datetime(result.resent_at, context.runtime.settings.timezone)
        return t(lang, "reminder.resend.already", time=when)
    if result.outcome is ResendOutcome.NOTHING:
        return t(lang, "reminder.resend.nothing")
    if result.outcome is ResendOutcome.REFUSED:
        return t(lang, "reminder.resend.refused")
    return t(lang, "reminder.resend.expired")


async def _drop_button(message: Message) -> None:
    try:
        await message.edit_reply_markup(reply_markup=None)
    except BadRequest as error:  # already without buttons
        log.debug("report %s keeps its markup: %s", message.message_id, error)


def register(application: BotApplication) -> None:
    application.add_handler(CallbackQueryHandler(on_resend, pattern=RESEND_PATTERN))
