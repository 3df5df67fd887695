"""Reading directive files: .txt/.md encodings, .docx with a header table,
.pdf with and without a text layer, broken and unsupported files, and the
`directives parse` command on real files. Files are built in memory."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import docx
import matplotlib
import pytest
from fpdf import FPDF

from bot.cli import main
from bot.documents import UnreadableDocument, UnreadableReason, decode_text, read_document
from bot.domain.extraction import extract_directive, to_contract_json
from tests.unit.extraction.compare import differences

REPO = Path(__file__).parents[2]
OWN_SET = REPO / "tests" / "data" / "directives"
SEEDS = REPO.parent / "shared" / "seeds"
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"

BODY = [
    "Kính gửi:",
    "- Sở Nội vụ;",
    "- UBND các huyện, thị xã, thành phố.",
    "Ủy ban nhân dân tỉnh có ý kiến như sau:",
    "1. Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan tổng hợp kết quả "
    "Chỉ số cải cách hành chính, báo cáo Ủy ban nhân dân tỉnh trước ngày 20/5/2024.",
    "2. UBND các huyện, thị xã, thành phố rà soát, khắc phục các tiêu chí bị trừ điểm; "
    "gửi kết quả về Sở Nội vụ trong tháng 6/2024.",
]


def _docx_bytes() -> bytes:
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI"
    left.add_paragraph("Số: 2268/UBND-TTHC")
    left.add_paragraph("V/v nâng cao Chỉ số cải cách hành chính")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    right.add_paragraph("Quảng Ngãi, ngày 06 tháng 5 năm 2024")
    for line in BODY:
        document.add_paragraph(line)
    footer = document.add_table(rows=1, cols=2)
    footer.rows[0].cells[0].text = "Nơi nhận:\n- Như trên;\n- Lưu: VT."
    footer.rows[0].cells[1].text = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Hoàng Tuấn"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if lines:
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=11)
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.rect(20, 20, 100, 60, style="F")  # a "scan": marks on the page, no text
    return bytes(pdf.output())


PDF_LINES = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH QUẢNG NGÃI",
    "Số: 2268/UBND-TTHC",
    "V/v nâng cao Chỉ số cải cách hành chính",
    "Quảng Ngãi, ngày 06 tháng 5 năm 2024",
    *BODY,
    "Nơi nhận:",
    "- Như trên;",
    "CHỦ TỊCH",
    "Trần Hoàng Tuấn",
]


def test_docx_reads_header_table_before_body_and_extracts() -> None:
    text = read_document("cong-van.docx", _docx_bytes())
    assert text.index("TỈNH QUẢNG NGÃI") < text.index("Quảng Ngãi, ngày") < text.index("Kính gửi")
    directive = extract_directive(text)
    assert directive.number == "2268/UBND-TTHC"
    assert directive.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert directive.date is not None and directive.date.isoformat() == "2024-05-06"
    assert [t.assignees for t in directive.tasks] == [
        ("Sở Nội vụ",),
        ("UBND các huyện, thị xã, thành phố",),
    ]
    assert directive.signer == "Trần Hoàng Tuấn"
    assert directive.signer_title == "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"


def test_pdf_text_layer_keeps_vietnamese_and_line_breaks() -> None:
    text = read_document("cong-van.PDF", _pdf_bytes(PDF_LINES))
    assert "Ủy ban nhân dân tỉnh có ý kiến như sau:" in text
    assert "TỈNH QUẢNG NGÃI\n" in text
    directive = to_contract_json(extract_directive(text))
    assert directive["issuer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert [(t["deadline"], t["deadline_kind"]) for t in directive["tasks"]] == [
        ("2024-05-20", "before"),
        ("2024-06-30", "within_period"),
    ]


def _reason(filename: str, data: bytes, **kwargs: int) -> UnreadableReason:
    with pytest.raises(UnreadableDocument) as caught:
        read_document(filename, data, **kwargs)
    assert str(caught.value) == caught.value.reason.value  # no user text inside
    return caught.value.reason


def test_pdf_without_text_layer_is_a_scan() -> None:
    assert _reason("scan.pdf", _pdf_bytes([])) is UnreadableReason.SCANNED_PDF


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage"),
        ("broken.docx", b"PK\x03\x04 this is not a zip archive"),
        ("renamed.docx", b"%PDF-1.4 a pdf with the wrong name"),
    ],
)
def test_broken_files_are_corrupt(filename: str, data: bytes) -> None:
    assert _reason(filename, data) is UnreadableReason.CORRUPT


@pytest.mark.parametrize("filename", ["cong-van.doc", "bang.xlsx", "anh.jpg", "khong-duoi"])
def test_other_types_are_unsupported(filename: str) -> None:
    assert _reason(filename, b"some bytes") is UnreadableReason.UNSUPPORTED_TYPE


def test_empty_and_blank_files_are_empty() -> None:
    assert _reason("a.txt", b"") is UnreadableReason.EMPTY
    assert _reason("a.md", b" \n\t\n") is UnreadableReason.EMPTY


def test_size_limit() -> None:
    assert _reason("a.txt", b"x" * 101, max_bytes=100) is UnreadableReason.TOO_LARGE


@pytest.mark.parametrize(
    "data",
    [
        "Số: 12/UBND-VP — Hà Tĩnh".encode(),
        "Số: 12/UBND-VP — Hà Tĩnh".encode("utf-8-sig"),
        "Số: 12/UBND-VP — Hà Tĩnh".encode("utf-16"),
        "Số: 12/UBND-VP — Hà Tĩnh".encode("utf-16-be").join([b"\xfe\xff", b""]),
    ],
)
def test_text_encodings(data: bytes) -> None:
    assert decode_text(data) == "Số: 12/UBND-VP — Hà Tĩnh"


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Windows-1258 stores a base letter and a combining tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in decomposed if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
            out += (base + tones).encode("cp1258")
    return out


def test_legacy_windows_1258_text_is_read() -> None:
    text = "Số: 12/UBND-VP, Hà Nội, ngày 06 tháng 5 năm 2024"
    assert decode_text(_cp1258(text)) == text


def _cli_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main(["directives", "parse", str(path), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    parsed: dict[str, object] = json.loads(out)  # exactly one JSON object
    return parsed


def test_cli_parse_json_matches_expected(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [OWN_SET / "002_quangtri_gio_linh_pdf_broken.txt", *sorted(SEEDS.glob("00[34]_*.txt"))]
    for path in paths:
        expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text())
        assert differences(expected, _cli_json(path, capsys)) == [], path.name


def test_cli_parse_docx_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cong-van.docx"
    path.write_bytes(_docx_bytes())
    assert _cli_json(path, capsys)["number"] == "2268/UBND-TTHC"
    assert main(["directives", "parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Cơ quan ban hành: Ủy ban nhân dân tỉnh Quảng Ngãi" in out
    assert "Thời hạn: trước ngày 20/5/2024" in out


def test_cli_parse_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf_bytes([]))
    assert main(["directives", "parse", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bản scan" in captured.err
    assert main(["directives", "parse", str(tmp_path / "missing.txt")]) == 2
