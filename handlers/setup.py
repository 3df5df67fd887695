"""/setup: what a group is for, chosen with buttons.

Callback data (ASCII, <= 64 bytes), parsed strictly and checked again on
receipt (the group's workspace, the presser's rights):
    su:n                        create a new workspace; this group coordinates it (admins)
    su:w:{workspace}            this (new) group joins that workspace: show the purposes
    su:c:{workspace}            coordination group
    su:f:{workspace}            focal points' group
    su:a:{workspace}:{page}     one agency's group: a page of agencies
    su:A:{workspace}:{agency}   one agency's group: this agency
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.rights import Action
from bot.services import agencies, chats
from bot.services.chats import SetupMenu, SetupResult, SetupStep
from bot.services.workspaces import NoWorkspace, Refused, WorkspaceInfo
from bot.texts import t
from handlers.context import BotApplication, BotContext, is_private
from handlers.onboarding import (
    ID,
    PAGE,
    PICKER_PAGE_SIZE,
    agency_button,
    bad_callback,
    edit,
    lang,
    nav_row,
    no_workspace,
    refuse,
    reply,
    user_ref,
)
from storage.models import ChatPurpose

_SETUP_CALLBACK = re.compile(
    rf"^su:(?:(?P<new>n)|(?P<kind>[wcf]):(?P<ws>{ID})"
    rf"|a:(?P<pws>{ID}):(?P<page>{PAGE})|A:(?P<aws>{ID}):(?P<agency>{ID}))$"
)
_PURPOSES = {"c": ChatPurpose.COORDINATION, "f": ChatPurpose.FOCAL_POINTS}


def _purpose_menu(
    language: str, title: str, workspace: WorkspaceInfo
) -> tuple[str, InlineKeyboardMarkup]:
    ws = workspace.id
    buttons = [
        [
            InlineKeyboardButton(
                t(language, "onboarding.setup.button.coordination"), callback_data=f"su:c:{ws}"
            )
        ],
        [
            InlineKeyboardButton(
                t(language, "onboarding.setup.button.focal_points"), callback_data=f"su:f:{ws}"
            )
        ],
        [
            InlineKeyboardButton(
                t(language, "onboarding.setup.button.agency"), callback_data=f"su:a:{ws}:0"
            )
        ],
    ]
    text = t(language, "onboarding.setup.choose_purpose", title=title, workspace=workspace.name)
    return text, InlineKeyboardMarkup(buttons)


def _render_menu(language: str, menu: SetupMenu) -> tuple[str, InlineKeyboardMarkup]:
    if menu.step is SetupStep.PURPOSE and menu.workspace is not None:
        return _purpose_menu(language, menu.chat.title, menu.workspace)
    rows = [
        [InlineKeyboardButton(w.name[:60], callback_data=f"su:w:{w.id}")]
        for w in menu.workspaces[:20]
    ]
    if menu.can_create:
        rows.append(
            [
                InlineKeyboardButton(
                    t(language, "onboarding.setup.button.create"), callback_data="su:n"
                )
            ]
        )
    return t(
        language, "onboarding.setup.choose_workspace", title=menu.chat.title
    ), InlineKeyboardMarkup(rows)


def render_done(language: str, result: SetupResult) -> str:
    chat = result.chat
    assert chat.workspace is not None and chat.purpose is not None
    parts = []
    if result.created_workspace:
        parts.append(
            t(
                language,
                "onboarding.setup.created",
                workspace=chat.workspace.name,
                id=chat.workspace.id,
            )
        )
    parts.append(
        t(
            language,
            f"onboarding.setup.done.{chat.purpose.value}",
            workspace=chat.workspace.name,
            agency=chat.agency.name if chat.agency else "",
        )
    )
    if result.replaced:
        parts.append(t(language, "onboarding.setup.replaced", titles="», «".join(result.replaced)))
    parts.append(t(language, "onboarding.privacy"))
    return "\n\n".join(parts)


async def setup_command(update: Update, context: BotContext) -> None:
    language = lang(context)
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if is_private(update):
        await reply(update, t(language, "onboarding.setup.group_only"))
        return
    try:
        menu = await chats.setup_menu(
            context.runtime, user.id, chat.id, chat_type=chat.type, title=chat.title or ""
        )
    except Refused:
        await refuse(update, context)
        return
    text, markup = _render_menu(language, menu)
    await reply(update, text, markup)


async def setup_callback(update: Update, context: BotContext) -> None:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None
    language, runtime = lang(context), context.runtime
    parsed = _SETUP_CALLBACK.fullmatch(query.data or "")
    if parsed is None or chat is None or user is None or is_private(update):
        await bad_callback(update, context, Action.SETUP_CHAT)
        return
    try:
        if parsed["new"]:
            result = await chats.create_workspace_here(runtime, user_ref(update), chat.id)
            await edit(update, render_done(language, result))
        elif parsed["kind"] == "w":
            workspace = await chats.workspace_for_setup(
                runtime, user.id, chat.id, int(parsed["ws"])
            )
            await edit(update, *_purpose_menu(language, chat.title or "", workspace))
        elif parsed["kind"] in _PURPOSES:
            result = await chats.set_purpose(
                runtime, user.id, chat.id, int(parsed["ws"]), _PURPOSES[parsed["kind"]]
            )
            await edit(update, render_done(language, result))
        elif parsed["pws"]:
            await _agency_picker(update, context, int(parsed["pws"]), int(parsed["page"]))
        else:
            result = await chats.set_purpose(
                runtime,
                user.id,
                chat.id,
                int(parsed["aws"]),
                ChatPurpose.AGENCY,
                int(parsed["agency"]),
            )
            await edit(update, render_done(language, result))
    except Refused:
        await refuse(update, context)
    except NoWorkspace:
        await no_workspace(update, context)


async def _agency_picker(update: Update, context: BotContext, workspace_id: int, page: int) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    language = lang(context)
    await chats.workspace_for_setup(context.runtime, user.id, chat.id, workspace_id)  # rights
    items, page, pages = await agencies.agency_page(
        context.runtime, workspace_id, page, PICKER_PAGE_SIZE
    )
    if not items:
        await edit(update, t(language, "onboarding.setup.no_agencies"))
        return
    rows = [[agency_button(a, f"su:A:{workspace_id}:{a.id}")] for a in items]
    nav = nav_row(language, f"su:a:{workspace_id}:", page, pages)
    if nav:
        rows.append(nav)
    await edit(
        update,
        t(language, "onboarding.setup.choose_agency", page=page + 1, pages=pages),
        InlineKeyboardMarkup(rows),
    )


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler(["setup", "thietlap"], setup_command))
    application.add_handler(CallbackQueryHandler(setup_callback, pattern=r"^su:"))
