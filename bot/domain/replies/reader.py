"""`read_reply`: the whole pipeline, and the details a reading carries.

tokens -> lemmas -> time phrases -> segment/clause cues -> tiered decision,
then the details for the chosen kind: the percentage of an in-progress
reply, the reason of a blocked one, the date or span a request for time asks
for, the report reference, the task code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from bot.domain.replies.cues import Analysis, Cue, analyse
from bot.domain.replies.decide import decide
from bot.domain.replies.lemmas import Lemma, lemmatize
from bot.domain.replies.lexicon import Concept
from bot.domain.replies.model import ReplyKind, ReplyReading, changes_task
from bot.domain.replies.times import TimeExpr, When, WorkingDays, find_times, resolve
from bot.domain.text import nfc

NEARLY_DONE_PERCENT = 90  # "gần xong", "sắp xong": documented reading
MAX_REPLY_CHARS = 4096  # Telegram's message limit; longer input is cut
_TASK_CODE = re.compile(r"t(\d{1,6})")
_REASON_EDGES = frozenset(
    {Concept.CAUSE, Concept.PARTICLE, Concept.POLITE, Concept.COMMA, Concept.PRONOUN}
)
_REASON_LEADERS = frozenset({"la", "ve", "o", "the"})
_REASON_STOPS = frozenset({Concept.CONJ, Concept.STOP, Concept.QMARK})


def read_reply(text: str, today: date, calendar: WorkingDays) -> ReplyReading:
    """Read a free-text status reply. Pure: the same input gives the same reading."""
    source = nfc(text[:MAX_REPLY_CHARS])
    lemmas = lemmatize(source)
    times = find_times(lemmas)
    analysis = analyse(lemmas, times, today)
    kind, confidence = decide(analysis.cues)
    reading = ReplyReading(kind=kind, confidence=confidence, task_code=_task_code(lemmas))
    return _with_details(reading, source, lemmas, times, analysis, today, calendar)


def explain_reply(text: str, today: date, calendar: WorkingDays) -> tuple[str, ...]:
    """The rules that fired, for logs and for people asking "why did the bot say that?".

    One line per cue: kind, weight, rule name, and the segment it came from.
    """
    source = nfc(text[:MAX_REPLY_CHARS])
    lemmas = lemmatize(source)
    analysis = analyse(lemmas, find_times(lemmas), today)
    lines = []
    for cue in analysis.cues:
        segment = analysis.segments[cue.segment]
        empty = segment.first == segment.last
        words = "" if empty else source[lemmas[segment.first].start : lemmas[segment.last - 1].end]
        flag = " (fallback)" if cue.fallback else ""
        lines.append(f"{cue.kind} {cue.weight:.1f} {cue.rule}{flag}: {words!r}")
    return tuple(lines)


def _with_details(
    reading: ReplyReading,
    source: str,
    lemmas: Sequence[Lemma],
    times: Sequence[TimeExpr],
    analysis: Analysis,
    today: date,
    calendar: WorkingDays,
) -> ReplyReading:
    kind = reading.kind
    percent = _percent(lemmas, analysis) if kind is ReplyKind.IN_PROGRESS else None
    reason = None
    if kind in (ReplyKind.BLOCKED, ReplyKind.MORE_TIME):
        reason = _reason(source, lemmas, analysis)
    requested_date, span = None, None
    if kind is ReplyKind.MORE_TIME:
        requested_date, span = _requested(times, analysis, today, calendar)
    evidence = _evidence(source, lemmas) if changes_task(reading) else None
    return ReplyReading(
        kind=kind,
        confidence=reading.confidence,
        percent=percent,
        reason=reason,
        requested_date=requested_date,
        requested_span=span,
        evidence=evidence,
        task_code=reading.task_code,
    )


# --- percent -------------------------------------------------------------------


def _in_question(index: int, analysis: Analysis) -> bool:
    return any(
        s.first <= index < s.last and s.index in analysis.questions for s in analysis.segments
    )


def _percent(lemmas: Sequence[Lemma], analysis: Analysis) -> int | None:
    """The first percentage below 100 outside questions; 90 for "gần xong"."""
    for i, lemma in enumerate(lemmas):
        value = lemma.value
        is_progress = lemma.concept is Concept.PCT and value is not None and 0 < value < 100
        if is_progress and not _in_question(i, analysis):
            return value
    if any(cue.rule == "nearly finished" for cue in analysis.cues):
        return NEARLY_DONE_PERCENT
    return None


# --- reason ----------------------------------------------------------------------


def _reason(source: str, lemmas: Sequence[Lemma], analysis: Analysis) -> str | None:
    """What blocks the work, quoted as typed.

    After a problem word the reason is what follows ("vướng: chưa có số liệu",
    "khó khăn do thiếu kinh phí"); a lack or a wait is its own reason ("chưa
    có số liệu của huyện", "chờ hướng dẫn"). Without either, the words after
    "do"/"vì" ("do khối lượng lớn, xin gia hạn") serve.
    """
    anchored = [c for c in analysis.cues if c.kind is ReplyKind.BLOCKED and c.anchor is not None]
    causes = [i for i, lemma in enumerate(lemmas) if lemma.concept is Concept.CAUSE]
    anchored += [
        Cue(ReplyKind.BLOCKED, 0.0, "cause", 0, anchor=i, reason_after=True)
        for i in causes
        if not _in_question(i, analysis)
    ]
    quotes = (_quote(source, lemmas, analysis, cue) for cue in anchored)
    return next((quote for quote in quotes if quote), None)


def _quote(source: str, lemmas: Sequence[Lemma], analysis: Analysis, cue: Cue) -> str | None:
    anchor = cue.anchor if cue.anchor is not None else 0
    first = anchor + 1 if cue.reason_after else anchor
    last = _reason_end(lemmas, analysis, anchor)
    while first <= last and _is_edge(lemmas[first]):
        first += 1
    while last >= first and _is_edge(lemmas[last]):
        last -= 1
    if first > last:
        return None
    quoted = source[lemmas[first].start : lemmas[last].end].strip(" :-–,.;")
    return quoted or None


def _is_edge(lemma: Lemma) -> bool:
    return lemma.concept in _REASON_EDGES or lemma.key in _REASON_LEADERS


def _reason_end(lemmas: Sequence[Lemma], analysis: Analysis, anchor: int) -> int:
    """Last lemma of the reason: up to "nên"/"nhưng", a full stop, or a comma
    after which the reply moves on to something else."""
    cue_segments = {cue.segment for cue in analysis.cues}
    last = anchor
    for i in range(anchor + 1, len(lemmas)):
        concept = lemmas[i].concept
        if concept in _REASON_STOPS:
            break
        if concept is Concept.COMMA and _segment_after(analysis, i) in cue_segments:
            break
        last = i
    return last


def _segment_after(analysis: Analysis, comma: int) -> int | None:
    return next((s.index for s in analysis.segments if s.first == comma + 1), None)


# --- requested date ----------------------------------------------------------------


def _requested(
    times: Sequence[TimeExpr], analysis: Analysis, today: date, calendar: WorkingDays
) -> tuple[date | None, int | None]:
    """The date a request for time asks for, and the span if it named one.

    Time phrases in the segments that ask for time come first, targeted ones
    ("đến 30/5", "sang tuần sau") before others, the last one winning.
    """
    asking = {c.segment for c in analysis.cues if c.kind is ReplyKind.MORE_TIME}
    usable = [t for t in times if t.when not in (When.PAST, When.TODAY)]
    usable = [t for t in usable if not _in_question(t.first, analysis)]
    in_request = [t for t in usable if _segment_of(analysis, t.first) in asking]
    for pool in (in_request, usable):
        targeted = [t for t in pool if t.targeted or t.is_span]
        chosen = (targeted or pool)[-1:] if pool else []
        if chosen:
            resolved = resolve(chosen[0], today, calendar)
            return resolved.day, resolved.span
    return None, None


def _segment_of(analysis: Analysis, index: int) -> int | None:
    return next((s.index for s in analysis.segments if s.first <= index < s.last), None)


# --- evidence and task code ------------------------------------------------------------


def _evidence(source: str, lemmas: Sequence[Lemma]) -> str | None:
    ref = next((lemma for lemma in lemmas if lemma.concept is Concept.REF), None)
    return None if ref is None else source[ref.start : ref.end]


def _task_code(lemmas: Sequence[Lemma]) -> str | None:
    """ "T12", "t3": a task code (weekday codes like "T6 tuần sau" were taken out)."""
    for lemma in lemmas:
        match = _TASK_CODE.fullmatch(lemma.key)
        if lemma.concept is Concept.WORD and match:
            return f"T{match.group(1)}"
    return None
