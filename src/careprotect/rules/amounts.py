"""What the entitlement mechanisms share: the :class:`Amount` record, the
:class:`EntitlementRule` protocol, and the partial-month rule that decides which months count
(see :mod:`careprotect.rules.entitlements` and docs/entitlements.md).
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import attrs

from careprotect.divisions import Division
from careprotect.errors import InvalidValueError, ParameterError
from careprotect.findings import Subject, rests_on
from careprotect.model import Child, ServicePoint, Worker
from careprotect.money import CENT
from careprotect.params import Citation, Evidence, Resolved, Status
from careprotect.periods import Period, PeriodKind
from careprotect.rules.base import Rule, RuleContext, subject_of

if TYPE_CHECKING:
    from careprotect.engine import Engine

__all__ = [
    "NOT_ELIGIBLE",
    "PARTIAL_MONTH",
    "ZERO",
    "Amount",
    "CountedMonth",
    "Eligibility",
    "EntitlementRule",
    "PartialMonth",
    "amount_record",
    "bad_value",
    "both",
    "change_days",
    "flag_status",
    "money_in_force",
    "money_of",
    "monthly_amounts",
    "months_of",
]

_Item = TypeVar("_Item", bound=Child | Worker | ServicePoint)

PARTIAL_MONTH = "entitlement.partial_month"
"""The parameter that says which months count when eligibility changes mid-month."""

ZERO = Decimal("0.00")
"""No yuan, with two places."""


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


class EntitlementRule(Rule, Protocol):
    """A rule of kind :attr:`RuleKind.ENTITLEMENT`: it gives amounts, not findings.

    It has the :class:`~careprotect.rules.base.Rule` members (its ``evaluate`` gives no
    finding), so plugins register it through ``careprotect_rules``, and these two.
    """

    def amounts(self, subject: Any, period: Period, env: RuleContext) -> Iterable[Amount]:
        """The amounts for one subject over ``period`` (a month, quarter or year): one per
        month counted (or missing) for a monthly entitlement, one per payer for a grant."""
        ...

    def check(self, engine: Engine) -> None:
        """Raise PluginLoadError if the rule's parameters or category do not fit it."""
        ...


# -- shared machinery of the monthly entitlements ----------------------------------------------


@attrs.frozen
class Eligibility:
    """Whether a subject is eligible on a day (None: cannot tell), why, and with what."""

    eligible: bool | None
    facts: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""


NOT_ELIGIBLE = Eligibility(False)


def flag_status(
    required: str | None, division: Division, day: dt.date, env: RuleContext
) -> Eligibility:
    """The ``required`` flag on ``day``: eligible when true, not when false, undecided when
    none is in force (eligible when the rule names no flag)."""
    if required is None:
        return Eligibility(True)
    flag = env.lookup(required, division, day)
    if flag is None:
        return Eligibility(None, reason=f"no value of {required} in force on {day.isoformat()}")
    if not flag.value:
        return NOT_ELIGIBLE
    return Eligibility(True, evidence=(flag.evidence,))


def both(first: Eligibility, second: Eligibility) -> Eligibility:
    """Eligible when both are; not when either is not; otherwise undecided."""
    if first.eligible is False or second.eligible is False:
        return NOT_ELIGIBLE
    reason = "; ".join(r for r in (first.reason, second.reason) if r)
    eligible = None if first.eligible is None or second.eligible is None else True
    return Eligibility(
        eligible, first.facts + second.facts, first.evidence + second.evidence, reason
    )


def change_days(name: str | None, env: RuleContext) -> list[dt.date]:
    """The days a parameter's values take effect (where a flag may switch on or off)."""
    if name is None:
        return []
    return [v.effective for v in env.engine.parameters.values(name)]


_HOW = {
    PartialMonth.FIRST_DAY: "the month's first day",
    PartialMonth.ANY_DAY: "its first eligible day in the month",
    PartialMonth.LAST_DAY: "the month's last day",
}


@attrs.frozen
class CountedMonth:
    """A month counted (or undecided) by the partial-month rule."""

    month: Period
    day: dt.date
    status: Eligibility
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


def monthly_amounts(
    rule: EntitlementRule,
    subject: _Item,
    period: Period,
    env: RuleContext,
    partial_month: str,
    status: Callable[[dt.date], Eligibility],
    points: Iterable[dt.date],
    priced: Callable[[_Item, CountedMonth, RuleContext], Amount],
) -> Iterator[Amount]:
    """For each month of ``period`` in which ``subject`` may be eligible on some day: the
    Amount that ``priced`` makes of the month as decided by the partial-month rule (its status
    may be undecided), or a missing Amount when the partial-month rule itself has no value in
    force. Months in which the subject is eligible on no day are skipped; so are months the
    rule does not count."""
    ordered = sorted(set(points))
    for month in months_of(period):
        lo = bisect.bisect_right(ordered, month.start)
        hi = bisect.bisect_left(ordered, month.end)
        candidates = [month.start, *ordered[lo:hi]]
        statuses = [(day, status(day)) for day in candidates]
        if all(s.eligible is False for _, s in statuses):
            continue
        found = env.lookup(partial_month, subject.division, month.start)
        if found is None:
            reason = f"no value of {partial_month} in force on {month.start.isoformat()}"
            yield amount_record(rule, subject, env, amount=None, month=month, missing=reason)
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
            yield priced(subject, CountedMonth(month, day, decided, found.evidence, whole), env)


def money_of(resolved: Resolved) -> Decimal | None:
    value = resolved.value
    return value if isinstance(value, Decimal) and value >= 0 else None


def bad_value(resolved: Resolved) -> str:
    e = resolved.evidence
    return (
        f"{e.parameter} = {e.value!r} in {e.scope} from {e.effective.isoformat()} "
        f"(plugin {e.plugin}) is not an amount of at least 0"
    )


def money_in_force(name: str, found: Resolved | None, day: dt.date) -> tuple[Decimal | None, str]:
    """The amount of parameter ``name`` that ``found`` holds (the value in force on ``day``)
    and "", or None and why there is none: no value in force, or one that is not an amount of
    at least 0."""
    if found is None:
        return None, f"no value of {name} in force on {day.isoformat()}"
    value = money_of(found)
    return (None, bad_value(found)) if value is None else (value, "")
