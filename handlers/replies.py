"""Status replies: the buttons under a reminder, free-text replies to it,
/done /progress /blocked /extend (/xong /tiendo /vuong /giahan), and the
answers to the bot's own questions.

Group privacy mode is on, so the bot sees only commands, replies to its own
messages and button presses: a free answer must be a reply to the reminder
(or to the bot's question). In a private chat an answer to the bot's latest
question needs no reply. A message that is none of these is left alone (other
rooms may own it). Everything decided here is decided by bot/services/status.py
and bot/services/extensions.py; this module only turns updates into calls and
results into messages.
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
from dataclasses import dataclass, replace
from datetime import date

from telegram import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain.replies import read_reply
from bot.domain.replies.model import ReplyKind
from bot.domain.rights import Action, Actor
from bot.domain.rollup import is_blocked
from bot.services import identity
from bot.services import status as status_service
from bot.services.status import (
    UNDO_WINDOW,
    Change,
    ChangeKind,
    ChangeResult,
    Intent,
    Lookup,
    Origin,
    Outcome,
    Plan,
    Step,
    TaskView,
    plan_reply,
)
from bot.texts import Raw, t
from handlers import extensions as extension_handlers
from handlers import status_callbacks as callbacks
from handlers.context import BotApplication, BotContext, actor_of, is_private
from handlers.keyboards import (
    TaskAction,
    TaskCallback,
    parse_task_callback,
    progress_buttons,
    reminder_keyboard,
    task_ids_of_keyboard,
    undo_button,
)

log = logging.getLogger("nhacviec.replies")

COMMAND_GROUP = 3
MESSAGE_GROUP = 4
_CODE = re.compile(r"^[A-Za-z]{1,4}-?\d{1,6}$")
_PERCENT = re.compile(r"^(\d{1,3})\s*%?$")
MAX_PICK = 20

COMMANDS: dict[str, tuple[str, ...]] = {
    "done": ("done", "xong"),
    "progress": ("progress", "tiendo"),
    "blocked": ("blocked", "vuong"),
    "extend": ("extend", "giahan"),
}
_COMMAND_OF_NAME = {name: key for key, names in COMMANDS.items() for name in names}


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where and with whom the bot is talking while handling one update."""

    chat_id: int
    user_id: int
    user_name: str
    actor: Actor
    private: bool
    reply_to: int | None  # the message the bot's answer replies to
    reminder_id: int | None = None  # the reminder message this is about (to refresh its keyboard)

    def origin(self, intent: Intent | None = None, *, source: str = "reply") -> Origin:
        return Origin(
            telegram_user_id=self.user_id,
            name=self.user_name,
            telegram_chat_id=self.chat_id,
            telegram_message_id=(intent.message_id if intent else None) or self.reply_to,
            source=intent.source if intent else source,
            text=intent.text if intent else None,
            file_id=intent.file_id if intent else None,
            file_name=intent.file_name if intent else None,
        )


def lang_of(context: BotContext) -> str:
    return context.runtime.language


def mention(user_id: int, name: str) -> Raw:
    """A tg://user link: notifies the user, and makes a selective ForceReply target them."""
    return Raw(f'<a href="tg://user?id={user_id}">{html.escape(name or str(user_id))}</a>')


async def conversation(
    update: Update, context: BotContext, *, reply_to: int | None, reminder_id: int | None = None
) -> Conversation | None:
    chat, user = update.effective_chat, update.effective_user
    actor = await actor_of(update, context)
    if chat is None or user is None or actor is None:
        return None
    private = is_private(update)
    return Conversation(
        chat_id=chat.id,
        user_id=user.id,
        user_name=user.full_name,
        actor=actor,
        private=private,
        reply_to=reply_to,
        reminder_id=reminder_id,
    )


async def send(
    context: BotContext,
    talk: Conversation,
    text: str,
    markup: InlineKeyboardMarkup | ForceReply | None = None,
) -> Message:
    parameters = (
        ReplyParameters(message_id=talk.reply_to, allow_sending_without_reply=True)
        if talk.reply_to is not None
        else None
    )
    return await context.bot.send_message(
        talk.chat_id, text, reply_markup=markup, reply_parameters=parameters
    )


# ---------------------------------------------------------------- rendering


def state_text(lang: str, task: TaskView) -> str:
    if is_blocked(task.state, task.blocked_reason):
        return t(lang, "status.state.blocked")
    return t(lang, f"status.state.{task.state}")


def recorded_text(
    lang: str, result: ChangeResult, talk: Conversation, file_name: str | None
) -> str:
    task = result.task
    assert task is not None
    if result.kind is ChangeKind.DONE:
        late = (
            task.effective_deadline is not None
            and task.completed_on is not None
            and task.completed_on > task.effective_deadline
        )
        timing = (
            t(lang, "status.timing.late", days=(task.completed_on - task.effective_deadline).days)
            if late and task.completed_on and task.effective_deadline
            else t(lang, "status.timing.on_time")
        )
        text = t(lang, "status.recorded.done", code=task.code, day=task.completed_on, timing=timing)
    elif result.kind is ChangeKind.IN_PROGRESS:
        percent = Raw(t(lang, "status.percent", percent=task.progress)) if task.progress else ""
        text = t(lang, "status.recorded.in_progress", code=task.code, percent=percent)
    elif result.kind is ChangeKind.BLOCKED:
        text = t(lang, "status.recorded.blocked", code=task.code, reason=task.blocked_reason or "")
    elif result.kind is ChangeKind.NOT_STARTED:
        text = t(lang, "status.recorded.not_started", code=task.code)
    else:
        return t(lang, "status.recorded.evidence", code=task.code, file=file_name or "")
    if file_name:
        text += t(lang, "status.with_file", file=file_name)
    if not talk.private:
        text += t(lang, "status.by", name=talk.user_name)
    if result.next_occurrence_id is not None:
        text += t(lang, "status.next_occurrence")
    if result.undo_until is not None:
        text += t(lang, "status.undo_hint", minutes=int(UNDO_WINDOW.total_seconds() // 60))
    return text


def refusal_text(lang: str, result: ChangeResult) -> str:
    task = result.task
    code = task.code if task else ""
    if result.outcome is Outcome.CLOSED:
        return t(lang, "status.closed", code=code)
    if result.outcome is Outcome.UNCHANGED and task is not None:
        return t(lang, "status.unchanged.done", code=code, day=task.completed_on)
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    if result.outcome is Outcome.TOO_LATE:
        return t(lang, "status.undo.too_late", minutes=minutes, code=code)
    if result.outcome is Outcome.ALREADY_UNDONE:
        return t(lang, "status.undo.already")
    if result.outcome is Outcome.SUPERSEDED:
        return t(lang, "status.undo.superseded")
    if result.outcome is Outcome.NOT_UNDOABLE:
        return t(lang, "status.undo.not_undoable")
    if result.outcome is Outcome.NOT_AUTHOR:
        return t(lang, "status.undo.not_author")
    return t(lang, "refused")


def answer_text(lang: str, answer: status_service.TaskAnswer) -> str:
    task = answer.task
    left = ""
    if task.effective_deadline is None:
        deadline: object = t(lang, "status.answer.no_deadline")
    else:
        deadline = task.effective_deadline
        if task.state == "open" and answer.working_days_left is not None:
            if task.effective_deadline == answer.today:
                left = t(lang, "status.answer.today")
            elif task.effective_deadline > answer.today:
                left = t(lang, "status.answer.left", days=answer.working_days_left)
            else:
                late = (answer.today - task.effective_deadline).days
                left = t(lang, "status.answer.overdue", days=late)
    extra = ""
    if task.progress and task.state == "open":
        extra += t(lang, "status.percent", percent=task.progress)
    if task.blocked_reason and task.state == "open":
        extra += ": " + html.escape(task.blocked_reason)
    if answer.pending_extension is not None:
        extra += t(lang, "status.answer.extension", date=answer.pending_extension)
    return t(
        lang,
        "status.answer",
        code=task.code,
        action=_clip(task.action, 300),
        deadline=deadline,
        left=Raw(left),
        state=state_text(lang, task),
        extra=Raw(extra),
    )


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def undo_markup(
    result: ChangeResult, lang: str, reminder_id: int | None = None
) -> InlineKeyboardMarkup | None:
    """The undo button of a confirmation; `reminder_id` is the reminder the
    change redrew, which the undo redraws back."""
    if result.undo_until is None or result.update_id is None or result.task is None:
        return None
    button = undo_button(result.task.task_id, result.update_id, lang, reminder_id)
    return InlineKeyboardMarkup([[button]])


def state_detail(lang: str, task: TaskView) -> str:
    """The state with what a reader needs to trust it: the percent, the blocker."""
    text = state_text(lang, task)
    if task.state == "open" and task.blocked_reason:
        return f"{text}: {_clip(task.blocked_reason, 200)}"
    if task.state == "open" and task.progress:
        return text + t(lang, "status.percent", percent=task.progress)
    return text


def undone_text(lang: str, result: ChangeResult, talk: Conversation) -> str:
    """What an undo took back, the state the task is in again, what became of
    the next occurrence an undone "done" had opened, and (in a group) who did it."""
    task = result.task
    assert task is not None
    assert result.reverted_kind is not None
    text = t(
        lang,
        "status.undone",
        code=task.code,
        what=t(lang, f"status.undo.kind.{result.reverted_kind.value}"),
        state=state_detail(lang, task),
    )
    if result.successor is not None:
        text += t(
            lang,
            f"status.undone.successor.{result.successor.fate.value}",
            code=result.successor.code,
            previous=task.code,
        )
    if not talk.private:
        text += t(lang, "status.undone_by", name=talk.user_name)
    return text


# ---------------------------------------------------------------- carrying out a plan


async def carry_out(context: BotContext, talk: Conversation, intent: Intent, plan: Plan) -> None:
    """Do what `plan_reply` decided, and tell the chat."""
    runtime, lang = context.runtime, lang_of(context)
    step, task = plan.step, plan.task
    if step is Step.NO_TASK:
        await send(context, talk, t(lang, "status.no_open_tasks"))
    elif step is Step.PICK_TASK:
        await ask_pick(context, talk, intent, plan.candidates)
    elif task is None:
        return
    elif step is Step.CONFIRM:
        await ask_confirm(context, talk, intent, task)
    elif step is Step.ACKNOWLEDGE:
        if intent.file_id:
            await status_service.record_evidence(
                runtime, talk.actor, task.task_id, talk.origin(intent)
            )
        await send(
            context, talk, t(lang, "status.ack", code=task.code, state=state_text(lang, task))
        )
    elif step is Step.ANSWER:
        answer = await status_service.describe_task(runtime, task)
        await send(context, talk, answer_text(lang, answer))
    elif step is Step.EVIDENCE:
        result = await status_service.record_evidence(
            runtime, talk.actor, task.task_id, talk.origin(intent)
        )
        await report_change(context, talk, result, intent.file_name)
    elif step is Step.APPLY:
        assert plan.change is not None
        result = await status_service.record_change(
            runtime, talk.actor, task.task_id, plan.change, talk.origin(intent)
        )
        await report_change(context, talk, result, intent.file_name)
    elif step is Step.ASK_PERCENT:
        await ask_percent(context, talk, task)
    elif step is Step.ASK_REASON:
        await ask_text(context, talk, task, status_service.PROMPT_REASON, intent)
    elif step is Step.ASK_DATE:
        await ask_text(context, talk, task, status_service.PROMPT_DATE, intent)
    elif step is Step.EXTEND:
        await extension_handlers.submit(
            context,
            talk,
            task,
            talk.origin(intent),
            requested_date=intent.requested_date,
            span=intent.requested_span,
            reason=intent.reason,
        )


async def report_change(
    context: BotContext, talk: Conversation, result: ChangeResult, file_name: str | None
) -> None:
    lang = lang_of(context)
    if result.outcome is not Outcome.RECORDED:
        await send(context, talk, refusal_text(lang, result))
        return
    markup = undo_markup(result, lang, talk.reminder_id)
    await send(context, talk, recorded_text(lang, result, talk, file_name), markup)
    if talk.reminder_id is not None:
        await refresh_reminder(context, talk.chat_id, talk.reminder_id)


async def refresh_reminder(
    context: BotContext, chat_id: int, message_id: int, *, listing: int | None = None
) -> None:
    """Redraw the reminder's keyboard from the tasks' current states: a task
    done or cancelled loses its row, a task open again gets it back.

    `listing`: redraw only if the reminder lists that task (for a message id
    that came back in a button)."""
    rows = await status_service.reminder_rows(context.runtime, chat_id, message_id, listing=listing)
    if rows is None:
        return
    markup = reminder_keyboard(rows, lang_of(context))
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
    except BadRequest as error:  # "message is not modified", or too old to edit
        log.debug("reminder %s/%s keyboard not edited: %s", chat_id, message_id, error)


async def ask_pick(
    context: BotContext, talk: Conversation, intent: Intent, candidates: tuple[TaskView, ...]
) -> None:
    lang = lang_of(context)
    shown = candidates[:MAX_PICK]
    draft_id = await status_service.open_prompt(
        context.runtime,
        kind=status_service.PROMPT_PICK,
        telegram_chat_id=talk.chat_id,
        telegram_user_id=talk.user_id,
        workspace_id=shown[0].workspace_id,
        payload={
            "intent": intent.to_payload(),
            "task_ids": [task.task_id for task in shown],
            "reminder_id": talk.reminder_id,
        },
    )
    buttons = [
        [
            InlineKeyboardButton(
                f"{task.code} — {_clip(task.action, 40)}",
                callback_data=callbacks.choose(draft_id, task.task_id),
            )
        ]
        for task in shown
    ]
    message = await send(context, talk, t(lang, "status.ask.pick"), InlineKeyboardMarkup(buttons))
    await status_service.attach_prompt(context.runtime, draft_id, message.message_id)


async def ask_confirm(
    context: BotContext, talk: Conversation, intent: Intent, task: TaskView
) -> None:
    lang = lang_of(context)
    draft_id = await status_service.open_prompt(
        context.runtime,
        kind=status_service.PROMPT_CONFIRM,
        telegram_chat_id=talk.chat_id,
        telegram_user_id=talk.user_id,
        workspace_id=task.workspace_id,
        payload={
            "intent": intent.to_payload(),
            "task_id": task.task_id,
            "reminder_id": talk.reminder_id,
        },
    )
    choice = [("d", "done"), ("p", "in_progress"), ("b", "blocked"), ("e", "more_time")]
    buttons = [
        [
            InlineKeyboardButton(
                t(lang, f"status.choice.{name}"), callback_data=callbacks.confirm(draft_id, key)
            )
            for key, name in choice[:2]
        ],
        [
            InlineKeyboardButton(
                t(lang, f"status.choice.{name}"), callback_data=callbacks.confirm(draft_id, key)
            )
            for key, name in choice[2:]
        ],
        [
            InlineKeyboardButton(
                t(lang, "status.choice.nothing"), callback_data=callbacks.confirm(draft_id, "n")
            )
        ],
    ]
    text = t(lang, "status.ask.confirm", code=task.code)
    if intent.file_name or intent.file_id:
        text += t(lang, "status.ask.confirm_file", file=intent.file_name or "")
    message = await send(context, talk, text, InlineKeyboardMarkup(buttons))
    await status_service.attach_prompt(context.runtime, draft_id, message.message_id)


async def ask_percent(context: BotContext, talk: Conversation, task: TaskView) -> None:
    lang = lang_of(context)
    markup = InlineKeyboardMarkup([progress_buttons(task.task_id, lang)])
    await send(context, talk, t(lang, "status.ask.percent", code=task.code), markup)


async def ask_text(
    context: BotContext, talk: Conversation, task: TaskView, kind: str, intent: Intent | None
) -> None:
    """Ask for a reason or a date; the answer is a reply to this prompt (ForceReply,
    selective: only the person who pressed gets the reply box)."""
    lang = lang_of(context)
    draft_id = await status_service.open_prompt(
        context.runtime,
        kind=kind,
        telegram_chat_id=talk.chat_id,
        telegram_user_id=talk.user_id,
        workspace_id=task.workspace_id,
        payload={
            "task_id": task.task_id,
            "intent": intent.to_payload() if intent else None,
            "reminder_id": talk.reminder_id,
            "source": intent.source if intent else "button",
        },
    )
    who = mention(talk.user_id, talk.user_name)
    if kind == status_service.PROMPT_REASON:
        text = t(lang, "status.ask.reason", who=who, code=task.code)
    else:
        deadline = task.effective_deadline or t(lang, "status.answer.no_deadline")
        text = t(lang, "status.ask.date", who=who, code=task.code, deadline=deadline)
    message = await send(context, talk, text, ForceReply(selective=True))
    await status_service.attach_prompt(context.runtime, draft_id, message.message_id)


# ---------------------------------------------------------------- task buttons


async def on_task_button(update: Update, context: BotContext) -> None:
    """A button under a reminder (or a percent / undo button of this room)."""
    query = update.callback_query
    if query is None:
        return
    lang = lang_of(context)
    pressed = parse_task_callback(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if pressed is None or message is None:
        await query.answer(t(lang, "status.toast.expired"))
        return
    # Task buttons sit on a reminder; percent choices on a message of their own,
    # which replies to the reminder when the choice was offered under it.
    replied = _replied_bot_message(message)
    reminder_id = replied if pressed.percent is not None else message.message_id
    talk = await conversation(update, context, reply_to=message.message_id, reminder_id=reminder_id)
    if talk is None:
        return
    origin = Origin(
        telegram_user_id=talk.user_id,
        name=talk.user_name,
        telegram_chat_id=talk.chat_id,
        telegram_message_id=message.message_id,
        source="button",
    )
    runtime = context.runtime
    if pressed.action is TaskAction.UNDO:
        await _undo(context, query, talk, message, pressed, origin)
        return
    if pressed.action is TaskAction.DONE or pressed.percent is not None:
        change = (
            Change(ChangeKind.DONE)
            if pressed.action is TaskAction.DONE
            else Change(ChangeKind.IN_PROGRESS, percent=pressed.percent)
        )
        result = await status_service.record_change(
            runtime, talk.actor, pressed.task_id, change, origin
        )
        await _answer_query(query, lang, result.outcome)
        if result.outcome is Outcome.REFUSED:
            return
        if pressed.percent is not None:
            # The percent choice message becomes the confirmation.
            markup = undo_markup(result, lang, reminder_id)
            await _edit(query, message, _report(lang, result, talk), markup)
            if reminder_id is not None:
                await refresh_reminder(context, talk.chat_id, reminder_id)
            return
        await report_change(context, talk, result, None)
        return
    action = Action.REQUEST_EXTENSION if pressed.action is TaskAction.EXTEND else Action.UPDATE_TASK
    task = await status_service.find_task(
        runtime, talk.actor, pressed.task_id, action=action, telegram_chat_id=talk.chat_id
    )
    if task is None:
        await query.answer(t(lang, "status.toast.refused"), show_alert=True)
        return
    await query.answer()
    if task.state != "open":
        await send(
            context,
            talk,
            t(
                lang,
                "status.ext.closed" if action is Action.REQUEST_EXTENSION else "status.closed",
                code=task.code,
            ),
        )
        return
    if pressed.action is TaskAction.PROGRESS:
        await ask_percent(context, talk, task)
    elif pressed.action is TaskAction.BLOCKED:
        await ask_text(context, talk, task, status_service.PROMPT_REASON, None)
    else:
        await ask_text(context, talk, task, status_service.PROMPT_DATE, None)


def _replied_bot_message(message: Message) -> int | None:
    """The bot message this one replies to (a confirmation or a percent choice
    offered under a reminder replies to the reminder), if any."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.is_bot:
        return replied.message_id
    return None


def _report(lang: str, result: ChangeResult, talk: Conversation) -> str:
    if result.outcome is not Outcome.RECORDED:
        return refusal_text(lang, result)
    return recorded_text(lang, result, talk, None)


async def _answer_query(query: CallbackQuery, lang: str, outcome: Outcome) -> None:
    if outcome is Outcome.REFUSED:
        await query.answer(t(lang, "status.toast.refused"), show_alert=True)
    elif outcome is Outcome.RECORDED:
        await query.answer(t(lang, "status.toast.recorded"))
    else:
        await query.answer()


async def _edit(
    query: CallbackQuery, message: Message, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        log.debug("message %s not edited: %s", message.message_id, error)


async def _undo(
    context: BotContext,
    query: CallbackQuery,
    talk: Conversation,
    message: Message,
    pressed: TaskCallback,
    origin: Origin,
) -> None:
    """Undo from a confirmation's button, and put back the reminder the change
    redrew. The button names that reminder: the confirmation replies to it only
    after a tap (after a free reply or a command it replies to the user's
    message, and Telegram does not nest replies deeper), so an older button
    without it falls back to the message the confirmation replies to."""
    lang = lang_of(context)
    assert pressed.status_update_id is not None
    result = await status_service.undo(
        context.runtime, talk.actor, pressed.status_update_id, origin
    )
    if result.outcome is Outcome.REFUSED:
        await query.answer(t(lang, "status.toast.refused"), show_alert=True)
        return
    if result.outcome is not Outcome.RECORDED:
        await query.answer(refusal_text(lang, result), show_alert=True)
        if result.outcome in (Outcome.TOO_LATE, Outcome.ALREADY_UNDONE, Outcome.SUPERSEDED):
            await _drop_keyboard(message)
        return
    await query.answer(t(lang, "status.toast.recorded"))
    assert result.task is not None
    await _edit(query, message, undone_text(lang, result, talk), None)
    reminder_id = pressed.reminder_message_id or _replied_bot_message(message)
    if reminder_id is not None:
        await refresh_reminder(context, talk.chat_id, reminder_id, listing=result.task.task_id)


async def _drop_keyboard(message: Message) -> None:
    with contextlib.suppress(BadRequest):
        await message.edit_reply_markup(reply_markup=None)


# ---------------------------------------------------------------- "s:c" and "s:k" buttons


async def on_prompt_button(update: Update, context: BotContext) -> None:
    """A task chosen ("which task?") or a meaning confirmed ("did you mean?")."""
    query = update.callback_query
    if query is None:
        return
    lang = lang_of(context)
    pressed = callbacks.parse(query.data)
    message = query.message if isinstance(query.message, Message) else None
    chat, user = update.effective_chat, update.effective_user
    if pressed is None or message is None or chat is None or user is None:
        await query.answer(t(lang, "status.toast.expired"))
        return
    kinds = (
        (status_service.PROMPT_PICK,)
        if pressed.op is callbacks.Op.CHOOSE_TASK
        else (status_service.PROMPT_CONFIRM,)
    )
    prompt = await status_service.prompt_by_id(context.runtime, pressed.first, chat.id, kinds)
    if prompt is None:
        await query.answer(t(lang, "status.toast.expired"))
        await _drop_keyboard(message)
        return
    if prompt.telegram_user_id != user.id:
        await query.answer(t(lang, "status.toast.not_yours"), show_alert=True)
        return
    intent = Intent.from_payload(prompt.payload.get("intent") or {})
    if pressed.op is callbacks.Op.CHOOSE_TASK:
        task_id = pressed.second
        if task_id not in prompt.payload.get("task_ids", []):
            await query.answer(t(lang, "status.toast.expired"))
            return
    else:
        task_id = int(prompt.payload["task_id"])
    if not await status_service.close_prompt(context.runtime, prompt.draft_id):
        await query.answer(t(lang, "status.toast.expired"))
        return
    talk = await conversation(
        update,
        context,
        reply_to=intent.message_id or message.message_id,
        reminder_id=prompt.payload.get("reminder_id"),
    )
    if talk is None:
        return
    action = Action.REQUEST_EXTENSION if intent.kind == ReplyKind.MORE_TIME else Action.UPDATE_TASK
    task = await status_service.find_task(
        context.runtime, talk.actor, task_id, action=action, telegram_chat_id=chat.id
    )
    if task is None:
        await query.answer(t(lang, "status.toast.refused"), show_alert=True)
        return
    await query.answer()
    await _drop_keyboard(message)
    if pressed.op is callbacks.Op.CONFIRM:
        assert pressed.kind is not None
        kind = callbacks.CONFIRM_KINDS[pressed.kind]
        if kind == ReplyKind.OTHER:
            await _nothing_changed(context, talk, intent, task)
            return
        intent = intent.with_kind(kind)
        await carry_out(context, talk, intent, plan_reply(intent, (task,), asked=True))
        return
    await carry_out(context, talk, intent, plan_reply(intent, (task,)))


async def _nothing_changed(
    context: BotContext, talk: Conversation, intent: Intent, task: TaskView
) -> None:
    lang = lang_of(context)
    if intent.file_id:
        result = await status_service.record_evidence(
            context.runtime, talk.actor, task.task_id, talk.origin(intent)
        )
        await report_change(context, talk, result, intent.file_name)
        return
    await send(
        context,
        talk,
        t(lang, "status.nothing_changed", code=task.code, state=state_text(lang, task)),
    )


# ---------------------------------------------------------------- free text


def _file_of(message: Message) -> tuple[str | None, str | None]:
    if message.document is not None:
        return message.document.file_id, message.document.file_name
    if message.photo:
        return message.photo[-1].file_id, None
    return None, None


async def on_message(update: Update, context: BotContext) -> None:
    """A reply to a reminder or to the bot's question (or, in private, an answer
    to the bot's latest question). Anything else is left to other rooms."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or user.is_bot:
        return
    text = message.text or message.caption or ""
    if text.startswith("/"):
        await _caption_command(update, context, message, text)
        return
    private = chat.type == ChatType.PRIVATE
    replied = message.reply_to_message
    to_bot = (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == context.bot.id
    )
    runtime = context.runtime
    prompt = await status_service.prompt_answered_by(
        runtime,
        chat.id,
        user.id,
        replied.message_id if to_bot and replied else None,
        private=private,
    )
    if prompt is not None:
        if prompt.telegram_user_id != user.id:
            await message.reply_text(t(lang_of(context), "status.toast.not_yours"))
            return
        await answer_prompt(update, context, message, prompt, text)
        return
    if not to_bot or replied is None:
        return
    found_talk = await conversation(
        update, context, reply_to=message.message_id, reminder_id=replied.message_id
    )
    if found_talk is None:
        return
    found = await status_service.tasks_of_reminder(
        runtime,
        found_talk.actor,
        chat.id,
        replied.message_id,
        button_task_ids=task_ids_of_keyboard(replied.reply_markup),
    )
    if not found.is_reminder:
        return
    await _reply_to_reminder(context, found_talk, message, text, found)


async def _reply_to_reminder(
    context: BotContext,
    talk: Conversation,
    message: Message,
    text: str,
    found: status_service.ReminderTasks,
) -> None:
    runtime, lang = context.runtime, lang_of(context)
    reading = read_reply(text, runtime.today(), runtime.calendar)
    file_id, file_name = _file_of(message)
    intent = Intent.of(
        reading,
        text=text or None,
        file_id=file_id,
        file_name=file_name,
        source="reply",
        message_id=message.message_id,
    )
    candidates = found.tasks
    if reading.task_code:
        lookup = await status_service.task_by_code(
            runtime, talk.actor, reading.task_code, telegram_chat_id=talk.chat_id
        )
        if lookup.outcome is Lookup.FOUND and lookup.task is not None:
            candidates = (lookup.task,)
        elif lookup.outcome is Lookup.NOT_FOUND:
            await send(context, talk, t(lang, "status.code_not_found", code=reading.task_code))
            return
        else:
            await send(context, talk, t(lang, "refused"))
            return
    elif found.others_only:
        await identity.record(
            runtime,
            talk.actor,
            Action.UPDATE_TASK.value,
            allowed=False,
            telegram_chat_id=talk.chat_id,
            detail={"reminder": talk.reminder_id},
        )
        await send(context, talk, t(lang, "status.not_your_tasks"))
        return
    await carry_out(context, talk, intent, plan_reply(intent, candidates))


async def answer_prompt(
    update: Update,
    context: BotContext,
    message: Message,
    prompt: status_service.Prompt,
    text: str,
) -> None:
    """The answer to "why is it blocked?", "until when?" or "why deny?"."""
    if prompt.kind == status_service.PROMPT_DENY:
        await extension_handlers.finish_deny(update, context, message, prompt, text)
        return
    lang = lang_of(context)
    payload = prompt.payload
    talk = await conversation(
        update, context, reply_to=message.message_id, reminder_id=payload.get("reminder_id")
    )
    if talk is None:
        return
    text = text.strip()
    task_id = int(payload["task_id"])
    source = str(payload.get("source") or "button")
    file_id, file_name = _file_of(message)
    origin = replace(
        talk.origin(source=source),
        text=text or None,
        telegram_message_id=message.message_id,
        file_id=file_id,
        file_name=file_name,
    )
    if prompt.kind == status_service.PROMPT_REASON:
        if not text:
            await send(context, talk, t(lang, "status.ask.empty_reason"))
            return
        if not await status_service.close_prompt(context.runtime, prompt.draft_id):
            return
        result = await status_service.record_change(
            context.runtime, talk.actor, task_id, Change(ChangeKind.BLOCKED, reason=text), origin
        )
        await report_change(context, talk, result, file_name)
        return
    day, span, reason = read_date(context, text)
    if day is None and span is None:
        await send(context, talk, t(lang, "status.ask.bad_date"))
        return
    if not await status_service.close_prompt(context.runtime, prompt.draft_id):
        return
    task = await status_service.find_task(
        context.runtime,
        talk.actor,
        task_id,
        action=Action.REQUEST_EXTENSION,
        telegram_chat_id=talk.chat_id,
    )
    if task is None:
        await send(context, talk, t(lang, "refused"))
        return
    earlier = Intent.from_payload(payload["intent"]) if payload.get("intent") else None
    await extension_handlers.submit(
        context,
        talk,
        task,
        origin,
        requested_date=day,
        span=span,
        reason=reason or (earlier.reason if earlier else None),
    )


def read_date(context: BotContext, text: str) -> tuple[date | None, int | None, str | None]:
    """A date or a span of working days from an answer ("30/5", "30/5/2024",
    "thêm 5 ngày"), read by the reply reader as a request for more time."""
    runtime = context.runtime
    reading = read_reply(f"xin gia hạn đến {text}", runtime.today(), runtime.calendar)
    if reading.requested_date is None and reading.requested_span is None:
        reading = read_reply(f"xin gia hạn {text}", runtime.today(), runtime.calendar)
    return reading.requested_date, reading.requested_span, reading.reason


# ---------------------------------------------------------------- commands


async def on_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    await _command(update, context, message, message.text)


async def _caption_command(
    update: Update, context: BotContext, message: Message, text: str
) -> None:
    """A file sent with "/xong T12" as its caption (commands in captions are not
    routed by Telegram's command entities to CommandHandler)."""
    name = text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
    if name in _COMMAND_OF_NAME and message.caption:
        await _command(update, context, message, text)


async def _command(update: Update, context: BotContext, message: Message, text: str) -> None:
    head, _, rest = text.partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    command = _COMMAND_OF_NAME.get(name)
    if command is None:
        return
    args = rest.split()
    lang = lang_of(context)
    replied = message.reply_to_message
    reminder_id = (
        replied.message_id
        if replied is not None
        and replied.from_user is not None
        and replied.from_user.id == context.bot.id
        else None
    )
    talk = await conversation(update, context, reply_to=message.message_id, reminder_id=reminder_id)
    if talk is None:
        return
    code = args[0] if args and _CODE.match(args[0]) else None
    if code is not None:
        args = args[1:]
    file_id, file_name = _file_of(message)
    intent = _command_intent(context, command, args, text, file_id, file_name, message.message_id)
    if intent is None:
        await send(context, talk, t(lang, f"status.usage.{command}"))
        return
    candidates = await _command_candidates(context, talk, code, intent)
    if candidates is None:
        return
    await carry_out(context, talk, intent, plan_reply(intent, candidates, asked=True))


def _command_intent(
    context: BotContext,
    command: str,
    args: list[str],
    text: str,
    file_id: str | None,
    file_name: str | None,
    message_id: int,
) -> Intent | None:
    """What a command asks for; None when its arguments make no sense."""
    base = Intent(
        kind=ReplyKind.DONE.value,
        confidence=1.0,
        text=text,
        file_id=file_id,
        file_name=file_name,
        source="command",
        message_id=message_id,
    )
    rest = " ".join(args).strip()
    if command == "done":
        return base
    if command == "progress":
        percent = None
        if args:
            match = _PERCENT.match(args[0])
            if match is None or int(match[1]) > 100:
                return None
            percent = int(match[1])
        return replace(base, kind=ReplyKind.IN_PROGRESS.value, percent=percent)
    if command == "blocked":
        return replace(base, kind=ReplyKind.BLOCKED.value, reason=rest or None)
    day, span, _ = read_date(context, args[0]) if args else (None, None, None)
    if args and day is None and span is None:
        day, span, _ = read_date(context, rest)
        if day is None and span is None:
            return None
        reason = None
    else:
        reason = " ".join(args[1:]).strip() or None
    return replace(
        base,
        kind=ReplyKind.MORE_TIME.value,
        requested_date=day,
        requested_span=span,
        reason=reason,
    )


async def _command_candidates(
    context: BotContext, talk: Conversation, code: str | None, intent: Intent
) -> tuple[TaskView, ...] | None:
    """The task(s) a command is about: the code, else the replied reminder's,
    else the focal point's open tasks. None when the bot already answered."""
    runtime, lang = context.runtime, lang_of(context)
    action = Action.REQUEST_EXTENSION if intent.kind == ReplyKind.MORE_TIME else Action.UPDATE_TASK
    if code is not None:
        lookup = await status_service.task_by_code(
            runtime, talk.actor, code, action=action, telegram_chat_id=talk.chat_id
        )
        if lookup.outcome is Lookup.NOT_FOUND:
            await send(context, talk, t(lang, "status.code_not_found", code=code))
            return None
        if lookup.outcome is Lookup.REFUSED or lookup.task is None:
            await send(context, talk, t(lang, "refused"))
            return None
        return (lookup.task,)
    if talk.reminder_id is not None:
        found = await status_service.tasks_of_reminder(
            runtime, talk.actor, talk.chat_id, talk.reminder_id
        )
        if found.is_reminder:
            if found.others_only:
                await send(context, talk, t(lang, "status.not_your_tasks"))
                return None
            return found.tasks
    own = await status_service.own_open_tasks(runtime, talk.actor, limit=MAX_PICK)
    if not own:
        key = (
            "status.no_open_tasks"
            if talk.actor.agency_id
            else f"status.usage.{_kind_command(intent)}"
        )
        await send(context, talk, t(lang, key))
        return None
    return tuple(own)


def _kind_command(intent: Intent) -> str:
    return {
        ReplyKind.DONE.value: "done",
        ReplyKind.IN_PROGRESS.value: "progress",
        ReplyKind.BLOCKED.value: "blocked",
        ReplyKind.MORE_TIME.value: "extend",
    }.get(intent.kind, "done")


def register(application: BotApplication) -> None:
    names = [name for names in COMMANDS.values() for name in names]
    application.add_handler(CommandHandler(names, on_command), group=COMMAND_GROUP)
    application.add_handler(
        CallbackQueryHandler(on_task_button, pattern=r"^t:"), group=COMMAND_GROUP
    )
    application.add_handler(
        CallbackQueryHandler(on_prompt_button, pattern=r"^s:[ck]:"), group=COMMAND_GROUP
    )
    application.add_handler(
        MessageHandler(
            (filters.TEXT | filters.Document.ALL | filters.PHOTO)
            & ~filters.COMMAND
            & ~filters.StatusUpdate.ALL,
            on_message,
        ),
        group=MESSAGE_GROUP,
    )
