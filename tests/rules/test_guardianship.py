"""The Minors Protection Law rules (POLICY.md §4, §8): who may be an entrusted carer (Art. 22),
the parents' weekly contact and written notice (Art. 23), and where mandatory reports go
(Art. 11; 高检发〔2020〕9号). The law is in force from 2021-06-01 (Art. 132)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import (
    Child,
    Disqualification,
    DisqualificationKind,
    Division,
    Engine,
    EntrustmentNotice,
    Guardianship,
    HouseholdType,
    NoticeRecipient,
    Outcome,
    Parent,
    ParentContact,
    Period,
    PeriodKind,
    ReferenceData,
    ReferralTarget,
    Registry,
    Relation,
    Report,
    ReportConcern,
    Sex,
    load_registry,
    pipeline,
    write_registry,
)
from careprotect import testing as strategies
from careprotect.findings import Finding
from careprotect.national.rules import GUARDIANSHIP_RULES
from careprotect.params import Status
from careprotect.rules.common import judged_periods
from careprotect.rules.guardianship import (
    EntrustedCarerQualified,
    EntrustmentNotices,
    MandatoryReportRecipient,
    ParentContactFrequency,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry
VILLAGE = Division("433122100201")
CARER, CONTACT, NOTICE, REPORT = GUARDIANSHIP_RULES
IN_FORCE = dt.date(2021, 6, 1)
DAY_BEFORE = dt.date(2021, 5, 31)
ENGINE = Engine()
CARER_NAME = "田奶奶"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def child(*guardianships: Guardianship, **kw: Any) -> Child:
    return Child(
        id=kw.pop("child_id", "C1"),
        name="某某",
        birth_date=dt.date(2012, 5, 1),
        sex=Sex.FEMALE,
        division=VILLAGE,
        household=HouseholdType.RURAL,
        guardianships=guardianships,
        **kw,
    )


GRANNY = Guardianship(
    guardian=CARER_NAME, relation=Relation.GRANDPARENT, start=day("2019-01-01"), entrusted=True
)


def judge(children: Sequence[Child], rule: str, **when: Any) -> list[Finding]:
    registry = Registry(reference=SAMPLE.reference, children=tuple(children))
    return [f for f in pipeline.audit(ENGINE, registry, **when) if f.rule == rule]


def outcomes(findings: Iterable[Finding]) -> list[str]:
    return [f.outcome.value for f in findings]


def _no_name(findings: Iterable[Finding]) -> None:
    """No finding shows the carer's name, whole or masked."""
    for f in findings:
        text = json.dumps(f.as_dict(), ensure_ascii=False) + str(f)
        assert CARER_NAME not in text
        assert "田*" not in text


# -- the national rules and their parameters ----------------------------------------------------


def test_the_national_rules_are_registered_with_their_citations() -> None:
    """The four rules are national, cite the law's articles (and 9号 for reports), and each
    reads a flag that is false the day before 2021-06-01 and true from it."""
    ids = {r.id: r for r in ENGINE.rules}
    assert {
        "entrusted_care.carer_qualified",
        "entrusted_care.parent_contact",
        "entrusted_care.written_notice",
        "mandatory_report.recipient",
    } <= set(ids)
    documents = {
        rule.id: [(c.clause[:5], c.status) for c in ids[rule.id].citations]
        for rule in GUARDIANSHIP_RULES
    }
    assert documents == {
        "entrusted_care.carer_qualified": [("第二十二条", Status.CONFIRMED)],
        "entrusted_care.parent_contact": [("第二十三条", Status.CONFIRMED)],
        "entrusted_care.written_notice": [("第二十三条", Status.CONFIRMED)],
        "mandatory_report.recipient": [
            ("第十一条（", Status.CONFIRMED),
            ("强制报告的", Status.REPORTED),
        ],
    }
    for rule in (CARER, CONTACT, NOTICE):
        assert isinstance(
            rule, EntrustedCarerQualified | ParentContactFrequency | EntrustmentNotices
        )
        before = ENGINE.parameters.find(rule.required, VILLAGE, DAY_BEFORE)
        after = ENGINE.parameters.find(rule.required, VILLAGE, IN_FORCE)
        assert (before and before.value, after and after.value) == (False, True)
        assert after is not None
        assert after.evidence.citation.clause.startswith("第一百三十二条")
    weekly = ENGINE.parameters.find("entrusted_care.parent_contact.min_count", VILLAGE, IN_FORCE)
    assert weekly is not None
    assert weekly.value == 1


def test_mandatory_reporting_starts_with_9_and_rests_on_art_11_from_2021() -> None:
    """The reporting duty is true from 2020-05-07 on 高检发〔2020〕9号 (reported) and from
    2021-06-01 on Art. 11 (confirmed); the recipients are police, civil affairs, education."""
    assert isinstance(REPORT, MandatoryReportRecipient)
    table = ENGINE.parameters
    assert table.find(REPORT.required, VILLAGE, day("2020-05-06")).value is False  # type: ignore[union-attr]
    for when, status in ((day("2020-05-07"), Status.REPORTED), (IN_FORCE, Status.CONFIRMED)):
        flag = table.find(REPORT.required, VILLAGE, when)
        recipients = table.find(REPORT.recipients, VILLAGE, when)
        assert flag is not None
        assert recipients is not None
        assert flag.value is True
        assert flag.evidence.citation.status is status
        assert recipients.value == ("police", "civil_affairs", "education")


# -- Art. 22: the entrusted carer ------------------------------------------------------------------

ABUSE = Disqualification(kind=DisqualificationKind.ABUSE, start=day("2017-03-01"))


def test_a_disqualified_carer_is_non_compliant_from_2021_06_01() -> None:
    """A carer with a record of abuse: nothing on 2021-05-31, non-compliant from 2021-06-01,
    naming the kind and never the carer."""
    barred = child(attrs.evolve(GRANNY, disqualifications=(ABUSE,)))
    assert judge([barred], CARER.id, as_of=DAY_BEFORE) == []
    (f,) = judge([barred], CARER.id, as_of=IN_FORCE)
    assert f.outcome is Outcome.NON_COMPLIANT
    assert f.day == IN_FORCE
    assert f.message.en == "The entrusted carer is barred on 2021-06-01: abuse"
    assert f.message.zh == "受委托照护人有不得作为被委托人的情形：曾实施虐待（2021-06-01）"
    assert f.facts == (
        "entrusted guardianship (grandparent) since 2019-01-01",
        "carer's disqualification: abuse since 2017-03-01",
    )
    assert [e.parameter for e in f.evidence] == ["entrusted_care.required"]
    _no_name([f])


def test_a_carer_without_a_disqualification_in_force_is_compliant() -> None:
    """No disqualification, one that ended before the day, or one that starts after it."""
    over = Disqualification(
        kind=DisqualificationKind.GAMBLING, start=day("2018-01-01"), end=day("2021-06-01")
    )
    later = Disqualification(kind=DisqualificationKind.DRUG_USE, start=day("2021-06-02"))
    for facts in ((), (over,), (later,)):
        c = child(attrs.evolve(GRANNY, disqualifications=facts))
        (f,) = judge([c], CARER.id, as_of=IN_FORCE)
        assert f.outcome is Outcome.COMPLIANT
        assert f.message.en == "No recorded fact bars the entrusted carer on 2021-06-01"
    (f,) = judge(
        [child(attrs.evolve(GRANNY, disqualifications=(later,)))], CARER.id, as_of=day("2021-06-02")
    )
    assert f.outcome is Outcome.NON_COMPLIANT
    assert f.message.en.endswith(": drug_use")


def test_without_entrusted_care_the_carer_rule_says_nothing() -> None:
    """A child cared for by a parent, or by an entrusted carer whose care has ended, gets no
    finding, even with a disqualification recorded."""
    mother = Guardianship(
        guardian="某母",
        relation=Relation.MOTHER,
        start=day("2012-05-01"),
        disqualifications=(ABUSE,),
    )
    ended = attrs.evolve(GRANNY, end=day("2021-01-01"), disqualifications=(ABUSE,))
    children = [child(mother), child(ended, child_id="C2"), child(child_id="C3")]
    assert judge(children, CARER.id, as_of=IN_FORCE) == []


def test_every_kind_is_named_once_in_the_message() -> None:
    """Two carers barred for several reasons: each kind named once, in the order found."""
    violent = Disqualification(kind=DisqualificationKind.VIOLENCE, start=day("2015-01-01"))
    aunt = Guardianship(
        guardian="田阿姨",
        relation=Relation.OTHER_RELATIVE,
        start=day("2020-01-01"),
        entrusted=True,
        disqualifications=(ABUSE, violent),
    )
    (f,) = judge(
        [child(attrs.evolve(GRANNY, disqualifications=(ABUSE,)), aunt)], CARER.id, as_of=IN_FORCE
    )
    assert f.message.en == "The entrusted carer is barred on 2021-06-01: abuse, violence"


@st.composite
def entrusted_children(draw: st.DrawFn) -> tuple[Child, dt.date]:
    """A generated child file and a day from 2021-06-01 on; most of the time the file gains
    an entrusted guardianship in force on that day (with its carer's drawn
    disqualifications), so that the rules have something to judge."""
    c = draw(strategies.children(max_facts=2, worker_ids=(), service_point_ids=()))
    c = attrs.evolve(c, division=VILLAGE, citizen_id=None)
    first = max(IN_FORCE, c.birth_date)
    when = draw(st.dates(first, first + dt.timedelta(days=6 * 366)))
    if draw(st.integers(0, 4)):
        g = draw(strategies.guardianships(min_date=c.birth_date, max_date=when))
        end = g.end if g.end is not None and g.end > when else None
        g = attrs.evolve(g, entrusted=True, end=end)
        c = attrs.evolve(c, guardianships=(*c.guardianships, g))
    return c, when


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entrusted_children(), st.sampled_from(DisqualificationKind))
def test_a_disqualification_in_force_always_makes_entrusted_care_non_compliant(
    drawn: tuple[Child, dt.date], kind: DisqualificationKind
) -> None:
    """Adding a disqualification in force on the day to every entrusted guardianship in force
    turns any finding of the rule into non-compliant, and never adds or removes a finding."""
    c, when = drawn
    before = judge([c], CARER.id, as_of=when)
    barred = Disqualification(kind=kind, start=when)
    guardianships = tuple(
        attrs.evolve(g, disqualifications=(*g.disqualifications, barred))
        if g.entrusted and g.in_force_on(when)
        else g
        for g in c.guardianships
    )
    after = judge([attrs.evolve(c, guardianships=guardianships)], CARER.id, as_of=when)
    assert len(after) == len(before)
    assert all(f.outcome is Outcome.NON_COMPLIANT for f in after)
    assert all(kind.value in f.message.en for f in after)


# -- Art. 23: the parents' weekly contact ----------------------------------------------------------


def weekly(*days: str, parent: Parent = Parent.MOTHER) -> tuple[ParentContact, ...]:
    return tuple(ParentContact(date=day(d), parent=parent) for d in days)


def test_a_week_without_a_parent_contact_is_short_from_the_first_week_in_force() -> None:
    """2021-W22 runs from Monday 2021-05-31, the day before the law: 6 of its 7 days are in
    force, so one contact is due. Auditing on 2021-05-30 judges 2021-W21: nothing."""
    c = child(GRANNY, parent_contacts=weekly("2021-05-25", "2021-06-08"))
    assert judge([c], CONTACT.id, as_of=day("2021-05-30")) == []
    (f,) = judge([c], CONTACT.id, as_of=day("2021-06-06"))
    assert (str(f.period), f.outcome) == ("2021-W22", Outcome.NON_COMPLIANT)
    assert f.message.en == "2021-W22: 0 parent contact(s), fewer than the 1 required"
    assert "required: 1 x 6/7 days, rounded half up = 1" in f.facts
    _no_name([f])
    (f,) = judge([c], CONTACT.id, as_of=day("2021-06-13"))
    assert (str(f.period), f.outcome) == ("2021-W23", Outcome.COMPLIANT)
    assert f.facts[-1] == "1 parent contact(s) counted: 2021-06-08 mother"


def test_a_contact_on_any_day_of_the_week_counts_once_a_day() -> None:
    """A contact on the Monday before the law counts for 2021-W22; two the same day count once."""
    c = child(
        GRANNY,
        parent_contacts=(
            *weekly("2021-05-31"),
            *weekly("2021-05-31", parent=Parent.FATHER),
        ),
    )
    (f,) = judge([c], CONTACT.id, as_of=day("2021-06-06"))
    assert f.outcome is Outcome.COMPLIANT
    assert f.facts[-1] == "1 parent contact(s) counted: 2021-05-31 father"


def test_a_file_without_parent_contacts_is_missing_input() -> None:
    """Where the file records no parent contact at all, the answer is missing input."""
    (f,) = judge([child(GRANNY)], CONTACT.id, as_of=day("2021-06-13"))
    assert f.outcome is Outcome.MISSING_INPUT
    assert f.message.en == (
        "Missing input: the file records no contacts of the parents, so whether they kept in "
        "contact in 2021-W23 is unknown"
    )


def test_partial_weeks_are_pro_rated() -> None:
    """Care entrusted from Friday 2021-06-11 (3 days of 2021-W23) owes no contact: not
    applicable; from Thursday (4 days) it owes one."""
    contacts = weekly("2021-06-01")
    friday = child(attrs.evolve(GRANNY, start=day("2021-06-11")), parent_contacts=contacts)
    (f,) = judge([friday], CONTACT.id, as_of=day("2021-06-13"))
    assert f.outcome is Outcome.NOT_APPLICABLE
    assert f.message.en == (
        "2021-W23: care entrusted on 3 of 7 days; the pro-rata share rounds to no contact"
    )
    thursday = child(attrs.evolve(GRANNY, start=day("2021-06-10")), parent_contacts=contacts)
    (f,) = judge([thursday], CONTACT.id, as_of=day("2021-06-13"))
    assert f.outcome is Outcome.NON_COMPLIANT


def test_a_period_audit_judges_every_week_ending_in_it() -> None:
    """June 2021: the weeks ending on 6, 13, 20 and 27 June; only the third has no contact.
    A child without entrusted care gets no finding."""
    c = child(GRANNY, parent_contacts=weekly("2021-06-02", "2021-06-09", "2021-06-23"))
    found = judge([c, child(child_id="C2")], CONTACT.id, period=Period.month(2021, 6))
    assert [(str(f.period), f.outcome.value) for f in found] == [
        ("2021-W22", "compliant"),
        ("2021-W23", "compliant"),
        ("2021-W24", "non_compliant"),
        ("2021-W25", "compliant"),
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entrusted_children(), st.sampled_from(Parent), st.integers(0, 6))
def test_a_week_with_a_parent_contact_is_never_short(
    drawn: tuple[Child, dt.date], parent: Parent, offset: int
) -> None:
    """Adding a parent contact to the judged week makes no finding non-compliant or missing
    input, and adds or removes none."""
    c, when = drawn
    before = judge([c], CONTACT.id, as_of=when)
    (week,) = judged_periods(PeriodKind.WEEK, as_of=when, period=None)
    contact = ParentContact(date=week.start + dt.timedelta(days=offset), parent=parent)
    after = judge(
        [attrs.evolve(c, parent_contacts=(*c.parent_contacts, contact))], CONTACT.id, as_of=when
    )
    assert len(after) == len(before)
    assert not {f.outcome for f in after} & {Outcome.NON_COMPLIANT, Outcome.MISSING_INPUT}


# -- Art. 23: the written notice -----------------------------------------------------------------


def notices(*pairs: tuple[str, NoticeRecipient]) -> tuple[EntrustmentNotice, ...]:
    return tuple(EntrustmentNotice(date=day(d), recipient=r) for d, r in pairs)


SCHOOL, COMMITTEE = NoticeRecipient.SCHOOL, NoticeRecipient.COMMITTEE


def test_entrusted_care_told_to_both_recipients_is_compliant() -> None:
    """Notices to the school and the committee since the care began: compliant from
    2021-06-01; nothing the day before."""
    c = child(
        GRANNY, entrustment_notices=notices(("2019-01-05", SCHOOL), ("2019-01-06", COMMITTEE))
    )
    assert judge([c], NOTICE.id, as_of=DAY_BEFORE) == []
    (f,) = judge([c], NOTICE.id, as_of=IN_FORCE)
    assert f.outcome is Outcome.COMPLIANT
    assert f.message.en == (
        "The entrusted care was notified in writing to the school or kindergarten and the "
        "village or residents' committee"
    )
    _no_name([f])


def test_a_missing_notice_is_non_compliant_and_named() -> None:
    """No notice to the committee, a notice from before the care began, or one after the
    judged day: non-compliant, naming who was not told."""
    cases = [
        notices(("2019-01-05", SCHOOL)),
        notices(("2019-01-05", SCHOOL), ("2018-12-31", COMMITTEE)),
        notices(("2019-01-05", SCHOOL), ("2021-06-02", COMMITTEE)),
    ]
    for told in cases:
        (f,) = judge([child(GRANNY, entrustment_notices=told)], NOTICE.id, as_of=IN_FORCE)
        assert f.outcome is Outcome.NON_COMPLIANT
        assert f.message.en == (
            "No written notice of the entrusted care to the village or residents' committee by "
            "2021-06-01"
        )
        assert f.message.zh == "未将委托照护情况书面告知村（居）民委员会（2021-06-01）"
        assert "no notice to committee since 2019-01-01" in f.facts
    (f,) = judge([child(GRANNY)], NOTICE.id, as_of=IN_FORCE)
    assert f.message.zh == "未将委托照护情况书面告知学校或幼儿园、村（居）民委员会（2021-06-01）"


def test_no_entrusted_care_needs_no_notice() -> None:
    assert judge([child()], NOTICE.id, as_of=IN_FORCE) == []


# -- Art. 11: mandatory reports ------------------------------------------------------------------


def report(date: str, to: ReferralTarget, concern: ReportConcern = ReportConcern.ABUSE) -> Report:
    return Report(date=day(date), concern=concern, to=to)


def test_a_mandatory_concern_reported_only_to_a_school_is_non_compliant() -> None:
    """Abuse reported only to a school: non-compliant from 2021-06-01 (Art. 11) and from
    2020-05-07 (9号, reported); before 2020-05-07 it is not judged."""
    for when in ("2021-07-01", "2020-06-01"):
        c = child(reports=(report(when, ReferralTarget.SCHOOL),))
        (f,) = judge([c], REPORT.id, as_of=day("2021-12-31"))
        assert f.outcome is Outcome.NON_COMPLIANT
        assert f.message.en == (
            "A mandatory-reporting concern was reported to none of the authorities (public "
            f"security, civil affairs, education): {when} abuse"
        )
        assert f.day == day("2021-12-31")
    early = child(reports=(report("2020-03-01", ReferralTarget.SCHOOL),))
    assert judge([early], REPORT.id, as_of=day("2021-12-31")) == []


@pytest.mark.parametrize("authority", ["police", "civil_affairs", "education"])
def test_a_report_to_any_of_the_three_authorities_is_compliant(authority: str) -> None:
    """The same concern reported the same day to one of the three authorities as well."""
    to = ReferralTarget(authority)
    c = child(reports=(report("2021-07-01", ReferralTarget.SCHOOL), report("2021-07-01", to)))
    (f,) = judge([c], REPORT.id, as_of=day("2021-12-31"))
    assert f.outcome is Outcome.COMPLIANT
    assert f.message.en == f"Every report of a mandatory-reporting concern went to {authority}"


def test_other_recipients_and_other_concerns() -> None:
    """Only 'other': missing input (Art. 11's 等有关部门); a later report to the police does
    not mend an earlier one; living alone is not a concern of the list: no finding."""
    (f,) = judge(
        [child(reports=(report("2021-07-01", ReferralTarget.OTHER),))],
        REPORT.id,
        as_of=day("2021-12-31"),
    )
    assert f.outcome is Outcome.MISSING_INPUT
    late = child(
        reports=(
            report("2021-07-01", ReferralTarget.MEDICAL),
            report("2021-07-02", ReferralTarget.POLICE),
        )
    )
    (f,) = judge([late], REPORT.id, as_of=day("2021-12-31"))
    assert f.outcome is Outcome.NON_COMPLIANT
    alone = child(
        reports=(report("2021-07-01", ReferralTarget.SCHOOL, ReportConcern.LIVING_ALONE),)
    )
    assert judge([alone], REPORT.id, as_of=day("2021-12-31")) == []


def test_a_period_audit_judges_the_reports_of_the_period() -> None:
    """A 2021 report to a school is judged in the audit of 2021, not in that of 2022."""
    c = child(reports=(report("2021-07-01", ReferralTarget.SCHOOL),))
    (f,) = judge([c], REPORT.id, period=Period.year(2021))
    assert (f.outcome, str(f.period)) == (Outcome.NON_COMPLIANT, "2021")
    assert judge([c], REPORT.id, period=Period.year(2022)) == []


# -- reading the new facts ---------------------------------------------------------------------

REFERENCE = [
    {"record": "division", "code": "433122", "name": "泸溪县"},
]


def _child_record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "record": "child",
        "id": "C1",
        "name": "某某",
        "birth_date": "2012-05-01",
        "sex": "female",
        "division": "433122100201",
        "household": "rural",
        "guardianships": [
            {
                "guardian": CARER_NAME,
                "relation": "grandparent",
                "start": "2019-01-01",
                "entrusted": True,
                "disqualifications": [{"kind": "abuse", "start": "2017-03-01"}],
            }
        ],
        "parent_contacts": [{"date": "2021-06-02", "parent": "mother"}],
        "entrustment_notices": [
            {"date": "2019-01-05", "recipient": "school"},
            {"date": "2019-01-06", "recipient": "committee"},
        ],
    }
    record.update(changes)
    return record


def _load(tmp_path: Path, *children: dict[str, Any]) -> Any:
    path = tmp_path / "registry.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in (*REFERENCE, *children)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_registry(path)


def test_the_new_facts_are_read_from_json_lines(tmp_path: Path) -> None:
    result = _load(tmp_path, _child_record())
    assert result.rejections == ()
    (c,) = result.registry.children
    assert c.guardianships[0].disqualifications == (ABUSE,)
    assert c.parent_contacts == weekly("2021-06-02")
    assert c.entrustment_notices == notices(("2019-01-05", SCHOOL), ("2019-01-06", COMMITTEE))


def test_the_new_facts_are_written_and_read_back(tmp_path: Path) -> None:
    c = _load(tmp_path, _child_record()).registry.children[0]
    path = tmp_path / "again.jsonl"
    write_registry(path, ReferenceData(divisions=SAMPLE.reference.divisions), [c])
    assert load_registry(path).registry.children == (c,)


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        (
            {
                "guardianships": [
                    {
                        **_child_record()["guardianships"][0],
                        "disqualifications": [{"kind": "smoking", "start": "2017-03-01"}],
                    }
                ]
            },
            "$.guardianships[0].disqualifications[0].kind",
            "must be one of sexual_assault, abuse, abandonment, trafficking, violence, "
            "drug_use, alcoholism, gambling, neglected_care, other (got 'smoking')",
        ),
        (
            {
                "guardianships": [
                    {
                        **_child_record()["guardianships"][0],
                        "disqualifications": [
                            {"kind": "abuse", "start": "2017-03-01", "end": "2017-03-01"}
                        ],
                    }
                ]
            },
            "$.guardianships[0].disqualifications[0].end",
            "must be after 'start' 2017-03-01 (got 2017-03-01)",
        ),
        (
            {"parent_contacts": [{"date": "2021-02-30", "parent": "mother"}]},
            "$.parent_contacts[0].date",
            "must be a real date YYYY-MM-DD (got '2021-02-30')",
        ),
        (
            {"parent_contacts": [{"date": "2021-06-02", "parent": "uncle"}]},
            "$.parent_contacts[0].parent",
            "must be one of father, mother (got 'uncle')",
        ),
        (
            {"entrustment_notices": [{"date": "2021-06-02", "recipient": "township"}]},
            "$.entrustment_notices[0].recipient",
            "must be one of school, committee (got 'township')",
        ),
        (
            {"entrustment_notices": [{"date": "2021-06-02"}]},
            "$.entrustment_notices[0].recipient",
            "is required",
        ),
    ],
)
def test_bad_facts_are_rejected_by_record_and_field(
    tmp_path: Path, changes: dict[str, Any], path: str, message: str
) -> None:
    """A bad value is rejected with the record's number, the field's path and a message that
    never shows the carer's name."""
    result = _load(tmp_path, _child_record(**changes))
    (rejection,) = result.rejections
    assert (rejection.record, rejection.path, rejection.message) == (2, path, message)
    assert CARER_NAME not in str(rejection)


def test_a_name_in_a_disqualification_is_not_shown(tmp_path: Path) -> None:
    """A carer's name typed into a disqualification's kind is described, not shown."""
    bad = {
        **_child_record()["guardianships"][0],
        "disqualifications": [{"kind": CARER_NAME, "start": "2017-03-01"}],
    }
    (rejection,) = _load(tmp_path, _child_record(guardianships=[bad])).rejections
    assert CARER_NAME not in str(rejection)
    assert rejection.path == "$.guardianships[0].disqualifications[0].kind"
