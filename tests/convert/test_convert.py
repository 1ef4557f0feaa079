"""The converter is strict, and its failures become paths and messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from careprotect import (
    Contact,
    Disability,
    DisabilityKind,
    FieldProblem,
    ServicePoint,
    Training,
    make_converter,
    structure_problems,
)
from careprotect.convert import describe_value


def problems(data: Any, cls: type) -> list[FieldProblem]:
    with pytest.raises(Exception) as info:  # noqa: PT011 - any structuring error is walked
        make_converter().structure(data, cls)
    return structure_problems(info.value)


TRAINING = {"date": "2020-01-01", "organiser_level": "county", "days": 2, "passed": True}
POINT = {"id": "H1", "kind": "childrens_home", "name": "某村儿童之家", "division": "430124101201"}


def test_make_converter_returns_independent_converters() -> None:
    """No global state: each call builds a new converter, and hooks added to one stay there."""
    first, second = make_converter(), make_converter()
    assert first is not second
    first.register_structure_hook(Disability, lambda v, t: Disability(DisabilityKind.VISUAL, 1))
    assert second.structure({"kind": "hearing", "grade": 2}, Disability) == Disability(
        DisabilityKind.HEARING, 2
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("days", "2", "must be a whole number (got '2')"),
        ("days", True, "must be a whole number (got bool True)"),
        ("days", 2.0, "must be a whole number (got float 2.0)"),
        ("passed", "yes", "must be true or false (got 'yes')"),
        ("passed", 1, "must be true or false (got int 1)"),
        ("date", "20200101", "must be a real date YYYY-MM-DD (got '20200101')"),
        ("date", "2020-1-01", "must be a real date YYYY-MM-DD (got '2020-1-01')"),
        ("date", "2021-02-29", "must be a real date YYYY-MM-DD (got '2021-02-29')"),
        ("date", 20200101, "must be a real date YYYY-MM-DD (got int 20200101)"),
        (
            "organiser_level",
            "city",
            "must be one of national, province, prefecture, county, township (got 'city')",
        ),
    ],
)
def test_scalar_values_are_not_coerced(field: str, value: Any, message: str) -> None:
    """A string is not a number, a number not a boolean, a date is YYYY-MM-DD and real."""
    assert problems({**TRAINING, field: value}, Training) == [FieldProblem(f"$.{field}", message)]


def test_a_leap_day_is_a_real_date() -> None:
    """2020-02-29 exists."""
    training = make_converter().structure({**TRAINING, "date": "2020-02-29"}, Training)
    assert training.date == dt.date(2020, 2, 29)


def test_strings_are_not_made_from_numbers() -> None:
    """An id given as a number is refused rather than turned into '7'."""
    assert problems({**POINT, "id": 7}, ServicePoint) == [
        FieldProblem("$.id", "must be a string (got int 7)")
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(50, Decimal(50)), (Decimal("42.5"), Decimal("42.5")), (42.5, Decimal("42.5"))],
)
def test_areas_are_exact_decimals(value: Any, expected: Decimal) -> None:
    """Areas become Decimal; a float becomes the decimal it was written as."""
    point = make_converter().structure({**POINT, "floor_area_m2": value}, ServicePoint)
    assert point.floor_area_m2 == expected
    assert isinstance(point.floor_area_m2, Decimal)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("NaN"), "must be a finite number (got Decimal Decimal('NaN'))"),
        (float("inf"), "must be a finite number (got float inf)"),
        ("60", "must be a number (got '60')"),
        ("fifty", "must be a number (got 'fifty')"),
        (True, "must be a number (got bool True)"),
        (-1, "must not be negative (got -1)"),
    ],
)
def test_bad_areas_are_refused(value: Any, message: str) -> None:
    """Strings (even of digits), non-finite numbers and negative areas are refused."""
    assert problems({**POINT, "floor_area_m2": value}, ServicePoint) == [
        FieldProblem("$.floor_area_m2", message)
    ]


def test_a_list_field_needs_a_list() -> None:
    """A string is not taken as a list of characters."""
    assert problems({**POINT, "facilities": "video_calls"}, ServicePoint) == [
        FieldProblem("$.facilities", "must be a list (got 'video_calls')")
    ]


def test_a_nested_record_needs_an_object() -> None:
    """A nested record given as a string is refused at its index."""
    assert problems({**POINT, "agreements": ["C1"]}, ServicePoint) == [
        FieldProblem("$.agreements[0]", "must be an object (got 'C1')")
    ]


def test_validator_errors_point_at_their_field() -> None:
    """A rule checked by the class (closing before opening) is reported at its field."""
    data = {**POINT, "opened_on": "2020-05-01", "closed_on": "2020-04-01"}
    assert problems(data, ServicePoint) == [
        FieldProblem("$.closed_on", "must be after 'opened_on' 2020-05-01 (got 2020-04-01)")
    ]


def test_unknown_fields_are_refused_one_by_one() -> None:
    """Each unknown key is its own problem. A field name of another class is shown in the
    path; any other key (which may be a name) is shown masked, at the path ``$.*``."""
    data = {"date": "2020-01-01", "worker": "W1", "mode": "phone", "note": "x", "guardian": "y"}
    assert problems(data, Contact) == [
        FieldProblem("$.guardian", "is not a field of Contact"),
        FieldProblem("$.*", "is not a field of Contact (an unknown key: 'n***')"),
    ]


def test_topics_unstructure_as_a_sorted_list() -> None:
    """Sets are written as sorted lists, so output is stable."""
    contact = make_converter().structure(
        {"date": "2020-01-01", "worker": "W1", "mode": "phone", "topics": ["study", "safety"]},
        Contact,
    )
    assert make_converter().unstructure(contact) == {
        "date": "2020-01-01",
        "worker": "W1",
        "mode": "phone",
        "topics": ["safety", "study"],
    }


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("uncle", "'uncle'"),
        ("张三丰", "a string of 3 characters"),
        ("11010519491231002X", "'110105********002X'"),
        ("x" * 40, "a string of 40 characters"),
        (None, "null"),
        ({"a": 1}, "an object"),
    ],
)
def test_bad_values_are_described_without_personal_data(value: Any, shown: str) -> None:
    """Error messages quote short ASCII values, mask ID-like digits, and never quote Chinese
    text (which may be a name)."""
    assert describe_value(value) == shown


def test_strings_with_a_nul_character_are_refused() -> None:
    """NUL never belongs in a name or id, and the writer's number marker relies on it."""
    assert problems({**POINT, "name": "a\x00b"}, ServicePoint) == [
        FieldProblem("$.name", "must not contain a NUL character")
    ]
