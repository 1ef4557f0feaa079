"""Parameters: law as data.

A parameter is a named, typed value with a unit (money per month, a count, an area, an age, a
duration, a yes/no, a choice) that holds from an effective date until the next value of the
same scope. Every value carries a :class:`Citation`. A value may be a *floor* ("at least"):
values of narrower scopes may raise it, never lower it.

Plugins ship parameters as TOML files (read with the standard library's :mod:`tomllib`, so no
dependency is added and dates are native TOML dates)::

    [citations.gbf-2010-54]
    issuer = "国务院办公厅"
    document = "国办发〔2010〕54号"
    title = "国务院办公厅关于加强孤儿保障工作的意见"
    clause = "二(一)"
    date = 2010-11-16
    verified = 2026-11-23

    [parameters."orphan.allowance.scattered"]
    unit = "yuan_per_month"
    zh = "散居孤儿基本生活最低养育标准"
    en = "Orphan basic living allowance, scattered care"

    [[values]]
    parameter = "orphan.allowance.scattered"
    effective = 2010-01-01
    value = "600"
    floor = true
    citation = "gbf-2010-54"

A value's ``scope`` (a division code) defaults to its plugin's scope and must lie within it.
The :class:`ParameterTable` resolves the value in force for a division on a date: among the
values in force on that date from scopes containing the division, the most specific scope wins.

The types these are made of (:class:`PluginInfo`, :class:`Citation`, :class:`Status`,
:class:`Unit`, :class:`ParameterSpec`, :class:`ParameterValue`, :class:`Evidence`) are defined
in :mod:`careprotect.parameter_types`, below this module and the schema's, and importable from
here too.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from careprotect import parameter_schema
from careprotect.divisions import Division
from careprotect.errors import InvalidValueError, ParameterError, PluginLoadError
from careprotect.parameter_types import (
    Citation,
    Evidence,
    ParameterSpec,
    ParameterValue,
    PluginInfo,
    Resolved,
    Scope,
    Status,
    Unit,
    json_value,
    scope_contains,
    scope_depth,
    scope_label,
    weakest,
)

__all__ = [
    "STALE_MONTHS",
    "Citation",
    "Evidence",
    "ParameterSpec",
    "ParameterTable",
    "ParameterValue",
    "PluginInfo",
    "Resolved",
    "Scope",
    "Stale",
    "StaleReason",
    "Status",
    "Unit",
    "coerce_values",
    "grown_old",
    "load_parameter_file",
    "read_parameter_data",
    "scope_contains",
    "scope_label",
    "weakest",
]

STALE_MONTHS = 36
"""How old, in months, the newest value of a parameter at a scope may be before
:meth:`ParameterTable.stale` lists it."""

MONEY_UNITS = frozenset({Unit.YUAN, Unit.YUAN_PER_MONTH})
"""The units of amounts of money: the values that grow old (see :meth:`ParameterTable.stale`)."""


def grown_old(unit: Unit, effective: dt.date, day: dt.date, months: int = STALE_MONTHS) -> bool:
    """Whether a value of ``unit`` that took effect on ``effective`` is, on ``day``, an
    amount of money older than ``months`` months."""
    return unit in MONEY_UNITS and effective + relativedelta(months=months) < day


class StaleReason(enum.StrEnum):
    """Why a value in force may no longer be right."""

    OLD = "old"
    """An amount of money whose parameter has had no newer value at its scope for more than
    the months asked."""
    ASSUMED = "assumed"
    """It rests on an assumed citation: a modelling choice, not a fact of the sources."""


@attrs.frozen(kw_only=True)
class Stale:
    """A value in force that may no longer be right: the value, its age in whole months on
    the day asked, and the reasons."""

    value: ParameterValue
    months: int
    reasons: tuple[StaleReason, ...]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the value (amounts as strings), where and since when, its age,
        the reasons, and its citation with status and note."""
        v = self.value
        return {
            "parameter": v.parameter,
            "value": json_value(v.value),
            "effective": v.effective.isoformat(),
            "scope": scope_label(v.scope),
            "floor": v.floor,
            "plugin": v.plugin.name,
            "version": v.plugin.version,
            "age_months": self.months,
            "reasons": [r.value for r in self.reasons],
            "status": v.citation.status.value,
            "citation": v.citation.as_dict(),
            "note": v.citation.note,
        }


def _check_one_plugin(group: list[ParameterValue]) -> None:
    """The values of one parameter at one scope come from one plugin: a second plugin could
    otherwise replace a province's value (or undercut its floor) from a later date."""
    first = group[0]
    other = next((v for v in group if v.plugin.name != first.plugin.name), None)
    if other is not None:
        raise PluginLoadError(
            f"values of {first.parameter!r} in {scope_label(first.scope)} come from two "
            f"plugins, {first.plugin} and {other.plugin}; the values of a parameter at one "
            f"scope come from one plugin only: {first.describe()}; {other.describe()}"
        )


def _check_own_floors(group: list[ParameterValue]) -> None:
    """No value of one parameter at one scope (in date order) is below an earlier floor of
    the same scope, unless it says ``lowers_floor = true`` and cites a source other than the
    floor's. An explicit lowering starts afresh: only floors from it on bind later values."""
    standing: ParameterValue | None = None
    for v in group:
        below = standing is not None and v.value < standing.value
        if v.lowers_floor:
            if standing is None or not below:
                raise PluginLoadError(
                    f"{v.describe()} says lowers_floor = true, but it is not below an earlier "
                    f"floor of {v.parameter!r} in {scope_label(v.scope)}; remove the key"
                )
            if v.citation.key == standing.citation.key:
                raise PluginLoadError(
                    f"{v.describe()} lowers the {standing.describe()} but cites the same "
                    f"source {v.citation.key!r}; a lowered floor cites the source that lowers it"
                )
            standing = None
        elif below:
            assert standing is not None
            raise PluginLoadError(
                f"{v.describe()} is below the earlier {standing.describe()} at the same scope; "
                "a value that lowers a floor says so with lowers_floor = true and cites its "
                "own source"
            )
        if v.floor and v.value is not None and (standing is None or v.value >= standing.value):
            standing = v


def _evidence(spec: ParameterSpec, v: ParameterValue) -> Evidence:
    return Evidence(
        parameter=v.parameter,
        value=v.value,
        unit=spec.unit,
        effective=v.effective,
        scope=scope_label(v.scope),
        plugin=v.plugin.name,
        version=v.plugin.version,
        citation=v.citation,
    )


def _in_order(key: tuple[str, Scope]) -> tuple[str, int, str]:
    """The order of (parameter, scope) keys: by parameter, then the nation first and narrower
    scopes after, then by code."""
    name, scope = key
    return name, scope_depth(scope), str(scope)


_MISS = object()
_CACHE_LIMIT = 4096
"""Resolved answers kept per table (keyed by parameter, division and day); an audit asks the
same question for every child of a village, so nearly every lookup is a hit."""


class ParameterTable:
    """Every declared parameter and every contributed value, checked when built.

    Building raises :class:`~careprotect.errors.PluginLoadError` for: a value of an undeclared
    parameter; a parameter declared twice; two values with the same parameter, scope and
    effective date (naming both plugins); values of one parameter at one scope from two
    plugins (naming both); a value below an earlier floor of its own scope, unless it says
    ``lowers_floor`` and cites a source of its own (and a ``lowers_floor`` that lowers
    nothing); a value below a floor of a containing scope while both are in force (with both
    citations).
    """

    def __init__(self, specs: Iterable[ParameterSpec], values: Iterable[ParameterValue]) -> None:
        self.specs: dict[str, ParameterSpec] = {}
        for spec in specs:
            if spec.name in self.specs:
                raise PluginLoadError(
                    f"parameter {spec.name!r} is declared by both {self.specs[spec.name].plugin} "
                    f"and {spec.plugin}"
                )
            self.specs[spec.name] = spec
        by_scope: dict[tuple[str, Scope], list[ParameterValue]] = {}
        for v in values:
            if v.parameter not in self.specs:
                raise PluginLoadError(
                    f"plugin {v.plugin} gives a value of {v.parameter!r}, which no plugin declares"
                )
            by_scope.setdefault((v.parameter, v.scope), []).append(v)
        for group in by_scope.values():
            group.sort(key=lambda v: v.effective)
            for earlier, later in itertools.pairwise(group):
                if earlier.effective == later.effective:
                    raise PluginLoadError(
                        "conflicting values with the same scope and effective date: "
                        f"{earlier.describe()}; {later.describe()}"
                    )
            _check_one_plugin(group)
            _check_own_floors(group)
        self._values = by_scope
        self._starts = {key: [v.effective for v in group] for key, group in by_scope.items()}
        self._evidence = {
            id(v): _evidence(self.specs[v.parameter], v)
            for group in by_scope.values()
            for v in group
        }
        self._found: dict[tuple[str, Division | None, dt.date], Resolved | None] = {}
        ordered = sorted(by_scope.items(), key=lambda item: _in_order(item[0]))
        self._all = tuple(v for _, group in ordered for v in group)
        by_name: dict[str, list[ParameterValue]] = {}
        for v in self._all:
            by_name.setdefault(v.parameter, []).append(v)
        self._by_name = {n: tuple(group) for n, group in by_name.items()}
        self._check_floors()

    def _intervals(
        self, name: str, scope: Scope
    ) -> Iterator[tuple[ParameterValue, dt.date | None]]:
        group = self._values.get((name, scope), [])
        for i, v in enumerate(group):
            yield v, group[i + 1].effective if i + 1 < len(group) else None

    def _check_floors(self) -> None:
        for (name, scope), _ in list(self._values.items()):
            for floor, floor_end in self._intervals(name, scope):
                if not floor.floor:
                    continue
                for (other_name, other_scope), _ in self._values.items():
                    if other_name != name or other_scope == scope:
                        continue
                    if not scope_contains(scope, other_scope):
                        continue
                    for v, v_end in self._intervals(name, other_scope):
                        overlaps = (floor_end is None or v.effective < floor_end) and (
                            v_end is None or floor.effective < v_end
                        )
                        if overlaps and v.value < floor.value:
                            raise PluginLoadError(f"{v.describe()} is below the {floor.describe()}")

    def values(self, name: str | None = None) -> Iterator[ParameterValue]:
        """Every contributed value (of one parameter if named), by parameter, scope, date."""
        return iter(self._all if name is None else self._by_name.get(name, ()))

    def spec(self, name: str) -> ParameterSpec:
        """The declaration of ``name``; raises ParameterError if none."""
        try:
            return self.specs[name]
        except KeyError:
            raise ParameterError(f"no plugin declares a parameter {name!r}") from None

    def resolve(self, name: str, division: Division | None, day: dt.date) -> Resolved:
        """The value of ``name`` in force for ``division`` on ``day``.

        Among the scopes containing the division (the division itself, its ancestors, the
        nation), the most specific one with a value in force on ``day`` wins; within a scope the
        latest effective date not after ``day``. Raises ParameterError when there is none.
        """
        found = self.find(name, division, day)
        if found is None:
            where = "national" if division is None else str(division)
            raise ParameterError(
                f"parameter {name!r} has no value in force for {where} on {day.isoformat()}"
            )
        return found

    def evidence(self) -> tuple[Evidence, ...]:
        """The evidence of every value, each one object that every resolution of the value
        shares."""
        return tuple(self._evidence.values())

    def in_force(self, day: dt.date) -> Iterator[ParameterValue]:
        """The value in force on ``day`` at each scope that has one (any scope, by parameter,
        scope and date): the newest value of each parameter and scope not after ``day``."""
        for key, starts in sorted(self._starts.items(), key=lambda item: _in_order(item[0])):
            i = bisect.bisect_right(starts, day)
            if i:
                yield self._values[key][i - 1]

    def stale(self, as_of: dt.date, months: int = STALE_MONTHS) -> tuple[Stale, ...]:
        """The values in force on ``as_of`` (at any scope) that may no longer be right: an
        amount of money (unit ``yuan`` or ``yuan_per_month``) whose parameter has had no newer
        value at its scope for more than ``months`` months before ``as_of``, or any value that
        rests on an assumed citation. By parameter, scope and date.

        Only amounts grow old: standards of money are revised as prices and budgets change,
        while a definition (an age limit, a waiting time, the day a duty began) holds until a
        new document changes it, so listing it by age would bury the amounts among dozens of
        dated facts. A floor set in 2010 and never raised is listed, though it still binds:
        the amounts actually paid have long been higher, and a user should check for a newer
        document.
        """
        if months < 0:
            raise ValueError(f"months must be at least 0 (got {months})")
        found = []
        for v in self.in_force(as_of):
            age = relativedelta(as_of, v.effective)
            reasons = []
            if grown_old(self.specs[v.parameter].unit, v.effective, as_of, months):
                reasons.append(StaleReason.OLD)
            if v.citation.status is Status.ASSUMED:
                reasons.append(StaleReason.ASSUMED)
            if reasons:
                found.append(
                    Stale(value=v, months=age.years * 12 + age.months, reasons=tuple(reasons))
                )
        return tuple(found)

    def find(self, name: str, division: Division | None, day: dt.date) -> Resolved | None:
        """Like :meth:`resolve`, but None when no value is in force."""
        key = (name, division, day)
        cached = self._found.get(key, _MISS)
        if cached is not _MISS:
            return cached  # type: ignore[return-value]
        self.spec(name)
        found: Resolved | None = None
        scopes: list[Scope] = [] if division is None else [division, *reversed(division.ancestors)]
        scopes.append(None)
        for scope in scopes:
            starts = self._starts.get((name, scope))
            if not starts:
                continue
            i = bisect.bisect_right(starts, day)
            if i:
                v = self._values[(name, scope)][i - 1]
                found = Resolved(v.value, self._evidence[id(v)])
                break
        if len(self._found) >= _CACHE_LIMIT:
            self._found.clear()
        self._found[key] = found
        return found


def read_parameter_data(path: Path, where: str) -> dict[str, Any]:
    """The TOML of a parameter file, read; ``where`` names the file in messages. Raises
    PluginLoadError when it cannot be read, is not UTF-8 or is not TOML."""
    try:
        raw_text = path.read_bytes()
    except OSError as exc:
        raise PluginLoadError(f"cannot read {where}: {exc.strerror or exc}") from None
    try:
        text = raw_text.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_text[: exc.start].count(b"\n") + 1
        raise PluginLoadError(
            f"cannot read {where}: not UTF-8 text (byte 0x{raw_text[exc.start]:02x} on line {line})"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PluginLoadError(f"cannot read {where}: not TOML: {exc}") from None


def load_parameter_file(
    path: Path, plugin: PluginInfo, known: Mapping[str, Citation] | None = None
) -> tuple[dict[str, Citation], list[ParameterSpec], list[ParameterValue]]:
    """Read a plugin's TOML parameter file: its citations, declarations and values.

    A value's ``citation`` names one of the file's own citations or one of ``known`` (the
    citations of the plugin's files registered before this one), so a plugin can keep its
    citations in one file registered first. Every problem raises
    :class:`~careprotect.errors.PluginLoadError` in one line naming the file, the plugin, the
    table and the key: a file that cannot be read, is not UTF-8 or not TOML; a table or key
    the schema (:mod:`careprotect.parameter_schema`) does not know, with the nearest known key
    ("did you mean 'floor'?"); a required key missing; a value of the wrong type; a citation
    that is not found; a scope outside the plugin's.
    """
    where = f"{path.name} of plugin {plugin.name}"
    data = read_parameter_data(path, where)
    found = parameter_schema.problems(data)
    if found:
        raise PluginLoadError(f"{where}: {found[0]}")
    citations: dict[str, Citation] = {}
    for key, c in data.get("citations", {}).items():
        citations[key] = Citation(
            key=key,
            issuer=c["issuer"],
            document=c["document"],
            title=c["title"],
            status=Status(c["status"]),
            clause=c.get("clause", ""),
            date=c.get("date"),
            verified=c["verified"],
            url=c.get("url", ""),
            note=c.get("note", ""),
        )
    specs = [
        ParameterSpec(
            name=name,
            unit=Unit(p["unit"]),
            zh=p["zh"],
            en=p["en"],
            choices=tuple(p.get("choices", ())),
            plugin=plugin,
        )
        for name, p in data.get("parameters", {}).items()
    ]
    values: list[ParameterValue] = []
    for index, v in enumerate(data.get("values", [])):
        entry = f"{where}: values[{index}]"
        cited = v["citation"]
        citation = citations.get(cited) or (known or {}).get(cited)
        if citation is None:
            raise PluginLoadError(
                f"{entry}: 'citation' names none of the file's citations nor of the plugin's "
                f"files registered before it (got {cited!r})"
            )
        scope: Scope = plugin.scope
        if "scope" in v:
            code = v["scope"]
            try:
                scope = Division(code) if code else None
            except InvalidValueError as exc:
                raise PluginLoadError(f"{entry}: 'scope' {exc.problem}") from None
            if not scope_contains(plugin.scope, scope):
                raise PluginLoadError(
                    f"{entry} has scope {scope_label(scope)}, outside the plugin's scope "
                    f"{scope_label(plugin.scope)}"
                )
        values.append(
            ParameterValue(
                parameter=v["parameter"],
                value=v["value"],
                effective=v["effective"],
                scope=scope,
                floor=v.get("floor", False),
                lowers_floor=v.get("lowers_floor", False),
                citation=citation,
                plugin=plugin,
                source=f"{path.name} values[{index}]",
            )
        )
    return citations, specs, values


def coerce_values(
    values: Iterable[ParameterValue], specs: Mapping[str, ParameterSpec]
) -> list[ParameterValue]:
    """Values converted to their parameters' types; refuses floors on non-numeric units."""
    out = []
    for v in values:
        spec = specs.get(v.parameter)
        if spec is None:
            raise PluginLoadError(
                f"plugin {v.plugin} gives a value of {v.parameter!r}, which no plugin declares"
            )
        try:
            value = spec.coerce(v.value)
        except InvalidValueError as exc:
            source = f"{v.source}: " if v.source else ""
            raise PluginLoadError(
                f"plugin {v.plugin}: {source}value of {v.parameter!r} from "
                f"{v.effective.isoformat()} {exc.problem}"
            ) from None
        if v.floor and not spec.unit.numeric:
            raise PluginLoadError(
                f"plugin {v.plugin}: {v.parameter!r} has unit {spec.unit.value}, which cannot "
                "be a floor"
            )
        out.append(attrs.evolve(v, value=value))
    return out
