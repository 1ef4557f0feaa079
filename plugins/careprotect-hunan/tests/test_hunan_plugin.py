"""The Hunan plugin as a plugin: how it loads, what it declares, that everything is cited and
within Hunan, and that the floors it sets bind the counties below it."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

import careprotect_hunan
from careprotect import Division, Engine, PluginLoadError, ReferenceData, Registry, pipeline
from careprotect.hookspecs import hookimpl
from careprotect.params import PluginInfo
from careprotect.periods import Period
from careprotect.rules.base import RuleKind
from careprotect.testing import stub_plugin
from hunan_testkit import LUXI, VILLAGE, by_month, day, engine, worker

PACKAGE = Path(careprotect_hunan.__file__).parent


def test_the_entry_point_loads_the_plugin() -> None:
    """Installed under the careprotect entry-point group as ``hunan``: the allowlist loads
    it after the national baseline, with the distribution's version."""
    e = Engine.from_entry_points(allow=["hunan"])
    assert [p.name for p in e.plugins] == ["national", "hunan"]
    info = e.plugins[1]
    assert info.scope == Division("43")
    assert info.version == importlib.metadata.version("careprotect-hunan")
    hunan_rules = {r.id for r in e.rules if r.plugin.name == "hunan"}
    assert hunan_rules == {r.id for r in careprotect_hunan.RULES}


def test_plugin_info() -> None:
    """Name hunan, scope 43, the version of the installed distribution."""
    info = careprotect_hunan.careprotect_plugin_info()
    assert isinstance(info, PluginInfo)
    assert (info.name, info.scope, info.version) == (
        "hunan",
        Division("43"),
        importlib.metadata.version("careprotect-hunan"),
    )
    assert info.title


def test_parameter_files_register_citations_first_and_ship_every_toml() -> None:
    """citations.toml first; every TOML file of the package is registered once."""
    registered: list[Path] = []
    careprotect_hunan.careprotect_parameter_files(registered.append)
    assert registered[0].name == "citations.toml"
    assert sorted(p.name for p in registered) == sorted(p.name for p in PACKAGE.glob("*.toml"))
    assert all(p.is_file() for p in registered)


def test_every_rule_is_registered_for_hunan_with_titles_and_citations() -> None:
    """Each rule id starts with ``hunan.``, has a Chinese and an English title and cites at
    least one of the plugin's citations; the engine registers it for scope 43."""
    e = engine()
    ids = [r.id for r in careprotect_hunan.RULES]
    assert len(set(ids)) == len(ids)
    for rule in careprotect_hunan.RULES:
        assert rule.id.startswith("hunan."), rule.id
        assert rule.title.zh, rule.id
        assert rule.title.en, rule.id
        assert rule.citations, rule.id
        registered = e.rule(rule.id)
        assert registered.scope == Division("43")
        assert registered.plugin.name == "hunan"
        assert [c.key for c in registered.citations] == list(rule.citations)


def test_hunan_parameters_are_prefixed_and_national_ones_are_only_given_values() -> None:
    """A parameter the plugin declares starts with ``hunan.``; the national parameters it
    gives values of (orphan allowance, service agreement flag) are declared nationally."""
    e = engine()
    declared = {name for name, spec in e.parameters.specs.items() if spec.plugin.name == "hunan"}
    assert declared
    assert all(name.startswith("hunan.") for name in declared)
    national_values = {
        v.parameter
        for v in e.parameters.values()
        if v.plugin.name == "hunan" and not v.parameter.startswith("hunan.")
    }
    assert national_values == {
        "orphan.allowance.scattered",
        "orphan.allowance.institutional",
        "childrens_home.service_agreement.required",
    }
    for name in national_values:
        assert e.parameters.spec(name).plugin.name == "national"


def test_every_value_is_cited_verified_and_within_hunan() -> None:
    """Every value the plugin gives has a citation checked on 2026-12-03 and a scope inside
    43; every citation a value or rule uses exists in citations.toml."""
    e = engine()
    values = [v for v in e.parameters.values() if v.plugin.name == "hunan"]
    assert values
    table = tomllib.loads((PACKAGE / "citations.toml").read_text(encoding="utf-8"))["citations"]
    for v in values:
        assert v.citation.key in table
        assert v.citation.verified is not None
        assert v.citation.verified.isoformat() == "2026-12-03"
        assert v.scope is not None
        assert Division("43").contains(v.scope)
    used = {v.citation.key for v in values} | {
        key for rule in careprotect_hunan.RULES for key in rule.citations
    }
    assert used == set(table)


def test_only_citations_toml_holds_citations() -> None:
    """The other files cite its keys; none defines its own."""
    for path in PACKAGE.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert ("citations" in data) is (path.name == "citations.toml"), path.name


def test_entitlement_and_compliance_rules() -> None:
    """Two entitlements (post allowance, construction grant); the rest are compliance."""
    kinds = {r.id: r.kind for r in careprotect_hunan.RULES}
    assert {i for i, k in kinds.items() if k is RuleKind.ENTITLEMENT} == {
        "hunan.child_director.post_allowance",
        "hunan.childrens_home.construction_grant",
    }


# -- county values under the Hunan floors -------------------------------------------------------

COUNTY_CITATION = """
[citations.luxi]
issuer = "泸溪县民政局（测试用，虚构）"
document = "test"
title = "test county values"
status = "confirmed"
verified = 2026-11-23
"""


def county(tmp_path: Path, parameter: str, value: str, effective: str = "2020-01-01") -> object:
    """A throwaway Luxi county plugin giving one value."""
    toml = (
        COUNTY_CITATION
        + f"""
[[values]]
parameter = "{parameter}"
effective = {effective}
value = {value}
citation = "luxi"
"""
    )
    return stub_plugin("luxi-test", "433122", directory=tmp_path, toml=toml)


def test_a_county_may_raise_the_post_allowance(tmp_path: Path) -> None:
    """Luxi pays 300 from 2020-01-01: 200.00 in December 2019, 300.00 in January 2020."""
    e = Engine(
        [careprotect_hunan, county(tmp_path, "hunan.child_director.post_allowance", '"300"')]
    )
    director = worker(appointed="2019-07-01")
    registry = Registry(reference=ReferenceData(workers=(director,)))
    found = [
        a
        for p in ("2019-12", "2020-01")
        for a in pipeline.entitlements(e, registry, Period.parse(p))
        if a.rule == "hunan.child_director.post_allowance"
    ]
    assert by_month(found) == {"2019-12": "200.00", "2020-01": "300.00"}
    assert (found[1].evidence[-1].scope, found[1].evidence[-1].plugin) == ("433122", "luxi-test")


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("hunan.child_director.post_allowance", '"199.99"'),
        ("orphan.allowance.scattered", '"799"'),
        ("orphan.allowance.institutional", '"1199.99"'),
        ("hunan.county.child_service_organisations", "2"),
        ("hunan.township.qualified_counsellors", "0"),
        ("hunan.training.per_year", "0"),
        ("hunan.childrens_home.model_share", '"0.09"'),
    ],
)
def test_a_county_may_not_go_below_a_hunan_floor(
    tmp_path: Path, parameter: str, value: str
) -> None:
    """At least (不低于, 至少, 以上) makes each a floor: a lower county value is refused when
    the plugins load, naming the Hunan floor."""
    with pytest.raises(PluginLoadError, match=r"is below the floor .*plugin hunan"):
        Engine([careprotect_hunan, county(tmp_path, parameter, value)])


def test_a_county_may_set_its_own_floor_area(tmp_path: Path) -> None:
    """The floor area is "generally" 50 m² (一般不少于, 坚持从实际出发): not a floor, so a
    county value below it loads."""
    e = Engine([careprotect_hunan, county(tmp_path, "hunan.childrens_home.floor_area", '"40"')])
    resolved = e.parameters.resolve("hunan.childrens_home.floor_area", VILLAGE, day("2020-01-01"))
    assert str(resolved.value) == "40"
    assert resolved.evidence.scope == str(LUXI)


def test_a_second_value_for_the_same_scope_and_day_conflicts(tmp_path: Path) -> None:
    """Another plugin of the same scope giving the same value on the same day is a conflict."""
    other = stub_plugin(
        "hunan-dup",
        "43",
        directory=tmp_path,
        toml=COUNTY_CITATION
        + """
[[values]]
parameter = "orphan.allowance.scattered"
effective = 2018-01-01
value = "900"
citation = "luxi"
""",
    )
    with pytest.raises(PluginLoadError, match="conflicting values with the same scope"):
        Engine([careprotect_hunan, other])


class _Renamed:
    """A plugin object that claims the name hunan a second time."""

    @hookimpl
    def careprotect_plugin_info(self) -> PluginInfo:
        return PluginInfo(name="hunan", version="0", scope=Division("43"))


def test_two_plugins_named_hunan_are_refused() -> None:
    with pytest.raises(PluginLoadError, match="two plugins are named 'hunan'"):
        Engine([careprotect_hunan, _Renamed()])
