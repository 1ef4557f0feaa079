"""The national baseline made current (issue 17; POLICY.md §2, §6, §10), with the shipped
plugins only: de facto unsupported children decided and paid, the 2010 orphan minimums, and
citations that name public sources with their confidence.

Each example names the date it rests on: the day 民发〔2019〕62号 took effect (2020-01-01), its
terms (6 months out of contact, a term of 6 months or more, severe disability), the assumed
start of the 民发〔2020〕125号 additions (2021-01-01), the national minimums paid from 2010-01
and Hunan's floors from 2018-01-01. Every person here is fictional.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import careprotect_hubei
import careprotect_hunan
from careprotect import (
    Child,
    Disability,
    DisabilityKind,
    Division,
    Engine,
    HouseholdType,
    Parent,
    ParentSituation,
    ParentSituationKind,
    ReferenceData,
    Registry,
    Residence,
    ResidenceKind,
    Sex,
    pipeline,
)
from careprotect import national as national_plugin
from careprotect.errors import InvalidValueError
from careprotect.params import Citation, Status
from careprotect.periods import Period
from careprotect.rules.categories import severe_as_62
from careprotect.rules.entitlements import Amount

K = ParentSituationKind
ENGINE = Engine([careprotect_hunan, careprotect_hubei])
LUXI = Division("433122100201")  # Luxi county, Xiangxi, Hunan
CHIBI = Division("421281101201")  # Chibi, Xianning, Hubei
XIANAN = Division("421202001001")  # Xian'an district, Xianning, Hubei
OTHER = Division("350102001001")  # Fuzhou, Fujian: no province plugin
DFU = "de_facto_unsupported"
CHECKED = dt.date(2026, 12, 3)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def situation(parent: Parent, kind: ParentSituationKind, start: str, **kw: Any) -> ParentSituation:
    end = kw.pop("end", None)
    return ParentSituation(
        parent=parent, kind=kind, start=day(start), end=None if end is None else day(end), **kw
    )


def child(
    *situations: ParentSituation,
    division: Division = LUXI,
    born: str = "2012-05-01",
    residence: ResidenceKind | None = ResidenceKind.FAMILY,
) -> Child:
    return Child(
        id="C1",
        name="向小华",
        birth_date=day(born),
        sex=Sex.MALE,
        division=division,
        household=HouseholdType.RURAL,
        parent_situations=situations,
        residences=()
        if residence is None
        else (
            Residence(
                kind=residence,
                start=day(born),
                institution="P9" if residence is ResidenceKind.INSTITUTION else None,
            ),
        ),
    )


def member(c: Child, on: str, category: str = DFU) -> bool | None:
    return ENGINE.membership(c, category, day(on)).member


def amounts(c: Child, period: str, rule: str) -> list[Amount]:
    """The amounts of ``rule`` for ``c`` over ``period`` (a period, or months ``A..B``)."""
    registry = Registry(reference=ReferenceData(), children=(c,))
    first, _, last = period.partition("..")
    periods = [Period.parse(first)]
    while last and str(periods[-1]) != last:
        periods.append(Period.parse(str(periods[-1].next())))
    return [
        a for p in periods for a in pipeline.entitlements(ENGINE, registry, p) if a.rule == rule
    ]


def by_month(found: list[Amount]) -> dict[str, str | None]:
    return {str(a.month): None if a.amount is None else str(a.amount) for a in found}


def father_dead() -> ParentSituation:
    return situation(Parent.FATHER, K.DEAD, "2016-01-01")


# -- the category from 2020-01-01 (民发〔2019〕62号, reported) -----------------------------------


def test_the_category_exists_from_2020_01_01_and_not_before() -> None:
    """62号 took effect on 2020-01-01: the day before, a child with one parent dead and the
    other in prison is not a member (an answer, not missing input); that day, a member."""
    c = child(father_dead(), situation(Parent.MOTHER, K.IMPRISONED, "2018-01-01", term_months=60))
    before = ENGINE.membership(c, DFU, day("2019-12-31"))
    assert before.member is False
    assert before.facts == (
        "not in force on 2019-12-31 (de_facto_unsupported.category_applies = false)",
    )
    assert member(c, "2020-01-01") is True


def test_a_hunan_dfu_child_in_a_family_is_paid_the_hunan_scattered_rate_in_2021() -> None:
    """Hunan, living with a family: 800.00 (Hunan's scattered-orphan floor from 2018-01-01)
    every month of 2021, and nothing at all (no record, not missing input) in 2019-12,
    before the allowance of 62号 (from 2020-01-01)."""
    c = child(father_dead(), situation(Parent.MOTHER, K.IMPRISONED, "2018-01-01", term_months=60))
    assert amounts(c, "2019-12", "de_facto_unsupported.allowance") == []
    found = amounts(c, "2021", "de_facto_unsupported.allowance")
    assert by_month(found) == {f"2021-{m:02d}": "800.00" for m in range(1, 13)}
    rate = next(e for e in found[0].evidence if e.parameter == "orphan.allowance.scattered")
    assert (rate.scope, rate.plugin, rate.effective) == ("43", "hunan", day("2018-01-01"))
    assert rate.citation.key == "hn-2018-orphan"
    assert rate.citation.status is Status.REPORTED


def test_the_allowance_starts_in_january_2020() -> None:
    """The first month paid is 2020-01 (the gate opens on its first day)."""
    c = child(father_dead(), situation(Parent.MOTHER, K.IMPRISONED, "2018-01-01", term_months=60))
    found = amounts(c, "2019-11..2020-02", "de_facto_unsupported.allowance")
    assert by_month(found) == {"2020-01": "800.00", "2020-02": "800.00"}


def test_outside_hunan_the_national_scattered_minimum_is_paid() -> None:
    """Hubei sets no orphan rate: a Chibi DFU child is paid the national 600.00 in 2021,
    resting on the reported 2010 minimum."""
    c = child(
        father_dead(),
        situation(Parent.MOTHER, K.IMPRISONED, "2018-01-01", term_months=60),
        division=CHIBI,
    )
    (a,) = amounts(c, "2021-03", "de_facto_unsupported.allowance")
    assert a.amount == Decimal("600.00")
    rate = next(e for e in a.evidence if e.parameter == "orphan.allowance.scattered")
    assert (rate.scope, rate.effective) == ("national", day("2010-01-01"))


# -- out of contact: 6 months (62号, reported) -----------------------------------------------------


@pytest.mark.parametrize("division", [LUXI, CHIBI, XIANAN], ids=["hunan", "chibi", "xianan"])
def test_out_of_contact_for_6_months_counts_on_the_day_they_are_reached(
    division: Division,
) -> None:
    """Father dead, mother out of contact since 2021-03-10 (her last day of contact or
    care): the 6 months are reached on 2021-09-10, so the child is de facto unsupported from
    that day, in Hunan and in Hubei (national value, no province sets another)."""
    c = child(
        father_dead(), situation(Parent.MOTHER, K.OUT_OF_CONTACT, "2021-03-10"), division=division
    )
    assert member(c, "2021-09-09") is False
    assert member(c, "2021-09-10") is True
    spans = list(ENGINE.membership_spans(c, DFU, day("2021-01-01"), day("2022-01-01")))
    assert [(a, b, m.member) for a, b, m in spans] == [
        (day("2021-01-01"), day("2021-09-10"), False),
        (day("2021-09-10"), day("2022-01-01"), True),
    ]
    evidence = ENGINE.membership(c, DFU, day("2021-09-10")).evidence
    wait = next(e for e in evidence if e.parameter == "de_facto_unsupported.out_of_contact_months")
    assert (wait.value, wait.scope, wait.effective) == (6, "national", day("2020-01-01"))
    assert wait.citation.status is Status.REPORTED


def test_five_of_six_months_out_of_contact_is_in_the_facts() -> None:
    """TRIALS item 9: a parent out of contact 5 of the 6 months is named in the reasons,
    with the day it will count."""
    c = child(father_dead(), situation(Parent.MOTHER, K.OUT_OF_CONTACT, "2021-03-10"))
    m = ENGINE.classify(c, day("2021-08-10")).memberships
    found = next(x for x in m if x.category == DFU)
    assert found.member is False
    assert found.facts == (
        "father dead since 2016-01-01",
        "mother out of contact since 2021-03-10: 5 of 6 months (counts from 2021-09-10)",
    )


def test_the_allowance_follows_out_of_contact_month_by_month() -> None:
    """Counted from 2021-09-10, a month counts when the child is eligible on its first day:
    October 2021 is the first month paid in Hunan."""
    c = child(father_dead(), situation(Parent.MOTHER, K.OUT_OF_CONTACT, "2021-03-10"))
    found = amounts(c, "2021-08..2021-11", "de_facto_unsupported.allowance")
    assert by_month(found) == {"2021-10": "800.00", "2021-11": "800.00"}


# -- terms of deprivation of liberty: 6 months or more (62号, reported) ------------------------


def test_a_two_month_detention_does_not_count_and_a_twelve_month_term_does() -> None:
    """Father dead; mother detained for 2 months: not de facto unsupported (the fact says
    why). Mother sentenced to 12 months: de facto unsupported from the first day."""
    short = child(
        father_dead(), situation(Parent.MOTHER, K.DEPRIVED_OF_LIBERTY, "2022-03-01", term_months=2)
    )
    m = ENGINE.membership(short, DFU, day("2022-03-01"))
    assert m.member is False
    assert m.facts == (
        "father dead since 2016-01-01",
        "mother deprived_of_liberty since 2022-03-01: term 2 months, under the 6 that count",
    )
    long = child(
        father_dead(), situation(Parent.MOTHER, K.IMPRISONED, "2022-03-01", term_months=12)
    )
    assert member(long, "2022-02-28") is False
    assert member(long, "2022-03-01") is True
    term = next(
        e
        for e in ENGINE.membership(long, DFU, day("2022-03-01")).evidence
        if e.parameter == "de_facto_unsupported.min_term_months"
    )
    assert (term.value, term.effective) == (6, day("2020-01-01"))


def test_a_term_of_exactly_six_months_counts() -> None:
    """ "6个月以上" includes 6."""
    c = child(
        father_dead(),
        situation(Parent.MOTHER, K.COMPULSORY_REHABILITATION, "2022-01-01", term_months=6),
    )
    assert member(c, "2022-01-01") is True
    five = child(
        father_dead(),
        situation(Parent.MOTHER, K.COMPULSORY_REHABILITATION, "2022-01-01", term_months=5),
    )
    assert member(five, "2022-01-01") is False


def test_without_a_term_the_end_gives_it() -> None:
    """No term recorded, an end recorded: the term is end minus start. 2022-03-01 to
    2022-05-01 is 2 months, which does not count; to 2022-09-01, 6 months, which does."""
    short = child(
        father_dead(),
        situation(Parent.MOTHER, K.DEPRIVED_OF_LIBERTY, "2022-03-01", end="2022-05-01"),
    )
    assert member(short, "2022-04-01") is False
    long = child(
        father_dead(),
        situation(Parent.MOTHER, K.DEPRIVED_OF_LIBERTY, "2022-03-01", end="2022-09-01"),
    )
    assert member(long, "2022-03-01") is True
    assert member(long, "2022-09-01") is False  # released: the situation has ended


def test_with_neither_term_nor_end_it_counts_once_it_has_lasted_six_months() -> None:
    """Neither term nor end: it counts once it has lasted the minimum, like out of contact
    (by then the term is certainly that long); until then the fact says how far it is."""
    c = child(father_dead(), situation(Parent.MOTHER, K.IMPRISONED, "2022-03-15"))
    m = ENGINE.membership(c, DFU, day("2022-07-20"))
    assert m.member is False
    assert m.facts[-1] == (
        "mother imprisoned since 2022-03-15: no term recorded; 4 of 6 months "
        "(counts from 2022-09-15)"
    )
    assert member(c, "2022-09-14") is False
    assert member(c, "2022-09-15") is True


def test_a_term_is_recorded_only_for_a_deprivation_of_liberty() -> None:
    """``term_months`` on another kind, or below 1, is refused with the field named."""
    with pytest.raises(InvalidValueError, match="'term_months' must be absent when 'kind' is"):
        situation(Parent.MOTHER, K.OUT_OF_CONTACT, "2022-01-01", term_months=6)
    with pytest.raises(InvalidValueError, match="'term_months' must be a whole number"):
        situation(Parent.MOTHER, K.IMPRISONED, "2022-01-01", term_months=0)


# -- severe disability as 62号 defines it (reported) ---------------------------------------------


@pytest.mark.parametrize(
    ("kind", "grade", "severe"),
    [
        (DisabilityKind.PHYSICAL, 1, True),
        (DisabilityKind.VISUAL, 2, True),
        (DisabilityKind.PHYSICAL, 3, False),
        (DisabilityKind.HEARING, 4, False),
        (DisabilityKind.MULTIPLE, 3, False),
        (DisabilityKind.MENTAL, 3, True),
        (DisabilityKind.INTELLECTUAL, 4, True),
    ],
)
def test_severe_disability_is_grade_1_2_or_3_4_mental_or_intellectual(
    kind: DisabilityKind, grade: int, severe: bool
) -> None:
    """重残: grade 1 or 2, or grade 3 or 4 of a mental or intellectual disability."""
    disabled = situation(
        Parent.MOTHER,
        K.SEVERELY_DISABLED,
        "2019-01-01",
        disability=Disability(kind=kind, grade=grade),
    )
    assert severe_as_62(Disability(kind=kind, grade=grade)) is severe
    assert member(child(father_dead(), disabled), "2021-01-01") is severe


def test_severely_disabled_without_a_grade_counts_as_recorded() -> None:
    """No disability recorded on the situation: the recorder judged it severe, and it
    counts; a disability is recorded only for severely_disabled."""
    c = child(father_dead(), situation(Parent.MOTHER, K.SEVERELY_DISABLED, "2019-01-01"))
    assert member(c, "2021-01-01") is True
    with pytest.raises(InvalidValueError, match="'disability' must be absent when 'kind'"):
        situation(
            Parent.MOTHER,
            K.SERIOUSLY_ILL,
            "2019-01-01",
            disability=Disability(kind=DisabilityKind.MENTAL, grade=1),
        )


# -- the 125号 additions from 2021-01-01 (assumed) ------------------------------------------------


def test_a_revoked_guardianship_counts_in_2022() -> None:
    """Father dead, mother's guardianship revoked by a court in 2020: de facto unsupported
    from 2021-01-01 (the assumed start of 125号's additions), so in 2022, in Hunan, in Hubei
    and in a province with no plugin; not in 2020."""
    for division in (LUXI, CHIBI, OTHER):
        c = child(
            father_dead(),
            situation(Parent.MOTHER, K.GUARDIANSHIP_REVOKED, "2020-06-01"),
            division=division,
        )
        assert member(c, "2020-12-31") is False
        assert member(c, "2021-01-01") is True
        assert member(c, "2022-06-30") is True
    flag = next(
        e
        for e in ENGINE.membership(c, DFU, day("2022-06-30")).evidence
        if e.parameter == "de_facto_unsupported.includes_revoked_and_deported"
    )
    assert (flag.value, flag.effective, flag.citation.status) == (
        True,
        day("2021-01-01"),
        Status.ASSUMED,
    )


def test_a_deported_parent_counts_from_2021_01_01() -> None:
    """The other 125号 addition, on the same assumed date."""
    c = child(father_dead(), situation(Parent.MOTHER, K.DEPORTED, "2020-03-01"), division=CHIBI)
    assert member(c, "2020-12-31") is False
    assert member(c, "2021-01-01") is True


# -- orphans in 2010 (the 2010 notice of the Ministry of Finance and MCA, reported) ----------------


def orphan(division: Division = LUXI, residence: ResidenceKind = ResidenceKind.FAMILY) -> Child:
    return child(
        situation(Parent.FATHER, K.DEAD, "2005-01-01"),
        situation(Parent.MOTHER, K.DEAD, "2006-01-01"),
        born="2003-04-01",
        division=division,
        residence=residence,
    )


def test_a_scattered_orphan_in_march_2010_is_paid_600() -> None:
    """The national minimum paid from 2010-01: 600.00 scattered, 1000.00 institutional, in
    Hunan (before its own 2018 floors) and elsewhere; every month of 2010 is decided."""
    assert by_month(amounts(orphan(), "2010-03", "orphan.allowance")) == {"2010-03": "600.00"}
    year = amounts(orphan(OTHER), "2010", "orphan.allowance")
    assert by_month(year) == {f"2010-{m:02d}": "600.00" for m in range(1, 13)}
    institutional = amounts(orphan(CHIBI, ResidenceKind.INSTITUTION), "2010-01", "orphan.allowance")
    assert by_month(institutional) == {"2010-01": "1000.00"}
    rate = next(e for e in year[0].evidence if e.parameter == "orphan.allowance.scattered")
    assert rate.citation.key == "mof-mca-2010-orphan-allowance"
    assert rate.citation.status is Status.REPORTED
    assert "国办发〔2010〕54号" not in str(rate.citation)


def test_the_orphan_definition_holds_from_2010_01_01() -> None:
    """An assumed value from 2010-01-01, then 国办发〔2010〕54号 (confirmed) from 2010-11-16;
    before 2010 no value is in force (missing input)."""
    age = ENGINE.parameters
    early = age.resolve("orphan.max_age", LUXI, day("2010-01-01")).evidence
    late = age.resolve("orphan.max_age", LUXI, day("2010-11-16")).evidence
    assert (early.value, early.citation.status) == (18, Status.ASSUMED)
    assert (late.value, late.citation.key, late.citation.status) == (
        18,
        "gbf-2010-54",
        Status.CONFIRMED,
    )
    assert member(orphan(), "2009-12-31", "orphan") is None


# -- every cited value, with its date and status ---------------------------------------------------

CITED = [
    # parameter, division, day before (value or None), day, value, citation key, status
    (
        "de_facto_unsupported.category_applies",
        LUXI,
        False,
        "2020-01-01",
        True,
        "mf-2019-62",
        Status.REPORTED,
    ),
    ("de_facto_unsupported.max_age", LUXI, None, "2020-01-01", 18, "mf-2019-62", Status.REPORTED),
    (
        "de_facto_unsupported.allowance_applies",
        CHIBI,
        False,
        "2020-01-01",
        True,
        "mf-2019-62-standard",
        Status.REPORTED,
    ),
    (
        "de_facto_unsupported.out_of_contact_months",
        CHIBI,
        None,
        "2020-01-01",
        6,
        "mf-2019-62-terms",
        Status.REPORTED,
    ),
    (
        "de_facto_unsupported.min_term_months",
        LUXI,
        None,
        "2020-01-01",
        6,
        "mf-2019-62-terms",
        Status.REPORTED,
    ),
    (
        "de_facto_unsupported.includes_revoked_and_deported",
        LUXI,
        False,
        "2021-01-01",
        True,
        "mf-2020-125-start",
        Status.ASSUMED,
    ),
    ("orphan.max_age", OTHER, None, "2010-01-01", 18, "careprotect-orphan-2010", Status.ASSUMED),
    (
        "orphan.allowance.scattered",
        CHIBI,
        None,
        "2010-01-01",
        Decimal("600.00"),
        "mof-mca-2010-orphan-allowance",
        Status.REPORTED,
    ),
    (
        "orphan.allowance.institutional",
        CHIBI,
        None,
        "2010-01-01",
        Decimal("1000.00"),
        "mof-mca-2010-orphan-allowance",
        Status.REPORTED,
    ),
    (
        "orphan.allowance.scattered",
        LUXI,
        Decimal("600.00"),
        "2018-01-01",
        Decimal("800.00"),
        "hn-2018-orphan",
        Status.REPORTED,
    ),
    (
        "orphan.allowance.institutional",
        LUXI,
        Decimal("1000.00"),
        "2018-01-01",
        Decimal("1200.00"),
        "hn-2018-orphan",
        Status.REPORTED,
    ),
]


@pytest.mark.parametrize(
    ("name", "division", "before", "on", "value", "key", "status"),
    CITED,
    ids=[f"{c[0]}@{c[3]}" for c in CITED],
)
def test_each_cited_value_takes_effect_on_its_day(
    name: str,
    division: Division,
    before: Any,
    on: str,
    value: Any,
    key: str,
    status: Status,
) -> None:
    """The value on its day and on the day before, with its citation and status."""
    table = ENGINE.parameters
    found = table.find(name, division, day(on) - dt.timedelta(days=1))
    assert (None if found is None else found.value) == before
    now = table.resolve(name, division, day(on))
    assert now.value == value
    assert now.evidence.effective == day(on)
    assert (now.evidence.citation.key, now.evidence.citation.status) == (key, status)


@pytest.mark.parametrize("key", ["mof-mca-2010-orphan-allowance", "hn-2018-orphan"])
def test_old_floors_say_they_are_old(key: str) -> None:
    """The 2010 national minimums and Hunan's 2018 floors are the latest values found; their
    notes say so and give the national averages paid in 2023 (reported)."""
    note = _citations()[key].note
    assert "1,439.9" in note
    assert "1,885.4" in note
    assert "latest" in note


# -- citations name public sources, with their confidence ------------------------------------------

SEED_FILE = re.compile(r"seeds?[/ ]|\b00[0-4]_[0-9a-f]{16}|\.txt\b", re.IGNORECASE)


def _citation_files() -> Iterator[Path]:
    for module in (national_plugin, careprotect_hunan, careprotect_hubei):
        paths: list[Path] = []
        module.careprotect_parameter_files(register=paths.append)
        yield from paths


def _citations() -> dict[str, Citation]:
    found: dict[str, Citation] = {}
    for value in ENGINE.parameters.values():
        found[value.citation.key] = value.citation
    for registered in (*ENGINE.categories, *ENGINE.rules):
        for citation in registered.citations:
            found[citation.key] = citation
    return found


def test_every_loaded_citation_names_no_file_of_our_sources() -> None:
    """Issuer, document, title, clause, note and address of every citation of a value, a
    category or a rule: none names a seed file or says "seeds/"."""
    citations = _citations()
    assert len(citations) > 20
    for citation in citations.values():
        for field in ("issuer", "document", "title", "clause", "note", "url"):
            text = getattr(citation, field)
            assert not SEED_FILE.search(text), (citation.key, field, text)
        assert not SEED_FILE.search(str(citation)), citation.key


def test_every_citation_in_the_shipped_files_has_a_status_and_was_checked_today() -> None:
    """Every [citations] table of the national, Hunan and Hubei files: a status, checked on
    2026-12-03; an assumed one or a reported one says why in a note; no invented address
    (none is recorded)."""
    tables = 0
    for path in _citation_files():
        for key, raw in (
            tomllib.loads(path.read_text(encoding="utf-8")).get("citations", {}).items()
        ):
            tables += 1
            assert raw["status"] in {s.value for s in Status}, key
            assert raw["verified"] == CHECKED, key
            if raw["status"] != "confirmed":
                assert raw.get("note"), key
            assert not SEED_FILE.search(" ".join(str(v) for v in raw.values())), key
    assert tables >= 30


def test_seed_documents_are_cited_by_their_publication() -> None:
    """The news reports by publication, headline and date; the Hunan notice by its issuers
    and title, with no number ("no number published")."""
    c = _citations()
    assert str(c["xianning-2020-visits"]).startswith(
        "咸宁网《关心关爱儿童 咸宁配备1058名儿童主任》(no number published)"
    )
    assert c["xianning-2020-visits"].date == day("2020-12-17")
    chibi = c["chibi-2023-follow-up"]
    assert (chibi.issuer, chibi.date) == ("湖北日报客户端", day("2023-03-25"))
    assert chibi.title.endswith("赤壁：用爱为未成年人撑起一片蓝天")
    hn = c["hn-2018-orphan"]
    assert (hn.issuer, hn.document) == ("华声在线", "")
    notice = c["hn-2019-funding"]
    assert notice.document == ""
    assert "(no number published)" in str(notice)
    assert notice.issuer.startswith("湖南省民政厅")
    assert (notice.title, notice.date) == (
        "关于进一步加强村级儿童之家建设和管理工作的通知",
        day("2019-06-11"),
    )
    for key in (
        "careprotect-entitlement-defaults",
        "hunan-choices",
        "careprotect-hubei-start-dates",
        "mf-2020-125-start",
    ):
        assert c[key].status is Status.ASSUMED, key
        assert "documentation" in c[key].title, key


# -- properties ------------------------------------------------------------------------------------

DAYS = st.dates(dt.date(2020, 1, 1), dt.date(2029, 12, 31))
DIVISIONS = st.sampled_from([LUXI, CHIBI, XIANAN, OTHER])
DEPRIVATION = st.sampled_from([K.IMPRISONED, K.COMPULSORY_REHABILITATION, K.DEPRIVED_OF_LIBERTY])


@settings(max_examples=60, deadline=None)
@given(
    kind=DEPRIVATION,
    start=st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)),
    on=DAYS,
    shorter=st.integers(1, 120),
    extra=st.integers(0, 120),
    division=DIVISIONS,
)
def test_membership_is_monotone_in_the_term(
    kind: ParentSituationKind,
    start: dt.date,
    on: dt.date,
    shorter: int,
    extra: int,
    division: Division,
) -> None:
    """A longer term never takes a child out of the category; a term of 6 or more counts
    while the situation holds, a shorter one never does."""

    def with_term(term: int) -> bool | None:
        c = child(
            father_dead(),
            ParentSituation(parent=Parent.MOTHER, kind=kind, start=start, term_months=term),
            division=division,
            born="2015-01-01",
        )
        return ENGINE.membership(c, DFU, on).member

    short, long = with_term(shorter), with_term(shorter + extra)
    assert short is not None
    assert long is not None
    assert short <= long
    young = on < dt.date(2033, 1, 1)
    assert short is (shorter >= 6 and start <= on and young)


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)),
    on=DAYS,
    division=DIVISIONS,
)
def test_out_of_contact_counts_exactly_from_six_months(
    start: dt.date, on: dt.date, division: Division
) -> None:
    """With the other parent dead, the child is a member exactly when the 6 months have been
    reached (start + 6 months <= day), and the answer is never undecided."""
    from dateutil.relativedelta import relativedelta

    c = child(
        father_dead(),
        ParentSituation(parent=Parent.MOTHER, kind=K.OUT_OF_CONTACT, start=start),
        division=division,
        born="2015-01-01",
    )
    assert member(c, on.isoformat()) is (start + relativedelta(months=6) <= on)


CONDITIONS = st.sampled_from([k for k in ParentSituationKind if k is not K.WORKING_AWAY])


@st.composite
def fully_described(draw: st.DrawFn) -> ParentSituation:
    """A parent's situation with every optional fact the category reads given."""
    parent = draw(st.sampled_from(Parent))
    kind = draw(CONDITIONS)
    start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2026, 12, 31)))
    kw: dict[str, Any] = {}
    if kind in (K.IMPRISONED, K.COMPULSORY_REHABILITATION, K.DEPRIVED_OF_LIBERTY):
        kw["term_months"] = draw(st.integers(1, 240))
    if kind is K.SEVERELY_DISABLED:
        kw["disability"] = Disability(
            kind=draw(st.sampled_from(DisabilityKind)), grade=draw(st.integers(1, 4))
        )
    return ParentSituation(parent=parent, kind=kind, start=start, **kw)


@settings(max_examples=100, deadline=None)
@given(
    situations=st.lists(fully_described(), max_size=4),
    on=st.dates(dt.date(2010, 1, 1), dt.date(2029, 12, 31)),
    division=DIVISIONS,
)
def test_never_undecided_when_every_fact_is_given(
    situations: list[ParentSituation], on: dt.date, division: Division
) -> None:
    """From 2010 on, with the shipped plugins, no child with every fact given is undecided
    in the de facto unsupported or orphan categories; before 2020-01-01 none is de facto
    unsupported."""
    c = child(*situations, division=division, born="2012-05-01")
    if on < c.birth_date:
        return
    dfu = ENGINE.membership(c, DFU, on)
    assert dfu.member is not None, dfu.facts
    assert ENGINE.membership(c, "orphan", on).member is not None
    if on < dt.date(2020, 1, 1):
        assert dfu.member is False


@settings(max_examples=40, deadline=None)
@given(
    situations=st.lists(fully_described(), max_size=4),
    month=st.dates(dt.date(2010, 1, 1), dt.date(2028, 12, 1)).map(lambda d: d.replace(day=1)),
    division=DIVISIONS,
)
def test_no_allowance_is_missing_input_when_every_fact_is_given(
    situations: list[ParentSituation], month: dt.date, division: Division
) -> None:
    """With a residence and every parental fact given, neither allowance is missing input in
    any month from 2010-01, and the de facto unsupported allowance is at least the scattered
    orphan rate in force (Hunan 800.00 from 2018, else 600.00)."""
    c = child(*situations, division=division, born="2009-06-01")
    period = f"{month.year}-{month.month:02d}"
    for rule in ("orphan.allowance", "de_facto_unsupported.allowance"):
        for a in amounts(c, period, rule):
            assert a.amount is not None, a.missing
            if rule == "de_facto_unsupported.allowance":
                hunan = division == LUXI and month >= dt.date(2018, 1, 1)
                assert a.amount == Decimal("800.00" if hunan else "600.00")
                assert month >= dt.date(2020, 1, 1)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from([K.GUARDIANSHIP_REVOKED, K.DEPORTED]),
    start=st.dates(dt.date(2015, 1, 1), dt.date(2026, 12, 31)),
    on=st.dates(dt.date(2015, 1, 1), dt.date(2029, 12, 31)),
    division=DIVISIONS,
)
def test_the_125_additions_count_from_2021_01_01(
    kind: ParentSituationKind, start: dt.date, on: dt.date, division: Division
) -> None:
    """With the other parent dead, a revoked guardianship or a deportation makes the child a
    member exactly while it holds on or after 2021-01-01 (民发〔2020〕125号, assumed start),
    in every division; the answer is never undecided."""
    c = child(
        father_dead(),
        ParentSituation(parent=Parent.MOTHER, kind=kind, start=start),
        division=division,
        born="2012-05-01",
    )
    if on < c.birth_date:
        return
    assert member(c, on.isoformat()) is (start <= on and on >= dt.date(2021, 1, 1))
