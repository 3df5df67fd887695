"""The HTTP face of the sandbox: tornado routes, fault injection, start/stop.

Routes:

- ``/bot<token>/<method>`` (GET or POST; JSON, form-urlencoded or multipart):
  the Bot API.
- ``/file/bot<token>/<file_path>``: file downloads (what ``File.download_*``
  fetches).
- ``/sandbox/<operation>`` (POST, JSON object of keyword arguments): the test
  API (see ``bot.sandbox.testapi``); ``GET /sandbox/files/<file_id>`` returns
  a file's bytes. Faults never apply here.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import signal
from collections.abc import Callable
from dataclasses import asdict
from types import TracebackType
from typing import TYPE_CHECKING, Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.sandbox.botapi import SEND_METHODS, BotApi
from bot.sandbox.clock import SandboxClock
from bot.sandbox.config import SandboxConfig
from bot.sandbox.errors import ApiError, SandboxError
from bot.sandbox.faults import Fault, FaultInjector, FaultSettings
from bot.sandbox.limits import RateLimiter, RateLimits
from bot.sandbox.params import Params, Upload
from bot.sandbox.state import SandboxState
from bot.sandbox.testapi import OPERATIONS, TestApi
from bot.sandbox.webhook import WebhookPusher

if TYPE_CHECKING:
    from bot.sandbox.client import SandboxClient

_LOGGER = logging.getLogger(__name__)
_FAULT_ANSWERS = {
    Fault.ERROR_500: (500, "Internal Server Error"),
    Fault.ERROR_502: (502, "Bad Gateway"),
}


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


class _Handler(tornado.web.RequestHandler):
    sandbox: Sandbox

    def initialize(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def compute_etag(self) -> str | None:
        return None

    def check_xsrf_cookie(self) -> None:
        return None

    def reply(self, status: int, payload: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(_json_bytes(payload))

    def drop(self) -> None:
        """Close the connection without answering (what a network failure looks like)."""
        self.detach().close()

    def apply_fault(self) -> bool:
        """Inject the configured fault, if any; True when the request was consumed."""
        fault = self.sandbox.faults.before_call()
        stats = self.sandbox.state.stats
        if fault is Fault.DROP:
            stats.drops += 1
            self.drop()
            return True
        if fault in _FAULT_ANSWERS:
            code, text = _FAULT_ANSWERS[fault]
            stats.faults_5xx += 1
            self.reply(code, {"ok": False, "error_code": code, "description": text})
            return True
        return False

    def token_error(self, token: str) -> ApiError | None:
        if token == self.sandbox.config.bot_token:
            return None
        if ":" not in token:
            return ApiError(404, "Not Found")
        return ApiError(401, "Unauthorized")


class BotApiHandler(_Handler):
    """``/bot<token>/<method>``."""

    _task: asyncio.Future[Any] | None = None

    def _params(self) -> Params:
        request = self.request
        values: dict[str, Any] = {
            name: raw[-1].decode("utf-8", errors="replace")
            for name, raw in request.query_arguments.items()
        }
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and request.body:
            try:
                body = json.loads(request.body)
            except json.JSONDecodeError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON body must be an object")
            values.update(body)
        else:
            for name, raw in request.body_arguments.items():
                values[name] = raw[-1].decode("utf-8", errors="replace")
        files = {
            name: Upload(parts[-1].filename or None, parts[-1].body, parts[-1].content_type)
            for name, parts in request.files.items()
        }
        return Params(values, files)

    async def get(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def _handle(self, token: str, method: str) -> None:
        sandbox = self.sandbox
        stats = sandbox.state.stats
        stats.requests[sandbox.api.canonical_name(method)] += 1
        error = self.token_error(token)
        if error is not None:
            stats.errors[error.code] += 1
            self.reply(error.code, error.to_json())
            return
        if self.apply_fault():
            return
        try:
            self._task = asyncio.ensure_future(sandbox.api.call(method, self._params()))
            result = await self._task
        except ApiError as err:
            stats.errors[err.code] += 1
            self.reply(err.code, err.to_json())
            return
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling() == 0:
                return  # only the call was cancelled: the client went away mid long poll
            raise
        if method.lower() in SEND_METHODS and sandbox.faults.lose_ack():
            stats.acks_lost += 1
            self.drop()
            return
        self.reply(200, {"ok": True, "result": result})

    def on_connection_close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()


class FileHandler(_Handler):
    """``/file/bot<token>/<file_path>``."""

    async def get(self, token: str, path: str) -> None:
        error = self.token_error(token)
        if error is not None:
            self.reply(error.code, error.to_json())
            return
        if self.apply_fault():
            return
        stored = self.sandbox.state.files_by_path.get(path)
        if stored is None:
            self.reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.content)


class TestApiHandler(_Handler):
    """``POST /sandbox/<operation>`` with a JSON object of keyword arguments."""

    async def post(self, operation: str) -> None:
        if operation not in OPERATIONS:
            self.reply(404, {"ok": False, "description": f"unknown operation {operation}"})
            return
        try:
            kwargs = json.loads(self.request.body or b"{}")
            if not isinstance(kwargs, dict):
                raise SandboxError("the body must be a JSON object")
            result = getattr(self.sandbox.testapi, operation)(**kwargs)
            if inspect.isawaitable(result):
                result = await result
        except (SandboxError, TypeError, ValueError, KeyError) as err:
            self.reply(400, {"ok": False, "description": f"{operation}: {err}"})
            return
        self.reply(200, {"ok": True, "result": result})


class TestFileHandler(_Handler):
    """``GET /sandbox/files/<file_id>``: raw bytes of any stored file."""

    def get(self, file_id: str) -> None:
        try:
            content = self.sandbox.testapi.download(file_id)
        except SandboxError as err:
            self.reply(404, {"ok": False, "description": str(err)})
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(content)


class RootHandler(_Handler):
    def get(self) -> None:
        self.reply(
            200,
            {
                "ok": True,
                "sandbox": True,
                "api_url": self.sandbox.api_url,
                "file_url": self.sandbox.file_url,
                "bot_username": self.sandbox.config.bot_username,
            },
        )


class Sandbox:
    """A local fake Telegram Bot API server, running in the caller's event loop.

    ``clock`` replaces ``time.monotonic`` for rate limits and outages (tests);
    the test API's ``advance_clock`` moves it forward over HTTP as well.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.config = config or SandboxConfig()
        self.clock = SandboxClock(monotonic=clock)
        self.state = SandboxState(self.config, self.clock)
        base_limits = RateLimits(
            global_rate_per_second=self.config.global_rate_per_second,
            group_rate_per_minute=self.config.group_rate_per_minute,
            private_rate_per_second=self.config.private_rate_per_second,
            private_burst=self.config.private_burst,
        )
        self.limiter = RateLimiter(RateLimits(**asdict(base_limits)), self.clock.monotonic)
        self.faults = FaultInjector(
            FaultSettings(
                failure_rate=self.config.failure_rate,
                drop_rate=self.config.drop_rate,
                ack_loss_rate=self.config.ack_loss_rate,
            ),
            self.clock.monotonic,
            self.config.seed,
        )
        self.api = BotApi(self.state, self.limiter)
        self.testapi = TestApi(self.state, self.limiter, self.faults, base_limits)
        self._webhook = WebhookPusher(self.state)
        self._server: tornado.httpserver.HTTPServer | None = None
        self._host = "127.0.0.1"
        self._port: int | None = None

    # -- addresses --------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the sandbox is not started")
        return self._port

    @property
    def url(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:8081`` (TELEGRAM_API_URL)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        """PTB's ``base_url``: ``<url>/bot``."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        """PTB's ``base_file_url``: ``<url>/file/bot``."""
        return f"{self.url}/file/bot"

    @property
    def token(self) -> str:
        return self.config.bot_token

    def client(self) -> SandboxClient:
        """A test-API client for this sandbox (over HTTP, like any other process)."""
        from bot.sandbox.client import SandboxClient

        return SandboxClient(self.url)

    # -- lifecycle ----------------------------------------------------------------

    def _application(self) -> tornado.web.Application:
        args = {"sandbox": self}
        settings: dict[str, Any] = {}
        if not self.config.access_log:
            settings["log_function"] = lambda _handler: None
        return tornado.web.Application(
            [
                (r"/", RootHandler, args),
                (r"/bot([^/]+)/([A-Za-z0-9_]+)/?", BotApiHandler, args),
                (r"/file/bot([^/]+)/(.+)", FileHandler, args),
                (r"/sandbox/files/([^/]+)", TestFileHandler, args),
                (r"/sandbox/([a-z_]+)", TestApiHandler, args),
            ],
            **settings,
        )

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (0 picks a free port; see ``url``)."""
        if self._server is not None:
            raise RuntimeError("the sandbox is already started")
        sockets = tornado.netutil.bind_sockets(port, host)
        self._host = host
        self._port = int(sockets[0].getsockname()[1])
        self.state.closing = False
        self._server = tornado.httpserver.HTTPServer(
            self._application(), max_body_size=self.config.max_upload_bytes + 1024 * 1024
        )
        self._server.add_sockets(sockets)
        self._webhook.start()
        _LOGGER.info("Telegram Bot API sandbox listening on %s", self.url)

    async def stop(self) -> None:
        """Stop listening, end pending long polls and close every connection."""
        if self._server is None:
            return
        self.state.closing = True
        self.state.notify()
        await self._webhook.stop()
        self._server.stop()
        await asyncio.sleep(0)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.close_all_connections(), timeout=5.0)
        self._server = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


async def _serve(host: str, port: int, config: SandboxConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    sandbox = Sandbox(config)
    await sandbox.start(host, port)
    try:
        print(f"Telegram Bot API sandbox listening on {sandbox.url}", flush=True)
        print(f"  bot: @{config.bot_username}  token: {config.bot_token}", flush=True)
        print(f"  use TELEGRAM_API_URL={sandbox.url}", flush=True)
        print(f"  test API: {sandbox.url}/sandbox/<operation>  (Ctrl-C to stop)", flush=True)
        await stop.wait()
    finally:
        await sandbox.stop()
        print("sandbox stopped", flush=True)


def serve(host: str = "127.0.0.1", port: int = 8081, config: SandboxConfig | None = None) -> None:
    """Run a sandbox until Ctrl-C or SIGTERM (for ``nhacviec sandbox``); blocks."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(host, port, config or SandboxConfig()))
