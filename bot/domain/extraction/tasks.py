"""Tasks from the body tree: who, in which role, what, by when, reporting to whom.

Rules the seeds pin down, each with its reason:
- An item introducing sub-items ("Giao X chủ trì, phối hợp Y:") gives its
  agency and role to each sub-item; a sub-item without a role of its own
  takes the lead-in's, else its previous sibling's (seed 001: the second
  duty of "Giám đốc Sở Nội vụ chịu trách nhiệm:" is still a lead duty).
- The partners named in a lead-in ("phối hợp cơ quan liên quan:") go with
  the first sub-item (seed 004).
- When only the last sub-item has timing and it is a deadline sentence of
  its own ("Thời hạn hoàn thành trước ngày ..."), the sub-items are steps of
  one task that the deadline closes (seed 003): they become one task.
- A closing sentence after the items is an exhortation, not a task, when it
  urges ("Yêu cầu", "khẩn trương") or names parties who already have tasks
  (seeds 001, 003, 004); a plain closing that gives parties without a task a
  part ("Thủ trưởng các cơ quan ... liên quan phối hợp triển khai thực hiện")
  is a task (seed 000).
- A submission to a superior ("Kính trình ...") proposes and assigns nothing
  (seed 002).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.domain.deadlines import DeadlineSpec, Recurrence
from bot.domain.extraction.actions import summarize
from bot.domain.extraction.agencies import parties, starts_with_party
from bot.domain.extraction.assignment import Assignment, parse_assignment
from bot.domain.extraction.deadlines import DocDate, Timing, find_timings
from bot.domain.extraction.model import ExtractedTask, ExtractionWarning, Role
from bot.domain.extraction.structure import Body, Node

_PROPOSAL = re.compile(r"\bKính\s+trình\b", re.IGNORECASE)
_URGING = re.compile(
    r"^(?:Yêu\s+cầu|Đề\s+nghị)\b|\bkhẩn\s+trương\b|\bnghiêm\s+túc\b", re.IGNORECASE
)
_STANDALONE = re.compile(r"(?:^|[.;]\s+)(?:Thời\s+hạn|Thời\s+gian|Hạn)\b[^.;]*$", re.IGNORECASE)
_QUA = re.compile(r"\(\s*qua\s+([^()]{3,80})\)", re.IGNORECASE)
_SEND_TO = re.compile(
    r"(?:gửi\s+(?:về\s+|cho\s+|đến\s+)?|báo\s+cáo[^.;()]{0,80}?\s+về\s+)(?=\S)", re.IGNORECASE
)
_REPORT_END = re.compile(
    r"\s*[;.(:]|,(?!\s*chống)|\s+(?:để|trước|chậm|trong|theo|trên|tổng\s+hợp|xem\s+xét|kết\s+quả|"
    r"định\s+kỳ|hằng|hàng|lồng|về|qua|đúng|kèm|thời\s+hạn)(?!\w)"
)
_UNSUPPORTED_PERIOD = re.compile(r"(?:hằng|hàng|mỗi)\s+(?:ngày|tuần)", re.IGNORECASE)
_DOC_CONTEXT = re.compile(r"(?:yêu\s+cầu|giao|đề\s+nghị)\s+(?:cho\s+)?", re.IGNORECASE)


@dataclass
class Context:
    """What an introducing item hands down to its sub-items."""

    names: tuple[str, ...] = ()
    role: Role | None = None
    supporting: tuple[str, ...] = ()
    timings: tuple[Timing, ...] = ()


@dataclass
class Draft:
    names: tuple[str, ...]
    role: Role | None
    text: str
    supporting: tuple[str, ...]
    action_start: int
    timings: tuple[Timing, ...]
    anaphoric: bool = False
    action: str | None = None  # set when several sub-items merged into one task
    deadline_from: Draft | None = None  # the sub-item whose deadline a merged task keeps


@dataclass
class TaskResult:
    tasks: list[ExtractedTask]
    warnings: list[ExtractionWarning]


def extract_tasks(body: Body, recipients: list[str], doc: DocDate) -> TaskResult:
    if any(_PROPOSAL.search(p) for p in [*body.preamble, *(r.full_text() for r in body.roots)]):
        return TaskResult([], [])
    context = _document_context(body.preamble)
    drafts: list[Draft] = []
    warnings: list[ExtractionWarning] = []
    last_item = max((i for i, r in enumerate(body.roots) if r.rank), default=-1)
    for index, root in enumerate(body.roots):
        new = _node_drafts(root, context, None, doc, flat=not body.numbered, warnings=warnings)
        if root.rank == 0 and index > last_item and drafts and _exhortation(root, new, drafts):
            continue
        drafts.extend(new)
    tasks = [_task(d, recipients, i, warnings) for i, d in enumerate(drafts)]
    return TaskResult([t for t in tasks if t is not None], warnings)


def _document_context(preamble: list[str]) -> Context:
    """ "UBND tỉnh yêu cầu các cơ quan, đơn vị ... thực hiện các nội dung sau:"."""
    if not preamble or not preamble[-1].rstrip().endswith(":"):
        return Context()
    lead = preamble[-1]
    for match in reversed(list(_DOC_CONTEXT.finditer(lead))):
        if starts_with_party(lead[match.end() :]):
            assignment = parse_assignment(lead[match.start() :])
            if assignment and assignment.parties:
                return Context(names=assignment.parties, role=assignment.role)
    return Context()


def _node_drafts(
    node: Node,
    ctx: Context,
    sibling_role: Role | None,
    doc: DocDate,
    *,
    flat: bool,
    warnings: list[ExtractionWarning],
) -> list[Draft]:
    own = parse_assignment(node.text)
    if flat and node.rank == 0 and not _flat_task(own, node, doc):
        own = None
    if node.children and (own is None or _introduces(node, own)):
        return _children_drafts(node, ctx, own, doc, warnings)
    text = node.full_text()
    timings = find_timings(text, doc) or ctx.timings
    if (own is None or not own.parties) and not ctx.names:
        if timings and any(t.spec and t.spec.stated for t in timings):
            warnings.append(ExtractionWarning("tasks", "assignee_not_found", text[:120]))
        return []
    return [_draft(own, ctx, sibling_role, text, timings)]


def _flat_task(own: Assignment | None, node: Node, doc: DocDate) -> bool:
    """In a letter without numbered items only a clear assignment is a task."""
    if own is None:
        return False
    return own.explicit or bool(find_timings(node.full_text(), doc))


def _introduces(node: Node, own: Assignment | None) -> bool:
    return node.text.rstrip().endswith(":") or (own is not None and own.lead_in)


def _draft(
    own: Assignment | None,
    ctx: Context,
    sibling_role: Role | None,
    text: str,
    timings: tuple[Timing, ...],
) -> Draft:
    if own is not None and own.parties:
        # Its own agency: the lead-in's and the siblings' roles belong to someone else.
        names, supporting, anaphoric = own.parties, own.supporting, own.anaphoric
        role = own.role
    else:
        names, supporting, anaphoric = ctx.names, ctx.supporting, False
        if own is not None and own.supporting:
            supporting = own.supporting
        role = (own.role if own else None) or ctx.role or sibling_role
    start = own.action_start if own else 0
    return Draft(names, role, text, supporting, start, timings, anaphoric)


def _children_drafts(
    node: Node,
    ctx: Context,
    own: Assignment | None,
    doc: DocDate,
    warnings: list[ExtractionWarning],
) -> list[Draft]:
    lead_timings = find_timings(node.own_text(), doc)
    child_ctx = Context(
        names=own.parties if own and own.parties else ctx.names,
        role=(own.role if own else None) or ctx.role,
        supporting=own.supporting if own else (),
        timings=lead_timings or ctx.timings,
    )
    drafts: list[Draft] = []
    previous_role: Role | None = None
    for index, child in enumerate(node.children):
        this_ctx = child_ctx if index == 0 else replace(child_ctx, supporting=())
        new = _node_drafts(child, this_ctx, previous_role, doc, flat=False, warnings=warnings)
        if new:
            previous_role = new[-1].role
        drafts.extend(new)
    return _merge_steps(drafts, node)


def _merge_steps(drafts: list[Draft], node: Node) -> list[Draft]:
    """Sub-items closed by one deadline sentence in the last of them are one task."""
    if len(drafts) < 2 or len(drafts) != len(node.children):
        return drafts
    timed = [d for d in drafts if d.timings]
    last = drafts[-1]
    if len(timed) != 1 or timed[0] is not last or not _standalone(last):
        return drafts
    if any(d.names != drafts[0].names for d in drafts):
        return drafts
    first = drafts[0]
    steps = [summarize(d.text[d.action_start :], _drops(d)) for d in drafts]
    return [
        Draft(
            names=first.names,
            role=first.role,
            text=" ".join(d.text for d in drafts),
            supporting=first.supporting,
            action_start=0,
            timings=(),  # the merged task takes its deadline from `deadline_from`
            anaphoric=first.anaphoric,
            action="; ".join(_lower_first(s) if i else s for i, s in enumerate(steps)),
            deadline_from=last,
        )
    ]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _drops(draft: Draft) -> list[tuple[int, int]]:
    """Deadline spans relative to the action text, to cut them out of it."""
    offset = draft.action_start
    return [(t.start - offset, t.end - offset) for t in draft.timings if t.start >= offset]


def _standalone(draft: Draft) -> bool:
    timing = draft.timings[0]
    return bool(_STANDALONE.search(draft.text[: timing.start]))


def _exhortation(root: Node, new: list[Draft], earlier: list[Draft]) -> bool:
    """A closing sentence that urges on the tasks already given adds no task."""
    if any(d.timings for d in new):
        return False
    if _URGING.search(root.text):
        return True
    held = {name.casefold() for d in earlier for name in d.names}
    return any(name.casefold() in held for d in new for name in d.names)


def _task(
    draft: Draft, recipients: list[str], index: int, warnings: list[ExtractionWarning]
) -> ExtractedTask | None:
    names = draft.names
    if draft.anaphoric:
        if not recipients:
            warnings.append(ExtractionWarning(f"tasks[{index}].assignees", "unresolved_reference"))
        else:
            names = tuple(recipients)
    if not names:
        return None
    deadline, recurrence = _timing(draft.deadline_from or draft, index, warnings)
    unsupported = _UNSUPPORTED_PERIOD.search(draft.text)
    if unsupported and recurrence is None:
        warnings.append(
            ExtractionWarning(
                f"tasks[{index}].recurrence", "unsupported_period", unsupported.group(0)
            )
        )
    action = draft.action or summarize(draft.text[draft.action_start :], _drops(draft))
    return ExtractedTask(
        assignees=names,
        role=draft.role or Role.DO,
        action=action,
        deadline=deadline,
        recurrence=recurrence,
        supporting=tuple(s for s in draft.supporting if s not in names),
        report_to=report_to(draft.text),
        source=draft.text,
    )


def _timing(
    draft: Draft, index: int, warnings: list[ExtractionWarning]
) -> tuple[DeadlineSpec | None, Recurrence | None]:
    recurrence = next((t.recurrence for t in draft.timings if t.recurrence), None)
    dated = [t for t in draft.timings if t.spec is not None]
    for timing in draft.timings:
        if timing.note:
            warnings.append(
                ExtractionWarning(
                    f"tasks[{index}].deadline", timing.note, timing.spec.text if timing.spec else ""
                )
            )
    distinct = {t.spec.text for t in dated if t.recurrence is None and t.spec}
    if len(distinct) > 1:
        warnings.append(
            ExtractionWarning(
                f"tasks[{index}].deadline", "several_deadlines", " | ".join(sorted(distinct))
            )
        )
    return (dated[0].spec if dated else None), recurrence


def report_to(text: str) -> str | None:
    """ "(qua Sở Nội vụ)" or "gửi về Sở Nội vụ": where the result goes."""
    for match in _QUA.finditer(text):
        target = match.group(1).strip()
        if starts_with_party(target):
            return _one_party(target)
    for match in _SEND_TO.finditer(text):
        rest = text[match.end() :]
        if re.match(r"(?:Sở|Phòng|UBND|Ủy\s+ban|Văn\s+phòng|Ban|Bộ|Thanh\s+tra|Công\s+an)\b", rest):
            end = _REPORT_END.search(rest)
            return _one_party(rest[: end.start()] if end else rest[:80])
    return None


def _one_party(phrase: str) -> str | None:
    names = parties(phrase)
    return names[0] if names else phrase.strip() or None
