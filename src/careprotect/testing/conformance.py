"""The plugin conformance suite: what every careprotect plugin must pass.

A plugin author runs it from the plugin's own tests::

    import careprotect_hunan
    from careprotect.testing.conformance import ConformanceSuite

    class TestHunanConformance(ConformanceSuite):
        plugin = careprotect_hunan

Each check is one test method; a failure says which value, rule or category is wrong and why.
:func:`conformance_problems` runs the same checks without pytest and returns the messages.

The checks (docs/plugins/testing.md explains each):

- **schema**: every parameter file the plugin registers conforms to the published schema
  (``docs/schema/parameter-file.schema.json``, :mod:`careprotect.parameter_schema`): every
  unknown key, wrong type and missing key of every file is listed, not only the first, which
  is all the engine reports when it refuses the file;
- **loads**: the plugin loads with the national baseline alone, and together with the other
  plugins (``others``; by default every plugin installed under the ``careprotect`` entry-point
  group): no conflict, no floor lowered, nothing uncited or out of scope;
- **cited**: every value, rule and category of the plugin cites a source with an issuer, a
  title and a verified date (the document number may be empty: none published), and an
  assumed source says in its note which choice was made and why;
- **titles**: every rule and category has a Chinese and an English title and a row in the
  generated catalogue, and every parameter the plugin declares has Chinese and English labels;
- **scope**: every value and registration of the plugin lies within the plugin's scope;
- **amounts** (property test): every amount for subjects in the plugin's scope is at least 0,
  and an amount read from a parameter with a floor in force is at least that floor;
- **deterministic** (property test): the same registry audited twice gives equal findings,
  and so does an engine with the plugins registered in another order;
- **outside** (property test): the plugin's rules give no finding and no amount for a subject
  outside its scope, and no value of the plugin resolves for a division outside it.

The property tests draw registries with :mod:`careprotect.testing`'s strategies (children,
workers and service points in the scope) and a day or a period around the dates the plugin's
values take effect, with 25 examples each, so a plugin's suite runs in seconds.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, TypeAlias

import pluggy
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from careprotect import entitlement_runner, hookspecs, parameter_schema
from careprotect.divisions import PROVINCE_CODES, Division, Level
from careprotect.docgen import catalogue
from careprotect.engine import ENTRY_POINT_GROUP, Engine, Registration
from careprotect.enums import ParentSituationKind
from careprotect.errors import PluginLoadError
from careprotect.faults import FAILED
from careprotect.findings import Finding, Message, Outcome
from careprotect.model import DivisionRecord, ReferenceData, Registry
from careprotect.params import (
    Citation,
    ParameterTable,
    ParameterValue,
    PluginInfo,
    Status,
    Unit,
    read_parameter_data,
    scope_contains,
    scope_label,
)
from careprotect.periods import Period, PeriodKind
from careprotect.rules.entitlements import Amount
from careprotect.testing._codes import divisions
from careprotect.testing._model import children, service_points, workers
from careprotect.testing._template import village_in
from careprotect.testing._time import periods

__all__ = ["CHECKS", "ConformanceSuite", "conformance_problems"]

MAX_EXAMPLES = 25
"""Examples drawn by each property check."""

_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # The first failing example is reported as found: its messages name the rule, subject,
    # division and period, and shrinking a registry takes far longer than finding it.
    phases=[Phase.explicit, Phase.generate],
    database=None,
    verbosity=Verbosity.quiet,
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)
_MONEY = (Unit.YUAN, Unit.YUAN_PER_MONTH)
_DEFAULT_YEARS = (2016, 2030)

When: TypeAlias = dt.date | Period
"""What an audit judges: a day (``as_of``) or a period."""


class _NotCheckedError(Exception):
    """A check that cannot run because the plugin does not load."""


class _PropertyFailedError(AssertionError):
    """A property check found problems with one drawn example."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _describe(exc: BaseException) -> str:
    """A load error's own message; any other exception's type and message."""
    text = str(exc)
    if isinstance(exc, PluginLoadError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _plugin_info(plugin: object) -> PluginInfo | None:
    """What the plugin's ``careprotect_plugin_info`` says, or None if it says nothing usable."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    try:
        manager.register(plugin)
        for impl in manager.hook.careprotect_plugin_info.get_hookimpls():
            if impl.plugin is plugin:
                info = impl.function()
                return info if isinstance(info, PluginInfo) else None
    except Exception:  # a broken plugin: the load check reports it
        return None
    return None


def _parameter_files(plugin: object) -> list[Path] | str:
    """The files the plugin's ``careprotect_parameter_files`` registers, or why they cannot be
    had."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    files: list[Path] = []
    try:
        manager.register(plugin)
        for impl in manager.hook.careprotect_parameter_files.get_hookimpls():
            if impl.plugin is plugin:
                impl.function(register=lambda path: files.append(Path(path)))
    except Exception as exc:  # a broken plugin: the load check reports it too
        return _describe(exc)
    return files


def _installed(exclude: object) -> tuple[list[object], list[str]]:
    """The plugins installed under the ``careprotect`` entry-point group, except ``exclude``
    (the same object, or a plugin of the same name), and the entry points that fail to load."""
    name = getattr(_plugin_info(exclude), "name", None)
    found: list[object] = []
    problems: list[str] = []
    for ep in sorted(
        importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name
    ):
        try:
            loaded = ep.load()
        except Exception as exc:
            problems.append(
                f"loads_together: the installed plugin {ep.name!r} ({ep.value}) cannot be "
                f"imported: {_describe(exc)}"
            )
            continue
        if loaded is exclude or any(loaded is f for f in found):
            continue
        info = _plugin_info(loaded)
        if info is not None and info.name == name:
            continue
        found.append(loaded)
    return found, problems


# -- the plugin under check -------------------------------------------------------------------


class _Subject:
    """A plugin and the plugins to check it with; the engines are built once."""

    def __init__(self, plugin: object, others: Sequence[object] | None) -> None:
        self.plugin = plugin
        self.requested = others

    @cached_property
    def label(self) -> str:
        info = _plugin_info(self.plugin)
        return f"plugin {info}" if info is not None else f"plugin {self.plugin!r}"

    @cached_property
    def _others(self) -> tuple[list[object], list[str]]:
        if self.requested is None:
            return _installed(self.plugin)
        return [p for p in self.requested if p is not self.plugin], []

    @property
    def others(self) -> list[object]:
        """The plugins to load with this one, besides the national baseline."""
        return self._others[0]

    @property
    def other_problems(self) -> list[str]:
        """Installed plugins that cannot be imported."""
        return self._others[1]

    @cached_property
    def _alone(self) -> Engine | str:
        try:
            return Engine([self.plugin])
        except Exception as exc:
            return _describe(exc)

    @cached_property
    def _together(self) -> Engine | str:
        if not self.others:
            return self.engine_alone
        try:
            return Engine([self.plugin, *self.others])
        except Exception as exc:
            return _describe(exc)

    @property
    def engine_alone(self) -> Engine:
        """The national baseline and the plugin; raises _NotCheckedError if it does not load."""
        if isinstance(self._alone, str):
            raise _NotCheckedError(f"{self.label} does not load: {self._alone}")
        return self._alone

    @property
    def loads_alone(self) -> bool:
        return isinstance(self._alone, Engine)

    @property
    def together_loads(self) -> bool:
        """Whether the plugin loads with the others (raises _NotCheckedError if it does not
        load alone)."""
        return isinstance(self.engine_alone, Engine) and isinstance(self._together, Engine)

    @property
    def engine(self) -> Engine:
        """The plugin with the others when they load together, else with the baseline alone
        (the load check reports the conflict)."""
        if self.together_loads:
            assert isinstance(self._together, Engine)
            return self._together
        return self.engine_alone

    @cached_property
    def reordered(self) -> Engine:
        """The same plugins as :attr:`engine`, registered in another order: the others
        reversed, then the plugin, then the national baseline."""
        from careprotect import national

        others = list(reversed(self.others)) if self.together_loads else []
        return Engine([*others, self.plugin, national], national=False)

    @cached_property
    def info(self) -> PluginInfo:
        """The plugin's info as the engine loaded it."""
        from careprotect import national

        [info] = [p for p in self.engine_alone.plugins if p.name != national.NAME]
        return info

    def mine(self, registered: Registration) -> bool:
        return registered.plugin.name == self.info.name

    @property
    def registered(self) -> list[tuple[str, Registration]]:
        """The plugin's categories and rules, as ``("category" | "rule", registered)``."""
        engine = self.engine
        return [("category", c) for c in engine.categories if self.mine(c)] + [
            ("rule", r) for r in engine.rules if self.mine(r)
        ]

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(r.id for kind, r in self.registered if kind == "rule")

    @property
    def values(self) -> list[ParameterValue]:
        """The parameter values the plugin contributes."""
        return [v for v in self.engine.parameters.values() if v.plugin.name == self.info.name]

    @cached_property
    def years(self) -> st.SearchStrategy[int]:
        """Years to draw days and periods from: those in which the plugin's values take
        effect (and the next), or any year of 2016 to 2030."""
        chosen = sorted({y for v in self.values for y in (v.effective.year, v.effective.year + 1)})
        spread = st.integers(*_DEFAULT_YEARS)
        return st.sampled_from(chosen) | spread if chosen else spread


# -- strategies ------------------------------------------------------------------------------


def _sibling(division: Division) -> Division:
    """Another division of the same level under the same parent."""
    parent = division.parent
    assert parent is not None
    segment = division.code[len(parent.code) :]
    other = str(1 if int(segment) != 1 else 2).zfill(len(segment))
    return Division(parent.code + other)


def _outside_divisions(scope: Division) -> tuple[Division, ...]:
    """Divisions just outside ``scope``: another province, a sibling of the scope and of each
    of its ancestors below the province, and a village in each of them."""
    province = scope.province
    other = next(Division(code) for code in sorted(PROVINCE_CODES) if code != province.code)
    tops = [other, *(_sibling(d) for d in [*scope.ancestors, scope] if d.level > Level.PROVINCE)]
    found: list[Division] = []
    for top in tops:
        found += [top, village_in(top)]
    return tuple(dict.fromkeys(found))


def _periods(years: st.SearchStrategy[int]) -> st.SearchStrategy[Period]:
    """Months, quarters and years of ``years`` (entitlements refuse weeks)."""
    kinds = st.sampled_from([PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR])
    return st.tuples(kinds, years).flatmap(lambda ky: periods(ky[0], ky[1], ky[1]))


def _whens(years: st.SearchStrategy[int]) -> st.SearchStrategy[When]:
    """A day of ``years`` (an audit ``as_of``) or a month, quarter or year of them."""
    days = years.flatmap(lambda y: st.dates(dt.date(y, 1, 1), dt.date(y, 12, 31)))
    return days | _periods(years)


@st.composite
def _registries(
    draw: st.DrawFn, places: st.SearchStrategy[list[Division | None]], day: dt.date
) -> Registry:
    """A small registry whose subjects lie within the divisions drawn from ``places`` (each
    listed as a division record); children are often of an age (on ``day``) and in parent
    situations that put them in categories."""
    bases = draw(places)
    where = st.sampled_from(bases)
    records: dict[Division, DivisionRecord] = {}
    for base in bases:
        if base is not None:
            records[base] = DivisionRecord(code=base, name=f"({base})")
    n_children = draw(st.integers(1, 3))
    child_ids = [f"C{i:05d}" for i in range(1, n_children + 1)]
    worker_ids = [f"W{i:04d}" for i in range(1, draw(st.integers(0, 2)) + 1)]
    point_ids = [f"P{i:04d}" for i in range(1, draw(st.integers(0, 2)) + 1)]
    staff = tuple(draw(workers(draw(where), worker_id=w)) for w in worker_ids)
    points = tuple(
        draw(service_points(draw(where), point_id=p, director_ids=worker_ids, child_ids=child_ids))
        for p in point_ids
    )
    kinds = st.none() | st.lists(st.sampled_from(ParentSituationKind), min_size=1, max_size=2)
    kids = tuple(
        draw(
            children(
                draw(where),
                age_on=draw(st.none() | st.integers(0, 17).map(lambda a: (day, a))),
                parent_situations=draw(kinds),
                max_facts=2,
                child_id=c,
                worker_ids=worker_ids,
                service_point_ids=point_ids,
            )
        )
        for c in child_ids
    )
    reference = ReferenceData(
        divisions=tuple(records.values()), workers=staff, service_points=points
    )
    return Registry(reference=reference, children=kids)


def _day(when: When) -> dt.date:
    return when if isinstance(when, dt.date) else when.start


def _cases(
    years: st.SearchStrategy[int],
    places: st.SearchStrategy[list[Division | None]],
    when: Callable[[st.SearchStrategy[int]], st.SearchStrategy[Any]],
) -> st.SearchStrategy[tuple[Any, Registry]]:
    return when(years).flatmap(lambda w: st.tuples(st.just(w), _registries(places, _day(w))))


def _run_property(
    check: str,
    cases: st.SearchStrategy[tuple[Any, Registry]],
    examine: Callable[[Any, Registry], list[str]],
) -> list[str]:
    """Run ``examine`` over drawn cases; the problems of the first failing case, if any."""

    @_SETTINGS
    @given(cases)
    def run(case: tuple[Any, Registry]) -> None:
        when, registry = case
        problems = examine(when, registry)
        if problems:
            raise _PropertyFailedError(problems)

    try:
        run()
    except _PropertyFailedError as exc:
        return exc.problems
    except ExceptionGroup as group:  # hypothesis's FlakyFailure: it failed, then passed
        failed = [e for e in _leaves(group) if isinstance(e, _PropertyFailedError)]
        if not failed:
            return [f"{check}: the property test could not run: {_describe(group)}"]
        return [
            *failed[0].problems,
            f"{check}: this example failed once and passed when it was run again: a rule "
            "does not give the same answer for the same input",
        ]
    except Exception as exc:
        return [f"{check}: the property test could not run: {_describe(exc)}"]
    return []


def _leaves(group: BaseExceptionGroup[Any]) -> Iterator[BaseException]:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


def _culprit(exc: BaseException, engine: Engine) -> str:
    """``rule 'x' raised ...``: the innermost registered rule or category in whose code
    ``exc`` arose (``the engine`` when none)."""
    if isinstance(exc, _RuleFailedError):
        return str(exc)
    items = {id(r.item): f"rule {r.id!r}" for r in engine.rules}
    items.update({id(c.item): f"category {c.id!r}" for c in engine.categories})
    tb = exc.__traceback__
    culprit = "the engine"
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        culprit = items.get(id(owner), culprit)
        tb = tb.tb_next
    return f"{culprit} raised {_describe(exc)}"


class _RuleFailedError(Exception):
    """An audit gave an error finding: a rule failed for a subject (the audit went on)."""


def _audit(engine: Engine, registry: Registry, when: When) -> list[Finding]:
    """The findings of an audit; raises _RuleFailedError at its first error finding."""
    if isinstance(when, Period):
        findings = list(engine.audit(registry, period=when))
    else:
        findings = list(engine.audit(registry, as_of=when))
    failed = next((f for f in findings if f.outcome is Outcome.ERROR), None)
    if failed is not None:
        what = failed.message.en.removeprefix(FAILED.en.partition("{")[0])
        raise _RuleFailedError(f"rule {failed.rule!r} raised {what}")
    return findings


def _when_text(when: When) -> str:
    return f"as of {when.isoformat()}" if isinstance(when, dt.date) else f"over {when}"


# -- the checks ------------------------------------------------------------------------------


def _check_schema(s: _Subject) -> list[str]:
    files = _parameter_files(s.plugin)
    if isinstance(files, str):
        return [f"schema: the parameter files of {s.label} cannot be listed: {files}"]
    info = _plugin_info(s.plugin)
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


def _check_loads_alone(s: _Subject) -> list[str]:
    if s.loads_alone:
        return []
    return [f"loads: {s.label} does not load with the national baseline: {s._alone}"]


def _check_loads_together(s: _Subject) -> list[str]:
    problems = list(s.other_problems)
    if not s.together_loads:
        names = ", ".join(
            str(info) if (info := _plugin_info(p)) is not None else repr(p) for p in s.others
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


def _check_cited(s: _Subject) -> list[str]:
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


def _check_titles(s: _Subject) -> list[str]:
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


def _check_scope(s: _Subject) -> list[str]:
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
        if e.unit not in _MONEY:
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


def _check_amounts(s: _Subject) -> list[str]:
    engine = s.engine

    def examine(period: Period, registry: Registry) -> list[str]:
        try:
            amounts = list(engine.entitlements(registry, period))
        except Exception as exc:
            return [f"amounts: over {period}, {_culprit(exc, engine)}"]
        failed = next((a for a in amounts if a.failed), None)
        if failed is not None:
            what = failed.missing.removeprefix(entitlement_runner.FAILED)
            return [f"amounts: over {period}, rule {failed.rule!r} raised {what}"]
        return [p for a in amounts for p in _amount_problems(engine, a)]

    return _run_property("amounts", _cases(s.years, st.just([s.info.scope]), _periods), examine)


def _differing(first: Iterable[Finding], second: Iterable[Finding]) -> list[str]:
    """The rules whose findings differ between two runs."""
    by_rule: dict[str, tuple[list[Finding], list[Finding]]] = {}
    for index, run in enumerate((first, second)):
        for f in run:
            by_rule.setdefault(f.rule, ([], []))[index].append(f)
    return sorted(rule for rule, (a, b) in by_rule.items() if a != b)


def _check_deterministic(s: _Subject) -> list[str]:
    engine, reordered = s.engine, s.reordered
    order = "the others reversed, then the plugin, then the national baseline"

    def examine(when: When, registry: Registry) -> list[str]:
        try:
            first = _audit(engine, registry, when)
            again = _audit(engine, registry, when)
            other = _audit(reordered, registry, when)
        except Exception as exc:
            return [f"deterministic: auditing {_when_text(when)}, {_culprit(exc, engine)}"]
        problems = [
            f"deterministic: rule {rule!r} gives different findings when the same registry is "
            f"audited twice {_when_text(when)}"
            for rule in _differing(first, again)
        ]
        problems += [
            f"deterministic: rule {rule!r} gives different findings {_when_text(when)} when "
            f"the plugins are registered in another order ({order})"
            for rule in _differing(first, other)
        ]
        if isinstance(when, Period):
            amounts = list(engine.entitlements(registry, when))
            if amounts != list(reordered.entitlements(registry, when)):
                problems.append(
                    f"deterministic: the amounts over {when} change when the plugins are "
                    f"registered in another order ({order})"
                )
        return problems

    return _run_property("deterministic", _cases(s.years, st.just([s.info.scope]), _whens), examine)


def _check_outside(s: _Subject) -> list[str]:
    scope = s.info.scope
    if scope is None:
        return []
    engine, name, mine = s.engine, s.info.name, s.rule_ids
    probes = _outside_divisions(scope)
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
            found = _audit(engine, registry, when)
            amounts = list(engine.entitlements(registry, when)) if isinstance(when, Period) else []
        except Exception as exc:
            return [f"outside: auditing {_when_text(when)}, {_culprit(exc, engine)}"]
        out = []
        for f in found:
            what = f"a finding about {f.subject.kind.value} {f.subject.id} {_when_text(when)}"
            out += leaks(what, f.rule, f.division, f.evidence)
        for a in amounts:
            what = f"an amount for {a.subject.kind.value} {a.subject.id} over {when}"
            out += leaks(what, a.rule, a.division, a.evidence)
        return list(dict.fromkeys(out))

    return problems + _run_property("outside", _cases(s.years, both, _whens), examine)


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

_FUNCTIONS: dict[str, Callable[[_Subject], list[str]]] = {
    "loads": _check_loads_alone,
    "schema": _check_schema,
    "loads_together": _check_loads_together,
    "cited": _check_cited,
    "titles": _check_titles,
    "scope": _check_scope,
    "amounts": _check_amounts,
    "deterministic": _check_deterministic,
    "outside": _check_outside,
}


def _run(check: str, subject: _Subject) -> list[str]:
    try:
        return _FUNCTIONS[check](subject)
    except _NotCheckedError as exc:
        return [f"{check}: not checked: {exc}"]


def conformance_problems(
    plugin: object, others: Sequence[object] | None = None, *, checks: Iterable[str] | None = None
) -> list[str]:
    """Every conformance problem of ``plugin``, one message each; empty when it conforms.

    :param plugin: the plugin object (a module or an instance implementing the hooks).
    :param others: the plugins to check it with besides the national baseline; None means
        every plugin installed under the ``careprotect`` entry-point group, except the plugin
        itself (the same object or a plugin of the same name).
    :param checks: names from :data:`CHECKS` to run (default: all, in order).

    Each message starts with the check's name (``loads: ...``, ``amounts: ...``) and says
    which value, rule or category is wrong and why. A plugin that does not load with the
    national baseline gets that problem and the problems of its parameter files against the
    schema (every one, where loading names the first): nothing else can be checked.
    """
    names = [name for name, _ in CHECKS] if checks is None else list(checks)
    unknown = [n for n in names if n not in _FUNCTIONS]
    if unknown:
        raise ValueError(
            f"unknown check(s) {', '.join(map(repr, unknown))}; expected some of "
            f"{', '.join(_FUNCTIONS)}"
        )
    subject = _Subject(plugin, others)
    alone = _check_loads_alone(subject)
    if alone:
        return alone + (_check_schema(subject) if "schema" in names else [])
    return [p for name in names for p in _run(name, subject)]


# -- the pytest form ---------------------------------------------------------------------------


def _fail_on(problems: list[str]) -> None:
    if problems:
        raise AssertionError("\n".join(problems))


class ConformanceSuite:
    """Subclass it in a test module, set ``plugin``, and pytest runs every check.

    ``plugin`` is the plugin object (a module or an instance implementing the hooks);
    ``others``, the plugins to check it with besides the national baseline (None, the
    default: every plugin installed under the ``careprotect`` entry-point group except this
    one). Each ``test_*`` method is one check of :data:`CHECKS`; a failure lists the problems
    as :func:`conformance_problems` words them. The base class itself is not collected.
    """

    plugin: object
    others: Sequence[object] | None = None

    @classmethod
    def _conformance_subject(cls) -> _Subject:
        plugin = getattr(cls, "plugin", None)
        if plugin is None:
            raise AssertionError(
                f"{cls.__name__} must set 'plugin' to the plugin object under test"
            )
        cached = cls.__dict__.get("_conformance_cache")
        if not (
            isinstance(cached, _Subject)
            and cached.plugin is plugin
            and cached.requested is cls.others
        ):
            cached = _Subject(plugin, cls.others)
            cls._conformance_cache = cached  # type: ignore[attr-defined]
        return cached

    def _check(self, name: str) -> None:
        _fail_on(_run(name, self._conformance_subject()))

    def test_loads_with_the_national_baseline(self) -> None:
        """The plugin loads with the national baseline: no value below a national floor,
        nothing uncited, nothing outside its scope, no bad parameter file."""
        self._check("loads")

    def test_parameter_files_conform_to_the_schema(self) -> None:
        """Every parameter file the plugin registers conforms to the published schema
        (docs/schema/parameter-file.schema.json): no unknown key, no key of the wrong type,
        no required key missing; every problem of every file is listed."""
        self._check("schema")

    def test_loads_with_the_other_plugins(self) -> None:
        """The plugin loads together with ``others`` (by default every installed plugin): no
        two values with the same parameter, scope and date, no floor of one lowered by another."""
        self._check("loads_together")

    def test_everything_is_cited(self) -> None:
        """Every value, rule and category cites a citation with an issuer, a title and a
        verified date; an assumed one has a note."""
        self._check("cited")

    def test_titles_and_catalogue(self) -> None:
        """Every rule and category has Chinese and English titles and a row in the generated
        catalogue; every declared parameter has Chinese and English labels."""
        self._check("titles")

    def test_everything_within_scope(self) -> None:
        """Every value and every registered rule and category lies within the plugin's scope."""
        self._check("scope")

    def test_amounts_never_negative_or_below_a_floor(self) -> None:
        """Property: amounts for subjects in the plugin's scope are at least 0 and at least
        every floor in force of a parameter they are read from."""
        self._check("amounts")

    def test_rules_are_deterministic(self) -> None:
        """Property: the same registry audited twice gives equal findings, and so does an
        engine with the plugins registered in another order."""
        self._check("deterministic")

    def test_nothing_outside_the_scope(self) -> None:
        """Property: no finding or amount of the plugin's rules, and no value of the plugin,
        for a subject or a division outside its scope."""
        self._check("outside")
