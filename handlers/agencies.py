"""/agencies: the workspace's agencies (list), and for coordinators add / rename.

Callback data: ag:p:{workspace}:{page} (a page of the list), checked again on
receipt: the workspace must be the chat's, and the presser must see it.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.rights import Action
from bot.services import agencies
from bot.services.agencies import AgencyChangeError, AgencyPage
from bot.services.workspaces import NoWorkspace, Refused, target_workspace
from bot.texts import t
from handlers.context import BotApplication, BotContext, sender_of
from handlers.onboarding import (
    ID,
    PAGE,
    bad_callback,
    edit,
    lang,
    nav_row,
    no_workspace,
    refuse,
    reply,
)

_LIST_CALLBACK = re.compile(rf"^ag:p:(?P<ws>{ID}):(?P<page>{PAGE})$")
_ADD = {"add", "them", "thêm"}
_RENAME = {"rename", "doiten", "đổitên"}


def render_page(language: str, page: AgencyPage) -> tuple[str, InlineKeyboardMarkup | None]:
    if not page.items:
        return t(language, "onboarding.agencies.empty"), None
    lines = [
        t(
            language,
            "onboarding.agencies.header",
            workspace=page.workspace.name,
            total=page.total,
            page=page.page + 1,
            pages=page.pages,
        )
    ]
    lines += [
        t(language, "onboarding.agencies.item", code=a.code, name=a.name, count=a.focal_points)
        for a in page.items
    ]
    nav = nav_row(language, f"ag:p:{page.workspace.id}:", page.page, page.pages)
    return "\n".join(lines), InlineKeyboardMarkup([nav]) if nav else None


async def agencies_command(update: Update, context: BotContext) -> None:
    language, runtime = lang(context), context.runtime
    actor = await sender_of(update, context)
    chat_id = update.effective_chat.id if update.effective_chat else None
    args = context.args or []
    verb = args[0].lower() if args else ""
    try:
        if verb in _ADD or verb in _RENAME:
            if len(args) < 3:
                await target_workspace(
                    runtime, actor, Action.MANAGE_AGENCIES, telegram_chat_id=chat_id
                )
                await reply(update, t(language, "onboarding.agencies.usage"))
                return
            code, name = args[1], " ".join(args[2:])
            if verb in _ADD:
                added = await agencies.add_agency(
                    runtime, actor, code, name, telegram_chat_id=chat_id
                )
                await reply(
                    update,
                    t(language, "onboarding.agencies.added", code=added.code, name=added.name),
                )
            else:
                renamed, old = await agencies.rename_agency(
                    runtime, actor, code, name, telegram_chat_id=chat_id
                )
                await reply(
                    update,
                    t(
                        language,
                        "onboarding.agencies.renamed",
                        code=renamed.code,
                        name=renamed.name,
                        old=old,
                    ),
                )
            return
        page_number = int(verb) - 1 if verb.isdigit() and len(verb) < 6 else 0
        page = await agencies.list_page(runtime, actor, page_number, telegram_chat_id=chat_id)
        if verb and not verb.isdigit():
            await reply(update, t(language, "onboarding.agencies.usage"))
            return
        await reply(update, *render_page(language, page))
    except AgencyChangeError as error:
        await reply(
            update, t(language, f"onboarding.agencies.error.{error.reason}", **error.params)
        )
    except Refused:
        await refuse(update, context)
    except NoWorkspace:
        await no_workspace(update, context)


async def agencies_callback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parsed = _LIST_CALLBACK.fullmatch(query.data or "")
    if parsed is None:
        await bad_callback(update, context, Action.VIEW_WORKSPACE)
        return
    actor = await sender_of(update, context)
    chat_id = update.effective_chat.id if update.effective_chat else None
    try:
        page = await agencies.list_page(
            context.runtime,
            actor,
            int(parsed["page"]),
            workspace_id=int(parsed["ws"]),
            telegram_chat_id=chat_id,
        )
    except Refused:
        await refuse(update, context)
        return
    except NoWorkspace:
        await no_workspace(update, context)
        return
    await edit(update, *render_page(lang(context), page))


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler(["agencies", "coquan"], agencies_command))
    application.add_handler(CallbackQueryHandler(agencies_callback, pattern=r"^ag:"))
