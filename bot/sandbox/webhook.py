"""Webhook mode: push queued updates to the URL set with setWebhook.

Updates go out one at a time, in order, with the secret token header PTB's
webhook server checks; an update leaves the queue only after a 2xx answer,
so a bot that is down receives it later — as with Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import httpx

from bot.sandbox.state import SandboxState


class WebhookPusher:
    def __init__(self, state: SandboxState, retry_seconds: float = 0.5) -> None:
        self.state = state
        self.retry_seconds = retry_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        client: httpx.AsyncClient | None = None
        try:
            while not self.state.closing:
                webhook = self.state.webhook
                if not webhook.url or not self.state.updates:
                    await self.state.wait_changed(1.0)
                    continue
                if client is None:  # created on first use: most sandboxes never push
                    client = httpx.AsyncClient(timeout=10.0)
                update = self.state.updates[0]
                error = await self._post(client, webhook.url, webhook.secret_token, update)
                if error is None:
                    self.state.updates = [
                        u for u in self.state.updates if u["update_id"] != update["update_id"]
                    ]
                    self.state.stats.webhook_deliveries += 1
                    self.state.notify()
                else:
                    webhook.last_error_date = self.state.clock.unix()
                    webhook.last_error_message = error
                    await asyncio.sleep(self.retry_seconds)
        finally:
            if client is not None:
                await client.aclose()

    @staticmethod
    async def _post(
        client: httpx.AsyncClient, url: str, secret: str | None, update: dict[str, object]
    ) -> str | None:
        """POST one update; None on success, else Telegram-style error text."""
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        try:
            response = await client.post(
                url, content=json.dumps(update, ensure_ascii=False).encode(), headers=headers
            )
        except httpx.HTTPError as err:
            return f"Connection failed: {err.__class__.__name__}"
        if 200 <= response.status_code < 300:
            return None
        return f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
