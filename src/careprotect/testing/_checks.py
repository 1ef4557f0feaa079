"""The conformance checks, one function each, and :data:`CHECKS`, their names and summaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from hypothesis import strategies as st

from careprotect import entitlement_runner, parameter_schema, pipeline
from careprotect.divisions import Division, Level
from careprotect.docgen import catalogue
from careprotect.engine import Engine
from careprotect.errors import PluginLoadError
from careprotect.findings import Finding, Message
from careprotect.model import Registry
from careprotect.params import (
    Citation,
    ParameterTable,
    ParameterValue,
    Status,
    Unit,
    read_parameter_data,
    scope_contains,
    scope_label,
)
from careprotect.periods import Period
from careprotect.rules.entitlements import Amount
from careprotect.testing._properties import (
    audit_findings,
    culprit_of,
    outside_divisions,
    periods_in,
    property_cases,
    run_property,
    when_text,
    whens_in,
)
from careprotect.testing._subject import (
    MONEY,
    NotCheckedError,
    Subject,
    When,
    parameter_files_of,
    plugin_info_of,
)
from careprotect.testing.strategies import divisions

# -- the checks ------------------------------------------------------------------------------


def check_schema(s: Subject) -> list[str]:
    files = parameter_files_of(s.plugin)
    if isinstance(files, str):
        return [f"schema: the parameter files of {s.label} cannot be listed: {files}"]
    info = plugin_info_of(s.plugin)
    name = info.name if info is not None else repr(s.plugin)
    problems = []
    for path in files:
        where = f"{path.name} of plugin {name}"
        try:
            data = read_parameter_data(path, where)
        except PluginLoadError as exc:
            problems.append(f"schema: {exc}")
            continue
        problems += [f"schema: {where}: {p}" for p in parameter_schema.problems(data)]
    return problems


def check_loads_alone(s: Subject) -> list[str]:
    if s.loads_alone:
        return []
    return [f"loads: {s.label} does not load with the national baseline: {s._alone}"]


def _check_loads_together(s: Subject) -> list[str]:
    problems = list(s.other_problems)
    if not s.together_loads:
        names = ", ".join(
            str(info) if (info := plugin_info_of(p)) is not None else repr(p) for p in s.others
        )
        problems.append(
            f"loads_together: {s.label} does not load together with {names}: {s._together}"
        )
    return problems


def _citation_problems(citation: Citation) -> list[str]:
    # An empty document is allowed: no number is published (shown as NO_NUMBER).
    lacking = [f for f in ("issuer", "title") if not str(getattr(citation, f)).strip()]
    if citation.verified is None:
        lacking.append("verified date")
    problems = [f"has no {', '.join(lacking)}"] if lacking else []
    if citation.status is Status.ASSUMED and not citation.note.strip():
        problems.append("is assumed but has no note saying which choice was made and why")
    if citation.date and citation.verified and citation.verified < citation.date:
        problems.append(
            f"was verified on {citation.verified.isoformat()}, before it was issued on "
            f"{citation.date.isoformat()}"
        )
    return problems


def _check_cited(s: Subject) -> list[str]:
    users: dict[str, tuple[Citation, list[str]]] = {}
    for v in s.values:
        what = f"value {v.parameter} = {v.value} in {scope_label(v.scope)} from {v.effective}"
        users.setdefault(v.citation.key, (v.citation, []))[1].append(what)
    for kind, r in s.registered:
        for c in r.citations:
            users.setdefault(c.key, (c, []))[1].append(f"{kind} {r.id!r}")
    problems = []
    for key, (citation, used_by) in sorted(users.items()):
        more = f" and {len(used_by) - 1} more" if len(used_by) > 1 else ""
        for problem in _citation_problems(citation):
            problems.append(f"cited: citation {key!r} (cited by {used_by[0]}{more}) {problem}")
    return problems


def _check_titles(s: Subject) -> list[str]:
    problems = []
    text = catalogue(s.engine)
    for kind, r in s.registered:
        title = getattr(r.item, "title", None)
        if not isinstance(title, Message):
            problems.append(f"titles: {kind} {r.id!r} has no title (a Message; got {title!r})")
            continue
        for language, value in (("Chinese", title.zh), ("English", title.en)):
            if not isinstance(value, str) or not value.strip():
                problems.append(f"titles: {kind} {r.id!r} has an empty {language} title")
        if not r.id or r.id != r.id.strip() or any(c.isspace() for c in r.id):
            problems.append(f"titles: {kind} id {r.id!r} must be non-empty with no spaces")
        elif f"| `{r.id}` |" not in text:
            problems.append(
                f"titles: {kind} {r.id!r} has no row of its own in the generated catalogue "
                "(docs/reference/catalogue.md); an id must not contain '|' or '`'"
            )
    for name, spec in sorted(s.engine.parameters.specs.items()):
        if spec.plugin.name != s.info.name:
            continue
        for language, value in (("Chinese", spec.zh), ("English", spec.en)):
            if not str(value).strip():
                problems.append(f"titles: parameter {name!r} has an empty {language} label")
    return problems


def _check_scope(s: Subject) -> list[str]:
    scope = s.info.scope
    where = scope_label(scope)
    problems = [
        f"scope: value {v.parameter} from {v.effective} has scope {scope_label(v.scope)}, "
        f"outside the plugin's scope {where}"
        for v in s.values
        if not scope_contains(scope, v.scope)
    ]
    problems += [
        f"scope: {kind} {r.id!r} is registered for {scope_label(r.scope)}, outside the "
        f"plugin's scope {where}"
        for kind, r in s.registered
        if not scope_contains(scope, r.scope)
    ]
    return problems


def _floors(table: ParameterTable, name: str, division: Division, day: dt.date) -> list[Any]:
    """The floor values of ``name`` in force for ``division`` on ``day``, one per scope."""
    latest: dict[Division | None, ParameterValue] = {}
    for v in table.values(name):
        if v.effective <= day and scope_contains(v.scope, division):
            latest[v.scope] = v
    return [v for v in latest.values() if v.floor]


def _read_from(amount: Amount) -> Iterator[Any]:
    """The evidence an amount is read from: for an unsplit monthly amount, every monthly
    money parameter it used; otherwise the money parameters whose value equals it."""
    for e in amount.evidence:
        if e.unit not in MONEY:
            continue
        monthly = amount.month is not None and not amount.payer
        if (monthly and e.unit is Unit.YUAN_PER_MONTH) or e.value == amount.amount:
            yield e


def _amount_problems(engine: Engine, a: Amount) -> list[str]:
    whose = f"rule {a.rule!r} for {a.subject.kind.value} {a.subject.id} in {a.division}"
    when = f" for {a.month}" if a.month is not None else ""
    if a.amount is None:
        return []
    if a.amount < 0:
        return [f"amounts: {whose}{when} gives {a.amount}, a negative amount"]
    day = a.day or (a.month.start if a.month is not None else None)
    if day is None:
        return []
    problems = []
    for e in _read_from(a):
        for floor in _floors(engine.parameters, e.parameter, a.division, day):
            if a.amount < floor.value:
                problems.append(
                    f"amounts: {whose}{when} gives {a.amount}, below the floor in force on "
                    f"{day.isoformat()}: {floor.describe()}"
                )
    return problems


def _check_amounts(s: Subject) -> list[str]:
    engine = s.engine

    def examine(period: Period, registry: Registry) -> list[str]:
        try:
            amounts = list(pipeline.entitlements(engine, registry, period))
        except Exception as exc:
            return [f"amounts: over {period}, {culprit_of(exc, engine)}"]
        failed = next((a for a in amounts if a.failed), None)
        if failed is not None:
            what = failed.missing.removeprefix(entitlement_runner.FAILED)
            return [f"amounts: over {period}, rule {failed.rule!r} raised {what}"]
        return [p for a in amounts for p in _amount_problems(engine, a)]

    return run_property(
        "amounts", property_cases(s.years, st.just([s.info.scope]), periods_in), examine
    )


def _differing(first: Iterable[Finding], second: Iterable[Finding]) -> list[str]:
    """The rules whose findings differ between two runs."""
    by_rule: dict[str, tuple[list[Finding], list[Finding]]] = {}
    for index, run in enumerate((first, second)):
        for f in run:
            by_rule.setdefault(f.rule, ([], []))[index].append(f)
    return sorted(rule for rule, (a, b) in by_rule.items() if a != b)


def _check_deterministic(s: Subject) -> list[str]:
    engine, reordered = s.engine, s.reordered
    order = "the others reversed, then the plugin, then the national baseline"

    def examine(when: When, registry: Registry) -> list[str]:
        try:
            first = audit_findings(engine, registry, when)
            again = audit_findings(engine, registry, when)
            other = audit_findings(reordered, registry, when)
        except Exception as exc:
            return [f"deterministic: auditing {when_text(when)}, {culprit_of(exc, engine)}"]
        problems = [
            f"deterministic: rule {rule!r} gives different findings when the same registry is "
            f"audited twice {when_text(when)}"
            for rule in _differing(first, again)
        ]
        problems += [
            f"deterministic: rule {rule!r} gives different findings {when_text(when)} when "
            f"the plugins are registered in another order ({order})"
            for rule in _differing(first, other)
        ]
        if isinstance(when, Period):
            amounts = list(pipeline.entitlements(engine, registry, when))
            if amounts != list(pipeline.entitlements(reordered, registry, when)):
                problems.append(
                    f"deterministic: the amounts over {when} change when the plugins are "
                    f"registered in another order ({order})"
                )
        return problems

    return run_property(
        "deterministic", property_cases(s.years, st.just([s.info.scope]), whens_in), examine
    )


def _check_outside(s: Subject) -> list[str]:
    scope = s.info.scope
    if scope is None:
        return []
    engine, name, mine = s.engine, s.info.name, s.rule_ids
    probes = outside_divisions(scope)
    problems = []
    for v in s.values:
        for division in probes:
            found = engine.parameters.find(v.parameter, division, v.effective)
            if found is not None and found.evidence.plugin == name:
                problems.append(
                    f"outside: {v.parameter} resolves to the plugin's value {found.value} for "
                    f"{division} on {v.effective.isoformat()}, outside its scope {scope}"
                )
    outside = st.sampled_from(probes) | divisions(Level.COUNTY).filter(
        lambda d: not scope.contains(d)
    )
    both: st.SearchStrategy[list[Division | None]] = outside.map(lambda d: [scope, d])

    def leaks(what: str, rule: str, division: Division, evidence: Iterable[Any]) -> list[str]:
        out = []
        if rule in mine and not scope.contains(division):
            out.append(f"outside: rule {rule!r} gives {what} in {division}, outside {scope}")
        for e in evidence:
            if e.plugin == name and not scope.contains(division):
                out.append(
                    f"outside: rule {rule!r} uses the plugin's value of {e.parameter} for "
                    f"{what} in {division}, outside {scope}"
                )
        return out

    def examine(when: When, registry: Registry) -> list[str]:
        try:
            found = audit_findings(engine, registry, when)
            amounts = (
                list(pipeline.entitlements(engine, registry, when))
                if isinstance(when, Period)
                else []
            )
        except Exception as exc:
            return [f"outside: auditing {when_text(when)}, {culprit_of(exc, engine)}"]
        out = []
        for f in found:
            what = f"a finding about {f.subject.kind.value} {f.subject.id} {when_text(when)}"
            out += leaks(what, f.rule, f.division, f.evidence)
        for a in amounts:
            what = f"an amount for {a.subject.kind.value} {a.subject.id} over {when}"
            out += leaks(what, a.rule, a.division, a.evidence)
        return list(dict.fromkeys(out))

    return problems + run_property("outside", property_cases(s.years, both, whens_in), examine)


CHECKS: tuple[tuple[str, str], ...] = (
    ("loads", "loads with the national baseline alone"),
    ("schema", "every parameter file conforms to the published schema"),
    ("loads_together", "loads together with the other plugins"),
    ("cited", "every value, rule and category cites a complete citation"),
    ("titles", "titles in Chinese and English, and a row in the catalogue"),
    ("scope", "every value and registration within the plugin's scope"),
    ("amounts", "amounts never negative, never below a floor in force"),
    ("deterministic", "same findings twice, and in another plugin order"),
    ("outside", "no finding, amount or value outside the plugin's scope"),
)
"""The checks, in the order they run: name and what each checks."""

FUNCTIONS: dict[str, Callable[[Subject], list[str]]] = {
    "loads": check_loads_alone,
    "schema": check_schema,
    "loads_together": _check_loads_together,
    "cited": _check_cited,
    "titles": _check_titles,
    "scope": _check_scope,
    "amounts": _check_amounts,
    "deterministic": _check_deterministic,
    "outside": _check_outside,
}


def run_check(check: str, subject: Subject) -> list[str]:
    try:
        return FUNCTIONS[check](subject)
    except NotCheckedError as exc:
        return [f"{check}: not checked: {exc}"]
