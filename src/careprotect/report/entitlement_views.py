"""Entitlements as a workbook and as a page: the totals (by county, paying level and rule)
and the amounts, one row each, from each amount's JSON form.

The workbook lists every amount; the page charts the amounts by county and by paying level
and lists at most :data:`~careprotect.report.html.MAX_ROWS` amounts in the order computed,
filterable by state (due, missing input, error), rule and township.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any, TextIO

from careprotect.model import ReferenceData
from careprotect.params import STALE_MONTHS
from careprotect.report._base import Lang, rests_on_line, text
from careprotect.report.entitlements import (
    CsvEntitlementsWriter,
    EntitlementsEnd,
    EntitlementsHeader,
    EntitlementsWriter,
    JsonEntitlementsWriter,
    TableEntitlementsWriter,
    money_parameters,
    range_text,
)
from careprotect.report.html import Bar, Chart, Series, top_bars
from careprotect.report.views import (
    SUBJECT_COLUMNS,
    PageWriter,
    Places,
    WriterKinds,
    labels,
    opening_lines,
    rejected_sheet,
    rule_states_block,
    sources_cells,
    subject_cells,
)
from careprotect.report.xlsx import Block, Overview, Value, XlsxBook
from careprotect.rules.entitlements import Amount

__all__ = ["ENTITLEMENTS_WRITERS", "HtmlEntitlementsWriter", "XlsxEntitlementsWriter"]

_AMOUNT_COLOR = "#1e88e5"


_COLUMNS = (
    "state_of_amount",
    "rule",
    *SUBJECT_COLUMNS,
    "amount",
    "payer",
    "message",
    "sources",
    "rests_on",
)
"""The label keys of the columns of the rows."""


def _header(lang: Lang) -> tuple[str, ...]:
    return labels(_COLUMNS, lang)


_STATE, _TOWNSHIP, _AMOUNT, _MESSAGE, _SOURCES = 0, 2, 8, 10, 11


def _row(amount: Amount, lang: Lang, places: Places) -> tuple[Value, ...]:
    """An amount's cells: its state (due, missing input, error), rule, places, subject,
    month (or day), the amount, the paying level, why (the parameters that set it, or what
    is missing), its citations with their status, and the weakest status it rests on."""
    d: Mapping[str, Any] = amount.as_dict()
    if amount.amount is None:
        state = text("error" if amount.failed else "missing", lang)
        why = d["missing"] or ""
    else:
        state = text("paid", lang)
        why = ", ".join(money_parameters(amount))
    return (
        state,
        d["rule"],
        *subject_cells(d, d["month"] or d["date"], lang, places),
        amount.amount,
        d["payer"] or text("not_split", lang),
        why,
        *sources_cells(d, lang),
    )


def _overview(
    header: EntitlementsHeader, end: EntitlementsEnd, lang: Lang, places: Places
) -> Overview:
    t = end.totals
    period = text("period", lang).format(range_text(header.first, header.last))
    lines = opening_lines(
        f"{text('entitlements', lang)} · {period}", header.plugins, end.counts, lang
    )
    lines += [
        (text("totals", lang), t.total),
        (text("count", lang), t.count),
        (text("missing_by_rule", lang), t.missing.total()),
        (rests_on_line(end.by_status, lang, amounts=True), None),
    ]
    if end.old_rates:
        lines.append((text("old_rates", lang).format(months=STALE_MONTHS, n=end.old_rates), None))
    if end.rejections:
        lines.append((text("rejected_note", lang).format(n=len(end.rejections)), None))
    amount = text("amount", lang)
    blocks = (
        Block(
            title=text("county", lang),
            header=(text("county", lang), amount),
            rows=tuple((places.name(str(c)), v) for c, v in sorted(t.by_county.items())),
        ),
        Block(
            title=text("payer", lang),
            header=(text("payer", lang), amount),
            rows=tuple(
                (payer or text("not_split", lang), v) for payer, v in sorted(t.by_payer.items())
            ),
        ),
        Block(
            title=text("rule", lang),
            header=(text("rule", lang), amount, text("missing_by_rule", lang)),
            rows=tuple(
                (rule, t.by_rule.get(rule, Decimal("0.00")), t.missing[rule])
                for rule in sorted(set(t.by_rule) | set(t.missing))
            ),
        ),
        rule_states_block(end.states, lang),
    )
    return Overview(title=text("summary", lang), lines=tuple(lines), blocks=blocks)


class XlsxEntitlementsWriter:
    """Entitlements as a workbook (``out``: a binary file): the summary sheet (totals by
    county, paying level and rule), then every amount, then the rejected records."""

    def __init__(self, out: IO[bytes], *, lang: Lang, reference: ReferenceData) -> None:
        self.lang = lang
        self._places = Places(reference)
        self._book = XlsxBook(out)
        self._sheet = self._book.table(text("amounts_sheet", lang), _header(lang))
        self._header: EntitlementsHeader | None = None

    def start(self, header: EntitlementsHeader) -> None:
        self._header = header

    def amount(self, amount: Amount) -> None:
        self._sheet.append(_row(amount, self.lang, self._places))

    def finish(self, end: EntitlementsEnd) -> None:
        assert self._header is not None
        rejected_sheet(self._book, end.rejections, end.warnings, self.lang)
        overview = _overview(self._header, end, self.lang, self._places)
        self._book.finish(overview, text("summary", self.lang))

    def close(self) -> None:
        pass


def _money_chart(title: str, values: Mapping[str, Decimal], lang: Lang) -> Chart:
    bars = [Bar(label=k, values=(float(v),), total=str(v)) for k, v in values.items()]
    shown, note = top_bars(bars, lang)
    return Chart(
        title=title, series=(Series(text("amount", lang), _AMOUNT_COLOR),), bars=shown, note=note
    )


class HtmlEntitlementsWriter(PageWriter):
    """Entitlements as one page (``out``: text): the totals with charts by county and by
    paying level, then the amounts, filterable by state, rule and township, at most
    ``limit`` of them (see :class:`PageWriter`)."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        super().__init__(out, **options)
        self._header: EntitlementsHeader | None = None

    def start(self, header: EntitlementsHeader) -> None:
        self._header = header

    def amount(self, amount: Amount) -> None:
        self.rows.take(lambda: _row(amount, self.lang, self.places))

    def finish(self, end: EntitlementsEnd) -> None:
        header = self._header
        assert header is not None
        lang, places, t = self.lang, self.places, end.totals
        charts = (
            _money_chart(
                text("amounts_by_county", lang),
                {places.name(str(c)): v for c, v in sorted(t.by_county.items())},
                lang,
            ),
            _money_chart(
                text("amounts_by_payer", lang),
                {(p or text("not_split", lang)): v for p, v in sorted(t.by_payer.items())},
                lang,
            ),
        )
        self.write_page(
            title=text("entitlements", lang),
            subtitle=text("period", lang).format(range_text(header.first, header.last)),
            overview=_overview(header, end, lang, places),
            charts=charts,
            listing=self.listing(
                text("amounts_sheet", lang),
                _header(lang),
                filters=(_STATE, 1, _TOWNSHIP),
                wide=(_MESSAGE, _SOURCES),
            ),
        )

    def close(self) -> None:
        pass


ENTITLEMENTS_WRITERS: WriterKinds[EntitlementsWriter] = WriterKinds(
    JsonEntitlementsWriter,
    CsvEntitlementsWriter,
    TableEntitlementsWriter,
    XlsxEntitlementsWriter,
    HtmlEntitlementsWriter,
)
"""The entitlements report's writer of each format (``ENTITLEMENTS_WRITERS.writer(fmt,
out, ...)``)."""
