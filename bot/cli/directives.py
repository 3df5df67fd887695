"""`nhacviec directives parse FILE [--json]` (and, later, `directives import FILE`).

`parse` reads a directive file (.txt, .md, .docx, .pdf), runs the pure
extraction and prints either the DESIGN.md JSON contract or a short
Vietnamese summary for a person at a terminal. It touches no database and
needs no settings, so it works on any machine as a quick check.

To add a sub-command, write `_add_<name>(commands)` next to `_add_parse` and
call it from `register`; reuse `read_directive_file` for the file handling.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli import directive_import
from bot.documents import UnreadableDocument, UnreadableReason, read_document
from bot.domain.extraction import ExtractedDirective, extract_directive, to_contract_json

EXIT_OK = 0
EXIT_UNREADABLE = 2

# Terminal wording for administrators (the bot's own messages live in bot/texts).
_REASONS = {
    UnreadableReason.UNSUPPORTED_TYPE: "định dạng không hỗ trợ (chỉ nhận .txt, .md, .docx, .pdf)",
    UnreadableReason.CORRUPT: "tệp bị hỏng hoặc không mở được",
    UnreadableReason.SCANNED_PDF: "PDF là bản scan, không có lớp chữ (cần nhận dạng ký tự)",
    UnreadableReason.EMPTY: "tệp không có nội dung",
    UnreadableReason.TOO_LARGE: "tệp quá lớn",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("directives", help="read directives (văn bản chỉ đạo)")
    commands = parser.add_subparsers(dest="directives_command", required=True)
    _add_parse(commands)
    directive_import.register(commands)  # `directives import` (bot/cli/directive_import.py)


def _add_parse(commands: Any) -> None:
    parse = commands.add_parser(
        "parse", help="extract number, issuer, tasks and deadlines from a directive file"
    )
    parse.add_argument("file", type=Path, help=".txt, .md, .docx or .pdf")
    parse.add_argument("--json", action="store_true", help="print the JSON contract")
    parse.set_defaults(func=parse_command)


class UnreadableFile(Exception):
    """The file is missing or cannot give text; the message is for the terminal."""


def read_directive_file(path: Path) -> str:
    """The file's text, or UnreadableFile with a Vietnamese reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"Không đọc được tệp {path}: {exc.strerror or exc}") from exc
    try:
        return read_document(path.name, data)
    except UnreadableDocument as exc:
        raise UnreadableFile(f"Không đọc được tệp {path}: {_REASONS[exc.reason]}.") from exc


def parse_command(args: argparse.Namespace) -> int:
    try:
        text = read_directive_file(args.file)
    except UnreadableFile as exc:
        print(exc, file=sys.stderr)
        return EXIT_UNREADABLE
    directive = extract_directive(text)
    if args.json:
        print(json.dumps(to_contract_json(directive), ensure_ascii=False, indent=2))
    else:
        print(summary(directive))
    return EXIT_OK


def summary(d: ExtractedDirective) -> str:
    """A few lines a coordinator can check against the paper at a glance."""
    date_text = d.date.strftime("%d/%m/%Y") if d.date else _partial_date(d)
    number = d.number or f"(chưa có số) /{d.symbol or ''}"
    lines = [
        f"Văn bản: {number} — {date_text}",
        f"Cơ quan ban hành: {d.issuer or '—'}",
        f"Trích yếu: {d.subject or '—'}",
        f"Nơi nhận: {'; '.join(d.recipients) or '—'}",
    ]
    if d.references:
        cited = ", ".join(r.number for r in d.references)
        lines.append(f"Văn bản được dẫn chiếu: {cited}")
    lines.append(f"Nhiệm vụ: {len(d.tasks)}")
    for index, task in enumerate(d.tasks, start=1):
        lines.append(f"  {index}. [{task.role.value}] {', '.join(task.assignees)}")
        lines.append(f"     {task.action}")
        lines.append(f"     Thời hạn: {_deadline_text(task)}")
        if task.supporting:
            lines.append(f"     Phối hợp: {', '.join(task.supporting)}")
        if task.report_to:
            lines.append(f"     Gửi kết quả về: {task.report_to}")
    signer = " — ".join(x for x in (d.signer_title, d.signer) if x) or "—"
    lines.append(f"Người ký: {signer}")
    if d.warnings:
        lines.append("Cần kiểm tra: " + "; ".join(f"{w.field}: {w.code}" for w in d.warnings))
    return "\n".join(lines)


def _partial_date(d: ExtractedDirective) -> str:
    if d.year is None:
        return "không rõ ngày"
    if d.month is not None:
        return f"ngày … tháng {d.month} năm {d.year}"
    return f"năm {d.year} (chưa ghi ngày)"


def _deadline_text(task: Any) -> str:
    if task.deadline is not None:
        return task.deadline.text
    if task.recurrence is not None:
        return task.recurrence.text
    return "không ghi"
