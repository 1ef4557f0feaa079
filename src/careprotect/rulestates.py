"""Whether each loaded rule's duty is in force on a day or over a period.

An audit on a day before a rule's duty starts gives no finding for it, and silence is easily
read as compliance. Every report therefore lists the rules it evaluates with their state,
computed here once (:meth:`Engine.rule_states <careprotect.engine.Engine.rule_states>`).

**Where the state comes from.** A rule may name a flag parameter (unit ``flag``), its ``required``,
that switches its duty on (or, for an entitlement, the money). The rule is in
force in a division on a day when the value of the flag in force for that division on that
day is ``true``; ``false``, or no value in force (for which the rule reports missing input),
is not in force. The flag is read in every *place* that can answer differently: the rule's
own scope (the nation for a national rule) and each scope of a flag value lying within it. A
place that answers as the place containing it does is left out.

A rule that names no flag (``required`` None, or not a flag parameter) is **in
force**, with no dated start: its duty is taken to hold whenever its parameters have values,
and a missing value shows as missing input in its findings.

**The states**, for the days judged (one day, or the days of a period):

- ``in_force``: in force in every place on every day judged;
- ``partly_in_force``: in force in some place on some day judged, but not everywhere on every
  day (a period during which the duty starts or ends, or a duty in force in part of the
  rule's scope);
- ``not_yet_in_force``: in force nowhere on the days judged, and somewhere later;
- ``no_longer_in_force``: in force nowhere on the days judged, nor later, but somewhere before;
- ``not_in_force``: in force nowhere on any day (the flag is never true).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from careprotect.divisions import Division
from careprotect.params import ParameterTable, Scope, Unit, scope_contains, scope_label
from careprotect.periods import Period

if TYPE_CHECKING:
    from careprotect.engine import Registration

__all__ = ["InForce", "RuleState", "RuleStatus", "flag_of", "rule_states", "rule_status"]

_DAY = dt.timedelta(days=1)


class RuleState(enum.StrEnum):
    """A rule's state over the days judged (see the module's documentation)."""

    IN_FORCE = "in_force"
    PARTLY_IN_FORCE = "partly_in_force"
    NOT_YET_IN_FORCE = "not_yet_in_force"
    NO_LONGER_IN_FORCE = "no_longer_in_force"
    NOT_IN_FORCE = "not_in_force"


@attrs.frozen
class InForce:
    """Days over which a rule is in force in a place: from ``start`` (None: no dated start)
    through ``last`` (None: no end), both included."""

    scope: Scope
    start: dt.date | None
    last: dt.date | None

    def covers(self, day: dt.date) -> bool:
        """Whether the rule is in force on ``day`` by this span."""
        return (self.start is None or self.start <= day) and (self.last is None or day <= self.last)

    def meets(self, first: dt.date, last: dt.date) -> bool:
        """Whether this span and the days ``first`` through ``last`` share a day."""
        return (self.start is None or self.start <= last) and (
            self.last is None or first <= self.last
        )

    def as_dict(self) -> dict[str, Any]:
        """``scope`` (a code or ``national``), ``from`` and ``to`` (dates, or null)."""
        return {
            "scope": scope_label(self.scope),
            "from": None if self.start is None else self.start.isoformat(),
            "to": None if self.last is None else self.last.isoformat(),
        }


Change = tuple[dt.date, Scope]
"""A day and a place: where a rule comes into force (a start) or goes out of force (an end,
the first day no longer in force)."""


@attrs.frozen(kw_only=True)
class RuleStatus:
    """A rule's state over the days ``first`` through ``last``, with the places its flag is
    read in (``places``: the rule's scope first, then each scope of a flag value within it
    that answers differently from the place containing it), every span over which it is in
    force in them, and the changes that explain the state: ``starts``, the days after
    ``first`` on which it comes into force in a place (for a rule not yet or partly in
    force); ``ends``, the first days on which it is no longer in force in a place (before
    ``first`` for a rule no longer in force, during the days judged for one partly in
    force)."""

    rule: str
    state: RuleState
    flag: str | None
    first: dt.date
    last: dt.date
    places: tuple[Scope, ...]
    in_force: tuple[InForce, ...]
    starts: tuple[Change, ...] = ()
    ends: tuple[Change, ...] = ()

    @property
    def in_force_in(self) -> tuple[Scope, ...]:
        """The places in force on some day judged (for a rule partly in force, where)."""
        found: list[Scope] = []
        for span in self.in_force:
            if span.meets(self.first, self.last) and span.scope not in found:
                found.append(span.scope)
        return tuple(found)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``rule``, ``state``, ``flag``, ``starts`` and ``ends`` (each
        ``{"date", "scope"}``), ``places`` (scope codes or ``national``) and ``in_force``
        (each ``{"scope", "from", "to"}``)."""

        def changes(found: Iterable[Change]) -> list[dict[str, str]]:
            return [{"date": d.isoformat(), "scope": scope_label(s)} for d, s in found]

        return {
            "rule": self.rule,
            "state": self.state.value,
            "flag": self.flag,
            "starts": changes(self.starts),
            "ends": changes(self.ends),
            "places": [scope_label(p) for p in self.places],
            "in_force": [span.as_dict() for span in self.in_force],
        }


def flag_of(registered: Registration, parameters: ParameterTable) -> str | None:
    """The flag parameter that switches the rule's duty on, its ``required``, when that names
    a declared ``flag`` parameter; else None."""
    name = getattr(registered.item, "required", None)
    if isinstance(name, str) and name:
        spec = parameters.specs.get(name)
        if spec is not None and spec.unit is Unit.FLAG:
            return name
    return None


def _places(scope: Scope, flag: str, parameters: ParameterTable) -> list[Scope]:
    """The rule's scope and the scopes of the flag's values within it, broadest first."""
    found: list[Scope] = [scope]
    for v in parameters.values(flag):
        inside = v.scope is not None and scope_contains(scope, v.scope)
        if inside and v.scope not in found:
            found.append(v.scope)
    return sorted(
        found, key=lambda s: (0 if s is None else len(s.code), "" if s is None else s.code)
    )


def _spans(
    place: Scope, flag: str, points: Sequence[dt.date], table: ParameterTable
) -> list[tuple[dt.date, dt.date | None]]:
    """The spans (first day, last day or None) over which ``flag`` is true in ``place``."""
    spans: list[tuple[dt.date, dt.date | None]] = []
    start: dt.date | None = None
    for i, point in enumerate(points):
        found = table.find(flag, place, point)
        on = found is not None and found.value is True
        if on and start is None:
            start = point
        elif not on and start is not None:
            spans.append((start, points[i] - _DAY))
            start = None
    if start is not None:
        spans.append((start, None))
    return spans


def _nearest(place: Division, kept: Sequence[Scope]) -> Scope:
    """The most specific of ``kept`` that contains ``place`` (other than itself)."""
    best: Scope = kept[0]
    for other in kept:
        narrower = best is None or (other is not None and len(other.code) > len(best.code))
        if other != place and scope_contains(other, place) and narrower:
            best = other
    return best


def _in_force(
    registered: Registration, flag: str, table: ParameterTable
) -> tuple[list[Scope], tuple[InForce, ...]]:
    """The places (broadest first), a place left out when it answers as the place
    containing it does, and every span over which the rule is in force in them."""
    points = sorted({v.effective for v in table.values(flag)})
    kept: list[Scope] = []
    by_place: dict[Scope, list[tuple[dt.date, dt.date | None]]] = {}
    for place in _places(registered.scope, flag, table):
        spans = _spans(place, flag, points, table)
        inner = place != registered.scope
        if inner and place is not None and by_place[_nearest(place, kept)] == spans:
            continue
        kept.append(place)
        by_place[place] = spans
    return kept, tuple(InForce(place, a, b) for place in kept for a, b in by_place[place])


def _window(when: dt.date | Period, through: dt.date | Period | None) -> tuple[dt.date, dt.date]:
    first = when if isinstance(when, dt.date) else when.start
    end = when if through is None else through
    last = end if isinstance(end, dt.date) else end.last_day
    if last < first:
        raise ValueError(f"the days judged end ({last}) before they start ({first})")
    return first, last


def rule_status(
    registered: Registration,
    parameters: ParameterTable,
    when: dt.date | Period,
    through: dt.date | Period | None = None,
) -> RuleStatus:
    """The state of one registered rule on the day ``when``, over the period ``when``, or
    from ``when`` through ``through`` (a day or the last day of a period)."""
    first, last = _window(when, through)
    flag = flag_of(registered, parameters)
    if flag is None:
        span = InForce(registered.scope, None, None)
        return RuleStatus(
            rule=registered.id,
            state=RuleState.IN_FORCE,
            flag=None,
            first=first,
            last=last,
            places=(registered.scope,),
            in_force=(span,),
        )
    places, spans = _in_force(registered, flag, parameters)

    def of(place: Scope) -> list[InForce]:
        return [s for s in spans if s.scope == place]

    full = all(any(s.covers(first) and s.covers(last) for s in of(p)) for p in places)
    some = any(s.meets(first, last) for s in spans)
    starts: list[Change] = []
    ends: list[Change] = []
    if full:
        state = RuleState.IN_FORCE
    elif some:
        state = RuleState.PARTLY_IN_FORCE
        for s in spans:
            if s.start is not None and first < s.start <= last:
                starts.append((s.start, s.scope))
            if s.last is not None and first <= s.last < last:
                ends.append((s.last + _DAY, s.scope))
    else:
        for p in places:
            later = [s.start for s in of(p) if s.start is not None and s.start > last]
            if later:
                starts.append((min(later), p))
        if starts:
            state = RuleState.NOT_YET_IN_FORCE
        else:
            for p in places:
                before = [s.last for s in of(p) if s.last is not None and s.last < first]
                if before:
                    ends.append((max(before) + _DAY, p))
            state = RuleState.NO_LONGER_IN_FORCE if ends else RuleState.NOT_IN_FORCE
    return RuleStatus(
        rule=registered.id,
        state=state,
        flag=flag,
        first=first,
        last=last,
        places=tuple(places),
        in_force=spans,
        starts=tuple(sorted(starts, key=_order)),
        ends=tuple(sorted(ends, key=_order)),
    )


def _order(change: Change) -> tuple[dt.date, str]:
    return change[0], scope_label(change[1])


def rule_states(
    rules: Iterable[Registration],
    parameters: ParameterTable,
    when: dt.date | Period,
    through: dt.date | Period | None = None,
) -> tuple[RuleStatus, ...]:
    """The state of each of ``rules`` (see :func:`rule_status`), in the order given."""
    return tuple(rule_status(r, parameters, when, through) for r in rules)
