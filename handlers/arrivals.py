"""Proof that a reminder arrived: a reply to it, or a tap on its buttons.

A reminder whose send got no answer from Telegram is sent again later,
labelled as a possible repeat (bot/services/reminders.py). If someone in the
chat answers the first message before then, that message did arrive: the
repeat is withdrawn and the message is recorded, so replies to it find their
tasks like any other. Runs before every other room's handlers and lets them
go on; the message and its buttons come from Telegram, not from the user.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, TypeHandler

from bot.services import reminders
from handlers.context import BotApplication, BotContext
from handlers.keyboards import task_ids_of_keyboard


def _bot_message_answered(update: Update, bot_id: int) -> Message | None:
    """The bot's message this update answers (a reply to it, or one of its buttons)."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        answered: Message | None = query.message
    elif update.message is not None:
        answered = update.message.reply_to_message
    else:
        answered = None
    if answered is None or answered.from_user is None or answered.from_user.id != bot_id:
        return None
    return answered


async def on_answer(update: Update, context: BotContext) -> None:
    answered = _bot_message_answered(update, context.bot.id)
    if answered is None:
        return
    task_ids = task_ids_of_keyboard(answered.reply_markup)
    if task_ids:
        await reminders.confirm_arrival(
            context.runtime, answered.chat_id, answered.message_id, answered.date, task_ids
        )


# Before every other group: the reply handlers then find the message recorded.
GROUP = -2


def register(application: BotApplication) -> None:
    handler: BaseHandler[Update, BotContext, None] = TypeHandler(Update, on_answer)
    application.add_handler(handler, group=GROUP)
