"""The hooks through which plugins contribute to careprotect.

Every plugin, the national baseline included, is a module or object implementing these hooks
with :data:`hookimpl`. Each contribution hook receives a ``register`` callback: the host owns
the collections and knows which plugin registered what, so every value and rule carries its
plugin's name and version.

A plugin is found through the ``careprotect`` entry-point group, or passed to
:class:`careprotect.Engine` directly. Nothing is loaded when careprotect is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from careprotect.divisions import Division
    from careprotect.params import PluginInfo
    from careprotect.rules.base import CategoryRule, Rule

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "careprotect"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def careprotect_plugin_info() -> PluginInfo:  # type: ignore[empty-body]
    """Say who the plugin is: name, version and scope.

    Every plugin implements this hook. The host calls each plugin's implementation on its own,
    so ``firstresult`` only matters to a caller using the hook relay directly.

    :return: The plugin's :class:`~careprotect.params.PluginInfo`: a unique ``name``, the
        distribution ``version``, and the ``scope`` (a :class:`~careprotect.Division`, or None
        for the national baseline) that every value and rule of the plugin must lie within.
        Returning None is an error: a plugin must say who it is.
    """


@hookspec
def careprotect_parameter_files(register: Callable[[Path], None]) -> None:
    """Contribute parameter files.

    Call ``register`` once per TOML file the plugin ships (see :mod:`careprotect.params` for
    the format): its citations, parameter declarations and dated values. Values default to the
    plugin's scope and must lie within it. A value may cite a citation of its own file or of a
    file registered earlier by the same plugin, so register a shared ``citations.toml`` first.

    :param register: Takes the path of one parameter file.
    :return: Nothing; the return value is ignored.
    """


@hookspec
def careprotect_categories(register: Callable[[CategoryRule, Division | None], None]) -> None:
    """Contribute categories of children (classification facts).

    Call ``register(category, scope)`` for each category the plugin defines, such as the
    national left-behind, orphan or de facto unsupported definitions, or a county's list of
    children it follows. ``scope`` None means the plugin's own scope; a narrower scope limits
    the category to children living there.

    :param register: Takes a :class:`~careprotect.rules.base.CategoryRule` and a scope.
    :return: Nothing; the return value is ignored.
    """


@hookspec
def careprotect_rules(register: Callable[[Rule, Division | None], None]) -> None:
    """Contribute compliance and entitlement rules.

    Call ``register(rule, scope)`` for each rule. Rules are usually instances of the general
    mechanisms in :mod:`careprotect.rules` configured with the plugin's parameter names.
    ``scope`` None means the plugin's own scope; a rule never gives a finding for a subject
    outside its scope.

    :param register: Takes a :class:`~careprotect.rules.base.Rule` and a scope.
    :return: Nothing; the return value is ignored.
    """


HOOK_NAMES: tuple[Callable[..., object], ...] = (
    careprotect_plugin_info,
    careprotect_parameter_files,
    careprotect_categories,
    careprotect_rules,
)
