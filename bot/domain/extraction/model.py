"""What extraction produces: plain frozen dataclasses, no behaviour.

The shapes mirror DESIGN.md's `directives parse` contract, but keep typed
values (dates, `DeadlineSpec`, `Recurrence`) so services can store the
deadline as written and compute the effective one later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.deadlines import DeadlineSpec, Recurrence


class Role(StrEnum):
    """An agency's part in a task, as the directive words it."""

    LEAD = "chủ trì"
    SUPPORT = "phối hợp"
    DO = "thực hiện"


@dataclass(frozen=True, slots=True)
class Reference:
    """A document cited in the body ("Báo cáo số 84/BC-SNV ngày 22/4/2024 của Sở Nội vụ")."""

    number: str
    date: date | None = None
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractionWarning:
    """Something extraction could not settle, so a person checks it instead of a guess.

    `field` points into the contract ("date", "tasks[1].deadline"); `code` is
    machine-readable (texts map it to a message); `detail` is the source
    snippet concerned, never a sentence for the user.
    """

    field: str
    code: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ExtractedTask:
    assignees: tuple[str, ...]
    role: Role
    action: str
    deadline: DeadlineSpec | None = None
    recurrence: Recurrence | None = None
    supporting: tuple[str, ...] = ()
    report_to: str | None = None
    source: str = ""  # the directive's own words for this task


@dataclass(frozen=True, slots=True)
class ExtractedDirective:
    number: str | None = None  # "2268/UBND-TTHC"; None for an unnumbered draft
    symbol: str | None = None  # "UBND-TTHC"
    issuer: str | None = None
    place: str | None = None
    date: date | None = None
    year: int | None = None
    month: int | None = None
    subject: str | None = None
    recipients: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    tasks: tuple[ExtractedTask, ...] = ()
    signer: str | None = None
    signer_title: str | None = None
    warnings: tuple[ExtractionWarning, ...] = field(default_factory=tuple)
