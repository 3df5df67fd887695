"""The composition root: the only module that knows every package.

It builds the python-telegram-bot Application (defaults in BOT_TIMEZONE,
HTML, rate limiter with retries, the Bot API root from TELEGRAM_API_URL for
both calls and files), registers the handlers and the jobs, and runs it by
long polling or by webhook.
"""

from __future__ import annotations

import gc
import logging
from typing import Any, cast

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, Defaults

from bot.rate_limit import SlidingWindowRateLimiter
from bot.runtime import Runtime
from bot.texts.common import COMMAND_MENU
from handlers import agencies as agencies_handlers
from handlers import arrivals as arrivals_handlers
from handlers import chat_members as chat_members_handlers
from handlers import errors, reports, start
from handlers import extensions as extensions_handlers
from handlers import intake as intake_handlers
from handlers import onboarding as onboarding_handlers
from handlers import reminder_admin as reminder_admin_handlers
from handlers import replies as replies_handlers
from handlers import setup as setup_handlers
from handlers import status_view as status_view_handlers
from handlers.context import RUNTIME_KEY, BotApplication, BotContext
from jobs import digest as digest_job
from jobs import reminders as reminder_jobs

log = logging.getLogger("nhacviec")

HANDLER_MODULES: tuple[Any, ...] = (
    arrivals_handlers,
    start,
    reports,
    onboarding_handlers,
    setup_handlers,
    agencies_handlers,
    chat_members_handlers,
    replies_handlers,
    extensions_handlers,
    status_view_handlers,
    intake_handlers,
    reminder_admin_handlers,
)
JOB_MODULES: tuple[Any, ...] = (digest_job, reminder_jobs)


# Telegram's flood limits (about 30 messages a second overall, 20 a minute in
# one group, about one a second in one private chat) are sliding windows over
# the times messages arrive, and the sandbox enforces them so.
# bot/rate_limit.py paces sends in the same windows, each widened by a 50 ms
# margin, and counts a message until its answer less the shortest round trip
# (it may have arrived that late), so it uses the whole limit (a leaky bucket
# has to be tuned below it) without a 429 at the sandbox's limits (benchmark
# in docs/dev/REMINDERS.md "Rate limits"). Only message sends are paced; a
# message waits for its own chat's window first, so a group at its 20 a
# minute delays no other chat. `max_retries` retries a 429 that still
# happens after its retry_after; beyond that the reminder outbox retries
# later with backoff.
def rate_limiter(max_retries: int = 3) -> SlidingWindowRateLimiter:
    return SlidingWindowRateLimiter(max_retries=max_retries)


def build_application(
    runtime: Runtime, *, rate_limiter_retries: int = 3, schedule_jobs: bool = True
) -> BotApplication:
    settings = runtime.settings
    if settings.TELEGRAM_BOT_TOKEN is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    defaults = Defaults(
        tzinfo=settings.timezone,
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    application: BotApplication = (
        Application.builder()
        .token(settings.TELEGRAM_BOT_TOKEN.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.file_base_url)
        .defaults(defaults)
        .rate_limiter(rate_limiter(rate_limiter_retries))
        .context_types(ContextTypes(context=BotContext))
        .post_init(_on_startup)
        .post_shutdown(_on_shutdown)
        .build()
    )
    application.bot_data[RUNTIME_KEY] = runtime
    for module in HANDLER_MODULES:
        module.register(application)
    if schedule_jobs:
        for module in JOB_MODULES:
            module.schedule(application)
    application.add_error_handler(errors.on_error)
    return application


# PTB retries initialize() (getMe) with bootstrap_retries, not post_init: a
# Bot API failing while the menus are set must not stop the bot, whose work
# (reminders, replies) does not need them. They are set again in the background.
MENU_RETRY_SECONDS = (5.0, 30.0, 120.0, 600.0)


async def _on_startup(application: BotApplication) -> None:
    await _set_menus_or_retry(application, attempt=0)
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    log.info("bot @%s started (language %s)", application.bot.username, runtime.language)


async def _set_menus_or_retry(application: BotApplication, *, attempt: int) -> None:
    try:
        await set_command_menus(application)
    except TelegramError as error:
        queue = application.job_queue
        if queue is None or attempt >= len(MENU_RETRY_SECONDS):
            log.warning("command menus not set (%s); giving up", error)
            return
        delay = MENU_RETRY_SECONDS[attempt]
        log.warning("command menus not set (%s); trying again in %.0f s", error, delay)
        queue.run_once(_retry_menus, when=delay, data=attempt + 1, name="menus.retry")


async def _retry_menus(context: BotContext) -> None:
    attempt = context.job.data if context.job and isinstance(context.job.data, int) else 1
    await _set_menus_or_retry(cast(BotApplication, context.application), attempt=attempt)


async def _on_shutdown(application: BotApplication) -> None:
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    await runtime.database.dispose()


async def set_command_menus(application: BotApplication) -> None:
    """The command menu per scope (private chats, groups) and per language."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    scopes = {"private": BotCommandScopeAllPrivateChats(), "group": BotCommandScopeAllGroupChats()}
    for scope_name, scope in scopes.items():
        for language, commands in COMMAND_MENU[scope_name].items():
            menu = [BotCommand(name, description) for name, description in commands]
            await application.bot.set_my_commands(menu, scope=scope, language_code=language)
            if language == runtime.language:
                await application.bot.set_my_commands(menu, scope=scope)
    default_menu = COMMAND_MENU["private"][runtime.language]
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in default_menu],
        scope=BotCommandScopeDefault(),
    )


def serve(application: BotApplication) -> None:
    """Run until SIGINT/SIGTERM (PTB stops cleanly on both). A Bot API that
    fails while the bot starts (5xx, dropped connection) is retried, not fatal."""
    # What is alive now (modules, settings, compiled statements, texts) lives
    # as long as the process: kept out of the collector's full passes, which
    # otherwise walk it all and pause a /status for 100 ms or more.
    gc.freeze()
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    settings = runtime.settings
    if settings.webhook_mode:
        secret = settings.WEBHOOK_SECRET.get_secret_value() if settings.WEBHOOK_SECRET else None
        application.run_webhook(
            listen=settings.WEBHOOK_LISTEN,
            port=settings.WEBHOOK_PORT,
            webhook_url=settings.WEBHOOK_URL,
            secret_token=secret or _derived_webhook_secret(settings),
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=-1,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)


def _derived_webhook_secret(settings: Any) -> str:
    """A stable secret derived from the token when WEBHOOK_SECRET is not set."""
    import hashlib

    token = settings.TELEGRAM_BOT_TOKEN.get_secret_value()
    return hashlib.sha256(f"nhacviec-webhook:{token}".encode()).hexdigest()[:48]
