"""careprotect.plugin: the one import a plugin author needs, every name in it documented."""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import inspect
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import careprotect.plugin
from careprotect import Engine, Outcome, load_registry, pipeline
from support import citation_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-registry.jsonl"

PARAMETERS = (
    citation_table(
        "lx-2020-1",
        issuer="泸溪县民政局",
        document="泸民发〔2020〕1号",
        status="assumed",
        verified="2026-12-01",
    )
    + """
[parameters."luxi.training.per_year"]
unit = "count"
zh = "每年培训次数"
en = "Trainings a year"

[[values]]
parameter = "luxi.training.per_year"
effective = 2020-01-01
value = 1
citation = "lx-2020-1"
"""
)

# A whole plugin, written as a plugin author would: its only careprotect import is
# careprotect.plugin. It configures a general mechanism and defines one of its own.
PLUGIN = '''
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

from careprotect.plugin import (
    Division, Finding, Message, Outcome, PluginInfo, Rule, RuleContext, RuleKind,
    SubjectKind, TrainingPerYear, Worker, WorkerRole, hookimpl,
)

LUXI = Division("433122")


class AppointmentRecorded:
    """A worker's appointment date is recorded."""

    id = "luxi.appointment_recorded"
    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE
    subject: ClassVar[SubjectKind] = SubjectKind.WORKER
    title = Message("任职日期已记录", "Appointment date recorded")
    citations = ("lx-2020-1",)

    def evaluate(self, subject: Worker, env: RuleContext) -> Iterator[Finding]:
        assert env.as_of is not None
        recorded = subject.appointed_on is not None
        yield env.finding(
            self,
            subject,
            Outcome.COMPLIANT if recorded else Outcome.MISSING_INPUT,
            Message("已记录" if recorded else "未记录", "recorded" if recorded else "not recorded"),
            day=env.as_of,
        )


RULES: tuple[Rule, ...] = (
    AppointmentRecorded(),
    TrainingPerYear(
        id="luxi.training_per_year",
        title=Message("每年培训", "Yearly training"),
        citations=("lx-2020-1",),
        role=WorkerRole.CHILD_SUPERVISOR,
        per_year="luxi.training.per_year",
    ),
)


@hookimpl
def careprotect_plugin_info() -> PluginInfo:
    return PluginInfo(name="luxi", version="1.0", scope=LUXI)


@hookimpl
def careprotect_parameter_files(register: Callable[[Path], None]) -> None:
    register(Path(__file__).with_name("luxi.toml"))


@hookimpl
def careprotect_rules(register: Callable[[Rule, Division | None], None]) -> None:
    for rule in RULES:
        register(rule, None)
'''


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plugin_names_are_sorted_unique_and_importable() -> None:
    """``__all__`` is sorted, without repeats, and each name is an attribute of the module."""
    names = careprotect.plugin.__all__
    assert names == sorted(set(names))
    assert [n for n in names if not hasattr(careprotect.plugin, n)] == []


def test_every_plugin_name_is_documented() -> None:
    """Each name has a docstring of its own (a class or function), or is the hook marker,
    whose meaning the module docstring and careprotect.hookspecs explain."""
    undocumented = [
        name
        for name in careprotect.plugin.__all__
        if name != "hookimpl" and not inspect.getdoc(getattr(careprotect.plugin, name))
    ]
    assert undocumented == []
    assert "hookimpl" in (careprotect.plugin.__doc__ or "")


def test_the_module_gathers_every_mechanism_a_plugin_configures() -> None:
    """Every public class that careprotect.rules' modules define and export is reachable from
    careprotect.plugin, except the helpers listed here that only the mechanisms use."""
    helpers = {
        "ByDivision",
        "ContactAssessment",
        "CountedMonth",
        "Declared",
        "Eligibility",
        "HomeIndex",
        "NoValueError",
        "QualifyingSpan",
        "ReferenceIndex",
        "Standing",
    }
    missing = []
    for module in sys.modules["careprotect.rules"].__dict__.values():
        if not inspect.ismodule(module) or not module.__name__.startswith("careprotect.rules."):
            continue
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            defined_here = inspect.isclass(value) and value.__module__ == module.__name__
            if defined_here and name not in helpers | set(careprotect.plugin.__all__):
                missing.append(f"{module.__name__}.{name}")
    assert missing == []


def test_a_plugin_importing_only_careprotect_plugin_loads_and_judges(tmp_path: Path) -> None:
    """The plugin above, written to a file and imported, imports nothing else of careprotect,
    and an Engine loads it and gives its rules' findings."""
    source = textwrap.dedent(PLUGIN)
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert {m for m in imported if m.startswith("careprotect")} == {"careprotect.plugin"}
    (tmp_path / "luxi.toml").write_text(PARAMETERS, encoding="utf-8")
    (tmp_path / "careprotect_luxi.py").write_text(source, encoding="utf-8")
    module = _import(tmp_path / "careprotect_luxi.py")
    engine = Engine([module])
    assert [p.name for p in engine.plugins][1:] == ["luxi"]
    registry = load_registry(SAMPLE).registry
    findings = list(pipeline.audit(engine, registry, as_of=dt.date(2021, 12, 31)))
    mine = sorted((f.rule, f.subject.id, f.outcome) for f in findings if f.rule.startswith("luxi."))
    luxi = [w for w in registry.reference.workers if str(w.division).startswith("433122")]
    assert 0 < len(luxi) < len(registry.reference.workers)
    assert [(r, i, o) for r, i, o in mine if r == "luxi.appointment_recorded"] == sorted(
        (
            "luxi.appointment_recorded",
            w.id,
            Outcome.COMPLIANT if w.appointed_on is not None else Outcome.MISSING_INPUT,
        )
        for w in luxi
    )
    assert {o for r, _, o in mine if r == "luxi.training_per_year"} <= {
        Outcome.COMPLIANT,
        Outcome.NON_COMPLIANT,
    }
    assert any(r == "luxi.training_per_year" for r, _, _ in mine)
