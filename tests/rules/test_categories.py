"""The national categories (POLICY.md §2) on both sides of every boundary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect import (
    Child,
    Division,
    Guardianship,
    Hardship,
    HardshipKind,
    HouseholdType,
    Parent,
    ParentSituation,
    ParentSituationKind,
    ReferralTarget,
    Relation,
    Report,
    ReportConcern,
    Sex,
)
from careprotect.engine import Engine
from careprotect.testing import children, stub_plugin
from support import citation_table

K = ParentSituationKind
VILLAGE = Division("433122100201")
ENGINE = Engine()


def child(
    *situations: tuple[Parent, ParentSituationKind, str], born: str = "2010-03-15", **kw: Any
) -> Child:
    return Child(
        id="C1",
        name="某某",
        birth_date=dt.date.fromisoformat(born),
        sex=Sex.FEMALE,
        division=kw.pop("division", VILLAGE),
        household=kw.pop("household", HouseholdType.RURAL),
        parent_situations=tuple(
            ParentSituation(parent=p, kind=k, start=dt.date.fromisoformat(s))
            for p, k, s in situations
        ),
        **kw,
    )


def member(c: Child, category: str, day: str, engine: Engine = ENGINE) -> bool | None:
    return engine.membership(c, category, dt.date.fromisoformat(day)).member


BOTH_AWAY = (
    (Parent.FATHER, K.WORKING_AWAY, "2015-01-01"),
    (Parent.MOTHER, K.WORKING_AWAY, "2015-01-01"),
)


def test_left_behind_until_the_day_before_the_16th_birthday() -> None:
    """国发〔2016〕13号: under 16. Born 2010-03-15: left-behind on 2026-03-14, not on 03-15."""
    c = child(*BOTH_AWAY)
    assert member(c, "left_behind", "2026-03-14") is True
    assert member(c, "left_behind", "2026-03-15") is False


def test_left_behind_needs_both_away_or_one_away_and_one_incapable() -> None:
    """One parent away alone is not enough; away plus seriously ill or severely disabled is."""
    assert (
        member(child((Parent.FATHER, K.WORKING_AWAY, "2015-01-01")), "left_behind", "2020-01-01")
        is False
    )
    ill = child(
        (Parent.FATHER, K.WORKING_AWAY, "2015-01-01"),
        (Parent.MOTHER, K.SERIOUSLY_ILL, "2017-01-01"),
    )
    assert member(ill, "left_behind", "2016-12-31") is False
    assert member(ill, "left_behind", "2017-01-01") is True
    disabled = child(
        (Parent.MOTHER, K.WORKING_AWAY, "2015-01-01"),
        (Parent.FATHER, K.SEVERELY_DISABLED, "2015-01-01"),
    )
    assert member(disabled, "left_behind", "2020-01-01") is True


def test_left_behind_is_rural_only() -> None:
    """An urban child with both parents away is not a rural left-behind child."""
    assert (
        member(child(*BOTH_AWAY, household=HouseholdType.URBAN), "left_behind", "2020-01-01")
        is False
    )


def test_a_parent_returning_ends_left_behind_that_day() -> None:
    """The day a parent comes home the child leaves the category."""
    c = child(*BOTH_AWAY)
    back = ParentSituation(
        parent=Parent.FATHER,
        kind=K.WORKING_AWAY,
        start=dt.date(2015, 1, 1),
        end=dt.date(2020, 6, 1),
    )
    c = Child(**{**_fields(c), "parent_situations": (back, c.parent_situations[1])})
    assert member(c, "left_behind", "2020-05-31") is True
    assert member(c, "left_behind", "2020-06-01") is False


def _fields(c: Child) -> dict[str, Any]:
    import attrs

    return {f.name: getattr(c, f.name) for f in attrs.fields(Child)}


def test_orphan_until_the_day_before_the_18th_birthday() -> None:
    """国办发〔2010〕54号: both parents dead, or declared dead or missing; under 18."""
    c = child(
        (Parent.FATHER, K.DEAD, "2012-01-01"), (Parent.MOTHER, K.DECLARED_MISSING, "2013-05-01")
    )
    assert member(c, "orphan", "2013-04-30") is False
    assert member(c, "orphan", "2013-05-01") is True
    assert member(c, "orphan", "2028-03-14") is True
    assert member(c, "orphan", "2028-03-15") is False


def test_de_facto_unsupported_both_parents_in_conditions() -> None:
    """民发〔2019〕62号: e.g. one in prison, the other seriously ill; or one dead, one in prison."""
    c = child(
        (Parent.FATHER, K.IMPRISONED, "2019-01-01"), (Parent.MOTHER, K.SERIOUSLY_ILL, "2019-03-01")
    )
    assert member(c, "de_facto_unsupported", "2020-01-01") is True
    dead = child(
        (Parent.FATHER, K.DEAD, "2015-01-01"),
        (Parent.MOTHER, K.COMPULSORY_REHABILITATION, "2019-01-01"),
    )
    assert member(dead, "de_facto_unsupported", "2020-01-01") is True
    orphan = child((Parent.FATHER, K.DEAD, "2015-01-01"), (Parent.MOTHER, K.DEAD, "2016-01-01"))
    assert member(orphan, "de_facto_unsupported", "2020-01-01") is False


def test_de_facto_unsupported_starts_on_2020_01_01() -> None:
    """62号 took effect on 2020-01-01: the day before no child is a member (not missing
    input), from 2000-01-01 when the national flag's first value holds; before that, no value
    is in force and the answer is missing input."""
    c = child(
        (Parent.FATHER, K.IMPRISONED, "2018-01-01"), (Parent.MOTHER, K.IMPRISONED, "2018-01-01")
    )
    assert member(c, "de_facto_unsupported", "2019-12-31") is False
    assert member(c, "de_facto_unsupported", "2020-01-01") is True
    old = child(
        (Parent.FATHER, K.IMPRISONED, "1998-01-01"),
        (Parent.MOTHER, K.IMPRISONED, "1998-01-01"),
        born="1995-03-15",
    )
    assert member(old, "de_facto_unsupported", "1999-12-31") is None
    assert member(old, "de_facto_unsupported", "2000-01-01") is False


def test_out_of_contact_counts_after_the_national_six_months() -> None:
    """The national value (6 months, 62号) holds until a province sets another: out of
    contact since 2019-07-01 counts from 2020-01-01 (the day the category starts too)."""
    c = child(
        (Parent.FATHER, K.IMPRISONED, "2019-01-01"), (Parent.MOTHER, K.OUT_OF_CONTACT, "2019-10-01")
    )
    assert member(c, "de_facto_unsupported", "2020-03-31") is False
    assert member(c, "de_facto_unsupported", "2020-04-01") is True


def province(tmp_path: Path, toml: str, name: str = "testprov", scope: str = "43") -> Any:
    return stub_plugin(name, scope, directory=tmp_path, toml=toml)


CITE = citation_table(document="某民发〔2020〕1号", verified="2026-12-03")


def test_a_province_duration_decides_out_of_contact_on_its_day(tmp_path: Path) -> None:
    """A province may set another duration for its scope: with 3 months for Hunan from
    2020-01-01, out of contact since 2020-02-01 counts there from 2020-05-01, and in Hubei
    (the national 6 months) from 2020-08-01."""
    plugin = province(
        tmp_path,
        CITE
        + """
[[values]]
parameter = "de_facto_unsupported.out_of_contact_months"
effective = 2020-01-01
value = 3
citation = "p"
""",
    )
    engine = Engine([plugin])
    c = child(
        (Parent.FATHER, K.IMPRISONED, "2019-01-01"), (Parent.MOTHER, K.OUT_OF_CONTACT, "2020-02-01")
    )
    assert member(c, "de_facto_unsupported", "2020-04-30", engine) is False
    assert member(c, "de_facto_unsupported", "2020-05-01", engine) is True
    hubei = child(
        (Parent.FATHER, K.IMPRISONED, "2019-01-01"),
        (Parent.MOTHER, K.OUT_OF_CONTACT, "2020-02-01"),
        division=Division("421281101201"),
    )
    assert member(hubei, "de_facto_unsupported", "2020-07-31", engine) is False
    assert member(hubei, "de_facto_unsupported", "2020-08-01", engine) is True


def test_revoked_guardianship_counts_from_the_additions_date(tmp_path: Path) -> None:
    """民发〔2020〕125号 additions count nationally from 2021-01-01 (assumed); a province may
    move the date for its scope (here Hunan from 2021-07-01)."""
    plugin = province(
        tmp_path,
        CITE
        + """
[[values]]
parameter = "de_facto_unsupported.includes_revoked_and_deported"
effective = 2021-01-01
value = false
citation = "p"

[[values]]
parameter = "de_facto_unsupported.includes_revoked_and_deported"
effective = 2021-07-01
value = true
citation = "p"
""",
    )
    engine = Engine([plugin])
    c = child(
        (Parent.FATHER, K.GUARDIANSHIP_REVOKED, "2020-01-01"), (Parent.MOTHER, K.DEAD, "2019-01-01")
    )
    assert member(c, "de_facto_unsupported", "2020-12-31") is False
    assert member(c, "de_facto_unsupported", "2021-01-01") is True
    assert member(c, "de_facto_unsupported", "2021-06-30", engine) is False
    assert member(c, "de_facto_unsupported", "2021-07-01", engine) is True


def test_difficulty_groups() -> None:
    """国发〔2016〕36号: poverty hardship, own disability, and lack of guardianship."""
    poor = child(hardships=(Hardship(kind=HardshipKind.MEDICAL, start=dt.date(2018, 1, 1)),))
    assert member(poor, "difficulty.poverty", "2017-12-31") is False
    assert member(poor, "difficulty.poverty", "2018-01-01") is True
    granny = Guardianship(
        guardian="奶奶",
        relation=Relation.GRANDPARENT,
        start=dt.date(2010, 3, 15),
        end=dt.date(2020, 1, 1),
    )
    lost = child(guardianships=(granny,))
    assert member(lost, "difficulty.guardianship", "2019-12-31") is False
    assert member(lost, "difficulty.guardianship", "2020-01-01") is True
    assert member(child(), "difficulty.guardianship", "2020-01-01") is None


def test_a_report_of_abuse_is_missing_input_without_a_look_back() -> None:
    """A report of abuse counts for a provincial look-back period; nationally undecided."""
    granny = Guardianship(
        guardian="奶奶", relation=Relation.GRANDPARENT, start=dt.date(2010, 3, 15)
    )
    abuse = Report(date=dt.date(2020, 3, 1), concern=ReportConcern.ABUSE, to=ReferralTarget.POLICE)
    c = child(guardianships=(granny,), reports=(abuse,))
    assert member(c, "difficulty.guardianship", "2020-02-29") is False
    assert member(c, "difficulty.guardianship", "2020-03-01") is None


def test_classification_lists_categories_with_reasons() -> None:
    """A child can be in several categories; each says why, with the parameters used."""
    c = child(
        (Parent.FATHER, K.DEAD, "2012-01-01"),
        (Parent.MOTHER, K.DEAD, "2012-01-01"),
        hardships=(Hardship(kind=HardshipKind.LIVING, start=dt.date(2012, 1, 1)),),
    )
    result = ENGINE.classify(c, dt.date(2020, 1, 1))
    assert result.categories == ("difficulty.poverty", "orphan")
    orphan = next(m for m in result.memberships if m.category == "orphan")
    assert orphan.facts == ("father dead since 2012-01-01", "mother dead since 2012-01-01")
    assert [(e.parameter, e.value, e.scope, e.plugin) for e in orphan.evidence] == [
        ("orphan.max_age", 18, "national", "national")
    ]


@settings(max_examples=40, deadline=None)
@given(c=children(division=VILLAGE, max_facts=3), data=st.data())
def test_membership_spans_agree_with_daily_membership(c: Child, data: st.DataObject) -> None:
    """Property: membership is constant within each span the engine reports, and the spans
    tile the range (checked on sampled days)."""
    category = data.draw(st.sampled_from([r.id for r in ENGINE.categories]))
    start = data.draw(st.dates(c.birth_date, c.birth_date + dt.timedelta(days=20 * 365)))
    end = start + dt.timedelta(days=data.draw(st.integers(1, 800)))
    spans = list(ENGINE.membership_spans(c, category, start, end))
    assert spans[0][0] == start
    assert spans[-1][1] == end
    for (a, b, m), nxt in zip(spans, [*spans[1:], None], strict=True):
        assert a < b
        if nxt is not None:
            assert nxt[0] == b
        for day in {a, b - dt.timedelta(days=1), a + (b - a) // 2}:
            assert ENGINE.membership(c, category, day).member == m.member


@settings(max_examples=40, deadline=None)
@given(c=children(division=VILLAGE), day=st.dates(dt.date(2016, 7, 1), dt.date(2040, 1, 1)))
def test_classification_is_deterministic(c: Child, day: dt.date) -> None:
    """Property: the same input gives the same answer from two engines."""
    if day < c.birth_date:
        return
    assert ENGINE.classify(c, day) == Engine().classify(c, day)


@given(born=st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), age=st.integers(0, 30))
def test_the_birthday_at_an_age_limit_matches_relativedelta(born: dt.date, age: int) -> None:
    """Property: the fast birthday agrees with dateutil (29 Feb -> 28 Feb in common years)."""
    from dateutil.relativedelta import relativedelta

    from careprotect.rules.categories import _birthday

    c = child(born=born.isoformat())
    assert _birthday(c, age) == born + relativedelta(years=age)
    assert c.age_on(_birthday(c, age)) == age
