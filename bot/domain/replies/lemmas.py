"""Turn tokens into lemmas: concepts with spans, in four plain passes.

1. expand chat shorthand ("xong r" -> "xong rồi", "dx" -> "đã xong");
2. read numbers spelled in words ("sáu mươi" -> 60) where context says
   they are numbers;
3. match the longest lexicon phrase at each position, honouring diacritics
   when they were typed;
4. settle the few words that stay ambiguous without diacritics from their
   neighbours, and merge pairs that mean one thing ("60" + "%" -> 60 %).

Each pass is a small function over a list, so a misreading can be traced to
one pass and one rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.domain.replies.lexicon import (
    ABBREVIATIONS,
    CONTEXT_ABBREVIATIONS,
    PHRASE_SIZES,
    PHRASES,
    PREDICATES,
    TIME_WORDS,
    Concept,
    Entry,
)
from bot.domain.replies.numbers import (
    FOLDED_NUMERALS,
    MARKED_NUMERALS,
    MAX_NUMBER_WORDS,
    spelled_number,
)
from bot.domain.replies.tokens import Shape, Token, tokenize


@dataclass(frozen=True, slots=True)
class Unit:
    """A word (or number, date, mark) after shorthand expansion."""

    fold: str
    canon: str
    marked: bool
    start: int
    end: int
    shape: Shape
    value: int | None = None


@dataclass(frozen=True, slots=True)
class Lemma:
    """A concept found in the reply, with the span of text it came from."""

    concept: Concept
    key: str  # folded words, space separated ("hoan thanh")
    start: int
    end: int
    value: int | None = None  # number, percentage, weekday (0 = Monday)
    marked: bool = False
    canon: str = ""


_SHAPE_CONCEPTS = {
    Shape.DATE: Concept.DATE,
    Shape.REF: Concept.REF,
    Shape.PERCENT: Concept.PERCENT_SIGN,
    Shape.QMARK: Concept.QMARK,
    Shape.STOP: Concept.STOP,
    Shape.COMMA: Concept.COMMA,
    Shape.COLON: Concept.PARTICLE,
    Shape.NUMBER: Concept.NUMBER,
}
_ASPECT_WORDS = frozenset({"dang", "da", "chua", "se", "van", "khong"})
_SPAN_UNITS = frozenset({"ngay", "tuan", "thang", "phan", "pt", "nua"})
_WEEKDAYS = {
    "thu hai": 0,
    "thu ba": 1,
    "thu tu": 2,
    "thu nam": 3,
    "thu sau": 4,
    "thu bay": 5,
    "chu nhat": 6,
}
_REPORT_AFTER = frozenset(
    {
        Concept.SEND,
        Concept.HAVE,
        Concept.ACT,
        Concept.DONE,
        Concept.RESOURCE,
        Concept.REPORT,
        Concept.PARTIAL,
        Concept.RECEIVE,
        Concept.WAIT,
    }
)


def lemmatize(text: str) -> list[Lemma]:
    """The lemmas of a reply, in order."""
    units = _read_numbers(_expand(tokenize(text)))
    return _merge(_resolve(_match_phrases(units)))


# --- pass 1: shorthand -----------------------------------------------------


def _expand(tokens: Sequence[Token]) -> list[Unit]:
    units: list[Unit] = []
    for token in _without_repeats(tokens):
        expansion = ABBREVIATIONS.get(token.canon) if token.shape is Shape.WORD else None
        after_aspect = bool(units) and units[-1].fold in _ASPECT_WORDS
        if token.shape is Shape.WORD and token.canon in CONTEXT_ABBREVIATIONS and after_aspect:
            expansion = CONTEXT_ABBREVIATIONS[token.canon]
        if expansion is None:
            units.append(_unit(token))
            continue
        for word in expansion.split():
            units.append(Unit(word, word, False, token.start, token.end, Shape.WORD))
    return units


def _without_repeats(tokens: Sequence[Token]) -> list[Token]:
    """Drop a word repeated right after itself ("ok ok", "👍👍👍"): emphasis, not meaning."""
    kept: list[Token] = []
    for token in tokens:
        previous = kept[-1] if kept else None
        repeated = previous is not None and previous.canon == token.canon
        if not (repeated and token.shape is Shape.WORD):
            kept.append(token)
    return kept


def _unit(token: Token) -> Unit:
    value = _number_value(token.raw) if token.shape is Shape.NUMBER else None
    return Unit(token.fold, token.canon, token.marked, token.start, token.end, token.shape, value)


def _number_value(raw: str) -> int | None:
    """Digits as an int; a decimal ("12,5", "2.5") rounded, as percentages are."""
    if raw.isdigit():
        return int(raw) if len(raw) <= 9 else None
    try:
        return round(float(raw.replace(",", ".")))
    except ValueError:
        return None


# --- pass 2: numbers in words ------------------------------------------------


def _is_numeral(unit: Unit) -> bool:
    if unit.shape is not Shape.WORD:
        return False
    return unit.canon in MARKED_NUMERALS if unit.marked else unit.fold in FOLDED_NUMERALS


def _read_numbers(units: list[Unit]) -> list[Unit]:
    """Replace runs of numeral words that context marks as numbers by NUMBER units.

    A run of two or more words that spells a number ("sáu mươi") is a number.
    A single word is one only before a unit ("năm ngày", "một tuần", "ba
    phần trăm") or as a month after "tháng" ("tháng sáu") — otherwise "sau",
    "năm", "bảy" are far more often "after", "year", "fly".
    """
    out: list[Unit] = []
    i = 0
    while i < len(units):
        run = _numeral_run(units, i)
        if run is None:
            out.append(units[i])
            i += 1
            continue
        value, size = run
        first, last = units[i], units[i + size - 1]
        out.append(Unit(str(value), str(value), False, first.start, last.end, Shape.NUMBER, value))
        i += size
    return out


def _numeral_run(units: Sequence[Unit], i: int) -> tuple[int, int] | None:
    end = i
    limit = min(len(units), i + MAX_NUMBER_WORDS)
    while end < limit and _is_numeral(units[end]):
        end += 1
    if end == i:
        return None
    parsed = spelled_number([u.fold for u in units[i:end]])
    if parsed is None:
        return None
    value, size = parsed
    if size >= 2 or _single_numeral_in_context(units, i):
        return value, size
    return None


def _single_numeral_in_context(units: Sequence[Unit], i: int) -> bool:
    nxt = units[i + 1] if i + 1 < len(units) else None
    prev = units[i - 1] if i > 0 else None
    if nxt is not None and nxt.fold in _SPAN_UNITS:
        after = units[i + 2] if i + 2 < len(units) else None
        day_of_month = (
            nxt.fold == "ngay"
            and after is not None
            and after.shape
            in (
                Shape.NUMBER,
                Shape.DATE,
            )
        )
        return not day_of_month
    if nxt is not None and nxt.shape is Shape.PERCENT:
        return True
    return prev is not None and prev.fold == "thang" and units[i].fold != "sau"


# --- pass 3: phrases ---------------------------------------------------------


def _match_phrases(units: Sequence[Unit]) -> list[Lemma]:
    lemmas: list[Lemma] = []
    i = 0
    while i < len(units):
        unit = units[i]
        if unit.shape is not Shape.WORD:
            concept = _SHAPE_CONCEPTS[unit.shape]
            lemmas.append(Lemma(concept, unit.fold, unit.start, unit.end, unit.value, unit.marked))
            i += 1
            continue
        size, concept = _phrase_at(units, i)
        lemmas.append(_phrase_lemma(units[i : i + size], concept))
        i += size
    return lemmas


def _phrase_at(units: Sequence[Unit], i: int) -> tuple[int, Concept]:
    """The longest lexicon phrase starting at units[i] (size, concept), else one WORD."""
    for size in PHRASE_SIZES.get(units[i].fold, ()):
        window = units[i : i + size]
        if len(window) < size or any(u.shape is not Shape.WORD for u in window):
            continue
        spelled = tuple((u.fold, u.canon if u.marked else None) for u in window)
        concept = _phrase_concept(spelled)
        if concept is not None:
            return size, concept
    return 1, Concept.WORD


@lru_cache(maxsize=8192)
def _phrase_concept(spelled: tuple[tuple[str, str | None], ...]) -> Concept | None:
    """What a phrase means, given each word's fold and its typed spelling if marked.

    AMBIGUOUS when diacritics are missing and entries disagree ("da": đã/dạ).
    Cached: the same few hundred words make up most replies.
    """
    entries = PHRASES.get(tuple(fold for fold, _ in spelled), [])
    concepts = {e.concept for e in entries if _spelling_fits(spelled, e)}
    if not concepts:
        return None
    return concepts.pop() if len(concepts) == 1 else Concept.AMBIGUOUS


def _spelling_fits(spelled: Sequence[tuple[str, str | None]], entry: Entry) -> bool:
    """Typed diacritics must match the entry; missing diacritics are forgiven."""
    for (fold, typed), word in zip(spelled, entry.words, strict=True):
        if typed is not None and typed != word:
            return False
        if entry.marked_only and typed is None and fold != word:
            return False
    return True


def _phrase_lemma(window: Sequence[Unit], concept: Concept) -> Lemma:
    first, last = window[0], window[-1]
    if len(window) == 1:
        key, canon, marked = first.fold, first.canon, first.marked
    else:
        key = " ".join(u.fold for u in window)
        canon = " ".join(u.canon for u in window)
        marked = any(u.marked for u in window)
    value = _WEEKDAYS.get(key) if concept is Concept.WEEKDAY else None
    return Lemma(concept, key, first.start, last.end, value, marked, canon)


# --- pass 4: context ---------------------------------------------------------

Resolver = Callable[[Lemma | None, Lemma | None], Concept]


def _resolve_da(prev: Lemma | None, nxt: Lemma | None) -> Concept:
    """Unmarked "da": "đã" before a predicate ("da xong"), else "dạ"."""
    return Concept.PAST if nxt is not None and nxt.concept in PREDICATES else Concept.POLITE


def _resolve_cho(prev: Lemma | None, nxt: Lemma | None) -> Concept:
    """Unmarked "cho": "chờ" after "đang" ("dang cho so lieu"), else "cho"."""
    return Concept.WAIT if prev is not None and prev.concept is Concept.PROG else Concept.GIVE


def _resolve_dau(prev: Lemma | None, nxt: Lemma | None) -> Concept:
    """Unmarked "dau": "đầu" before a period ("dau thang sau"), else "đâu"."""
    return Concept.BEGIN if nxt is not None and nxt.concept in TIME_WORDS else Concept.QWHERE


def _resolve_toi(prev: Lemma | None, nxt: Lemma | None) -> Concept:
    """Unmarked "toi": "tới" before a time ("toi 30/5"), else "tôi"."""
    return Concept.TARGET if nxt is not None and nxt.concept in TIME_WORDS else Concept.PRONOUN


def _resolve_nua(prev: Lemma | None, nxt: Lemma | None) -> Concept:
    """Unmarked "nua": "nửa" after "một"/1 ("duoc mot nua"), else "nữa"."""
    after_one = prev is not None and (prev.key == "mot" or prev.value == 1)
    return Concept.HALF if after_one else Concept.MORE


def _resolve_co(prev: Lemma | None, nxt: Lemma | None) -> Concept:
    return Concept.HAVE


# One resolver per folded word whose spellings mean different things
# (tests check that every such word has one).
RESOLVERS: dict[str, Resolver] = {
    "da": _resolve_da,
    "cho": _resolve_cho,
    "dau": _resolve_dau,
    "toi": _resolve_toi,
    "nua": _resolve_nua,
    "co": _resolve_co,  # "có" (have) far more often than "cô" (Ms)
}


def _resolve(lemmas: list[Lemma]) -> list[Lemma]:
    out = list(lemmas)
    for i, lemma in enumerate(out):
        prev = out[i - 1] if i > 0 else None
        nxt = out[i + 1] if i + 1 < len(out) else None
        concept = lemma.concept
        if concept is Concept.AMBIGUOUS:
            resolver = RESOLVERS.get(lemma.key)
            concept = resolver(prev, nxt) if resolver else Concept.WORD
        elif concept is Concept.TOMORROW and lemma.key == "mai" and _after_pronoun(prev):
            concept = Concept.WORD  # "chị Mai" is a name, not "tomorrow"
        if concept is not lemma.concept:
            out[i] = replace(lemma, concept=concept)
    return out


def _after_pronoun(prev: Lemma | None) -> bool:
    return prev is not None and prev.concept is Concept.PRONOUN


# --- merges ------------------------------------------------------------------


def _merge(lemmas: list[Lemma]) -> list[Lemma]:
    out: list[Lemma] = []
    for lemma in lemmas:
        prev = out[-1] if out else None
        merged = _merge_pair(prev, lemma) if prev is not None else None
        if merged is not None:
            out[-1] = merged
        else:
            out.append(_alone(lemma, prev))
    return _fractions(_weekday_codes(out))


def _merge_pair(prev: Lemma, lemma: Lemma) -> Lemma | None:
    """One lemma for two that mean one thing, or None."""
    if lemma.concept is Concept.PERCENT_SIGN and prev.concept is Concept.NUMBER:
        return _span(prev, lemma, Concept.PCT, prev.value)
    if lemma.concept is Concept.HALF and (prev.key == "mot" or prev.value == 1):
        return _span(prev, lemma, Concept.PCT, 50)
    if lemma.concept is Concept.NUMBER and prev.key == "thu" and lemma.value in range(2, 8):
        return _span(prev, lemma, Concept.WEEKDAY, (lemma.value or 2) - 2)
    return None


_COUNTED = frozenset({Concept.WORD, Concept.RESOURCE, Concept.REPORT, Concept.PARTIAL})
_DATE_LEADS = frozenset({Concept.DAY, Concept.TARGET, Concept.END})


def _fractions(lemmas: list[Lemma]) -> list[Lemma]:
    """ "3/5 xã", "3/5 chỉ tiêu": a smaller-over-larger pair before a counted noun,
    with no "ngày"/"đến" before it, is a share of the work (PARTIAL), not 3 May."""
    out = list(lemmas)
    for i, lemma in enumerate(out):
        if lemma.concept is not Concept.DATE or i + 1 >= len(out):
            continue
        parts = lemma.key.replace("-", "/").split("/")
        led = i > 0 and out[i - 1].concept in _DATE_LEADS
        counted = out[i + 1].concept in _COUNTED
        if len(parts) == 2 and int(parts[0]) < int(parts[1]) and counted and not led:
            out[i] = replace(lemma, concept=Concept.PARTIAL)
    return out


def _alone(lemma: Lemma, prev: Lemma | None) -> Lemma:
    if lemma.concept is Concept.HALF:
        return replace(lemma, concept=Concept.PCT, value=50)
    if lemma.concept is Concept.SEND and lemma.key == "bao cao" and _is_report_noun(prev):
        return replace(lemma, concept=Concept.REPORT)
    return lemma


def _is_report_noun(prev: Lemma | None) -> bool:
    """ "báo cáo" is the noun (a report) after a verb or "số", else the verb."""
    if prev is None:
        return False
    return prev.concept in _REPORT_AFTER or prev.key in {"so", "mau", "cac", "ban"}


def _span(first: Lemma, last: Lemma, concept: Concept, value: int | None) -> Lemma:
    key = f"{first.key} {last.key}"
    return Lemma(concept, key, first.start, last.end, value, first.marked or last.marked)


def _weekday_codes(lemmas: list[Lemma]) -> list[Lemma]:
    """ "T6 tuần sau" is Friday; "T6" elsewhere is left to be read as a task code."""
    out = list(lemmas)
    for i, lemma in enumerate(out):
        if not _looks_like_weekday_code(lemma.key):
            continue
        prev = out[i - 1] if i > 0 else None
        nxt = out[i + 1] if i + 1 < len(out) else None
        in_time = (nxt is not None and nxt.concept in {Concept.NEXT_WEEK, Concept.THIS_WEEK}) or (
            prev is not None and prev.concept is Concept.TARGET
        )
        if in_time:
            out[i] = replace(lemma, concept=Concept.WEEKDAY, value=int(lemma.key[1]) - 2)
    return out


def _looks_like_weekday_code(key: str) -> bool:
    return len(key) == 2 and key[0] == "t" and key[1] in "234567"
