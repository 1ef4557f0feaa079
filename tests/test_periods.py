"""Tests of careprotect.periods: calendar periods (ISO weeks, months, quarters, years)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careprotect.errors import InvalidPeriodError
from careprotect.periods import Period, PeriodKind, iter_periods, parse_period_range
from careprotect.testing._time import periods

WEEK, MONTH, QUARTER, YEAR = PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR

# Dates whose periods of every kind, and their neighbours, are representable.
ordinary_dates = st.dates(min_value=date(2, 1, 1), max_value=date(9997, 12, 31))


# -- construction and validation ------------------------------------------------------------


def test_week_text_names_the_iso_week_from_monday_to_the_next_monday() -> None:
    p = Period.parse("2020-W23")
    assert (p.kind, p.start, p.end, p.last_day, p.days) == (
        WEEK,
        date(2020, 6, 1),
        date(2020, 6, 8),
        date(2020, 6, 7),
        7,
    )


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2020-06", MONTH, date(2020, 6, 1), date(2020, 7, 1)),
        ("2020-12", MONTH, date(2020, 12, 1), date(2021, 1, 1)),
        ("2020-Q1", QUARTER, date(2020, 1, 1), date(2020, 4, 1)),
        ("2020-Q2", QUARTER, date(2020, 4, 1), date(2020, 7, 1)),
        ("2020-Q3", QUARTER, date(2020, 7, 1), date(2020, 10, 1)),
        ("2020-Q4", QUARTER, date(2020, 10, 1), date(2021, 1, 1)),
        ("2020", YEAR, date(2020, 1, 1), date(2021, 1, 1)),
        ("2020-W01", WEEK, date(2019, 12, 30), date(2020, 1, 6)),
        ("2020-W53", WEEK, date(2020, 12, 28), date(2021, 1, 4)),
        ("0001-W01", WEEK, date(1, 1, 1), date(1, 1, 8)),
        ("0001", YEAR, date(1, 1, 1), date(2, 1, 1)),
        ("9999-11", MONTH, date(9999, 11, 1), date(9999, 12, 1)),
    ],
)
def test_parse_gives_the_period_with_its_first_day_and_exclusive_end(
    text: str, kind: PeriodKind, start: date, end: date
) -> None:
    p = Period.parse(text)
    assert (p.kind, p.start, p.end) == (kind, start, end)
    assert str(p) == text


@pytest.mark.parametrize(
    ("text", "days"),
    [("2020-02", 29), ("2021-02", 28), ("1900-02", 28), ("2000-02", 29), ("2020-04", 30)],
)
def test_month_has_its_calendar_number_of_days(text: str, days: int) -> None:
    assert Period.parse(text).days == days


@pytest.mark.parametrize(("text", "days"), [("2020", 366), ("2021", 365), ("2020-Q1", 91)])
def test_year_and_quarter_have_their_calendar_number_of_days(text: str, days: int) -> None:
    assert Period.parse(text).days == days


def test_the_builders_give_the_same_periods_as_the_text() -> None:
    assert Period.week(2020, 23) == Period.parse("2020-W23") == Period(WEEK, date(2020, 6, 1))
    assert Period.month(2020, 6) == Period.parse("2020-06") == Period(MONTH, date(2020, 6, 1))
    assert Period.quarter(2020, 2) == Period.parse("2020-Q2") == Period(QUARTER, date(2020, 4, 1))
    assert Period.year(2020) == Period.parse("2020") == Period(YEAR, date(2020, 1, 1))


def test_iso_week_53_exists_only_in_long_iso_years() -> None:
    assert Period.week(2020, 53).start == date(2020, 12, 28)
    with pytest.raises(InvalidPeriodError) as info:
        Period.week(2021, 53)
    assert str(info.value) == (
        "period must be an existing ISO week: ISO year 2021 has weeks 1 to 52 "
        "(got year 2021, week 53)"
    )
    with pytest.raises(InvalidPeriodError) as info:
        Period.parse("2021-W53")
    assert str(info.value) == (
        "period must be an existing period: ISO year 2021 has weeks 1 to 52 (got '2021-W53')"
    )


def test_the_week_containing_new_year_2021_is_week_53_of_2020() -> None:
    p = Period.containing(WEEK, date(2021, 1, 1))
    assert (str(p), p.start, p.end) == ("2020-W53", date(2020, 12, 28), date(2021, 1, 4))


@pytest.mark.parametrize(
    ("kind", "d", "text"),
    [
        (WEEK, date(2020, 6, 1), "2020-W23"),
        (WEEK, date(2020, 6, 7), "2020-W23"),
        (WEEK, date(2019, 12, 31), "2020-W01"),
        (MONTH, date(2020, 2, 29), "2020-02"),
        (QUARTER, date(2020, 3, 31), "2020-Q1"),
        (QUARTER, date(2020, 4, 1), "2020-Q2"),
        (QUARTER, date(2020, 12, 31), "2020-Q4"),
        (YEAR, date(2020, 12, 31), "2020"),
    ],
)
def test_containing_finds_the_period_of_a_date(kind: PeriodKind, d: date, text: str) -> None:
    assert str(Period.containing(kind, d)) == text


@pytest.mark.parametrize(
    ("kind", "start", "message"),
    [
        (
            MONTH,
            date(2020, 6, 2),
            "'start' must be the first day of a month, the 1st (got 2020-06-02)",
        ),
        (
            WEEK,
            date(2020, 6, 2),
            "'start' must be the first day of an ISO week, a Monday (got 2020-06-02, a Tuesday)",
        ),
        (
            QUARTER,
            date(2020, 5, 1),
            "'start' must be the first day of a quarter, 1 January, 1 April, 1 July or 1 October "
            "(got 2020-05-01)",
        ),
        (
            YEAR,
            date(2020, 6, 1),
            "'start' must be the first day of a year, 1 January (got 2020-06-01)",
        ),
        (
            YEAR,
            date(9999, 1, 1),
            "'start' must begin a year that ends by 9999-12-31 (got 9999-01-01)",
        ),
    ],
)
def test_a_start_that_does_not_begin_such_a_period_is_refused(
    kind: PeriodKind, start: date, message: str
) -> None:
    with pytest.raises(InvalidPeriodError) as info:
        Period(kind, start)
    assert str(info.value) == message
    assert info.value.field == "start"


def test_a_datetime_start_is_refused() -> None:
    with pytest.raises(InvalidPeriodError) as info:
        Period(MONTH, datetime(2020, 6, 1))
    assert str(info.value) == "'start' must be a date (got datetime.datetime(2020, 6, 1, 0, 0))"


def test_a_kind_that_is_not_a_period_kind_is_refused() -> None:
    with pytest.raises(InvalidPeriodError) as info:
        Period("month", date(2020, 6, 1))  # type: ignore[arg-type]
    assert str(info.value) == (
        "'kind' must be a PeriodKind, one of week, month, quarter, year (got 'month')"
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Period.month(2020, 13),
            "period must be an existing month: months run from 1 to 12 (got year 2020, month 13)",
        ),
        (
            lambda: Period.quarter(2020, 0),
            "period must be an existing quarter: quarters run from 1 to 4 "
            "(got year 2020, quarter 0)",
        ),
        (
            lambda: Period.year(0),
            "period must be an existing year: years run from 0001 to 9999 (got 0)",
        ),
        (
            lambda: Period.week(2020, 0),
            "period must be an existing ISO week: ISO year 2020 has weeks 1 to 53 "
            "(got year 2020, week 0)",
        ),
        (
            lambda: Period.month(2020, True),
            "period must be an existing month: months run from 1 to 12 (got year 2020, month True)",
        ),
    ],
)
def test_builders_refuse_periods_that_do_not_exist(
    build: Callable[[], Period], message: str
) -> None:
    with pytest.raises(InvalidPeriodError) as info:
        build()
    assert str(info.value) == message


_FORMS = (
    "one of YYYY-Www (ISO week, e.g. 2020-W23), YYYY-MM (month, e.g. 2020-06), "
    "YYYY-Qn (quarter, e.g. 2020-Q2) or YYYY (year, e.g. 2020)"
)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x",
        "2020-6",
        "20-06",
        "2020-Q5",
        "2020-q2",
        "2020-w23",
        "2020-W5",
        " 2020",
        "2020-06-01",
        "２０２０",
        "2020/06",
    ],
)
def test_parse_refuses_text_in_no_accepted_form_naming_the_text_and_the_forms(text: str) -> None:
    with pytest.raises(InvalidPeriodError) as info:
        Period.parse(text)
    assert str(info.value) == f"period must be {_FORMS} (got {text!r})"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-13", "period must be an existing period: months run from 1 to 12 (got '2020-13')"),
        ("2020-00", "period must be an existing period: months run from 1 to 12 (got '2020-00')"),
        ("0000", "period must be an existing period: years run from 0001 to 9999 (got '0000')"),
        ("9999", "period must end by 9999-12-31 (got '9999')"),
        ("9999-12", "period must end by 9999-12-31 (got '9999-12')"),
    ],
)
def test_parse_refuses_well_formed_text_of_a_period_that_does_not_exist(
    text: str, message: str
) -> None:
    with pytest.raises(InvalidPeriodError) as info:
        Period.parse(text)
    assert str(info.value) == message


# -- extent ---------------------------------------------------------------------------------


def test_contains_is_true_from_start_to_the_day_before_end() -> None:
    june = Period.month(2020, 6)
    assert [june.contains(d) for d in (date(2020, 5, 31), date(2020, 6, 1))] == [False, True]
    assert [d in june for d in (date(2020, 6, 30), date(2020, 7, 1))] == [True, False]


def test_in_with_something_other_than_a_date_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"^'in <Period>' needs a date \(got '2020-06-03'\)$"):
        "2020-06-03" in Period.month(2020, 6)  # noqa: B015


def test_dates_lists_every_day_of_the_period_in_order() -> None:
    assert list(Period.month(2020, 2).dates())[-2:] == [date(2020, 2, 28), date(2020, 2, 29)]
    assert list(Period.week(2020, 53).dates()) == [
        date(2020, 12, 28) + timedelta(i) for i in range(7)
    ]


def test_next_and_previous_step_by_calendar_months_not_days() -> None:
    assert str(Period.month(2020, 1).next()) == "2020-02"
    assert str(Period.month(2020, 1).previous()) == "2019-12"
    assert str(Period.quarter(2020, 4).next()) == "2021-Q1"
    assert str(Period.week(2020, 53).next()) == "2021-W01"
    assert str(Period.week(2021, 1).previous()) == "2020-W53"
    assert str(Period.year(2020).previous()) == "2019"


def test_there_is_no_period_before_year_1_or_after_the_last_representable_one() -> None:
    with pytest.raises(InvalidPeriodError):
        Period.year(1).previous()
    with pytest.raises(InvalidPeriodError):
        Period.month(9999, 11).next()


# -- overlap (a child entering or leaving a category mid-period) -----------------------------

JUNE = Period.month(2020, 6)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # enters mid-June, still in the category
        (date(2020, 6, 10), None, (date(2020, 6, 10), date(2020, 7, 1))),
        # in the category since before June, leaves mid-June (6-20 is the first day outside)
        (date(2019, 1, 1), date(2020, 6, 20), (date(2020, 6, 1), date(2020, 6, 20))),
        # enters and leaves within June
        (date(2020, 6, 10), date(2020, 6, 20), (date(2020, 6, 10), date(2020, 6, 20))),
        # covers the whole of June and more
        (date(2020, 5, 1), date(2020, 8, 1), (date(2020, 6, 1), date(2020, 7, 1))),
        # enters on the last day of June
        (date(2020, 6, 30), None, (date(2020, 6, 30), date(2020, 7, 1))),
        # leaves on 1 June: the range ends exactly where June starts
        (date(2020, 1, 1), date(2020, 6, 1), None),
        # enters on 1 July
        (date(2020, 7, 1), None, None),
        # an empty range
        (date(2020, 6, 10), date(2020, 6, 10), None),
    ],
)
def test_overlap_is_the_half_open_part_of_the_range_inside_the_period(
    start: date, end: date | None, expected: tuple[date, date] | None
) -> None:
    assert JUNE.overlap(start, end) == expected


def test_overlap_refuses_a_range_that_ends_before_it_starts() -> None:
    with pytest.raises(InvalidPeriodError) as info:
        JUNE.overlap(date(2020, 6, 10), date(2020, 6, 9))
    assert (
        str(info.value) == "'end' must not be before 'start' (got end 2020-06-09, start 2020-06-10)"
    )


# -- ordering -------------------------------------------------------------------------------


def test_periods_sort_by_start_then_shortest_kind_first() -> None:
    mixed = [
        Period.year(2018),
        Period.month(2018, 2),
        Period.quarter(2018, 1),
        Period.week(2018, 1),  # starts Monday 2018-01-01
        Period.month(2018, 1),
        Period.year(2017),
    ]
    assert [str(p) for p in sorted(mixed)] == [
        "2017",
        "2018-W01",
        "2018-01",
        "2018-Q1",
        "2018",
        "2018-02",
    ]
    assert Period.month(2018, 1) <= Period.month(2018, 1) < Period.month(2018, 2)
    assert Period.year(2019) > Period.year(2018) >= Period.year(2018)


def test_comparing_a_period_with_something_else_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Period.year(2018) < date(2018, 1, 1)  # type: ignore[operator]  # noqa: B015


# -- iter_periods and parse_period_range -----------------------------------------------------


def test_iter_periods_gives_every_period_touching_the_inclusive_range() -> None:
    months = iter_periods(MONTH, date(2020, 1, 31), date(2020, 3, 1))
    assert [str(p) for p in months] == ["2020-01", "2020-02", "2020-03"]


@pytest.mark.parametrize(
    ("kind", "start", "end", "texts"),
    [
        (WEEK, date(2020, 12, 31), date(2021, 1, 4), ["2020-W53", "2021-W01"]),
        (QUARTER, date(2020, 3, 31), date(2020, 4, 1), ["2020-Q1", "2020-Q2"]),
        (YEAR, date(2019, 6, 1), date(2021, 1, 1), ["2019", "2020", "2021"]),
        (MONTH, date(2020, 6, 15), date(2020, 6, 15), ["2020-06"]),
    ],
)
def test_iter_periods_examples(kind: PeriodKind, start: date, end: date, texts: list[str]) -> None:
    assert [str(p) for p in iter_periods(kind, start, end)] == texts


def test_iter_periods_refuses_a_range_that_ends_before_it_starts_when_called() -> None:
    with pytest.raises(InvalidPeriodError) as info:
        iter_periods(MONTH, date(2020, 6, 2), date(2020, 6, 1))
    assert (
        str(info.value) == "'end' must not be before 'start' (got end 2020-06-01, start 2020-06-02)"
    )


def test_parse_period_range_gives_first_and_last_or_one_period_twice() -> None:
    assert parse_period_range("2018-01..2018-12") == (Period.month(2018, 1), Period.month(2018, 12))
    assert parse_period_range("2018-Q3") == (Period.quarter(2018, 3), Period.quarter(2018, 3))
    assert parse_period_range("2018-W05..2018-W05") == (Period.week(2018, 5), Period.week(2018, 5))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2018-01..2018-Q4",
            "period range must have the same kind on both sides "
            "(got '2018-01..2018-Q4': a month and a quarter)",
        ),
        ("2018-12..2018-01", "period range must not end before it starts (got '2018-12..2018-01')"),
        (
            "2018..2019..2020",
            "period range must be FIRST..LAST with one '..' (got '2018..2019..2020')",
        ),
        (
            "2018-01..",
            "period range must be FIRST..LAST, as in 2018-01..2018-12 (got '2018-01..'); "
            f"LAST: period must be {_FORMS} (got '')",
        ),
        (
            "2018-13..2019-01",
            "period range must be FIRST..LAST, as in 2018-01..2018-12 (got '2018-13..2019-01'); "
            "FIRST: period must be an existing period: months run from 1 to 12 (got '2018-13')",
        ),
        ("2018-1", f"period must be {_FORMS} (got '2018-1')"),
    ],
)
def test_parse_period_range_refuses_bad_ranges(text: str, message: str) -> None:
    with pytest.raises(InvalidPeriodError) as info:
        parse_period_range(text)
    assert str(info.value) == message


# -- properties -----------------------------------------------------------------------------


@given(ordinary_dates)
def test_every_date_lies_in_exactly_one_period_of_each_kind_which_containing_finds(
    d: date,
) -> None:
    for kind in PeriodKind:
        p = Period.containing(kind, d)
        assert p.kind is kind
        assert p.contains(d)
        assert not p.previous().contains(d)
        assert not p.next().contains(d)


@given(ordinary_dates, ordinary_dates, st.sampled_from(PeriodKind))
def test_a_period_contains_exactly_the_dates_whose_containing_period_it_is(
    d: date, other: date, kind: PeriodKind
) -> None:
    p = Period.containing(kind, d)
    assert p.contains(other) == (Period.containing(kind, other) == p)


@given(ordinary_dates, st.sampled_from(PeriodKind))
def test_the_period_containing_a_date_is_the_one_in_the_iso_or_calendar_fields(
    d: date, kind: PeriodKind
) -> None:
    iso = d.isocalendar()
    expected = {
        WEEK: f"{iso.year:04d}-W{iso.week:02d}",
        MONTH: f"{d.year:04d}-{d.month:02d}",
        QUARTER: f"{d.year:04d}-Q{(d.month + 2) // 3}",
        YEAR: f"{d.year:04d}",
    }[kind]
    assert str(Period.containing(kind, d)) == expected


@given(
    st.sampled_from(PeriodKind),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2050, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
def test_iter_periods_tiles_the_range_without_gap_or_overlap(
    kind: PeriodKind, start: date, length: int
) -> None:
    end = start + timedelta(days=length)
    got = list(iter_periods(kind, start, end))
    assert got[0].contains(start)
    assert got[-1].contains(end)
    for before, after in itertools.pairwise(got):
        assert before.end == after.start
        assert before.kind is after.kind is kind
    covered = [d for p in got for d in p.dates()]
    assert covered == [
        got[0].start + timedelta(i) for i in range((got[-1].end - got[0].start).days)
    ]


@given(periods(min_year=1, max_year=9998))
def test_str_and_parse_round_trip(p: Period) -> None:
    assert Period.parse(str(p)) == p
    assert parse_period_range(str(p)) == (p, p)


@given(periods(min_year=2, max_year=9997))
def test_next_and_previous_are_inverse_and_adjacent(p: Period) -> None:
    assert p.next().previous() == p
    assert p.previous().next() == p
    assert p.next().start == p.end
    assert p.previous().end == p.start
    assert p.previous() < p < p.next()


@given(periods(min_year=1, max_year=9998))
def test_days_last_day_and_dates_agree(p: Period) -> None:
    days = list(p.dates())
    assert len(days) == p.days
    assert (days[0], days[-1]) == (p.start, p.last_day)
    assert p.last_day + timedelta(days=1) == p.end


@given(st.integers(min_value=1, max_value=9998))
def test_the_months_and_quarters_of_a_year_tile_it(year: int) -> None:
    y = Period.year(year)
    months = list(iter_periods(MONTH, y.start, y.last_day))
    quarters = list(iter_periods(QUARTER, y.start, y.last_day))
    assert len(months) == 12
    assert len(quarters) == 4
    assert sum(m.days for m in months) == sum(q.days for q in quarters) == y.days
