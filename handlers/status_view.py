"""/status, /overdue and /tasks, and the buttons that drill down and page.

`/status` shows the whole workspace to coordinators and viewers (the four
official groups, blocked, not started, pending extensions, then a line per
directive); `/status 2268/UBND-TTHC` one directive, `/status STP` one agency.
A focal point sees their own agency only. Buttons edit the message in place
("s:v:..." callback data from handlers/status_callbacks.py); every press is
checked again, so a forged button naming another workspace shows nothing.
"""

from __future__ import annotations

import html
import logging
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.rights import Actor, Role
from bot.domain.rollup import Category
from bot.services import overview as overview_service
from bot.services.overview import Counts, GroupLine, Overview, Scope, TaskLine, ViewOutcome
from bot.texts import Raw, t
from handlers import status_callbacks as callbacks
from handlers.context import BotApplication, BotContext, actor_of

log = logging.getLogger("nhacviec.status_view")

GROUP = 3
ACTION_LENGTH = 90
REASON_LENGTH = 80
ICONS = {
    Category.OPEN_OVERDUE: "🔴",
    Category.OPEN_ON_TIME: "🔄",
    Category.DONE_LATE: "☑️",
    Category.DONE_ON_TIME: "✅",
}


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _counts(lang: str, counts: Counts) -> str:
    return t(
        lang,
        "status.view.counts",
        total=counts.total,
        done_on_time=counts.done_on_time,
        done_late=counts.done_late,
        open_on_time=counts.open_on_time,
        open_overdue=counts.open_overdue,
        blocked=counts.blocked,
        not_started=counts.not_started,
        pending_extensions=counts.pending_extensions,
    )


def _group_line(lang: str, line: GroupLine) -> str:
    counts = line.counts
    return t(
        lang,
        "status.view.group_line",
        label=line.label,
        name=f" {line.name}" if line.name else "",
        total=counts.total,
        done_on_time=counts.done_on_time,
        done_late=counts.done_late,
        open_on_time=counts.open_on_time,
        open_overdue=counts.open_overdue,
    )


def _detail(lang: str, line: TaskLine, today: date | None) -> str:
    if line.category is Category.OPEN_OVERDUE:
        text = t(lang, "status.view.detail.open_overdue", days=line.days_late)
    elif line.category is Category.OPEN_ON_TIME:
        if line.effective_deadline is None:
            text = t(lang, "status.view.detail.no_deadline")
        elif line.effective_deadline == today or line.working_days_left is None:
            text = t(lang, "status.view.detail.due_today")
        else:
            text = t(lang, "status.view.detail.open_on_time", days=line.working_days_left)
    elif line.category is Category.DONE_LATE:
        text = t(lang, "status.view.detail.done_late", day=line.completed_on, days=line.days_late)
    else:
        text = t(lang, "status.view.detail.done_on_time", day=line.completed_on)
    if line.category in (Category.OPEN_OVERDUE, Category.OPEN_ON_TIME):
        if line.progress:
            text += t(lang, "status.view.detail.progress", percent=line.progress)
        elif line.not_started:  # the roll-up's rule, judged by the service
            text += t(lang, "status.view.detail.not_started")
        if line.blocked_reason is not None:
            reason = _clip(line.blocked_reason, REASON_LENGTH) or "—"
            text += t(lang, "status.view.detail.blocked", reason=reason)
        if line.extension_until is not None:
            text += t(lang, "status.view.detail.extension", date=line.extension_until)
    if (
        line.original_effective_deadline is not None
        and line.original_effective_deadline != line.effective_deadline
    ):
        text += t(lang, "status.view.detail.extended", date=line.original_effective_deadline)
    return text


def _task_line(lang: str, line: TaskLine, today: date | None) -> str:
    deadline: object = line.effective_deadline or t(lang, "status.view.detail.no_deadline")
    return t(
        lang,
        "status.view.task_line",
        icon=ICONS[line.category],
        code=line.code,
        agency=line.agency_code,
        action=_clip(line.action, ACTION_LENGTH),
        deadline=deadline,
        detail=Raw(_detail(lang, line, today)),
    )


def render_text(lang: str, view: Overview) -> str:
    """The message of one view: header, counts, then a page of lines."""
    scope = view.scope
    if scope in overview_service.TASK_LISTS:
        who = t(lang, "status.view.of_agency", title=view.title) if view.target_id else ""
        header = t(lang, f"status.view.header.{scope.value}", who=Raw(who), today=view.today)
    else:
        subtitle: object = ""
        if scope is Scope.DIRECTIVE and view.subtitle:
            subtitle = Raw(html.escape(_clip(view.subtitle, 200), quote=False) + "\n")
        elif scope is Scope.AGENCY:
            subtitle = view.subtitle or view.title
        header = t(
            lang,
            f"status.view.header.{scope.value}",
            title=view.title,
            subtitle=subtitle,
            today=view.today,
        )
    parts = [header]
    if scope not in overview_service.TASK_LISTS:
        parts.append(_counts(lang, view.counts))
    if view.groups:
        key = "status.view.groups.d" if scope is Scope.WORKSPACE else "status.view.groups.a"
        parts.append(t(lang, key) + "\n" + "\n".join(_group_line(lang, g) for g in view.groups))
    elif scope not in (Scope.WORKSPACE, Scope.AGENCIES):
        if view.tasks:
            lines = "\n".join(_task_line(lang, line, view.today) for line in view.tasks)
            parts.append(t(lang, "status.view.tasks") + "\n" + lines)
        else:
            parts.append(t(lang, "status.view.empty"))
    if view.pages > 1:
        parts.append(t(lang, "status.view.page", page=view.page + 1, pages=view.pages))
    return "\n\n".join(parts)


def render_markup(lang: str, view: Overview, actor: Actor) -> InlineKeyboardMarkup | None:
    """Drill-down buttons for the lines shown, paging, and the other views."""
    rows: list[list[InlineKeyboardButton]] = []
    drill = [
        InlineKeyboardButton(
            ("📄 " if line.scope is Scope.DIRECTIVE else "🏢 ") + _clip(line.label, 30),
            callback_data=callbacks.view(line.scope.value, line.target_id),
        )
        for line in view.groups
    ]
    rows.extend(drill[i : i + 3] for i in range(0, len(drill), 3))
    paging = []
    if view.page > 0:
        paging.append(
            InlineKeyboardButton(
                t(lang, "status.view.button.prev"),
                callback_data=callbacks.view(view.scope.value, view.target_id, view.page - 1),
            )
        )
    if view.page + 1 < view.pages:
        paging.append(
            InlineKeyboardButton(
                t(lang, "status.view.button.next"),
                callback_data=callbacks.view(view.scope.value, view.target_id, view.page + 1),
            )
        )
    if paging:
        rows.append(paging)
    rows.extend(_navigation(lang, view, actor))
    return InlineKeyboardMarkup(rows) if rows else None


def _navigation(lang: str, view: Overview, actor: Actor) -> list[list[InlineKeyboardButton]]:
    def button(key: str, scope: Scope, target: int = 0) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(lang, f"status.view.button.{key}"), callback_data=callbacks.view(scope.value, target)
        )

    if actor.role is Role.FOCAL_POINT:
        own = actor.agency_id or 0
        row = [button("overdue", Scope.OVERDUE, own)]
        if view.scope is not Scope.AGENCY:
            row.insert(0, button("home", Scope.AGENCY, own))
        return [row]
    lists = [
        button("overdue", Scope.OVERDUE),
        button("blocked", Scope.BLOCKED),
        button("extensions", Scope.EXTENSIONS),
    ]
    if view.scope is Scope.WORKSPACE:
        return [[button("by_agency", Scope.AGENCIES)], lists]
    if view.scope is Scope.AGENCIES:
        return [[button("home", Scope.WORKSPACE), button("by_directive", Scope.WORKSPACE)]]
    return [[button("home", Scope.WORKSPACE), button("by_agency", Scope.AGENCIES)]]


# ---------------------------------------------------------------- handlers


def _outcome_text(lang: str, view: Overview) -> str | None:
    if view.outcome is ViewOutcome.REFUSED:
        return t(lang, "refused")
    if view.outcome is ViewOutcome.NO_WORKSPACE:
        return t(lang, "status.view.no_workspace")
    return None


async def show(
    update: Update, context: BotContext, scope: Scope, target: int = 0, page: int = 0
) -> None:
    message, chat = update.effective_message, update.effective_chat
    actor = await actor_of(update, context)
    if message is None or chat is None or actor is None:
        return
    lang = context.runtime.language
    view = await overview_service.overview(
        context.runtime, actor, scope, target, page, telegram_chat_id=chat.id
    )
    problem = _outcome_text(lang, view)
    if problem is not None:
        await message.reply_text(problem)
        return
    await message.reply_text(render_text(lang, view), reply_markup=render_markup(lang, view, actor))


# What a user typed is echoed back at most this long (a 4,000-character
# argument must not make the answer itself too long to send).
QUERY_ECHO_LIMIT = 80


async def status_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    actor = await actor_of(update, context)
    if message is None or actor is None:
        return
    lang = context.runtime.language
    query = " ".join(context.args or [])
    shown = query if len(query) <= QUERY_ECHO_LIMIT else query[: QUERY_ECHO_LIMIT - 1] + "…"
    target = await overview_service.resolve_query(context.runtime, actor, query)
    if target.outcome is ViewOutcome.NO_WORKSPACE:
        await message.reply_text(t(lang, "status.view.no_workspace"))
        return
    if target.outcome is ViewOutcome.NOT_FOUND:
        await message.reply_text(t(lang, "status.view.not_found", query=shown))
        return
    if target.choices:
        buttons = [
            [InlineKeyboardButton(label, callback_data=callbacks.view(Scope.DIRECTIVE.value, i))]
            for i, label in target.choices
        ]
        await message.reply_text(
            t(lang, "status.view.choices", query=shown), reply_markup=InlineKeyboardMarkup(buttons)
        )
        return
    await show(update, context, target.scope, target.target_id)


async def overdue_command(update: Update, context: BotContext) -> None:
    await show(update, context, Scope.OVERDUE)


async def tasks_command(update: Update, context: BotContext) -> None:
    actor = await actor_of(update, context)
    if actor is None:
        return
    scope, target = overview_service.default_scope(actor)
    await show(update, context, scope, target)


async def on_view_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    lang = context.runtime.language
    pressed = callbacks.parse(query.data)
    message = query.message if isinstance(query.message, Message) else None
    actor = await actor_of(update, context)
    if pressed is None or pressed.scope is None or message is None or actor is None:
        await query.answer(t(lang, "status.toast.expired"))
        return
    view = await overview_service.overview(
        context.runtime,
        actor,
        Scope(pressed.scope),
        pressed.first,
        pressed.second,
        telegram_chat_id=message.chat_id,
    )
    problem = _outcome_text(lang, view)
    if problem is not None:
        await query.answer(problem, show_alert=True)
        return
    await query.answer()
    try:
        await message.edit_text(
            render_text(lang, view), reply_markup=render_markup(lang, view, actor)
        )
    except BadRequest as error:  # "message is not modified" when pressed twice
        log.debug("status view not edited: %s", error)


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler(["status", "tinhhinh"], status_command), group=GROUP)
    application.add_handler(CommandHandler(["overdue", "quahan"], overdue_command), group=GROUP)
    application.add_handler(CommandHandler(["tasks", "nhiemvu"], tasks_command), group=GROUP)
    application.add_handler(CallbackQueryHandler(on_view_button, pattern=r"^s:v:"), group=GROUP)
