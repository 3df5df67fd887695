"""/digest (/tonghop) and /report (/baocao): thin adapters over the services.

/digest sends the digest now to the chat that asked (coordinators and admins
only) and leaves the daily digest's key alone; /report [directive number]
sends the tracking table and the Word drafts as documents.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler

from bot.services import digest as digest_service
from bot.services import reports as report_service
from bot.services.reports import LoadOutcome
from bot.texts import t
from handlers.context import BotApplication, BotContext, actor_of


def _no_workspace_key(chat_type: str) -> str:
    """The product's one wording for "which workspace?" (the onboarding room's)."""
    if chat_type == ChatType.PRIVATE:
        return "onboarding.no_workspace.private"
    return "onboarding.no_workspace.group"


async def digest_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    actor = await actor_of(update, context)
    if message is None or chat is None or actor is None:
        return
    lang = context.runtime.language
    result = await digest_service.on_request(context.runtime, actor, chat.id)
    if result.outcome is digest_service.RequestOutcome.REFUSED:
        await message.reply_text(t(lang, "refused"))
        return
    if result.message is None:
        await message.reply_text(t(lang, _no_workspace_key(chat.type)))
        return
    for part in result.message.parts:
        await context.bot.send_message(chat.id, part)
    if result.message.chart_png is not None:
        await context.bot.send_photo(
            chat.id, photo=result.message.chart_png, caption=result.message.chart_caption
        )


async def report_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    actor = await actor_of(update, context)
    if message is None or chat is None or actor is None:
        return
    lang = context.runtime.language
    number = " ".join(context.args or []).strip() or None
    result = await report_service.on_request(context.runtime, actor, chat.id, number)
    loaded = result.loaded
    if loaded.outcome is LoadOutcome.REFUSED:
        await message.reply_text(t(lang, "refused"))
        return
    if loaded.outcome is LoadOutcome.NO_WORKSPACE:
        await message.reply_text(t(lang, _no_workspace_key(chat.type)))
        return
    if loaded.outcome is LoadOutcome.NO_DIRECTIVE:
        await message.reply_text(t(lang, "report.no_directive", number=number or ""))
        return
    if loaded.outcome is LoadOutcome.AMBIGUOUS:
        await message.reply_text(
            t(
                lang,
                "report.ambiguous",
                number=number or "",
                candidates=", ".join(loaded.candidates),
            )
        )
        return
    if result.files is None:
        return
    data = result.files.data
    report_caption = t(lang, "report.caption.report")
    if not result.files.has_letter:  # said in the caption: one message fewer in a busy group
        report_caption += "\n" + t(lang, "report.no_late")
    captions = [
        t(lang, "report.caption.table", rows=len(data.rows)),
        report_caption,
        t(lang, "report.caption.letter", agencies=len(data.late_agencies)),
    ]
    # Three messages, no chat action: Telegram allows a group 20 messages a minute.
    for file, caption in zip(result.files.files, captions, strict=False):
        await context.bot.send_document(
            chat.id, document=file.content, filename=file.name, caption=caption
        )


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler(["digest", "tonghop"], digest_command), group=1)
    application.add_handler(CommandHandler(["report", "baocao"], report_command), group=1)
