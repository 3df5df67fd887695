"""Exported reports: the tracking table, the summary report, the urging letter.

`load` reads the rows (storage/repositories/reporting.py) and assembles the
figures (bot/domain/report_data.py, pure); `build_files` writes the three
files in memory (excel.py, word.py) in a worker thread, because openpyxl and
python-docx are CPU work that must not stall the bot's event loop. The chat
command sends the files as documents; the command line writes them to disk.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.report_data import DirectiveRef, ReportData, ReportPeriod, build_report
from bot.domain.rights import Action, Actor
from bot.runtime import Runtime
from bot.services import identity
from storage.repositories import reporting

REPLY_WORKING_DAYS = 5  # the urging letter asks for an answer within a week
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class LoadOutcome(StrEnum):
    READY = "ready"
    REFUSED = "refused"
    NO_WORKSPACE = "no_workspace"
    NO_DIRECTIVE = "no_directive"
    AMBIGUOUS = "ambiguous"  # the number matches several directives


@dataclass(frozen=True, slots=True)
class Loaded:
    outcome: LoadOutcome
    data: ReportData | None = None
    candidates: tuple[str, ...] = ()  # directive numbers, when ambiguous


@dataclass(frozen=True, slots=True)
class ReportFile:
    name: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class ReportFiles:
    data: ReportData
    files: tuple[ReportFile, ...] = field(default_factory=tuple)

    @property
    def has_letter(self) -> bool:
        return len(self.files) == 3


async def load(
    runtime: Runtime,
    workspace_id: int,
    *,
    directive_number: str | None = None,
    period: ReportPeriod | None = None,
    score_period: ReportPeriod | None = None,
    today: date | None = None,
) -> Loaded:
    """The report of a workspace (or of one of its directives) as of `today`."""
    today = today or runtime.today()
    async with runtime.database.session() as session:
        workspace = await reporting.workspace(session, workspace_id)
        if workspace is None:
            return Loaded(LoadOutcome.NO_WORKSPACE)
        directive_ref: DirectiveRef | None = None
        directive_id: int | None = None
        if directive_number:
            found = await reporting.find_directives(session, workspace_id, directive_number)
            if not found:
                return Loaded(LoadOutcome.NO_DIRECTIVE)
            if len(found) > 1:
                return Loaded(
                    LoadOutcome.AMBIGUOUS,
                    candidates=tuple(row.number or "" for row in found),
                )
            directive = found[0]
            directive_id = directive.id
            directive_ref = DirectiveRef(directive.number, directive.issued_on, directive.subject)
        tasks = await reporting.report_tasks(session, workspace_id, directive_id)
    data = build_report(
        tasks,
        workspace_name=workspace.name,
        today=today,
        reply_by=runtime.calendar.add_working_days(today, REPLY_WORKING_DAYS),
        period=period,
        score_period=score_period,
        directive=directive_ref,
    )
    return Loaded(LoadOutcome.READY, data)


def file_names(data: ReportData) -> tuple[str, str, str]:
    """bang-theo-doi_2268-UBND-TTHC_20240513.xlsx and the like (ASCII, no spaces)."""
    suffix = f"{data.today:%Y%m%d}"
    if data.directive is not None and data.directive.number:
        slug = re.sub(r"[^0-9A-Za-z]+", "-", data.directive.number).strip("-")
        suffix = f"{slug}_{suffix}"
    return (
        f"bang-theo-doi-nhiem-vu_{suffix}.xlsx",
        f"bao-cao-tong-hop_{suffix}.docx",
        f"cong-van-don-doc_{suffix}.docx",
    )


def write_files(data: ReportData) -> ReportFiles:
    """The files, in memory (synchronous; see `build_files`)."""
    from bot.services.reports import excel, word

    table_name, report_name, letter_name = file_names(data)
    files = [
        ReportFile(table_name, excel.tracking_workbook(data), XLSX),
        ReportFile(report_name, word.summary_report(data), DOCX),
    ]
    letter = word.urging_letter(data)
    if letter is not None:
        files.append(ReportFile(letter_name, letter, DOCX))
    return ReportFiles(data, tuple(files))


async def build_files(data: ReportData) -> ReportFiles:
    return await asyncio.to_thread(write_files, data)


@dataclass(frozen=True, slots=True)
class OnRequest:
    loaded: Loaded
    files: ReportFiles | None = None


async def on_request(
    runtime: Runtime, actor: Actor, telegram_chat_id: int, directive_number: str | None
) -> OnRequest:
    """/report [number]: coordinators (and admins) of the chat's workspace."""
    allowed = await identity.check(
        runtime,
        actor,
        Action.EXPORT_REPORT,
        workspace_id=actor.workspace_id,
        telegram_chat_id=telegram_chat_id,
        detail={"directive": directive_number} if directive_number else None,
    )
    if not allowed:
        return OnRequest(Loaded(LoadOutcome.REFUSED))
    if actor.workspace_id is None:
        return OnRequest(Loaded(LoadOutcome.NO_WORKSPACE))
    loaded = await load(runtime, actor.workspace_id, directive_number=directive_number)
    if loaded.data is None:
        return OnRequest(loaded)
    files = await build_files(loaded.data)
    await identity.record(
        runtime,
        actor,
        Action.EXPORT_REPORT.value,
        telegram_chat_id=telegram_chat_id,
        detail={"directive": directive_number, "rows": len(loaded.data.rows)},
    )
    return OnRequest(loaded, files)
