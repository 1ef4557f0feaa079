"""Tests of careprotect.divisions: GB/T 2260 and statistical division codes (POLICY.md §1)."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from careprotect.divisions import (
    HAINAN_1988_CODES,
    PROVINCE_CODES,
    Division,
    Level,
    from_normal_code,
)
from careprotect.errors import InvalidDivisionError, InvalidValueError
from careprotect.testing._codes import divisions

# --- Level -------------------------------------------------------------------------------------


def test_levels_have_their_digit_counts_and_labels() -> None:
    """Each level names how many leading digits identify it and has an English label."""
    assert [(int(level), level.digits, level.label) for level in Level] == [
        (1, 2, "province"),
        (2, 4, "prefecture"),
        (3, 6, "county"),
        (4, 9, "township"),
        (5, 12, "village"),
    ]


# --- Province codes ----------------------------------------------------------------------------


def test_province_codes_are_the_34_gbt2260_prefixes() -> None:
    """The 34 province-level prefixes of GB/T 2260, in code order."""
    assert list(PROVINCE_CODES) == [
        *("11", "12", "13", "14", "15", "21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82"),
    ]


def test_province_names_of_the_bundled_plugins_and_ends_of_the_table() -> None:
    """Province names are the official Chinese names."""
    assert PROVINCE_CODES["11"] == "北京市"
    assert PROVINCE_CODES["42"] == "湖北省"
    assert PROVINCE_CODES["43"] == "湖南省"
    assert PROVINCE_CODES["65"] == "新疆维吾尔自治区"
    assert PROVINCE_CODES["71"] == "台湾省"
    assert PROVINCE_CODES["81"] == "香港特别行政区"
    assert PROVINCE_CODES["82"] == "澳门特别行政区"


def test_province_codes_are_read_only() -> None:
    """The table cannot be changed by a caller."""
    with pytest.raises(TypeError):
        PROVINCE_CODES["99"] = "nowhere"  # type: ignore[index]


# --- Normalisation -----------------------------------------------------------------------------


def test_padded_forms_of_a_province_are_the_same_division() -> None:
    """'43', '430000' and '430000000000' normalise to the code '43'."""
    assert Division("430000") == Division("43") == Division("430000000000")
    assert Division("430000000000").code == "43"
    assert hash(Division("430000")) == hash(Division("43"))
    assert len({Division("43"), Division("4300"), Division("430000"), Division("430000000")}) == 1


@pytest.mark.parametrize(
    ("given_code", "normalised"),
    [
        ("430124101201", "430124101201"),
        ("430124101000", "430124101"),
        ("430124000000", "430124"),
        ("430100", "4301"),
        ("4301", "4301"),
        ("421281", "421281"),
    ],
)
def test_code_keeps_the_significant_prefix(given_code: str, normalised: str) -> None:
    """Trailing all-zero levels are dropped; zeros inside a level are kept."""
    assert Division(given_code).code == normalised


def test_zero_digits_inside_a_nonzero_level_are_significant() -> None:
    """'430100' has prefecture '01': only whole zero levels are dropped, so it is not '43'."""
    assert Division("430100").level is Level.PREFECTURE
    assert Division("430100") != Division("43")


def test_division_is_frozen() -> None:
    """A division cannot be changed after it is made."""
    division = Division("43")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        division.code = "42"  # type: ignore[misc]


# --- Errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (43, "division code must be a string of digits (got int 43)"),
        (None, "division code must be a string of digits (got NoneType None)"),
        (b"43", "division code must be a string of digits (got bytes b'43')"),
        ("43012", "division code must have 2, 4, 6, 9 or 12 digits (got 5 digits: '43012')"),
        ("", "division code must have 2, 4, 6, 9 or 12 digits (got 0 digits: '')"),
        ("4301240", "division code must have 2, 4, 6, 9 or 12 digits (got 7 digits: '4301240')"),
        ("43a", "division code must contain only the digits 0-9 (got '43a')"),
        ("43 01", "division code must contain only the digits 0-9 (got a string of 5 characters)"),
        (
            " 430000",
            "division code must contain only the digits 0-9 (got a string of 7 characters)",
        ),
        ("-43", "division code must contain only the digits 0-9 (got '-43')"),
        ("４３", "division code must contain only the digits 0-9 (got a string of 2 characters)"),
        (
            "990000",
            "division code starts with '99', which is not a province code of GB/T 2260"
            " (got '990000')",
        ),
        (
            "00",
            "division code starts with '00', which is not a province code of GB/T 2260 (got '00')",
        ),
        (
            "830000",
            "division code starts with '83', which is not a province code of GB/T 2260"
            " (got '830000')",
        ),
        (
            "430024",
            "division code has a zero prefecture level above a non-zero county level"
            " (got '430024')",
        ),
        (
            "430000101000",
            "division code has a zero prefecture level above a non-zero township level"
            " (got '430000101000')",
        ),
        (
            "430124000201",
            "division code has a zero township level above a non-zero village level"
            " (got '430124000201')",
        ),
        (
            "441900000201",
            "division code has a zero township level above a non-zero village level"
            " (got '441900000201')",
        ),
    ],
)
def test_invalid_codes_are_refused_with_a_precise_message(bad: object, message: str) -> None:
    """Each kind of bad code raises InvalidDivisionError saying what is wrong and the code."""
    with pytest.raises(InvalidDivisionError) as info:
        Division(bad)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_division_error_is_a_value_error_with_a_field_free_problem() -> None:
    """The error is a ValueError; its problem text has no field name, for_field adds one."""
    with pytest.raises(ValueError, match="must have") as info:
        Division("43012")
    error = info.value
    assert isinstance(error, InvalidDivisionError)
    assert isinstance(error, InvalidValueError)
    assert error.problem == "must have 2, 4, 6, 9 or 12 digits (got 5 digits: '43012')"
    assert str(error.for_field("division")) == (
        "'division' must have 2, 4, 6, 9 or 12 digits (got 5 digits: '43012')"
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            "11010519491231002X",
            "division code must contain only the digits 0-9 (got '110105********002X')",
        ),
        (
            "110105194912310021",
            "division code must have 2, 4, 6, 9 or 12 digits (got 18 digits: '110105********0021')",
        ),
        (
            110105194912310021,
            "division code must be a string of digits (got int 110105********0021)",
        ),
    ],
)
def test_a_citizen_id_given_as_a_division_code_is_shown_masked(bad: object, message: str) -> None:
    """A value longer than 12 characters (perhaps an ID number) is masked in the message."""
    with pytest.raises(InvalidDivisionError) as info:
        Division(bad)  # type: ignore[arg-type]
    assert str(info.value) == message


# --- Cities without counties -------------------------------------------------------------------


def test_township_of_a_city_without_counties_is_accepted() -> None:
    """441900003000 (a street of 东莞 4419): a zero county under a prefecture is allowed."""
    township = Division("441900003000")
    assert township.code == "441900003"
    assert township.level is Level.TOWNSHIP
    assert township.code6 == "441900"
    assert township.parent == Division("4419")
    assert township.ancestors == (Division("44"), Division("4419"))
    assert Division("4419").contains(township)
    assert Division("441900").contains(township)


# --- Levels and parents of the plugins' codes --------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("42", Level.PROVINCE, None),
        ("4212", Level.PREFECTURE, "42"),
        ("421202", Level.COUNTY, "4212"),
        ("421281", Level.COUNTY, "4212"),
        ("43", Level.PROVINCE, None),
        ("4331", Level.PREFECTURE, "43"),
        ("433122", Level.COUNTY, "4331"),
    ],
)
def test_bundled_plugin_codes_parse_at_their_levels(
    code: str, level: Level, parent: str | None
) -> None:
    """The codes of the bundled plugins (Hubei, Xianning, Chibi; Hunan, Xiangxi, Luxi)."""
    division = Division(code)
    assert division.code == code
    assert division.level is level
    assert division.parent == (Division(parent) if parent is not None else None)


def test_village_ancestors_run_from_province_down() -> None:
    """430124101201's ancestors are 43, 4301, 430124 and 430124101."""
    village = Division("430124101201")
    assert village.level is Level.VILLAGE
    assert village.ancestors == (
        Division("43"),
        Division("4301"),
        Division("430124"),
        Division("430124101"),
    )
    assert village.parent == Division("430124101")
    assert village.province == Division("43")


def test_province_has_no_parent_or_ancestors_and_is_its_own_province() -> None:
    """A province is the top level."""
    hunan = Division("43")
    assert hunan.parent is None
    assert hunan.ancestors == ()
    assert hunan.province is hunan


@pytest.mark.parametrize(
    ("code", "code6", "code12"),
    [
        ("43", "430000", "430000000000"),
        ("4331", "433100", "433100000000"),
        ("433122", "433122", "433122000000"),
        ("430124101", "430124", "430124101000"),
        ("430124101201", "430124", "430124101201"),
    ],
)
def test_six_and_twelve_digit_forms(code: str, code6: str, code12: str) -> None:
    """code6 is the GB/T 2260 form (a county's for townships and villages); code12 pads to 12."""
    division = Division(code)
    assert division.code6 == code6
    assert division.code12 == code12


def test_str_and_repr_show_the_normalised_code() -> None:
    """str is the code; repr reads back as the constructor call."""
    division = Division("430124000000")
    assert str(division) == "430124"
    assert repr(division) == "Division('430124')"


# --- Containment -------------------------------------------------------------------------------


def test_province_contains_its_village() -> None:
    """Division('43') contains Division('430124101201'), and not the other way round."""
    hunan = Division("43")
    village = Division("430124101201")
    assert hunan.contains(village)
    assert village in hunan
    assert village.is_within(hunan)
    assert not village.contains(hunan)
    assert hunan not in village
    assert not hunan.is_within(village)


def test_division_contains_itself() -> None:
    """Containment is reflexive."""
    chibi = Division("421281")
    assert chibi.contains(chibi)
    assert chibi in chibi
    assert chibi.is_within(chibi)


def test_siblings_and_other_provinces_are_not_contained() -> None:
    """Xian'an 421202 is not in Chibi 421281; Hunan 43 does not contain Hubei's 4212."""
    assert not Division("421281").contains(Division("421202"))
    assert not Division("43").contains(Division("4212"))
    assert Division("4212").contains(Division("421202"))
    assert Division("4212").contains(Division("421281"))


def test_in_with_a_string_is_a_type_error() -> None:
    """'in' takes a Division, not a code string, rather than silently answering False."""
    with pytest.raises(TypeError, match=r"needs a Division on the left \(got str\)"):
        _ = "430124" in Division("43")


# --- Ordering ----------------------------------------------------------------------------------


def test_divisions_sort_by_twelve_digit_code() -> None:
    """A province sorts before its prefectures, which sort before the next province."""
    codes = ["433122", "42", "4331", "43", "421281", "4212", "421202", "430124101201"]
    assert [str(d) for d in sorted(Division(c) for c in codes)] == [
        "42",
        "4212",
        "421202",
        "421281",
        "43",
        "430124101201",
        "4331",
        "433122",
    ]


def test_comparison_with_another_type_is_refused() -> None:
    """Ordering is only between divisions."""
    with pytest.raises(TypeError):
        _ = Division("43") < "44"  # type: ignore[operator]


# --- Properties --------------------------------------------------------------------------------


def _contains_by_code12(outer: Division, inner: Division) -> bool:
    """Containment computed independently: inner's 12-digit code agrees on outer's levels."""
    digits = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}[int(outer.level)]
    return inner.code12[:digits] == outer.code12[:digits]


@st.composite
def division_pairs(draw: st.DrawFn) -> tuple[Division, Division]:
    """Pairs that are unrelated, nested either way, or siblings, in comparable numbers."""
    first = draw(divisions())
    related = [*first.ancestors, first]
    kind = draw(st.sampled_from(["unrelated", "ancestor", "descendant", "kin"]))
    if kind == "unrelated":
        return first, draw(divisions())
    if kind == "ancestor":
        return draw(st.sampled_from(related)), first
    if kind == "descendant":
        return first, draw(divisions(within=first))
    # kin: anything under one of first's ancestors (siblings, cousins, nephews)
    return first, draw(divisions(within=draw(st.sampled_from(related))))


@given(division_pairs())
def test_contains_is_a_prefix_test_at_level_boundaries(pair: tuple[Division, Division]) -> None:
    """A division contains exactly the divisions whose code12 agrees with it on its levels."""
    outer, inner = pair
    expected = _contains_by_code12(outer, inner)
    assert outer.contains(inner) is expected
    assert (inner in outer) is expected
    assert inner.is_within(outer) is expected


@given(division_pairs())
def test_containment_both_ways_means_equal(pair: tuple[Division, Division]) -> None:
    """Containment is antisymmetric."""
    a, b = pair
    assert (a.contains(b) and b.contains(a)) is (a == b)


@given(divisions())
def test_every_padded_form_parses_to_the_same_division(division: Division) -> None:
    """The code and each 2/4/6/9/12-digit form at least as long parse to the same division."""
    assert Division(division.code) == division
    for length in (2, 4, 6, 9, 12):
        prefix = division.code12[:length]
        if length >= len(division.code):
            assert Division(prefix) == division
            assert hash(Division(prefix)) == hash(division)
        else:
            assert Division(prefix) in division.ancestors


@given(divisions())
def test_level_is_given_by_the_normalised_length(division: Division) -> None:
    """The level's digit count is the normalised code's length."""
    assert division.level.digits == len(division.code)
    assert division.code12 == division.code + "0" * (12 - len(division.code))
    assert division.code6 == division.code12[:6]


@given(divisions())
def test_parent_and_ancestors_are_consistent(division: Division) -> None:
    """Ancestors run from the province down, each higher and containing the division."""
    ancestors = division.ancestors
    if division.level is Level.PROVINCE:
        assert division.parent is None
        assert ancestors == ()
        return
    assert division.parent == ancestors[-1]
    assert ancestors[0] == division.province
    assert division.province.level is Level.PROVINCE
    levels = [a.level for a in ancestors]
    assert levels == sorted(set(levels))
    assert levels[-1] < division.level
    assert all(a.contains(division) and a != division for a in ancestors)
    parent = division.parent
    assert parent is not None
    assert (*parent.ancestors, parent) == ancestors
    # The only level that can be missing is a county (a city without counties).
    missing = set(range(1, int(division.level))) - {int(level) for level in levels}
    assert missing <= {int(Level.COUNTY)}


@given(st.lists(divisions(), max_size=12))
def test_sorting_follows_code12(items: list[Division]) -> None:
    """Sorted divisions are in code12 order."""
    assert [d.code12 for d in sorted(items)] == sorted(d.code12 for d in items)


@given(division_pairs())
def test_comparisons_agree_with_code12(pair: tuple[Division, Division]) -> None:
    """<, <=, >, >= and == agree with comparing code12 strings."""
    a, b = pair
    assert (a < b) is (a.code12 < b.code12)
    assert (a <= b) is (a.code12 <= b.code12)
    assert (a > b) is (a.code12 > b.code12)
    assert (a >= b) is (a.code12 >= b.code12)
    assert (a == b) is (a.code12 == b.code12)


# --- Real codes of POLICY.md §1 (issue 17) -----------------------------------------------------

HAINAN_1988 = [f"4600{n:02d}" for n in (*range(1, 8), *range(21, 40))]


def test_the_hainan_codes_of_1988_to_2002_are_the_26_of_the_policy() -> None:
    """460001-460007 and 460021-460039, and no other code with a zero prefecture level."""
    assert len(HAINAN_1988) == 26
    assert sorted(HAINAN_1988_CODES) == HAINAN_1988


@pytest.mark.parametrize("code", HAINAN_1988)
def test_every_hainan_county_code_of_1988_to_2002_is_accepted(code: str) -> None:
    """Each Hainan 4600xx code is a county directly under the province, in any padded form."""
    division = Division(code)
    assert division.code == code
    assert division.level is Level.COUNTY
    assert division.code6 == code
    assert division.code12 == code + "000000"
    assert division.parent == Division("46")
    assert division.ancestors == (Division("46"),)
    assert division.province == Division("46")
    assert Division("46").contains(division)
    assert not Division("4601").contains(division)
    assert Division(code + "000") == Division(code + "000000") == division


@pytest.mark.parametrize("code", ["460008", "460020", "460040", "460099", "430001", "440021"])
def test_other_codes_with_a_zero_prefecture_are_still_refused(code: str) -> None:
    """Only the 26 Hainan codes are exceptions: 460008, 460040 and 430001 are refused."""
    with pytest.raises(InvalidDivisionError) as info:
        Division(code)
    assert str(info.value) == (
        f"division code has a zero prefecture level above a non-zero county level (got '{code}')"
    )


@pytest.mark.parametrize("code", ["460001101", "460021101201", "460039000001"])
def test_nothing_lies_below_a_hainan_code_of_1988_to_2002(code: str) -> None:
    """No statistical code lies below them (those began in 2009): refused, saying why."""
    with pytest.raises(InvalidDivisionError) as info:
        Division(code)
    assert str(info.value) == (
        "division code has a level below a Hainan county code of 1988-2002, which has none"
        f" (got '{code}')"
    )


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("4419", Level.PREFECTURE, "44"),  # 东莞, no counties
        ("441900003", Level.TOWNSHIP, "4419"),
        ("4420", Level.PREFECTURE, "44"),  # 中山
        ("442000100", Level.TOWNSHIP, "4420"),
        ("4604", Level.PREFECTURE, "46"),  # 儋州
        ("460400100", Level.TOWNSHIP, "4604"),
        ("469001", Level.COUNTY, "4690"),  # 五指山, county-level city directly under Hainan
        ("419001", Level.COUNTY, "4190"),  # 济源
        ("429004", Level.COUNTY, "4290"),  # 仙桃
        ("430171", Level.COUNTY, "4301"),  # a development zone (county digits 71-80)
        ("370180", Level.COUNTY, "3701"),
        ("430124101", Level.TOWNSHIP, "430124"),
        ("430124599", Level.TOWNSHIP, "430124"),
        ("430124101201", Level.VILLAGE, "430124101"),
    ],
)
def test_real_kinds_of_code_are_accepted(code: str, level: Level, parent: str) -> None:
    """Prefectures without counties, xx90xx cities, development zones, townships 1xx-5xx."""
    division = Division(code)
    assert division.level is level
    assert division.parent == Division(parent)


def test_a_division_is_rebuilt_from_its_normal_code() -> None:
    """from_normal_code gives back the division a normalised code came from, equal in every
    respect, for every level."""
    for code in ("43", "430100", "430124", "430124101", "430124101201", "441900003"):
        division = Division(code)
        rebuilt = from_normal_code(division.code)
        assert rebuilt == division
        assert (rebuilt.level, rebuilt.code12, rebuilt.ancestors) == (
            division.level,
            division.code12,
            division.ancestors,
        )
