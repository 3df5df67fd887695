"""What a free-text status reply means: the result type of `read_reply`.

The reading is a plain value so the service layer can log it next to the
message it came from (every status change is an append-only row) and the
adapter can decide between applying it and asking with buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Below this the adapter must ask with buttons instead of changing the task:
# DESIGN.md says the bot never guesses silently. 0.6 is where a single clear
# cue ("đã xong", "vướng", "xin gia hạn") lands comfortably above and a
# single weak or contradicted cue ("dạ chưa ạ", "không có vướng mắc") below.
CONFIDENCE_THRESHOLD = 0.6


class ReplyKind(StrEnum):
    """The status a reply reports, or why it reports none."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    MORE_TIME = "more_time"
    NOT_STARTED = "not_started"
    ACKNOWLEDGEMENT = "acknowledgement"
    QUESTION = "question"
    OTHER = "other"


# Kinds that report on the work itself; the others never change a task.
TASK_CHANGING_KINDS = frozenset(
    {
        ReplyKind.DONE,
        ReplyKind.IN_PROGRESS,
        ReplyKind.BLOCKED,
        ReplyKind.MORE_TIME,
        ReplyKind.NOT_STARTED,
    }
)


@dataclass(frozen=True, slots=True)
class ReplyReading:
    """One reading of a reply.

    `percent` is set only for in_progress, `requested_date`/`requested_span`
    only for more_time, `reason` for blocked and for more_time when the reply
    also says what blocks the work. `evidence` (a report reference such as
    "12/BC-STP") is kept only for kinds that change a task, because in an
    acknowledgement a reference names the directive received, not a report.
    """

    kind: ReplyKind
    confidence: float
    percent: int | None = None
    reason: str | None = None
    requested_date: date | None = None
    requested_span: int | None = None  # working days
    evidence: str | None = None
    task_code: str | None = None


def needs_confirmation(reading: ReplyReading) -> bool:
    """True when the bot must ask with buttons rather than act on the reading."""
    return reading.confidence < CONFIDENCE_THRESHOLD


def changes_task(reading: ReplyReading) -> bool:
    """True for kinds that report on the work; acknowledgements, questions and
    anything else never change a task, however confident the reading."""
    return reading.kind in TASK_CHANGING_KINDS
