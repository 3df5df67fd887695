"""Texts of status replies, extensions and the /status views."""

MESSAGES: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- states
    "status.state.open": ("đang thực hiện", "in progress"),
    "status.state.done": ("đã hoàn thành", "done"),
    "status.state.cancelled": ("đã hủy", "cancelled"),
    "status.state.blocked": ("vướng mắc", "blocked"),
    "status.state.not_started": ("chưa bắt đầu", "not started"),
    # ---------------------------------------------------------------- confirmations
    "status.recorded.done": (
        "✅ <b>{code}</b> — đã ghi nhận <b>hoàn thành</b> ngày {day} ({timing}).",
        "✅ <b>{code}</b> — recorded <b>done</b> on {day} ({timing}).",
    ),
    "status.timing.on_time": ("đúng hạn", "on time"),
    "status.timing.late": ("quá hạn {days} ngày", "{days} days late"),
    "status.recorded.in_progress": (
        "🔄 <b>{code}</b> — đã ghi nhận <b>đang thực hiện</b>{percent}.",
        "🔄 <b>{code}</b> — recorded <b>in progress</b>{percent}.",
    ),
    "status.percent": (", tiến độ {percent}%", ", {percent}% done"),
    "status.recorded.blocked": (
        "⚠️ <b>{code}</b> — đã ghi nhận <b>vướng mắc</b>: {reason}\n"
        "Sở Nội vụ sẽ thấy nội dung này trong báo cáo tổng hợp.",
        "⚠️ <b>{code}</b> — recorded <b>blocked</b>: {reason}\n"
        "Home Affairs will see it in the digest.",
    ),
    "status.recorded.not_started": (
        "⏸ <b>{code}</b> — đã ghi nhận: <b>chưa triển khai</b>.",
        "⏸ <b>{code}</b> — recorded: <b>not started</b>.",
    ),
    "status.recorded.evidence": (
        "📎 <b>{code}</b> — đã lưu tệp «{file}» làm minh chứng.",
        "📎 <b>{code}</b> — kept the file “{file}” as evidence.",
    ),
    "status.with_file": (
        "\n📎 Đã lưu tệp «{file}» làm minh chứng.",
        "\n📎 The file “{file}” is kept as evidence.",
    ),
    "status.by": ("\n<i>Người báo: {name}</i>", "\n<i>Reported by {name}</i>"),
    "status.undo_hint": (
        "\nNếu bấm nhầm, bấm «Hoàn tác» trong vòng {minutes} phút.",
        "\nIf this was a mistake, press Undo within {minutes} minutes.",
    ),
    "status.next_occurrence": (
        "\n🔁 Đã mở kỳ báo cáo tiếp theo của nhiệm vụ định kỳ này.",
        "\n🔁 The next period of this recurring task is open.",
    ),
    "status.unchanged.done": (
        "<b>{code}</b> đã được ghi nhận hoàn thành ngày {day}; không có gì thay đổi.",
        "<b>{code}</b> was already recorded done on {day}; nothing changed.",
    ),
    "status.closed": (
        "Nhiệm vụ <b>{code}</b> đã được hủy; không cần báo cáo.",
        "Task <b>{code}</b> was cancelled; no report is needed.",
    ),
    "status.toast.recorded": ("Đã ghi nhận.", "Recorded."),
    "status.toast.refused": (
        "Anh/chị không có quyền cập nhật nhiệm vụ này.",
        "You may not update this task.",
    ),
    "status.toast.expired": (
        "Nút này không còn hiệu lực. Hãy dùng lệnh, ví dụ /xong T12.",
        "This button is no longer valid. Use a command, e.g. /done T12.",
    ),
    "status.toast.not_yours": (
        "Câu hỏi này dành cho người đã gửi tin.",
        "This question is for the person who sent the message.",
    ),
    # ---------------------------------------------------------------- undo
    "status.button.undo": ("↩️ Hoàn tác", "↩️ Undo"),
    "status.undone": (
        "↩️ <b>{code}</b> — đã hoàn tác báo cáo «{what}». Trạng thái hiện tại: {state}.",
        "↩️ <b>{code}</b> — the “{what}” report is undone. Current state: {state}.",
    ),
    "status.undone_by": ("\n<i>Người hoàn tác: {name}</i>", "\n<i>Undone by {name}</i>"),
    "status.undone.successor.withdrawn": (
        "\n🔁 Kỳ báo cáo tiếp theo (<b>{code}</b>) đã được hủy vì chưa có ai cập nhật; "
        "nếu báo hoàn thành lại, kỳ này sẽ được mở lại.",
        "\n🔁 The next period (<b>{code}</b>) is cancelled, as nobody had reported on it; "
        "reporting done again opens it again.",
    ),
    "status.undone.successor.kept_touched": (
        "\n🔁 Kỳ báo cáo tiếp theo (<b>{code}</b>) vẫn được giữ vì đã có người báo cáo "
        "hoặc xin gia hạn cho kỳ đó.",
        "\n🔁 The next period (<b>{code}</b>) stays open: someone has already reported on it "
        "or asked for more time.",
    ),
    "status.undone.successor.kept_due": (
        "\n🔁 Kỳ báo cáo tiếp theo (<b>{code}</b>) vẫn được giữ vì kỳ của <b>{previous}</b> "
        "đã kết thúc.",
        "\n🔁 The next period (<b>{code}</b>) stays open: the period of <b>{previous}</b> "
        "has ended.",
    ),
    "status.undo.kind.done": ("hoàn thành", "done"),
    "status.undo.kind.in_progress": ("đang thực hiện", "in progress"),
    "status.undo.kind.blocked": ("vướng mắc", "blocked"),
    "status.undo.kind.not_started": ("chưa triển khai", "not started"),
    "status.undo.not_author": (
        "Chỉ người đã báo hoặc cán bộ điều phối mới hoàn tác được thay đổi này.",
        "Only the person who reported this change, or a coordinator, can undo it.",
    ),
    "status.undo.too_late": (
        "Đã quá {minutes} phút, không hoàn tác được. Hãy báo lại trạng thái đúng (ví dụ /tiendo {code} 50).",
        "More than {minutes} minutes have passed; it cannot be undone. Report the right state instead (e.g. /progress {code} 50).",
    ),
    "status.undo.already": ("Thay đổi này đã được hoàn tác.", "This change was already undone."),
    "status.undo.superseded": (
        "Nhiệm vụ đã có cập nhật mới hơn; không hoàn tác thay đổi cũ được.",
        "The task has a newer update; the older change cannot be undone.",
    ),
    "status.undo.not_undoable": (
        "Thay đổi này không hoàn tác được.",
        "This change cannot be undone.",
    ),
    # ---------------------------------------------------------------- questions the bot asks
    "status.ask.pick": (
        "Anh/chị báo cho nhiệm vụ nào?",
        "Which task is this about?",
    ),
    "status.ask.confirm": (
        "Tôi chưa chắc đã hiểu đúng tin của anh/chị về <b>{code}</b>. Ý anh/chị là:",
        "I am not sure I understood your message about <b>{code}</b>. Did you mean:",
    ),
    "status.ask.confirm_file": (
        "\n(Tệp «{file}» sẽ được lưu làm minh chứng.)",
        "\n(The file “{file}” will be kept as evidence.)",
    ),
    "status.ask.reason": (
        "{who}, vui lòng <b>trả lời tin này</b> với nội dung vướng mắc của nhiệm vụ <b>{code}</b>.",
        "{who}, please <b>reply to this message</b> with what blocks task <b>{code}</b>.",
    ),
    "status.ask.date": (
        "{who}, anh/chị xin gia hạn nhiệm vụ <b>{code}</b> đến ngày nào? "
        "<b>Trả lời tin này</b>, ví dụ: 30/5/2024 (hạn hiện tại: {deadline}).",
        "{who}, until which date do you ask to extend task <b>{code}</b>? "
        "<b>Reply to this message</b>, e.g. 30/5/2024 (current deadline: {deadline}).",
    ),
    "status.ask.percent": (
        "Tiến độ nhiệm vụ <b>{code}</b> đạt khoảng bao nhiêu phần trăm?",
        "About how far along is task <b>{code}</b>?",
    ),
    "status.ask.bad_date": (
        "Tôi chưa đọc được ngày. Vui lòng ghi theo dạng ngày/tháng/năm, ví dụ 30/5/2024.",
        "I could not read a date. Please write it as day/month/year, e.g. 30/5/2024.",
    ),
    "status.ask.empty_reason": (
        "Vui lòng ghi nội dung vướng mắc (một câu ngắn).",
        "Please write what blocks the task (a short sentence).",
    ),
    "status.choice.done": ("✅ Đã xong", "✅ Done"),
    "status.choice.in_progress": ("🔄 Đang thực hiện", "🔄 In progress"),
    "status.choice.blocked": ("⚠️ Vướng mắc", "⚠️ Blocked"),
    "status.choice.more_time": ("⏳ Xin gia hạn", "⏳ More time"),
    "status.choice.nothing": ("✖️ Không, chỉ thông tin", "✖️ No, just a note"),
    "status.nothing_changed": (
        "Đã ghi nhận; trạng thái nhiệm vụ <b>{code}</b> không thay đổi ({state}).",
        "Noted; task <b>{code}</b> is unchanged ({state}).",
    ),
    # ---------------------------------------------------------------- acknowledgement, question
    "status.ack": (
        "👍 Cảm ơn anh/chị. Nhiệm vụ <b>{code}</b> vẫn ở trạng thái: {state}. "
        "Khi hoàn thành, bấm «Đã xong» hoặc gõ /xong {code}.",
        "👍 Thank you. Task <b>{code}</b> stays {state}. "
        "When it is done, press Done or send /done {code}.",
    ),
    "status.answer": (
        "ℹ️ <b>{code}</b>: {action}\nHạn: <b>{deadline}</b>{left}\nTrạng thái: {state}{extra}\n"
        "Báo cáo: bấm nút dưới tin nhắc việc, hoặc gõ /xong {code}, /tiendo {code} 50, "
        "/vuong {code} &lt;lý do&gt;, /giahan {code} &lt;ngày&gt;.",
        "ℹ️ <b>{code}</b>: {action}\nDeadline: <b>{deadline}</b>{left}\nState: {state}{extra}\n"
        "To report: press a button under the reminder, or send /done {code}, /progress {code} 50, "
        "/blocked {code} &lt;reason&gt;, /extend {code} &lt;date&gt;.",
    ),
    "status.answer.left": (" (còn {days} ngày làm việc)", " ({days} working days left)"),
    "status.answer.today": (" (hạn là hôm nay)", " (due today)"),
    "status.answer.overdue": (" (quá hạn {days} ngày)", " ({days} days overdue)"),
    "status.answer.no_deadline": ("không có hạn", "no deadline"),
    "status.answer.extension": (
        "; đang chờ quyết định gia hạn đến {date}",
        "; an extension to {date} awaits a decision",
    ),
    # ---------------------------------------------------------------- commands
    "status.usage.done": (
        "Cách dùng: /xong &lt;mã nhiệm vụ&gt;, ví dụ <code>/xong T12</code>.",
        "Usage: /done &lt;task code&gt;, e.g. <code>/done T12</code>.",
    ),
    "status.usage.progress": (
        "Cách dùng: /tiendo &lt;mã&gt; &lt;phần trăm&gt;, ví dụ <code>/tiendo T12 60</code>.",
        "Usage: /progress &lt;code&gt; &lt;percent&gt;, e.g. <code>/progress T12 60</code>.",
    ),
    "status.usage.blocked": (
        "Cách dùng: /vuong &lt;mã&gt; &lt;lý do&gt;, ví dụ <code>/vuong T12 chưa có số liệu</code>.",
        "Usage: /blocked &lt;code&gt; &lt;reason&gt;, e.g. <code>/blocked T12 no data yet</code>.",
    ),
    "status.usage.extend": (
        "Cách dùng: /giahan &lt;mã&gt; &lt;ngày&gt; [lý do], ví dụ <code>/giahan T12 30/5</code>.",
        "Usage: /extend &lt;code&gt; &lt;date&gt; [reason], e.g. <code>/extend T12 30/5</code>.",
    ),
    "status.code_not_found": (
        "Không tìm thấy nhiệm vụ mã <b>{code}</b>. Mã nhiệm vụ được ghi trên tin nhắc việc "
        "(ví dụ T12); gõ /tasks để xem nhiệm vụ của cơ quan mình.",
        "No task has the code <b>{code}</b>. The code is on each reminder (e.g. T12); "
        "send /tasks to see your agency's tasks.",
    ),
    "status.no_open_tasks": (
        "Cơ quan anh/chị hiện không có nhiệm vụ nào đang mở.",
        "Your agency has no open task.",
    ),
    "status.not_your_tasks": (
        "Tin nhắc này không có nhiệm vụ nào của cơ quan anh/chị.",
        "This reminder has no task of your agency.",
    ),
    # ---------------------------------------------------------------- extensions
    "status.ext.sent": (
        "📨 Đã gửi đề nghị gia hạn nhiệm vụ <b>{code}</b> đến ngày <b>{date}</b> tới Sở Nội vụ. "
        "Tôi sẽ báo lại khi có quyết định.{note}",
        "📨 The request to extend task <b>{code}</b> to <b>{date}</b> was sent to Home Affairs. "
        "I will tell you the decision.{note}",
    ),
    "status.ext.sent_no_chat": (
        "📨 Đã ghi nhận đề nghị gia hạn nhiệm vụ <b>{code}</b> đến ngày <b>{date}</b>. "
        "Cán bộ điều phối sẽ thấy đề nghị trong /status.{note}",
        "📨 The request to extend task <b>{code}</b> to <b>{date}</b> is recorded. "
        "Coordinators will see it in /status.{note}",
    ),
    "status.ext.non_working": (
        "\nLưu ý: {date} là ngày nghỉ; ngày làm việc cuối cùng trước đó là <b>{working}</b> "
        "(nhắc việc và tiếp nhận báo cáo vào ngày làm việc).",
        "\nNote: {date} is not a working day; the last working day before it is <b>{working}</b> "
        "(reminders go out and reports are received on working days).",
    ),
    "status.ext.not_later": (
        "Hạn hiện tại của <b>{code}</b> là {deadline}; ngày xin gia hạn ({date}) phải sau ngày đó.",
        "The current deadline of <b>{code}</b> is {deadline}; the new date ({date}) must be later.",
    ),
    "status.ext.in_past": (
        "Ngày {date} đã qua; vui lòng chọn một ngày sau hôm nay.",
        "{date} has passed; please choose a later date.",
    ),
    "status.ext.closed": (
        "Nhiệm vụ <b>{code}</b> đã hoàn thành hoặc đã hủy; không cần gia hạn.",
        "Task <b>{code}</b> is done or cancelled; no extension is needed.",
    ),
    "status.ext.request": (
        "⏳ <b>Đề nghị gia hạn</b>\n"
        "Cơ quan: {agency}\n"
        "Nhiệm vụ <b>{code}</b>: {action}\n"
        "Văn bản: {directive}\n"
        "Hạn hiện tại: {deadline}\n"
        "Xin gia hạn đến: <b>{date}</b>{note}\n"
        "Lý do: {reason}\n"
        "Người đề nghị: {name}",
        "⏳ <b>Extension request</b>\n"
        "Agency: {agency}\n"
        "Task <b>{code}</b>: {action}\n"
        "Directive: {directive}\n"
        "Current deadline: {deadline}\n"
        "Asked until: <b>{date}</b>{note}\n"
        "Reason: {reason}\n"
        "Asked by: {name}",
    ),
    "status.ext.request_note": (
        " (ngày nghỉ; ngày làm việc trước đó: {working})",
        " (a day off; working day before: {working})",
    ),
    "status.ext.no_reason": ("không nêu", "none given"),
    "status.ext.button.approve": ("✅ Đồng ý", "✅ Approve"),
    "status.ext.button.deny": ("❌ Từ chối", "❌ Deny"),
    "status.ext.approved": (
        "✅ Sở Nội vụ <b>đồng ý</b> gia hạn nhiệm vụ <b>{code}</b> đến ngày <b>{date}</b>{note}. "
        "Hạn ban đầu: {original}.{reason}",
        "✅ Home Affairs <b>approved</b> extending task <b>{code}</b> to <b>{date}</b>{note}. "
        "Original deadline: {original}.{reason}",
    ),
    "status.ext.denied": (
        "❌ Sở Nội vụ <b>không đồng ý</b> gia hạn nhiệm vụ <b>{code}</b>. Lý do: {reason}. "
        "Hạn vẫn là <b>{deadline}</b>.",
        "❌ Home Affairs <b>denied</b> extending task <b>{code}</b>. Reason: {reason}. "
        "The deadline stays <b>{deadline}</b>.",
    ),
    "status.ext.reason_suffix": (" Ghi chú: {reason}", " Note: {reason}"),
    "status.ext.decided_approved": (
        "\n\n✅ <b>Đã đồng ý</b> — {name}, {time}",
        "\n\n✅ <b>Approved</b> — {name}, {time}",
    ),
    "status.ext.decided_denied": (
        "\n\n❌ <b>Đã từ chối</b> — {name}, {time}. Lý do: {reason}",
        "\n\n❌ <b>Denied</b> — {name}, {time}. Reason: {reason}",
    ),
    "status.ext.ask_deny_reason": (
        "{who}, vui lòng <b>trả lời tin này</b> với lý do không đồng ý gia hạn nhiệm vụ "
        "<b>{code}</b> (gõ «-» nếu không nêu lý do).",
        "{who}, please <b>reply to this message</b> with the reason for denying the extension "
        "of task <b>{code}</b> (send “-” for none).",
    ),
    "status.ext.already": (
        "Đề nghị này đã được xử lý trước đó ({state}).",
        "This request was already handled ({state}).",
    ),
    "status.ext.state.approved": ("đã đồng ý", "approved"),
    "status.ext.state.denied": ("đã từ chối", "denied"),
    "status.ext.state.withdrawn": ("đã rút hoặc thay bằng đề nghị mới", "withdrawn or replaced"),
    "status.ext.state.pending": ("đang chờ", "pending"),
    "status.ext.toast.refused": (
        "Chỉ cán bộ điều phối của đơn vị mới được quyết định gia hạn.",
        "Only the workspace's coordinators may decide extensions.",
    ),
    "status.ext.toast.approved": ("Đã đồng ý gia hạn.", "Extension approved."),
    "status.ext.toast.denied": ("Đã từ chối gia hạn.", "Extension denied."),
    "status.ext.decision_done": (
        "Đã ghi nhận quyết định và báo cho cơ quan.",
        "The decision is recorded and the agency was told.",
    ),
    # ---------------------------------------------------------------- /status views
    "status.view.header.w": (
        "📊 <b>Tình hình thực hiện nhiệm vụ</b>\n{title}\nSố liệu đến ngày {today}",
        "📊 <b>State of work</b>\n{title}\nFigures as of {today}",
    ),
    "status.view.header.A": (
        "🏢 <b>Tình hình theo cơ quan</b>\n{title}\nSố liệu đến ngày {today}",
        "🏢 <b>By agency</b>\n{title}\nFigures as of {today}",
    ),
    "status.view.header.d": (
        "📄 <b>Văn bản {title}</b>\n{subtitle}Số liệu đến ngày {today}",
        "📄 <b>Directive {title}</b>\n{subtitle}Figures as of {today}",
    ),
    "status.view.header.a": (
        "🏢 <b>{subtitle}</b> ({title})\nSố liệu đến ngày {today}",
        "🏢 <b>{subtitle}</b> ({title})\nFigures as of {today}",
    ),
    "status.view.header.o": (
        "🔴 <b>Nhiệm vụ quá hạn chưa hoàn thành</b>{who}\nĐến ngày {today}",
        "🔴 <b>Overdue tasks</b>{who}\nAs of {today}",
    ),
    "status.view.header.b": (
        "⚠️ <b>Nhiệm vụ đang vướng mắc</b>{who}\nĐến ngày {today}",
        "⚠️ <b>Blocked tasks</b>{who}\nAs of {today}",
    ),
    "status.view.header.x": (
        "⏳ <b>Đề nghị gia hạn chờ quyết định</b>{who}\nĐến ngày {today}",
        "⏳ <b>Extension requests awaiting a decision</b>{who}\nAs of {today}",
    ),
    "status.view.of_agency": (" — {title}", " — {title}"),
    "status.view.counts": (
        "Tổng số nhiệm vụ: <b>{total}</b>\n"
        "✅ Hoàn thành đúng hạn: <b>{done_on_time}</b>\n"
        "☑️ Hoàn thành quá hạn: <b>{done_late}</b>\n"
        "🔄 Đang thực hiện trong hạn: <b>{open_on_time}</b>\n"
        "🔴 Quá hạn chưa hoàn thành: <b>{open_overdue}</b>\n"
        "Trong số chưa hoàn thành: ⚠️ vướng mắc <b>{blocked}</b> · ⏸ chưa bắt đầu <b>{not_started}</b>\n"
        "⏳ Đề nghị gia hạn chờ quyết định: <b>{pending_extensions}</b>",
        "Tasks: <b>{total}</b>\n"
        "✅ Done on time: <b>{done_on_time}</b>\n"
        "☑️ Done late: <b>{done_late}</b>\n"
        "🔄 In progress, on time: <b>{open_on_time}</b>\n"
        "🔴 Overdue, not done: <b>{open_overdue}</b>\n"
        "Of the open ones: ⚠️ blocked <b>{blocked}</b> · ⏸ not started <b>{not_started}</b>\n"
        "⏳ Extension requests pending: <b>{pending_extensions}</b>",
    ),
    "status.view.groups.d": (
        "<b>Theo văn bản</b> (✅ ☑️ 🔄 🔴):",
        "<b>By directive</b> (✅ ☑️ 🔄 🔴):",
    ),
    "status.view.groups.a": ("<b>Theo cơ quan</b> (✅ ☑️ 🔄 🔴):", "<b>By agency</b> (✅ ☑️ 🔄 🔴):"),
    "status.view.group_line": (
        "• <b>{label}</b>{name}: {total} — ✅{done_on_time} ☑️{done_late} 🔄{open_on_time} 🔴{open_overdue}",
        "• <b>{label}</b>{name}: {total} — ✅{done_on_time} ☑️{done_late} 🔄{open_on_time} 🔴{open_overdue}",
    ),
    "status.view.tasks": ("<b>Nhiệm vụ:</b>", "<b>Tasks:</b>"),
    "status.view.task_line": (
        "{icon} <b>{code}</b> · {agency} · {action}\n    Hạn {deadline}: {detail}",
        "{icon} <b>{code}</b> · {agency} · {action}\n    Due {deadline}: {detail}",
    ),
    "status.view.detail.open_overdue": ("quá hạn {days} ngày", "{days} days overdue"),
    "status.view.detail.open_on_time": ("còn {days} ngày làm việc", "{days} working days left"),
    "status.view.detail.due_today": ("hạn hôm nay", "due today"),
    "status.view.detail.no_deadline": ("không có hạn", "no deadline"),
    "status.view.detail.done_on_time": ("xong ngày {day}, đúng hạn", "done {day}, on time"),
    "status.view.detail.done_late": (
        "xong ngày {day}, trễ {days} ngày",
        "done {day}, {days} days late",
    ),
    "status.view.detail.progress": ("; {percent}%", "; {percent}%"),
    "status.view.detail.not_started": ("; chưa bắt đầu", "; not started"),
    "status.view.detail.blocked": ("; ⚠️ vướng: {reason}", "; ⚠️ blocked: {reason}"),
    "status.view.detail.extension": ("; ⏳ xin gia hạn đến {date}", "; ⏳ asks until {date}"),
    "status.view.detail.extended": (
        "; đã gia hạn (hạn gốc {date})",
        "; extended (first deadline {date})",
    ),
    "status.view.empty": ("Không có nhiệm vụ nào.", "No tasks."),
    "status.view.page": ("Trang {page}/{pages}", "Page {page}/{pages}"),
    "status.view.button.prev": ("‹ Trước", "‹ Previous"),
    "status.view.button.next": ("Sau ›", "Next ›"),
    "status.view.button.home": ("« Tổng quan", "« Overview"),
    "status.view.button.by_agency": ("🏢 Theo cơ quan", "🏢 By agency"),
    "status.view.button.by_directive": ("📄 Theo văn bản", "📄 By directive"),
    "status.view.button.overdue": ("🔴 Quá hạn", "🔴 Overdue"),
    "status.view.button.blocked": ("⚠️ Vướng mắc", "⚠️ Blocked"),
    "status.view.button.extensions": ("⏳ Gia hạn", "⏳ Extensions"),
    "status.view.not_found": (
        "Không tìm thấy văn bản hoặc cơ quan «{query}». "
        "Ví dụ: <code>/status 2268/UBND-TTHC</code> hoặc <code>/status STP</code>.",
        "No directive or agency “{query}”. "
        "E.g. <code>/status 2268/UBND-TTHC</code> or <code>/status STP</code>.",
    ),
    "status.view.choices": (
        "Có nhiều văn bản khớp «{query}»; chọn một:",
        "Several directives match “{query}”; pick one:",
    ),
    "status.view.no_workspace": (
        "Tôi chưa biết anh/chị thuộc đơn vị nào. Hãy dùng lệnh trong nhóm của đơn vị, "
        "hoặc đăng ký bằng /join &lt;mã mời&gt;.",
        "I do not know your workspace yet. Use the command in your workspace's group, "
        "or register with /join &lt;invite code&gt;.",
    ),
}
