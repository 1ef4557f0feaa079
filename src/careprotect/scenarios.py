"""Scenario files: policy cases that staff can read and write, checked against the engine.

A scenario file is TOML. It names the plugins to load, gives reference records shared by its
cases, and lists cases; each case gives one subject (a child file, a worker, a service point
or a division), a day or a period, and what the rules should answer: outcomes by rule id,
amounts by rule, categories on the day. docs/scenarios.md describes the format.

:func:`load_scenarios` reads and checks a file; :func:`run_case` judges one case and returns
its failures as text (empty when the case passes). The pytest plugin in
:mod:`careprotect.pytest_plugin` collects every ``*.toml`` file in a directory named
``scenarios`` and runs each case as a test.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from careprotect import pipeline
from careprotect.divisions import Division
from careprotect.engine import Engine
from careprotect.errors import CareProtectError
from careprotect.findings import Finding, Outcome
from careprotect.io import load_registry
from careprotect.model import Registry
from careprotect.periods import Period, iter_periods, parse_period_range
from careprotect.rules.base import RuleKind
from careprotect.rules.entitlements import Amount

__all__ = [
    "Case",
    "ExpectedAmount",
    "ScenarioError",
    "ScenarioFile",
    "engine_for",
    "load_scenarios",
    "run_case",
]

_SUBJECTS = ("child", "worker", "service_point", "division")
_RECORD_LISTS = {
    "divisions": "division",
    "workers": "worker",
    "service_points": "service_point",
    "children": "child",
}
_FILE_KEYS = {"title", "plugins", "case", *_RECORD_LISTS}
_CASE_KEYS = {"name", "as_of", "period", "expect", "amounts", "categories"}
_CASE_KEYS |= {*_SUBJECTS, *_RECORD_LISTS}
_NONE = "none"
_UNKNOWN = "unknown"
_MISSING = "missing"


class ScenarioError(CareProtectError):
    """A scenario file that cannot be read: names the file, the case and the field."""


@attrs.frozen
class ExpectedAmount:
    """One amount a case expects of a rule: for a month or a payer, or missing input."""

    rule: str
    amount: Decimal | None
    month: Period | None = None
    payer: str = ""

    def describe(self) -> str:
        """``2018-01 800.00`` or ``province 10000.00``; ``missing`` for missing input."""
        where = " ".join(x for x in (str(self.month or ""), self.payer) if x)
        value = _MISSING if self.amount is None else str(self.amount)
        return f"{where} {value}".strip()


@attrs.frozen
class Case:
    """One case of a scenario file.

    ``subject`` is the kind (``child``, ``worker``, ``service_point`` or ``division``) and
    ``subject_id`` the record's id or the division code. ``expect`` maps a rule id to the
    outcomes its findings for the subject must have: one outcome for every finding (at least
    one), a tuple for each finding in order, or an empty tuple for no finding at all.
    """

    file: Path
    name: str
    index: int
    subject: str
    subject_id: str
    records: tuple[tuple[str, Mapping[str, Any]], ...]
    as_of: dt.date | None = None
    periods: tuple[Period, ...] = ()
    expect: Mapping[str, Outcome | tuple[Outcome, ...]] = attrs.field(factory=dict)
    amounts: tuple[ExpectedAmount, ...] = ()
    categories: Mapping[str, bool | None] = attrs.field(factory=dict)

    @property
    def where(self) -> str:
        """``file.toml, case 2 "name"``: how messages name the case."""
        return f'{self.file.name}, case {self.index + 1} "{self.name}"'


@attrs.frozen
class ScenarioFile:
    """A scenario file: its title, the plugins it loads (None: every installed plugin) and
    its cases."""

    path: Path
    title: str
    plugins: tuple[str, ...] | None
    cases: tuple[Case, ...]


# -- reading ------------------------------------------------------------------------------------


def load_scenarios(path: str | Path) -> ScenarioFile:
    """Read and check a scenario file. Raises :class:`ScenarioError` naming the file, the
    case and the field for anything it cannot use, before any case runs."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"{path.name}: cannot read the scenario file: {exc}") from None
    _unknown(data, _FILE_KEYS, path.name)
    plugins = data.get("plugins")
    if plugins is not None and not (
        isinstance(plugins, list) and all(isinstance(p, str) for p in plugins)
    ):
        raise ScenarioError(f"{path.name}: 'plugins' must be a list of plugin names")
    shared = _records(data, path.name)
    raw_cases = data.get("case", [])
    if not isinstance(raw_cases, list) or not raw_cases:
        raise ScenarioError(f"{path.name}: no [[case]] tables")
    cases = tuple(_case(path, i, raw, shared) for i, raw in enumerate(raw_cases))
    names = [c.name for c in cases]
    for c in cases:
        if names.count(c.name) > 1:
            raise ScenarioError(f"{c.where}: two cases have this name")
    return ScenarioFile(
        path=path,
        title=str(data.get("title", path.stem)),
        plugins=None if plugins is None else tuple(plugins),
        cases=cases,
    )


def _unknown(data: Mapping[str, Any], known: set[str], where: str) -> None:
    extra = sorted(set(data) - known)
    if extra:
        raise ScenarioError(
            f"{where}: unknown key(s) {', '.join(extra)}; expected {', '.join(sorted(known))}"
        )


def _records(data: Mapping[str, Any], where: str) -> list[tuple[str, Mapping[str, Any]]]:
    out: list[tuple[str, Mapping[str, Any]]] = []
    for key, kind in _RECORD_LISTS.items():
        items = data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ScenarioError(f"{where}: '{key}' must be a list of tables ([[{key}]])")
        out.extend((kind, item) for item in items)
    return out


def _case(
    path: Path, index: int, raw: Any, shared: Sequence[tuple[str, Mapping[str, Any]]]
) -> Case:
    where = f"{path.name}, case {index + 1}"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a case must be a table")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ScenarioError(f"{where}: needs a 'name'")
    where = f'{where} "{name}"'
    _unknown(raw, _CASE_KEYS, where)
    given = [k for k in _SUBJECTS if k in raw]
    if len(given) != 1:
        raise ScenarioError(f"{where}: give exactly one subject: {', '.join(_SUBJECTS)}")
    subject = given[0]
    records = [*shared, *_records(raw, where)]
    if subject == "division":
        code = raw["division"]
        try:
            subject_id = Division(code).code
        except CareProtectError as exc:
            raise ScenarioError(f"{where}: division: {exc}") from None
    else:
        record = raw[subject]
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise ScenarioError(f"{where}: '{subject}' must be a table with an 'id'")
        subject_id = record["id"]
        records.append((subject, record))
    as_of, periods = _when(raw, where)
    expect = _expect(raw.get("expect", {}), where)
    amounts = _amounts(raw.get("amounts", []), where)
    categories = _categories(raw.get("categories", {}), where)
    if not (expect or amounts or categories):
        raise ScenarioError(f"{where}: expects nothing: give expect, amounts or categories")
    if amounts and not periods:
        raise ScenarioError(f"{where}: 'amounts' need a 'period'")
    if categories and (as_of is None or subject != "child"):
        raise ScenarioError(f"{where}: 'categories' need a child and 'as_of'")
    return Case(
        file=path,
        name=name,
        index=index,
        subject=subject,
        subject_id=subject_id,
        records=tuple(records),
        as_of=as_of,
        periods=periods,
        expect=expect,
        amounts=amounts,
        categories=categories,
    )


def _when(raw: Mapping[str, Any], where: str) -> tuple[dt.date | None, tuple[Period, ...]]:
    if ("as_of" in raw) == ("period" in raw):
        raise ScenarioError(f"{where}: give exactly one of 'as_of' (a date) and 'period'")
    if "as_of" in raw:
        as_of = raw["as_of"]
        if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise ScenarioError(f"{where}: 'as_of' must be a TOML date such as 2020-06-30")
        return as_of, ()
    try:
        first, last = parse_period_range(raw["period"])
    except CareProtectError as exc:
        raise ScenarioError(f"{where}: period: {exc}") from None
    return None, tuple(iter_periods(first.kind, first.start, last.last_day))


def _outcome(value: Any, where: str) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        choices = ", ".join(o.value for o in Outcome)
        raise ScenarioError(f"{where}: {value!r} is not an outcome ({choices}, none)") from None


def _expect(raw: Any, where: str) -> dict[str, Outcome | tuple[Outcome, ...]]:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: 'expect' must be a table of rule id = outcome")
    out: dict[str, Outcome | tuple[Outcome, ...]] = {}
    for rule, value in raw.items():
        here = f"{where}: expect.{rule}"
        if value == _NONE:
            out[rule] = ()
        elif isinstance(value, list):
            out[rule] = tuple(_outcome(v, here) for v in value)
        else:
            out[rule] = _outcome(value, here)
    return out


def _amounts(raw: Any, where: str) -> tuple[ExpectedAmount, ...]:
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}: 'amounts' must be a list of tables ([[case.amounts]])")
    out: list[ExpectedAmount] = []
    for i, item in enumerate(raw):
        here = f"{where}: amounts[{i}]"
        if not isinstance(item, dict):
            raise ScenarioError(f"{here}: must be a table")
        _unknown(item, {"rule", "month", "payer", "amount"}, here)
        rule, value = item.get("rule"), item.get("amount")
        if not isinstance(rule, str) or not isinstance(value, str):
            raise ScenarioError(f"{here}: needs 'rule' and 'amount' (text: \"800.00\" or missing)")
        amount: Decimal | None = None
        if value != _MISSING:
            try:
                amount = Decimal(value)
            except InvalidOperation:
                raise ScenarioError(f"{here}: amount {value!r} is not a number") from None
        month: Period | None = None
        if "month" in item:
            try:
                month = Period.parse(item["month"])
            except CareProtectError as exc:
                raise ScenarioError(f"{here}: month: {exc}") from None
        payer = item.get("payer", "")
        if not isinstance(payer, str):
            raise ScenarioError(f"{here}: 'payer' must be text")
        out.append(ExpectedAmount(rule=rule, amount=amount, month=month, payer=payer))
    return tuple(out)


def _categories(raw: Any, where: str) -> dict[str, bool | None]:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: 'categories' must be a table of category = true/false")
    out: dict[str, bool | None] = {}
    for category, value in raw.items():
        if value == _UNKNOWN:
            out[category] = None
        elif isinstance(value, bool):
            out[category] = value
        else:
            raise ScenarioError(f"{where}: categories.{category} must be true, false or unknown")
    return out


# -- running ------------------------------------------------------------------------------------

_ENGINES: dict[tuple[str, ...] | None, Engine] = {}


def engine_for(plugins: Sequence[str] | None) -> Engine:
    """The engine with the national baseline and the named installed plugins (None: every
    installed plugin), built once per set of names."""
    key = None if plugins is None else tuple(sorted(plugins))
    if key not in _ENGINES:
        _ENGINES[key] = Engine.from_entry_points(allow=key)
    return _ENGINES[key]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _with_provinces(
    records: Iterable[tuple[str, Mapping[str, Any]]],
) -> list[tuple[str, Mapping[str, Any]]]:
    """The records, plus a division record for each province a record lies in that no
    division record covers, so a case need not list divisions it does not care about."""
    out = list(records)
    listed = [_division(r.get("code")) for kind, r in out if kind == "division"]
    known = [d for d in listed if d is not None]
    provinces: set[str] = set()
    for kind, r in out:
        d = _division(r.get("division")) if kind != "division" else None
        if d is not None and not any(k == d or k.contains(d) for k in known):
            provinces.add(d.code[:2])
    for province in sorted(provinces, reverse=True):
        out.insert(0, ("division", {"code": province, "name": f"({province})"}))
    return out


def _division(code: Any) -> Division | None:
    """The division of a code, or None for anything the registry will reject anyway."""
    try:
        return Division(code) if isinstance(code, str) else None
    except CareProtectError:
        return None


def _registry(case: Case) -> tuple[Registry, list[str]]:
    document: dict[str, list[Any]] = {key: [] for key in _RECORD_LISTS}
    lists = {kind: key for key, kind in _RECORD_LISTS.items()}
    for kind, record in _with_provinces(case.records):
        document[lists[kind]].append(_jsonable(record))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        loaded = load_registry(path)
    problems = [f"record rejected: {r}" for r in loaded.rejections]
    return loaded.registry, problems


def _subject_matches(case: Case, kind: str, subject_id: str) -> bool:
    return kind == case.subject and subject_id == case.subject_id


def _findings(engine: Engine, case: Case, registry: Registry) -> list[Finding]:
    runs = (
        [pipeline.audit(engine, registry, as_of=case.as_of)]
        if case.as_of is not None
        else [pipeline.audit(engine, registry, period=p) for p in case.periods]
    )
    return [
        f
        for run in runs
        for f in run
        if f.rule in case.expect and _subject_matches(case, f.subject.kind.value, f.subject.id)
    ]


def _show_finding(f: Finding) -> Iterator[str]:
    when = f.day.isoformat() if f.day else str(f.period or "")
    yield f"    {f.outcome.value} ({when}): {f.message.en}"
    for fact in f.facts:
        yield f"      fact: {fact}"
    for e in f.evidence:
        yield (
            f"      evidence: {e.parameter} = {e.value} from {e.effective.isoformat()} in "
            f"{e.scope} (plugin {e.plugin} {e.version}; {e.citation.document})"
        )


def _check_rule_ids(case: Case, engine: Engine) -> Iterator[str]:
    """Every rule a case names must be loaded (a misspelt id would otherwise pass as "none");
    an entitlement rule may only be expected to give no amount."""
    kinds = {r.id: r.item.kind for r in engine.rules}
    for rule in sorted({*case.expect, *(a.rule for a in case.amounts)}):
        if rule not in kinds:
            yield f"rule {rule}: no loaded plugin registers a rule with this id"
    for rule, expected in case.expect.items():
        if kinds.get(rule) is RuleKind.ENTITLEMENT and (expected != () or not case.periods):
            yield (
                f"rule {rule}: an entitlement rule gives amounts, not outcomes: list them "
                'under [[case.amounts]], or expect "none" with a period for no amount'
            )
    for rule in sorted({a.rule for a in case.amounts}):
        if rule in kinds and kinds[rule] is not RuleKind.ENTITLEMENT:
            yield f"rule {rule}: not an entitlement rule; expect its outcomes under [case.expect]"


def _check_no_amounts(
    engine: Engine, case: Case, registry: Registry, rules: set[str]
) -> Iterator[str]:
    got = [
        a
        for p in case.periods
        for a in pipeline.entitlements(engine, registry, p)
        if a.rule in rules and _subject_matches(case, a.subject.kind.value, a.subject.id)
    ]
    for rule in sorted(rules):
        actual = [a for a in got if a.rule == rule]
        if actual:
            yield f"rule {rule}: expected no amount; got {len(actual)} amount(s):"
            yield from (_show_amount(a) for a in actual)


def _check_outcomes(
    case: Case, findings: Sequence[Finding], expect: Mapping[str, Outcome | tuple[Outcome, ...]]
) -> Iterator[str]:
    for rule, expected in expect.items():
        got = [f for f in findings if f.rule == rule]
        outcomes = tuple(f.outcome for f in got)
        if isinstance(expected, Outcome):
            ok = bool(outcomes) and all(o is expected for o in outcomes)
            wanted = f"{expected.value} (every finding)"
        else:
            ok = outcomes == expected
            wanted = ", ".join(o.value for o in expected) or _NONE
        if ok:
            continue
        shown = ", ".join(o.value for o in outcomes) or "no finding"
        yield f"rule {rule}: expected {wanted}; got {shown}"
        for f in got:
            yield from _show_finding(f)


def _show_amount(a: Amount) -> str:
    where = " ".join(x for x in (str(a.month or ""), a.payer) if x)
    value = _MISSING if a.amount is None else str(a.amount)
    reason = f" ({a.missing})" if a.missing else ""
    evidence = "; ".join(f"{e.parameter} = {e.value} in {e.scope}" for e in a.evidence)
    return f"    {where} {value}{reason} [{evidence}]"


def _check_amounts(engine: Engine, case: Case, registry: Registry) -> Iterator[str]:
    rules = {e.rule for e in case.amounts}
    got = [
        a
        for p in case.periods
        for a in pipeline.entitlements(engine, registry, p)
        if a.rule in rules and _subject_matches(case, a.subject.kind.value, a.subject.id)
    ]
    for rule in sorted(rules):
        expected = [(e.month, e.payer, e.amount) for e in case.amounts if e.rule == rule]
        actual = [a for a in got if a.rule == rule]
        if [(a.month, a.payer, a.amount) for a in actual] == expected:
            continue
        wanted = ", ".join(e.describe() for e in case.amounts if e.rule == rule)
        yield f"rule {rule}: expected amounts {wanted}; got {len(actual)} amount(s):"
        yield from (_show_amount(a) for a in actual)


def _check_categories(engine: Engine, case: Case, registry: Registry) -> Iterator[str]:
    assert case.as_of is not None
    child = next(c for c in registry.children if c.id == case.subject_id)
    found = {
        m.category: m for m in engine.classify(child, case.as_of, registry.reference).memberships
    }
    for category, expected in case.categories.items():
        m = found.get(category)
        if m is None:
            yield f"category {category}: not a category that applies to this child"
            continue
        if m.member is expected:
            continue
        show = {True: "true", False: "false", None: _UNKNOWN}
        yield f"category {category}: expected {show[expected]}; got {show[m.member]}"
        yield from (f"    fact: {fact}" for fact in m.facts)


def run_case(case: Case, engine: Engine) -> list[str]:
    """Judge one case; return what went wrong, line by line (empty when it passes)."""
    registry, problems = _registry(case)
    if problems:
        return problems
    subjects = {
        "child": [c.id for c in registry.children],
        "worker": [w.id for w in registry.reference.workers],
        "service_point": [p.id for p in registry.reference.service_points],
    }
    if case.subject != "division" and case.subject_id not in subjects[case.subject]:
        return [f"the {case.subject} {case.subject_id} is not in the registry"]
    problems.extend(_check_rule_ids(case, engine))
    if problems:
        return problems
    entitlement = {r.id for r in engine.rules if r.item.kind is RuleKind.ENTITLEMENT}
    compliance = {k: v for k, v in case.expect.items() if k not in entitlement}
    if compliance:
        problems.extend(_check_outcomes(case, _findings(engine, case, registry), compliance))
    if len(compliance) < len(case.expect):
        problems.extend(
            _check_no_amounts(engine, case, registry, set(case.expect) - set(compliance))
        )
    if case.amounts:
        problems.extend(_check_amounts(engine, case, registry))
    if case.categories:
        problems.extend(_check_categories(engine, case, registry))
    return problems
