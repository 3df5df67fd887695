"""Which tasks each /status list shows: the domain's judgement of every
standing, narrowed to the few facts it depends on, so that the database
filters on cheap columns (no update-history sub-query for /overdue)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.domain.rollup import Category
from bot.services.overview import ALL_STANDINGS, Judgement, Scope, judge, list_filter
from storage.repositories.tasks import STANDING_FIELDS


@pytest.mark.parametrize(
    ("scope", "fields", "keep"),
    [
        (Scope.OVERDUE, ("state", "late"), lambda j: j.category is Category.OPEN_OVERDUE),
        (Scope.BLOCKED, ("state", "blocker"), lambda j: j.blocked),
        (Scope.EXTENSIONS, ("state", "pending"), lambda j: j.pending_extension),
        (Scope.DIRECTIVE, ("state",), lambda j: j.category is not None),
        (Scope.AGENCY, ("state",), lambda j: j.category is not None),
    ],
)
def test_each_list_keeps_exactly_the_tasks_the_roll_up_puts_in_it(
    scope: Scope, fields: tuple[str, ...], keep: Callable[[Judgement], bool]
) -> None:
    shown = list_filter(scope)
    assert shown.fields == fields
    at = [STANDING_FIELDS.index(name) for name in fields]
    for standing in ALL_STANDINGS:
        narrowed = tuple(standing[i] for i in at)
        assert (narrowed in shown.values) == keep(judge(standing)), standing


def test_lists_are_ordered_overdue_first_then_open_then_done_late_then_done() -> None:
    ranks = dict(list_filter(Scope.DIRECTIVE).ranks)
    assert ranks == {("open", 1): 0, ("open", 0): 1, ("done", 1): 2, ("done", 0): 3}


def test_a_cancelled_task_is_in_no_list() -> None:
    for scope in (Scope.OVERDUE, Scope.BLOCKED, Scope.EXTENSIONS, Scope.DIRECTIVE):
        assert all(value[0] != "cancelled" for value in list_filter(scope).values)
