"""Texts every room uses: greeting, help, errors, refusals."""

MESSAGES: dict[str, tuple[str, str]] = {
    "start.private": (
        "Xin chào {name}! Tôi là <b>Nhắc việc</b>, trợ lý theo dõi, đôn đốc việc thực hiện "
        "nhiệm vụ được giao tại các văn bản chỉ đạo của Ủy ban nhân dân.\n\n"
        "• <b>Đầu mối của cơ quan</b>: tôi nhắc hạn các nhiệm vụ của cơ quan anh/chị vào "
        "các ngày làm việc trước hạn; anh/chị trả lời bằng nút bấm hoặc một câu ngắn "
        "(«đã xong», «đang thực hiện 60%», «vướng: ...», «xin gia hạn đến 30/5»).\n"
        "• <b>Cán bộ Sở Nội vụ</b> (điều phối): đăng ký cơ quan và đầu mối, nhập văn bản "
        "(dán nội dung hoặc gửi tệp .docx/.pdf), xem /status, nhận báo cáo tổng hợp hằng ngày "
        "và xuất báo cáo.\n\n"
        "Nếu anh/chị có mã mời, gõ /join &lt;mã&gt;. Gõ /help để xem các lệnh.",
        "Hello {name}! I am <b>Nhắc việc</b>, an assistant that follows up on the tasks "
        "given by the People's Committee's directives.\n\n"
        "• <b>Agency focal points</b>: I remind you of your agency's deadlines on the "
        "working days before them; answer with a button or a short sentence "
        '("done", "in progress 60%", "blocked: ...", "extend to 30/5").\n'
        "• <b>Home Affairs officers</b> (coordinators): register agencies and focal points, "
        "take in directives (paste the text or send a .docx/.pdf), see /status, receive "
        "the daily digest and export reports.\n\n"
        "If you have an invite code, send /join &lt;code&gt;. Send /help for the commands.",
    ),
    "start.group": (
        "Xin chào! Tôi là <b>Nhắc việc</b>. Quản trị viên hoặc cán bộ điều phối gõ /setup "
        "để cho biết nhóm này dùng vào việc gì (nhóm điều phối, nhóm đầu mối, hoặc nhóm "
        "của một cơ quan).\n\n"
        "Lưu ý: ở chế độ riêng tư của Telegram, tôi chỉ đọc được lệnh, tin nhắn trả lời "
        "tin của tôi và nút bấm. Hãy <b>trả lời (reply) vào tin nhắc việc</b> hoặc bấm nút.",
        "Hello! I am <b>Nhắc việc</b>. An admin or coordinator sends /setup to tell me "
        "what this group is for (coordination, focal points, or one agency's group).\n\n"
        "Note: in Telegram's privacy mode I only see commands, replies to my messages and "
        "button presses. Please <b>reply to my reminder</b> or press a button.",
    ),
    "help": (
        "<b>Nhắc việc — các lệnh</b>\n\n"
        "<b>Đầu mối cơ quan</b>\n"
        "/tasks — nhiệm vụ của cơ quan mình\n"
        "/xong &lt;mã&gt; (/done) — báo đã hoàn thành\n"
        "/tiendo &lt;mã&gt; &lt;%&gt; (/progress) — báo tiến độ\n"
        "/vuong &lt;mã&gt; &lt;lý do&gt; (/blocked) — báo vướng mắc\n"
        "/giahan &lt;mã&gt; &lt;ngày&gt; (/extend) — xin gia hạn\n"
        "/join &lt;mã mời&gt; — đăng ký làm đầu mối\n"
        "/leave — thôi làm đầu mối\n\n"
        "<b>Cán bộ điều phối (Sở Nội vụ)</b>\n"
        "/new — nhập văn bản chỉ đạo (dán nội dung hoặc gửi tệp)\n"
        "/status [số văn bản | mã cơ quan] — tình hình thực hiện\n"
        "/overdue — nhiệm vụ quá hạn\n"
        "/agencies — danh sách cơ quan\n"
        "/invite &lt;mã cơ quan&gt; — tạo mã mời đầu mối\n"
        "/remove &lt;mã cơ quan&gt; — gỡ đầu mối\n"
        "/setup — đặt mục đích cho nhóm\n"
        "/digest — gửi báo cáo tổng hợp ngay\n"
        "/report [số văn bản] — xuất báo cáo Excel, Word\n\n"
        "Trong nhóm, hãy trả lời (reply) vào tin nhắc việc hoặc bấm nút.",
        "<b>Nhắc việc — commands</b>\n\n"
        "<b>Agency focal points</b>\n"
        "/tasks — your agency's tasks\n"
        "/done &lt;code&gt; (/xong) — report a task done\n"
        "/progress &lt;code&gt; &lt;%&gt; (/tiendo) — report progress\n"
        "/blocked &lt;code&gt; &lt;reason&gt; (/vuong) — report a blocker\n"
        "/extend &lt;code&gt; &lt;date&gt; (/giahan) — ask for more time\n"
        "/join &lt;invite code&gt; — register as a focal point\n"
        "/leave — stop being a focal point\n\n"
        "<b>Coordinators (Home Affairs)</b>\n"
        "/new — take in a directive (paste the text or send a file)\n"
        "/status [directive number | agency code] — the state of work\n"
        "/overdue — overdue tasks\n"
        "/agencies — the agency list\n"
        "/invite &lt;agency code&gt; — create a focal point invite\n"
        "/remove &lt;agency code&gt; — remove a focal point\n"
        "/setup — set this group's purpose\n"
        "/digest — send the digest now\n"
        "/report [directive number] — export Excel and Word reports\n\n"
        "In a group, reply to my reminder or press a button.",
    ),
    "error.internal": (
        "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Dữ liệu của anh/chị không bị thay đổi; "
        "vui lòng thử lại sau ít phút. Nếu lỗi lặp lại, hãy báo quản trị viên (mã lỗi {ref}).",
        "Sorry, something went wrong while handling your request. Nothing was changed; "
        "please try again in a few minutes. If it happens again, tell the admin (error {ref}).",
    ),
    "refused": (
        "Anh/chị chưa có quyền thực hiện thao tác này. Nếu cần, hãy liên hệ cán bộ điều phối "
        "(Sở Nội vụ).",
        "You do not have the right to do this. If you need it, ask a coordinator (Home Affairs).",
    ),
    "unknown_command": (
        "Tôi chưa hiểu lệnh này. Gõ /help để xem các lệnh.",
        "I do not know this command. Send /help for the list.",
    ),
    "cli.missing_token": (
        "Thiếu TELEGRAM_BOT_TOKEN: hãy đặt biến môi trường TELEGRAM_BOT_TOKEN (hoặc ghi vào "
        "tệp .env) bằng token lấy từ @BotFather.\n"
        "Muốn thử không cần Telegram: chạy `nhacviec demo`, hoặc `nhacviec sandbox` rồi "
        "TELEGRAM_API_URL=http://127.0.0.1:8081 TELEGRAM_BOT_TOKEN=123456:SANDBOX-token "
        "nhacviec run.",
        "TELEGRAM_BOT_TOKEN is missing: set the TELEGRAM_BOT_TOKEN environment variable "
        "(or put it in .env) to the token from @BotFather.\n"
        "To try the bot without Telegram: run `nhacviec demo`, or `nhacviec sandbox` and then "
        "TELEGRAM_API_URL=http://127.0.0.1:8081 TELEGRAM_BOT_TOKEN=123456:SANDBOX-token "
        "nhacviec run.",
    ),
    "cli.bad_settings": (
        "Cấu hình không hợp lệ:\n{problems}",
        "Invalid settings:\n{problems}",
    ),
}

COMMAND_MENU: dict[str, dict[str, list[tuple[str, str]]]] = {
    "private": {
        "vi": [
            ("start", "Giới thiệu"),
            ("help", "Các lệnh"),
            ("tasks", "Nhiệm vụ của cơ quan mình"),
            ("status", "Tình hình thực hiện"),
            ("join", "Đăng ký làm đầu mối bằng mã mời"),
            ("leave", "Thôi làm đầu mối"),
            ("new", "Nhập văn bản chỉ đạo"),
            ("agencies", "Danh sách cơ quan"),
            ("invite", "Tạo mã mời đầu mối"),
            ("report", "Xuất báo cáo"),
        ],
        "en": [
            ("start", "About the bot"),
            ("help", "Commands"),
            ("tasks", "Your agency's tasks"),
            ("status", "State of work"),
            ("join", "Register as a focal point with an invite code"),
            ("leave", "Stop being a focal point"),
            ("new", "Take in a directive"),
            ("agencies", "The agency list"),
            ("invite", "Invite a focal point"),
            ("report", "Export reports"),
        ],
    },
    "group": {
        "vi": [
            ("help", "Các lệnh"),
            ("tasks", "Nhiệm vụ của cơ quan mình"),
            ("xong", "Báo đã hoàn thành"),
            ("tiendo", "Báo tiến độ"),
            ("vuong", "Báo vướng mắc"),
            ("giahan", "Xin gia hạn"),
            ("status", "Tình hình thực hiện"),
            ("setup", "Đặt mục đích cho nhóm"),
        ],
        "en": [
            ("help", "Commands"),
            ("tasks", "Your agency's tasks"),
            ("done", "Report a task done"),
            ("progress", "Report progress"),
            ("blocked", "Report a blocker"),
            ("extend", "Ask for more time"),
            ("status", "State of work"),
            ("setup", "Set this group's purpose"),
        ],
    },
}
