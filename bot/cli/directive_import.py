"""`nhacviec directives import FILE [--workspace ID] [--yes]`.

Prints the same preview the bot shows in Telegram (matched and unmatched
agencies, deadlines as written and as computed, warnings), asks on stdin
whether to go on when some assignees match no registered agency (unless
--yes), then stores the directive and its tasks.

Exit codes: 0 saved; 1 nothing saved (declined, duplicate number, no task
to create); 2 unreadable file or bad input (no such file, no or ambiguous
workspace, bad settings).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.cli.console import open_runtime, plain, run, say
from bot.runtime import Runtime
from bot.services import intake, workspaces
from bot.services.workspaces import WorkspaceLookupError
from bot.texts import format_date, t
from bot.texts.intake import is_yes, note_text, render_preview

EXIT_SAVED = 0
EXIT_NOT_SAVED = 1
EXIT_BAD_INPUT = 2


def register(commands: Any) -> None:
    """Add `import` to the `directives` sub-commands."""
    parser = commands.add_parser(
        "import",
        help="take in a directive file: preview, confirm unmatched agencies, store its tasks",
    )
    parser.add_argument("file", type=Path, help=".txt, .md, .docx or .pdf")
    parser.add_argument("--workspace", help="workspace number or name (when there are several)")
    parser.add_argument(
        "--yes", action="store_true", help="store without asking about unmatched agencies"
    )
    parser.set_defaults(func=import_command)


def import_command(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    lang = "en" if os.environ.get("BOT_LANGUAGE") == "en" else "vi"
    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as error:
        say(lang, "intake.cli.no_file", file=sys.stderr, path=path, error=error.strerror)
        return EXIT_BAD_INPUT
    runtime = open_runtime()
    if runtime is None:
        return EXIT_BAD_INPUT
    lang = runtime.language
    try:
        preview = run(runtime, _preview(runtime, args.workspace, path.name, data))
    except WorkspaceLookupError as error:
        _workspace_problem(lang, error)
        return EXIT_BAD_INPUT
    except intake.UnreadableFile as error:
        say(lang, f"intake.unreadable.{error.reason}", file=sys.stderr, name=error.file_name)
        return EXIT_BAD_INPUT
    except intake.EmptySource:
        say(lang, "intake.unreadable.empty", file=sys.stderr, name=path.name)
        return EXIT_BAD_INPUT
    for chunk in render_preview(lang, preview, chat=False):
        print(plain(chunk))
        print()
    if preview.duplicate is not None:
        _say_duplicate(lang, preview.duplicate)
        return EXIT_NOT_SAVED
    if not preview.task_count:
        say(lang, "intake.nothing_to_save", file=sys.stderr)
        return EXIT_NOT_SAVED
    if preview.unmatched and not args.yes and not _confirmed(lang, preview, ask):
        say(lang, "intake.cli.declined")
        return EXIT_NOT_SAVED
    try:
        saved = run(runtime, intake.save(runtime, preview))
    except intake.DuplicateDirective as error:
        _say_duplicate(lang, error.duplicate)
        return EXIT_NOT_SAVED
    except intake.NothingToSave:
        say(lang, "intake.nothing_to_save", file=sys.stderr)
        return EXIT_NOT_SAVED
    _print_saved(lang, saved)
    return EXIT_SAVED


def _say_duplicate(lang: str, duplicate: intake.Duplicate) -> None:
    created = duplicate.created_at
    say(
        lang,
        "intake.duplicate",
        file=sys.stderr,
        number=duplicate.number,
        date=format_date(created.date() if created else None),
    )


async def _preview(
    runtime: Runtime, wanted: str | None, file_name: str, data: bytes
) -> intake.IntakePreview:
    if wanted:
        workspace = await workspaces.find_workspace(runtime, wanted)
    else:
        known = await workspaces.list_workspaces(runtime)
        if len(known) != 1:
            raise WorkspaceLookupError(None, known)
        workspace = known[0]
    return await intake.preview(runtime, workspace.id, file_name=file_name, data=data)


def _workspace_problem(lang: str, error: WorkspaceLookupError) -> None:
    if not error.candidates:
        say(lang, "intake.cli.no_workspace", file=sys.stderr)
        return
    say(lang, "intake.cli.workspace_ambiguous", file=sys.stderr)
    for workspace in error.candidates:
        say(
            lang, "intake.cli.workspace_line", file=sys.stderr, id=workspace.id, name=workspace.name
        )


def _confirmed(lang: str, preview: intake.IntakePreview, ask: Callable[[str], str]) -> bool:
    """List the unmatched assignees and ask; end of input declines."""
    say(lang, "intake.cli.unmatched")
    for index, line in preview.unmatched:
        say(
            lang,
            "intake.cli.unmatched_line",
            n=index + 1,
            text=line.text,
            note=note_text(lang, line.note),
        )
    try:
        answer = ask(plain(t(lang, "intake.cli.confirm", count=len(preview.unmatched))))
    except EOFError:
        return False
    return is_yes(answer)


def _print_saved(lang: str, saved: intake.SavedDirective) -> None:
    label = (
        t(lang, "intake.label.number", number=saved.number)
        if saved.number
        else t(lang, "intake.label.unnumbered")
    )
    if saved.task_count == 1:
        say(lang, "intake.saved_one", label=label, first=saved.task_codes[0])
    else:
        say(
            lang,
            "intake.saved",
            label=label,
            count=saved.task_count,
            first=saved.task_codes[0],
            last=saved.task_codes[-1],
            agencies=saved.agencies,
        )
    if saved.skipped:
        say(lang, "intake.saved_skipped", count=saved.skipped)
