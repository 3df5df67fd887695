"""docs/RIGHTS.md is generated from RULES: the document and the rules agree."""

from __future__ import annotations

from pathlib import Path

from bot.cli.agencies import rights_markdown
from bot.domain.rights import RULES, Action, Grant, Role, grant
from bot.texts import MESSAGES

RIGHTS_MD = Path(__file__).resolve().parents[2] / "docs" / "RIGHTS.md"


def test_rights_document_is_the_generated_table() -> None:
    assert RIGHTS_MD.read_text(encoding="utf-8") == rights_markdown(), (
        "docs/RIGHTS.md is stale: run `nhacviec rights > docs/RIGHTS.md`"
    )


def test_every_action_has_a_label_in_both_languages() -> None:
    missing = [a.value for a in Action if f"onboarding.rights.action.{a.value}" not in MESSAGES]
    assert missing == []
    for action in Action:
        vietnamese, english = MESSAGES[f"onboarding.rights.action.{action.value}"]
        assert vietnamese and english and vietnamese != english


def test_table_cells_follow_rules() -> None:
    assert grant(Role.ADMIN, Action.CREATE_WORKSPACE) is Grant.EVERYWHERE
    assert grant(Role.COORDINATOR, Action.CREATE_WORKSPACE) is Grant.NO
    assert grant(Role.FOCAL_POINT, Action.UPDATE_TASK) is Grant.OWN_AGENCY
    assert grant(None, Action.JOIN) is Grant.WORKSPACE
    assert grant(None, Action.VIEW_WORKSPACE) is Grant.NO
    rows = [line for line in rights_markdown().splitlines() if line.startswith("| ")]
    assert len(rows) == 2 * (len(Action) + 2)  # header, rule, one row per action; per language
    allowed = sum(action in RULES[role] for role in RULES for action in Action)
    assert sum(row.count("✓") for row in rows) == 2 * allowed
