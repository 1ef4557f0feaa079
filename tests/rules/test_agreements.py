"""Agreement rules (POLICY.md §5): the entrusted-guardianship confirmation and the children's
home service agreement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import pytest

from careprotect import (
    Agreement,
    AgreementKind,
    Child,
    Division,
    Engine,
    Guardianship,
    HouseholdType,
    Message,
    Outcome,
    Parent,
    ParentSituation,
    ParentSituationKind,
    Period,
    ReferenceData,
    Registry,
    Relation,
    ServiceAgreement,
    ServicePoint,
    ServicePointKind,
    Sex,
    load_registry,
    pipeline,
)
from careprotect.findings import Finding
from careprotect.national.rules import AGREEMENT_RULES
from careprotect.rules.agreements import (
    EntrustedGuardianshipConfirmation,
    ServiceAgreementPerChild,
)
from careprotect.testing import stub_plugin
from support import citation_table

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry
K = ParentSituationKind
VILLAGE = Division("433122100201")
OTHER_VILLAGE = Division("433122100203")
(CONFIRMATION,) = (r for r in AGREEMENT_RULES if isinstance(r, EntrustedGuardianshipConfirmation))
SERVICE = ServiceAgreementPerChild(
    id="test.childrens_home.service_agreement",
    title=Message("儿童之家与所服务儿童签订委托服务协议书", "A service agreement for every child"),
    citations=("hn",),
    required="childrens_home.service_agreement.required",
    categories=("left_behind", "difficulty.poverty", "difficulty.disability"),
)

HUNAN = (
    citation_table(
        "hn",
        issuer="湖南省民政厅",
        document="seeds/002",
        title="关于进一步加强村级儿童之家建设和管理工作的通知",
        clause="5.4",
        date="2019-06-11",
    )
    + """
[[values]]
parameter = "childrens_home.service_agreement.required"
effective = 2019-06-11
value = true
citation = "hn"
"""
)


def plugin(tmp_path: Path, rules: Iterable[Any], toml: str = HUNAN, scope: str = "43") -> object:
    """A throwaway Hunan-like plugin."""
    return stub_plugin("hn", scope, directory=tmp_path, toml=toml, rules=rules)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    # Overrides conftest's engine: this module's rules come from a throwaway plugin.
    return Engine([plugin(tmp_path, [SERVICE])])


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def child(
    *guardianships: Guardianship,
    agreements: Sequence[Agreement] = (),
    away: bool = True,
    division: Division = VILLAGE,
    **kw: Any,
) -> Child:
    situations = (
        ParentSituation(parent=Parent.FATHER, kind=K.WORKING_AWAY, start=day("2018-01-01")),
        ParentSituation(parent=Parent.MOTHER, kind=K.WORKING_AWAY, start=day("2018-01-01")),
    )
    return Child(
        id=kw.pop("child_id", "C1"),
        name="某某",
        birth_date=dt.date(2012, 5, 1),
        sex=Sex.FEMALE,
        division=division,
        household=HouseholdType.RURAL,
        parent_situations=situations if away else (),
        guardianships=guardianships,
        agreements=tuple(agreements),
        **kw,
    )


GRANNY = Guardianship(
    guardian="田奶奶", relation=Relation.GRANDPARENT, start=day("2018-01-01"), entrusted=True
)


def judge(
    engine: Engine,
    children: Sequence[Child],
    rule: str,
    reference: ReferenceData = SAMPLE.reference,
    **when: Any,
) -> list[Finding]:
    if not when:
        when = {"as_of": day("2020-06-30")}
    registry = Registry(reference=reference, children=tuple(children))
    return [f for f in pipeline.audit(engine, registry, **when) if f.rule == rule]


def outcomes(findings: Iterable[Finding]) -> list[tuple[str, str]]:
    return [(f.subject.id, f.outcome.value) for f in findings]


# -- the entrusted-guardianship confirmation ----------------------------------------------------

RULE = CONFIRMATION.id


def test_the_national_rule_cites_34_and_reads_a_national_flag() -> None:
    """民发〔2019〕34号 is the citation; the duty's flag is true nationally from 2019-04-30."""
    assert CONFIRMATION.citations == ("mf-2019-34",)
    engine = Engine()
    flag = engine.parameters.find(CONFIRMATION.required, VILLAGE, day("2019-04-30"))
    assert flag is not None
    assert flag.value is True
    assert engine.parameters.find(CONFIRMATION.required, VILLAGE, day("2019-04-29")) is None


def test_a_signed_confirmation_is_compliant(engine: Engine) -> None:
    """The guardianship's own confirmation date, or a confirmation agreement signed since the
    guardianship began, is compliant; the guardian's name is masked in the facts."""
    signed = attrs.evolve(GRANNY, confirmation_signed_on=day("2018-03-01"))
    (f,) = judge(engine, [child(signed)], RULE)
    assert f.outcome is Outcome.COMPLIANT
    assert f.day == day("2020-06-30")
    assert f.facts[1:] == (
        "entrusted guardian 田** (grandparent) since 2018-01-01",
        "confirmation signed 2018-03-01",
    )
    assert f.facts[0].startswith("left_behind on 2020-06-30")
    assert [e.parameter for e in f.evidence] == [
        "entrusted_guardianship.confirmation.required",
        "left_behind.max_age",
    ]
    assert [c.document for c in f.citations] == ["民发〔2019〕34号"]
    paper = Agreement(
        kind=AgreementKind.ENTRUSTED_GUARDIANSHIP_CONFIRMATION, signed_on=day("2018-02-01")
    )
    (f,) = judge(engine, [child(GRANNY, agreements=[paper])], RULE)
    assert f.outcome is Outcome.COMPLIANT


def test_an_unsigned_confirmation_is_non_compliant(engine: Engine) -> None:
    """No confirmation, or one signed only after the judged day, is non-compliant."""
    (f,) = judge(engine, [child(GRANNY)], RULE)
    assert f.outcome is Outcome.NON_COMPLIANT
    assert f.message.en == (
        "No entrusted-guardianship confirmation signed by the entrusted guardian by 2020-06-30"
    )
    late = attrs.evolve(GRANNY, confirmation_signed_on=day("2020-07-01"))
    assert outcomes(judge(engine, [child(late)], RULE)) == [("C1", "non_compliant")]


def test_a_confirmation_from_an_earlier_guardian_does_not_count(engine: Engine) -> None:
    """A confirmation agreement signed before the current entrusted guardianship began
    belongs to an earlier guardian."""
    aunt = Guardianship(
        guardian="田阿姨", relation=Relation.OTHER_RELATIVE, start=day("2020-01-01"), entrusted=True
    )
    old = Agreement(
        kind=AgreementKind.ENTRUSTED_GUARDIANSHIP_CONFIRMATION, signed_on=day("2018-02-01")
    )
    (f,) = judge(engine, [child(aunt, agreements=[old])], RULE)
    assert f.outcome is Outcome.NON_COMPLIANT
    assert "confirmation agreement signed 2018-02-01, before this guardianship began" in f.facts


def test_no_finding_without_an_entrusted_guardian_or_outside_left_behind(engine: Engine) -> None:
    """Care by a non-entrusted guardian, or a child who is not left-behind, gives nothing."""
    parent = Guardianship(guardian="田妈妈", relation=Relation.MOTHER, start=day("2012-05-01"))
    assert judge(engine, [child(parent)], RULE) == []
    assert judge(engine, [child(GRANNY, away=False)], RULE) == []


def test_no_guardianship_recorded_is_missing_input(engine: Engine) -> None:
    """A left-behind child whose file records no guardianship in force: missing input."""
    (f,) = judge(engine, [child()], RULE)
    assert f.outcome is Outcome.MISSING_INPUT


def test_before_34_the_duty_is_missing_input(engine: Engine) -> None:
    """Before 2019-04-30 no value of the flag is in force: missing input, never compliant."""
    (f,) = judge(engine, [child(GRANNY)], RULE, as_of=day("2019-04-29"))
    assert f.outcome is Outcome.MISSING_INPUT
    assert f.message.en.startswith(
        "Missing input: no value of entrusted_guardianship.confirmation.required is in force"
    )


def test_a_period_audit_judges_its_last_day(engine: Engine) -> None:
    """With a period, the point-in-time rule judges the period's last day."""
    late = attrs.evolve(GRANNY, confirmation_signed_on=day("2020-06-30"))
    (f,) = judge(engine, [child(late)], RULE, period=Period.month(2020, 6))
    assert (f.outcome, f.day) == (Outcome.COMPLIANT, day("2020-06-30"))


def test_sample_registry_confirmations(engine: Engine) -> None:
    """田小雨 (Luxi) signed in 2018; 刘小宇 (Chibi, entrusted to his grandmother) did not."""
    findings = judge(engine, SAMPLE.children, RULE)
    assert outcomes(findings) == [("C-LX-001", "compliant"), ("C-CB-001", "non_compliant")]


# -- the children's home service agreement -----------------------------------------------------

HOME = ServicePoint(
    id="H1",
    kind=ServicePointKind.CHILDRENS_HOME,
    name="青山村儿童之家",
    division=VILLAGE,
    opened_on=day("2019-10-01"),
)
REFERENCE = ReferenceData(service_points=(HOME,))
SRULE = SERVICE.id


def test_a_child_in_the_home_village_needs_a_service_agreement(engine: Engine) -> None:
    """Without an agreement: non-compliant; with one on the child's file or on the home's
    record: compliant."""
    (f,) = judge(engine, [child()], SRULE, REFERENCE)
    assert f.outcome is Outcome.NON_COMPLIANT
    assert f.message.en == (
        "No entrusted service agreement with the village's children's home 青山村儿童之家 on "
        "2020-06-30"
    )
    on_file = Agreement(
        kind=AgreementKind.SERVICE_AGREEMENT, signed_on=day("2019-10-15"), service_point="H1"
    )
    (f,) = judge(engine, [child(agreements=[on_file])], SRULE, REFERENCE)
    assert f.outcome is Outcome.COMPLIANT
    assert "service agreement with H1 signed 2019-10-15 (child's file)" in f.facts
    home = attrs.evolve(
        HOME, agreements=(ServiceAgreement(child="C1", signed_on=day("2019-11-01")),)
    )
    (f,) = judge(engine, [child()], SRULE, ReferenceData(service_points=(home,)))
    assert f.outcome is Outcome.COMPLIANT
    assert "service agreement with H1 signed 2019-11-01 (home's record)" in f.facts


def test_an_agreement_with_another_home_or_an_ended_one_does_not_count(engine: Engine) -> None:
    """Only an agreement in force with the village's own home counts."""
    elsewhere = Agreement(
        kind=AgreementKind.SERVICE_AGREEMENT, signed_on=day("2019-10-15"), service_point="H9"
    )
    ended = Agreement(
        kind=AgreementKind.SERVICE_AGREEMENT,
        signed_on=day("2019-10-15"),
        service_point="H1",
        end=day("2020-06-30"),
    )
    (f,) = judge(engine, [child(agreements=[elsewhere, ended])], SRULE, REFERENCE)
    assert f.outcome is Outcome.NON_COMPLIANT


def test_no_finding_without_an_open_home_or_outside_the_categories(engine: Engine) -> None:
    """A child of another village, a day before the home opened, a closed home, or a child in
    none of the categories: no finding."""
    assert judge(engine, [child(division=OTHER_VILLAGE)], SRULE, REFERENCE) == []
    assert judge(engine, [child()], SRULE, REFERENCE, as_of=day("2019-09-30")) == []
    closed = ReferenceData(service_points=(attrs.evolve(HOME, closed_on=day("2020-01-01")),))
    assert judge(engine, [child()], SRULE, closed) == []
    assert judge(engine, [child(away=False)], SRULE, REFERENCE) == []


def test_an_unknown_opening_date_is_missing_input(engine: Engine) -> None:
    """A home with no opening date recorded: whether the duty arose is unknown."""
    unknown = ReferenceData(service_points=(attrs.evolve(HOME, opened_on=None),))
    (f,) = judge(engine, [child()], SRULE, unknown)
    assert f.outcome is Outcome.MISSING_INPUT


def test_the_duty_starts_with_the_province_flag(engine: Engine) -> None:
    """Before the plugin's flag takes effect (2019-06-11) no value is in force: missing input;
    a flag set false switches the duty off (no finding)."""
    early = ReferenceData(service_points=(attrs.evolve(HOME, opened_on=day("2019-01-01")),))
    (f,) = judge(engine, [child()], SRULE, early, as_of=day("2019-06-10"))
    assert f.outcome is Outcome.MISSING_INPUT


def test_a_false_flag_switches_the_duty_off(tmp_path: Path) -> None:
    """With the flag false the rule says nothing."""
    engine = Engine([plugin(tmp_path, [SERVICE], HUNAN.replace("value = true", "value = false"))])
    assert judge(engine, [child()], SRULE, REFERENCE) == []


def test_without_categories_every_child_of_the_village_is_served(tmp_path: Path) -> None:
    """A rule with no categories covers every child on file in the home's village."""
    every = attrs.evolve(SERVICE, categories=())
    engine = Engine([plugin(tmp_path, [every])])
    assert outcomes(judge(engine, [child(away=False)], SRULE, REFERENCE)) == [
        ("C1", "non_compliant")
    ]


def test_sample_registry_service_agreements(engine: Engine) -> None:
    """Luxi: 田小雨 has an agreement with 青山村儿童之家; 向小花 (disability, same village)
    has none; 张小军 (orphan, 石门村) is in none of the categories. Chibi children are
    outside the rule's scope (43)."""
    findings = judge(engine, SAMPLE.children, SRULE)
    assert outcomes(findings) == [("C-LX-001", "compliant"), ("C-LX-003", "non_compliant")]


def test_the_home_index_follows_the_reference_data(engine: Engine) -> None:
    """The per-village index of homes is rebuilt when the reference data changes."""
    assert outcomes(judge(engine, [child()], SRULE, REFERENCE)) == [("C1", "non_compliant")]
    assert judge(engine, [child()], SRULE, ReferenceData()) == []
    assert outcomes(judge(engine, [child()], SRULE, REFERENCE)) == [("C1", "non_compliant")]


def test_two_engines_in_two_threads_see_only_their_own_registry(tmp_path: Path) -> None:
    """Rules are shared values (the module's SERVICE rule serves both engines) and hold no
    index of their own: two Engines auditing two registries with different homes, each in
    its own thread at once, give each the findings it gives alone."""
    first = Engine([plugin(tmp_path, [SERVICE])])
    second = Engine([plugin(tmp_path, [SERVICE])])
    luxi = Registry(
        reference=SAMPLE.reference,
        children=tuple(
            attrs.evolve(c, id=f"{c.id}-{i}") for i in range(50) for c in SAMPLE.children
        ),
    )
    ours = Registry(
        reference=REFERENCE, children=tuple(child(child_id=f"C{i}") for i in range(400))
    )
    jobs = [(first, luxi), (second, ours)] * 3

    def audit(job: tuple[Engine, Registry]) -> list[Finding]:
        engine, registry = job
        return list(pipeline.audit(engine, registry, as_of=day("2020-06-30")))

    alone = [audit(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(audit, jobs))
    assert together == alone
    assert {f.subject.id for f in alone[1] if f.rule == SRULE} == {f"C{i}" for i in range(400)}
