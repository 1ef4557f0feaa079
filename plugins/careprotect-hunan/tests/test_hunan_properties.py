"""Properties of the Hunan rules over drawn registries in Hunan (43) and Hubei (42): no Hunan
finding and no Hunan value outside 43, findings and amounts that do not depend on record
order or on the engine instance, and evidence that is in force on the day it is used for."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import careprotect_hunan
from careprotect import (
    Division,
    DivisionRecord,
    Engine,
    Level,
    ReferenceData,
    Registry,
    ServicePointKind,
    WorkerRole,
    pipeline,
)
from careprotect.findings import Finding
from careprotect.periods import Period
from careprotect.testing import children, divisions, service_points, workers
from hunan_testkit import CHIBI, HUBEI, HUNAN, LUXI, engine

# Days on both sides of every date the plugin's values take effect.
KEY_DAYS = [
    dt.date(2017, 12, 31),
    dt.date(2018, 1, 1),
    dt.date(2019, 6, 10),
    dt.date(2019, 6, 11),
    dt.date(2020, 12, 30),
    dt.date(2020, 12, 31),
    dt.date(2022, 6, 10),
    dt.date(2022, 6, 11),
]
DAYS = st.sampled_from(KEY_DAYS) | st.dates(dt.date(2017, 1, 1), dt.date(2024, 12, 31))
ROLES = st.sampled_from(
    [WorkerRole.CHILD_DIRECTOR, WorkerRole.CHILD_SUPERVISOR, WorkerRole.COUNSELLOR]
)
KINDS = st.sampled_from(
    [ServicePointKind.CHILDRENS_HOME] * 3 + [ServicePointKind.SOCIAL_ORGANISATION]
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def registries(draw: st.DrawFn, places: tuple[Division, ...] = (LUXI, CHIBI)) -> Registry:
    """A registry with subjects in the counties ``places`` (by default one in Hunan, one in
    Hubei), their provinces listed, and some of their townships and villages listed so the
    division rules judge them."""
    where = st.sampled_from(places)
    listed = {d.province for d in places}
    for _ in range(draw(st.integers(0, 4))):
        base = draw(where)
        listed.add(draw(divisions(draw(st.sampled_from(list(Level)[2:])), within=base)))
    n_workers, n_points, n_children = (draw(st.integers(0, 3)) for _ in range(3))
    worker_ids = [f"W{i:04d}" for i in range(1, n_workers + 1)]
    point_ids = [f"P{i:04d}" for i in range(1, n_points + 1)]
    child_ids = [f"C{i:05d}" for i in range(1, n_children + 1)]
    staff = tuple(
        draw(
            workers(
                draw(where),
                draw(ROLES),
                worker_id=w,
                min_date=dt.date(2017, 1, 1),
                max_date=dt.date(2023, 12, 31),
            )
        )
        for w in worker_ids
    )
    points = tuple(
        draw(
            service_points(
                draw(where),
                draw(KINDS),
                point_id=p,
                director_ids=worker_ids,
                child_ids=child_ids,
                min_date=dt.date(2017, 1, 1),
                max_date=dt.date(2023, 12, 31),
            )
        )
        for p in point_ids
    )
    kids = tuple(
        draw(
            children(
                draw(where),
                max_facts=2,
                child_id=c,
                worker_ids=worker_ids,
                service_point_ids=point_ids,
            )
        )
        for c in child_ids
    )
    records = tuple(DivisionRecord(code=d, name=f"({d})") for d in sorted(listed))
    return Registry(
        reference=ReferenceData(divisions=records, workers=staff, service_points=points),
        children=kids,
    )


def audit(e: Engine, registry: Registry, day: dt.date) -> list[Finding]:
    return list(pipeline.audit(e, registry, as_of=day))


def _key(f: Finding) -> str:
    return json.dumps(f.as_dict(), sort_keys=True, ensure_ascii=False)


@SETTINGS
@given(registry=registries(), day=DAYS)
def test_property_hunan_findings_only_inside_hunan(registry: Registry, day: dt.date) -> None:
    """Property: every finding of a Hunan rule is about a subject in 43, and no finding about
    a subject outside 43 uses a Hunan value."""
    for f in audit(engine(), registry, day):
        if f.rule.startswith("hunan."):
            assert HUNAN.contains(f.division), f
        if not HUNAN.contains(f.division):
            assert all(e.plugin != "hunan" for e in f.evidence), f


@SETTINGS
@given(registry=registries(places=(CHIBI,)), day=DAYS)
def test_property_a_hubei_registry_gets_no_hunan_finding(registry: Registry, day: dt.date) -> None:
    """Property: a registry entirely in Hubei (42) gets exactly the findings it gets without
    the Hunan plugin."""
    assert all(HUBEI.contains(d.code) for d in registry.reference.divisions)
    with_hunan = audit(engine(), registry, day)
    assert not any(f.rule.startswith("hunan.") for f in with_hunan)
    assert with_hunan == audit(national_only(), registry, day)


_NATIONAL: list[Engine] = []


def national_only() -> Engine:
    if not _NATIONAL:
        _NATIONAL.append(Engine())
    return _NATIONAL[0]


@SETTINGS
@given(registry=registries(), day=DAYS)
def test_property_evidence_is_in_force_on_the_day_judged(registry: Registry, day: dt.date) -> None:
    """Property: each Hunan finding's evidence is the value in force for its division on the
    day the finding is about (the day judged, the appointment day, or a year's last day)."""
    for f in audit(engine(), registry, day):
        if not f.rule.startswith("hunan."):
            continue
        on = f.day if f.day is not None else (f.period.last_day if f.period else day)
        assert on <= day
        for e in f.evidence:
            found = engine().parameters.find(e.parameter, f.division, on)
            assert found is not None
            assert found.evidence == e


@SETTINGS
@given(registry=registries(), day=DAYS, data=st.data())
def test_property_findings_do_not_depend_on_order_or_engine(
    registry: Registry, day: dt.date, data: st.DataObject
) -> None:
    """Property: the same audit twice, from a fresh engine, and of the registry with its
    records shuffled gives the same findings (the shuffled one as a multiset)."""
    first = audit(engine(), registry, day)
    assert audit(engine(), registry, day) == first
    assert [_key(f) for f in audit(Engine([careprotect_hunan]), registry, day)] == list(
        map(_key, first)
    )
    ref = registry.reference
    shuffled = Registry(
        reference=ReferenceData(
            divisions=tuple(data.draw(st.permutations(ref.divisions))),
            workers=tuple(data.draw(st.permutations(ref.workers))),
            service_points=tuple(data.draw(st.permutations(ref.service_points))),
        ),
        children=tuple(data.draw(st.permutations(registry.children))),
    )
    assert sorted(map(_key, audit(engine(), shuffled, day))) == sorted(map(_key, first))


@SETTINGS
@given(registry=registries(), period=st.sampled_from(["2019", "2020-Q4", "2022-06", "2018-01"]))
def test_property_period_audits_are_deterministic(registry: Registry, period: str) -> None:
    """Property: a period audit and the entitlements over it give the same results twice."""
    p = Period.parse(period)
    first = list(pipeline.audit(engine(), registry, period=p))
    assert list(pipeline.audit(engine(), registry, period=p)) == first
    amounts = list(pipeline.entitlements(engine(), registry, p))
    assert list(pipeline.entitlements(engine(), registry, p)) == amounts
