"""/new: a coordinator sends a directive (text or file) and checks the preview.

Flow: /new (or a file with /new as its caption) -> the bot asks for the text
or the file -> the preview (number, date, subject, each task with agencies,
role, deadlines, warnings) with Save / Edit / Cancel -> edits in the chat
(a task's deadline, a task's agency, drop a task, add a task), each followed
by a fresh preview -> Save creates the tasks and says how many.

Group privacy mode: in a group the bot sees only commands, replies to its
own messages and button presses, so every question is a ForceReply prompt
and the answer must be a reply to it. The step the intake is at lives in the
Draft table (bot/services/intake.py), not in memory, so a restart between
two steps loses nothing.

Callback data (ASCII, at most 64 bytes), parsed strictly and checked again
on receipt (the draft belongs to this chat and is live, the presser may take
in directives in its workspace and owns it, the version is current):
    in:{draft}:{version}:s                  save
    in:{draft}:{version}:c                  cancel
    in:{draft}:{version}:e                  edit menu
    in:{draft}:{version}:b                  back to Save / Edit / Cancel
    in:{draft}:{version}:m:{what}:{page}    choose a task (what: d deadline, a agency, x drop)
    in:{draft}:{version}:t:{what}:{task}    the task chosen
    in:{draft}:{version}:l:{task}:{line}    the assignee line chosen (agency)
    in:{draft}:{version}:n                  add a task
    in:{draft}:{version}:p:{task}:{line}:{page}      agency picker page (task n: a new task)
    in:{draft}:{version}:g:{task}:{line}:{agency}    agency picked
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.documents import MAX_BYTES
from bot.domain.rights import Action, Actor
from bot.services import identity
from bot.services import intake as service
from bot.services.intake import AgencyRef, IntakeSession, Step
from bot.texts import Raw, format_date, t
from bot.texts.intake import render_preview
from handlers.context import BotApplication, BotContext, is_private, sender_of

log = logging.getLogger("nhacviec.intake")

GROUP = 2  # before the status replies (3, 4): an answer to our prompt stops there
COMMANDS = ("new", "vanban")
CONTINUATION_WINDOW = timedelta(seconds=90)
TASKS_PER_PAGE = 20
TASKS_PER_ROW = 5
AGENCIES_PER_PAGE = 8
_LABEL = 48
NEW = "n"

_CALLBACK = re.compile(
    r"^in:(?P<draft>[1-9][0-9]{0,17}):(?P<version>[0-9]{1,6}):(?P<op>[a-z])"
    r"(?P<args>(?::(?:[0-9]{1,18}|[a-z]))*)$"
)
_CAPTION_COMMAND = re.compile(rf"^/(?:{'|'.join(COMMANDS)})(?:@\w+)?(?:\s|$)", re.IGNORECASE)
_NO_DATE = frozenset({"-", "—", "khong", "không", "none", "0"})


# -- small helpers ---------------------------------------------------------------------


def _lang(context: BotContext) -> str:
    return context.runtime.language


def _mention(update: Update, user_id: int) -> Raw:
    user = update.effective_user
    name = html.escape(user.first_name if user else str(user_id))
    return Raw(f'<a href="tg://user?id={user_id}">{name}</a>')


def _who(update: Update, user_id: int) -> Raw:
    """A mention in groups (a selective ForceReply targets the mentioned user)."""
    if is_private(update):
        return Raw("")
    return Raw(f"{_mention(update, user_id)}: ")


def _data(intake: IntakeSession, op: str, *args: object) -> str:
    data = ":".join(["in", str(intake.draft_id), str(intake.version), op, *map(str, args)])
    assert len(data.encode()) <= 64, data
    return data


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def _clip(text: str, limit: int = _LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _may(update: Update, context: BotContext, actor: Actor, workspace_id: int | None) -> bool:
    chat = update.effective_chat
    return await identity.check(
        context.runtime,
        actor,
        Action.TAKE_IN_DIRECTIVE,
        workspace_id=workspace_id,
        telegram_chat_id=chat.id if chat else None,
    )


# -- keyboards -------------------------------------------------------------------------


def main_keyboard(lang: str, intake: IntakeSession) -> InlineKeyboardMarkup:
    preview = intake.preview
    row = []
    if preview is not None and preview.task_count and preview.duplicate is None:
        row.append(
            _button(t(lang, "intake.button.save", count=preview.task_count), _data(intake, "s"))
        )
    row.append(_button(t(lang, "intake.button.edit"), _data(intake, "e")))
    row.append(_button(t(lang, "intake.button.cancel"), _data(intake, "c")))
    return InlineKeyboardMarkup([row])


def edit_keyboard(lang: str, intake: IntakeSession) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if intake.preview is not None and intake.preview.tasks:
        rows.append(
            [
                _button(t(lang, "intake.button.deadline"), _data(intake, "m", "d", 0)),
                _button(t(lang, "intake.button.agency"), _data(intake, "m", "a", 0)),
            ]
        )
        rows.append(
            [
                _button(t(lang, "intake.button.drop"), _data(intake, "m", "x", 0)),
                _button(t(lang, "intake.button.add"), _data(intake, NEW)),
            ]
        )
    else:
        rows.append([_button(t(lang, "intake.button.add"), _data(intake, NEW))])
    rows.append([_button(t(lang, "intake.button.back"), _data(intake, "b"))])
    return InlineKeyboardMarkup(rows)


def task_keyboard(lang: str, intake: IntakeSession, what: str, page: int) -> InlineKeyboardMarkup:
    count = len(intake.preview.tasks) if intake.preview else 0
    pages = max(1, -(-count // TASKS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    first = page * TASKS_PER_PAGE
    numbers = range(first, min(count, first + TASKS_PER_PAGE))
    buttons = [
        _button(t(lang, "intake.button.task", n=i + 1), _data(intake, "t", what, i))
        for i in numbers
    ]
    rows = [buttons[i : i + TASKS_PER_ROW] for i in range(0, len(buttons), TASKS_PER_ROW)]
    nav = _nav(lang, page, pages, lambda p: _data(intake, "m", what, p))
    if nav:
        rows.append(nav)
    rows.append([_button(t(lang, "intake.button.back"), _data(intake, "e"))])
    return InlineKeyboardMarkup(rows)


def line_keyboard(lang: str, intake: IntakeSession, task: int) -> InlineKeyboardMarkup:
    assert intake.preview is not None
    lines = intake.preview.tasks[task].lines
    rows = [
        [_button(_clip(line.text), _data(intake, "l", task, i))] for i, line in enumerate(lines)
    ]
    rows.append([_button(t(lang, "intake.button.back"), _data(intake, "e"))])
    return InlineKeyboardMarkup(rows)


def _nav(
    lang: str, page: int, pages: int, make: Callable[[int], str]
) -> list[InlineKeyboardButton]:
    row = []
    if page > 0:
        row.append(_button(t(lang, "intake.button.prev"), make(page - 1)))
    if page + 1 < pages:
        row.append(_button(t(lang, "intake.button.next"), make(page + 1)))
    return row


async def picker_keyboard(
    context: BotContext, intake: IntakeSession, task: str, line: int, page: int
) -> InlineKeyboardMarkup:
    """Candidates of an ambiguous line first, then the registry, a page at a time."""
    lang = _lang(context)
    agencies, page, pages = await service.agency_page(
        context.runtime, intake.workspace_id, page, AGENCIES_PER_PAGE
    )
    shown: list[AgencyRef] = []
    if page == 0 and task != NEW and intake.preview is not None:
        planned = intake.preview.tasks[int(task)]
        if line < len(planned.lines):
            shown.extend(planned.lines[line].candidates)
    shown.extend(a for a in agencies if a not in shown)
    rows = [
        [_button(_clip(f"{a.code} · {a.name}", 60), _data(intake, "g", task, line, a.id))]
        for a in shown
    ]
    nav = _nav(lang, page, pages, lambda p: _data(intake, "p", task, line, p))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


# -- showing the preview -----------------------------------------------------------------


def _tidy(intake: IntakeSession) -> bool:
    """Whether to spend edits on tidying (old buttons removed, menus folded back).

    Only in private chats: a group allows about 20 bot messages a minute,
    edits included (the rate limiter holds the rest back), and a stale
    button is refused by its version anyway.
    """
    return intake.chat_id > 0


async def _strip(context: BotContext, chat_id: int, message_ids: tuple[int, ...]) -> None:
    """Remove the buttons of earlier previews (their presses would be stale anyway)."""
    for message_id in message_ids:
        with contextlib.suppress(BadRequest):
            await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)


async def show_preview(
    context: BotContext, intake: IntakeSession, *, in_place: Message | None = None
) -> None:
    """Send the preview (split under Telegram's limit, buttons under the last
    part); edit `in_place` instead when old and new both fit in one message."""
    assert intake.preview is not None
    lang = _lang(context)
    chunks = render_preview(lang, intake.preview)
    markup = main_keyboard(lang, intake)
    if (
        in_place is not None
        and len(chunks) == 1
        and intake.preview_message_ids == (in_place.message_id,)
    ):
        await in_place.edit_text(chunks[0], reply_markup=markup)
        intake.prompt_message_id = None
        await service.keep(context.runtime, intake)
        return
    if _tidy(intake):
        await _strip(context, intake.chat_id, intake.preview_message_ids)
    sent: list[int] = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        message = await context.bot.send_message(
            intake.chat_id, chunk, reply_markup=markup if last else None
        )
        sent.append(message.message_id)
    intake.preview_message_ids = tuple(sent)
    intake.prompt_message_id = None  # the buttons decide now; no typed answer is awaited
    await service.keep(context.runtime, intake)


async def _ask(
    context: BotContext, update: Update, intake: IntakeSession, text: str, *, reply_to: int | None
) -> None:
    """A question whose answer is typed: a ForceReply in groups."""
    markup = None if is_private(update) else ForceReply(selective=True)
    reply = (
        ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
        if reply_to is not None
        else None
    )
    message = await context.bot.send_message(
        intake.chat_id, text, reply_markup=markup, reply_parameters=reply
    )
    intake.prompt_message_id = message.message_id
    await service.keep(context.runtime, intake)


# -- /new ----------------------------------------------------------------------------------


async def new_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    text = message.text or ""
    rest = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    intake = await _begin(update, context)
    if intake is None:
        return
    if rest.strip():
        await _take_source(update, context, intake, message, text=rest)
        return
    lang = _lang(context)
    if is_private(update):
        prompt = await message.reply_text(t(lang, "intake.prompt.private"))
    else:
        prompt = await message.reply_text(
            t(lang, "intake.prompt.group", who=_mention(update, user.id)),
            reply_markup=ForceReply(selective=True),
        )
    intake.prompt_message_id = prompt.message_id
    await service.keep(context.runtime, intake)


async def caption_command(update: Update, context: BotContext) -> None:
    """A file sent with /new as its caption: take it in at once."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    intake = await _begin(update, context)
    if intake is not None:
        await _take_source(update, context, intake, message)
    raise ApplicationHandlerStop


async def _begin(update: Update, context: BotContext) -> IntakeSession | None:
    """A new intake, if the user may take in directives here (refusals are audited)."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = _lang(context)
    actor = await sender_of(update, context)
    if not await _may(update, context, actor, actor.workspace_id):
        await message.reply_text(t(lang, "refused"))
        return None
    if actor.workspace_id is None:
        await message.reply_text(t(lang, "intake.no_workspace"))
        return None
    return await service.begin(context.runtime, actor.workspace_id, chat.id, user.id)


# -- messages: the source and the typed answers ------------------------------------------


async def on_message(update: Update, context: BotContext) -> None:
    """A message that answers one of our questions; anything else is left to other rooms."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or user.is_bot:
        return
    if (message.caption or "").startswith("/"):
        return  # a file with another room's command as its caption ("/xong T12")
    replied = message.reply_to_message
    reply_to: int | None = None
    if replied is not None:
        if replied.from_user is None or replied.from_user.id != context.bot.id:
            return
        reply_to = replied.message_id
    private = is_private(update)
    intake = await service.session_for_message(
        context.runtime, chat.id, user.id, reply_to, private=private and reply_to is None
    )
    if intake is None and private and reply_to is not None:
        return  # a reply to another bot message (a reminder): not ours
    if intake is None:
        return
    if intake.user_id != user.id:
        await message.reply_text(t(_lang(context), "intake.not_yours"))
        raise ApplicationHandlerStop
    if not await _handle_answer(update, context, intake, message, replied=reply_to is not None):
        return
    raise ApplicationHandlerStop


async def _handle_answer(
    update: Update, context: BotContext, intake: IntakeSession, message: Message, *, replied: bool
) -> bool:
    """Dispatch by the intake's step; False when the message is not an answer."""
    text = message.text or message.caption or ""
    step = intake.step
    if step is Step.SOURCE:
        if not await _still_allowed(update, context, intake, message):
            return True
        await _take_source(update, context, intake, message)
        return True
    if step is Step.PREVIEW:
        return await _continuation(update, context, intake, message, replied=replied)
    if message.document is not None or not text.strip():
        return False
    if not await _still_allowed(update, context, intake, message):
        return True
    if step is Step.DEADLINE:
        await _answer_deadline(update, context, intake, message, text)
    elif step is Step.AGENCY:
        await _answer_agency(update, context, intake, message, text)
    elif step is Step.ADD_ACTION:
        await _answer_action(update, context, intake, message, text)
    elif step is Step.ADD_DEADLINE:
        await _answer_new_deadline(update, context, intake, message, text)
    return True


async def _still_allowed(
    update: Update, context: BotContext, intake: IntakeSession, message: Message
) -> bool:
    actor = await sender_of(update, context)
    if await _may(update, context, actor, intake.workspace_id):
        return True
    await message.reply_text(t(_lang(context), "refused"))
    return False


async def _take_source(
    update: Update,
    context: BotContext,
    intake: IntakeSession,
    message: Message,
    *,
    text: str | None = None,
) -> None:
    """Read the text or the file into a preview; an unreadable file changes nothing."""
    runtime, lang = context.runtime, _lang(context)
    document = message.document
    try:
        if document is not None and text is None:
            name = document.file_name or "tệp"
            if document.file_size is not None and document.file_size > MAX_BYTES:
                await message.reply_text(t(lang, "intake.unreadable.too_large", name=name))
                return
            file = await context.bot.get_file(document.file_id)
            data = bytes(await file.download_as_bytearray())
            preview = await service.preview(
                runtime,
                intake.workspace_id,
                file_name=name,
                data=data,
                file_id=document.file_id,
            )
        else:
            preview = await service.preview(
                runtime, intake.workspace_id, text=text if text is not None else message.text
            )
    except service.UnreadableFile as error:
        await message.reply_text(t(lang, f"intake.unreadable.{error.reason}", name=error.file_name))
        return
    except service.EmptySource:
        await message.reply_text(t(lang, "intake.empty"))
        return
    intake.preview = preview
    intake.step = Step.PREVIEW
    intake.bump()
    from_text = document is None or text is not None
    intake.continuable_until = (
        runtime.now() + CONTINUATION_WINDOW if from_text and is_private(update) else None
    )
    await show_preview(context, intake)


async def _continuation(
    update: Update, context: BotContext, intake: IntakeSession, message: Message, *, replied: bool
) -> bool:
    """The next part of a long pasted text (Telegram splits long messages in
    private chats): appended, and the preview is built again."""
    runtime = context.runtime
    if (
        replied
        or message.document is not None
        or not message.text
        or intake.preview is None
        or intake.preview.file_name is not None
        or intake.continuable_until is None
        or runtime.now() > intake.continuable_until
    ):
        return False
    source = f"{intake.preview.source_text}\n{message.text}"
    preview = await service.preview(runtime, intake.workspace_id, text=source)
    intake.preview = preview
    intake.bump()
    intake.continuable_until = runtime.now() + CONTINUATION_WINDOW
    await show_preview(context, intake)
    return True


def _read_date(text: str) -> tuple[bool, date | None]:
    """(ok, date or None for "no deadline")."""
    cleaned = text.strip().lower()
    if cleaned in _NO_DATE:
        return True, None
    day = service.parse_typed_date(cleaned)
    return (day is not None), day


async def _answer_deadline(
    update: Update, context: BotContext, intake: IntakeSession, message: Message, text: str
) -> None:
    lang = _lang(context)
    ok, day = _read_date(text)
    index = intake.target_task
    if intake.preview is None or index is None or index >= len(intake.preview.tasks):
        await message.reply_text(t(lang, "intake.expired"))
        return
    if not ok:
        bad = t(lang, "intake.bad_date", text=text.strip()[:40])
        await _ask(context, update, intake, bad, reply_to=message.message_id)
        return
    chosen = day if isinstance(day, date) else None
    intake.preview = service.set_deadline(
        intake.preview,
        index,
        chosen,
        format_date(chosen) if chosen else "",
        context.runtime.today(),
    )
    await _back_to_preview(context, intake)


async def _answer_agency(
    update: Update, context: BotContext, intake: IntakeSession, message: Message, text: str
) -> None:
    lang = _lang(context)
    resolved = await service.resolve_agencies(context.runtime, intake.workspace_id, text)
    if resolved.unknown or not resolved.agencies:
        names = ", ".join(resolved.unknown) or text.strip()
        await message.reply_text(t(lang, "intake.unknown_agency", names=names[:200]))
        return
    await _agencies_chosen(update, context, intake, resolved.agencies, reply_to=message.message_id)


async def _agencies_chosen(
    update: Update,
    context: BotContext,
    intake: IntakeSession,
    agencies: tuple[AgencyRef, ...],
    *,
    reply_to: int | None,
) -> None:
    """Agencies for the line being edited, or for the new task (then ask what to do)."""
    lang = _lang(context)
    assert intake.preview is not None
    if intake.target_task is None:
        intake.new_agencies = agencies
        intake.step = Step.ADD_ACTION
        names = ", ".join(a.name for a in agencies)
        who = _who(update, intake.user_id)
        await _ask(
            context,
            update,
            intake,
            t(lang, "intake.ask.add_action", who=who, agencies=names),
            reply_to=reply_to,
        )
        return
    intake.preview = service.set_agencies(
        intake.preview, intake.target_task, intake.target_line, agencies
    )
    await _back_to_preview(context, intake)


async def _answer_action(
    update: Update, context: BotContext, intake: IntakeSession, message: Message, text: str
) -> None:
    lang = _lang(context)
    action = " ".join(text.split())
    if not action:
        await message.reply_text(t(lang, "intake.empty_action"))
        return
    intake.new_action = action[:2000]
    intake.step = Step.ADD_DEADLINE
    who = _who(update, intake.user_id)
    await _ask(
        context,
        update,
        intake,
        t(lang, "intake.ask.add_deadline", who=who),
        reply_to=message.message_id,
    )


async def _answer_new_deadline(
    update: Update, context: BotContext, intake: IntakeSession, message: Message, text: str
) -> None:
    lang = _lang(context)
    ok, day = _read_date(text)
    if not ok:
        bad = t(lang, "intake.bad_date", text=text.strip()[:40])
        await _ask(context, update, intake, bad, reply_to=message.message_id)
        return
    if intake.preview is None or not intake.new_agencies or not intake.new_action:
        await message.reply_text(t(lang, "intake.expired"))
        return
    chosen = day if isinstance(day, date) else None
    intake.preview = service.add_task(
        intake.preview,
        intake.new_agencies,
        intake.new_action,
        chosen,
        format_date(chosen) if chosen else "",
        context.runtime.today(),
    )
    await _back_to_preview(context, intake)


async def _back_to_preview(
    context: BotContext, intake: IntakeSession, *, in_place: Message | None = None
) -> None:
    intake.step = Step.PREVIEW
    intake.bump()
    intake.target_task = intake.target_line = None
    intake.new_agencies = ()
    intake.new_action = None
    intake.continuable_until = None
    await show_preview(context, intake, in_place=in_place)


# -- buttons ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Press:
    draft_id: int
    version: int
    op: str
    args: tuple[str, ...]


def parse_callback(data: str | None) -> Press | None:
    match = _CALLBACK.match(data or "")
    if match is None:
        return None
    args = tuple(a for a in match["args"].split(":") if a)
    return Press(int(match["draft"]), int(match["version"]), match["op"], args)


_ARITY = {"s": 0, "c": 0, "e": 0, "b": 0, "n": 0, "m": 2, "t": 2, "l": 2, "p": 3, "g": 3}


def _valid(press: Press) -> bool:
    """Arguments of the right count and kind for the operation."""
    if _ARITY.get(press.op) != len(press.args):
        return False
    if press.op in {"m", "t"}:
        return press.args[0] in {"d", "a", "x"} and press.args[1].isdigit()
    if press.op in {"p", "g"}:
        return (press.args[0] == NEW or press.args[0].isdigit()) and all(
            a.isdigit() for a in press.args[1:]
        )
    return all(a.isdigit() for a in press.args)


async def on_button(update: Update, context: BotContext) -> None:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    lang = _lang(context)
    press = parse_callback(query.data)
    if press is None or not _valid(press):
        await query.answer(t(lang, "intake.expired"), show_alert=True)
        return
    intake = await service.session_by_id(context.runtime, press.draft_id, chat.id)
    if intake is None:
        await query.answer(t(lang, "intake.expired"), show_alert=True)
        return
    actor = await sender_of(update, context)
    if not await _may(update, context, actor, intake.workspace_id):
        await query.answer(t(lang, "refused"), show_alert=True)
        return
    if intake.user_id != user.id:
        await query.answer(t(lang, "intake.not_yours"), show_alert=True)
        return
    if press.version != intake.version or intake.preview is None:
        await query.answer(t(lang, "intake.stale"), show_alert=True)
        return
    await _BUTTONS[press.op](update, context, intake, press)


async def _save(update: Update, context: BotContext, intake: IntakeSession, _: Press) -> None:
    query, lang = update.callback_query, _lang(context)
    assert query is not None and intake.preview is not None
    try:
        saved = await service.save(context.runtime, intake.preview, created_by=intake.user_id)
    except service.DuplicateDirective as error:
        created = error.duplicate.created_at
        await query.answer()
        await context.bot.send_message(
            intake.chat_id,
            t(
                lang,
                "intake.duplicate",
                number=error.duplicate.number,
                date=format_date(created.date() if created else None),
            ),
        )
        return
    except service.NothingToSave:
        await query.answer(t(lang, "intake.nothing_to_save"), show_alert=True)
        return
    await query.answer()
    await service.discard(context.runtime, intake.draft_id)
    await _strip(context, intake.chat_id, intake.preview_message_ids)
    actor = await sender_of(update, context)
    await identity.record(
        context.runtime,
        actor,
        "directive_saved",
        telegram_chat_id=intake.chat_id,
        detail={
            "directive_id": saved.directive_id,
            "number": saved.number,
            "tasks": saved.task_count,
        },
    )
    label = (
        t(lang, "intake.label.number", number=saved.number)
        if saved.number
        else t(lang, "intake.label.unnumbered")
    )
    if saved.task_count == 1:
        text = t(lang, "intake.saved_one", label=Raw(label), first=saved.task_codes[0])
    else:
        text = t(
            lang,
            "intake.saved",
            label=Raw(label),
            count=saved.task_count,
            first=saved.task_codes[0],
            last=saved.task_codes[-1],
            agencies=saved.agencies,
        )
    if saved.skipped:
        text += "\n" + t(lang, "intake.saved_skipped", count=saved.skipped)
    await context.bot.send_message(intake.chat_id, text)


async def _cancel(update: Update, context: BotContext, intake: IntakeSession, _: Press) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await service.discard(context.runtime, intake.draft_id)
    await _strip(context, intake.chat_id, intake.preview_message_ids)
    await context.bot.send_message(intake.chat_id, t(_lang(context), "intake.cancelled"))


async def _menu(update: Update, context: BotContext, intake: IntakeSession, _: Press) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(edit_keyboard(_lang(context), intake))


async def _back(update: Update, context: BotContext, intake: IntakeSession, _: Press) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(main_keyboard(_lang(context), intake))


async def _tasks(update: Update, context: BotContext, intake: IntakeSession, press: Press) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    what, page = press.args[0], int(press.args[1])
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(task_keyboard(_lang(context), intake, what, page))


async def _task(update: Update, context: BotContext, intake: IntakeSession, press: Press) -> None:
    query, lang = update.callback_query, _lang(context)
    assert query is not None and intake.preview is not None
    what, index = press.args[0], int(press.args[1])
    if index >= len(intake.preview.tasks):
        await query.answer(t(lang, "intake.stale"), show_alert=True)
        return
    await query.answer()
    task = intake.preview.tasks[index]
    if what == "x":
        intake.preview = service.drop_task(intake.preview, index)
        message = query.message if isinstance(query.message, Message) else None
        await _back_to_preview(context, intake, in_place=message)
        return
    if (what == "d" or len(task.lines) <= 1) and _tidy(intake):
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(main_keyboard(lang, intake))
    if what == "d":
        intake.step = Step.DEADLINE
        intake.target_task = index
        text = t(
            lang,
            "intake.ask.deadline",
            who=_who(update, intake.user_id),
            n=index + 1,
            action=_clip(task.action, 80),
        )
        await _ask(context, update, intake, text, reply_to=None)
        return
    if len(task.lines) > 1:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(line_keyboard(lang, intake, index))
        return
    await _open_picker(update, context, intake, index, 0)


async def _line(update: Update, context: BotContext, intake: IntakeSession, press: Press) -> None:
    query = update.callback_query
    assert query is not None and intake.preview is not None
    index, line = int(press.args[0]), int(press.args[1])
    if index >= len(intake.preview.tasks) or line >= len(intake.preview.tasks[index].lines):
        await query.answer(t(_lang(context), "intake.stale"), show_alert=True)
        return
    await query.answer()
    if _tidy(intake):
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(main_keyboard(_lang(context), intake))
    await _open_picker(update, context, intake, index, line)


async def _new(update: Update, context: BotContext, intake: IntakeSession, _: Press) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    if _tidy(intake):
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(main_keyboard(_lang(context), intake))
    await _open_picker(update, context, intake, None, 0)


async def _open_picker(
    update: Update, context: BotContext, intake: IntakeSession, index: int | None, line: int
) -> None:
    """The agency picker; the coordinator may also reply with codes."""
    lang = _lang(context)
    intake.step = Step.AGENCY
    intake.target_task = index
    intake.target_line = line if index is not None else None
    who = _who(update, intake.user_id)
    if index is None:
        text = t(lang, "intake.ask.add_agency", who=who)
    else:
        assert intake.preview is not None
        lines = intake.preview.tasks[index].lines
        label = lines[line].text if line < len(lines) else ""
        text = t(lang, "intake.ask.agency", who=who, n=index + 1, line=_clip(label, 80))
    task_arg = NEW if index is None else str(index)
    markup = await picker_keyboard(context, intake, task_arg, line, 0)
    message = await context.bot.send_message(intake.chat_id, text, reply_markup=markup)
    intake.prompt_message_id = message.message_id
    await service.keep(context.runtime, intake)


def _targets(intake: IntakeSession, press: Press) -> bool:
    """The picker pressed is the one the intake is waiting on."""
    task, line = press.args[0], int(press.args[1])
    if intake.step is not Step.AGENCY:
        return False
    if task == NEW:
        return intake.target_task is None
    return intake.target_task == int(task) and (intake.target_line or 0) == line


async def _page(update: Update, context: BotContext, intake: IntakeSession, press: Press) -> None:
    query = update.callback_query
    assert query is not None
    if not _targets(intake, press):
        await query.answer(t(_lang(context), "intake.stale"), show_alert=True)
        return
    await query.answer()
    markup = await picker_keyboard(
        context, intake, press.args[0], int(press.args[1]), int(press.args[2])
    )
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(markup)


async def _pick(update: Update, context: BotContext, intake: IntakeSession, press: Press) -> None:
    query, lang = update.callback_query, _lang(context)
    assert query is not None
    if not _targets(intake, press):
        await query.answer(t(lang, "intake.stale"), show_alert=True)
        return
    agency = await service.agency_by_id(context.runtime, intake.workspace_id, int(press.args[2]))
    if agency is None:
        await query.answer(t(lang, "intake.stale"), show_alert=True)
        return
    await query.answer()
    message = query.message
    if isinstance(message, Message) and _tidy(intake):
        with contextlib.suppress(BadRequest):
            await message.edit_text(
                t(lang, "intake.picked", names=f"{agency.code} · {agency.name}")
            )
    await _agencies_chosen(update, context, intake, (agency,), reply_to=None)


_BUTTONS = {
    "s": _save,
    "c": _cancel,
    "e": _menu,
    "b": _back,
    "m": _tasks,
    "t": _task,
    "l": _line,
    "n": _new,
    "p": _page,
    "g": _pick,
}


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler(list(COMMANDS), new_command), group=GROUP)
    application.add_handler(
        MessageHandler(
            filters.Document.ALL & filters.CaptionRegex(_CAPTION_COMMAND), caption_command
        ),
        group=GROUP,
    )
    application.add_handler(
        MessageHandler(
            (filters.TEXT | filters.Document.ALL) & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            on_message,
        ),
        group=GROUP,
    )
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^in:"), group=GROUP)
