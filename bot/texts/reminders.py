"""Reminder messages, task buttons, and the admins' report of undelivered reminders."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Buttons under a reminder (handlers/keyboards.py).
    "reminder.button.done": ("✅ Xong", "✅ Done"),
    "reminder.button.done_code": ("✅ {code} xong", "✅ {code} done"),
    "reminder.button.progress": ("⏳ Đang làm", "⏳ In progress"),
    "reminder.button.blocked": ("⚠️ Vướng", "⚠️ Blocked"),
    "reminder.button.extend": ("📅 Gia hạn", "📅 More time"),
    "reminder.button.percent": ("{percent}%", "{percent}%"),
    "reminder.button.undo": ("↩️ Hoàn tác", "↩️ Undo"),
    "reminder.button.resend": ("🔁 Gửi lại", "🔁 Send again"),
    # The reminder message.
    "reminder.header": (
        "🔔 <b>Nhắc hạn nhiệm vụ</b> — ngày {today}",
        "🔔 <b>Task deadline reminder</b> — {today}",
    ),
    "reminder.header.escalation": (
        "⛔ <b>Nhiệm vụ quá hạn cần đôn đốc</b> — ngày {today}",
        "⛔ <b>Overdue tasks to follow up</b> — {today}",
    ),
    "reminder.header.part": ("(phần {part}/{parts})", "(part {part}/{parts})"),
    "reminder.late_note": (
        "<i>⏰ Tin nhắc này được gửi muộn: hệ thống tạm ngừng hoạt động đúng vào giờ nhắc.</i>",
        "<i>⏰ This reminder is late: the bot was not running when it was due.</i>",
    ),
    "reminder.repeat_note": (
        "<i>♻️ Tin nhắc này được gửi lại: lần gửi trước Telegram không xác nhận đã nhận, "
        "có thể tin chưa đến nơi. Nếu đã nhận tin trước, xin bỏ qua tin này.</i>",
        "<i>♻️ This reminder is sent again: Telegram did not confirm the previous send, "
        "so it may not have arrived. If you already got it, please ignore this one.</i>",
    ),
    "reminder.agency": ("🏢 <b>{agency}</b>", "🏢 <b>{agency}</b>"),
    "reminder.agency.continued": ("🏢 <b>{agency}</b> (tiếp)", "🏢 <b>{agency}</b> (continued)"),
    "reminder.focal_points": ("Đầu mối: {mentions}", "Focal points: {mentions}"),
    "reminder.no_focal_point": (
        "<i>Cơ quan chưa có đầu mối đăng ký.</i>",
        "<i>No focal point registered for this agency.</i>",
    ),
    "reminder.task.title": (
        "<b>{code}</b> · Văn bản số {number}",
        "<b>{code}</b> · Directive No. {number}",
    ),
    "reminder.task.title_no_number": ("<b>{code}</b>", "<b>{code}</b>"),
    "reminder.task.deadline": (
        "Hạn: {stated} (hạn thực tế: hết ngày {effective})",
        "Deadline: {stated} (in effect: by the end of {effective})",
    ),
    "reminder.task.deadline_same": ("Hạn: hết ngày {effective}", "Deadline: end of {effective}"),
    "reminder.task.extended": (
        "Đã gia hạn từ {original} đến hết ngày {effective}",
        "Extended from {original} to the end of {effective}",
    ),
    "reminder.task.days_left": (
        "⏳ Còn {days} ngày làm việc",
        "⏳ {days} working day(s) left",
    ),
    "reminder.task.due_today": ("❗ Hôm nay là hạn cuối", "❗ Today is the deadline"),
    "reminder.task.last_working_day": (
        "❗ Hạn cuối rơi vào ngày nghỉ: hôm nay là ngày làm việc cuối cùng",
        "❗ The deadline falls on a day off: today is the last working day",
    ),
    "reminder.task.overdue": (
        "🔴 Quá hạn {days} ngày làm việc",
        "🔴 Overdue by {days} working day(s)",
    ),
    "reminder.task.past_deadline": ("🔴 Đã quá hạn", "🔴 Past the deadline"),
    "reminder.task.progress": ("Tiến độ đã báo: {percent}%", "Reported progress: {percent}%"),
    "reminder.task.blocked": ("Vướng mắc đã báo: {reason}", "Reported blocker: {reason}"),
    "reminder.task.late": (
        "⏰ Nhắc muộn (lịch nhắc: {planned})",
        "⏰ Late (was due {planned})",
    ),
    "reminder.task.repeat": (
        "♻️ Gửi lại (lần gửi trước: {sent})",
        "♻️ Sent again (previous send: {sent})",
    ),
    "reminder.footer": (
        "Bấm nút dưới từng nhiệm vụ, hoặc trả lời (reply) tin này, ví dụ: "
        "«{code} đã xong», «{code} đang thực hiện 60%», «{code} vướng: …», "
        "«{code} xin gia hạn đến 30/5».",
        "Press a button under each task, or reply to this message, e.g. "
        '"{code} done", "{code} in progress 60%", "{code} blocked: …", '
        '"{code} extend to 30/5".',
    ),
    # The admins' report (BOT_ADMINS, private chats).
    "reminder.admin.unknown": (
        "⚠️ <b>Tin nhắc chưa rõ đã đến nơi hay chưa</b>\n"
        "Bot đã gửi các tin nhắc dưới đây nhiều lần (lần sau có ghi «gửi lại») nhưng lần nào "
        "Telegram cũng không xác nhận, do mất kết nối hoặc bot dừng đột ngột đúng lúc gửi. "
        "Bot <b>không gửi thêm nữa</b>; anh/chị kiểm tra các nhóm và nhắc lại nếu cần:",
        "⚠️ <b>Reminders that may or may not have arrived</b>\n"
        "The bot sent the reminders below several times (the later ones marked “sent "
        "again”) and Telegram never confirmed any of them: the connection dropped or the "
        "bot stopped while sending. It will <b>not send them again</b>; please check these "
        "chats and remind by hand if needed:",
    ),
    "reminder.admin.recovered": (
        "⚠️ <b>Bot dừng đột ngột khi đang gửi {count} tin nhắc</b>\n"
        "Không biết Telegram đã nhận các tin này hay chưa. Bot sẽ gửi lại lúc {time}, có ghi "
        "chú «gửi lại», trừ tin nào đã có người trả lời trong lúc chờ. Nếu Telegram vẫn không "
        "xác nhận, bot sẽ báo lại để anh/chị kiểm tra.",
        "⚠️ <b>The bot stopped while sending {count} reminder(s)</b>\n"
        "Whether Telegram received them cannot be known. The bot sends them again at {time}, "
        "marked “sent again”, except those someone has answered meanwhile. If Telegram still "
        "does not confirm them, the bot reports them for you to check.",
    ),
    "reminder.admin.failed": (
        "❌ <b>Tin nhắc không gửi được</b>",
        "❌ <b>Reminders that could not be sent</b>",
    ),
    "reminder.admin.line": (
        "• {chat}: {codes} — {kind} {day}; {reason}",
        "• {chat}: {codes} — {kind} {day}; {reason}",
    ),
    "reminder.admin.resend_hint": (
        "🔁 Bấm «Gửi lại» để bot gửi lại {count} tin nhắc ở trên (nhiệm vụ còn mở, hạn chưa "
        "đổi, nơi nhận còn đó); tin có thể đã đến nơi sẽ có ghi chú «gửi lại».",
        "🔁 Press “Send again” and the bot sends {count} of the reminders above again (open "
        "tasks, deadline unchanged, chat still there); one that may have arrived says “sent "
        "again”.",
    ),
    # Answers to that button (callback answers: plain text, at most 200 characters).
    "reminder.resend.done": (
        "🔁 Sẽ gửi lại {count} tin nhắc trong vòng một phút; tin có thể đã đến nơi có ghi chú "
        "«gửi lại» để ai đã nhận thì bỏ qua.",
        "🔁 {count} reminder(s) will be sent again within a minute; one that may have arrived "
        "is marked “sent again” so whoever got it can ignore it.",
    ),
    "reminder.resend.already": (
        "Các tin nhắc của báo cáo này đã được gửi lại lúc {time}; bấm lại không gửi thêm.",
        "This report's reminders were already sent again at {time}; pressing again sends "
        "nothing more.",
    ),
    "reminder.resend.nothing": (
        "Không còn tin nhắc nào của báo cáo này cần gửi lại: đã gửi được, nhiệm vụ đã đóng "
        "hoặc đã đổi hạn.",
        "None of this report's reminders needs sending again: they went out, or the task was "
        "closed or its deadline moved.",
    ),
    "reminder.resend.expired": (
        "Nút này đã hết hạn hoặc không thuộc báo cáo nào còn hiệu lực.",
        "This button has expired or belongs to no current report.",
    ),
    "reminder.resend.refused": (
        "Chỉ quản trị viên của bot (BOT_ADMINS) được gửi lại tin nhắc.",
        "Only the bot's admins (BOT_ADMINS) may send reminders again.",
    ),
    "reminder.admin.chat_group": ("nhóm «{title}» ({id})", "group “{title}” ({id})"),
    "reminder.admin.chat_private": ("chat riêng {id}", "private chat {id}"),
    "reminder.admin.no_chat": ("không có nơi nhận", "nowhere to send"),
    "reminder.kind.before": ("nhắc trước hạn", "reminder before the deadline"),
    "reminder.kind.due": ("nhắc đúng hạn", "deadline-day reminder"),
    "reminder.kind.overdue": ("nhắc quá hạn", "overdue reminder"),
    "reminder.kind.escalation": ("báo quá hạn lên Sở Nội vụ", "escalation to Home Affairs"),
    "reminder.reason.crash": (
        "bot dừng đột ngột khi đang gửi",
        "the bot stopped while sending",
    ),
    "reminder.reason.stale": (
        "việc gửi bị treo quá lâu",
        "sending hung for too long",
    ),
    "reminder.reason.connection": (
        "mất kết nối khi đang gửi",
        "the connection dropped while sending",
    ),
    "reminder.reason.forbidden": (
        "bot không còn trong nhóm hoặc bị chặn",
        "the bot is no longer in the chat or was blocked",
    ),
    "reminder.reason.no_chat": (
        "cơ quan chưa có nhóm và chưa có đầu mối đăng ký",
        "the agency has no group and no registered focal point",
    ),
    "reminder.reason.rejected": ("Telegram từ chối ({detail})", "Telegram refused it ({detail})"),
    "reminder.reason.gave_up": (
        "đã thử {attempts} lần không được",
        "gave up after {attempts} attempts",
    ),
}
