"""What the Hubei plugin's tests share: one engine, places, workers and child files.

Every name and id here is made up. Children live in villages of Xian'an (421202, in
Xianning), Chibi (421281, in Xianning), Wuhan (4201) and Luxi (433122, Hunan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import careprotect_hubei
from careprotect import (
    Child,
    Contact,
    ContactMode,
    Division,
    Engine,
    HouseholdType,
    Parent,
    ParentSituation,
    ParentSituationKind,
    ReferenceData,
    Registry,
    Sex,
    Topic,
    Worker,
    WorkerRole,
    pipeline,
)
from careprotect.findings import Finding
from careprotect.model import DivisionRecord

ENGINE = Engine([careprotect_hubei])
"""The national baseline and the Hubei plugin."""

XIANAN_VILLAGE = Division("421202100201")
XIANAN_TOWNSHIP = Division("421202100")
CHIBI_VILLAGE = Division("421281101201")
CHIBI_TOWNSHIP = Division("421281101")
WUHAN_VILLAGE = Division("420102100201")
WUHAN_TOWNSHIP = Division("420102100")
LUXI_VILLAGE = Division("433122100201")

XIANNING_TOPICS = frozenset({Topic.STUDY, Topic.SCHOOLING, Topic.DAILY_LIFE, Topic.MENTAL_HEALTH})
"""What Xianning's visit record covers (seed 000)."""

M = ContactMode

XA_DIRECTOR = "W-XA-D1"
CB_DIRECTOR = "W-CB-D1"
CB_SUPERVISOR = "W-CB-S1"
PARTY_MEMBER = "W-XN-P1"
OTHER_PARTY_MEMBER = "W-XN-P2"
COUNSELLOR = "W-XN-C1"
SOCIAL_WORKER = "W-XN-SW1"
VOLUNTEER = "W-XN-V1"
WH_DIRECTOR = "W-WH-D1"
LX_DIRECTOR = "W-LX-D1"


def worker(worker_id: str, role: WorkerRole, division: Division, **kw: Any) -> Worker:
    """A worker in post since 2019-01-01 unless ``kw`` says otherwise."""
    fields: dict[str, Any] = {"name": "某某", "appointed_on": dt.date(2019, 1, 1)}
    fields.update(kw)
    return Worker(id=worker_id, role=role, division=division, **fields)


WORKERS = (
    worker(XA_DIRECTOR, WorkerRole.CHILD_DIRECTOR, XIANAN_VILLAGE),
    worker(CB_DIRECTOR, WorkerRole.CHILD_DIRECTOR, CHIBI_VILLAGE),
    worker(CB_SUPERVISOR, WorkerRole.CHILD_SUPERVISOR, CHIBI_TOWNSHIP),
    worker(PARTY_MEMBER, WorkerRole.PARTY_MEMBER, Division("4212")),
    worker(OTHER_PARTY_MEMBER, WorkerRole.PARTY_MEMBER, Division("4212")),
    worker(COUNSELLOR, WorkerRole.COUNSELLOR, Division("421202")),
    worker(SOCIAL_WORKER, WorkerRole.SOCIAL_WORKER, Division("421202")),
    worker(VOLUNTEER, WorkerRole.VOLUNTEER, Division("421202")),
    worker(WH_DIRECTOR, WorkerRole.CHILD_DIRECTOR, WUHAN_VILLAGE),
    worker(LX_DIRECTOR, WorkerRole.CHILD_DIRECTOR, LUXI_VILLAGE),
)

DIVISIONS = (
    DivisionRecord(code=Division("42"), name="湖北省"),
    DivisionRecord(code=Division("43"), name="湖南省"),
)

REFERENCE = ReferenceData(divisions=DIVISIONS, workers=WORKERS)
"""Workers of every role the rules look up; divisions are listed by the tests that judge
them."""


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def contact(
    when: str,
    worker_id: str = XA_DIRECTOR,
    mode: ContactMode = M.HOME_VISIT,
    topics: Iterable[Topic] = XIANNING_TOPICS,
) -> Contact:
    """A contact whose record covers ``topics`` (by default Xianning's four)."""
    return Contact(date=day(when), worker=worker_id, mode=mode, topics=frozenset(topics))


def child(
    *contacts: Contact,
    division: Division = XIANAN_VILLAGE,
    child_id: str = "C1",
    away_since: str | None = "2018-01-01",
    situation: ParentSituationKind = ParentSituationKind.WORKING_AWAY,
    household: HouseholdType = HouseholdType.RURAL,
    **kw: Any,
) -> Child:
    """A child born 2014-05-01 whose parents are both in ``situation`` (working away: a
    left-behind child while under 16 if rural) from ``away_since``; None for no situation."""
    situations: tuple[ParentSituation, ...] = ()
    if away_since is not None:
        situations = tuple(
            ParentSituation(parent=p, kind=situation, start=day(away_since)) for p in Parent
        )
    return Child(
        id=child_id,
        name="某小某",
        birth_date=dt.date(2014, 5, 1),
        sex=Sex.FEMALE,
        division=division,
        household=household,
        parent_situations=situations,
        contacts=tuple(contacts),
        **kw,
    )


def audit(
    children: Sequence[Child] = (),
    rule: str | None = None,
    *,
    reference: ReferenceData = REFERENCE,
    engine: Engine = ENGINE,
    **when: Any,
) -> list[Finding]:
    """The findings of an audit (of ``rule`` only, if given)."""
    registry = Registry(reference=reference, children=tuple(children))
    return [f for f in pipeline.audit(engine, registry, **when) if rule is None or f.rule == rule]


def outcomes(findings: Iterable[Finding]) -> list[tuple[str, str, str]]:
    """(subject, period or day, outcome) of each finding."""
    return [
        (f.subject.id, str(f.period) if f.period else str(f.day), f.outcome.value) for f in findings
    ]


def evidence(finding: Finding) -> list[tuple[str, object, str, str, str, str]]:
    """(parameter, value, effective, scope, plugin, citation key) of each evidence item."""
    return [
        (e.parameter, e.value, e.effective.isoformat(), e.scope, e.plugin, e.citation.key)
        for e in finding.evidence
    ]
