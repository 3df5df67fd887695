"""A digest that failed to send is retried when Telegram said it was not
delivered (5xx, flood control, no connection) and reported as 'unknown'
only when the answer never came."""

from __future__ import annotations

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.services.digest import DeliveryFailure
from jobs.digest import _classify


def _network_error(cause: Exception | None, message: str = "x") -> NetworkError:
    error = NetworkError(message)
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NetworkError("Internal Server Error"), DeliveryFailure.RETRY),  # an HTTP 5xx answer
        (NetworkError("Bad Gateway"), DeliveryFailure.RETRY),
        (RetryAfter(12), DeliveryFailure.RETRY),
        (_network_error(httpx.ConnectError("refused")), DeliveryFailure.RETRY),
        (_network_error(httpx.RemoteProtocolError("disconnected")), DeliveryFailure.UNKNOWN),
        (TimedOut(), DeliveryFailure.UNKNOWN),
        (Forbidden("bot was kicked from the group chat"), DeliveryFailure.GONE),
        (BadRequest("Chat not found"), DeliveryFailure.GONE),
    ],
)
def test_failures_are_sorted_by_whether_telegram_may_have_delivered(
    error: Exception, expected: DeliveryFailure
) -> None:
    assert _classify(error).kind is expected


def test_flood_control_keeps_its_wait() -> None:
    assert _classify(RetryAfter(12)).retry_after == 12
