"""Extension requests on Telegram: posting a request to the coordination chat
with approve / deny buttons, the coordinators' decision, and telling the
agency's chat either way (with the reason).

Only a coordinator of the request's workspace may press the buttons: anyone
else gets a refusal in the callback answer, and an audit row. Denying asks
for a reason with a prompt the coordinator replies to (kept in the Draft
table, so it survives a restart).
"""

from __future__ import annotations

import html
import logging
from datetime import date
from typing import TYPE_CHECKING

from telegram import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler

from bot.services import extensions as extension_service
from bot.services import status as status_service
from bot.services.extensions import ExtensionOutcome, ExtensionResult, ExtensionView
from bot.services.status import Origin, TaskView
from bot.texts import Raw, format_datetime, t
from handlers import status_callbacks as callbacks
from handlers.context import BotApplication, BotContext, sender_of

if TYPE_CHECKING:
    from handlers.replies import Conversation

log = logging.getLogger("nhacviec.extensions")

DECISION_GROUP = 3


def _mention(user_id: int, name: str) -> Raw:
    return Raw(f'<a href="tg://user?id={user_id}">{html.escape(name or str(user_id))}</a>')


def _note(lang: str, view: ExtensionView, key: str) -> str:
    if view.working_day is None:
        return ""
    return t(lang, key, date=view.requested_date, working=view.working_day)


def request_text(lang: str, view: ExtensionView) -> str:
    task = view.task
    return t(
        lang,
        "status.ext.request",
        agency=view.agency_name,
        code=task.code,
        action=_clip(task.action, 400),
        directive=view.directive_number,
        deadline=view.previous_deadline or t(lang, "status.answer.no_deadline"),
        date=view.requested_date,
        note=Raw(_note(lang, view, "status.ext.request_note")),
        reason=view.reason or t(lang, "status.ext.no_reason"),
        name=view.requester_name,
    )


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def decision_markup(lang: str, request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "status.ext.button.approve"),
                    callback_data=callbacks.approve(request_id),
                ),
                InlineKeyboardButton(
                    t(lang, "status.ext.button.deny"), callback_data=callbacks.deny(request_id)
                ),
            ]
        ]
    )


async def submit(
    context: BotContext,
    talk: Conversation,
    task: TaskView,
    origin: Origin,
    *,
    requested_date: date | None,
    span: int | None,
    reason: str | None,
) -> ExtensionResult:
    """Record the request, post it to the coordination chat, tell the asker."""
    from handlers.replies import send

    runtime, lang = context.runtime, context.runtime.language
    result = await extension_service.request_extension(
        runtime,
        talk.actor,
        task.task_id,
        origin,
        requested_date=requested_date,
        span=span,
        reason=reason,
    )
    view = result.request
    if result.outcome is ExtensionOutcome.REFUSED:
        await send(context, talk, t(lang, "refused"))
    elif result.outcome is ExtensionOutcome.CLOSED:
        await send(context, talk, t(lang, "status.ext.closed", code=task.code))
    elif result.outcome is ExtensionOutcome.IN_PAST:
        await send(context, talk, t(lang, "status.ext.in_past", date=result.requested_date))
    elif result.outcome is ExtensionOutcome.NOT_LATER:
        await send(
            context,
            talk,
            t(
                lang,
                "status.ext.not_later",
                code=task.code,
                deadline=task.effective_deadline,
                date=result.requested_date,
            ),
        )
    elif view is not None:
        posted = await _post(context, result, view)
        key = "status.ext.sent" if posted else "status.ext.sent_no_chat"
        note = Raw(_note(lang, view, "status.ext.non_working"))
        await send(context, talk, t(lang, key, code=task.code, date=view.requested_date, note=note))
    return result


async def _post(context: BotContext, result: ExtensionResult, view: ExtensionView) -> bool:
    """Post the request (with buttons) to every coordination chat; True if one got it."""
    lang = context.runtime.language
    text = request_text(lang, view)
    first: int | None = None
    for chat_id in result.coordination_chat_ids:
        try:
            message = await context.bot.send_message(
                chat_id, text, reply_markup=decision_markup(lang, view.request_id)
            )
        except TelegramError as error:
            log.warning("extension %s not posted to %s: %s", view.request_id, chat_id, error)
            continue
        if first is None:
            first = message.message_id
    if first is not None:
        await extension_service.note_coordination_message(context.runtime, view.request_id, first)
    return first is not None


async def on_decision(update: Update, context: BotContext) -> None:
    """Approve or deny pressed in the coordination chat."""
    query = update.callback_query
    if query is None:
        return
    lang = context.runtime.language
    pressed = callbacks.parse(query.data)
    message = query.message if isinstance(query.message, Message) else None
    chat, user = update.effective_chat, update.effective_user
    if pressed is None or message is None or chat is None or user is None:
        await query.answer(t(lang, "status.toast.expired"))
        return
    actor = await sender_of(update, context)
    origin = Origin(
        telegram_user_id=user.id,
        name=user.full_name,
        telegram_chat_id=chat.id,
        telegram_message_id=message.message_id,
        source="button",
    )
    if pressed.op is callbacks.Op.APPROVE:
        result = await extension_service.decide(
            context.runtime, actor, pressed.first, approve=True, origin=origin
        )
        await _after_decision(context, query, message, result, user.full_name)
        return
    checked = await extension_service.may_decide(
        context.runtime, actor, pressed.first, telegram_chat_id=chat.id
    )
    if checked.outcome is not ExtensionOutcome.PENDING or checked.request is None:
        await _refuse(query, lang, checked)
        return
    await query.answer()
    draft_id = await status_service.open_prompt(
        context.runtime,
        kind=status_service.PROMPT_DENY,
        telegram_chat_id=chat.id,
        telegram_user_id=user.id,
        workspace_id=checked.request.task.workspace_id,
        payload={"request_id": pressed.first, "coordination_message_id": message.message_id},
    )
    prompt = await context.bot.send_message(
        chat.id,
        t(
            lang,
            "status.ext.ask_deny_reason",
            who=_mention(user.id, user.full_name),
            code=checked.request.task.code,
        ),
        reply_markup=ForceReply(selective=True),
        reply_parameters=ReplyParameters(
            message_id=message.message_id, allow_sending_without_reply=True
        ),
    )
    await status_service.attach_prompt(context.runtime, draft_id, prompt.message_id)


async def _refuse(query: CallbackQuery, lang: str, result: ExtensionResult) -> None:
    if result.outcome is ExtensionOutcome.REFUSED:
        await query.answer(t(lang, "status.ext.toast.refused"), show_alert=True)
        return
    state = result.request.state if result.request else "pending"
    await query.answer(
        t(lang, "status.ext.already", state=t(lang, f"status.ext.state.{state}")), show_alert=True
    )


async def finish_deny(
    update: Update,
    context: BotContext,
    message: Message,
    prompt: status_service.Prompt,
    text: str,
) -> None:
    """The coordinator's reason for a denial ("-" for none)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if not await status_service.close_prompt(context.runtime, prompt.draft_id):
        return
    lang = context.runtime.language
    reason = text.strip()
    reason_value = None if reason in ("", "-", "—") else reason
    actor = await sender_of(update, context)
    origin = Origin(
        telegram_user_id=user.id,
        name=user.full_name,
        telegram_chat_id=chat.id,
        telegram_message_id=message.message_id,
        source="reply",
        text=text or None,
    )
    request_id = int(prompt.payload["request_id"])
    result = await extension_service.decide(
        context.runtime, actor, request_id, approve=False, origin=origin, reason=reason_value
    )
    if result.outcome is not ExtensionOutcome.DENIED or result.request is None:
        key = "status.ext.toast.refused" if result.outcome is ExtensionOutcome.REFUSED else None
        state = result.request.state if result.request else "pending"
        await message.reply_text(
            t(lang, key)
            if key
            else t(lang, "status.ext.already", state=t(lang, f"status.ext.state.{state}"))
        )
        return
    coordination_id = prompt.payload.get("coordination_message_id")
    await _mark_decided(context, chat.id, coordination_id, result, user.full_name)
    await _tell_agency(context, result)
    await message.reply_text(t(lang, "status.ext.decision_done"))


async def _after_decision(
    context: BotContext,
    query: CallbackQuery,
    message: Message,
    result: ExtensionResult,
    name: str,
) -> None:
    lang = context.runtime.language
    if result.outcome not in (ExtensionOutcome.APPROVED, ExtensionOutcome.DENIED):
        await _refuse(query, lang, result)
        return
    await query.answer(t(lang, "status.ext.toast.approved"))
    await _mark_decided(context, message.chat_id, message.message_id, result, name)
    await _tell_agency(context, result)


async def _mark_decided(
    context: BotContext,
    chat_id: int,
    message_id: int | None,
    result: ExtensionResult,
    name: str,
) -> None:
    """Edit the coordination message: the decision replaces the buttons."""
    view = result.request
    if message_id is None or view is None:
        return
    runtime, lang = context.runtime, context.runtime.language
    text = request_text(lang, view)
    when = format_datetime(runtime.now(), runtime.settings.timezone)
    if result.outcome is ExtensionOutcome.APPROVED:
        text += t(lang, "status.ext.decided_approved", name=name, time=when)
    else:
        reason = view.decision_reason or t(lang, "status.ext.no_reason")
        text += t(lang, "status.ext.decided_denied", name=name, time=when, reason=reason)
    try:
        await context.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
    except BadRequest as error:
        log.debug("coordination message %s not edited: %s", message_id, error)


async def _tell_agency(context: BotContext, result: ExtensionResult) -> None:
    """The agency's chat(s) learn the decision, as a reply to the request when possible."""
    view = result.request
    if view is None:
        return
    lang = context.runtime.language
    task = view.task
    if result.outcome is ExtensionOutcome.APPROVED:
        reason = (
            Raw(t(lang, "status.ext.reason_suffix", reason=view.decision_reason))
            if view.decision_reason
            else ""
        )
        text = t(
            lang,
            "status.ext.approved",
            code=task.code,
            date=view.requested_date,
            note=Raw(_note(lang, view, "status.ext.request_note")),
            original=task.original_effective_deadline or view.previous_deadline,
            reason=reason,
        )
    else:
        text = t(
            lang,
            "status.ext.denied",
            code=task.code,
            reason=view.decision_reason or t(lang, "status.ext.no_reason"),
            deadline=task.effective_deadline or t(lang, "status.answer.no_deadline"),
        )
    for chat_id in result.notify_chat_ids:
        reply = (
            ReplyParameters(message_id=view.telegram_message_id, allow_sending_without_reply=True)
            if chat_id == view.telegram_chat_id and view.telegram_message_id is not None
            else None
        )
        try:
            await context.bot.send_message(chat_id, text, reply_parameters=reply)
        except TelegramError as error:
            log.warning("extension %s decision not sent to %s: %s", view.request_id, chat_id, error)


def register(application: BotApplication) -> None:
    application.add_handler(
        CallbackQueryHandler(on_decision, pattern=r"^s:x[ad]:"), group=DECISION_GROUP
    )
