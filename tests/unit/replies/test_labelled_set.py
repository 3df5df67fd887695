"""Accuracy on the labelled replies, and the mistakes that must never happen."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain.replies import ReplyKind
from tests.unit.replies.labelled import Labelled, Outcome, load, outcomes

NEVER_DONE = {ReplyKind.ACKNOWLEDGEMENT, ReplyKind.QUESTION}


@pytest.fixture(scope="module")
def rows() -> list[Labelled]:
    return load()


@pytest.fixture(scope="module")
def results(rows: list[Labelled]) -> list[Outcome]:
    return outcomes(rows)


def _describe(bad: list[Outcome]) -> str:
    return "\n".join(
        f"{o.row.text!r}: want {o.row.kind} {o.row.percent} {o.row.requested_date}, "
        f"got {o.reading.kind} {o.reading.percent} {o.reading.requested_date}"
        for o in bad
    )


def test_the_set_covers_what_it_must(rows: list[Labelled]) -> None:
    kinds = Counter(row.kind for row in rows)
    assert len(rows) >= 150
    assert set(kinds) == set(ReplyKind)
    assert sum(row.tagged("neg") for row in rows) >= 25
    assert kinds[ReplyKind.QUESTION] >= 15
    assert kinds[ReplyKind.ACKNOWLEDGEMENT] >= 15
    assert len({row.text for row in rows}) == len(rows), "duplicate texts"


def test_overall_accuracy(results: list[Outcome]) -> None:
    bad = [o for o in results if not o.kind_ok]
    accuracy = 1 - len(bad) / len(results)
    assert accuracy >= 0.97, _describe(bad)


def test_held_out_accuracy(results: list[Outcome]) -> None:
    held_out = [o for o in results if o.row.held_out]
    bad = [o for o in held_out if not o.kind_ok]
    assert len(held_out) >= 100
    assert 1 - len(bad) / len(held_out) >= 0.9, _describe(bad)


def test_no_acknowledgement_question_or_negation_is_read_as_done(results: list[Outcome]) -> None:
    at_risk = [
        o
        for o in results
        if o.row.kind is not ReplyKind.DONE and (o.row.kind in NEVER_DONE or o.row.tagged("neg"))
    ]
    read_as_done = [o for o in at_risk if o.reading.kind is ReplyKind.DONE]
    assert len(at_risk) >= 60
    assert read_as_done == [], _describe(read_as_done)


def test_percent_accuracy(results: list[Outcome]) -> None:
    labelled = [o for o in results if o.row.kind is ReplyKind.IN_PROGRESS and o.kind_ok]
    bad = [o for o in labelled if not o.percent_ok]
    assert sum(o.row.percent is not None for o in labelled) >= 20
    assert 1 - len(bad) / len(labelled) >= 0.97, _describe(bad)


def test_requested_date_accuracy(results: list[Outcome]) -> None:
    labelled = [o for o in results if o.row.kind is ReplyKind.MORE_TIME and o.kind_ok]
    bad = [o for o in labelled if not o.date_ok]
    assert sum(o.row.requested_date is not None for o in labelled) >= 30
    assert 1 - len(bad) / len(labelled) >= 0.97, _describe(bad)
