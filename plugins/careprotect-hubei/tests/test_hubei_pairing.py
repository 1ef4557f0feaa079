"""Xianning's "1+1" and "1+N" (seed 003, 荆楚网, 2024).

"1+1" (from 2023-12-29): each party member of the city civil-affairs bureau pairs with one
orphaned or disabled child of the city welfare centre, contacts the child at least once a
month and takes the child to at least one memorable activity a year. Children carry a
``Pairing`` under the scheme ``xianning-1+1``.

"1+N": one counsellor with social workers gives each enrolled child a home counselling
session once a week. Children carry an ``Enrolment`` in the programme ``xianning-1+N``; the
seed names no date, so the duty holds from 2024-01-01 (a documented choice).

Each scheme has a requirement flag, false from 2000-01-01 (the plugin's modelling choice) and
true from its start: periods wholly before the start have no finding, and the period in which
it starts is pro-rated.
"""

from __future__ import annotations

from typing import Any

import pytest

import careprotect_hubei
from careprotect import Child, Contact, Enrolment, Outcome, Pairing, Period
from hubei_testkit import (
    CHIBI_VILLAGE,
    COUNSELLOR,
    ENGINE,
    OTHER_PARTY_MEMBER,
    PARTY_MEMBER,
    SOCIAL_WORKER,
    VOLUNTEER,
    WUHAN_VILLAGE,
    XA_DIRECTOR,
    XIANAN_VILLAGE,
    M,
    audit,
    child,
    contact,
    day,
    evidence,
    outcomes,
)

START_DATES = "careprotect-hubei-start-dates"
ONE_PLUS_ONE_REQUIRED = "hubei.xianning.one_plus_one.required"
ONE_PLUS_N_REQUIRED = "hubei.xianning.one_plus_n.required"
MONTHLY = "hubei.xianning.one_plus_one.monthly_contact"
YEARLY = "hubei.xianning.one_plus_one.yearly_activity"
WEEKLY = "hubei.xianning.one_plus_n.weekly_home_session"
SCHEME = careprotect_hubei.ONE_PLUS_ONE_SCHEME
PROGRAMME = careprotect_hubei.ONE_PLUS_N_PROGRAMME


def test_the_scheme_and_programme_names() -> None:
    """The names a registry records are data fixed by the plugin."""
    assert (SCHEME, PROGRAMME) == ("xianning-1+1", "xianning-1+N")


def paired(*contacts: Contact, start: str = "2023-12-29", end: str | None = None) -> Child:
    """A child of the welfare centre (no parent facts) paired with the party member."""
    pairing = Pairing(
        worker=PARTY_MEMBER,
        scheme=SCHEME,
        start=day(start),
        end=None if end is None else day(end),
    )
    return child(*contacts, away_since=None, pairings=(pairing,))


def by_member(when: str, mode: M = M.PHONE, worker_id: str = PARTY_MEMBER) -> Contact:
    return contact(when, worker_id=worker_id, mode=mode, topics=())


# -- "1+1": once a month ---------------------------------------------------------------------


def test_no_contact_in_a_month_is_non_compliant_and_one_is_compliant() -> None:
    """At least one contact a month by the paired party member, in any mode."""
    (none,) = audit([paired()], MONTHLY, period=Period.month(2024, 3))
    assert none.outcome is Outcome.NON_COMPLIANT
    assert none.message.en == "2024-03: 0 contact(s) counted, fewer than the 1 required"
    for mode in M:
        (one,) = audit(
            [paired(by_member("2024-03-08", mode))], MONTHLY, period=Period.month(2024, 3)
        )
        assert one.outcome is Outcome.COMPLIANT, mode
    assert evidence(one) == [
        (
            "hubei.xianning.one_plus_one.contacts_per_month",
            1,
            "2023-12-29",
            "4212",
            "hubei",
            "xianning-2023-one-plus-one",
        ),
        (ONE_PLUS_ONE_REQUIRED, True, "2023-12-29", "4212", "hubei", "xianning-2023-one-plus-one"),
    ]


def test_only_the_paired_members_contact_counts() -> None:
    """A call by another party member or the village director does not count."""
    c = paired(
        by_member("2024-03-08", worker_id=OTHER_PARTY_MEMBER),
        by_member("2024-03-09", worker_id=XA_DIRECTOR),
    )
    (finding,) = audit([c], MONTHLY, period=Period.month(2024, 3))
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert (
        f"not counted: 2024-03-08 phone (by {OTHER_PARTY_MEMBER}, not the paired worker)"
        in finding.facts
    )


def test_the_month_of_the_launch_owes_nothing() -> None:
    """Paired on 2023-12-29: 3 of December's 31 days round to no contact (not applicable);
    January 2024 owes one."""
    c = paired()
    assert outcomes(audit([c], MONTHLY, period=Period.month(2023, 12))) == [
        ("C1", "2023-12", "not_applicable")
    ]
    assert outcomes(audit([c], MONTHLY, period=Period.month(2024, 1))) == [
        ("C1", "2024-01", "non_compliant")
    ]


def test_the_frequency_holds_from_2023_12_29() -> None:
    """The day before the launch the flag is false (the plugin's modelling choice, from
    2000-01-01) and no frequency is in force; on it the flag is true, one a month and one a
    year, all cited to seed 003."""
    before = ENGINE.parameters.find(ONE_PLUS_ONE_REQUIRED, XIANAN_VILLAGE, day("2023-12-28"))
    assert before is not None
    assert (before.value, before.evidence.effective.isoformat()) == (False, "2000-01-01")
    assert before.evidence.citation.key == START_DATES
    on = ENGINE.parameters.find(ONE_PLUS_ONE_REQUIRED, XIANAN_VILLAGE, day("2023-12-29"))
    assert on is not None
    assert (on.value, on.evidence.citation.key) == (True, "xianning-2023-one-plus-one")
    for name in (
        "hubei.xianning.one_plus_one.contacts_per_month",
        "hubei.xianning.one_plus_one.activities_per_year",
    ):
        assert ENGINE.parameters.find(name, XIANAN_VILLAGE, day("2023-12-28")) is None
        found = ENGINE.parameters.find(name, XIANAN_VILLAGE, day("2023-12-29"))
        assert found is not None
        assert found.value == 1


def test_a_pairing_made_before_the_launch_is_judged_from_it() -> None:
    """Paired under the scheme from 2023-11-01: November 2023 lies wholly before the launch (no
    finding). In December the duty holds on 3 of 31 days (the 29th to the 31st): 1 x 3/31
    rounds to no contact, so not applicable; a call on the 28th, the day before the launch,
    does not count, one on the 29th, the launch day, does. January 2024 owes one. The year
    2022 has no finding; 2023 holds the duty on 3 of 365 days (not applicable)."""
    c = paired(by_member("2023-12-28"), by_member("2023-12-29"), start="2023-11-01")
    assert audit([c], MONTHLY, period=Period.month(2023, 11)) == []
    (december,) = audit([c], MONTHLY, period=Period.month(2023, 12))
    assert december.outcome is Outcome.NOT_APPLICABLE
    assert december.message.en == (
        "2023-12: on the list 3 of 31 days; the pro-rata share rounds to no contact"
    )
    assert december.facts == (
        f"scheme {SCHEME} with {PARTY_MEMBER} 2023-12-01..2023-12-31",
        f"{ONE_PLUS_ONE_REQUIRED} is false 2023-12-01..2023-12-28",
        "required: 1 x 3/31 days, rounded half up = 0",
        "1 contact counted: 2023-12-29 phone",
        "not counted: 2023-12-28 phone (not on the list that day)",
    )
    assert outcomes(audit([c], MONTHLY, period=Period.month(2024, 1))) == [
        ("C1", "2024-01", "non_compliant")
    ]
    assert audit([c], YEARLY, period=Period.year(2022)) == []
    (y2023,) = audit([c], YEARLY, period=Period.year(2023))
    assert y2023.outcome is Outcome.NOT_APPLICABLE
    assert "required: 1 x 3/365 days, rounded half up = 0" in y2023.facts


def test_a_pairing_ending_before_the_launch_gets_no_finding() -> None:
    """A pairing recorded under the scheme from 2023-12-01: ending on 2023-12-28 (its last
    day, the 29th exclusive) it never meets the duty, so December has no finding; ending a day
    later it meets the duty on one day, 1 x 1/31 rounds to no contact (not applicable), and a
    call on 2023-12-05, before the launch, does not count."""
    ended = paired(by_member("2023-12-05"), start="2023-12-01", end="2023-12-29")
    assert audit([ended], MONTHLY, as_of=day("2023-12-31")) == []
    one_day = paired(by_member("2023-12-05"), start="2023-12-01", end="2023-12-30")
    (judged,) = audit([one_day], MONTHLY, as_of=day("2023-12-31"))
    assert judged.outcome is Outcome.NOT_APPLICABLE
    assert "required: 1 x 1/31 days, rounded half up = 0" in judged.facts
    assert "not counted: 2023-12-05 phone (not on the list that day)" in judged.facts


# -- "1+1": one memorable activity a year ----------------------------------------------------


def test_no_activity_in_a_year_is_non_compliant_and_one_is_compliant() -> None:
    """2024: no activity is non-compliant; calls every month do not make an activity; one
    activity with the paired member is compliant."""
    calls = [by_member(f"2024-{m:02d}-10") for m in range(1, 13)]
    (none,) = audit([paired(*calls)], YEARLY, period=Period.year(2024))
    assert none.outcome is Outcome.NON_COMPLIANT
    assert "not counted: 2024-01-10 phone (mode does not count)" in none.facts
    (one,) = audit([paired(by_member("2024-06-01", M.ACTIVITY))], YEARLY, period=Period.year(2024))
    assert one.outcome is Outcome.COMPLIANT
    assert one.message.en == "2024: 1 contact(s) counted, 1 required"


def test_an_activity_with_someone_else_does_not_count() -> None:
    """The activity must be the paired member's."""
    other = by_member("2024-06-01", M.ACTIVITY, worker_id=OTHER_PARTY_MEMBER)
    (finding,) = audit([paired(other)], YEARLY, period=Period.year(2024))
    assert finding.outcome is Outcome.NON_COMPLIANT


def test_the_year_of_the_launch_owes_no_activity() -> None:
    """Paired for 3 days of 2023: not applicable. The first and last day of 2024 count."""
    assert outcomes(audit([paired()], YEARLY, as_of=day("2023-12-31"))) == [
        ("C1", "2023", "not_applicable")
    ]
    first = paired(by_member("2024-01-01", M.ACTIVITY))
    last = paired(by_member("2024-12-31", M.ACTIVITY))
    after = paired(by_member("2025-01-01", M.ACTIVITY))
    assert [f.outcome for f in audit([first], YEARLY, as_of=day("2024-12-31"))] == [
        Outcome.COMPLIANT
    ]
    assert [f.outcome for f in audit([last], YEARLY, as_of=day("2024-12-31"))] == [
        Outcome.COMPLIANT
    ]
    assert [f.outcome for f in audit([after], YEARLY, as_of=day("2024-12-31"))] == [
        Outcome.NON_COMPLIANT
    ]


def test_children_who_are_not_paired_get_no_finding() -> None:
    """A left-behind child without a pairing, or paired under another scheme, is not judged by
    the "1+1" rules."""
    other = Pairing(worker=PARTY_MEMBER, scheme="chibi-loving-mothers", start=day("2023-01-01"))
    children = [child(), child(child_id="C2", pairings=(other,))]
    assert audit(children, MONTHLY, period=Period.month(2024, 3)) == []
    assert audit(children, YEARLY, period=Period.year(2024)) == []


# -- "1+N": a home counselling session every week ----------------------------------------------


def enrolled(*contacts: Contact, start: str = "2024-03-04", **kw: Any) -> Child:
    """A left-behind child enrolled in "1+N" from ``start`` (a Monday by default)."""
    enrolment = Enrolment(programme=PROGRAMME, start=day(start))
    return child(*contacts, enrolments=(enrolment,), **kw)


def session(when: str, worker_id: str = COUNSELLOR, mode: M = M.COUNSELLING) -> Contact:
    return contact(when, worker_id=worker_id, mode=mode, topics=())


WEEK_10 = Period.week(2024, 10)  # 2024-03-04 .. 2024-03-10


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        ((), Outcome.NON_COMPLIANT),
        ((session("2024-03-06"),), Outcome.COMPLIANT),
        ((session("2024-03-10", SOCIAL_WORKER, M.HOME_VISIT),), Outcome.COMPLIANT),
        ((session("2024-03-06", mode=M.PHONE),), Outcome.NON_COMPLIANT),
        ((session("2024-03-06", mode=M.ACTIVITY),), Outcome.NON_COMPLIANT),
        ((session("2024-03-06", VOLUNTEER),), Outcome.NON_COMPLIANT),
        ((session("2024-03-06", XA_DIRECTOR, M.HOME_VISIT),), Outcome.NON_COMPLIANT),
        ((session("2024-03-11"),), Outcome.NON_COMPLIANT),
        ((session("2024-03-06", "W-NOBODY"),), Outcome.MISSING_INPUT),
    ],
)
def test_one_session_a_week(contacts: tuple[Contact, ...], expected: Outcome) -> None:
    """A counselling session or home visit by the counsellor or a social worker in the ISO week
    counts; a call, an activity, a volunteer's or a child director's visit, or a session the
    next Monday does not; one by a worker not on file would decide it: missing input."""
    (finding,) = audit([enrolled(*contacts)], WEEKLY, as_of=day("2024-03-10"))
    assert finding.period == WEEK_10
    assert finding.outcome is expected


def test_the_weekly_frequency_holds_from_2024_01_01() -> None:
    """The flag is false on 2023-12-31 (the plugin's modelling choice) and true from
    2024-01-01, the chosen date, cited to seed 003. Enrolled from Monday 2023-12-25: the weeks
    ending in December 2023 (2023-W52 included) have no finding. 2024-01-01 is a Monday, so
    2024-W01 is the first week and is judged whole: a session on the start day meets it, one
    on Sunday 2023-12-31, the day before, does not."""
    before = ENGINE.parameters.find(ONE_PLUS_N_REQUIRED, XIANAN_VILLAGE, day("2023-12-31"))
    assert before is not None
    assert (before.value, before.evidence.citation.key) == (False, START_DATES)
    on = ENGINE.parameters.find(ONE_PLUS_N_REQUIRED, XIANAN_VILLAGE, day("2024-01-01"))
    assert on is not None
    assert (on.value, on.evidence.citation.key) == (True, "xianning-one-plus-n")
    c = enrolled(session("2023-12-27"), session("2024-01-01"), start="2023-12-25")
    assert audit([c], WEEKLY, period=Period.month(2023, 12)) == []
    assert audit([c], WEEKLY, as_of=day("2023-12-31")) == []
    (w01,) = audit([c], WEEKLY, as_of=day("2024-01-07"))
    assert (str(w01.period), w01.outcome) == ("2024-W01", Outcome.COMPLIANT)
    assert w01.facts == (
        f"programme {PROGRAMME} 2024-01-01..2024-01-07",
        "required: 1 x 7/7 days, rounded half up = 1",
        "1 contact counted: 2024-01-01 counselling",
    )
    assert evidence(w01) == [
        (
            "hubei.xianning.one_plus_n.sessions_per_week",
            1,
            "2024-01-01",
            "4212",
            "hubei",
            "xianning-one-plus-n",
        ),
        (ONE_PLUS_N_REQUIRED, True, "2024-01-01", "4212", "hubei", "xianning-one-plus-n"),
    ]
    day_before = enrolled(session("2023-12-31"), start="2023-12-25")
    (w01,) = audit([day_before], WEEKLY, as_of=day("2024-01-07"))
    assert w01.outcome is Outcome.NON_COMPLIANT


def test_enrolment_decides_who_is_judged() -> None:
    """Not enrolled: no finding. Enrolled in Chibi (in Xianning): judged. Enrolled in Wuhan:
    outside Xianning, no finding."""
    plain = child(child_id="C-plain")
    chibi = enrolled(child_id="C-CB", division=CHIBI_VILLAGE)
    wuhan = enrolled(child_id="C-WH", division=WUHAN_VILLAGE)
    assert outcomes(audit([plain, chibi, wuhan], WEEKLY, as_of=day("2024-03-10"))) == [
        ("C-CB", "2024-W10", "non_compliant")
    ]
