"""What the compliance mechanisms share: the day or years an audit judges, the index of
reference data by division, Chinese names of roles, kinds and posts, and the outcome of a
count with uncertain items. (The optional requirement flag and the missing-input finding for
a parameter without a value are :mod:`careprotect.rules.mechanism`'s.)
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

import attrs

from careprotect.divisions import Division
from careprotect.enums import Post, ServicePointKind, WorkerRole
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Message, Outcome
from careprotect.ledger.labels import ENUM_LABELS
from careprotect.masking import scrub
from careprotect.model import ReferenceData, ServicePoint, Worker
from careprotect.periods import Period, PeriodKind, iter_periods
from careprotect.rules.base import RuleContext

__all__ = [
    "KIND_ZH",
    "POST_ZH",
    "ROLE_ZH",
    "ByDivision",
    "ReferenceIndex",
    "check_period_kind",
    "chinese_labels",
    "count_outcome",
    "english",
    "enum_words",
    "judged_day",
    "judged_periods",
    "judged_years",
    "lacking",
    "non_empty_tuple_of",
    "opening_fact",
    "periods_judged",
    "reference_index",
    "service_fact",
    "short_by",
]


def chinese_labels(members: type[enum.Enum]) -> Mapping[Any, str]:
    """The Chinese label of each member of ``members``: the ledger's
    (:data:`careprotect.ledger.labels.ENUM_LABELS`), so that a report names a role, a kind
    of service point, a post or a recipient as the ledger's drop-down lists do."""
    labels = ENUM_LABELS[members]
    return {m: labels[m.value] for m in members}


ROLE_ZH: Mapping[WorkerRole, str] = chinese_labels(WorkerRole)
KIND_ZH: Mapping[ServicePointKind, str] = chinese_labels(ServicePointKind)
POST_ZH: Mapping[Post, str] = chinese_labels(Post)


def english(member: enum.Enum) -> str:
    """A member of an enumeration in English words: its code with spaces, and the possessive
    its code cannot spell ("childrens_home" is "children's home")."""
    words = str(member.value).replace("_", " ")
    return _POSSESSIVE.sub(r"\1's", words)


_POSSESSIVE = re.compile(r"\b(children|women)s\b")


def enum_words(
    members: Iterable[enum.Enum], *, zh_joint: str = "、", en_joint: str = ", "
) -> Message:
    """Members of an enumeration in words: their Chinese labels (those of the ledger,
    :data:`careprotect.ledger.labels.ENUM_LABELS`) and their English words (:func:`english`)."""
    listed = list(members)
    return Message(
        zh_joint.join(ENUM_LABELS[type(m)][m.value] for m in listed),
        en_joint.join(english(m) for m in listed),
    )


# -- what every compliance mechanism shares ---------------------------------------------------


def judged_day(env: RuleContext) -> dt.date:
    """The day a point-in-time rule judges: the audit's ``as_of``, or the last day of its
    ``period``. Raises InvalidValueError for a RuleContext made outside an audit (neither given)."""
    if env.as_of is not None:
        return env.as_of
    if env.period is not None:
        return env.period.last_day
    raise InvalidValueError("needs a day to judge: give the audit 'as_of' or 'period'")


def check_period_kind(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: ``value`` is a :class:`~careprotect.periods.PeriodKind` (the
    calendar period a periodic rule counts over)."""
    if not isinstance(value, PeriodKind):
        kinds = ", ".join(k.value for k in PeriodKind)
        raise InvalidValueError(
            f"must be a PeriodKind, one of {kinds} (got {value!r})", field=attribute.name
        )


Validator = Callable[[Any, "attrs.Attribute[Any]", object], None]
"""The signature of an attrs validator."""


def non_empty_tuple_of(kind: type) -> Validator:
    """An attrs validator: the value is a non-empty tuple of ``kind`` (an enum's members)."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple) or not value or not all(isinstance(v, kind) for v in value):
            raise InvalidValueError(
                f"must be a non-empty tuple of {kind.__name__} (got {value!r})",
                field=attribute.name,
            )

    return check


def judged_periods(
    kind: PeriodKind, *, as_of: dt.date | None, period: Period | None
) -> tuple[Period, ...]:
    """The calendar periods of ``kind`` an audit judges: the one convention every periodic
    rule (contact frequency, yearly training) follows.

    With ``as_of``: the latest complete period ending on or before it (the period containing
    ``as_of`` when ``as_of`` is its last day, else the one before). With ``period``: every
    period of ``kind`` whose last day falls inside ``period``. When the rule's periods nest in
    the audit's (the months of a year) these are the periods inside it; a period that straddles
    the audit's start (a week, or a year for an audit of June to May) is judged by the audit in
    which it ends, so consecutive audits judge every period exactly once. Raises
    InvalidValueError when neither is given.
    """
    if period is not None:
        return tuple(
            p
            for p in iter_periods(kind, period.start, period.last_day)
            if period.contains(p.last_day)
        )
    if as_of is None:
        raise InvalidValueError("needs a day or a period to judge: give 'as_of' or 'period'")
    p = Period.containing(kind, as_of)
    if p.last_day == as_of:
        return (p,)
    if p.start.year == 1 and kind is PeriodKind.YEAR:
        return ()
    return (p.previous(),)


def periods_judged(env: RuleContext, kind: PeriodKind) -> tuple[Period, ...]:
    """The periods of ``kind`` that the run of ``env`` judges (:func:`judged_periods` of its
    ``as_of`` or ``period``), worked out once per run and kept in the run's context: every
    subject of a periodic rule is judged over the same periods."""
    return env.indexed(
        (judged_periods, kind, env.as_of, env.period),
        lambda _: judged_periods(kind, as_of=env.as_of, period=env.period),
    )


def judged_years(env: RuleContext) -> tuple[Period, ...]:
    """The calendar years a yearly rule judges: :func:`judged_periods` for years."""
    return periods_judged(env, PeriodKind.YEAR)


# -- the index ------------------------------------------------------------------------------


class _Placed(Protocol):
    """A record in a division, with an id: a service point or a worker."""

    @property
    def id(self) -> str: ...

    @property
    def division(self) -> Division: ...


_P = TypeVar("_P", bound=_Placed)


def _by(
    items: Iterable[_P], keys: Callable[[Division], tuple[Division, ...]]
) -> dict[Division, tuple[_P, ...]]:
    grouped: dict[Division, list[_P]] = {}
    for item in items:
        for key in keys(item.division):
            grouped.setdefault(key, []).append(item)
    return {k: tuple(v) for k, v in grouped.items()}


def _itself(division: Division) -> tuple[Division]:
    return (division,)


def _and_ancestors(division: Division) -> tuple[Division, ...]:
    return (division, *division.ancestors)


class ByDivision(Generic[_P]):
    """Records of one kind by division, in id order whatever the order of the input, so the
    facts a rule lists from them do not depend on it. Each map is built on first use, in one
    pass over the records."""

    def __init__(self, items: Iterable[_P]) -> None:
        self._items = tuple(sorted(items, key=lambda item: item.id))

    @cached_property
    def at(self) -> Mapping[Division, tuple[_P, ...]]:
        """The records by the division they are recorded in."""
        return _by(self._items, _itself)

    @cached_property
    def within(self) -> Mapping[Division, tuple[_P, ...]]:
        """The records by every division containing theirs (their own included)."""
        return _by(self._items, _and_ancestors)


class ReferenceIndex:
    """Service points and workers of one reference data, by division.

    ``points.at`` maps a division to the service points recorded in exactly that division;
    ``points.within`` to those recorded in it or in any division below it; ``workers.at``
    and ``workers.within`` likewise for the workers (a worker's division is the one it
    serves).
    """

    def __init__(self, reference: ReferenceData) -> None:
        self.points: ByDivision[ServicePoint] = ByDivision(reference.service_points)
        self.workers: ByDivision[Worker] = ByDivision(reference.workers)


def reference_index(env: RuleContext) -> ReferenceIndex:
    """The index of the run's reference data, built once per run and kept by the run's
    context (:meth:`RuleContext.indexed`), never by a rule or a module."""
    return env.indexed(ReferenceIndex, ReferenceIndex)


# -- the mechanisms -------------------------------------------------------------------------


def _standing_fact(
    who: str, state: bool | None, since: dt.date | None, day: dt.date, *, dated: str, being: str
) -> str:
    """Whether ``who`` is ``being`` (open, in post) on ``day``, the fact a rule lists: ``state``
    as the record says (None: the day it began, its ``dated`` date, is not recorded), ``since``
    that day."""
    if state is None:
        return f"{who}: {dated} date not recorded"
    if state:
        assert since is not None
        return f"{who} {being} since {since.isoformat()}"
    return f"{who} not {being} on {day.isoformat()}"


def opening_fact(point: ServicePoint, day: dt.date) -> str:
    who = f"{point.kind.value} {scrub(point.id)}"
    return _standing_fact(
        who, point.open_on(day), point.opened_on, day, dated="opening", being="open"
    )


def service_fact(worker: Worker, day: dt.date) -> str:
    who = f"{worker.role.value} {scrub(worker.id)}"
    return _standing_fact(
        who, worker.in_post_on(day), worker.appointed_on, day, dated="appointment", being="in post"
    )


def count_outcome(certain: int, possible: int, needed: int) -> Outcome:
    """Compliant when ``certain`` reaches ``needed``; non-compliant when even ``certain +
    possible`` does not; otherwise missing input."""
    if certain >= needed:
        return Outcome.COMPLIANT
    if certain + possible < needed:
        return Outcome.NON_COMPLIANT
    return Outcome.MISSING_INPUT


def short_by(finding: Finding) -> Any:
    """How much a finding's measure falls short (required less found: a count or an exact
    amount); None when it has no measure of numbers, or is not short."""
    m = finding.measure
    if m is None or isinstance(m.found, tuple) or isinstance(m.required, tuple):
        return None
    short = m.required - m.found
    return short if short > 0 else None


def lacking(finding: Finding) -> tuple[str, ...]:
    """The items a finding's measure requires and did not find (none when its measure is not
    of items)."""
    m = finding.measure
    if m is None or not isinstance(m.found, tuple) or not isinstance(m.required, tuple):
        return ()
    return tuple(x for x in m.required if x not in m.found)
