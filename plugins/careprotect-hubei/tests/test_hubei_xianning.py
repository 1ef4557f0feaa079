"""Xianning (4212), seed 000 (咸宁网, 2020-12-17): a child director contacts each left-behind
child at least twice a month by phone or home visit and records study, schooling, daily life
and mental health; the entrusted guardian signs the entrusted-guardianship confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from careprotect import (
    Agreement,
    AgreementKind,
    Child,
    Contact,
    Guardianship,
    HouseholdType,
    Message,
    Outcome,
    Period,
    Relation,
    Topic,
)
from hubei_testkit import (
    CB_DIRECTOR,
    CHIBI_VILLAGE,
    ENGINE,
    LUXI_VILLAGE,
    LX_DIRECTOR,
    VOLUNTEER,
    WH_DIRECTOR,
    WUHAN_VILLAGE,
    XIANAN_VILLAGE,
    M,
    audit,
    child,
    contact,
    day,
    evidence,
    outcomes,
)

RULE = "hubei.xianning.left_behind.contact"
CONFIRMATION = "left_behind.entrusted_guardianship_confirmation"
JUNE = Period.month(2024, 6)


# -- twice a month -------------------------------------------------------------------------


def test_one_contact_short_is_non_compliant_and_two_are_compliant() -> None:
    """Two contacts a month: one is non-compliant, two (a visit and a call) are compliant; the
    evidence is Xianning's two parameters and its requirement flag from 2020-12-17, cited to
    seed 000."""
    (short,) = audit([child(contact("2024-06-03"))], RULE, period=JUNE)
    assert short.outcome is Outcome.NON_COMPLIANT
    assert short.message == Message(
        "2024-06：计入联系 1 次，少于应有的 2 次",
        "2024-06: 1 contact(s) counted, fewer than the 2 required",
    )
    two = child(contact("2024-06-03"), contact("2024-06-19", mode=M.PHONE))
    (enough,) = audit([two], RULE, period=JUNE)
    assert enough.outcome is Outcome.COMPLIANT
    assert enough.facts == (
        "left_behind 2024-06-01..2024-06-30",
        "required: 2 x 30/30 days, rounded half up = 2",
        "2 contacts counted: 2024-06-03 home_visit, 2024-06-19 phone",
    )
    assert evidence(enough) == [
        (
            "hubei.xianning.left_behind.contacts_per_month",
            2,
            "2020-12-17",
            "4212",
            "hubei",
            "xianning-2020-visits",
        ),
        (
            "hubei.xianning.left_behind.visit_topics",
            ("study", "schooling", "daily_life", "mental_health"),
            "2020-12-17",
            "4212",
            "hubei",
            "xianning-2020-visits",
        ),
        (
            "hubei.xianning.left_behind.contact.required",
            True,
            "2020-12-17",
            "4212",
            "hubei",
            "xianning-2020-visits",
        ),
    ]
    assert [c.key for c in enough.citations] == ["xianning-2020-visits"]
    assert str(enough.citations[0]).startswith(
        "咸宁网《关心关爱儿童 咸宁配备1058名儿童主任》(no number published)"
    )


@pytest.mark.parametrize(
    ("second", "reason"),
    [
        (contact("2024-06-19", mode=M.VIDEO), "2024-06-19 video (mode does not count)"),
        (contact("2024-06-19", mode=M.ACTIVITY), "2024-06-19 activity (mode does not count)"),
        (
            contact("2024-06-19", topics={Topic.STUDY, Topic.SCHOOLING, Topic.DAILY_LIFE}),
            "2024-06-19 home_visit (record lacks mental_health)",
        ),
        (
            contact("2024-06-19", worker_id=VOLUNTEER),
            "2024-06-19 home_visit (by a volunteer, a role that does not count)",
        ),
        (contact("2024-06-03", mode=M.PHONE), "2024-06-03 phone (same day as a counted contact)"),
    ],
)
def test_a_second_contact_that_does_not_count(second: Contact, reason: str) -> None:
    """Only calls and home visits by a child director count, only when the record covers all
    four topics, and only one a day: with such a second contact the month stays short."""
    (finding,) = audit([child(contact("2024-06-03"), second)], RULE, period=JUNE)
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert f"not counted: {reason}" in finding.facts


def test_a_record_covering_more_than_the_four_topics_counts() -> None:
    """A record that also covers safety still covers the four topics."""
    extra = contact("2024-06-19", topics={*Topic})
    (finding,) = audit([child(contact("2024-06-03"), extra)], RULE, period=JUNE)
    assert finding.outcome is Outcome.COMPLIANT


def test_a_director_of_another_village_counts() -> None:
    """The rule names the role, not the village: a call by a Chibi child director counts."""
    other = contact("2024-06-19", worker_id=CB_DIRECTOR, mode=M.PHONE)
    (finding,) = audit([child(contact("2024-06-03"), other)], RULE, period=JUNE)
    assert finding.outcome is Outcome.COMPLIANT


def test_a_contact_by_a_worker_not_on_file_is_missing_input() -> None:
    """Whether a contact by an unknown worker was a child director's cannot be told: when it
    would decide the month, the answer is missing input, never compliant."""
    unknown = contact("2024-06-19", worker_id="W-NOBODY")
    (finding,) = audit([child(contact("2024-06-03"), unknown)], RULE, period=JUNE)
    assert finding.outcome is Outcome.MISSING_INPUT


def test_the_first_and_last_day_of_the_month_count() -> None:
    """Calls on 1 and 30 June count for June; one on 31 May and one on 1 July do not."""
    c = child(
        contact("2024-05-31"),
        contact("2024-06-01", mode=M.PHONE),
        contact("2024-06-30", mode=M.PHONE),
        contact("2024-07-01"),
    )
    assert outcomes(audit([c], RULE, period=JUNE)) == [("C1", "2024-06", "compliant")]
    assert outcomes(audit([c], RULE, period=Period.month(2024, 5))) == [
        ("C1", "2024-05", "non_compliant")
    ]


def test_a_child_becoming_left_behind_mid_month_owes_a_share() -> None:
    """Parents away from 2024-06-16: 15 of 30 days on the list, so one contact is due, and
    a visit before the 16th does not count."""
    c = child(contact("2024-06-10"), contact("2024-06-20"), away_since="2024-06-16")
    (finding,) = audit([c], RULE, period=JUNE)
    assert finding.outcome is Outcome.COMPLIANT
    assert finding.message.en == "2024-06: 1 contact(s) counted, 1 required"
    assert "not counted: 2024-06-10 home_visit (not on the list that day)" in finding.facts


# -- from 2020-12-17 -----------------------------------------------------------------------

REQUIRED = "hubei.xianning.left_behind.contact.required"
DECEMBER_2020 = Period.month(2020, 12)


def test_the_duty_starts_on_the_report_date() -> None:
    """The report's date is 2020-12-17 and the text names no earlier start. On 2020-12-16 the
    flag is false (the plugin's modelling choice, from 2000-01-01) and the frequency has no
    value; on 2020-12-17 the flag is true and the frequency is 2, both cited to seed 000.
    Before 2000-01-01 the flag has no value at all (never read as false)."""
    before = ENGINE.parameters.find(REQUIRED, XIANAN_VILLAGE, day("2020-12-16"))
    assert before is not None
    assert (before.value, before.evidence.effective.isoformat(), before.evidence.citation.key) == (
        False,
        "2000-01-01",
        "careprotect-hubei-start-dates",
    )
    on = ENGINE.parameters.find(REQUIRED, XIANAN_VILLAGE, day("2020-12-17"))
    assert on is not None
    assert (on.value, on.evidence.citation.key) == (True, "xianning-2020-visits")
    assert ENGINE.parameters.find(REQUIRED, XIANAN_VILLAGE, day("1999-12-31")) is None
    name = "hubei.xianning.left_behind.contacts_per_month"
    assert ENGINE.parameters.find(name, XIANAN_VILLAGE, day("2020-12-16")) is None
    found = ENGINE.parameters.find(name, XIANAN_VILLAGE, day("2020-12-17"))
    assert found is not None
    assert found.value == 2


def test_november_2020_has_no_finding() -> None:
    """November 2020 lies wholly before the duty: the child is not judged (no finding, not
    missing input), whatever contacts were made; so is every month of 2020 before December."""
    c = child(contact("2020-11-03"), contact("2020-12-01"))
    assert audit([c], RULE, period=Period.month(2020, 11)) == []
    assert audit([c], RULE, as_of=day("2020-12-16")) == []  # judges November
    assert audit([c], RULE, as_of=day("2020-12-17")) == []  # still November
    assert outcomes(audit([c], RULE, period=Period.year(2020))) == [
        ("C1", "2020-12", "non_compliant")
    ]


def test_december_2020_is_pro_rated_from_the_17th() -> None:
    """The flag is true on 15 of December's 31 days (the 17th to the 31st): 2 x 15/31 rounded
    half up is 1 contact. A contact on the 16th, the day before the start, does not count; one
    on the 17th, the start day, does."""
    day_before = child(contact("2020-12-16"))
    (short,) = audit([day_before], RULE, period=DECEMBER_2020)
    assert short.outcome is Outcome.NON_COMPLIANT
    assert short.message.en == "2020-12: 0 contact(s) counted, fewer than the 1 required"
    assert short.facts == (
        "left_behind 2020-12-01..2020-12-31",
        f"{REQUIRED} is false 2020-12-01..2020-12-16",
        "required: 2 x 15/31 days, rounded half up = 1",
        "0 contacts counted",
        "not counted: 2020-12-16 home_visit (not on the list that day)",
    )
    start_day = child(contact("2020-12-17", mode=M.PHONE))
    (met,) = audit([start_day], RULE, as_of=day("2020-12-31"))
    assert (met.period, met.outcome) == (DECEMBER_2020, Outcome.COMPLIANT)
    assert met.message.en == "2020-12: 1 contact(s) counted, 1 required"
    assert "1 contact counted: 2020-12-17 phone" in met.facts
    assert evidence(met)[-1] == (
        REQUIRED,
        True,
        "2020-12-17",
        "4212",
        "hubei",
        "xianning-2020-visits",
    )


def test_two_contacts_before_the_17th_do_not_meet_december_2020() -> None:
    """Contacts on the 1st and the 10th of December, before the duty, count for nothing; a
    single contact on the last day meets the month's share."""
    early = child(contact("2020-12-01"), contact("2020-12-10", mode=M.PHONE))
    (finding,) = audit([early], RULE, period=DECEMBER_2020)
    assert finding.outcome is Outcome.NON_COMPLIANT
    last_day = child(contact("2020-12-01"), contact("2020-12-31"))
    (finding,) = audit([last_day], RULE, period=DECEMBER_2020)
    assert finding.outcome is Outcome.COMPLIANT


def test_january_2021_is_the_first_whole_month() -> None:
    """From January 2021 the whole month owes two contacts."""
    c = child(contact("2021-01-05"))
    (finding,) = audit([c], RULE, period=Period.month(2021, 1))
    assert finding.outcome is Outcome.NON_COMPLIANT
    assert "required: 2 x 31/31 days, rounded half up = 2" in finding.facts


# -- who is judged ---------------------------------------------------------------------------


def test_the_rule_covers_chibi_and_no_child_outside_xianning() -> None:
    """Registration for 4212: a Chibi child is judged; children in Wuhan (4201) and Luxi (43)
    with the same contacts by their own directors get no finding of the rule."""
    chibi = child(
        contact("2024-06-03", worker_id=CB_DIRECTOR),
        contact("2024-06-19", worker_id=CB_DIRECTOR),
        division=CHIBI_VILLAGE,
        child_id="C-CB",
    )
    wuhan = child(
        contact("2024-06-03", worker_id=WH_DIRECTOR),
        division=WUHAN_VILLAGE,
        child_id="C-WH",
    )
    luxi = child(
        contact("2024-06-03", worker_id=LX_DIRECTOR),
        division=LUXI_VILLAGE,
        child_id="C-LX",
    )
    assert outcomes(audit([chibi, wuhan, luxi], RULE, period=JUNE)) == [
        ("C-CB", "2024-06", "compliant")
    ]


def test_a_child_who_is_not_left_behind_gets_no_finding() -> None:
    """Urban household, parents at home, or turned 16: not on the list, no finding."""
    urban = child(household=HouseholdType.URBAN, child_id="C-U")
    at_home = child(away_since=None, child_id="C-H")
    older = child(child_id="C-16")
    assert audit([urban, at_home], RULE, period=JUNE) == []
    # born 2014-05-01: left-behind until the 16th birthday, 2030-05-01 (exclusive)
    assert outcomes(audit([older], RULE, period=Period.month(2030, 4))) == [
        ("C-16", "2030-04", "non_compliant")
    ]
    assert audit([older], RULE, period=Period.month(2030, 5)) == []


# -- the entrusted-guardianship confirmation ---------------------------------------------------


def _entrusted(signed: dt.date | None, **kw: Any) -> Child:
    guardian = Guardianship(
        guardian="某祖母",
        relation=Relation.GRANDPARENT,
        start=day("2018-01-01"),
        entrusted=True,
        confirmation_signed_on=signed,
    )
    return child(guardianships=(guardian,), **kw)


def test_the_confirmation_cites_xianning_from_2020_12_17() -> None:
    """The national rule judges Xianning's left-behind children; from 2020-12-17 its flag is
    Xianning's value citing seed 000, before that the national one (民发〔2019〕34号)."""
    c = _entrusted(day("2018-01-05"))
    (before,) = audit([c], CONFIRMATION, as_of=day("2020-12-16"))
    (on,) = audit([c], CONFIRMATION, as_of=day("2020-12-17"))
    assert before.outcome is on.outcome is Outcome.COMPLIANT
    assert evidence(before)[0] == (
        "entrusted_guardianship.confirmation.required",
        True,
        "2019-04-30",
        "national",
        "national",
        "mf-2019-34",
    )
    assert evidence(on)[0] == (
        "entrusted_guardianship.confirmation.required",
        True,
        "2020-12-17",
        "4212",
        "hubei",
        "xianning-2020-confirmation",
    )


def test_an_unsigned_confirmation_is_non_compliant() -> None:
    """An entrusted guardian who has signed nothing: non-compliant; a confirmation agreement
    signed after the guardianship began makes it compliant."""
    unsigned = _entrusted(None)
    (finding,) = audit([unsigned], CONFIRMATION, as_of=day("2024-06-30"))
    assert finding.outcome is Outcome.NON_COMPLIANT
    signed = _entrusted(
        None,
        agreements=(
            Agreement(
                kind=AgreementKind.ENTRUSTED_GUARDIANSHIP_CONFIRMATION,
                signed_on=day("2019-03-01"),
            ),
        ),
    )
    (finding,) = audit([signed], CONFIRMATION, as_of=day("2024-06-30"))
    assert finding.outcome is Outcome.COMPLIANT
