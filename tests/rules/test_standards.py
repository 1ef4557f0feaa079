"""Standards of children's homes (POLICY.md §7; seed 002 §3): floor area, facilities, an
outdoor area, and a counselling room where possible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect import (
    Division,
    Engine,
    Facility,
    Message,
    ReferenceData,
    Registry,
    ServicePoint,
    ServicePointKind,
    pipeline,
)
from careprotect.errors import PluginLoadError
from careprotect.findings import Finding, Outcome
from careprotect.params import Unit
from careprotect.rules.mechanism import declared_parameters
from careprotect.rules.standards import Area, AreaStandard, FacilityStandard
from careprotect.testing import childrens_homes, consistent_registries, stub_plugin
from support import citation_table

VILLAGE = Division("433122100201")
HOME = ServicePointKind.CHILDRENS_HOME
ALL = ["video_calls", "study_and_reading", "recreation", "counselling_room"]

TOML = (
    citation_table(
        issuer="湖南省民政厅等",
        document="seed 002",
        title="关于进一步加强村级儿童之家建设和管理工作的通知",
        clause="三",
        date="2019-06-11",
    )
    + f"""
[parameters."test.home.floor_area"]
unit = "m2"
zh = "儿童之家室内使用面积下限"
en = "Children's home indoor floor area, at least"

[parameters."test.home.facilities"]
unit = "choices"
choices = {ALL!r}
zh = "儿童之家必备设施"
en = "Children's home required facilities"

[parameters."test.home.facilities.advised"]
unit = "choices"
choices = {ALL!r}
zh = "儿童之家有条件的应配备的设施"
en = "Children's home facilities where possible"

[[values]]
parameter = "test.home.floor_area"
effective = 2019-06-11
value = "50"
citation = "p"

[[values]]
parameter = "test.home.facilities"
effective = 2019-06-11
value = ["video_calls", "study_and_reading", "recreation"]
citation = "p"

[[values]]
parameter = "test.home.facilities.advised"
effective = 2019-06-11
value = ["counselling_room"]
citation = "p"
"""
)

FLOOR = AreaStandard(
    id="test.home.floor_area",
    title=Message("室内面积不少于50平方米", "Indoor floor area of at least 50 m²"),
    citations=("p",),
    service_point_kind=HOME,
    area=Area.FLOOR,
    minimum="test.home.floor_area",
)
OUTDOOR = AreaStandard(
    id="test.home.outdoor_area",
    title=Message("有室外活动场地", "A safe outdoor activity area"),
    citations=("p",),
    service_point_kind=HOME,
    area=Area.OUTDOOR,
)
FACILITIES = FacilityStandard(
    id="test.home.facilities",
    title=Message("具备亲情视频、学习阅读、文体娱乐设施", "Video calls, study, recreation"),
    citations=("p",),
    service_point_kind=HOME,
    facilities="test.home.facilities",
)
COUNSELLING = FacilityStandard(
    id="test.home.counselling_room",
    title=Message("有条件的设心理咨询室", "Where possible, a counselling room"),
    citations=("p",),
    service_point_kind=HOME,
    facilities="test.home.facilities.advised",
    binding=False,
)
RULES = (FLOOR, OUTDOOR, FACILITIES, COUNSELLING)


def plugin(path: Path, rules: Iterable[tuple[Any, Division | None]]) -> object:
    return stub_plugin("teststd", directory=path.parent, toml=TOML, rules=rules)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    # Overrides conftest's engine: this module's rules come from a throwaway plugin.
    return Engine([plugin(tmp_path_factory.mktemp("s") / "p.toml", [(r, None) for r in RULES])])


def home(
    floor: str | None = "60",
    outdoor: str | None = "100",
    facilities: Iterable[str] = ("video_calls", "study_and_reading", "recreation"),
    **kw: Any,
) -> ServicePoint:
    fields: dict[str, Any] = {
        "id": "P1",
        "kind": HOME,
        "name": "青山儿童之家",
        "division": VILLAGE,
        "floor_area_m2": Decimal(floor) if floor is not None else None,
        "outdoor_area_m2": Decimal(outdoor) if outdoor is not None else None,
        "facilities": frozenset(Facility(f) for f in facilities),
        "opened_on": dt.date(2019, 1, 1),
    }
    fields.update(kw)
    return ServicePoint(**fields)


def run(e: Engine, point: ServicePoint, day: str = "2020-01-01") -> dict[str, Finding]:
    registry = Registry(reference=ReferenceData(service_points=(point,)))
    found = pipeline.audit(e, registry, as_of=dt.date.fromisoformat(day))
    return {f.rule: f for f in found if f.rule.startswith("test.")}


def outcomes(e: Engine, point: ServicePoint, day: str = "2020-01-01") -> dict[str, Outcome]:
    return {rule: f.outcome for rule, f in run(e, point, day).items()}


# -- floor area -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("49.9", Outcome.NON_COMPLIANT),
        ("49.99", Outcome.NON_COMPLIANT),
        ("50", Outcome.COMPLIANT),
        ("50.00", Outcome.COMPLIANT),
        ("120.5", Outcome.COMPLIANT),
    ],
)
def test_floor_area_of_at_least_50_m2(engine: Engine, area: str, expected: Outcome) -> None:
    """Compared exactly: 49.99 m² falls short, 50 m² meets it."""
    assert outcomes(engine, home(floor=area))[FLOOR.id] is expected


def test_floor_area_finding_explains_itself(engine: Engine) -> None:
    """The message states area and minimum; the evidence names the parameter with its date
    and plugin."""
    f = run(engine, home(floor="49.9"))[FLOOR.id]
    assert f.message.en == "The indoor floor area of P1 is 49.9 m², short of at least 50 m²"
    assert f.message.zh == "P1的室内使用面积为49.9平方米，未达到不少于50平方米"
    assert [(e.parameter, e.value, e.effective, e.plugin) for e in f.evidence] == [
        ("test.home.floor_area", Decimal(50), dt.date(2019, 6, 11), "teststd")
    ]
    assert f.day == dt.date(2020, 1, 1)
    assert f.facts == ("floor_area_m2 49.9",)


def test_an_unrecorded_floor_area_is_missing_input(engine: Engine) -> None:
    """None is not zero."""
    f = run(engine, home(floor=None))[FLOOR.id]
    assert f.outcome is Outcome.MISSING_INPUT
    assert f.message.en == "Missing input: the indoor floor area of P1 is not recorded"


def test_before_the_standard_takes_effect_it_is_missing_input(engine: Engine) -> None:
    """2019-06-10: no minimum in force; 2019-06-11: judged."""
    assert outcomes(engine, home(floor="40"), "2019-06-10")[FLOOR.id] is Outcome.MISSING_INPUT
    assert outcomes(engine, home(floor="40"), "2019-06-11")[FLOOR.id] is Outcome.NON_COMPLIANT


# -- outdoor area -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"),
    [("0", Outcome.NON_COMPLIANT), ("0.01", Outcome.COMPLIANT), (None, Outcome.MISSING_INPUT)],
)
def test_an_outdoor_area_must_be_present(
    engine: Engine, area: str | None, expected: Outcome
) -> None:
    """Without a minimum parameter an area must merely exist: 0 m² is none at all."""
    assert outcomes(engine, home(outdoor=area))[OUTDOOR.id] is expected


# -- facilities -------------------------------------------------------------------------------


def test_every_required_facility_must_be_present(engine: Engine) -> None:
    """All three: compliant; without recreation: non-compliant, naming it."""
    assert outcomes(engine, home())[FACILITIES.id] is Outcome.COMPLIANT
    f = run(engine, home(facilities=("video_calls", "study_and_reading")))[FACILITIES.id]
    assert f.outcome is Outcome.NON_COMPLIANT
    assert f.message.en == "P1 lacks the facilities: recreation"
    assert [(e.parameter, e.value) for e in f.evidence] == [
        ("test.home.facilities", ("video_calls", "study_and_reading", "recreation"))
    ]


def test_a_counselling_room_is_advice_where_absent(engine: Engine) -> None:
    """ "Where possible": absent gives advice, present is compliant; never non-compliant."""
    assert outcomes(engine, home())[COUNSELLING.id] is Outcome.ADVISORY
    assert outcomes(engine, home(facilities=ALL))[COUNSELLING.id] is Outcome.COMPLIANT
    f = run(engine, home())[COUNSELLING.id]
    assert f.message.en == "Advice: where possible, P1 should have: counselling_room"


# -- which points -----------------------------------------------------------------------------


def test_other_kinds_and_closed_homes_are_not_judged(engine: Engine) -> None:
    """A social work station is not a children's home; a home closed on the day, or not yet
    open, gets no finding; a home whose opening date is unknown is judged."""
    station = home(kind=ServicePointKind.SOCIAL_WORK_STATION, floor="1")
    assert run(engine, station) == {}
    closed = home(floor="1", closed_on=dt.date(2019, 12, 31))
    assert run(engine, closed) == {}
    assert run(engine, home(floor="1"), "2018-12-31") == {}
    unknown = home(floor="1", opened_on=None)
    assert outcomes(engine, unknown)[FLOOR.id] is Outcome.NON_COMPLIANT


# -- properties -------------------------------------------------------------------------------

DAYS = st.dates(dt.date(2019, 6, 11), dt.date(2035, 12, 31))


@settings(max_examples=60, deadline=None)
@given(point=childrens_homes(meeting_standard=True), day=DAYS)
def test_property_a_home_meeting_the_standard_complies(
    engine: Engine, point: ServicePoint, day: dt.date
) -> None:
    """Property: a home built to meet 50 m² and the three facilities complies with both
    rules whenever it is judged."""
    found = outcomes(engine, point, day.isoformat())
    if point.open_on(day) is False:
        assert found == {}
    else:
        assert found[FLOOR.id] is Outcome.COMPLIANT
        assert found[FACILITIES.id] is Outcome.COMPLIANT


@settings(max_examples=60, deadline=None)
@given(point=childrens_homes(meeting_standard=False), day=DAYS)
def test_property_a_home_missing_the_standard_fails_one_part(
    engine: Engine, point: ServicePoint, day: dt.date
) -> None:
    """Property: a home built to miss the standard is non-compliant with the floor-area or
    the facilities rule, never missing input for area."""
    found = outcomes(engine, point, day.isoformat())
    if point.open_on(day) is not False:
        assert Outcome.NON_COMPLIANT in (found[FLOOR.id], found[FACILITIES.id])
        assert found[FLOOR.id] is not Outcome.MISSING_INPUT


@settings(max_examples=50, deadline=None)
@given(
    registry=consistent_registries(max_children=0, max_workers=0, max_service_points=6),
    day=st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)),
    data=st.data(),
)
def test_property_standards_are_scoped_deterministic_and_cite_values_in_force(
    tmp_path_factory: pytest.TempPathFactory, registry: Registry, day: dt.date, data: st.DataObject
) -> None:
    """Property: findings only within the rule's scope, on the day judged, with evidence in
    force that day; the same audit twice gives the same findings."""
    scope = data.draw(st.sampled_from([r.code for r in registry.reference.divisions]))
    kinds = sorted({p.kind for p in registry.reference.service_points}) or [HOME]
    kind = data.draw(st.sampled_from(kinds))
    rules = [(attrs.evolve(r, service_point_kind=kind), scope) for r in RULES]
    e = Engine([plugin(tmp_path_factory.mktemp("prop") / "p.toml", rules)])
    first = [f for f in pipeline.audit(e, registry, as_of=day) if f.rule.startswith("test.")]
    for f in first:
        assert scope.contains(f.division)
        assert f.day == day
        for ev in f.evidence:
            resolved = e.parameters.find(ev.parameter, f.division, day)
            assert resolved is not None
            assert resolved.evidence == ev
    assert [
        f for f in pipeline.audit(e, registry, as_of=day) if f.rule.startswith("test.")
    ] == first


# -- declarations, checked when the Engine is built -----------------------------------------------


def test_a_rule_naming_an_undeclared_parameter_fails_when_the_engine_is_built(
    tmp_path: Path,
) -> None:
    """An AreaStandard whose minimum no plugin declares is refused when the Engine is built,
    naming the rule, its field and its plugin: never a ParameterError in mid-audit."""
    wrong = attrs.evolve(FLOOR, minimum="test.home.no_such_area")
    with pytest.raises(
        PluginLoadError,
        match=r"^rule 'test\.home\.floor_area' reads parameter 'test\.home\.no_such_area' "
        r"\(its 'minimum'\), which no plugin declares "
        r"\(registered by plugin teststd 0 \(national\)\)$",
    ):
        Engine([plugin(tmp_path / "p.toml", [(wrong, None)])])


def test_a_rule_naming_a_parameter_of_another_unit_fails_when_the_engine_is_built(
    tmp_path: Path,
) -> None:
    """A facility standard reading an area (m2) where it needs choices is refused."""
    wrong = attrs.evolve(FACILITIES, facilities="test.home.floor_area")
    with pytest.raises(PluginLoadError, match=r"it needs 'test\.home\.floor_area' in choices"):
        Engine([plugin(tmp_path / "p.toml", [(wrong, None)])])


def test_a_rule_reads_back_the_parameters_it_declares() -> None:
    """The parameters a rule names, with the units its fields allow, come from its fields."""
    assert [(d.field, d.name, d.units) for d in declared_parameters(FLOOR)] == [
        ("minimum", "test.home.floor_area", (Unit.M2,))
    ]
    assert [(d.field, d.name) for d in declared_parameters(attrs.evolve(FLOOR, required="f"))] == [
        ("required", "f"),
        ("minimum", "test.home.floor_area"),
    ]
    assert declared_parameters(OUTDOOR) == ()


FLAG = """
[parameters."test.home.required"]
unit = "flag"
zh = "儿童之家标准适用"
en = "The children's home standard applies"

[[values]]
parameter = "test.home.required"
effective = 2019-06-11
value = false
citation = "p"

[[values]]
parameter = "test.home.required"
effective = 2021-01-01
value = true
citation = "p"
"""


@pytest.fixture(scope="module")
def flagged(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The floor-area rule with a requirement flag: no value before 2019-06-11, false until
    2021-01-01, true from then on."""
    path = tmp_path_factory.mktemp("flag") / "p.toml"
    rule = attrs.evolve(FLOOR, required="test.home.required")
    return Engine([stub_plugin("teststd", directory=path.parent, toml=TOML + FLAG, rules=[rule])])


@settings(max_examples=60, deadline=None)
@given(day=st.dates(dt.date(2019, 1, 1), dt.date(2030, 12, 31)), area=st.sampled_from(["40", "60"]))
def test_property_the_requirement_flag_is_read_before_the_judgement(
    flagged: Engine, day: dt.date, area: str
) -> None:
    """Property (the base every point-in-time mechanism shares): with no flag value in force
    the finding is missing input naming the flag; while it is false, not applicable with the
    flag as evidence; while it is true, the judgement, with the flag's evidence first."""
    finding = run(flagged, home(floor=area), day.isoformat())[FLOOR.id]
    parameters = [e.parameter for e in finding.evidence]
    if day < dt.date(2019, 6, 11):
        assert finding.outcome is Outcome.MISSING_INPUT
        assert finding.message.en == (
            f"Missing input: no value of test.home.required is in force on {day.isoformat()}, "
            "so whether the requirement applies is unknown"
        )
        assert parameters == []
    elif day < dt.date(2021, 1, 1):
        assert finding.outcome is Outcome.NOT_APPLICABLE
        assert parameters == ["test.home.required"]
    else:
        met = Outcome.COMPLIANT if area == "60" else Outcome.NON_COMPLIANT
        assert finding.outcome is met
        assert parameters == ["test.home.required", "test.home.floor_area"]
    assert finding.day == day
