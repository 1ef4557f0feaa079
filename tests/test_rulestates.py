"""Rule states: whether each rule's duty is in force on a day or over a period, from its flag.

The property tests build a parameter table of their own (a flag with random values at random
scopes) and check that every state, span and change agrees with the flag's values as the
table resolves them, day by day. The examples use the shipped Hubei plugin's Xianning contact
duty (flag false from 2000-01-01, true from 2020-12-17 in 4212) for its dates only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect import Division, Engine, Message, Period, SubjectKind
from careprotect.engine import Registration
from careprotect.params import (
    Citation,
    ParameterSpec,
    ParameterTable,
    ParameterValue,
    PluginInfo,
    Scope,
    Status,
    Unit,
    scope_contains,
)
from careprotect.rules import RuleKind
from careprotect.rulestates import RuleState, RuleStatus, flag_of, rule_status

PLUGIN = PluginInfo(name="t", version="0", scope=None)
CITATION = Citation(key="c", issuer="i", document="d", title="t", status=Status.ASSUMED)
FLAG = "t.required"
DAY = dt.timedelta(days=1)


@attrs.frozen
class Flagged:
    """A rule that names a flag (``required``, or ``gate`` for an entitlement)."""

    id: str = "t.rule"
    kind: RuleKind = RuleKind.COMPLIANCE
    subject: SubjectKind = SubjectKind.CHILD
    title: Message = attrs.field(factory=lambda: Message("测试", "test"))
    citations: tuple[str, ...] = ("c",)
    required: str | None = FLAG
    gate: str | None = None


def table(values: list[tuple[Scope, dt.date, bool]], unit: Unit = Unit.FLAG) -> ParameterTable:
    spec = ParameterSpec(name=FLAG, unit=unit, zh="z", en="e", plugin=PLUGIN)
    return ParameterTable(
        [spec],
        [
            ParameterValue(
                parameter=FLAG,
                value=value,
                effective=day,
                scope=scope,
                citation=CITATION,
                plugin=PLUGIN,
            )
            for scope, day, value in values
        ],
    )


def registered(scope: Scope, **rule: Any) -> Registration:
    return Registration(Flagged(**rule), PLUGIN, scope, (CITATION,))


# -- examples ----------------------------------------------------------------------------------

XIANNING_CONTACT = "hubei.xianning.left_behind.contact"


@pytest.fixture(scope="module")
def shipped() -> Engine:
    engine = Engine.from_entry_points(["hubei"])
    assert (
        engine.rule(XIANNING_CONTACT).item.required == "hubei.xianning.left_behind.contact.required"
    )
    return engine


def _state(engine: Engine, when: dt.date | Period) -> RuleStatus:
    (status,) = [s for s in engine.rule_states(when) if s.rule == XIANNING_CONTACT]
    return status


def test_xianning_contact_duty_is_not_yet_in_force_on_2020_06_30(shipped: Engine) -> None:
    """Before 2020-12-17 the duty has not started: from 2020-12-17 in 4212."""
    status = _state(shipped, dt.date(2020, 6, 30))
    assert status.state is RuleState.NOT_YET_IN_FORCE
    assert status.starts == ((dt.date(2020, 12, 17), Division("4212")),)
    assert status.ends == ()
    assert status.as_dict() == {
        "rule": XIANNING_CONTACT,
        "state": "not_yet_in_force",
        "flag": "hubei.xianning.left_behind.contact.required",
        "starts": [{"date": "2020-12-17", "scope": "4212"}],
        "ends": [],
        "places": ["4212"],
        "in_force": [{"scope": "4212", "from": "2020-12-17", "to": None}],
    }


def test_xianning_contact_duty_is_in_force_on_2024_12_31(shipped: Engine) -> None:
    status = _state(shipped, dt.date(2024, 12, 31))
    assert (status.state, status.starts, status.ends) == (RuleState.IN_FORCE, (), ())


def test_xianning_contact_duty_is_in_force_for_part_of_december_2020(shipped: Engine) -> None:
    """Over 2020-12 the duty starts on the 17th; over 2021 it holds throughout."""
    status = _state(shipped, Period.parse("2020-12"))
    assert status.state is RuleState.PARTLY_IN_FORCE
    assert status.starts == ((dt.date(2020, 12, 17), Division("4212")),)
    assert _state(shipped, Period.parse("2021")).state is RuleState.IN_FORCE


def test_the_day_before_and_the_day_of_the_start(shipped: Engine) -> None:
    assert _state(shipped, dt.date(2020, 12, 16)).state is RuleState.NOT_YET_IN_FORCE
    assert _state(shipped, dt.date(2020, 12, 17)).state is RuleState.IN_FORCE


def test_engine_rule_states_lists_every_rule_by_id_and_filters_by_kind(shipped: Engine) -> None:
    day = dt.date(2024, 12, 31)
    assert [s.rule for s in shipped.rule_states(day)] == [r.id for r in shipped.rules]
    compliance = shipped.rule_states(day, kind=RuleKind.COMPLIANCE)
    assert [s.rule for s in compliance] == [
        r.id for r in shipped.rules if r.item.kind is RuleKind.COMPLIANCE
    ]
    # A range of periods: from the first's first day through the last's last day.
    ranged = shipped.rule_states(Period.parse("2020-01"), Period.parse("2020-12"))
    assert {(s.first, s.last) for s in ranged} == {(dt.date(2020, 1, 1), dt.date(2020, 12, 31))}


def test_a_rule_without_a_flag_is_in_force_with_no_dated_start() -> None:
    """No ``required`` or ``gate``, or one that is not a flag parameter: in force, always."""
    flags = table([(None, dt.date(2020, 1, 1), False)])
    for rule in (registered(None, required=None), registered(Division("43"), required=None)):
        status = rule_status(rule, flags, dt.date(2019, 1, 1))
        assert flag_of(rule, flags) is None
        assert status.state is RuleState.IN_FORCE
        assert status.as_dict()["in_force"] == [
            {"scope": "national" if rule.scope is None else "43", "from": None, "to": None}
        ]
    counts = table([(None, dt.date(2020, 1, 1), 3)], unit=Unit.COUNT)  # type: ignore[list-item]
    assert rule_status(registered(None), counts, dt.date(2019, 1, 1)).state is RuleState.IN_FORCE


def test_an_entitlement_required_flag_is_read_like_a_compliance_one() -> None:
    flags = table([(None, dt.date(2020, 1, 1), True)])
    rule = registered(None, required=FLAG, kind=RuleKind.ENTITLEMENT)
    assert rule_status(rule, flags, dt.date(2019, 12, 31)).starts == ((dt.date(2020, 1, 1), None),)


def test_no_longer_and_never_in_force() -> None:
    ended = table([(None, dt.date(2019, 1, 1), True), (None, dt.date(2021, 1, 1), False)])
    status = rule_status(registered(None), ended, dt.date(2022, 6, 30))
    assert (status.state, status.ends) == (
        RuleState.NO_LONGER_IN_FORCE,
        ((dt.date(2021, 1, 1), None),),
    )
    over = rule_status(registered(None), ended, Period.parse("2020-Q4"), Period.parse("2021-Q1"))
    assert (over.state, over.starts, over.ends) == (
        RuleState.PARTLY_IN_FORCE,
        (),
        ((dt.date(2021, 1, 1), None),),
    )
    never = table([(None, dt.date(2019, 1, 1), False)])
    assert (
        rule_status(registered(None), never, dt.date(2022, 6, 30)).state is RuleState.NOT_IN_FORCE
    )


def test_a_duty_in_force_in_part_of_the_scope_on_a_day() -> None:
    """National false, true in 43 from 2020-01-01: partly in force, in 43."""
    flags = table([(None, dt.date(2019, 1, 1), False), (Division("43"), dt.date(2020, 1, 1), True)])
    status = rule_status(registered(None), flags, dt.date(2020, 6, 30))
    assert status.state is RuleState.PARTLY_IN_FORCE
    assert status.in_force_in == (Division("43"),)
    assert status.places == (None, Division("43"))
    # A place that answers as the place containing it is left out.
    same = table([(None, dt.date(2019, 1, 1), True), (Division("43"), dt.date(2019, 1, 1), True)])
    kept = rule_status(registered(None), same, dt.date(2020, 1, 1))
    assert ([s.scope for s in kept.in_force], kept.places) == ([None], (None,))


# -- properties --------------------------------------------------------------------------------

SCOPES: tuple[Scope, ...] = (None, Division("43"), Division("4301"), Division("430102"))
"""Where flag values may be: the nation, a province, a city in it, a county in that."""
PROBES = (*SCOPES, Division("4302"), Division("430103"), Division("430102001"))
"""Divisions to read the flag in: each scope, and divisions under no value's own scope."""
FIRST_DAY, LAST_DAY = dt.date(2020, 1, 1), dt.date(2020, 4, 30)


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += DAY


flag_values = st.lists(
    st.tuples(
        st.sampled_from(SCOPES),
        st.dates(min_value=FIRST_DAY, max_value=LAST_DAY),
        st.booleans(),
    ),
    max_size=6,
    unique_by=lambda v: (v[0], v[1]),
)


def _on(flags: ParameterTable, division: Scope, day: dt.date) -> bool:
    found = flags.find(FLAG, division, day)
    return found is not None and found.value is True


@settings(max_examples=150, deadline=None)
@given(
    values=flag_values,
    scope=st.sampled_from(SCOPES[:3]),
    first=st.dates(min_value=FIRST_DAY - 10 * DAY, max_value=LAST_DAY + 10 * DAY),
    length=st.integers(min_value=0, max_value=40),
)
def test_a_state_agrees_with_the_flag_values(
    values: list[tuple[Scope, dt.date, bool]], scope: Scope, first: dt.date, length: int
) -> None:
    """Property: the spans in force are exactly the days the flag is true, in every division
    of the rule's scope; the state is the one the flag's values give over the days judged;
    each start is a day the flag turns true there, each end a day it turns false."""
    flags = table(values)
    rule = registered(scope)
    last = first + length * DAY
    status = rule_status(rule, flags, first, last)
    probes = [d for d in PROBES if scope_contains(scope, d)]
    horizon = list(_days(FIRST_DAY - 20 * DAY, LAST_DAY + 60 * DAY))

    def by_spans(division: Scope, day: dt.date) -> bool:
        # A division is answered by the most specific place listed that contains it.
        place = max(
            (p for p in status.places if scope_contains(p, division)),
            key=lambda p: 0 if p is None else len(p.code),
        )
        return any(s.scope == place and s.covers(day) for s in status.in_force)

    for division in probes:
        for day in horizon:
            assert by_spans(division, day) is _on(flags, division, day), (division, day)

    judged = [(d, day) for d in probes for day in _days(first, last)]
    now = [_on(flags, d, day) for d, day in judged]
    later = any(_on(flags, d, day) for d in probes for day in horizon if day > last)
    before = any(_on(flags, d, day) for d in probes for day in horizon if day < first)
    if all(now):
        expected = RuleState.IN_FORCE
    elif any(now):
        expected = RuleState.PARTLY_IN_FORCE
    elif later:
        expected = RuleState.NOT_YET_IN_FORCE
    elif before:
        expected = RuleState.NO_LONGER_IN_FORCE
    else:
        expected = RuleState.NOT_IN_FORCE
    assert status.state is expected
    for day, place in status.starts:
        assert first < day
        assert _on(flags, place, day)
        assert not _on(flags, place, day - DAY)
        if expected is RuleState.NOT_YET_IN_FORCE:
            assert day > last
            assert not any(_on(flags, place, d) for d in _days(last + DAY, day - DAY))
    for day, place in status.ends:
        assert day <= last
        assert not _on(flags, place, day)
        assert _on(flags, place, day - DAY)
        if expected is RuleState.NO_LONGER_IN_FORCE:
            assert not any(_on(flags, place, d) for d in _days(day, last))
    if expected is RuleState.NOT_YET_IN_FORCE:
        assert status.starts
    if expected is RuleState.NO_LONGER_IN_FORCE:
        assert status.ends
    if expected in (RuleState.IN_FORCE, RuleState.NOT_IN_FORCE):
        assert (status.starts, status.ends) == ((), ())
