"""Amounts added up: :class:`Totals` by county, payer level and rule, of the amounts
:func:`careprotect.pipeline.entitlements` gives (the pipeline's
runner, :mod:`careprotect.pipeline`, makes them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from careprotect.divisions import Division, Level
from careprotect.pipeline.runner import FAILED
from careprotect.rules.entitlements import Amount

__all__ = ["FAILED", "Totals"]

_ZERO = Decimal("0.00")


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
