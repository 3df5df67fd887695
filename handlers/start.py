"""/start and /help: what the bot does for each role, in the user's language.

A /start with a payload is an invite deep link (t.me/<bot>?start=<code>);
that is handled by the onboarding handlers, registered before this one.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler

from bot.texts import t
from handlers.context import BotApplication, BotContext


async def start(update: Update, context: BotContext) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    lang = context.runtime.language
    if chat.type == ChatType.PRIVATE:
        name = update.effective_user.first_name if update.effective_user else ""
        await message.reply_text(t(lang, "start.private", name=name))
    else:
        await message.reply_text(t(lang, "start.group"))


async def help_command(update: Update, context: BotContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(t(context.runtime.language, "help"))


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler("start", start), group=1)
    application.add_handler(CommandHandler(["help", "trogiup"], help_command), group=1)
