"""The entitlements report: amounts as they come, as JSON, CSV or a table, then totals."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import attrs

from careprotect import pipeline
from careprotect.errors import InvalidPeriodError
from careprotect.findings import rests_on
from careprotect.io import LoadCounts, RecordWarning, RegistryStream, Rejection, dumps
from careprotect.model import ReferenceData
from careprotect.params import STALE_MONTHS, PluginInfo, Unit, grown_old
from careprotect.periods import Period, PeriodKind, iter_periods
from careprotect.report._base import (
    MARKS,
    JsonStream,
    Lang,
    Progress,
    console_for,
    headline,
    new_table,
    place,
    plugins_json,
    read_notes,
    read_records_json,
    rests_on_line,
    rule_states_json,
    rule_states_table,
    show,
    status_counts,
    text,
    write_line,
)
from careprotect.rules.base import RuleKind
from careprotect.rules.entitlements import Amount
from careprotect.rulestates import RuleStatus

if TYPE_CHECKING:
    from careprotect.engine import Engine
    from careprotect.entitlement_runner import Totals
    from careprotect.pipeline.executors import Executor

__all__ = [
    "ENTITLEMENT_CSV_COLUMNS",
    "CsvEntitlementsWriter",
    "EntitlementsEnd",
    "EntitlementsHeader",
    "EntitlementsWriter",
    "JsonEntitlementsWriter",
    "TableEntitlementsWriter",
    "cover",
    "money_parameters",
    "range_text",
    "run_entitlements",
]


def cover(first: Period, last: Period) -> list[Period]:
    """The fewest months, quarters and years that cover ``first..last`` exactly, in order
    (``2018-01..2018-12`` is the year 2018; ``2018-11..2019-03`` is 2018-11, 2018-12 and
    2019-Q1). Weeks are refused: entitlements are monthly."""
    if first.kind is PeriodKind.WEEK or last.kind is PeriodKind.WEEK:
        raise InvalidPeriodError(
            f"must be months, quarters or years, as in 2018-01..2018-12 (got weeks {first})"
        )
    months = list(iter_periods(PeriodKind.MONTH, first.start, last.last_day))
    out: list[Period] = []
    i = 0
    while i < len(months):
        start = months[i].start
        if start.month == 1 and i + 12 <= len(months):
            out.append(Period(PeriodKind.YEAR, start))
            i += 12
        elif start.month in (1, 4, 7, 10) and i + 3 <= len(months):
            out.append(Period(PeriodKind.QUARTER, start))
            i += 3
        else:
            out.append(months[i])
            i += 1
    return out


def range_text(first: Period, last: Period) -> str:
    """``2018-01..2018-12``, or ``2018-06`` for a single period."""
    return str(first) if first == last else f"{first}..{last}"


@attrs.frozen(kw_only=True)
class EntitlementsHeader:
    """What an entitlements report states first: the period range and the plugins."""

    first: Period
    last: Period
    plugins: tuple[PluginInfo, ...] = ()
    rules: tuple[str, ...] = ()
    """The ids of the entitlement rules (for the table's column width)."""
    states: tuple[RuleStatus, ...] = ()
    """The state of each entitlement rule over the range."""

    def as_dict(self) -> dict[str, Any]:
        """The report's opening keys."""
        return {
            "period": range_text(self.first, self.last),
            "plugins": plugins_json(self.plugins),
        }


@attrs.frozen(kw_only=True)
class EntitlementsEnd:
    """What is known once every amount is written: the totals, the amounts by the status
    they rest on (by its value), the state of each entitlement rule, the rejected records
    and the counts."""

    totals: Totals
    rejections: tuple[Rejection, ...]
    counts: LoadCounts
    warnings: tuple[RecordWarning, ...] = ()
    by_status: Counter[str] = attrs.field(factory=Counter)
    states: tuple[RuleStatus, ...] = ()
    old_rates: int = 0
    """How many amounts were set by an amount of money grown old (:func:`on_old_rate`)."""

    def summary_json(self) -> dict[str, Any]:
        """The amounts by the status they rest on (every status present), how many were set
        by an amount of money grown old, and each entitlement rule's state."""
        return {
            "rests_on": status_counts(self.by_status),
            "on_old_rates": self.old_rates,
            "rules": rule_states_json(self.states),
        }

    @property
    def errors(self) -> int:
        """How many amounts could not be computed because their rule failed."""
        return self.totals.errors.total()


def on_old_rate(amount: Amount) -> bool:
    """Whether ``amount`` was set by an amount of money (a rate, a floor) that took effect
    more than :data:`~careprotect.params.STALE_MONTHS` months before the amount's month (or
    its deciding day, for a one-off grant): a 2010 floor paid in 2024 says nothing of what
    the province pays now (POLICY.md §6)."""
    when = amount.month.start if amount.month is not None else amount.day
    return when is not None and any(grown_old(e.unit, e.effective, when) for e in amount.evidence)


class EntitlementsWriter(Protocol):
    """Writes an entitlements report as it runs."""

    def start(self, header: EntitlementsHeader) -> None:
        """Write the opening."""

    def amount(self, amount: Amount) -> None:
        """Write one amount."""

    def finish(self, end: EntitlementsEnd) -> None:
        """Write the totals, the rejected records and the counts."""

    def close(self) -> None:
        """Release temporary resources."""


def run_entitlements(
    engine: Engine,
    open_stream: Callable[[], RegistryStream],
    first: Period,
    last: Period,
    writer: EntitlementsWriter,
    *,
    reveal: bool = False,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> EntitlementsEnd:
    """Every amount due over ``first..last``, written with ``writer`` as it comes.

    The range is covered by the fewest months, quarters and years (:func:`cover`), all
    judged in one pass over the registry (``open_stream`` opens it), subject by subject, so
    that each subject's amounts come together and memory stays flat. ``executor`` judges the
    child files on its workers (see :func:`careprotect.pipeline.entitlements`).
    """
    from careprotect.entitlement_runner import Totals

    totals = Totals()
    by_status: Counter[str] = Counter()
    old_rates = 0
    done = 0
    try:
        rules = tuple(r.id for r in engine.rules if r.item.kind is RuleKind.ENTITLEMENT)
        states = engine.rule_states(first, last, kind=RuleKind.ENTITLEMENT)
        writer.start(
            EntitlementsHeader(
                first=first, last=last, plugins=engine.plugins, rules=rules, states=states
            )
        )
        with open_stream() as stream:
            for amount in pipeline.entitlements(
                engine, stream, cover(first, last), reveal=reveal, executor=executor
            ):
                totals.add(amount)
                by_status[rests_on(amount.citations, amount.evidence).value] += 1
                old_rates += on_old_rate(amount)
                writer.amount(amount)
                done += 1
                if progress is not None and not done % 64:
                    progress(done)
            rejections, counts = tuple(stream.rejections), stream.counts
            warnings = tuple(stream.warnings)
        if progress is not None:
            progress.stop()
        end = EntitlementsEnd(
            totals=totals,
            rejections=rejections,
            counts=counts,
            warnings=warnings,
            by_status=by_status,
            states=states,
            old_rates=old_rates,
        )
        writer.finish(end)
        return end
    finally:
        writer.close()


def money_parameters(amount: Amount) -> list[str]:
    """The parameters that gave ``amount`` its money value (units yuan or yuan per month)."""
    return [e.parameter for e in amount.evidence if e.unit in (Unit.YUAN, Unit.YUAN_PER_MONTH)]


class JsonEntitlementsWriter:
    """Entitlements as one JSON document, written incrementally: ``period`` and ``plugins``,
    then ``amounts`` one per line, then ``totals``, ``rejected`` and ``records``."""

    def __init__(self, out: TextIO) -> None:
        self._json = JsonStream(out)

    def start(self, header: EntitlementsHeader) -> None:
        self._json.start(header.as_dict(), "amounts")

    def amount(self, amount: Amount) -> None:
        self._json.item(amount.as_dict())

    def finish(self, end: EntitlementsEnd) -> None:
        self._json.finish(
            {
                "totals": end.totals.as_dict(),
                "summary": end.summary_json(),
                **read_records_json(end.rejections, end.warnings, end.counts),
            }
        )

    def close(self) -> None:
        pass


ENTITLEMENT_CSV_COLUMNS = (
    "rule",
    "subject_kind",
    "subject_id",
    "subject_name",
    "division",
    "month",
    "date",
    "amount",
    "payer",
    "missing",
    "parameters",
    "citations",
    "evidence",
    "facts",
    "citation_status",
    "rests_on",
)
"""The columns of the entitlements' CSV form; list-valued columns hold a JSON array.
``citation_status`` is the array of the statuses of ``citations``, in their order;
``rests_on`` the weakest status among the citations and the evidence's citations."""


class CsvEntitlementsWriter:
    """Entitlements as CSV, one amount per row."""

    def __init__(self, out: TextIO) -> None:
        self._csv = csv.writer(out)

    def start(self, header: EntitlementsHeader) -> None:
        self._csv.writerow(ENTITLEMENT_CSV_COLUMNS)

    def amount(self, amount: Amount) -> None:
        d = amount.as_dict()
        self._csv.writerow(
            (
                d["rule"],
                d["subject"]["kind"],
                d["subject"]["id"],
                d["subject"].get("name", ""),
                d["division"],
                d["month"] or "",
                d["date"] or "",
                d["amount"] or "",
                d["payer"],
                d["missing"] or "",
                dumps(money_parameters(amount)),
                dumps(d["citations"]),
                dumps(d["evidence"]),
                dumps(d["facts"]),
                dumps([c["status"] for c in d["citations"]]),
                d["rests_on"],
            )
        )

    def finish(self, end: EntitlementsEnd) -> None:
        pass

    def close(self) -> None:
        pass


class TableEntitlementsWriter:
    """Entitlements for people: each subject's amounts as they come (month, rule, amount and
    the parameter that set it, or why it is missing), then the totals by county, by paying
    level and by rule. Nothing is held per amount."""

    def __init__(self, out: TextIO, *, lang: Lang, reference: ReferenceData) -> None:
        self.out = out
        self.lang = lang
        self.reference = reference
        self._subject: tuple[str, str] | None = None
        self._rule_width = 0

    def start(self, header: EntitlementsHeader) -> None:
        lang = self.lang
        period = text("period", lang).format(range_text(header.first, header.last))
        what = f"{text('entitlements', lang)} · {period}"
        write_line(headline(what, header.plugins, lang), self.out)
        self._rule_width = max(map(len, header.rules), default=0)

    def amount(self, amount: Amount) -> None:
        lang, out = self.lang, self.out
        subject = amount.subject
        key = (subject.kind.value, subject.id)
        if key != self._subject:
            self._subject = key
            who = " ".join(x for x in (text(subject.kind, lang), subject.id, subject.name) if x)
            write_line("", out)
            write_line(f"{who} · {place(amount.division, self.reference)}", out)
        when = (
            str(amount.month)
            if amount.month is not None
            else (amount.day.isoformat() if amount.day else "-")
        )
        self._rule_width = max(self._rule_width, len(amount.rule))
        head = f"  {when:<10} {amount.rule:<{self._rule_width}}"
        mark = MARKS[rests_on(amount.citations, amount.evidence)]
        mark = f" {mark}" if mark else ""
        if amount.amount is None:
            label = text("error" if amount.failed else "missing", lang)
            write_line(f"{head} {'-':>10}  {label}: {amount.missing}{mark}", out)
            return
        used = [e for e in amount.evidence if e.unit in (Unit.YUAN, Unit.YUAN_PER_MONTH)]
        why = "; ".join(
            f"{e.parameter} = {e.value} ({e.scope}, {e.effective.isoformat()})" for e in used
        )
        payer = f" [{amount.payer}]" if amount.payer else ""
        write_line(f"{head} {amount.amount:>10}  {why}{payer}{mark}", out)

    def finish(self, end: EntitlementsEnd) -> None:
        lang = self.lang
        t = end.totals
        console = console_for(self.out)
        show(
            console,
        )
        show(
            console,
            f"{text('totals', lang)}: {t.total} · {t.count} {text('count', lang)}",
            style="bold",
            soft_wrap=True,
        )
        show(console, rests_on_line(end.by_status, lang, amounts=True), soft_wrap=True)
        if end.old_rates:
            old = text("old_rates", lang).format(months=STALE_MONTHS, n=end.old_rates)
            show(console, old, soft_wrap=True)
        by_county = new_table(text("county", lang), text("amount", lang), right=(1,))
        for code, value in sorted(t.by_county.items()):
            by_county.add_row(place(code, self.reference), str(value))
        show(console, by_county)
        by_payer = new_table(text("payer", lang), text("amount", lang), right=(1,))
        for payer, value in sorted(t.by_payer.items()):
            by_payer.add_row(payer or text("not_split", lang), str(value))
        show(console, by_payer)
        by_rule = new_table(
            text("rule", lang), text("amount", lang), text("missing_by_rule", lang), right=(1, 2)
        )
        for rule in sorted(set(t.by_rule) | set(t.missing)):
            by_rule.add_row(rule, str(t.by_rule.get(rule, Decimal("0.00"))), str(t.missing[rule]))
        show(console, by_rule)
        show(
            console,
        )
        show(console, rule_states_table(end.states, lang))
        for note in read_notes(end.rejections, end.warnings, lang):
            show(console, note, soft_wrap=True)

    def close(self) -> None:
        pass
