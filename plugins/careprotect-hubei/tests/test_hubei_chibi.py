"""Chibi (421281), seed 001 (湖北日报客户端, 2023-03-25): follow-ups every week and home visits
every month, recording the child's daily life, for the children on the list (left-behind,
in difficulty, orphans, de facto unsupported); one training a year for child supervisors and
child directors."""

from __future__ import annotations

from typing import Any

import pytest

from careprotect import (
    Child,
    Contact,
    Disability,
    DisabilityKind,
    Guardianship,
    OrganiserLevel,
    Outcome,
    ParentSituationKind,
    Period,
    ReferenceData,
    Relation,
    Topic,
    Training,
    WorkerRole,
)
from hubei_testkit import (
    CB_DIRECTOR,
    CB_SUPERVISOR,
    CHIBI_TOWNSHIP,
    CHIBI_VILLAGE,
    DIVISIONS,
    ENGINE,
    VOLUNTEER,
    XA_DIRECTOR,
    XIANAN_VILLAGE,
    M,
    audit,
    child,
    contact,
    day,
    evidence,
    outcomes,
    worker,
)

WEEKLY = "hubei.chibi.weekly_follow_up"
MONTHLY = "hubei.chibi.monthly_home_visit"
DIRECTOR_TRAINING = "hubei.chibi.training.child_director"
SUPERVISOR_TRAINING = "hubei.chibi.training.child_supervisor"
DAILY_LIFE = frozenset({Topic.DAILY_LIFE})
PARENT = Guardianship(guardian="某家长", relation=Relation.MOTHER, start=day("2014-05-01"))


def chibi_child(*contacts: Contact, **kw: Any) -> Child:
    """A Chibi left-behind child (unless ``kw`` says otherwise) living with a guardian."""
    fields: dict[str, Any] = {"division": CHIBI_VILLAGE, "guardianships": (PARENT,)}
    fields.update(kw)
    return child(*contacts, **fields)


def follow_up(when: str, mode: M = M.PHONE, worker_id: str = CB_DIRECTOR, **kw: Any) -> Contact:
    fields: dict[str, Any] = {"topics": DAILY_LIFE}
    fields.update(kw)
    return contact(when, worker_id=worker_id, mode=mode, **fields)


W23 = Period.week(2024, 23)  # Monday 2024-06-03 .. Sunday 2024-06-09
CONTACT_REQUIRED = "hubei.chibi.contact.required"
TRAINING_REQUIRED = "hubei.chibi.training.required"
START_DATES = "careprotect-hubei-start-dates"


# -- weekly follow-ups ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        ((), Outcome.NON_COMPLIANT),
        ((follow_up("2024-06-03"),), Outcome.COMPLIANT),
        ((follow_up("2024-06-09", M.VIDEO),), Outcome.COMPLIANT),
        ((follow_up("2024-06-05", M.HOME_VISIT, CB_SUPERVISOR),), Outcome.COMPLIANT),
        ((follow_up("2024-06-02"), follow_up("2024-06-10")), Outcome.NON_COMPLIANT),
        ((follow_up("2024-06-05", M.ACTIVITY),), Outcome.NON_COMPLIANT),
        ((follow_up("2024-06-05", M.COUNSELLING),), Outcome.NON_COMPLIANT),
        ((follow_up("2024-06-05", topics=frozenset({Topic.STUDY})),), Outcome.NON_COMPLIANT),
        ((follow_up("2024-06-05", worker_id=VOLUNTEER),), Outcome.NON_COMPLIANT),
    ],
)
def test_one_follow_up_a_week(contacts: tuple[Contact, ...], expected: Outcome) -> None:
    """A call, video call or visit by a child director or supervisor within the ISO week whose
    record covers the child's daily life counts; the Sunday before and the Monday after do
    not, nor an activity, a counselling session, a record without daily life, or a
    volunteer's call."""
    (finding,) = audit([chibi_child(*contacts)], WEEKLY, as_of=day("2024-06-09"))
    assert finding.period == W23
    assert finding.outcome is expected


def test_the_follow_up_evidence_and_citation() -> None:
    """The frequency, the topics and the requirement flag are Chibi's values from 2023-03-25,
    cited to seed 001."""
    (finding,) = audit([chibi_child(follow_up("2024-06-03"))], WEEKLY, as_of=day("2024-06-09"))
    assert finding.message.en == "2024-W23: 1 contact(s) counted, 1 required"
    assert evidence(finding) == [
        (
            "hubei.chibi.follow_ups_per_week",
            1,
            "2023-03-25",
            "421281",
            "hubei",
            "chibi-2023-follow-up",
        ),
        (
            "hubei.chibi.contact.topics",
            ("daily_life",),
            "2023-03-25",
            "421281",
            "hubei",
            "chibi-2023-follow-up",
        ),
        (CONTACT_REQUIRED, True, "2023-03-25", "421281", "hubei", "chibi-2023-follow-up"),
    ]
    assert str(finding.citations[0]).startswith(
        "湖北日报客户端《焦点精选！赤壁：用爱为未成年人撑起一片蓝天》(no number published)"
    )
    assert str(finding.citations[0].date) == "2023-03-25"


def test_every_group_on_the_list_is_followed_up() -> None:
    """Orphans, de facto unsupported children (both parents in prison) and disabled children
    are on the list as well as left-behind children; a child with parents at home and no
    difficulty is not (no finding)."""
    orphan = chibi_child(child_id="C-OR", situation=ParentSituationKind.DEAD)
    unsupported = chibi_child(child_id="C-DF", situation=ParentSituationKind.IMPRISONED)
    disabled = chibi_child(
        child_id="C-DS",
        away_since=None,
        disability=Disability(kind=DisabilityKind.HEARING, grade=2),
    )
    neither = chibi_child(child_id="C-NO", away_since=None)
    findings = audit([orphan, unsupported, disabled, neither], WEEKLY, as_of=day("2024-06-09"))
    assert outcomes(findings) == [
        ("C-OR", "2024-W23", "non_compliant"),
        ("C-DF", "2024-W23", "non_compliant"),
        ("C-DS", "2024-W23", "non_compliant"),
    ]


@pytest.mark.parametrize(
    ("name", "source"),
    [(CONTACT_REQUIRED, "chibi-2023-follow-up"), (TRAINING_REQUIRED, "chibi-2023-training")],
)
def test_the_duties_start_on_2023_03_25(name: str, source: str) -> None:
    """Each Chibi flag is false on 2023-03-24 (the plugin's modelling choice, from
    2000-01-01) and true from 2023-03-25, the report's date, cited to seed 001. Chibi's flags
    have no value elsewhere in Xianning."""
    before = ENGINE.parameters.find(name, CHIBI_VILLAGE, day("2023-03-24"))
    assert before is not None
    assert (before.value, before.evidence.effective.isoformat()) == (False, "2000-01-01")
    assert (before.evidence.scope, before.evidence.citation.key) == ("421281", START_DATES)
    on = ENGINE.parameters.find(name, CHIBI_VILLAGE, day("2023-03-25"))
    assert on is not None
    assert (on.value, on.evidence.scope, on.evidence.citation.key) == (True, "421281", source)
    assert ENGINE.parameters.find(name, XIANAN_VILLAGE, day("2023-03-25")) is None


def test_the_weekly_frequency_holds_from_2023_03_25() -> None:
    """The frequency has no value on 2023-03-24 and is 1 from 2023-03-25. The weeks of March
    2023 ending before the start (W09 to W11) have no finding. 2023-W12 (Monday 2023-03-20 to
    Sunday 2023-03-26) is pro-rated: the duty holds on 2 of its 7 days, which rounds to no
    follow-up (not applicable); the follow-up on Friday 2023-03-24, the day before the start,
    does not count, the one on Saturday 2023-03-25, the start day, does. 2023-W13 is the first
    whole week."""
    name = "hubei.chibi.follow_ups_per_week"
    assert ENGINE.parameters.find(name, CHIBI_VILLAGE, day("2023-03-24")) is None
    found = ENGINE.parameters.find(name, CHIBI_VILLAGE, day("2023-03-25"))
    assert found is not None
    assert found.value == 1
    c = chibi_child(follow_up("2023-03-21"), follow_up("2023-03-24"), follow_up("2023-03-25"))
    (w12,) = audit([c], WEEKLY, period=Period.month(2023, 3))
    assert (str(w12.period), w12.outcome) == ("2023-W12", Outcome.NOT_APPLICABLE)
    assert w12.facts == (
        "left_behind 2023-03-20..2023-03-26",
        f"{CONTACT_REQUIRED} is false 2023-03-20..2023-03-24",
        "required: 1 x 2/7 days, rounded half up = 0",
        "1 contact counted: 2023-03-25 phone",
        "not counted: 2023-03-21 phone (not on the list that day)",
        "not counted: 2023-03-24 phone (not on the list that day)",
    )
    assert audit([c], WEEKLY, as_of=day("2023-03-25")) == []  # judges W11
    (w13,) = audit([c], WEEKLY, as_of=day("2023-04-02"))
    assert (str(w13.period), w13.outcome) == ("2023-W13", Outcome.NON_COMPLIANT)
    assert "required: 1 x 7/7 days, rounded half up = 1" in w13.facts


def test_chibi_rules_do_not_reach_the_rest_of_xianning() -> None:
    """A left-behind child in Xian'an (421202) gets no Chibi finding, only Xianning's."""
    xianan = chibi_child(division=XIANAN_VILLAGE, child_id="C-XA")
    findings = audit([xianan], None, as_of=day("2024-06-30"))
    rules = {f.rule for f in findings if f.subject.id == "C-XA" and f.rule.startswith("hubei.")}
    assert rules == {"hubei.xianning.left_behind.contact"}


# -- monthly home visits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        ((), Outcome.NON_COMPLIANT),
        ((follow_up("2024-06-30", M.HOME_VISIT),), Outcome.COMPLIANT),
        ((follow_up("2024-06-01", M.HOME_VISIT, CB_SUPERVISOR),), Outcome.COMPLIANT),
        ((follow_up("2024-06-10"), follow_up("2024-06-17", M.VIDEO)), Outcome.NON_COMPLIANT),
        ((follow_up("2024-07-01", M.HOME_VISIT),), Outcome.NON_COMPLIANT),
        ((follow_up("2024-06-12", M.HOME_VISIT, topics=frozenset()),), Outcome.NON_COMPLIANT),
        ((follow_up("2024-06-12", M.HOME_VISIT, XA_DIRECTOR),), Outcome.COMPLIANT),
    ],
)
def test_one_home_visit_a_month(contacts: tuple[Contact, ...], expected: Outcome) -> None:
    """Only a home visit in the month counts (calls and video calls do not), recording daily
    life, by a child director or supervisor (of any village: the rule names the role)."""
    (finding,) = audit([chibi_child(*contacts)], MONTHLY, period=Period.month(2024, 6))
    assert finding.outcome is expected


def test_the_monthly_visit_holds_from_2023_03_25() -> None:
    """February 2023 lies wholly before the duty: no finding. March 2023 is pro-rated: the
    duty holds on 7 of its 31 days (the 25th to the 31st), which rounds to no visit (not
    applicable); a visit on the 24th, the day before the start, does not count, one on the
    25th, the start day, does. April 2023 is the first whole month."""
    c = chibi_child(
        follow_up("2023-02-14", M.HOME_VISIT),
        follow_up("2023-03-24", M.HOME_VISIT),
        follow_up("2023-03-25", M.HOME_VISIT),
    )
    assert audit([c], MONTHLY, period=Period.month(2023, 2)) == []
    (march,) = audit([c], MONTHLY, period=Period.month(2023, 3))
    assert march.outcome is Outcome.NOT_APPLICABLE
    assert march.facts == (
        "left_behind 2023-03-01..2023-03-31",
        f"{CONTACT_REQUIRED} is false 2023-03-01..2023-03-24",
        "required: 1 x 7/31 days, rounded half up = 0",
        "1 contact counted: 2023-03-25 home_visit",
        "not counted: 2023-03-24 home_visit (not on the list that day)",
    )
    assert evidence(march)[-1] == (
        CONTACT_REQUIRED,
        True,
        "2023-03-25",
        "421281",
        "hubei",
        "chibi-2023-follow-up",
    )
    assert outcomes(audit([c], MONTHLY, period=Period.month(2023, 4))) == [
        ("C1", "2023-04", "non_compliant")
    ]


def test_an_undecided_child_is_missing_input_only_while_the_duty_holds() -> None:
    """A child with parents at home and no guardianship recorded cannot be placed on or off
    the list (whether the child lacks guardianship is unknown). That stays missing input while
    the duty holds: 7 undecided days in March 2023, the whole of June 2024. Before the start
    nothing is judged: no finding in February 2023."""
    c = child(division=CHIBI_VILLAGE, away_since=None)
    assert audit([c], MONTHLY, period=Period.month(2023, 2)) == []
    (march,) = audit([c], MONTHLY, period=Period.month(2023, 3))
    assert march.outcome is Outcome.MISSING_INPUT
    assert march.message.en == (
        "Missing input: whether the child is on the list cannot be decided on 7 day(s) of 2023-03"
    )
    (june,) = audit([c], MONTHLY, period=Period.month(2024, 6))
    assert june.outcome is Outcome.MISSING_INPUT


# -- yearly training ---------------------------------------------------------------------------


def trained(role: WorkerRole, *dates: str, **kw: Any) -> ReferenceData:
    division = CHIBI_VILLAGE if role is WorkerRole.CHILD_DIRECTOR else CHIBI_TOWNSHIP
    trainings = tuple(
        Training(date=day(d), organiser_level=OrganiserLevel.COUNTY, days=2) for d in dates
    )
    w = worker("W-T", role, division, trainings=trainings, **kw)
    return ReferenceData(divisions=DIVISIONS, workers=(w,))


@pytest.mark.parametrize(
    ("role", "rule"),
    [
        (WorkerRole.CHILD_DIRECTOR, DIRECTOR_TRAINING),
        (WorkerRole.CHILD_SUPERVISOR, SUPERVISOR_TRAINING),
    ],
)
def test_one_training_a_year(role: WorkerRole, rule: str) -> None:
    """2024: none is non-compliant; one on 2024-01-01 is compliant; one on 2023-12-31 counts
    for 2023, not 2024."""
    year = Period.year(2024)
    (none,) = audit([], rule, reference=trained(role, "2023-12-31"), period=year)
    assert none.outcome is Outcome.NON_COMPLIANT
    (one,) = audit([], rule, reference=trained(role, "2024-01-01"), period=year)
    assert one.outcome is Outcome.COMPLIANT
    assert evidence(one) == [
        (TRAINING_REQUIRED, True, "2023-03-25", "421281", "hubei", "chibi-2023-training"),
        (
            "hubei.chibi.training.per_year",
            1,
            "2023-03-25",
            "421281",
            "hubei",
            "chibi-2023-training",
        ),
    ]
    (last_year,) = audit([], rule, reference=trained(role, "2023-12-31"), period=Period.year(2023))
    assert last_year.outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("role", "rule"),
    [
        (WorkerRole.CHILD_DIRECTOR, DIRECTOR_TRAINING),
        (WorkerRole.CHILD_SUPERVISOR, SUPERVISOR_TRAINING),
    ],
)
def test_training_before_2023_is_not_applicable(role: WorkerRole, rule: str) -> None:
    """The flag and the count are read on the year's last day. On 2022-12-31 the flag is false
    (the duty starts on 2023-03-25), so 2022 is not applicable, with the flag as evidence,
    trained or not. On 2023-12-31 it is true, so 2023 is judged whole: a training on
    2023-03-24, the day before the start, counts for 2023 as one on the start day would."""
    untrained = trained(role)
    (y2022,) = audit([], rule, reference=untrained, period=Period.year(2022))
    assert y2022.outcome is Outcome.NOT_APPLICABLE
    assert y2022.message.en == (
        f"The requirement does not apply on 2022-12-31 ({TRAINING_REQUIRED} is false)"
    )
    assert evidence(y2022) == [
        (TRAINING_REQUIRED, False, "2000-01-01", "421281", "hubei", START_DATES)
    ]
    (y2023,) = audit([], rule, reference=untrained, period=Period.year(2023))
    assert y2023.outcome is Outcome.NON_COMPLIANT
    for when in ("2023-03-24", "2023-03-25"):
        (y2023,) = audit([], rule, reference=trained(role, when), period=Period.year(2023))
        assert y2023.outcome is Outcome.COMPLIANT, when
    assert evidence(y2023)[0] == (
        TRAINING_REQUIRED,
        True,
        "2023-03-25",
        "421281",
        "hubei",
        "chibi-2023-training",
    )


def test_an_unknown_appointment_date_is_missing_input_even_before_the_start() -> None:
    """Whether a worker served the whole year is asked before the flag is read (the library's
    order), so a director whose appointment date is not recorded is missing input for 2022,
    before the duty, as for 2024."""
    reference = trained(WorkerRole.CHILD_DIRECTOR, appointed_on=None)
    for year in (2022, 2024):
        (finding,) = audit([], DIRECTOR_TRAINING, reference=reference, period=Period.year(year))
        assert finding.outcome is Outcome.MISSING_INPUT, year
        assert finding.message.en == (
            "Missing input: the child director's appointment date is not recorded, so whether "
            f"they served all of {year} is unknown"
        )


def test_training_judges_only_chibi_workers_who_served_the_whole_year() -> None:
    """A Xian'an director is outside Chibi; a Chibi director appointed in 2024 is not judged
    for 2024; another role is not judged by either rule."""
    xianan = worker("W-XA", WorkerRole.CHILD_DIRECTOR, XIANAN_VILLAGE)
    new = worker("W-NEW", WorkerRole.CHILD_DIRECTOR, CHIBI_VILLAGE, appointed_on=day("2024-02-01"))
    volunteer = worker("W-VOL", WorkerRole.VOLUNTEER, CHIBI_VILLAGE)
    reference = ReferenceData(divisions=DIVISIONS, workers=(xianan, new, volunteer))
    findings = audit([], None, reference=reference, period=Period.year(2024))
    assert [f for f in findings if f.rule.startswith("hubei.chibi.training")] == []
