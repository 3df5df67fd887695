"""The JSON contract of `nhacviec directives parse --json` (DESIGN.md, seeds)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.extraction.model import ExtractedDirective, ExtractedTask, Reference


def to_contract_json(d: ExtractedDirective) -> dict[str, Any]:
    """Exactly the seeds' shape; "month" only when the day is blank, "warnings" last."""
    out: dict[str, Any] = {
        "number": d.number,
        "symbol": d.symbol,
        "issuer": d.issuer,
        "place": d.place,
        "date": _iso(d.date),
        "year": d.year,
    }
    if d.date is None and d.month is not None:
        out["month"] = d.month
    out |= {
        "subject": d.subject,
        "recipients": list(d.recipients),
        "references": [_reference(r) for r in d.references],
        "tasks": [_task(t) for t in d.tasks],
        "signer": d.signer,
        "signer_title": d.signer_title,
        "warnings": [{"field": w.field, "code": w.code, "detail": w.detail} for w in d.warnings],
    }
    return out


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _reference(ref: Reference) -> dict[str, Any]:
    return {"number": ref.number, "date": _iso(ref.date), "issuer": ref.issuer}


def _task(task: ExtractedTask) -> dict[str, Any]:
    spec = task.deadline
    deadline_text = spec.text if spec else (task.recurrence.text if task.recurrence else None)
    return {
        "assignees": list(task.assignees),
        "role": task.role.value,
        "action": task.action,
        "deadline": _iso(spec.stated) if spec else None,
        "deadline_kind": spec.kind.value if spec else None,
        "deadline_text": deadline_text,
        "recurrence": task.recurrence.period.value if task.recurrence else None,
        "report_to": task.report_to,
        "supporting": list(task.supporting),
    }
