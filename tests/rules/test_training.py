"""Training rules (POLICY.md §3; seed 002 §4.4): passed before starting, at least N a calendar
year, 2-3 days each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect import (
    Division,
    Engine,
    InvalidValueError,
    Message,
    OrganiserLevel,
    ReferenceData,
    Registry,
    Worker,
    WorkerRole,
    pipeline,
)
from careprotect.findings import Finding, Outcome
from careprotect.model import Training
from careprotect.periods import Period
from careprotect.rules.training import TrainingBeforeStart, TrainingLength, TrainingPerYear
from careprotect.testing import consistent_registries, stub_plugin
from support import citation_table

VILLAGE = Division("433122100201")
ELSEWHERE = Division("430124101201")

TOML = (
    citation_table(
        issuer="湖南省民政厅等",
        document="seed 002",
        title="关于进一步加强村级儿童之家建设和管理工作的通知",
        clause="四(四)",
        date="2019-06-11",
    )
    + """
[parameters."test.training.required"]
unit = "flag"
zh = "先培训后上岗要求是否适用"
en = "Whether directors must pass training before starting"

[parameters."test.training.organisers"]
unit = "choices"
choices = ["national", "province", "prefecture", "county", "township"]
zh = "培训组织层级"
en = "Levels whose trainings count"

[parameters."test.training.per_year"]
unit = "count"
zh = "每年培训次数下限"
en = "Trainings a year, at least"

[parameters."test.training.min_days"]
unit = "days"
zh = "每次培训天数下限"
en = "Days per training, at least"

[parameters."test.training.max_days"]
unit = "days"
zh = "每次培训天数上限"
en = "Days per training, at most"

[[values]]
parameter = "test.training.required"
effective = 2016-01-01
value = false
citation = "p"

[[values]]
parameter = "test.training.required"
effective = 2019-06-11
value = true
citation = "p"

[[values]]
parameter = "test.training.organisers"
effective = 2019-06-11
value = ["county"]
citation = "p"

[[values]]
parameter = "test.training.per_year"
effective = 2019-06-11
value = 1
citation = "p"

[[values]]
parameter = "test.training.per_year"
effective = 2019-06-11
value = 2
scope = "433122"
citation = "p"

[[values]]
parameter = "test.training.min_days"
effective = 2019-06-11
value = 2
citation = "p"

[[values]]
parameter = "test.training.max_days"
effective = 2019-06-11
value = 3
citation = "p"
"""
)

T = Message("t", "t")
BEFORE = TrainingBeforeStart(
    id="test.training.before_start",
    title=Message("先培训后上岗", "Trained before starting"),
    citations=("p",),
    role=WorkerRole.CHILD_DIRECTOR,
    organisers="test.training.organisers",
    required="test.training.required",
)
PER_YEAR = TrainingPerYear(
    id="test.training.per_year",
    title=Message("每年至少培训一次", "Trained at least once a year"),
    citations=("p",),
    role=WorkerRole.CHILD_DIRECTOR,
    per_year="test.training.per_year",
    organisers="test.training.organisers",
)
LENGTH = TrainingLength(
    id="test.training.length",
    title=Message("每次培训2至3天", "Each training lasts 2-3 days"),
    citations=("p",),
    role=WorkerRole.CHILD_DIRECTOR,
    min_days="test.training.min_days",
    max_days="test.training.max_days",
)
RULES = (BEFORE, PER_YEAR, LENGTH)


def plugin(path: Path, rules: Iterable[tuple[Any, Division | None]]) -> object:
    return stub_plugin("testtrain", directory=path.parent, toml=TOML, rules=rules)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    # Overrides conftest's engine: this module's rules come from a throwaway plugin.
    return Engine([plugin(tmp_path_factory.mktemp("t") / "p.toml", [(r, None) for r in RULES])])


def training(
    day: str, days: int = 2, passed: bool | None = True, level: str = "county"
) -> Training:
    return Training(
        date=dt.date.fromisoformat(day),
        organiser_level=OrganiserLevel(level),
        days=days,
        passed=passed,
    )


def director(
    *trainings: Training,
    appointed: str | None = "2020-03-01",
    left: str | None = None,
    division: Division = VILLAGE,
) -> Worker:
    return Worker(
        id="W1",
        name="李芳",
        role=WorkerRole.CHILD_DIRECTOR,
        division=division,
        appointed_on=dt.date.fromisoformat(appointed) if appointed else None,
        left_on=dt.date.fromisoformat(left) if left else None,
        trainings=trainings,
    )


def run(
    e: Engine, w: Worker, rule: str, *, as_of: str | None = None, period: Period | None = None
) -> list[Finding]:
    registry = Registry(reference=ReferenceData(workers=(w,)))
    day = dt.date.fromisoformat(as_of) if as_of else None
    return [f for f in pipeline.audit(e, registry, as_of=day, period=period) if f.rule == rule]


def outcome(e: Engine, w: Worker, rule: str, as_of: str) -> Outcome | None:
    found = run(e, w, rule, as_of=as_of)
    assert len(found) <= 1
    return found[0].outcome if found else None


# -- passed before starting -------------------------------------------------------------------


def test_a_training_passed_on_the_appointment_day_counts(engine: Engine) -> None:
    """Passed on 2020-03-01, appointed 2020-03-01: compliant; the finding's day is the
    appointment day and the evidence is what was in force then."""
    (f,) = run(engine, director(training("2020-03-01")), BEFORE.id, as_of="2021-01-01")
    assert f.outcome is Outcome.COMPLIANT
    assert f.day == dt.date(2020, 3, 1)
    assert [(e.parameter, e.value) for e in f.evidence] == [
        ("test.training.required", True),
        ("test.training.organisers", ("county",)),
    ]
    assert f.facts == ("training on 2020-03-01 by county level, 2 day(s), passed",)


def test_a_training_the_day_after_starting_is_too_late(engine: Engine) -> None:
    """Passed on 2020-03-02, appointed 2020-03-01: non-compliant."""
    w = director(training("2020-03-02"))
    assert outcome(engine, w, BEFORE.id, "2021-01-01") is Outcome.NON_COMPLIANT


@pytest.mark.parametrize(
    ("passed", "level", "expected"),
    [
        (True, "county", Outcome.COMPLIANT),
        (False, "county", Outcome.NON_COMPLIANT),
        (None, "county", Outcome.MISSING_INPUT),
        (True, "prefecture", Outcome.NON_COMPLIANT),
    ],
)
def test_only_a_passed_training_of_a_counting_level_lets_a_director_start(
    engine: Engine, passed: bool | None, level: str, expected: Outcome
) -> None:
    """Failed: non-compliant; result not recorded: missing input; a prefecture training does
    not count where only county trainings do."""
    w = director(training("2020-02-01", passed=passed, level=level))
    assert outcome(engine, w, BEFORE.id, "2021-01-01") is expected


def test_the_start_rule_applies_to_appointments_from_its_effective_date(engine: Engine) -> None:
    """The flag is false from 2016-01-01 and true from 2019-06-11: a director appointed on
    2019-06-10 is not reached (not applicable), one appointed on 2019-06-11 is; before any
    value (2015) the answer is missing input."""
    untrained = {"as_of": "2021-01-01"}
    assert outcome(engine, director(appointed="2019-06-10"), BEFORE.id, **untrained) is (
        Outcome.NOT_APPLICABLE
    )
    assert outcome(engine, director(appointed="2019-06-11"), BEFORE.id, **untrained) is (
        Outcome.NON_COMPLIANT
    )
    assert outcome(engine, director(appointed="2015-12-31"), BEFORE.id, **untrained) is (
        Outcome.MISSING_INPUT
    )


def test_an_unknown_appointment_date_is_missing_input(engine: Engine) -> None:
    """Without an appointment date training-first cannot be judged."""
    (f,) = run(
        engine, director(training("2020-01-01"), appointed=None), BEFORE.id, as_of="2021-01-01"
    )
    assert f.outcome is Outcome.MISSING_INPUT
    assert f.day == dt.date(2021, 1, 1)


def test_a_director_not_in_post_is_not_judged(engine: Engine) -> None:
    """Left on 2020-12-31: nothing on 2021-01-01; not yet appointed: nothing."""
    assert run(engine, director(left="2020-12-31"), BEFORE.id, as_of="2021-01-01") == []
    assert run(engine, director(), BEFORE.id, as_of="2020-02-29") == []


# -- at least N a calendar year ---------------------------------------------------------------


def test_as_of_judges_the_latest_calendar_year_ending_by_then(engine: Engine) -> None:
    """On 2021-12-30 the latest complete year is 2020; on 2021-12-31 it is 2021."""
    w = director(training("2021-05-01"), appointed="2019-07-01", division=ELSEWHERE)
    (f,) = run(engine, w, PER_YEAR.id, as_of="2021-12-30")
    assert (f.period, f.outcome) == (Period.year(2020), Outcome.NON_COMPLIANT)
    assert f.day is None
    (g,) = run(engine, w, PER_YEAR.id, as_of="2021-12-31")
    assert (g.period, g.outcome) == (Period.year(2021), Outcome.COMPLIANT)
    assert g.message.en == "The child director attended 1 training(s) in 2021, at least 1"


def test_a_training_on_new_years_day_belongs_to_the_new_year(engine: Engine) -> None:
    """2020-12-31 counts for 2020; 2021-01-01 does not."""
    late = director(training("2020-12-31"), appointed="2019-07-01", division=ELSEWHERE)
    early = director(training("2021-01-01"), appointed="2019-07-01", division=ELSEWHERE)
    assert outcome(engine, late, PER_YEAR.id, "2021-06-30") is Outcome.COMPLIANT
    assert outcome(engine, early, PER_YEAR.id, "2021-06-30") is Outcome.NON_COMPLIANT


def test_a_county_may_require_more_trainings_a_year(engine: Engine) -> None:
    """Luxi (433122) sets 2 a year: one training is non-compliant there, two comply."""
    one = director(training("2020-05-01"), appointed="2019-07-01")
    two = director(training("2020-05-01"), training("2020-10-01"), appointed="2019-07-01")
    assert outcome(engine, one, PER_YEAR.id, "2021-01-01") is Outcome.NON_COMPLIANT
    (f,) = run(engine, two, PER_YEAR.id, as_of="2021-01-01")
    assert f.outcome is Outcome.COMPLIANT
    assert [(e.parameter, e.value, e.scope) for e in f.evidence] == [
        ("test.training.per_year", 2, "433122"),
        ("test.training.organisers", ("county",), "national"),
    ]


def test_attendance_counts_whatever_the_assessment_result(engine: Engine) -> None:
    """A failed assessment is still a training attended."""
    w = director(training("2020-05-01", passed=False), appointed="2019-07-01", division=ELSEWHERE)
    assert outcome(engine, w, PER_YEAR.id, "2021-01-01") is Outcome.COMPLIANT


def test_only_directors_who_served_the_whole_year_are_judged(engine: Engine) -> None:
    """Appointed 2020-03-01: not judged for 2020, judged for 2021; left during 2021: not
    judged for 2021; appointment date unknown: missing input."""
    w = director(division=ELSEWHERE)
    assert run(engine, w, PER_YEAR.id, as_of="2021-01-01") == []
    assert outcome(engine, w, PER_YEAR.id, "2022-01-01") is Outcome.NON_COMPLIANT
    gone = director(appointed="2019-01-01", left="2021-12-31", division=ELSEWHERE)
    assert run(engine, gone, PER_YEAR.id, as_of="2022-01-01") == []
    unknown = director(appointed=None, division=ELSEWHERE)
    assert outcome(engine, unknown, PER_YEAR.id, "2022-01-01") is Outcome.MISSING_INPUT


def test_no_value_in_force_for_the_year_is_missing_input(engine: Engine) -> None:
    """The per-year value starts on 2019-06-11, after the end of 2018."""
    w = director(appointed="2010-01-01", division=ELSEWHERE)
    (f,) = run(engine, w, PER_YEAR.id, as_of="2019-12-30")
    assert (f.period, f.outcome) == (Period.year(2018), Outcome.MISSING_INPUT)
    assert f.facts == ("no value of test.training.per_year in force on 2018-12-31",)


def test_a_period_audit_judges_each_calendar_year_ending_inside_it(engine: Engine) -> None:
    """A year period: that year. A month judges the year only when the year ends in it
    (December), the convention contact frequency follows, so twelve monthly audits judge
    the year exactly once."""
    w = director(training("2020-05-01"), appointed="2019-07-01", division=ELSEWHERE)
    (f,) = run(engine, w, PER_YEAR.id, period=Period.year(2020))
    assert (f.period, f.outcome) == (Period.year(2020), Outcome.COMPLIANT)
    assert run(engine, w, PER_YEAR.id, period=Period.month(2020, 11)) == []
    (f,) = run(engine, w, PER_YEAR.id, period=Period.month(2020, 12))
    assert f.period == Period.year(2020)
    monthly = [
        g.period
        for m in range(1, 13)
        for g in run(engine, w, PER_YEAR.id, period=Period.month(2020, m))
    ]
    assert monthly == [Period.year(2020)]


# -- length -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (1, Outcome.NON_COMPLIANT),
        (2, Outcome.COMPLIANT),
        (3, Outcome.COMPLIANT),
        (4, Outcome.NON_COMPLIANT),
    ],
)
def test_each_training_lasts_two_to_three_days(
    engine: Engine, days: int, expected: Outcome
) -> None:
    """1 and 4 days fall outside 2-3; 2 and 3 are inside."""
    w = director(training("2020-05-01", days=days))
    assert outcome(engine, w, LENGTH.id, "2021-01-01") is expected


def test_length_message_counts_the_trainings_outside_the_bounds(engine: Engine) -> None:
    """Two trainings, one of 4 days."""
    w = director(training("2020-05-01", days=4), training("2020-09-01", days=3))
    (f,) = run(engine, w, LENGTH.id, as_of="2021-01-01")
    assert f.message.en == "1 training(s) of the child director in 2020 did not last 2 to 3 days"
    assert f.message.zh == "儿童主任2020年有1次培训时长不在2至3天之内"


def test_a_year_without_training_gets_no_length_finding(engine: Engine) -> None:
    """Attendance is the per-year rule's business."""
    assert run(engine, director(training("2019-05-01")), LENGTH.id, as_of="2021-01-01") == []


def test_a_length_rule_needs_a_bound() -> None:
    """Neither min_days nor max_days: refused."""
    with pytest.raises(InvalidValueError, match="must name min_days, max_days or both"):
        TrainingLength(id="x", title=T, citations=("p",), role=WorkerRole.CHILD_DIRECTOR)


def test_before_the_bounds_take_effect_length_is_missing_input(engine: Engine) -> None:
    """2018: no min_days value in force."""
    w = director(training("2018-05-01", days=2))
    assert outcome(engine, w, LENGTH.id, "2019-01-01") is Outcome.MISSING_INPUT


# -- properties -------------------------------------------------------------------------------


def _finding_day(f: Finding) -> dt.date:
    if f.day is not None:
        return f.day
    assert f.period is not None
    return f.period.last_day


@settings(max_examples=50, deadline=None)
@given(
    registry=consistent_registries(max_children=0, max_workers=6, max_service_points=0),
    day=st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)),
    data=st.data(),
)
def test_property_training_findings_are_scoped_deterministic_and_cite_values_in_force(
    tmp_path_factory: pytest.TempPathFactory, registry: Registry, day: dt.date, data: st.DataObject
) -> None:
    """Property: findings only within the rule's scope; each evidence value took effect by
    the finding's day (the appointment day, the day judged, or the year's last day) and is
    the one in force then; the same audit twice gives the same findings."""
    scope = data.draw(st.sampled_from([r.code for r in registry.reference.divisions]))
    roles = sorted({w.role for w in registry.reference.workers}) or [WorkerRole.CHILD_DIRECTOR]
    role = data.draw(st.sampled_from(roles))
    rules = [(attrs.evolve(r, role=role), scope) for r in RULES]
    e = Engine([plugin(tmp_path_factory.mktemp("prop") / "p.toml", rules)])
    first = [f for f in pipeline.audit(e, registry, as_of=day) if f.rule.startswith("test.")]
    for f in first:
        assert scope.contains(f.division)
        on = _finding_day(f)
        assert on <= day
        for ev in f.evidence:
            resolved = e.parameters.find(ev.parameter, f.division, on)
            assert resolved is not None
            assert resolved.evidence == ev
    again = [f for f in pipeline.audit(e, registry, as_of=day) if f.rule.startswith("test.")]
    assert again == first
