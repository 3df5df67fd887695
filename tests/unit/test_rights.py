"""The rules of who may do what (bot/domain/rights.py)."""

from __future__ import annotations

import pytest

from bot.domain.rights import RULES, Action, Actor, Role, may

W1, W2, A, B = 1, 2, 10, 20


def test_admin_acts_on_the_chats_workspace_only() -> None:
    in_w1 = Actor(1, W1, Role.ADMIN)
    assert may(in_w1, Action.UPDATE_TASK, workspace_id=W1, agency_id=A)
    assert not may(in_w1, Action.UPDATE_TASK, workspace_id=W2, agency_id=A)
    anywhere = Actor(1, None, Role.ADMIN)  # a private chat without membership
    assert may(anywhere, Action.DECIDE_EXTENSION, workspace_id=W2)
    assert may(anywhere, Action.CREATE_WORKSPACE)


def test_focal_point_only_touches_own_agency() -> None:
    focal = Actor(2, W1, Role.FOCAL_POINT, A)
    assert may(focal, Action.UPDATE_TASK, workspace_id=W1, agency_id=A)
    assert not may(focal, Action.UPDATE_TASK, workspace_id=W1, agency_id=B)
    assert not may(focal, Action.UPDATE_TASK, workspace_id=W1, agency_id=None)
    assert not may(focal, Action.UPDATE_TASK, workspace_id=W2, agency_id=A)
    assert not may(focal, Action.VIEW_WORKSPACE, workspace_id=W1)


@pytest.mark.parametrize("action", list(Action))
def test_coordinator_stays_in_own_workspace(action: Action) -> None:
    coordinator = Actor(3, W1, Role.COORDINATOR)
    assert not may(coordinator, action, workspace_id=W2)
    assert may(coordinator, action, workspace_id=W1) == (action in RULES[Role.COORDINATOR])


def test_only_admins_create_workspaces_and_strangers_only_join() -> None:
    assert [r for r in RULES if Action.CREATE_WORKSPACE in RULES[r]] == [Role.ADMIN]
    assert RULES[None] == frozenset({Action.JOIN})
    stranger = Actor(4, W1, None)
    assert may(stranger, Action.JOIN, workspace_id=W1)
    assert not any(may(stranger, a, workspace_id=W1) for a in Action if a is not Action.JOIN)
