"""Reading agency registry files (YAML or CSV) that officers write and upload.

An officer keeps the list of agencies in a spreadsheet or a YAML file and
uploads it. A file with mistakes is rejected whole (a half-imported registry
would silently drop some agencies' reminders), and every problem is reported
at once with its line, so the officer fixes the file in one go. Problems carry
machine-readable codes; the texts module turns them into Vietnamese/English.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Literal

import yaml

from bot.domain.agencies import AgencyCategory, AgencyRecord, name_key

RegistryFormat = Literal["yaml", "csv"]

SAMPLE_REGISTRIES: tuple[str, ...] = (
    "quang_ngai_2024.yaml",
    "quang_ngai_2025.yaml",
    "binh_son_2024.csv",
)

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
FIELDS = ("code", "name", "aliases", "category", "parent", "head_title")
REQUIRED_COLUMNS = ("code", "name", "category")
_TERRITORY_DIRECTIVE = re.compile(r"^#\s*territory\s*:\s*(.*)$", re.IGNORECASE)
_NULL_TAG = "tag:yaml.org,2002:null"


class ProblemCode(StrEnum):
    """What is wrong; the caller maps each code to a message."""

    MALFORMED = "malformed"  # not valid YAML / CSV at all
    ENCODING = "encoding"  # not UTF-8
    BAD_STRUCTURE = "bad_structure"  # not a list of agencies
    BAD_HEADER = "bad_header"  # CSV header lacks a required column
    BAD_ROW = "bad_row"  # CSV row with extra cells
    EMPTY = "empty"  # no agency at all
    UNKNOWN_FIELD = "unknown_field"
    DUPLICATE_FIELD = "duplicate_field"
    BAD_VALUE = "bad_value"  # e.g. a mapping where a name was expected
    MISSING_CODE = "missing_code"
    BAD_CODE = "bad_code"
    MISSING_NAME = "missing_name"
    MISSING_CATEGORY = "missing_category"
    UNKNOWN_CATEGORY = "unknown_category"
    DUPLICATE_CODE = "duplicate_code"
    DUPLICATE_NAME = "duplicate_name"
    DUPLICATE_ALIAS = "duplicate_alias"  # the alias is another agency's name or alias
    PARENT_NOT_FOUND = "parent_not_found"
    PARENT_CYCLE = "parent_cycle"


@dataclass(frozen=True, slots=True, order=True)
class RegistryProblem:
    line: int  # 1-based line in the file
    code: ProblemCode
    detail: str = ""


class RegistryFileError(ValueError):
    """The file cannot be imported; `problems` lists everything wrong, by line."""

    def __init__(self, problems: Iterable[RegistryProblem]) -> None:
        self.problems: tuple[RegistryProblem, ...] = tuple(sorted(set(problems)))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(f"line {p.line}: {p.code} {p.detail}".rstrip() for p in self.problems)


@dataclass(frozen=True, slots=True)
class RegistryFile:
    """A parsed registry: its agencies and, if declared, its territory."""

    records: tuple[AgencyRecord, ...]
    territory: str | None = None


@dataclass(slots=True)
class _Value:
    value: str | list[str] | None
    line: int


@dataclass(slots=True)
class _Entry:
    line: int
    fields: dict[str, _Value] = field(default_factory=dict)


@dataclass(slots=True)
class _Raw:
    entries: list[_Entry] = field(default_factory=list)
    territory: str | None = None
    problems: list[RegistryProblem] = field(default_factory=list)

    def problem(self, line: int, code: ProblemCode, detail: str = "") -> None:
        self.problems.append(RegistryProblem(line, code, detail))


# -- public API ---------------------------------------------------------------


def parse_registry(text: str, fmt: RegistryFormat) -> list[AgencyRecord]:
    """The agencies in `text`; raises `RegistryFileError` listing every problem."""
    return list(parse_registry_file(text, fmt).records)


def parse_registry_file(text: str, fmt: RegistryFormat) -> RegistryFile:
    """Like `parse_registry`, keeping the declared territory ("tỉnh Quảng Ngãi")."""
    raw = _read_yaml(text) if fmt == "yaml" else _read_csv(text)
    records = _validate(raw)
    if raw.problems:
        raise RegistryFileError(raw.problems)
    return RegistryFile(tuple(records), raw.territory)


def decode_registry_bytes(data: bytes) -> str:
    """UTF-8 text of an uploaded file, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RegistryFileError([RegistryProblem(line, ProblemCode.ENCODING)]) from error


def registry_format(filename: str) -> RegistryFormat | None:
    """The format a file name implies, or None for anything else."""
    lowered = filename.lower()
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    if lowered.endswith(".csv"):
        return "csv"
    return None


def load_sample_registry(name: str) -> str:
    """Text of a shipped sample registry (see `SAMPLE_REGISTRIES`)."""
    if name not in SAMPLE_REGISTRIES:
        raise KeyError(f"unknown sample registry {name!r}; known: {', '.join(SAMPLE_REGISTRIES)}")
    resource = resources.files("bot.data.registries").joinpath(name)
    return resource.read_text(encoding="utf-8")


# -- YAML ---------------------------------------------------------------------


def _read_yaml(text: str) -> _Raw:
    """Walk the composed node tree (not loaded values) to keep line numbers.

    Composing also keeps scalars as written: `code: NO` stays "NO" instead
    of YAML 1.1's boolean false.
    """
    raw = _Raw()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raw.problem(mark.line + 1 if mark else 1, ProblemCode.MALFORMED, error.problem or "")
        return raw
    except yaml.YAMLError as error:
        raw.problem(1, ProblemCode.MALFORMED, str(error))
        return raw
    items = _yaml_items(root, raw)
    for item in items:
        _yaml_entry(item, raw)
    if not raw.entries and not raw.problems:
        raw.problem(1, ProblemCode.EMPTY)
    return raw


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _yaml_items(root: yaml.Node | None, raw: _Raw) -> list[yaml.Node]:
    if root is None:
        return []
    if isinstance(root, yaml.SequenceNode):
        return list(root.value)
    if not isinstance(root, yaml.MappingNode):
        raw.problem(_line(root), ProblemCode.BAD_STRUCTURE, "expected a list of agencies")
        return []
    agencies: yaml.Node | None = None
    for key, value in root.value:
        name = _scalar(key)
        if name == "agencies":
            agencies = value
        elif name == "territory":
            raw.territory = _scalar(value) or None
        else:
            raw.problem(_line(key), ProblemCode.UNKNOWN_FIELD, str(name))
    if not isinstance(agencies, yaml.SequenceNode):
        raw.problem(_line(agencies or root), ProblemCode.BAD_STRUCTURE, "expected 'agencies:' list")
        return []
    return list(agencies.value)


def _scalar(node: yaml.Node) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG:
        return None
    return str(node.value).strip()


def _yaml_entry(node: yaml.Node, raw: _Raw) -> None:
    if not isinstance(node, yaml.MappingNode):
        raw.problem(_line(node), ProblemCode.BAD_STRUCTURE, "expected code, name, category ...")
        return
    entry = _Entry(_line(node))
    for key, value in node.value:
        name = _scalar(key) or ""
        if name not in FIELDS:
            raw.problem(_line(key), ProblemCode.UNKNOWN_FIELD, name)
        elif name in entry.fields:
            raw.problem(_line(key), ProblemCode.DUPLICATE_FIELD, name)
        else:
            entry.fields[name] = _Value(_yaml_value(name, value, raw), _line(key))
    raw.entries.append(entry)


def _yaml_value(name: str, node: yaml.Node, raw: _Raw) -> str | list[str] | None:
    if name == "aliases" and isinstance(node, yaml.SequenceNode):
        aliases = [_scalar(item) for item in node.value]
        if any(a is None and not _is_null(i) for a, i in zip(aliases, node.value, strict=True)):
            raw.problem(_line(node), ProblemCode.BAD_VALUE, name)
        return [a for a in aliases if a]
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
        return _split_aliases(value) if name == "aliases" and value else value
    raw.problem(_line(node), ProblemCode.BAD_VALUE, name)
    return None


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _split_aliases(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


# -- CSV ----------------------------------------------------------------------


def _read_csv(text: str) -> _Raw:
    raw = _Raw()
    rows = _csv_rows(text.removeprefix("\ufeff"), raw)
    header: list[str] | None = None
    for line, cells in rows:
        if header is None:
            header = _csv_header(line, cells, raw)
            if header is None:
                return raw
            continue
        _csv_entry(line, header, cells, raw)
    if header is None and not raw.problems:
        raw.problem(1, ProblemCode.EMPTY, "no header row")
    elif not raw.entries and not raw.problems:
        raw.problem(1, ProblemCode.EMPTY)
    return raw


def _csv_rows(text: str, raw: _Raw) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on; comments ('#') and blank rows skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            first = cells[0].strip() if cells else ""
            if first.startswith("#"):
                _csv_comment(",".join(cells), raw)
            elif any(c.strip() for c in cells):
                yield start, cells
    except csv.Error as error:
        raw.problem(reader.line_num or 1, ProblemCode.MALFORMED, str(error))


def _csv_comment(text: str, raw: _Raw) -> None:
    directive = _TERRITORY_DIRECTIVE.match(text.strip())
    if directive:
        raw.territory = directive.group(1).strip(" ,") or None


def _csv_header(line: int, cells: list[str], raw: _Raw) -> list[str] | None:
    names = [c.strip().lower().removeprefix("\ufeff") for c in cells]
    if len(names) == 1 and ";" in names[0]:
        raw.problem(line, ProblemCode.MALFORMED, "cells separated by ';', expected ','")
        return None
    for position, name in enumerate(names):
        if name and name not in FIELDS:
            raw.problem(line, ProblemCode.UNKNOWN_FIELD, name)
        elif name and name in names[:position]:
            raw.problem(line, ProblemCode.DUPLICATE_FIELD, name)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raw.problem(line, ProblemCode.BAD_HEADER, ",".join(missing))
        return None
    return names


def _csv_entry(line: int, header: list[str], cells: list[str], raw: _Raw) -> None:
    extra = cells[len(header) :]
    if any(c.strip() for c in extra):
        raw.problem(line, ProblemCode.BAD_ROW, f"{len(cells)} cells, header has {len(header)}")
    entry = _Entry(line)
    for name, cell in zip(header, cells, strict=False):
        if name in FIELDS and name not in entry.fields:
            value = cell.strip()
            parsed = _split_aliases(value) if name == "aliases" else value or None
            entry.fields[name] = _Value(parsed, line)
    raw.entries.append(entry)


# -- validation (both formats) --------------------------------------------------


def _validate(raw: _Raw) -> list[AgencyRecord]:
    """Records of valid entries; cross-entry checks look at every entry, valid or
    not, so one mistake does not hide another."""
    records = [_record(entry, raw) for entry in raw.entries]
    _check_duplicates(raw.entries, raw)
    _check_aliases(raw.entries, raw)
    _check_parents(raw.entries, raw)
    return [record for record in records if record is not None]


def _line_of(entry: _Entry, name: str) -> int:
    value = entry.fields.get(name)
    return value.line if value is not None else entry.line


def _text(entry: _Entry, name: str) -> str | None:
    value = entry.fields.get(name)
    if value is None or not isinstance(value.value, str):
        return None
    return value.value or None


def _record(entry: _Entry, raw: _Raw) -> AgencyRecord | None:
    code, name = _text(entry, "code"), _text(entry, "name")
    problems_before = len(raw.problems)
    if code is None:
        raw.problem(_line_of(entry, "code"), ProblemCode.MISSING_CODE)
    elif not CODE_PATTERN.match(code):
        raw.problem(_line_of(entry, "code"), ProblemCode.BAD_CODE, code)
    if name is None:
        raw.problem(_line_of(entry, "name"), ProblemCode.MISSING_NAME, code or "")
    category = _category(entry, raw)
    if code is None or name is None or category is None or len(raw.problems) > problems_before:
        return None
    return AgencyRecord(
        code=code,
        name=name,
        aliases=_aliases(entry),
        category=category,
        parent_code=_text(entry, "parent"),
        head_title=_text(entry, "head_title"),
    )


def _category(entry: _Entry, raw: _Raw) -> AgencyCategory | None:
    value, line = _text(entry, "category"), _line_of(entry, "category")
    if value is None:
        raw.problem(line, ProblemCode.MISSING_CATEGORY)
        return None
    try:
        return AgencyCategory(value.strip().lower())
    except ValueError:
        raw.problem(line, ProblemCode.UNKNOWN_CATEGORY, value)
        return None


def _aliases(entry: _Entry) -> tuple[str, ...]:
    value = entry.fields.get("aliases")
    if value is None or value.value is None:
        return ()
    items = value.value if isinstance(value.value, list) else [value.value]
    return tuple(dict.fromkeys(items))


def _check_duplicates(entries: list[_Entry], raw: _Raw) -> None:
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for entry in entries:
        code, line = _text(entry, "code"), _line_of(entry, "code")
        if code is not None and code in codes:
            raw.problem(line, ProblemCode.DUPLICATE_CODE, f"{code} (line {codes[code]})")
        if code is not None:
            codes.setdefault(code, line)
        name, line = _text(entry, "name"), _line_of(entry, "name")
        key = name_key(name) if name else ""
        if key and key in names:
            raw.problem(line, ProblemCode.DUPLICATE_NAME, f"{name} (line {names[key]})")
        if key:
            names.setdefault(key, line)


def _check_aliases(entries: list[_Entry], raw: _Raw) -> None:
    """An alias shared by two agencies would make that alias match neither."""
    owners: dict[str, tuple[int, int]] = {}  # name key -> (entry index, line)
    for index, entry in enumerate(entries):
        name = _text(entry, "name")
        if name:
            owners.setdefault(name_key(name), (index, _line_of(entry, "name")))
    for index, entry in enumerate(entries):
        line = _line_of(entry, "aliases")
        for alias in _aliases(entry):
            owner = owners.setdefault(name_key(alias), (index, line))
            if owner[0] != index:
                raw.problem(line, ProblemCode.DUPLICATE_ALIAS, f"{alias} (line {owner[1]})")


def _check_parents(entries: list[_Entry], raw: _Raw) -> None:
    parents = {code: _text(e, "parent") for e in entries if (code := _text(e, "code"))}
    for entry in entries:
        code, parent = _text(entry, "code"), _text(entry, "parent")
        if parent is None:
            continue
        line = _line_of(entry, "parent")
        if parent not in parents:
            raw.problem(line, ProblemCode.PARENT_NOT_FOUND, parent)
        elif code is not None and _in_cycle(code, parents):
            raw.problem(line, ProblemCode.PARENT_CYCLE, code)


def _in_cycle(code: str, parents: dict[str, str | None]) -> bool:
    seen: set[str] = set()
    current: str | None = parents.get(code)
    while current is not None and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parents.get(current)
    return False
