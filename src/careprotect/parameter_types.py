"""The types a parameter is made of: who contributed it, where it comes from, its unit.

:class:`PluginInfo` says who contributed a value or a rule (and its :data:`Scope`);
:class:`Citation` where it comes from, and :class:`Status` how far that is known;
:class:`Unit` what kind of number or choice its values are. :class:`ParameterSpec` declares
a parameter, :class:`ParameterValue` is one dated value of it, and :class:`Evidence` and
:class:`Resolved` what a rule is given when it reads one.

This module sits below :mod:`careprotect.params` (the parameter files and the table that
resolves them) and :mod:`careprotect.parameter_schema` (the files' schema, whose choices of
``status`` and ``unit`` are these enums), so both read the one definition. Every name here is
also importable from :mod:`careprotect.params`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from careprotect.divisions import Division
from careprotect.errors import InvalidValueError
from careprotect.money import yuan

__all__ = [
    "NO_NUMBER",
    "Citation",
    "Evidence",
    "ParameterSpec",
    "ParameterValue",
    "PluginInfo",
    "Resolved",
    "Scope",
    "Status",
    "Unit",
    "json_value",
    "scope_contains",
    "scope_depth",
    "scope_label",
    "weakest",
]

Scope = Division | None
"""A jurisdiction: a division, or None for the whole country."""


def scope_label(scope: Scope) -> str:
    """A scope as text: its code, or ``national``."""
    return "national" if scope is None else str(scope)


def scope_contains(scope: Scope, division: Division | None) -> bool:
    """Whether ``scope`` contains ``division`` (the nation contains everything)."""
    if scope is None:
        return True
    return division is not None and scope.contains(division)


def scope_depth(scope: Scope) -> int:
    """How deep a scope lies: 0 for the nation, else its division's level (more specific is
    deeper)."""
    return 0 if scope is None else int(scope.level)


@attrs.frozen(kw_only=True)
class PluginInfo:
    """Who contributed a value or a rule: a plugin's name, version and scope."""

    name: str
    version: str
    scope: Scope
    title: str = ""

    def __str__(self) -> str:
        return f"{self.name} {self.version} ({scope_label(self.scope)})"


class Status(enum.StrEnum):
    """How far a cited fact is known (POLICY.md, "confidence"), strongest first.

    ``confirmed``: read in the official text or an official page reproducing it;
    ``reported``: from a news report, a provincial copy or another secondary source;
    ``assumed``: a modelling choice where the sources are silent.
    """

    CONFIRMED = "confirmed"
    REPORTED = "reported"
    ASSUMED = "assumed"

    @property
    def rank(self) -> int:
        """0 for confirmed, 1 for reported, 2 for assumed: higher is weaker."""
        return _STATUS_RANK[self]

    @property
    def weak(self) -> bool:
        """Whether an answer resting on this status should be checked (reported, assumed)."""
        return self is not Status.CONFIRMED


_STATUS_RANK = {Status.CONFIRMED: 0, Status.REPORTED: 1, Status.ASSUMED: 2}


def weakest(statuses: Iterable[Status]) -> Status:
    """The weakest of ``statuses`` (confirmed when there are none)."""
    worst, rank = Status.CONFIRMED, 0
    for status in statuses:
        r = _STATUS_RANK[status]
        if r > rank:
            worst, rank = status, r
    return worst


NO_NUMBER = "no number published"
"""What a citation shows for ``document`` when the source publishes no document number."""


@attrs.frozen(kw_only=True)
class Citation:
    """Where a value or a rule comes from, and how far it is known.

    ``document`` is the official number (国办发〔2010〕54号); empty when none is published
    (shown as "no number published"); ``title`` the document's title, or for a news report
    the publication and the article's title; ``clause`` the article or clause; ``date`` the
    date of issue or publication; ``status`` how far the fact is known (:class:`Status`);
    ``verified`` the day the status was last checked; ``url`` a public address where one is
    known; ``note`` what a reader should know (what is uncertain, what was assumed and why).
    """

    key: str
    issuer: str
    document: str
    title: str
    status: Status
    clause: str = ""
    date: dt.date | None = None
    verified: dt.date | None = None
    url: str = ""
    note: str = ""

    def __str__(self) -> str:
        clause = f" {self.clause}" if self.clause else ""
        when = f", {self.date.isoformat()}" if self.date else ""
        return f"{self.issuer}《{self.title}》({self.document or NO_NUMBER}){clause}{when}"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the text users see, the status, and the public address."""
        return {
            "text": str(self),
            "status": self.status.value,
            "url": self.url,
            "verified": self.verified.isoformat() if self.verified else None,
        }


class Unit(enum.StrEnum):
    """The unit, and so the type, of a parameter's values."""

    YUAN_PER_MONTH = "yuan_per_month"
    YUAN = "yuan"
    M2 = "m2"
    COUNT = "count"
    YEARS = "years"
    MONTHS = "months"
    DAYS = "days"
    RATIO = "ratio"
    FLAG = "flag"
    CHOICE = "choice"
    CHOICES = "choices"

    @property
    def numeric(self) -> bool:
        """Whether values of this unit are ordered numbers (and so can be floors)."""
        return self not in (Unit.FLAG, Unit.CHOICE, Unit.CHOICES)


@attrs.frozen(kw_only=True)
class ParameterSpec:
    """A parameter's declaration: name, unit, allowed choices and labels."""

    name: str
    unit: Unit
    zh: str
    en: str
    choices: tuple[str, ...] = ()
    plugin: PluginInfo

    def coerce(self, raw: Any) -> Any:
        """A value from a parameter file as this parameter's type; raises InvalidValueError."""
        unit = self.unit
        if unit in (Unit.YUAN_PER_MONTH, Unit.YUAN):
            if isinstance(raw, float):
                raise InvalidValueError(
                    f"must be an amount written as a string or integer (got {raw!r})"
                )
            return yuan(raw)
        if unit in (Unit.M2, Unit.RATIO):
            if isinstance(raw, bool) or not isinstance(raw, int | str):
                raise InvalidValueError(
                    f"must be a number written as a string or integer (got {raw!r})"
                )
            try:
                number = Decimal(raw)
            except InvalidOperation:
                raise InvalidValueError(f"must be a number (got {raw!r})") from None
            if number < 0 or (unit is Unit.RATIO and number > 1):
                raise InvalidValueError(
                    f"must be {'0 to 1' if unit is Unit.RATIO else 'at least 0'} (got {raw!r})"
                )
            return number
        if unit in (Unit.COUNT, Unit.YEARS, Unit.MONTHS, Unit.DAYS):
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                raise InvalidValueError(f"must be a whole number of {unit.value} (got {raw!r})")
            return raw
        if unit is Unit.FLAG:
            if not isinstance(raw, bool):
                raise InvalidValueError(f"must be true or false (got {raw!r})")
            return raw
        if unit is Unit.CHOICE:
            if raw not in self.choices:
                raise InvalidValueError(f"must be one of {', '.join(self.choices)} (got {raw!r})")
            return raw
        if not isinstance(raw, list) or any(r not in self.choices for r in raw):
            raise InvalidValueError(f"must be a list of {', '.join(self.choices)} (got {raw!r})")
        return tuple(raw)


@attrs.frozen(kw_only=True)
class ParameterValue:
    """One value of a parameter: from ``effective`` on, in ``scope``, from ``plugin``."""

    parameter: str
    value: Any
    effective: dt.date
    scope: Scope
    floor: bool = False
    lowers_floor: bool = False
    """The value is below an earlier floor of the same parameter and scope on purpose (a
    province lowering its own floor); it must cite a source other than that floor's."""
    citation: Citation
    plugin: PluginInfo
    source: str = attrs.field(default="", eq=False, repr=False)
    """Where the value was read (``parameters.toml values[3]``), for messages; empty when it
    was not read from a file."""

    def describe(self) -> str:
        """The value with its scope, date, plugin, source and citation, for load-error
        messages."""
        floor = "floor " if self.floor else ""
        source = f"{self.source}, " if self.source else ""
        return (
            f"{floor}{self.parameter} = {self.value} in {scope_label(self.scope)} from "
            f"{self.effective.isoformat()} (plugin {self.plugin}; {source}{self.citation})"
        )


def json_value(value: Any) -> Any:
    """A parameter's value in JSON-ready form: amounts and other decimals as strings, a
    list of choices as a list; anything else as it is."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


@attrs.frozen(kw_only=True)
class Evidence:
    """A parameter used in an answer: its value, since when, where, and who supplied it."""

    parameter: str
    value: Any
    unit: Unit
    effective: dt.date
    scope: str
    plugin: str
    version: str
    citation: Citation

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (amounts and areas as strings; the citation as
        :meth:`Citation.as_dict` gives it)."""
        return {
            "parameter": self.parameter,
            "value": json_value(self.value),
            "unit": self.unit.value,
            "effective": self.effective.isoformat(),
            "scope": self.scope,
            "plugin": self.plugin,
            "version": self.version,
            "citation": self.citation.as_dict(),
        }


@attrs.frozen
class Resolved:
    """A resolved parameter value and the evidence for it."""

    value: Any
    evidence: Evidence
