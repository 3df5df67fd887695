"""Agency registry and assignee matching (pure: no I/O).

Public API: `AgencyCategory`, `AgencyRecord`, `AgencyRegistry`,
`match_assignee`, `match_all`, `matched_codes`, `AssigneeMatch`,
`MatchStatus`, `MatchNote`, `name_key`.
"""

from bot.domain.agencies.keys import name_key
from bot.domain.agencies.matching import (
    AssigneeMatch,
    MatchNote,
    MatchStatus,
    match_all,
    match_assignee,
    matched_codes,
)
from bot.domain.agencies.model import AgencyCategory, AgencyRecord
from bot.domain.agencies.registry import AgencyRegistry

__all__ = [
    "AgencyCategory",
    "AgencyRecord",
    "AgencyRegistry",
    "AssigneeMatch",
    "MatchNote",
    "MatchStatus",
    "match_all",
    "match_assignee",
    "matched_codes",
    "name_key",
]
