"""Hypothesis strategies for division codes and citizen ID numbers.

Every value they generate is valid and fictional: the province prefixes are real GB/T 2260
codes, the lower levels and the citizen IDs are made up.
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.citizen_id import CitizenId, checking_day
from careprotect.divisions import PROVINCE_CODES, Division, Level
from careprotect.enums import Sex

__all__ = ["citizen_ids", "division_codes", "divisions"]

_PROVINCES = sorted(PROVINCE_CODES)
_CODE_LENGTHS = tuple(level.digits for level in Level)
_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


def _segment(width: int) -> st.SearchStrategy[str]:
    """A non-zero level of ``width`` digits; small numbers often, so divisions share parents."""
    top = 10**width - 1
    return st.one_of(st.integers(1, 3), st.integers(1, top)).map(lambda n: f"{n:0{width}d}")


@st.composite
def _divisions(draw: st.DrawFn, level: Level | None, within: Division | None) -> Division:
    start = within.level if within is not None else Level.PROVINCE
    target = level if level is not None else draw(st.sampled_from(list(Level)[start - 1 :]))
    code = within.code12 if within is not None else draw(st.sampled_from(_PROVINCES))
    code = code[: start.digits]
    for k in range(start + 1, target + 1):
        sub = Level(k)
        width = sub.digits - Level(k - 1).digits
        if (
            sub is Level.COUNTY
            and target >= Level.TOWNSHIP
            and draw(st.integers(0, 9)) == 9  # now and then a city without counties (4419)
        ):
            code += "00"
        else:
            code += draw(_segment(width))
    return Division(code)


def divisions(
    level: Level | None = None, within: Division | None = None
) -> st.SearchStrategy[Division]:
    """Valid divisions, of ``level`` if given (else any level), inside ``within`` if given.

    Provinces are the real GB/T 2260 province codes; lower levels are made up but well formed
    (no zero level above a non-zero one, except now and then a zero county between a
    prefecture and a township, as in the statistical codes of 东莞 4419).
    ``within`` itself is a possible value when ``level`` is ``None`` or ``within.level``.
    """
    if level is not None and not isinstance(level, Level):
        raise InvalidArgument(f"level must be a Level or None (got {level!r})")
    if within is not None and not isinstance(within, Division):
        raise InvalidArgument(f"within must be a Division or None (got {within!r})")
    if level is not None and within is not None and level < within.level:
        raise InvalidArgument(
            f"no {level.label} lies within {within.level.label} {within} (a lower level)"
        )
    return _divisions(level, within)


def division_codes(
    level: Level | None = None, within: Division | None = None
) -> st.SearchStrategy[str]:
    """Raw code strings for :func:`divisions`, each in one of its accepted forms.

    A division is written with 2, 4, 6, 9 or 12 digits, at least as many as its normalised
    code: ``"4301"``, ``"430100"``, ``"430100000"`` and ``"430100000000"`` are the same place.
    """

    @st.composite
    def padded(draw: st.DrawFn) -> str:
        division = draw(divisions(level, within))
        length = draw(st.sampled_from([n for n in _CODE_LENGTHS if n >= len(division.code)]))
        return division.code12[:length]

    return padded()


def citizen_ids(
    birth_date: datetime.date | st.SearchStrategy[datetime.date] | None = None,
    sex: Sex | None = None,
    address: Division | None = None,
) -> st.SearchStrategy[CitizenId]:
    """Valid, fictional citizen ID numbers.

    ``birth_date`` is a date or a strategy of dates (default: any date from 1900-01-01 to
    today: a number's birth date is never after the day it is checked on, so a later date is
    refused, or filtered out of a strategy); ``sex`` fixes the parity of the sequence number;
    ``address`` makes the address digits the six-digit code of a county within that division
    (of the division itself from the county level down; for a township or village, its
    county's code).
    """
    if isinstance(birth_date, datetime.datetime):
        raise InvalidArgument("birth_date must be a date, not a datetime")
    dates: st.SearchStrategy[datetime.date]
    today = checking_day()
    if birth_date is None:
        dates = st.dates(_EARLIEST_BIRTH_DATE, today)
    elif isinstance(birth_date, datetime.date):
        if birth_date < _EARLIEST_BIRTH_DATE:
            raise InvalidArgument("birth_date must be on or after 1900-01-01")
        if birth_date > today:
            raise InvalidArgument(f"birth_date must not be after today, {today}")
        dates = st.just(birth_date)
    else:
        dates = birth_date.filter(lambda d: d <= today)
    if sex is None:
        sequences = st.integers(1, 999)
    elif sex is Sex.MALE:
        sequences = st.integers(0, 499).map(lambda n: 2 * n + 1)
    elif sex is Sex.FEMALE:
        sequences = st.integers(1, 499).map(lambda n: 2 * n)
    else:
        raise InvalidArgument(f"sex must be a Sex or None (got {sex!r})")
    if address is None:
        places = divisions(Level.COUNTY)
    elif not isinstance(address, Division):
        raise InvalidArgument(f"address must be a Division or None (got {address!r})")
    elif address.level < Level.COUNTY:
        places = divisions(Level.COUNTY, within=address)
    else:
        places = st.just(address)
    return st.builds(
        CitizenId.build,
        address_code=places.map(lambda d: d.code6),
        birth_date=dates,
        sequence=sequences,
    )
