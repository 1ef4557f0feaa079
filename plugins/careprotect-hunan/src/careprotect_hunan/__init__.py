"""careprotect-hunan: the Hunan province plugin (scope 43).

A pluggy plugin module for careprotect, found through the ``careprotect`` entry-point group
under the name ``hunan``::

    from careprotect import Engine
    engine = Engine.from_entry_points(allow=["hunan"])

It contributes, from the provincial notice of 2019-06-11 on village children's homes
(seed 002) and the orphan allowance raised from 2018-01-01 (seed 004): the children's home
standard, coverage and model-home share, the service agreement with every child served, who
may be child supervisor and child director, their training, the social organisations and
counsellors every county and township must have, the construction grant, the child director
post allowance, and Hunan's orphan allowance floors. The numbers live in the TOML files beside
this module, each value with its citation; :mod:`careprotect_hunan.rules` configures
careprotect's general mechanisms with them.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from careprotect.plugin import Division, PluginInfo, Rule, hookimpl
from careprotect_hunan.rules import RULES

__all__ = ["NAME", "PARAMETER_FILES", "RULES", "SCOPE", "__version__"]

NAME = "hunan"
SCOPE = Division("43")

try:
    __version__ = version("careprotect-hunan")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

_HERE = Path(__file__).parent

PARAMETER_FILES: tuple[Path, ...] = (
    _HERE / "citations.toml",
    _HERE / "childrens_homes.toml",
    _HERE / "entitlements.toml",
    _HERE / "staffing.toml",
)
"""The parameter files, in registration order: ``citations.toml`` (every citation of the
plugin) first, so the values of the other files may cite its keys."""


@hookimpl
def careprotect_plugin_info() -> PluginInfo:
    """Hunan: scope the province (43)."""
    return PluginInfo(
        name=NAME,
        version=__version__,
        scope=SCOPE,
        title="湖南省 Hunan: village children's homes, child directors and supervisors",
    )


@hookimpl
def careprotect_parameter_files(register: Callable[[Path], None]) -> None:
    """The Hunan parameter files, ``citations.toml`` first."""
    for path in PARAMETER_FILES:
        register(path)


@hookimpl
def careprotect_rules(register: Callable[[Rule, Division | None], None]) -> None:
    """Every Hunan rule, for the whole province."""
    for rule in RULES:
        register(rule, SCOPE)
