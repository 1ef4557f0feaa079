"""The plugin under conformance check: its engines (alone, with the others, in another
order), what it registers, and the settings of the property checks."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TypeAlias

import pluggy
from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import strategies as st

from careprotect import hookspecs
from careprotect.engine import ENTRY_POINT_GROUP, Engine, Registration
from careprotect.errors import PluginLoadError
from careprotect.params import (
    ParameterValue,
    PluginInfo,
    Unit,
)
from careprotect.periods import Period

MAX_EXAMPLES = 25
"""Examples drawn by each property check (fewer when the Hypothesis profile in force asks for
fewer: see :func:`property_settings`)."""

SETTINGS = settings(
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


def property_settings() -> settings:
    """:data:`SETTINGS` for a property check run now: :data:`MAX_EXAMPLES` examples, or the
    ``max_examples`` of the Hypothesis profile in force when it is smaller (a quick profile
    makes the conformance suite quick too)."""
    in_force = settings.default
    wanted = MAX_EXAMPLES if in_force is None else min(MAX_EXAMPLES, in_force.max_examples)
    return settings(SETTINGS, max_examples=wanted)


MONEY = (Unit.YUAN, Unit.YUAN_PER_MONTH)
_DEFAULT_YEARS = (2016, 2030)

When: TypeAlias = dt.date | Period
"""What an audit judges: a day (``as_of``) or a period."""


class NotCheckedError(Exception):
    """A check that cannot run because the plugin does not load."""


class PropertyFailedError(AssertionError):
    """A property check found problems with one drawn example."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def describe_error(exc: BaseException) -> str:
    """A load error's own message; any other exception's type and message."""
    text = str(exc)
    if isinstance(exc, PluginLoadError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def plugin_info_of(plugin: object) -> PluginInfo | None:
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


def parameter_files_of(plugin: object) -> list[Path] | str:
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
        return describe_error(exc)
    return files


def _installed(exclude: object) -> tuple[list[object], list[str]]:
    """The plugins installed under the ``careprotect`` entry-point group, except ``exclude``
    (the same object, or a plugin of the same name), and the entry points that fail to load."""
    name = getattr(plugin_info_of(exclude), "name", None)
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
                f"imported: {describe_error(exc)}"
            )
            continue
        if loaded is exclude or any(loaded is f for f in found):
            continue
        info = plugin_info_of(loaded)
        if info is not None and info.name == name:
            continue
        found.append(loaded)
    return found, problems


# -- the plugin under check -------------------------------------------------------------------


class Subject:
    """A plugin and the plugins to check it with; the engines are built once."""

    def __init__(self, plugin: object, others: Sequence[object] | None) -> None:
        self.plugin = plugin
        self.requested = others

    @cached_property
    def label(self) -> str:
        info = plugin_info_of(self.plugin)
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
            return describe_error(exc)

    @cached_property
    def _together(self) -> Engine | str:
        if not self.others:
            return self.engine_alone
        try:
            return Engine([self.plugin, *self.others])
        except Exception as exc:
            return describe_error(exc)

    @property
    def engine_alone(self) -> Engine:
        """The national baseline and the plugin; raises NotCheckedError if it does not load."""
        if isinstance(self._alone, str):
            raise NotCheckedError(f"{self.label} does not load: {self._alone}")
        return self._alone

    @property
    def loads_alone(self) -> bool:
        return isinstance(self._alone, Engine)

    @property
    def together_loads(self) -> bool:
        """Whether the plugin loads with the others (raises NotCheckedError if it does not
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
