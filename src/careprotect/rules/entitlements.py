"""Entitlements: the money a child, a worker or a service point is due, month by month.

An entitlement rule gives :class:`Amount` records instead of findings. Three general
mechanisms cover POLICY.md §6; plugins configure them with their own parameter names:

- :class:`CategoryAllowance`: a monthly allowance for each child in a category, the rate
  chosen by where the child lives (the orphan basic living allowance: scattered in a family,
  or institutional), or one rate whatever the residence (the de facto unsupported child
  allowance: the local scattered-orphan rate, 民发〔2019〕62号);
- :class:`PostAllowance`: a monthly post allowance per worker of a role, per month of service
  (Hunan's child directors, seed 002 §5.2);
- :class:`ConstructionGrant`: a one-off grant per service point of a kind opened in the
  period, split by level of government (Hunan's children's homes: 10000 from the province,
  20000 from city and county, seed 002 §5.2).

**Which months count.** When eligibility starts or ends within a month, the parameter
``entitlement.partial_month`` decides, for the subject's division, as in force on the month's
first day (see :class:`PartialMonth`). The national default, a documented modelling choice, is
``eligible_on_first_day``: a month counts when the subject is eligible on its first day. The
same *deciding day* picks the residence (family or institution) and the values of every
parameter the month uses.

**Missing input.** An entitlement never drops a subject that might be due money. Where the
input cannot decide (category undecided, residence not recorded on the deciding day, no value
in force, appointment or opening date unknown), the rule gives an :class:`Amount` whose
``amount`` is None and whose ``missing`` says why. Never a zero, never a guess.

:func:`entitlements` runs every registered entitlement rule over a registry; :class:`Totals`
adds the amounts up by county, payer level and rule. See docs/entitlements.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import attrs

from careprotect.divisions import Division
from careprotect.enums import ResidenceKind, ServicePointKind, WorkerRole
from careprotect.errors import InvalidValueError, ParameterError, PluginLoadError
from careprotect.findings import Finding, Message, Subject, SubjectKind, rests_on
from careprotect.masking import scrub
from careprotect.model import Child, ServicePoint, Worker
from careprotect.money import CENT
from careprotect.params import Citation, Evidence, Resolved, Status, Unit
from careprotect.periods import Period, PeriodKind
from careprotect.rules.base import RuleContext, RuleKind, subject_of

if TYPE_CHECKING:
    from careprotect.engine import Engine
    from careprotect.params import ParameterTable

__all__ = [
    "NATIONAL_RULES",
    "PARTIAL_MONTH",
    "Amount",
    "CategoryAllowance",
    "ConstructionGrant",
    "EntitlementRule",
    "PartialMonth",
    "PostAllowance",
    "amount_record",
    "months_of",
]

PARTIAL_MONTH = "entitlement.partial_month"
"""The parameter that says which months count when eligibility changes mid-month."""

_ZERO = Decimal("0.00")


class PartialMonth(enum.StrEnum):
    """The choices of ``entitlement.partial_month``: which day of a month decides it.

    The deciding day also picks the residence and the parameter values the month uses.
    """

    FIRST_DAY = "eligible_on_first_day"
    """The month counts if the subject is eligible on its first day (the national default):
    a child who becomes eligible on the 15th is paid from the next month, and is paid for
    the month in which eligibility ends (unless it ends on the 1st)."""

    ANY_DAY = "eligible_any_day"
    """The month counts if the subject is eligible on any of its days; the deciding day is
    the first eligible day of the month."""

    LAST_DAY = "eligible_on_last_day"
    """The month counts if the subject is eligible on its last day."""


def months_of(period: Period) -> tuple[Period, ...]:
    """The months of a month, quarter or year, in order (a week is refused)."""
    if not isinstance(period, Period) or period.kind is PeriodKind.WEEK:
        raise InvalidValueError(
            f"must be a month, quarter or year Period (got {period!r})", field="period"
        )
    return _months_of(period)


@functools.lru_cache(maxsize=1024)
def _months_of(period: Period) -> tuple[Period, ...]:
    months = [Period(PeriodKind.MONTH, period.start)]
    while months[-1].end < period.end:
        months.append(months[-1].next())
    return tuple(months)


# -- the record --------------------------------------------------------------------------------


def _amount_ok(instance: Amount, attribute: attrs.Attribute[Any], value: Decimal | None) -> None:
    if value is None:
        if not instance.missing:
            raise InvalidValueError("may be None only with a 'missing' reason", field="amount")
        return
    if not isinstance(value, Decimal) or value != value.quantize(CENT) or value < 0:
        raise InvalidValueError(
            f"must be None or a Decimal amount in yuan of at least 0 with two places "
            f"(got {value!r})",
            field="amount",
        )
    if instance.missing:
        raise InvalidValueError("must be None when 'missing' gives a reason", field="amount")


def _month_ok(instance: Amount, attribute: attrs.Attribute[Any], value: Period | None) -> None:
    if value is not None and value.kind is not PeriodKind.MONTH:
        raise InvalidValueError(f"must be a month Period (got '{value}')", field="month")


@attrs.frozen(kw_only=True)
class Amount:
    """What one entitlement rule gives one subject for one month, or once (a grant).

    ``subject`` is masked (as in findings). ``month`` is the month of a monthly amount and
    None for a one-off grant. ``day`` is the day that decided the record: for a monthly
    amount the deciding day of the partial-month rule (which fixes eligibility, residence and
    parameter values); for a grant the service point's opening day; None when the input
    cannot name one. ``amount`` is exact yuan with two places, never negative, or None for
    missing input, and then ``missing`` says why. ``payer`` is the level of government that
    pays a share of a split grant (``province``, ``prefecture_county``, ...), or ``""`` when
    the amount is not split. ``evidence`` lists every parameter used; ``facts`` why the
    subject is eligible. ``failed`` marks the amount of a rule that failed for the subject (it
    raised, or gave something that is not an Amount): ``amount`` is then None and ``missing``
    starts with ``the rule failed:`` and names the exception (see :mod:`careprotect.faults`).
    """

    rule: str
    subject: Subject
    division: Division
    month: Period | None = attrs.field(default=None, validator=_month_ok)
    day: dt.date | None = None
    missing: str = ""
    amount: Decimal | None = attrs.field(validator=_amount_ok)
    payer: str = ""
    evidence: tuple[Evidence, ...] = ()
    citations: tuple[Citation, ...] = ()
    facts: tuple[str, ...] = ()
    failed: bool = False

    @property
    def rests_on(self) -> Status:
        """The weakest status among the amount's citations and its evidence's citations
        (:func:`careprotect.findings.rests_on`)."""
        return rests_on(self.citations, self.evidence)

    @property
    def is_missing(self) -> bool:
        """Whether the input cannot decide the amount (``amount`` is None)."""
        return self.amount is None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form; every key is always present (docs/entitlements.md)."""
        subject: dict[str, Any] = {"kind": self.subject.kind.value, "id": self.subject.id}
        if self.subject.name:
            subject["name"] = self.subject.name
        return {
            "rule": self.rule,
            "subject": subject,
            "division": str(self.division),
            "month": None if self.month is None else str(self.month),
            "date": None if self.day is None else self.day.isoformat(),
            "amount": None if self.amount is None else str(self.amount),
            "payer": self.payer,
            "missing": self.missing or None,
            "facts": list(self.facts),
            "citations": [c.as_dict() for c in self.citations],
            "evidence": [e.as_dict() for e in self.evidence],
            "rests_on": self.rests_on.value,
        }


def amount_record(
    rule: EntitlementRule,
    item: Child | Worker | ServicePoint,
    env: RuleContext,
    *,
    amount: Decimal | None,
    month: Period | None = None,
    day: dt.date | None = None,
    missing: str = "",
    payer: str = "",
    evidence: Iterable[Evidence] = (),
    facts: Iterable[str] = (),
    failed: bool = False,
) -> Amount:
    """An Amount of ``rule`` about ``item``: masked subject, the rule's citations (a runner
    uses it for the one failed Amount of a rule that raised)."""
    subject, division = subject_of(item)
    return Amount(
        rule=rule.id,
        subject=subject,
        division=division,
        month=month,
        day=day,
        missing=missing,
        amount=amount,
        payer=payer,
        evidence=tuple(evidence),
        citations=env.citations,
        facts=tuple(facts),
        failed=failed,
    )


# -- the protocol ------------------------------------------------------------------------------


class EntitlementRule(Protocol):
    """A rule of kind :attr:`RuleKind.ENTITLEMENT`: it gives amounts, not findings.

    It also has the :class:`~careprotect.rules.base.Rule` members, so plugins register it
    through ``careprotect_rules``; its ``evaluate`` gives no finding.
    """

    @property
    def id(self) -> str:
        """A stable id, listed in docs/entitlements.md."""
        ...

    @property
    def kind(self) -> RuleKind:
        """Always :attr:`RuleKind.ENTITLEMENT`."""
        ...

    @property
    def subject(self) -> SubjectKind:
        """The kind of subject that receives the money."""
        ...

    @property
    def title(self) -> Message:
        """The entitlement's name in Chinese and English."""
        ...

    @property
    def citations(self) -> tuple[str, ...]:
        """Keys of the plugin's citations the entitlement rests on."""
        ...

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        """No findings: an entitlement gives amounts."""
        ...

    def amounts(self, subject: Any, period: Period, env: RuleContext) -> Iterable[Amount]:
        """The amounts for one subject over ``period`` (a month, quarter or year): one per
        month counted (or missing) for a monthly entitlement, one per payer for a grant."""
        ...

    def check(self, engine: Engine) -> None:
        """Raise PluginLoadError if the rule's parameters or category do not fit it."""
        ...


# -- shared machinery of the monthly entitlements ----------------------------------------------


@attrs.frozen
class _Status:
    """Whether a subject is eligible on a day (None: cannot tell), why, and with what."""

    eligible: bool | None
    facts: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""


_NOT = _Status(False)


def _gate(gate: str | None, division: Division, day: dt.date, env: RuleContext) -> _Status:
    """The gate flag on ``day``: eligible when true, not when false, undecided when none."""
    if gate is None:
        return _Status(True)
    flag = env.lookup(gate, division, day)
    if flag is None:
        return _Status(None, reason=f"no value of {gate} in force on {day.isoformat()}")
    if not flag.value:
        return _NOT
    return _Status(True, evidence=(flag.evidence,))


def _both(first: _Status, second: _Status) -> _Status:
    """Eligible when both are; not when either is not; otherwise undecided."""
    if first.eligible is False or second.eligible is False:
        return _NOT
    reason = "; ".join(r for r in (first.reason, second.reason) if r)
    eligible = None if first.eligible is None or second.eligible is None else True
    return _Status(eligible, first.facts + second.facts, first.evidence + second.evidence, reason)


def _gate_points(name: str | None, env: RuleContext) -> list[dt.date]:
    """The days a parameter's values take effect (where a gate may open or close)."""
    if name is None:
        return []
    return [v.effective for v in env.engine.parameters.values(name)]


_HOW = {
    PartialMonth.FIRST_DAY: "the month's first day",
    PartialMonth.ANY_DAY: "its first eligible day in the month",
    PartialMonth.LAST_DAY: "the month's last day",
}


@attrs.frozen
class _Month:
    """A month counted (or undecided) by the partial-month rule."""

    month: Period
    day: dt.date
    status: _Status
    choice: Evidence
    whole: bool
    """Whether the subject may be eligible on every day of the month (no day of it is
    ineligible), so that every choice of the partial-month rule counts it alike."""

    @property
    def fact(self) -> str:
        how = _HOW[PartialMonth(self.choice.value)]
        whole = "; the whole month, whichever day decides" if self.whole else ""
        return (
            f"{self.month} decided on {self.day.isoformat()}, {how} "
            f"({self.choice.parameter} = {self.choice.value}){whole}"
        )

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """The partial-month rule's value, when it decided whether the month counts: a
        month in which the subject is eligible on every day counts under every choice, so
        its amount does not rest on the choice (nor on its citation's status)."""
        return () if self.whole else (self.choice,)


def _counted_months(
    period: Period,
    division: Division,
    env: RuleContext,
    partial_month: str,
    status: Callable[[dt.date], _Status],
    points: Iterable[dt.date],
) -> Iterator[_Month | tuple[Period, str]]:
    """For each month of ``period`` in which the subject may be eligible on some day: the
    month as decided by the partial-month rule (its status may be undecided), or
    ``(month, reason)`` when the rule itself has no value in force. Months in which the
    subject is eligible on no day are skipped; so are months the rule does not count."""
    ordered = sorted(set(points))
    for month in months_of(period):
        lo = bisect.bisect_right(ordered, month.start)
        hi = bisect.bisect_left(ordered, month.end)
        candidates = [month.start, *ordered[lo:hi]]
        statuses = [(day, status(day)) for day in candidates]
        if all(s.eligible is False for _, s in statuses):
            continue
        found = env.lookup(partial_month, division, month.start)
        if found is None:
            yield month, f"no value of {partial_month} in force on {month.start.isoformat()}"
            continue
        try:
            choice = PartialMonth(found.value)
        except ValueError:
            raise ParameterError(
                f"{partial_month} must be one of {', '.join(PartialMonth)} "
                f"(got {found.value!r} from plugin {found.evidence.plugin})"
            ) from None
        if choice is PartialMonth.FIRST_DAY:
            day, decided = statuses[0]
        elif choice is PartialMonth.LAST_DAY:
            day = month.last_day
            decided = status(day)
        else:
            eligible = [(d, s) for d, s in statuses if s.eligible]
            undecided = [(d, s) for d, s in statuses if s.eligible is None]
            day, decided = (eligible or undecided)[0]
        if decided.eligible is not False:
            whole = all(s.eligible is not False for _, s in statuses)
            yield _Month(month, day, decided, found.evidence, whole)


def _money(resolved: Resolved) -> Decimal | None:
    value = resolved.value
    return value if isinstance(value, Decimal) and value >= 0 else None


def _bad_value(resolved: Resolved) -> str:
    e = resolved.evidence
    return (
        f"{e.parameter} = {e.value!r} in {e.scope} from {e.effective.isoformat()} "
        f"(plugin {e.plugin}) is not an amount of at least 0"
    )


def _declared(engine: Engine, rule_id: str, name: str, units: Iterable[Unit]) -> None:
    """Raise PluginLoadError unless ``name`` is declared with one of ``units``."""
    units = tuple(units)
    try:
        spec = engine.parameters.spec(name)
    except ParameterError:
        raise PluginLoadError(
            f"entitlement {rule_id!r} uses parameter {name!r}, which no plugin declares"
        ) from None
    if spec.unit not in units:
        raise PluginLoadError(
            f"entitlement {rule_id!r} needs {name!r} in {' or '.join(units)} "
            f"(declared {spec.unit.value} by plugin {spec.plugin})"
        )


def _check_partial_month(engine: Engine, rule_id: str, name: str) -> None:
    _declared(engine, rule_id, name, [Unit.CHOICE])
    spec = engine.parameters.spec(name)
    unknown = [c for c in spec.choices if c not in set(PartialMonth)]
    if unknown:
        raise PluginLoadError(
            f"entitlement {rule_id!r}: {name!r} has choices {unknown} that careprotect does "
            f"not know; expected among {', '.join(PartialMonth)}"
        )


def _rates(
    value: Mapping[ResidenceKind, str] | str,
) -> str | tuple[tuple[ResidenceKind, str], ...]:
    if isinstance(value, str):
        return value
    return tuple((ResidenceKind(k), v) for k, v in sorted(value.items()))


def _every_residence(
    instance: CategoryAllowance,
    attribute: attrs.Attribute[Any],
    value: str | tuple[tuple[ResidenceKind, str], ...],
) -> None:
    if isinstance(value, str):
        return
    missing = [k.value for k in ResidenceKind if k not in dict(value)]
    if missing:
        raise InvalidValueError(
            f"must name a parameter for every residence kind, or be one parameter name "
            f"(missing {', '.join(missing)})",
            field=attribute.name,
        )


def _since(spans: list[tuple[dt.date, dt.date, Any]], day: dt.date) -> dt.date:
    starts = [a for a, _, _ in spans]
    return spans[bisect.bisect_right(starts, day) - 1][0]


def _residence_fact(child: Child, day: dt.date) -> str | None:
    r = child.residence_on(day)
    if r is None:
        return None
    if r.kind is ResidenceKind.INSTITUTION:
        return (
            f"institutional: lives in institution {scrub(r.institution or '')} "
            f"since {r.start.isoformat()}"
        )
    return f"scattered: lives in a family since {r.start.isoformat()}"


# -- the three mechanisms ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CategoryAllowance:
    """A monthly allowance for each child in ``category``.

    :param amount_params: the ``yuan_per_month`` parameter for each
        :class:`~careprotect.enums.ResidenceKind` (every kind must be named), the rate chosen
        by where the child lives on the deciding day; or one parameter name, the rate whatever
        the residence (the residence is then not needed).
    :param gate: a ``flag`` parameter that must be true on the deciding day (the allowance
        exists from the day it is true); with no value in force the month is missing input.
    :param partial_month: the ``choice`` parameter of :class:`PartialMonth`.
    :param defined_from: a parameter of the category's definition (its age limit) whose
        first value in force for the child's division marks the day the category, and so
        the allowance, exists. Before it nothing is due: the categories answer "undecided"
        for every child before their definition takes effect, which would otherwise make
        every child in a registry "missing input" for those months.

    A month counts according to ``partial_month``; on the deciding day the child must be in
    the category (undecided membership is missing input), the gate true, and, for a rate by
    residence, a residence recorded (none is missing input, never read as "family").
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    category: str
    amount_params: str | tuple[tuple[ResidenceKind, str], ...] = attrs.field(
        converter=_rates, validator=_every_residence
    )
    gate: str | None = None
    partial_month: str = PARTIAL_MONTH
    defined_from: str | None = None

    kind: ClassVar[RuleKind] = RuleKind.ENTITLEMENT
    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        """No findings: see :meth:`amounts`."""
        return ()

    def check(self, engine: Engine) -> None:
        """The category is registered, the rates are ``yuan_per_month``, the gate a
        ``flag``, the partial-month parameter a known ``choice``."""
        if self.category not in {c.id for c in engine.categories}:
            raise PluginLoadError(
                f"entitlement {self.id!r} uses category {self.category!r}, which no plugin "
                "registers"
            )
        rates = (
            [self.amount_params]
            if isinstance(self.amount_params, str)
            else [p for _, p in self.amount_params]
        )
        for name in rates:
            _declared(engine, self.id, name, [Unit.YUAN_PER_MONTH])
        if self.gate is not None:
            _declared(engine, self.id, self.gate, [Unit.FLAG])
        if self.defined_from is not None:
            engine.parameters.spec(self.defined_from)
        _check_partial_month(engine, self.id, self.partial_month)

    def amounts(self, subject: Child, period: Period, env: RuleContext) -> Iterator[Amount]:
        """One Amount per month of ``period`` that counts for ``subject`` (or is missing
        input), in month order."""
        child = subject
        months_of(period)
        if child.birth_date >= period.end:
            return
        spans = list(env.member_spans(child, self.category, child.birth_date, period.end))
        if all(m.member is False for a, b, m in spans if b > period.start):
            return  # never in the category during the period: nothing due, nothing missing

        def status(day: dt.date) -> _Status:
            if day < child.birth_date:
                return _NOT
            if (
                self.defined_from is not None
                and env.lookup(self.defined_from, child.division, day) is None
            ):
                return _NOT
            m = env.member(child, self.category, day)
            if m.member is False:
                return _NOT
            if m.member is None:
                why = "; ".join(m.facts) or "the file cannot tell"
                member = _Status(
                    None,
                    m.facts,
                    m.evidence,
                    f"{self.category} undecided on {day.isoformat()}: {why}",
                )
            else:
                since = _since(spans, day).isoformat()
                member = _Status(True, (f"{self.category} from {since}", *m.facts), m.evidence)
            return _both(member, _gate(self.gate, child.division, day, env))

        points = [
            child.birth_date,
            *(a for a, _, _ in spans),
            *_gate_points(self.gate, env),
            *_gate_points(self.defined_from, env),
        ]
        for counted in _counted_months(
            period, child.division, env, self.partial_month, status, points
        ):
            if isinstance(counted, tuple):
                month, reason = counted
                yield amount_record(self, child, env, amount=None, month=month, missing=reason)
                continue
            yield self._priced(child, counted, env)

    def _priced(self, child: Child, counted: _Month, env: RuleContext) -> Amount:
        day, s = counted.day, counted.status
        evidence = [*s.evidence, *counted.evidence]
        facts = [*s.facts]
        residence = _residence_fact(child, day)
        if residence is not None:
            facts.append(residence)
        facts.append(counted.fact)

        def gap(reason: str) -> Amount:
            return amount_record(
                self,
                child,
                env,
                amount=None,
                month=counted.month,
                day=day,
                missing=reason,
                evidence=evidence,
                facts=facts,
            )

        if s.eligible is None:
            return gap(s.reason)
        if isinstance(self.amount_params, str):
            param = self.amount_params
        else:
            r = child.residence_on(day)
            if r is None:
                return gap(f"no residence recorded on {day.isoformat()}")
            param = dict(self.amount_params)[r.kind]
        rate = env.lookup(param, child.division, day)
        if rate is None:
            return gap(f"no value of {param} in force on {day.isoformat()}")
        evidence.append(rate.evidence)
        value = _money(rate)
        if value is None:
            return gap(_bad_value(rate))
        return amount_record(
            self,
            child,
            env,
            amount=value,
            month=counted.month,
            day=day,
            evidence=evidence,
            facts=facts,
        )


@attrs.frozen(kw_only=True)
class PostAllowance:
    """A monthly post allowance for each worker of ``role``, per month of service.

    Service runs from ``appointed_on`` to the day before ``left_on``; which months count is
    the partial-month rule's, and the rate is ``amount_param`` (``yuan_per_month``) in force
    for the worker's division on the deciding day. An unknown appointment date is missing
    input for every month before the worker left (if known).
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    role: WorkerRole
    amount_param: str
    gate: str | None = None
    partial_month: str = PARTIAL_MONTH

    kind: ClassVar[RuleKind] = RuleKind.ENTITLEMENT
    subject: ClassVar[SubjectKind] = SubjectKind.WORKER

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        """No findings: see :meth:`amounts`."""
        return ()

    def check(self, engine: Engine) -> None:
        """The rate is ``yuan_per_month``, the gate a ``flag``, the partial-month parameter
        a known ``choice``."""
        _declared(engine, self.id, self.amount_param, [Unit.YUAN_PER_MONTH])
        if self.gate is not None:
            _declared(engine, self.id, self.gate, [Unit.FLAG])
        _check_partial_month(engine, self.id, self.partial_month)

    def amounts(self, subject: Worker, period: Period, env: RuleContext) -> Iterator[Amount]:
        """One Amount per month of service in ``period`` (or missing input), in order."""
        worker = subject
        months_of(period)
        if worker.role is not self.role:
            return
        role = worker.role.value

        def status(day: dt.date) -> _Status:
            in_post = worker.in_post_on(day)
            if in_post is False:
                return _NOT
            if in_post is None:
                served = _Status(None, reason=f"{role}: appointment date unknown")
            else:
                assert worker.appointed_on is not None
                served = _Status(True, (f"{role} in post from {worker.appointed_on.isoformat()}",))
            return _both(served, _gate(self.gate, worker.division, day, env))

        points = [d for d in (worker.appointed_on, worker.left_on) if d is not None] + _gate_points(
            self.gate, env
        )
        for counted in _counted_months(
            period, worker.division, env, self.partial_month, status, points
        ):
            if isinstance(counted, tuple):
                month, reason = counted
                yield amount_record(self, worker, env, amount=None, month=month, missing=reason)
                continue
            yield self._priced(worker, counted, env)

    def _priced(self, worker: Worker, counted: _Month, env: RuleContext) -> Amount:
        day, s = counted.day, counted.status
        evidence = [*s.evidence, *counted.evidence]
        facts = [*s.facts, counted.fact]
        missing = s.reason
        value: Decimal | None = None
        if not missing:
            rate = env.lookup(self.amount_param, worker.division, day)
            if rate is None:
                missing = f"no value of {self.amount_param} in force on {day.isoformat()}"
            else:
                evidence.append(rate.evidence)
                value = _money(rate)
                if value is None:
                    missing = _bad_value(rate)
        return amount_record(
            self,
            worker,
            env,
            amount=value,
            month=counted.month,
            day=day,
            missing=missing,
            evidence=evidence,
            facts=facts,
        )


def _shares(value: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in value.items())


def _some_shares(
    instance: ConstructionGrant, attribute: attrs.Attribute[Any], value: tuple[Any, ...]
) -> None:
    if not value:
        raise InvalidValueError("must name at least one payer level", field=attribute.name)
    for payer, _ in value:
        if not payer.strip():
            raise InvalidValueError("must not have an empty payer level", field=attribute.name)


@attrs.frozen(kw_only=True)
class ConstructionGrant:
    """A one-off grant for each service point of ``service_point_kind`` opened in the period.

    :param total_param: the ``yuan`` parameter of the whole grant.
    :param shares: payer level (``province``, ``prefecture_county``, ...) to the ``yuan``
        parameter of its share, in the order the amounts are given.

    Values are those in force for the point's division on its opening day. The shares must
    add up to the total: :meth:`check` refuses values that do not (when the engine checks
    its rules), and at evaluation a mismatch gives missing-input amounts naming the values,
    never an amount that may be wrong. An unknown opening date is missing input unless the
    point closed before the period.
    """

    id: str
    title: Message
    citations: tuple[str, ...]
    service_point_kind: ServicePointKind
    total_param: str
    shares: tuple[tuple[str, str], ...] = attrs.field(converter=_shares, validator=_some_shares)
    gate: str | None = None

    kind: ClassVar[RuleKind] = RuleKind.ENTITLEMENT
    subject: ClassVar[SubjectKind] = SubjectKind.SERVICE_POINT

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        """No findings: see :meth:`amounts`."""
        return ()

    def _params(self) -> list[str]:
        return [self.total_param, *(p for _, p in self.shares)]

    def check(self, engine: Engine) -> None:
        """The parameters are ``yuan``, the gate a ``flag``, and wherever and whenever the
        total and every share are in force, the shares add up to the total."""
        for name in self._params():
            _declared(engine, self.id, name, [Unit.YUAN])
        if self.gate is not None:
            _declared(engine, self.id, self.gate, [Unit.FLAG])
        problem = _split_problem(self, engine.parameters)
        if problem is not None:
            raise PluginLoadError(f"entitlement {self.id!r}: {problem}")

    def amounts(self, subject: ServicePoint, period: Period, env: RuleContext) -> Iterator[Amount]:
        """One Amount per payer level if the point opened in ``period``; one missing-input
        Amount when the opening date is unknown or the grant's values are not in force."""
        point = subject
        months_of(period)
        if point.kind is not self.service_point_kind:
            return
        opened = point.opened_on
        label = point.kind.value
        if opened is None:
            if point.closed_on is not None and point.closed_on <= period.start:
                return
            yield amount_record(
                self, point, env, amount=None, missing=f"{label}: opening date unknown"
            )
            return
        if not period.contains(opened):
            return
        facts = [f"{label} opened on {opened.isoformat()}"]
        gate = _gate(self.gate, point.division, opened, env)
        if gate.eligible is False:
            return
        evidence = list(gate.evidence)
        if gate.eligible is None:
            yield amount_record(
                self, point, env, amount=None, day=opened, missing=gate.reason, facts=facts
            )
            return
        total = env.lookup(self.total_param, point.division, opened)
        if total is None:
            yield amount_record(
                self,
                point,
                env,
                amount=None,
                day=opened,
                missing=f"no value of {self.total_param} in force on {opened.isoformat()}",
                evidence=evidence,
                facts=facts,
            )
            return
        evidence.append(total.evidence)
        found = [(payer, env.lookup(p, point.division, opened), p) for payer, p in self.shares]
        problem = ""
        values = [(payer, r) for payer, r, _ in found if r is not None]
        if len(values) == len(found):
            problem = _mismatch(total, values) or ""
        for payer, share, name in found:
            share_evidence = [*evidence] if share is None else [*evidence, share.evidence]
            missing = problem
            value: Decimal | None = None
            if share is None:
                missing = f"no value of {name} in force on {opened.isoformat()}"
            elif not missing:
                value = _money(share)
                if value is None:
                    missing = _bad_value(share)
            yield amount_record(
                self,
                point,
                env,
                amount=value,
                day=opened,
                payer=payer,
                missing=missing,
                evidence=share_evidence,
                facts=facts,
            )


def _mismatch(total: Resolved, shares: list[tuple[str, Resolved]]) -> str | None:
    """Why the shares do not add up to the total, or None when they do."""
    added = sum((r.value for _, r in shares), _ZERO)
    if added == total.value:
        return None
    parts = " + ".join(f"{payer} {r.value}" for payer, r in shares)
    sources = "; ".join(
        f"{r.evidence.parameter} from {r.evidence.effective.isoformat()} in {r.evidence.scope} "
        f"(plugin {r.evidence.plugin})"
        for r in [total, *(r for _, r in shares)]
    )
    return f"the shares ({parts} = {added}) do not add up to the total {total.value} [{sources}]"


def _split_problem(grant: ConstructionGrant, table: ParameterTable) -> str | None:
    """The first place and day where the grant's shares do not add up to its total.

    Resolution changes only at a value's effective date, and for a division it equals the
    resolution for the most specific scope of any of the parameters' values containing it,
    so checking each such scope (and the nation) on each effective date covers every case.
    """
    names = grant._params()
    values = [v for name in names for v in table.values(name)]
    scopes: set[Division | None] = {None, *(v.scope for v in values)}
    days = sorted({v.effective for v in values})
    for scope in sorted(scopes, key=lambda s: "" if s is None else s.code12):
        for day in days:
            total = table.find(grant.total_param, scope, day)
            shares = [(payer, table.find(p, scope, day)) for payer, p in grant.shares]
            if total is None or any(r is None for _, r in shares):
                continue
            problem = _mismatch(total, [(payer, r) for payer, r in shares if r is not None])
            if problem is not None:
                where = "national" if scope is None else str(scope)
                return f"in {where} on {day.isoformat()}: {problem}"
    return None


# -- the national entitlements -----------------------------------------------------------------

NATIONAL_RULES: tuple[CategoryAllowance, ...] = (
    CategoryAllowance(
        id="orphan.allowance",
        title=Message("孤儿基本生活费", "Orphan basic living allowance"),
        citations=("mof-mca-2010-orphan-allowance", "mca-2009-orphan-guideline", "gbf-2010-54"),
        category="orphan",
        amount_params={
            ResidenceKind.FAMILY: "orphan.allowance.scattered",
            ResidenceKind.INSTITUTION: "orphan.allowance.institutional",
        },
        defined_from="orphan.max_age",
    ),
    CategoryAllowance(
        id="de_facto_unsupported.allowance",
        title=Message(
            "事实无人抚养儿童基本生活补贴", "De facto unsupported child basic living allowance"
        ),
        citations=("mf-2019-62", "mf-2019-62-standard"),
        category="de_facto_unsupported",
        amount_params="orphan.allowance.scattered",
        gate="de_facto_unsupported.allowance_applies",
        defined_from="de_facto_unsupported.max_age",
    ),
)
"""The national entitlements (POLICY.md §6), registered by the national plugin."""
