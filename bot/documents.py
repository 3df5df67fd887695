"""Uploaded directive files -> plain text for extraction.

Lives outside bot.domain because it parses bytes with libraries (python-docx,
pypdf). Failures carry a machine-readable `reason` only; bot/texts turns it
into a message for the user.
"""

from __future__ import annotations

import codecs
import io
import logging
import unicodedata
from enum import StrEnum
from pathlib import PurePath
from typing import Any

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")


class UnreadableReason(StrEnum):
    UNSUPPORTED_TYPE = "unsupported_type"
    CORRUPT = "corrupt"
    SCANNED_PDF = "scanned_pdf"  # a PDF without a text layer: needs OCR we do not do
    EMPTY = "empty"
    TOO_LARGE = "too_large"


class UnreadableDocument(Exception):
    """The file cannot give us text; `reason` says why."""

    def __init__(self, reason: UnreadableReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def read_document(filename: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of a .txt/.md, .docx or text-layer .pdf file, line breaks kept."""
    if len(data) > max_bytes:
        raise UnreadableDocument(UnreadableReason.TOO_LARGE)
    if not data:
        raise UnreadableDocument(UnreadableReason.EMPTY)
    suffix = PurePath(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text = decode_text(data)
    elif suffix == ".docx":
        text = _read_docx(data)
    elif suffix == ".pdf":
        text = _read_pdf(data)
    else:
        raise UnreadableDocument(UnreadableReason.UNSUPPORTED_TYPE)
    if not text.strip():
        raise UnreadableDocument(UnreadableReason.EMPTY)
    return text


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1258.

    Windows-1258 is what old Vietnamese Windows editors saved; it decodes
    any byte string, so it is the last resort.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableDocument(UnreadableReason.CORRUPT) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def _read_docx(data: bytes) -> str:
    """Paragraphs and tables in document order: directive headers are often tables."""
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.element.body.iterchildren():
            _block_lines(block, document, lines)
    except UnreadableDocument:
        raise
    except Exception as exc:  # python-docx raises many kinds on a broken package
        logger.info("unreadable docx: %s", type(exc).__name__)
        raise UnreadableDocument(UnreadableReason.CORRUPT) from exc
    return "\n".join(lines)


def _block_lines(block: Any, parent: Any, lines: list[str]) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    tag = block.tag.rsplit("}", 1)[-1]
    if tag == "p":
        lines.append(Paragraph(block, parent).text)
    elif tag == "tbl":
        _table_lines(Table(block, parent), lines)


def _table_lines(table: Any, lines: list[str]) -> None:
    """Row by row, each cell whole (left column, then right), merged cells once."""
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for block in cell._tc.iterchildren():
                _block_lines(block, cell, lines)
            lines.append("")


def _read_pdf(data: bytes) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(UnreadableReason.CORRUPT)
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file
        logger.info("unreadable pdf: %s", type(exc).__name__)
        raise UnreadableDocument(UnreadableReason.CORRUPT) from exc
    if not pages:
        raise UnreadableDocument(UnreadableReason.CORRUPT)
    if not any(page.strip() for page in pages):
        raise UnreadableDocument(UnreadableReason.SCANNED_PDF)
    return "\n".join(pages)
