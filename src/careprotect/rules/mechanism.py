"""What every rule mechanism shares: how it declares what it reads, and the small base of the
compliance mechanisms.

**Declarations.** A mechanism is an attrs class; each field that names a parameter is made
with :func:`parameter_field`, giving the units the mechanism can read, and each field that
names categories with :func:`category_field`. :func:`declared_parameters` and
:func:`declared_categories` read them back from any rule, and
:func:`careprotect.rules.checks.check_rules` checks them when an Engine is built: every
parameter a rule names is declared by some plugin with one of the units its field allows,
every category it names is registered. A misconfigured rule fails then, naming the rule and
its plugin, never in mid-audit.

**The base.** :class:`Mechanism` holds what every mechanism has (``id``, ``title``,
``citations``, the optional ``required`` flag); :class:`Compliance` is one that gives
findings. :class:`OnDay` judges one subject
on one day (the audit's ``as_of``, or its period's last day) in three steps, so that a
mechanism states only its judgement:

1. :meth:`OnDay.selects`: whether the subject is judged on the day at all (no finding
   when not);
2. the ``required`` flag, when the rule names one: no value in force is *missing input*;
   ``false`` is *not applicable* for a worker, a service point or a division, and no finding
   for a child (a child to whom a duty does not apply is counted, not listed);
3. :meth:`OnDay.judge`: the finding, made through a :class:`Judging` whose
   :meth:`~Judging.value` gives a parameter's value and records its evidence; a parameter
   with no value in force makes the finding *missing input*, naming it.

A mechanism that judges several days or periods (a yearly rule) calls
:meth:`OnDay.judged` for each.
"""

from __future__ import annotations

import abc
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import attrs

from careprotect.divisions import Division, Level
from careprotect.errors import InvalidValueError
from careprotect.findings import Finding, Measure, Message, Outcome, Remedy, SubjectKind
from careprotect.model import Child, ServicePoint, Worker
from careprotect.params import Evidence, Unit
from careprotect.periods import Period
from careprotect.rules.base import Membership, RuleContext, RuleKind
from careprotect.rules.common import count_outcome, judged_day

__all__ = [
    "Compliance",
    "Declared",
    "Judging",
    "Mechanism",
    "NoValueError",
    "OnDay",
    "PerDivision",
    "category_field",
    "declared_categories",
    "declared_parameters",
    "no_value_message",
    "parameter_changes",
    "parameter_field",
    "parameter_metadata",
]

_Found = TypeVar("_Found")

_UNITS = "careprotect.parameter_units"
_CHOICES = "careprotect.parameter_choices"
_CATEGORIES = "careprotect.categories"


def _names_a_parameter(optional: bool) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not value.strip():
            raise InvalidValueError(f"must name a parameter (got {value!r})", field=attribute.name)

    return check


def parameter_field(
    *units: Unit,
    default: Any = attrs.NOTHING,
    choices: Iterable[str] = (),
    converter: Any = None,
    validator: Any = None,
) -> Any:
    """An attrs field naming a parameter the mechanism reads, in one of ``units`` (any unit
    when none is given). Its value is a parameter name, None (when ``default`` is None: the
    rule reads no such parameter), or pairs of (key, parameter name) (rates by residence,
    shares by payer). ``choices``: for a ``choice`` or ``choices`` parameter, the values the
    mechanism knows; the parameter's declared choices must be among them. The field checks
    that it names a parameter unless a ``validator`` is given."""
    check = validator if validator is not None else _names_a_parameter(default is None)
    metadata = parameter_metadata(*units, choices=choices)
    return attrs.field(default=default, converter=converter, validator=check, metadata=metadata)


def parameter_metadata(*units: Unit, choices: Iterable[str] = ()) -> dict[str, Any]:
    """The metadata of a field naming a parameter, for an ``attrs.field`` made by hand (one
    with a converter, whose input type mypy's attrs plugin reads only there): as
    :func:`parameter_field`."""
    return {_UNITS: units, _CHOICES: tuple(str(c) for c in choices)}


def _names_categories(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, tuple) or not all(isinstance(v, str) and v.strip() for v in names):
        raise InvalidValueError(
            f"must be a tuple of non-empty strings (got {value!r})", field=attribute.name
        )


def category_field(*, default: Any = attrs.NOTHING) -> Any:
    """An attrs field naming a category (a text) or categories (a tuple of texts) the
    mechanism reads; each must be registered by some plugin."""
    return attrs.field(default=default, validator=_names_categories, metadata={_CATEGORIES: True})


@attrs.frozen
class Declared:
    """A parameter a rule names: the field naming it, its name, the units the field allows
    (any when empty) and the choices the mechanism knows (any when empty)."""

    field: str
    name: str
    units: tuple[Unit, ...]
    choices: tuple[str, ...] = ()


def _named(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            if isinstance(item, str):
                yield item
            elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):
                yield item[1]


@functools.cache
def _parameter_fields(cls: Any) -> tuple[tuple[str, tuple[Unit, ...], tuple[str, ...]], ...]:
    """The fields of an attrs class made with :func:`parameter_field`: a fact of the class,
    found once."""
    fields: Any = attrs.fields(cls) if attrs.has(cls) else ()
    return tuple(
        (f.name, f.metadata[_UNITS], f.metadata[_CHOICES]) for f in fields if _UNITS in f.metadata
    )


def declared_parameters(rule: Any) -> tuple[Declared, ...]:
    """The parameters ``rule`` names, from its fields made with :func:`parameter_field` (none
    for a rule that is not an attrs class)."""
    return tuple(
        Declared(field, name, units, choices)
        for field, units, choices in _parameter_fields(rule.__class__)
        for name in _named(getattr(rule, field))
    )


def parameter_changes(rule: Any, env: RuleContext) -> Iterator[dt.date]:
    """The days on which a value of a parameter ``rule`` declares takes effect: where what it
    reads from its parameters may change (a category's breakpoints start from these)."""
    values = env.engine.parameters.values
    for field, _, _ in _parameter_fields(rule.__class__):
        for name in _named(getattr(rule, field)):
            for value in values(name):
                yield value.effective


def declared_categories(rule: object) -> tuple[tuple[str, str], ...]:
    """The categories ``rule`` names, as (field, category id), from its fields made with
    :func:`category_field`."""
    cls: Any = type(rule)
    if not attrs.has(cls):
        return ()
    return tuple(
        (f.name, name)
        for f in attrs.fields(cls)
        if f.metadata.get(_CATEGORIES)
        for name in _named(getattr(rule, f.name))
    )


# -- judging ------------------------------------------------------------------------------------

_NOT_IN_FORCE = Message(
    "该要求在{day}不适用（{parameter} 为 false）",
    "The requirement does not apply on {day} ({parameter} is false)",
)
_NO_FLAG = Message(
    "缺少输入：{day}没有生效的 {parameter} 参数值，无法判断该要求是否适用",
    "Missing input: no value of {parameter} is in force on {day}, so whether the "
    "requirement applies is unknown",
)
_NO_FLAG_FOR = Message(
    "缺少输入：{day}对{division}没有生效的 {parameter} 参数值，无法判断该要求是否适用",
    "Missing input: no value of {parameter} is in force for {division} on {day}, so whether "
    "the requirement applies is unknown",
)
_NO_VALUE = Message(
    "缺少输入：{day}没有生效的 {parameter} 参数值",
    "Missing input: no value of {parameter} is in force on {day}",
)
_NO_VALUE_FOR = Message(
    "缺少输入：{day}对{division}没有生效的 {parameter} 参数值",
    "Missing input: no value of {parameter} is in force for {division} on {day}",
)


def no_value_message(name: str, division: Division, day: dt.date) -> Message:
    """The message of a finding about a child that is missing input because no value of
    parameter ``name`` is in force for ``division`` on ``day``."""
    return _NO_VALUE_FOR.format(day=day.isoformat(), division=str(division), parameter=name)


class NoValueError(Exception):
    """Raised by :meth:`Judging.value` when a parameter has no value in force; the base
    turns it into a missing-input finding naming the parameter."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


_Item = Child | Worker | ServicePoint | Division


def _division_of(j: Judging) -> Division:
    return j.item if isinstance(j.item, Division) else j.item.division


@attrs.define(eq=False, repr=False)
class Judging:
    """One judgement in progress: a rule about one subject on one day (``period``: the
    period a yearly rule judges, whose last day is ``day``), with the evidence so far."""

    rule: Any
    item: _Item
    env: RuleContext
    day: dt.date
    period: Period | None
    division: Division = attrs.field(init=False, default=attrs.Factory(_division_of, True))
    evidence: list[Evidence] = attrs.field(init=False, factory=list)

    def value(self, name: str) -> Any:
        """The value of parameter ``name`` in force for the subject's division on the day,
        its evidence recorded; raises :class:`NoValueError` when none is."""
        found = self.env.lookup(name, self.division, self.day)
        if found is None:
            raise NoValueError(name)
        self.evidence.append(found.evidence)
        return found.value

    def member(self, category: str) -> Membership:
        """Whether the child judged is in ``category`` on the day."""
        assert isinstance(self.item, Child)
        return self.env.member(self.item, category, self.day)

    def finding(
        self,
        outcome: Outcome,
        message: Message,
        *,
        facts: Iterable[str] = (),
        measure: Measure | None = None,
    ) -> Finding:
        """The finding, with the evidence so far, on the day, or for the period judged."""
        return self.env.finding(
            self.rule,
            self.item,
            outcome,
            message,
            evidence=self.evidence,
            day=None if self.period is not None else self.day,
            period=self.period,
            facts=facts,
            measure=measure,
        )

    def at_least_one(
        self,
        found: Sequence[_Found],
        on_day: Callable[[_Found, dt.date], bool | None],
        fact: Callable[[_Found, dt.date], str],
        messages: Mapping[Outcome, Message],
        **words: str,
    ) -> Finding:
        """The finding of a division that needs at least one of ``found`` (its service points
        of a kind, its workers of a role) present on the day, as ``on_day`` tells: compliant
        when one certainly is, non-compliant when none is or might be, else missing input. The
        message is that of the outcome in ``messages``, filled with ``division``, ``day`` and
        ``words``; one ``fact`` each of ``found``."""
        day = self.day
        states = [on_day(x, day) for x in found]
        outcome = count_outcome(states.count(True), states.count(None), 1)
        return self.finding(
            outcome,
            messages[outcome].format(division=self.item, day=day.isoformat(), **words),
            facts=tuple(fact(x, day) for x in found),
        )

    def required(self, name: str) -> Finding | bool:
        """The ``required`` flag ``name``: True when the duty applies (its evidence
        recorded); else the finding to give instead, or False for none (see the module)."""
        flag = self.env.lookup(name, self.division, self.day)
        if flag is not None and flag.value:
            self.evidence.append(flag.evidence)
            return True
        day = self.day.isoformat()
        child = isinstance(self.item, Child)
        if flag is None:
            if child:
                message = _NO_FLAG_FOR.format(day=day, division=str(self.division), parameter=name)
                return self.finding(
                    Outcome.MISSING_INPUT,
                    message,
                    facts=(f"no value of {name} in force on {day}",),
                )
            return self.finding(Outcome.MISSING_INPUT, _NO_FLAG.format(day=day, parameter=name))
        if child:
            return False
        self.evidence.append(flag.evidence)
        return self.finding(Outcome.NOT_APPLICABLE, _NOT_IN_FORCE.format(day=day, parameter=name))

    def missing(self, name: str) -> Finding:
        """The missing-input finding for parameter ``name`` with no value in force."""
        day = self.day.isoformat()
        if isinstance(self.item, Child):
            message = no_value_message(name, self.division, self.day)
        else:
            message = _NO_VALUE.format(day=day, parameter=name)
        return self.finding(
            Outcome.MISSING_INPUT, message, facts=(f"no value of {name} in force on {day}",)
        )


@attrs.frozen(kw_only=True)
class Mechanism:
    """What every rule mechanism has; :class:`Compliance` and
    :class:`~careprotect.rules.entitlements.Entitlement` add its kind, a subclass its
    ``subject`` and its own fields.

    :param id: the stable rule id.
    :param title: what the rule requires (or pays), in Chinese and English.
    :param citations: keys of the registering plugin's citations.
    :param required: a ``flag`` parameter: the duty (or the money) applies while its value
        is true.
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    required: str | None = parameter_field(Unit.FLAG, default=None)

    kind: ClassVar[RuleKind]
    subject: ClassVar[SubjectKind]

    def remedy(self, finding: Finding, *, place: str) -> Remedy | None:
        """What would make ``finding`` (non-compliant, of this rule) compliant, at the
        smallest measure the rule can tell; None when it cannot tell (the rectification list
        then gives the finding's message). ``place`` names the finding's division as the
        registry does (its code when it gives no name). Pure: from the finding and the
        rule's own declaration."""
        return None


@attrs.frozen(kw_only=True)
class Compliance(Mechanism):
    """A compliance mechanism: it gives findings."""

    kind: ClassVar[RuleKind] = RuleKind.COMPLIANCE


@attrs.frozen(kw_only=True)
class OnDay(Compliance, abc.ABC):
    """A compliance mechanism that judges a subject on a day (see the module): it gives
    :meth:`judge`, and :meth:`selects` unless it judges every subject of its kind."""

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        """At most one finding about ``subject``, on the day the audit judges."""
        day = judged_day(env)
        if self.selects(subject, day, env):
            finding = self.judged(subject, env, day)
            if finding is not None:
                return (finding,)
        return ()

    def selects(self, subject: Any, day: dt.date, env: RuleContext) -> bool:
        """Whether ``subject`` is judged on ``day`` (all are, unless a mechanism says)."""
        return True

    def judged(
        self, subject: Any, env: RuleContext, day: dt.date, period: Period | None = None
    ) -> Finding | None:
        """The finding about ``subject`` on ``day`` (for ``period``): the ``required`` flag
        checked first, then :meth:`judge`; missing input when a parameter has no value."""
        j = Judging(self, subject, env, day, period)
        if self.required is not None:
            applies = j.required(self.required)
            if applies is not True:
                return applies or None
        try:
            return self.judge(subject, j)
        except NoValueError as missing:
            return j.missing(missing.name)

    @abc.abstractmethod
    def judge(self, subject: Any, j: Judging) -> Finding | None:
        """The finding about ``subject`` (None: nothing to say), made with ``j``."""


@attrs.frozen(kw_only=True)
class PerDivision(OnDay, abc.ABC):
    """A mechanism that judges each division of one ``level`` (the other divisions get no
    finding)."""

    level: Level

    subject: ClassVar[SubjectKind] = SubjectKind.DIVISION

    def selects(self, subject: Division, day: dt.date, env: RuleContext) -> bool:
        """A division of the configured level."""
        return subject.level is self.level
