"""Builders shared by the Hunan plugin's tests: the engine, records in Luxi county (433122,
Xiangxi prefecture) and in Chibi (421281, Hubei), and helpers that run an audit or the
entitlements and pick out the results of one rule for one subject.

Every person here is fictional.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import careprotect_hunan
from careprotect import (
    Child,
    Division,
    DivisionRecord,
    Engine,
    Facility,
    HouseholdType,
    OrganiserLevel,
    Parent,
    ParentSituation,
    ParentSituationKind,
    Post,
    ReferenceData,
    Registry,
    Residence,
    ResidenceKind,
    ServicePoint,
    ServicePointKind,
    Sex,
    Training,
    Worker,
    WorkerRole,
    pipeline,
)
from careprotect.findings import Finding, Outcome
from careprotect.model import ModelDesignation
from careprotect.periods import Period
from careprotect.rules.entitlements import Amount

HUNAN = Division("43")
XIANGXI = Division("4331")
LUXI = Division("433122")
TOWNSHIP = Division("433122100")
OTHER_TOWNSHIP = Division("433122101")
VILLAGE = Division("433122100201")
OTHER_VILLAGE = Division("433122100202")
HUBEI = Division("42")
CHIBI = Division("421281")
CHIBI_TOWNSHIP = Division("421281101")
CHIBI_VILLAGE = Division("421281101201")

HOME = ServicePointKind.CHILDRENS_HOME
STANDARD_FACILITIES = ("video_calls", "study_and_reading", "recreation")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@functools.cache
def engine() -> Engine:
    """The national baseline and the Hunan plugin, built once."""
    return Engine([careprotect_hunan])


# -- records ------------------------------------------------------------------------------------


def home(
    pid: str = "P1",
    *,
    division: Division = VILLAGE,
    kind: ServicePointKind = HOME,
    floor: str | None = "60",
    outdoor: str | None = "100",
    facilities: Iterable[str] = STANDARD_FACILITIES,
    opened: str | None = "2019-01-01",
    closed: str | None = None,
    in_school: bool = False,
    director: str | None = None,
    model: Sequence[tuple[str, int]] = (),
) -> ServicePoint:
    return ServicePoint(
        id=pid,
        kind=kind,
        name="青山村儿童之家",
        division=division,
        in_school=in_school,
        floor_area_m2=None if floor is None else Decimal(floor),
        outdoor_area_m2=None if outdoor is None else Decimal(outdoor),
        facilities=frozenset(Facility(f) for f in facilities),
        opened_on=None if opened is None else day(opened),
        closed_on=None if closed is None else day(closed),
        director=director,
        model_designations=tuple(
            ModelDesignation(level=OrganiserLevel(level), year=year) for level, year in model
        ),
    )


def training(
    on: str, days: int = 2, *, level: str = "county", passed: bool | None = True
) -> Training:
    return Training(date=day(on), organiser_level=OrganiserLevel(level), days=days, passed=passed)


def worker(
    wid: str = "W1",
    *,
    role: WorkerRole = WorkerRole.CHILD_DIRECTOR,
    division: Division = VILLAGE,
    sex: Sex | None = Sex.FEMALE,
    posts: Iterable[Post] = (),
    appointed: str | None = "2019-07-01",
    left: str | None = None,
    trainings: Iterable[Training] = (),
) -> Worker:
    return Worker(
        id=wid,
        name="田秀英",
        role=role,
        division=division,
        sex=sex,
        posts=frozenset(posts),
        appointed_on=None if appointed is None else day(appointed),
        left_on=None if left is None else day(left),
        trainings=tuple(trainings),
    )


def orphan(
    *,
    cid: str = "C1",
    division: Division = VILLAGE,
    residence: ResidenceKind = ResidenceKind.FAMILY,
    born: str = "2010-03-15",
) -> Child:
    """A child whose parents both died on 2015-01-01, living in a family or an institution
    since birth."""
    dead = ParentSituationKind.DEAD
    return Child(
        id=cid,
        name="向小雨",
        birth_date=day(born),
        sex=Sex.FEMALE,
        division=division,
        household=HouseholdType.RURAL,
        parent_situations=(
            ParentSituation(parent=Parent.FATHER, kind=dead, start=day("2015-01-01")),
            ParentSituation(parent=Parent.MOTHER, kind=dead, start=day("2015-01-01")),
        ),
        residences=(
            Residence(
                kind=residence,
                start=day(born),
                institution="P9" if residence is ResidenceKind.INSTITUTION else None,
            ),
        ),
    )


def reference(
    divisions: Iterable[Division] = (),
    points: Iterable[ServicePoint] = (),
    staff: Iterable[Worker] = (),
) -> ReferenceData:
    return ReferenceData(
        divisions=tuple(DivisionRecord(code=d, name="某地") for d in divisions),
        service_points=tuple(points),
        workers=tuple(staff),
    )


# -- running ------------------------------------------------------------------------------------


def findings(
    rule: str,
    ref: ReferenceData,
    *,
    as_of: str | None = None,
    period: str | None = None,
    children: Iterable[Child] = (),
    subject: str | None = None,
) -> list[Finding]:
    """The findings of ``rule`` (about ``subject`` if given) in an audit of the registry."""
    registry = Registry(reference=ref, children=tuple(children))
    audit = pipeline.audit(
        engine(),
        registry,
        as_of=None if as_of is None else day(as_of),
        period=None if period is None else Period.parse(period),
    )
    return [f for f in audit if f.rule == rule and (subject is None or f.subject.id == subject)]


def outcomes(rule: str, ref: ReferenceData, as_of: str, **kw: Any) -> list[Outcome]:
    """The outcomes of ``rule``'s findings, in order."""
    return [f.outcome for f in findings(rule, ref, as_of=as_of, **kw)]


def amounts(
    rule: str,
    period: str,
    *,
    ref: ReferenceData | None = None,
    children: Iterable[Child] = (),
) -> list[Amount]:
    """The amounts of ``rule`` over ``period``."""
    registry = Registry(reference=ref or ReferenceData(), children=tuple(children))
    return [
        a for a in pipeline.entitlements(engine(), registry, Period.parse(period)) if a.rule == rule
    ]


def by_month(found: Iterable[Amount]) -> dict[str, str | None]:
    """Each month's amount as text (None for missing input)."""
    result: dict[str, str | None] = {}
    for a in found:
        assert a.month is not None
        result[str(a.month)] = None if a.amount is None else str(a.amount)
    return result
