"""Tests of careprotect.citizen_id: GB 11643-1999 citizen ID numbers (POLICY.md §1, §9)."""

from __future__ import annotations

import datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from careprotect.citizen_id import CitizenId, check_character
from careprotect.enums import Sex
from careprotect.errors import InvalidCitizenIdError, InvalidValueError
from careprotect.testing._codes import citizen_ids

EXAMPLE = "11010519491231002X"  # the valid number cited in POLICY.md §1

# --- The check character (ISO 7064 MOD 11-2) ---------------------------------------------------


def test_check_character_of_the_policy_example() -> None:
    """11010519491231002: weighted sum 167, 167 mod 11 = 2, '10X98765432'[2] = 'X'."""
    assert check_character("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("00000000000000000", "1"),  # sum 0 -> index 0
        ("11111111111111111", "0"),  # sum of the weights 100, 100 mod 11 = 1 -> index 1
        ("10000000000000000", "5"),  # weight 7 -> index 7
        ("00000000000000001", "X"),  # weight 2 -> index 2
        ("00000000000000009", "5"),  # 9 * 2 = 18, 18 mod 11 = 7 -> index 7
        # 4*7 + 3*9 + 3*10 + 1*5 + 2*8 + 2*4 + 2*2 + 0*1 + 1*6 + 5*3 + 0*7 + 6*9 + 0*10 + 1*5
        # + 0*8 + 0*4 + 7*2 = 212, 212 mod 11 = 3 -> index 3
        ("43312220150601007", "9"),
    ],
)
def test_hand_computed_check_characters(first17: str, expected: str) -> None:
    """Check characters worked out by hand from the weights and the mapping."""
    assert check_character(first17) == expected


def test_each_position_has_its_weight() -> None:
    """A single 1 at position i gives '10X98765432'[w_i] for weights 7 9 10 5 8 4 2 1 6 3 ..."""
    # weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 map to 5 3 2 7 4 8 X 0 6 9 5 3 2 7 4 8 X
    characters = "".join(check_character("0" * i + "1" + "0" * (16 - i)) for i in range(17))
    assert characters == "532748X069532748X"


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310021", "1101051949123100a"])
def test_check_character_needs_17_digits(bad: str) -> None:
    """check_character refuses anything but 17 digits, without printing the input."""
    with pytest.raises(InvalidCitizenIdError) as info:
        check_character(bad)
    assert str(info.value) == (
        f"citizen ID check character needs 17 digits (got {len(bad)} characters)"
    )


# --- The policy example ------------------------------------------------------------------------


def test_policy_example_is_valid_with_its_parts() -> None:
    """11010519491231002X: address 110105, born 1949-12-31, sequence 002 (even: female)."""
    cid = CitizenId(EXAMPLE)
    assert cid.reveal() == EXAMPLE
    assert cid.address_code == "110105"
    assert cid.birth_date == datetime.date(1949, 12, 31)
    assert cid.sequence == "002"
    assert cid.sex is Sex.FEMALE


def test_odd_sequence_is_male() -> None:
    """Sequence 001 is odd, so male (sum 167 - 2 = 165, 165 mod 11 = 0, check character 1)."""
    cid = CitizenId("110105194912310011")
    assert cid.sequence == "001"
    assert cid.sex is Sex.MALE


def test_lower_case_x_is_normalised() -> None:
    """A final 'x' is stored as 'X'; the two spellings are equal and hash alike."""
    lower = CitizenId("11010519491231002x")
    assert lower.reveal() == EXAMPLE
    assert lower == CitizenId(EXAMPLE)
    assert hash(lower) == hash(CitizenId(EXAMPLE))


def test_masked_form_hides_the_birth_date() -> None:
    """The masked form keeps the first six and last four characters."""
    assert CitizenId(EXAMPLE).masked == "110105********002X"


def test_str_repr_and_format_show_only_the_masked_form() -> None:
    """str, repr and format never show the number."""
    cid = CitizenId(EXAMPLE)
    assert str(cid) == "110105********002X"
    assert repr(cid) == "CitizenId('110105********002X')"
    assert f"{cid}" == "110105********002X"
    assert f"[{cid:>20}]" == "[  110105********002X]"
    assert repr([cid]) == "[CitizenId('110105********002X')]"


def test_different_numbers_are_unequal() -> None:
    """Equality is by the full number."""
    assert CitizenId(EXAMPLE) != CitizenId("110105194912310011")


def test_citizen_id_is_frozen() -> None:
    """A citizen ID cannot be changed after it is made."""
    cid = CitizenId(EXAMPLE)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        cid._value = "110105194912310011"  # type: ignore[misc]


def test_the_value_field_is_not_in_the_attrs_repr() -> None:
    """The attrs field is declared repr=False, so generic attrs tooling does not print it."""
    assert [(field.name, field.repr) for field in attrs.fields(CitizenId)] == [("_value", False)]


# --- Building ----------------------------------------------------------------------------------


def test_build_computes_the_check_character() -> None:
    """build(110105, 1949-12-31, 2) is the policy example."""
    assert CitizenId.build("110105", datetime.date(1949, 12, 31), 2) == CitizenId(EXAMPLE)


def test_build_pads_the_sequence() -> None:
    """Sequence 7 becomes '007'."""
    cid = CitizenId.build("433122", datetime.date(2015, 6, 1), 7)
    assert cid.sequence == "007"
    assert cid.address_code == "433122"
    assert cid.birth_date == datetime.date(2015, 6, 1)
    assert cid.sex is Sex.MALE


@pytest.mark.parametrize(
    ("address_code", "birth_date", "sequence", "message"),
    [
        ("11010", datetime.date(2015, 6, 1), 2, "address code must have 6 digits (got '11010')"),
        ("11010a", datetime.date(2015, 6, 1), 2, "address code must have 6 digits (got '11010a')"),
        ("110105", datetime.date(1899, 12, 31), 2, "birth date must be on or after 1900-01-01"),
        (
            "110105",
            datetime.datetime(2015, 6, 1, 12, 0),
            2,
            "birth date must be a datetime.date (got datetime)",
        ),
        (
            "110105",
            datetime.date(2015, 6, 1),
            1000,
            "sequence must be an int from 0 to 999 (got 1000)",
        ),
        ("110105", datetime.date(2015, 6, 1), -1, "sequence must be an int from 0 to 999 (got -1)"),
        (
            "110105",
            datetime.date(2015, 6, 1),
            True,
            "sequence must be an int from 0 to 999 (got True)",
        ),
    ],
)
def test_build_refuses_bad_parts(
    address_code: str, birth_date: datetime.date, sequence: int, message: str
) -> None:
    """build says which part is wrong, and never prints the birth date."""
    with pytest.raises(InvalidCitizenIdError) as info:
        CitizenId.build(address_code, birth_date, sequence)
    assert str(info.value) == f"citizen ID {message}"


# --- Errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (110105194912310021, "must be a string (got int)"),
        (None, "must be a string (got NoneType)"),
        (
            "110105491231002",
            "has the 15-digit form used before GB 11643-1999, which is not accepted:"
            " convert it to the 18-character form (got 15 digits)",
        ),
        ("11010519491231002", "must have 18 characters (got 17)"),
        ("11010519491231002XX", "must have 18 characters (got 19)"),
        ("", "must have 18 characters (got 0)"),
        ("11010549123100X", "must have 18 characters (got 15)"),
        (
            "1101051949123a002X",
            "must have only digits 0-9 in its first 17 characters, but character 14 is not one"
            " (got '110105********002X')",
        ),
        (
            "X10105194912310021",
            "must have only digits 0-9 in its first 17 characters, but character 1 is not one"
            " (got 'X10105********0021')",
        ),
        (
            "11010519491231002Y",
            "must end in a digit 0-9 or X (got '110105********002Y')",
        ),
        (
            "110105194902300021",
            "has birth-date digits that are not a date (got '110105********0021')",
        ),
        (
            "110105194913010021",
            "has birth-date digits that are not a date (got '110105********0021')",
        ),
        (
            "110105189912310021",
            "has a birth date before 1900 (got '110105********0021')",
        ),
        (
            "110105194912310021",
            "has a wrong check character (got '110105********0021')",
        ),
        (
            "110105194912310023",
            "has a wrong check character (got '110105********0023')",
        ),
    ],
)
def test_invalid_numbers_are_refused_with_a_masked_message(bad: object, message: str) -> None:
    """Each kind of bad number raises InvalidCitizenIdError; the message shows it masked."""
    with pytest.raises(InvalidCitizenIdError) as info:
        CitizenId(bad)  # type: ignore[arg-type]
    assert str(info.value) == f"citizen ID {message}"
    assert info.value.problem == message
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ or info.value.__context__ is None


def test_citizen_id_error_is_a_value_error_attributable_to_a_field() -> None:
    """The error is a ValueError and an InvalidValueError; for_field names the field."""
    with pytest.raises(ValueError, match="wrong check character") as info:
        CitizenId("110105194912310021")
    error = info.value
    assert isinstance(error, InvalidValueError)
    assert str(error.for_field("citizen_id")) == (
        "'citizen_id' has a wrong check character (got '110105********0021')"
    )


# --- Properties --------------------------------------------------------------------------------

_CHARACTERS = "0123456789X"


@given(citizen_ids())
def test_every_generated_number_is_valid(cid: CitizenId) -> None:
    """A generated number validates, round-trips, and ends in its check character."""
    number = cid.reveal()
    assert CitizenId(number) == cid
    assert CitizenId(number.lower()) == cid
    assert check_character(number[:17]) == number[17]
    assert cid.sex is (Sex.MALE if int(number[16]) % 2 else Sex.FEMALE)
    assert f"{cid.birth_date:%Y%m%d}" == number[6:14]


@st.composite
def substitutions(draw: st.DrawFn) -> tuple[str, str]:
    """A valid number and a copy with one character changed to another of 0-9 or X."""
    number = draw(citizen_ids()).reveal()
    position = draw(st.integers(0, 17))
    replacement = draw(st.sampled_from([c for c in _CHARACTERS if c != number[position]]))
    return number, number[:position] + replacement + number[position + 1 :]


@given(substitutions())
def test_any_single_substitution_is_detected(pair: tuple[str, str]) -> None:
    """MOD 11-2 catches every single changed character: the changed number is refused."""
    _, changed = pair
    with pytest.raises(InvalidCitizenIdError):
        CitizenId(changed)


def _leaks(text: str, number: str) -> bool:
    """Whether text shows the number or its birth-date digits."""
    return number in text or number.upper() in text or number[6:14] in text


@given(citizen_ids())
def test_valid_numbers_never_show_unmasked(cid: CitizenId) -> None:
    """str, repr, format and containers of a valid number never contain it."""
    number = cid.reveal()
    shown = [str(cid), repr(cid), f"{cid}", f"{cid:^40}", format(cid, ""), str([cid]), str({cid})]
    assert not any(_leaks(text, number) for text in shown)
    assert shown[0] == number[:6] + "********" + number[14:]


@given(substitutions())
def test_error_messages_never_show_the_number(pair: tuple[str, str]) -> None:
    """The message and repr of the error for a changed number contain neither number."""
    original, changed = pair
    with pytest.raises(InvalidCitizenIdError) as info:
        CitizenId(changed)
    for text in (str(info.value), repr(info.value), info.value.problem):
        assert not _leaks(text, changed)
        assert not _leaks(text, original)


@given(citizen_ids(), st.integers(1, 40).filter(lambda n: n not in (15, 18)))
def test_wrong_lengths_are_refused_without_showing_the_number(cid: CitizenId, length: int) -> None:
    """A number cut or padded to another length is refused with only its length in the message."""
    number = (cid.reveal() * 3)[:length]
    with pytest.raises(InvalidCitizenIdError) as info:
        CitizenId(number)
    assert str(info.value) == f"citizen ID must have 18 characters (got {length})"
