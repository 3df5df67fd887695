"""Directives and files for the intake tests (CLI and end to end).

The text is a short Quảng Ngãi letter with one agency the registry knows
(Sở Tư pháp) and one vague assignee ("các cơ quan, đơn vị liên quan") that
must stay unmatched; the files carry the same words as .docx and as a PDF
with a text layer, or a "scan" without one.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import matplotlib
from fpdf import FPDF

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"

LINES = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH QUẢNG NGÃI",
    "Số: 77/UBND-NC",
    "V/v rà soát thủ tục hành chính",
    "Quảng Ngãi, ngày 06 tháng 5 năm 2024",
    "Kính gửi:",
    "- Sở Tư pháp;",
    "- Các cơ quan, đơn vị liên quan.",
    "Chủ tịch UBND tỉnh có ý kiến như sau:",
    "1. Giao Sở Tư pháp chủ trì rà soát các thủ tục hành chính, báo cáo UBND tỉnh"
    " trước ngày 20/5/2024.",
    "2. Các cơ quan, đơn vị liên quan phối hợp với Sở Tư pháp cung cấp số liệu trong tháng 6/2024.",
    "CHỦ TỊCH",
    "Nguyễn Văn A",
]
TEXT = "\n".join(LINES) + "\n"
NUMBER = "77/UBND-NC"


def numbered(number: str) -> str:
    """The same letter under another number (a different directive)."""
    return TEXT.replace(NUMBER, number)


def docx_bytes(lines: list[str] = LINES) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines: list[str] | None = LINES) -> bytes:
    """A PDF with a text layer, or (lines None) a "scan": marks, no text."""
    pdf = FPDF()
    pdf.add_page()
    if lines:
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=11)
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())
