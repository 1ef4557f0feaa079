"""careprotect plugin for Hubei province: Xianning (4212) and Chibi (421281).

A pluggy plugin module for careprotect's ``careprotect`` entry-point group (name ``hubei``),
scope Hubei (42). It contributes:

- parameter files: ``citations.toml`` (registered first: the other files cite its keys),
  then ``agreements.toml``, ``contact.toml``, ``staffing.toml`` and ``training.toml``;
- the rules of :mod:`careprotect_hubei.rules`, each registered for its own scope: Xianning's
  at 4212, Chibi's at 421281.

A Chibi child is judged by the Xianning rules and the Chibi rules, and every parameter is
resolved most specific first: Chibi's value where Chibi sets one, else Xianning's, else the
nation's (Hubei itself sets none). See README.md for what is covered and what is not.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from careprotect.plugin import Division, PluginInfo, Rule, hookimpl
from careprotect_hubei.rules import (
    CHIBI,
    CHIBI_RULES,
    ONE_PLUS_N_PROGRAMME,
    ONE_PLUS_ONE_SCHEME,
    REGISTRATIONS,
    XIANNING,
    XIANNING_RULES,
)

__all__ = [
    "CHIBI",
    "CHIBI_RULES",
    "HUBEI",
    "NAME",
    "ONE_PLUS_N_PROGRAMME",
    "ONE_PLUS_ONE_SCHEME",
    "PARAMETER_FILES",
    "REGISTRATIONS",
    "RULES",
    "XIANNING",
    "XIANNING_RULES",
    "careprotect_parameter_files",
    "careprotect_plugin_info",
    "careprotect_rules",
]

NAME = "hubei"
HUBEI = Division("42")
"""湖北省: the plugin's scope."""

try:
    _VERSION = version("careprotect-hubei")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    _VERSION = "0+unknown"

_HERE = Path(__file__).parent

PARAMETER_FILES: tuple[Path, ...] = (
    _HERE / "citations.toml",
    _HERE / "agreements.toml",
    _HERE / "contact.toml",
    _HERE / "staffing.toml",
    _HERE / "training.toml",
)
"""The parameter files in registration order: the citations first."""

RULES: tuple[Rule, ...] = tuple(rule for rule, _ in REGISTRATIONS)
"""Every rule of the plugin: Xianning's, then Chibi's (scopes in :data:`REGISTRATIONS`)."""


@hookimpl
def careprotect_plugin_info() -> PluginInfo:
    """Hubei: scope the province (42)."""
    return PluginInfo(
        name=NAME,
        version=_VERSION,
        scope=HUBEI,
        title="湖北省（咸宁市、赤壁市）/ Hubei: Xianning and Chibi",
    )


@hookimpl
def careprotect_parameter_files(register: Callable[[Path], None]) -> None:
    """The plugin's parameter files, ``citations.toml`` first so the others may cite it."""
    for path in PARAMETER_FILES:
        register(path)


@hookimpl
def careprotect_rules(register: Callable[[Rule, Division | None], None]) -> None:
    """Xianning's rules for 4212, Chibi's for 421281."""
    for rule, scope in REGISTRATIONS:
        register(rule, scope)
