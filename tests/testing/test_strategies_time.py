"""Tests of the public strategies for periods and amounts (careprotect.testing._time)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import find, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.money import yuan
from careprotect.periods import Period, PeriodKind
from careprotect.testing._time import amounts, periods


def _label_year(p: Period) -> int:
    """The year in the period's text: the ISO year for a week."""
    return p.start.isocalendar().year if p.kind is PeriodKind.WEEK else p.start.year


# -- periods --------------------------------------------------------------------------------


@given(periods())
def test_periods_by_default_are_valid_periods_of_2000_to_2040(p: Period) -> None:
    assert isinstance(p, Period)
    assert Period(p.kind, p.start) == p  # passes validation again
    assert Period.parse(str(p)) == p
    assert 2000 <= _label_year(p) <= 2040
    assert int(str(p)[:4]) == _label_year(p)


@given(st.data())
def test_periods_honour_kind_and_years(data: st.DataObject) -> None:
    kind = data.draw(st.none() | st.sampled_from(PeriodKind), label="kind")
    min_year = data.draw(st.integers(1, 9998), label="min_year")
    max_year = data.draw(st.integers(min_year, min(min_year + 5, 9998)), label="max_year")
    p = data.draw(periods(kind, min_year, max_year), label="period")
    if kind is not None:
        assert p.kind is kind
    assert min_year <= _label_year(p) <= max_year
    assert Period.parse(str(p)) == p


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (PeriodKind.WEEK, "2020-W01"),  # starts 2019-12-30, yet belongs to 2020
        (PeriodKind.WEEK, "2020-W53"),
        (PeriodKind.MONTH, "2020-12"),
        (PeriodKind.QUARTER, "2020-Q4"),
        (PeriodKind.YEAR, "2020"),
    ],
)
def test_periods_reach_the_edges_of_a_year(kind: PeriodKind, text: str) -> None:
    assert find(periods(kind, 2020, 2020), lambda p: str(p) == text) == Period.parse(text)


@pytest.mark.parametrize("kind", list(PeriodKind))
def test_periods_draw_every_kind_when_none_is_given(kind: PeriodKind) -> None:
    assert find(periods(), lambda p: p.kind is kind).kind is kind


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        (PeriodKind.WEEK, "2018-W01"),
        (PeriodKind.MONTH, "2018-01"),
        (PeriodKind.QUARTER, "2018-Q1"),
        (PeriodKind.YEAR, "2018"),
    ],
)
def test_periods_shrink_to_the_first_period_of_min_year(kind: PeriodKind, first: str) -> None:
    assert str(find(periods(kind, 2018, 2030), lambda p: True)) == first
    later = find(periods(kind, 2018, 2030), lambda p: _label_year(p) >= 2025)
    assert str(later) == "2025" + first[4:]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"min_year": 2041, "max_year": 2040},
            "min_year=2041 must not be greater than max_year=2040",
        ),
        ({"min_year": 0}, "min_year=0 must be from 1 to 9998"),
        ({"max_year": 9999}, "max_year=9999 must be from 1 to 9998"),
        ({"min_year": True}, "min_year=True must be an int"),
        ({"kind": "month"}, "kind='month' must be a PeriodKind or None"),
    ],
)
def test_periods_refuse_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        periods(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


# -- amounts --------------------------------------------------------------------------------


@given(amounts())
def test_amounts_by_default_are_two_place_yuan_from_0_to_100000(amount: Decimal) -> None:
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2
    assert yuan(amount) == amount
    assert str(yuan(amount)) == str(amount)
    assert Decimal("0.00") <= amount <= Decimal("100000.00")
    assert not amount.is_signed()  # never -0.00


@given(st.data())
def test_amounts_honour_their_bounds(data: st.DataObject) -> None:
    low = data.draw(st.decimals(-(10**9), 10**9, places=2), label="min_value")
    high = data.draw(st.decimals(low, 10**9, places=2), label="max_value")
    amount = data.draw(amounts(low, high), label="amount")
    assert low <= amount <= high
    assert amount.as_tuple().exponent == -2
    assert str(yuan(amount)) == str(amount)


def test_amounts_reach_both_bounds_and_accept_ints() -> None:
    assert str(find(amounts(5, 10), lambda a: True)) == "5.00"
    assert str(find(amounts(5, 10), lambda a: a == 10)) == "10.00"
    assert str(find(amounts(Decimal("-0.01"), 0), lambda a: a < 0)) == "-0.01"
    assert str(find(amounts(Decimal("0.01"), Decimal("0.01")), lambda a: True)) == "0.01"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_value": 10, "max_value": 5}, "min_value=10 must not be greater than max_value=5"),
        (
            {"max_value": Decimal("0.005")},
            "max_value=Decimal('0.005'): value must be an amount in yuan with at most two "
            "decimal places (got '0.005')",
        ),
        (
            {"min_value": 0.5},
            "min_value=0.5: value must be an exact amount in yuan (a Decimal, int or str), "
            "not a float: floats are not exact (got 0.5)",
        ),
    ],
)
def test_amounts_refuse_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        amounts(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_label_year_helper_uses_the_iso_year_for_weeks() -> None:
    assert _label_year(Period.week(2020, 1)) == 2020
    assert Period.week(2020, 1).start == date(2019, 12, 30)
