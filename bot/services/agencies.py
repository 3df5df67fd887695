"""The agency registry of a workspace: import from a file, list, add, rename,
and find the agency a coordinator means ("STP", "Sở Tư pháp", "so tu phap")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.agencies import (
    AgencyCategory,
    AgencyRecord,
    AgencyRegistry,
    MatchStatus,
    match_assignee,
    name_key,
)
from bot.domain.rights import Action, Actor
from bot.domain.text import fold
from bot.registry_files import CODE_PATTERN, RegistryFormat, parse_registry_file
from bot.runtime import Runtime
from bot.services import identity
from bot.services.workspaces import (
    WorkspaceInfo,
    WorkspaceLookupError,
    info,
    target_workspace,
)
from storage.models import Agency, Workspace, WorkspaceLevel
from storage.repositories import agencies, members, workspaces

PAGE_SIZE = 15
_MAX_CANDIDATES = 8


@dataclass(frozen=True, slots=True)
class AgencyInfo:
    id: int
    code: str
    name: str
    category: str
    focal_points: int = 0


def agency_info(agency: Agency, focal_points: int = 0) -> AgencyInfo:
    assert agency.id is not None
    return AgencyInfo(agency.id, agency.code, agency.name, agency.category, focal_points)


# -- import ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    workspace: WorkspaceInfo
    workspace_created: bool
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept: tuple[str, ...]  # in the workspace, not in the file: kept, never deleted


@dataclass(frozen=True, slots=True)
class NameConflict:
    code: str
    name: str
    existing_code: str


class ImportConflictError(ValueError):
    """The file would give an existing agency's name to a new code (a duplicate)."""

    def __init__(self, conflicts: list[NameConflict]) -> None:
        self.conflicts = conflicts
        super().__init__("; ".join(f"{c.code}: {c.name} = {c.existing_code}" for c in conflicts))


async def import_registry(
    runtime: Runtime, text: str, fmt: RegistryFormat, workspace: str | None = None
) -> ImportResult:
    """Import a registry file into a workspace, all or nothing.

    Agencies are matched by code: a known code is updated, a new one added,
    and agencies missing from the file are kept (tasks may still point at
    them). Raises RegistryFileError (problems by line), ImportConflictError
    or WorkspaceLookupError; in each case nothing is written.
    """
    parsed = parse_registry_file(text, fmt)
    async with runtime.database.session() as session:
        target, created_workspace = await _import_target(
            session, runtime, workspace, parsed.records, parsed.territory
        )
        assert target.id is not None
        result = await _upsert(session, runtime, target.id, parsed.records)
        return ImportResult(info(target), created_workspace, *result)


async def _import_target(
    session: AsyncSession,
    runtime: Runtime,
    wanted: str | None,
    records: tuple[AgencyRecord, ...],
    territory: str | None,
) -> tuple[Workspace, bool]:
    existing = await workspaces.all_workspaces(session)
    if wanted is not None:
        wanted = wanted.strip()
        digits = wanted.lstrip("#")
        by_id = [w for w in existing if digits.isdigit() and w.id == int(digits)]
        named = by_id or [w for w in existing if w.name == wanted]
        if len(named) == 1:
            return named[0], False
        if len(named) > 1:
            raise WorkspaceLookupError(wanted, [info(w) for w in named])
        name = wanted
    elif len(existing) == 1:
        return existing[0], False
    elif existing:
        raise WorkspaceLookupError(None, [info(w) for w in existing])
    else:
        name = default_workspace_name(territory, records)
    level = guess_level(territory, records)
    return await workspaces.create(session, name=name, level=level, at=runtime.now()), True


def guess_level(territory: str | None, records: tuple[AgencyRecord, ...]) -> str:
    """Province if the registry has sở, ban, ngành; else district or commune."""
    categories = {r.category for r in records}
    if AgencyCategory.SO_NGANH in categories or AgencyCategory.HUYEN in categories:
        return WorkspaceLevel.PROVINCE
    place = fold(territory or "")
    if place.startswith(("xa ", "phuong ", "thi tran ", "dac khu ")):
        return WorkspaceLevel.COMMUNE
    return WorkspaceLevel.DISTRICT


def default_workspace_name(territory: str | None, records: tuple[AgencyRecord, ...]) -> str:
    """ "Sở Nội vụ tỉnh Quảng Ngãi", "Phòng Nội vụ huyện Bình Sơn", from the file."""
    if not territory:
        return "Nhắc việc"
    level = guess_level(territory, records)
    head = {
        WorkspaceLevel.PROVINCE: "Sở Nội vụ",
        WorkspaceLevel.DISTRICT: "Phòng Nội vụ",
        WorkspaceLevel.COMMUNE: "UBND",
    }[WorkspaceLevel(level)]
    return f"{head} {territory}"


async def _upsert(
    session: AsyncSession, runtime: Runtime, workspace_id: int, records: tuple[AgencyRecord, ...]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    now = runtime.now()
    existing = {a.code: a for a in await agencies.all_in(session, workspace_id)}
    in_file = {r.code for r in records}
    names = {name_key(a.name): a.code for a in existing.values()}
    conflicts = [
        NameConflict(r.code, r.name, names[name_key(r.name)])
        for r in records
        if names.get(name_key(r.name), r.code) != r.code and names[name_key(r.name)] not in in_file
    ]
    if conflicts:
        raise ImportConflictError(conflicts)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for record in records:
        agency = existing.get(record.code)
        if agency is None:
            existing[record.code] = await agencies.add(
                session,
                workspace_id,
                code=record.code,
                name=record.name,
                category=record.category.value,
                aliases=list(record.aliases),
                head_title=record.head_title,
                at=now,
            )
            created.append(record.code)
        elif _apply(agency, record):
            agency.updated_at = now
            await agencies.save(session, agency)
            updated.append(record.code)
        else:
            unchanged.append(record.code)
    for record in records:
        await _link_parent(session, existing, record, record.code in created, updated)
    kept = tuple(code for code in existing if code not in in_file)
    return tuple(created), tuple(updated), tuple(unchanged), kept


def _apply(agency: Agency, record: AgencyRecord) -> bool:
    """Copy the record onto the row; True if anything changed."""
    wanted = {
        "name": record.name,
        "aliases": list(record.aliases),
        "category": record.category.value,
        "head_title": record.head_title,
        "active": True,
    }
    changed = False
    for attribute, value in wanted.items():
        if getattr(agency, attribute) != value:
            setattr(agency, attribute, value)
            changed = True
    return changed


async def _link_parent(
    session: AsyncSession,
    existing: dict[str, Agency],
    record: AgencyRecord,
    is_new: bool,
    updated: list[str],
) -> None:
    agency = existing[record.code]
    parent_id = existing[record.parent_code].id if record.parent_code else None
    if agency.parent_id == parent_id:
        return
    agency.parent_id = parent_id
    await agencies.save(session, agency)
    if not is_new and record.code not in updated:
        updated.append(record.code)


# -- chat: list, add, rename ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgencyPage:
    workspace: WorkspaceInfo
    items: tuple[AgencyInfo, ...]
    page: int
    pages: int
    total: int


async def list_page(
    runtime: Runtime,
    actor: Actor,
    page: int = 0,
    *,
    workspace_id: int | None = None,
    telegram_chat_id: int | None = None,
    page_size: int = PAGE_SIZE,
) -> AgencyPage:
    """One page of the workspace's agencies with their focal point counts.

    `workspace_id` is the workspace a button asked for; it must be the
    actor's (the chat's) workspace, so a forged button shows nothing.
    """
    target = await target_workspace(
        runtime,
        actor,
        Action.VIEW_WORKSPACE,
        workspace_id=workspace_id,
        telegram_chat_id=telegram_chat_id,
    )
    async with runtime.database.session() as session:
        workspace = await workspaces.get(session, target)
        assert workspace is not None
        pages = max(1, -(-(await agencies.count(session, target)) // page_size))
        page = min(max(page, 0), pages - 1)
        rows, total = await agencies.page(session, target, offset=page * page_size, limit=page_size)
        counts = await members.focal_point_counts(session, target)
    items = tuple(agency_info(a, counts.get(a.id or 0, 0)) for a in rows)
    return AgencyPage(info(workspace), items, page, pages, total)


class AgencyChangeError(ValueError):
    """Why an agency could not be added or renamed (a texts key suffix)."""

    def __init__(self, reason: str, **params: object) -> None:
        self.reason = reason
        self.params = params
        super().__init__(reason)


async def add_agency(
    runtime: Runtime, actor: Actor, code: str, name: str, *, telegram_chat_id: int | None = None
) -> AgencyInfo:
    target = await target_workspace(
        runtime, actor, Action.MANAGE_AGENCIES, telegram_chat_id=telegram_chat_id
    )
    code, name = code.strip().upper(), " ".join(name.split())
    if not CODE_PATTERN.match(code):
        raise AgencyChangeError("bad_code", code=code)
    if not name:
        raise AgencyChangeError("missing_name")
    async with runtime.database.session() as session:
        existing = await agencies.all_in(session, target)
        for other in existing:
            if other.code == code:
                raise AgencyChangeError("duplicate_code", code=code, name=other.name)
            if name_key(other.name) == name_key(name):
                raise AgencyChangeError("duplicate_name", code=other.code, name=other.name)
        agency = await agencies.add(
            session, target, code=code, name=name, category=guess_category(name), at=runtime.now()
        )
        result = agency_info(agency)
    await identity.record(
        runtime, actor, "agency_added", telegram_chat_id=telegram_chat_id, detail={"code": code}
    )
    return result


async def rename_agency(
    runtime: Runtime,
    actor: Actor,
    code: str,
    new_name: str,
    *,
    telegram_chat_id: int | None = None,
) -> tuple[AgencyInfo, str]:
    """Rename; the old name stays as an alias, so older directives still match."""
    target = await target_workspace(
        runtime, actor, Action.MANAGE_AGENCIES, telegram_chat_id=telegram_chat_id
    )
    code, new_name = code.strip().upper(), " ".join(new_name.split())
    if not new_name:
        raise AgencyChangeError("missing_name")
    async with runtime.database.session() as session:
        agency = await agencies.by_code(session, target, code)
        if agency is None:
            raise AgencyChangeError("not_found", query=code)
        for other in await agencies.all_in(session, target):
            if other.id != agency.id and name_key(other.name) == name_key(new_name):
                raise AgencyChangeError("duplicate_name", code=other.code, name=other.name)
        old_name = agency.name
        if name_key(old_name) != name_key(new_name) and old_name not in agency.aliases:
            agency.aliases = [*agency.aliases, old_name]
        agency.name = new_name
        agency.updated_at = runtime.now()
        await agencies.save(session, agency)
        result = agency_info(agency)
    await identity.record(
        runtime,
        actor,
        "agency_renamed",
        telegram_chat_id=telegram_chat_id,
        detail={"code": code, "from": old_name, "to": new_name},
    )
    return result, old_name


_CATEGORY_HINTS: tuple[tuple[str, AgencyCategory], ...] = (
    ("uy ban nhan dan huyen", AgencyCategory.HUYEN),
    ("uy ban nhan dan thi xa", AgencyCategory.HUYEN),
    ("uy ban nhan dan quan", AgencyCategory.HUYEN),
    ("uy ban nhan dan thanh pho", AgencyCategory.HUYEN),
    ("uy ban nhan dan xa", AgencyCategory.XA),
    ("uy ban nhan dan phuong", AgencyCategory.XA),
    ("uy ban nhan dan thi tran", AgencyCategory.XA),
    ("uy ban nhan dan dac khu", AgencyCategory.XA),
    ("so ", AgencyCategory.SO_NGANH),
    ("thanh tra tinh", AgencyCategory.SO_NGANH),
    ("van phong uy ban nhan dan tinh", AgencyCategory.SO_NGANH),
    ("phong ", AgencyCategory.PHONG),
    ("cong an", AgencyCategory.TRUNG_UONG),
    ("cuc ", AgencyCategory.TRUNG_UONG),
    ("kho bac", AgencyCategory.TRUNG_UONG),
    ("bao hiem xa hoi", AgencyCategory.TRUNG_UONG),
    ("ngan hang nha nuoc", AgencyCategory.TRUNG_UONG),
    ("bo chi huy quan su", AgencyCategory.TRUNG_UONG),
)


def guess_category(name: str) -> str:
    """The category an agency typed in chat most likely has (the file import says it)."""
    words = " ".join(keys_expand(name))
    for prefix, category in _CATEGORY_HINTS:
        if (words + " ").startswith(prefix):
            return category.value
    return AgencyCategory.KHAC.value


def keys_expand(name: str) -> list[str]:
    """Folded words with abbreviations spelled out ("UBND" -> "uy ban nhan dan")."""
    return fold(name_key(name)).split()


# -- finding the agency a person means ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolution:
    """One agency, or the candidates to choose from (empty: nothing matched)."""

    agency: AgencyInfo | None = None
    candidates: tuple[AgencyInfo, ...] = field(default_factory=tuple)


_CODE_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,31}$")


async def resolve(runtime: Runtime, workspace_id: int, query: str) -> Resolution:
    """The agency `query` names in the workspace: code, name, alias, abbreviation,
    close spelling (which is only a candidate), or part of a name."""
    query = " ".join(query.split())
    async with runtime.database.session() as session:
        rows = await agencies.all_in(session, workspace_id)
    if not query or not rows:
        return Resolution()
    by_code = {a.code: a for a in rows}
    if _CODE_LIKE.match(query) and query.upper() in by_code:
        return Resolution(agency_info(by_code[query.upper()]))
    registry = AgencyRegistry(_record(a) for a in rows)
    match = match_assignee(query, registry)
    if len(match.codes) == 1 and match.status is not MatchStatus.FUZZY:
        return Resolution(agency_info(by_code[match.codes[0]]))
    codes = list(match.candidates or match.codes)
    if not codes:
        folded = fold(query)
        codes = [a.code for a in rows if folded in fold(a.name)]
    return Resolution(candidates=tuple(agency_info(by_code[c]) for c in codes[:_MAX_CANDIDATES]))


def _record(agency: Agency) -> AgencyRecord:
    try:
        category = AgencyCategory(agency.category)
    except ValueError:
        category = AgencyCategory.KHAC
    return AgencyRecord(
        code=agency.code, name=agency.name, aliases=tuple(agency.aliases), category=category
    )


async def get_agency(runtime: Runtime, workspace_id: int, agency_id: int) -> AgencyInfo | None:
    async with runtime.database.session() as session:
        agency = await agencies.get(session, workspace_id, agency_id)
    return agency_info(agency) if agency else None


async def agency_page(
    runtime: Runtime, workspace_id: int, page: int, page_size: int = 8
) -> tuple[tuple[AgencyInfo, ...], int, int]:
    """A page of agencies for a picker (no rights: callers have checked), with
    the page number actually shown and the page count."""
    async with runtime.database.session() as session:
        total = await agencies.count(session, workspace_id)
        pages = max(1, -(-total // page_size))
        page = min(max(page, 0), pages - 1)
        rows, _ = await agencies.page(
            session, workspace_id, offset=page * page_size, limit=page_size
        )
    return tuple(agency_info(a) for a in rows), page, pages
