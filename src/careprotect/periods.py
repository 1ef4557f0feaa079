"""Calendar periods: ISO weeks, months, quarters and years.

Policy states its duties per calendar period ("contacts each left-behind child at least twice a
month", "follow-ups every week", a monthly allowance), so rules are judged period by period. A
:class:`Period` is one such calendar period, named the way people write it:

==========  ============  =========================================
kind        text          first day
==========  ============  =========================================
week        ``2020-W23``  the Monday of ISO 8601 week 23 of ISO year 2020
month       ``2020-06``   the 1st of the month
quarter     ``2020-Q2``   1 January, 1 April, 1 July or 1 October
year        ``2020``      1 January
==========  ============  =========================================

Conventions:

- **Half-open.** A period covers ``[start, end)``: :attr:`Period.end` is the first day of the
  next period, so consecutive periods meet (``p.end == p.next().start``) without a gap or an
  overlap. :attr:`Period.last_day` is the inclusive last day, for display.
- **ISO weeks.** Weeks run Monday to Sunday and are numbered as in ISO 8601 (the week with the
  year's first Thursday is week 1), so a week belongs to one ISO year even when it straddles
  New Year: the week containing 2021-01-01 is ``2020-W53``. Chinese working practice also
  starts the week on Monday.
- **Calendar arithmetic.** Months and weeks come from python-dateutil (``relativedelta``,
  ``rrule``), never from day counts: a month is not 30 days.
- **Range.** A period must end by 9999-12-31 (its exclusive end must be a ``date``), so the
  last few days of year 9999 belong to no period.

Periods sort by start date and then by length (week, month, quarter, year), so periods of one
kind sort chronologically.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Final, Literal, TypeGuard

import attrs
from dateutil.relativedelta import MO, relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule

from careprotect.errors import InvalidPeriodError

__all__ = ["Period", "PeriodKind", "iter_periods", "parse_period_range"]


@functools.lru_cache(maxsize=65536)
def _end(kind: PeriodKind, start: date) -> date:
    """The exclusive end of a period, cached: rules ask for the same few periods millions of
    times, and relativedelta arithmetic is slow."""
    return start + _STEP[kind]


class PeriodKind(enum.StrEnum):
    """The kinds of calendar period, shortest first."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_STEP: Final[dict[PeriodKind, relativedelta]] = {
    PeriodKind.WEEK: relativedelta(weeks=1),
    PeriodKind.MONTH: relativedelta(months=1),
    PeriodKind.QUARTER: relativedelta(months=3),
    PeriodKind.YEAR: relativedelta(years=1),
}

# (rrule frequency, interval) giving the successive starts of each kind.
_RRULE: Final[dict[PeriodKind, tuple[Literal[0, 1, 2], int]]] = {
    PeriodKind.WEEK: (WEEKLY, 1),
    PeriodKind.MONTH: (MONTHLY, 1),
    PeriodKind.QUARTER: (MONTHLY, 3),
    PeriodKind.YEAR: (YEARLY, 1),
}

_RANK: Final[dict[PeriodKind, int]] = {kind: rank for rank, kind in enumerate(PeriodKind)}

_QUARTER_MONTHS: Final = (1, 4, 7, 10)

# Not strftime("%A"), which follows the locale.
_WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_FORMS: Final = (
    "one of YYYY-Www (ISO week, e.g. 2020-W23), YYYY-MM (month, e.g. 2020-06), "
    "YYYY-Qn (quarter, e.g. 2020-Q2) or YYYY (year, e.g. 2020)"
)

# ASCII digits only: \d would also match other scripts' digits.
_WEEK_RE: Final = re.compile(r"([0-9]{4})-W([0-9]{2})")
_MONTH_RE: Final = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER_RE: Final = re.compile(r"([0-9]{4})-Q([1-4])")
_YEAR_RE: Final = re.compile(r"([0-9]{4})")


def _shift(d: date, delta: relativedelta) -> date:
    """``d + delta``, or InvalidPeriodError when the result is not a representable date."""
    try:
        return d + delta
    except (OverflowError, ValueError):
        raise InvalidPeriodError(
            f"must lie within the years {date.min.year} to {date.max.year} "
            f"(got {d.isoformat()} moved by {delta})"
        ) from None


def _start_problem(kind: PeriodKind, start: date) -> str | None:
    """Why ``start`` cannot begin a period of ``kind``, or None if it can."""
    got = start.isoformat()
    if kind is PeriodKind.WEEK and start.weekday() != 0:
        weekday = _WEEKDAYS[start.weekday()]
        return f"must be the first day of an ISO week, a Monday (got {got}, a {weekday})"
    if kind is PeriodKind.MONTH and start.day != 1:
        return f"must be the first day of a month, the 1st (got {got})"
    if kind is PeriodKind.QUARTER and (start.day != 1 or start.month not in _QUARTER_MONTHS):
        return (
            "must be the first day of a quarter, 1 January, 1 April, 1 July or 1 October "
            f"(got {got})"
        )
    if kind is PeriodKind.YEAR and (start.month, start.day) != (1, 1):
        return f"must be the first day of a year, 1 January (got {got})"
    return None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _year_problem(year: object) -> str | None:
    if not _is_int(year):
        return "the year must be an integer"
    if not date.min.year <= year <= date.max.year:
        return f"years run from {date.min.year:04d} to {date.max.year}"
    return None


def _weeks_in(iso_year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return date(iso_year, 12, 28).isocalendar().week


def _week_problem(iso_year: object, iso_week: object) -> str | None:
    if problem := _year_problem(iso_year):
        return problem
    if not _is_int(iso_year):  # for mypy: _year_problem has already refused it
        return "the year must be an integer"
    weeks = _weeks_in(iso_year)
    if not _is_int(iso_week) or not 1 <= iso_week <= weeks:
        return f"ISO year {iso_year} has weeks 1 to {weeks}"
    return None


def _part_problem(year: object, part: object, parts: int, name: str) -> str | None:
    """What is wrong with part ``part`` of ``parts`` (``name``: months, quarters) of ``year``."""
    if problem := _year_problem(year):
        return problem
    if not _is_int(part) or not 1 <= part <= parts:
        return f"{name} run from 1 to {parts}"
    return None


def _check_kind(value: object, field: str) -> PeriodKind:
    if not isinstance(value, PeriodKind):
        kinds = ", ".join(kind.value for kind in PeriodKind)
        raise InvalidPeriodError(
            f"must be a PeriodKind, one of {kinds} (got {value!r})", field=field
        )
    return value


def _check_date(value: object, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidPeriodError(f"must be a date (got {value!r})", field=field)
    return value


def _validate_kind(instance: Period, attribute: attrs.Attribute[PeriodKind], value: object) -> None:
    _check_kind(value, attribute.name)


def _validate_start(instance: Period, attribute: attrs.Attribute[date], value: object) -> None:
    start = _check_date(value, attribute.name)
    problem = _start_problem(instance.kind, start)
    if problem is not None:
        raise InvalidPeriodError(problem, field=attribute.name)
    try:
        start + _STEP[instance.kind]
    except (OverflowError, ValueError):
        raise InvalidPeriodError(
            f"must begin a {instance.kind.value} that ends by {date.max.isoformat()} "
            f"(got {start.isoformat()})",
            field=attribute.name,
        ) from None


@attrs.frozen(order=False)
class Period:
    """One calendar period: an ISO week, a month, a quarter or a year.

    ``start`` is the period's first day and must be one (a Monday for a week, the 1st for a
    month, 1 January/April/July/October for a quarter, 1 January for a year); otherwise
    :class:`~careprotect.errors.InvalidPeriodError`. Use :meth:`containing` to find the period
    of a date, and :meth:`parse` / ``str()`` for the text form (``2020-W23``, ``2020-06``,
    ``2020-Q2``, ``2020``).

    >>> p = Period.parse("2020-06")
    >>> p.start, p.end, p.days
    (datetime.date(2020, 6, 1), datetime.date(2020, 7, 1), 30)
    >>> str(p.next())
    '2020-07'
    """

    kind: PeriodKind = attrs.field(validator=_validate_kind)
    start: date = attrs.field(validator=_validate_start)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def containing(cls, kind: PeriodKind, d: date) -> Period:
        """The period of ``kind`` that contains the date ``d``."""
        kind = _check_kind(kind, "kind")
        d = _check_date(d, "d")
        if kind is PeriodKind.WEEK:
            start = _shift(d, relativedelta(weekday=MO(-1)))
        elif kind is PeriodKind.MONTH:
            start = d.replace(day=1)
        elif kind is PeriodKind.QUARTER:
            start = d.replace(month=_QUARTER_MONTHS[(d.month - 1) // 3], day=1)
        else:
            start = d.replace(month=1, day=1)
        return cls(kind, start)

    @classmethod
    def week(cls, iso_year: int, iso_week: int) -> Period:
        """ISO 8601 week ``iso_week`` (1 to 52, or 53 in some years) of ISO year ``iso_year``."""
        if problem := _week_problem(iso_year, iso_week):
            raise InvalidPeriodError(
                f"must be an existing ISO week: {problem} "
                f"(got year {iso_year!r}, week {iso_week!r})"
            )
        return cls(PeriodKind.WEEK, date.fromisocalendar(iso_year, iso_week, 1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """Month ``month`` (1 to 12) of ``year``."""
        if problem := _part_problem(year, month, 12, "months"):
            raise InvalidPeriodError(
                f"must be an existing month: {problem} (got year {year!r}, month {month!r})"
            )
        return cls(PeriodKind.MONTH, date(year, month, 1))

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        """Quarter ``q`` (1 to 4) of ``year``: Q1 starts 1 January, Q2 1 April, and so on."""
        if problem := _part_problem(year, q, 4, "quarters"):
            raise InvalidPeriodError(
                f"must be an existing quarter: {problem} (got year {year!r}, quarter {q!r})"
            )
        return cls(PeriodKind.QUARTER, date(year, _QUARTER_MONTHS[q - 1], 1))

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year ``year``."""
        if problem := _year_problem(year):
            raise InvalidPeriodError(f"must be an existing year: {problem} (got {year!r})")
        return cls(PeriodKind.YEAR, date(year, 1, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period written ``text``: ``2020-W23``, ``2020-06``, ``2020-Q2`` or ``2020``.

        This is the inverse of ``str()``: ``Period.parse(str(p)) == p``. Only these canonical
        forms are accepted (four-digit year, two-digit week and month, capital ``W`` and
        ``Q``, no spaces); anything else raises
        :class:`~careprotect.errors.InvalidPeriodError` naming the text and the accepted forms.
        """
        if not isinstance(text, str):
            raise InvalidPeriodError(f"must be text, {_FORMS} (got {text!r})")
        if m := _WEEK_RE.fullmatch(text):
            kind, year, n = PeriodKind.WEEK, int(m[1]), int(m[2])
            problem = _week_problem(year, n)
        elif m := _MONTH_RE.fullmatch(text):
            kind, year, n = PeriodKind.MONTH, int(m[1]), int(m[2])
            problem = _part_problem(year, n, 12, "months")
        elif m := _QUARTER_RE.fullmatch(text):
            kind, year, n = PeriodKind.QUARTER, int(m[1]), int(m[2])
            problem = _part_problem(year, n, 4, "quarters")
        elif m := _YEAR_RE.fullmatch(text):
            kind, year, n = PeriodKind.YEAR, int(m[1]), 1
            problem = _year_problem(year)
        else:
            raise InvalidPeriodError(f"must be {_FORMS} (got {text!r})")
        if problem:
            raise InvalidPeriodError(f"must be an existing period: {problem} (got {text!r})")
        if kind is PeriodKind.WEEK:
            start = date.fromisocalendar(year, n, 1)
        elif kind is PeriodKind.QUARTER:
            start = date(year, _QUARTER_MONTHS[n - 1], 1)
        else:
            start = date(year, n, 1)
        try:
            return cls(kind, start)
        except InvalidPeriodError:
            # The only way a well-formed, existing period fails: it ends after 9999-12-31.
            raise InvalidPeriodError(f"must end by {date.max.isoformat()} (got {text!r})") from None

    # -- text ---------------------------------------------------------------------------------

    def __str__(self) -> str:
        start = self.start
        if self.kind is PeriodKind.WEEK:
            iso = start.isocalendar()
            return f"{iso.year:04d}-W{iso.week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{start.year:04d}-{start.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
        return f"{start.year:04d}"

    # -- extent -------------------------------------------------------------------------------

    @property
    def end(self) -> date:
        """The first day of the next period (exclusive end): the period is ``[start, end)``."""
        return _end(self.kind, self.start)

    @property
    def last_day(self) -> date:
        """The period's last day (inclusive)."""
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        """The number of days in the period (7 for a week; 28 to 31 for a month)."""
        return (self.end - self.start).days

    def contains(self, d: date) -> bool:
        """Whether the date ``d`` falls in this period (``start <= d < end``)."""
        return self.start <= d < self.end

    def __contains__(self, d: object) -> bool:
        if not isinstance(d, date) or isinstance(d, datetime):
            raise TypeError(f"'in <Period>' needs a date (got {d!r})")
        return self.contains(d)

    def dates(self) -> Iterator[date]:
        """Every date of the period, in order."""
        for dt in rrule(DAILY, dtstart=self.start, until=self.last_day):
            yield dt.date()

    def overlap(self, start: date, end: date | None) -> tuple[date, date] | None:
        """The part of this period inside the half-open range ``[start, end)``.

        ``end`` None means open-ended (still in the category). Returns a half-open
        ``(start, end)`` pair, or None when the range misses the period. For a child who
        enters a category on 2020-06-10 and leaves it on 2020-07-05 (its first day outside),
        June's part is ``(2020-06-10, 2020-07-01)`` and July's ``(2020-07-01, 2020-07-05)``.
        A range that ends before it starts is an error.
        """
        if end is not None and end < start:
            raise InvalidPeriodError(
                f"must not be before 'start' (got end {end.isoformat()}, "
                f"start {start.isoformat()})",
                field="end",
            )
        lo = max(self.start, start)
        hi = self.end if end is None else min(self.end, end)
        return (lo, hi) if lo < hi else None

    # -- neighbours ---------------------------------------------------------------------------

    def next(self) -> Period:
        """The period of the same kind that follows this one."""
        return Period(self.kind, self.end)

    def previous(self) -> Period:
        """The period of the same kind that precedes this one."""
        return Period(self.kind, _shift(self.start, -_STEP[self.kind]))

    # -- ordering: by start, then shortest kind first ----------------------------------------

    def _sort_key(self) -> tuple[date, int]:
        return (self.start, _RANK[self.kind])

    def __lt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __le__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() <= other._sort_key()

    def __gt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() > other._sort_key()

    def __ge__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() >= other._sort_key()


def iter_periods(kind: PeriodKind, start: date, end: date) -> Iterator[Period]:
    """The periods of ``kind`` that overlap the inclusive date range ``[start, end]``, in order.

    The first period contains ``start`` and the last contains ``end``; consecutive periods
    meet (``p.end == following.start``). ``end`` before ``start`` raises
    :class:`~careprotect.errors.InvalidPeriodError`.

        >>> months = iter_periods(PeriodKind.MONTH, date(2020, 1, 31), date(2020, 3, 1))
        >>> [str(p) for p in months]
        ['2020-01', '2020-02', '2020-03']
    """
    if end < start:
        raise InvalidPeriodError(
            f"must not be before 'start' (got end {end.isoformat()}, start {start.isoformat()})",
            field="end",
        )
    first = Period.containing(kind, start)
    freq, interval = _RRULE[kind]
    return (
        Period(kind, dt.date())
        for dt in rrule(freq, dtstart=first.start, interval=interval, until=end)
    )


def parse_period_range(text: str) -> tuple[Period, Period]:
    """The first and last period of ``FIRST..LAST`` (``2018-01..2018-12``), or ``(p, p)``.

    Both sides must be of the same kind and ``FIRST`` must not come after ``LAST``; a single
    period (``2018-06``) gives itself twice. Errors are
    :class:`~careprotect.errors.InvalidPeriodError`.
    """
    if not isinstance(text, str):
        raise InvalidPeriodError(f"range must be text FIRST..LAST or one period (got {text!r})")
    if ".." not in text:
        single = Period.parse(text)
        return single, single
    left, _, right = text.partition("..")
    if ".." in right:
        raise InvalidPeriodError(f"range must be FIRST..LAST with one '..' (got {text!r})")
    sides = []
    for name, side in (("FIRST", left), ("LAST", right)):
        try:
            sides.append(Period.parse(side))
        except InvalidPeriodError as exc:
            raise InvalidPeriodError(
                f"range must be FIRST..LAST, as in 2018-01..2018-12 (got {text!r}); {name}: {exc}"
            ) from None
    first, last = sides
    if first.kind is not last.kind:
        raise InvalidPeriodError(
            f"range must have the same kind on both sides "
            f"(got {text!r}: a {first.kind.value} and a {last.kind.value})"
        )
    if last.start < first.start:
        raise InvalidPeriodError(f"range must not end before it starts (got {text!r})")
    return first, last
