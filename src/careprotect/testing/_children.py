"""The strategy for children: a child with a file of consistent facts for an age on a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from careprotect.citizen_id import checking_day
from careprotect.divisions import Division, Level
from careprotect.enums import (
    HouseholdType,
    Parent,
    ParentSituationKind,
    Sex,
)
from careprotect.model import (
    Child,
    ParentSituation,
)
from careprotect.testing._codes import citizen_ids, divisions
from careprotect.testing._facts import (
    agreements_in,
    contacts_in,
    disabilities,
    enrolments,
    entrustment_notices,
    guardianships_in,
    hardships,
    pairings_in,
    parent_contacts,
    parent_situations_in,
    referrals_in,
    reports_in,
    residences_in,
)
from careprotect.testing._pieces import (
    DEFAULT_EARLIEST_BIRTH,
    DEFAULT_LATEST_BIRTH,
    EARLIEST_ID_BIRTH,
    LATEST_ALLOWED,
    ONE_DAY,
    check_division,
    check_ids,
    dates_between,
    made_up_ids,
    names,
    ref_strategy,
)

__all__ = ["birth_range", "children"]

_T = TypeVar("_T")


# -- children --------------------------------------------------------------------------------


def _age(birth_date: dt.date, day: dt.date) -> int:
    return relativedelta(day, birth_date).years


def birth_range(day: dt.date, age: int) -> tuple[dt.date, dt.date]:
    """The first and last birth dates of a child who is ``age`` on ``day``.

    Subtracting years lands on 28 February where 29 February may also qualify, so each bound
    is then moved day by day (at most a day or two) until it is exact.
    """
    latest = day - relativedelta(years=age)
    while latest < day and _age(latest + ONE_DAY, day) == age:
        latest += ONE_DAY
    earliest = day - relativedelta(years=age + 1) + ONE_DAY
    while _age(earliest, day) != age:
        earliest += ONE_DAY
    while _age(earliest - ONE_DAY, day) == age:
        earliest -= ONE_DAY
    return earliest, latest


def _assign_parents(
    kinds: Sequence[ParentSituationKind],
) -> list[tuple[Parent, ParentSituationKind]]:
    if len(kinds) == 1:
        return [(Parent.FATHER, kinds[0]), (Parent.MOTHER, kinds[0])]
    parents = (Parent.FATHER, Parent.MOTHER)
    return [(parents[i % 2], kind) for i, kind in enumerate(kinds)]


def _facts(
    draw: st.DrawFn, strategy: st.SearchStrategy[_T] | None, max_facts: int
) -> tuple[_T, ...]:
    if strategy is None or max_facts == 0:
        return ()
    return tuple(draw(st.lists(strategy, max_size=max_facts)))


@st.composite
def _children(
    draw: st.DrawFn,
    division: Division | None,
    age_on: tuple[dt.date, int] | None,
    kinds: tuple[ParentSituationKind, ...] | None,
    max_facts: int,
    child_id: str | None,
    worker_ids: tuple[str, ...] | None,
    service_point_ids: tuple[str, ...] | None,
    with_citizen_id: bool | None,
) -> Child:
    if age_on is None:
        birth_date = draw(dates_between(DEFAULT_EARLIEST_BIRTH, DEFAULT_LATEST_BIRTH))
        reference = birth_date
    else:
        reference, age = age_on
        birth_date = draw(dates_between(*birth_range(reference, age)))
    sex = draw(st.sampled_from(Sex))
    village = draw(divisions(Level.VILLAGE, within=division))
    citizen_id = None
    wanted = draw(st.booleans()) if with_citizen_id is None else with_citizen_id
    # A number's birth date is never after the day it is checked on.
    if EARLIEST_ID_BIRTH <= birth_date <= checking_day() and wanted:
        citizen_id = draw(citizen_ids(birth_date=birth_date, sex=sex, address=village))

    low = birth_date
    high = min(birth_date + relativedelta(years=18), LATEST_ALLOWED)
    workers = ref_strategy(worker_ids, "W")
    points = ref_strategy(service_point_ids, "P")

    situations: tuple[ParentSituation, ...]
    if kinds is None:
        situations = _facts(draw, parent_situations_in(None, None, low, high), max_facts)
    else:
        earliest = max(birth_date - relativedelta(years=1), dt.date.min + ONE_DAY)
        situations = tuple(
            ParentSituation(
                parent=parent, kind=kind, start=draw(dates_between(earliest, reference)), end=None
            )
            for parent, kind in _assign_parents(kinds)
        )
    return Child(
        id=child_id if child_id is not None else draw(made_up_ids("C", 5)),
        name=draw(names()),
        birth_date=birth_date,
        sex=sex,
        division=village,
        household=draw(st.sampled_from(HouseholdType)),
        citizen_id=citizen_id,
        disability=draw(st.none() | disabilities(low, high)),
        parent_situations=situations,
        guardianships=_facts(draw, guardianships_in(low, high), max_facts),
        residences=_facts(draw, residences_in(None, points, low, high), max_facts),
        hardships=_facts(draw, hardships(low, high), max_facts),
        enrolments=_facts(draw, enrolments(low, high), max_facts),
        pairings=_facts(
            draw, None if workers is None else pairings_in(workers, low, high), max_facts
        ),
        contacts=_facts(
            draw, None if workers is None else contacts_in(workers, low, high), max_facts
        ),
        agreements=_facts(draw, agreements_in(points, low, high), max_facts),
        reports=_facts(draw, reports_in(workers, low, high), max_facts),
        referrals=_facts(draw, referrals_in(workers, low, high), max_facts),
        parent_contacts=_facts(draw, parent_contacts(low, high), max_facts),
        entrustment_notices=_facts(draw, entrustment_notices(low, high), max_facts),
    )


def children(
    division: Division | None = None,
    age_on: tuple[dt.date, int] | None = None,
    parent_situations: Sequence[ParentSituationKind] | None = None,
    max_facts: int = 3,
    *,
    child_id: str | None = None,
    worker_ids: Sequence[str] | None = None,
    service_point_ids: Sequence[str] | None = None,
    with_citizen_id: bool | None = None,
) -> st.SearchStrategy[Child]:
    """Valid child files.

    * ``division``: the child lives in a village within it (the division itself if it is a
      village); any village if None.
    * ``age_on=(day, age)``: the birth date is such that ``child.age_on(day) == age``
      (children born on 29 February included). Without it the birth date is in 2000-2025.
    * ``parent_situations``: the child's parent situations are exactly these kinds, each open
      (no ``end``) and starting on a day from a year before the birth date up to the
      *reference day* (the ``age_on`` day, else the birth date), so each holds on the reference
      day and every day after. A single kind is given to both parents (``[WORKING_AWAY]``:
      both parents work away); two or more go to the father and mother in turn
      (``[DEAD, IMPRISONED]``: the father is dead, the mother in prison), so both parents
      always have a situation. An empty sequence means no parent situations at all.
      When None, up to ``max_facts`` random situations.
    * ``max_facts``: the most facts of each kind (parent situations, guardianships,
      residences, ...); each kind is sometimes empty and sometimes populated. Facts are dated
      from the birth date to the eighteenth birthday.
    * ``child_id``: the child's id (default: a made-up ``C01234``).
    * ``worker_ids``, ``service_point_ids``: what contacts, pairings, reports, referrals,
      institutional residences and service agreements refer to; see the module docstring.

    * ``with_citizen_id``: True for a citizen ID always, False for never, None (default) for
      about half the time. A citizen ID needs a birth date from 1900 on and not after today:
      other birth dates (only possible with ``age_on``) never have one. The ID encodes the
      birth date, the sex and the address of the child's county, as
      :class:`~careprotect.model.Child` requires.
    """
    check_division(division)
    if age_on is not None:
        if not (isinstance(age_on, tuple) and len(age_on) == 2):
            raise InvalidArgument(f"age_on must be a (date, age) pair (got {age_on!r})")
        day, age = age_on
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise InvalidArgument(f"age_on's day must be a datetime.date (got {day!r})")
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 150:
            raise InvalidArgument(f"age_on's age must be an int from 0 to 150 (got {age!r})")
        if not dt.date(1800, 1, 1) <= day <= LATEST_ALLOWED:
            raise InvalidArgument(f"age_on's day must be from 1800 to 9000 (got {day})")
        if day.year - age < 1700:
            raise InvalidArgument(f"age_on={age_on!r} gives a birth date before 1700")
    kinds: tuple[ParentSituationKind, ...] | None = None
    if parent_situations is not None:
        kinds = tuple(parent_situations)
        if not all(isinstance(k, ParentSituationKind) for k in kinds):
            raise InvalidArgument(
                f"parent_situations must be ParentSituationKind values (got {kinds!r})"
            )
    if isinstance(max_facts, bool) or not isinstance(max_facts, int) or max_facts < 0:
        raise InvalidArgument(f"max_facts must be an int of 0 or more (got {max_facts!r})")
    if with_citizen_id is not None and not isinstance(with_citizen_id, bool):
        raise InvalidArgument(f"with_citizen_id must be a bool or None (got {with_citizen_id!r})")
    if child_id is not None and (not isinstance(child_id, str) or not child_id.strip()):
        raise InvalidArgument(f"child_id must be a non-empty string (got {child_id!r})")
    return _children(
        division,
        age_on,
        kinds,
        max_facts,
        child_id,
        check_ids("worker_ids", worker_ids),
        check_ids("service_point_ids", service_point_ids),
        with_citizen_id,
    )
