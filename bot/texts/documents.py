"""The words of the exported documents (Excel table, Word report and letter).

Administrative documents are written in Vietnamese whatever BOT_LANGUAGE
says (Decree 30/2020/NĐ-CP governs their form), so this module holds plain
Vietnamese strings and helpers, not the (vi, en) catalog; they go into
documents, not into Telegram HTML, so nothing here is HTML-escaped.
"""

from __future__ import annotations

from datetime import date

from bot.domain.report_data import ReportPeriod, Timeliness, TrackingRow
from bot.domain.rollup import Category, is_not_started

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

CATEGORY_LABELS: dict[Category, str] = {
    Category.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Category.DONE_LATE: "Hoàn thành quá hạn",
    Category.OPEN_ON_TIME: "Đang thực hiện trong hạn",
    Category.OPEN_OVERDUE: "Quá hạn chưa hoàn thành",
}

# --- Excel -------------------------------------------------------------------------

SHEET_TRACKING = "Theo dõi nhiệm vụ"
SHEET_SCORES = "Tỷ lệ đúng hạn"
TRACKING_TITLE = "BẢNG THEO DÕI TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"
SCORES_TITLE = "TỶ LỆ HOÀN THÀNH NHIỆM VỤ ĐÚNG HẠN THEO CƠ QUAN"
TRACKING_HEADERS: tuple[str, ...] = (
    "STT",
    "Số văn bản",
    "Ngày văn bản",
    "Trích yếu",
    "Mã NV",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn",
    "Tình trạng",
    "Ngày hoàn thành",
    "Đúng hạn / chậm",
    "Ghi chú",
)
SCORES_HEADERS: tuple[str, ...] = (
    "STT",
    "Cơ quan",
    "Số nhiệm vụ đến hạn trong kỳ",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Chưa hoàn thành",
    "Tỷ lệ hoàn thành đúng hạn",
)
TOTAL = "Tổng cộng"
SUPPORT_ROLE_SUFFIX = " (phối hợp)"


def as_of(today: date) -> str:
    return f"(Tính đến ngày {today:%d/%m/%Y})"


def period_text(period: ReportPeriod) -> str:
    return f"từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"


def timeliness_text(row: TrackingRow) -> str:
    if row.timeliness is Timeliness.ON_TIME:
        return "Đúng hạn"
    if row.timeliness is Timeliness.DONE_LATE:
        return f"Chậm {row.days_late} ngày"
    if row.timeliness is Timeliness.OVERDUE:
        return f"Quá hạn {row.days_late} ngày"
    return ""


def notes_text(row: TrackingRow) -> str:
    """Blocker, extension and progress, as an officer would note them."""
    notes: list[str] = []
    task = row.task
    if task.blocked:
        notes.append(f"Vướng mắc: {task.blocked_reason}")
    if row.extended_from is not None:
        notes.append(f"Đã gia hạn (hạn ban đầu {row.extended_from:%d/%m/%Y})")
    if task.state == "open" and task.progress:
        notes.append(f"Tiến độ {task.progress}%")
    if is_not_started(task.state, task.has_updates, task.progress > 0, task.blocked):
        notes.append("Chưa bắt đầu")
    if task.deadline_text and task.effective_deadline is None:
        notes.append(f"Thời hạn: {task.deadline_text}")
    return "; ".join(notes)


# --- Word ----------------------------------------------------------------------------


def place_and_date(place: str, day: date) -> str:
    """Decree 30/2020: day below 10 and month below 3 are written with a leading zero."""
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day_text} tháng {month_text} năm {day.year}"


def percent(part: int, whole: int) -> str:
    """ "66,7%" (Vietnamese decimal comma); "—" when there is nothing to divide by."""
    if not whole:
        return "—"
    value = round(100 * part / whole, 1)
    text = f"{value:.1f}".replace(".", ",")
    return f"{text.removesuffix(',0')}%"


def directive_label(number: str | None, issued_on: date | None) -> str:
    text = f"Văn bản số {number}" if number else "Văn bản (chưa có số)"
    if issued_on:
        text += f" ngày {issued_on:%d/%m/%Y}"
    return text


REPORT_SYMBOL = "BC"
LETTER_UNIT = "VP"
REPORT_TITLE = "BÁO CÁO"
REPORT_SUBJECT = "Kết quả theo dõi, đôn đốc thực hiện nhiệm vụ {superior_short} giao"
LETTER_SUBJECT = "V/v đôn đốc thực hiện nhiệm vụ"
SIGN_FOR = "KT. {head_title}"
