"""Choose one kind from the cues, and say how sure the choice is.

Kinds are tried in tiers, because some news subsumes other news:

1. more_time — a request for time usually cites a problem and partial work;
   the coordinator must decide it, so it outranks both.
2. blocked — a problem usually comes with partial progress ("đã làm 50%
   nhưng đang vướng kinh phí"); the problem is what needs attention.
3. done / in_progress / not_started — compared by score.
4. question — only when the reply reports no status outside its question.
5. acknowledgement — only when nothing else is said.

Fallback cues ("không có vướng mắc", a lone "dạ") decide only when no
ordinary cue exists. Within a kind, the strongest cue counts fully and the
others a little (0.3), so repeating a word does not manufacture certainty.

Confidence grows with the winner's score (1 - e^(-score/1.6): one clear cue
of weight 2.5 gives about 0.79, a weak 1.0 about 0.46) and shrinks with the
score of contradicting kinds (done vs in progress, status vs a question).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from bot.domain.replies.cues import Cue
from bot.domain.replies.model import ReplyKind

K = ReplyKind
TIERS: tuple[tuple[ReplyKind, ...], ...] = (
    (K.MORE_TIME,),
    (K.BLOCKED,),
    (K.DONE, K.IN_PROGRESS, K.NOT_STARTED),
    (K.QUESTION,),
    (K.ACKNOWLEDGEMENT,),
)
CONFLICTS: Mapping[ReplyKind, frozenset[ReplyKind]] = {
    K.DONE: frozenset({K.IN_PROGRESS, K.NOT_STARTED, K.BLOCKED, K.QUESTION}),
    K.IN_PROGRESS: frozenset({K.DONE, K.NOT_STARTED, K.QUESTION}),
    K.NOT_STARTED: frozenset({K.DONE, K.IN_PROGRESS, K.QUESTION}),
    K.BLOCKED: frozenset({K.DONE, K.QUESTION}),
    K.MORE_TIME: frozenset({K.DONE}),  # "xong rồi, sang tuần sau gửi bản giấy": ask
    K.QUESTION: frozenset(),
    K.ACKNOWLEDGEMENT: frozenset(),
}
OTHER_CONFIDENCE = 0.25  # nothing recognised: the bot should ask
_SECONDARY_SHARE = 0.3
_SCALE = 1.6


def decide(cues: Iterable[Cue]) -> tuple[ReplyKind, float]:
    """The kind the cues point to and the confidence of that reading."""
    cues = list(cues)
    ordinary = [cue for cue in cues if not cue.fallback]
    fallback = [cue for cue in cues if cue.fallback]
    for pool in (ordinary, fallback):
        scores = score(pool)
        for tier in TIERS:
            present = {kind: scores[kind] for kind in tier if kind in scores}
            if present:
                winner = max(present, key=lambda kind: present[kind])
                return winner, confidence(winner, scores)
    return K.OTHER, OTHER_CONFIDENCE


def score(cues: Iterable[Cue]) -> dict[ReplyKind, float]:
    """Per kind: the strongest weight plus a share of the others."""
    weights: dict[ReplyKind, list[float]] = {}
    for cue in cues:
        weights.setdefault(cue.kind, []).append(cue.weight)
    return {kind: max(ws) + _SECONDARY_SHARE * (sum(ws) - max(ws)) for kind, ws in weights.items()}


def confidence(winner: ReplyKind, scores: Mapping[ReplyKind, float]) -> float:
    own = scores[winner]
    against = sum(scores.get(kind, 0.0) for kind in CONFLICTS[winner])
    strength = 1.0 - math.exp(-own / _SCALE)
    return round(strength * own / (own + against), 3)
