"""Callback data of onboarding's buttons: at most 64 bytes, parsed strictly."""

from __future__ import annotations

import pytest

from handlers.agencies import _LIST_CALLBACK
from handlers.onboarding import _INVITE_CALLBACK
from handlers.setup import _SETUP_CALLBACK

BIG = 10**18 - 1  # the largest id the patterns accept (18 digits)


@pytest.mark.parametrize(
    "data",
    [
        f"iv:r:{BIG}:{BIG}",
        f"iv:a:{BIG}:{BIG}",
        f"su:A:{BIG}:{BIG}",
        f"su:a:{BIG}:99999",
        f"ag:p:{BIG}:99999",
    ],
)
def test_largest_callbacks_fit_telegrams_64_bytes(data: str) -> None:
    assert len(data.encode()) <= 64
    assert any(p.fullmatch(data) for p in (_INVITE_CALLBACK, _SETUP_CALLBACK, _LIST_CALLBACK))


@pytest.mark.parametrize(
    "data",
    [
        "su:n",
        "su:w:3",
        "su:c:3",
        "su:f:3",
        "su:a:3:0",
        "su:A:3:12",
    ],
)
def test_setup_callbacks_parse(data: str) -> None:
    assert _SETUP_CALLBACK.fullmatch(data)


@pytest.mark.parametrize(
    "data",
    [
        "su:c:0",  # ids are positive
        "su:c:03",  # no leading zeros
        "su:c:-3",
        "su:x:3",
        "su:a:3",
        "su:A:3:1:2",
        "su:c:3 ",
        "su:n:1",
        "iv:a:3",
        "iv:z:3:4",
        "iv:r:3:" + "9" * 19,  # beyond 64-bit ids
        "ag:p:3:-1",
        "ag:p:3:01",
        "ag:p:3:1\n",
    ],
)
def test_malformed_callbacks_are_rejected(data: str) -> None:
    assert not any(p.fullmatch(data) for p in (_INVITE_CALLBACK, _SETUP_CALLBACK, _LIST_CALLBACK))
