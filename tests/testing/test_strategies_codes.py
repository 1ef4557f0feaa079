"""Tests of the strategies in careprotect.testing._codes: valid values that honour arguments."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.citizen_id import CitizenId, check_character
from careprotect.divisions import PROVINCE_CODES, Division, Level
from careprotect.enums import Sex
from careprotect.testing._codes import citizen_ids, division_codes, divisions
from support import first_example as find

_LEVELS = st.sampled_from(list(Level))

# --- divisions ---------------------------------------------------------------------------------


@given(divisions())
def test_divisions_are_valid(division: Division) -> None:
    """Each generated division re-parses to itself from its 12-digit code."""
    assert Division(division.code12) == division
    assert division.code[:2] in PROVINCE_CODES


@given(st.data(), _LEVELS)
def test_divisions_honour_level(data: st.DataObject, level: Level) -> None:
    """divisions(level=L) gives divisions of level L."""
    division = data.draw(divisions(level=level))
    assert division.level is level


@given(st.data(), divisions())
def test_divisions_honour_within(data: st.DataObject, within: Division) -> None:
    """divisions(within=W) gives W or divisions inside W."""
    division = data.draw(divisions(within=within))
    assert division.is_within(within)
    assert division.code12.startswith(within.code)


def _levels_from(top: Level) -> st.SearchStrategy[Level]:
    """The levels at or below ``top``."""
    return st.sampled_from([level for level in Level if level >= top])


@given(st.data(), divisions())
def test_divisions_honour_level_and_within(data: st.DataObject, within: Division) -> None:
    """divisions(level=L, within=W) gives level-L divisions inside W (W itself at W's level)."""
    level = data.draw(_levels_from(within.level))
    division = data.draw(divisions(level=level, within=within))
    assert division.level is level
    assert within.contains(division)
    if level == within.level:
        assert division == within


def test_divisions_in_a_plugin_scope() -> None:
    """Villages of Chibi 421281 are inside 421281 and at village level."""
    village = find(divisions(Level.VILLAGE, within=Division("421281")), lambda d: True)
    assert village.level is Level.VILLAGE
    assert village.code.startswith("421281")


def test_divisions_sometimes_skip_the_county_level() -> None:
    """Townships of cities without counties (zero county digits, as 441900003) are generated."""
    township = find(divisions(Level.TOWNSHIP), lambda d: d.code[4:6] == "00")
    assert township.level is Level.TOWNSHIP
    assert township.parent is not None
    assert township.parent.level is Level.PREFECTURE


def _is_level(level: Level) -> Callable[[Division], bool]:
    return lambda division: division.level is level


def test_divisions_cover_every_level_by_default() -> None:
    """With no arguments every level can come out."""
    found = {level: find(divisions(), _is_level(level)) for level in Level}
    assert {level: division.level for level, division in found.items()} == {
        level: level for level in Level
    }


def test_level_above_within_is_refused() -> None:
    """A province cannot lie within a county: the strategy raises InvalidArgument."""
    with pytest.raises(InvalidArgument, match="no province lies within county 421281"):
        divisions(Level.PROVINCE, within=Division("421281"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": 3}, "level must be a Level or None (got 3)"),
        ({"within": "43"}, "within must be a Division or None (got '43')"),
    ],
)
def test_divisions_refuse_wrong_argument_types(kwargs: dict[str, object], message: str) -> None:
    """Arguments of the wrong type raise InvalidArgument."""
    with pytest.raises(InvalidArgument) as info:
        divisions(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


# --- division_codes ----------------------------------------------------------------------------


@given(division_codes())
def test_division_codes_are_accepted_forms(code: str) -> None:
    """Raw codes have an accepted length and parse to the division of their significant prefix."""
    assert len(code) in (2, 4, 6, 9, 12)
    division = Division(code)
    assert code == division.code12[: len(code)]


@given(st.data(), divisions())
def test_division_codes_honour_level_and_within(data: st.DataObject, within: Division) -> None:
    """division_codes(level, within) are codes of level-L divisions inside W."""
    level = data.draw(_levels_from(within.level))
    division = Division(data.draw(division_codes(level=level, within=within)))
    assert division.level is level
    assert division.is_within(within)


def test_division_codes_include_padded_forms() -> None:
    """A province can come out padded to 12 digits."""
    assert find(division_codes(Level.PROVINCE), lambda c: len(c) == 12).endswith("0000000000")


# --- citizen_ids -------------------------------------------------------------------------------


@given(citizen_ids())
def test_citizen_ids_are_valid(cid: CitizenId) -> None:
    """Generated numbers validate and carry a county-level GB/T 2260 address by default."""
    number = cid.reveal()
    assert CitizenId(number) == cid
    assert check_character(number[:17]) == number[17]
    assert Division(cid.address_code).level is Level.COUNTY
    assert datetime.date(1900, 1, 1) <= cid.birth_date <= datetime.date.today()
    assert cid.sequence != "000"


@given(st.data(), st.dates(datetime.date(1900, 1, 1), datetime.date.today()))
def test_citizen_ids_honour_a_birth_date(data: st.DataObject, birth_date: datetime.date) -> None:
    """citizen_ids(birth_date=d) gives numbers born on d."""
    assert data.draw(citizen_ids(birth_date=birth_date)).birth_date == birth_date


def test_citizen_ids_refuse_a_birth_date_after_today() -> None:
    """A number born after today does not exist: citizen_ids refuses such a birth date."""
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(InvalidArgument, match="must not be after today"):
        citizen_ids(birth_date=tomorrow)


@given(citizen_ids(birth_date=st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))))
def test_citizen_ids_leave_out_later_dates_of_a_strategy(cid: CitizenId) -> None:
    """From a strategy of dates, those after today are filtered out."""
    assert datetime.date(2000, 1, 1) <= cid.birth_date <= datetime.date.today()


@given(citizen_ids(birth_date=st.dates(datetime.date(2008, 1, 1), datetime.date(2010, 12, 31))))
def test_citizen_ids_honour_a_birth_date_strategy(cid: CitizenId) -> None:
    """citizen_ids(birth_date=strategy) draws the birth date from the strategy."""
    assert datetime.date(2008, 1, 1) <= cid.birth_date <= datetime.date(2010, 12, 31)


@given(st.data(), st.sampled_from(list(Sex)))
def test_citizen_ids_honour_sex(data: st.DataObject, sex: Sex) -> None:
    """citizen_ids(sex=s) gives numbers whose sequence parity encodes s."""
    cid = data.draw(citizen_ids(sex=sex))
    assert cid.sex is sex
    assert int(cid.sequence) % 2 == (1 if sex is Sex.MALE else 0)


@given(st.data(), divisions())
def test_citizen_ids_honour_address(data: st.DataObject, address: Division) -> None:
    """The address digits are a county in the division, or the division's own county code."""
    cid = data.draw(citizen_ids(address=address))
    if address.level >= Level.COUNTY:
        assert cid.address_code == address.code6
    else:
        place = Division(cid.address_code)
        assert place.level is Level.COUNTY
        assert place.is_within(address)


def test_citizen_ids_produce_both_sexes_by_default() -> None:
    """Without sex, both parities come out."""
    assert find(citizen_ids(), lambda c: c.sex is Sex.MALE).sex is Sex.MALE
    assert find(citizen_ids(), lambda c: c.sex is Sex.FEMALE).sex is Sex.FEMALE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"birth_date": datetime.date(1899, 12, 31)}, "birth_date must be on or after 1900-01-01"),
        (
            {"birth_date": datetime.datetime(2010, 1, 1, 8, 0)},
            "birth_date must be a date, not a datetime",
        ),
        ({"sex": "male"}, "sex must be a Sex or None (got 'male')"),
        ({"address": "43"}, "address must be a Division or None (got '43')"),
    ],
)
def test_citizen_ids_refuse_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    """Bad arguments raise InvalidArgument with what was wrong."""
    with pytest.raises(InvalidArgument) as info:
        citizen_ids(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message
