"""Tests of careprotect.money: exact amounts in yuan, to the fen."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careprotect.errors import InvalidValueError
from careprotect.money import CENT, format_yuan, nonnegative_yuan, round_yuan, yuan

HALF_FEN = Decimal("0.005")

# Any finite decimal an amount computation might produce: up to 20 integer digits, up to
# 10 places, negative or not.
computed = st.decimals(
    min_value=Decimal("-1e20"), max_value=Decimal("1e20"), places=10, allow_nan=False
)


def _exact(a: Decimal, b: Decimal) -> Decimal:
    """``a - b`` computed exactly, whatever the thread's decimal context."""
    with decimal.localcontext(decimal.Context(prec=100)):
        return a - b


# -- yuan -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("600", "600.00"),
        (600, "600.00"),
        (Decimal("600"), "600.00"),
        ("1200.5", "1200.50"),
        ("0.01", "0.01"),
        ("-12.50", "-12.50"),
        ("+3", "3.00"),
        ("12.340", "12.34"),
        (Decimal("1E+3"), "1000.00"),
        ("-0", "0.00"),
        (Decimal("-0.000"), "0.00"),
        ("99999999999999999999999999", "99999999999999999999999999.00"),
    ],
)
def test_yuan_converts_exact_values_to_two_places(
    value: Decimal | int | str, expected: str
) -> None:
    result = yuan(value)
    assert result == Decimal(expected)
    assert str(result) == expected  # exactly two places, and never "-0.00"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            600.0,
            "value must be an exact amount in yuan (a Decimal, int or str), not a float: "
            "floats are not exact (got 600.0)",
        ),
        (True, "value must be an amount in yuan, not a bool (got True)"),
        (
            "12.345",
            "value must be an amount in yuan with at most two decimal places (got '12.345')",
        ),
        (
            Decimal("0.001"),
            "value must be an amount in yuan with at most two decimal places (got '0.001')",
        ),
        (Decimal("NaN"), "value must be a finite amount in yuan (got 'NaN')"),
        (Decimal("sNaN"), "value must be a finite amount in yuan (got 'sNaN')"),
        (Decimal("-Infinity"), "value must be a finite amount in yuan (got '-Infinity')"),
        (None, "value must be an amount in yuan as a Decimal, int or str (got None)"),
        (
            "999999999999999999999999999",
            "value must be an amount in yuan of at most 26 digits before the decimal point "
            "(got '999999*****************9999')",  # 15 digits or more: masked, as an ID number
        ),
        (
            Decimal("1E+999999999"),
            "value must be an amount in yuan of at most 26 digits before the decimal point "
            "(got '1E+999999999')",
        ),
    ],
)
def test_yuan_refuses_what_is_not_an_exact_amount_to_the_fen(value: object, message: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        yuan(value)  # type: ignore[arg-type]
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text", ["", "abc", "NaN", "Infinity", "1,200", "1e3", " 5", "5 ", "1_000", ".5", "5.", "١٢"]
)
def test_yuan_refuses_text_that_is_not_a_plain_decimal_number(text: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        yuan(text)
    assert str(info.value) == (
        "value must be an amount in yuan written as digits with an optional sign and decimal "
        f"point, such as '600' or '1200.50' (got {text!r})"
    )


def test_yuan_cuts_a_long_value_in_its_message() -> None:
    with pytest.raises(InvalidValueError) as info:
        yuan("x" * 1000)
    assert str(info.value).endswith("(got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...)")


def test_nonnegative_yuan_accepts_zero_and_refuses_negatives() -> None:
    assert nonnegative_yuan("0") == Decimal("0.00")
    assert nonnegative_yuan(800) == Decimal("800.00")
    with pytest.raises(InvalidValueError) as info:
        nonnegative_yuan("-0.01")
    assert str(info.value) == "value must be an amount in yuan that is not negative (got '-0.01')"


def test_nonnegative_yuan_refuses_what_yuan_refuses() -> None:
    with pytest.raises(InvalidValueError) as info:
        nonnegative_yuan("12.345")
    assert str(info.value) == (
        "value must be an amount in yuan with at most two decimal places (got '12.345')"
    )


def test_the_error_can_be_attributed_to_a_field() -> None:
    with pytest.raises(InvalidValueError) as info:
        yuan("12.345")
    assert str(info.value.for_field("amount")) == (
        "'amount' must be an amount in yuan with at most two decimal places (got '12.345')"
    )


# -- round_yuan -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("2.675", "2.68"),
        ("2.665", "2.67"),  # half up, not half even
        ("-0.005", "-0.01"),  # halves move away from zero
        ("-0.001", "0.00"),  # never "-0.00"
        ("600", "600.00"),
        ("33.333333333333333333333333333333", "33.33"),
    ],
)
def test_round_yuan_rounds_half_up_to_the_fen(value: str, expected: str) -> None:
    assert str(round_yuan(Decimal(value))) == expected


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (decimal.ROUND_DOWN, "2.67"),
        (decimal.ROUND_UP, "2.68"),
        (decimal.ROUND_HALF_EVEN, "2.68"),
        (decimal.ROUND_FLOOR, "2.67"),
    ],
)
def test_round_yuan_uses_the_rounding_it_is_given(rounding: str, expected: str) -> None:
    assert str(round_yuan(Decimal("2.675"), rounding)) == expected


def test_round_yuan_refuses_floats_and_unknown_roundings() -> None:
    with pytest.raises(InvalidValueError) as info:
        round_yuan(0.005)  # type: ignore[arg-type]
    assert (
        str(info.value) == "value must be a Decimal amount to round to the fen (got 0.005, a float)"
    )
    with pytest.raises(InvalidValueError) as info:
        round_yuan(Decimal("1"), "nearest")
    assert str(info.value) == (
        "'rounding' must be one of the decimal module's rounding modes (got 'nearest')"
    )
    with pytest.raises(InvalidValueError) as info:
        round_yuan(Decimal("Infinity"))
    assert str(info.value) == "value must be a finite amount in yuan (got 'Infinity')"


def test_money_functions_leave_the_threads_decimal_context_alone() -> None:
    with decimal.localcontext() as context:
        context.prec = 3
        context.rounding = decimal.ROUND_FLOOR
        context.traps[decimal.Inexact] = True
        assert yuan("123456.78") == Decimal("123456.78")
        assert round_yuan(Decimal("123456.785")) == Decimal("123456.79")
        assert format_yuan(Decimal("123456.78")) == "123,456.78"
        assert (context.prec, context.rounding) == (3, decimal.ROUND_FLOOR)
        assert not context.flags[decimal.Inexact]
        assert not context.flags[decimal.Rounded]


# -- format_yuan ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1200", "1,200.00"),
        ("0", "0.00"),
        ("0.5", "0.50"),
        ("999.99", "999.99"),
        ("144300", "144,300.00"),
        ("-1234567.5", "-1,234,567.50"),
    ],
)
def test_format_yuan_gives_two_places_and_thousands_separators(value: str, text: str) -> None:
    assert format_yuan(Decimal(value)) == text


def test_format_yuan_refuses_a_value_that_would_need_rounding() -> None:
    with pytest.raises(InvalidValueError) as info:
        format_yuan(Decimal("0.005"))
    assert str(info.value) == (
        "value must be an amount in yuan with at most two decimal places (got '0.005')"
    )


# -- properties -----------------------------------------------------------------------------


@given(st.decimals(min_value=-(10**15), max_value=10**15, places=2))
def test_yuan_is_exact_and_idempotent_for_two_place_decimals(value: Decimal) -> None:
    result = yuan(value)
    assert result == value
    assert result.as_tuple().exponent == -2
    assert str(yuan(result)) == str(result)
    assert yuan(str(value)) == result


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_yuan_of_an_int_is_that_many_yuan(value: int) -> None:
    assert yuan(value) == value
    assert yuan(value).as_tuple().exponent == -2


@given(computed)
def test_yuan_accepts_a_decimal_exactly_when_no_rounding_is_needed(value: Decimal) -> None:
    if value == round_yuan(value):
        assert yuan(value) == value
    else:
        with pytest.raises(InvalidValueError):
            yuan(value)


@given(computed, st.sampled_from([decimal.ROUND_HALF_UP, decimal.ROUND_HALF_EVEN]))
def test_round_yuan_has_two_places_and_moves_by_at_most_half_a_fen(
    value: Decimal, rounding: str
) -> None:
    result = round_yuan(value, rounding)
    assert result.as_tuple().exponent == -2
    assert abs(_exact(result, value)) <= HALF_FEN


@given(computed, st.sampled_from([decimal.ROUND_DOWN, decimal.ROUND_UP, decimal.ROUND_FLOOR]))
def test_round_yuan_in_other_modes_moves_by_less_than_a_fen(value: Decimal, rounding: str) -> None:
    result = round_yuan(value, rounding)
    assert result.as_tuple().exponent == -2
    assert abs(_exact(result, value)) < CENT


@given(st.decimals(min_value=-(10**15), max_value=10**15, places=2))
def test_format_yuan_round_trips_once_separators_are_removed(value: Decimal) -> None:
    text = format_yuan(value)
    assert yuan(text.replace(",", "")) == value
    whole = text.lstrip("-").split(".")[0]
    assert all(len(group) == 3 for group in whole.split(",")[1:])
    assert 1 <= len(whole.split(",")[0]) <= 3
