"""Chat and command-line words of /report, agency scores and `nhacviec report`/`status`.

(The documents' own words are in bot/texts/documents.py: they are always
Vietnamese.)
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "scores.header": (
        "<b>Tỷ lệ hoàn thành đúng hạn theo cơ quan</b> (nhiệm vụ có hạn từ {start} đến {end})",
        "<b>On-time rate by agency</b> (tasks due from {start} to {end})",
    ),
    "scores.row": (
        "• {agency}: đúng hạn {on_time}/{due} ({rate}); quá hạn {late}; chưa xong {open}",
        "• {agency}: on time {on_time}/{due} ({rate}); late {late}; not done {open}",
    ),
    "scores.total": (
        "<b>Tổng cộng</b>: đúng hạn {on_time}/{due} ({rate}); quá hạn {late}; chưa xong {open}",
        "<b>Total</b>: on time {on_time}/{due} ({rate}); late {late}; not done {open}",
    ),
    "scores.none": (
        "Không có nhiệm vụ nào có hạn trong kỳ này.",
        "No task falls due in this period.",
    ),
    "report.preparing": (
        "⏳ Đang lập báo cáo…",
        "⏳ Preparing the reports…",
    ),
    "report.caption.table": (
        "📊 Bảng theo dõi tình hình thực hiện nhiệm vụ ({rows} nhiệm vụ)",
        "📊 Tracking table ({rows} tasks)",
    ),
    "report.caption.report": (
        "📄 Dự thảo báo cáo kết quả theo dõi, đôn đốc (mở, chỉnh sửa rồi trình ký)",
        "📄 Draft summary report (open, edit, then submit for signature)",
    ),
    "report.caption.letter": (
        "📨 Dự thảo công văn đôn đốc {agencies} cơ quan có nhiệm vụ quá hạn",
        "📨 Draft urging letter to the {agencies} agencies with overdue tasks",
    ),
    "report.no_late": (
        "Không có cơ quan nào có nhiệm vụ quá hạn, nên không cần công văn đôn đốc.",
        "No agency has an overdue task, so there is no urging letter.",
    ),
    "report.no_directive": (
        "Không tìm thấy văn bản số «{number}». Gõ /report để lập báo cáo chung, hoặc "
        "/report &lt;số văn bản&gt; (ví dụ /report 2268/UBND-TTHC).",
        "No directive numbered «{number}». Send /report for the general report, or "
        "/report &lt;number&gt; (for example /report 2268/UBND-TTHC).",
    ),
    "report.ambiguous": (
        "Có nhiều văn bản khớp với «{number}»: {candidates}. Hãy gõ đầy đủ số, ký hiệu.",
        "Several directives match «{number}»: {candidates}. Please give the full number.",
    ),
    "cli.report.written": ("Đã ghi: {path}", "Written: {path}"),
    "cli.report.no_letter": (
        "Không có cơ quan quá hạn: không lập công văn đôn đốc.",
        "No agency is late: no urging letter.",
    ),
    "cli.report.no_workspace": (
        "Không có đơn vị theo dõi (workspace) nào trong cơ sở dữ liệu.",
        "There is no workspace in the database.",
    ),
    "cli.report.which_workspace": (
        "Có nhiều đơn vị theo dõi; chọn một bằng --workspace ID:\n{choices}",
        "There are several workspaces; choose one with --workspace ID:\n{choices}",
    ),
    "cli.report.unknown_workspace": (
        "Không có đơn vị theo dõi số {workspace_id}.",
        "There is no workspace {workspace_id}.",
    ),
    "cli.report.bad_period": (
        "Kỳ báo cáo không hợp lệ: cần cả --from và --to, và --from không sau --to.",
        "Invalid period: give both --from and --to, with --from not after --to.",
    ),
    "cli.status.header": (
        "{name} (workspace {workspace_id}) — ngày {day}: {total} nhiệm vụ",
        "{name} (workspace {workspace_id}) — {day}: {total} tasks",
    ),
    "cli.status.line": ("  {label}: {n}", "  {label}: {n}"),
    "cli.status.details": (
        "  (chưa bắt đầu: {not_started}; vướng mắc: {blocked})",
        "  (not started: {not_started}; blocked: {blocked})",
    ),
}
