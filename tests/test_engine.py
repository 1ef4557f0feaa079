"""Loading plugins into an Engine: conflicts, floors, citations and scopes are checked."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import Division, Engine, Message, PluginLoadError, SubjectKind, pipeline
from careprotect.findings import Finding, Outcome
from careprotect.pipeline import Rendered
from careprotect.rules import RuleContext, RuleKind
from careprotect.testing import consistent_registries, stub_plugin
from support import Install, citation_table

NATIONAL = Engine()

CITATION = citation_table()


def plugin(
    tmp_path: Path,
    name: str,
    scope: str | None,
    toml: str = "",
    rules: Iterable[tuple[Any, Division | None]] = (),
) -> object:
    citation = CITATION.replace("某民发〔2018〕1号", f"{name}〔2018〕1号")
    return stub_plugin(
        name, scope, directory=tmp_path, toml=citation + toml, rules=rules, version="9.9"
    )


def scattered(value: str, effective: str = "2018-01-01", scope: str | None = None) -> str:
    line = f'scope = "{scope}"\n' if scope else ""
    return f"""
[[values]]
parameter = "orphan.allowance.scattered"
effective = {effective}
value = "{value}"
citation = "p"
{line}"""


@attrs.frozen
class Always:
    """A throwaway rule: one compliant finding per child."""

    id: str = "test.always"
    kind: RuleKind = RuleKind.COMPLIANCE
    subject: SubjectKind = SubjectKind.CHILD
    title: Message = attrs.field(factory=lambda: Message("测试", "test"))
    citations: tuple[str, ...] = ("p",)

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        yield env.finding(self, subject, Outcome.COMPLIANT, self.title, day=env.as_of)


def test_the_engine_lists_its_plugins_with_scope_and_version(tmp_path: Path) -> None:
    """National first, then by scope depth and name."""
    engine = Engine([plugin(tmp_path, "zz", "42"), plugin(tmp_path, "aa", "4212")])
    assert [(p.name, p.version, str(p.scope)) for p in engine.plugins[1:]] == [
        ("zz", "9.9", "42"),
        ("aa", "9.9", "4212"),
    ]
    assert engine.plugins[0].name == "national"


def test_a_province_raises_the_national_floor(tmp_path: Path) -> None:
    """Hunan's 800 from 2018-01-01 applies in Hunan; 600 elsewhere (POLICY.md §6)."""
    engine = Engine([plugin(tmp_path, "hunan", "43", scattered("800"))])
    table = engine.parameters
    assert table.resolve(
        "orphan.allowance.scattered", Division("433122"), dt.date(2017, 12, 31)
    ).value == Decimal("600.00")
    assert table.resolve(
        "orphan.allowance.scattered", Division("433122"), dt.date(2018, 1, 1)
    ).value == Decimal("800.00")
    assert table.resolve(
        "orphan.allowance.scattered", Division("421281"), dt.date(2018, 1, 1)
    ).value == Decimal("600.00")


def test_a_value_below_the_national_floor_fails_at_load_with_both_citations(tmp_path: Path) -> None:
    """A throwaway plugin lowering the floor is refused; the message cites both documents."""
    with pytest.raises(PluginLoadError) as info:
        Engine([plugin(tmp_path, "cheap", "43", scattered("500"))])
    message = str(info.value)
    assert "orphan.allowance.scattered = 500.00 in 43 from 2018-01-01" in message
    assert "cheap〔2018〕1号" in message
    assert "财政部、民政部" in message


def test_two_plugins_giving_the_same_value_slot_conflict_naming_both(tmp_path: Path) -> None:
    """Same parameter, scope and date from two plugins: a load error naming both."""
    with pytest.raises(PluginLoadError) as info:
        Engine(
            [
                plugin(tmp_path, "first", "43", scattered("800", scope="4301")),
                plugin(tmp_path, "second", "4301", scattered("900")),
            ]
        )
    assert re.search(
        r"first 9\.9 \(43\).*second 9\.9 \(4301\)|second 9\.9 \(4301\).*first 9\.9 \(43\)",
        str(info.value),
    )


def test_duplicate_plugin_names_are_refused(tmp_path: Path) -> None:
    """Every plugin has its own name."""
    with pytest.raises(PluginLoadError, match="two plugins are named 'same'"):
        Engine([plugin(tmp_path, "same", "43"), plugin(tmp_path, "same", "42")])


def test_an_uncited_rule_is_refused(tmp_path: Path) -> None:
    """Every rule cites a source from its plugin's citations."""
    with pytest.raises(PluginLoadError, match=r"'test\.always' cites no source"):
        Engine([plugin(tmp_path, "p1", "43", rules=[(Always(citations=()), None)])])
    with pytest.raises(PluginLoadError, match="cites 'nope', not among the plugin's citations"):
        Engine([plugin(tmp_path, "p2", "43", rules=[(Always(citations=("nope",)), None)])])


def test_a_rule_outside_its_plugin_scope_is_refused(tmp_path: Path) -> None:
    """A Hunan plugin cannot register a rule for Hubei."""
    with pytest.raises(PluginLoadError, match="has scope 42, outside the plugin's scope 43"):
        Engine([plugin(tmp_path, "p", "43", rules=[(Always(), Division("42"))])])


def test_the_same_rule_id_from_two_plugins_is_refused(tmp_path: Path) -> None:
    """Rule ids are unique across plugins."""
    with pytest.raises(PluginLoadError, match=r"'test\.always' is registered by both"):
        Engine(
            [
                plugin(tmp_path, "a", "43", rules=[(Always(), None)]),
                plugin(tmp_path, "b", "42", rules=[(Always(), None)]),
            ]
        )


def test_unknown_entry_point_names_are_listed(tmp_path: Path) -> None:
    """The allowlist names plugins that must be installed; an unknown one is an error."""
    with pytest.raises(PluginLoadError, match="no installed careprotect plugin named 'atlantis'"):
        Engine.from_entry_points(allow=["atlantis"])


def test_an_extra_plugin_loads_with_the_installed_ones(
    tmp_path: Path, install_plugins: Install
) -> None:
    """A plugin object not installed (a county's rules being written) is checked with the
    installed ones as one engine; one that clashes with them is refused."""
    install_plugins(hunan=plugin(tmp_path, "hunan", "43", scattered("800")))
    extra = plugin(tmp_path, "xianning", "4212", scattered("700"), rules=[(Always(), None)])
    engine = Engine.from_entry_points(plugins=[extra])
    assert [p.name for p in engine.plugins] == ["national", "hunan", "xianning"]
    assert "test.always" in {r.id for r in engine.rules}
    clash = plugin(tmp_path, "hunan", "43")
    with pytest.raises(PluginLoadError, match="two plugins are named 'hunan'"):
        Engine.from_entry_points(plugins=[clash])


def test_an_engine_pickles_as_its_plugins_and_is_built_again() -> None:
    """For a worker on another machine: the engine travels as its plugins' names."""
    engine = Engine.from_entry_points()
    again = pickle.loads(pickle.dumps(engine))
    assert again is not engine
    assert again.plugins == engine.plugins
    assert [r.id for r in again.rules] == [r.id for r in engine.rules]
    assert len(pickle.dumps(engine)) < 1000


def test_plugin_order_does_not_change_answers(tmp_path: Path) -> None:
    """Registration order does not matter: same plugins, same resolution and rule order."""
    a = plugin(tmp_path, "hunan", "43", scattered("800"), rules=[(Always(), None)])
    b = plugin(tmp_path, "xianning", "4212", scattered("700"))
    one, two = Engine([a, b]), Engine([b, a])
    assert one.plugins == two.plugins
    assert [r.id for r in one.rules] == [r.id for r in two.rules]
    for code in ("433122", "421281", "11"):
        day = dt.date(2019, 1, 1)
        assert one.parameters.resolve(
            "orphan.allowance.scattered", Division(code), day
        ) == two.parameters.resolve("orphan.allowance.scattered", Division(code), day)


def test_importing_careprotect_loads_no_plugin() -> None:
    """Nothing loads at import: a fresh interpreter imports careprotect without the national
    plugin module."""
    import subprocess
    import sys

    code = "import sys, careprotect; print('careprotect.national' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    registry=consistent_registries(max_children=4),
    day=st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31)),
)
def test_audit_counts_add_up_and_evidence_was_in_force(registry: Any, day: dt.date) -> None:
    """Property, over every national rule: the summary counts equal the findings yielded, every
    subject is counted, and each finding's evidence is the value in force for its division on
    its day (or its period's last day)."""
    engine = NATIONAL
    audit = pipeline.audit(engine, registry, as_of=day)
    findings = list(audit)
    assert audit.summary.findings == len(findings)
    assert sum(sum(c.values()) for c in audit.summary.by_rule.values()) == len(findings)
    assert audit.summary.subjects["child"] == len(registry.children)
    assert audit.summary.subjects["worker"] == len(registry.reference.workers)
    for f in findings:
        when = f.day or (f.period.last_day if f.period else day)
        for ev in f.evidence:
            assert ev.effective <= when, (f.rule, ev.parameter)
            values = [
                v
                for v in engine.parameters.values(ev.parameter)
                if v.effective == ev.effective and v.plugin.name == ev.plugin
            ]
            assert [str(v.value) if not isinstance(v.value, tuple) else v.value for v in values][
                :1
            ] == [str(ev.value) if not isinstance(ev.value, tuple) else ev.value], f.rule
    assert findings == list(pipeline.audit(engine, registry, as_of=day))
    # Rendered, the same findings in the same order, counted the same.
    rendered = pipeline.audit(engine, registry, as_of=day)
    got = list(rendered.rendered(lambda f: f))
    assert got == [Rendered(f.rule, f.outcome, f.division, f, f.rests_on) for f in findings]
    assert rendered.summary == audit.summary
    with pytest.raises(RuntimeError, match="only once"):
        iter(rendered)
    with pytest.raises(RuntimeError, match="only once"):
        audit.rendered(str)
