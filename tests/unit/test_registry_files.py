"""Parsing registry files officers upload (YAML, CSV).

A bad file must come back with every problem and its line, so the officer
can fix it in one go, and must import nothing (all-or-nothing).
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain.agencies import AgencyCategory, AgencyRecord, AgencyRegistry, match_assignee
from bot.registry_files import (
    SAMPLE_REGISTRIES,
    ProblemCode,
    RegistryFileError,
    RegistryProblem,
    decode_registry_bytes,
    load_sample_registry,
    parse_registry,
    parse_registry_file,
    registry_format,
)

P = ProblemCode

GOOD_YAML = """\
territory: tỉnh Quảng Ngãi
agencies:
  - code: STP
    name: Sở Tư pháp
    aliases: [Sở TP]
    category: so_nganh
    head_title: Giám đốc
  - code: PTP_BS
    name: Phòng Tư pháp huyện Bình Sơn
    aliases:
      - Phòng TP Bình Sơn
    category: phong
    parent: STP
  - code: "NO"
    name: Cơ quan NO
    category: khac
"""

GOOD_CSV = """\
# territory: huyện Bình Sơn
code,name,aliases,category,parent
PNV,Phòng Nội vụ,Phòng NV;PNV,phong,
PTCKH,Phòng Tài chính - Kế hoạch,Phòng TC-KH,phong,PNV
"VP","Văn phòng HĐND và UBND huyện","VP HĐND&UBND huyện; Văn phòng HĐND, UBND huyện",phong,
"""

BAD_YAML = """\
agencies:
  - code: STP
    name: Sở Tư pháp
    category: so_nganh
  - code: stp-2
    name: Sở Tư Pháp
    category: sở ngành
  - code: STP
    category: so_nganh
    parent: XYZ
  - name: Sở Nội vụ
    category: so_nganh
    colour: red
  - code: AAA
    name: Cơ quan A
    category: khac
    parent: BBB
  - code: BBB
    name: Cơ quan B
    aliases: [Sở Tư pháp]
    category: khac
    parent: AAA
"""

BAD_YAML_PROBLEMS = [
    RegistryProblem(5, P.BAD_CODE, "stp-2"),
    RegistryProblem(6, P.DUPLICATE_NAME, "Sở Tư Pháp (line 3)"),
    RegistryProblem(7, P.UNKNOWN_CATEGORY, "sở ngành"),
    RegistryProblem(8, P.DUPLICATE_CODE, "STP (line 2)"),
    RegistryProblem(8, P.MISSING_NAME, "STP"),
    RegistryProblem(10, P.PARENT_NOT_FOUND, "XYZ"),
    RegistryProblem(11, P.MISSING_CODE),
    RegistryProblem(13, P.UNKNOWN_FIELD, "colour"),
    RegistryProblem(17, P.PARENT_CYCLE, "AAA"),
    RegistryProblem(20, P.DUPLICATE_ALIAS, "Sở Tư pháp (line 3)"),
    RegistryProblem(22, P.PARENT_CYCLE, "BBB"),
]


def problems_of(text: str, fmt: str) -> list[RegistryProblem]:
    with pytest.raises(RegistryFileError) as caught:
        parse_registry(text, fmt)  # type: ignore[arg-type]
    return list(caught.value.problems)


# -- good files ------------------------------------------------------------------


def test_good_yaml() -> None:
    parsed = parse_registry_file(GOOD_YAML, "yaml")
    assert parsed.territory == "tỉnh Quảng Ngãi"
    assert parsed.records == (
        AgencyRecord("STP", "Sở Tư pháp", ("Sở TP",), AgencyCategory.SO_NGANH, None, "Giám đốc"),
        AgencyRecord(
            "PTP_BS",
            "Phòng Tư pháp huyện Bình Sơn",
            ("Phòng TP Bình Sơn",),
            AgencyCategory.PHONG,
            "STP",
        ),
        AgencyRecord("NO", "Cơ quan NO", (), AgencyCategory.KHAC),
    )


def test_yaml_scalars_stay_as_written() -> None:
    """YAML 1.1 reads a bare NO as false; a code must stay "NO"."""
    text = "- code: NO\n  name: Cơ quan\n  category: khac\n"
    assert parse_registry(text, "yaml")[0].code == "NO"


def test_yaml_plain_list_form_and_alias_string() -> None:
    text = "- code: STP\n  name: Sở Tư pháp\n  aliases: STP; Sở TP\n  category: so_nganh\n"
    (record,) = parse_registry(text, "yaml")
    assert record.aliases == ("STP", "Sở TP")


def test_good_csv() -> None:
    parsed = parse_registry_file(GOOD_CSV, "csv")
    assert parsed.territory == "huyện Bình Sơn"
    assert [r.code for r in parsed.records] == ["PNV", "PTCKH", "VP"]
    assert parsed.records[0].aliases == ("Phòng NV", "PNV")
    assert parsed.records[1].parent_code == "PNV"
    assert parsed.records[2].aliases == ("VP HĐND&UBND huyện", "Văn phòng HĐND, UBND huyện")


def test_csv_with_byte_order_mark() -> None:
    """Excel's "CSV UTF-8" starts with a BOM; the header must still be read."""
    with_bom = "\ufeff" + GOOD_CSV
    assert parse_registry(with_bom, "csv") == parse_registry(GOOD_CSV, "csv")
    as_bytes = decode_registry_bytes(with_bom.encode("utf-8"))
    assert parse_registry(as_bytes, "csv") == parse_registry(GOOD_CSV, "csv")


def test_csv_header_case_and_optional_columns() -> None:
    text = "Code, Name ,Category\nSTP,Sở Tư pháp,SO_NGANH\n"
    assert parse_registry(text, "csv") == [
        AgencyRecord("STP", "Sở Tư pháp", (), AgencyCategory.SO_NGANH)
    ]


def test_reparse_is_deterministic() -> None:
    assert parse_registry_file(GOOD_YAML, "yaml") == parse_registry_file(GOOD_YAML, "yaml")
    assert problems_of(BAD_YAML, "yaml") == problems_of(BAD_YAML, "yaml")


# -- bad files ----------------------------------------------------------------------


def test_bad_yaml_lists_every_problem_with_its_line() -> None:
    assert problems_of(BAD_YAML, "yaml") == BAD_YAML_PROBLEMS


def test_bad_file_imports_nothing() -> None:
    with pytest.raises(RegistryFileError) as caught:
        parse_registry_file(BAD_YAML, "yaml")
    assert "line 5: bad_code stp-2" in str(caught.value)


def test_bad_csv_lists_every_problem_with_its_line() -> None:
    text = (
        "code,name,aliases,category,parent\n"  # 1
        "STP,Sở Tư pháp,STP;Sở TP,so_nganh,\n"  # 2
        ",Không có mã,,khac,\n"  # 3
        "SNV,Sở Nội vụ,,so ngành,\n"  # 4
        "SNV,Sở Nội vụ mới,,khac,ZZ,thừa\n"  # 5
        '"X1","Tên viết\n'  # 6
        'hai dòng",,khac,\n'  # 7
        "bad code,Y,,khac,\n"  # 8
        "SYT,,,,\n"  # 9
    )
    assert problems_of(text, "csv") == [
        RegistryProblem(3, P.MISSING_CODE),
        RegistryProblem(4, P.UNKNOWN_CATEGORY, "so ngành"),
        RegistryProblem(5, P.BAD_ROW, "6 cells, header has 5"),
        RegistryProblem(5, P.DUPLICATE_CODE, "SNV (line 4)"),
        RegistryProblem(5, P.PARENT_NOT_FOUND, "ZZ"),
        RegistryProblem(8, P.BAD_CODE, "bad code"),
        RegistryProblem(9, P.MISSING_CATEGORY),
        RegistryProblem(9, P.MISSING_NAME, "SYT"),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "agencies: [1",
            RegistryProblem(1, P.MALFORMED, "expected ',' or ']', but got '<stream end>'"),
        ),
        ("", RegistryProblem(1, P.EMPTY)),
        ("agencies: 3", RegistryProblem(1, P.BAD_STRUCTURE, "expected 'agencies:' list")),
        ("just text", RegistryProblem(1, P.BAD_STRUCTURE, "expected a list of agencies")),
        ("- a\n", RegistryProblem(1, P.BAD_STRUCTURE, "expected code, name, category ...")),
    ],
)
def test_malformed_yaml(text: str, problem: RegistryProblem) -> None:
    assert problems_of(text, "yaml") == [problem]


def test_yaml_error_line_is_where_the_parser_stopped() -> None:
    text = "- code: STP\n  name: Sở Tư pháp\n  category: [so_nganh\n- code: SNV\n"
    (problem,) = problems_of(text, "yaml")
    assert problem.code is P.MALFORMED
    assert problem.line == 4


def test_yaml_duplicate_key_in_one_entry() -> None:
    text = "- code: STP\n  name: Sở Tư pháp\n  name: Sở Tư pháp 2\n  category: so_nganh\n"
    assert problems_of(text, "yaml") == [RegistryProblem(3, P.DUPLICATE_FIELD, "name")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "code;name;category\nA;b;khac\n",
            RegistryProblem(1, P.MALFORMED, "cells separated by ';', expected ','"),
        ),
        ("name,category\nx,khac\n", RegistryProblem(1, P.BAD_HEADER, "code")),
        ("code,name,category\n", RegistryProblem(1, P.EMPTY)),
        ("", RegistryProblem(1, P.EMPTY, "no header row")),
        (
            'code,name,category\n"STP,Sở,khac\n',
            RegistryProblem(2, P.MALFORMED, "unexpected end of data"),
        ),
    ],
)
def test_malformed_csv(text: str, problem: RegistryProblem) -> None:
    assert problems_of(text, "csv") == [problem]


def test_unknown_csv_column() -> None:
    text = "code,name,category,colour\nSTP,Sở Tư pháp,so_nganh,red\n"
    assert problems_of(text, "csv") == [RegistryProblem(1, P.UNKNOWN_FIELD, "colour")]


def test_not_utf8() -> None:
    data = "code,name,category\nSTP,Sở Tư pháp,so_nganh\n".encode("cp1258", errors="replace")
    with pytest.raises(RegistryFileError) as caught:
        decode_registry_bytes(data)
    assert caught.value.problems == (RegistryProblem(2, P.ENCODING),)


def test_registry_format_from_file_name() -> None:
    assert registry_format("co_quan.YAML") == "yaml"
    assert registry_format("co_quan.yml") == "yaml"
    assert registry_format("co_quan.csv") == "csv"
    assert registry_format("co_quan.xlsx") is None


# -- shipped samples ----------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_REGISTRIES)
def test_sample_registry_parses_cleanly(name: str) -> None:
    fmt = registry_format(name)
    assert fmt is not None
    parsed = parse_registry_file(load_sample_registry(name), fmt)
    assert parsed.records
    assert parsed.territory
    AgencyRegistry(parsed.records, parsed.territory)  # no duplicate codes


def test_sample_registry_contents() -> None:
    def categories(name: str) -> Counter[str]:
        fmt = registry_format(name)
        assert fmt is not None
        return Counter(r.category.value for r in parse_registry(load_sample_registry(name), fmt))

    assert categories("quang_ngai_2024.yaml") == {
        "so_nganh": 20,
        "huyen": 13,
        "trung_uong": 10,
        "khac": 8,
    }
    assert categories("quang_ngai_2025.yaml")["so_nganh"] == 14
    assert categories("quang_ngai_2025.yaml")["huyen"] == 0  # no district level after 2025
    assert categories("binh_son_2024.csv") == {"phong": 12}


def test_every_sample_alias_matches_its_own_agency() -> None:
    """A sample alias that matched nothing, or something else, would mislead a new user."""
    for name in SAMPLE_REGISTRIES:
        fmt = registry_format(name)
        assert fmt is not None
        parsed = parse_registry_file(load_sample_registry(name), fmt)
        registry = AgencyRegistry(parsed.records, parsed.territory)
        for record in parsed.records:
            for text in (record.name, *record.aliases):
                assert match_assignee(text, registry).codes == (record.code,), (name, text)


def test_unknown_sample_name() -> None:
    with pytest.raises(KeyError):
        load_sample_registry("ha_noi.yaml")
