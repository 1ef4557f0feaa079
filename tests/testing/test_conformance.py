"""careprotect.testing.conformance: a conforming plugin passes every check; a plugin that
breaks a rule of the house fails the check concerned, with a message naming what and why."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from careprotect import ContactMode, Division, Message, SubjectKind
from careprotect.findings import Finding, Outcome
from careprotect.model import Child
from careprotect.money import CENT
from careprotect.params import ParameterTable, Resolved
from careprotect.periods import Period, PeriodKind
from careprotect.rules import RuleContext, RuleKind
from careprotect.rules.base import subject_of
from careprotect.rules.contact import ContactFrequency
from careprotect.rules.entitlements import Amount, months_of
from careprotect.testing import stub_plugin
from careprotect.testing.conformance import CHECKS, ConformanceSuite, conformance_problems
from support import citation_table

CITATION = citation_table(
    document="{name}〔2019〕1号", title="关于做好农村留守儿童关爱服务工作的通知", date="2019-01-01"
)

GOOD_TOML = """
[parameters."good.left_behind.contacts_per_month"]
unit = "count"
zh = "每月联系留守儿童次数"
en = "Contacts each month with each left-behind child"

[[values]]
parameter = "good.left_behind.contacts_per_month"
effective = 2019-03-01
value = 2
floor = true
citation = "p"

[[values]]
parameter = "good.left_behind.contacts_per_month"
effective = 2020-01-01
value = 3
scope = "4312"
citation = "p"

[[values]]
parameter = "orphan.allowance.scattered"
effective = 2019-03-01
value = "900"
citation = "p"
"""

CONTACT = ContactFrequency(
    id="good.left_behind.contact",
    title=Message("每月联系留守儿童", "Monthly contact with each left-behind child"),
    citations=("p",),
    period=PeriodKind.MONTH,
    min_count="good.left_behind.contacts_per_month",
    modes=(ContactMode.PHONE, ContactMode.HOME_VISIT),
    categories=("left_behind",),
)


def plugin(
    directory: Path,
    name: str,
    scope: str | None = "43",
    toml: str = "",
    rules: Iterable[Any] = (),
) -> object:
    """A stub plugin with the citation ``p`` and the given parameter text and rules."""
    return stub_plugin(
        name, scope, directory=directory, toml=CITATION.format(name=name) + toml, rules=rules
    )


def good_plugin(directory: Path) -> object:
    """A conforming plugin: a floor for Hunan raised by Huaihua, a raised allowance, and a
    contact rule registered for the province and again (renamed) for Huaihua."""
    huaihua = attrs.evolve(CONTACT, id="good.left_behind.contact.huaihua")
    return plugin(directory, "good", "43", GOOD_TOML, [CONTACT, (huaihua, Division("4312"))])


def scattered(value: str, scope: str | None = None) -> str:
    line = f'scope = "{scope}"\n' if scope else ""
    return f"""
[[values]]
parameter = "orphan.allowance.scattered"
effective = 2018-01-01
value = "{value}"
citation = "p"
{line}"""


@attrs.frozen
class Always:
    """A throwaway rule: one compliant finding per child."""

    id: str = "test.always"
    title: Message = attrs.field(factory=lambda: Message("测试", "test"))
    citations: tuple[str, ...] = ("p",)
    kind: RuleKind = RuleKind.COMPLIANCE
    subject: SubjectKind = SubjectKind.CHILD

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        yield env.finding(self, subject, Outcome.COMPLIANT, self.title, day=env.as_of)


_CALLS = itertools.count()


@attrs.frozen
class Counting(Always):
    """A rule with hidden state: its message numbers the calls."""

    id: str = "test.counting"

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        n = next(_CALLS)
        message = Message(f"第{n}次", f"call {n}")
        yield env.finding(self, subject, Outcome.COMPLIANT, message, day=env.as_of)


_FIRST = [True]


@attrs.frozen
class FirstCallDiffers(Always):
    """A rule whose very first finding differs from every later one."""

    id: str = "test.first_call_differs"

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        first, _FIRST[0] = _FIRST[0], False
        title = Message("第一次", "first") if first else self.title
        yield env.finding(self, subject, Outcome.COMPLIANT, title, day=env.as_of)


@attrs.frozen
class Broken(Always):
    """A rule that fails on every child."""

    id: str = "test.broken"

    def evaluate(self, subject: Child, env: RuleContext) -> Iterator[Finding]:
        raise RuntimeError("boom")


@attrs.frozen
class Leaky(Always):
    """A division rule that reports on every division of the registry, wherever it is."""

    id: str = "test.leaky"
    subject: SubjectKind = SubjectKind.DIVISION

    def evaluate(self, subject: Any, env: RuleContext) -> Iterator[Finding]:
        for record in env.reference.divisions:
            yield env.finding(self, record.code, Outcome.ADVISORY, self.title, day=env.as_of)


@attrs.frozen
class HalfAllowance(Always):
    """An entitlement paying half the scattered-orphan rate to every child, every month."""

    id: str = "test.half_allowance"
    kind: RuleKind = RuleKind.ENTITLEMENT

    def evaluate(self, subject: Any, env: RuleContext) -> Iterator[Finding]:
        return iter(())

    def check(self, engine: Any) -> None:
        return None

    def amounts(self, child: Child, period: Period, env: RuleContext) -> Iterator[Amount]:
        for month in months_of(period):
            rate = env.lookup("orphan.allowance.scattered", child.division, month.start)
            if rate is None:
                continue
            subject, division = subject_of(child)
            yield Amount(
                rule=self.id,
                subject=subject,
                division=division,
                month=month,
                day=month.start,
                amount=(rate.value / 2).quantize(CENT),
                evidence=(rate.evidence,),
                citations=env.citations,
            )


# -- a conforming plugin ----------------------------------------------------------------------


def test_the_checks_are_listed_in_order() -> None:
    """CHECKS names every check, in the order conformance_problems runs them."""
    assert [name for name, _ in CHECKS] == [
        "loads",
        "schema",
        "loads_together",
        "cited",
        "titles",
        "scope",
        "amounts",
        "deterministic",
        "outside",
    ]


def test_an_unknown_check_is_refused(tmp_path: Path) -> None:
    """Asking for a check that does not exist is an error listing those that do."""
    with pytest.raises(ValueError, match=r"unknown check\(s\) 'nope'; expected some of loads,"):
        conformance_problems(good_plugin(tmp_path), others=[], checks=["nope"])


@pytest.fixture(scope="class")
def good_on_class(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The good stub as the class's plugin, checked with a plugin of another province."""
    directory = tmp_path_factory.mktemp("good")
    setattr(request.cls, "plugin", good_plugin(directory))  # noqa: B010
    setattr(request.cls, "others", (plugin(directory, "hubei", "42", scattered("700")),))  # noqa: B010


@pytest.mark.usefixtures("good_on_class")
class TestGoodStubConformance(ConformanceSuite):
    """The suite as a plugin author runs it: every check is a test, and every one passes for
    a conforming plugin (checked here with a Hubei plugin as the other installed plugin)."""


# -- plugins that fail ------------------------------------------------------------------------


def test_a_plugin_lowering_the_national_floor_fails_to_load_naming_both_citations(
    tmp_path: Path,
) -> None:
    """500 a month in Hunan is below the national 600: the one problem names the value and
    both documents; nothing else can be checked."""
    [problem] = conformance_problems(plugin(tmp_path, "cheap", "43", scattered("500")), others=[])
    assert problem.startswith(
        "loads: plugin cheap 0 (43) does not load with the national baseline: "
        "orphan.allowance.scattered = 500.00 in 43 from 2018-01-01 (plugin cheap 0 (43); "
    )
    assert "cheap〔2019〕1号" in problem
    assert "is below the floor orphan.allowance.scattered = 600.00 in national" in problem
    assert "财政部、民政部" in problem


def test_plugins_giving_the_same_value_slot_fail_together_naming_both(tmp_path: Path) -> None:
    """Hunan's value for Changsha and Changsha's own value on the same day conflict: each
    loads alone, not together."""
    first = plugin(tmp_path, "first", "43", scattered("800", scope="4301"))
    second = plugin(tmp_path, "second", "4301", scattered("900"))
    [problem] = conformance_problems(first, others=[second], checks=["loads", "loads_together"])
    assert problem.startswith(
        "loads_together: plugin first 0 (43) does not load together with second 0 (4301): "
        "conflicting values with the same scope and effective date: "
    )
    assert "orphan.allowance.scattered = 800.00 in 4301 from 2018-01-01 (plugin first" in problem
    assert "orphan.allowance.scattered = 900.00 in 4301 from 2018-01-01 (plugin second" in problem


def test_a_rule_registered_outside_the_plugin_scope_fails(tmp_path: Path) -> None:
    """A Hunan plugin registering a rule for Hubei: the engine's refusal, naming the rule."""
    bad = plugin(tmp_path, "p", "43", rules=[(Always(), Division("42"))])
    assert conformance_problems(bad, others=[]) == [
        "loads: plugin p 0 (43) does not load with the national baseline: careprotect_rules "
        "of plugin p 0 (43): 'test.always' has scope 42, outside the plugin's scope 43"
    ]


def test_a_rule_with_an_empty_english_title_fails(tmp_path: Path) -> None:
    """Titles are bilingual: an empty English title is named."""
    bad = plugin(tmp_path, "p", "43", rules=[Always(title=Message("测试", " "))])
    assert conformance_problems(bad, others=[], checks=["titles"]) == [
        "titles: rule 'test.always' has an empty English title"
    ]


def test_a_rule_id_with_a_space_fails(tmp_path: Path) -> None:
    """Ids are keys written in reports and scenario files: no spaces."""
    bad = plugin(tmp_path, "p", "43", rules=[Always(id="test always")])
    assert conformance_problems(bad, others=[], checks=["titles"]) == [
        "titles: rule id 'test always' must be non-empty with no spaces"
    ]


def test_a_parameter_without_an_english_label_fails(tmp_path: Path) -> None:
    """Declared parameters are labelled in both languages."""
    toml = GOOD_TOML.replace('en = "Contacts each month with each left-behind child"', 'en = ""')
    bad = plugin(tmp_path, "good", "43", toml, [CONTACT])
    assert conformance_problems(bad, others=[], checks=["titles"]) == [
        "titles: parameter 'good.left_behind.contacts_per_month' has an empty English label"
    ]


def test_a_citation_without_an_issuer_fails(tmp_path: Path) -> None:
    """The citation is named with what cites it and what it lacks."""
    bad = stub_plugin(
        "good",
        "43",
        directory=tmp_path,
        toml=CITATION.format(name="good").replace('"某省民政厅"', '""') + GOOD_TOML,
        rules=[CONTACT],
    )
    assert conformance_problems(bad, others=[], checks=["cited"]) == [
        "cited: citation 'p' (cited by value good.left_behind.contacts_per_month = 2 in 43 "
        "from 2019-03-01 and 3 more) has no issuer"
    ]


def test_a_citation_verified_before_its_issue_fails(tmp_path: Path) -> None:
    """A verified date before the date of issue cannot be right."""
    text = CITATION.format(name="p").replace("verified = 2026-11-23", "verified = 2018-12-31")
    bad = stub_plugin("p", "43", directory=tmp_path, toml=text, rules=[Always()])
    assert conformance_problems(bad, others=[], checks=["cited"]) == [
        "cited: citation 'p' (cited by rule 'test.always') was verified on 2018-12-31, before "
        "it was issued on 2019-01-01"
    ]


def test_an_amount_below_a_floor_in_force_fails(tmp_path: Path) -> None:
    """Property: half the scattered-orphan rate is below the national floor of 600."""
    bad = plugin(tmp_path, "p", "43", rules=[HalfAllowance()])
    problems = conformance_problems(bad, others=[], checks=["amounts"])
    assert re.fullmatch(
        r"amounts: rule 'test\.half_allowance' for child C\d{5} in 43\d{10} for \d{4}-\d\d "
        r"gives 300\.00, below the floor in force on \d{4}-\d\d-01: floor "
        r"orphan\.allowance\.scattered = 600\.00 in national from 2010-01-01 \(plugin national "
        r".*财政部、民政部.*",
        problems[0],
    )


def test_a_rule_with_hidden_state_is_not_deterministic(tmp_path: Path) -> None:
    """Property: a rule whose findings change from one audit to the next is named."""
    bad = plugin(tmp_path, "p", "43", rules=[Counting()])
    problems = conformance_problems(bad, others=[], checks=["deterministic"])
    assert re.fullmatch(
        r"deterministic: rule 'test\.counting' gives different findings when the same "
        r"registry is audited twice (as of \d{4}-\d\d-\d\d|over \S+)",
        problems[0],
    )
    assert re.fullmatch(
        r"deterministic: rule 'test\.counting' gives different findings (as of \S+|over \S+) "
        r"when the plugins are registered in another order \(the others reversed, then the "
        r"plugin, then the national baseline\)",
        problems[1],
    )


def test_a_rule_differing_only_once_is_reported_as_flaky(tmp_path: Path) -> None:
    """Property: a failure that does not recur when Hypothesis replays the example is still
    reported, with a note that the rule is not deterministic."""
    _FIRST[0] = True
    bad = plugin(tmp_path, "p", "43", rules=[FirstCallDiffers()])
    problems = conformance_problems(bad, others=[], checks=["deterministic"])
    assert problems[0].startswith(
        "deterministic: rule 'test.first_call_differs' gives different findings when the same "
        "registry is audited twice "
    )
    assert problems[-1] == (
        "deterministic: this example failed once and passed when it was run again: a rule "
        "does not give the same answer for the same input"
    )


def test_a_rule_that_raises_is_named(tmp_path: Path) -> None:
    """Property: an exception inside a rule is reported with the rule's id."""
    bad = plugin(tmp_path, "p", "43", rules=[Broken()])
    problems = conformance_problems(bad, others=[], checks=["deterministic"])
    assert re.fullmatch(
        r"deterministic: auditing (as of \S+|over \S+), rule 'test\.broken' raised "
        r"RuntimeError in evaluate \(test_conformance line \d+\)",
        problems[0],
    )


def test_a_rule_reporting_on_subjects_outside_the_scope_fails(tmp_path: Path) -> None:
    """Property: a Hunan division rule that reports on the divisions outside Hunan."""
    bad = plugin(tmp_path, "p", "43", rules=[Leaky()])
    problems = conformance_problems(bad, others=[], checks=["outside"])
    [(code, where)] = re.findall(
        r"^outside: rule 'test\.leaky' gives a finding about division (\d+) "
        r"(?:as of \S+|over \S+) in (\d+), outside 43$",
        problems[0],
    )
    assert code == where
    assert not Division("43").contains(Division(code))


def test_a_value_resolving_outside_the_scope_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With resolution broken so that every division resolves as Hunan, the plugin's value
    is found for Beijing: the check names the parameter, the division and the day."""
    original = ParameterTable.find
    hunan = Division("43")

    def everywhere_hunan(
        self: ParameterTable, name: str, division: Division | None, day: dt.date
    ) -> Resolved | None:
        return original(self, name, hunan, day)

    monkeypatch.setattr(ParameterTable, "find", everywhere_hunan)
    bad = plugin(tmp_path, "p", "43", scattered("800"))
    problems = conformance_problems(bad, others=[], checks=["outside"])
    assert problems[:2] == [
        "outside: orphan.allowance.scattered resolves to the plugin's value 800.00 for 11 on "
        "2018-01-01, outside its scope 43",
        "outside: orphan.allowance.scattered resolves to the plugin's value 800.00 for "
        "110101001001 on 2018-01-01, outside its scope 43",
    ]


def test_the_checks_just_outside_a_city_are_its_neighbours() -> None:
    """Another province, a sibling of the city, and a village in each."""
    from careprotect.testing._properties import outside_divisions

    assert [str(d) for d in outside_divisions(Division("4312"))] == [
        "11",
        "110101001001",
        "4301",
        "430101001001",
    ]
    assert [str(d) for d in outside_divisions(Division("430101"))] == [
        "11",
        "110101001001",
        "4302",
        "430201001001",
        "430102",
        "430102001001",
    ]


# -- the other plugins and the pytest form ----------------------------------------------------


@attrs.frozen
class FakeEntryPoint:
    name: str
    value: str
    target: object

    def load(self) -> object:
        if isinstance(self.target, Exception):
            raise self.target
        return self.target


def test_by_default_the_installed_plugins_are_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """others=None loads every installed plugin except the one under check (itself is not
    loaded twice); one that cannot be imported, and one that conflicts, are named."""
    first = plugin(tmp_path, "first", "43", scattered("800", scope="4301"))
    second = plugin(tmp_path, "second", "4301", scattered("900"))
    installed = [
        FakeEntryPoint("first", "careprotect_first", first),
        FakeEntryPoint("second", "careprotect_second", second),
        FakeEntryPoint("broken", "careprotect_broken", ImportError("no careprotect_broken")),
    ]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: installed)
    problems = conformance_problems(first, checks=["loads", "loads_together"])
    assert [p.split(": conflicting")[0] for p in problems] == [
        "loads_together: the installed plugin 'broken' (careprotect_broken) cannot be "
        "imported: ImportError: no careprotect_broken",
        "loads_together: plugin first 0 (43) does not load together with second 0 (4301)",
    ]


class LoweredFloorSuite(ConformanceSuite):
    """A suite subclass whose name pytest does not collect, run by hand below."""


def test_a_suite_method_fails_with_the_problem_as_its_message(tmp_path: Path) -> None:
    """The pytest form raises AssertionError with the same message as conformance_problems;
    a check that needs the plugin loaded says why it could not run."""
    LoweredFloorSuite.plugin = plugin(tmp_path, "cheap", "43", scattered("500"))
    LoweredFloorSuite.others = ()
    suite = LoweredFloorSuite()
    with pytest.raises(AssertionError, match=r"^loads: plugin cheap 0 \(43\) does not load"):
        suite.test_loads_with_the_national_baseline()
    with pytest.raises(
        AssertionError, match=r"^titles: not checked: plugin cheap 0 \(43\) does not load: "
    ):
        suite.test_titles_and_catalogue()


def test_a_suite_without_a_plugin_says_so() -> None:
    """Forgetting ``plugin`` is a clear failure, not an AttributeError."""

    class Forgetful(ConformanceSuite):
        pass

    with pytest.raises(AssertionError, match="Forgetful must set 'plugin'"):
        Forgetful().test_rules_are_deterministic()


def test_pytest_collects_a_subclass_but_not_the_base(pytester: pytest.Pytester) -> None:
    """In a plugin's test module, each check of a subclass is a test; the imported base
    class is not collected; a failing check shows the problem."""
    pytester.makefile(
        ".toml",
        cheap=CITATION.format(name="cheap") + scattered("500"),
    )
    pytester.makepyfile(
        test_plugin_conformance="""
        from pathlib import Path

        from careprotect.testing import stub_plugin
        from careprotect.testing.conformance import ConformanceSuite

        HERE = Path(__file__).parent


        class TestEmpty(ConformanceSuite):
            plugin = stub_plugin("empty", "43")
            others = ()


        class TestCheap(ConformanceSuite):
            plugin = stub_plugin("cheap", "43", files=[HERE / "cheap.toml"])
            others = ()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    # 9 checks each: every one of TestEmpty passes; TestCheap's file conforms to the schema,
    # and its 8 other checks fail on the lowered floor.
    result.assert_outcomes(passed=10, failed=8)
    result.stdout.fnmatch_lines(
        ["*AssertionError: loads: plugin cheap 0 (43) does not load with the national baseline*"]
    )
    assert "ConformanceSuite::" not in result.stdout.str()
