"""Strategies for staff (workers and their trainings) and service points (children's homes and
the others)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.divisions import Division, Level
from careprotect.enums import (
    Facility,
    OrganiserLevel,
    Post,
    ServicePointKind,
    Sex,
    WorkerRole,
)
from careprotect.model import (
    ModelDesignation,
    ServiceAgreement,
    ServicePoint,
    Training,
    Worker,
)
from careprotect.testing._codes import divisions
from careprotect.testing._pieces import (
    DEFAULT_FACILITIES,
    DEFAULT_MAX_DATE,
    DEFAULT_MIN_DATE,
    DEFAULT_MIN_FLOOR_AREA,
    PLACE_WORDS,
    POINT_SUFFIX,
    ROLE_LEVEL,
    check_dates,
    check_division,
    check_ids,
    dates_between,
    draw_end_after,
    made_up_ids,
    names,
    optional_ref_strategy,
    ref_strategy,
)

__all__ = [
    "childrens_homes",
    "model_designations",
    "service_agreements",
    "service_points",
    "trainings",
    "workers",
]

# -- staff -----------------------------------------------------------------------------------


def trainings(
    min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[Training]:
    """Trainings of 1 to 5 days (mostly 2 or 3), organised at any level, assessment passed,
    failed or not recorded."""
    check_dates(min_date, max_date)
    return st.builds(
        Training,
        date=dates_between(min_date, max_date),
        organiser_level=st.sampled_from(OrganiserLevel),
        days=st.sampled_from([2, 3]) | st.integers(1, 5),
        passed=st.none() | st.booleans(),
    )


def _level_for(natural: Level | None, division: Division | None) -> Level | None:
    if natural is None or (division is not None and natural < division.level):
        return None
    return natural


@st.composite
def _workers(
    draw: st.DrawFn,
    division: Division | None,
    role: WorkerRole | None,
    worker_id: str | None,
    min_date: dt.date,
    max_date: dt.date,
) -> Worker:
    role = role if role is not None else draw(st.sampled_from(WorkerRole))
    appointed_on = draw(st.none() | dates_between(min_date, max_date))
    if appointed_on is None:
        left_on = draw(st.none() | dates_between(min_date, max_date))
    else:
        left_on = draw(draw_end_after(appointed_on, max_date))
    return Worker(
        id=worker_id if worker_id is not None else draw(made_up_ids("W")),
        name=draw(names()),
        role=role,
        division=draw(divisions(_level_for(ROLE_LEVEL.get(role), division), within=division)),
        sex=draw(st.none() | st.sampled_from(Sex)),
        posts=draw(st.frozensets(st.sampled_from(Post), max_size=3)),
        appointed_on=appointed_on,
        left_on=left_on,
        trainings=tuple(draw(st.lists(trainings(min_date, max_date), max_size=3))),
    )


def workers(
    division: Division | None = None,
    role: WorkerRole | None = None,
    *,
    worker_id: str | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Worker]:
    """Workers of ``role`` (any if None) serving a division within ``division`` (any if None).

    A child director serves a village and a child supervisor a township, when ``division``
    is not below that level; other roles serve any level. ``left_on``, when known, is after
    ``appointed_on``; either may be unknown.
    """
    check_division(division)
    check_dates(min_date, max_date)
    if role is not None and not isinstance(role, WorkerRole):
        raise InvalidArgument(f"role must be a WorkerRole or None (got {role!r})")
    return _workers(division, role, worker_id, min_date, max_date)


# -- service points --------------------------------------------------------------------------


def model_designations() -> st.SearchStrategy[ModelDesignation]:
    """Model-home designations by any level, in a year from 1949 to 2100 (mostly 2015-2025)."""
    return st.builds(
        ModelDesignation,
        level=st.sampled_from(OrganiserLevel),
        year=st.integers(2015, 2025) | st.integers(1949, 2100),
    )


@st.composite
def _service_agreements(
    draw: st.DrawFn, children_: st.SearchStrategy[str], min_date: dt.date, max_date: dt.date
) -> ServiceAgreement:
    signed_on = draw(dates_between(min_date, max_date))
    return ServiceAgreement(
        child=draw(children_), signed_on=signed_on, end=draw(draw_end_after(signed_on, max_date))
    )


def service_agreements(
    child_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[ServiceAgreement]:
    """Entrusted service agreements with a child from ``child_ids`` (made up if None; must
    not be empty); an ``end``, when there is one, is after the signing day."""
    check_dates(min_date, max_date)
    refs = ref_strategy(check_ids("child_ids", child_ids), "C")
    if refs is None:
        raise InvalidArgument("a service agreement needs a child: child_ids must not be empty")
    return _service_agreements(refs, min_date, max_date)


def _area(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    return st.decimals(low, high, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def _service_points(
    draw: st.DrawFn,
    division: Division | None,
    kind: ServicePointKind | None,
    point_id: str | None,
    director_ids: tuple[str, ...] | None,
    child_ids: tuple[str, ...] | None,
    min_date: dt.date,
    max_date: dt.date,
) -> ServicePoint:
    kind = kind if kind is not None else draw(st.sampled_from(ServicePointKind))
    natural = Level.VILLAGE if kind is ServicePointKind.CHILDRENS_HOME else None
    place = draw(divisions(_level_for(natural, division), within=division))
    opened_on = draw(st.none() | dates_between(min_date, max_date))
    if opened_on is None:
        closed_on = draw(st.none() | dates_between(min_date, max_date))
    else:
        closed_on = draw(draw_end_after(opened_on, max_date))
    children_ = ref_strategy(child_ids, "C")
    agreements_: tuple[ServiceAgreement, ...] = ()
    if children_ is not None:
        agreements_ = tuple(
            draw(st.lists(_service_agreements(children_, min_date, max_date), max_size=3))
        )
    name = "".join(draw(st.lists(st.sampled_from(PLACE_WORDS), min_size=2, max_size=2)))
    return ServicePoint(
        id=point_id if point_id is not None else draw(made_up_ids("P")),
        kind=kind,
        name=f"{name}{POINT_SUFFIX[kind]}",
        division=place,
        in_school=draw(st.booleans()),
        floor_area_m2=draw(st.none() | _area(Decimal(0), Decimal(2000))),
        outdoor_area_m2=draw(st.none() | _area(Decimal(0), Decimal(5000))),
        facilities=draw(st.frozensets(st.sampled_from(Facility))),
        model_designations=tuple(draw(st.lists(model_designations(), max_size=2))),
        opened_on=opened_on,
        closed_on=closed_on,
        director=draw(optional_ref_strategy(ref_strategy(director_ids, "W"))),
        agreements=agreements_,
    )


def service_points(
    division: Division | None = None,
    kind: ServicePointKind | None = None,
    *,
    point_id: str | None = None,
    director_ids: Sequence[str] | None = None,
    child_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[ServicePoint]:
    """Service points of ``kind`` (any if None) in a division within ``division``.

    A children's home is in a village when ``division`` is not below the village level (it
    never is). Areas have two decimal places or are unrecorded; ``closed_on``, when known, is
    after ``opened_on``. The director is from ``director_ids`` or absent, the service
    agreements name children from ``child_ids``; see the module docstring.
    """
    check_division(division)
    check_dates(min_date, max_date)
    if kind is not None and not isinstance(kind, ServicePointKind):
        raise InvalidArgument(f"kind must be a ServicePointKind or None (got {kind!r})")
    return _service_points(
        division,
        kind,
        point_id,
        check_ids("director_ids", director_ids),
        check_ids("child_ids", child_ids),
        min_date,
        max_date,
    )


@st.composite
def _homes(
    draw: st.DrawFn,
    base: st.SearchStrategy[ServicePoint],
    meeting_standard: bool | None,
    min_floor_area: Decimal,
    required: frozenset[Facility],
) -> ServicePoint:
    point = draw(base)
    if meeting_standard is None:
        return point
    optional = st.frozensets(st.sampled_from(Facility))
    big_enough = _area(min_floor_area, min_floor_area + 500)
    if meeting_standard:
        area = draw(big_enough)
        facilities = required | draw(optional)
    else:
        can_fail_area = min_floor_area > 0
        can_fail_facilities = bool(required)
        fail_area = can_fail_area and (not can_fail_facilities or draw(st.booleans()))
        fail_facilities = can_fail_facilities and (not fail_area or draw(st.booleans()))
        if fail_area:
            area = draw(_area(Decimal(0), min_floor_area).filter(lambda a: a < min_floor_area))
        else:
            area = draw(big_enough)
        facilities = required | draw(optional)
        if fail_facilities:
            missing = draw(st.frozensets(st.sampled_from(sorted(required)), min_size=1))
            facilities -= missing
    return attrs.evolve(point, floor_area_m2=area, facilities=facilities)


def childrens_homes(
    meeting_standard: bool | None = None,
    min_floor_area: Decimal | int = DEFAULT_MIN_FLOOR_AREA,
    required_facilities: Collection[Facility] = DEFAULT_FACILITIES,
    *,
    division: Division | None = None,
    point_id: str | None = None,
    director_ids: Sequence[str] | None = None,
    child_ids: Sequence[str] | None = None,
) -> st.SearchStrategy[ServicePoint]:
    """Children's homes (儿童之家) in a village, meeting or missing a standard.

    The standard is an indoor floor area of at least ``min_floor_area`` m² and every facility
    of ``required_facilities``. It is a parameter because the values come from plugins (the
    defaults are Hunan's, seed 002 §3: 50 m²; video calls, study and reading, recreation).

    * ``meeting_standard=True``: the floor area is recorded and at least the minimum, and
      every required facility is present.
    * ``meeting_standard=False``: the floor area is recorded (never None: a missing area is
      a missing input, not a failure) and the home fails at least one part of the standard:
      an area below the minimum, or one or more required facilities absent. Raises
      :class:`~hypothesis.errors.InvalidArgument` when nothing can fail (a minimum of 0 and
      no required facility).
    * ``meeting_standard=None``: any home, the floor area sometimes unrecorded.
    """
    if meeting_standard is not None and not isinstance(meeting_standard, bool):
        raise InvalidArgument(f"meeting_standard must be a bool or None (got {meeting_standard!r})")
    if isinstance(min_floor_area, bool) or not isinstance(min_floor_area, Decimal | int):
        raise InvalidArgument(f"min_floor_area must be a Decimal or int (got {min_floor_area!r})")
    minimum = Decimal(min_floor_area)
    if not minimum.is_finite() or minimum < 0:
        raise InvalidArgument(f"min_floor_area must be finite and not negative (got {minimum})")
    required = frozenset(required_facilities)
    if not all(isinstance(f, Facility) for f in required):
        raise InvalidArgument(f"required_facilities must be Facility values (got {required!r})")
    if meeting_standard is False and minimum == 0 and not required:
        raise InvalidArgument("no home can miss a standard of 0 m² and no facilities")
    base = service_points(
        division,
        ServicePointKind.CHILDRENS_HOME,
        point_id=point_id,
        director_ids=director_ids,
        child_ids=child_ids,
    )
    return _homes(base, meeting_standard, minimum, required)
