"""`nhacviec demo`: the narration and the transcript's labels (terminal text)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # The transcript (bot/demo/printer.py).
    "demo.chat.private": ("Tin riêng với {name}", "Private chat with {name}"),
    "demo.reply_to": ("↩ trả lời «{quote}»", "↩ replying to “{quote}”"),
    "demo.more_lines": ("… (còn {count} dòng)", "… ({count} more lines)"),
    "demo.pressed": ("bấm nút [{label}]", "presses [{label}]"),
    "demo.toast": ("↳ {name} thấy thông báo nhỏ: «{text}»", "↳ {name} sees a pop-up: “{text}”"),
    "demo.alert": ("↳ {name} thấy hộp cảnh báo: «{text}»", "↳ {name} sees an alert: “{text}”"),
    "demo.edited": ("✎ sửa tin", "✎ edits its message"),
    "demo.deleted": ("✎ xoá tin «{quote}»", "✎ deletes “{quote}”"),
    "demo.buttons_changed": (
        "✎ cập nhật các nút dưới tin «{quote}»:",
        "✎ updates the buttons under “{quote}”:",
    ),
    "demo.buttons_removed": (
        "✎ bỏ các nút dưới tin «{quote}»",
        "✎ removes the buttons under “{quote}”",
    ),
    "demo.document": ("📎 Tệp {name} ({size})", "📎 File {name} ({size})"),
    "demo.photo": ("🖼 [ảnh]", "🖼 [photo]"),
    "demo.service.joined": ("(thêm {names} vào nhóm)", "(adds {names} to the group)"),
    "demo.service.left": ("({name} rời nhóm)", "({name} left the group)"),
    "demo.service.created": ("(tạo nhóm)", "(created the group)"),
    "demo.service.other": ("(tin hệ thống)", "(service message)"),
    "demo.group_created": (
        "{who} tạo nhóm «{title}» ({members}) và thêm bot @{bot} vào nhóm",
        "{who} creates the group “{title}” ({members}) and adds the bot @{bot}",
    ),
    # The story (bot/demo/script.py).
    "demo.title": (
        "NHẮC VIỆC — chạy thử offline: Bot API giả lập (sandbox) trong tiến trình, đồng hồ nhanh",
        "NHẮC VIỆC — offline demo: an in-process Bot API sandbox and a fast clock",
    ),
    "demo.settings": (
        "Cài đặt: nhắc trước {days} ngày làm việc lúc {time}; tổng hợp hằng ngày lúc {digest}; "
        "báo cấp trên sau {escalate} ngày làm việc quá hạn; ngôn ngữ: {lang}.",
        "Settings: reminders {days} working days before, at {time}; daily digest at {digest}; "
        "escalation after {escalate} working days overdue; language: {lang}.",
    ),
    "demo.cast": ("Nhân vật:", "Cast:"),
    "demo.role.coordinator": (
        "chuyên viên Sở Nội vụ, người điều phối (quản trị bot)",
        "Department of Home Affairs officer, coordinator (bot admin)",
    ),
    "demo.role.focal": ("đầu mối của {agency}", "focal point of {agency}"),
    "demo.scene.setup": (
        "Thứ Hai 13/05/2024 · Sở Nội vụ lập nhóm điều phối và nạp danh mục cơ quan",
        "Monday 13/05/2024 · Home Affairs sets up its coordination group and the agency registry",
    ),
    "demo.scene.focal_group": (
        "Nhóm đầu mối của các cơ quan",
        "The focal points' group",
    ),
    "demo.scene.invites": (
        "Mời đầu mối: mỗi cơ quan một mã mời dùng một lần",
        "Inviting focal points: a one-time code per agency",
    ),
    "demo.scene.intake": (
        "Nhận văn bản chỉ đạo: dán nội dung sau lệnh /new, xem trước, lưu",
        "Taking in a directive: paste the text after /new, check the preview, save",
    ),
    "demo.scene.day": ("{weekday} {day}", "{weekday} {day}"),
    "demo.scene.finale": (
        "Báo cáo và tệp kết quả",
        "Reports and the files left behind",
    ),
    "demo.weekday.0": ("Thứ Hai", "Monday"),
    "demo.weekday.1": ("Thứ Ba", "Tuesday"),
    "demo.weekday.2": ("Thứ Tư", "Wednesday"),
    "demo.weekday.3": ("Thứ Năm", "Thursday"),
    "demo.weekday.4": ("Thứ Sáu", "Friday"),
    "demo.weekday.5": ("Thứ Bảy", "Saturday"),
    "demo.weekday.6": ("Chủ Nhật", "Sunday"),
    "demo.note.registry": (
        "Cán bộ Sở Nội vụ nạp danh mục cơ quan của tỉnh bằng dòng lệnh:\n"
        "$ nhacviec agencies import {path} --workspace {workspace}",
        "The officer loads the province's agency registry from the command line:\n"
        "$ nhacviec agencies import {path} --workspace {workspace}",
    ),
    "demo.note.code_passed": (
        "({who} gửi mã mời {code} cho {name} qua Zalo/điện thoại; {name} mở bot và gửi:)",
        "({who} passes the invite code {code} to {name} by phone; {name} opens the bot and sends:)",
    ),
    "demo.note.sweep": (
        "⏰ {time}: đến giờ nhắc việc — bot chạy lượt quét nhắc hạn (jobs/reminders.py)",
        "⏰ {time}: reminder time — the bot runs its reminder sweep (jobs/reminders.py)",
    ),
    "demo.note.sweep_quiet": (
        "⏰ {time}: lượt quét nhắc hạn — hôm nay không có nhiệm vụ nào đến lịch nhắc",
        "⏰ {time}: reminder sweep — no task is due for a reminder today",
    ),
    "demo.note.digest": (
        "⏰ {time}: giờ tổng hợp hằng ngày — bot gửi bản tổng hợp vào nhóm điều phối (jobs/digest.py)",
        "⏰ {time}: daily digest time — the bot posts the digest to the coordination group (jobs/digest.py)",
    ),
    "demo.note.digest_brief": (
        "(Bản tổng hợp các ngày khác chỉ in dòng đầu.)",
        "(On other days only the digest's first line is printed.)",
    ),
    "demo.note.weekend": (
        "(Thứ Bảy, Chủ Nhật: ngày nghỉ, bot không nhắc và không gửi tổng hợp.)",
        "(Saturday and Sunday: days off; no reminders, no digest.)",
    ),
    "demo.note.files": ("Tệp để xem lại:", "Files to look at:"),
    "demo.note.database": ("Cơ sở dữ liệu: {path}", "Database: {path}"),
    "demo.note.reports": ("Báo cáo: {path}", "Reports: {path}"),
    "demo.note.transcript": ("Bản ghi hội thoại: {path}", "Transcript: {path}"),
    "demo.note.saved": ("đã lưu {path}", "saved {path}"),
    "demo.note.look": (
        'Xem nhanh: sqlite3 {path} "select code, state, progress, effective_deadline from task"',
        'Quick look: sqlite3 {path} "select code, state, progress, effective_deadline from task"',
    ),
    "demo.note.elapsed": (
        "Xong: {days} ngày làm việc mô phỏng trong {seconds} giây.",
        "Done: {days} simulated working days in {seconds} seconds.",
    ),
    "demo.error.not_demo_db": (
        "Tệp {path} đã có và không phải cơ sở dữ liệu do bản chạy thử tạo ra; "
        "hãy chọn tệp khác bằng --db.",
        "{path} exists and was not made by the demo; choose another file with --db.",
    ),
    # Interactive mode (bot/demo/interactive.py).
    "demo.interactive.intro": (
        "Chế độ tương tác. Bạn nói thay một người trong câu chuyện.\n"
        "  :ai            chọn người nói        :nhom          chọn nhóm / tin riêng\n"
        "  :mai           sang ngày làm việc sau (bot nhắc việc lúc {time})\n"
        "  :tonghop       chạy bản tổng hợp hằng ngày ngay\n"
        "  1, 2, ...      bấm nút số đó của tin gần nhất có nút\n"
        "  văn bản        gửi (trong nhóm: trả lời tin gần nhất của bot); /lệnh gửi như lệnh\n"
        "  :thoat         kết thúc",
        "Interactive mode. You speak for someone in the story.\n"
        "  :who           choose who speaks     :chat          choose the group / private chat\n"
        "  :next          the next working day (the bot reminds at {time})\n"
        "  :digest        run the daily digest now\n"
        "  1, 2, ...      press that button of the latest message with buttons\n"
        "  text           send it (in a group: as a reply to the bot's latest message); /commands as commands\n"
        "  :quit          stop",
    ),
    "demo.interactive.people": ("Chọn người nói:", "Who speaks?"),
    "demo.interactive.chats": ("Chọn nơi nói:", "Where?"),
    "demo.interactive.now": (
        "Bạn là {name}, đang ở: {chat}. Bây giờ là {time}.",
        "You are {name}, in: {chat}. It is {time}.",
    ),
    "demo.interactive.prompt": ("{name} @ {chat}> ", "{name} @ {chat}> "),
    "demo.interactive.no_buttons": (
        "Không có tin nào còn nút trong cuộc trò chuyện này.",
        "No message with buttons in this chat.",
    ),
    "demo.interactive.bad_number": (
        "Không có nút số {number}.",
        "There is no button {number}.",
    ),
    "demo.interactive.bad_choice": ("Chọn một số trong danh sách.", "Pick a number from the list."),
    "demo.interactive.not_member": (
        "{name} không ở trong nhóm này.",
        "{name} is not in this group.",
    ),
    "demo.interactive.refused": ("Sandbox từ chối: {error}", "The sandbox refused: {error}"),
    "demo.interactive.bye": ("Kết thúc.", "Bye."),
}
