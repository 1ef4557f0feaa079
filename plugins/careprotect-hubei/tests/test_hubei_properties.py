"""Properties of the Hubei rules, checked with hypothesis through Engine.audit:

- adding a contact never makes any period's outcome worse;
- a Xianning rule never gives a finding about a subject outside 4212, a Chibi rule never
  outside 421281 (and a left-behind child inside Xianning always gets Xianning's finding);
- the same input gives the same findings, whatever the order of the contacts and whichever
  engine built from the plugin judges it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import careprotect_hubei
from careprotect import (
    Child,
    Contact,
    Division,
    Engine,
    Enrolment,
    Guardianship,
    Level,
    Outcome,
    Pairing,
    ParentSituationKind,
    Period,
    Relation,
)
from careprotect.findings import Finding, SubjectKind
from careprotect.testing import children, contacts, divisions
from hubei_testkit import (
    CHIBI_VILLAGE,
    ENGINE,
    PARTY_MEMBER,
    REFERENCE,
    WORKERS,
    audit,
    child,
)

XIANNING = Division("4212")
CHIBI = Division("421281")
WORKER_IDS = [w.id for w in WORKERS] + ["W-NOBODY"]
JUNE: dict[str, Any] = {"period": Period.month(2024, 6)}
YEAR_END: dict[str, Any] = {"as_of": dt.date(2024, 12, 31)}

CONTACTS = st.lists(
    st.one_of(
        contacts(WORKER_IDS, dt.date(2024, 5, 20), dt.date(2024, 7, 7)),
        contacts(WORKER_IDS, dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
    ),
    max_size=8,
)
ONE_CONTACT = st.one_of(
    contacts(WORKER_IDS, dt.date(2024, 5, 20), dt.date(2024, 7, 7)),
    contacts(WORKER_IDS, dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
)
SINCE = st.sampled_from(["2018-01-01", "2024-06-12", "2024-06-27", "2024-12-20"])
PARENT = Guardianship(guardian="某家长", relation=Relation.MOTHER, start=dt.date(2014, 5, 1))


def on_every_list(found: list[Contact], since: str, division: Division = CHIBI_VILLAGE) -> Child:
    """A Chibi left-behind child from ``since``, paired under "1+1" and enrolled in "1+N"
    from the same day: every Hubei contact rule judges the child."""
    start = dt.date.fromisoformat(since)
    return child(
        *found,
        division=division,
        away_since=since,
        guardianships=(PARENT,),
        pairings=(
            Pairing(worker=PARTY_MEMBER, scheme=careprotect_hubei.ONE_PLUS_ONE_SCHEME, start=start),
        ),
        enrolments=(Enrolment(programme=careprotect_hubei.ONE_PLUS_N_PROGRAMME, start=start),),
    )


def hubei_findings(c: Child, engine: Engine = ENGINE) -> list[Finding]:
    """The child's findings under the Hubei rules, for June 2024 and the periods ending on
    2024-12-31 (December, 2024-W52 and the year 2024). The workers of the reference data
    have findings of their own (training); only the child's are kept."""
    return [
        f
        for when in (JUNE, YEAR_END)
        for f in audit([c], engine=engine, **when)
        if f.rule.startswith("hubei.") and f.subject.kind is SubjectKind.CHILD
    ]


RANK = {Outcome.NON_COMPLIANT: 0, Outcome.MISSING_INPUT: 1, Outcome.COMPLIANT: 2}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(found=CONTACTS, extra=ONE_CONTACT, since=SINCE)
def test_adding_a_contact_never_makes_an_outcome_worse(
    found: list[Contact], extra: Contact, since: str
) -> None:
    """Property: with one more contact every rule judges the same periods, and no outcome
    gets worse (compliant stays compliant; not applicable stays not applicable)."""
    before = hubei_findings(on_every_list(found, since))
    after = hubei_findings(on_every_list([*found, extra], since))
    assert [(f.rule, f.period) for f in before] == [(f.rule, f.period) for f in after]
    assert {f.rule for f in before} == {
        r.id for r in careprotect_hubei.RULES if r.subject is SubjectKind.CHILD
    }
    for b, a in zip(before, after, strict=True):
        if b.outcome in RANK:
            assert RANK[a.outcome] >= RANK[b.outcome], (b, a)
        else:
            assert a.outcome is b.outcome


PLACES = st.sampled_from(
    [Division("43"), Division("4201"), Division("42"), XIANNING, CHIBI, Division("421202")]
)


def any_child(place: Division) -> st.SearchStrategy[Child]:
    """Any child file in ``place`` (careprotect.testing's strategy), or a ten-year-old with
    both parents working away; half of them paired under "1+1" and enrolled in "1+N" from
    2024-01-01, so that every Hubei rule has something to judge."""
    some = children(division=place, worker_ids=WORKER_IDS)
    away = children(
        division=place,
        age_on=(dt.date(2024, 6, 1), 10),
        parent_situations=[ParentSituationKind.WORKING_AWAY],
        worker_ids=WORKER_IDS,
    )
    start = dt.date(2024, 1, 1)
    listed = st.builds(
        lambda c, found: attrs.evolve(
            c,
            contacts=(*c.contacts, *found),
            pairings=(
                Pairing(
                    worker=PARTY_MEMBER, scheme=careprotect_hubei.ONE_PLUS_ONE_SCHEME, start=start
                ),
            ),
            enrolments=(Enrolment(programme=careprotect_hubei.ONE_PLUS_N_PROGRAMME, start=start),),
        ),
        some | away,
        CONTACTS,
    )
    return some | away | listed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), place=PLACES)
def test_rules_never_reach_outside_their_scope(data: st.DataObject, place: Division) -> None:
    """Property: any child file in Hunan, Wuhan, elsewhere in Hubei, Xianning or Chibi:
    Xianning's rules give findings only for children in 4212 and Chibi's only for children in
    421281."""
    c = data.draw(any_child(place))
    for f in hubei_findings(c):
        assert f.division == c.division
        scope = CHIBI if f.rule.startswith("hubei.chibi.") else XIANNING
        assert scope.contains(c.division), (f.rule, c.division)


@settings(max_examples=40, deadline=None)
@given(village=st.one_of(divisions(Level.VILLAGE, Division("42")), divisions(Level.VILLAGE)))
def test_a_left_behind_child_is_judged_by_xianning_exactly_inside_4212(village: Division) -> None:
    """Property: a left-behind child in any village gets the Xianning contact finding for June
    2024 if and only if the village lies in Xianning (4212)."""
    c = child(division=village, guardianships=(PARENT,))
    findings = audit([c], "hubei.xianning.left_behind.contact", **JUNE)
    assert len(findings) == (1 if XIANNING.contains(village) else 0)


_SECOND: list[Engine] = []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(found=CONTACTS, since=SINCE, seed=st.integers(0, 10_000))
def test_findings_are_deterministic(found: list[Contact], since: str, seed: int) -> None:
    """Property: judging the same child twice, with its contacts in another order, or with a
    second engine built from the plugin gives identical findings (facts included)."""
    if not _SECOND:
        _SECOND.append(Engine([careprotect_hubei]))
    shuffled = list(found)
    random.Random(seed).shuffle(shuffled)
    first = hubei_findings(on_every_list(found, since))
    assert first == hubei_findings(on_every_list(found, since))
    assert first == hubei_findings(on_every_list(shuffled, since))
    assert first == hubei_findings(on_every_list(found, since), engine=_SECOND[0])
    assert REFERENCE.workers == WORKERS
