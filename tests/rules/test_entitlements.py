"""Entitlements (POLICY.md §6): monthly allowances, post allowances and construction grants,
on both sides of every boundary, and their properties."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import (
    Child,
    Division,
    DivisionRecord,
    Engine,
    Message,
    Parent,
    ParentSituation,
    ParentSituationKind,
    PluginLoadError,
    ReferenceData,
    Registry,
    Residence,
    ResidenceKind,
    ServicePoint,
    ServicePointKind,
    Sex,
    Subject,
    SubjectKind,
    Worker,
    WorkerRole,
    pipeline,
)
from careprotect.entitlement_runner import Totals
from careprotect.enums import HouseholdType
from careprotect.errors import InvalidValueError
from careprotect.findings import rests_on
from careprotect.io import open_registry, write_registry
from careprotect.params import scope_contains
from careprotect.periods import Period, PeriodKind
from careprotect.rules.base import RuleContext
from careprotect.rules.checks import check_rule, check_rules
from careprotect.rules.entitlements import (
    PARTIAL_MONTH,
    Amount,
    CategoryAllowance,
    ConstructionGrant,
    PostAllowance,
    months_of,
)
from careprotect.testing import children, periods, service_points, stub_plugin, workers
from support import citation_table

K = ParentSituationKind
NATIONAL_DIR = Path(__file__).resolve().parents[2] / "src" / "careprotect" / "national"
LUXI = Division("433122100201")  # Hunan
CHIBI = Division("421281101201")  # Hubei
ORPHAN = "orphan.allowance"
DFU = "de_facto_unsupported.allowance"
POST = "hunan.child_director.post_allowance"
GRANT = "hunan.childrens_home.construction_grant"


# -- plugins -------------------------------------------------------------------------------------


def _plugin(
    directory: Path,
    name: str,
    scope: str | None,
    toml: str,
    rules: Sequence[Any] = (),
) -> Any:
    return stub_plugin(name, scope, directory=directory, toml=toml, rules=rules)


HUNAN_CITATIONS = citation_table(
    "hn-2018",
    issuer="湖南省民政厅",
    document="",
    title="从2018年1月起提高孤儿基本生活费最低保障标准",
    date="2018-01-01",
    verified="2026-12-03",
) + citation_table(
    "hn-2019-06-11",
    issuer="湖南省民政厅等5部门",
    document="",
    title="关于进一步加强村级儿童之家建设和管理工作的通知",
    clause="五(二)",
    date="2019-06-11",
    verified="2026-12-03",
)

HUNAN_VALUES = """
[parameters."hunan.child_director.post_allowance"]
unit = "yuan_per_month"
zh = "儿童主任岗位补贴"
en = "Child director post allowance"

[parameters."hunan.childrens_home.grant.total"]
unit = "yuan"
zh = "儿童之家建设补助"
en = "Children's home construction grant"

[parameters."hunan.childrens_home.grant.province"]
unit = "yuan"
zh = "儿童之家建设补助（省级）"
en = "Children's home construction grant: province share"

[parameters."hunan.childrens_home.grant.prefecture_county"]
unit = "yuan"
zh = "儿童之家建设补助（市县）"
en = "Children's home construction grant: city and county share"

[[values]]
parameter = "orphan.allowance.scattered"
effective = 2018-01-01
value = "800"
floor = true
citation = "hn-2018"

[[values]]
parameter = "orphan.allowance.institutional"
effective = 2018-01-01
value = "1200"
floor = true
citation = "hn-2018"

[[values]]
parameter = "de_facto_unsupported.allowance_applies"
effective = 2019-06-18
value = false
citation = "hn-2018"

[[values]]
parameter = "de_facto_unsupported.allowance_applies"
effective = 2020-01-01
value = true
citation = "hn-2018"

[[values]]
parameter = "hunan.child_director.post_allowance"
effective = 2019-06-11
value = "200"
floor = true
citation = "hn-2019-06-11"

[[values]]
parameter = "hunan.childrens_home.grant.total"
effective = 2019-06-11
value = "30000"
citation = "hn-2019-06-11"

[[values]]
parameter = "hunan.childrens_home.grant.province"
effective = 2019-06-11
value = "10000"
citation = "hn-2019-06-11"
"""

HUNAN_SPLIT = """
[[values]]
parameter = "hunan.childrens_home.grant.prefecture_county"
effective = 2019-06-11
value = "20000"
citation = "hn-2019-06-11"
"""

HUNAN_RULES = (
    PostAllowance(
        id=POST,
        title=Message("儿童主任岗位补贴", "Child director post allowance"),
        citations=("hn-2019-06-11",),
        role=WorkerRole.CHILD_DIRECTOR,
        amount_param="hunan.child_director.post_allowance",
    ),
    ConstructionGrant(
        id=GRANT,
        title=Message("儿童之家建设补助", "Children's home construction grant"),
        citations=("hn-2019-06-11",),
        service_point_kind=ServicePointKind.CHILDRENS_HOME,
        total_param="hunan.childrens_home.grant.total",
        shares={
            "province": "hunan.childrens_home.grant.province",
            "prefecture_county": "hunan.childrens_home.grant.prefecture_county",
        },
    ),
)


def hunan(directory: Path, split: str = HUNAN_SPLIT) -> Any:
    """A Hunan-like province plugin (scope 43): raised orphan rates from 2018-01-01, the DFU
    allowance from 2020-01-01, the post allowance and the construction grant."""
    return _plugin(
        directory, "hunan-test", "43", HUNAN_CITATIONS + HUNAN_VALUES + split, HUNAN_RULES
    )


def partial_month(directory: Path, choice: str, scope: str = "42") -> Any:
    """A province plugin setting the partial-month rule for its scope."""
    return _plugin(
        directory,
        f"partial-{choice}",
        scope,
        HUNAN_CITATIONS.split("[citations.hn-2019-06-11]")[0]
        + f"""
[[values]]
parameter = "{PARTIAL_MONTH}"
effective = 2000-01-01
value = "{choice}"
citation = "hn-2018"
""",
    )


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("plugins")


@pytest.fixture(scope="module")
def national(plugin_dir: Path) -> Engine:
    """The national baseline with the national entitlements."""
    return Engine()


@pytest.fixture(scope="module")
def with_hunan(plugin_dir: Path) -> Engine:
    """The national baseline and the Hunan-like plugin."""
    return Engine([hunan(plugin_dir)])


# -- subjects ------------------------------------------------------------------------------------


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def child(
    *situations: tuple[Parent, ParentSituationKind, str],
    born: str = "2010-03-15",
    division: Division = CHIBI,
    residences: Sequence[tuple[ResidenceKind, str, str | None]] = (
        (ResidenceKind.FAMILY, "2010-03-15", None),
    ),
    child_id: str = "C1",
) -> Child:
    return Child(
        id=child_id,
        name="张小明",
        birth_date=day(born),
        sex=Sex.MALE,
        division=division,
        household=HouseholdType.RURAL,
        parent_situations=tuple(
            ParentSituation(parent=p, kind=k, start=day(s)) for p, k, s in situations
        ),
        residences=tuple(
            Residence(
                kind=kind,
                start=day(start),
                end=None if end is None else day(end),
                institution="P1" if kind is ResidenceKind.INSTITUTION else None,
            )
            for kind, start, end in residences
        ),
    )


def orphan(mother_died: str = "2019-03-01", **kw: Any) -> Child:
    return child((Parent.FATHER, K.DEAD, "2015-01-01"), (Parent.MOTHER, K.DEAD, mother_died), **kw)


def dfu(**kw: Any) -> Child:
    return child(
        (Parent.FATHER, K.IMPRISONED, "2019-01-01"),
        (Parent.MOTHER, K.SERIOUSLY_ILL, "2019-01-01"),
        **kw,
    )


def amounts_of(
    engine: Engine,
    period: str,
    kids: Iterable[Child] = (),
    staff: Iterable[Worker] = (),
    points: Iterable[ServicePoint] = (),
    rule: str | None = None,
) -> list[Amount]:
    registry = Registry(
        reference=ReferenceData(workers=tuple(staff), service_points=tuple(points)),
        children=tuple(kids),
    )
    found = pipeline.entitlements(engine, registry, Period.parse(period))
    return [a for a in found if rule is None or a.rule == rule]


def by_month(found: Iterable[Amount]) -> dict[str, str | None]:
    """Each month's amount as text (None for missing input)."""
    result: dict[str, str | None] = {}
    for a in found:
        assert a.month is not None
        result[str(a.month)] = None if a.amount is None else str(a.amount)
    return result


def months(first: str, last: str, value: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    p = Period.parse(first)
    while p <= Period.parse(last):
        out[str(p)] = value
        p = p.next()
    return out


# -- the orphan allowance ------------------------------------------------------------------------


def test_orphan_from_the_first_day_counts_that_month(national: Engine) -> None:
    """Default rule (eligible on the month's first day): both parents dead from 2019-03-01,
    so March counts; 600.00 a month, the national scattered rate."""
    found = amounts_of(national, "2019", [orphan("2019-03-01")], rule=ORPHAN)
    assert by_month(found) == months("2019-03", "2019-12", "600.00")
    assert found[0].day == day("2019-03-01")


def test_orphan_from_a_mid_month_day_counts_from_the_next_month(national: Engine) -> None:
    """Orphan from 2019-03-15: not eligible on 2019-03-01, so April is the first month."""
    found = amounts_of(national, "2019", [orphan("2019-03-15")], rule=ORPHAN)
    assert by_month(found) == months("2019-04", "2019-12", "600.00")


def test_any_day_rule_counts_the_month_eligibility_starts(
    national: Engine, plugin_dir: Path
) -> None:
    """With eligible_any_day in force, March counts, decided on the first eligible day."""
    engine = Engine([partial_month(plugin_dir, "eligible_any_day")])
    found = amounts_of(engine, "2019-Q1", [orphan("2019-03-15")], rule=ORPHAN)
    assert by_month(found) == {"2019-03": "600.00"}
    assert found[0].day == day("2019-03-15")
    assert found[0].facts[-1] == (
        "2019-03 decided on 2019-03-15, its first eligible day in the month "
        "(entitlement.partial_month = eligible_any_day)"
    )
    choice = next(e for e in found[0].evidence if e.parameter == PARTIAL_MONTH)
    assert (choice.value, choice.scope, choice.plugin) == ("eligible_any_day", "42", choice.plugin)


def test_last_day_rule(plugin_dir: Path) -> None:
    """With eligible_on_last_day: March counts for an orphan from 03-15; the month of the
    18th birthday does not."""
    engine = Engine([partial_month(plugin_dir, "eligible_on_last_day")])
    found = amounts_of(engine, "2019-Q1", [orphan("2019-03-15")], rule=ORPHAN)
    assert by_month(found) == {"2019-03": "600.00"}
    assert found[0].day == day("2019-03-31")
    adult = orphan(
        "2010-01-01", born="2001-03-15", residences=[(ResidenceKind.FAMILY, "2001-03-15", None)]
    )
    assert by_month(amounts_of(engine, "2019-Q1", [adult], rule=ORPHAN)) == months(
        "2019-01", "2019-02", "600.00"
    )


def test_the_month_of_the_18th_birthday(national: Engine) -> None:
    """Turning 18 on 2019-03-15: eligible on 2019-03-01, so March counts and April not.
    Turning 18 on 2019-04-01: April does not count, March does."""
    residences = [(ResidenceKind.FAMILY, "2001-01-01", None)]
    mid = orphan("2010-01-01", born="2001-03-15", residences=residences)
    assert by_month(amounts_of(national, "2019", [mid], rule=ORPHAN)) == months(
        "2019-01", "2019-03", "600.00"
    )
    first = orphan("2010-01-01", born="2001-04-01", residences=residences)
    assert by_month(amounts_of(national, "2019", [first], rule=ORPHAN)) == months(
        "2019-01", "2019-03", "600.00"
    )


def test_residence_change_mid_month_follows_the_deciding_day(national: Engine) -> None:
    """Family until 2019-06-14, institution from 2019-06-15: June is decided on 06-01
    (family, 600.00), July on 07-01 (institution, 1000.00)."""
    c = orphan(
        "2015-01-01",
        residences=[
            (ResidenceKind.FAMILY, "2010-03-15", "2019-06-15"),
            (ResidenceKind.INSTITUTION, "2019-06-15", None),
        ],
    )
    found = amounts_of(national, "2019-Q2", [c], rule=ORPHAN) + amounts_of(
        national, "2019-07", [c], rule=ORPHAN
    )
    assert by_month(found) == {
        "2019-04": "600.00",
        "2019-05": "600.00",
        "2019-06": "600.00",
        "2019-07": "1000.00",
    }
    assert "institutional: lives in institution P1 since 2019-06-15" in found[-1].facts
    rates = [e.parameter for e in found[-1].evidence]
    assert rates[-1] == "orphan.allowance.institutional"


def test_hunan_raises_the_rates_from_2018(with_hunan: Engine) -> None:
    """Hunan from 2018-01-01: scattered 800, institutional 1200; Hubei stays at 600."""
    luxi = orphan("2015-01-01", division=LUXI)
    found = amounts_of(with_hunan, "2017-12", [luxi], rule=ORPHAN) + amounts_of(
        with_hunan, "2018-01", [luxi], rule=ORPHAN
    )
    assert by_month(found) == {"2017-12": "600.00", "2018-01": "800.00"}
    rate = found[1].evidence[-1]
    assert (rate.parameter, rate.value, rate.scope, rate.effective) == (
        "orphan.allowance.scattered",
        Decimal("800.00"),
        "43",
        day("2018-01-01"),
    )
    assert rate.plugin == "hunan-test"
    inst = orphan(
        "2015-01-01", division=LUXI, residences=[(ResidenceKind.INSTITUTION, "2010-03-15", None)]
    )
    assert by_month(amounts_of(with_hunan, "2018-01", [inst], rule=ORPHAN)) == {
        "2018-01": "1200.00"
    }
    chibi = orphan("2015-01-01", division=CHIBI)
    assert by_month(amounts_of(with_hunan, "2018-01", [chibi], rule=ORPHAN)) == {
        "2018-01": "600.00"
    }


def test_no_residence_is_missing_input_never_family(national: Engine) -> None:
    """An orphan with no residence recorded on the deciding day: missing input."""
    c = orphan("2015-01-01", residences=[(ResidenceKind.FAMILY, "2019-02-10", None)])
    found = amounts_of(national, "2019-Q1", [c], rule=ORPHAN)
    assert by_month(found) == {"2019-01": None, "2019-02": None, "2019-03": "600.00"}
    assert found[1].missing == "no residence recorded on 2019-02-01"
    assert found[1].is_missing


def test_a_child_in_no_category_gets_nothing(national: Engine) -> None:
    """One parent dead, the other at home: no orphan allowance, no record at all."""
    c = child((Parent.FATHER, K.DEAD, "2015-01-01"))
    assert amounts_of(national, "2019", [c]) == []


# -- the de facto unsupported allowance ----------------------------------------------------------


def test_dfu_allowance_is_paid_nationally_from_2020_01(national: Engine) -> None:
    """民发〔2019〕62号 (reported): the allowance from 2020-01-01 at the local scattered-orphan
    standard, nationally the 600.00 minimum; nothing at all (no record) in 2019."""
    assert amounts_of(national, "2019", [dfu()], rule=DFU) == []
    found = amounts_of(national, "2020-01", [dfu()], rule=DFU)
    assert by_month(found) == {"2020-01": "600.00"}
    assert found[0].day == day("2020-01-01")


def test_nothing_is_due_before_the_category_exists(national: Engine) -> None:
    """Before 2020-01-01 the category does not exist (no child is a member), so nothing is
    due and nothing is missing; January 2020 is the first month."""
    assert amounts_of(national, "2019-Q4", [dfu()]) == []
    assert [str(a.month) for a in amounts_of(national, "2020-Q1", [dfu()])] == [
        "2020-01",
        "2020-02",
        "2020-03",
    ]


def test_out_of_contact_is_decided_by_the_national_duration() -> None:
    """A parent out of contact since 2019-07-01 (the other in prison since 2019-01-01, no
    term recorded): both have lasted the national 6 months by 2020-01-01, so January 2020 is
    paid, not missing input as before 62号's terms were encoded."""
    c = child(
        (Parent.FATHER, K.IMPRISONED, "2019-01-01"), (Parent.MOTHER, K.OUT_OF_CONTACT, "2019-07-01")
    )
    (a,) = amounts_of(Engine(), "2020-01", [c], rule=DFU)
    assert a.amount == Decimal("600.00")
    assert a.missing == ""
    assert "mother out_of_contact since 2019-07-01" in a.facts


def test_dfu_allowance_is_the_scattered_orphan_rate_from_its_gate(with_hunan: Engine) -> None:
    """The gate is false until 2019-12-31 and true from 2020-01-01; the rate is the
    scattered-orphan rate (800 in Hunan) even for a child in an institution."""
    c = dfu(division=LUXI, residences=[(ResidenceKind.INSTITUTION, "2010-03-15", None)])
    assert amounts_of(with_hunan, "2019-12", [c], rule=DFU) == []
    found = amounts_of(with_hunan, "2020-01", [c], rule=DFU)
    assert by_month(found) == {"2020-01": "800.00"}
    assert [e.parameter for e in found[0].evidence] == [
        "de_facto_unsupported.category_applies",
        "de_facto_unsupported.max_age",
        "de_facto_unsupported.min_term_months",
        "de_facto_unsupported.allowance_applies",
        "orphan.allowance.scattered",
    ]
    assert [c.document for c in found[0].citations] == ["民发〔2019〕62号", "民发〔2019〕62号"]


def test_dfu_rate_needs_no_residence(with_hunan: Engine) -> None:
    """One rate whatever the residence: a DFU child with no residence is still priced."""
    c = dfu(division=LUXI, residences=[])
    assert by_month(amounts_of(with_hunan, "2020-01", [c], rule=DFU)) == {"2020-01": "800.00"}


# -- the post allowance --------------------------------------------------------------------------


def director(
    appointed: str | None, left: str | None = None, division: str = "433122100201", **kw: Any
) -> Worker:
    return Worker(
        id=kw.pop("worker_id", "W1"),
        name="李芳",
        role=kw.pop("role", WorkerRole.CHILD_DIRECTOR),
        division=Division(division),
        appointed_on=None if appointed is None else day(appointed),
        left_on=None if left is None else day(left),
    )


def test_post_allowance_per_month_of_service(with_hunan: Engine) -> None:
    """Appointed 2019-08-20, left 2020-03-10: September to March count, 200.00 each."""
    w = director("2019-08-20", "2020-03-10")
    found = (
        amounts_of(with_hunan, "2019", staff=[w], rule=POST)
        + amounts_of(with_hunan, "2020-Q2", staff=[w], rule=POST)
        + amounts_of(with_hunan, "2020-Q1", staff=[w], rule=POST)
    )
    assert by_month(found) == months("2019-09", "2020-03", "200.00")
    assert found[0].subject == Subject(SubjectKind.WORKER, "W1", "李*")
    assert found[0].facts[0] == "child_director in post from 2019-08-20"


def test_post_allowance_appointed_on_the_first(with_hunan: Engine) -> None:
    """Appointed 2019-09-01: September counts."""
    found = amounts_of(with_hunan, "2019-09", staff=[director("2019-09-01")], rule=POST)
    assert by_month(found) == {"2019-09": "200.00"}


def test_post_allowance_before_its_rate_is_missing_input(with_hunan: Engine) -> None:
    """The rate is in force from 2019-06-11: June (decided on 06-01) is missing input."""
    found = amounts_of(with_hunan, "2019-Q2", staff=[director("2019-01-01")], rule=POST)
    assert by_month(found) == {"2019-04": None, "2019-05": None, "2019-06": None}
    assert found[2].missing == (
        "no value of hunan.child_director.post_allowance in force on 2019-06-01"
    )
    assert by_month(amounts_of(with_hunan, "2019-07", staff=[director("2019-01-01")])) == {
        "2019-07": "200.00"
    }


def test_post_allowance_unknown_appointment_is_missing_input(with_hunan: Engine) -> None:
    """Appointment date unknown: each month is missing input, until a known leaving day."""
    found = amounts_of(with_hunan, "2019-Q3", staff=[director(None, "2019-09-01")], rule=POST)
    assert by_month(found) == {"2019-07": None, "2019-08": None}
    assert {a.missing for a in found} == {"child_director: appointment date unknown"}


def test_post_allowance_only_for_the_role_and_scope(with_hunan: Engine) -> None:
    """A supervisor gets no director's allowance; a Hubei director is outside the rule's
    scope (Hunan)."""
    supervisor = director("2019-01-01", role=WorkerRole.CHILD_SUPERVISOR, division="433122100")
    hubei = director("2019-01-01", division="421281101201", worker_id="W2")
    assert amounts_of(with_hunan, "2019-07", staff=[supervisor, hubei]) == []


# -- the construction grant ----------------------------------------------------------------------


def home(opened: str | None, closed: str | None = None, **kw: Any) -> ServicePoint:
    return ServicePoint(
        id=kw.pop("point_id", "P1"),
        kind=kw.pop("kind", ServicePointKind.CHILDRENS_HOME),
        name="青山村儿童之家",
        division=LUXI,
        opened_on=None if opened is None else day(opened),
        closed_on=None if closed is None else day(closed),
    )


def test_construction_grant_is_split_by_level(with_hunan: Engine) -> None:
    """A home opened 2019-09-01: 10000.00 from the province, 20000.00 from city and
    county (seed 002 §5.2), on the opening day; totals by payer and county."""
    found = amounts_of(with_hunan, "2019", points=[home("2019-09-01")], rule=GRANT)
    assert [(a.payer, str(a.amount), a.day, a.month) for a in found] == [
        ("province", "10000.00", day("2019-09-01"), None),
        ("prefecture_county", "20000.00", day("2019-09-01"), None),
    ]
    assert found[0].facts == ("childrens_home opened on 2019-09-01",)
    assert [e.parameter for e in found[1].evidence] == [
        "hunan.childrens_home.grant.total",
        "hunan.childrens_home.grant.prefecture_county",
    ]
    totals = Totals.of(found)
    assert totals.as_dict() == {
        "total": "30000.00",
        "count": 2,
        "by_county": {"433122": "30000.00"},
        "by_payer": {"prefecture_county": "20000.00", "province": "10000.00"},
        "by_rule": {GRANT: "30000.00"},
        "missing": {},
    }


def test_construction_grant_only_in_the_opening_period(with_hunan: Engine) -> None:
    """Opened 2020-01-05: nothing in 2019; a welfare institution gets no home's grant."""
    points = [
        home("2020-01-05"),
        home("2019-09-01", point_id="P2", kind=ServicePointKind.WELFARE_INSTITUTION),
    ]
    assert amounts_of(with_hunan, "2019", points=points) == []
    assert len(amounts_of(with_hunan, "2020-01", points=points)) == 2


def test_construction_grant_unknown_opening_is_missing_input(with_hunan: Engine) -> None:
    """Opening date unknown: one missing-input record, unless it closed before the period."""
    found = amounts_of(with_hunan, "2019", points=[home(None)])
    assert [(a.payer, a.amount, a.missing) for a in found] == [
        ("", None, "childrens_home: opening date unknown")
    ]
    assert amounts_of(with_hunan, "2019", points=[home(None, "2018-06-01")]) == []


def test_shares_that_do_not_add_up_are_refused(plugin_dir: Path, tmp_path: Path) -> None:
    """10000 + 15000 is not 30000: the engine refuses to load, naming the values and plugin."""
    bad = HUNAN_SPLIT.replace('"20000"', '"15000"')
    with pytest.raises(PluginLoadError, match=r"do not add up to the total 30000\.00") as exc:
        Engine([hunan(tmp_path, bad)])
    assert "in 43 on 2019-06-11" in str(exc.value)
    assert "registered by plugin hunan-test 0 (43)" in str(exc.value)


def test_a_grant_evaluated_outside_the_engine_still_refuses_a_bad_split(tmp_path: Path) -> None:
    """The engine checks registered grants at load. A grant evaluated by hand against
    parameters it was never checked with reports each share as missing input, quoting the
    mismatch, instead of paying shares that do not add up."""
    bad = HUNAN_SPLIT.replace('"20000"', '"15000"')
    engine = Engine([_plugin(tmp_path, "values-only", "43", HUNAN_CITATIONS + HUNAN_VALUES + bad)])
    grant = HUNAN_RULES[1]
    assert isinstance(grant, ConstructionGrant)
    env = RuleContext(engine, reference=ReferenceData(), plugin=engine.plugins[-1])
    found = list(grant.amounts(home("2019-09-01"), Period.year(2019), env))
    assert [(a.payer, a.amount) for a in found] == [
        ("province", None),
        ("prefecture_county", None),
    ]
    assert all("(province 10000.00 + prefecture_county 15000.00" in a.missing for a in found)
    assert all("do not add up to the total 30000.00" in a.missing for a in found)


def test_shares_checked_in_every_scope(plugin_dir: Path, tmp_path: Path) -> None:
    """A county raising only the province share from 2021 breaks the split there."""
    county = (
        HUNAN_SPLIT
        + """
[[values]]
parameter = "hunan.childrens_home.grant.province"
effective = 2021-01-01
scope = "433122"
value = "12000"
citation = "hn-2019-06-11"
"""
    )
    with pytest.raises(PluginLoadError, match="in 433122 on 2021-01-01"):
        Engine([hunan(tmp_path, county)])


def test_the_rules_check_cleanly(with_hunan: Engine) -> None:
    """The national and Hunan entitlements fit their parameters and categories."""
    check_rules(with_hunan)
    ids = {r.id for r in with_hunan.rules}
    assert {ORPHAN, DFU, POST, GRANT} <= ids


def test_check_refuses_unknown_category_and_wrong_units(plugin_dir: Path) -> None:
    """A rule naming an unregistered category, or a rate of the wrong unit, is refused."""
    base = CategoryAllowance(
        id="x.allowance",
        title=Message("x", "x"),
        citations=("gbf-2010-54",),
        category="no_such_category",
        amount_params="orphan.allowance.scattered",
    )
    engine = Engine()
    with pytest.raises(PluginLoadError, match="uses category 'no_such_category'"):
        check_rule(base, engine)
    wrong = CategoryAllowance(
        id="x.allowance",
        title=Message("x", "x"),
        citations=("gbf-2010-54",),
        category="orphan",
        amount_params="orphan.max_age",
    )
    with pytest.raises(
        PluginLoadError,
        match=r"^rule 'x\.allowance' reads parameter 'orphan\.max_age' \(its 'amount_params'\): "
        r"it needs 'orphan\.max_age' in yuan_per_month, but plugin national .* declares it in "
        r"years$",
    ):
        check_rule(wrong, engine)


def test_only_a_partial_month_rests_on_the_partial_month_rule(
    national: Engine, plugin_dir: Path
) -> None:
    """An orphan from 2019-01-15, with eligible_any_day in force: January counts and its
    amount rests on the choice (and on its citation's status); February is eligible on every
    day, so every choice counts it and its amount does not rest on the choice."""
    engine = Engine([partial_month(plugin_dir, "eligible_any_day")])
    jan, feb, _ = amounts_of(engine, "2019-Q1", [orphan("2019-01-15")], rule=ORPHAN)
    assert PARTIAL_MONTH in [e.parameter for e in jan.evidence]
    assert "whichever day decides" not in jan.facts[-1]
    assert PARTIAL_MONTH not in [e.parameter for e in feb.evidence]
    assert feb.facts[-1].endswith("; the whole month, whichever day decides")


def test_rates_by_residence_name_every_kind() -> None:
    """A rate mapping that leaves out a residence kind is refused when built."""
    with pytest.raises(InvalidValueError, match="missing institution"):
        CategoryAllowance(
            id="x",
            title=Message("x", "x"),
            citations=("c",),
            category="orphan",
            amount_params={ResidenceKind.FAMILY: "orphan.allowance.scattered"},
        )


# -- records, periods, streams -------------------------------------------------------------------


def test_amount_json_shape(national: Engine) -> None:
    """An amount as JSON: masked subject, amount as text, every key present."""
    c = orphan("2015-01-01")
    (a,) = amounts_of(national, "2019-01", [c], rule=ORPHAN)
    data = a.as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert {k: data[k] for k in data if k not in ("citations", "evidence", "rests_on")} == {
        "rule": "orphan.allowance",
        "subject": {"kind": "child", "id": "C1", "name": "张**"},
        "division": "421281101201",
        "month": "2019-01",
        "date": "2019-01-01",
        "amount": "600.00",
        "payer": "",
        "missing": None,
        "facts": [
            "orphan from 2015-01-01",
            "father dead since 2015-01-01",
            "mother dead since 2015-01-01",
            "scattered: lives in a family since 2010-03-15",
            "2019-01 decided on 2019-01-01, the month's first day "
            "(entitlement.partial_month = eligible_on_first_day); the whole month, whichever "
            "day decides",
        ],
    }
    assert [c["text"] for c in data["citations"]] == [
        "财政部、民政部《关于孤儿基本生活费最低养育标准的通知（2010年；标题据报道概括）》"
        "(文号未查到) 孤儿基本生活费最低养育标准：社会散居孤儿每人每月600元，集中供养孤儿每人每月"
        "1000元，自2010年1月起发放",
        "民政部《关于制定福利机构儿童最低养育标准的指导意见》(文号未查到) "
        "福利机构儿童最低养育标准（每人每月1000元）",
        "国务院办公厅《国务院办公厅关于加强孤儿保障工作的意见》(国办发〔2010〕54号) "
        "孤儿的定义（未满18周岁，父母双亡或被人民法院宣告死亡、失踪）, 2010-11-16",
    ]
    assert [c["status"] for c in data["citations"]] == ["reported", "reported", "confirmed"]
    # Each citation as Citation.as_dict gives it; the amount rests on the weakest status.
    assert data["citations"] == [c.as_dict() for c in a.citations]
    assert data["rests_on"] == a.rests_on.value == rests_on(a.citations, a.evidence).value
    assert data["evidence"][-1] == {
        "parameter": "orphan.allowance.scattered",
        "value": "600.00",
        "unit": "yuan_per_month",
        "effective": "2010-01-01",
        "scope": "national",
        "plugin": "national",
        "version": data["evidence"][-1]["version"],
        "citation": data["evidence"][-1]["citation"],
    }


def _fields(c: Child) -> dict[str, Any]:
    import attrs

    return {f.name: getattr(c, f.name) for f in attrs.fields(Child)}


def test_a_child_id_that_is_an_id_number_is_masked(national: Engine) -> None:
    """The subject id is masked like a finding's when it is a citizen ID number."""
    c = Child(**{**_fields(orphan("2015-01-01")), "id": "11010519491231002X"})
    (a,) = amounts_of(national, "2019-01", [c], rule=ORPHAN)
    assert a.subject.id == "110105********002X"
    assert "11010519491231002X" not in json.dumps(a.as_dict())


def test_periods_must_be_months_quarters_or_years(national: Engine) -> None:
    """A week is refused; a quarter has three months, a year twelve."""
    with pytest.raises(InvalidValueError, match="must be a month, quarter or year"):
        pipeline.entitlements(national, Registry(), Period.parse("2019-W10"))
    assert [str(m) for m in months_of(Period.parse("2019-Q4"))] == [
        "2019-10",
        "2019-11",
        "2019-12",
    ]
    assert len(months_of(Period.parse("2019"))) == 12


def test_amount_refuses_negative_and_unexplained_none() -> None:
    """An amount is never negative, and None only with a reason."""
    subject = Subject(SubjectKind.CHILD, "C1")
    with pytest.raises(InvalidValueError, match="'amount' must be None or a Decimal"):
        Amount(rule="r", subject=subject, division=CHIBI, amount=Decimal("-1.00"))
    with pytest.raises(InvalidValueError, match="only with a 'missing' reason"):
        Amount(rule="r", subject=subject, division=CHIBI, amount=None)
    with pytest.raises(InvalidValueError, match="'month' must be a month Period"):
        Amount(
            rule="r",
            subject=subject,
            division=CHIBI,
            amount=Decimal("1.00"),
            month=Period.parse("2019"),
        )


def test_a_stream_gives_the_same_amounts_as_a_registry(with_hunan: Engine, tmp_path: Path) -> None:
    """Entitlements of a streamed registry file equal those of the registry in memory, and
    the totals add up by county, payer level and rule."""
    kids = (orphan("2015-01-01", division=LUXI), dfu(child_id="C2"))
    reference = ReferenceData(
        divisions=(
            DivisionRecord(code=Division("43"), name="湖南省"),
            DivisionRecord(code=Division("42"), name="湖北省"),
        ),
        workers=(director("2019-08-20"),),
        service_points=(home("2019-09-01"),),
    )
    registry = Registry(reference=reference, children=kids)
    path = tmp_path / "r.jsonl"
    write_registry(path, reference, kids)
    with open_registry(path) as stream:
        streamed = list(pipeline.entitlements(with_hunan, stream, Period.parse("2019")))
        assert list(stream.rejections) == []
    found = list(pipeline.entitlements(with_hunan, registry, Period.parse("2019")))
    assert streamed == found
    totals = Totals()
    assert list(totals.tally(found)) == found
    assert totals.as_dict() == {
        # the grant 30000 + the post allowance 4 x 200 + the orphan allowance 12 x 800;
        # the DFU child in Chibi gets nothing in 2019 (the allowance starts in 2020-01)
        "total": "40400.00",
        "count": 2 + 4 + 12,
        "by_county": {"433122": "40400.00"},
        "by_payer": {"": "10400.00", "prefecture_county": "20000.00", "province": "10000.00"},
        "by_rule": {GRANT: "30000.00", ORPHAN: "9600.00", POST: "800.00"},
        "missing": {},
    }
    assert totals.by_county == {Division("433122"): Decimal("40400.00")}


# -- properties ----------------------------------------------------------------------------------

PROVINCES = [Division("43"), Division("42")]


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    """Registries in Hunan and Hubei, rich in orphans and DFU children, with child
    directors and children's homes."""
    n = draw(st.integers(0, 4))
    situations = st.sampled_from(
        [[K.DEAD], [K.DEAD, K.IMPRISONED], [K.IMPRISONED, K.SERIOUSLY_ILL], [K.DEAD, K.DEAD]]
    )
    kids = tuple(
        draw(
            children(
                draw(st.sampled_from(PROVINCES)),
                age_on=(dt.date(2018, 1, 1), draw(st.integers(0, 19))),
                parent_situations=draw(st.none() | situations),
                max_facts=2,
                child_id=f"C{i:05d}",
                worker_ids=(),
                service_point_ids=["P0001"],
            )
        )
        for i in range(1, n + 1)
    )
    staff = tuple(
        draw(
            workers(draw(st.sampled_from(PROVINCES)), WorkerRole.CHILD_DIRECTOR, worker_id=f"W{i}")
        )
        for i in range(draw(st.integers(0, 2)))
    )
    points = tuple(
        draw(
            service_points(
                draw(st.sampled_from(PROVINCES)),
                ServicePointKind.CHILDRENS_HOME,
                point_id=f"P{i:04d}",
                director_ids=(),
                child_ids=(),
                min_date=dt.date(2015, 1, 1),
                max_date=dt.date(2022, 12, 31),
            )
        )
        for i in range(1, draw(st.integers(0, 2)) + 1)
    )
    return Registry(reference=ReferenceData(workers=staff, service_points=points), children=kids)


PERIODS = st.one_of(
    periods(PeriodKind.MONTH, 2016, 2021),
    periods(PeriodKind.QUARTER, 2016, 2021),
    periods(PeriodKind.YEAR, 2017, 2020),
)
PROPERTY = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _floors_in_force(engine: Engine, name: str, division: Division, on: dt.date) -> list[Decimal]:
    floors = []
    values = list(engine.parameters.values(name))
    for v in values:
        if not v.floor or not scope_contains(v.scope, division) or v.effective > on:
            continue
        later = [w for w in values if w.scope == v.scope and v.effective < w.effective <= on]
        if not later:
            floors.append(v.value)
    return floors


def _key(a: Amount) -> str:
    return json.dumps(a.as_dict(), sort_keys=True, ensure_ascii=False)


@PROPERTY
@given(registry=registries(), period=PERIODS)
def test_amounts_are_never_negative_nor_below_a_floor(
    with_hunan: Engine, registry: Registry, period: Period
) -> None:
    """Property: every known amount is at least 0 and at least every floor in force for its
    rate parameter, in its division, on its deciding day."""
    for a in pipeline.entitlements(with_hunan, registry, period):
        if a.amount is None:
            assert a.missing
            continue
        assert a.amount >= 0
        assert a.amount == a.amount.quantize(Decimal("0.01"))
        assert a.day is not None
        rate = a.evidence[-1]
        assert rate.value == a.amount
        for floor in _floors_in_force(with_hunan, rate.parameter, a.division, a.day):
            assert a.amount >= floor


@PROPERTY
@given(registry=registries(), period=PERIODS, data=st.data())
def test_amounts_do_not_depend_on_record_order(
    with_hunan: Engine, registry: Registry, period: Period, data: st.DataObject
) -> None:
    """Property: shuffling the children, workers and service points gives the same amounts
    (as a multiset) and the same totals."""
    shuffled = Registry(
        reference=ReferenceData(
            workers=tuple(data.draw(st.permutations(registry.reference.workers))),
            service_points=tuple(data.draw(st.permutations(registry.reference.service_points))),
        ),
        children=tuple(data.draw(st.permutations(registry.children))),
    )
    first = list(pipeline.entitlements(with_hunan, registry, period))
    second = list(pipeline.entitlements(with_hunan, shuffled, period))
    assert sorted(map(_key, first)) == sorted(map(_key, second))
    assert Totals.of(first) == Totals.of(second)


@PROPERTY
@given(registry=registries(), period=PERIODS)
def test_amounts_are_deterministic(
    with_hunan: Engine, plugin_dir: Path, registry: Registry, period: Period
) -> None:
    """Property: the same input gives the same amounts, from the same or a fresh engine."""
    first = list(pipeline.entitlements(with_hunan, registry, period))
    assert list(pipeline.entitlements(with_hunan, registry, period)) == first
    fresh = Engine([hunan(plugin_dir)])
    assert list(map(_key, pipeline.entitlements(fresh, registry, period))) == list(map(_key, first))


@PROPERTY
@given(registry=registries(), period=PERIODS)
def test_evidence_is_in_force_on_the_deciding_day(
    with_hunan: Engine, registry: Registry, period: Period
) -> None:
    """Property: each amount's evidence names the value in force for its division: on its
    deciding day (the partial-month rule: on the month's first day), and within its month."""
    for a in pipeline.entitlements(with_hunan, registry, period):
        if a.day is None:
            continue
        if a.month is not None:
            assert a.month.contains(a.day)
        else:
            assert period.contains(a.day)
        for e in a.evidence:
            on = a.month.start if e.parameter == PARTIAL_MONTH and a.month else a.day
            assert e.effective <= on
            found = with_hunan.parameters.find(e.parameter, a.division, on)
            assert found is not None
            assert found.evidence == e
