"""The bot added to or removed from a group, and a group becoming a supergroup.

Added: greet, explain /setup and what privacy mode means for answering.
Removed: the chat is marked so no reminder is attempted there any more.
Migrated: the chat id changes; every row pointing at the old id follows.
Telegram sends the migration twice (a service message in the old group with
migrate_to_chat_id, one in the new supergroup with migrate_from_chat_id);
both are handled, and the second moves nothing.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler, MessageHandler, filters

from bot.services import chats
from bot.texts import t
from handlers.context import BotApplication, BotContext
from handlers.onboarding import lang

log = logging.getLogger("nhacviec.chats")

_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}
_GONE = {ChatMember.LEFT, ChatMember.BANNED}


async def my_chat_member(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return  # a private chat blocked or unblocked the bot: nothing to set up
    chat = change.chat
    was, now = change.old_chat_member.status, change.new_chat_member.status
    if now in _GONE and was not in _GONE:
        await chats.bot_removed(context.runtime, chat.id)
        log.info("bot removed from chat %s", chat.id)
        return
    if now in _PRESENT and was in _GONE:
        info = await chats.bot_added(
            context.runtime, chat.id, chat_type=chat.type, title=chat.title or ""
        )
        language = lang(context)
        if info.workspace is not None and info.purpose is not None:
            text = t(
                language,
                "onboarding.greeting.known",
                purpose=t(language, f"onboarding.purpose.{info.purpose.value}"),
                workspace=info.workspace.name,
            )
        else:
            text = t(language, "onboarding.greeting")
        await context.bot.send_message(chat.id, text)


async def migrated(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    moved = await chats.migrate_chat(context.runtime, old, new)
    log.info("chat %s became supergroup %s: %s", old, new, moved)


# Group -1: before every other room's handlers, so no catch-all message handler
# of group 0 can swallow a migration notice.
GROUP = -1


def register(application: BotApplication) -> None:
    application.add_handler(
        ChatMemberHandler(my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER), group=GROUP
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated), group=GROUP)
