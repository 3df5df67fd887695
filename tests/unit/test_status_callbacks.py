"""The "s:" callback data: what is written parses back, nothing else does."""

from __future__ import annotations

import pytest

from handlers import status_callbacks as callbacks
from handlers.status_callbacks import Op, StatusCallback


def test_round_trips() -> None:
    assert callbacks.parse(callbacks.view("d", 12, 3)) == StatusCallback(Op.VIEW, 12, 3, scope="d")
    assert callbacks.parse(callbacks.view("w")) == StatusCallback(Op.VIEW, 0, 0, scope="w")
    assert callbacks.parse(callbacks.choose(5, 77)) == StatusCallback(Op.CHOOSE_TASK, 5, 77)
    assert callbacks.parse(callbacks.confirm(5, "e")) == StatusCallback(Op.CONFIRM, 5, kind="e")
    assert callbacks.parse(callbacks.approve(9)) == StatusCallback(Op.APPROVE, 9)
    assert callbacks.parse(callbacks.deny(9)) == StatusCallback(Op.DENY, 9)


def test_the_longest_data_fits_in_64_bytes() -> None:
    big = 10**18 - 1
    assert len(callbacks.view("x", big, 9999).encode()) <= 64
    assert len(callbacks.choose(big, big).encode()) <= 64


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "s:v:z:1:0",  # unknown scope
        "s:v:d:01:0",  # leading zero
        "s:v:d:-1:0",
        "s:v:d:1:10000",  # page out of range
        "s:c:0:5",  # draft id 0
        "s:k:1:q",
        "s:xa:",
        "s:xa:1:2",
        "s:xa:1 ",
        "t:1:d",
        "s:v:d:1:0" + "0" * 60,
        "s:xa:١٢",  # non-ASCII digits
    ],
)
def test_anything_else_is_refused(data: str | None) -> None:
    assert callbacks.parse(data) is None


def test_building_an_invalid_button_raises() -> None:
    with pytest.raises(ValueError):
        callbacks.view("z", 1, 0)
    with pytest.raises(ValueError):
        callbacks.view("d", 1, 10_000)
