"""Tests of the model strategies in careprotect.testing.strategies: they honour their arguments
and give valid, internally consistent objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect import (
    AgreementKind,
    Child,
    Division,
    Facility,
    Level,
    Parent,
    ParentSituationKind,
    Registry,
    ResidenceKind,
    ServicePoint,
    ServicePointKind,
    Worker,
    WorkerRole,
)
from careprotect.testing import strategies as m
from careprotect.testing._children import birth_range
from careprotect.testing._codes import divisions
from support import first_example as find

D = dt.date
ONE_DAY = dt.timedelta(days=1)
_KINDS = st.lists(st.sampled_from(ParentSituationKind), min_size=1, max_size=4)
_days = st.one_of(
    st.dates(D(1990, 1, 1), D(2060, 12, 31)),
    st.sampled_from(
        [D(y, 2, d) for y in (2020, 2023, 2024) for d in (28, 29) if y != 2023 or d < 29]
    ),
)


_T = TypeVar("_T")


def _age(birth: dt.date, day: dt.date) -> int:
    return relativedelta(day, birth).years


# -- names ----------------------------------------------------------------------------------


@given(m.names())
def test_names_are_a_surname_and_one_or_two_characters(name: str) -> None:
    """A name is a listed surname followed by one or two listed given-name characters."""
    surname = next(s for s in sorted(m.SURNAMES, key=len, reverse=True) if name.startswith(s))
    given_name = name[len(surname) :]
    assert 1 <= len(given_name) <= 2
    assert set(given_name) <= set(m.GIVEN_NAME_CHARACTERS)


def test_reasons_share_no_character_with_names() -> None:
    """No referral reason contains a character used in names, so a name never appears inside
    a reason by chance (which the privacy tests rely on)."""
    name_characters = set("".join(m.SURNAMES)) | set(m.GIVEN_NAME_CHARACTERS)
    assert set("".join(m.REASONS)) & name_characters == set()


# -- children -------------------------------------------------------------------------------


@given(st.data(), divisions())
def test_children_live_in_a_village_within_division(data: st.DataObject, within: Division) -> None:
    """children(division=D) gives children of a village within D (D itself for a village)."""
    child = data.draw(m.children(within, max_facts=0))
    assert child.division.level is Level.VILLAGE
    assert within.contains(child.division)


@settings(max_examples=80)
@given(st.data(), _days, st.integers(0, 20))
def test_children_honour_age_on(data: st.DataObject, day: dt.date, age: int) -> None:
    """children(age_on=(day, age)) gives children who are exactly ``age`` on ``day``."""
    child = data.draw(m.children(age_on=(day, age), max_facts=0))
    assert child.age_on(day) == age


@settings(max_examples=300)
@given(_days, st.integers(0, 20))
def test_birth_range_is_exact(day: dt.date, age: int) -> None:
    """The birth dates children(age_on=...) draws from are exactly those of the given age: the
    first and last qualify, the days just outside do not."""
    earliest, latest = birth_range(day, age)
    assert _age(earliest, day) == age
    assert _age(latest, day) == age
    assert _age(earliest - ONE_DAY, day) == age + 1
    assert latest == day or _age(latest + ONE_DAY, day) == age - 1


@pytest.mark.parametrize(
    ("day", "age", "earliest", "latest"),
    [
        (D(2023, 2, 28), 3, D(2019, 3, 1), D(2020, 2, 29)),  # born 29 Feb: 3 on 28 Feb 2023
        (D(2024, 2, 29), 4, D(2019, 3, 1), D(2020, 2, 29)),
        (D(2024, 2, 28), 16, D(2007, 3, 1), D(2008, 2, 28)),
        (D(2024, 5, 10), 0, D(2023, 5, 11), D(2024, 5, 10)),
    ],
)
def test_birth_range_examples(day: dt.date, age: int, earliest: dt.date, latest: dt.date) -> None:
    """The birth-date range for an age on a day, including a 29 February birth date."""
    assert birth_range(day, age) == (earliest, latest)


@settings(max_examples=60)
@given(st.data(), _KINDS, _days, st.integers(0, 17))
def test_children_honour_parent_situations(
    data: st.DataObject, kinds: list[ParentSituationKind], day: dt.date, age: int
) -> None:
    """children(parent_situations=K) gives exactly the kinds K, each open and in force on the
    age_on day; both parents have a situation; a single kind is given to both parents."""
    child = data.draw(m.children(age_on=(day, age), parent_situations=kinds))
    situations = child.parent_situations
    assert sorted(s.kind for s in situations) == sorted(kinds * 2 if len(kinds) == 1 else kinds)
    assert all(s.end is None and s.in_force_on(day) for s in situations)
    assert child.parent_situations_on(day) == situations
    assert {s.parent for s in situations} == {Parent.FATHER, Parent.MOTHER}


def test_children_with_two_kinds_split_them_between_parents() -> None:
    """[DEAD, IMPRISONED]: the father is dead, the mother imprisoned."""
    kinds = [ParentSituationKind.DEAD, ParentSituationKind.IMPRISONED]
    child = find(m.children(parent_situations=kinds), lambda c: True)
    assert [(s.parent, s.kind) for s in child.parent_situations] == [
        (Parent.FATHER, ParentSituationKind.DEAD),
        (Parent.MOTHER, ParentSituationKind.IMPRISONED),
    ]


@settings(max_examples=30)
@given(m.children(parent_situations=[], max_facts=1))
def test_children_with_no_parent_situations(child: Child) -> None:
    """parent_situations=[] gives children with no parent situation at all."""
    assert child.parent_situations == ()


@settings(max_examples=40)
@given(m.children(with_citizen_id=True, max_facts=0))
def test_children_citizen_ids_match(child: Child) -> None:
    """with_citizen_id=True always gives an ID encoding the birth date, sex and county."""
    assert child.citizen_id is not None
    assert child.citizen_id.birth_date == child.birth_date
    assert child.citizen_id.sex is child.sex
    assert child.citizen_id.address_code == child.division.code6


@settings(max_examples=30)
@given(m.children(with_citizen_id=False, max_facts=0))
def test_children_without_citizen_id(child: Child) -> None:
    """with_citizen_id=False never gives an ID."""
    assert child.citizen_id is None


_DATED = ("parent_situations", "guardianships", "residences", "hardships", "enrolments", "pairings")


@settings(max_examples=50)
@given(m.children(max_facts=3))
def test_children_facts_are_dated_within_childhood(child: Child) -> None:
    """Facts fall between the birth date and the 18th birthday; ends come after starts;
    residences name an institution exactly when they are institutional; no list is longer
    than max_facts."""
    high = child.birth_date + relativedelta(years=18)
    for field in (*_DATED, "contacts", "agreements", "reports", "referrals"):
        assert len(getattr(child, field)) <= 3
    for field in _DATED:
        for fact in getattr(child, field):
            assert child.birth_date <= fact.start <= high
            assert fact.end is None or fact.end > fact.start
    for r in child.residences:
        assert (r.institution is not None) is (r.kind is ResidenceKind.INSTITUTION)
    for a in child.agreements:
        assert a.end is None or a.end > a.signed_on
        if a.kind is AgreementKind.ENTRUSTED_GUARDIANSHIP_CONFIRMATION:
            assert a.service_point is None
    for g in child.guardianships:
        if g.confirmation_signed_on is not None:
            assert g.entrusted
            assert g.confirmation_signed_on >= g.start
        assert g.entrusted or g.disqualifications == ()
        for d in g.disqualifications:
            assert child.birth_date <= d.start <= high
            assert d.end is None or d.end > d.start
    assert len(child.parent_contacts) <= 3
    assert len(child.entrustment_notices) <= 3
    dates = [c.date for c in child.parent_contacts] + [n.date for n in child.entrustment_notices]
    assert all(child.birth_date <= d <= high for d in dates)


@given(m.children(max_facts=0))
def test_children_with_max_facts_0_have_no_facts(child: Child) -> None:
    """max_facts=0 gives children with every fact list empty."""
    fields = (
        *_DATED,
        "contacts",
        "agreements",
        "reports",
        "referrals",
        "parent_contacts",
        "entrustment_notices",
    )
    assert [getattr(child, f) for f in fields] == [()] * len(fields)


@pytest.mark.parametrize(
    "field",
    [
        *_DATED,
        "contacts",
        "agreements",
        "reports",
        "referrals",
        "disability",
        "parent_contacts",
        "entrustment_notices",
    ],
)
def test_children_sometimes_have_each_kind_of_fact(field: str) -> None:
    """Every fact field of a child file is populated in some generated child."""
    child = find(m.children(), lambda c: bool(getattr(c, field)))
    assert getattr(child, field)


def test_entrusted_carers_sometimes_have_disqualifications() -> None:
    """Some generated entrusted guardianship has a disqualification of its carer."""
    child = find(m.children(), lambda c: any(g.disqualifications for g in c.guardianships))
    assert all(g.entrusted for g in child.guardianships if g.disqualifications)


def test_children_sometimes_live_in_an_institution() -> None:
    """Institutional residences are generated, naming an institution."""
    child = find(
        m.children(),
        lambda c: any(r.kind is ResidenceKind.INSTITUTION for r in c.residences),
    )
    assert all(r.institution for r in child.residences if r.kind is ResidenceKind.INSTITUTION)


@settings(max_examples=40)
@given(m.children(worker_ids=["W1", "W2"], service_point_ids=["P1"], child_id="C9"))
def test_children_refer_only_to_the_given_ids(child: Child) -> None:
    """With worker_ids and service_point_ids every reference is one of them."""
    assert child.id == "C9"
    named_workers = {
        *(c.worker for c in child.contacts),
        *(p.worker for p in child.pairings),
        *(r.worker for r in child.reports),
        *(r.worker for r in child.referrals),
    }
    assert named_workers <= {"W1", "W2", None}
    points = {
        *(r.institution for r in child.residences),
        *(a.service_point for a in child.agreements),
    }
    assert points <= {"P1", None}


@settings(max_examples=30)
@given(m.children(worker_ids=[], service_point_ids=[]))
def test_children_with_no_ids_refer_to_nothing(child: Child) -> None:
    """With empty worker_ids and service_point_ids a child has no contacts or pairings, and
    reports, referrals, residences and agreements name no worker or service point."""
    assert (child.contacts, child.pairings) == ((), ())
    assert all(r.worker is None for r in child.reports)
    assert all(r.worker is None for r in child.referrals)
    assert all(r.kind is ResidenceKind.FAMILY for r in child.residences)
    assert all(a.service_point is None for a in child.agreements)


@pytest.mark.parametrize(
    "call",
    [
        lambda: m.children(division="43"),  # type: ignore[arg-type]
        lambda: m.children(age_on=(D(2020, 1, 1), -1)),
        lambda: m.children(age_on=(dt.datetime(2020, 1, 1), 3)),
        lambda: m.children(parent_situations=["dead"]),  # type: ignore[list-item]
        lambda: m.children(max_facts=-1),
        lambda: m.children(child_id=" "),
        lambda: m.children(worker_ids="W1"),
        lambda: m.pairings(worker_ids=[]),
        lambda: m.contacts(worker_ids=[]),
        lambda: m.service_agreements(child_ids=[]),
        lambda: m.residences(ResidenceKind.INSTITUTION, service_point_ids=[]),
        lambda: m.hardships(D(2020, 1, 2), D(2020, 1, 1)),
        lambda: m.childrens_homes(False, 0, ()),
        lambda: m.childrens_homes(True, -1),
        lambda: m.workers(role="child_director"),  # type: ignore[arg-type]
        lambda: m.consistent_registries(max_children=-1),
    ],
)
def test_bad_arguments_are_refused(call: Callable[[], Any]) -> None:
    """Arguments no object can satisfy, or of the wrong type, raise InvalidArgument."""
    with pytest.raises(InvalidArgument):
        call()


# -- facts ----------------------------------------------------------------------------------


@given(st.data(), st.sampled_from(Parent), st.sampled_from(ParentSituationKind))
def test_parent_situations_honour_parent_and_kind(
    data: st.DataObject, parent: Parent, kind: ParentSituationKind
) -> None:
    """parent_situations(parent, kind) gives situations of that parent and kind, in range."""
    s = data.draw(m.parent_situations(parent, kind, D(2020, 1, 1), D(2020, 12, 31)))
    assert (s.parent, s.kind) == (parent, kind)
    assert D(2020, 1, 1) <= s.start <= D(2020, 12, 31)


@given(m.residences(ResidenceKind.INSTITUTION, service_point_ids=["P7"]))
def test_residences_honour_kind_and_ids(r: Any) -> None:
    """An institutional residence drawn with service_point_ids=['P7'] is in P7."""
    assert (r.kind, r.institution) == (ResidenceKind.INSTITUTION, "P7")


@given(m.contacts(worker_ids=["W3"], min_date=D(2021, 1, 1), max_date=D(2021, 1, 31)))
def test_contacts_honour_worker_ids_and_dates(c: Any) -> None:
    """contacts(worker_ids, min_date, max_date) uses those workers and days."""
    assert c.worker == "W3"
    assert D(2021, 1, 1) <= c.date <= D(2021, 1, 31)


# -- staff and service points ----------------------------------------------------------------


@settings(max_examples=60)
@given(st.data(), divisions(level=Level.COUNTY), st.sampled_from(WorkerRole))
def test_workers_honour_division_and_role(
    data: st.DataObject, county: Division, role: WorkerRole
) -> None:
    """workers(division, role) gives workers of that role within the division; directors
    serve a village, supervisors a township; left_on comes after appointed_on."""
    w = data.draw(m.workers(county, role))
    assert w.role is role
    assert county.contains(w.division)
    expected_level = {WorkerRole.CHILD_DIRECTOR: Level.VILLAGE}
    expected_level[WorkerRole.CHILD_SUPERVISOR] = Level.TOWNSHIP
    if role in expected_level:
        assert w.division.level is expected_level[role]
    if w.left_on is not None and w.appointed_on is not None:
        assert w.left_on > w.appointed_on
    assert all(t.days >= 1 for t in w.trainings)


@settings(max_examples=60)
@given(st.data(), divisions(level=Level.PREFECTURE), st.sampled_from(ServicePointKind))
def test_service_points_honour_division_and_kind(
    data: st.DataObject, prefecture: Division, kind: ServicePointKind
) -> None:
    """service_points(division, kind) gives points of that kind within the division; a
    children's home is in a village; areas have at most two places."""
    p = data.draw(m.service_points(prefecture, kind, director_ids=["W1"], child_ids=["C1"]))
    assert p.kind is kind
    assert prefecture.contains(p.division)
    if kind is ServicePointKind.CHILDRENS_HOME:
        assert p.division.level is Level.VILLAGE
    assert p.director in {"W1", None}
    assert {a.child for a in p.agreements} <= {"C1"}
    for area in (p.floor_area_m2, p.outdoor_area_m2):
        assert area is None or (area >= 0 and area == area.quantize(Decimal("0.01")))


_FACILITY_SETS = st.frozensets(st.sampled_from(Facility))
_MINIMA = st.sampled_from([Decimal(0), Decimal(50), Decimal("12.5"), Decimal("0.01"), 80])


@settings(max_examples=150)
@given(st.data(), st.booleans(), _MINIMA, _FACILITY_SETS)
def test_childrens_homes_meet_or_miss_the_standard(
    data: st.DataObject, meeting: bool, minimum: Decimal | int, required: frozenset[Facility]
) -> None:
    """meeting_standard=True: area recorded, at least the minimum, every required facility;
    False: area recorded, and below the minimum or a required facility absent."""
    if not meeting and minimum == 0 and not required:
        return  # refused: see test_bad_arguments_are_refused
    home = data.draw(m.childrens_homes(meeting, minimum, required))
    assert home.kind is ServicePointKind.CHILDRENS_HOME
    assert home.division.level is Level.VILLAGE
    assert home.floor_area_m2 is not None
    meets = home.floor_area_m2 >= minimum and required <= home.facilities
    assert meets is meeting


def test_childrens_homes_fail_each_part_of_the_standard() -> None:
    """Failing homes include ones too small with every facility and big enough ones lacking
    a facility."""
    homes = m.childrens_homes(False)
    small = find(homes, lambda h: h.facilities >= m.DEFAULT_FACILITIES)
    assert small.floor_area_m2 is not None
    assert small.floor_area_m2 < 50
    lacking = find(homes, lambda h: (h.floor_area_m2 or 0) >= 50)
    assert not lacking.facilities >= m.DEFAULT_FACILITIES


def test_childrens_homes_sometimes_have_no_recorded_area() -> None:
    """meeting_standard=None gives homes whose floor area is not recorded too."""
    home = find(m.childrens_homes(), lambda h: h.floor_area_m2 is None)
    assert home.floor_area_m2 is None


# -- reference data and registries -----------------------------------------------------------


@given(m.division_records(within=Division("43"), level=Level.COUNTY))
def test_division_records_honour_within_and_level(record: Any) -> None:
    """division_records(within, level) gives records of that level inside, named with the
    level's word."""
    assert record.code.level is Level.COUNTY
    assert record.code.code.startswith("43")
    assert record.name.endswith("县")


@settings(max_examples=40)
@given(m.reference_data(max_size=4))
def test_reference_data_is_unique_and_bounded(ref: Any) -> None:
    """Division codes, worker ids and service point ids are unique; at most max_size each."""
    for items, key in ((ref.divisions, "code"), (ref.workers, "id"), (ref.service_points, "id")):
        keys = [getattr(i, key) for i in items]
        assert len(keys) == len(set(keys)) <= 4


@settings(max_examples=20, deadline=None)
@given(m.registries(max_children=4))
def test_registries_have_unique_children_in_listed_divisions(registry: Registry) -> None:
    """Child ids are unique; children live within a listed division when any is listed."""
    ids = [c.id for c in registry.children]
    assert len(ids) == len(set(ids)) <= 4
    if registry.reference.divisions:
        assert all(registry.reference.is_known_division(c.division) for c in registry.children)


def _reference_problems(registry: Registry) -> list[str]:
    """Every broken reference in a registry, as the reader checks them."""
    ref = registry.reference
    problems = []
    worker_ids = {w.id for w in ref.workers}
    point_ids = {p.id for p in ref.service_points}
    child_ids = {c.id for c in registry.children}
    placed: list[Worker | ServicePoint | Child] = [
        *ref.workers,
        *ref.service_points,
        *registry.children,
    ]
    for item in placed:
        if not ref.is_known_division(item.division):
            problems.append(f"{item.id}: division")
    for p in ref.service_points:
        if p.director is not None and p.director not in worker_ids:
            problems.append(f"{p.id}: director")
        problems += [f"{p.id}: agreement" for a in p.agreements if a.child not in child_ids]
    for c in registry.children:
        named = [
            *(x.worker for x in c.contacts),
            *(x.worker for x in c.pairings),
            *(x.worker for x in c.reports if x.worker is not None),
            *(x.worker for x in c.referrals if x.worker is not None),
        ]
        problems += [f"{c.id}: worker {w}" for w in named if w not in worker_ids]
        places = [
            *(r.institution for r in c.residences if r.institution is not None),
            *(a.service_point for a in c.agreements if a.service_point is not None),
        ]
        problems += [f"{c.id}: point {p}" for p in places if p not in point_ids]
    return problems


@settings(max_examples=30, deadline=None)
@given(m.consistent_registries())
def test_consistent_registries_have_no_broken_reference(registry: Registry) -> None:
    """Every division, worker, service point and child a consistent registry refers to exists."""
    assert registry.reference.divisions
    assert _reference_problems(registry) == []
    levels = {d.code.level for d in registry.reference.divisions}
    assert levels <= {Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}


@pytest.mark.parametrize(
    "refers",
    [
        lambda c: bool(c.contacts),
        lambda c: any(r.institution for r in c.residences),
        lambda c: any(a.service_point for a in c.agreements),
    ],
    ids=["contact", "institution", "agreement"],
)
def test_consistent_registries_do_refer_to_workers_and_points(
    refers: Callable[[Child], bool],
) -> None:
    """Consistent registries include children with contacts, institutional residences and
    service agreements naming a point, so their references are really exercised."""
    registry = find(m.consistent_registries(), lambda r: any(refers(c) for c in r.children))
    assert _reference_problems(registry) == []


def test_reference_problems_finds_a_broken_reference() -> None:
    """The checker above is not vacuous: a child's contact by a worker the registry does not
    list is reported."""

    def stray(r: Registry) -> list[str]:
        listed = {w.id for w in r.reference.workers}
        return [
            f"{c.id}: worker {x.worker}"
            for c in r.children
            for x in c.contacts
            if x.worker not in listed
        ]

    registry = find(m.registries(), lambda r: bool(stray(r)))
    problems = _reference_problems(registry)
    assert all(p in problems for p in stray(registry))
