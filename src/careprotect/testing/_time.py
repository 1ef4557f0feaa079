"""Hypothesis strategies for calendar periods and amounts of money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.errors import InvalidValueError
from careprotect.money import yuan
from careprotect.periods import Period, PeriodKind

__all__ = ["amounts", "periods"]

# The latest year whose every period (including its last ISO week) ends by 9999-12-31.
_MAX_YEAR = date.max.year - 1


def _weeks_in(iso_year: int) -> int:
    # 28 December always lies in the last ISO week of its year.
    return date(iso_year, 12, 28).isocalendar().week


@st.composite
def _weeks(draw: st.DrawFn, min_year: int, max_year: int) -> Period:
    iso_year = draw(st.integers(min_year, max_year))
    return Period.week(iso_year, draw(st.integers(1, _weeks_in(iso_year))))


def periods(
    kind: PeriodKind | None = None, min_year: int = 2000, max_year: int = 2040
) -> st.SearchStrategy[Period]:
    """Periods of ``kind`` (any kind if None) of the years ``min_year`` to ``max_year``.

    The year is the one in the period's text (``str(p)``): the calendar year of its start for
    a month, quarter or year, and the ISO year for a week, so ``2020-W01``, which starts on
    2019-12-30, is drawn for ``min_year=2020``. Years run from 1 to 9998. Shrinks towards the
    first period of ``min_year``.
    """
    if kind is not None and not isinstance(kind, PeriodKind):
        raise InvalidArgument(f"kind={kind!r} must be a PeriodKind or None")
    for name, value in (("min_year", min_year), ("max_year", max_year)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{name}={value!r} must be an int")
        if not date.min.year <= value <= _MAX_YEAR:
            raise InvalidArgument(f"{name}={value!r} must be from {date.min.year} to {_MAX_YEAR}")
    if min_year > max_year:
        raise InvalidArgument(
            f"min_year={min_year!r} must not be greater than max_year={max_year!r}"
        )
    years = st.integers(min_year, max_year)
    by_kind: dict[PeriodKind, st.SearchStrategy[Period]] = {
        PeriodKind.WEEK: _weeks(min_year, max_year),
        PeriodKind.MONTH: st.builds(Period.month, years, st.integers(1, 12)),
        PeriodKind.QUARTER: st.builds(Period.quarter, years, st.integers(1, 4)),
        PeriodKind.YEAR: st.builds(Period.year, years),
    }
    if kind is not None:
        return by_kind[kind]
    return st.one_of(*(by_kind[k] for k in PeriodKind))


def amounts(
    min_value: Decimal | int = 0, max_value: Decimal | int = 100000
) -> st.SearchStrategy[Decimal]:
    """Amounts in yuan from ``min_value`` to ``max_value`` inclusive, with exactly two places.

    Every amount is as :func:`careprotect.money.yuan` makes it (``Decimal("600.00")``, never
    ``-0.00``). The bounds must themselves be amounts to the fen.
    """
    bounds = []
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        try:
            bounds.append(yuan(value))
        except InvalidValueError as exc:
            raise InvalidArgument(f"{name}={value!r}: {exc}") from None
    low, high = bounds
    if low > high:
        raise InvalidArgument(
            f"min_value={min_value!r} must not be greater than max_value={max_value!r}"
        )
    return st.decimals(
        min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False
    ).map(yuan)
