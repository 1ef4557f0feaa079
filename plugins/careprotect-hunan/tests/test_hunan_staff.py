"""Hunan staff (POLICY.md §3; seed 002 §4.1, §4.2, §4.4): who may be child supervisor and
child director, their training, and the organisations and counsellors every county and
township must have; each on both sides of its threshold and its date."""

from __future__ import annotations

import pytest

from careprotect import Division, Post, ServicePoint, ServicePointKind, Sex, Worker, WorkerRole
from careprotect.findings import Outcome
from careprotect.periods import Period
from hunan_testkit import (
    CHIBI,
    CHIBI_TOWNSHIP,
    LUXI,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    VILLAGE,
    findings,
    home,
    outcomes,
    reference,
    training,
    worker,
)

C = Outcome.COMPLIANT
N = Outcome.NON_COMPLIANT
NA = Outcome.NOT_APPLICABLE
M = Outcome.MISSING_INPUT
A = Outcome.ADVISORY

SUPERVISOR_ELIGIBLE = "hunan.child_supervisor.eligibility"
DIRECTOR_PREFERRED = "hunan.child_director.preferred"
BEFORE_START = "hunan.child_director.training_before_start"
DIRECTOR_PER_YEAR = "hunan.child_director.training_per_year"
DIRECTOR_LENGTH = "hunan.child_director.training_length"
SUPERVISOR_PER_YEAR = "hunan.child_supervisor.training_per_year"
SUPERVISOR_LENGTH = "hunan.child_supervisor.training_length"
ORGANISATIONS = "hunan.county.child_service_organisations"
COUNSELLOR = "hunan.township.qualified_counsellor"

SUPERVISOR = WorkerRole.CHILD_SUPERVISOR


# -- who may be a child supervisor (binding) ------------------------------------------------------


@pytest.mark.parametrize(
    ("posts", "sex", "expected"),
    [
        ({Post.TOWNSHIP_LEADERSHIP}, Sex.FEMALE, C),
        ({Post.TOWNSHIP_LEADERSHIP}, Sex.MALE, N),
        ({Post.TOWNSHIP_LEADERSHIP}, None, M),
        ({Post.WOMENS_FEDERATION_CHAIR}, Sex.MALE, C),
        ({Post.WOMENS_FEDERATION_CHAIR}, None, C),
        ({Post.VILLAGE_COMMITTEE_MEMBER}, Sex.FEMALE, N),
        (set(), Sex.FEMALE, N),
    ],
)
def test_a_supervisor_is_a_female_township_leader_or_the_womens_federation_chair(
    posts: set[Post], sex: Sex | None, expected: Outcome
) -> None:
    """Binding: unmet is non-compliant; the sex not recorded is missing input only where it
    decides."""
    w = worker(role=SUPERVISOR, division=TOWNSHIP, posts=posts, sex=sex)
    assert outcomes(SUPERVISOR_ELIGIBLE, reference(staff=[w]), "2020-01-01") == [expected]


def test_supervisor_eligibility_applies_from_the_notice_day() -> None:
    w = worker(role=SUPERVISOR, division=TOWNSHIP, sex=Sex.MALE, appointed="2018-01-01")
    (before,) = findings(SUPERVISOR_ELIGIBLE, reference(staff=[w]), as_of="2019-06-10")
    assert before.outcome is NA
    assert outcomes(SUPERVISOR_ELIGIBLE, reference(staff=[w]), "2019-06-11") == [N]


# -- who should be a child director (a preference) ------------------------------------------------


@pytest.mark.parametrize(
    ("posts", "sex", "expected"),
    [
        ({Post.VILLAGE_COMMITTEE_MEMBER}, Sex.FEMALE, C),
        ({Post.WOMENS_FEDERATION_CHAIR}, Sex.FEMALE, C),
        ({Post.VILLAGE_COMMITTEE_MEMBER}, Sex.MALE, A),
        ({Post.LIVELIHOOD_ASSISTANT}, Sex.MALE, C),
        (set(), Sex.FEMALE, A),
        ({Post.WOMENS_FEDERATION_CHAIR}, None, M),
    ],
)
def test_a_director_is_preferably_a_female_committee_member_or_the_livelihood_assistant(
    posts: set[Post], sex: Sex | None, expected: Outcome
) -> None:
    """A preference (优先安排): a director who is neither gets advice, never a violation."""
    w = worker(posts=posts, sex=sex)
    assert outcomes(DIRECTOR_PREFERRED, reference(staff=[w]), "2020-01-01") == [expected]


def test_the_preference_is_advice_in_both_languages() -> None:
    (f,) = findings(DIRECTOR_PREFERRED, reference(staff=[worker(sex=Sex.MALE)]), as_of="2020-01-01")
    assert f.outcome is A
    assert f.message.zh == "建议：儿童主任宜由女性村（居）民委员会委员或妇联主席；或民生协理员担任"


def test_the_preference_applies_from_the_notice_day() -> None:
    """A male director without either post: not applicable on 2019-06-10, advice on
    2019-06-11."""
    w = worker(sex=Sex.MALE, appointed="2018-01-01")
    assert outcomes(DIRECTOR_PREFERRED, reference(staff=[w]), "2019-06-10") == [NA]
    assert outcomes(DIRECTOR_PREFERRED, reference(staff=[w]), "2019-06-11") == [A]


def test_staff_rules_give_no_finding_in_hubei() -> None:
    """A male supervisor in Chibi is not judged by Hunan's rule."""
    w = worker(role=SUPERVISOR, division=CHIBI_TOWNSHIP, sex=Sex.MALE)
    assert findings(SUPERVISOR_ELIGIBLE, reference(staff=[w]), as_of="2020-01-01") == []


# -- training before starting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trained_on", "level", "passed", "expected"),
    [
        ("2019-07-01", "county", True, C),
        ("2019-06-30", "county", True, C),
        ("2019-07-02", "county", True, N),
        ("2019-06-30", "county", False, N),
        ("2019-06-30", "county", None, M),
        ("2019-06-30", "prefecture", True, N),
        ("2019-06-30", "province", True, N),
    ],
)
def test_a_new_director_starts_only_after_passing_the_countys_training(
    trained_on: str, level: str, passed: bool | None, expected: Outcome
) -> None:
    """Appointed 2019-07-01: a passed county training on or before that day complies; the
    day after is too late; failed is non-compliant; no result is missing input; another
    level's training does not count."""
    w = worker(appointed="2019-07-01", trainings=[training(trained_on, level=level, passed=passed)])
    (f,) = findings(BEFORE_START, reference(staff=[w]), as_of="2020-01-01")
    assert f.outcome is expected
    assert f.day is not None
    assert f.day.isoformat() == "2019-07-01"


def test_directors_appointed_before_the_notice_are_not_reached() -> None:
    """Appointed 2019-06-10 without training: not applicable; 2019-06-11: non-compliant."""
    before = worker(appointed="2019-06-10")
    on = worker(appointed="2019-06-11")
    assert outcomes(BEFORE_START, reference(staff=[before]), "2020-01-01") == [NA]
    assert outcomes(BEFORE_START, reference(staff=[on]), "2020-01-01") == [N]


# -- at least once a calendar year ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("trainings", "expected"),
    [
        ((), N),
        ((("2020-05-10", "county"),), C),
        ((("2020-05-10", "prefecture"),), N),
        ((("2019-12-31", "county"),), N),
        ((("2020-12-31", "county"),), C),
        ((("2020-03-01", "county"), ("2020-09-01", "county")), C),
    ],
)
def test_a_director_is_trained_by_the_county_at_least_once_a_year(
    trainings: tuple[tuple[str, str], ...], expected: Outcome
) -> None:
    """The calendar year 2020, judged on 2020-12-31: one county training in it complies; none,
    or only a prefecture one, or one on 2019-12-31, does not."""
    w = worker(appointed="2019-01-01", trainings=[training(d, level=lv) for d, lv in trainings])
    (f,) = findings(DIRECTOR_PER_YEAR, reference(staff=[w]), as_of="2020-12-31")
    assert (f.period, f.outcome) == (Period.year(2020), expected)


def test_a_supervisor_is_trained_by_the_prefecture_at_least_once_a_year() -> None:
    """For supervisors only a prefecture (市州) training counts."""

    def supervisor(level: str) -> Worker:
        return worker(
            role=SUPERVISOR,
            division=TOWNSHIP,
            appointed="2019-01-01",
            trainings=[training("2020-05-10", level=level)],
        )

    county, city = supervisor("county"), supervisor("prefecture")
    assert outcomes(SUPERVISOR_PER_YEAR, reference(staff=[county]), "2020-12-31") == [N]
    assert outcomes(SUPERVISOR_PER_YEAR, reference(staff=[city]), "2020-12-31") == [C]


def test_the_yearly_training_is_required_from_2019() -> None:
    """2018 (flag false on its last day): not applicable; 2019: judged."""
    w = worker(appointed="2017-01-01")
    (y2018,) = findings(DIRECTOR_PER_YEAR, reference(staff=[w]), period="2018")
    assert y2018.outcome is NA
    (y2019,) = findings(DIRECTOR_PER_YEAR, reference(staff=[w]), period="2019")
    assert y2019.outcome is N


# -- two to three days ----------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [(1, N), (2, C), (3, C), (4, N)])
def test_each_training_lasts_two_to_three_days(days: int, expected: Outcome) -> None:
    """One day, and four, fall outside "2-3天"; two and three are inside."""
    director = worker(trainings=[training("2020-05-10", days)])
    supervisor = worker(
        "W2",
        role=SUPERVISOR,
        division=TOWNSHIP,
        trainings=[training("2020-05-10", days, level="prefecture")],
    )
    ref = reference(staff=[director, supervisor])
    assert outcomes(DIRECTOR_LENGTH, ref, "2020-12-31") == [expected]
    assert outcomes(SUPERVISOR_LENGTH, ref, "2020-12-31") == [expected]


def test_the_length_is_judged_from_2019() -> None:
    """A one-day county training in 2018: not applicable (flag false on 2018-12-31); in 2019:
    non-compliant."""
    w = worker(
        appointed="2017-01-01", trainings=[training("2018-05-10", 1), training("2019-09-10", 1)]
    )
    (y2018,) = findings(DIRECTOR_LENGTH, reference(staff=[w]), period="2018")
    (y2019,) = findings(DIRECTOR_LENGTH, reference(staff=[w]), period="2019")
    assert (y2018.outcome, y2019.outcome) == (NA, N)


def test_only_the_counted_level_is_held_to_the_length() -> None:
    """A one-day township meeting is not the county's training: no length finding."""
    w = worker(trainings=[training("2020-05-10", 1, level="township")])
    assert findings(DIRECTOR_LENGTH, reference(staff=[w]), as_of="2020-12-31") == []


# -- organisations and counsellors ----------------------------------------------------------------


def organisation(
    pid: str, division: Division = LUXI, opened: str | None = "2020-01-01"
) -> ServicePoint:
    return home(pid, kind=ServicePointKind.SOCIAL_ORGANISATION, division=division, opened=opened)


def test_three_child_service_organisations_per_county_from_2022_06_11() -> None:
    """Two: not applicable on 2022-06-10, non-compliant on 2022-06-11; three (one registered
    in a township of the county): compliant."""
    two = [organisation("O1"), organisation("O2")]
    three = [*two, organisation("O3", TOWNSHIP)]
    assert outcomes(ORGANISATIONS, reference([LUXI], two), "2022-06-10") == [NA]
    assert outcomes(ORGANISATIONS, reference([LUXI], two), "2022-06-11") == [N]
    assert outcomes(ORGANISATIONS, reference([LUXI], three), "2022-06-11") == [C]


def test_organisations_of_another_county_or_of_unknown_opening() -> None:
    """An organisation in Chibi does not count for Luxi; two certain and one of unknown
    opening is missing input."""
    elsewhere = [organisation("O1"), organisation("O2"), organisation("O3", CHIBI)]
    maybe = [organisation("O1"), organisation("O2"), organisation("O3", opened=None)]
    assert outcomes(ORGANISATIONS, reference([LUXI], elsewhere), "2022-06-11") == [N]
    assert outcomes(ORGANISATIONS, reference([LUXI], maybe), "2022-06-11") == [M]


def test_one_qualified_counsellor_per_township_from_2022_06_11() -> None:
    """A worker holding the qualified-counsellor post in the township (here in one of its
    villages) counts; one without the post does not."""
    qualified = worker(
        "W1", role=WorkerRole.COUNSELLOR, division=VILLAGE, posts={Post.QUALIFIED_COUNSELLOR}
    )
    unqualified = worker("W2", role=WorkerRole.COUNSELLOR, division=OTHER_TOWNSHIP)
    ref = reference([TOWNSHIP, OTHER_TOWNSHIP], staff=[qualified, unqualified])
    got = {f.subject.id: f.outcome for f in findings(COUNSELLOR, ref, as_of="2022-06-11")}
    assert got == {str(TOWNSHIP): C, str(OTHER_TOWNSHIP): N}
    before = {f.subject.id: f.outcome for f in findings(COUNSELLOR, ref, as_of="2022-06-10")}
    assert before == {str(TOWNSHIP): NA, str(OTHER_TOWNSHIP): NA}
