"""The Hubei plugin as a plugin: who it says it is, how it loads, what it registers."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from importlib.metadata import entry_points, version
from pathlib import Path

import careprotect_hubei
from careprotect import Division, Engine, PluginInfo
from careprotect.params import Status, Unit, scope_label
from careprotect.rules.contact import ContactFrequency
from careprotect.rules.training import TrainingPerYear
from hubei_testkit import ENGINE

XIANNING = Division("4212")
CHIBI = Division("421281")
PUBLICATIONS = {"咸宁网", "湖北日报客户端", "荆楚网（湖北日报网）"}
START_DATES = "careprotect-hubei-start-dates"
CHOICES = {START_DATES}


def test_plugin_info() -> None:
    """Name ``hubei``, the installed distribution's version, scope Hubei (42)."""
    info = careprotect_hubei.careprotect_plugin_info()
    assert info == PluginInfo(
        name="hubei",
        version=version("careprotect-hubei"),
        scope=Division("42"),
        title="湖北省（咸宁市、赤壁市）/ Hubei: Xianning and Chibi",
    )
    assert info.version == "0.1.0"


def test_the_entry_point_loads_the_plugin() -> None:
    """``Engine.from_entry_points(allow=["hubei"])`` finds the installed distribution's entry
    point and loads the national baseline and Hubei, nothing else."""
    (ep,) = [e for e in entry_points(group="careprotect") if e.name == "hubei"]
    assert ep.value == "careprotect_hubei"
    engine = Engine.from_entry_points(allow=["hubei"])
    assert [p.name for p in engine.plugins] == ["national", "hubei"]
    hubei = {r.id: scope_label(r.scope) for r in engine.rules if r.plugin.name == "hubei"}
    assert hubei == {
        "hubei.xianning.left_behind.contact": "4212",
        "hubei.xianning.one_plus_one.monthly_contact": "4212",
        "hubei.xianning.one_plus_one.yearly_activity": "4212",
        "hubei.xianning.one_plus_n.weekly_home_session": "4212",
        "hubei.chibi.weekly_follow_up": "421281",
        "hubei.chibi.monthly_home_visit": "421281",
        "hubei.chibi.training.child_director": "421281",
        "hubei.chibi.training.child_supervisor": "421281",
    }


def test_parameter_files_are_registered_citations_first() -> None:
    """The hook registers ``citations.toml`` first, then every other TOML file beside the
    module, each once."""
    registered: list[str] = []
    careprotect_hubei.careprotect_parameter_files(lambda p: registered.append(p.name))
    here = sorted(p.name for p in careprotect_hubei.PARAMETER_FILES[0].parent.glob("*.toml"))
    assert registered[0] == "citations.toml"
    assert sorted(registered) == here


def test_rules_hook_registers_each_rule_with_its_scope() -> None:
    """Xianning's rules for 4212, Chibi's for 421281; RULES lists them all."""
    registered: list[tuple[str, Division | None]] = []
    careprotect_hubei.careprotect_rules(lambda rule, scope: registered.append((rule.id, scope)))
    assert [i for i, _ in registered] == [r.id for r in careprotect_hubei.RULES]
    for rule_id, scope in registered:
        assert scope == (XIANNING if rule_id.startswith("hubei.xianning.") else CHIBI), rule_id
    assert len(set(registered)) == len(careprotect_hubei.RULES) == 8


def test_every_rule_has_titles_and_seed_citations() -> None:
    """Each rule id starts with ``hubei.``, has a Chinese and an English title and cites only
    seed documents of the plugin's citation table."""
    citations = tomllib.loads(careprotect_hubei.PARAMETER_FILES[0].read_text("utf-8"))
    keys = set(citations["citations"])
    for rule in careprotect_hubei.RULES:
        assert rule.id.startswith("hubei."), rule.id
        assert rule.title.zh, rule.id
        assert rule.title.en, rule.id
        assert rule.title.zh != rule.title.en, rule.id
        assert rule.citations, rule.id
        assert set(rule.citations) <= keys, rule.id
        assert isinstance(rule, ContactFrequency | TrainingPerYear)


def test_every_citation_names_its_publication_and_was_verified() -> None:
    """Every citation names the news report it rests on by its publication, with no number
    (a report has none), marked reported (a secondary source) and checked on 2026-12-03;
    the plugin's modelling choices are assumed and name its documentation."""
    hubei = [r for r in ENGINE.rules if r.plugin.name == "hubei"]
    values = [v for v in ENGINE.parameters.values() if v.plugin.name == "hubei"]
    cited = {c.key: c for r in hubei for c in r.citations} | {
        v.citation.key: v.citation for v in values
    }
    raw = tomllib.loads(careprotect_hubei.PARAMETER_FILES[0].read_text("utf-8"))["citations"]
    assert set(cited) == set(raw)  # every citation is used, and nothing else is cited
    for key, citation in cited.items():
        assert citation.verified == dt.date(2026, 12, 3), key
        assert citation.clause, key
        assert citation.note, key
        assert citation.document == "", key
        assert "seeds" not in str(citation), key
        if key in CHOICES:
            assert citation.status is Status.ASSUMED, key
            assert citation.issuer == "careprotect-hubei", key
            assert citation.title.startswith("careprotect-hubei documentation: Start dates"), key
        else:
            assert citation.status is Status.REPORTED, key
            assert citation.issuer in PUBLICATIONS, key
    readme = Path(__file__).parents[1] / "README.md"
    assert re.search(r"^#+ Start dates$", readme.read_text("utf-8"), re.MULTILINE)


FLAGS = {
    "hubei.xianning.left_behind.contact": (
        "hubei.xianning.left_behind.contact.required",
        "2020-12-17",
    ),
    "hubei.xianning.one_plus_one.monthly_contact": (
        "hubei.xianning.one_plus_one.required",
        "2023-12-29",
    ),
    "hubei.xianning.one_plus_one.yearly_activity": (
        "hubei.xianning.one_plus_one.required",
        "2023-12-29",
    ),
    "hubei.xianning.one_plus_n.weekly_home_session": (
        "hubei.xianning.one_plus_n.required",
        "2024-01-01",
    ),
    "hubei.chibi.weekly_follow_up": ("hubei.chibi.contact.required", "2023-03-25"),
    "hubei.chibi.monthly_home_visit": ("hubei.chibi.contact.required", "2023-03-25"),
    "hubei.chibi.training.child_director": ("hubei.chibi.training.required", "2023-03-25"),
    "hubei.chibi.training.child_supervisor": ("hubei.chibi.training.required", "2023-03-25"),
}
"""Each rule's requirement flag and the day its duty starts."""


def test_every_rule_names_a_requirement_flag() -> None:
    """Each rule names its duty's flag (unit ``flag``, with Chinese and English labels). The
    flag has exactly two values, at the rule's scope: false from 2000-01-01 citing the
    modelling choice on start dates, and true from the start day citing the rule's own
    source, the day the rule's other parameters take effect."""
    rules = [
        r for r in careprotect_hubei.RULES if isinstance(r, ContactFrequency | TrainingPerYear)
    ]
    assert len(rules) == len(careprotect_hubei.RULES)
    assert {r.id: r.required for r in rules} == {rule: flag for rule, (flag, _) in FLAGS.items()}
    scopes = {rule.id: scope for rule, scope in careprotect_hubei.REGISTRATIONS}
    for rule in rules:
        flag, start = FLAGS[rule.id]
        spec = ENGINE.parameters.spec(flag)
        assert (spec.unit, spec.plugin.name) == (Unit.FLAG, "hubei"), flag
        assert spec.zh, flag
        assert spec.en, flag
        values = [
            (v.effective.isoformat(), scope_label(v.scope), v.value, v.citation.key)
            for v in ENGINE.parameters.values(flag)
        ]
        scope = str(scopes[rule.id])
        assert values == [
            ("2000-01-01", scope, False, START_DATES),
            (start, scope, True, *rule.citations),
        ], flag
        others = [
            v.effective.isoformat()
            for v in ENGINE.parameters.values()
            if v.plugin.name == "hubei" and v.citation.key in rule.citations
        ]
        assert set(others) == {start}, rule.id


def test_hubei_parameters_and_values() -> None:
    """Hubei declares only ``hubei.`` parameters; its values lie in Xianning or Chibi; its
    values of national parameters are exactly the staffing and confirmation flags."""
    declared = [s.name for s in ENGINE.parameters.specs.values() if s.plugin.name == "hubei"]
    assert declared
    assert all(name.startswith("hubei.") for name in declared)
    values = [v for v in ENGINE.parameters.values() if v.plugin.name == "hubei"]
    assert {scope_label(v.scope) for v in values} == {"4212", "421281"}
    national = sorted(
        (v.parameter, scope_label(v.scope), v.effective.isoformat())
        for v in values
        if not v.parameter.startswith("hubei.")
    )
    assert national == [
        ("entrusted_guardianship.confirmation.required", "4212", "2020-12-17"),
        ("staffing.child_director.required", "4212", "2020-12-17"),
        ("staffing.child_director.required", "421281", "2023-03-25"),
        ("staffing.child_supervisor.required", "4212", "2020-12-17"),
        ("staffing.child_supervisor.required", "421281", "2023-03-25"),
    ]
    assert all(v.value is True for v in values if not v.parameter.startswith("hubei."))
