"""Message content rules: text, parse modes, lengths and reply markup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.entities import Entity, detect_entities, strip_text
from bot.sandbox.errors import bad_request
from bot.sandbox.html import HtmlError, escape, parse_html

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100

_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "web_app",
    "callback_game",
    "pay",
)


@dataclass
class Content:
    text: str
    entities: list[Entity]
    html: str
    parse_mode: str | None


def prepare_text(
    text: str | None,
    parse_mode: str | None,
    entities: Any = None,
    *,
    caption: bool = False,
) -> Content:
    """Parse and check a message text or caption the way Telegram does.

    HTML is validated strictly (see ``bot.sandbox.html``); Markdown and
    MarkdownV2 are accepted but not parsed (the bot only uses HTML), so their
    text is stored verbatim. Leading and trailing whitespace is trimmed, then
    the length is checked in characters: 4096 for a text, 1024 for a caption.
    """
    source = text or ""
    mode = parse_mode.strip() if parse_mode else None
    if mode and mode.lower() == "html":
        try:
            plain, found = parse_html(source)
        except HtmlError as err:
            raise bad_request(f"can't parse entities: {err}") from None
        html = source
    elif mode and mode.lower() not in ("markdown", "markdownv2"):
        raise bad_request(f"unsupported parse_mode {mode}")
    else:
        plain = source
        found = list(entities) if isinstance(entities, list) else []
        html = escape(source)
    plain, found = strip_text(plain, found)
    if not plain and not caption:
        raise bad_request("message text is empty")
    if caption and len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    if not caption and len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    return Content(plain, detect_entities(plain, found), html, mode)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
            raise bad_request(
                f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
            )


def check_reply_markup(markup: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Validate ``reply_markup``; returns (inline markup, other keyboard) to store.

    Only an inline keyboard appears in the sent Message; reply keyboards,
    keyboard removal and force-reply are accepted and kept for inspection.
    """
    if markup is None:
        return None, None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'can\'t parse inline keyboard button: field "inline_keyboard" must be an Array of Arrays'
            )
        count = 0
        for row in rows:
            for button in row:
                _check_button(button)
                count += 1
        if count > MAX_BUTTONS:
            raise bad_request("reply markup is too long")
        if count == 0:
            return None, None
        return {"inline_keyboard": [[dict(b) for b in row] for row in rows if row]}, None
    if any(key in markup for key in ("keyboard", "remove_keyboard", "force_reply")):
        return None, dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")
