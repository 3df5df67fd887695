"""Directive extraction: a pasted or uploaded directive's text -> structured tasks.

Pure domain code (no I/O). Reading order of the package:
normalize (clean characters, Markdown, PDF line breaks; zones) -> header,
recipients, references, signature -> structure (the item tree) -> assignment
(who, role) -> deadlines (phrases -> DeadlineSpec/Recurrence) -> tasks (the
rules that join them) -> actions (the short sentence) -> contract (JSON).
"""

from bot.domain.extraction.contract import to_contract_json
from bot.domain.extraction.extract import extract_directive
from bot.domain.extraction.model import (
    ExtractedDirective,
    ExtractedTask,
    ExtractionWarning,
    Reference,
    Role,
)

__all__ = [
    "ExtractedDirective",
    "ExtractedTask",
    "ExtractionWarning",
    "Reference",
    "Role",
    "extract_directive",
    "to_contract_json",
]
