"""Compare an extraction with an `*.expected.json` on the contract's fields.

`action` is a human summary in the expected files, so it is not compared.
Fields missing from an expected task (older seeds omit `report_to`) count
as null / empty.
"""

from __future__ import annotations

from typing import Any

TOP_FIELDS = (
    "number",
    "symbol",
    "issuer",
    "place",
    "date",
    "year",
    "subject",
    "recipients",
    "references",
    "signer",
    "signer_title",
)
TASK_FIELDS = (
    "assignees",
    "role",
    "deadline",
    "deadline_kind",
    "deadline_text",
    "recurrence",
    "report_to",
    "supporting",
)
_TASK_DEFAULTS: dict[str, Any] = {"report_to": None, "supporting": []}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Human-readable differences; empty when the extraction matches."""
    diffs = [
        f"{name}: expected {expected.get(name)!r}, got {actual.get(name)!r}"
        for name in TOP_FIELDS
        if expected.get(name) != actual.get(name)
    ]
    if "month" in expected and expected["month"] != actual.get("month"):
        diffs.append(f"month: expected {expected['month']!r}, got {actual.get('month')!r}")
    want, got = expected["tasks"], actual["tasks"]
    if len(want) != len(got):
        diffs.append(f"tasks: expected {len(want)}, got {len(got)}")
    for index, (w, g) in enumerate(zip(want, got, strict=False)):
        for name in TASK_FIELDS:
            value = w.get(name, _TASK_DEFAULTS.get(name))
            if value != g.get(name):
                diffs.append(f"tasks[{index}].{name}: expected {value!r}, got {g.get(name)!r}")
    return diffs
