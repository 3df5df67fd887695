"""The reminder service's Sender over python-telegram-bot.

It builds the task buttons (handlers/keyboards.py) and turns PTB's
exceptions into the service's SendFailure kinds. The one judgement made
here is whether a failed request may have been delivered:

- An HTTP answer (429, 5xx, 4xx) means Telegram decided: 429 and 5xx were
  not delivered and can be retried; 400/403 will not get better.
- No answer: if the failure happened before the request was complete
  (connecting, waiting for a pooled connection, writing the request), the
  message cannot have been processed and is retried. If the request was
  sent and the answer never came (read timeout, connection closed by the
  peer), Telegram may have delivered it: that is `Ambiguous`. HTTP cannot
  tell, so the service sends it again later saying it is a repeat, unless
  someone answers the first copy meanwhile (see bot/services/reminders.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.services.reminders import (
    Ambiguous,
    ChatGone,
    ChatMoved,
    OutgoingMessage,
    Rejected,
    RetryLater,
)
from handlers.keyboards import reminder_keyboard, resend_keyboard

# Transport errors raised before the request reached the server in full.
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
)
# "chat not found" and friends: the chat is gone for good, like a 403.
GONE_MARKERS = ("chat not found", "bot was kicked", "not enough rights to send", "have no rights")


def _transport_cause(error: BaseException) -> BaseException | None:
    cause = error.__cause__
    return cause if isinstance(cause, httpx.HTTPError) else None


def classify(error: TelegramError) -> Exception:
    """The SendFailure for a PTB exception raised by a send."""
    detail = str(error)
    if isinstance(error, RetryAfter):
        # The private timedelta avoids PTB 22's deprecation warning on the int property.
        wait = getattr(error, "_retry_after", None) or error.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return RetryLater(detail, retry_after=seconds)
    if isinstance(error, ChatMigrated):
        return ChatMoved(int(error.new_chat_id), detail)
    if isinstance(error, Forbidden):
        return ChatGone(detail)
    if isinstance(error, BadRequest):
        if any(marker in detail.lower() for marker in GONE_MARKERS):
            return ChatGone(detail)
        return Rejected(detail)
    if isinstance(error, NetworkError):  # TimedOut is a NetworkError too
        cause = _transport_cause(error)
        if cause is None and not isinstance(error, TimedOut):
            return RetryLater(detail)  # an HTTP 5xx answer: Telegram did not deliver it
        if cause is not None and isinstance(cause, NOT_SENT):
            return RetryLater(detail)
        return Ambiguous(detail or type(cause or error).__name__)
    return Rejected(detail)


class TelegramSender:
    """Sends reminder messages, and the admins' reports with their "send again"
    button, with the Application's bot (rate-limited by PTB)."""

    def __init__(self, bot: Bot, lang: str) -> None:
        self.bot = bot
        self.lang = lang

    async def send(self, message: OutgoingMessage) -> int:
        keyboard: Any = reminder_keyboard(list(message.rows), self.lang)
        if message.resend_report is not None:  # the admins' report: no task rows
            keyboard = resend_keyboard(message.resend_report, self.lang)
        try:
            sent = await self.bot.send_message(
                chat_id=message.chat_id, text=message.text, reply_markup=keyboard
            )
        except TelegramError as error:
            raise classify(error) from error
        return sent.message_id
