"""The national baseline: a built-in plugin using the same hooks as any province.

It registers the national categories of children (POLICY.md §2) and the national rules, all
instances of the general mechanisms configured in :mod:`careprotect.national.rules`, and the
national parameters (age limits, the orphan allowance minimums, the de facto unsupported
child's terms and allowance, the days national duties began) with their citations, in the
TOML files beside this module. It imports what it needs from :mod:`careprotect.plugin`, as a
province plugin does. Each
citation carries its confidence (confirmed, reported, assumed): a national fact that is only
reported is still the national value, marked so, and holds until a province plugin gives its
own value for its scope (how long "out of contact" must last, the date the
民发〔2020〕125号 additions apply). Only the look-back for reports of improper guardianship,
on which nothing is known, is declared without a national value: a province plugin supplies
it, and until one does the answer is "missing input".
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from careprotect.national.rules import CATEGORIES, RULES
from careprotect.plugin import CategoryRule, Division, PluginInfo, Rule, hookimpl

__all__ = ["CATEGORIES", "NAME", "RULES"]

NAME = "national"

try:
    _VERSION = version("careprotect")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    _VERSION = "0+unknown"


@hookimpl
def careprotect_plugin_info() -> PluginInfo:
    """The national baseline: scope the whole country."""
    return PluginInfo(name=NAME, version=_VERSION, scope=None, title="National baseline")


@hookimpl
def careprotect_parameter_files(register: Callable[[Path], None]) -> None:
    """The national parameters: every TOML file beside this module, ``citations.toml`` (the
    plugin's one table of citations) first so the others may cite its keys."""
    here = Path(__file__).parent
    register(here / "citations.toml")
    for path in sorted(here.glob("*.toml")):
        if path.name != "citations.toml":
            register(path)


@hookimpl
def careprotect_categories(register: Callable[[CategoryRule, Division | None], None]) -> None:
    """The national categories of POLICY.md §2."""
    for category in CATEGORIES:
        register(category, None)


@hookimpl
def careprotect_rules(register: Callable[[Rule, Division | None], None]) -> None:
    """The national compliance and entitlement rules."""
    for rule in RULES:
        register(rule, None)
