"""Directive intake: a directive's text or file becomes a preview, then tasks.

The coordinator sees everything before anything is stored: `preview` reads
the text (or the file), extracts the directive, matches every assignee to the
workspace's registry and computes each effective deadline on the working-day
calendar, counted from the directive's own date. Nothing is guessed
silently: an assignee that names nobody in particular ("các cơ quan, đơn vị
liên quan"), a qualified group, an ambiguous name stays unmatched with the
words as written, and a relative deadline without a date to count from
carries a warning instead of a made-up date.

The preview is a plain, JSON-serialisable value: the chat keeps it in the
Draft table while the coordinator edits it (deadline, agency, drop or add a
task), so an edit survives a restart. `save` turns it into one Directive and
one Task per agency per task, each with its short code ("T42") and its first
reminder planned.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.agencies import (
    AgencyCategory,
    AgencyRecord,
    AgencyRegistry,
    AssigneeMatch,
    MatchNote,
    MatchStatus,
    match_assignee,
)
from bot.domain.calendar import WorkingCalendar
from bot.domain.deadlines import (
    DeadlineKind,
    DeadlineSpec,
    Recurrence,
    RelativeAnchor,
    RelativeSpan,
    RelativeUnit,
    effective_deadline,
)
from bot.domain.extraction import (
    ExtractedDirective,
    ExtractedTask,
    extract_directive,
    to_contract_json,
)
from bot.domain.extraction import Role as ExtractedRole
from bot.domain.recurrence import next_occurrence, occurrence_spec
from bot.runtime import Runtime
from bot.services.recurrence import recurrence_from_json, recurrence_to_json
from bot.services.reminders import schedule_task
from storage.models import Agency, Directive, Draft, Task, TaskRole, TaskState
from storage.repositories import agencies as agency_repo
from storage.repositories import directives as repo
from storage.repositories import drafts as draft_repo
from storage.repositories import workspaces as workspace_repo

log = logging.getLogger("nhacviec.intake")

CODE_PREFIX = "T"
SAVE_ATTEMPTS = 3

ROLE_OF: dict[ExtractedRole, TaskRole] = {
    ExtractedRole.LEAD: TaskRole.LEAD,
    ExtractedRole.SUPPORT: TaskRole.SUPPORT,
    ExtractedRole.DO: TaskRole.PERFORM,
}

# Match statuses the coordinator should look at twice.
CHOSEN = "chosen"  # the coordinator picked the agencies (not a match status)


# -- errors ----------------------------------------------------------------------


class IntakeError(ValueError):
    """The directive cannot be taken in as given; nothing was stored."""


class EmptySource(IntakeError):
    """No text at all (an empty message or a file with no words)."""


class UnreadableFile(IntakeError):
    """The file cannot be read; `reason` is bot.documents' reason code."""

    def __init__(self, reason: str, file_name: str) -> None:
        self.reason = reason
        self.file_name = file_name
        super().__init__(f"{file_name}: {reason}")


class NothingToSave(IntakeError):
    """No task has an agency to give it to."""


class DuplicateDirective(IntakeError):
    """A directive with this number is already stored in the workspace."""

    def __init__(self, duplicate: Duplicate) -> None:
        self.duplicate = duplicate
        super().__init__(duplicate.number)


# -- the preview ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgencyRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class AssigneeLine:
    """One assignee as the directive writes it, and the agencies it stands for.

    `status` is a MatchStatus value, or CHOSEN once the coordinator picked;
    `note` a MatchNote name in lower case ("unspecified", "spelling") that
    the texts explain; `candidates` the agencies an ambiguous name may mean.
    """

    text: str
    status: str
    agencies: tuple[AgencyRef, ...] = ()
    note: str | None = None
    candidates: tuple[AgencyRef, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.agencies)

    @property
    def needs_check(self) -> bool:
        """Matched on a close spelling only: shown with a warning."""
        return self.status == MatchStatus.FUZZY.value


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning for the coordinator: a code the texts translate, and the words concerned."""

    code: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PlannedTask:
    """One task of the directive as it will be stored (one Task per agency)."""

    role: ExtractedRole
    action: str
    lines: tuple[AssigneeLine, ...]
    deadline: DeadlineSpec | None = None
    effective: date | None = None
    recurrence: Recurrence | None = None
    first_occurrence: bool = False  # the deadline is the recurrence's first period's
    supporting: tuple[str, ...] = ()
    report_to: str | None = None
    notices: tuple[Notice, ...] = ()
    added: bool = False  # typed in by the coordinator
    edited: bool = False  # deadline or agency changed by the coordinator
    deadline_edited: bool = False  # the deadline is the coordinator's typed date

    @property
    def agencies(self) -> tuple[AgencyRef, ...]:
        """Distinct agencies of all lines, first mention first."""
        seen: dict[int, AgencyRef] = {}
        for line in self.lines:
            for agency in line.agencies:
                seen.setdefault(agency.id, agency)
        return tuple(seen.values())

    @property
    def unmatched(self) -> tuple[AssigneeLine, ...]:
        return tuple(line for line in self.lines if not line.matched)


@dataclass(frozen=True, slots=True)
class Duplicate:
    directive_id: int
    number: str
    issued_on: date | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IntakePreview:
    """Everything the coordinator confirms; JSON-serialisable (see `to_json`)."""

    workspace_id: int
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued_on: date | None = None
    year: int | None = None
    month: int | None = None
    subject: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    tasks: tuple[PlannedTask, ...] = ()
    notices: tuple[Notice, ...] = ()
    source_text: str = ""
    file_name: str | None = None
    file_id: str | None = None
    extraction: dict[str, Any] = field(default_factory=dict)
    duplicate: Duplicate | None = None

    @property
    def task_count(self) -> int:
        """Tasks `save` will create: one per agency per task."""
        return sum(len(task.agencies) for task in self.tasks)

    @property
    def unmatched(self) -> tuple[tuple[int, AssigneeLine], ...]:
        """(task index, line) of every assignee without an agency."""
        return tuple((i, line) for i, task in enumerate(self.tasks) for line in task.unmatched)

    def to_json(self) -> dict[str, Any]:
        return _preview_to_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IntakePreview:
        return _preview_from_json(data)


@dataclass(frozen=True, slots=True)
class SavedDirective:
    directive_id: int
    number: str | None
    task_ids: tuple[int, ...]
    task_codes: tuple[str, ...]
    agencies: int  # distinct agencies given a task
    skipped: int  # assignee lines left without an agency

    @property
    def task_count(self) -> int:
        return len(self.task_ids)


# -- reading the source --------------------------------------------------------------


def read_file(file_name: str, data: bytes) -> str:
    """The text of an uploaded file (.txt, .md, .docx, .pdf with a text layer)."""
    from bot.documents import UnreadableDocument, read_document

    try:
        return read_document(file_name, data)
    except UnreadableDocument as error:
        raise UnreadableFile(str(error.reason), file_name) from error


async def preview(
    runtime: Runtime,
    workspace_id: int,
    *,
    text: str | None = None,
    file_name: str | None = None,
    data: bytes | None = None,
    file_id: str | None = None,
) -> IntakePreview:
    """Read, extract, match and compute: the preview of a directive.

    Give `text`, or `file_name` and `data`. Raises UnreadableFile or
    EmptySource; stores nothing.
    """
    if data is not None:
        source = await asyncio.to_thread(read_file, file_name or "", data)
    else:
        source = text or ""
    if not source.strip():
        raise EmptySource()
    extracted = await asyncio.to_thread(extract_directive, source)
    async with runtime.database.session() as session:
        registry, refs = await workspace_registry(session, workspace_id)
        duplicate = await _duplicate(session, workspace_id, extracted.number)
    return build_preview(
        extracted,
        registry,
        refs,
        workspace_id=workspace_id,
        calendar=runtime.calendar,
        today=runtime.today(),
        source_text=source,
        file_name=file_name,
        file_id=file_id,
        duplicate=duplicate,
    )


async def _duplicate(
    session: AsyncSession, workspace_id: int, number: str | None
) -> Duplicate | None:
    if not number:
        return None
    existing = await repo.by_number(session, workspace_id, number)
    if existing is None or existing.id is None:
        return None
    return Duplicate(existing.id, number, existing.issued_on, existing.created_at)


# -- the registry --------------------------------------------------------------------

_TERRITORY = re.compile(
    r"\b((?:tỉnh|thành phố|huyện|thị xã|quận|thị trấn|đặc khu|xã|phường)\s+\S.*)$",
    re.IGNORECASE,
)


def territory_of(workspace_name: str) -> str | None:
    """ "Sở Nội vụ tỉnh Quảng Ngãi" -> "tỉnh Quảng Ngãi": the place suffix that
    lets "Sở Tư pháp tỉnh Quảng Ngãi" match and "... tỉnh Bình Định" not."""
    match = _TERRITORY.search(" ".join(workspace_name.split()))
    return match[1] if match else None


def agency_record(agency: Agency, parent_code: str | None = None) -> AgencyRecord:
    try:
        category = AgencyCategory(agency.category)
    except ValueError:
        category = AgencyCategory.KHAC
    return AgencyRecord(
        code=agency.code,
        name=agency.name,
        aliases=tuple(agency.aliases or ()),
        category=category,
        parent_code=parent_code,
        head_title=agency.head_title,
    )


async def workspace_registry(
    session: AsyncSession, workspace_id: int
) -> tuple[AgencyRegistry, dict[str, AgencyRef]]:
    """The workspace's active agencies as a matching registry, and refs by code."""
    workspace = await workspace_repo.get(session, workspace_id)
    rows = [a for a in await agency_repo.all_in(session, workspace_id) if a.active]
    codes = {a.id: a.code for a in rows}
    registry = AgencyRegistry(
        (agency_record(a, codes.get(a.parent_id) if a.parent_id else None) for a in rows),
        territory_of(workspace.name) if workspace else None,
    )
    refs = {a.code: AgencyRef(a.id, a.code, a.name) for a in rows if a.id is not None}
    return registry, refs


# -- building the preview (pure) ---------------------------------------------------------


def line_of(match: AssigneeMatch, refs: dict[str, AgencyRef]) -> AssigneeLine:
    note = MatchNote(match.note).name.lower() if match.note else None
    return AssigneeLine(
        text=match.text,
        status=match.status.value,
        agencies=tuple(refs[c] for c in match.codes if c in refs),
        note=note,
        candidates=tuple(refs[c] for c in match.candidates if c in refs),
    )


def build_preview(
    extracted: ExtractedDirective,
    registry: AgencyRegistry,
    refs: dict[str, AgencyRef],
    *,
    workspace_id: int,
    calendar: WorkingCalendar,
    today: date,
    source_text: str = "",
    file_name: str | None = None,
    file_id: str | None = None,
    duplicate: Duplicate | None = None,
) -> IntakePreview:
    """The preview of an extracted directive against a registry (no I/O)."""
    task_notices: dict[int, list[Notice]] = {}
    notices: list[Notice] = []
    for warning in extracted.warnings:
        index = _task_index(warning.field)
        if index is not None and index < len(extracted.tasks):
            task_notices.setdefault(index, []).append(Notice(warning.code, warning.detail))
        else:
            notices.append(Notice(warning.code, warning.detail))
    if duplicate is not None:
        notices.insert(0, Notice("duplicate", duplicate.number))
    tasks = tuple(
        _planned(
            task,
            registry,
            refs,
            anchor=extracted.date,
            calendar=calendar,
            today=today,
            notices=task_notices.get(i, []),
        )
        for i, task in enumerate(extracted.tasks)
    )
    contract = to_contract_json(extracted)
    for task_json, planned in zip(contract["tasks"], tasks, strict=True):
        task_json["matched"] = [[a.code for a in line.agencies] for line in planned.lines]
    return IntakePreview(
        workspace_id=workspace_id,
        number=extracted.number,
        symbol=extracted.symbol,
        issuer=extracted.issuer,
        place=extracted.place,
        issued_on=extracted.date,
        year=extracted.year,
        month=extracted.month,
        subject=extracted.subject,
        signer=extracted.signer,
        signer_title=extracted.signer_title,
        tasks=tasks,
        notices=tuple(notices),
        source_text=source_text,
        file_name=file_name,
        file_id=file_id,
        extraction=contract,
        duplicate=duplicate,
    )


_TASK_FIELD = re.compile(r"^tasks\[(\d+)\]")


def _task_index(field_name: str) -> int | None:
    match = _TASK_FIELD.match(field_name)
    return int(match[1]) if match else None


def _planned(
    task: ExtractedTask,
    registry: AgencyRegistry,
    refs: dict[str, AgencyRef],
    *,
    anchor: date | None,
    calendar: WorkingCalendar,
    today: date,
    notices: list[Notice],
) -> PlannedTask:
    lines = tuple(line_of(match_assignee(name, registry), refs) for name in task.assignees)
    spec, first = task.deadline, False
    if spec is None and task.recurrence is not None:
        spec = first_occurrence(task.recurrence, anchor or today)
        first = spec is not None
    effective = effective_deadline(spec, calendar, anchor) if spec else None
    planned = PlannedTask(
        role=task.role,
        action=task.action,
        lines=lines,
        deadline=spec,
        effective=effective,
        recurrence=task.recurrence,
        first_occurrence=first,
        supporting=task.supporting,
        report_to=task.report_to,
        notices=tuple(notices),
    )
    return with_deadline_notices(planned, today)


def first_occurrence(recurrence: Recurrence, start: date) -> DeadlineSpec | None:
    """The first period's deadline on or after `start` ("định kỳ hằng quý" from
    6/5/2024 -> 30/6/2024), so a recurring duty gets reminders from the outset."""
    if recurrence.kind is DeadlineKind.RELATIVE:
        return None
    stated = next_occurrence(recurrence, start - timedelta(days=1))
    return occurrence_spec(recurrence, stated)


_DEADLINE_NOTICES = frozenset({"relative_no_anchor", "deadline_past"})


def with_deadline_notices(task: PlannedTask, today: date) -> PlannedTask:
    """Recompute the notices that depend on the computed deadline."""
    kept = [n for n in task.notices if n.code not in _DEADLINE_NOTICES]
    spec = task.deadline
    if spec is not None and spec.kind is DeadlineKind.RELATIVE and task.effective is None:
        kept.append(Notice("relative_no_anchor", spec.text))
    if task.effective is not None and task.effective < today:
        kept.append(Notice("deadline_past", task.effective.isoformat()))
    return replace(task, notices=tuple(kept))


# -- edits (pure: each returns a new preview) -------------------------------------------


def set_deadline(
    preview: IntakePreview, index: int, day: date | None, text: str, today: date
) -> IntakePreview:
    """The coordinator's date replaces the task's deadline (None: no deadline).

    A typed date is the last day that counts ("no later than"), so the
    effective deadline is the date itself.
    """
    task = preview.tasks[index]
    spec = DeadlineSpec(DeadlineKind.NO_LATER_THAN, text=text, stated=day) if day else None
    kept = tuple(n for n in task.notices if n.code not in _DATE_NOTICES)
    changed = replace(
        task,
        deadline=spec,
        effective=day,
        first_occurrence=False,
        notices=kept,
        edited=True,
        deadline_edited=True,
    )
    return _with_task(preview, index, with_deadline_notices(changed, today))


# Extraction's warnings about the written deadline; moot once the coordinator typed one.
_DATE_NOTICES = frozenset(
    {"year_inferred", "year_unknown", "invalid_date", "several_deadlines", "past_period"}
)


def set_agencies(
    preview: IntakePreview, index: int, line: int | None, agencies: Sequence[AgencyRef]
) -> IntakePreview:
    """The coordinator's agencies replace one assignee line (None: a new line)."""
    task = preview.tasks[index]
    lines = list(task.lines)
    if line is None or line >= len(lines):
        text = ", ".join(a.name for a in agencies)
        lines.append(AssigneeLine(text, CHOSEN, tuple(agencies)))
    else:
        lines[line] = AssigneeLine(lines[line].text, CHOSEN, _distinct(agencies))
    return _with_task(preview, index, replace(task, lines=tuple(lines), edited=True))


def drop_task(preview: IntakePreview, index: int) -> IntakePreview:
    tasks = preview.tasks[:index] + preview.tasks[index + 1 :]
    return replace(preview, tasks=tasks)


def add_task(
    preview: IntakePreview,
    agencies: Sequence[AgencyRef],
    action: str,
    day: date | None,
    deadline_text: str,
    today: date,
) -> IntakePreview:
    """A task the extraction missed, typed in by the coordinator ("thực hiện")."""
    text = ", ".join(a.name for a in agencies)
    spec = DeadlineSpec(DeadlineKind.NO_LATER_THAN, deadline_text, day) if day else None
    task = PlannedTask(
        role=ExtractedRole.DO,
        action=" ".join(action.split()),
        lines=(AssigneeLine(text, CHOSEN, _distinct(agencies)),),
        deadline=spec,
        effective=day,
        added=True,
        deadline_edited=day is not None,
    )
    return replace(preview, tasks=(*preview.tasks, with_deadline_notices(task, today)))


def _with_task(preview: IntakePreview, index: int, task: PlannedTask) -> IntakePreview:
    tasks = list(preview.tasks)
    tasks[index] = task
    return replace(preview, tasks=tuple(tasks))


def _distinct(agencies: Iterable[AgencyRef]) -> tuple[AgencyRef, ...]:
    return tuple({a.id: a for a in agencies}.values())


_TYPED_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def parse_typed_date(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (also d/m/yyyy, with - or .); None if not a real date."""
    match = _TYPED_DATE.match(text or "")
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


# -- saving ----------------------------------------------------------------------------


async def save(
    runtime: Runtime, draft: IntakePreview, *, created_by: int | None = None
) -> SavedDirective:
    """Store the directive and one task per agency per task, all or nothing.

    Raises DuplicateDirective when the number is already stored in the
    workspace (checked first, and enforced by the unique index when two
    saves race), NothingToSave when no task has an agency.
    """
    if draft.task_count == 0:
        raise NothingToSave()
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            return await _save_once(runtime, draft, created_by)
        except IntegrityError:
            duplicate = await _stored_duplicate(runtime, draft)
            if duplicate is not None:
                raise DuplicateDirective(duplicate) from None
            if attempt == SAVE_ATTEMPTS:
                raise
            log.info("task code taken by a concurrent save; retrying (%s)", attempt)
    raise AssertionError("unreachable")


async def _stored_duplicate(runtime: Runtime, draft: IntakePreview) -> Duplicate | None:
    async with runtime.database.session() as session:
        return await _duplicate(session, draft.workspace_id, draft.number)


async def _save_once(
    runtime: Runtime, draft: IntakePreview, created_by: int | None
) -> SavedDirective:
    now = runtime.now()
    async with runtime.database.session() as session:
        duplicate = await _duplicate(session, draft.workspace_id, draft.number)
        if duplicate is not None:
            raise DuplicateDirective(duplicate)
        known = {
            a.id
            for a in await agency_repo.all_in(session, draft.workspace_id)
            if a.active and a.id is not None
        }
        directive = await repo.add(session, _directive_row(draft, created_by, now))
        assert directive.id is not None
        number = await repo.next_task_number(session, draft.workspace_id)
        rows: list[Task] = []
        skipped = len(draft.unmatched)
        for planned in draft.tasks:
            for agency in planned.agencies:
                if agency.id not in known:  # removed since the preview, or forged
                    skipped += 1
                    continue
                row = _task_row(planned, agency, draft, directive.id, f"{CODE_PREFIX}{number}")
                row.created_at = now
                schedule_task(row, runtime)
                rows.append(row)
                number += 1
        if not rows:
            raise NothingToSave()
        await repo.add_tasks(session, rows)
        return SavedDirective(
            directive_id=directive.id,
            number=directive.number,
            task_ids=tuple(r.id for r in rows if r.id is not None),
            task_codes=tuple(r.code for r in rows),
            agencies=len({r.agency_id for r in rows}),
            skipped=skipped,
        )


def _directive_row(draft: IntakePreview, created_by: int | None, now: datetime) -> Directive:
    return Directive(
        workspace_id=draft.workspace_id,
        number=draft.number or None,
        symbol=draft.symbol,
        issuer=_clip(draft.issuer, 300),
        place=_clip(draft.place, 120),
        issued_on=draft.issued_on,
        year=draft.year,
        subject=draft.subject,
        signer=_clip(draft.signer, 200),
        signer_title=_clip(draft.signer_title, 200),
        source_text=draft.source_text,
        source_file_name=_clip(draft.file_name, 255),
        source_file_id=_clip(draft.file_id, 255),
        extraction=dict(draft.extraction),
        created_by=created_by,
        created_at=now,
    )


def _task_row(
    planned: PlannedTask, agency: AgencyRef, draft: IntakePreview, directive_id: int, code: str
) -> Task:
    spec = planned.deadline
    return Task(
        workspace_id=draft.workspace_id,
        directive_id=directive_id,
        agency_id=agency.id,
        code=code,
        role=ROLE_OF.get(planned.role, TaskRole.PERFORM).value,
        action=planned.action,
        supporting=list(planned.supporting),
        report_to=_clip(planned.report_to, 200),
        deadline_stated=spec.stated if spec else None,
        deadline_text=_clip(spec.text if spec else _recurrence_text(planned), 300),
        deadline_kind=spec.kind.value if spec else None,
        deadline_hour=spec.hour if spec else None,
        relative_span=span_to_json(spec.relative) if spec and spec.relative else None,
        effective_deadline=planned.effective,
        recurrence=recurrence_to_json(planned.recurrence) if planned.recurrence else None,
        state=TaskState.OPEN,
    )


def _recurrence_text(planned: PlannedTask) -> str | None:
    return planned.recurrence.text if planned.recurrence else None


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else value


# -- JSON (the Draft payload) -----------------------------------------------------------


def span_to_json(span: RelativeSpan) -> dict[str, Any]:
    return {"amount": span.amount, "unit": span.unit.value, "anchor": span.anchor.value}


def _span_from_json(data: Any) -> RelativeSpan | None:
    if not isinstance(data, dict):
        return None
    return RelativeSpan(
        int(data["amount"]), RelativeUnit(data["unit"]), RelativeAnchor(data["anchor"])
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _spec_to_json(spec: DeadlineSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {
        "kind": spec.kind.value,
        "text": spec.text,
        "stated": _iso(spec.stated),
        "relative": span_to_json(spec.relative) if spec.relative else None,
        "hour": spec.hour,
    }


def _spec_from_json(data: Any) -> DeadlineSpec | None:
    if not isinstance(data, dict):
        return None
    return DeadlineSpec(
        kind=DeadlineKind(data["kind"]),
        text=str(data.get("text") or ""),
        stated=_day(data.get("stated")),
        relative=_span_from_json(data.get("relative")),
        hour=data.get("hour"),
    )


def _ref_to_json(ref: AgencyRef) -> list[Any]:
    return [ref.id, ref.code, ref.name]


def _ref_from_json(data: Any) -> AgencyRef:
    return AgencyRef(int(data[0]), str(data[1]), str(data[2]))


def _line_to_json(line: AssigneeLine) -> dict[str, Any]:
    return {
        "text": line.text,
        "status": line.status,
        "agencies": [_ref_to_json(a) for a in line.agencies],
        "note": line.note,
        "candidates": [_ref_to_json(a) for a in line.candidates],
    }


def _line_from_json(data: dict[str, Any]) -> AssigneeLine:
    return AssigneeLine(
        text=data["text"],
        status=data["status"],
        agencies=tuple(_ref_from_json(a) for a in data.get("agencies", ())),
        note=data.get("note"),
        candidates=tuple(_ref_from_json(a) for a in data.get("candidates", ())),
    )


def _notice_to_json(notice: Notice) -> list[str]:
    return [notice.code, notice.detail]


def _notice_from_json(data: Any) -> Notice:
    return Notice(str(data[0]), str(data[1]) if len(data) > 1 else "")


def _task_to_json(task: PlannedTask) -> dict[str, Any]:
    return {
        "role": task.role.value,
        "action": task.action,
        "lines": [_line_to_json(line) for line in task.lines],
        "deadline": _spec_to_json(task.deadline),
        "effective": _iso(task.effective),
        "recurrence": recurrence_to_json(task.recurrence) if task.recurrence else None,
        "first_occurrence": task.first_occurrence,
        "supporting": list(task.supporting),
        "report_to": task.report_to,
        "notices": [_notice_to_json(n) for n in task.notices],
        "added": task.added,
        "edited": task.edited,
        "deadline_edited": task.deadline_edited,
    }


def _task_from_json(data: dict[str, Any]) -> PlannedTask:
    return PlannedTask(
        role=ExtractedRole(data["role"]),
        action=data["action"],
        lines=tuple(_line_from_json(line) for line in data.get("lines", ())),
        deadline=_spec_from_json(data.get("deadline")),
        effective=_day(data.get("effective")),
        recurrence=recurrence_from_json(data.get("recurrence")),
        first_occurrence=bool(data.get("first_occurrence")),
        supporting=tuple(data.get("supporting", ())),
        report_to=data.get("report_to"),
        notices=tuple(_notice_from_json(n) for n in data.get("notices", ())),
        added=bool(data.get("added")),
        edited=bool(data.get("edited")),
        deadline_edited=bool(data.get("deadline_edited")),
    )


def _preview_to_json(p: IntakePreview) -> dict[str, Any]:
    duplicate = p.duplicate
    return {
        "workspace_id": p.workspace_id,
        "number": p.number,
        "symbol": p.symbol,
        "issuer": p.issuer,
        "place": p.place,
        "issued_on": _iso(p.issued_on),
        "year": p.year,
        "month": p.month,
        "subject": p.subject,
        "signer": p.signer,
        "signer_title": p.signer_title,
        "tasks": [_task_to_json(t) for t in p.tasks],
        "notices": [_notice_to_json(n) for n in p.notices],
        "source_text": p.source_text,
        "file_name": p.file_name,
        "file_id": p.file_id,
        "extraction": p.extraction,
        "duplicate": (
            {
                "directive_id": duplicate.directive_id,
                "number": duplicate.number,
                "issued_on": _iso(duplicate.issued_on),
                "created_at": duplicate.created_at.isoformat() if duplicate.created_at else None,
            }
            if duplicate
            else None
        ),
    }


def _preview_from_json(data: dict[str, Any]) -> IntakePreview:
    dup = data.get("duplicate")
    duplicate = (
        Duplicate(
            int(dup["directive_id"]),
            str(dup["number"]),
            _day(dup.get("issued_on")),
            datetime.fromisoformat(dup["created_at"]) if dup.get("created_at") else None,
        )
        if isinstance(dup, dict)
        else None
    )
    return IntakePreview(
        workspace_id=int(data["workspace_id"]),
        number=data.get("number"),
        symbol=data.get("symbol"),
        issuer=data.get("issuer"),
        place=data.get("place"),
        issued_on=_day(data.get("issued_on")),
        year=data.get("year"),
        month=data.get("month"),
        subject=data.get("subject"),
        signer=data.get("signer"),
        signer_title=data.get("signer_title"),
        tasks=tuple(_task_from_json(t) for t in data.get("tasks", ())),
        notices=tuple(_notice_from_json(n) for n in data.get("notices", ())),
        source_text=data.get("source_text") or "",
        file_name=data.get("file_name"),
        file_id=data.get("file_id"),
        extraction=dict(data.get("extraction") or {}),
        duplicate=duplicate,
    )


# -- agencies the coordinator names ------------------------------------------------------

_SEPARATORS = re.compile(r"[,;\n]+")


@dataclass(frozen=True, slots=True)
class Resolved:
    agencies: tuple[AgencyRef, ...]
    unknown: tuple[str, ...]


async def resolve_agencies(runtime: Runtime, workspace_id: int, text: str) -> Resolved:
    """Agencies typed as codes or names, separated by commas ("STP, STC")."""
    async with runtime.database.session() as session:
        registry, refs = await workspace_registry(session, workspace_id)
    found: list[AgencyRef] = []
    unknown: list[str] = []
    for part in (p.strip() for p in _SEPARATORS.split(text or "")):
        if not part:
            continue
        ref = refs.get(part.upper())
        if ref is None:
            match = match_assignee(part, registry)
            if len(match.codes) == 1 and match.status is not MatchStatus.FUZZY:
                ref = refs.get(match.codes[0])
        if ref is None:
            unknown.append(part)
        else:
            found.append(ref)
    return Resolved(_distinct(found), tuple(unknown))


async def agency_by_id(runtime: Runtime, workspace_id: int, agency_id: int) -> AgencyRef | None:
    """The agency only if it is an active one of `workspace_id` (a forged id finds nothing)."""
    async with runtime.database.session() as session:
        agency = await agency_repo.get(session, workspace_id, agency_id)
    if agency is None or agency.id is None or not agency.active:
        return None
    return AgencyRef(agency.id, agency.code, agency.name)


async def agency_page(
    runtime: Runtime, workspace_id: int, page: int, page_size: int
) -> tuple[tuple[AgencyRef, ...], int, int]:
    """One page of the registry for a picker: (agencies, page shown, pages)."""
    async with runtime.database.session() as session:
        total = await agency_repo.count(session, workspace_id)
        pages = max(1, -(-total // page_size))
        page = min(max(page, 0), pages - 1)
        rows, _ = await agency_repo.page(
            session, workspace_id, offset=page * page_size, limit=page_size
        )
    refs = tuple(AgencyRef(a.id, a.code, a.name) for a in rows if a.id is not None)
    return refs, page, pages


# -- the conversation in the chat (kept in the Draft table) --------------------------------

DRAFT_KIND = "intake"
DRAFT_TTL = timedelta(hours=24)
MAX_VERSION = 999_999  # six digits in the callback data


class Step(StrEnum):
    SOURCE = "source"  # waiting for the text or the file
    PREVIEW = "preview"  # the preview is shown; buttons decide
    DEADLINE = "deadline"  # waiting for a task's new date
    AGENCY = "agency"  # waiting for agency codes (or a picker button)
    ADD_ACTION = "add_action"  # a new task: waiting for what to do
    ADD_DEADLINE = "add_deadline"  # a new task: waiting for its date


@dataclass(slots=True)
class IntakeSession:
    """One coordinator's directive being taken in, in one chat."""

    draft_id: int
    workspace_id: int
    chat_id: int
    user_id: int
    step: Step = Step.SOURCE
    version: int = 0  # bumped at every change of the preview; buttons carry it
    preview: IntakePreview | None = None
    target_task: int | None = None  # the task being edited; None: a new task
    target_line: int | None = None
    new_agencies: tuple[AgencyRef, ...] = ()
    new_action: str | None = None
    preview_message_ids: tuple[int, ...] = ()
    prompt_message_id: int | None = None
    continuable_until: datetime | None = None  # a pasted text may come in several messages

    def bump(self) -> None:
        """A new version of the preview: buttons of earlier ones become stale."""
        self.version = self.version % MAX_VERSION + 1

    def payload(self) -> dict[str, Any]:
        return {
            "step": self.step.value,
            "version": self.version,
            "preview": self.preview.to_json() if self.preview else None,
            "target_task": self.target_task,
            "target_line": self.target_line,
            "new_agencies": [_ref_to_json(a) for a in self.new_agencies],
            "new_action": self.new_action,
            "preview_message_ids": list(self.preview_message_ids),
            "continuable_until": (
                self.continuable_until.isoformat() if self.continuable_until else None
            ),
        }


def _session_of(draft: Draft) -> IntakeSession | None:
    data = draft.payload or {}
    if draft.id is None or draft.workspace_id is None:
        return None
    try:
        preview_data = data.get("preview")
        until = data.get("continuable_until")
        return IntakeSession(
            draft_id=draft.id,
            workspace_id=draft.workspace_id,
            chat_id=draft.telegram_chat_id,
            user_id=draft.telegram_user_id,
            step=Step(data.get("step", Step.SOURCE)),
            version=int(data.get("version", 0)),
            preview=IntakePreview.from_json(preview_data) if preview_data else None,
            target_task=data.get("target_task"),
            target_line=data.get("target_line"),
            new_agencies=tuple(_ref_from_json(a) for a in data.get("new_agencies", ())),
            new_action=data.get("new_action"),
            preview_message_ids=tuple(int(i) for i in data.get("preview_message_ids", ())),
            prompt_message_id=draft.prompt_message_id,
            continuable_until=datetime.fromisoformat(until) if until else None,
        )
    except (KeyError, ValueError, TypeError):
        log.warning("unreadable intake draft %s", draft.id)
        return None


async def begin(runtime: Runtime, workspace_id: int, chat_id: int, user_id: int) -> IntakeSession:
    """A new intake for the user in the chat (an earlier unfinished one is dropped).

    The version starts at a random number: SQLite may give the new draft the
    id of the one just dropped, and the old preview's buttons must not act
    on the new one.
    """
    now = runtime.now()
    version = secrets.randbelow(MAX_VERSION // 2) + 1
    async with runtime.database.session() as session:
        draft = await draft_repo.put(
            session,
            workspace_id=workspace_id,
            telegram_chat_id=chat_id,
            telegram_user_id=user_id,
            kind=DRAFT_KIND,
            payload={"step": Step.SOURCE.value, "version": version},
            expires_at=now + DRAFT_TTL,
            created_at=now,
            replaces=(DRAFT_KIND,),
        )
        assert draft.id is not None
        return IntakeSession(draft.id, workspace_id, chat_id, user_id, version=version)


async def session_for_message(
    runtime: Runtime,
    chat_id: int,
    user_id: int,
    reply_to_message_id: int | None,
    *,
    private: bool,
) -> IntakeSession | None:
    """The intake a message answers: the one whose prompt it replies to, or in a
    private chat the user's own live intake."""
    now = runtime.now()
    async with runtime.database.session() as session:
        draft = None
        if reply_to_message_id is not None:
            draft = await draft_repo.by_prompt(
                session, chat_id, reply_to_message_id, (DRAFT_KIND,), now
            )
        if draft is None and private:
            draft = await draft_repo.latest_for_user(session, chat_id, user_id, (DRAFT_KIND,), now)
    return _session_of(draft) if draft is not None else None


async def session_by_id(runtime: Runtime, draft_id: int, chat_id: int) -> IntakeSession | None:
    """A live intake of this chat (a forged or expired id finds nothing)."""
    async with runtime.database.session() as session:
        draft = await draft_repo.get(session, draft_id)
    if (
        draft is None
        or draft.kind != DRAFT_KIND
        or draft.telegram_chat_id != chat_id
        or draft.expires_at <= runtime.now()
    ):
        return None
    return _session_of(draft)


async def keep(runtime: Runtime, intake: IntakeSession) -> bool:
    """Store the session's state; False if it was discarded meanwhile."""
    async with runtime.database.session() as session:
        return await repo.update_draft(
            session,
            intake.draft_id,
            payload=intake.payload(),
            prompt_message_id=intake.prompt_message_id,
            expires_at=runtime.now() + DRAFT_TTL,
        )


async def discard(runtime: Runtime, draft_id: int) -> bool:
    """End the intake (saved or cancelled); False if it was already gone."""
    async with runtime.database.session() as session:
        return await draft_repo.remove(session, draft_id)
