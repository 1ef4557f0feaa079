"""The engine: plugins loaded and checked, parameters resolved, rules evaluated.

An :class:`Engine` is built from an explicit list of plugins (the national baseline is added
first unless ``national=False``) or from the ``careprotect`` entry-point group with an
allowlist. Building it loads every parameter file and registration and checks them all:
conflicts, floors, citations, scopes. Nothing is loaded when careprotect is imported.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

import attrs
import pluggy

from careprotect import hookspecs
from careprotect.divisions import Division
from careprotect.errors import InvalidValueError, PluginError, PluginLoadError
from careprotect.faults import (
    category_problem,
    exception_text,
    failed,
    failure,
    not_a_finding,
    plugin_name,
    rule_problem,
    type_name,
)
from careprotect.findings import Finding, Outcome, SubjectKind, Summary
from careprotect.io import RegistryStream
from careprotect.masking import scrub
from careprotect.model import Child, ReferenceData, Registry
from careprotect.params import (
    Citation,
    ParameterSpec,
    ParameterTable,
    ParameterValue,
    PluginInfo,
    Scope,
    Status,
    coerce_values,
    load_parameter_file,
    scope_contains,
    scope_label,
)
from careprotect.periods import Period
from careprotect.rules.base import Membership, RuleContext, RuleKind, revealed
from careprotect.rules.checks import check_rules

if TYPE_CHECKING:
    from careprotect.planning import WorkerPlan
    from careprotect.rules.entitlements import Amount
    from careprotect.rulestates import RuleStatus

__all__ = ["Audit", "Chunk", "Classification", "Engine", "Registration", "Rendered"]

# At most this many divisions' applicable rules are kept by an audit at a time.
_DIVISION_CACHE_SIZE = 1024

ENTRY_POINT_GROUP = "careprotect"


@attrs.frozen
class Registration:
    """A category or rule as registered: by which plugin, for which scope, with which
    citations (resolved from the plugin's parameter files)."""

    item: Any
    plugin: PluginInfo
    scope: Scope
    citations: tuple[Citation, ...]

    @property
    def id(self) -> str:
        """The category's or rule's id."""
        return str(self.item.id)

    def applies_to(self, division: Division) -> bool:
        """Whether ``division`` lies within the registration's scope."""
        return scope_contains(self.scope, division)


@attrs.frozen
class Classification:
    """The categories of a child on a day, each with its reasons. ``child`` is the child's id
    as given; its ``repr`` masks it when it could be an ID number."""

    child: str = attrs.field(repr=lambda child: repr(scrub(child)))
    day: dt.date
    memberships: tuple[Membership, ...]

    @property
    def categories(self) -> tuple[str, ...]:
        """The ids of the categories the child is in."""
        return tuple(m.category for m in self.memberships if m.member)

    @property
    def undecided(self) -> tuple[str, ...]:
        """The ids of the categories the input cannot decide (missing input)."""
        return tuple(m.category for m in self.memberships if m.member is None)


def _sources(
    source: Registry | RegistryStream, *, read: bool = True
) -> tuple[ReferenceData, Iterable[Child]]:
    """The reference data and the children (none when ``read`` is false: the stream is left
    unread for a parallel audit)."""
    if isinstance(source, Registry):
        return source.reference, source.children
    return source.reference, source.children(defer_contacts=True) if read else ()


Evaluation = tuple[Callable[..., Iterable[Finding]], RuleContext, str]
"""A compliance rule as its ``evaluate``, its RuleContext and its id."""
Evaluations = Callable[[Division], list[Evaluation]]
"""The compliance rules in scope of a division."""


def _applicable(rules: list[Registration], envs: Mapping[str, RuleContext]) -> Evaluations:
    """The rules of ``rules`` whose scope holds a division, with their Envs, found once per
    division (a village's children share it)."""
    cache: dict[Division, list[Evaluation]] = {}

    def evaluations(division: Division) -> list[Evaluation]:
        found = cache.get(division)
        if found is None:
            if len(cache) >= _DIVISION_CACHE_SIZE:
                cache.clear()
            found = cache[division] = [
                (r.item.evaluate, envs[r.id], r.id) for r in rules if r.applies_to(division)
            ]
        return found

    return evaluations


def judged(item: Any, evaluations: Evaluations, reveal: bool) -> list[Finding]:
    """The findings of the rules in scope of ``item``'s division (``item`` itself for a
    division) about ``item``, with its subject unmasked when ``reveal``.

    A rule that raises (an ``Exception``), or gives something that is not a Finding, gives
    instead of its findings about ``item`` one finding with outcome error
    (:func:`careprotect.faults.failed`); the other rules are not affected. Every executor
    judges a subject here, so a parallel audit contains faults as a serial one does."""
    division = item if isinstance(item, Division) else item.division
    found: list[Finding] = []
    for evaluate, env, rule in evaluations(division):
        start = len(found)
        try:
            found.extend(evaluate(item, env))
        except Exception as exc:
            del found[start:]
            found.append(_failed(rule, item, env, failure(exc, reveal=reveal), reveal))
            continue
        for finding in found[start:]:
            if finding.__class__ is not Finding and not isinstance(finding, Finding):
                del found[start:]
                found.append(_failed(rule, item, env, not_a_finding(finding), reveal))
                break
    if reveal:
        return [revealed(finding, item) for finding in found]
    return found


def _failed(rule: str, item: Any, env: RuleContext, what: str, reveal: bool) -> Finding:
    return failed(
        rule,
        item,
        what,
        citations=env.citations,
        as_of=env.as_of,
        period=env.period,
        reveal=reveal,
    )


T = TypeVar("T")


class Rendered(NamedTuple, Generic[T]):
    """What :meth:`Audit.rendered` yields for a finding: what it is counted under (its rule,
    outcome and division, and the status it rests on) and what the render function made of
    it."""

    rule: str
    outcome: Outcome
    division: Division
    value: T
    rests_on: Status


def rendered(findings: Iterable[Finding], render: Callable[[Finding], T]) -> Iterator[Rendered[T]]:
    """Each of ``findings`` as :class:`Rendered` by ``render``."""
    for f in findings:
        yield Rendered(f.rule, f.outcome, f.division, render(f), f.rests_on)


CountKey = tuple[str, Outcome, Division, Status]
"""What a finding is counted under: its rule, outcome and division, and the status it rests
on (:attr:`Finding.rests_on`)."""


class Chunk(NamedTuple):
    """What :meth:`Audit.chunks` yields for a run of consecutive findings: their texts
    joined, in order, and how many of them there are under each rule, outcome, division and
    status rested on (only those with at least one)."""

    text: bytes
    counts: dict[CountKey, int]

    @classmethod
    def of(cls, text: bytes, keys: Sequence[CountKey], counts: Sequence[int]) -> Chunk:
        """The chunk of ``text`` with ``counts[i]`` findings under ``keys[i]``."""
        return cls(text, {key: n for key, n in zip(keys, counts, strict=True) if n})


CHUNK_TEXT = 1 << 20
"""About how many bytes of text a chunk of a serial audit holds (at least one subject's)."""


class Joiner:
    """Joins the rendered texts of findings, subject by subject, and counts the findings
    under their rule, outcome and division. :meth:`add` tells where a subject's text ends
    and under which keys (places in :attr:`keys`) its findings are counted, so that a
    subject can be taken out again (the parallel audit's duplicates)."""

    def __init__(self, render: Callable[[Finding], bytes | None]) -> None:
        self.render = render
        self.texts: list[bytes] = []
        self.size = 0
        self.keys: list[CountKey] = []
        self.counts: list[int] = []
        self._index: dict[tuple[str, Outcome, str, Status], int] = {}

    def add(self, findings: Iterable[Finding]) -> tuple[int, tuple[int, ...]]:
        """Render and count one subject's findings; returns the size of the text so far
        and the places of the findings' keys."""
        render, texts, index, counts = self.render, self.texts, self._index, self.counts
        places = []
        for finding in findings:
            text = render(finding)
            if text:
                texts.append(text)
                self.size += len(text)
            # Keyed by the division's code: its str hash is cached, a Division's is not.
            rule, outcome, division = finding.rule, finding.outcome, finding.division
            status = finding.rests_on
            place = index.get((rule, outcome, division.code, status))
            if place is None:
                place = index[rule, outcome, division.code, status] = len(self.keys)
                self.keys.append((rule, outcome, division, status))
                counts.append(0)
            counts[place] += 1
            places.append(place)
        return self.size, tuple(places)

    def parts(self) -> tuple[bytes, list[CountKey], list[int]]:
        """The texts of everything added, joined, the keys and the counts under them."""
        return b"".join(self.texts), self.keys, self.counts

    def chunk(self) -> Chunk:
        """The chunk of everything added."""
        return Chunk.of(*self.parts())


def joined(
    subjects: Iterable[Iterable[Finding]], render: Callable[[Finding], bytes | None]
) -> Iterator[Chunk]:
    """The findings of ``subjects`` (each an iterable of one subject's findings) in chunks of
    about :data:`CHUNK_TEXT` bytes of text."""
    joiner = Joiner(render)
    for findings in subjects:
        if joiner.add(findings)[0] >= CHUNK_TEXT:
            yield joiner.chunk()
            joiner = Joiner(render)
    if joiner.keys:
        yield joiner.chunk()


class Audit:
    """A running audit: iterate it for findings as they are made, or call :meth:`rendered`
    once instead; once it is exhausted, :attr:`summary` holds the counts (subjects by kind,
    findings by rule and outcome)."""

    def __init__(
        self,
        engine: Engine,
        source: Registry | RegistryStream,
        *,
        as_of: dt.date | None,
        period: Period | None,
        reveal: bool = False,
        jobs: int = 1,
    ) -> None:
        self.engine = engine
        self.as_of = as_of
        self.period = period
        self.reveal = reveal
        self.jobs = jobs
        self.summary = Summary()
        self._source = source
        self._started = False

    def _parallel(self) -> bool:
        """Whether the child files are read and judged by worker processes."""
        if self.jobs <= 1 or not isinstance(self._source, RegistryStream):
            return False
        from careprotect._parallel import can_fork

        return self._source.lines and can_fork()

    def __iter__(self) -> Iterator[Finding]:
        return self._run(None)

    def rendered(self, render: Callable[[Finding], T]) -> Iterator[Rendered[T]]:
        """The findings, each as :class:`Rendered`: its rule, outcome and division, and
        ``render(finding)``. In a parallel audit the worker processes call ``render``, so
        the findings themselves never travel between processes: give a function that makes
        what is kept or written of a finding (a report's text, say). It must not depend on
        state this process changes during the audit, and what it returns must pickle. Call
        it once, instead of iterating the audit."""
        return self._run(render)

    def chunks(self, render: Callable[[Finding], bytes | None]) -> Iterator[Chunk]:
        """The findings in :class:`Chunk` objects: each holds the texts ``render`` makes of a run
        of consecutive findings (None for no text), joined in order, and how many findings
        of the run there are under each rule, outcome and division. The chunks hold every
        finding once, in order; where one chunk ends is not part of the contract.

        The cheapest way to write a report: in a parallel audit the worker processes render
        the findings and join the texts of each span of lines, and this process neither
        sees nor counts single findings. ``render`` must make self-contained texts (a line
        with its line end, say) and must not depend on state this process changes during the
        audit. Call it once, instead of iterating the audit."""
        return self._run(render, chunks=True)

    def _run(
        self, render: Callable[[Finding], Any] | None, *, chunks: bool = False
    ) -> Iterator[Any]:
        if self._started:
            raise RuntimeError("an Audit can be iterated only once")
        self._started = True
        return self._findings(render, chunks)

    def _findings(self, render: Callable[[Finding], Any] | None, chunks: bool) -> Iterator[Any]:
        """The findings, or with ``render`` what :meth:`rendered` yields (or with ``chunks``
        what :meth:`chunks` yields); counted."""
        parallel = self._parallel()
        reference, children = _sources(self._source, read=not parallel)
        rules = [r for r in self.engine.rules if r.item.kind is RuleKind.COMPLIANCE]
        memo: dict[Any, Any] = {}
        envs = {
            r.id: RuleContext(
                self.engine,
                memo=memo,
                reference=reference,
                citations=r.citations,
                plugin=r.plugin,
                as_of=self.as_of,
                period=self.period,
            )
            for r in rules
        }
        by_kind: dict[SubjectKind, list[Registration]] = {}
        for r in rules:
            by_kind.setdefault(r.item.subject, []).append(r)
        subjects: list[tuple[SubjectKind, Iterable[Any]]] = [
            (SubjectKind.DIVISION, (d.code for d in reference.divisions)),
            (SubjectKind.WORKER, reference.workers),
            (SubjectKind.SERVICE_POINT, reference.service_points),
            (SubjectKind.CHILD, children),
        ]
        if not parallel:
            for kind, items in subjects:
                evaluations = _applicable(by_kind.get(kind, []), envs)
                if chunks:
                    assert render is not None
                    yield from joined(self._each(kind, items, evaluations), render)
                    continue
                found = self._judge(kind, items, evaluations)
                yield from found if render is None else rendered(found, render)
            return
        from careprotect._parallel import ParallelAudit

        assert isinstance(self._source, RegistryStream)
        workers = ParallelAudit(
            self._source,
            {
                kind: (list(items), _applicable(by_kind.get(kind, []), envs))
                for kind, items in subjects
                if kind is not SubjectKind.CHILD
            },
            _applicable(by_kind.get(SubjectKind.CHILD, []), envs),
            envs.values(),
            self.summary,
            jobs=self.jobs,
            reveal=self.reveal,
            render=render,
            chunks=chunks,
        )
        try:
            # The workers judge the reference subjects, then the child files; they count
            # the findings they yield.
            workers.start()
            for kind, _ in subjects:
                yield from workers if kind is SubjectKind.CHILD else workers.reference(kind)
        finally:
            workers.close()

    def _judge(
        self,
        kind: SubjectKind,
        items: Iterable[Any],
        evaluations: Evaluations,
    ) -> Iterator[Finding]:
        """The findings about ``items``, subjects of one kind, counted."""
        for findings in self._each(kind, items, evaluations):
            yield from findings

    def _each(
        self,
        kind: SubjectKind,
        items: Iterable[Any],
        evaluations: Evaluations,
    ) -> Iterator[list[Finding]]:
        """The findings about each of ``items``, subjects of one kind, counted."""
        reveal = self.reveal
        add = self.summary.add
        counted = self.summary.subjects
        key = kind.value
        for item in items:
            counted[key] += 1
            findings = judged(item, evaluations, reveal)
            for finding in findings:
                add(finding)
            yield findings


def _entry_point_text(entry_point: Any) -> str:
    """An entry point as text: its name and target, and its distribution and version when
    known (``entry point hunan = careprotect_hunan, distribution careprotect-hunan 0.1.0``)."""
    text = f"entry point {entry_point.name}"
    target = getattr(entry_point, "value", None)
    if target:
        text += f" = {target}"
    dist = getattr(entry_point, "dist", None)
    if dist is not None:
        text += f", distribution {dist.name} {dist.version}"
    return text


def _info_problem(info: object) -> str | None:
    """Why ``info`` is not a usable PluginInfo, or None."""
    if not isinstance(info, PluginInfo):
        return f"got {type_name(info)}"
    if not isinstance(info.name, str) or not info.name:
        return f"its name is {info.name!r}"
    if not isinstance(info.version, str):
        return f"its version is {info.version!r}, not a text"
    if info.scope is not None and not isinstance(info.scope, Division):
        return f"its scope is {type_name(info.scope)}, not a Division or None"
    return None


class Engine:
    """Plugins, their parameters and rules, checked together.

    :param plugins: plugin modules or objects implementing :mod:`careprotect.hookspecs`.
    :param national: add the built-in national baseline first (default True).
    :raises PluginLoadError: on any conflict, floor violation, uncited or out-of-scope
        contribution, or a bad parameter file, naming the plugins and sources involved.
    :raises PluginError: (a PluginLoadError) for a plugin that cannot be used at all: it
        fails to import, one of its hooks raises, or it registers something that is not a
        category, rule or parameter file. The message names the plugin, and its entry point
        and distribution when it came from one.
    """

    def __init__(self, plugins: Sequence[object] = (), *, national: bool = True) -> None:
        self._load(plugins, national=national, origins={})

    def _load(
        self, plugins: Sequence[object], *, national: bool, origins: Mapping[int, tuple[str, str]]
    ) -> None:
        """Load ``plugins``; ``origins`` names the entry point and distribution of each plugin
        that came from one, by the plugin's id."""
        self._origins = origins
        self._info: dict[int, PluginInfo] = {}
        self._manager = manager = pluggy.PluginManager(hookspecs.PROJECT)
        manager.add_hookspecs(hookspecs)
        if national:
            from careprotect import national as national_plugin

            plugins = [national_plugin, *plugins]
        infos: dict[str, PluginInfo] = {}
        for plugin in plugins:
            try:
                manager.register(plugin)
            except Exception as exc:  # pluggy's ValueError, PluginValidationError, ...
                raise PluginError(
                    f"{self._who(plugin)} cannot be registered: {exception_text(exc)}"
                ) from exc
            info = self._call_for(plugin, "careprotect_plugin_info")
            problem = _info_problem(info)
            if problem is not None:
                raise PluginError(
                    f"{self._who(plugin)} must implement careprotect_plugin_info returning a "
                    f"PluginInfo; {problem}"
                )
            if info.name in infos:
                raise PluginLoadError(f"two plugins are named {info.name!r}")
            infos[info.name] = info
            self._info[id(plugin)] = info
        ordered = sorted(plugins, key=lambda p: (self._scope_depth(p), self._info[id(p)].name))
        self.plugins: tuple[PluginInfo, ...] = tuple(self._info[id(p)] for p in ordered)

        citations: dict[str, dict[str, Citation]] = {}
        specs: list[ParameterSpec] = []
        values: list[ParameterValue] = []
        for plugin in ordered:
            info = self._info[id(plugin)]
            files: list[Path] = []

            def register_file(
                path: Path, who: str = self._who(plugin), files: list[Path] = files
            ) -> None:
                if not isinstance(path, str | os.PathLike):
                    raise PluginError(
                        f"{who}: careprotect_parameter_files registered {type_name(path)}, "
                        "not the path of a file"
                    )
                files.append(Path(path))

            self._call_for(plugin, "careprotect_parameter_files", register=register_file)
            table: dict[str, Citation] = {}
            for path in files:
                file_citations, file_specs, file_values = load_parameter_file(
                    Path(path), info, table
                )
                for key, citation in file_citations.items():
                    if key in table and table[key] != citation:
                        raise PluginLoadError(
                            f"plugin {info}: citation {key!r} is defined differently in two "
                            f"of its files ({Path(path).name} and an earlier one)"
                        )
                table.update(file_citations)
                specs.extend(file_specs)
                values.extend(file_values)
            citations[info.name] = table
        spec_map = {s.name: s for s in specs}
        self.parameters = ParameterTable(specs, coerce_values(values, spec_map))
        self._citations = citations

        self.categories: tuple[Registration, ...] = self._collect(ordered, "careprotect_categories")
        self.rules: tuple[Registration, ...] = self._collect(ordered, "careprotect_rules")
        self._category_by_id = {c.id: c for c in self.categories}
        self._category_envs: dict[str, RuleContext] = {}
        check_rules(self)

    @classmethod
    def from_entry_points(
        cls, allow: Collection[str] | None = None, *, national: bool = True
    ) -> Engine:
        """An engine with the plugins installed under the ``careprotect`` entry-point group.

        :param allow: the entry-point names to load; None loads every installed plugin. A
            name that is not installed is an error listing those that are.
        """
        found = {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
        names = sorted(found) if allow is None else sorted(allow)
        missing = [n for n in names if n not in found]
        if missing:
            raise PluginLoadError(
                f"no installed careprotect plugin named {', '.join(map(repr, missing))}; "
                f"installed: {', '.join(sorted(found)) or 'none'}"
            )
        plugins: list[object] = []
        origins: dict[int, tuple[str, str]] = {}
        for name in names:
            entry_point = found[name]
            origin = (name, _entry_point_text(entry_point))
            try:
                plugin = entry_point.load()
            except Exception as exc:  # ImportError, or whatever the module raises on import
                raise PluginError(
                    f"plugin {name} [{origin[1]}] cannot be imported: {exception_text(exc)}"
                ) from exc
            plugins.append(plugin)
            origins[id(plugin)] = origin
        engine = cls.__new__(cls)
        engine._load(plugins, national=national, origins=origins)
        return engine

    # -- loading ---------------------------------------------------------------------------

    def _scope_depth(self, plugin: object) -> int:
        scope = self._info[id(plugin)].scope
        return 0 if scope is None else int(scope.level)

    def _who(self, plugin: object) -> str:
        """The plugin, named by what it says it is and where it came from (entry point and
        distribution), as far as they are known."""
        info = self._info.get(id(plugin))
        origin = self._origins.get(id(plugin))
        if info is not None:
            name = f"plugin {info}"
        elif origin is not None:
            name = f"plugin {origin[0]}"
        else:
            name = f"plugin {plugin_name(plugin)}"
        return name if origin is None else f"{name} [{origin[1]}]"

    def _call_for(self, plugin: object, hook: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of ``hook`` (None if it has none). An exception
        it raises becomes a PluginError naming the plugin, unless it is a PluginLoadError
        already (one raised by a ``register`` callback names the plugin itself)."""
        for impl in getattr(self._manager.hook, hook).get_hookimpls():
            if impl.plugin is plugin:
                try:
                    return impl.function(**kwargs)
                except PluginLoadError:
                    raise
                except Exception as exc:
                    raise PluginError(
                        f"{self._who(plugin)}: its {hook} hook raised {exception_text(exc)}"
                    ) from exc
        return None

    def _collect(self, plugins: Sequence[object], hook: str) -> tuple[Registration, ...]:
        collected: dict[str, Registration] = {}
        rules = hook == "careprotect_rules"
        what, problem_of = ("rule", rule_problem) if rules else ("category", category_problem)
        for plugin in plugins:
            info = self._info[id(plugin)]
            table = self._citations[info.name]
            who = self._who(plugin)

            def register(
                item: Any,
                scope: Division | None = None,
                info: PluginInfo = info,
                table: dict[str, Citation] = table,
                who: str = who,
            ) -> None:
                where = f"{hook} of plugin {info}"
                problem = problem_of(item)
                if problem is not None:
                    raise PluginError(
                        f"{who}: {hook} registered {type_name(item)}, which is not a {what}: "
                        f"{problem}"
                    )
                if scope is not None and not isinstance(scope, Division):
                    raise PluginError(
                        f"{who}: {hook} registered {item.id!r} with scope {type_name(scope)}, "
                        "not a Division or None"
                    )
                if scope is None:
                    scope = info.scope
                elif not scope_contains(info.scope, scope):
                    raise PluginLoadError(
                        f"{where}: {item.id!r} has scope {scope_label(scope)}, outside the "
                        f"plugin's scope {scope_label(info.scope)}"
                    )
                if not item.citations:
                    raise PluginLoadError(f"{where}: {item.id!r} cites no source")
                unknown = [k for k in item.citations if k not in table]
                if unknown:
                    raise PluginLoadError(
                        f"{where}: {item.id!r} cites {', '.join(map(repr, unknown))}, not "
                        "among the plugin's citations"
                    )
                if item.id in collected:
                    other = collected[item.id]
                    raise PluginLoadError(
                        f"{item.id!r} is registered by both {other.plugin} and {info}"
                    )
                collected[item.id] = Registration(
                    item, info, scope, tuple(table[k] for k in item.citations)
                )

            self._call_for(plugin, hook, register=register)
        return tuple(sorted(collected.values(), key=lambda r: r.id))

    # -- classification --------------------------------------------------------------------

    def _category(self, category: str) -> Registration:
        try:
            return self._category_by_id[category]
        except KeyError:
            raise InvalidValueError(
                f"must be one of {', '.join(self._category_by_id)} (got {category!r})",
                field="category",
            ) from None

    def _env(self, registered: Registration, reference: ReferenceData) -> RuleContext:
        """The RuleContext of a category for ``reference``: the last one made for the category is
        kept, as an audit asks about one reference data after another."""
        made = self._category_envs.get(registered.id)
        if made is None or made.reference is not reference:
            made = RuleContext(
                self, reference=reference, citations=registered.citations, plugin=registered.plugin
            )
            self._category_envs[registered.id] = made
        return made

    def membership(
        self, child: Child, category: str, day: dt.date, reference: ReferenceData | None = None
    ) -> Membership:
        """Whether ``child`` is in ``category`` on ``day``; a category whose scope does not
        contain the child's division never includes the child."""
        registered = self._category(category)
        if not registered.applies_to(child.division):
            return Membership(
                category=category, member=False, facts=("outside the category's scope",)
            )
        return self._evaluate(registered, child, day, reference or ReferenceData())

    def _evaluate(
        self, registered: Registration, child: Child, day: dt.date, reference: ReferenceData
    ) -> Membership:
        result: Membership = registered.item.evaluate(child, day, self._env(registered, reference))
        return result

    def membership_spans(
        self,
        child: Child,
        category: str,
        start: dt.date,
        end: dt.date,
        reference: ReferenceData | None = None,
    ) -> Iterator[tuple[dt.date, dt.date, Membership]]:
        """The spans ``[a, b)`` covering ``[start, end)`` over which membership is constant."""
        registered = self._category(category)
        if not registered.applies_to(child.division):
            outside = self.membership(child, category, start, reference)
            return iter(((start, end, outside),))
        env = self._env(registered, reference or ReferenceData())
        evaluate = registered.item.evaluate
        points = {start}
        points.update(
            d for d in registered.item.breakpoints(child, start, end, env) if start < d < end
        )
        ordered = sorted(points)
        spans: list[tuple[dt.date, dt.date, Membership]] = []
        for i, a in enumerate(ordered):
            b = ordered[i + 1] if i + 1 < len(ordered) else end
            m: Membership = evaluate(child, a, env)
            if spans and spans[-1][2].member == m.member:
                spans[-1] = (spans[-1][0], b, spans[-1][2])
            else:
                spans.append((a, b, m))
        return iter(spans)

    def classify(
        self, child: Child, day: dt.date, reference: ReferenceData | None = None
    ) -> Classification:
        """Every category's answer for ``child`` on ``day``."""
        return Classification(
            child=child.id,
            day=day,
            memberships=tuple(
                self._evaluate(c, child, day, reference or ReferenceData())
                for c in self.categories
                if c.applies_to(child.division)
            ),
        )

    # -- evaluation ------------------------------------------------------------------------

    def audit(
        self,
        source: Registry | RegistryStream,
        *,
        as_of: dt.date | None = None,
        period: Period | None = None,
        reveal: bool = False,
        jobs: int = 1,
    ) -> Audit:
        """Judge every subject of a registry by every compliance rule in scope.

        Give ``as_of`` (point-in-time rules judge that day; period rules judge their latest
        complete period ending on or before it) or ``period`` (period rules judge each of
        their periods whose last day falls inside it, so consecutive audits judge every period
        once; point-in-time rules judge its last day). Every periodic rule follows this one
        convention (:func:`careprotect.rules.common.judged_periods`). Iterate the result for
        findings; its ``summary`` is complete once iteration ends. Children's ids (when they
        look like ID numbers) and names, and workers' names, are masked in the findings'
        subjects unless ``reveal`` is true.

        ``jobs`` above 1 reads and judges the child files of a JSON Lines
        :class:`RegistryStream` in that many worker processes, on platforms that fork
        (Linux); the findings, rejections and counts are the same, in the same order. Any
        other source, or a platform that does not fork, is audited in this process. A worker
        that dies, or workers that make no progress for 60 seconds (the environment variable
        ``CAREPROTECT_WORKER_TIMEOUT`` sets another number), make iterating raise
        :class:`~careprotect.errors.EvaluationError`, which says from which line on nothing
        was judged. See docs/performance.md.
        """
        if (as_of is None) == (period is None):
            raise InvalidValueError("give exactly one of 'as_of' and 'period'")
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
            raise InvalidValueError(f"'jobs' must be a whole number of at least 1 (got {jobs!r})")
        return Audit(self, source, as_of=as_of, period=period, reveal=reveal, jobs=jobs)

    def entitlements(
        self, source: Registry | RegistryStream, period: Period, *, reveal: bool = False
    ) -> Iterator[Amount]:
        """Every amount due under every entitlement rule in scope, month by month over
        ``period`` (a month, quarter or year). An amount that cannot be computed is yielded
        with ``amount=None`` and the reason, never dropped. Subjects are masked as in
        :meth:`audit` unless ``reveal`` is true. See docs/entitlements.md."""
        from careprotect.entitlement_runner import entitlements

        return entitlements(self, source, period, reveal=reveal)

    def plan(
        self, source: Registry | RegistryStream, month: Period, *, reveal: bool = False
    ) -> Iterator[WorkerPlan]:
        """For each worker, the children due a contact in ``month`` under the contact rules in
        scope, with how many are still due and the last contact date. See
        docs/rules-contact.md."""
        from careprotect.planning import plan

        return plan(self, source, month, reveal=reveal)

    def rule_states(
        self,
        when: dt.date | Period,
        through: dt.date | Period | None = None,
        *,
        kind: RuleKind | None = None,
    ) -> tuple[RuleStatus, ...]:
        """Each registered rule (of ``kind`` if given), by id, with its state on the day
        ``when``, over the period ``when``, or from ``when`` through ``through``: in force, not
        yet in force (from when, where), no longer in force (since when, where), in force
        for part of the days or of the scope, or never. The state comes from the flag
        parameter the rule names (``required`` or ``gate``); a rule without one is in force
        with no dated start. See :mod:`careprotect.rulestates`."""
        from careprotect.rulestates import rule_states

        rules = [r for r in self.rules if kind is None or r.item.kind is kind]
        return rule_states(rules, self.parameters, when, through)

    def rule(self, rule_id: str) -> Registration:
        """The registered rule with this id."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise InvalidValueError(f"is not a registered rule (got {rule_id!r})", field="rule")
