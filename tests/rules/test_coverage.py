"""Coverage rules (POLICY.md §3, §7): a children's home in every village, minimum numbers per
division, and the share of model homes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect import (
    Division,
    DivisionRecord,
    Engine,
    InvalidValueError,
    Level,
    Message,
    OrganiserLevel,
    Post,
    ReferenceData,
    Registry,
    ServicePoint,
    ServicePointKind,
    Worker,
    WorkerRole,
    pipeline,
)
from careprotect.findings import Finding, Outcome
from careprotect.model import ModelDesignation
from careprotect.rules import coverage
from careprotect.rules.base import RuleContext
from careprotect.rules.common import ReferenceIndex, reference_index
from careprotect.rules.coverage import (
    HomePerVillage,
    MinimumPerDivision,
    ModelHomeShare,
)
from careprotect.testing import (
    childrens_homes,
    consistent_registries,
    service_points,
    stub_plugin,
    workers,
)
from support import citation_table

COUNTY = Division("433122")
TOWNSHIP = Division("433122100")
OTHER_TOWNSHIP = Division("433122101")
VILLAGE = Division("433122100201")
OTHER_VILLAGE = Division("433122100202")
HOME = ServicePointKind.CHILDRENS_HOME
ORGANISATION = ServicePointKind.SOCIAL_ORGANISATION

TOML = (
    citation_table(
        issuer="湖南省民政厅等",
        document="seed 002",
        title="关于进一步加强村级儿童之家建设和管理工作的通知",
        date="2019-06-11",
    )
    + """
[parameters."test.cov.homes.required"]
unit = "flag"
zh = "儿童之家全覆盖要求是否适用"
en = "Whether every village must have a children's home"

[parameters."test.cov.organisations"]
unit = "count"
zh = "每县儿童服务类社会组织数量下限"
en = "Child-service social organisations per county, at least"

[parameters."test.cov.counsellors"]
unit = "count"
zh = "每乡镇持证心理咨询师数量下限"
en = "Qualified counsellors per township, at least"

[parameters."test.cov.model_share"]
unit = "ratio"
zh = "县级以上示范儿童之家占比下限"
en = "Share of model homes at county level or above, at least"

[[values]]
parameter = "test.cov.homes.required"
effective = 2019-06-11
value = false
citation = "p"

[[values]]
parameter = "test.cov.homes.required"
effective = 2021-01-01
value = true
citation = "p"

[[values]]
parameter = "test.cov.organisations"
effective = 2022-06-11
value = 3
citation = "p"

[[values]]
parameter = "test.cov.counsellors"
effective = 2022-06-11
value = 1
citation = "p"

[[values]]
parameter = "test.cov.model_share"
effective = 2020-01-01
value = "0.1"
citation = "p"
"""
)

HOMES = HomePerVillage(
    id="test.cov.home_per_village",
    title=Message("每个行政村建有儿童之家", "A children's home in every village"),
    citations=("p",),
    required="test.cov.homes.required",
)
ORGANISATIONS = MinimumPerDivision(
    id="test.cov.organisations_per_county",
    title=Message("每县至少3家儿童服务类社会组织", "3 child-service organisations per county"),
    citations=("p",),
    level=Level.COUNTY,
    count="test.cov.organisations",
    service_point_kind=ORGANISATION,
)
COUNSELLORS = MinimumPerDivision(
    id="test.cov.counsellors_per_township",
    title=Message("每乡镇至少1名持证心理咨询师", "A qualified counsellor per township"),
    citations=("p",),
    level=Level.TOWNSHIP,
    count="test.cov.counsellors",
    posts=frozenset({Post.QUALIFIED_COUNSELLOR}),
)
MODEL_SHARE = ModelHomeShare(
    id="test.cov.model_share",
    title=Message("县级以上示范儿童之家不少于10%", "At least 10% model homes"),
    citations=("p",),
    level=Level.COUNTY,
    ratio="test.cov.model_share",
)
RULES = (HOMES, ORGANISATIONS, COUNSELLORS, MODEL_SHARE)


def plugin(path: Path, rules: Iterable[tuple[Any, Division | None]]) -> object:
    return stub_plugin("testcov", directory=path.parent, toml=TOML, rules=rules)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    # Overrides conftest's engine: this module's rules come from a throwaway plugin.
    return Engine([plugin(tmp_path_factory.mktemp("c") / "p.toml", [(r, None) for r in RULES])])


def point(
    pid: str,
    division: Division = VILLAGE,
    kind: ServicePointKind = HOME,
    opened: str | None = "2019-01-01",
    closed: str | None = None,
    model: Sequence[tuple[str, int]] = (),
) -> ServicePoint:
    return ServicePoint(
        id=pid,
        kind=kind,
        name="青山儿童之家",
        division=division,
        opened_on=dt.date.fromisoformat(opened) if opened else None,
        closed_on=dt.date.fromisoformat(closed) if closed else None,
        model_designations=tuple(
            ModelDesignation(level=OrganiserLevel(level), year=year) for level, year in model
        ),
    )


def reference(
    divisions: Sequence[Division],
    points: Sequence[ServicePoint] = (),
    staff: Sequence[Worker] = (),
) -> ReferenceData:
    return ReferenceData(
        divisions=tuple(DivisionRecord(code=d, name="某地") for d in divisions),
        service_points=tuple(points),
        workers=tuple(staff),
    )


def run(e: Engine, ref: ReferenceData, day: str, rule: str) -> list[Finding]:
    found = pipeline.audit(e, Registry(reference=ref), as_of=dt.date.fromisoformat(day))
    return [f for f in found if f.rule == rule]


def outcomes(e: Engine, ref: ReferenceData, day: str, rule: str) -> dict[str, Outcome]:
    return {f.subject.id: f.outcome for f in run(e, ref, day, rule)}


# -- a home in every village ------------------------------------------------------------------


def test_every_listed_village_needs_an_open_home(engine: Engine) -> None:
    """One village with an open home, one whose home closed, one with a home of unknown
    opening date, one with none; the township listed gets no finding."""
    v3, v4 = Division("433122100203"), Division("433122100204")
    ref = reference(
        [TOWNSHIP, VILLAGE, OTHER_VILLAGE, v3, v4],
        [
            point("P1", VILLAGE),
            point("P2", OTHER_VILLAGE, closed="2021-01-01"),
            point("P3", v3, opened=None),
            point("P4", v4, kind=ORGANISATION),
        ],
    )
    assert outcomes(engine, ref, "2021-01-01", HOMES.id) == {
        str(VILLAGE): Outcome.COMPLIANT,
        str(OTHER_VILLAGE): Outcome.NON_COMPLIANT,
        str(v3): Outcome.MISSING_INPUT,
        str(v4): Outcome.NON_COMPLIANT,
    }


def test_full_coverage_is_required_from_its_date(engine: Engine) -> None:
    """No flag value before 2019-06-11: missing input; false until 2020-12-31: not
    applicable; true from 2021-01-01: a village without a home is non-compliant."""
    ref = reference([VILLAGE])
    assert outcomes(engine, ref, "2019-06-10", HOMES.id) == {str(VILLAGE): Outcome.MISSING_INPUT}
    assert outcomes(engine, ref, "2020-12-31", HOMES.id) == {str(VILLAGE): Outcome.NOT_APPLICABLE}
    (f,) = run(engine, ref, "2021-01-01", HOMES.id)
    assert f.outcome is Outcome.NON_COMPLIANT
    assert f.message.en == "433122100201 has no open children's home on 2021-01-01"
    assert [(e.parameter, e.value, e.effective) for e in f.evidence] == [
        ("test.cov.homes.required", True, dt.date(2021, 1, 1))
    ]


def test_a_home_opening_on_the_day_covers_it(engine: Engine) -> None:
    """Opened 2021-03-01: not covered on 2021-02-28, covered on 2021-03-01."""
    ref = reference([VILLAGE], [point("P1", opened="2021-03-01")])
    assert outcomes(engine, ref, "2021-02-28", HOMES.id) == {str(VILLAGE): Outcome.NON_COMPLIANT}
    assert outcomes(engine, ref, "2021-03-01", HOMES.id) == {str(VILLAGE): Outcome.COMPLIANT}


# -- minimum numbers per division -------------------------------------------------------------


def test_three_organisations_per_county(engine: Engine) -> None:
    """Two organisations: non-compliant; three (one registered at a township): compliant."""
    two = [point("O1", COUNTY, ORGANISATION), point("O2", COUNTY, ORGANISATION)]
    three = [*two, point("O3", TOWNSHIP, ORGANISATION)]
    assert outcomes(engine, reference([COUNTY], two), "2022-06-11", ORGANISATIONS.id) == {
        str(COUNTY): Outcome.NON_COMPLIANT
    }
    (f,) = run(engine, reference([COUNTY], three), "2022-06-11", ORGANISATIONS.id)
    assert f.outcome is Outcome.COMPLIANT
    assert f.message.en == "433122 has 3 social organisation(s), at least 3, on 2022-06-11"
    assert f.message.zh == "433122有3个儿童服务类社会组织，不少于3个"
    assert [(e.parameter, e.value) for e in f.evidence] == [("test.cov.organisations", 3)]


def test_the_minimum_applies_from_the_deadline(engine: Engine) -> None:
    """Within the three years (until 2022-06-10) no value is in force: missing input."""
    ref = reference([COUNTY])
    (f,) = run(engine, ref, "2022-06-10", ORGANISATIONS.id)
    assert f.outcome is Outcome.MISSING_INPUT
    assert f.facts == ("no value of test.cov.organisations in force on 2022-06-10",)
    assert outcomes(engine, ref, "2022-06-11", ORGANISATIONS.id) == {
        str(COUNTY): Outcome.NON_COMPLIANT
    }


def test_an_organisation_of_unknown_opening_might_make_up_the_number(engine: Engine) -> None:
    """Two certain and one unknown: missing input; two certain and one closed: non-compliant."""
    two = [point("O1", COUNTY, ORGANISATION), point("O2", COUNTY, ORGANISATION)]
    maybe = reference([COUNTY], [*two, point("O3", COUNTY, ORGANISATION, opened=None)])
    closed = reference([COUNTY], [*two, point("O3", COUNTY, ORGANISATION, closed="2022-01-01")])
    assert outcomes(engine, maybe, "2022-06-11", ORGANISATIONS.id) == {
        str(COUNTY): Outcome.MISSING_INPUT
    }
    assert outcomes(engine, closed, "2022-06-11", ORGANISATIONS.id) == {
        str(COUNTY): Outcome.NON_COMPLIANT
    }


def counsellor(wid: str, division: Division, posts: set[Post]) -> Worker:
    return Worker(
        id=wid,
        name="王静",
        role=WorkerRole.COUNSELLOR,
        division=division,
        posts=frozenset(posts),
        appointed_on=dt.date(2020, 1, 1),
    )


def test_a_qualified_counsellor_per_township(engine: Engine) -> None:
    """A worker holding the qualified-counsellor post anywhere in the township counts; one
    without the post, or in another township, does not."""
    ref = reference(
        [TOWNSHIP, OTHER_TOWNSHIP],
        staff=[
            counsellor("W1", VILLAGE, {Post.QUALIFIED_COUNSELLOR}),
            counsellor("W2", OTHER_TOWNSHIP, set()),
        ],
    )
    assert outcomes(engine, ref, "2022-06-11", COUNSELLORS.id) == {
        str(TOWNSHIP): Outcome.COMPLIANT,
        str(OTHER_TOWNSHIP): Outcome.NON_COMPLIANT,
    }


def test_a_minimum_counts_points_or_workers_not_both() -> None:
    """Neither or both: refused when the rule is made."""
    base: dict[str, Any] = {
        "id": "x",
        "title": Message("x", "x"),
        "citations": ("p",),
        "level": Level.COUNTY,
        "count": "c",
    }
    with pytest.raises(InvalidValueError, match="must count either service points"):
        MinimumPerDivision(**base)
    with pytest.raises(InvalidValueError, match="must count either service points"):
        MinimumPerDivision(**base, service_point_kind=HOME, role=WorkerRole.COUNSELLOR)


# -- share of model homes ---------------------------------------------------------------------


def homes(
    total: int, models: int, model: Sequence[tuple[str, int]] = (("county", 2019),)
) -> list[ServicePoint]:
    """``total`` homes in villages of Luxi county, the first ``models`` of them designated."""
    villages = [Division(f"433122{100 + i // 500:03d}{1 + i % 500:03d}") for i in range(total)]
    return [
        point(f"P{i:04d}", v, model=model if i < models else ()) for i, v in enumerate(villages)
    ]


@pytest.mark.parametrize(
    ("total", "models", "expected"),
    [
        (10, 1, Outcome.COMPLIANT),
        (11, 1, Outcome.NON_COMPLIANT),
        (1000, 99, Outcome.NON_COMPLIANT),
        (1000, 100, Outcome.COMPLIANT),
    ],
)
def test_model_homes_are_at_least_ten_percent(
    engine: Engine, total: int, models: int, expected: Outcome
) -> None:
    """Exact: 1 of 10 and 100 of 1000 reach 10%; 1 of 11 and 99 of 1000 (9.9%) do not."""
    ref = reference([COUNTY], homes(total, models))
    assert outcomes(engine, ref, "2020-12-31", MODEL_SHARE.id) == {str(COUNTY): expected}


def test_share_message_and_evidence(engine: Engine) -> None:
    """The message gives the counts and the ratio."""
    (f,) = run(engine, reference([COUNTY], homes(11, 1)), "2020-12-31", MODEL_SHARE.id)
    assert f.message.en == (
        "433122: 1 of 11 open children's homes are model homes on 2020-12-31, a share below 0.1"
    )
    assert [(e.parameter, e.value) for e in f.evidence] == [
        ("test.cov.model_share", Decimal("0.1"))
    ]


def test_only_designations_at_county_level_or_above_and_by_the_year_count(
    engine: Engine,
) -> None:
    """A township designation never counts; a 2021 county designation counts from
    2021-01-01, not on 2020-12-31."""
    township = reference([COUNTY], homes(10, 1, model=(("township", 2019),)))
    assert outcomes(engine, township, "2020-12-31", MODEL_SHARE.id) == {
        str(COUNTY): Outcome.NON_COMPLIANT
    }
    later = reference([COUNTY], homes(10, 1, model=(("province", 2021),)))
    assert outcomes(engine, later, "2020-12-31", MODEL_SHARE.id) == {
        str(COUNTY): Outcome.NON_COMPLIANT
    }
    assert outcomes(engine, later, "2021-01-01", MODEL_SHARE.id) == {str(COUNTY): Outcome.COMPLIANT}


def test_homes_of_unknown_opening_decide_only_when_they_could_tip_the_share(
    engine: Engine,
) -> None:
    """1 model of 10 open plus an unknown home without a designation: could fall to 1/11,
    missing input; 2 models of 10 plus an unknown one: 2/11 still reaches 10%, compliant.
    No home at all: not applicable."""
    tight = [*homes(10, 1), point("PX", OTHER_VILLAGE, opened=None)]
    loose = [*homes(10, 2), point("PX", OTHER_VILLAGE, opened=None)]
    assert outcomes(engine, reference([COUNTY], tight), "2020-12-31", MODEL_SHARE.id) == {
        str(COUNTY): Outcome.MISSING_INPUT
    }
    assert outcomes(engine, reference([COUNTY], loose), "2020-12-31", MODEL_SHARE.id) == {
        str(COUNTY): Outcome.COMPLIANT
    }
    assert outcomes(engine, reference([COUNTY]), "2020-12-31", MODEL_SHARE.id) == {
        str(COUNTY): Outcome.NOT_APPLICABLE
    }


# -- the index --------------------------------------------------------------------------------


def test_the_index_is_built_once_per_run_and_kept_by_the_run(engine: Engine) -> None:
    """Every rule of a run shares one index, kept in the run's memo: contexts sharing a memo
    share it, a context of another run builds its own, and no module keeps one."""
    ref = reference([COUNTY], homes(3, 0))
    memo: dict[object, object] = {}
    first = RuleContext(engine, reference=ref, memo=memo)
    index = reference_index(first)
    assert reference_index(RuleContext(engine, reference=ref, memo=memo)) is index
    assert reference_index(RuleContext(engine, reference=ref)) is not index
    assert memo[ReferenceIndex] is index
    assert {str(d) for d in index.points.within} >= {"43", "4331", "433122", "433122100"}
    assert len(index.points.within[COUNTY]) == 3


def test_a_province_of_villages_is_audited_in_one_pass(engine: Engine) -> None:
    """5000 villages with a home each and 50 townships: the rules scan each home a bounded
    number of times (the audit finishes with one finding per village)."""
    villages = [Division(f"4331221{t:02d}{200 + v:03d}") for t in range(1, 51) for v in range(100)]
    ref = reference(villages, [point(f"P{i:05d}", v) for i, v in enumerate(villages)])
    found = outcomes(engine, ref, "2021-01-01", HOMES.id)
    assert len(found) == 5000
    assert set(found.values()) == {Outcome.COMPLIANT}


# -- properties -------------------------------------------------------------------------------

DAYS = st.dates(dt.date(2019, 1, 1), dt.date(2035, 12, 31))
RANK = {Outcome.NON_COMPLIANT: 0, Outcome.MISSING_INPUT: 1, Outcome.COMPLIANT: 2}


def _monotone(before: dict[str, Outcome], after: dict[str, Outcome]) -> None:
    assert before.keys() == after.keys()
    for key, outcome in before.items():
        if outcome in RANK:
            assert RANK[after[key]] >= RANK[outcome], key


def _listed(points: Iterable[ServicePoint]) -> list[Division]:
    found = {COUNTY, TOWNSHIP}
    for p in points:
        found.update(a for a in (p.division, *p.division.ancestors) if a.level >= Level.COUNTY)
    return sorted(found)


def _ids(prefix: str) -> Callable[[list[ServicePoint]], list[ServicePoint]]:
    def renumber(points: list[ServicePoint]) -> list[ServicePoint]:
        return [attrs.evolve(p, id=f"{prefix}{i}") for i, p in enumerate(points)]

    return renumber


@settings(max_examples=60, deadline=None)
@given(
    existing=st.lists(
        childrens_homes(division=TOWNSHIP) | service_points(COUNTY, ORGANISATION), max_size=6
    ).map(_ids("P")),
    extra=childrens_homes(division=TOWNSHIP, point_id="X")
    | service_points(COUNTY, ORGANISATION, point_id="X"),
    day=DAYS,
)
def test_property_adding_a_point_never_breaks_coverage(
    engine: Engine, existing: list[ServicePoint], extra: ServicePoint, day: dt.date
) -> None:
    """Property: adding a home or an organisation never lowers a HomePerVillage or
    MinimumPerDivision outcome (non-compliant < missing input < compliant)."""
    listed = _listed([*existing, extra])
    for rule in (HOMES, ORGANISATIONS):
        before = outcomes(engine, reference(listed, existing), day.isoformat(), rule.id)
        after = outcomes(engine, reference(listed, [*existing, extra]), day.isoformat(), rule.id)
        _monotone(before, after)


@settings(max_examples=60, deadline=None)
@given(
    staff=st.lists(workers(COUNTY), max_size=6, unique_by=lambda w: w.id),
    extra=workers(COUNTY, worker_id="WX"),
    day=DAYS,
)
def test_property_adding_a_worker_never_breaks_a_minimum(
    engine: Engine, staff: list[Worker], extra: Worker, day: dt.date
) -> None:
    """Property: adding a worker never lowers the counsellors-per-township outcome."""
    staff = [w for w in staff if w.id != "WX"]
    townships = sorted(
        {a for w in (*staff, extra) for a in (w.division, *w.division.ancestors)} | {TOWNSHIP}
    )
    before = outcomes(engine, reference(townships, staff=staff), day.isoformat(), COUNSELLORS.id)
    after = outcomes(
        engine, reference(townships, staff=[*staff, extra]), day.isoformat(), COUNSELLORS.id
    )
    _monotone(before, after)


@settings(max_examples=60, deadline=None)
@given(
    existing=st.lists(childrens_homes(division=COUNTY), max_size=8).map(_ids("P")),
    extra=childrens_homes(division=COUNTY, point_id="X"),
    level=st.sampled_from(sorted(coverage.COUNTY_OR_ABOVE)),
    day=st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
)
def test_property_adding_a_model_home_never_lowers_the_share_outcome(
    engine: Engine,
    existing: list[ServicePoint],
    extra: ServicePoint,
    level: OrganiserLevel,
    day: dt.date,
) -> None:
    """Property: adding a home open on the day with a counting designation never turns a
    compliant share into a non-compliant one, nor missing input into non-compliant."""
    model = attrs.evolve(
        extra,
        opened_on=dt.date(2000, 1, 1),
        closed_on=None,
        model_designations=(ModelDesignation(level=level, year=day.year),),
    )
    before = outcomes(engine, reference([COUNTY], existing), day.isoformat(), MODEL_SHARE.id)
    after = outcomes(
        engine, reference([COUNTY], [*existing, model]), day.isoformat(), MODEL_SHARE.id
    )
    _monotone(before, after)
    assert after[str(COUNTY)] is not Outcome.NOT_APPLICABLE


@settings(max_examples=50, deadline=None)
@given(
    registry=consistent_registries(max_children=0, max_workers=4, max_service_points=6),
    day=st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)),
    data=st.data(),
)
def test_property_coverage_is_scoped_deterministic_and_cites_values_in_force(
    tmp_path_factory: pytest.TempPathFactory, registry: Registry, day: dt.date, data: st.DataObject
) -> None:
    """Property: findings only within the rule's scope, on the day judged, each evidence
    value the one in force that day; the same audit twice gives the same findings."""
    listed = [r.code for r in registry.reference.divisions]
    scope = data.draw(st.sampled_from(listed))
    level = data.draw(st.sampled_from(sorted({d.level for d in listed})))
    rules = [(attrs.evolve(r, level=level), scope) for r in RULES]
    e = Engine([plugin(tmp_path_factory.mktemp("prop") / "p.toml", rules)])
    first = [f for f in pipeline.audit(e, registry, as_of=day) if f.rule.startswith("test.")]
    for f in first:
        assert scope.contains(f.division)
        assert f.division.level is level
        assert f.day == day
        for ev in f.evidence:
            resolved = e.parameters.find(ev.parameter, f.division, day)
            assert resolved is not None
            assert resolved.evidence == ev
    assert [
        f for f in pipeline.audit(e, registry, as_of=day) if f.rule.startswith("test.")
    ] == first
