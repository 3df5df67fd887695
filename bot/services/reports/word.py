"""Word drafts in the layout of Decree 30/2020/NĐ-CP (python-docx).

Two documents an officer opens, edits and signs: the summary report to the
People's Committee (BÁO CÁO) and the urging letter to the agencies that are
late (công văn đôn đốc). Both have the Decree's header: a borderless
two-column table with the issuing body (parent body, then the body in bold,
a short rule under it) and the number left blank on the left, the national
title and motto (a rule under it) and the place and date (italic) on the
right. A named document (the report) carries its subject under its title; a
letter carries "V/v ..." under its number. Then the recipient, the body, the
"Nơi nhận:" block (bold italic, 12pt; entries 11pt) and the signer block
("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", name left blank). Times New Roman, 13–14pt,
A4 with the Decree's margins (top and bottom 2 cm, left 3 cm, right 2 cm).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.domain.report_data import LateAgency, Letterhead, ReportData, ReportTask
from bot.domain.rollup import Category, Detail
from bot.texts import documents as words

FONT_NAME = "Times New Roman"
BODY_SIZE = 14
LEFT_COLUMN = Cm(6.0)
RIGHT_COLUMN = Cm(10.0)
BLANK_NUMBER = "      "  # "Số:      /BC-SNV": the number is given when the document is issued

Container = DocumentObject | _Cell
# Children of w:pPr that the schema puts after w:pBdr (Word rejects another order).
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def summary_report(data: ReportData) -> bytes:
    document = _new_document()
    head = data.letterhead
    _header(
        document,
        head,
        f"{words.REPORT_SYMBOL}-{head.abbreviation}",
        subject_line=None,
        day=data.today,
    )
    _para(document, words.REPORT_TITLE, bold=True, space_before=18)
    subject = words.REPORT_SUBJECT.format(superior_short=head.superior_short)
    if data.directive is not None:
        subject += " tại " + words.directive_label(data.directive.number, data.directive.issued_on)
    _para(document, subject, bold=True)
    _rule(document, Cm(3.0), Cm(16.0))
    _para(document, f"Kính gửi: {head.superior}.", space_before=12, space_after=12)
    scope = (
        f"đối với các nhiệm vụ có thời hạn {words.period_text(data.period)}"
        if data.period is not None
        else f"đến ngày {data.today:%d/%m/%Y}"
    )
    _body(
        document,
        f"Thực hiện nhiệm vụ theo dõi, đôn đốc việc thực hiện các nhiệm vụ do "
        f"{head.superior} giao tại các văn bản chỉ đạo, {head.body_name} báo cáo kết quả "
        f"thực hiện {scope} như sau:",
    )
    _figures(document, data)
    _late_section(document, data.late_agencies)
    _blocked_section(document, data.blocked)
    _scores_section(document, data)
    _heading(document, "V. ĐỀ XUẤT, KIẾN NGHỊ")
    _body(
        document,
        f"Đề nghị {head.superior} chỉ đạo Thủ trưởng các cơ quan, đơn vị có nhiệm vụ quá hạn "
        f"khẩn trương tổ chức thực hiện, báo cáo kết quả; chấn chỉnh tình trạng chậm thực hiện "
        f"nhiệm vụ được giao.",
    )
    _body(document, f"{head.body_name} kính báo cáo {head.superior} xem xét, chỉ đạo./.")
    _closing(
        document,
        head,
        recipients=("Như trên;", f"Lãnh đạo {_unit_word(head)};", "Lưu: VT, VP."),
    )
    return _save(document)


def urging_letter(data: ReportData) -> bytes | None:
    """The công văn đôn đốc to the late agencies; None when no agency is late."""
    if not data.late_agencies:
        return None
    document = _new_document()
    head = data.letterhead
    _header(
        document,
        head,
        f"{head.abbreviation}-{words.LETTER_UNIT}",
        subject_line=words.LETTER_SUBJECT,
        day=data.today,
    )
    _recipients(document, [agency.agency_name for agency in data.late_agencies])
    _body(
        document,
        f"Thực hiện nhiệm vụ theo dõi, đôn đốc việc thực hiện các nhiệm vụ do {head.superior} "
        f"giao, qua tổng hợp tình hình đến ngày {data.today:%d/%m/%Y}, các cơ quan, đơn vị sau "
        f"đây còn nhiệm vụ đã quá thời hạn nhưng chưa hoàn thành:",
    )
    for number, agency in enumerate(data.late_agencies, 1):
        _body(document, f"{number}. {agency.agency_name}:", bold=True)
        for item in agency.items:
            _body(document, "- " + _late_item(item.task, item.days_late) + ".")
    _body(
        document,
        f"{head.body_name} đề nghị Thủ trưởng các cơ quan, đơn vị nêu trên quan tâm, chỉ đạo "
        f"khẩn trương hoàn thành các nhiệm vụ được giao; báo cáo kết quả thực hiện về "
        f"{head.superior} (qua {head.body_name} để tổng hợp) trước ngày "
        f"{data.reply_by:%d/%m/%Y}. Trường hợp có khó khăn, vướng mắc, đề nghị báo cáo rõ "
        f"nguyên nhân, đề xuất giải pháp và thời hạn hoàn thành để {head.body_name} tổng hợp, "
        f"báo cáo {head.superior_short} xem xét, chỉ đạo./.",
    )
    _closing(
        document,
        head,
        recipients=(
            "Như trên;",
            f"{head.superior_short} (b/c);",
            f"Lãnh đạo {_unit_word(head)};",
            "Lưu: VT, VP.",
        ),
    )
    return _save(document)


# --- body sections --------------------------------------------------------------------


def _figures(document: DocumentObject, data: ReportData) -> None:
    summary = data.summary
    total = summary.total
    on_time = summary.count(Category.DONE_ON_TIME)
    done_late = summary.count(Category.DONE_LATE)
    open_on_time = summary.count(Category.OPEN_ON_TIME)
    overdue = summary.count(Category.OPEN_OVERDUE)
    pct = words.percent
    _heading(document, "I. KẾT QUẢ THỰC HIỆN")
    where = (
        "tại " + words.directive_label(data.directive.number, data.directive.issued_on)
        if data.directive is not None
        else f"tại {data.directive_count} văn bản chỉ đạo"
    )
    _body(document, f"1. Tổng số nhiệm vụ theo dõi: {total} nhiệm vụ {where}.")
    _body(
        document,
        f"2. Đã hoàn thành: {data.done} nhiệm vụ ({pct(data.done, total)}), trong đó: "
        f"hoàn thành đúng hạn {on_time} nhiệm vụ ({pct(on_time, total)}); "
        f"hoàn thành quá hạn {done_late} nhiệm vụ ({pct(done_late, total)}).",
    )
    _body(
        document,
        f"3. Chưa hoàn thành: {data.not_done} nhiệm vụ ({pct(data.not_done, total)}), trong đó: "
        f"đang thực hiện trong hạn {open_on_time} nhiệm vụ ({pct(open_on_time, total)}); "
        f"quá hạn chưa hoàn thành {overdue} nhiệm vụ ({pct(overdue, total)}).",
    )
    not_started = summary.detail_counts.get(Detail.NOT_STARTED, 0)
    blocked = summary.detail_counts.get(Detail.BLOCKED, 0)
    if data.not_done:
        _body(
            document,
            f"Trong số nhiệm vụ chưa hoàn thành có {not_started} nhiệm vụ chưa triển khai và "
            f"{blocked} nhiệm vụ gặp khó khăn, vướng mắc.",
        )
    _body(
        document,
        f"4. Tỷ lệ hoàn thành đúng hạn trên số nhiệm vụ đã hoàn thành: {on_time}/{data.done} "
        f"({pct(on_time, data.done)}).",
    )


def _late_section(document: DocumentObject, late: Sequence[LateAgency]) -> None:
    _heading(document, "II. CÁC CƠ QUAN, ĐƠN VỊ CÓ NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH")
    if not late:
        _body(document, "Không có cơ quan, đơn vị nào có nhiệm vụ quá hạn chưa hoàn thành.")
        return
    count = sum(len(agency.items) for agency in late)
    _body(document, f"Có {len(late)} cơ quan, đơn vị còn {count} nhiệm vụ quá hạn chưa hoàn thành:")
    for number, agency in enumerate(late, 1):
        _body(document, f"{number}. {agency.agency_name}: {len(agency.items)} nhiệm vụ", bold=True)
        for item in agency.items:
            _body(document, "- " + _late_item(item.task, item.days_late) + ";")


def _blocked_section(document: DocumentObject, blocked: Sequence[ReportTask]) -> None:
    _heading(document, "III. NHIỆM VỤ GẶP KHÓ KHĂN, VƯỚNG MẮC")
    if not blocked:
        _body(document, "Không có nhiệm vụ nào được báo cáo gặp khó khăn, vướng mắc.")
        return
    for task in blocked:
        _body(
            document,
            f"- {task.agency_name}: {task.action} "
            f"({words.directive_label(task.directive_number, task.directive_date)}). "
            f"Vướng mắc: {task.blocked_reason}.",
        )


def _scores_section(document: DocumentObject, data: ReportData) -> None:
    _heading(document, "IV. TỶ LỆ HOÀN THÀNH NHIỆM VỤ ĐÚNG HẠN THEO CƠ QUAN, ĐƠN VỊ")
    _body(
        document,
        f"Tính trên các nhiệm vụ có thời hạn {words.period_text(data.score_period)} "
        f"(đến ngày {data.today:%d/%m/%Y}):",
    )
    headers = (
        "STT",
        "Cơ quan, đơn vị",
        "Số nhiệm vụ đến hạn",
        "Đúng hạn",
        "Quá hạn",
        "Chưa hoàn thành",
        "Tỷ lệ đúng hạn",
    )
    widths = (Cm(1.3), Cm(5.1), Cm(2.1), Cm(1.9), Cm(1.8), Cm(2.0), Cm(1.9))
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        _cell_text(cell, text, bold=True, width=width)
    rows = [
        (
            str(number),
            row.agency_name,
            str(row.score.due),
            str(row.score.done_on_time),
            str(row.score.done_late),
            str(row.score.still_open),
            words.percent(row.score.done_on_time, row.score.due),
        )
        for number, row in enumerate(data.scores, 1)
    ]
    total = data.score_total
    rows.append(
        (
            "",
            words.TOTAL,
            str(total.due),
            str(total.done_on_time),
            str(total.done_late),
            str(total.still_open),
            words.percent(total.done_on_time, total.due),
        )
    )
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        bold = index == len(rows) - 1
        for column, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if column == 1 else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cell, text, bold=bold, width=width, align=align)
    _set_widths(table, widths)
    _repeat_header(table)


def _late_item(task: ReportTask, days_late: int) -> str:
    return (
        f"{task.action} ({words.directive_label(task.directive_number, task.directive_date)}; "
        f"thời hạn: {_date(task)}; quá hạn {days_late} ngày)"
    )


def _date(task: ReportTask) -> str:
    return f"{task.effective_deadline:%d/%m/%Y}" if task.effective_deadline else "—"


def _unit_word(head: Letterhead) -> str:
    return head.body_name.split()[0]  # "Sở" / "Phòng"


# --- layout -------------------------------------------------------------------------


def _new_document() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_SIZE)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT_NAME)
    paragraph_format = normal.paragraph_format
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    _page_numbers(document)
    return document


def _header(
    document: DocumentObject,
    head: Letterhead,
    symbol: str,
    *,
    subject_line: str | None,
    day: date,
) -> None:
    table = document.add_table(rows=2, cols=2)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _para(left, head.parent_body, size=13, first=True)
    _para(left, head.body, size=13, bold=True)
    _rule(left, Cm(2.2), LEFT_COLUMN)
    _para(right, words.NATIONAL_TITLE, size=12, bold=True, first=True)
    _para(right, words.MOTTO, size=14, bold=True)
    _rule(right, Cm(5.6), RIGHT_COLUMN)
    number_cell, date_cell = table.rows[1].cells
    _para(number_cell, f"Số:{BLANK_NUMBER}/{symbol}", size=13, first=True, space_before=6)
    if subject_line:
        _para(number_cell, subject_line, size=12, space_before=3)
    _para(
        date_cell,
        words.place_and_date(head.place, day),
        size=14,
        italic=True,
        first=True,
        space_before=6,
    )
    _set_widths(table, (LEFT_COLUMN, RIGHT_COLUMN))


def _recipients(document: DocumentObject, names: Sequence[str]) -> None:
    if len(names) == 1:
        _para(document, f"Kính gửi: {names[0]}.", space_before=12, space_after=12)
        return
    first = _para(document, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.LEFT, space_before=12)
    first.paragraph_format.left_indent = Cm(3.5)
    for index, name in enumerate(names):
        end = "." if index == len(names) - 1 else ";"
        line = _para(document, f"- {name}{end}", align=WD_ALIGN_PARAGRAPH.LEFT)
        line.paragraph_format.left_indent = Cm(5.5)
    _para(document, "", space_after=6)


def _closing(document: DocumentObject, head: Letterhead, *, recipients: Sequence[str]) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    _set_widths(table, (Cm(7.0), Cm(9.0)))
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    row_properties.append(OxmlElement("w:cantSplit"))  # recipients and signer stay together
    heading = _para(left, "Nơi nhận:", size=12, bold=True, italic=True, first=True, space_before=12)
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for entry in recipients:
        _para(left, f"- {entry}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(
        right,
        words.SIGN_FOR.format(head_title=head.head_title),
        bold=True,
        first=True,
        space_before=12,
    )
    _para(right, head.deputy_title, bold=True)
    for _ in range(4):
        _para(right, "")
    _para(right, "", bold=True)  # the signer's name, filled in when signing


def _heading(document: DocumentObject, text: str) -> None:
    paragraph = _body(document, text, bold=True)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(6)


def _body(document: DocumentObject, text: str, *, bold: bool = False) -> Paragraph:
    paragraph = _para(document, text, bold=bold, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1.0)
    paragraph.paragraph_format.line_spacing = 1.1
    return paragraph


def _para(
    container: Container,
    text: str,
    *,
    size: int = BODY_SIZE,
    bold: bool = False,
    italic: bool = False,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
    first: bool = False,
    space_before: int = 0,
    space_after: int = 0,
) -> Paragraph:
    """A paragraph with one run; `first` reuses a new cell's empty paragraph."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(space_before)
    paragraph.paragraph_format.space_after = Pt(space_after)
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        run.font.name = FONT_NAME
    return paragraph


def _rule(container: Container, width: object, column: object) -> None:
    """A short centred line: an empty 1pt paragraph with a bottom border,
    narrowed by equal indents (how the Decree's rules under the body's name,
    the motto and the subject are drawn)."""
    paragraph = container.add_paragraph()
    indent = max(0, (int(column) - int(width)) // 2)  # type: ignore[call-overload]
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run("")
    run.font.size = Pt(1)
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.insert_element_before(borders, *_AFTER_PBDR)


def _cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    width: object = None,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
) -> None:
    paragraph = _para(cell, text, size=12, bold=bold, align=align, first=True)
    paragraph.paragraph_format.space_before = Pt(2)
    paragraph.paragraph_format.space_after = Pt(2)
    if width is not None:
        cell.width = width  # type: ignore[assignment]


def _set_widths(table: Table, widths: Sequence[Length]) -> None:
    """Column widths in the grid and in every cell (Word reads the cells,
    LibreOffice the grid)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _page_numbers(document: DocumentObject) -> None:
    """Decree 30: page numbers centred in the top margin, from the second page on."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(13)
    run.font.name = FONT_NAME
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _repeat_header(table: Table) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _save(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
