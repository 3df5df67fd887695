"""Errors the sandbox answers with, shaped like the Bot API's."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error: HTTP status, Telegram description, optional parameters.

    Raised anywhere inside a Bot API method; the server turns it into
    ``{"ok": false, "error_code": ..., "description": ..., "parameters": ...}``.
    """

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str, parameters: dict[str, Any] | None = None) -> ApiError:
    """400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}", parameters)


def forbidden(detail: str) -> ApiError:
    """403 with Telegram's "Forbidden: " prefix."""
    return ApiError(403, f"Forbidden: {detail}")


class SandboxError(Exception):
    """A misuse of the sandbox's test API (unknown user, no such button, ...).

    Over HTTP it becomes a 400 answer from ``/sandbox/...``; ``SandboxClient``
    raises it again on the caller's side.
    """
