"""The bot's side: Bot API methods with Telegram's checks and error texts.

Each method takes ``Params`` and returns the JSON ``result``, or raises
``ApiError``. Method names are matched case-insensitively, as Telegram does.
"""

from __future__ import annotations

import asyncio
import inspect
import mimetypes
import re
import struct
from collections.abc import Callable
from typing import Any

from bot.sandbox.content import check_reply_markup, prepare_text
from bot.sandbox.errors import ApiError, bad_request, forbidden
from bot.sandbox.limits import RateLimiter
from bot.sandbox.params import Params, Upload
from bot.sandbox.state import (
    DEFAULT_ALLOWED_UPDATES,
    JSON,
    Chat,
    Message,
    SandboxState,
    StoredFile,
    member_dict,
    scope_key,
)

#: Methods whose successful calls are rate limited and logged as sends.
SEND_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto"})

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}

Handler = Callable[[Params], Any]


def _png_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG, (0, 0) for anything else (photos are not decoded)."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    return 0, 0


class BotApi:
    """Bot API methods over a ``SandboxState``."""

    def __init__(self, state: SandboxState, limiter: RateLimiter) -> None:
        self.state = state
        self.limiter = limiter
        table: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.ok,
            "close": self.ok,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
            "getChatMemberCount": self.get_chat_member_count,
            "leaveChat": self.leave_chat,
            "sendChatAction": self.chat_ok,
            "pinChatMessage": self.chat_ok,
            "unpinChatMessage": self.chat_ok,
            "setChatMenuButton": self.ok,
            "getChatMenuButton": lambda _params: {"type": "commands"},
            "setMyDescription": self.ok,
            "setMyShortDescription": self.ok,
            "setMyName": self.ok,
        }
        self._methods = {name.lower(): handler for name, handler in table.items()}
        self._names = {name.lower(): name for name in table}

    def canonical_name(self, method: str) -> str:
        """The documented spelling of ``method`` (for stats), or ``method`` itself."""
        return self._names.get(method.lower(), method)

    async def call(self, method: str, params: Params) -> Any:
        handler = self._methods.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        result = handler(params)
        if inspect.isawaitable(result):
            result = await result
        return result

    # -- basics ---------------------------------------------------------------

    def ok(self, _params: Params) -> bool:
        return True

    def get_me(self, _params: Params) -> JSON:
        return {
            **self.state.bot.to_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # -- updates and webhook --------------------------------------------------

    async def get_updates(self, params: Params) -> list[JSON]:
        """Long polling: answer at once if updates are pending, else wait for one.

        A newer getUpdates call ends an older waiting one with 409 Conflict, as
        Telegram does when two bot instances poll the same token.
        """
        state = self.state
        if state.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get_int("offset") or 0
        limit = params.get_int("limit") or 100
        limit = min(max(limit, 1), 100)
        timeout = min(
            max(params.get_float("timeout", 0.0), 0.0), state.config.max_long_poll_seconds
        )
        allowed = params.get_json("allowed_updates")
        if isinstance(allowed, list):
            state.allowed_updates = frozenset(allowed) or None
        state.confirm(offset)
        state.poll_generation += 1
        generation = state.poll_generation
        state.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != state.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            remaining = deadline - loop.time()
            if state.updates or remaining <= 0 or state.closing:
                return state.updates[:limit]
            await state.wait_changed(remaining)

    def set_webhook(self, params: Params) -> bool:
        url = params.get_str("url") or ""
        if url and not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get_str("secret_token")
        if secret is not None and not _SECRET_TOKEN.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get_bool("drop_pending_updates"):
            self.state.updates.clear()
        allowed = params.get_json("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = frozenset(allowed) or None
        webhook = self.state.webhook
        webhook.url = url
        webhook.secret_token = secret
        webhook.max_connections = params.get_int("max_connections") or 40
        webhook.allowed_updates = allowed if isinstance(allowed, list) else None
        self.state.notify()
        return True

    def delete_webhook(self, params: Params) -> bool:
        if params.get_bool("drop_pending_updates"):
            self.state.updates.clear()
        self.state.webhook.url = ""
        self.state.webhook.secret_token = None
        self.state.notify()
        return True

    def get_webhook_info(self, _params: Params) -> JSON:
        webhook = self.state.webhook
        info: JSON = {
            "url": webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if webhook.url:
            info["max_connections"] = webhook.max_connections
            allowed = self.state.allowed_updates or DEFAULT_ALLOWED_UPDATES
            info["allowed_updates"] = sorted(allowed)
            if webhook.last_error_date is not None:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        return info

    # -- chat access ------------------------------------------------------------

    def _known_chat(self, params: Params) -> Chat:
        ref = params.chat_ref()
        chat = self.state.find_chat(ref)
        if chat is None:
            if isinstance(ref, int) and ref in self.state.users:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, params: Params) -> Chat:
        """The chat to act in, or Telegram's error for a chat the bot can't write to."""
        chat = self._known_chat(params)
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private":
            user = self.state.users.get(chat.id)
            if user is not None and user.blocked_bot:
                raise forbidden("bot was blocked by the user")
        elif not chat.bot_present:
            if chat.bot_removed:
                raise forbidden(f"bot was kicked from the {chat.type} chat")
            if chat.bot_ever_member:
                raise forbidden(f"bot is not a member of the {chat.type} chat")
            raise bad_request("chat not found")
        return chat

    def chat_ok(self, params: Params) -> bool:
        self._writable_chat(params)
        return True

    def _reply_target(self, chat: Chat, params: Params) -> int | None:
        reply = params.get_json("reply_parameters")
        allow = params.get_bool("allow_sending_without_reply")
        message_id: int | None = None
        if isinstance(reply, dict) and reply.get("message_id") is not None:
            message_id = int(reply["message_id"])
            allow = allow or bool(reply.get("allow_sending_without_reply"))
        elif params.has("reply_to_message_id"):
            message_id = params.get_int("reply_to_message_id")
        if message_id is None:
            return None
        target = chat.messages.get(message_id)
        if target is None or target.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return target.message_id

    def _throttle(self, chat: Chat) -> None:
        retry = self.limiter.retry_after(chat.id, chat.type)
        if retry is not None:
            self.state.stats.rate_limited += 1
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    def _accept(self, method: str, chat: Chat, message: Message) -> JSON:
        self.limiter.record(chat.id, chat.type)
        self.state.record_send(method, chat, message)
        return self.state.message_dict(message)

    # -- sending ----------------------------------------------------------------

    def send_message(self, params: Params) -> JSON:
        chat = self._writable_chat(params)
        content = prepare_text(
            params.get_str("text"), params.get_str("parse_mode"), params.get_json("entities")
        )
        markup, keyboard = check_reply_markup(params.get_json("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._throttle(chat)
        preview = params.get_json("link_preview_options")
        if preview is None and params.has("disable_web_page_preview"):
            preview = {"is_disabled": params.get_bool("disable_web_page_preview")}
        message = self.state.add_message(
            chat,
            self.state.bot,
            text=content.text,
            entities=content.entities,
            html=content.html,
            parse_mode=content.parse_mode,
            reply_to=reply_to,
            reply_markup=markup,
            reply_keyboard=keyboard,
            disable_notification=params.get_bool("disable_notification"),
            link_preview_options=preview if isinstance(preview, dict) else None,
        )
        return self._accept("sendMessage", chat, message)

    def _media(self, value: Upload | str | None, kind: str) -> StoredFile:
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, str):
            if value.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")
            stored = self.state.files.get(value)
            if stored is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            if stored.kind != kind:
                raise bad_request("type of file mismatch")
            return stored
        if not value.content:
            raise bad_request("file must be non-empty")
        if len(value.content) > self.state.config.max_upload_bytes:
            raise ApiError(413, "Request Entity Too Large")
        mime = value.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(value.filename or "")[0] or mime
        return self.state.store_file(
            value.content,
            file_name=value.filename if kind == "document" else None,
            mime_type=mime if kind == "document" else None,
            kind=kind,
            size=_png_size(value.content) if kind == "photo" else (0, 0),
        )

    def _send_media(self, params: Params, kind: str, method: str) -> JSON:
        chat = self._writable_chat(params)
        stored = self._media(params.upload_or_id(kind), kind)
        caption = prepare_text(
            params.get_str("caption"),
            params.get_str("parse_mode"),
            params.get_json("caption_entities"),
            caption=True,
        )
        markup, keyboard = check_reply_markup(params.get_json("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._throttle(chat)
        message = self.state.add_message(
            chat,
            self.state.bot,
            text=caption.text,
            entities=caption.entities,
            html=caption.html,
            parse_mode=caption.parse_mode,
            reply_to=reply_to,
            reply_markup=markup,
            reply_keyboard=keyboard,
            document=stored.document() if kind == "document" else None,
            photo=stored.photo_sizes() if kind == "photo" else None,
            disable_notification=params.get_bool("disable_notification"),
        )
        return self._accept(method, chat, message)

    def send_document(self, params: Params) -> JSON:
        return self._send_media(params, "document", "sendDocument")

    def send_photo(self, params: Params) -> JSON:
        return self._send_media(params, "photo", "sendPhoto")

    # -- editing ----------------------------------------------------------------

    def _editable(self, params: Params) -> Message:
        if params.get_str("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._writable_chat(params)
        message_id = params.get_int("message_id", required=True)
        message = chat.messages.get(message_id or 0)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _apply_edit(self, message: Message, **changes: Any) -> JSON:
        message.edits.append(
            {
                "text": message.text,
                "html": message.html,
                "entities": message.entities,
                "reply_markup": message.reply_markup,
                "date": message.edit_date or message.date,
            }
        )
        for name, value in changes.items():
            setattr(message, name, value)
        message.edit_date = self.state.clock.unix()
        self.state.notify()
        return self.state.message_dict(message)

    def edit_message_text(self, params: Params) -> JSON:
        message = self._editable(params)
        if message.has_media:
            raise bad_request("there is no text in the message to edit")
        content = prepare_text(
            params.get_str("text"), params.get_str("parse_mode"), params.get_json("entities")
        )
        markup, _ = check_reply_markup(params.get_json("reply_markup"))
        if (content.text, content.entities, markup) == (
            message.text,
            message.entities,
            message.reply_markup,
        ):
            raise bad_request(NOT_MODIFIED)
        return self._apply_edit(
            message,
            text=content.text,
            entities=content.entities,
            html=content.html,
            parse_mode=content.parse_mode,
            reply_markup=markup,
        )

    def edit_message_caption(self, params: Params) -> JSON:
        message = self._editable(params)
        if not message.has_media:
            raise bad_request("there is no caption in the message to edit")
        caption = prepare_text(
            params.get_str("caption"),
            params.get_str("parse_mode"),
            params.get_json("caption_entities"),
            caption=True,
        )
        markup, _ = check_reply_markup(params.get_json("reply_markup"))
        if (caption.text, caption.entities, markup) == (
            message.text or "",
            message.entities,
            message.reply_markup,
        ):
            raise bad_request(NOT_MODIFIED)
        return self._apply_edit(
            message,
            text=caption.text,
            entities=caption.entities,
            html=caption.html,
            parse_mode=caption.parse_mode,
            reply_markup=markup,
        )

    def edit_message_reply_markup(self, params: Params) -> JSON:
        message = self._editable(params)
        markup, _ = check_reply_markup(params.get_json("reply_markup"))
        if markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        return self._apply_edit(message, reply_markup=markup)

    def delete_message(self, params: Params) -> bool:
        chat = self._writable_chat(params)
        message = chat.messages.get(params.get_int("message_id", required=True) or 0)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        if not message.from_bot and chat.is_group and chat.bot_status != "administrator":
            raise bad_request("message can't be deleted")
        message.deleted = True
        self.state.notify()
        return True

    def answer_callback_query(self, params: Params) -> bool:
        query_id = params.get_str("callback_query_id", required=True) or ""
        pending = self.state.callbacks.get(query_id)
        if pending is None or pending.answered:
            raise bad_request(QUERY_INVALID)
        text = params.get_str("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        pending.answered = True
        self.state.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": params.get_bool("show_alert"),
                "url": params.get_str("url"),
                "cache_time": params.get_int("cache_time") or 0,
                "chat_id": pending.chat_id,
                "message_id": pending.message_id,
                "user_id": pending.user_id,
                "data": pending.data,
                "date": self.state.clock.unix(),
            }
        )
        self.state.notify()
        return True

    # -- files ------------------------------------------------------------------

    def get_file(self, params: Params) -> JSON:
        file_id = params.get_str("file_id", required=True) or ""
        stored = self.state.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > self.state.config.max_download_bytes:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    # -- commands -----------------------------------------------------------------

    def _scope(self, params: Params) -> tuple[str, JSON]:
        scope = params.get_json("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        scope = dict(scope)
        if "chat_id" in scope:
            ref = Params({"chat_id": scope["chat_id"]}).chat_ref()
            chat = self.state.find_chat(ref)
            if chat is None:
                raise bad_request("chat not found")
            scope["chat_id"] = chat.id
        elif scope["type"] in ("chat", "chat_administrators", "chat_member"):
            raise bad_request("chat_id is empty")
        return scope_key(scope), scope

    @staticmethod
    def _language(params: Params) -> str:
        language = params.get_str("language_code") or ""
        if language and not (len(language) == 2 and language.isalpha()):
            raise bad_request("invalid language code specified")
        return language.lower()

    def set_my_commands(self, params: Params) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        cleaned: list[JSON] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = str(item.get("command", "")).lstrip("/")
            description = str(item.get("description", "")).strip()
            if not _COMMAND_NAME.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key, scope = self._scope(params)
        language = self._language(params)
        if cleaned:
            self.state.commands[(key, language)] = cleaned
            self.state.command_scopes[key] = scope
        else:
            self.state.commands.pop((key, language), None)
        return True

    def get_my_commands(self, params: Params) -> list[JSON]:
        key, _ = self._scope(params)
        return list(self.state.commands.get((key, self._language(params)), []))

    def delete_my_commands(self, params: Params) -> bool:
        key, _ = self._scope(params)
        self.state.commands.pop((key, self._language(params)), None)
        return True

    # -- chat information -----------------------------------------------------------

    def get_chat(self, params: Params) -> JSON:
        chat = self._known_chat(params)
        info = chat.to_dict()
        if chat.type == "private":
            user = self.state.users.get(chat.id)
            if user is not None and user.username:
                info["username"] = user.username
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return info

    def get_chat_member(self, params: Params) -> JSON:
        chat = self._known_chat(params)
        user_id = params.get_int("user_id", required=True) or 0
        user = self.state.user(user_id)
        if user is None:
            raise bad_request("user not found")
        return member_dict(user, self.state.member_status(chat, user_id))

    def get_chat_administrators(self, params: Params) -> list[JSON]:
        chat = self._known_chat(params)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        found: list[JSON] = []
        for user_id in chat.members:
            status = self.state.member_status(chat, user_id)
            user = self.state.users.get(user_id)
            if user is not None and status in ("creator", "administrator"):
                found.append(member_dict(user, status))
        if chat.bot_status == "administrator":
            found.append(member_dict(self.state.bot, "administrator"))
        return found

    def get_chat_member_count(self, params: Params) -> int:
        chat = self._known_chat(params)
        if chat.type == "private":
            return 2
        return len(chat.members) + (1 if chat.bot_present else 0)

    def leave_chat(self, params: Params) -> bool:
        chat = self._writable_chat(params)
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        old = chat.bot_status
        chat.bot_status = "left"
        self.state.my_chat_member(chat, self.state.bot, old, "left")
        return True
