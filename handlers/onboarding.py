"""Invites and membership: /invite, /join, /start CODE (deep link), /leave, /remove.

Callback data (ASCII, well under 64 bytes), parsed strictly; every id in it
is checked again on receipt (workspace and rights), so a forged button is
refused and audited:
    iv:p:{workspace}:{page}     invite picker, a page of agencies
    iv:a:{workspace}:{agency}   create a focal point invite for the agency
    iv:r:{workspace}:{member}   remove this focal point
"""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler

from bot.domain.rights import Action, Role
from bot.domain.text import fold
from bot.services import agencies, chats, identity, onboarding
from bot.services.agencies import AgencyInfo
from bot.services.onboarding import InviteInfo, JoinOutcome, JoinResult, UserRef
from bot.services.workspaces import NoWorkspace, Refused, target_workspace
from bot.texts import Raw, format_datetime, t
from handlers.context import BotApplication, BotContext, is_private, sender_of
from storage.models import ChatPurpose

log = logging.getLogger("nhacviec.onboarding")

ID = r"[1-9][0-9]{0,17}"
PAGE = r"0|[1-9][0-9]{0,4}"
_INVITE_CALLBACK = re.compile(rf"^iv:(?P<kind>[par]):(?P<ws>{ID}):(?P<value>{PAGE}|{ID})$")
PICKER_PAGE_SIZE = 8

ROLE_WORDS: dict[str, Role] = {
    "dieu phoi": Role.COORDINATOR,
    "can bo dieu phoi": Role.COORDINATOR,
    "coordinator": Role.COORDINATOR,
    "theo doi": Role.VIEWER,
    "nguoi theo doi": Role.VIEWER,
    "viewer": Role.VIEWER,
}


# -- helpers shared by the onboarding handlers ------------------------------------------


def lang(context: BotContext) -> str:
    return context.runtime.language


def user_ref(update: Update) -> UserRef:
    user = update.effective_user
    assert user is not None
    return UserRef(user.id, user.full_name, user.username)


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(text, reply_markup=markup)


async def refuse(update: Update, context: BotContext) -> None:
    """The polite refusal; the audit entry was written by the service."""
    if update.callback_query is not None:
        await update.callback_query.answer(t(lang(context), "refused"), show_alert=True)
    else:
        await reply(update, t(lang(context), "refused"))


async def bad_callback(update: Update, context: BotContext, action: Action) -> None:
    """A button whose data this bot never writes, or pressed where it cannot
    apply (a /setup button in a private chat): forged or stale. Nothing is
    done; the attempt is audited."""
    query = update.callback_query
    assert query is not None
    actor = await sender_of(update, context)
    await identity.record(
        context.runtime,
        actor,
        action.value,
        allowed=False,
        telegram_chat_id=update.effective_chat.id if update.effective_chat else None,
        detail={"reason": "unexpected button", "data": (query.data or "")[:64]},
    )
    await query.answer(t(lang(context), "onboarding.stale"), show_alert=True)


async def no_workspace(update: Update, context: BotContext) -> None:
    key = (
        "onboarding.no_workspace.private" if is_private(update) else "onboarding.no_workspace.group"
    )
    if update.callback_query is not None:
        await update.callback_query.answer(t(lang(context), key), show_alert=True)
    else:
        await reply(update, t(lang(context), key))


def role_name(language: str, role: Role | str) -> str:
    return t(language, f"onboarding.role.{Role(role).value}")


def agency_part(language: str, agency: AgencyInfo | None) -> Raw:
    if agency is None:
        return Raw("")
    return Raw(t(language, "onboarding.join.agency_part", agency=agency.name))


def nav_row(language: str, prefix: str, page: int, pages: int) -> list[InlineKeyboardButton]:
    """« Previous / Next » buttons; `prefix` + page number is the callback data."""
    row = []
    if page > 0:
        row.append(
            InlineKeyboardButton(
                t(language, "onboarding.button.prev"), callback_data=f"{prefix}{page - 1}"
            )
        )
    if page + 1 < pages:
        row.append(
            InlineKeyboardButton(
                t(language, "onboarding.button.next"), callback_data=f"{prefix}{page + 1}"
            )
        )
    return row


def agency_button(agency: AgencyInfo, data: str) -> InlineKeyboardButton:
    label = f"{agency.code} · {agency.name}"
    return InlineKeyboardButton(label if len(label) <= 60 else label[:59] + "…", callback_data=data)


async def edit(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the menu a button was pressed on (or answer anew if it is gone)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    message = query.message
    if isinstance(message, Message):
        await message.edit_text(text, reply_markup=markup)
    elif update.effective_chat is not None:
        await update.get_bot().send_message(update.effective_chat.id, text, reply_markup=markup)


# -- /invite ------------------------------------------------------------------------------


def render_invite(context: BotContext, invite: InviteInfo) -> str:
    language = lang(context)
    link = f"https://t.me/{context.bot.username}?start={invite.code}"
    expires = format_datetime(invite.expires_at, context.runtime.settings.timezone)
    if invite.agency is not None:
        return t(
            language,
            "onboarding.invite.created",
            agency=invite.agency.name,
            agency_code=invite.agency.code,
            workspace=invite.workspace.name,
            code=invite.code,
            link=link,
            expires=expires,
        )
    return t(
        language,
        "onboarding.invite.created_role",
        role=role_name(language, invite.role),
        workspace=invite.workspace.name,
        code=invite.code,
        link=link,
        expires=expires,
    )


async def invite_command(update: Update, context: BotContext) -> None:
    runtime, language = context.runtime, lang(context)
    actor = await sender_of(update, context)
    chat_id = update.effective_chat.id if update.effective_chat else None
    query = " ".join(context.args or []).strip()
    try:
        workspace_id = await target_workspace(
            runtime, actor, Action.INVITE, telegram_chat_id=chat_id
        )
        role = ROLE_WORDS.get(fold(query))
        if role is not None:
            invite = await onboarding.create_invite(
                runtime, actor, role=role, telegram_chat_id=chat_id
            )
            await reply(update, render_invite(context, invite))
            return
        if not query:
            text, markup = await _invite_picker(context, workspace_id, 0)
            await reply(update, text, markup)
            return
        found = await agencies.resolve(runtime, workspace_id, query)
        if found.agency is not None:
            invite = await onboarding.create_invite(
                runtime, actor, agency_id=found.agency.id, telegram_chat_id=chat_id
            )
            await reply(update, render_invite(context, invite))
        elif found.candidates:
            buttons = [[agency_button(a, f"iv:a:{workspace_id}:{a.id}")] for a in found.candidates]
            await reply(
                update,
                t(language, "onboarding.invite.choose", query=query),
                InlineKeyboardMarkup(buttons),
            )
        else:
            await reply(update, t(language, "onboarding.agencies.error.not_found", query=query))
    except Refused:
        await refuse(update, context)
    except NoWorkspace:
        await no_workspace(update, context)


async def _invite_picker(
    context: BotContext, workspace_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    language = lang(context)
    items, page, pages = await agencies.agency_page(
        context.runtime, workspace_id, page, PICKER_PAGE_SIZE
    )
    if not items:
        return t(language, "onboarding.setup.no_agencies"), None
    rows = [[agency_button(a, f"iv:a:{workspace_id}:{a.id}")] for a in items]
    nav = nav_row(language, f"iv:p:{workspace_id}:", page, pages)
    if nav:
        rows.append(nav)
    text = (
        t(language, "onboarding.invite.usage")
        + "\n\n"
        + t(language, "onboarding.invite.pick", page=page + 1, pages=pages)
    )
    return text, InlineKeyboardMarkup(rows)


async def invite_callback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parsed = _INVITE_CALLBACK.fullmatch(query.data or "")
    if parsed is None:
        await bad_callback(update, context, Action.INVITE)
        return
    kind, workspace_id, value = parsed["kind"], int(parsed["ws"]), int(parsed["value"])
    runtime = context.runtime
    actor = await sender_of(update, context)
    chat_id = update.effective_chat.id if update.effective_chat else None
    try:
        if kind == "p":
            await target_workspace(
                runtime, actor, Action.INVITE, workspace_id=workspace_id, telegram_chat_id=chat_id
            )
            text, markup = await _invite_picker(context, workspace_id, value)
            await edit(update, text, markup)
        elif kind == "a":
            invite = await onboarding.create_invite(
                runtime, actor, agency_id=value, workspace_id=workspace_id, telegram_chat_id=chat_id
            )
            await edit(update, render_invite(context, invite))
        else:
            removed = await onboarding.remove_member(
                runtime, actor, value, workspace_id=workspace_id, telegram_chat_id=chat_id
            )
            await edit(update, _removed_text(context, removed))
            await _tell_removed(context, removed)
    except Refused:
        await refuse(update, context)
    except NoWorkspace:
        await no_workspace(update, context)
    except onboarding.NotMember:
        await query.answer(t(lang(context), "onboarding.stale"), show_alert=True)


# -- /join and /start CODE ------------------------------------------------------------------


async def join_command(update: Update, context: BotContext) -> None:
    if not context.args:
        await reply(update, t(lang(context), "onboarding.join.usage"))
        return
    await _redeem(update, context, "".join(context.args))


async def start_with_code(update: Update, context: BotContext) -> None:
    """t.me/<bot>?start=<code> arrives as "/start <code>": redeem it, and stop
    the generic /start (group 1) from answering too."""
    await _redeem(update, context, "".join(context.args or []))
    raise ApplicationHandlerStop


async def _redeem(update: Update, context: BotContext, code: str) -> None:
    language = lang(context)
    chat_id = update.effective_chat.id if update.effective_chat else None
    result = await onboarding.redeem(
        context.runtime, user_ref(update), code, telegram_chat_id=chat_id
    )
    await reply(update, render_join(language, result))
    if result.outcome is JoinOutcome.JOINED and result.workspace is not None:
        await _announce(context, result, user_ref(update))


def render_join(language: str, result: JoinResult) -> str:
    outcome = result.outcome
    workspace = result.workspace.name if result.workspace else ""
    if outcome is JoinOutcome.JOINED and result.role is not None:
        return t(
            language,
            f"onboarding.join.joined.{result.role.value}",
            agency=result.agency.name if result.agency else "",
            workspace=workspace,
        )
    if outcome is JoinOutcome.ALREADY and result.role is not None:
        return t(
            language,
            "onboarding.join.already",
            role=role_name(language, result.role),
            agency_part=agency_part(language, result.agency),
            workspace=workspace,
        )
    if outcome is JoinOutcome.OTHER_ROLE and result.current_role is not None:
        return t(
            language,
            "onboarding.join.other_role",
            role=role_name(language, result.current_role),
            agency_part=agency_part(language, result.current_agency),
            workspace=workspace,
        )
    if outcome is JoinOutcome.REFUSED:
        return t(language, "refused")
    return t(language, f"onboarding.join.{outcome.value}")


async def _announce(context: BotContext, result: JoinResult, user: UserRef) -> None:
    """Tell the coordination group who joined (best effort)."""
    assert result.workspace is not None and result.role is not None
    language = lang(context)
    text = t(
        language,
        "onboarding.join.notify",
        name=user.display_name + (f" (@{user.username})" if user.username else ""),
        role=role_name(language, result.role),
        agency_part=agency_part(language, result.agency),
    )
    for chat_id in await chats.destinations(
        context.runtime, result.workspace.id, ChatPurpose.COORDINATION
    ):
        try:
            await context.bot.send_message(chat_id, text)
        except TelegramError as error:
            log.warning("could not announce a new member in %s: %s", chat_id, error)


# -- /leave and /remove ----------------------------------------------------------------------


async def leave_command(update: Update, context: BotContext) -> None:
    language = lang(context)
    actor = await sender_of(update, context)
    chat_id = update.effective_chat.id if update.effective_chat else None
    try:
        workspace, member = await onboarding.leave(context.runtime, actor, telegram_chat_id=chat_id)
    except Refused:
        await refuse(update, context)
        return
    except NoWorkspace:
        await no_workspace(update, context)
        return
    except onboarding.NotMember:
        await reply(update, t(language, "onboarding.leave.not_member"))
        return
    await reply(
        update,
        t(
            language,
            "onboarding.leave.done",
            role=role_name(language, member.role),
            agency_part=agency_part(language, member.agency),
            workspace=workspace.name,
        ),
    )


async def remove_command(update: Update, context: BotContext) -> None:
    runtime, language = context.runtime, lang(context)
    actor = await sender_of(update, context)
    chat_id = update.effective_chat.id if update.effective_chat else None
    args = context.args or []
    try:
        workspace_id = await target_workspace(
            runtime, actor, Action.REMOVE_FOCAL_POINT, telegram_chat_id=chat_id
        )
        if not args:
            await reply(update, t(language, "onboarding.remove.usage"))
            return
        found = await agencies.resolve(runtime, workspace_id, args[0])
        if found.agency is None:
            await reply(update, t(language, "onboarding.agencies.error.not_found", query=args[0]))
            return
        agency, people = await onboarding.focal_points(
            runtime, actor, found.agency.id, telegram_chat_id=chat_id
        )
        if not people:
            await reply(update, t(language, "onboarding.remove.none", agency=agency.name))
            return
        if len(args) == 1:
            buttons = [
                [
                    InlineKeyboardButton(
                        _person_label(p), callback_data=f"iv:r:{workspace_id}:{p.id}"
                    )
                ]
                for p in people
            ]
            await reply(
                update,
                t(language, "onboarding.remove.choose", agency=agency.name),
                InlineKeyboardMarkup(buttons),
            )
            return
        person = onboarding.pick_member(people, args[1])
        if person is None:
            await reply(
                update, t(language, "onboarding.remove.not_found", agency=agency.name, who=args[1])
            )
            return
        removed = await onboarding.remove_member(
            runtime, actor, person.id, telegram_chat_id=chat_id
        )
        await reply(update, _removed_text(context, removed))
        await _tell_removed(context, removed)
    except Refused:
        await refuse(update, context)
    except NoWorkspace:
        await no_workspace(update, context)
    except onboarding.NotMember:
        await reply(update, t(language, "onboarding.stale"))


def _person_label(person: onboarding.MemberInfo) -> str:
    handle = f" @{person.username}" if person.username else ""
    return f"❌ {person.display_name}{handle}"[:60]


def _removed_text(context: BotContext, removed: onboarding.MemberInfo) -> str:
    return t(
        lang(context),
        "onboarding.remove.done",
        name=removed.display_name or str(removed.telegram_user_id),
        agency=removed.agency.name if removed.agency else "",
    )


async def _tell_removed(context: BotContext, removed: onboarding.MemberInfo) -> None:
    """Let the removed person know, privately (best effort: they may never have
    opened a private chat with the bot)."""
    if removed.agency is None:
        return
    try:
        await context.bot.send_message(
            removed.telegram_user_id,
            t(
                lang(context),
                "onboarding.remove.told",
                agency=removed.agency.name,
                workspace=removed.workspace_name,
            ),
        )
    except TelegramError:
        log.info(
            "removed focal point %s has no private chat with the bot", removed.telegram_user_id
        )


def register(application: BotApplication) -> None:
    # group 0: before handlers/start.py's generic /start (group 1).
    application.add_handler(CommandHandler("start", start_with_code, has_args=True), group=0)
    application.add_handler(CommandHandler(["join", "thamgia"], join_command))
    application.add_handler(CommandHandler(["invite", "moi"], invite_command))
    application.add_handler(CommandHandler(["leave", "roi"], leave_command))
    application.add_handler(CommandHandler(["remove", "go"], remove_command))
    application.add_handler(CallbackQueryHandler(invite_callback, pattern=r"^iv:"))
