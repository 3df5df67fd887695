"""`extract_directive`: text in, `ExtractedDirective` out. Pure, no I/O."""

from __future__ import annotations

from bot.domain.extraction.deadlines import DocDate
from bot.domain.extraction.header import Header, parse_header
from bot.domain.extraction.model import ExtractedDirective, ExtractionWarning
from bot.domain.extraction.normalize import clean_text, join_paragraphs, split_zones
from bot.domain.extraction.recipients import parse_recipients
from bot.domain.extraction.references import find_references
from bot.domain.extraction.signature import parse_signature
from bot.domain.extraction.structure import build_body
from bot.domain.extraction.tasks import extract_tasks

MAX_CHARS = 400_000  # far beyond any directive; keeps the work bounded


def extract_directive(text: str) -> ExtractedDirective:
    """Read a directive's header, recipients, citations, tasks and signature.

    Never raises on odd input: what it cannot settle is left empty and named
    in `warnings` rather than guessed.
    """
    cleaned = clean_text(text[:MAX_CHARS])
    zones = split_zones(cleaned)
    header = parse_header(zones.header)
    paragraphs = join_paragraphs(zones.body)
    recipients = parse_recipients(paragraphs)
    body_paragraphs = paragraphs[recipients.body_start :]
    doc = DocDate(header.date, header.year, header.month)
    references = find_references(body_paragraphs, header.year)
    found = extract_tasks(build_body(body_paragraphs), recipients.as_agencies, doc)
    signature = parse_signature(zones.footer)
    warnings = [*_header_warnings(header), *found.warnings]
    return ExtractedDirective(
        number=header.number,
        symbol=header.symbol,
        issuer=header.issuer,
        place=header.place,
        date=header.date,
        year=header.year,
        month=header.month if header.date is None else None,
        subject=header.subject,
        recipients=tuple(recipients.as_written),
        references=tuple(references),
        tasks=tuple(found.tasks),
        signer=signature.signer,
        signer_title=signature.title,
        warnings=tuple(warnings),
    )


def _header_warnings(header: Header) -> list[ExtractionWarning]:
    """A draft with the day left blank, no number yet, or a header we could not read."""
    warnings: list[ExtractionWarning] = []
    if header.year is None:
        warnings.append(ExtractionWarning("date", "date_not_found"))
    elif header.day_blank:
        warnings.append(ExtractionWarning("date", "day_blank"))
    elif header.date is None:
        warnings.append(ExtractionWarning("date", "invalid_date"))
    if header.number is None:
        warnings.append(
            ExtractionWarning("number", "number_blank" if header.symbol else "number_not_found")
        )
    if header.issuer is None:
        warnings.append(ExtractionWarning("issuer", "issuer_not_found"))
    return warnings
