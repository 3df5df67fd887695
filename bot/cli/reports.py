"""`nhacviec report` and `nhacviec status`.

    nhacviec report [--directive N] [--workspace ID] [--out DIR]
                    [--from DATE --to DATE] [--as-of DATE]
    nhacviec status [--workspace ID] [--as-of DATE] [--scores]

`report` writes the tracking table (.xlsx), the draft summary report (.docx)
and, when some agency is late, the draft urging letter (.docx) into DIR and
prints their paths. `status` prints the four official groups per workspace
(and, with --scores, the on-time rate per agency this year). Dates are
dd/mm/yyyy or YYYY-MM-DD; --as-of sets the day the report is made on
(default: today in BOT_TIMEZONE).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.cli.console import plain
from bot.cli.settings_loader import load_settings
from bot.domain.report_data import ReportPeriod
from bot.domain.rollup import Category, Detail, summarize
from bot.runtime import Runtime
from bot.services import reports as report_service
from bot.services import scores as score_service
from bot.settings import Settings
from bot.texts import t
from bot.texts.digest import category_label
from storage.models import Workspace
from storage.repositories import reporting

EXIT_CONFIG = 2
EXIT_NOT_FOUND = 3


def register(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "report", help="write the tracking table (.xlsx), the report and the urging letter (.docx)"
    )
    report.add_argument("--directive", metavar="N", help="only this directive (number or prefix)")
    report.add_argument("--workspace", metavar="ID", type=int, help="workspace id")
    report.add_argument("--out", metavar="DIR", default=".", help="output folder (default: .)")
    report.add_argument(
        "--from", dest="start", metavar="DATE", type=parse_date, help="tasks due from (dd/mm/yyyy)"
    )
    report.add_argument(
        "--to", dest="end", metavar="DATE", type=parse_date, help="tasks due until (dd/mm/yyyy)"
    )
    report.add_argument(
        "--as-of", dest="as_of", metavar="DATE", type=parse_date, help="report day (default: today)"
    )
    report.set_defaults(func=report_command)

    status = subparsers.add_parser("status", help="the four official groups per workspace")
    status.add_argument("--workspace", metavar="ID", type=int)
    status.add_argument(
        "--as-of", dest="as_of", metavar="DATE", type=parse_date, help="day (default: today)"
    )
    status.add_argument("--scores", action="store_true", help="also the on-time rate per agency")
    status.set_defaults(func=status_command)


def parse_date(text: str) -> date:
    """dd/mm/yyyy (as officers write it) or ISO."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (dd/mm/yyyy)") from exc


def report_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return EXIT_CONFIG
    lang = settings.BOT_LANGUAGE
    if (args.start is None) != (args.end is None) or (
        args.start is not None and args.end is not None and args.start > args.end
    ):
        print(t(lang, "cli.report.bad_period"), file=sys.stderr)
        return EXIT_CONFIG
    period = ReportPeriod(args.start, args.end) if args.start is not None else None
    files = asyncio.run(_report(settings, args, period))
    if files is None:
        return EXIT_NOT_FOUND
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for file in files.files:
        path = out / file.name
        path.write_bytes(file.content)
        print(plain(t(lang, "cli.report.written", path=str(path))))
    if not files.has_letter:
        print(plain(t(lang, "cli.report.no_letter")))
    return 0


async def _report(
    settings: Settings, args: argparse.Namespace, period: ReportPeriod | None
) -> report_service.ReportFiles | None:
    """The files in memory, or None after saying what was not found."""
    lang = settings.BOT_LANGUAGE
    runtime = Runtime.from_settings(settings)
    try:
        workspace_id = await _pick_workspace(runtime, args.workspace)
        if workspace_id is None:
            return None
        loaded = await report_service.load(
            runtime,
            workspace_id,
            directive_number=args.directive,
            period=period,
            today=args.as_of,
        )
    finally:
        await runtime.database.dispose()
    if loaded.data is None:
        if loaded.outcome is report_service.LoadOutcome.AMBIGUOUS:
            message = t(
                lang,
                "report.ambiguous",
                number=args.directive,
                candidates=", ".join(loaded.candidates),
            )
        else:
            message = t(lang, "report.no_directive", number=args.directive or "")
        print(plain(message), file=sys.stderr)
        return None
    return await report_service.build_files(loaded.data)


async def _pick_workspace(runtime: Runtime, wanted: int | None) -> int | None:
    """The workspace asked for, or the only one; None (after saying why) otherwise."""
    lang = runtime.language
    async with runtime.database.session() as session:
        rows = await reporting.workspaces(session)
    if wanted is not None:
        if any(row.id == wanted for row in rows):
            return wanted
        print(plain(t(lang, "cli.report.unknown_workspace", workspace_id=wanted)), file=sys.stderr)
        return None
    if not rows:
        print(plain(t(lang, "cli.report.no_workspace")), file=sys.stderr)
        return None
    if len(rows) > 1:
        choices = "\n".join(f"  {row.id}: {row.name}" for row in rows)
        print(plain(t(lang, "cli.report.which_workspace", choices=choices)), file=sys.stderr)
        return None
    return rows[0].id


def status_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return EXIT_CONFIG
    return asyncio.run(_status(settings, args))


async def _status(settings: Settings, args: argparse.Namespace) -> int:
    runtime = Runtime.from_settings(settings)
    lang = runtime.language
    today: date = args.as_of or runtime.today()
    try:
        async with runtime.database.session() as session:
            rows: list[Workspace] = await reporting.workspaces(session)
        if args.workspace is not None:
            rows = [row for row in rows if row.id == args.workspace]
            if not rows:
                message = t(lang, "cli.report.unknown_workspace", workspace_id=args.workspace)
                print(plain(message), file=sys.stderr)
                return EXIT_NOT_FOUND
        if not rows:
            print(plain(t(lang, "cli.report.no_workspace")), file=sys.stderr)
            return EXIT_NOT_FOUND
        for row in rows:
            assert row.id is not None
            print(await _workspace_status(runtime, row, today))
            if args.scores:
                scores = await score_service.agency_scores(
                    runtime, row.id, ReportPeriod(date(today.year, 1, 1), today)
                )
                print(plain(score_service.render_scores(lang, scores)))
            print()
    finally:
        await runtime.database.dispose()
    return 0


async def _workspace_status(runtime: Runtime, workspace: Workspace, today: date) -> str:
    lang = runtime.language
    assert workspace.id is not None
    async with runtime.database.session() as session:
        tasks = await reporting.digest_tasks(session, workspace.id)
    summary = summarize((task.facts() for task in tasks), today)
    lines = [
        t(
            lang,
            "cli.status.header",
            name=workspace.name,
            workspace_id=workspace.id,
            day=today,
            total=summary.total,
        )
    ]
    for category in Category:
        lines.append(
            t(
                lang,
                "cli.status.line",
                label=category_label(lang, category),
                n=summary.count(category),
            )
        )
    lines.append(
        t(
            lang,
            "cli.status.details",
            not_started=summary.detail_counts.get(Detail.NOT_STARTED, 0),
            blocked=summary.detail_counts.get(Detail.BLOCKED, 0),
        )
    )
    return plain("\n".join(lines))
