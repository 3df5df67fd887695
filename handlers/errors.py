"""The error handler: log with context, tell the user something useful.

Internals (exception text, SQL, tokens) never reach the chat; the user gets a
short reference that matches the log line, so an admin can find it.
"""

from __future__ import annotations

import logging
import secrets

from telegram import Update
from telegram.error import TelegramError

from bot.texts import t
from handlers.context import BotContext

log = logging.getLogger("nhacviec.errors")


async def on_error(update: object, context: BotContext) -> None:
    ref = secrets.token_hex(3)
    details: dict[str, object] = {"ref": ref}
    if isinstance(update, Update):
        details["update_id"] = update.update_id
        details["chat_id"] = update.effective_chat.id if update.effective_chat else None
        details["user_id"] = update.effective_user.id if update.effective_user else None
    log.error("unhandled error %s", details, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id, t(context.runtime.language, "error.internal", ref=ref)
        )
    except TelegramError:
        log.warning("could not tell chat %s about error %s", update.effective_chat.id, ref)
