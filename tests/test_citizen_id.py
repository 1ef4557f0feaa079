"""Tests of careprotect.citizen_id: GB 11643-1999 citizen ID numbers (POLICY.md §1, §9)."""

from __future__ import annotations

import datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from careprotect.citizen_id import ADDRESS_PREFIXES, CitizenId, check_character, normalisation_note
from careprotect.divisions import PROVINCE_CODES
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


# --- Birth dates after the day of checking, province prefixes (issue 17) -----------------------

_TODAY = datetime.date(2026, 12, 3)


def _number(address: str, born: datetime.date, sequence: int = 2) -> str:
    first17 = f"{address}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def test_the_policy_example_is_valid_today() -> None:
    """11010519491231002X (POLICY.md §1) is valid, checked today or on any later day."""
    assert CitizenId(EXAMPLE).reveal() == EXAMPLE
    assert CitizenId.parse(EXAMPLE, today=datetime.date(1949, 12, 31)).reveal() == EXAMPLE


def test_a_birth_date_after_the_day_of_checking_is_refused() -> None:
    """A number born the day after the day it is checked on does not exist; born that very
    day it does. The message names the day and shows the number masked."""
    number = _number("430124", _TODAY)
    assert CitizenId.parse(number, today=_TODAY).birth_date == _TODAY
    with pytest.raises(InvalidCitizenIdError) as info:
        CitizenId.parse(number, today=_TODAY - datetime.timedelta(days=1))
    assert str(info.value) == (
        "citizen ID has a birth date after the day it is checked on, 2026-12-02"
        f" (got '{number[:6]}********{number[14:]}')"
    )


def test_without_a_day_a_number_is_checked_on_today() -> None:
    """CitizenId(value) checks the birth date against today: tomorrow is refused."""
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(InvalidCitizenIdError, match="after the day it is checked on"):
        CitizenId(_number("430124", tomorrow))
    with pytest.raises(InvalidCitizenIdError, match="after the day it is checked on"):
        CitizenId.build("430124", tomorrow, 2)


def test_parse_needs_a_date_for_today() -> None:
    """parse's day is a datetime.date, not a datetime or text."""
    with pytest.raises(TypeError, match=r"today must be a datetime\.date"):
        CitizenId.parse(EXAMPLE, today="2026-12-03")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"today must be a datetime\.date"):
        CitizenId.parse(EXAMPLE, today=datetime.datetime(2026, 12, 3))


@pytest.mark.parametrize("address", ["000000", "999999", "100000", "300000", "720000", "840000"])
def test_address_digits_that_start_with_no_province_are_refused(address: str) -> None:
    """The first two address digits must be a province code of GB/T 2260 (or 83)."""
    number = _number(address, datetime.date(2000, 1, 1))
    with pytest.raises(InvalidCitizenIdError) as info:
        CitizenId(number)
    assert str(info.value) == (
        f"citizen ID has address digits starting with {address[:2]!r}, which is no province"
        f" code of GB/T 2260 (got '{number[:6]}********{number[14:]}')"
    )


@pytest.mark.parametrize("prefix", [*sorted(PROVINCE_CODES), "83"])
def test_every_province_prefix_and_83_are_accepted(prefix: str) -> None:
    """Each of the 34 province codes, and 83 (Taiwan residents' residence permits)."""
    number = _number(prefix + "0102", datetime.date(2000, 1, 1))
    assert CitizenId(number).address_code == prefix + "0102"
    assert prefix in ADDRESS_PREFIXES
    assert len(ADDRESS_PREFIXES) == 35


@pytest.mark.parametrize("code", [f"4600{n:02d}" for n in (*range(1, 8), *range(21, 40))])
def test_numbers_issued_in_hainan_1988_to_2002_are_accepted(code: str) -> None:
    """Address digits 460001-460039 (Hainan's counties of 1988-2002) stand in adults' IDs."""
    assert CitizenId(_number(code, datetime.date(1975, 6, 1))).address_code == code


# --- Normalisation: full-width digits and spaces (issue 17) ------------------------------------

_WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("１１０１０５１９４９１２３１００２Ｘ", "full-width characters were made ASCII (NFKC)"),
        ("１１０１０５１９４９１２３１００２ｘ", "full-width characters were made ASCII (NFKC)"),
        (" 11010519491231002X", "surrounding spaces were removed"),
        ("11010519491231002X\t\n", "surrounding spaces were removed"),
        ("\u300011010519491231002X\u3000", "surrounding spaces were removed"),
        (
            " １１０１０５１９４９１２３１００２Ｘ ",
            "full-width characters were made ASCII (NFKC) and surrounding spaces removed",
        ),
        ("11010519491231002X", None),
        ("11010519491231002x", None),
    ],
)
def test_full_width_digits_and_spaces_are_normalised_and_noted(
    typed: str, note: str | None
) -> None:
    """A number typed with full-width digits or surrounding spaces is the same number, and
    normalisation_note says what was changed (nothing for the normal form or a lower-case x)."""
    assert CitizenId(typed) == CitizenId(EXAMPLE)
    assert CitizenId(typed).reveal() == EXAMPLE
    assert normalisation_note(typed) == note


def test_normalisation_note_of_a_non_string_is_none() -> None:
    assert normalisation_note(None) is None
    assert normalisation_note(110105194912310021) is None


def test_spaces_inside_a_number_are_still_refused() -> None:
    """Only surrounding spaces go: a space inside is a wrong character, shown masked."""
    with pytest.raises(InvalidCitizenIdError, match="must have 18 characters"):
        CitizenId("110105 19491231002X")


def test_a_wrong_full_width_number_is_refused_masked() -> None:
    """The message shows the normalised number, masked."""
    with pytest.raises(InvalidCitizenIdError) as info:
        CitizenId("１１０１０５１９４９１２３１００２１")
    assert str(info.value) == "citizen ID has a wrong check character (got '110105********0021')"


@given(
    citizen_ids(),
    st.lists(st.booleans(), min_size=18, max_size=18),
    st.sampled_from(["", " ", "\t", "\u3000", "  \n"]),
    st.sampled_from(["", " ", "\r\n", "\u3000"]),
)
def test_any_mix_of_full_width_characters_and_spaces_reads_the_same_number(
    cid: CitizenId, wide: list[bool], before: str, after: str
) -> None:
    """Any characters of a valid number made full-width, with any spaces around it, give the
    same number; the note says so exactly when something changed, and never shows it."""
    number = cid.reveal()
    typed = (
        before
        + "".join(ch.translate(_WIDE) if w else ch for ch, w in zip(number, wide, strict=True))
        + after
    )
    assert CitizenId(typed) == cid
    note = normalisation_note(typed)
    assert (note is None) == (typed == number)
    assert note is None or not any(ch.isdigit() for ch in note)


@given(citizen_ids(), st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)))
def test_a_number_is_valid_on_a_day_exactly_when_it_is_born_by_then(
    cid: CitizenId, day: datetime.date
) -> None:
    """parse(number, today=day) accepts the number iff its birth date is not after day."""
    if cid.birth_date <= day:
        assert CitizenId.parse(cid.reveal(), today=day) == cid
    else:
        with pytest.raises(InvalidCitizenIdError) as info:
            CitizenId.parse(cid.reveal(), today=day)
        assert not _leaks(str(info.value), cid.reveal())


@given(citizen_ids(), st.text("0123456789", min_size=2, max_size=2))
def test_a_number_is_valid_exactly_when_its_address_starts_with_a_province(
    cid: CitizenId, prefix: str
) -> None:
    """Any two first digits: accepted iff they are a province code or 83."""
    first17 = prefix + cid.reveal()[2:17]
    number = first17 + check_character(first17)
    if prefix in ADDRESS_PREFIXES:
        assert CitizenId(number).address_code[:2] == prefix
    else:
        with pytest.raises(InvalidCitizenIdError, match="no province code") as info:
            CitizenId(number)
        assert not _leaks(str(info.value), number)
