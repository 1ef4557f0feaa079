"""ContactFrequency: contacts per period with the children of a list (POLICY.md §4)."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import (
    Child,
    Contact,
    ContactMode,
    Division,
    Engine,
    InvalidValueError,
    Message,
    Outcome,
    Pairing,
    ParentSituationKind,
    Period,
    PeriodKind,
    ReferenceData,
    Registry,
    Topic,
    Worker,
    WorkerRole,
    pipeline,
)
from careprotect.errors import PluginLoadError
from careprotect.findings import Finding
from careprotect.rules.base import RuleContext
from careprotect.rules.common import judged_periods, periods_judged
from careprotect.rules.contact import required_share
from careprotect.testing import contacts, stub_plugin
from support import (
    CHIBI_VILLAGE,
    SAMPLE,
    WEEKLY,
    XIANNING_PARAMETERS,
    YEARLY,
    left_behind,
    monthly,
    xianning,
)

K = ParentSituationKind
M = ContactMode
XIANAN_VILLAGE = Division("421202100201")
LUXI_VILLAGE = Division("433122100201")
PARAMETERS = XIANNING_PARAMETERS


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    # Overrides conftest's engine: this module's rules come from a throwaway plugin.
    return Engine([xianning(tmp_path, [monthly(), WEEKLY, YEARLY])])


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def audit(
    engine: Engine,
    children: Sequence[Child],
    rule: str = "test.xianning.contact",
    reference: ReferenceData = SAMPLE.reference,
    **when: Any,
) -> list[Finding]:
    if not when:
        when = {"period": Period.month(2020, 6)}
    registry = Registry(reference=reference, children=tuple(children))
    return [f for f in pipeline.audit(engine, registry, **when) if f.rule == rule]


def outcomes(findings: Iterable[Finding]) -> list[tuple[str, str, str]]:
    return [(f.subject.id, str(f.period), f.outcome.value) for f in findings]


# -- counting ------------------------------------------------------------------------------


def test_one_contact_short_is_non_compliant_and_exactly_enough_is_compliant(
    engine: Engine,
) -> None:
    """Two contacts a month: one is non-compliant, two are compliant; the message states the
    counted and required numbers and the period; the evidence is the parameter used."""
    (short,) = audit(engine, [left_behind(("2020-06-03", M.HOME_VISIT))])
    assert short.outcome is Outcome.NON_COMPLIANT
    assert short.message == Message(
        "2020-06：计入联系 1 次，少于应有的 2 次",
        "2020-06: 1 contact(s) counted, fewer than the 2 required",
    )
    (enough,) = audit(engine, [left_behind(("2020-06-03", M.HOME_VISIT), ("2020-06-19", M.PHONE))])
    assert enough.outcome is Outcome.COMPLIANT
    assert enough.message.en == "2020-06: 2 contact(s) counted, 2 required"
    assert enough.period == Period.month(2020, 6)
    assert enough.facts == (
        "left_behind 2020-06-01..2020-06-30",
        "required: 2 x 30/30 days, rounded half up = 2",
        "2 contacts counted: 2020-06-03 home_visit, 2020-06-19 phone",
    )
    assert [(e.parameter, e.value, e.scope, e.plugin) for e in enough.evidence] == [
        ("xianning.contact.min_count", 2, "4212", "xn")
    ]
    assert [c.key for c in enough.citations] == ["xn"]


def test_the_first_and_last_day_of_a_month_count_and_the_next_day_does_not(
    engine: Engine,
) -> None:
    """Contacts on 1 and 30 June count for June; one on 1 July does not."""
    c = left_behind(("2020-06-01", M.PHONE), ("2020-06-30", M.PHONE), ("2020-07-01", M.PHONE))
    (june,) = audit(engine, [c])
    assert june.outcome is Outcome.COMPLIANT
    (may,) = audit(engine, [c], period=Period.month(2020, 5))
    assert may.outcome is Outcome.NON_COMPLIANT
    assert "0 contacts counted" in may.facts


def test_the_first_and_last_day_of_an_iso_week_count(engine: Engine) -> None:
    """Weekly rule: Monday 2020-06-01 and Sunday 2020-06-14 fall in weeks 23 and 24."""
    c = left_behind(("2020-06-01", M.PHONE), ("2020-06-14", M.VIDEO))
    findings = audit(engine, [c], rule="test.chibi.follow_up")
    assert outcomes(findings) == [
        ("C1", "2020-W23", "compliant"),
        ("C1", "2020-W24", "compliant"),
        ("C1", "2020-W25", "non_compliant"),
        ("C1", "2020-W26", "non_compliant"),
    ]


def test_a_child_entering_the_list_mid_month_owes_a_pro_rata_share(engine: Engine) -> None:
    """Parents away from 2020-06-16: on the list 15 of 30 days, so 2 x 15/30 = 1 contact;
    a contact before the 16th does not count."""
    c = left_behind(("2020-06-10", M.PHONE), ("2020-06-20", M.PHONE), since="2020-06-16")
    (finding,) = audit(engine, [c])
    assert finding.outcome is Outcome.COMPLIANT
    assert finding.message.en == "2020-06: 1 contact(s) counted, 1 required"
    assert finding.facts == (
        "left_behind 2020-06-16..2020-06-30",
        "required: 2 x 15/30 days, rounded half up = 1",
        "1 contact counted: 2020-06-20 phone",
        "not counted: 2020-06-10 phone (not on the list that day)",
    )


def test_a_few_days_on_the_list_require_no_contact(engine: Engine) -> None:
    """On the list from 2020-06-25 (6 of 30 days): 2 x 6/30 = 0.4 rounds to 0, reported as
    not applicable; from 2020-06-23 (8 days) 0.53 rounds to 1."""
    (few,) = audit(engine, [left_behind(since="2020-06-25")])
    assert few.outcome is Outcome.NOT_APPLICABLE
    assert few.message.en == (
        "2020-06: on the list 6 of 30 days; the pro-rata share rounds to no contact"
    )
    (more,) = audit(engine, [left_behind(since="2020-06-23")])
    assert more.outcome is Outcome.NON_COMPLIANT


def test_required_share_rounds_half_up() -> None:
    """The pro-rata share in exact arithmetic: halves round up, a whole period is N."""
    assert [required_share(2, d, 30) for d in (0, 7, 8, 15, 22, 23, 30)] == [0, 0, 1, 1, 1, 2, 2]
    assert required_share(1, 183, 366) == 1
    assert required_share(1, 182, 365) == 0
    with pytest.raises(InvalidValueError):
        required_share(2, 31, 30)


def test_modes_that_do_not_count(engine: Engine) -> None:
    """A video call does not count for a phone-or-visit rule, and the finding says why."""
    c = left_behind(("2020-06-03", M.HOME_VISIT), ("2020-06-19", M.VIDEO))
    (finding,) = audit(engine, [c])
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert "not counted: 2020-06-19 video (mode does not count)" in finding.facts


def test_contacts_on_one_day_count_once(engine: Engine) -> None:
    """A phone call and a visit on the same day are one contact occasion."""
    c = left_behind(("2020-06-03", M.HOME_VISIT), ("2020-06-03", M.PHONE))
    (finding,) = audit(engine, [c])
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert "not counted: 2020-06-03 phone (same day as a counted contact)" in finding.facts


def test_each_counted_contact_must_record_every_topic(tmp_path: Path) -> None:
    """With the topics parameter, a contact counts only if its record covers all four
    Xianning topics; the parameter is part of the evidence."""
    engine = Engine([xianning(tmp_path, [monthly(topics="xianning.contact.topics")])])
    all_four = frozenset({Topic.STUDY, Topic.SCHOOLING, Topic.DAILY_LIFE, Topic.MENTAL_HEALTH})
    full = Contact(date=day("2020-06-03"), worker="W-CB-D1", mode=M.HOME_VISIT, topics=all_four)
    partial = Contact(
        date=day("2020-06-19"), worker="W-CB-D1", mode=M.PHONE, topics=frozenset({Topic.STUDY})
    )
    (finding,) = audit(engine, [left_behind(full, partial)])
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert (
        "not counted: 2020-06-19 phone (record lacks daily_life, mental_health, schooling)"
        in finding.facts
    )
    assert [e.parameter for e in finding.evidence] == [
        "xianning.contact.min_count",
        "xianning.contact.topics",
    ]
    other = attrs.evolve(partial, topics=all_four | {Topic.SAFETY})
    (finding,) = audit(engine, [left_behind(full, other)])
    assert finding.outcome is Outcome.COMPLIANT


def test_roles_limit_who_counts_and_an_unknown_worker_is_missing_input(tmp_path: Path) -> None:
    """Only child directors' contacts count: a volunteer's does not; a worker missing from
    the reference data makes the answer missing input when the contact would decide it."""
    engine = Engine([xianning(tmp_path, [monthly(roles=(WorkerRole.CHILD_DIRECTOR,))])])
    volunteer = Worker(
        id="V1", name="志愿者", role=WorkerRole.VOLUNTEER, division=Division("421281")
    )
    reference = attrs.evolve(SAMPLE.reference, workers=(*SAMPLE.reference.workers, volunteer))
    by = Contact(date=day("2020-06-19"), worker="V1", mode=M.PHONE)
    (finding,) = audit(engine, [left_behind(("2020-06-03", M.PHONE), by)], reference=reference)
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert (
        "not counted: 2020-06-19 phone (by a volunteer, a role that does not count)"
        in finding.facts
    )
    unknown = attrs.evolve(by, worker="W-NOBODY")
    (finding,) = audit(engine, [left_behind(("2020-06-03", M.PHONE), unknown)])
    assert finding.outcome is Outcome.MISSING_INPUT
    assert finding.message.en.endswith(
        "1 more by workers not in the reference data could decide it"
    )
    (finding,) = audit(engine, [left_behind(unknown)])
    assert finding.outcome is Outcome.NON_COMPLIANT


def test_own_village_counts_only_the_child_s_village_workers(tmp_path: Path) -> None:
    """With ``own_village``, the director of the next village does not count for a child of
    this one (the fact says whose village), the child's own director does, and a worker
    missing from the reference data leaves the count uncertain."""
    rule = monthly(roles=(WorkerRole.CHILD_DIRECTOR,), own_village=True)
    engine = Engine([xianning(tmp_path, [rule])])
    own = ("2020-06-03", M.PHONE)  # by W-CB-D1, director of the child's village
    neighbour = Contact(date=day("2020-06-19"), worker="W-CB-D2", mode=M.PHONE)
    (finding,) = audit(engine, [left_behind(own, neighbour)])
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert (
        "not counted: 2020-06-19 phone (by a worker of 421281101202, not of the child's "
        "village)" in finding.facts
    )
    again = Contact(date=day("2020-06-19"), worker="W-CB-D1", mode=M.PHONE)
    (finding,) = audit(engine, [left_behind(own, again)])
    assert finding.outcome is Outcome.COMPLIANT
    unknown = attrs.evolve(neighbour, worker="W-NOBODY")
    (finding,) = audit(engine, [left_behind(own, unknown)])
    assert finding.outcome is Outcome.MISSING_INPUT
    (tmp_path / "any").mkdir()
    (anyone,) = audit(
        Engine([xianning(tmp_path / "any", [monthly()])]), [left_behind(own, neighbour)]
    )
    assert anyone.outcome is Outcome.COMPLIANT


@given(st.booleans(), st.sampled_from(["W-CB-D1", "W-CB-D2"]))
@settings(max_examples=8, deadline=None)
def test_own_village_never_counts_more_than_without_it(own: bool, worker: str) -> None:
    """Restricting who counts never raises the count: ``own_village`` counts a subset."""
    import tempfile

    c = left_behind(Contact(date=day("2020-06-03"), worker=worker, mode=M.PHONE))
    counts = []
    for flag in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            engine = Engine([xianning(Path(tmp), [monthly(own_village=flag and own)])])
            (finding,) = audit(engine, [c])
        found = 0 if finding.measure is None else finding.measure.found
        assert isinstance(found, int)
        counts.append(found)
    assert counts[1] <= counts[0]


# -- the sample registry and plugin-like rules -------------------------------------------------


def test_sample_registry_under_a_xianning_like_rule(engine: Engine) -> None:
    """In the sample, only 刘小宇 (Chibi, father away, mother seriously ill) is left-behind in
    Xianning: three contacts in June 2020. Hunan's left-behind child is outside the scope."""
    findings = list(pipeline.audit(engine, SAMPLE, period=Period.month(2020, 6)))
    mine = [f for f in findings if f.rule == "test.xianning.contact"]
    assert outcomes(mine) == [("C-CB-001", "2020-06", "compliant")]
    assert mine[0].subject.name == "刘**"
    assert mine[0].facts[-1] == (
        "3 contacts counted: 2020-06-02 phone, 2020-06-09 phone, 2020-06-16 home_visit"
    )


def test_a_chibi_like_weekly_rule(engine: Engine) -> None:
    """Weekly follow-ups for every child on the list, audited for June 2020: the weeks ending
    in June (W23-W26; W27 ends in July). 黄小梅 is de facto unsupported (father in prison
    until 2023, mother out of contact since 2018, beyond the national 6 months of
    民发〔2019〕62号), so on the list, and followed up only in the last week of June."""
    findings = audit(engine, SAMPLE.children, rule="test.chibi.follow_up")
    assert outcomes(findings) == [
        ("C-CB-001", "2020-W23", "compliant"),
        ("C-CB-001", "2020-W24", "compliant"),
        ("C-CB-001", "2020-W25", "compliant"),
        ("C-CB-001", "2020-W26", "non_compliant"),
        ("C-CB-002", "2020-W23", "non_compliant"),
        ("C-CB-002", "2020-W24", "non_compliant"),
        ("C-CB-002", "2020-W25", "non_compliant"),
        ("C-CB-002", "2020-W26", "compliant"),
        ("C-XN-001", "2020-W23", "non_compliant"),
        ("C-XN-001", "2020-W24", "non_compliant"),
        ("C-XN-001", "2020-W25", "non_compliant"),
        ("C-XN-001", "2020-W26", "non_compliant"),
    ]
    assert any(
        f.startswith("de_facto_unsupported 2020-06-01..2020-06-07") for f in findings[4].facts
    )


def test_a_yearly_activity_rule_for_paired_children(engine: Engine) -> None:
    """ "1+1": at least one activity a year with the paired worker. 吴小乐, paired on
    2023-12-29 with an activity on 2024-01-12: 2024 is compliant; 2023 (3 paired days)
    requires none."""
    findings = audit(
        engine, SAMPLE.children, rule="test.pairing.activity", period=Period.year(2024)
    )
    assert outcomes(findings) == [("C-XN-001", "2024", "compliant")]
    assert findings[0].facts[0] == "scheme xianning-1+1 with W-XN-P1 2024-01-01..2024-12-31"
    (old,) = audit(engine, SAMPLE.children, rule="test.pairing.activity", as_of=day("2023-12-31"))
    assert old.outcome is Outcome.NOT_APPLICABLE


def test_under_a_scheme_only_the_paired_worker_counts(engine: Engine) -> None:
    """An activity by another worker does not count for a paired child."""
    pairing = Pairing(worker="W-XN-P1", scheme="xianning-1+1", start=day("2024-01-01"))
    other = Contact(date=day("2024-03-01"), worker="W-CB-D1", mode=M.ACTIVITY)
    c = left_behind(other, pairings=(pairing,))
    (finding,) = audit(engine, [c], rule="test.pairing.activity", period=Period.year(2024))
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert "not counted: 2024-03-01 activity (by W-CB-D1, not the paired worker)" in finding.facts


def test_a_paired_child_s_finding_names_the_paired_worker_answerable(engine: Engine) -> None:
    """A finding under a scheme holds the workers paired with the child on the last day it
    was paired in the period (the rectification list gives them the task); a child judged
    through a category names none (its village's workers answer)."""
    first = Pairing(
        worker="W-XN-P1", scheme="xianning-1+1", start=day("2024-01-01"), end=day("2024-07-01")
    )
    then = Pairing(worker="W-XN-P2", scheme="xianning-1+1", start=day("2024-07-01"))
    c = left_behind(pairings=(first, then))
    (paired,) = audit(engine, [c], rule="test.pairing.activity", period=Period.year(2024))
    assert paired.responsible == ("W-XN-P2",)
    (open_,) = audit(engine, [left_behind()], period=Period.month(2020, 6))
    assert open_.responsible == ()


def test_missing_parameter_is_missing_input(engine: Engine) -> None:
    """Before the rule's first value (2020-01-01) the count is missing input, never zero."""
    (finding,) = audit(engine, [left_behind()], period=Period.month(2019, 12))
    assert finding.outcome is Outcome.MISSING_INPUT
    assert finding.message.en == (
        "Missing input: no value of xianning.contact.min_count is in force for 421281101201 "
        "on 2019-12-31"
    )


def test_children_never_on_the_list_get_no_finding(engine: Engine) -> None:
    """A child with parents at home is not judged (the summary counts the subject)."""
    c = attrs.evolve(left_behind(), parent_situations=())
    registry = Registry(reference=SAMPLE.reference, children=(c,))
    run = pipeline.audit(engine, registry, period=Period.month(2020, 6))
    assert [f for f in run if f.rule == "test.xianning.contact"] == []
    assert run.summary.subjects["child"] == 1


def test_as_of_judges_the_latest_complete_period(engine: Engine) -> None:
    """as_of 2020-06-30 judges June; as_of 2020-06-29 judges May."""
    c = left_behind(("2020-06-03", M.PHONE), ("2020-06-19", M.PHONE))
    assert outcomes(audit(engine, [c], as_of=day("2020-06-30"))) == [("C1", "2020-06", "compliant")]
    assert outcomes(audit(engine, [c], as_of=day("2020-06-29"))) == [
        ("C1", "2020-05", "non_compliant")
    ]


def test_judged_periods() -> None:
    """Period audits judge the rule periods ending inside them; as_of the latest complete."""
    june = Period.month(2020, 6)
    assert [str(p) for p in judged_periods(PeriodKind.WEEK, as_of=None, period=june)] == [
        "2020-W23",
        "2020-W24",
        "2020-W25",
        "2020-W26",
    ]
    year = Period.year(2020)
    assert len(judged_periods(PeriodKind.MONTH, as_of=None, period=year)) == 12
    assert judged_periods(PeriodKind.YEAR, as_of=None, period=june) == ()
    assert judged_periods(PeriodKind.WEEK, as_of=day("2020-06-07"), period=None) == (
        Period.parse("2020-W23"),
    )
    with pytest.raises(InvalidValueError):
        judged_periods(PeriodKind.WEEK, as_of=None, period=None)


@given(
    kind=st.sampled_from(PeriodKind),
    as_of=st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
    audited=st.sampled_from(
        [None, Period.month(2020, 6), Period.parse("2020-Q1"), Period.year(2021)]
    ),
)
@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_periods_judged_are_a_runs_judged_periods_made_once(
    engine: Engine, kind: PeriodKind, as_of: dt.date, audited: Period | None
) -> None:
    """periods_judged gives judged_periods of the run's as_of (or period), keeps it in the
    run's context (its other rules get the same tuple), and another run gets its own."""
    day_given = None if audited is not None else as_of
    memo: dict[Any, Any] = {}
    run = [
        RuleContext(engine, reference=ReferenceData(), as_of=day_given, period=audited, memo=memo)
        for _ in range(2)
    ]
    expected = judged_periods(kind, as_of=day_given, period=audited)
    first = periods_judged(run[0], kind)
    assert first == expected
    assert periods_judged(run[1], kind) is first
    other_day = as_of + dt.timedelta(days=400)
    other = RuleContext(engine, reference=ReferenceData(), as_of=other_day, memo=memo)
    assert periods_judged(other, kind) == judged_periods(kind, as_of=other_day, period=None)


def test_a_rule_needs_a_list_and_a_mode() -> None:
    """A rule naming no categories, programmes or schemes, no mode, a period that is not a
    PeriodKind or an empty parameter name is refused."""
    with pytest.raises(InvalidValueError, match="at least one of 'categories'"):
        monthly(categories=())
    with pytest.raises(InvalidValueError, match="'modes' must be a non-empty tuple"):
        monthly(modes=())
    with pytest.raises(InvalidValueError, match="'period' must be a PeriodKind"):
        monthly(period="month")
    with pytest.raises(InvalidValueError, match="'min_count' must name a parameter"):
        monthly(min_count="")


# -- properties ----------------------------------------------------------------------------

JUNE_DATES = st.dates(dt.date(2020, 5, 25), dt.date(2020, 7, 5))
CONTACTS = st.lists(
    contacts(
        worker_ids=["W-CB-D1", "W-CB-D2", "W-NOBODY"],
        min_date=dt.date(2020, 5, 25),
        max_date=dt.date(2020, 7, 5),
    ),
    max_size=6,
)
SINCE = st.sampled_from(["2018-01-01", "2020-06-10", "2020-06-25", "2020-07-01"])

_PROPERTY_RULES = [
    monthly(topics="xianning.contact.topics", roles=(WorkerRole.CHILD_DIRECTOR,)),
    WEEKLY,
]
_ENGINES: list[Engine] = []


def _engine() -> Engine:
    """One engine for the property tests (hypothesis does not mix with function fixtures)."""
    if not _ENGINES:
        _ENGINES.append(Engine([xianning(Path(tempfile.mkdtemp()), _PROPERTY_RULES)]))
    return _ENGINES[0]


def _judge(c: Child, rule: str) -> list[Finding]:
    return audit(_engine(), [c], rule=rule)


RANK = {Outcome.NON_COMPLIANT: 0, Outcome.MISSING_INPUT: 1, Outcome.COMPLIANT: 2}


@settings(max_examples=60, deadline=None)
@given(
    found=CONTACTS,
    extra=contacts(
        worker_ids=["W-CB-D1", "W-NOBODY"],
        min_date=dt.date(2020, 5, 25),
        max_date=dt.date(2020, 7, 5),
    ),
    since=SINCE,
    rule=st.sampled_from(["test.xianning.contact", "test.chibi.follow_up"]),
)
def test_adding_a_contact_never_turns_compliant_into_non_compliant(
    found: list[Contact], extra: Contact, since: str, rule: str
) -> None:
    """Property: with one more contact, no period's outcome gets worse (compliant stays
    compliant; non-compliant may improve)."""
    before = _judge(left_behind(*found, since=since), rule)
    after = _judge(left_behind(*found, extra, since=since), rule)
    assert [f.period for f in before] == [f.period for f in after]
    for b, a in zip(before, after, strict=True):
        if b.outcome in RANK:
            assert RANK[a.outcome] >= RANK[b.outcome], (b, a)
        else:
            assert a.outcome == b.outcome


@settings(max_examples=60, deadline=None)
@given(found=CONTACTS, since=SINCE, seed=st.integers(0, 1000))
def test_results_do_not_depend_on_contact_order(
    found: list[Contact], since: str, seed: int
) -> None:
    """Property: shuffling a child's contacts gives identical findings, facts included."""
    shuffled = list(found)
    random.Random(seed).shuffle(shuffled)
    for rule in ("test.xianning.contact", "test.chibi.follow_up"):
        assert _judge(left_behind(*found, since=since), rule) == _judge(
            left_behind(*shuffled, since=since), rule
        )


_OTHER: list[Engine] = []


@settings(max_examples=30, deadline=None)
@given(found=CONTACTS, since=SINCE)
def test_results_are_deterministic(found: list[Contact], since: str) -> None:
    """Property: the same child judged twice, and by a second engine built from the same
    plugin, gives identical findings."""
    if not _OTHER:
        _OTHER.append(Engine([xianning(Path(tempfile.mkdtemp()), _PROPERTY_RULES)]))
    c = left_behind(*found, since=since)
    for rule in ("test.xianning.contact", "test.chibi.follow_up"):
        first = _judge(c, rule)
        assert first == _judge(c, rule)
        assert first == audit(_OTHER[0], [c], rule=rule)


@settings(max_examples=40, deadline=None)
@given(
    villages=st.lists(
        st.sampled_from([CHIBI_VILLAGE, XIANAN_VILLAGE, LUXI_VILLAGE, Division("420102001001")]),
        min_size=1,
        max_size=4,
    ),
    found=CONTACTS,
)
def test_never_a_finding_outside_the_rule_scope(
    villages: list[Division], found: list[Contact]
) -> None:
    """Property: through Engine.audit, a rule registered for Xianning (4212) gives findings
    only for children living in 4212, and one for each of them (all are left-behind)."""
    children = [left_behind(*found, division=v, child_id=f"C{i}") for i, v in enumerate(villages)]
    findings = audit(_engine(), children, rule="test.xianning.contact")
    inside = [c.id for c in children if Division("4212").contains(c.division)]
    assert [f.subject.id for f in findings] == inside
    assert all(Division("4212").contains(f.division) for f in findings)


# -- the requirement flag: when the duty is in force -------------------------------------------

FLAG = """
[parameters."test.contact.required"]
unit = "flag"
zh = "联系要求是否适用"
en = "Whether the contact duty is in force"
"""


def flagged(tmp_path: Path, values: str) -> Engine:
    """The monthly rule gated by a flag with the given values (Xianning scope)."""
    rule = monthly(required="test.contact.required")
    plugin = stub_plugin(
        "xn", "4212", directory=tmp_path, toml=PARAMETERS + FLAG + values, rules=[rule]
    )
    return Engine([plugin])


def flag_value(effective: str, value: bool) -> str:
    v = "true" if value else "false"
    return (
        f'[[values]]\nparameter = "test.contact.required"\neffective = {effective}\n'
        f'value = {v}\ncitation = "xn"\n'
    )


def test_a_duty_starting_mid_month_is_pro_rated(tmp_path: Path) -> None:
    """False until 2020-06-16, true from then: June has 15 days under the duty, so one
    contact is required (2 x 15/30) and only contacts on those days count."""
    engine = flagged(tmp_path, flag_value("2020-01-01", False) + flag_value("2020-06-16", True))
    before = left_behind(("2020-06-03", M.PHONE))
    (f,) = audit(engine, [before])
    assert f.outcome is Outcome.NON_COMPLIANT
    assert "required: 2 x 15/30 days, rounded half up = 1" in f.facts
    assert "test.contact.required is false 2020-06-01..2020-06-15" in f.facts
    assert "not counted: 2020-06-03 phone (not on the list that day)" in f.facts
    assert [e.parameter for e in f.evidence] == [
        "xianning.contact.min_count",
        "test.contact.required",
    ]
    (g,) = audit(engine, [left_behind(("2020-06-16", M.PHONE))])
    assert g.outcome is Outcome.COMPLIANT
    assert audit(engine, [before], period=Period.month(2020, 5)) == []


def test_no_flag_value_is_missing_input_never_false(tmp_path: Path) -> None:
    """Before the flag's first value the days are undecided, not exempt; a child not on the
    list on those days has no finding at all."""
    engine = flagged(tmp_path, flag_value("2020-07-01", True))
    (f,) = audit(engine, [left_behind(("2020-06-03", M.PHONE), ("2020-06-20", M.PHONE))])
    assert f.outcome is Outcome.MISSING_INPUT
    assert "no value of test.contact.required in force 2020-06-01..2020-06-30" in f.facts
    not_listed = left_behind(since="2021-01-01")
    assert audit(engine, [not_listed]) == []
    (july,) = audit(engine, [left_behind(("2020-07-03", M.PHONE))], period=Period.month(2020, 7))
    assert july.outcome is Outcome.NON_COMPLIANT


def _required(f: Finding) -> int:
    (fact,) = (x for x in f.facts if x.startswith("required: "))
    return int(fact.rsplit("= ", 1)[1])


@settings(max_examples=30, deadline=None)
@given(start=st.integers(min_value=1, max_value=30), n=st.integers(min_value=0, max_value=4))
def test_the_flag_only_ever_lowers_what_is_required(start: int, n: int) -> None:
    """A flag turning true on any day of June never requires more contacts than the ungated
    rule; with every contact on a day under the duty, the outcome is never worse."""
    with tempfile.TemporaryDirectory() as tmp:
        gated = flagged(
            Path(tmp), flag_value("2020-01-01", False) + flag_value(f"2020-06-{start:02d}", True)
        )
        plain = Engine([xianning(Path(tmp), [monthly()], name="plain")])
    days = range(start, min(30, start + n - 1) + 1) if n else range(0)
    child = left_behind(*((f"2020-06-{d:02d}", M.PHONE) for d in days))
    (g,) = audit(gated, [child])
    (p,) = audit(plain, [child])
    assert _required(g) <= _required(p)
    rank = {Outcome.NON_COMPLIANT: 0, Outcome.COMPLIANT: 1, Outcome.NOT_APPLICABLE: 2}
    assert rank[g.outcome] >= rank[p.outcome]


# -- declarations, checked when the Engine is built -----------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"categories": ("left_behind", "no_such_list")},
            r"^rule 'test\.xianning\.contact' uses category 'no_such_list' \(its 'categories'\), "
            r"which no plugin registers \(registered by plugin xn ",
        ),
        (
            {"min_count": "xianning.contact.topics"},
            r"^rule 'test\.xianning\.contact' reads parameter 'xianning\.contact\.topics' \(its "
            r"'min_count'\): it needs 'xianning\.contact\.topics' in count, but plugin xn ",
        ),
        (
            {"required": "xianning.contact.min_count"},
            r"it needs 'xianning\.contact\.min_count' in flag, but plugin xn .* declares it "
            r"in count \(registered by plugin xn ",
        ),
    ],
)
def test_a_misconfigured_contact_rule_fails_when_the_engine_is_built(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    """A category no plugin registers, or a parameter of a unit the field does not read,
    fails at load, naming the rule, the field and the plugin: never in mid-audit."""
    with pytest.raises(PluginLoadError, match=message):
        Engine([xianning(tmp_path, [monthly(**changes)])])


def test_topics_the_mechanism_does_not_know_fail_when_the_engine_is_built(tmp_path: Path) -> None:
    """A topics parameter declaring a choice that is no Topic fails at load: a contact could
    never record it, so the rule could never be met."""
    toml = PARAMETERS.replace('"mental_health", "safety"]', '"mental_health", "safety", "diet"]')
    rule = monthly(topics="xianning.contact.topics")
    plugin = stub_plugin("xn", "4212", directory=tmp_path, toml=toml, rules=[rule])
    with pytest.raises(PluginLoadError, match=r"declares choices \['diet'\] that careprotect"):
        Engine([plugin])
