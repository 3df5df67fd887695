"""The five real directives in ../shared/seeds and our own labelled set.

Each `NNN_name.txt` has an `NNN_name.expected.json`; the comparison covers
every contract field except `action` (a human summary in the files).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.domain.extraction import extract_directive, to_contract_json
from tests.unit.extraction.compare import differences

REPO = Path(__file__).parents[3]
SEEDS = REPO.parent / "shared" / "seeds"
OWN_SET = REPO / "tests" / "data" / "directives"


def _cases(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


def _check(path: Path) -> dict[str, Any]:
    expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text("utf-8"))
    actual = to_contract_json(extract_directive(path.read_text("utf-8")))
    diffs = differences(expected, actual)
    assert not diffs, "\n".join([path.name, *diffs])
    return actual


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
@pytest.mark.parametrize("path", _cases(SEEDS), ids=lambda p: p.stem)
def test_seed_matches_expected(path: Path) -> None:
    _check(path)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
def test_department_proposal_gives_no_task() -> None:
    (path,) = SEEDS.glob("002_*.txt")
    assert _check(path)["tasks"] == []


@pytest.mark.parametrize("path", _cases(OWN_SET), ids=lambda p: p.stem)
def test_own_directive_matches_expected(path: Path) -> None:
    _check(path)


def test_own_set_is_large_enough() -> None:
    assert len(_cases(OWN_SET)) >= 20
