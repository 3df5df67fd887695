"""Texts of directive intake (/new, the preview, its edits, `directives import`).

`render_preview` lays out the preview a coordinator checks before saving:
the directive's number, date, subject, then each task with its agencies
(matched, or ⚠ with the words as written), role, deadline as written and as
computed, and warnings. It returns HTML chunks that each fit in one Telegram
message; the CLI prints the same chunks without tags.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.texts import Raw, format_date, t

if TYPE_CHECKING:
    from bot.services.intake import AssigneeLine, IntakePreview, PlannedTask

MESSAGE_LIMIT = 4000  # under Telegram's 4,096, with room for entities
_ACTION_LIMIT = 700
_CODES_SHOWN = 40

MESSAGES: dict[str, tuple[str, str]] = {
    # -- starting ---------------------------------------------------------------------
    "intake.prompt.private": (
        "📄 Gửi văn bản chỉ đạo: <b>dán nội dung</b> hoặc <b>gửi tệp</b> .docx, .pdf (có lớp chữ),"
        " .txt.\nVăn bản dài quá 4.096 ký tự thì nên gửi tệp.",
        "📄 Send the directive: <b>paste its text</b> or <b>send the file</b> (.docx, .pdf with a"
        " text layer, .txt).\nFor a text longer than 4,096 characters, send the file.",
    ),
    "intake.prompt.group": (
        "📄 {who}, hãy <b>trả lời (reply) tin nhắn này</b> bằng nội dung văn bản chỉ đạo hoặc"
        " bằng tệp .docx, .pdf (có lớp chữ), .txt.",
        "📄 {who}, <b>reply to this message</b> with the directive's text or with the file"
        " (.docx, .pdf with a text layer, .txt).",
    ),
    "intake.no_workspace": (
        "Cuộc trò chuyện này chưa gắn với đơn vị nào. Hãy dùng /new trong nhóm điều phối"
        " (đã /setup) hoặc trong trò chuyện riêng nếu bạn là cán bộ của một đơn vị.",
        "This chat belongs to no workspace. Use /new in the coordination group (after /setup)"
        " or in a private chat if you are an officer of one workspace.",
    ),
    "intake.empty": (
        "Tin nhắn không có nội dung văn bản. Hãy dán nội dung hoặc gửi tệp.",
        "The message holds no text. Paste the directive or send the file.",
    ),
    "intake.unreadable.unsupported_type": (
        "⚠ Không đọc được tệp «{name}»: chỉ nhận .docx, .pdf, .txt, .md.",
        "⚠ Cannot read «{name}»: only .docx, .pdf, .txt and .md files are accepted.",
    ),
    "intake.unreadable.corrupt": (
        "⚠ Không mở được tệp «{name}»: tệp bị hỏng hoặc không đúng định dạng.",
        "⚠ Cannot open «{name}»: the file is damaged or not what its name says.",
    ),
    "intake.unreadable.scanned_pdf": (
        "⚠ Tệp «{name}» là bản scan (ảnh chụp), không có lớp chữ nên không đọc được."
        " Hãy gửi tệp .docx hoặc PDF xuất từ phần mềm soạn thảo, hoặc dán nội dung văn bản.",
        "⚠ «{name}» is a scanned PDF (images only, no text layer) and cannot be read."
        " Send the .docx, a PDF exported from a word processor, or paste the text.",
    ),
    "intake.unreadable.empty": (
        "⚠ Tệp «{name}» không có nội dung.",
        "⚠ «{name}» is empty.",
    ),
    "intake.unreadable.too_large": (
        "⚠ Tệp «{name}» quá lớn (tối đa 20 MB).",
        "⚠ «{name}» is too large (20 MB at most).",
    ),
    # -- the preview ------------------------------------------------------------------
    "intake.preview.title": ("📄 <b>Xem trước văn bản</b>", "📄 <b>Directive preview</b>"),
    "intake.preview.number": ("Số: <b>{number}</b>", "Number: <b>{number}</b>"),
    "intake.preview.unnumbered": (
        "Số: (chưa có số) /{symbol}",
        "Number: (not numbered yet) /{symbol}",
    ),
    "intake.preview.date": ("Ngày: {date}", "Date: {date}"),
    "intake.preview.date_month": (
        "Ngày: (để trống) tháng {month} năm {year}",
        "Date: (day left blank) {month}/{year}",
    ),
    "intake.preview.date_year": (
        "Ngày: (để trống) năm {year}",
        "Date: (day left blank) {year}",
    ),
    "intake.preview.date_unknown": ("Ngày: không rõ", "Date: unknown"),
    "intake.preview.issuer": ("Cơ quan ban hành: {issuer}", "Issued by: {issuer}"),
    "intake.preview.subject": ("V/v: {subject}", "Subject: {subject}"),
    "intake.preview.signer": ("Người ký: {signer}", "Signed by: {signer}"),
    "intake.preview.file": ("Tệp: {name}", "File: {name}"),
    "intake.preview.task": ("<b>{n}. {action}</b>", "<b>{n}. {action}</b>"),
    "intake.preview.task_added": (
        "<b>{n}. {action}</b> (thêm tay)",
        "<b>{n}. {action}</b> (added by hand)",
    ),
    "intake.preview.role": ("Vai trò: {role}", "Role: {role}"),
    "intake.preview.agency": ("• {name} ({code})", "• {name} ({code})"),
    "intake.preview.agency_group": (
        "• {text} → {count} cơ quan: {codes}",
        "• {text} → {count} agencies: {codes}",
    ),
    "intake.preview.agency_fuzzy": (
        "• ⚠ {name} ({code}) — gần giống «{text}», hãy kiểm tra",
        "• ⚠ {name} ({code}) — close to «{text}», please check",
    ),
    "intake.preview.agency_unmatched": (
        "• ⚠ Chưa khớp: «{text}» — {note}",
        "• ⚠ Unmatched: «{text}» — {note}",
    ),
    "intake.preview.candidates": ("  có thể là: {codes}", "  could be: {codes}"),
    "intake.preview.deadline": (
        "Hạn: {text} → <b>{effective}</b>",
        "Deadline: {text} → <b>{effective}</b>",
    ),
    "intake.preview.deadline_hour": (
        "Hạn: {text} → <b>{hour} giờ ngày {effective}</b>",
        "Deadline: {text} → <b>{hour}:00 on {effective}</b>",
    ),
    "intake.preview.deadline_unknown": (
        "Hạn: {text} → ⚠ chưa tính được",
        "Deadline: {text} → ⚠ cannot be computed",
    ),
    "intake.preview.deadline_edited": (
        "Hạn (đã sửa): <b>{effective}</b>",
        "Deadline (edited): <b>{effective}</b>",
    ),
    "intake.preview.deadline_first": (
        "Hạn: {text} → kỳ đầu <b>{effective}</b>",
        "Deadline: {text} → first period <b>{effective}</b>",
    ),
    "intake.preview.recurrence": ("Hạn: {text}", "Deadline: {text}"),
    "intake.preview.no_deadline": ("Hạn: không ghi", "Deadline: none stated"),
    "intake.preview.supporting": ("Phối hợp: {names}", "Supporting: {names}"),
    "intake.preview.report_to": ("Gửi kết quả về: {name}", "Report to: {name}"),
    "intake.preview.notice": ("⚠ {text}", "⚠ {text}"),
    "intake.preview.summary": (
        "Sẽ tạo <b>{count}</b> nhiệm vụ cho {agencies} cơ quan.",
        "<b>{count}</b> tasks will be created for {agencies} agencies.",
    ),
    "intake.preview.unmatched": (
        "⚠ {count} dòng cơ quan chưa khớp sẽ không được giao việc — bấm «Sửa» để chọn cơ quan.",
        "⚠ {count} assignee lines are unmatched and will get no task — press «Edit» to choose.",
    ),
    "intake.preview.unmatched_cli": (
        "⚠ {count} dòng cơ quan chưa khớp sẽ không được giao việc.",
        "⚠ {count} assignee lines are unmatched and will get no task.",
    ),
    "intake.preview.nothing": (
        "Không có nhiệm vụ nào có cơ quan thực hiện, nên chưa thể lưu."
        " Bấm «Sửa» để chọn cơ quan hoặc thêm việc.",
        "No task has an agency to do it, so nothing can be saved yet."
        " Press «Edit» to choose agencies or add a task.",
    ),
    "intake.preview.no_tasks": (
        "Văn bản không giao nhiệm vụ nào (ví dụ: văn bản đề xuất, tờ trình).",
        "The document assigns no task (a proposal or a submission, for instance).",
    ),
    "intake.preview.duplicate": (
        "⛔ Văn bản số {number} đã được nhập ngày {date}: không lưu lần nữa.",
        "⛔ Directive {number} was already taken in on {date}: it cannot be saved twice.",
    ),
    # -- roles and notes ----------------------------------------------------------------
    "intake.role.chủ trì": ("chủ trì", "lead"),
    "intake.role.phối hợp": ("phối hợp", "support"),
    "intake.role.thực hiện": ("thực hiện", "perform"),
    "intake.note.unspecified": (
        "không nêu cơ quan cụ thể, cán bộ chọn",
        "names no agency in particular, please choose",
    ),
    "intake.note.qualified_group": (
        "chỉ một phần của nhóm, cán bộ chọn",
        "only part of a group, please choose",
    ),
    "intake.note.empty_group": (
        "chưa có cơ quan nào thuộc nhóm này trong danh sách",
        "no registered agency belongs to this group",
    ),
    "intake.note.ambiguous": ("có thể là nhiều cơ quan, cán bộ chọn", "ambiguous, please choose"),
    "intake.note.other_place": (
        "cơ quan của tỉnh/huyện khác",
        "an agency of another province or district",
    ),
    "intake.note.spelling": ("tên gần giống, hãy kiểm tra", "close spelling, please check"),
    "intake.note.empty": ("trống", "empty"),
    "intake.note.none": ("không có trong danh sách cơ quan", "not in the agency registry"),
    # -- warnings (extraction codes and our own) ---------------------------------------------
    "intake.notice.duplicate": (
        "Số văn bản này đã có trong hệ thống",
        "This directive number is already stored",
    ),
    "intake.notice.day_blank": (
        "Văn bản chưa ghi ngày: hạn tính theo số ngày kể từ ngày ký chưa tính được",
        "The date is left blank: deadlines counted from the signing cannot be computed",
    ),
    "intake.notice.date_not_found": ("Không thấy ngày văn bản", "No date found"),
    "intake.notice.invalid_date": ("Ngày ghi không hợp lệ: {detail}", "Invalid date: {detail}"),
    "intake.notice.number_blank": (
        "Văn bản chưa có số (bản dự thảo?)",
        "The directive has no number yet (a draft?)",
    ),
    "intake.notice.number_not_found": ("Không thấy số văn bản", "No number found"),
    "intake.notice.issuer_not_found": ("Không thấy cơ quan ban hành", "No issuer found"),
    "intake.notice.assignee_not_found": (
        "Có đoạn giao việc nhưng không rõ giao cho ai: «{detail}»",
        "A passage assigns work but says not to whom: «{detail}»",
    ),
    "intake.notice.unresolved_reference": (
        "«các cơ quan nêu trên» nhưng không thấy danh sách nơi nhận",
        "«the agencies above» but no recipients were found",
    ),
    "intake.notice.year_inferred": (
        "Hạn không ghi năm, đã lấy năm của văn bản: {detail}",
        "The deadline has no year; the directive's year was used: {detail}",
    ),
    "intake.notice.year_unknown": (
        "Hạn không ghi năm và không rõ năm văn bản: {detail}",
        "The deadline has no year and the directive's year is unknown: {detail}",
    ),
    "intake.notice.several_deadlines": (
        "Có nhiều mốc thời hạn, đã lấy mốc đầu: {detail}",
        "Several deadlines; the first was taken: {detail}",
    ),
    "intake.notice.past_period": (
        "Mốc thời gian đã qua (kỳ báo cáo?): {detail}",
        "A past date (a reporting period?): {detail}",
    ),
    "intake.notice.relative_no_anchor": (
        "Hạn «{detail}» tính từ ngày văn bản, nhưng văn bản chưa ghi ngày: hãy nhập hạn",
        "«{detail}» counts from the directive's date, which is blank: please enter the date",
    ),
    "intake.notice.deadline_past": ("Hạn đã qua", "The deadline has passed"),
    "intake.notice.other": ("Cần kiểm tra: {code} {detail}", "Please check: {code} {detail}"),
    # -- buttons ------------------------------------------------------------------------
    "intake.button.save": ("💾 Lưu ({count} việc)", "💾 Save ({count} tasks)"),
    "intake.button.edit": ("✏️ Sửa", "✏️ Edit"),
    "intake.button.cancel": ("✖ Hủy", "✖ Cancel"),
    "intake.button.deadline": ("📅 Đổi hạn", "📅 Deadline"),
    "intake.button.agency": ("🏢 Đổi cơ quan", "🏢 Agency"),
    "intake.button.drop": ("🗑 Bỏ việc", "🗑 Drop a task"),
    "intake.button.add": ("➕ Thêm việc", "➕ Add a task"),
    "intake.button.back": ("« Quay lại", "« Back"),
    "intake.button.prev": ("« Trước", "« Previous"),
    "intake.button.next": ("Sau »", "Next »"),
    "intake.button.task": ("Việc {n}", "Task {n}"),
    # -- edits --------------------------------------------------------------------------
    "intake.ask.deadline": (
        "{who}📅 Hạn mới cho việc {n} («{action}»): nhập ngày dạng <b>dd/mm/yyyy</b>,"
        " hoặc «-» để bỏ hạn.",
        "{who}📅 New deadline for task {n} («{action}»): type a date as <b>dd/mm/yyyy</b>,"
        " or «-» for no deadline.",
    ),
    "intake.ask.agency": (
        "{who}🏢 Cơ quan cho việc {n}, dòng «{line}»: chọn bên dưới, hoặc trả lời tin này bằng"
        " mã cơ quan (nhiều mã cách nhau bằng dấu phẩy).",
        "{who}🏢 Agency for task {n}, line «{line}»: choose below, or reply to this message with"
        " agency codes (separated by commas).",
    ),
    "intake.ask.add_agency": (
        "{who}➕ Việc mới: chọn cơ quan thực hiện bên dưới, hoặc trả lời tin này bằng mã cơ quan"
        " (nhiều mã cách nhau bằng dấu phẩy).",
        "{who}➕ New task: choose the agency below, or reply to this message with agency codes"
        " (separated by commas).",
    ),
    "intake.ask.add_action": (
        "{who}➕ Việc mới cho {agencies}: nhập <b>nội dung công việc</b>.",
        "{who}➕ New task for {agencies}: type <b>what is to be done</b>.",
    ),
    "intake.ask.add_deadline": (
        "{who}➕ Hạn của việc mới: nhập ngày dạng <b>dd/mm/yyyy</b>, hoặc «-» nếu không có hạn.",
        "{who}➕ Deadline of the new task: type a date as <b>dd/mm/yyyy</b>, or «-» for none.",
    ),
    "intake.ask.which_line": (
        "Việc {n} có nhiều dòng cơ quan; chọn dòng cần đổi:",
        "Task {n} has several assignee lines; choose the one to change:",
    ),
    "intake.bad_date": (
        "«{text}» không phải ngày hợp lệ. Nhập theo dạng dd/mm/yyyy, ví dụ 25/05/2024"
        " (hoặc «-» để bỏ hạn).",
        "«{text}» is not a valid date. Type it as dd/mm/yyyy, e.g. 25/05/2024 (or «-» for none).",
    ),
    "intake.unknown_agency": (
        "Không tìm thấy cơ quan: {names}. Dùng mã trong danh sách (/agencies) hoặc chọn bằng nút.",
        "No such agency: {names}. Use a code from the registry (/agencies) or the buttons.",
    ),
    "intake.empty_action": (
        "Nội dung công việc không được để trống.",
        "What is to be done cannot be empty.",
    ),
    "intake.picked": ("✓ Đã chọn: {names}", "✓ Chosen: {names}"),
    "intake.dropped": ("🗑 Đã bỏ việc {n}.", "🗑 Task {n} dropped."),
    # -- outcomes -----------------------------------------------------------------------
    "intake.saved": (
        "✅ Đã lưu {label}: <b>{count}</b> nhiệm vụ ({first}–{last}) cho {agencies} cơ quan.",
        "✅ Saved {label}: <b>{count}</b> tasks ({first}–{last}) for {agencies} agencies.",
    ),
    "intake.saved_one": (
        "✅ Đã lưu {label}: <b>1</b> nhiệm vụ ({first}).",
        "✅ Saved {label}: <b>1</b> task ({first}).",
    ),
    "intake.saved_skipped": (
        "{count} dòng cơ quan chưa khớp không được giao việc.",
        "{count} unmatched assignee lines got no task.",
    ),
    "intake.label.number": ("văn bản số {number}", "directive {number}"),
    "intake.label.unnumbered": ("văn bản (chưa có số)", "the unnumbered directive"),
    "intake.duplicate": (
        "⛔ Văn bản số {number} đã có trong hệ thống (nhập ngày {date}). Không lưu lần nữa.",
        "⛔ Directive {number} is already stored (taken in on {date}). Not saved again.",
    ),
    "intake.nothing_to_save": (
        "Chưa có nhiệm vụ nào có cơ quan thực hiện: không có gì để lưu.",
        "No task has an agency: there is nothing to save.",
    ),
    "intake.cancelled": ("✖ Đã hủy. Không có gì được lưu.", "✖ Cancelled. Nothing was saved."),
    "intake.expired": (
        "Phiên nhập văn bản này đã kết thúc hoặc hết hạn. Gửi /new để bắt đầu lại.",
        "This intake has ended or expired. Send /new to start again.",
    ),
    "intake.stale": (
        "Bản xem trước này đã cũ, hãy dùng bản mới nhất.",
        "This preview is out of date; use the latest one.",
    ),
    "intake.not_yours": (
        "Phiên nhập văn bản này là của người khác.",
        "This intake belongs to someone else.",
    ),
    # -- command line -------------------------------------------------------------------
    "intake.cli.unmatched": (
        "Chưa khớp với danh sách cơ quan (sẽ không được giao việc):",
        "Not matched to the registry (will get no task):",
    ),
    "intake.cli.unmatched_line": ("  việc {n}: «{text}» — {note}", "  task {n}: «{text}» — {note}"),
    "intake.cli.confirm": (
        "Vẫn lưu và bỏ qua {count} dòng chưa khớp? [c/K] ",
        "Save anyway and skip {count} unmatched lines? [y/N] ",
    ),
    "intake.cli.declined": ("Không lưu gì.", "Nothing saved."),
    "intake.cli.no_workspace": (
        "Chưa có đơn vị nào: hãy nhập danh sách cơ quan trước (nhacviec agencies import FILE).",
        "No workspace yet: import the agency registry first (nhacviec agencies import FILE).",
    ),
    "intake.cli.workspace_ambiguous": (
        "Hãy chọn đơn vị bằng --workspace (số hoặc tên):",
        "Choose the workspace with --workspace (number or name):",
    ),
    "intake.cli.workspace_line": ("  {id}: {name}", "  {id}: {name}"),
    "intake.cli.no_file": (
        "Không đọc được tệp {path}: {error}",
        "Cannot read {path}: {error}",
    ),
}

_YES = frozenset({"c", "co", "có", "y", "yes"})


def is_yes(answer: str) -> bool:
    """ "c", "có", "y", "yes" (any case) confirm; anything else declines."""
    return answer.strip().lower() in _YES


# -- the preview ---------------------------------------------------------------------


def render_preview(
    lang: str, preview: IntakePreview, *, limit: int = MESSAGE_LIMIT, chat: bool = True
) -> list[str]:
    """The preview as HTML chunks, each under `limit` characters, split between
    blocks (header, one block per task, summary) and, inside a block too long
    for one message, between lines. `chat=False` words it for the terminal."""
    blocks = [_header(lang, preview)]
    blocks.extend(_task_block(lang, i + 1, task) for i, task in enumerate(preview.tasks))
    blocks.append(_summary(lang, preview, chat=chat))
    return pack(["\n".join(lines) for lines in blocks if lines], limit)


def pack(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join blocks with blank lines into as few chunks under `limit` as possible."""
    chunks: list[str] = []
    current = ""
    for block in _fitting(blocks, limit):
        joined = f"{current}\n\n{block}" if current else block
        if len(joined) <= limit:
            current = joined
        else:
            chunks.append(current)
            current = block
    if current:
        chunks.append(current)
    return chunks


def _fitting(blocks: list[str], limit: int) -> list[str]:
    """Blocks no longer than `limit`: a longer one is cut between lines."""
    out: list[str] = []
    for block in blocks:
        if len(block) <= limit:
            out.append(block)
            continue
        part = ""
        for line in block.split("\n"):
            line = line if len(line) <= limit else line[: limit - 1] + "…"
            joined = f"{part}\n{line}" if part else line
            if len(joined) > limit:
                out.append(part)
                part = line
            else:
                part = joined
        if part:
            out.append(part)
    return out


def _header(lang: str, p: IntakePreview) -> list[str]:
    lines = [t(lang, "intake.preview.title")]
    if p.number:
        lines.append(t(lang, "intake.preview.number", number=p.number))
    else:
        lines.append(t(lang, "intake.preview.unnumbered", symbol=p.symbol or "…"))
    if p.issued_on:
        lines.append(t(lang, "intake.preview.date", date=p.issued_on))
    elif p.year and p.month:
        lines.append(t(lang, "intake.preview.date_month", month=p.month, year=p.year))
    elif p.year:
        lines.append(t(lang, "intake.preview.date_year", year=p.year))
    else:
        lines.append(t(lang, "intake.preview.date_unknown"))
    if p.issuer:
        lines.append(t(lang, "intake.preview.issuer", issuer=p.issuer))
    if p.subject:
        lines.append(t(lang, "intake.preview.subject", subject=p.subject))
    signer = p.signer or p.signer_title
    if p.signer and p.signer_title:
        signer = f"{p.signer} ({p.signer_title})"
    if signer:
        lines.append(t(lang, "intake.preview.signer", signer=signer))
    if p.file_name:
        lines.append(t(lang, "intake.preview.file", name=p.file_name))
    if p.duplicate is not None:
        created = p.duplicate.created_at.date() if p.duplicate.created_at else None
        lines.append(
            t(
                lang,
                "intake.preview.duplicate",
                number=p.duplicate.number,
                date=format_date(created),
            )
        )
    for notice in p.notices:
        if notice.code != "duplicate":
            lines.append(t(lang, "intake.preview.notice", text=Raw(notice_text(lang, notice))))
    return lines


def _task_block(lang: str, n: int, task: PlannedTask) -> list[str]:
    action = _clip(task.action, _ACTION_LIMIT)
    key = "intake.preview.task_added" if task.added else "intake.preview.task"
    lines = [t(lang, key, n=n, action=action)]
    lines.append(t(lang, "intake.preview.role", role=role_name(lang, task.role.value)))
    for line in task.lines:
        lines.extend(line_texts(lang, line))
    lines.append(deadline_text(lang, task))
    if task.supporting:
        lines.append(t(lang, "intake.preview.supporting", names=", ".join(task.supporting)))
    if task.report_to:
        lines.append(t(lang, "intake.preview.report_to", name=task.report_to))
    for notice in task.notices:
        lines.append(t(lang, "intake.preview.notice", text=Raw(notice_text(lang, notice))))
    return lines


def role_name(lang: str, role: str) -> str:
    key = f"intake.role.{role}"
    return t(lang, key) if key in MESSAGES else role


def line_texts(lang: str, line: AssigneeLine) -> list[str]:
    """How one assignee line reads: its agency, its group's agencies, or ⚠ unmatched."""
    if not line.agencies:
        note = note_text(lang, line.note)
        out = [t(lang, "intake.preview.agency_unmatched", text=line.text, note=note)]
        if line.candidates:
            codes = ", ".join(a.code for a in line.candidates)
            out.append(t(lang, "intake.preview.candidates", codes=codes))
        return out
    if line.needs_check and len(line.agencies) == 1:
        agency = line.agencies[0]
        return [
            t(
                lang,
                "intake.preview.agency_fuzzy",
                name=agency.name,
                code=agency.code,
                text=line.text,
            )
        ]
    if len(line.agencies) <= 3:
        return [t(lang, "intake.preview.agency", name=a.name, code=a.code) for a in line.agencies]
    all_codes = [a.code for a in line.agencies]
    shown = ", ".join(all_codes[:_CODES_SHOWN]) + (", …" if len(all_codes) > _CODES_SHOWN else "")
    return [
        t(lang, "intake.preview.agency_group", text=line.text, count=len(all_codes), codes=shown)
    ]


def note_text(lang: str, note: str | None) -> str:
    key = f"intake.note.{note or 'none'}"
    return t(lang, key) if key in MESSAGES else t(lang, "intake.note.none")


def deadline_text(lang: str, task: PlannedTask) -> str:
    spec = task.deadline
    if spec is None:
        if task.recurrence is not None:
            return t(lang, "intake.preview.recurrence", text=task.recurrence.text)
        return t(lang, "intake.preview.no_deadline")
    if task.first_occurrence and task.effective is not None:
        return t(lang, "intake.preview.deadline_first", text=spec.text, effective=task.effective)
    if task.deadline_edited and task.effective is not None:
        return t(lang, "intake.preview.deadline_edited", effective=task.effective)
    if task.effective is None:
        return t(lang, "intake.preview.deadline_unknown", text=spec.text)
    if spec.hour is not None:
        return t(
            lang,
            "intake.preview.deadline_hour",
            text=spec.text,
            hour=spec.hour,
            effective=task.effective,
        )
    return t(lang, "intake.preview.deadline", text=spec.text, effective=task.effective)


def notice_text(lang: str, notice: object) -> str:
    """A warning's sentence (already HTML-escaped)."""
    code = getattr(notice, "code", "")
    detail = getattr(notice, "detail", "")
    key = f"intake.notice.{code}"
    if key not in MESSAGES:
        return t(lang, "intake.notice.other", code=code, detail=detail)
    return t(lang, key, detail=detail)


def _summary(lang: str, p: IntakePreview, *, chat: bool) -> list[str]:
    if not p.tasks:
        return [t(lang, "intake.preview.no_tasks")]
    lines: list[str] = []
    if p.task_count:
        agencies = len({a.id for task in p.tasks for a in task.agencies})
        lines.append(t(lang, "intake.preview.summary", count=p.task_count, agencies=agencies))
    else:
        lines.append(t(lang, "intake.preview.nothing"))
    if p.unmatched:
        key = "intake.preview.unmatched" if chat else "intake.preview.unmatched_cli"
        lines.append(t(lang, key, count=len(p.unmatched)))
    return lines


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
