"""Who may undo a change: decided in bot/domain/rights.py like every right."""

from __future__ import annotations

from bot.domain.rights import Action, Actor, Grant, Role, grant, may

W1, W2, A, B = 1, 2, 10, 20
AUTHOR, COLLEAGUE = 501, 502


def test_a_focal_point_undoes_only_their_own_report_on_their_agencys_task() -> None:
    author = Actor(AUTHOR, W1, Role.FOCAL_POINT, A)
    colleague = Actor(COLLEAGUE, W1, Role.FOCAL_POINT, A)
    assert may(author, Action.UNDO_CHANGE, workspace_id=W1, agency_id=A, author_id=AUTHOR)
    assert not may(colleague, Action.UNDO_CHANGE, workspace_id=W1, agency_id=A, author_id=AUTHOR)
    assert not may(author, Action.UNDO_CHANGE, workspace_id=W1, agency_id=A)  # author unknown
    # Their own report, but the task is no longer their agency's, or another workspace's.
    assert not may(author, Action.UNDO_CHANGE, workspace_id=W1, agency_id=B, author_id=AUTHOR)
    assert not may(author, Action.UNDO_CHANGE, workspace_id=W2, agency_id=A, author_id=AUTHOR)
    # Reporting itself is not author-scoped.
    assert may(colleague, Action.UPDATE_TASK, workspace_id=W1, agency_id=A, author_id=AUTHOR)


def test_a_coordinator_or_admin_undoes_anyones_change_in_their_workspace_a_viewer_nobodys() -> None:
    coordinator = Actor(3, W1, Role.COORDINATOR)
    admin = Actor(4, W1, Role.ADMIN)
    viewer = Actor(AUTHOR, W1, Role.VIEWER)
    for boss in (coordinator, admin):
        assert may(boss, Action.UNDO_CHANGE, workspace_id=W1, agency_id=A, author_id=AUTHOR)
        assert not may(boss, Action.UNDO_CHANGE, workspace_id=W2, agency_id=A, author_id=AUTHOR)
    assert not may(viewer, Action.UNDO_CHANGE, workspace_id=W1, agency_id=A, author_id=AUTHOR)


def test_the_rights_table_shows_the_author_condition() -> None:
    assert grant(Role.FOCAL_POINT, Action.UNDO_CHANGE) is Grant.OWN_CHANGES
    assert grant(Role.COORDINATOR, Action.UNDO_CHANGE) is Grant.WORKSPACE
    assert grant(Role.VIEWER, Action.UNDO_CHANGE) is Grant.NO
    assert grant(None, Action.UNDO_CHANGE) is Grant.NO
