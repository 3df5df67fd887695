"""Matching assignee phrases to registered agencies.

The seeds' recipients and assignees are matched against the shipped sample
registries (Quảng Ngãi 2024 stands in for the province-level Bình Định
directives 000/001: same pre-2025 structure). A wrong match would send one
agency's reminders to another, so the cases that must stay unmatched matter
as much as the ones that must match.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from bot.domain.agencies import (
    AgencyCategory,
    AgencyRecord,
    AgencyRegistry,
    AssigneeMatch,
    MatchNote,
    MatchStatus,
    match_all,
    match_assignee,
    matched_codes,
)
from bot.registry_files import load_sample_registry, parse_registry_file, registry_format

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

S = MatchStatus


@cache
def sample(name: str) -> AgencyRegistry:
    parsed = parse_registry_file(load_sample_registry(name), registry_format(name) or "yaml")
    return AgencyRegistry(parsed.records, parsed.territory)


def qn2024() -> AgencyRegistry:
    return sample("quang_ngai_2024.yaml")


def qn2025() -> AgencyRegistry:
    return sample("quang_ngai_2025.yaml")


def binh_son() -> AgencyRegistry:
    return sample("binh_son_2024.csv")


def codes_of(registry: AgencyRegistry, category: AgencyCategory) -> tuple[str, ...]:
    return registry.codes_in(category)


# -- the seeds ---------------------------------------------------------------

ALL_SO_NGANH = "all so_nganh"
ALL_HUYEN = "all huyen"
VAGUE = "vague"
QUALIFIED = "qualified"

# Every recipient, assignee, supporting agency and report_to of the seeds,
# with what it must match to. Seed 004 is matched against Bình Sơn's phòng.
SEED_EXPECTATIONS: dict[str, dict[str, tuple[MatchStatus, str | tuple[str, ...]]]] = {
    "000": {
        "Các sở, ban, ngành thuộc tỉnh": (S.GROUP, ALL_SO_NGANH),
        "Ủy ban nhân dân các huyện, thị xã, thành phố": (S.GROUP, ALL_HUYEN),
        "Sở Nội vụ": (S.EXACT, ("SNV",)),
        "các cơ quan, đơn vị liên quan": (S.GROUP, VAGUE),
        "các cơ quan, đơn vị, địa phương liên quan": (S.GROUP, VAGUE),
    },
    "001": {
        "Thủ trưởng các sở, ban, ngành thuộc tỉnh": (S.GROUP, ALL_SO_NGANH),
        "Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố": (S.GROUP, ALL_HUYEN),
        "các sở, ban, ngành thuộc tỉnh": (S.GROUP, ALL_SO_NGANH),
        "Ủy ban nhân dân các huyện, thị xã, thành phố": (S.GROUP, ALL_HUYEN),
        "Sở Nội vụ": (S.EXACT, ("SNV",)),
        "các cơ quan, đơn vị, địa phương liên quan": (S.GROUP, VAGUE),
    },
    "002": {
        # The issuer's superior, not an agency the coordinator follows up.
        "Ủy ban nhân dân tỉnh": (S.UNMATCHED, ()),
    },
    "003": {
        "Các sở, ban, ngành tỉnh": (S.GROUP, ALL_SO_NGANH),
        "Công an tỉnh": (S.EXACT, ("CA",)),
        "Cục Thuế tỉnh": (S.EXACT, ("CUC_THUE",)),
        "Cục Quản lý thị trường tỉnh": (S.EXACT, ("CUC_QLTT",)),
        "Cục Hải quan tỉnh": (S.EXACT, ("CUC_HQ",)),
        "Bảo hiểm xã hội tỉnh": (S.EXACT, ("BHXH",)),
        "UBND các huyện, thị xã, thành phố": (S.GROUP, ALL_HUYEN),
        "Các cơ quan, đơn vị": (S.GROUP, VAGUE),
        (
            "các sở, ban, ngành chủ trì, phụ trách thực hiện nhiệm vụ cải cách hành chính"
            " thuộc các lĩnh vực được phân công tại khoản 2 Điều 1 Quyết định số 380/QĐ-UBND"
        ): (S.GROUP, QUALIFIED),
        "Sở Nội vụ": (S.EXACT, ("SNV",)),
        "các cơ quan liên quan": (S.GROUP, VAGUE),
    },
    "004": {
        "Phòng Nội vụ": (S.EXACT, ("PNV",)),
        "Phòng Tư pháp": (S.EXACT, ("PTP",)),
        "Phòng Văn hóa và Thông tin": (S.EXACT, ("PVHTT",)),
        "Phòng Tài chính - Kế hoạch": (S.EXACT, ("PTCKH",)),
        "Phòng Kinh tế và Hạ tầng": (S.EXACT, ("PKTHT",)),
        "Phòng Y tế": (S.EXACT, ("PYT",)),
        "Phòng Giáo dục và Đào tạo": (S.EXACT, ("PGDDT",)),
        "Văn phòng HĐND và UBND huyện": (S.EXACT, ("VP",)),
        "Thanh tra huyện": (S.EXACT, ("TTH",)),
        "cơ quan liên quan": (S.GROUP, VAGUE),
    },
}


def seed_names(seed: str) -> list[str]:
    """Every agency phrase of one seed's expected extraction."""
    (path,) = SEEDS.glob(f"{seed}_*.expected.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    names = list(data["recipients"])
    for task in data["tasks"]:
        names += task["assignees"] + task["supporting"]
        names += [task["report_to"]] if task.get("report_to") else []
    return list(dict.fromkeys(names))


def registry_for(seed: str) -> AgencyRegistry:
    return binh_son() if seed == "004" else qn2024()


def expected_codes(registry: AgencyRegistry, want: str | tuple[str, ...]) -> tuple[str, ...]:
    if want == ALL_SO_NGANH:
        return registry.codes_in(AgencyCategory.SO_NGANH)
    if want == ALL_HUYEN:
        return registry.codes_in(AgencyCategory.HUYEN)
    if want in (VAGUE, QUALIFIED):
        return ()
    assert isinstance(want, tuple)
    return want


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds live outside the repository")
@pytest.mark.parametrize("seed", sorted(SEED_EXPECTATIONS))
def test_every_seed_name_is_covered_by_an_expectation(seed: str) -> None:
    assert set(seed_names(seed)) == set(SEED_EXPECTATIONS[seed])


@pytest.mark.parametrize(
    ("seed", "name"),
    [(seed, name) for seed, names in SEED_EXPECTATIONS.items() for name in names],
)
def test_seed_name_matches_as_expected(seed: str, name: str) -> None:
    registry = registry_for(seed)
    status, want = SEED_EXPECTATIONS[seed][name]
    match = match_assignee(name, registry)
    assert match.status is status
    assert match.codes == expected_codes(registry, want)
    if want == VAGUE:
        assert match.note == MatchNote.UNSPECIFIED
    if want == QUALIFIED:
        assert match.note == MatchNote.QUALIFIED_GROUP


def test_group_of_all_so_nganh_is_the_twenty_provincial_agencies() -> None:
    match = match_assignee("Các sở, ban, ngành tỉnh", qn2024())
    assert len(match.codes) == 20
    assert {"SNV", "STP", "VPUB", "TTT", "BDT", "BQL_KKT"} <= set(match.codes)
    assert "CA" not in match.codes  # Công an tỉnh is a central agency, addressed separately


def test_seed_004_recipients_as_written_in_the_letter() -> None:
    """The letter itself says "Văn hoá" (old tone placement) and "Chánh ..."."""
    written = [
        "Phòng Văn hoá và Thông tin",
        "Chánh Văn phòng HĐND và UBND huyện,",
        "Chánh Thanh tra huyện.",
        "Thủ trưởng các cơ quan nêu trên",
    ]
    matches = match_all(written, binh_son())
    assert [m.codes for m in matches[:3]] == [("PVHTT",), ("VP",), ("TTH",)]
    assert matches[3].status is S.GROUP and matches[3].codes == ()


def test_all_phong_of_binh_son_as_a_group() -> None:
    match = match_assignee("Thủ trưởng các Phòng", binh_son())
    assert match.status is S.GROUP
    assert len(match.codes) == 12
    assert match.codes == binh_son().codes_in(AgencyCategory.PHONG)


# -- exact names and their variants ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sở Tư pháp",
        "Sở Tư pháp tỉnh",
        "Sở Tư pháp thuộc tỉnh",
        "Sở Tư pháp tỉnh Quảng Ngãi",
        "Giám đốc Sở Tư pháp",
        "SỞ TƯ PHÁP",
        unicodedata.normalize("NFD", "Sở Tư pháp"),
    ],
)
def test_exact_name_variants(text: str) -> None:
    match = match_assignee(text, qn2024())
    assert (match.status, match.codes, match.confidence) == (S.EXACT, ("STP",), 1.0)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("so tu phap", "STP"),
        ("So Tu Phap tinh Quang Ngai", "STP"),
        ("uy ban nhan dan huyen binh son", "UBND_BINHSON"),
    ],
)
def test_name_typed_without_diacritics_is_exact_but_less_sure(text: str, code: str) -> None:
    match = match_assignee(text, qn2024())
    assert match.status is S.EXACT
    assert match.codes == (code,)
    assert match.confidence < 1.0


def test_old_tone_placement_is_the_same_name() -> None:
    old = match_assignee("Sở Văn hoá, Thể thao và Du lịch", qn2024())
    new = match_assignee("Sở Văn hóa, Thể thao và Du lịch", qn2024())
    assert old.codes == new.codes == ("SVHTTDL",)
    assert old.status is S.EXACT


@pytest.mark.parametrize(
    "text",
    [
        "Sở Lao động - Thương binh và Xã hội",
        "Sở Lao động, Thương binh và Xã hội",
        "Sở Lao động – Thương binh và Xã hội",
    ],
)
def test_punctuation_inside_a_name_does_not_matter(text: str) -> None:
    assert match_assignee(text, qn2024()).codes == ("SLDTBXH",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UBND huyện Bình Sơn", "UBND_BINHSON"),
        ("Ủy ban nhân dân huyện Bình Sơn", "UBND_BINHSON"),
        ("Uỷ ban nhân dân huyện Bình Sơn", "UBND_BINHSON"),
        ("Chủ tịch UBND huyện Bình Sơn", "UBND_BINHSON"),
        ("UBND TP Quảng Ngãi", "UBND_TPQN"),
        ("Văn phòng UBND tỉnh", "VPUB"),
        ("Chánh Văn phòng UBND tỉnh", "VPUB"),
        ("Giám đốc Công an tỉnh", "CA"),
        ("Cục trưởng Cục Thuế tỉnh", "CUC_THUE"),
        ("Người đứng đầu Ban Dân tộc", "BDT"),
    ],
)
def test_ubnd_expansion_and_leading_titles(text: str, code: str) -> None:
    assert match_assignee(text, qn2024()).codes == (code,)


def test_alias_is_reported_as_alias() -> None:
    match = match_assignee("BQL KKT Dung Quất", qn2024())
    assert (match.status, match.codes) == (S.ALIAS, ("BQL_KKT",))


def test_a_school_is_not_a_title() -> None:
    """ "truong" without diacritics may be "trường" (school), so it is not stripped."""
    registry = AgencyRegistry([record("TRUONG_CT", "Trường Chính trị tỉnh", AgencyCategory.KHAC)])
    assert match_assignee("Truong Chinh tri tinh", registry).codes == ("TRUONG_CT",)


# -- abbreviations -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("STP", "STP"),
        ("stp", "STP"),
        ("SNV", "SNV"),
        ("Sở NV", "SNV"),
        ("SKHĐT", "SKHDT"),
        ("Sở KH&ĐT", "SKHDT"),
        ("SVHTTDL", "SVHTTDL"),
        ("Sở VHTTDL", "SVHTTDL"),
        ("SLĐTBXH", "SLDTBXH"),
        ("SGDĐT", "SGDDT"),
        ("Sở GD&ĐT", "SGDDT"),
        ("STC", "STC"),
        ("SYT", "SYT"),
        ("SNgV", "SNGV"),
        ("VP UBND tỉnh", "VPUB"),
        ("UBND_BINHSON", "UBND_BINHSON"),
    ],
)
def test_abbreviations(text: str, code: str) -> None:
    match = match_assignee(text, qn2024())
    assert match.codes == (code,)
    assert match.status in (S.ABBREVIATION, S.ALIAS, S.EXACT)


def test_generated_abbreviation_works_without_declaring_it() -> None:
    registry = AgencyRegistry([record("KHDT", "Sở Kế hoạch và Đầu tư", AgencyCategory.SO_NGANH)])
    match = match_assignee("SKHĐT", registry)
    assert (match.status, match.codes) == (S.ABBREVIATION, ("KHDT",))


def test_abbreviation_shared_by_two_agencies_matches_neither() -> None:
    registry = AgencyRegistry(
        [
            record("TC", "Sở Tài chính", AgencyCategory.SO_NGANH),
            record("X1", "Sở Thông Công", AgencyCategory.SO_NGANH),
        ]
    )
    match = match_assignee("STC", registry)
    assert match.status is S.UNMATCHED
    assert set(match.candidates) == {"TC", "X1"}


def test_plain_words_are_not_read_by_their_initials() -> None:
    """ "UBND huyện Sơn Ta" spells "ubndhst" like Sơn Tây; that is no reason to match it."""
    match = match_assignee("UBND huyện Sơn Ta", qn2024())
    assert match.codes == ()


# -- spelling mistakes ----------------------------------------------------------


def test_unambiguous_near_miss_matches_fuzzy() -> None:
    match = match_assignee("Sở Tài chánh", qn2024())
    assert (match.status, match.codes) == (S.FUZZY, ("STC",))
    assert match.note == MatchNote.SPELLING
    assert 0 < match.confidence < 0.95


def test_typo_in_a_long_name_matches_fuzzy() -> None:
    match = match_assignee("Sở Nông nghiệp và Phát triễn nông thôn", qn2024())
    assert (match.status, match.codes) == (S.FUZZY, ("SNNPTNT",))


def test_partly_accented_name_asks_for_confirmation() -> None:
    """Typed with diacritics but one missing: probably a slip, so confirm."""
    match = match_assignee("Sở Y tê", qn2024())
    assert (match.status, match.codes) == (S.FUZZY, ("SYT",))


def test_ambiguous_near_miss_stays_unmatched() -> None:
    """ "Sơn Ta" is one edit from both Sơn Hà and Sơn Tây."""
    match = match_assignee("Ủy ban nhân dân huyện Sơn Ta", qn2024())
    assert match.status is S.UNMATCHED
    assert match.codes == ()
    assert match.note == MatchNote.AMBIGUOUS
    assert set(match.candidates) == {"UBND_SONHA", "UBND_SONTAY"}


def test_near_miss_needs_a_clear_margin_over_the_runner_up() -> None:
    """ "Bình Lương" is one edit from Bình Dương but only two from Bình Long:
    too close a call to send reminders on."""
    registry = AgencyRegistry(
        [
            record("BINHLONG", "Ủy ban nhân dân xã Bình Long", AgencyCategory.XA),
            record("BINHDUONG", "Ủy ban nhân dân xã Bình Dương", AgencyCategory.XA),
        ]
    )
    match = match_assignee("UBND xã Bình Lương", registry)
    assert match.codes == ()
    assert set(match.candidates) == {"BINHLONG", "BINHDUONG"}
    assert match_assignee("UBND xã Bình Dươnq", registry).codes == ("BINHDUONG",)


def test_short_names_are_not_spell_corrected() -> None:
    assert match_assignee("Sở Y tá", qn2024()).codes == ()


def test_same_letters_different_marks_are_different_places() -> None:
    registry = AgencyRegistry(
        [
            record("TINHAN", "Ủy ban nhân dân xã Tịnh An", AgencyCategory.XA),
            record("TINHAN2", "Ủy ban nhân dân xã Tịnh Ấn", AgencyCategory.XA),
        ]
    )
    assert match_assignee("UBND xã Tịnh An", registry).codes == ("TINHAN",)
    assert match_assignee("UBND xã Tịnh Ấn", registry).codes == ("TINHAN2",)
    without_marks = match_assignee("UBND xa Tinh An", registry)
    assert without_marks.codes == ()
    assert set(without_marks.candidates) == {"TINHAN", "TINHAN2"}


# -- other provinces and levels -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sở Tư pháp tỉnh Bình Định",
        "Sở Nội vụ tỉnh Hà Tĩnh",
        "Công an tỉnh Kon Tum",
        "Sở Tư pháp thành phố Hà Nội",
        "Công an huyện Bình Sơn",
    ],
)
def test_another_provinces_agency_does_not_match(text: str) -> None:
    assert match_assignee(text, qn2024()).codes == ()


def test_another_province_is_named_in_the_note() -> None:
    match = match_assignee("Sở Nội vụ tỉnh Bình Định", qn2024())
    assert match.note == MatchNote.OTHER_PLACE


def test_another_districts_phong_does_not_match() -> None:
    match = match_assignee("Phòng Nội vụ huyện Sơn Tịnh", binh_son())
    assert match.codes == ()
    assert match.note == MatchNote.OTHER_PLACE
    assert match_assignee("Phòng Nội vụ huyện Bình Sơn", binh_son()).codes == ("PNV",)


def test_pre_reform_department_is_not_in_the_2025_registry() -> None:
    """Sở NN&PTNT became Sở Nông nghiệp và Môi trường; no guessing across reforms."""
    assert match_assignee("Sở Nông nghiệp và Phát triển nông thôn", qn2025()).codes == ()
    assert match_assignee("UBND huyện Lý Sơn", qn2025()).codes == ()


# -- groups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "UBND các huyện, thị xã, thành phố",
        "Ủy ban nhân dân các huyện, thị xã, thành phố",
        "Chủ tịch UBND các huyện, thị xã, thành phố",
        "UBND các huyện, thành phố",
        "Ủy ban nhân dân cấp huyện",
    ],
)
def test_district_group_phrases(text: str) -> None:
    match = match_assignee(text, qn2024())
    assert match.status is S.GROUP
    assert match.codes == codes_of(qn2024(), AgencyCategory.HUYEN)
    assert len(match.codes) == 13


@pytest.mark.parametrize(
    "text",
    ["UBND các xã, phường, đặc khu", "Chủ tịch UBND các xã, phường", "Ủy ban nhân dân cấp xã"],
)
def test_commune_group_phrases(text: str) -> None:
    match = match_assignee(text, qn2025())
    assert match.status is S.GROUP
    assert match.codes == codes_of(qn2025(), AgencyCategory.XA)


def test_group_with_nobody_registered_says_so() -> None:
    match = match_assignee("UBND các huyện, thị xã, thành phố", qn2025())
    assert (match.status, match.codes, match.note) == (S.GROUP, (), MatchNote.EMPTY_GROUP)


def test_central_agencies_group() -> None:
    match = match_assignee("Các cơ quan TW trên địa bàn tỉnh", qn2024())
    assert match.codes == codes_of(qn2024(), AgencyCategory.TRUNG_UONG)
    assert "CA" in match.codes


def test_two_groups_in_one_phrase() -> None:
    match = match_assignee("Các sở, ban, ngành và địa phương", qn2024())
    want = codes_of(qn2024(), AgencyCategory.SO_NGANH) + codes_of(qn2024(), AgencyCategory.HUYEN)
    assert match.codes == want


@pytest.mark.parametrize(
    "text",
    [
        "các cơ quan, đơn vị liên quan",
        "các cơ quan, đơn vị, địa phương liên quan",
        "cơ quan liên quan",
        "Thủ trưởng các cơ quan, đơn vị",
        "các đơn vị có liên quan",
    ],
)
def test_vague_phrases_never_expand(text: str) -> None:
    match = match_assignee(text, qn2024())
    assert (match.status, match.codes, match.note) == (S.GROUP, (), MatchNote.UNSPECIFIED)


def test_qualified_group_does_not_expand_to_the_whole_category() -> None:
    match = match_assignee("các sở, ban, ngành liên quan", qn2024())
    assert (match.status, match.codes) == (S.GROUP, ())
    assert match.note == MatchNote.QUALIFIED_GROUP


# -- helpers and edge cases -----------------------------------------------------


def test_match_all_and_distinct_codes_keep_order() -> None:
    matches = match_all(["Sở Tư pháp", "STP", "các cơ quan liên quan", "Sở Nội vụ"], qn2024())
    assert [m.status for m in matches] == [S.EXACT, S.ABBREVIATION, S.GROUP, S.EXACT]
    assert matched_codes(matches) == ["STP", "SNV"]


def test_distinct_codes_can_leave_out_unconfirmed_spellings() -> None:
    matches = match_all(["Sở Tài chánh", "Sở Nội vụ"], qn2024())
    assert matched_codes(matches) == ["STC", "SNV"]
    assert matched_codes(matches, include_fuzzy=False) == ["SNV"]


def test_empty_text_is_unmatched() -> None:
    match = match_assignee("  ;  ", qn2024())
    assert (match.status, match.note) == (S.UNMATCHED, MatchNote.EMPTY)


def test_unknown_agency_is_unmatched() -> None:
    match = match_assignee("Sở Du hành vũ trụ", qn2024())
    assert match == AssigneeMatch("Sở Du hành vũ trụ", S.UNMATCHED)


def test_registry_rejects_duplicate_codes() -> None:
    with pytest.raises(ValueError, match="STP"):
        AgencyRegistry(
            [
                record("STP", "Sở Tư pháp", AgencyCategory.SO_NGANH),
                record("STP", "Sở Tài phán", AgencyCategory.SO_NGANH),
            ]
        )


def test_registry_reading_helpers() -> None:
    registry = qn2024()
    assert "STP" in registry
    assert registry.get("STP") is not None
    assert registry.get("NOPE") is None
    assert len(registry) == len(registry.records) == 51


def record(code: str, name: str, category: AgencyCategory) -> AgencyRecord:
    return AgencyRecord(code=code, name=name, category=category)
