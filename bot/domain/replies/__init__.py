"""Understanding free-text status replies ("đã xong", "đang làm 60%", "vướng: ...").

Public API: `read_reply(text, today, calendar) -> ReplyReading`,
`needs_confirmation`, `changes_task`, `CONFIDENCE_THRESHOLD`, `ReplyKind`, and
`explain_reply` (the rules that fired, for logs).
How replies are read is described in `cues` (questions, negation, aspect),
`decide` (tiers and confidence) and `times` (dates and spans).
"""

from bot.domain.replies.model import (
    CONFIDENCE_THRESHOLD,
    ReplyKind,
    ReplyReading,
    changes_task,
    needs_confirmation,
)
from bot.domain.replies.reader import explain_reply, read_reply

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "ReplyKind",
    "ReplyReading",
    "changes_task",
    "explain_reply",
    "needs_confirmation",
    "read_reply",
]
