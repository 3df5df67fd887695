"""`nhacviec agencies import FILE | list`, `nhacviec workspaces list`, `nhacviec rights`.

The import is all or nothing: a file with any problem is rejected whole and
every problem is printed with its line, in BOT_LANGUAGE. Re-importing
updates agencies by code and never deletes one that the file leaves out.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from bot.cli.console import open_runtime, run, say
from bot.domain.rights import rights_table_markdown
from bot.registry_files import RegistryFileError, decode_registry_bytes, registry_format
from bot.services import agencies, workspaces
from bot.services.workspaces import WorkspaceLookupError
from bot.texts import MESSAGES, catalogs, t

assert catalogs  # every room's texts are registered before MESSAGES is read

EXIT_FILE = 1
EXIT_CONFIG = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("agencies", help="the agency registry of a workspace")
    commands = parser.add_subparsers(dest="agencies_command", required=True)
    importer = commands.add_parser("import", help="import agencies from a YAML or CSV file")
    importer.add_argument("file", type=Path)
    importer.add_argument(
        "--workspace", help="workspace name or number (created when no workspace has this name)"
    )
    importer.set_defaults(func=import_command)
    lister = commands.add_parser("list", help="list a workspace's agencies")
    lister.add_argument("--workspace", help="workspace name or number")
    lister.set_defaults(func=list_command)

    spaces = subparsers.add_parser("workspaces", help="coordinating units served by this bot")
    space_commands = spaces.add_subparsers(dest="workspaces_command", required=True)
    space_commands.add_parser("list", help="list workspaces").set_defaults(func=workspaces_command)

    rights = subparsers.add_parser("rights", help="print the rights table (docs/RIGHTS.md)")
    rights.set_defaults(func=rights_command)


def import_command(args: argparse.Namespace) -> int:
    path: Path = args.file
    fmt = registry_format(path.name)
    if fmt is None:
        lang = "en" if os.environ.get("BOT_LANGUAGE") == "en" else "vi"
        say(lang, "onboarding.cli.bad_format", file=sys.stderr, path=path)
        return EXIT_FILE
    runtime = open_runtime()
    if runtime is None:
        return EXIT_CONFIG
    lang = runtime.language
    try:
        text = decode_registry_bytes(path.read_bytes())
        result = run(runtime, agencies.import_registry(runtime, text, fmt, args.workspace))
    except OSError as error:
        run(runtime, asyncio.sleep(0))  # dispose of the engine
        say(lang, "onboarding.cli.no_file", file=sys.stderr, path=path, error=error.strerror)
        return EXIT_FILE
    except RegistryFileError as error:
        print_problems(lang, path, error)
        return EXIT_FILE
    except agencies.ImportConflictError as error:
        say(lang, "onboarding.cli.failed", file=sys.stderr, path=path)
        for conflict in error.conflicts:
            say(
                lang,
                "onboarding.cli.conflict",
                file=sys.stderr,
                code=conflict.code,
                name=conflict.name,
                existing=conflict.existing_code,
            )
        return EXIT_FILE
    except WorkspaceLookupError as error:
        _print_workspaces(lang, error)
        return EXIT_CONFIG
    print_result(lang, result)
    return 0


def print_problems(lang: str, path: Path, error: RegistryFileError) -> None:
    say(lang, "onboarding.cli.failed", file=sys.stderr, path=path)
    for problem in error.problems:
        key = f"onboarding.problem.{problem.code.value}"
        message = t(lang, key, detail=problem.detail) if key in MESSAGES else problem.code.value
        say(lang, "onboarding.cli.problem", file=sys.stderr, line=problem.line, message=message)


def print_result(lang: str, result: agencies.ImportResult) -> None:
    workspace = result.workspace
    if result.workspace_created:
        say(lang, "onboarding.cli.workspace_created", name=workspace.name, id=workspace.id)
    total = len(result.created) + len(result.updated) + len(result.unchanged)
    say(
        lang,
        "onboarding.cli.imported",
        total=total,
        name=workspace.name,
        id=workspace.id,
        created=len(result.created),
        updated=len(result.updated),
        unchanged=len(result.unchanged),
    )
    if result.kept:
        say(lang, "onboarding.cli.kept", count=len(result.kept), codes=", ".join(result.kept))


def _print_workspaces(lang: str, error: WorkspaceLookupError) -> None:
    say(lang, "onboarding.cli.workspace_ambiguous", file=sys.stderr)
    for workspace in error.candidates:
        say(
            lang,
            "onboarding.cli.workspace_line",
            file=sys.stderr,
            id=workspace.id,
            name=workspace.name,
        )


def list_command(args: argparse.Namespace) -> int:
    runtime = open_runtime()
    if runtime is None:
        return EXIT_CONFIG
    lang = runtime.language

    async def _list() -> tuple[workspaces.WorkspaceInfo, list[agencies.AgencyInfo]] | None:
        if args.workspace:
            workspace = await workspaces.find_workspace(runtime, args.workspace)
        else:
            known = await workspaces.list_workspaces(runtime)
            if not known:
                return None
            if len(known) > 1:
                raise WorkspaceLookupError(None, known)
            workspace = known[0]
        rows: list[agencies.AgencyInfo] = []
        page, pages = 0, 1
        while page < pages:
            items, page, pages = await agencies.agency_page(runtime, workspace.id, page, 200)
            rows.extend(items)
            page += 1
        return workspace, rows

    try:
        found = run(runtime, _list())
    except WorkspaceLookupError as error:
        _print_workspaces(lang, error)
        return EXIT_CONFIG
    if found is None:
        say(lang, "onboarding.cli.no_workspace", file=sys.stderr)
        return EXIT_CONFIG
    workspace, rows = found
    say(lang, "onboarding.cli.list_header", name=workspace.name, id=workspace.id, count=len(rows))
    for row in rows:
        print(f"{row.code:<16} {row.category:<11} {row.name}")
    return 0


def workspaces_command(_args: argparse.Namespace) -> int:
    runtime = open_runtime()
    if runtime is None:
        return EXIT_CONFIG
    for workspace in run(runtime, workspaces.list_workspaces(runtime)):
        print(f"{workspace.id:>4}  {workspace.level:<9} {workspace.name}")
    return 0


def rights_markdown() -> str:
    """docs/RIGHTS.md as it must read: generated from RULES with the catalog's labels."""

    def label(lang: str, key: str) -> str:
        full = f"onboarding.rights.{key}"
        return t(lang, full) if full in MESSAGES else key  # a new action shows its name

    return rights_table_markdown(label)


def rights_command(_args: argparse.Namespace) -> int:
    sys.stdout.write(rights_markdown())
    return 0
