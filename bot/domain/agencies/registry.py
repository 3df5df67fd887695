"""The set of agencies one coordinator follows up, indexed for matching.

Matching runs for every assignee of every directive, so exact, alias and
abbreviation look-ups are dictionary hits on precomputed keys; only the
fuzzy fallback scans, and only names of about the right length.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum

from bot.domain.agencies import keys
from bot.domain.agencies.model import AgencyCategory, AgencyRecord

_MIN_GENERATED_ABBREVIATION = 3


class NameKind(IntEnum):
    """Which of an agency's names a key came from (lower is stronger)."""

    NAME = 0
    ALIAS = 1


class AbbreviationKind(IntEnum):
    """Where an abbreviation came from; a code beats a declared alias beats initials."""

    CODE = 0
    DECLARED = 1
    GENERATED = 2


@dataclass(frozen=True, slots=True)
class NameEntry:
    key: str  # expanded lower-case words with diacritics, space-separated
    code: str
    kind: NameKind


@dataclass(frozen=True, slots=True)
class AbbreviationEntry:
    code: str
    kind: AbbreviationKind


class AgencyRegistry:
    """Registered agencies plus the indexes `match_assignee` needs.

    `territory` ("tỉnh Quảng Ngãi", "huyện Bình Sơn") lets "Sở Tư pháp tỉnh
    Quảng Ngãi" match "Sở Tư pháp" while "Sở Tư pháp tỉnh Bình Định" does not.
    """

    def __init__(self, records: Iterable[AgencyRecord], territory: str | None = None) -> None:
        self._records: dict[str, AgencyRecord] = {}
        for record in records:
            if record.code in self._records:
                raise ValueError(f"duplicate agency code {record.code!r}")
            self._records[record.code] = record
        self.territory = territory
        self.place = keys.Place.parse(territory)
        # Buckets are dicts used as ordered sets: insertion order, O(1) dedupe.
        self._names: dict[str, dict[NameEntry, None]] = defaultdict(dict)
        self._by_length: dict[int, list[NameEntry]] = defaultdict(list)
        self._abbreviations: dict[str, dict[AbbreviationEntry, None]] = defaultdict(dict)
        for record in self._records.values():
            self._index(record)

    # -- reading -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[AgencyRecord]:
        return iter(self._records.values())

    def __contains__(self, code: object) -> bool:
        return code in self._records

    def get(self, code: str) -> AgencyRecord | None:
        return self._records.get(code)

    @property
    def records(self) -> tuple[AgencyRecord, ...]:
        return tuple(self._records.values())

    def codes_in(self, category: AgencyCategory) -> tuple[str, ...]:
        """Codes of one category, in registry order (the order officers wrote)."""
        return tuple(r.code for r in self._records.values() if r.category is category)

    def children(self, code: str) -> tuple[AgencyRecord, ...]:
        return tuple(r for r in self._records.values() if r.parent_code == code)

    # -- look-ups used by matching -----------------------------------------

    def names_for(self, key: str) -> list[NameEntry]:
        """Entries whose key `key` spells, diacritics the typist left out allowed."""
        return [e for e in self._names.get(keys.folded(key), ()) if keys.compatible(key, e.key)]

    def abbreviations_for(self, key: str) -> list[AbbreviationEntry]:
        return list(self._abbreviations.get(key, ()))

    def names_near_length(self, length: int, spread: int) -> Iterator[NameEntry]:
        for size in range(length - spread, length + spread + 1):
            yield from self._by_length.get(size, ())

    # -- indexing ----------------------------------------------------------

    def _index(self, record: AgencyRecord) -> None:
        self._add_abbreviation(keys.folded(record.code), record.code, AbbreviationKind.CODE)
        self._add_name(record.name, record.code, NameKind.NAME)
        for alias in record.aliases:
            if keys.looks_like_abbreviation(alias):
                key = keys.abbreviation_key(keys.raw_words(alias))
                if key:
                    self._add_abbreviation(key, record.code, AbbreviationKind.DECLARED)
            else:
                self._add_name(alias, record.code, NameKind.ALIAS)
        for words in self._variants(record.name):
            generated = keys.initials(words)
            if len(generated) >= _MIN_GENERATED_ABBREVIATION:
                self._add_abbreviation(generated, record.code, AbbreviationKind.GENERATED)

    def _variants(self, text: str) -> list[keys.Words]:
        """The full words of a name and, if different, the words without the place."""
        words = keys.expand(keys.raw_words(text))
        core, _ = self.place.strip(words)
        return [words] if core == words else [words, core]

    def _add_name(self, text: str, code: str, kind: NameKind) -> None:
        for words in self._variants(text):
            entry = NameEntry(" ".join(words), code, kind)
            bucket = self._names[keys.folded(entry.key)]
            if entry not in bucket:
                bucket[entry] = None
                self._by_length[len(entry.key)].append(entry)

    def _add_abbreviation(self, key: str, code: str, kind: AbbreviationKind) -> None:
        if key:
            self._abbreviations[key][AbbreviationEntry(code, kind)] = None
