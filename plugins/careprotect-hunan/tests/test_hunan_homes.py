"""Hunan village children's homes (POLICY.md §5, §7; seed 002 §3, §4.1, §5.4): the
construction standard, full coverage of villages by the end of 2020, the share of model homes,
the director of a home in a school, and the service agreement with every child served; each on
both sides of its threshold and its date."""

from __future__ import annotations

import attrs
import pytest

from careprotect import (
    Agreement,
    AgreementKind,
    Child,
    Division,
    HouseholdType,
    Post,
    ServiceAgreement,
    ServicePoint,
    ServicePointKind,
    Sex,
)
from careprotect.findings import Outcome
from hunan_testkit import (
    CHIBI_VILLAGE,
    HUNAN,
    LUXI,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
    day,
    findings,
    home,
    outcomes,
    reference,
    worker,
)

C = Outcome.COMPLIANT
N = Outcome.NON_COMPLIANT
NA = Outcome.NOT_APPLICABLE
M = Outcome.MISSING_INPUT
A = Outcome.ADVISORY

FLOOR = "hunan.childrens_home.floor_area"
OUTDOOR = "hunan.childrens_home.outdoor_area"
FACILITIES = "hunan.childrens_home.facilities"
COUNSELLING = "hunan.childrens_home.counselling_room"
PER_VILLAGE = "hunan.childrens_home.per_village"
MODEL_SHARE = "hunan.childrens_home.model_share"
SCHOOL = "hunan.childrens_home.school_director"
AGREEMENT = "hunan.childrens_home.service_agreement"


# -- floor area -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"), [("49.99", N), ("50", C), ("50.00", C), ("0", N), (None, M)]
)
def test_floor_area_of_at_least_50_m2(area: str | None, expected: Outcome) -> None:
    """Compared exactly: 49.99 m² falls short, 50 m² meets it; not recorded is missing."""
    assert outcomes(FLOOR, reference(points=[home(floor=area)]), "2020-01-01") == [expected]


def test_floor_area_finding_cites_the_notice_and_the_value() -> None:
    (f,) = findings(FLOOR, reference(points=[home(floor="49.99")]), as_of="2020-01-01")
    assert f.message.en == "The indoor floor area of P1 is 49.99 m², short of at least 50 m²"
    assert [(e.parameter, str(e.value), e.effective, e.plugin) for e in f.evidence] == [
        ("hunan.childrens_home.standard.required", "True", day("2019-06-11"), "hunan"),
        ("hunan.childrens_home.floor_area", "50", day("2019-06-11"), "hunan"),
    ]
    assert [c.key for c in f.citations] == ["hn-2019-standard"]


def test_the_standard_applies_from_the_notice_day() -> None:
    """A 40 m² home on 2019-06-10: not applicable (the notice does not reach back, evidence
    cites the plugin's choice); on 2019-06-11: non-compliant."""
    ref = reference(points=[home(floor="40")])
    (before,) = findings(FLOOR, ref, as_of="2019-06-10")
    assert before.outcome is NA
    assert [(e.parameter, e.value, e.citation.key) for e in before.evidence] == [
        ("hunan.childrens_home.standard.required", False, "hunan-choices")
    ]
    assert outcomes(FLOOR, ref, "2019-06-11") == [N]


def test_before_2000_the_standard_is_missing_input() -> None:
    """The modelling choice starts on 2000-01-01; before it nothing is said."""
    ref = reference(points=[home(floor="40", opened="1998-01-01")])
    assert outcomes(FLOOR, ref, "1999-12-31") == [M]
    assert outcomes(FLOOR, ref, "2000-01-01") == [NA]


# -- outdoor area ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("area", "expected"), [("0", N), ("0.01", C), ("500", C), (None, M)])
def test_an_outdoor_activity_area_must_exist(area: str | None, expected: Outcome) -> None:
    """No figure in the notice: any recorded area above 0 m² meets it."""
    assert outcomes(OUTDOOR, reference(points=[home(outdoor=area)]), "2020-01-01") == [expected]


# -- facilities -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facilities", "expected", "absent"),
    [
        (("video_calls", "study_and_reading", "recreation"), C, ""),
        (("video_calls", "study_and_reading"), N, "recreation"),
        (("study_and_reading", "recreation", "counselling_room"), N, "video_calls"),
        ((), N, "video_calls, study_and_reading, recreation"),
    ],
)
def test_video_calls_study_and_recreation_are_required(
    facilities: tuple[str, ...], expected: Outcome, absent: str
) -> None:
    (f,) = findings(FACILITIES, reference(points=[home(facilities=facilities)]), as_of="2020-01-01")
    assert f.outcome is expected
    if absent:
        assert f.message.en == f"P1 lacks the facilities: {absent}"


def test_a_counselling_room_is_advice_never_a_violation() -> None:
    """Where possible (有条件的地方可设置): absent is advisory, present is compliant."""
    without = reference(points=[home()])
    with_room = reference(
        points=[
            home(facilities=("video_calls", "study_and_reading", "recreation", "counselling_room"))
        ]
    )
    assert outcomes(COUNSELLING, without, "2020-01-01") == [A]
    assert outcomes(COUNSELLING, with_room, "2020-01-01") == [C]


def test_the_standard_judges_only_open_childrens_homes_in_hunan() -> None:
    """A social organisation, a home not yet open, a closed home and a Hubei home get no
    finding."""
    points = [
        home("P1", kind=ServicePointKind.SOCIAL_ORGANISATION, floor="1"),
        home("P2", floor="1", opened="2020-02-01"),
        home("P3", floor="1", closed="2019-12-31"),
        home("P4", floor="1", division=CHIBI_VILLAGE),
    ]
    for rule in (FLOOR, OUTDOOR, FACILITIES, COUNSELLING):
        assert findings(rule, reference(points=points), as_of="2020-01-01") == []


# -- one home per village -------------------------------------------------------------------------


def test_full_coverage_is_required_from_the_last_day_of_2020() -> None:
    """A village without a home: not applicable on 2020-12-30 (the notice's "by the end of
    2020"), non-compliant on 2020-12-31; a village with an open home: compliant then."""
    bare = reference([VILLAGE])
    (pending,) = findings(PER_VILLAGE, bare, as_of="2020-12-30")
    assert pending.outcome is NA
    assert [(e.value, e.effective, e.citation.key) for e in pending.evidence] == [
        (False, day("2019-06-11"), "hn-2019-target")
    ]
    assert outcomes(PER_VILLAGE, bare, "2020-12-31") == [N]
    covered = reference([VILLAGE], [home()])
    assert outcomes(PER_VILLAGE, covered, "2020-12-31") == [C]


def test_a_year_audit_of_2020_checks_the_target() -> None:
    """period 2020 judges its last day, 2020-12-31: the target is checked for 2020."""
    assert [f.outcome for f in findings(PER_VILLAGE, reference([VILLAGE]), period="2020")] == [N]


def test_coverage_counts_only_a_home_in_that_village_open_on_the_day() -> None:
    """A home in the next village does not cover this one; a home opening on 2021-03-01
    covers it from that day; a home of unknown opening date is missing input."""
    ref = reference([VILLAGE, OTHER_VILLAGE], [home("P1", division=OTHER_VILLAGE)])
    assert {f.subject.id: f.outcome for f in findings(PER_VILLAGE, ref, as_of="2021-01-01")} == {
        str(VILLAGE): N,
        str(OTHER_VILLAGE): C,
    }
    later = reference([VILLAGE], [home(opened="2021-03-01")])
    assert outcomes(PER_VILLAGE, later, "2021-02-28") == [N]
    assert outcomes(PER_VILLAGE, later, "2021-03-01") == [C]
    unknown = reference([VILLAGE], [home(opened=None)])
    assert outcomes(PER_VILLAGE, unknown, "2021-01-01") == [M]


def test_townships_and_counties_get_no_coverage_finding() -> None:
    assert findings(PER_VILLAGE, reference([LUXI, TOWNSHIP]), as_of="2021-01-01") == []


# -- model homes ----------------------------------------------------------------------------------


def homes(total: int, models: int, model: tuple[str, int] = ("county", 2019)) -> list[ServicePoint]:
    """``total`` open homes in villages of Luxi, the first ``models`` of them designated."""
    return [
        home(
            f"P{i:04d}",
            division=Division(f"433122{100 + i // 900:03d}{1 + i % 900:03d}"),
            model=(model,) if i < models else (),
        )
        for i in range(total)
    ]


@pytest.mark.parametrize(
    ("total", "models", "expected"),
    [(10, 1, C), (11, 1, N), (1000, 99, N), (1000, 100, C)],
)
def test_model_homes_are_at_least_ten_percent_of_the_province(
    total: int, models: int, expected: Outcome
) -> None:
    """10%以上 includes 10%: 1 of 10 and 100 of 1000 comply; 1 of 11 and 99 of 1000 do not.
    Judged for the province (43)."""
    (f,) = findings(MODEL_SHARE, reference([HUNAN], homes(total, models)), as_of="2020-12-31")
    assert (f.subject.id, f.outcome) == ("43", expected)


def test_the_model_share_is_required_from_the_last_day_of_2020() -> None:
    """No model home among 10: not applicable on 2020-12-30, non-compliant on 2020-12-31."""
    ref = reference([HUNAN], homes(10, 0))
    assert outcomes(MODEL_SHARE, ref, "2020-12-30") == [NA]
    assert outcomes(MODEL_SHARE, ref, "2020-12-31") == [N]


def test_only_county_or_higher_designations_count() -> None:
    """A township's designation does not make a model home; a province's does."""
    township = reference([HUNAN], homes(10, 1, ("township", 2019)))
    province = reference([HUNAN], homes(10, 1, ("province", 2020)))
    assert outcomes(MODEL_SHARE, township, "2020-12-31") == [N]
    assert outcomes(MODEL_SHARE, province, "2020-12-31") == [C]


def test_the_share_is_not_judged_for_counties_or_a_province_without_homes() -> None:
    """Listed counties get no finding (the target is province-wide); no open home at all is
    not applicable."""
    assert findings(MODEL_SHARE, reference([LUXI], homes(10, 0)), as_of="2020-12-31") == []
    assert outcomes(MODEL_SHARE, reference([HUNAN]), "2020-12-31") == [NA]


# -- the director of a home in a school -----------------------------------------------------------


@pytest.mark.parametrize(
    ("posts", "expected"),
    [
        ({Post.SCHOOL_LEADERSHIP}, C),
        ({Post.SCHOOL_LEADERSHIP, Post.VILLAGE_COMMITTEE_MEMBER}, C),
        ({Post.VILLAGE_COMMITTEE_MEMBER}, N),
        (set(), N),
    ],
)
def test_a_home_in_a_school_is_directed_by_school_leadership(
    posts: set[Post], expected: Outcome
) -> None:
    ref = reference(points=[home(in_school=True, director="W1")], staff=[worker("W1", posts=posts)])
    assert outcomes(SCHOOL, ref, "2020-01-01") == [expected]


def test_the_school_rule_applies_from_the_notice_and_only_to_homes_in_schools() -> None:
    """On 2019-06-10 not applicable, on 2019-06-11 judged; a home outside a school is not
    judged; no director recorded is missing input."""
    ref = reference(points=[home(in_school=True, director="W1")], staff=[worker("W1")])
    assert outcomes(SCHOOL, ref, "2019-06-10") == [NA]
    assert outcomes(SCHOOL, ref, "2019-06-11") == [N]
    village = reference(points=[home(in_school=False, director="W1")], staff=[worker("W1")])
    assert findings(SCHOOL, village, as_of="2020-01-01") == []
    nobody = reference(points=[home(in_school=True)])
    assert outcomes(SCHOOL, nobody, "2020-01-01") == [M]


# -- the service agreement ------------------------------------------------------------------------


def child(*agreements: Agreement, cid: str = "C1") -> Child:
    return Child(
        id=cid,
        name="向小雨",
        birth_date=day("2012-04-18"),
        sex=Sex.FEMALE,
        division=VILLAGE,
        household=HouseholdType.RURAL,
        agreements=agreements,
    )


def signed(on: str, point: str = "P1") -> Agreement:
    return Agreement(kind=AgreementKind.SERVICE_AGREEMENT, signed_on=day(on), service_point=point)


def test_every_child_of_the_village_needs_a_service_agreement_from_the_notice() -> None:
    """No agreement: no finding on 2019-06-10 (the duty is off), non-compliant on
    2019-06-11."""
    ref = reference(points=[home()])
    assert findings(AGREEMENT, ref, as_of="2019-06-10", children=[child()]) == []
    assert outcomes(AGREEMENT, ref, "2019-06-11", children=[child()]) == [N]


@pytest.mark.parametrize(("signed_on", "expected"), [("2020-01-01", C), ("2020-01-02", N)])
def test_an_agreement_counts_from_the_day_it_is_signed(signed_on: str, expected: Outcome) -> None:
    ref = reference(points=[home()])
    got = outcomes(AGREEMENT, ref, "2020-01-01", children=[child(signed(signed_on))])
    assert got == [expected]


def test_an_agreement_on_the_homes_record_also_counts() -> None:
    point = attrs.evolve(
        home(), agreements=(ServiceAgreement(child="C1", signed_on=day("2019-10-15")),)
    )
    ref = reference(points=[point])
    assert outcomes(AGREEMENT, ref, "2019-10-14", children=[child()]) == [N]
    assert outcomes(AGREEMENT, ref, "2019-10-15", children=[child()]) == [C]


def test_children_of_villages_without_an_open_home_get_no_agreement_finding() -> None:
    """A child of the next village, and a child whose village home closed, are not served."""
    other = reference(points=[home(division=OTHER_VILLAGE)])
    closed = reference(points=[home(closed="2020-01-01")])
    assert findings(AGREEMENT, other, as_of="2020-06-01", children=[child()]) == []
    assert findings(AGREEMENT, closed, as_of="2020-06-01", children=[child()]) == []
