"""The engine: plugins loaded and checked, parameters resolved, rules evaluated.

An :class:`Engine` is built from an explicit list of plugins (the national baseline is added
first unless ``national=False``) or from the ``careprotect`` entry-point group with an
allowlist. Building it loads every parameter file and registration and checks them all:
conflicts, floors, citations, scopes. Nothing is loaded when careprotect is imported.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.metadata
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pluggy

from careprotect import hookspecs
from careprotect.divisions import Division
from careprotect.errors import InvalidValueError, PluginError, PluginLoadError
from careprotect.faults import (
    category_problem,
    exception_text,
    plugin_name,
    rule_problem,
    type_name,
)
from careprotect.masking import scrub
from careprotect.model import Child, ReferenceData
from careprotect.params import (
    Citation,
    ParameterSpec,
    ParameterTable,
    ParameterValue,
    PluginInfo,
    Scope,
    coerce_values,
    load_parameter_file,
    scope_contains,
    scope_label,
)
from careprotect.periods import Period
from careprotect.rules.base import Membership, RuleContext, RuleKind
from careprotect.rules.checks import check_rules
from careprotect.rulestates import RuleStatus, rule_states

__all__ = ["Classification", "Engine", "Registration"]

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
        self._given = (tuple(plugins), national)
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

    def __reduce__(self) -> tuple[Any, ...]:
        """An engine pickles as the plugins it was built from (a module by its name), and is
        built again, and checked again, where it is unpickled: so a distributed executor can
        send it to a worker on another machine that has the same plugins installed."""
        plugins, national = self._given
        names = tuple(p.__name__ if isinstance(p, ModuleType) else p for p in plugins)
        return (_engine_of, (names, national))

    @classmethod
    def from_entry_points(
        cls,
        allow: Collection[str] | None = None,
        *,
        national: bool = True,
        plugins: Sequence[object] = (),
    ) -> Engine:
        """An engine with the plugins installed under the ``careprotect`` entry-point group.

        :param allow: the entry-point names to load; None loads every installed plugin. A
            name that is not installed is an error listing those that are.
        :param plugins: plugin modules or objects to load besides the installed ones (a
            county's rules under development, say), checked with them as one.
        """
        found = {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
        names = sorted(found) if allow is None else sorted(allow)
        missing = [n for n in names if n not in found]
        if missing:
            raise PluginLoadError(
                f"no installed careprotect plugin named {', '.join(map(repr, missing))}; "
                f"installed: {', '.join(sorted(found)) or 'none'}"
            )
        loaded: list[object] = []
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
            loaded.append(plugin)
            origins[id(plugin)] = origin
        engine = cls.__new__(cls)
        engine._load([*loaded, *plugins], national=national, origins=origins)
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
        rules = [r for r in self.rules if kind is None or r.item.kind is kind]
        return rule_states(rules, self.parameters, when, through)

    def rule(self, rule_id: str) -> Registration:
        """The registered rule with this id."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise InvalidValueError(f"is not a registered rule (got {rule_id!r})", field="rule")


def _engine_of(plugins: tuple[object, ...], national: bool) -> Engine:
    """The engine of ``plugins`` (a module given by its name), as pickled."""
    modules = [importlib.import_module(p) if isinstance(p, str) else p for p in plugins]
    return Engine(modules, national=national)
