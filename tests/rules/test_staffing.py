"""Staffing rules (POLICY.md §3): who must be in post, and who may hold a role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import (
    Division,
    DivisionRecord,
    Engine,
    InvalidValueError,
    Level,
    Message,
    Post,
    ReferenceData,
    Registry,
    ServicePoint,
    ServicePointKind,
    Sex,
    Worker,
    WorkerRole,
    pipeline,
)
from careprotect.findings import Finding, Outcome
from careprotect.national.rules import STAFFING_RULES
from careprotect.rules.staffing import (
    PostCoverage,
    PostEligibility,
    Qualification,
    ServicePointDirectorEligibility,
)
from careprotect.testing import consistent_registries, stub_plugin, workers
from support import citation_table

COUNTY = Division("433122")
TOWNSHIP = Division("433122100")
VILLAGE = Division("433122100201")
OTHER_VILLAGE = Division("433122100202")

CITE = citation_table(
    issuer="湖南省民政厅等",
    document="seed 002",
    title="关于进一步加强村级儿童之家建设和管理工作的通知",
    date="2019-06-11",
)
FLAG = """
[parameters."test.staffing.required"]
unit = "flag"
zh = "配备要求是否适用"
en = "Whether the staffing requirement applies"
"""


def plugin(
    path: Path, toml: str, rules: Iterable[tuple[Any, Division | None]], scope: str | None = "43"
) -> object:
    return stub_plugin("teststaff", scope, directory=path.parent, toml=CITE + toml, rules=rules)


def engine(tmp_path: Path, *rules: Any, toml: str = "", scope: str | None = "43") -> Engine:
    """An engine of a throwaway plugin with ``rules`` (a helper each test calls with its own
    rules, not a fixture: conftest's ``engine`` is not used here)."""
    return Engine([plugin(tmp_path / "p.toml", toml, [(r, None) for r in rules], scope)])


def worker(
    wid: str = "W1",
    role: WorkerRole = WorkerRole.CHILD_DIRECTOR,
    division: Division = VILLAGE,
    appointed: str | None = "2019-01-01",
    left: str | None = None,
    **kw: Any,
) -> Worker:
    return Worker(
        id=wid,
        name="李芳",
        role=role,
        division=division,
        appointed_on=dt.date.fromisoformat(appointed) if appointed else None,
        left_on=dt.date.fromisoformat(left) if left else None,
        **kw,
    )


def reference(
    *, divisions: Sequence[Division] = (VILLAGE,), staff: Sequence[Worker] = (), **kw: Any
) -> ReferenceData:
    return ReferenceData(
        divisions=tuple(DivisionRecord(code=d, name="某地") for d in divisions),
        workers=tuple(staff),
        **kw,
    )


def run(e: Engine, ref: ReferenceData, day: str, prefix: str = "test.") -> list[Finding]:
    """The findings of the rules whose id starts with ``prefix`` (by default this module's
    own, leaving out any national rule)."""
    found = pipeline.audit(e, Registry(reference=ref), as_of=dt.date.fromisoformat(day))
    return [f for f in found if f.rule.startswith(prefix)]


def by_subject(findings: Iterable[Finding], rule: str) -> dict[str, Outcome]:
    return {f.subject.id: f.outcome for f in findings if f.rule == rule}


DIRECTORS = PostCoverage(
    id="test.director_per_village",
    title=Message("每村一名儿童主任", "A child director per village"),
    citations=("p",),
    role=WorkerRole.CHILD_DIRECTOR,
    level=Level.VILLAGE,
)


# -- PostCoverage -----------------------------------------------------------------------------


def test_a_village_with_a_director_in_post_is_compliant_from_the_appointment_day(
    tmp_path: Path,
) -> None:
    """Appointed 2019-01-01: non-compliant on 2018-12-31, compliant on 2019-01-01."""
    e = engine(tmp_path, DIRECTORS)
    ref = reference(staff=[worker()])
    assert by_subject(run(e, ref, "2018-12-31"), DIRECTORS.id) == {
        str(VILLAGE): Outcome.NON_COMPLIANT
    }
    found = run(e, ref, "2019-01-01")
    assert by_subject(found, DIRECTORS.id) == {str(VILLAGE): Outcome.COMPLIANT}
    (finding,) = found
    assert finding.day == dt.date(2019, 1, 1)
    assert finding.facts == ("child_director W1 in post since 2019-01-01",)
    assert finding.message.en == "433122100201 has a child director in post on 2019-01-01"


def test_the_day_a_director_leaves_the_village_is_uncovered(tmp_path: Path) -> None:
    """left_on is the first day out of post."""
    e = engine(tmp_path, DIRECTORS)
    ref = reference(staff=[worker(left="2021-03-01")])
    assert by_subject(run(e, ref, "2021-02-28"), DIRECTORS.id) == {str(VILLAGE): Outcome.COMPLIANT}
    assert by_subject(run(e, ref, "2021-03-01"), DIRECTORS.id) == {
        str(VILLAGE): Outcome.NON_COMPLIANT
    }


def test_an_unknown_appointment_date_is_missing_input_unless_someone_is_certainly_in_post(
    tmp_path: Path,
) -> None:
    """A director whose appointment date is unknown might be in post: missing input; with a
    second director certainly in post, compliant."""
    e = engine(tmp_path, DIRECTORS)
    unsure = worker(appointed=None)
    assert by_subject(run(e, reference(staff=[unsure]), "2020-01-01"), DIRECTORS.id) == {
        str(VILLAGE): Outcome.MISSING_INPUT
    }
    both = reference(staff=[unsure, worker("W2")])
    assert by_subject(run(e, both, "2020-01-01"), DIRECTORS.id) == {str(VILLAGE): Outcome.COMPLIANT}


def test_only_workers_of_the_role_recorded_in_that_village_count(tmp_path: Path) -> None:
    """A director of the next village, or a supervisor of the village, does not cover it."""
    e = engine(tmp_path, DIRECTORS)
    ref = reference(
        divisions=(VILLAGE, OTHER_VILLAGE),
        staff=[worker(division=OTHER_VILLAGE), worker("W2", role=WorkerRole.CHILD_SUPERVISOR)],
    )
    assert by_subject(run(e, ref, "2020-01-01"), DIRECTORS.id) == {
        str(VILLAGE): Outcome.NON_COMPLIANT,
        str(OTHER_VILLAGE): Outcome.COMPLIANT,
    }


def test_divisions_of_other_levels_get_no_finding(tmp_path: Path) -> None:
    """A village rule says nothing about a listed county or township."""
    e = engine(tmp_path, DIRECTORS)
    ref = reference(divisions=(COUNTY, TOWNSHIP), staff=[worker()])
    assert run(e, ref, "2020-01-01") == []


GATED = attrs.evolve(DIRECTORS, required="test.staffing.required")


def test_the_requirement_flag_decides_from_its_effective_date(tmp_path: Path) -> None:
    """No value before 2019-06-11: missing input; false until 2020-12-31: not applicable
    (with the flag as evidence); true from 2021-01-01: judged."""
    toml = (
        FLAG
        + """
[[values]]
parameter = "test.staffing.required"
effective = 2019-06-11
value = false
citation = "p"

[[values]]
parameter = "test.staffing.required"
effective = 2021-01-01
value = true
citation = "p"
"""
    )
    e = engine(tmp_path, GATED, toml=toml)
    ref = reference()
    assert by_subject(run(e, ref, "2019-06-10"), GATED.id) == {str(VILLAGE): Outcome.MISSING_INPUT}
    (off,) = run(e, ref, "2020-12-31")
    assert off.outcome is Outcome.NOT_APPLICABLE
    assert [(ev.parameter, ev.value, ev.effective) for ev in off.evidence] == [
        ("test.staffing.required", False, dt.date(2019, 6, 11))
    ]
    (on,) = run(e, ref, "2021-01-01")
    assert on.outcome is Outcome.NON_COMPLIANT
    assert [(ev.parameter, ev.value, ev.plugin) for ev in on.evidence] == [
        ("test.staffing.required", True, "teststaff")
    ]


def test_supervisors_per_township(tmp_path: Path) -> None:
    """The same mechanism at township level for supervisors."""
    rule = PostCoverage(
        id="test.supervisor_per_township",
        title=Message("每乡镇一名儿童督导员", "A child supervisor per township"),
        citations=("p",),
        role=WorkerRole.CHILD_SUPERVISOR,
        level=Level.TOWNSHIP,
    )
    e = engine(tmp_path, rule)
    ref = reference(
        divisions=(TOWNSHIP, VILLAGE),
        staff=[worker(role=WorkerRole.CHILD_SUPERVISOR, division=TOWNSHIP)],
    )
    assert by_subject(run(e, ref, "2020-01-01"), rule.id) == {str(TOWNSHIP): Outcome.COMPLIANT}


# -- PostEligibility --------------------------------------------------------------------------

# Hunan (seed 002 §4.1): a supervisor is a female member of the township's leadership, or the
# township's women's-federation chair.
SUPERVISOR_ELIGIBLE = PostEligibility(
    id="test.supervisor_eligibility",
    title=Message("儿童督导员人选", "Who may be a child supervisor"),
    citations=("p",),
    role=WorkerRole.CHILD_SUPERVISOR,
    qualifications=(
        Qualification(posts=frozenset({Post.TOWNSHIP_LEADERSHIP}), sex=Sex.FEMALE),
        Qualification(posts=frozenset({Post.WOMENS_FEDERATION_CHAIR})),
    ),
    binding=True,
)
# Hunan: a director is preferably a female village committee member (women's-federation
# chair) or the livelihood assistant: advice.
DIRECTOR_PREFERRED = PostEligibility(
    id="test.director_preferred",
    title=Message("儿童主任人选", "Who should preferably be a child director"),
    citations=("p",),
    role=WorkerRole.CHILD_DIRECTOR,
    qualifications=(
        Qualification(
            posts=frozenset({Post.VILLAGE_COMMITTEE_MEMBER, Post.WOMENS_FEDERATION_CHAIR}),
            sex=Sex.FEMALE,
        ),
        Qualification(posts=frozenset({Post.LIVELIHOOD_ASSISTANT})),
    ),
    binding=False,
)


def supervisor(posts: set[Post], sex: Sex | None, wid: str = "W1") -> Worker:
    return worker(
        wid, role=WorkerRole.CHILD_SUPERVISOR, division=TOWNSHIP, posts=frozenset(posts), sex=sex
    )


@pytest.mark.parametrize(
    ("posts", "sex", "expected"),
    [
        ({Post.TOWNSHIP_LEADERSHIP}, Sex.FEMALE, Outcome.COMPLIANT),
        ({Post.TOWNSHIP_LEADERSHIP}, Sex.MALE, Outcome.NON_COMPLIANT),
        ({Post.WOMENS_FEDERATION_CHAIR}, Sex.MALE, Outcome.COMPLIANT),
        ({Post.WOMENS_FEDERATION_CHAIR}, None, Outcome.COMPLIANT),
        ({Post.TOWNSHIP_LEADERSHIP}, None, Outcome.MISSING_INPUT),
        (set(), None, Outcome.NON_COMPLIANT),
        ({Post.VILLAGE_COMMITTEE_MEMBER}, Sex.FEMALE, Outcome.NON_COMPLIANT),
    ],
)
def test_binding_eligibility_of_supervisors(
    tmp_path: Path, posts: set[Post], sex: Sex | None, expected: Outcome
) -> None:
    """One of the qualifications must be met; an unrecorded sex is missing input only where
    it decides."""
    e = engine(tmp_path, SUPERVISOR_ELIGIBLE)
    found = run(e, reference(divisions=(), staff=[supervisor(posts, sex)]), "2020-01-01")
    assert by_subject(found, SUPERVISOR_ELIGIBLE.id) == {"W1": expected}


@pytest.mark.parametrize(
    ("posts", "sex", "expected"),
    [
        ({Post.VILLAGE_COMMITTEE_MEMBER}, Sex.FEMALE, Outcome.COMPLIANT),
        ({Post.VILLAGE_COMMITTEE_MEMBER}, Sex.MALE, Outcome.ADVISORY),
        ({Post.LIVELIHOOD_ASSISTANT}, Sex.MALE, Outcome.COMPLIANT),
        (set(), Sex.FEMALE, Outcome.ADVISORY),
        ({Post.WOMENS_FEDERATION_CHAIR}, None, Outcome.MISSING_INPUT),
    ],
)
def test_a_preference_gives_advice_not_a_violation(
    tmp_path: Path, posts: set[Post], sex: Sex | None, expected: Outcome
) -> None:
    """Not binding: an unmet preference is advisory, never non-compliant."""
    e = engine(tmp_path, DIRECTOR_PREFERRED)
    w = worker(posts=frozenset(posts), sex=sex)
    found = run(e, reference(divisions=(), staff=[w]), "2020-01-01")
    assert by_subject(found, DIRECTOR_PREFERRED.id) == {"W1": expected}


def test_advice_message_names_the_preference(tmp_path: Path) -> None:
    """The advisory message says what is preferred, in both languages."""
    e = engine(tmp_path, DIRECTOR_PREFERRED)
    (f,) = run(e, reference(divisions=(), staff=[worker(sex=Sex.MALE)]), "2020-01-01")
    assert f.message.en == (
        "Advice: the child director should preferably be female village committee member or "
        "women's federation chair; or livelihood assistant"
    )
    assert f.message.zh == "建议：儿童主任宜由女性村（居）民委员会委员或妇联主席；或民生协理员担任"
    assert f.facts == ("child_director W1: posts none recorded; sex male",)


def test_workers_not_in_post_or_of_other_roles_get_no_eligibility_finding(
    tmp_path: Path,
) -> None:
    """A supervisor who has left, or one not yet appointed, and a director are not judged."""
    e = engine(tmp_path, SUPERVISOR_ELIGIBLE)
    staff = [
        attrs.evolve(supervisor(set(), Sex.MALE, "W1"), left_on=dt.date(2019, 6, 1)),
        attrs.evolve(supervisor(set(), Sex.MALE, "W2"), appointed_on=dt.date(2021, 1, 1)),
        worker("W3"),
    ]
    assert run(e, reference(divisions=(), staff=staff), "2020-01-01") == []


def test_a_qualification_needs_posts_or_a_sex() -> None:
    """An empty qualification would admit anyone: refused."""
    with pytest.raises(InvalidValueError, match="must name posts, a sex or both"):
        Qualification()
    with pytest.raises(InvalidValueError, match="non-empty tuple"):
        PostEligibility(
            id="x",
            title=Message("x", "x"),
            citations=("p",),
            role=WorkerRole.CHILD_DIRECTOR,
            qualifications=(),
            binding=True,
        )


# -- ServicePointDirectorEligibility --------------------------------------------------------

SCHOOL_HOME_DIRECTOR = ServicePointDirectorEligibility(
    id="test.school_home_director",
    title=Message(
        "设在学校的儿童之家由学校领导班子成员担任儿童主任",
        "A children's home in a school is directed by a member of the school's leadership",
    ),
    citations=("p",),
    service_point_kind=ServicePointKind.CHILDRENS_HOME,
    qualifications=(Qualification(posts=frozenset({Post.SCHOOL_LEADERSHIP})),),
    binding=True,
)


def home(pid: str = "P1", *, in_school: bool = True, director: str | None = "W1") -> ServicePoint:
    return ServicePoint(
        id=pid,
        kind=ServicePointKind.CHILDRENS_HOME,
        name="青山儿童之家",
        division=VILLAGE,
        in_school=in_school,
        opened_on=dt.date(2019, 1, 1),
        director=director,
    )


def test_a_home_in_a_school_is_directed_by_school_leadership(tmp_path: Path) -> None:
    """Hunan §4.1: compliant with a school leader as director, non-compliant otherwise; a
    home not in a school is not judged by this rule."""
    e = engine(tmp_path, SCHOOL_HOME_DIRECTOR)
    leader = worker("W1", posts=frozenset({Post.SCHOOL_LEADERSHIP}))
    other = worker("W2", posts=frozenset({Post.VILLAGE_COMMITTEE_MEMBER}))
    ref = reference(
        divisions=(),
        staff=[leader, other],
        service_points=(
            home("P1", director="W1"),
            home("P2", director="W2"),
            home("P3", in_school=False, director="W2"),
        ),
    )
    assert by_subject(run(e, ref, "2020-01-01"), SCHOOL_HOME_DIRECTOR.id) == {
        "P1": Outcome.COMPLIANT,
        "P2": Outcome.NON_COMPLIANT,
    }


def test_a_missing_or_unknown_director_is_missing_input(tmp_path: Path) -> None:
    """No director recorded, or a director id not among the workers: missing input."""
    e = engine(tmp_path, SCHOOL_HOME_DIRECTOR)
    ref = reference(
        divisions=(), service_points=(home("P1", director=None), home("P2", director="W9"))
    )
    found = run(e, ref, "2020-01-01")
    assert by_subject(found, SCHOOL_HOME_DIRECTOR.id) == {
        "P1": Outcome.MISSING_INPUT,
        "P2": Outcome.MISSING_INPUT,
    }
    assert found[1].message.en == (
        "Missing input: the director W9 of P2 is not among the registry's workers"
    )


def test_a_home_not_yet_open_is_not_judged(tmp_path: Path) -> None:
    """Opened 2019-01-01: no finding on 2018-12-31."""
    e = engine(tmp_path, SCHOOL_HOME_DIRECTOR)
    ref = reference(divisions=(), service_points=(home(director=None),))
    assert run(e, ref, "2018-12-31") == []


# -- the national rules -----------------------------------------------------------------------


def test_national_rules_have_stable_ids_and_cite_mf_2019_34() -> None:
    """The rule ids reports refer to, each cited to 民发〔2019〕34号."""
    assert [r.id for r in STAFFING_RULES] == [
        "staffing.child_director.per_village",
        "staffing.child_supervisor.per_township",
        "staffing.child_director.appointed_from",
        "staffing.child_director.women_preferred",
    ]
    assert {c for r in STAFFING_RULES for c in r.citations} == {"mf-2019-34"}


def test_national_coverage_applies_from_2019_04_30(tmp_path: Path) -> None:
    """Before 民发〔2019〕34号 no flag value is in force: missing input; from its date the
    village and the township are judged."""
    e = Engine()
    ref = reference(
        divisions=(TOWNSHIP, VILLAGE),
        staff=[worker(appointed="2018-01-01", sex=Sex.FEMALE)],
    )
    before = run(e, ref, "2019-04-29", "staffing.")
    assert by_subject(before, "staffing.child_director.per_village") == {
        str(VILLAGE): Outcome.MISSING_INPUT
    }
    assert by_subject(before, "staffing.child_supervisor.per_township") == {
        str(TOWNSHIP): Outcome.MISSING_INPUT
    }
    after = run(e, ref, "2019-04-30", "staffing.")
    assert by_subject(after, "staffing.child_director.per_village") == {
        str(VILLAGE): Outcome.COMPLIANT
    }
    assert by_subject(after, "staffing.child_supervisor.per_township") == {
        str(TOWNSHIP): Outcome.NON_COMPLIANT
    }
    coverage = next(f for f in after if f.rule == "staffing.child_director.per_village")
    assert [
        (ev.parameter, ev.value, ev.effective, ev.scope, ev.plugin) for ev in coverage.evidence
    ] == [("staffing.child_director.required", True, dt.date(2019, 4, 30), "national", "national")]
    assert [c.document for c in coverage.citations] == ["民发〔2019〕34号"]


def test_national_appointment_preferences_are_advice(tmp_path: Path) -> None:
    """A male director holding no committee post gets two pieces of advice, no violation; a
    female village committee member meets both preferences."""
    e = Engine()
    man = worker("W1", sex=Sex.MALE)
    woman = worker("W2", sex=Sex.FEMALE, posts=frozenset({Post.VILLAGE_COMMITTEE_MEMBER}))
    found = run(e, reference(divisions=(), staff=[man, woman]), "2020-01-01", "staffing.")
    assert by_subject(found, "staffing.child_director.appointed_from") == {
        "W1": Outcome.ADVISORY,
        "W2": Outcome.COMPLIANT,
    }
    assert by_subject(found, "staffing.child_director.women_preferred") == {
        "W1": Outcome.ADVISORY,
        "W2": Outcome.COMPLIANT,
    }


# -- properties -------------------------------------------------------------------------------

PROPERTY_RULES = tuple(
    attrs.evolve(r, required="test.staffing.required")
    for r in (
        attrs.evolve(DIRECTORS, level=Level.COUNTY, role=WorkerRole.COUNSELLOR),
        SUPERVISOR_ELIGIBLE,
        DIRECTOR_PREFERRED,
        attrs.evolve(SCHOOL_HOME_DIRECTOR, in_school=None),
    )
)
PROPERTY_TOML = (
    FLAG
    + """
[[values]]
parameter = "test.staffing.required"
effective = 2005-01-01
value = false
citation = "p"

[[values]]
parameter = "test.staffing.required"
effective = 2019-06-11
value = true
citation = "p"
"""
)
DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registry=consistent_registries(max_children=0, max_workers=6), day=DAYS, data=st.data())
def test_property_scoped_rules_stay_in_scope_and_cite_values_in_force(
    tmp_path_factory: pytest.TempPathFactory, registry: Registry, day: dt.date, data: st.DataObject
) -> None:
    """Property: a rule registered for a division gives findings only within it; every
    evidence value is in force on the finding's day; two runs give the same findings."""
    listed = [r.code for r in registry.reference.divisions]
    scope = data.draw(st.sampled_from(listed))
    path = tmp_path_factory.mktemp("prop") / "p.toml"
    e = Engine([plugin(path, PROPERTY_TOML, [(r, scope) for r in PROPERTY_RULES], scope=None)])
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


@settings(max_examples=60, deadline=None)
@given(
    staff=st.lists(workers(TOWNSHIP), max_size=4, unique_by=lambda w: w.id),
    extra=workers(TOWNSHIP, WorkerRole.CHILD_DIRECTOR, worker_id="WX"),
    day=DAYS,
)
def test_property_adding_a_worker_never_breaks_coverage(
    tmp_path_factory: pytest.TempPathFactory, staff: list[Worker], extra: Worker, day: dt.date
) -> None:
    """Property: adding a worker never lowers a PostCoverage outcome (non-compliant <
    missing input < compliant)."""
    staff = [w for w in staff if w.id != "WX"]
    villages = sorted({w.division for w in (*staff, extra) if w.division.level is Level.VILLAGE})
    e = _coverage_engine(tmp_path_factory)
    rank = {Outcome.NON_COMPLIANT: 0, Outcome.MISSING_INPUT: 1, Outcome.COMPLIANT: 2}
    before = by_subject(run(e, reference(divisions=villages, staff=staff), str(day)), DIRECTORS.id)
    after = by_subject(
        run(e, reference(divisions=villages, staff=[*staff, extra]), str(day)), DIRECTORS.id
    )
    assert before.keys() == after.keys()
    for key, outcome in before.items():
        assert rank[after[key]] >= rank[outcome]


_ENGINES: dict[str, Engine] = {}


def _coverage_engine(factory: pytest.TempPathFactory) -> Engine:
    if "coverage" not in _ENGINES:
        _ENGINES["coverage"] = engine(factory.mktemp("cov"), DIRECTORS)
    return _ENGINES["coverage"]
