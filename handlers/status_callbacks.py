"""Callback data of this room's own buttons (prefix "s:"), built and parsed here only.

Task buttons ("t:...") belong to handlers/keyboards.py; these are the views
and questions of status replies, /status and extensions. Callback data comes
back from any client, so parsing accepts exactly what `data()` writes (ASCII,
positive ids without leading zeros, <= 64 bytes) and returns None for the
rest; handlers still check rights on whatever the data names.

    s:v:{scope}:{target}:{page}   a /status view (scope w A d a o b x; target 0 = none)
    s:c:{draft}:{task}            the task chosen for a pending reply
    s:k:{draft}:{kind}            "did you mean": d p b e n (done, progress, blocked,
                                  more time, nothing)
    s:xa:{request}                approve an extension request
    s:xd:{request}                deny an extension request
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "s"
MAX_BYTES = 64
_ID = r"[1-9][0-9]{0,17}"
_TARGET = rf"(?:0|{_ID})"
_PAGE = r"(?:0|[1-9][0-9]{0,3})"
_PATTERNS = {
    "v": re.compile(rf"^s:v:(?P<scope>[wAdaobx]):(?P<a>{_TARGET}):(?P<b>{_PAGE})$"),
    "c": re.compile(rf"^s:c:(?P<a>{_ID}):(?P<b>{_ID})$"),
    "k": re.compile(rf"^s:k:(?P<a>{_ID}):(?P<kind>[dpben])$"),
    "xa": re.compile(rf"^s:xa:(?P<a>{_ID})$"),
    "xd": re.compile(rf"^s:xd:(?P<a>{_ID})$"),
}


class Op(StrEnum):
    VIEW = "v"
    CHOOSE_TASK = "c"
    CONFIRM = "k"
    APPROVE = "xa"
    DENY = "xd"


# "Did you mean" choices and the reply kinds they confirm.
CONFIRM_KINDS = {
    "d": "done",
    "p": "in_progress",
    "b": "blocked",
    "e": "more_time",
    "n": "other",
}


@dataclass(frozen=True, slots=True)
class StatusCallback:
    op: Op
    first: int = 0  # target id, draft id or request id
    second: int = 0  # page or task id
    scope: str | None = None
    kind: str | None = None


def data(callback: StatusCallback) -> str:
    """The callback data for a button; raises ValueError on a shape `parse` refuses."""
    if callback.op is Op.VIEW:
        text = f"s:v:{callback.scope}:{callback.first}:{callback.second}"
    elif callback.op is Op.CHOOSE_TASK:
        text = f"s:c:{callback.first}:{callback.second}"
    elif callback.op is Op.CONFIRM:
        text = f"s:k:{callback.first}:{callback.kind}"
    else:
        text = f"s:{callback.op.value}:{callback.first}"
    if parse(text) != callback:
        raise ValueError(f"not a valid status callback: {text!r}")
    return text


def view(scope: str, target: int = 0, page: int = 0) -> str:
    return data(StatusCallback(Op.VIEW, target, page, scope=scope))


def choose(draft_id: int, task_id: int) -> str:
    return data(StatusCallback(Op.CHOOSE_TASK, draft_id, task_id))


def confirm(draft_id: int, kind: str) -> str:
    return data(StatusCallback(Op.CONFIRM, draft_id, kind=kind))


def approve(request_id: int) -> str:
    return data(StatusCallback(Op.APPROVE, request_id))


def deny(request_id: int) -> str:
    return data(StatusCallback(Op.DENY, request_id))


def parse(text: str | None) -> StatusCallback | None:
    """The button pressed, or None for anything this module did not write."""
    if not text or len(text.encode("utf-8", "replace")) > MAX_BYTES or not text.isascii():
        return None
    parts = text.split(":", 2)
    if len(parts) < 3 or parts[0] != PREFIX or parts[1] not in _PATTERNS:
        return None
    match = _PATTERNS[parts[1]].fullmatch(text)
    if match is None:
        return None
    op = Op(parts[1])
    first = int(match["a"])
    if op is Op.VIEW:
        return StatusCallback(op, first, int(match["b"]), scope=match["scope"])
    if op is Op.CHOOSE_TASK:
        return StatusCallback(op, first, int(match["b"]))
    if op is Op.CONFIRM:
        return StatusCallback(op, first, kind=match["kind"])
    return StatusCallback(op, first)
