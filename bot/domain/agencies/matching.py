"""Matching the assignees a directive names to registered agencies.

A wrong match sends one agency's reminders to another and tells the
coordinator the work is followed up when it is not, so every step here
prefers "unmatched, please choose" to a guess: a look-up that finds two
agencies reports both as candidates, a spelling is corrected only when a
single agency is close, and vague phrases never expand to everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.agencies import keys
from bot.domain.agencies.groups import GroupParse, Target, is_vague, parse_groups
from bot.domain.agencies.model import AgencyCategory
from bot.domain.agencies.registry import (
    AbbreviationEntry,
    AbbreviationKind,
    AgencyRegistry,
    NameEntry,
    NameKind,
)
from bot.domain.text import fold


class MatchStatus(StrEnum):
    EXACT = "exact"
    ALIAS = "alias"
    ABBREVIATION = "abbreviation"
    FUZZY = "fuzzy"
    GROUP = "group"
    UNMATCHED = "unmatched"


class MatchNote(StrEnum):
    """Why a match needs a person; stable strings the texts module can translate."""

    UNSPECIFIED = "unspecified — the coordinator chooses"
    QUALIFIED_GROUP = "part of a group, qualified in words — the coordinator chooses"
    EMPTY_GROUP = "no registered agency in this group"
    AMBIGUOUS = "ambiguous — the coordinator chooses"
    OTHER_PLACE = "an agency of another province or district"
    SPELLING = "close spelling — please confirm"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class AssigneeMatch:
    """The agencies one assignee phrase stands for.

    `codes` is empty unless the match is safe to act on. `candidates` lists
    the agencies an ambiguous phrase could mean, for a "which one?" prompt.
    """

    text: str
    status: MatchStatus
    codes: tuple[str, ...] = ()
    confidence: float = 0.0
    note: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.codes)


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    raw: keys.Words  # as written, titles removed (case kept for abbreviations)
    words: keys.Words  # expanded lower-case words
    core: keys.Words  # `words` without the registry's own place suffix
    foreign: str | None  # "tỉnh bình định" when the suffix names another place

    @property
    def lookup_keys(self) -> tuple[str, ...]:
        full, core = " ".join(self.words), " ".join(self.core)
        return (full,) if full == core else (full, core)


_NAME_CONFIDENCE = 1.0
_FOLDED_CONFIDENCE = 0.95
_ABBREVIATION_CONFIDENCE = {
    AbbreviationKind.CODE: 1.0,
    AbbreviationKind.DECLARED: 0.9,
    AbbreviationKind.GENERATED: 0.8,
}
_FUZZY_CONFIDENCE = {1: 0.75, 2: 0.6}


def match_assignee(text: str, registry: AgencyRegistry) -> AssigneeMatch:
    """Match one assignee phrase ("Sở Tư pháp", "STP", "các sở, ban, ngành")."""
    phrase = _parse(text, registry)
    if not phrase.words:
        return AssigneeMatch(text, MatchStatus.UNMATCHED, note=MatchNote.EMPTY)
    folded_core = fold(" ".join(phrase.core))
    groups = parse_groups(folded_core)
    if groups is not None and not groups.qualified:
        return _expand_groups(text, groups, registry)
    for step in (_by_name, _by_code):
        found = step(phrase, registry)
        if found is not None:
            return found
    if groups is not None:
        return AssigneeMatch(text, MatchStatus.GROUP, note=MatchNote.QUALIFIED_GROUP)
    if is_vague(folded_core):
        return AssigneeMatch(text, MatchStatus.GROUP, note=MatchNote.UNSPECIFIED)
    for step in (_by_abbreviation, _by_other_place, _by_spelling):
        found = step(phrase, registry)
        if found is not None:
            return found
    return AssigneeMatch(text, MatchStatus.UNMATCHED)


def match_all(names: Iterable[str], registry: AgencyRegistry) -> list[AssigneeMatch]:
    """`match_assignee` for each name, in order."""
    return [match_assignee(name, registry) for name in names]


def matched_codes(matches: Iterable[AssigneeMatch], *, include_fuzzy: bool = True) -> list[str]:
    """Distinct codes of all matches, first occurrence first (who gets the task).

    `include_fuzzy=False` leaves out spelling corrections the coordinator has
    not confirmed yet.
    """
    seen: dict[str, None] = {}
    for match in matches:
        if include_fuzzy or match.status is not MatchStatus.FUZZY:
            seen.update(dict.fromkeys(match.codes))
    return list(seen)


# -- parsing -----------------------------------------------------------------


def _parse(text: str, registry: AgencyRegistry) -> _Phrase:
    raw = keys.strip_titles(keys.raw_words(text))
    words = keys.expand(raw)
    core, foreign = registry.place.strip(words)
    return _Phrase(text, raw, words, core, foreign)


# -- steps -------------------------------------------------------------------


def _expand_groups(text: str, groups: GroupParse, registry: AgencyRegistry) -> AssigneeMatch:
    codes: dict[str, None] = {}
    for target in groups.targets:
        for category in _categories(target, registry):
            codes.update(dict.fromkeys(registry.codes_in(category)))
    if not codes:
        return AssigneeMatch(text, MatchStatus.GROUP, note=MatchNote.EMPTY_GROUP)
    return AssigneeMatch(text, MatchStatus.GROUP, tuple(codes), _NAME_CONFIDENCE)


def _categories(target: Target, registry: AgencyRegistry) -> tuple[AgencyCategory, ...]:
    if target is Target.LOCAL:
        has_districts = bool(registry.codes_in(AgencyCategory.HUYEN))
        return (AgencyCategory.HUYEN,) if has_districts else (AgencyCategory.XA,)
    if target is Target.OWN_SPECIALISED:
        at_province = registry.place.level == ("tỉnh",)
        return (AgencyCategory.SO_NGANH,) if at_province else (AgencyCategory.PHONG,)
    return (AgencyCategory(target.value),)


def _by_name(phrase: _Phrase, registry: AgencyRegistry) -> AssigneeMatch | None:
    """Official name or alias, as written or with diacritics left out.

    A name written exactly beats one that only fits once marks are ignored
    ("Tịnh An" is not "Tịnh Ấn"). A phrase typed with some diacritics that
    fits only by ignoring others is probably a slip, and is offered for
    confirmation (fuzzy) rather than taken as exact.
    """
    entries: list[NameEntry] = []
    for key in phrase.lookup_keys:
        entries.extend(registry.names_for(key))
    written = [e for e in entries if e.key in phrase.lookup_keys]
    entries = written or entries
    if not entries:
        return None
    codes = _distinct(e.code for e in entries)
    if len(codes) > 1:
        return _ambiguous(phrase.text, codes)
    if not written and _has_diacritics(phrase.raw):
        return AssigneeMatch(
            phrase.text, MatchStatus.FUZZY, codes, _FUZZY_CONFIDENCE[1], MatchNote.SPELLING
        )
    kind = min(e.kind for e in entries)
    status = MatchStatus.EXACT if kind is NameKind.NAME else MatchStatus.ALIAS
    confidence = _NAME_CONFIDENCE if written else _FOLDED_CONFIDENCE
    if status is MatchStatus.ALIAS:
        confidence = round(confidence - 0.05, 2)
    return AssigneeMatch(phrase.text, status, codes, confidence)


def _has_diacritics(words: keys.Words) -> bool:
    return any(fold(w) != w.lower() for w in words)


def _by_code(phrase: _Phrase, registry: AgencyRegistry) -> AssigneeMatch | None:
    """A phrase that is exactly a code ("STP", "UBND_BINHSON")."""
    code = phrase.text.strip().upper()
    if code not in registry:
        return None
    return AssigneeMatch(phrase.text, MatchStatus.ABBREVIATION, (code,), _NAME_CONFIDENCE)


def _by_abbreviation(phrase: _Phrase, registry: AgencyRegistry) -> AssigneeMatch | None:
    core_raw = phrase.raw[: len(phrase.raw) - (len(phrase.words) - len(phrase.core))]
    found: list[AbbreviationEntry] = []
    for words in (phrase.raw, core_raw):
        key = keys.abbreviation_key(words) if words else None
        if key:
            found.extend(registry.abbreviations_for(key))
    if not found:
        return None
    strongest = min(e.kind for e in found)
    codes = _distinct(e.code for e in found if e.kind == strongest)
    if len(codes) > 1:
        return _ambiguous(phrase.text, codes)
    confidence = _ABBREVIATION_CONFIDENCE[strongest]
    return AssigneeMatch(phrase.text, MatchStatus.ABBREVIATION, codes, confidence)


def _by_other_place(phrase: _Phrase, registry: AgencyRegistry) -> AssigneeMatch | None:
    if phrase.foreign is None:
        return None
    return AssigneeMatch(phrase.text, MatchStatus.UNMATCHED, note=MatchNote.OTHER_PLACE)


def _fuzzy_limit(length: int) -> int:
    """Edits tolerated for a key of `length` characters: none for short names."""
    if length < 8:
        return 0
    return 1 if length < 16 else 2


def _by_spelling(phrase: _Phrase, registry: AgencyRegistry) -> AssigneeMatch | None:
    """A near-miss spelling, accepted only when one agency is clearly closest."""
    nearest: dict[str, int] = {}
    limit = 0
    for key in phrase.lookup_keys:
        key_limit = _fuzzy_limit(len(key))
        limit = max(limit, key_limit)
        for code, dist in _distances(key, key_limit + 1, registry):
            nearest[code] = min(dist, nearest.get(code, dist))
    if not nearest or min(nearest.values()) > limit:
        return None
    best = min(nearest.values())
    close = tuple(code for code, dist in nearest.items() if dist <= best + 1)
    if len(close) > 1:
        return _ambiguous(phrase.text, close)
    confidence = _FUZZY_CONFIDENCE.get(best, 0.5)
    return AssigneeMatch(phrase.text, MatchStatus.FUZZY, close, confidence, MatchNote.SPELLING)


def _distances(key: str, limit: int, registry: AgencyRegistry) -> list[tuple[str, int]]:
    if limit <= 1:
        return []
    out: list[tuple[str, int]] = []
    for entry in registry.names_near_length(len(key), limit):
        dist = keys.bounded_distance(key, entry.key, limit)
        if dist <= limit:
            out.append((entry.code, dist))
    return out


def _distinct(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _ambiguous(text: str, codes: tuple[str, ...]) -> AssigneeMatch:
    return AssigneeMatch(text, MatchStatus.UNMATCHED, note=MatchNote.AMBIGUOUS, candidates=codes)
