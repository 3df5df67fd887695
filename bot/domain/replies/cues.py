"""From lemmas to cues: what each part of a reply says about the task.

A reply is cut into *segments* at punctuation and each segment into
*clauses* at conjunctions ("nhưng", "nên", "do", "vì"). Two things are
decided per segment and per clause, and only there:

- **Questions** are decided per segment. A segment with a question word
  ("nào", "bao giờ", "ở đâu", "hỏi"), a "?" or a final "chưa"/"không" after a
  verb ("xong chưa", "có cần ... không") is a question, and every status word
  inside it is what is being *asked about*, not reported: "Đã hoàn thành
  chưa?" reports nothing. The one exception is a yes/no question that asks
  for time ("xin lùi sang thứ 4 được không ạ?"): that is a polite request.
  "gì"/"đâu" after a negation are emphasis ("không vướng gì"), and a final
  "đâu" after a state word denies it ("đã xong đâu" = not done at all).
- **Negation and aspect** are decided per clause. "chưa"/"không" governs the
  predicates after it in its clause; "đã" (past), "đang" (progressive) and
  "sẽ"/"dự kiến" (future) likewise. A clause is then read as a frame:
  `chưa` + completion = not finished (in progress), `chưa` + doing = not
  started, `không thể`/`không ... được` + doing = blocked, future +
  completion = a promise (in progress), completion of a draft or of "60%" =
  partial (in progress), and so on, one small handler per predicate.

Each handler returns `Cue`s: a kind, a weight and the rule's name, so a
reading can always be explained by the rules that produced it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property

from bot.domain.replies.lemmas import Lemma
from bot.domain.replies.lexicon import PREDICATES, Concept
from bot.domain.replies.model import ReplyKind
from bot.domain.replies.times import TimeExpr, When, is_future

_SEGMENT_ENDS = frozenset({Concept.QMARK, Concept.STOP, Concept.COMMA})
_CLAUSE_STARTS = frozenset({Concept.CONJ, Concept.CAUSE})
_ASPECTS = frozenset({Concept.PAST, Concept.PROG, Concept.FUT})
_FILLERS = frozenset({Concept.PARTICLE, Concept.PRONOUN, Concept.POLITE, Concept.GREET})


@dataclass(frozen=True, slots=True)
class Cue:
    """One piece of evidence for a kind of reply."""

    kind: ReplyKind
    weight: float
    rule: str
    segment: int
    fallback: bool = False  # decides only when no other cue exists
    anchor: int | None = None  # lemma where a stated reason starts ("cannot" has none:
    # in "không làm được vì phần mềm lỗi" the reason is what follows "vì")
    reason_after: bool = False  # the reason follows the anchor ("vướng: ...")


@dataclass(frozen=True, slots=True)
class Segment:
    index: int
    first: int
    last: int  # exclusive
    asked: bool  # ended by "?"


class Question(StrEnum):
    WH = "wh"  # a question word
    YES_NO = "yes_no"  # a final "chưa"/"không" after a verb
    ASKED = "asked"  # only a "?"


@dataclass(frozen=True, slots=True)
class Analysis:
    segments: tuple[Segment, ...]
    questions: dict[int, Question]  # segment index -> form, for question segments
    cues: tuple[Cue, ...]


def analyse(lemmas: Sequence[Lemma], times: Sequence[TimeExpr], today: date) -> Analysis:
    """Cut the reply into segments and clauses and collect their cues."""
    segments = tuple(split_segments(lemmas))
    questions: dict[int, Question] = {}
    cues: list[Cue] = []
    for segment in segments:
        if segment.first == segment.last and not segment.asked:
            continue  # "...", ",,": nothing said
        form = question_form(lemmas, segment)
        if form is not None and not _is_request(lemmas, segment, times):
            questions[segment.index] = form
            cues.append(_question_cue(form, segment))
            continue
        for first, last in split_clauses(lemmas, segment):
            frame = Frame(lemmas, first, last, segment.index, times, today)
            cues.extend(clause_cues(frame))
    return Analysis(segments, questions, tuple(cues))


# --- segments and clauses ------------------------------------------------------


def split_segments(lemmas: Sequence[Lemma]) -> list[Segment]:
    segments: list[Segment] = []
    first = 0
    for i, lemma in enumerate(lemmas):
        if lemma.concept in _SEGMENT_ENDS:
            asked = lemma.concept is Concept.QMARK
            segments.append(Segment(len(segments), first, i, asked))
            first = i + 1
    if first < len(lemmas):
        segments.append(Segment(len(segments), first, len(lemmas), False))
    return segments


def split_clauses(lemmas: Sequence[Lemma], segment: Segment) -> list[tuple[int, int]]:
    clauses: list[tuple[int, int]] = []
    first = segment.first
    for i in range(segment.first, segment.last):
        if lemmas[i].concept in _CLAUSE_STARTS and i > first:
            clauses.append((first, i))
            first = i
    clauses.append((first, segment.last))
    return clauses


# --- questions -----------------------------------------------------------------


def question_form(lemmas: Sequence[Lemma], segment: Segment) -> Question | None:
    """How a segment asks, if it does.

    "gì" and "đâu" after a negation are emphasis ("không vướng gì", "chưa
    xong đâu"), not questions.
    """
    items = lemmas[segment.first : segment.last]
    denial = final_denial(items) if not segment.asked else None
    negated = False
    for position, lemma in enumerate(items):
        if lemma.concept in (Concept.NEG, Concept.CANNOT):
            negated = True
        if lemma.concept in (Concept.QWORD, Concept.ASK):
            return Question.WH
        if lemma.concept in (Concept.WHAT, Concept.QWHERE) and not negated and not denial:
            return Question.WH
        if lemma.concept is Concept.OR and 0 < position < len(items) - 1:
            return Question.WH
    if _ends_yes_no(items):
        return Question.YES_NO
    return Question.ASKED if segment.asked else None


_DENIABLE = frozenset(
    {Concept.DONE, Concept.BLOCK, Concept.WHAT, Concept.PERF, Concept.ABLE, Concept.NEAR}
)


def final_denial(items: Sequence[Lemma]) -> Lemma | None:
    """The "đâu" of "đã xong đâu", "có vướng gì đâu": a final "đâu" right after
    a state word, without "?", denies it ("not done at all") rather than asking
    where. After a verb of motion ("nộp qua đâu", "gửi đâu") it still asks."""
    core = [lemma for lemma in items if lemma.concept not in _FILLERS]
    if len(core) < 2 or core[-1].concept is not Concept.QWHERE:
        return None
    return core[-1] if core[-2].concept in _DENIABLE else None


def _ends_yes_no(items: Sequence[Lemma]) -> bool:
    """A final "chưa"/"không" after a verb: "xong chưa", "có cần gửi không"."""
    core = [lemma for lemma in items if lemma.concept not in _FILLERS]
    if len(core) < 2 or core[-1].concept is not Concept.NEG:
        return False
    return any(lemma.concept in PREDICATES for lemma in core[:-1])


def _is_request(lemmas: Sequence[Lemma], segment: Segment, times: Sequence[TimeExpr]) -> bool:
    """A yes/no question asking for time is a polite request, not a question."""
    concepts = {lemma.concept for lemma in lemmas[segment.first : segment.last]}
    if concepts & {Concept.QWORD, Concept.ASK}:
        return False
    return bool(concepts & {Concept.EXT}) or (
        Concept.REQ in concepts and _has_time(times, segment.first, segment.last)
    )


def _has_time(times: Sequence[TimeExpr], first: int, last: int) -> bool:
    return any(first <= t.first < last for t in times)


def _question_cue(form: Question, segment: Segment) -> Cue:
    weight = 2.5 if form is Question.YES_NO and not segment.asked else 3.0
    return Cue(ReplyKind.QUESTION, weight, f"question:{form}", segment.index)


# --- clause frames -------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """One clause: lemmas[first:last], with the time phrases inside it."""

    lemmas: Sequence[Lemma]
    first: int
    last: int
    segment: int
    times: Sequence[TimeExpr]
    today: date

    @cached_property
    def _positions(self) -> dict[Concept, list[int]]:
        """Where each concept occurs in the clause, so `has` is a bisect, not a scan."""
        positions: dict[Concept, list[int]] = {}
        for i in range(self.first, self.last):
            positions.setdefault(self.lemmas[i].concept, []).append(i)
        return positions

    def has(self, concept: Concept, after: int | None = None, before: int | None = None) -> bool:
        start = self.first if after is None else after + 1
        stop = self.last if before is None else before
        positions = self._positions.get(concept, [])
        at = bisect.bisect_left(positions, start)
        return at < len(positions) and positions[at] < stop

    @cached_property
    def percent(self) -> int | None:
        """The first percentage in the clause."""
        positions = self._positions.get(Concept.PCT)
        return self.lemmas[positions[0]].value if positions else None

    @cached_property
    def future_time(self) -> bool:
        """Whether a time phrase in the clause points ahead ("2 ngày nữa xong")."""
        return any(
            self.first <= t.first < self.last and is_future(t, self.today) for t in self.times
        )

    def time_at(self, index: int) -> TimeExpr | None:
        return next((t for t in self.times if t.first == index), None)

    def time_after(self, index: int) -> bool:
        return any(index < t.first < self.last and is_future(t, self.today) for t in self.times)

    def cue(
        self,
        kind: ReplyKind,
        weight: float,
        rule: str,
        *,
        fallback: bool = False,
        anchor: int | None = None,
        reason_after: bool = False,
    ) -> Cue:
        return Cue(kind, weight, rule, self.segment, fallback, anchor, reason_after)


@dataclass(frozen=True, slots=True)
class State:
    """Negation and aspect in force at a predicate."""

    neg: Lemma | None = None
    neg_at: int | None = None
    aspect: Concept | None = None

    @property
    def not_yet(self) -> bool:
        return self.neg is not None and self.neg.concept is Concept.NEG and self.neg.key == "chua"


Handler = Callable[[Frame, int, State], list[Cue]]


def clause_cues(frame: Frame) -> list[Cue]:
    """The cues of one clause, at most one (the strongest) per kind."""
    denial = final_denial(frame.lemmas[frame.first : frame.last])
    state = State(denial, frame.first) if denial is not None else State()
    cues: list[Cue] = []
    for i in range(frame.first, frame.last):
        concept = frame.lemmas[i].concept
        if concept in (Concept.NEG, Concept.CANNOT):
            state = State(frame.lemmas[i], i, state.aspect)
        elif concept in _ASPECTS:
            state = State(state.neg, state.neg_at, concept)
        elif concept in _HANDLERS:
            cues.extend(_HANDLERS[concept](frame, i, state))
    if _bare_not_yet(frame):
        cues.append(frame.cue(ReplyKind.IN_PROGRESS, 1.0, "bare not-yet"))
    if _remaining_work(frame, cues):
        cues.append(frame.cue(ReplyKind.IN_PROGRESS, 3.5, "work remains"))
    return _strongest_per_kind(cues)


def _bare_not_yet(frame: Frame) -> bool:
    """A lone "chưa" ("Dạ chưa ạ") answers the reminder's "is it done?": not yet."""
    core = [
        frame.lemmas[i]
        for i in range(frame.first, frame.last)
        if frame.lemmas[i].concept not in _FILLERS
    ]
    return len(core) == 1 and core[0].concept is Concept.NEG and core[0].key == "chua"


def _remaining_work(frame: Frame, cues: Sequence[Cue]) -> bool:
    """ "..., còn 2 xã đang làm": work said to remain outweighs a partial "xong"."""
    opens_with_con = frame.lemmas[frame.first].key == "con"
    unfinished = {ReplyKind.IN_PROGRESS, ReplyKind.NOT_STARTED}
    return opens_with_con and any(cue.kind in unfinished and not cue.fallback for cue in cues)


def _strongest_per_kind(cues: list[Cue]) -> list[Cue]:
    best: dict[ReplyKind, Cue] = {}
    for cue in cues:
        if cue.kind not in best or cue.weight > best[cue.kind].weight:
            best[cue.kind] = cue
    return list(best.values())


def _cannot(frame: Frame, i: int, state: State) -> bool:
    """ "không thể làm", "không làm được": the work cannot be done."""
    if state.neg is None:
        return False
    if state.neg.concept is Concept.CANNOT:
        return True
    return state.neg.key == "khong" and frame.has(Concept.ABLE, after=i)


def _completed(frame: Frame, state: State) -> bool:
    return state.aspect is Concept.PAST or frame.has(Concept.PERF)


# --- handlers, one per predicate -------------------------------------------------


def _on_done(frame: Frame, i: int, state: State) -> list[Cue]:
    kind, weight, rule = _done_reading(frame, i, state)
    return [frame.cue(kind, weight, rule)]


def _done_reading(frame: Frame, i: int, state: State) -> tuple[ReplyKind, float, str]:
    percent = frame.percent
    if state.neg is not None:
        if _cannot(frame, i, state):
            return ReplyKind.BLOCKED, 3.0, "cannot finish"
        return ReplyKind.IN_PROGRESS, 1.8, "not finished"
    if state.aspect is Concept.PROG:
        return ReplyKind.IN_PROGRESS, 2.5, "being finished"
    if frame.has(Concept.BASIC, before=i):
        return ReplyKind.IN_PROGRESS, 2.0, "basically finished"
    forecast = frame.future_time and not _completed(frame, state)
    if state.aspect is Concept.FUT or forecast:
        return ReplyKind.IN_PROGRESS, 2.0, "promised"
    if frame.has(Concept.PARTIAL) or (percent is not None and percent < 100):
        return ReplyKind.IN_PROGRESS, 2.5, "partly finished"
    return ReplyKind.DONE, 3.0 if _completed(frame, state) else 2.5, "finished"


def _on_send(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is not None:
        if _cannot(frame, i, state):
            return [frame.cue(ReplyKind.BLOCKED, 2.5, "cannot send")]
        if _input_follows(frame, i):
            # "các xã chưa gửi số liệu": someone else's data is missing
            return [frame.cue(ReplyKind.BLOCKED, 2.5, "input not sent", anchor=frame.first)]
        return [frame.cue(ReplyKind.IN_PROGRESS, 1.5, "not sent")]
    if state.aspect is Concept.FUT:
        return [frame.cue(ReplyKind.ACKNOWLEDGEMENT, 1.0, "will send")]
    if frame.has(Concept.PARTIAL):
        return [frame.cue(ReplyKind.IN_PROGRESS, 2.0, "draft sent")]
    if _completed(frame, state):
        return [frame.cue(ReplyKind.DONE, 3.0, "sent")]
    if state.aspect is Concept.PROG:
        return [frame.cue(ReplyKind.IN_PROGRESS, 1.5, "sending")]
    return []


_INPUTS = frozenset({"so lieu", "du lieu", "thong tin"})


def _input_follows(frame: Frame, i: int) -> bool:
    """Data (not a report) is what was not sent: an input the agency waits for."""
    return i + 1 < frame.last and frame.lemmas[i + 1].key in _INPUTS


def _on_act(frame: Frame, i: int, state: State) -> list[Cue]:
    if frame.has(Concept.DONE, after=i) or frame.has(Concept.NEAR, after=i):
        return []  # "chưa làm xong", "đã làm xong": the completion word decides
    if state.neg is not None:
        return [_negated_act(frame, i, state)]
    if state.aspect is Concept.PROG:
        return [frame.cue(ReplyKind.IN_PROGRESS, 2.5, "working")]
    if state.aspect is Concept.FUT:
        return [frame.cue(ReplyKind.ACKNOWLEDGEMENT, 1.2, "will do")]
    if state.aspect is Concept.PAST:
        return [frame.cue(ReplyKind.IN_PROGRESS, 1.2, "has worked")]
    return []


def _negated_act(frame: Frame, i: int, state: State) -> Cue:
    if _cannot(frame, i, state):
        return frame.cue(ReplyKind.BLOCKED, 2.5, "cannot do")
    if state.not_yet or frame.has(Concept.WHAT, after=i):
        return frame.cue(ReplyKind.NOT_STARTED, 2.5, "not started")
    return frame.cue(ReplyKind.NOT_STARTED, 1.5, "not doing")


def _on_have(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is not None and frame.has(Concept.RESOURCE, after=i):
        return [frame.cue(ReplyKind.BLOCKED, 2.5, "lacks a resource", anchor=state.neg_at)]
    nothing = i + 1 < frame.last and frame.lemmas[i + 1].concept is Concept.WHAT
    if state.neg is not None and nothing:  # "chưa có gì", not "không có vướng mắc gì"
        return [frame.cue(ReplyKind.NOT_STARTED, 2.0, "nothing yet")]
    if state.neg is None and state.aspect is Concept.PAST and frame.has(Concept.REPORT, after=i):
        return [frame.cue(ReplyKind.DONE, 2.0, "has a report")]
    return []


def _on_receive(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is not None:
        if frame.has(Concept.RESOURCE, after=i):
            return [frame.cue(ReplyKind.BLOCKED, 2.5, "not received", anchor=state.neg_at)]
        return []
    if state.aspect is Concept.FUT:
        return []
    return [frame.cue(ReplyKind.ACKNOWLEDGEMENT, 2.0, "received")]


def _on_seen(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is None and _completed(frame, state):
        return [frame.cue(ReplyKind.ACKNOWLEDGEMENT, 1.5, "seen")]
    return []


def _on_block(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is not None:
        return [frame.cue(ReplyKind.IN_PROGRESS, 0.8, "no problem", fallback=True)]
    return [frame.cue(ReplyKind.BLOCKED, 3.5, "problem", anchor=i, reason_after=True)]


def _on_lack(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is not None:
        return []
    return [frame.cue(ReplyKind.BLOCKED, 3.0, "lacks", anchor=i)]


def _on_wait(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is not None:
        return []
    if frame.has(Concept.RESOURCE, after=i):
        return [frame.cue(ReplyKind.BLOCKED, 3.0, "waits for a resource", anchor=i)]
    return [frame.cue(ReplyKind.IN_PROGRESS, 1.0, "waits")]


def _on_ext(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is not None:
        return []  # "không cần gia hạn"
    weight = 4.5 if frame.has(Concept.REQ) else 4.0
    return [frame.cue(ReplyKind.MORE_TIME, weight, "extension")]


def _on_add(frame: Frame, i: int, state: State) -> list[Cue]:
    """ "thêm 5 ngày", "thêm thời gian": asking for more time."""
    time = frame.time_at(i + 1)
    if state.neg is not None or time is None:
        return []
    if not (time.is_span or time.when is When.VAGUE):
        return []
    return [frame.cue(ReplyKind.MORE_TIME, 3.5, "more days")]


def _on_request(frame: Frame, i: int, state: State) -> list[Cue]:
    """ "xin nộp vào thứ Sáu tuần sau": a request naming a later date."""
    if state.neg is not None or not frame.time_after(i):
        return []
    return [frame.cue(ReplyKind.MORE_TIME, 3.0, "asks for a date")]


def _on_target(frame: Frame, i: int, state: State) -> list[Cue]:
    """ "sang tuần sau (em nộp)": moving the work to a later time asks for time.

    Only "sang" (over to) moves a date; "đến", "trước" merely bound one
    ("sẽ hoàn thành trước 30/5" is a promise, not a request).
    """
    time = frame.time_at(i + 1)
    moved = frame.lemmas[i].key == "sang" and time is not None and is_future(time, frame.today)
    if state.neg is not None or not moved:
        return []
    return [frame.cue(ReplyKind.MORE_TIME, 2.5, "moved later")]


def _on_ack(frame: Frame, i: int, state: State) -> list[Cue]:
    if state.neg is not None:
        return [frame.cue(ReplyKind.QUESTION, 0.8, "not clear", fallback=True)]
    return [frame.cue(ReplyKind.ACKNOWLEDGEMENT, 1.5, "acknowledged")]


def _on_polite(frame: Frame, i: int, state: State) -> list[Cue]:
    return [frame.cue(ReplyKind.ACKNOWLEDGEMENT, 1.0, "polite yes", fallback=True)]


def _on_percent(frame: Frame, i: int, state: State) -> list[Cue]:
    value = frame.lemmas[i].value
    if value == 100:
        return [frame.cue(ReplyKind.DONE, 3.0, "100%")]
    if value == 0:
        return [frame.cue(ReplyKind.NOT_STARTED, 2.5, "0%")]
    if value is not None and 0 < value < 100:
        return [frame.cue(ReplyKind.IN_PROGRESS, 3.0, "percent")]
    return []


def _on_near(frame: Frame, i: int, state: State) -> list[Cue]:
    return [frame.cue(ReplyKind.IN_PROGRESS, 2.5, "nearly finished")]


_HANDLERS: dict[Concept, Handler] = {
    Concept.DONE: _on_done,
    Concept.SEND: _on_send,
    Concept.ACT: _on_act,
    Concept.HAVE: _on_have,
    Concept.RECEIVE: _on_receive,
    Concept.SEEN: _on_seen,
    Concept.BLOCK: _on_block,
    Concept.LACK: _on_lack,
    Concept.WAIT: _on_wait,
    Concept.EXT: _on_ext,
    Concept.ADD: _on_add,
    Concept.REQ: _on_request,
    Concept.TARGET: _on_target,
    Concept.ACK: _on_ack,
    Concept.POLITE: _on_polite,
    Concept.PCT: _on_percent,
    Concept.NEAR: _on_near,
}
