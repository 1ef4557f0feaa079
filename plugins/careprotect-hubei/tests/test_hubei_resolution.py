"""Resolution three levels deep: Chibi (421281), then Xianning (4212), then Hubei (42, which
sets no value here), then the nation.

The staffing flags have a value at three levels: national from 2019-04-30 (民发〔2019〕34号),
Xianning from 2020-12-17 (seed 000), Chibi from 2023-03-25 (seed 001). The entrusted-
guardianship flag has two (Chibi's source says nothing of it, so Chibi falls back to
Xianning). Hubei-only parameters have no national value: outside their scope there is none.
"""

from __future__ import annotations

import datetime as dt

import pytest

from careprotect import (
    Division,
    DivisionRecord,
    Guardianship,
    Outcome,
    Period,
    ReferenceData,
    Relation,
    Topic,
)
from hubei_testkit import (
    CB_DIRECTOR,
    CHIBI_TOWNSHIP,
    CHIBI_VILLAGE,
    DIVISIONS,
    ENGINE,
    LUXI_VILLAGE,
    WORKERS,
    WUHAN_TOWNSHIP,
    WUHAN_VILLAGE,
    XIANAN_TOWNSHIP,
    XIANAN_VILLAGE,
    M,
    audit,
    child,
    contact,
    day,
    evidence,
)


def scope_and_source(name: str, division: Division, when: str) -> tuple[str, str] | None:
    """The scope and citation of the value in force, or None."""
    found = ENGINE.parameters.find(name, division, day(when))
    if found is None:
        return None
    return found.evidence.scope, found.evidence.citation.key


NATIONAL = ("national", "mf-2019-34")
XIANNING_STAFFING = ("4212", "xianning-2020-staffing")
CHIBI_STAFFING = ("421281", "chibi-2023-structure")


@pytest.mark.parametrize(
    "name", ["staffing.child_director.required", "staffing.child_supervisor.required"]
)
@pytest.mark.parametrize(
    ("when", "chibi", "xianan", "wuhan"),
    [
        ("2020-12-16", NATIONAL, NATIONAL, NATIONAL),
        ("2020-12-17", XIANNING_STAFFING, XIANNING_STAFFING, NATIONAL),
        ("2023-03-24", XIANNING_STAFFING, XIANNING_STAFFING, NATIONAL),
        ("2023-03-25", CHIBI_STAFFING, XIANNING_STAFFING, NATIONAL),
    ],
)
def test_staffing_flags_resolve_chibi_then_xianning_then_national(
    name: str,
    when: str,
    chibi: tuple[str, str],
    xianan: tuple[str, str],
    wuhan: tuple[str, str],
) -> None:
    """Chibi's value wins in Chibi from 2023-03-25; before it, and elsewhere in Xianning,
    Xianning's from 2020-12-17; in Wuhan and Hunan only the national value exists."""
    assert scope_and_source(name, CHIBI_VILLAGE, when) == chibi
    assert scope_and_source(name, XIANAN_VILLAGE, when) == xianan
    assert scope_and_source(name, WUHAN_VILLAGE, when) == wuhan
    assert scope_and_source(name, LUXI_VILLAGE, when) == NATIONAL


def coverage(when: str) -> dict[tuple[str, str], tuple[str, tuple[str, str]]]:
    """(rule, division) -> (outcome, (scope, citation) of the flag) for three villages and
    three townships, each village with its director in post and only Chibi's township with a
    supervisor."""
    divisions = (
        *DIVISIONS,
        *(
            DivisionRecord(code=d, name=f"({d})")
            for d in (
                CHIBI_VILLAGE,
                XIANAN_VILLAGE,
                WUHAN_VILLAGE,
                CHIBI_TOWNSHIP,
                XIANAN_TOWNSHIP,
                WUHAN_TOWNSHIP,
            )
        ),
    )
    reference = ReferenceData(divisions=divisions, workers=WORKERS)
    out = {}
    for f in audit([], None, reference=reference, as_of=day(when)):
        if f.rule.endswith(("per_village", "per_township")):
            e = f.evidence[0]
            out[(f.rule, str(f.division))] = (f.outcome.value, (e.scope, e.citation.key))
    return out


def test_post_coverage_findings_cite_the_most_specific_source() -> None:
    """Through an audit: on 2023-03-25 the Chibi village's finding cites seed 001, the
    Xian'an village's seed 000, the Wuhan village's 民发〔2019〕34号; on 2023-03-24 Chibi's
    cites seed 000. Outcomes do not change: a director in every village, and a supervisor in
    Chibi's township only."""
    director, supervisor = (
        "staffing.child_director.per_village",
        "staffing.child_supervisor.per_township",
    )
    assert coverage("2023-03-25") == {
        (director, str(CHIBI_VILLAGE)): ("compliant", CHIBI_STAFFING),
        (director, str(XIANAN_VILLAGE)): ("compliant", XIANNING_STAFFING),
        (director, str(WUHAN_VILLAGE)): ("compliant", NATIONAL),
        (supervisor, str(CHIBI_TOWNSHIP)): ("compliant", CHIBI_STAFFING),
        (supervisor, str(XIANAN_TOWNSHIP)): ("non_compliant", XIANNING_STAFFING),
        (supervisor, str(WUHAN_TOWNSHIP)): ("non_compliant", NATIONAL),
    }
    before = coverage("2023-03-24")
    assert before[(director, str(CHIBI_VILLAGE))] == ("compliant", XIANNING_STAFFING)
    assert before[(supervisor, str(CHIBI_TOWNSHIP))] == ("compliant", XIANNING_STAFFING)


def test_a_chibi_child_falls_back_to_xianning_where_chibi_sets_nothing() -> None:
    """The entrusted-guardianship flag: Chibi sets no value (seed 001 is silent), so a Chibi
    child's finding cites Xianning's; a Wuhan child's the nation's."""
    guardian = Guardianship(
        guardian="某祖父",
        relation=Relation.GRANDPARENT,
        start=day("2018-01-01"),
        entrusted=True,
        confirmation_signed_on=day("2018-01-02"),
    )
    children = [
        child(division=d, child_id=i, guardianships=(guardian,))
        for i, d in (("C-CB", CHIBI_VILLAGE), ("C-XA", XIANAN_VILLAGE), ("C-WH", WUHAN_VILLAGE))
    ]
    findings = audit(
        children, "left_behind.entrusted_guardianship_confirmation", as_of=day("2024-06-30")
    )
    assert [(f.subject.id, f.outcome, evidence(f)[0][2:]) for f in findings] == [
        ("C-CB", Outcome.COMPLIANT, ("2020-12-17", "4212", "hubei", "xianning-2020-confirmation")),
        ("C-XA", Outcome.COMPLIANT, ("2020-12-17", "4212", "hubei", "xianning-2020-confirmation")),
        ("C-WH", Outcome.COMPLIANT, ("2019-04-30", "national", "national", "mf-2019-34")),
    ]


@pytest.mark.parametrize(
    ("name", "chibi", "xianan", "wuhan"),
    [
        ("hubei.chibi.training.per_year", ("421281", 1), None, None),
        ("hubei.chibi.follow_ups_per_week", ("421281", 1), None, None),
        ("hubei.xianning.left_behind.contacts_per_month", ("4212", 2), ("4212", 2), None),
        ("hubei.xianning.one_plus_one.activities_per_year", ("4212", 1), ("4212", 1), None),
        ("hubei.chibi.contact.required", ("421281", True), None, None),
        ("hubei.chibi.training.required", ("421281", True), None, None),
        ("hubei.xianning.left_behind.contact.required", ("4212", True), ("4212", True), None),
        ("hubei.xianning.one_plus_n.required", ("4212", True), ("4212", True), None),
    ],
)
def test_hubei_only_parameters_have_no_value_outside_their_scope(
    name: str,
    chibi: tuple[str, int] | None,
    xianan: tuple[str, int] | None,
    wuhan: tuple[str, int] | None,
) -> None:
    """A Chibi value exists only in Chibi; a Xianning value reaches Chibi (which sets none of
    its own) and Xian'an; neither Hubei nor the nation sets these, so Wuhan has none. The
    requirement flags too: outside their scope there is no value, not even false."""

    def value(division: Division) -> tuple[str, int] | None:
        found = ENGINE.parameters.find(name, division, dt.date(2024, 6, 30))
        return None if found is None else (found.evidence.scope, found.value)

    assert (value(CHIBI_VILLAGE), value(XIANAN_VILLAGE), value(WUHAN_VILLAGE)) == (
        chibi,
        xianan,
        wuhan,
    )


def test_a_chibi_child_is_judged_by_xianning_and_chibi_rules() -> None:
    """Chibi's contact rules add to Xianning's: a Chibi left-behind child visited once a week
    (Saturdays) by the village director with a full Xianning record is judged by all three
    contact rules for June 2024 (the weeks ending in June: W22 to W26); a Xian'an child only
    by Xianning's; a Wuhan child by neither."""
    topics = {Topic.STUDY, Topic.SCHOOLING, Topic.DAILY_LIFE, Topic.MENTAL_HEALTH}
    visits = [
        contact(d, worker_id=CB_DIRECTOR, mode=M.HOME_VISIT, topics=topics)
        for d in ("2024-06-01", "2024-06-08", "2024-06-15", "2024-06-22", "2024-06-29")
    ]
    parent = Guardianship(guardian="某家长", relation=Relation.FATHER, start=day("2014-05-01"))
    chibi = child(*visits, division=CHIBI_VILLAGE, child_id="C-CB", guardianships=(parent,))
    xianan = child(*visits, division=XIANAN_VILLAGE, child_id="C-XA", guardianships=(parent,))
    wuhan = child(*visits, division=WUHAN_VILLAGE, child_id="C-WH", guardianships=(parent,))
    findings = audit([chibi, xianan, wuhan], None, period=Period.month(2024, 6))
    by_child = sorted(
        (f.subject.id, f.rule, str(f.period), f.outcome.value)
        for f in findings
        if f.rule.startswith("hubei.")
    )
    assert by_child == [
        ("C-CB", "hubei.chibi.monthly_home_visit", "2024-06", "compliant"),
        ("C-CB", "hubei.chibi.weekly_follow_up", "2024-W22", "compliant"),
        ("C-CB", "hubei.chibi.weekly_follow_up", "2024-W23", "compliant"),
        ("C-CB", "hubei.chibi.weekly_follow_up", "2024-W24", "compliant"),
        ("C-CB", "hubei.chibi.weekly_follow_up", "2024-W25", "compliant"),
        ("C-CB", "hubei.chibi.weekly_follow_up", "2024-W26", "compliant"),
        ("C-CB", "hubei.xianning.left_behind.contact", "2024-06", "compliant"),
        ("C-XA", "hubei.xianning.left_behind.contact", "2024-06", "compliant"),
    ]
