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

The record, the protocol and the partial-month rule are in :mod:`careprotect.rules.amounts`
(and importable from here). See docs/entitlements.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from careprotect.divisions import Division
from careprotect.enums import ResidenceKind, ServicePointKind, WorkerRole
from careprotect.errors import InvalidValueError, PluginLoadError
from careprotect.findings import Finding, SubjectKind
from careprotect.masking import scrub
from careprotect.model import Child, ServicePoint, Worker
from careprotect.params import Evidence, Resolved, Unit
from careprotect.periods import Period
from careprotect.rules.amounts import (
    NOT_ELIGIBLE,
    PARTIAL_MONTH,
    ZERO,
    Amount,
    CountedMonth,
    Eligibility,
    EntitlementRule,
    PartialMonth,
    amount_record,
    both,
    change_days,
    flag_status,
    money_in_force,
    monthly_amounts,
    months_of,
)
from careprotect.rules.base import RuleContext, RuleKind
from careprotect.rules.mechanism import (
    Mechanism,
    category_field,
    parameter_field,
    parameter_metadata,
)

if TYPE_CHECKING:
    from careprotect.engine import Engine
    from careprotect.params import ParameterTable

__all__ = [
    "PARTIAL_MONTH",
    "Amount",
    "CategoryAllowance",
    "ConstructionGrant",
    "Entitlement",
    "EntitlementRule",
    "PartialMonth",
    "PostAllowance",
    "amount_record",
    "months_of",
]


@attrs.frozen(kw_only=True)
class Entitlement(Mechanism):
    """An entitlement mechanism: it gives amounts (``amounts``), no findings. Its
    ``required`` flag must be true on the deciding day (the entitlement exists from the day
    it is true); with no value in force the month is missing input."""

    kind: ClassVar[RuleKind] = RuleKind.ENTITLEMENT

    def evaluate(self, subject: Any, env: RuleContext) -> Iterable[Finding]:
        """No findings: see ``amounts``."""
        return ()

    def check(self, engine: Engine) -> None:
        """What the declarations of its fields cannot say (they are checked for every rule,
        :func:`careprotect.rules.checks.check_rules`): nothing, unless a mechanism says."""


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
class CategoryAllowance(Entitlement):
    """A monthly allowance for each child in ``category``.

    :param amount_params: the ``yuan_per_month`` parameter for each
        :class:`~careprotect.enums.ResidenceKind` (every kind must be named), the rate chosen
        by where the child lives on the deciding day; or one parameter name, the rate whatever
        the residence (the residence is then not needed).
    :param required: a ``flag`` parameter that must be true on the deciding day (the
        allowance exists from the day it is true); with no value in force the month is missing
        input.
    :param partial_month: the ``choice`` parameter of :class:`PartialMonth`.
    :param defined_from: a parameter of the category's definition (its age limit) whose
        first value in force for the child's division marks the day the category, and so
        the allowance, exists. Before it nothing is due: the categories answer "undecided"
        for every child before their definition takes effect, which would otherwise make
        every child in a registry "missing input" for those months.

    A month counts according to ``partial_month``; on the deciding day the child must be in
    the category (undecided membership is missing input), the ``required`` flag true, and,
    for a rate by residence, a residence recorded (none is missing input, never read as
    "family").
    """

    category: str = category_field()
    amount_params: str | tuple[tuple[ResidenceKind, str], ...] = attrs.field(
        converter=_rates,
        validator=_every_residence,
        metadata=parameter_metadata(Unit.YUAN_PER_MONTH),
    )
    partial_month: str = parameter_field(Unit.CHOICE, default=PARTIAL_MONTH, choices=PartialMonth)
    defined_from: str | None = parameter_field(default=None)

    subject: ClassVar[SubjectKind] = SubjectKind.CHILD

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

        def status(day: dt.date) -> Eligibility:
            if day < child.birth_date:
                return NOT_ELIGIBLE
            if (
                self.defined_from is not None
                and env.lookup(self.defined_from, child.division, day) is None
            ):
                return NOT_ELIGIBLE
            m = env.member(child, self.category, day)
            if m.member is False:
                return NOT_ELIGIBLE
            if m.member is None:
                why = "; ".join(m.facts) or "the file cannot tell"
                member = Eligibility(
                    None,
                    m.facts,
                    m.evidence,
                    f"{self.category} undecided on {day.isoformat()}: {why}",
                )
            else:
                since = _since(spans, day).isoformat()
                member = Eligibility(True, (f"{self.category} from {since}", *m.facts), m.evidence)
            return both(member, flag_status(self.required, child.division, day, env))

        points = [
            child.birth_date,
            *(a for a, _, _ in spans),
            *change_days(self.required, env),
            *change_days(self.defined_from, env),
        ]
        yield from monthly_amounts(
            self, child, period, env, self.partial_month, status, points, self._priced
        )

    def _priced(self, child: Child, counted: CountedMonth, env: RuleContext) -> Amount:
        day, s = counted.day, counted.status
        evidence = [*s.evidence, *counted.evidence]
        facts = [*s.facts]
        residence = _residence_fact(child, day)
        if residence is not None:
            facts.append(residence)
        facts.append(counted.fact)
        if s.eligible is None:
            return _priced_at(self, child, counted, env, None, s.reason, evidence, facts)
        if isinstance(self.amount_params, str):
            param = self.amount_params
        else:
            r = child.residence_on(day)
            if r is None:
                missing = f"no residence recorded on {day.isoformat()}"
                return _priced_at(self, child, counted, env, None, missing, evidence, facts)
            param = dict(self.amount_params)[r.kind]
        return _priced_at(self, child, counted, env, param, None, evidence, facts)


def _priced_at(
    rule: EntitlementRule,
    subject: Child | Worker,
    counted: CountedMonth,
    env: RuleContext,
    param: str | None,
    missing: str | None,
    evidence: list[Evidence],
    facts: list[str],
) -> Amount:
    """The Amount of a counted month at the rate ``param`` (``yuan_per_month``) in force on
    its deciding day; missing input when there is none, or when it is not an amount, or
    ``missing`` when the month could not be priced before (then ``param`` is not read)."""
    value: Decimal | None = None
    if missing is None and param is not None:
        rate = env.lookup(param, subject.division, counted.day)
        if rate is not None:
            evidence.append(rate.evidence)
        value, missing = money_in_force(param, rate, counted.day)
    return amount_record(
        rule,
        subject,
        env,
        amount=value,
        month=counted.month,
        day=counted.day,
        missing=missing or "",
        evidence=evidence,
        facts=facts,
    )


@attrs.frozen(kw_only=True)
class PostAllowance(Entitlement):
    """A monthly post allowance for each worker of ``role``, per month of service.

    Service runs from ``appointed_on`` to the day before ``left_on``; which months count is
    the partial-month rule's, and the rate is ``amount_param`` (``yuan_per_month``) in force
    for the worker's division on the deciding day. An unknown appointment date is missing
    input for every month before the worker left (if known).
    """

    role: WorkerRole
    amount_param: str = parameter_field(Unit.YUAN_PER_MONTH)
    partial_month: str = parameter_field(Unit.CHOICE, default=PARTIAL_MONTH, choices=PartialMonth)

    subject: ClassVar[SubjectKind] = SubjectKind.WORKER

    def amounts(self, subject: Worker, period: Period, env: RuleContext) -> Iterator[Amount]:
        """One Amount per month of service in ``period`` (or missing input), in order."""
        worker = subject
        months_of(period)
        if worker.role is not self.role:
            return
        role = worker.role.value

        def status(day: dt.date) -> Eligibility:
            in_post = worker.in_post_on(day)
            if in_post is False:
                return NOT_ELIGIBLE
            if in_post is None:
                served = Eligibility(None, reason=f"{role}: appointment date unknown")
            else:
                assert worker.appointed_on is not None
                served = Eligibility(
                    True, (f"{role} in post from {worker.appointed_on.isoformat()}",)
                )
            return both(served, flag_status(self.required, worker.division, day, env))

        points = [d for d in (worker.appointed_on, worker.left_on) if d is not None] + change_days(
            self.required, env
        )
        yield from monthly_amounts(
            self, worker, period, env, self.partial_month, status, points, self._priced
        )

    def _priced(self, worker: Worker, counted: CountedMonth, env: RuleContext) -> Amount:
        s = counted.status
        evidence = [*s.evidence, *counted.evidence]
        facts = [*s.facts, counted.fact]
        missing = s.reason or None
        return _priced_at(self, worker, counted, env, self.amount_param, missing, evidence, facts)


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
class ConstructionGrant(Entitlement):
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

    service_point_kind: ServicePointKind
    total_param: str = parameter_field(Unit.YUAN)
    shares: tuple[tuple[str, str], ...] = attrs.field(
        converter=_shares, validator=_some_shares, metadata=parameter_metadata(Unit.YUAN)
    )

    subject: ClassVar[SubjectKind] = SubjectKind.SERVICE_POINT

    def _params(self) -> list[str]:
        return [self.total_param, *(p for _, p in self.shares)]

    def check(self, engine: Engine) -> None:
        """Wherever and whenever the total and every share are in force, the shares add up
        to the total."""
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
        flag = flag_status(self.required, point.division, opened, env)
        if flag.eligible is False:
            return
        evidence = list(flag.evidence)
        if flag.eligible is None:
            yield amount_record(
                self, point, env, amount=None, day=opened, missing=flag.reason, facts=facts
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
            value: Decimal | None = None
            if share is not None and problem:
                missing = problem
            else:
                value, missing = money_in_force(name, share, opened)
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
    added = sum((r.value for _, r in shares), ZERO)
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
