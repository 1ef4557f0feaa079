"""Plugin faults are contained: a rule that fails for a subject becomes an ``error`` finding
and the run goes on; a plugin or parameter file that cannot be used is one line naming it.

Everything here goes through the public API (``Engine``, ``audit``, ``entitlements``,
``plan``) and the command line (``careprotect.cli.main``), with plugins installed through a
stand-in for the ``careprotect`` entry-point group.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.metadata
import io
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import (
    ContactMode,
    Engine,
    Message,
    Period,
    PeriodKind,
    PluginError,
    PluginLoadError,
    load_registry,
    pipeline,
)
from careprotect.cli import main
from careprotect.findings import Finding, Outcome, SubjectKind
from careprotect.hookspecs import hookimpl
from careprotect.params import PluginInfo
from careprotect.rules import RuleContext, RuleKind
from careprotect.rules.contact import ContactFrequency
from careprotect.testing import stub_plugin
from support import citation_table

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "tests" / "data" / "small-registry.jsonl"
REGISTRY = load_registry(SAMPLE).registry
CHILDREN = REGISTRY.children
IDS = [c.id for c in CHILDREN]
EVERY_THIRD = frozenset(IDS[::3])  # the first, fourth, ... child of the registry
AS_OF = dt.date(2020, 6, 30)
RULE = "faulty.fragile"
TITLE = Message("测试", "test")

CITATION = citation_table("t", issuer="测试", document="test", title="A test source")


@attrs.frozen
class Fragile:
    """A compliance rule that raises for the children in ``failing`` (by id): a KeyError
    whose text is the child's name, as careless plugin code might raise; compliant for the
    others."""

    failing: Callable[[], frozenset[str]]
    id: str = RULE
    kind: RuleKind = RuleKind.COMPLIANCE
    subject: SubjectKind = SubjectKind.CHILD
    title: Message = TITLE
    citations: tuple[str, ...] = ("t",)

    def evaluate(self, child: Any, env: RuleContext) -> Iterable[Finding]:
        yield env.finding(self, child, Outcome.COMPLIANT, self.title, day=env.as_of)
        if child.id in self.failing():
            raise KeyError(child.name)


@attrs.frozen
class Wrong:
    """A compliance rule that gives something that is not a finding for every child."""

    given: object
    id: str = "faulty.wrong"
    kind: RuleKind = RuleKind.COMPLIANCE
    subject: SubjectKind = SubjectKind.CHILD
    title: Message = TITLE
    citations: tuple[str, ...] = ("t",)

    def evaluate(self, child: Any, env: RuleContext) -> Iterable[Any]:
        yield self.given


def faulty(tmp_path: Path, *rules: Any, name: str = "faulty") -> object:
    return stub_plugin(name, None, directory=tmp_path, toml=CITATION, rules=rules, version="1.0")


def fragile(tmp_path: Path, failing: frozenset[str] = EVERY_THIRD) -> object:
    return faulty(tmp_path, Fragile(lambda: failing))


class _Dist:
    name = "careprotect-faulty"
    version = "1.0"


class _EntryPoint:
    """An entry point of the distribution careprotect-faulty."""

    dist = _Dist()

    def __init__(self, name: str, load: Callable[[], object]) -> None:
        self.name = name
        self.value = f"careprotect_{name}"
        self._load = load

    def load(self) -> object:
        return self._load()


Install = Callable[[str, Callable[[], object]], None]


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Install:
    """Only the plugins a test installs are in the entry-point group; English locale."""
    plugins: dict[str, Callable[[], object]] = {}
    real = importlib.metadata.entry_points

    def entry_points(**kw: Any) -> Any:
        if kw.get("group") == "careprotect":
            return [_EntryPoint(n, load) for n, load in plugins.items()]
        return real(**kw)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return plugins.__setitem__


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def errors_of(findings: Iterable[Finding]) -> dict[str, Finding]:
    """The error findings, by subject id (one per subject at most)."""
    found: dict[str, Finding] = {}
    for f in findings:
        if f.outcome is Outcome.ERROR:
            assert f.subject.id not in found
            found[f.subject.id] = f
    return found


# -- a rule that fails for some subjects ----------------------------------------------------------


def test_a_rule_that_raises_gives_an_error_finding_for_exactly_those_children(
    tmp_path: Path,
) -> None:
    """Every third child gets one error finding of the rule instead of its findings; every
    other finding of the audit (other children, other rules) is what it is without faults."""
    sound = list(pipeline.audit(Engine([fragile(tmp_path, frozenset())]), REGISTRY, as_of=AS_OF))
    audit = pipeline.audit(Engine([fragile(tmp_path)]), REGISTRY, as_of=AS_OF)
    findings = list(audit)
    errors = errors_of(findings)
    assert set(errors) == EVERY_THIRD
    failing_rule = [f for f in sound if f.rule == RULE and f.subject.id in EVERY_THIRD]
    assert [f for f in findings if f.outcome is not Outcome.ERROR] == [
        f for f in sound if f not in failing_rule
    ]
    assert audit.summary.by_outcome["error"] == audit.summary.errors == len(EVERY_THIRD)
    assert audit.summary.by_rule[RULE]["error"] == len(EVERY_THIRD)


def test_an_error_finding_names_rule_subject_and_exception_but_no_name(tmp_path: Path) -> None:
    """The rule, the masked subject, its division, the day, the rule's citations; the message
    names the exception's type and where it was raised, never the exception's text (here the
    child's name)."""
    findings = list(pipeline.audit(Engine([fragile(tmp_path)]), REGISTRY, as_of=AS_OF))
    child = CHILDREN[0]
    error = errors_of(findings)[child.id]
    assert (error.rule, error.subject.kind, error.subject.id, error.subject.name) == (
        RULE,
        SubjectKind.CHILD,
        child.id,
        child.name[0] + "*" * (len(child.name) - 1),
    )
    assert (error.division, error.day, error.period) == (child.division, AS_OF, None)
    assert [c.key for c in error.citations] == ["t"]
    assert error.message.en.startswith("The rule failed: KeyError in evaluate (test_faults line ")
    assert error.message.zh.startswith("规则执行出错：KeyError in evaluate (test_faults line ")
    every_text = json.dumps([f.as_dict() for f in findings], ensure_ascii=False)
    for c in CHILDREN:
        assert c.name not in every_text


def test_a_revealed_audit_shows_the_exception_text(tmp_path: Path) -> None:
    """With reveal, names are shown anyway, and so is the exception's own text."""
    findings = list(pipeline.audit(Engine([fragile(tmp_path)]), REGISTRY, as_of=AS_OF, reveal=True))
    child = CHILDREN[0]
    error = errors_of(findings)[child.id]
    assert error.subject.name == child.name
    assert error.message.en.startswith(f"The rule failed: KeyError: '{child.name}' in evaluate")


def test_careprotect_errors_keep_their_text_scrubbed(tmp_path: Path) -> None:
    """A careprotect error raised inside a rule (a parameter with no value) keeps its text,
    which never names a child; ID numbers in it are masked."""

    @attrs.frozen
    class AsksTooMuch:
        id: str = "faulty.asks"
        kind: RuleKind = RuleKind.COMPLIANCE
        subject: SubjectKind = SubjectKind.CHILD
        title: Message = TITLE
        citations: tuple[str, ...] = ("t",)

        def evaluate(self, child: Any, env: RuleContext) -> Iterable[Finding]:
            env.resolve("nope." + "110105194912310021", child.division, AS_OF)
            return ()

    findings = list(
        pipeline.audit(Engine([faulty(tmp_path, AsksTooMuch())]), REGISTRY, as_of=AS_OF)
    )
    errors = errors_of(findings)
    assert set(errors) == set(IDS)
    assert errors[IDS[0]].message.en.startswith(
        "The rule failed: careprotect.errors.ParameterError: no plugin declares a parameter "
        "'nope.110105********0021' in "
    )


@pytest.mark.parametrize(
    ("given", "named"), [(42, "int"), ("compliant", "str"), (None, "NoneType")]
)
def test_a_rule_that_gives_something_else_than_a_finding_gives_an_error(
    tmp_path: Path, given: object, named: str
) -> None:
    """Whatever a rule yields that is not a Finding becomes one error finding per subject."""
    findings = list(pipeline.audit(Engine([faulty(tmp_path, Wrong(given))]), REGISTRY, as_of=AS_OF))
    errors = errors_of(findings)
    assert set(errors) == set(IDS)
    assert {f.message.en for f in errors.values()} == {
        f"The rule failed: gave {named}, not a Finding"
    }


def test_a_rule_that_returns_nothing_iterable_gives_an_error(tmp_path: Path) -> None:
    """``evaluate`` returning None (forgetting to yield) is a failure, not silence."""

    @attrs.frozen
    class ReturnsNone(Wrong):
        def evaluate(self, child: Any, env: RuleContext) -> Any:
            return None

    findings = list(
        pipeline.audit(Engine([faulty(tmp_path, ReturnsNone(0))]), REGISTRY, as_of=AS_OF)
    )
    errors = errors_of(findings)
    assert set(errors) == set(IDS)
    assert errors[IDS[0]].message.en.startswith("The rule failed: TypeError in judged (")


FAILING: list[frozenset[str]] = [frozenset()]


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """An engine whose fragile rule fails for the children in ``FAILING[0]``."""
    plugin = faulty(tmp_path_factory.mktemp("faulty"), Fragile(lambda: FAILING[0]))
    return Engine([plugin])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(failing=st.sets(st.sampled_from(IDS)), reveal=st.booleans())
def test_errors_are_exactly_the_subjects_for_which_the_rule_raises(
    shared_engine: Engine, failing: set[str], reveal: bool
) -> None:
    """Any set of children for which the rule raises gives error findings for exactly those
    children, one each, under the rule; every child still gets every other rule's findings."""
    FAILING[0] = frozenset()
    sound = list(pipeline.audit(shared_engine, REGISTRY, as_of=AS_OF, reveal=reveal))
    FAILING[0] = frozenset(failing)
    audit = pipeline.audit(shared_engine, REGISTRY, as_of=AS_OF, reveal=reveal)
    findings = list(audit)
    errors = errors_of(findings)
    assert set(errors) == failing
    assert {f.rule for f in errors.values()} <= {RULE}
    assert [f for f in findings if f.outcome is not Outcome.ERROR] == [
        f for f in sound if not (f.rule == RULE and f.subject.id in failing)
    ]
    assert audit.summary.errors == len(failing)


# -- the command line: exit 3, the same report whatever the jobs ----------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_the_audit_reports_errors_and_exits_3_the_same_with_any_jobs(
    capsys: pytest.CaptureFixture[str], install: Install, tmp_path: Path, fmt: str
) -> None:
    """A complete report with error findings for exactly every third child, exit status 3,
    the same bytes from one process and from two worker processes."""
    plugin = fragile(tmp_path)
    install("faulty", lambda: plugin)
    reports = []
    for jobs in ("1", "2"):
        output = tmp_path / f"audit-{jobs}.{fmt}"
        status, out, err = run(
            capsys,
            "audit",
            str(SAMPLE),
            "--as-of",
            AS_OF.isoformat(),
            "--format",
            fmt,
            "--jobs",
            jobs,
            "-o",
            str(output),
        )
        assert (status, out, err) == (3, "", "")
        reports.append(output.read_bytes())
    assert reports[0] == reports[1]
    text = reports[0].decode()
    for child in CHILDREN:
        assert child.name not in text
    if fmt == "json":
        doc = json.loads(text)
        errors = [f for f in doc["findings"] if f["outcome"] == "error"]
        assert sorted(f["subject"]["id"] for f in errors) == sorted(EVERY_THIRD)
        assert {f["rule"] for f in errors} == {RULE}
        assert doc["summary"]["by_outcome"]["error"] == len(EVERY_THIRD)
        assert doc["summary"]["by_rule"][RULE]["error"] == len(EVERY_THIRD)
        assert doc["summary"]["subjects"]["child"] == len(CHILDREN)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        errors = [r for r in rows if r["outcome"] == "error"]
        assert sorted(r["subject_id"] for r in errors) == sorted(EVERY_THIRD)
        assert {r["message_en"][:24] for r in errors} == {"The rule failed: KeyErro"}
    else:
        listed = [line for line in text.splitlines() if line.startswith("  [error] ")]
        assert sorted(line.split(" · ")[1].split()[1] for line in listed) == sorted(EVERY_THIRD)
        assert text.splitlines()[2].endswith("findings")


def test_errors_beat_non_compliance_and_without_errors_the_status_is_unchanged(
    capsys: pytest.CaptureFixture[str], install: Install, tmp_path: Path
) -> None:
    """The sample registry has non-compliant findings (status 1); a rule failing for one
    child makes it 3; a rule that never fails leaves it 1."""
    for failing, expected in ((frozenset[str](), 1), (frozenset(IDS[:1]), 3)):
        install("faulty", functools.partial(fragile, tmp_path, failing))
        status, _, err = run(
            capsys, "audit", str(SAMPLE), "--as-of", "2020-06-30", "-o", "/dev/null"
        )
        assert (status, err) == (expected, "")


# -- entitlements and plans ---------------------------------------------------------------------


@attrs.frozen
class FragileAllowance:
    """An entitlement rule that raises for the children in ``failing``, else gives nothing."""

    failing: frozenset[str]
    id: str = "faulty.allowance"
    kind: RuleKind = RuleKind.ENTITLEMENT
    subject: SubjectKind = SubjectKind.CHILD
    title: Message = TITLE
    citations: tuple[str, ...] = ("t",)

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        return ()

    def check(self, engine: Engine) -> None:
        pass

    def amounts(self, child: Any, period: Period, env: RuleContext) -> Iterator[Any]:
        if child.id in self.failing:
            raise ZeroDivisionError("division by zero")
        return iter(())


def test_an_entitlement_rule_that_raises_gives_a_failed_amount(
    capsys: pytest.CaptureFixture[str], install: Install, tmp_path: Path
) -> None:
    """One amount that cannot be computed per failing child, saying the rule failed; the
    other rules' amounts are all there; exit status 3."""
    plugin = faulty(tmp_path, FragileAllowance(EVERY_THIRD))
    month = Period.parse("2020-06")
    amounts = list(pipeline.entitlements(Engine([plugin]), REGISTRY, month))
    failed = [a for a in amounts if a.failed]
    assert sorted(a.subject.id for a in failed) == sorted(EVERY_THIRD)
    assert {(a.amount, a.missing[:35]) for a in failed} == {
        (None, "the rule failed: ZeroDivisionError ")
    }
    assert [a for a in amounts if not a.failed] == list(
        pipeline.entitlements(Engine(), REGISTRY, month)
    )
    install("faulty", lambda: plugin)
    status, out, err = run(
        capsys, "entitlements", str(SAMPLE), "--period", "2020-06", "--format", "json"
    )
    assert (status, err) == (3, "")
    doc = json.loads(out)
    assert doc["totals"]["missing"]["faulty.allowance"] == len(EVERY_THIRD)


class FragileContacts(ContactFrequency):
    """A contact rule that raises for the children in ``FAILING[0]``."""

    def standing(self, child: Any, *args: Any, **kwargs: Any) -> Any:
        if child.id in FAILING[0]:
            raise ZeroDivisionError("division by zero")
        return super().standing(child, *args, **kwargs)


def test_a_contact_rule_that_raises_gives_a_plan_entry_with_the_error(
    capsys: pytest.CaptureFixture[str], install: Install, tmp_path: Path
) -> None:
    """The failing child is listed under no worker with what is due unknown and the error;
    the plan goes on for every other child and rule; exit status 3."""
    rule = FragileContacts(
        id="faulty.contact",
        title=Message("每月联系", "Monthly contact"),
        citations=("t",),
        period=PeriodKind.MONTH,
        min_count="faulty.count",
        modes=(ContactMode.PHONE, ContactMode.HOME_VISIT),
        categories=("left_behind",),
    )
    toml = CITATION + DECLARED + _value()
    plugin = stub_plugin("faulty", None, directory=tmp_path, toml=toml, rules=[rule])
    FAILING[0] = frozenset(IDS[:1])
    month = Period.parse("2020-06")
    plans = list(pipeline.plan(Engine([plugin]), REGISTRY, month))
    failed = [(p.worker_id, d) for p in plans for d in p.due if d.error]
    assert [(w, d.child_id, d.rule, d.required, d.still_due) for w, d in failed] == [
        (None, IDS[0], "faulty.contact", None, None)
    ]
    assert failed[0][1].error.startswith("ZeroDivisionError in standing (test_faults line ")
    install("faulty", lambda: plugin)
    status, out, err = run(capsys, "plan", str(SAMPLE), "--month", "2020-06", "--format", "json")
    assert (status, err) == (3, "")
    entries = [d for w in json.loads(out)["workers"] for d in w["due"] if "error" in d]
    assert [d["child"]["id"] for d in entries] == [IDS[0]]


# -- plugins that cannot be used ----------------------------------------------------------------


def _one_line_no_traceback(err: str) -> str:
    """The one line on stderr (the command may add a hint to the library's words)."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("careprotect: ")
    assert "Traceback" not in err
    return lines[0]


def test_a_plugin_that_fails_to_import_is_named(
    capsys: pytest.CaptureFixture[str], install: Install
) -> None:
    """One line naming the plugin's entry point and distribution, exit status 2; the API
    raises PluginError with the same words."""

    def broken() -> object:
        raise ModuleNotFoundError("No module named 'numpyy'")

    install("faulty", broken)
    expected = (
        "plugin faulty [entry point faulty = careprotect_faulty, distribution "
        "careprotect-faulty 1.0] cannot be imported: ModuleNotFoundError: No module named "
        "'numpyy'"
    )
    with pytest.raises(PluginError) as info:
        Engine.from_entry_points()
    assert str(info.value) == expected
    status, out, err = run(capsys, "audit", str(SAMPLE), "--as-of", "2020-06-30")
    assert (status, out) == (2, "")
    assert _one_line_no_traceback(err).startswith(f"careprotect: {expected}")


class _InfoRaises:
    @hookimpl
    def careprotect_plugin_info(self) -> PluginInfo:
        raise RuntimeError("no version file")


class _RulesRaise:
    @hookimpl
    def careprotect_plugin_info(self) -> PluginInfo:
        return PluginInfo(name="faulty", version="1.0", scope=None)

    @hookimpl
    def careprotect_rules(self, register: Any) -> None:
        raise KeyError("missing")


class _InfoNotInfo:
    @hookimpl
    def careprotect_plugin_info(self) -> object:
        return {"name": "faulty"}


class _FileNotPath:
    @hookimpl
    def careprotect_plugin_info(self) -> PluginInfo:
        return PluginInfo(name="faulty", version="1.0", scope=None)

    @hookimpl
    def careprotect_parameter_files(self, register: Any) -> None:
        register(None)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (
            _InfoRaises,
            "plugin faulty [entry point faulty = careprotect_faulty, distribution "
            "careprotect-faulty 1.0]: its careprotect_plugin_info hook raised RuntimeError: no "
            "version file",
        ),
        (
            _RulesRaise,
            "plugin faulty 1.0 (national) [entry point faulty = careprotect_faulty, distribution "
            "careprotect-faulty 1.0]: its careprotect_rules hook raised KeyError: 'missing'",
        ),
        (
            _InfoNotInfo,
            "plugin faulty [entry point faulty = careprotect_faulty, distribution "
            "careprotect-faulty 1.0] must implement careprotect_plugin_info returning a "
            "PluginInfo; got dict",
        ),
        (
            _FileNotPath,
            "plugin faulty 1.0 (national) [entry point faulty = careprotect_faulty, distribution "
            "careprotect-faulty 1.0]: careprotect_parameter_files registered NoneType, not the "
            "path of a file",
        ),
    ],
)
def test_a_plugin_whose_hook_fails_is_named(
    capsys: pytest.CaptureFixture[str], install: Install, make: type, said: str
) -> None:
    """A hook that raises (any exception), or returns or registers the wrong thing: one line
    naming the plugin, exit status 2; PluginError with the same words from the API."""
    plugin = make()
    install("faulty", lambda: plugin)
    with pytest.raises(PluginError) as info:
        Engine.from_entry_points()
    assert str(info.value) == said
    status, out, err = run(capsys, "rules")
    assert (status, out) == (2, "")
    assert _one_line_no_traceback(err).startswith(f"careprotect: {said}")


class _NoEvaluate:
    id = "faulty.half"
    kind = RuleKind.COMPLIANCE
    subject = SubjectKind.CHILD
    title = Message("测试", "test")
    citations = ("t",)


@pytest.mark.parametrize(
    ("item", "why"),
    [
        (42, "int, which is not a rule: it has no 'id'"),
        (
            _NoEvaluate(),
            "test_faults._NoEvaluate, which is not a rule: it has no method 'evaluate'",
        ),
        (
            attrs.evolve(Fragile(lambda: frozenset()), kind="compliance"),  # type: ignore[arg-type]
            "test_faults.Fragile, which is not a rule: its kind is 'compliance', not a RuleKind",
        ),
    ],
)
def test_a_plugin_that_registers_something_that_is_not_a_rule_is_named(
    capsys: pytest.CaptureFixture[str], install: Install, tmp_path: Path, item: object, why: str
) -> None:
    """Something that is not a rule is refused at load, naming the plugin; exit status 2."""
    plugin = faulty(tmp_path, item)
    with pytest.raises(PluginError) as info:
        Engine([plugin])
    assert str(info.value) == f"plugin faulty 1.0 (national): careprotect_rules registered {why}"
    install("faulty", lambda: plugin)
    status, _, err = run(capsys, "audit", str(SAMPLE), "--as-of", "2020-06-30")
    assert status == 2
    assert _one_line_no_traceback(err).startswith(
        "careprotect: plugin faulty 1.0 (national) [entry point faulty = careprotect_faulty, "
        f"distribution careprotect-faulty 1.0]: careprotect_rules registered {why}"
    )


# -- parameter files that cannot be read --------------------------------------------------------

DECLARED = """
[parameters."faulty.count"]
unit = "count"
zh = "次数"
en = "count"
"""


def _value(**fields: str) -> str:
    base = {"parameter": '"faulty.count"', "effective": "2020-01-01", "value": "2"}
    base.update(citation='"t"', **fields)
    return "\n[[values]]\n" + "\n".join(f"{k} = {v}" for k, v in base.items()) + "\n"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            CITATION.replace('issuer = "测试"', "issuer = 3"),
            "faulty.toml of plugin faulty: citation 't': 'issuer' must be a string (got an "
            "integer 3)",
        ),
        (
            CITATION.replace('issuer = "测试"', "issuer = { name = 'x' }"),
            "faulty.toml of plugin faulty: citation 't': 'issuer' must be a string (got a table",
        ),
        (
            CITATION + "\n[citations]\n",
            "",  # an empty table is harmless
        ),
        (
            CITATION + DECLARED.replace('unit = "count"', 'unit = ["count"]'),
            "faulty.toml of plugin faulty: parameter 'faulty.count': 'unit' must be a string "
            "(got an array ['count'])",
        ),
        (
            CITATION + DECLARED + '\n[values]\nparameter = "faulty.count"\n',
            "faulty.toml of plugin faulty: values must be an array of tables, [[values]] (got a "
            "table)",
        ),
        (
            CITATION + DECLARED + _value(floor="1"),
            "faulty.toml of plugin faulty: values[0]: 'floor' must be true or false (got an "
            "integer 1)",
        ),
        (
            CITATION + DECLARED + _value(scope="43"),
            "faulty.toml of plugin faulty: values[0]: 'scope' must be a string (got an integer 43)",
        ),
        (
            CITATION + '\n[parameters]\n"faulty.count" = "count"\n',
            "faulty.toml of plugin faulty: parameter 'faulty.count' must be a table (got",
        ),
        (
            CITATION + DECLARED + _value(value='"two"'),
            "plugin faulty 1.0 (national): faulty.toml values[0]: value of 'faulty.count' from "
            "2020-01-01 must be a whole number of count (got 'two')",
        ),
        (
            "values = 3\n" + CITATION,
            "faulty.toml of plugin faulty: values must be an array of tables, [[values]] (got an "
            "integer)",
        ),
        (
            CITATION + "\n[citations.u\n",
            "cannot read faulty.toml of plugin faulty: not TOML: ",
        ),
    ],
)
def test_a_malformed_parameter_file_is_one_line_naming_file_table_and_key(
    tmp_path: Path, text: str, said: str
) -> None:
    """Wrong types, a table where a value belongs or the other way round, bad TOML: a
    PluginLoadError of one line naming the file, the table and the key, never a traceback or
    a file read in half."""
    plugin = stub_plugin("faulty", None, directory=tmp_path, toml=text, version="1.0")
    if not said:
        Engine([plugin])
        return
    with pytest.raises(PluginLoadError) as info:
        Engine([plugin])
    assert str(info.value).startswith(said)
    assert "\n" not in str(info.value)


def test_a_parameter_file_that_is_not_utf8_is_named_with_its_line(
    capsys: pytest.CaptureFixture[str], install: Install, tmp_path: Path
) -> None:
    """Bytes that are not UTF-8: one line naming the file and the line; exit status 2."""
    path = tmp_path / "latin.toml"
    path.write_bytes(CITATION.encode() + b'\n[parameters."faulty.count"]\nzh = "\xe9"\n')
    plugin = stub_plugin("faulty", None, files=[path], version="1.0")
    said = "cannot read latin.toml of plugin faulty: not UTF-8 text (byte 0xe9 on line 10)"
    with pytest.raises(PluginLoadError, match=f"^{said}$".replace("(", r"\(").replace(")", r"\)")):
        Engine([plugin])
    install("faulty", lambda: plugin)
    status, out, err = run(capsys, "parameters")
    assert (status, out) == (2, "")
    assert _one_line_no_traceback(err).startswith(f"careprotect: {said}")
