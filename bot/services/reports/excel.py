"""The tracking table as Home Affairs keeps it, in Excel (openpyxl).

Sheet 1 is the tracking table: a title, the as-of day, then one header row
(frozen, with an auto-filter) and one row per task. Dates are real date
cells shown dd/mm/yyyy, so they sort and filter as dates. Sheet 2 is the
on-time rate per agency over the score period, with a total row; the rate
is a number cell shown as a percentage.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.report_data import ReportData, TrackingRow, rate
from bot.texts import documents as words

DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"
FONT_NAME = "Times New Roman"
TRACKING_WIDTHS = (6, 18, 12, 36, 8, 48, 26, 26, 12, 22, 13, 15, 32)
SCORES_WIDTHS = (6, 40, 16, 14, 14, 14, 16)
HEADER_ROW = 4  # title, as-of line, blank, header
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(horizontal="center", vertical="top", wrap_text=True)
_BODY_FONT = Font(name=FONT_NAME, size=12)
_BOLD_FONT = Font(name=FONT_NAME, size=12, bold=True)
# Body cells take named styles: setting font, border and alignment cell by cell
# makes openpyxl hash each style object per cell (12 s for 5,000 rows).
TEXT, CENTRED, DATE, PERCENT, TOTAL_TEXT, TOTAL_CENTRED, TOTAL_PERCENT = (
    "nv_text",
    "nv_centred",
    "nv_date",
    "nv_percent",
    "nv_total_text",
    "nv_total_centred",
    "nv_total_percent",
)
DATE_COLUMNS = (3, 9, 11)
CENTRED_COLUMNS = (1, 5)


def _register_styles(workbook: Workbook) -> None:
    specs = (
        (TEXT, _BODY_FONT, _WRAP_TOP, "General"),
        (CENTRED, _BODY_FONT, _CENTRED, "General"),
        (DATE, _BODY_FONT, _CENTRED, DATE_FORMAT),
        (PERCENT, _BODY_FONT, _CENTRED, PERCENT_FORMAT),
        (TOTAL_TEXT, _BOLD_FONT, _WRAP_TOP, "General"),
        (TOTAL_CENTRED, _BOLD_FONT, _CENTRED, "General"),
        (TOTAL_PERCENT, _BOLD_FONT, _CENTRED, PERCENT_FORMAT),
    )
    for name, font, alignment, number_format in specs:
        workbook.add_named_style(
            NamedStyle(
                name=name,
                font=font,
                alignment=alignment,
                border=_BORDER,
                number_format=number_format,
            )
        )


def tracking_workbook(data: ReportData) -> bytes:
    workbook = Workbook()
    _register_styles(workbook)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = words.SHEET_TRACKING
    _tracking_sheet(sheet, data)
    _scores_sheet(workbook.create_sheet(words.SHEET_SCORES), data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title(sheet: Worksheet, title: str, subtitle: str, columns: int) -> None:
    last = get_column_letter(columns)
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"] = title
    sheet["A1"].font = Font(name=FONT_NAME, bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet["A2"] = subtitle
    sheet["A2"].font = Font(name=FONT_NAME, italic=True, size=12)
    sheet["A2"].alignment = Alignment(horizontal="center")


def _header(sheet: Worksheet, headers: tuple[str, ...], widths: tuple[int, ...]) -> None:
    for column, (name, width) in enumerate(zip(headers, widths, strict=True), 1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=name)
        cell.font = Font(name=FONT_NAME, bold=True, size=12)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)


def _tracking_sheet(sheet: Worksheet, data: ReportData) -> None:
    subtitle = words.as_of(data.today)
    if data.period is not None:
        subtitle = f"(Nhiệm vụ có thời hạn {words.period_text(data.period)})"
    if data.directive is not None:
        label = words.directive_label(data.directive.number, data.directive.issued_on)
        subtitle = f"{label} — {subtitle}"
    _title(sheet, words.TRACKING_TITLE, subtitle, len(words.TRACKING_HEADERS))
    _header(sheet, words.TRACKING_HEADERS, TRACKING_WIDTHS)
    for offset, row in enumerate(data.rows, 1):
        _tracking_row(sheet, HEADER_ROW + offset, row)
    last_row = HEADER_ROW + max(len(data.rows), 1)
    last_column = get_column_letter(len(words.TRACKING_HEADERS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_row}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _tracking_row(sheet: Worksheet, row_index: int, row: TrackingRow) -> None:
    task = row.task
    lead = task.agency_name + (words.SUPPORT_ROLE_SUFFIX if task.role == "support" else "")
    values: tuple[object, ...] = (
        row.number,
        task.directive_number or "",
        task.directive_date,
        task.directive_subject or "",
        task.code,
        task.action,
        lead,
        "; ".join(task.supporting),
        task.effective_deadline,
        words.CATEGORY_LABELS[row.category],
        task.completed_on if task.state == "done" else None,
        words.timeliness_text(row),
        words.notes_text(row),
    )
    for column, value in enumerate(values, 1):
        cell = sheet.cell(row=row_index, column=column, value=value)
        if column in DATE_COLUMNS:
            cell.style = DATE
        elif column in CENTRED_COLUMNS:
            cell.style = CENTRED
        else:
            cell.style = TEXT


def _scores_sheet(sheet: Worksheet, data: ReportData) -> None:
    subtitle = f"(Nhiệm vụ có thời hạn {words.period_text(data.score_period)})"
    _title(sheet, words.SCORES_TITLE, subtitle, len(words.SCORES_HEADERS))
    _header(sheet, words.SCORES_HEADERS, SCORES_WIDTHS)
    rows: list[tuple[object, ...]] = [
        (
            number,
            score_row.agency_name,
            score_row.score.due,
            score_row.score.done_on_time,
            score_row.score.done_late,
            score_row.score.still_open,
            score_row.score.on_time_rate,
        )
        for number, score_row in enumerate(data.scores, 1)
    ]
    total = data.score_total
    rows.append(
        (
            None,
            words.TOTAL,
            total.due,
            total.done_on_time,
            total.done_late,
            total.still_open,
            rate(total.done_on_time, total.due),
        )
    )
    for offset, values in enumerate(rows, 1):
        is_total = offset == len(rows)
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=column, value=value)
            if column == 7:
                cell.style = TOTAL_PERCENT if is_total else PERCENT
            elif column == 2:
                cell.style = TOTAL_TEXT if is_total else TEXT
            else:
                cell.style = TOTAL_CENTRED if is_total else CENTRED
    last = HEADER_ROW + len(rows) - 1  # the filter leaves the total row out
    sheet.auto_filter.ref = f"A{HEADER_ROW}:G{max(last, HEADER_ROW + 1)}"
