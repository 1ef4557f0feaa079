"""Running the entitlement rules over a registry: :func:`entitlements` gives every Amount of
every registered entitlement rule over a period; :class:`Totals` adds amounts up by county,
payer level and rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from careprotect.divisions import Division, Level
from careprotect.faults import failure, not_a_finding
from careprotect.findings import SubjectKind
from careprotect.io import RegistryStream
from careprotect.model import Child, ReferenceData, Registry, ServicePoint, Worker
from careprotect.periods import Period
from careprotect.rules.base import RuleContext, RuleKind, revealed
from careprotect.rules.entitlements import Amount, amount_record, months_of

if TYPE_CHECKING:
    from careprotect.engine import Engine, Registration

__all__ = ["FAILED", "Totals", "entitlements"]

_ZERO = Decimal("0.00")


def _entitlement_rules(engine: Engine) -> list[Registration]:
    return [r for r in engine.rules if r.item.kind is RuleKind.ENTITLEMENT]


def entitlements(
    engine: Engine, source: Registry | RegistryStream, period: Period, *, reveal: bool = False
) -> Iterator[Amount]:
    """Every Amount of every registered entitlement rule over ``period`` (a month, quarter
    or year): workers first, then service points, then children (one child file at a time,
    so a stream stays flat in memory). Each subject gets the amounts of each rule whose
    registered scope contains its division, rules in id order, months in order. Subjects
    are masked unless ``reveal`` is true.
    """
    months_of(period)
    return _run(engine, source, period, reveal)


def _run(
    engine: Engine, source: Registry | RegistryStream, period: Period, reveal: bool = False
) -> Iterator[Amount]:
    reference: ReferenceData
    children: Iterable[Child]
    if isinstance(source, Registry):
        reference, children = source.reference, source.children
    else:
        reference, children = source.reference, source.children()
    rules = _entitlement_rules(engine)
    envs = {
        r.id: RuleContext(
            engine,
            reference=reference,
            citations=r.citations,
            plugin=r.plugin,
            period=period,
        )
        for r in rules
    }
    by_kind: dict[SubjectKind, list[Registration]] = {}
    for r in rules:
        by_kind.setdefault(r.item.subject, []).append(r)
    groups: list[tuple[SubjectKind, Iterable[Child | Worker | ServicePoint]]] = [
        (SubjectKind.WORKER, reference.workers),
        (SubjectKind.SERVICE_POINT, reference.service_points),
        (SubjectKind.CHILD, children),
    ]
    for kind, items in groups:
        kind_rules = by_kind.get(kind, [])
        for item in items:
            for r in kind_rules:
                if r.applies_to(item.division):
                    for amount in _amounts(r.item, item, period, envs[r.id], reveal):
                        yield revealed(amount, item) if reveal else amount


FAILED = "the rule failed: "
"""How the ``missing`` reason of a failed Amount starts."""


def _amounts(
    rule: Any,
    item: Child | Worker | ServicePoint,
    period: Period,
    env: RuleContext,
    reveal: bool,
) -> list[Amount]:
    """The amounts of ``rule`` for ``item``; if the rule raises or gives something that is
    not an Amount, one failed Amount instead (the other rules and subjects go on)."""
    try:
        found = list(rule.amounts(item, period, env))
    except Exception as exc:
        what = failure(exc, reveal=reveal)
    else:
        wrong = next((a for a in found if not isinstance(a, Amount)), None)
        if wrong is None:
            return found
        what = not_a_finding(wrong, "an Amount")
    return [amount_record(rule, item, env, amount=None, missing=FAILED + what, failed=True)]


def _county(division: Division) -> Division:
    """The county a division lies in (itself at county level or above; a prefecture for a
    township of a prefecture-level city without counties)."""
    chain = [*division.ancestors, division]
    return [d for d in chain if d.level <= Level.COUNTY][-1]


@attrs.define
class Totals:
    """Amounts added up: by county, by payer level, by rule, and in all.

    Missing-input amounts are counted by rule in ``missing`` (never added as zero); a total
    is therefore a sum of what is known, and ``missing`` says how much is unknown. The
    amounts of a rule that failed (:attr:`Amount.failed`) are unknown too, counted in
    ``missing`` and also in ``errors``.
    """

    total: Decimal = _ZERO
    count: int = 0
    by_county: dict[Division, Decimal] = attrs.field(factory=dict)
    by_payer: dict[str, Decimal] = attrs.field(factory=dict)
    by_rule: dict[str, Decimal] = attrs.field(factory=dict)
    missing: Counter[str] = attrs.field(factory=Counter)
    errors: Counter[str] = attrs.field(factory=Counter)

    def add(self, amount: Amount) -> None:
        """Count one amount."""
        if amount.amount is None:
            self.missing[amount.rule] += 1
            if amount.failed:
                self.errors[amount.rule] += 1
            return
        value = amount.amount
        self.count += 1
        self.total += value
        county = _county(amount.division)
        self.by_county[county] = self.by_county.get(county, _ZERO) + value
        self.by_payer[amount.payer] = self.by_payer.get(amount.payer, _ZERO) + value
        self.by_rule[amount.rule] = self.by_rule.get(amount.rule, _ZERO) + value

    def tally(self, amounts: Iterable[Amount]) -> Iterator[Amount]:
        """Yield ``amounts`` unchanged, counting each as it passes."""
        for amount in amounts:
            self.add(amount)
            yield amount

    @classmethod
    def of(cls, amounts: Iterable[Amount]) -> Totals:
        """The totals of ``amounts``."""
        totals = cls()
        for amount in amounts:
            totals.add(amount)
        return totals

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, amounts as strings, keys sorted."""
        return {
            "total": str(self.total),
            "count": self.count,
            "by_county": {str(k): str(v) for k, v in sorted(self.by_county.items())},
            "by_payer": {k: str(v) for k, v in sorted(self.by_payer.items())},
            "by_rule": {k: str(v) for k, v in sorted(self.by_rule.items())},
            "missing": dict(sorted(self.missing.items())),
        }
