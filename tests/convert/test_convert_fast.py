"""The fast path is generated from the attrs classes: nothing about a class is written twice.

A throwaway class shows it: a class the fast path has never seen is read from plain data at
once, the fast and the strict path agree on every value, the fast path declines exactly what
the strict path refuses, and the strict path's problems carry JSON paths. Adding a field to
the class needs no edit anywhere else. The scalar tests written into the generated code
agree with the hooks the strict converter calls, and, over the model strategies of
careprotect.testing, every class the reader reads comes out of both paths the same.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect import make_converter, structure_problems
from careprotect import testing as strategies
from careprotect.convert import FastPathDeclined, fast_structurer
from careprotect.convert.hooks import SCALARS
from careprotect.divisions import Division
from careprotect.errors import InvalidValueError
from careprotect.model import Child, Contact
from careprotect.model.references import refers_to


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


def _positive(instance: Any, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise InvalidValueError(f"must be at least 1 (got {value})", field=attribute.name)


@attrs.frozen(kw_only=True)
class Part:
    """A throwaway record held by another."""

    colour: Colour
    count: int = attrs.field(default=1, validator=_positive)


@attrs.frozen(kw_only=True)
class Box:
    """A throwaway record: every kind of field the model uses."""

    label: str
    made: dt.date
    place: Division
    owner: str | None = attrs.field(default=None, metadata=refers_to("worker"))
    parts: tuple[Part, ...] = ()
    colours: frozenset[Colour] = frozenset()
    sealed: bool = False


def _grown() -> type:
    """Box with one field more, declared nowhere but here."""

    @attrs.frozen(kw_only=True)
    class Grown(Box):
        weight: int = attrs.field(default=0, validator=_positive)

    return Grown


BOX = {
    "label": "a",
    "made": "2020-02-29",
    "place": "430124101201",
    "owner": "W1",
    "parts": [{"colour": "red"}, {"colour": "blue", "count": 3}],
    "colours": ["red", "red", "blue"],
    "sealed": True,
}


def _both(cls: type, data: Any) -> tuple[Any, list[str] | None]:
    """What the fast path gives (or None when it declines) and the strict path's problems
    (None when it accepts, and then its object must be the fast path's)."""
    try:
        fast = fast_structurer(cls, {"worker": {"W1"}})(data)
    except Exception:
        fast = None
    try:
        strict: Any = make_converter().structure(data, cls)
    except Exception as exc:
        return fast, [str(p) for p in structure_problems(exc)]
    assert fast is None or (fast == strict and repr(fast) == repr(strict))
    return fast, None


def test_a_class_never_seen_is_read_from_plain_data() -> None:
    """Every kind of field of Box is read, with its default when absent."""
    box = fast_structurer(Box, {"worker": {"W1"}})(BOX)
    assert box == Box(
        label="a",
        made=dt.date(2020, 2, 29),
        place=Division("430124101201"),
        owner="W1",
        parts=(Part(colour=Colour.RED), Part(colour=Colour.BLUE, count=3)),
        colours=frozenset({Colour.RED, Colour.BLUE}),
        sealed=True,
    )
    assert fast_structurer(Box)({"label": "b", "made": "2020-01-01", "place": "43"}) == Box(
        label="b", made=dt.date(2020, 1, 1), place=Division("43")
    )


def test_a_field_added_to_a_class_is_read_with_no_other_edit() -> None:
    """A subclass with one more field, its type and its validator: both paths read it and
    agree, and a bad value of it is declined by the fast path and reported by the strict."""
    grown = _grown()
    fast, problems = _both(grown, {**BOX, "weight": 5})
    assert problems is None
    assert fast is not None
    assert fast.weight == 5
    assert _both(grown, {**BOX, "weight": 0}) == (None, ["$.weight: must be at least 1 (got 0)"])
    assert _both(grown, {**BOX, "weight": "5"}) == (
        None,
        ["$.weight: must be a whole number (got '5')"],
    )
    # Without the field, the key is unknown (and, being no field name of the model, masked).
    unknown = ["$.*: is not a field of Box (an unknown key: 'w*****')"]
    assert _both(Box, {**BOX, "weight": 5}) == (None, unknown)


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        ({"label": 1}, ["$.label: must be a string (got int 1)"]),
        ({"made": "2019-02-29"}, ["$.made: must be a real date YYYY-MM-DD (got '2019-02-29')"]),
        (
            {"parts": [{"colour": "red", "count": 0}]},
            ["$.parts[0].count: must be at least 1 (got 0)"],
        ),
        ({"parts": {"colour": "red"}}, ["$.parts: must be a list (got an object)"]),
        ({"colours": ["green"]}, ["$.colours[0]: must be one of red, blue (got 'green')"]),
        ({"sealed": "yes"}, ["$.sealed: must be true or false (got 'yes')"]),
        ({"place": "99"}, None),  # the division's own error, not a FieldProblem text to pin
    ],
)
def test_what_the_strict_path_refuses_the_fast_path_declines(
    change: dict[str, Any], problems: list[str] | None
) -> None:
    """Each bad value: the fast path declines, the strict path reports it at its path."""
    fast, found = _both(Box, {**BOX, **change})
    assert fast is None
    assert found is not None
    if problems is not None:
        assert found == problems


def test_a_reference_the_fast_path_cannot_vouch_for_is_declined() -> None:
    """An id not among those given for its kind is left to the strict path (which accepts
    it: checking references is the reader's)."""
    fast, problems = _both(Box, {**BOX, "owner": "W2"})
    assert (fast, problems) == (None, None)
    with pytest.raises(FastPathDeclined):
        fast_structurer(Box)(BOX)  # no worker ids given: none is vouched for


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=4,
)


@settings(max_examples=300, deadline=None)
@given(value=_JSON | st.sampled_from(["a\x00", "", "x", 0, 1, True, False]))
def test_the_generated_scalar_tests_agree_with_the_hooks(value: Any) -> None:
    """For each scalar type, the expression the fast path writes accepts exactly the values
    the strict hook returns unchanged."""
    for scalar_type, scalar in SCALARS.items():
        accepted = eval(scalar.accepts.format(v="value"), {}, {"value": value})
        try:
            hooked = scalar.hook(value, scalar_type) is value
        except InvalidValueError:
            hooked = False
        assert accepted == hooked, (scalar_type, value)


def _plain(child: Child) -> Any:
    return make_converter().unstructure(child)


@settings(max_examples=60, deadline=None)
@given(child=strategies.children(max_facts=4, worker_ids=(), service_point_ids=()))
def test_every_child_the_strategies_make_is_read_the_same_on_both_paths(child: Child) -> None:
    """A child file written out and read back: the fast path gives what the strict path
    gives, with the references it is told of (a child file whose references it is not told
    of is declined)."""
    data = _plain(child)
    workers = {c.worker for c in child.contacts} | {p.worker for p in child.pairings}
    workers |= {r.worker for r in child.reports if r.worker}
    workers |= {f.worker for f in child.referrals if f.worker}
    points = {r.institution for r in child.residences if r.institution}
    points |= {a.service_point for a in child.agreements if a.service_point}
    fast = fast_structurer(Child, {"worker": workers, "service_point": points})(data)
    assert fast == make_converter().structure(data, Child) == child
    assert repr(fast) == repr(child)


@settings(max_examples=100, deadline=None)
@given(
    contact=strategies.contacts(worker_ids=("W1",)),
    key=st.sampled_from(["date", "worker", "mode", "topics"]),
    value=_JSON,
)
def test_a_changed_contact_is_taken_only_as_the_strict_path_takes_it(
    contact: Contact, key: str, value: Any
) -> None:
    """Any value in any field of a contact: the fast path gives the strict path's object or
    declines; it never accepts what the strict path refuses."""
    data = {**make_converter().unstructure(contact), key: value}
    fast, problems = _both(Contact, data)
    if problems is not None:
        assert fast is None
