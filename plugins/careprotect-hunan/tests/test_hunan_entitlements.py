"""Hunan money (POLICY.md §6): the orphan allowance floors from 2018-01-01 (seed 004), the child
director post allowance and the children's home construction grant from 2019-06-11 (seed 002
§5.2), on both sides of every date; and properties of every amount."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import careprotect_hunan
from careprotect import (
    Child,
    Division,
    Engine,
    HouseholdType,
    Parent,
    ParentSituation,
    ParentSituationKind,
    ReferenceData,
    Registry,
    ResidenceKind,
    ServicePointKind,
    Sex,
    WorkerRole,
    pipeline,
)
from careprotect.params import scope_contains
from careprotect.periods import Period, PeriodKind
from careprotect.rules.entitlements import Amount
from careprotect.testing import children, periods, service_points, workers
from hunan_testkit import (
    CHIBI_VILLAGE,
    HUBEI,
    HUNAN,
    OTHER_VILLAGE,
    VILLAGE,
    amounts,
    by_month,
    day,
    engine,
    home,
    orphan,
    reference,
    worker,
)

ORPHAN = "orphan.allowance"
DFU = "de_facto_unsupported.allowance"
POST = "hunan.child_director.post_allowance"
GRANT = "hunan.childrens_home.construction_grant"


# -- the orphan allowance -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("residence", "before", "after"),
    [
        (ResidenceKind.FAMILY, "600.00", "800.00"),
        (ResidenceKind.INSTITUTION, "1000.00", "1200.00"),
    ],
)
def test_hunan_orphan_floors_from_january_2018(
    residence: ResidenceKind, before: str, after: str
) -> None:
    """December 2017: the national 600 / 1000; January 2018: Hunan's 800 / 1200."""
    kid = orphan(residence=residence)
    found = amounts(ORPHAN, "2017-12", children=[kid]) + amounts(ORPHAN, "2018-01", children=[kid])
    assert by_month(found) == {"2017-12": before, "2018-01": after}
    december, january = (a.evidence[-1] for a in found)
    assert (december.scope, december.plugin, december.effective) == (
        "national",
        "national",
        day("2010-01-01"),
    )
    assert (january.scope, january.plugin, january.effective) == ("43", "hunan", day("2018-01-01"))
    assert january.citation.key == "hn-2018-orphan"


def test_the_rate_changes_once_at_the_turn_of_2018() -> None:
    """Over 2017-Q4 and 2018-Q1 a scattered orphan in Luxi gets three months at 600.00 and
    three at 800.00."""
    found = amounts(ORPHAN, "2017-Q4", children=[orphan()])
    found += amounts(ORPHAN, "2018-Q1", children=[orphan()])
    assert list(by_month(found).items()) == [
        ("2017-10", "600.00"),
        ("2017-11", "600.00"),
        ("2017-12", "600.00"),
        ("2018-01", "800.00"),
        ("2018-02", "800.00"),
        ("2018-03", "800.00"),
    ]


def test_a_hubei_orphan_keeps_the_national_rate() -> None:
    """Chibi (Hubei) in January 2018: 600.00, no Hunan evidence."""
    (a,) = amounts(ORPHAN, "2018-01", children=[orphan(division=CHIBI_VILLAGE)])
    assert a.amount == Decimal("600.00")
    assert all(e.plugin != "hunan" for e in a.evidence)


def test_a_de_facto_unsupported_child_in_hunan_is_paid_the_hunan_scattered_rate() -> None:
    """民发〔2019〕62号 (national, reported): from 2020-01-01 at the local scattered-orphan
    standard, which in Hunan is the 800 floor of 2018-01-01; nothing at all in 2019-12. No
    Hunan de facto unsupported standard of its own was found, so the plugin sets none."""
    kid = Child(
        id="C2",
        name="向小华",
        birth_date=day("2012-05-01"),
        sex=Sex.MALE,
        division=VILLAGE,
        household=HouseholdType.RURAL,
        parent_situations=(
            ParentSituation(
                parent=Parent.FATHER,
                kind=ParentSituationKind.IMPRISONED,
                start=day("2019-01-01"),
                term_months=36,
            ),
            ParentSituation(
                parent=Parent.MOTHER, kind=ParentSituationKind.DEAD, start=day("2019-01-01")
            ),
        ),
    )
    assert amounts(DFU, "2019-12", children=[kid]) == []
    (a,) = amounts(DFU, "2020-01", children=[kid])
    assert a.amount == Decimal("800.00")
    rate = a.evidence[-1]
    assert (rate.parameter, rate.scope) == ("orphan.allowance.scattered", "43")
    assert rate.plugin == "hunan"
    assert by_month(amounts(DFU, "2021", children=[kid])) == {
        f"2021-{m:02d}": "800.00" for m in range(1, 13)
    }


# -- the child director post allowance ------------------------------------------------------------


def test_post_allowance_is_200_from_the_first_month_after_the_notice() -> None:
    """A director in post since 2019-01-01: nothing under this rule for May and June 2019
    (June is decided on its first day, before the notice of 2019-06-11, as the national
    partial-month rule decides any month in which eligibility starts); 200.00 for July."""
    ref = reference(staff=[worker(appointed="2019-01-01")])
    assert amounts(POST, "2019-Q2", ref=ref) == []
    (july,) = amounts(POST, "2019-07", ref=ref)
    assert july.amount == Decimal("200.00")
    gate, rate = july.evidence  # July is whole: the partial-month rule decides nothing
    assert (gate.parameter, gate.value, gate.effective) == (
        "hunan.child_director.post_allowance.applies",
        True,
        day("2019-06-11"),
    )
    assert (rate.parameter, rate.value, rate.effective, rate.scope) == (
        POST,
        Decimal("200.00"),
        day("2019-06-11"),
        "43",
    )


def test_a_director_of_unknown_appointment_is_missing_input_never_zero() -> None:
    """Appointment date not recorded: each month since the notice is missing input."""
    ref = reference(staff=[worker(appointed=None)])
    found = amounts(POST, "2019-Q3", ref=ref)
    assert by_month(found) == {"2019-07": None, "2019-08": None, "2019-09": None}
    assert found[0].missing == "child_director: appointment date unknown"


def test_post_allowance_follows_the_months_of_service() -> None:
    """Appointed 2019-08-20, left 2020-03-10: September 2019 to March 2020, 200.00 each."""
    ref = reference(staff=[worker(appointed="2019-08-20", left="2020-03-10")])
    found = amounts(POST, "2019", ref=ref) + amounts(POST, "2020", ref=ref)
    months = ("2019-09", "2019-10", "2019-11", "2019-12", "2020-01", "2020-02", "2020-03")
    assert by_month(found) == dict.fromkeys(months, "200.00")


def test_only_child_directors_in_hunan_get_the_post_allowance() -> None:
    """A supervisor in Hunan, and a director in Hubei, get no Hunan post allowance."""
    ref = reference(
        staff=[
            worker("W1", role=WorkerRole.CHILD_SUPERVISOR, division=Division("433122100")),
            worker("W2", division=CHIBI_VILLAGE),
        ]
    )
    assert amounts(POST, "2020-01", ref=ref) == []


# -- the construction grant -----------------------------------------------------------------------


def grant(opened: str, period: str = "2019") -> list[tuple[str, str | None, str]]:
    found = amounts(GRANT, period, ref=reference(points=[home(opened=opened)]))
    return [(a.payer, None if a.amount is None else str(a.amount), a.missing) for a in found]


def test_a_home_opened_on_the_notice_day_gets_30000_split_10000_and_20000() -> None:
    """Opened 2019-06-11: province 10000.00 and city and county 20000.00."""
    assert grant("2019-06-11") == [
        ("province", "10000.00", ""),
        ("prefecture_county", "20000.00", ""),
    ]
    (a, _) = amounts(GRANT, "2019", ref=reference(points=[home(opened="2019-06-11")]))
    assert a.day == day("2019-06-11")
    assert [e.parameter for e in a.evidence] == [
        "hunan.childrens_home.grant.total",
        "hunan.childrens_home.grant.province",
    ]


def test_a_home_opened_the_day_before_the_notice_is_missing_input() -> None:
    """Opened 2019-06-10: no grant value in force; the amount is missing input (seed 004
    reports earlier lottery-fund grants, but not their amount), never zero."""
    assert grant("2019-06-10") == [
        ("", None, "no value of hunan.childrens_home.grant.total in force on 2019-06-10")
    ]


def test_the_grant_is_paid_in_the_period_the_home_opens() -> None:
    """Opened 2020-03-01: nothing in 2019, the grant in 2020-Q1, nothing in 2020-Q2."""
    assert grant("2020-03-01", "2019") == []
    assert [p for p, _, _ in grant("2020-03-01", "2020-Q1")] == ["province", "prefecture_county"]
    assert grant("2020-03-01", "2020-Q2") == []


def test_only_childrens_homes_in_hunan_get_the_grant() -> None:
    """A social work station in Hunan and a children's home in Hubei get none."""
    points = [
        home("P1", kind=ServicePointKind.SOCIAL_WORK_STATION, opened="2020-01-10"),
        home("P2", division=CHIBI_VILLAGE, opened="2020-01-10"),
        home("P3", division=OTHER_VILLAGE, opened="2020-01-10"),
    ]
    found = amounts(GRANT, "2020", ref=reference(points=points))
    assert {a.subject.id for a in found} == {"P3"}


# -- properties -----------------------------------------------------------------------------------

PROVINCES = [HUNAN, HUBEI]
KINDS = st.sampled_from([ServicePointKind.CHILDRENS_HOME] * 3 + list(ServicePointKind))
K = ParentSituationKind


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    """Registries in Hunan and Hubei, rich in orphans, with child directors and children's
    homes opened around the notice."""
    situations = st.sampled_from(
        [[K.DEAD, K.DEAD], [K.DEAD], [K.IMPRISONED, K.DEAD], [K.DECLARED_MISSING, K.DEAD]]
    )
    kids = tuple(
        draw(
            children(
                draw(st.sampled_from(PROVINCES)),
                age_on=(dt.date(2018, 1, 1), draw(st.integers(0, 19))),
                parent_situations=draw(st.none() | situations),
                max_facts=2,
                child_id=f"C{i:05d}",
                worker_ids=(),
                service_point_ids=["P0001"],
            )
        )
        for i in range(1, draw(st.integers(0, 4)) + 1)
    )
    staff = tuple(
        draw(
            workers(
                draw(st.sampled_from(PROVINCES)),
                draw(st.sampled_from([WorkerRole.CHILD_DIRECTOR, WorkerRole.CHILD_SUPERVISOR])),
                worker_id=f"W{i}",
                min_date=dt.date(2017, 1, 1),
                max_date=dt.date(2021, 12, 31),
            )
        )
        for i in range(draw(st.integers(0, 3)))
    )
    points = tuple(
        draw(
            service_points(
                draw(st.sampled_from(PROVINCES)),
                draw(KINDS),
                point_id=f"P{i:04d}",
                director_ids=(),
                child_ids=(),
                min_date=dt.date(2018, 6, 1),
                max_date=dt.date(2020, 6, 30),
            )
        )
        for i in range(1, draw(st.integers(0, 3)) + 1)
    )
    return Registry(reference=ReferenceData(workers=staff, service_points=points), children=kids)


PERIODS = st.one_of(
    periods(PeriodKind.MONTH, 2017, 2021),
    periods(PeriodKind.QUARTER, 2017, 2021),
    periods(PeriodKind.YEAR, 2017, 2021),
)
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _floors(name: str, division: Division, on: dt.date) -> list[Decimal]:
    """The floors of ``name`` in force on ``on`` in every scope containing ``division``."""
    table = engine().parameters
    out = []
    values = list(table.values(name))
    for v in values:
        if not v.floor or not scope_contains(v.scope, division) or v.effective > on:
            continue
        if not any(w.scope == v.scope and v.effective < w.effective <= on for w in values):
            out.append(v.value)
    return out


def _key(a: Amount) -> str:
    return json.dumps(a.as_dict(), sort_keys=True, ensure_ascii=False)


@PROPERTY
@given(registry=registries(), period=PERIODS)
def test_property_amounts_are_never_negative_nor_below_a_floor(
    registry: Registry, period: Period
) -> None:
    """Property: every known amount has two places, is at least 0, is at least the national
    floor of its rate and every Hunan floor in force on its deciding day; an orphan in Hunan
    from 2018 gets at least 800 (family) or 1200 (institution)."""
    for a in pipeline.entitlements(engine(), registry, period):
        if a.amount is None:
            assert a.missing
            continue
        assert a.amount >= 0
        assert a.amount == a.amount.quantize(Decimal("0.01"))
        if a.rule == GRANT:
            assert a.amount in (Decimal("10000.00"), Decimal("20000.00"))
            continue
        assert a.day is not None
        rate = a.evidence[-1]
        assert rate.value == a.amount
        floors = _floors(rate.parameter, a.division, a.day)
        assert floors, rate.parameter
        assert all(a.amount >= f for f in floors)
        national = engine().parameters.find(rate.parameter, None, a.day)
        if national is not None:
            assert a.amount >= national.value
        if a.rule == ORPHAN and HUNAN.contains(a.division) and a.day >= dt.date(2018, 1, 1):
            assert a.amount >= Decimal("800.00")


@PROPERTY
@given(registry=registries(), period=PERIODS)
def test_property_no_hunan_amount_or_evidence_outside_hunan(
    registry: Registry, period: Period
) -> None:
    """Property: a Hunan rule gives no amount for a subject outside 43, and no amount outside
    43 rests on a Hunan value."""
    for a in pipeline.entitlements(engine(), registry, period):
        if not HUNAN.contains(a.division):
            assert not a.rule.startswith("hunan.")
            assert all(e.plugin != "hunan" for e in a.evidence)


@PROPERTY
@given(registry=registries(), period=PERIODS)
def test_property_amounts_are_deterministic(registry: Registry, period: Period) -> None:
    """Property: the same input gives the same amounts, from the same or a fresh engine."""
    first = list(pipeline.entitlements(engine(), registry, period))
    assert list(pipeline.entitlements(engine(), registry, period)) == first
    fresh = Engine([careprotect_hunan])
    assert [_key(a) for a in pipeline.entitlements(fresh, registry, period)] == [
        _key(a) for a in first
    ]
