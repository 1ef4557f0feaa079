"""The bundled sample registry, examples/sample-registry.jsonl.

It is what examples/build_sample.py writes (so the two cannot drift apart), it loads without
a rejection, and the README's first command audits it as of 2024-12-31 with the national
baseline and the Hunan and Hubei plugins: every compliance rule of the three is met somewhere
and broken somewhere, every entitlement rule has amounts over 2024, and every plugin has
non-compliant findings. The rules are read from the engine, so a rule added to a plugin fails
here until the sample has a case for it (add one to examples/build_sample.py).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import shlex
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from careprotect import Engine, Period, load_registry, pipeline
from careprotect.cli import main
from careprotect.divisions import Division, Level
from careprotect.engine import Registration
from careprotect.findings import Finding, Outcome, SubjectKind
from careprotect.model import Registry
from careprotect.rules.base import RuleKind
from careprotect.rules.entitlements import Amount
from support import readme_commands

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-registry.jsonl"
BUILD = ROOT / "examples" / "build_sample.py"
RECORD_SCHEMA = ROOT / "docs" / "schema" / "registry-record.schema.json"

PLUGINS = ("hunan", "hubei")
AS_OF = dt.date(2024, 12, 31)
"""The day the README's first command audits the sample on."""
END_OF_2020 = dt.date(2020, 12, 31)
"""Hunan's targets for its children's homes fell due on this day. A rule judged for one
subject only, the province's own division record (the share of model homes in all of Hunan),
gives one finding per audit and so cannot be both met and broken as of AS_OF: the sample is
built so that it is broken as of AS_OF and met as of this day."""
NO_VALUE = re.compile(r"no value of (\S+) in force")


def _build_sample_text() -> str:
    """What examples/build_sample.py writes, from its ``render`` function."""
    spec = importlib.util.spec_from_file_location("build_sample", BUILD)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.render()
    assert isinstance(text, str)
    return text


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The national baseline with the installed Hunan and Hubei plugins.

    Not conftest's ``engine`` (every installed plugin): the sample's expected findings are
    those of exactly these two plugins, so a third one installed in the environment (a plugin
    made from the template, say) must not join them."""
    return Engine.from_entry_points(allow=PLUGINS)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(SAMPLE).registry


@pytest.fixture(scope="module")
def findings(engine: Engine, registry: Registry) -> list[Finding]:
    return list(pipeline.audit(engine, registry, as_of=AS_OF))


def _compliance_rules(engine: Engine) -> list[Registration]:
    return [r for r in engine.rules if r.item.kind is RuleKind.COMPLIANCE]


def _broken(rule: Registration) -> Outcome:
    """How the rule says it is broken: non-compliant, or advisory for a rule that only ever
    advises (a preference: ``binding`` false)."""
    return (
        Outcome.ADVISORY if getattr(rule.item, "binding", True) is False else Outcome.NON_COMPLIANT
    )


def _outcomes(findings: Iterable[Finding]) -> dict[str, Counter[Outcome]]:
    by_rule: dict[str, Counter[Outcome]] = defaultdict(Counter)
    for f in findings:
        by_rule[f.rule][f.outcome] += 1
    return by_rule


def _province_only(findings: list[Finding]) -> bool:
    """Whether the findings are all about one province-level division record."""
    subjects = {(f.subject.kind, f.subject.id) for f in findings}
    if len(subjects) != 1:
        return False
    ((kind, code),) = subjects
    return kind is SubjectKind.DIVISION and Division(code).level is Level.PROVINCE


# -- the file ------------------------------------------------------------------------------


def test_the_committed_sample_is_what_build_sample_writes() -> None:
    """examples/build_sample.py writes the committed file byte for byte: change the script and
    run it (``.venv/bin/python examples/build_sample.py``), never the file by hand."""
    assert SAMPLE.read_bytes().decode("utf-8") == _build_sample_text()


def test_the_sample_loads_without_rejections(registry: Registry) -> None:
    """Every record is accepted; a few hundred children, most with a citizen ID number (the
    reader has checked each one's check character and that it encodes the birth date and
    sex)."""
    result = load_registry(SAMPLE)
    assert result.rejections == ()
    assert result.counts.rejected == 0
    assert result.counts.read == len(SAMPLE.read_text(encoding="utf-8").splitlines())
    children = registry.children
    assert 200 <= len(children) < 1000
    assert sum(c.citizen_id is not None for c in children) >= 0.9 * len(children)
    reference = registry.reference
    assert reference.divisions
    assert reference.workers
    assert reference.service_points
    # Luxi in Hunan and Chibi in Hubei, down to villages.
    codes = {str(d.code) for d in reference.divisions}
    assert {"433122", "421281"} <= codes
    assert any(c.startswith("433122") and len(c) == 12 for c in codes)
    assert any(c.startswith("421281") and len(c) == 12 for c in codes)


def test_every_line_is_a_valid_record() -> None:
    """Each line validates against the JSON Schema of one record."""
    schema: dict[str, Any] = json.loads(RECORD_SCHEMA.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    bad = [
        (number, error.message)
        for number, line in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines(), start=1)
        for error in validator.iter_errors(json.loads(line))
    ]
    assert bad == []


# -- the audit -----------------------------------------------------------------------------


def test_the_audit_uses_the_three_plugins(engine: Engine) -> None:
    assert [p.name for p in engine.plugins] == ["national", "hubei", "hunan"]


def test_every_compliance_rule_is_met_and_broken(
    engine: Engine, registry: Registry, findings: list[Finding]
) -> None:
    """As of 2024-12-31, every compliance rule of the three plugins has a compliant finding
    and a non-compliant one (an advisory one for a rule that only advises). A rule judged only
    for the province's own division record is met or broken as of the end of 2020 instead."""
    outcomes = _outcomes(findings)
    earlier: dict[str, Counter[Outcome]] | None = None
    missing = []
    for rule in _compliance_rules(engine):
        wanted = {Outcome.COMPLIANT, _broken(rule)}
        have = set(outcomes[rule.id])
        own = [f for f in findings if f.rule == rule.id]
        if wanted - have and _province_only(own):
            if earlier is None:
                earlier = _outcomes(pipeline.audit(engine, registry, as_of=END_OF_2020))
            have |= set(earlier[rule.id])
        missing += [f"{rule.id}: no {o.value} finding" for o in sorted(wanted - have, key=str)]
    assert missing == []


def test_the_province_wide_rule_is_broken_now_and_was_met_in_2020(
    engine: Engine, registry: Registry, findings: list[Finding]
) -> None:
    """The model-home share is judged for division 43 only: 2 of the 13 homes open at the end
    of 2020 were model homes, 2 of the 21 open at the end of 2024 are (below 10%)."""
    rule = "hunan.childrens_home.model_share"
    (now,) = (f for f in findings if f.rule == rule)
    (then,) = (f for f in pipeline.audit(engine, registry, as_of=END_OF_2020) if f.rule == rule)
    assert (now.subject.id, now.outcome) == ("43", Outcome.NON_COMPLIANT)
    assert (then.subject.id, then.outcome) == ("43", Outcome.COMPLIANT)


def test_the_audit_judges_the_periods_ending_by_the_audit_day(findings: list[Finding]) -> None:
    """Monthly rules judge December 2024, weekly rules 2024-W52, yearly rules 2024, and
    point-in-time rules 2024-12-31 (or, for training before starting, the appointment day)."""
    periods = {str(f.period) for f in findings if f.period is not None}
    assert periods == {"2024-12", "2024-W52", "2024"}
    days = {f.day for f in findings if f.day is not None and f.day != AS_OF}
    assert {f.rule for f in findings if f.day in days} == {
        "hunan.child_director.training_before_start"
    }


def test_every_plugin_has_non_compliant_findings(engine: Engine, findings: list[Finding]) -> None:
    plugin_of = {r.id: r.plugin.name for r in engine.rules}
    broken = Counter(plugin_of[f.rule] for f in findings if f.outcome is Outcome.NON_COMPLIANT)
    assert set(broken) == {p.name for p in engine.plugins}


def test_the_gaps_are_those_of_the_last_periods(
    engine: Engine, registry: Registry, findings: list[Finding]
) -> None:
    """The rest of 2024 is in order: auditing every week, month and the year of 2024 finds the
    same non-compliant subjects as the audit as of 2024-12-31."""

    def broken(found: Iterable[Finding]) -> set[tuple[str, str]]:
        return {(f.rule, f.subject.id) for f in found if f.outcome is Outcome.NON_COMPLIANT}

    year = pipeline.audit(engine, registry, period=Period.year(2024))
    assert broken(year) == broken(findings)


def test_nothing_is_missing_input(findings: list[Finding]) -> None:
    """The sample records what the rules need: no finding is missing input."""
    assert [f for f in findings if f.outcome is Outcome.MISSING_INPUT] == []


# -- the entitlements ----------------------------------------------------------------------


def test_every_entitlement_rule_gives_amounts_over_2024(engine: Engine, registry: Registry) -> None:
    """Every entitlement rule gives amounts over 2024, and some of them in yuan, unless no
    plugin gives a value of a parameter it needs (the de facto unsupported child allowance:
    neither plugin says from when it is paid), which the amounts then say."""
    amounts: dict[str, list[Amount]] = defaultdict(list)
    for a in pipeline.entitlements(engine, registry, Period.year(2024)):
        amounts[a.rule].append(a)
    problems = []
    for rule in engine.rules:
        if rule.item.kind is not RuleKind.ENTITLEMENT:
            continue
        mine = amounts[rule.id]
        if not mine:
            problems.append(f"{rule.id}: no amount")
        elif all(a.amount is None for a in mine) and not all(
            any(not list(engine.parameters.values(n)) for n in NO_VALUE.findall(a.missing))
            for a in mine
        ):
            problems.append(f"{rule.id}: every amount is missing input")
    assert problems == []
    total = sum(a.amount for a in amounts["orphan.allowance"] if a.amount is not None)
    assert total > 0
    (grant,) = {a.subject.id for a in amounts["hunan.childrens_home.construction_grant"]}
    assert grant.startswith("H-LX-")


# -- the README's first command -------------------------------------------------------------


def test_the_readme_command_audits_the_sample(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's first command ends with the audit of the sample: it runs with the
    installed plugins, reports every record accepted and exits 1 (non-compliance found)."""
    command = readme_commands()[0].split("&&")[-1].strip()
    argv = shlex.split(command)
    assert Path(argv[0]).name == "careprotect"
    monkeypatch.chdir(ROOT)
    status = main(argv[1:])
    out, err = capsys.readouterr()
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[0].startswith("Compliance audit · as of 2024-12-31 · plugins: national ")
    assert "hubei" in lines[0]
    assert "hunan" in lines[0]
    records = len(SAMPLE.read_text(encoding="utf-8").splitlines())
    assert lines[1] == f"Records: {records} read, {records} accepted, 0 rejected"
