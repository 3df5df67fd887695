"""Texts of onboarding: workspaces, agencies, groups, invites, roles and rights."""

from __future__ import annotations

_PRIVACY_VI = (
    "<b>Cách trả lời trong nhóm:</b> ở chế độ riêng tư (mặc định) của Telegram, tôi "
    "<b>không đọc</b> tin nhắn thường trong nhóm; tôi chỉ nhận <b>lệnh</b> (ví dụ /xong T12), "
    "tin nhắn <b>trả lời (reply) vào tin của tôi</b> và <b>nút bấm</b>. Hãy bấm nút dưới tin "
    "nhắc việc, hoặc trả lời vào tin đó, ví dụ «đã xong», «đang thực hiện 60%», "
    "«vướng: chưa có số liệu»."
)
_PRIVACY_EN = (
    "<b>How to answer in a group:</b> in Telegram's privacy mode (the default) I do "
    "<b>not read</b> ordinary messages in groups; I only receive <b>commands</b> (e.g. "
    "/done T12), <b>replies to my messages</b> and <b>button presses</b>. Press a button "
    'under a reminder, or reply to it, e.g. "done", "in progress 60%", "blocked: no data yet".'
)

MESSAGES: dict[str, tuple[str, str]] = {
    # -- roles and purposes --------------------------------------------------------
    "onboarding.role.admin": ("quản trị viên", "admin"),
    "onboarding.role.coordinator": ("cán bộ điều phối", "coordinator"),
    "onboarding.role.focal_point": ("đầu mối", "focal point"),
    "onboarding.role.viewer": ("người theo dõi", "viewer"),
    "onboarding.purpose.coordination": ("nhóm điều phối", "coordination group"),
    "onboarding.purpose.focal_points": ("nhóm đầu mối", "focal points' group"),
    "onboarding.purpose.agency": ("nhóm của cơ quan", "agency group"),
    "onboarding.privacy": (_PRIVACY_VI, _PRIVACY_EN),
    "onboarding.no_workspace.group": (
        "Nhóm này chưa được thiết lập. Quản trị viên hoặc cán bộ điều phối gõ /setup.",
        "This group is not set up yet. An admin or coordinator sends /setup.",
    ),
    "onboarding.no_workspace.private": (
        "Tôi chưa biết anh/chị làm việc với đơn vị điều phối nào ở đây (anh/chị chưa là "
        "thành viên, hoặc là thành viên của nhiều đơn vị). Hãy dùng lệnh này trong nhóm của "
        "đơn vị.",
        "I cannot tell which coordinating unit you mean here (you are not a member of one, "
        "or you belong to several). Please use this command in the unit's group.",
    ),
    "onboarding.button.prev": ("« Trước", "« Previous"),
    "onboarding.button.next": ("Sau »", "Next »"),
    "onboarding.stale": (
        "Nút này đã cũ. Hãy gõ lại lệnh.",
        "This button is out of date. Please send the command again.",
    ),
    # -- the bot joins a group -------------------------------------------------------
    "onboarding.greeting": (
        "Xin chào! Tôi là <b>Nhắc việc</b>, trợ lý đôn đốc thực hiện nhiệm vụ theo văn bản "
        "chỉ đạo.\n\n"
        "Quản trị viên hoặc cán bộ điều phối hãy gõ /setup để cho tôi biết nhóm này là "
        "<b>nhóm điều phối</b> (nhận báo cáo tổng hợp, cảnh báo quá hạn), <b>nhóm đầu mối</b> "
        "(nhận tin nhắc việc của các cơ quan) hay <b>nhóm của một cơ quan</b>.\n\n" + _PRIVACY_VI,
        "Hello! I am <b>Nhắc việc</b>, an assistant that follows up on the tasks of "
        "directives.\n\n"
        "An admin or coordinator: send /setup to tell me whether this is the <b>coordination "
        "group</b> (daily digest, overdue escalations), the <b>focal points' group</b> "
        "(reminders for the agencies) or <b>one agency's group</b>.\n\n" + _PRIVACY_EN,
    ),
    "onboarding.greeting.known": (
        "Tôi đã trở lại nhóm. Nhóm này vẫn là {purpose} của <b>{workspace}</b>.\n\n" + _PRIVACY_VI,
        "I am back in this group. It is still the {purpose} of <b>{workspace}</b>.\n\n"
        + _PRIVACY_EN,
    ),
    # -- /setup ----------------------------------------------------------------------------
    "onboarding.setup.group_only": (
        "Lệnh /setup dùng trong nhóm: thêm tôi vào nhóm rồi gõ /setup ở đó.",
        "/setup works in a group: add me to the group and send /setup there.",
    ),
    "onboarding.setup.choose_workspace": (
        "Nhóm «{title}» chưa thuộc đơn vị điều phối nào. Chọn đơn vị:",
        'The group "{title}" belongs to no coordinating unit yet. Choose one:',
    ),
    "onboarding.setup.button.create": (
        "➕ Tạo đơn vị điều phối mới (nhóm này là nhóm điều phối)",
        "➕ New coordinating unit (this is its coordination group)",
    ),
    "onboarding.setup.choose_purpose": (
        "Nhóm «{title}» của <b>{workspace}</b> dùng để làm gì?",
        'What is the group "{title}" of <b>{workspace}</b> for?',
    ),
    "onboarding.setup.button.coordination": (
        "Nhóm điều phối (báo cáo, cảnh báo)",
        "Coordination (digest, escalations)",
    ),
    "onboarding.setup.button.focal_points": (
        "Nhóm đầu mối (nhắc việc)",
        "Focal points (reminders)",
    ),
    "onboarding.setup.button.agency": ("Nhóm của một cơ quan…", "One agency's group…"),
    "onboarding.setup.choose_agency": (
        "Chọn cơ quan của nhóm này (trang {page}/{pages}):",
        "Choose this group's agency (page {page}/{pages}):",
    ),
    "onboarding.setup.no_agencies": (
        "Đơn vị chưa có cơ quan nào. Nhập danh sách cơ quan trước (/agencies add MÃ Tên, "
        "hoặc lệnh nhacviec agencies import).",
        "The unit has no agencies yet. Add them first (/agencies add CODE Name, or "
        "nhacviec agencies import).",
    ),
    "onboarding.setup.done.coordination": (
        "✅ Nhóm này là <b>nhóm điều phối</b> của <b>{workspace}</b>: tôi gửi vào đây báo cáo "
        "tổng hợp hằng ngày, cảnh báo nhiệm vụ quá hạn và đề nghị gia hạn.",
        "✅ This is now the <b>coordination group</b> of <b>{workspace}</b>: the daily digest, "
        "overdue escalations and extension requests come here.",
    ),
    "onboarding.setup.done.focal_points": (
        "✅ Nhóm này là <b>nhóm đầu mối</b> của <b>{workspace}</b>: tôi nhắc hạn nhiệm vụ của "
        "các cơ quan ở đây (trừ cơ quan có nhóm riêng).",
        "✅ This is now the <b>focal points' group</b> of <b>{workspace}</b>: agencies' "
        "reminders come here (except for agencies with their own group).",
    ),
    "onboarding.setup.done.agency": (
        "✅ Nhóm này là nhóm của <b>{agency}</b> ({workspace}): tôi nhắc hạn nhiệm vụ của cơ "
        "quan ở đây.",
        "✅ This is now the group of <b>{agency}</b> ({workspace}): its reminders come here.",
    ),
    "onboarding.setup.replaced": (
        "Nhóm «{titles}» không còn giữ vai trò này.",
        'The group "{titles}" no longer has this role.',
    ),
    "onboarding.setup.created": (
        "Đã tạo đơn vị điều phối <b>{workspace}</b> (mã số {id}); anh/chị là cán bộ điều "
        "phối.\nTiếp theo: nhập danh sách cơ quan (nhacviec agencies import TỆP --workspace "
        "{id}, hoặc /agencies add MÃ Tên), rồi mời đầu mối bằng /invite.",
        "Created the coordinating unit <b>{workspace}</b> (number {id}); you are its "
        "coordinator.\nNext: add the agencies (nhacviec agencies import FILE --workspace {id}, "
        "or /agencies add CODE Name), then invite focal points with /invite.",
    ),
    # -- /agencies ------------------------------------------------------------------------------
    "onboarding.agencies.header": (
        "<b>Cơ quan của {workspace}</b> — {total} cơ quan (trang {page}/{pages})",
        "<b>Agencies of {workspace}</b> — {total} (page {page}/{pages})",
    ),
    "onboarding.agencies.item": (
        "<code>{code}</code> {name} · {count} đầu mối",
        "<code>{code}</code> {name} · {count} focal point(s)",
    ),
    "onboarding.agencies.empty": (
        "Chưa có cơ quan nào. Thêm bằng /agencies add MÃ Tên cơ quan, hoặc nhập tệp bằng "
        "nhacviec agencies import.",
        "No agencies yet. Add one with /agencies add CODE Agency name, or import a file with "
        "nhacviec agencies import.",
    ),
    "onboarding.agencies.usage": (
        "Cách dùng:\n/agencies — danh sách cơ quan\n/agencies add MÃ Tên cơ quan — thêm\n"
        "/agencies rename MÃ Tên mới — đổi tên (tên cũ được giữ làm tên gọi khác)",
        "Usage:\n/agencies — the agency list\n/agencies add CODE Agency name — add one\n"
        "/agencies rename CODE New name — rename (the old name is kept as an alias)",
    ),
    "onboarding.agencies.added": (
        "Đã thêm <code>{code}</code> {name}.",
        "Added <code>{code}</code> {name}.",
    ),
    "onboarding.agencies.renamed": (
        "Đã đổi tên <code>{code}</code>: {old} → {name}. Tên cũ vẫn được nhận ra trong văn bản.",
        "Renamed <code>{code}</code>: {old} → {name}. The old name is still recognised.",
    ),
    "onboarding.agencies.error.bad_code": (
        "Mã «{code}» không hợp lệ: dùng chữ in hoa không dấu, số và dấu _, 2–32 ký tự, "
        "bắt đầu bằng chữ (ví dụ STP, UBND_BINHSON).",
        'The code "{code}" is not valid: use 2–32 capital letters, digits and _, starting '
        "with a letter (e.g. STP, UBND_BINHSON).",
    ),
    "onboarding.agencies.error.missing_name": (
        "Thiếu tên cơ quan.",
        "The agency name is missing.",
    ),
    "onboarding.agencies.error.duplicate_code": (
        "Mã <code>{code}</code> đã dùng cho {name}. Muốn đổi tên, gõ /agencies rename {code} "
        "Tên mới.",
        "The code <code>{code}</code> is already {name}. To rename it: /agencies rename {code} "
        "New name.",
    ),
    "onboarding.agencies.error.duplicate_name": (
        "Đã có cơ quan cùng tên: <code>{code}</code> {name}.",
        "An agency of that name exists: <code>{code}</code> {name}.",
    ),
    "onboarding.agencies.error.not_found": (
        "Không tìm thấy cơ quan «{query}». Gõ /agencies để xem danh sách.",
        'No agency "{query}". Send /agencies for the list.',
    ),
    # -- /invite ---------------------------------------------------------------------------------
    "onboarding.invite.usage": (
        "Cách dùng: /invite MÃ hoặc tên cơ quan (ví dụ /invite STP) — mã mời đầu mối.\n"
        "/invite điều phối — mời cán bộ điều phối; /invite theo dõi — mời người theo dõi.\n"
        "Hoặc chọn cơ quan:",
        "Usage: /invite agency CODE or name (e.g. /invite STP) — a focal point invite.\n"
        "/invite coordinator — invite a coordinator; /invite viewer — invite a viewer.\n"
        "Or choose the agency:",
    ),
    "onboarding.invite.created": (
        "Mã mời đầu mối của <b>{agency}</b> (<code>{agency_code}</code>), {workspace}:\n\n"
        "Mã: <code>{code}</code> (gõ /join {code})\nHoặc mở liên kết: {link}\n\n"
        "Hết hạn lúc {expires}; chỉ dùng được một lần. Hãy gửi riêng cho người được mời.",
        "Focal point invite for <b>{agency}</b> (<code>{agency_code}</code>), {workspace}:\n\n"
        "Code: <code>{code}</code> (send /join {code})\nOr open the link: {link}\n\n"
        "Expires at {expires}; works once. Send it privately to the person invited.",
    ),
    "onboarding.invite.created_role": (
        "Mã mời <b>{role}</b> của {workspace}:\n\n"
        "Mã: <code>{code}</code> (gõ /join {code})\nHoặc mở liên kết: {link}\n\n"
        "Hết hạn lúc {expires}; chỉ dùng được một lần. Hãy gửi riêng cho người được mời.",
        "Invite as <b>{role}</b> of {workspace}:\n\n"
        "Code: <code>{code}</code> (send /join {code})\nOr open the link: {link}\n\n"
        "Expires at {expires}; works once. Send it privately to the person invited.",
    ),
    "onboarding.invite.choose": (
        "Có nhiều cơ quan gần với «{query}». Chọn cơ quan:",
        'Several agencies are close to "{query}". Choose one:',
    ),
    "onboarding.invite.pick": (
        "Chọn cơ quan để tạo mã mời (trang {page}/{pages}):",
        "Choose the agency to invite a focal point for (page {page}/{pages}):",
    ),
    # -- /join, /start CODE --------------------------------------------------------------------------
    "onboarding.join.usage": (
        "Cách dùng: /join MÃ_MỜI (mã do cán bộ điều phối gửi).",
        "Usage: /join INVITE_CODE (the code a coordinator sent you).",
    ),
    "onboarding.join.joined.focal_point": (
        "✅ Anh/chị đã là <b>đầu mối của {agency}</b> ({workspace}).\n"
        "Tôi sẽ nhắc hạn các nhiệm vụ của cơ quan; trả lời bằng nút bấm hoặc trả lời vào tin "
        "nhắc. Gõ /tasks để xem nhiệm vụ, /leave để thôi làm đầu mối.",
        "✅ You are now a <b>focal point of {agency}</b> ({workspace}).\n"
        "I will remind you of the agency's deadlines; answer with a button or by replying to "
        "the reminder. Send /tasks for the tasks, /leave to stop being a focal point.",
    ),
    "onboarding.join.joined.coordinator": (
        "✅ Anh/chị đã là <b>cán bộ điều phối</b> của {workspace}. Gõ /help để xem các lệnh.",
        "✅ You are now a <b>coordinator</b> of {workspace}. Send /help for the commands.",
    ),
    "onboarding.join.joined.viewer": (
        "✅ Anh/chị đã là <b>người theo dõi</b> của {workspace}: xem được tình hình thực hiện "
        "(/status), không thay đổi được dữ liệu.",
        "✅ You are now a <b>viewer</b> of {workspace}: you can see the state of work "
        "(/status) but not change it.",
    ),
    "onboarding.join.already": (
        "Anh/chị đã là {role}{agency_part} của {workspace}; không cần dùng mã này nữa.",
        "You already are {role}{agency_part} of {workspace}; this code is not needed.",
    ),
    "onboarding.join.not_found": (
        "Mã mời không đúng. Hãy kiểm tra lại (mã gồm 8 ký tự) hoặc xin cán bộ điều phối mã mới.",
        "This invite code is not right. Check it (8 characters) or ask a coordinator for a "
        "new one.",
    ),
    "onboarding.join.expired": (
        "Mã mời này đã hết hạn. Hãy xin cán bộ điều phối mã mới.",
        "This invite code has expired. Ask a coordinator for a new one.",
    ),
    "onboarding.join.used": (
        "Mã mời này đã được dùng (mỗi mã chỉ dùng một lần). Hãy xin cán bộ điều phối mã mới.",
        "This invite code was already used (each code works once). Ask a coordinator for a "
        "new one.",
    ),
    "onboarding.join.other_role": (
        "Anh/chị đang là {role}{agency_part} của {workspace}, nên chưa dùng mã này được. "
        "Nếu cần đổi, hãy gõ /leave trước hoặc nhờ cán bộ điều phối.",
        "You are {role}{agency_part} of {workspace}, so this code cannot be used. To change, "
        "send /leave first or ask a coordinator.",
    ),
    "onboarding.join.agency_part": (" của {agency}", " of {agency}"),
    "onboarding.join.notify": (
        "👤 {name} đã nhận làm {role}{agency_part}.",
        "👤 {name} joined as {role}{agency_part}.",
    ),
    # -- /leave, /remove ---------------------------------------------------------------------------
    "onboarding.leave.done": (
        "Anh/chị đã thôi là {role}{agency_part} của {workspace}. Tôi sẽ không nhắc anh/chị nữa.",
        "You are no longer {role}{agency_part} of {workspace}. I will not remind you any more.",
    ),
    "onboarding.leave.not_member": (
        "Anh/chị không phải thành viên của đơn vị này.",
        "You are not a member of this unit.",
    ),
    "onboarding.remove.usage": (
        "Cách dùng: /remove MÃ_CƠ_QUAN @tên_người_dùng (hoặc số id Telegram). Gõ /remove "
        "MÃ_CƠ_QUAN để chọn bằng nút.",
        "Usage: /remove AGENCY_CODE @username (or Telegram user id). Send /remove AGENCY_CODE "
        "to choose with a button.",
    ),
    "onboarding.remove.choose": (
        "Đầu mối của <b>{agency}</b>. Chọn người cần gỡ:",
        "Focal points of <b>{agency}</b>. Choose whom to remove:",
    ),
    "onboarding.remove.none": (
        "{agency} chưa có đầu mối nào.",
        "{agency} has no focal point.",
    ),
    "onboarding.remove.not_found": (
        "{agency} không có đầu mối {who}.",
        "{agency} has no focal point {who}.",
    ),
    "onboarding.remove.done": (
        "Đã gỡ {name} khỏi vai trò đầu mối của {agency}.",
        "Removed {name} as a focal point of {agency}.",
    ),
    "onboarding.remove.told": (
        "Anh/chị không còn là đầu mối của {agency} ({workspace}).",
        "You are no longer a focal point of {agency} ({workspace}).",
    ),
    # -- command line -------------------------------------------------------------------------------
    "onboarding.cli.no_file": ("Không đọc được tệp {path}: {error}", "Cannot read {path}: {error}"),
    "onboarding.cli.bad_format": (
        "Không nhận ra định dạng của {path}: dùng tệp .yaml, .yml hoặc .csv.",
        "Unknown format for {path}: use a .yaml, .yml or .csv file.",
    ),
    "onboarding.cli.failed": (
        "Tệp {path} có lỗi nên CHƯA NHẬP cơ quan nào. Sửa các lỗi sau rồi nhập lại:",
        "{path} has errors, so NOTHING was imported. Fix these and import again:",
    ),
    "onboarding.cli.problem": ("  dòng {line}: {message}", "  line {line}: {message}"),
    "onboarding.cli.conflict": (
        "  {code} «{name}»: trùng tên với cơ quan {existing} đã có. Nếu là cùng một cơ quan, "
        "dùng mã {existing} trong tệp.",
        '  {code} "{name}": same name as the existing agency {existing}. If it is the same '
        "agency, use the code {existing} in the file.",
    ),
    "onboarding.cli.workspace_ambiguous": (
        "Có nhiều đơn vị điều phối; hãy chọn bằng --workspace TÊN hoặc --workspace SỐ:",
        "There are several coordinating units; choose one with --workspace NAME or NUMBER:",
    ),
    "onboarding.cli.workspace_line": ("  {id}: {name}", "  {id}: {name}"),
    "onboarding.cli.workspace_created": (
        "Đã tạo đơn vị điều phối mới «{name}» (số {id}).",
        'Created the coordinating unit "{name}" (number {id}).',
    ),
    "onboarding.cli.imported": (
        "Đã nhập {total} cơ quan vào «{name}» (số {id}): {created} mới, {updated} cập nhật, "
        "{unchanged} không đổi.",
        'Imported {total} agencies into "{name}" (number {id}): {created} new, {updated} '
        "updated, {unchanged} unchanged.",
    ),
    "onboarding.cli.kept": (
        "{count} cơ quan có trong hệ thống nhưng không có trong tệp được GIỮ NGUYÊN (nhập tệp "
        "không xóa cơ quan nào): {codes}",
        "{count} agencies in the workspace but not in the file are KEPT (an import never "
        "deletes agencies): {codes}",
    ),
    "onboarding.cli.list_header": (
        "{name} (số {id}) — {count} cơ quan",
        "{name} (number {id}) — {count} agencies",
    ),
    "onboarding.cli.no_workspace": (
        "Chưa có đơn vị điều phối nào. Nhập danh sách cơ quan trước: nhacviec agencies import "
        'TỆP --workspace "Tên đơn vị".',
        "No coordinating unit yet. Import agencies first: nhacviec agencies import FILE "
        '--workspace "Unit name".',
    ),
    # -- registry file problems (codes from bot.registry_files.ProblemCode) ----------------------
    "onboarding.problem.malformed": (
        "tệp không đúng cú pháp ({detail})",
        "the file is not well-formed ({detail})",
    ),
    "onboarding.problem.encoding": (
        "tệp không ở bảng mã UTF-8 (hãy lưu lại dạng UTF-8)",
        "the file is not UTF-8 (save it as UTF-8)",
    ),
    "onboarding.problem.bad_structure": (
        "cấu trúc không đúng: cần danh sách cơ quan ({detail})",
        "wrong structure: expected a list of agencies ({detail})",
    ),
    "onboarding.problem.bad_header": (
        "dòng tiêu đề thiếu cột bắt buộc: {detail}",
        "the header lacks required columns: {detail}",
    ),
    "onboarding.problem.bad_row": (
        "dòng có nhiều ô hơn tiêu đề ({detail})",
        "the row has more cells than the header ({detail})",
    ),
    "onboarding.problem.empty": ("tệp không có cơ quan nào", "the file lists no agency"),
    "onboarding.problem.unknown_field": (
        "trường không biết: «{detail}» (dùng code, name, aliases, category, parent, head_title)",
        'unknown field "{detail}" (use code, name, aliases, category, parent, head_title)',
    ),
    "onboarding.problem.duplicate_field": (
        "trường «{detail}» lặp lại",
        'the field "{detail}" is repeated',
    ),
    "onboarding.problem.bad_value": (
        "giá trị của «{detail}» không đúng kiểu",
        'the value of "{detail}" has the wrong type',
    ),
    "onboarding.problem.missing_code": ("thiếu mã cơ quan (code)", "the code is missing"),
    "onboarding.problem.bad_code": (
        "mã «{detail}» không hợp lệ (chữ in hoa không dấu, số, dấu _; 2–32 ký tự)",
        'the code "{detail}" is not valid (capital letters, digits, _; 2–32 characters)',
    ),
    "onboarding.problem.missing_name": (
        "thiếu tên cơ quan (name) {detail}",
        "the name is missing {detail}",
    ),
    "onboarding.problem.missing_category": (
        "thiếu loại cơ quan (category)",
        "the category is missing",
    ),
    "onboarding.problem.unknown_category": (
        "loại cơ quan «{detail}» không có (dùng so_nganh, huyen, xa, phong, trung_uong, khac)",
        'unknown category "{detail}" (use so_nganh, huyen, xa, phong, trung_uong, khac)',
    ),
    "onboarding.problem.duplicate_code": (
        "mã lặp lại: {detail}",
        "repeated code: {detail}",
    ),
    "onboarding.problem.duplicate_name": (
        "tên cơ quan lặp lại: {detail}",
        "repeated agency name: {detail}",
    ),
    "onboarding.problem.duplicate_alias": (
        "tên gọi khác trùng với cơ quan khác: {detail}",
        "the alias belongs to another agency: {detail}",
    ),
    "onboarding.problem.parent_not_found": (
        "cơ quan cấp trên «{detail}» không có trong tệp",
        'the parent "{detail}" is not in the file',
    ),
    "onboarding.problem.parent_cycle": (
        "cơ quan cấp trên tạo thành vòng lặp ({detail})",
        "the parents form a cycle ({detail})",
    ),
    # -- the rights table (docs/RIGHTS.md, generated) ------------------------------------------
    "onboarding.rights.title": ("# Quyền hạn — Rights", "# Quyền hạn — Rights"),
    "onboarding.rights.intro": (
        "Tệp này được sinh tự động từ `RULES` trong `bot/domain/rights.py` bằng lệnh "
        "`nhacviec rights > docs/RIGHTS.md`; đừng sửa tay (một bài kiểm thử so sánh hai "
        "bên).\n\n"
        "This file is generated from `RULES` in `bot/domain/rights.py` with "
        "`nhacviec rights > docs/RIGHTS.md`; do not edit it by hand (a test compares them).",
        "",
    ),
    "onboarding.rights.heading": ("Ai được làm gì (tiếng Việt)", "Who may do what (English)"),
    "onboarding.rights.action": ("Thao tác", "Action"),
    "onboarding.rights.role.admin": ("Quản trị viên", "Admin"),
    "onboarding.rights.role.coordinator": ("Cán bộ điều phối", "Coordinator"),
    "onboarding.rights.role.focal_point": ("Đầu mối", "Focal point"),
    "onboarding.rights.role.viewer": ("Người theo dõi", "Viewer"),
    "onboarding.rights.role.stranger": ("Người lạ", "Stranger"),
    "onboarding.rights.grant.everywhere": ("✓ mọi đơn vị", "✓ every unit"),
    "onboarding.rights.grant.workspace": ("✓", "✓"),
    "onboarding.rights.grant.own_agency": ("✓ cơ quan mình", "✓ own agency"),
    "onboarding.rights.grant.own_changes": (
        "✓ thay đổi do mình báo, cơ quan mình",
        "✓ own reports, own agency",
    ),
    "onboarding.rights.grant.no": ("—", "—"),
    "onboarding.rights.notes": (
        "- Quản trị viên: các id Telegram trong BOT_ADMINS. Cán bộ điều phối: người tạo đơn vị "
        "(/setup → tạo đơn vị mới) và người nhận mã /invite điều phối. Đầu mối: người nhận mã "
        "/invite MÃ_CƠ_QUAN. Người theo dõi: người nhận mã /invite theo dõi. Người lạ: mọi "
        "người khác.\n"
        "- ✓: trong đơn vị điều phối của nhóm đang dùng (trong chat riêng: đơn vị mà người dùng "
        "là thành viên; với /join: đơn vị của mã mời). Không gì đi qua giữa các đơn vị: quản "
        "trị viên có quyền ở mọi đơn vị, nhưng trong một nhóm chỉ thấy và tác động đến đơn vị "
        "của nhóm đó.\n"
        "- Thao tác không được phép nhận lời từ chối lịch sự, không thay đổi gì, và được ghi vào "
        "nhật ký (bảng auditevent).",
        "- Admin: the Telegram ids in BOT_ADMINS. Coordinator: whoever created the unit "
        "(/setup → new unit) or redeemed a /invite coordinator code. Focal point: whoever "
        "redeemed a /invite AGENCY_CODE code. Viewer: a /invite viewer code. Stranger: anyone "
        "else.\n"
        "- ✓: within the coordinating unit of the chat in use (in a private chat: the unit the "
        "user is a member of; for /join: the invite's unit). Nothing crosses between units: an "
        "admin has rights in every unit, but inside a group sees and acts on that group's unit "
        "only.\n"
        "- Anything not allowed gets a polite refusal, changes nothing, and is written to the "
        "audit log (the auditevent table).",
    ),
    "onboarding.rights.action.join": (
        "Nhận lời mời (/join, liên kết mời)",
        "Redeem an invite (/join, invite link)",
    ),
    "onboarding.rights.action.leave": ("Rời đơn vị (/leave)", "Leave the unit (/leave)"),
    "onboarding.rights.action.create_workspace": (
        "Tạo đơn vị điều phối mới (/setup trong nhóm mới)",
        "Create a coordinating unit (/setup in a new group)",
    ),
    "onboarding.rights.action.setup_chat": (
        "Đặt mục đích cho nhóm (/setup)",
        "Set a group's purpose (/setup)",
    ),
    "onboarding.rights.action.manage_agencies": (
        "Thêm, đổi tên cơ quan (/agencies add, /agencies rename)",
        "Add, rename agencies (/agencies add, /agencies rename)",
    ),
    "onboarding.rights.action.invite": ("Tạo mã mời (/invite)", "Create invites (/invite)"),
    "onboarding.rights.action.remove_focal_point": (
        "Gỡ đầu mối (/remove)",
        "Remove a focal point (/remove)",
    ),
    "onboarding.rights.action.take_in_directive": (
        "Nhập văn bản chỉ đạo (/new)",
        "Take in a directive (/new)",
    ),
    "onboarding.rights.action.update_task": (
        "Báo tình hình nhiệm vụ (/done, /progress, /blocked, nút bấm)",
        "Report on a task (/done, /progress, /blocked, buttons)",
    ),
    "onboarding.rights.action.undo_change": (
        "Hoàn tác báo cáo vừa gửi (nút «Hoàn tác», trong 5 phút)",
        "Undo a report just made (the Undo button, within 5 minutes)",
    ),
    "onboarding.rights.action.request_extension": (
        "Xin gia hạn (/extend)",
        "Ask for more time (/extend)",
    ),
    "onboarding.rights.action.decide_extension": (
        "Duyệt hoặc từ chối gia hạn",
        "Approve or deny an extension",
    ),
    "onboarding.rights.action.view_workspace": (
        "Xem tình hình chung, danh sách cơ quan (/status, /overdue, /agencies)",
        "See the overall state, the agency list (/status, /overdue, /agencies)",
    ),
    "onboarding.rights.action.view_own_agency": (
        "Xem nhiệm vụ của cơ quan mình (/tasks)",
        "See one's own agency's tasks (/tasks)",
    ),
    "onboarding.rights.action.send_digest": (
        "Gửi báo cáo tổng hợp ngay (/digest)",
        "Send the digest now (/digest)",
    ),
    "onboarding.rights.action.export_report": (
        "Xuất báo cáo (/report)",
        "Export reports (/report)",
    ),
    "onboarding.rights.action.resend_reminders": (
        "Gửi lại tin nhắc chưa đến nơi (nút «🔁 Gửi lại» dưới báo cáo gửi quản trị viên)",
        "Send undelivered reminders again (the “🔁 Send again” button under the admins' report)",
    ),
}
