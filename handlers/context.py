"""PTB's CallbackContext with typed access to the Runtime."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.rights import Actor
from bot.runtime import Runtime
from bot.services import identity

RUNTIME_KEY = "runtime"


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.application.bot_data[RUNTIME_KEY]
        return runtime


BotApplication = Application[
    ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def actor_of(update: Update, context: BotContext) -> Actor | None:
    """Who sent the update, with their role here; None without a user or a chat
    (a channel post, an inline message's button)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return await identity.actor_for(context.runtime, user.id, chat.id, private=is_private(update))


async def sender_of(update: Update, context: BotContext) -> Actor:
    """`actor_of` for updates that always carry both (commands, buttons in a chat)."""
    actor = await actor_of(update, context)
    assert actor is not None
    return actor
