"""The audit as a workbook and as a page: the summary and the findings, read from each
finding's JSON text (the one form of a finding, :mod:`~careprotect.report.finding_text`).

The workbook lists every finding (a sheet of rows, written as they come); the page lists the
non-compliant, missing-input and error findings, as the table does, at most
:data:`~careprotect.report.html.MAX_ROWS` of them in the order read, and says so when there
were more (docs/reports.md).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import IO, Any, TextIO

import attrs

from careprotect.findings import Outcome, SubjectKind
from careprotect.model import ReferenceData
from careprotect.report._base import Lang, read_notes, rests_on_line, text
from careprotect.report.audit import (
    SHOWN,
    AuditEnd,
    AuditHeader,
    AuditWriter,
    CsvAuditWriter,
    JsonAuditWriter,
    TableAuditWriter,
)
from careprotect.report.finding_text import FindingText
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
from careprotect.report.xlsx import Block, Overview, XlsxBook

__all__ = [
    "AUDIT_WRITERS",
    "OUTCOME_COLORS",
    "HtmlAuditWriter",
    "LinesRender",
    "XlsxAuditWriter",
]

OUTCOME_COLORS: Mapping[Outcome, str] = {
    Outcome.COMPLIANT: "#43a047",
    Outcome.NON_COMPLIANT: "#d32f2f",
    Outcome.MISSING_INPUT: "#f9a825",
    Outcome.ERROR: "#6a1b9a",
    Outcome.ADVISORY: "#1e88e5",
    Outcome.NOT_APPLICABLE: "#bdbdbd",
}
"""The colour of each outcome in the charts."""
_CHARTED = (
    Outcome.COMPLIANT,
    Outcome.NON_COMPLIANT,
    Outcome.MISSING_INPUT,
    Outcome.ERROR,
    Outcome.ADVISORY,
)
"""The outcomes the chart of compliance by rule stacks (not applicable is left out)."""
_TO_ACT = (Outcome.NON_COMPLIANT, Outcome.MISSING_INPUT, Outcome.ERROR)


@attrs.frozen
class LinesRender:
    """A finding's JSON text on a line of its own; with ``shown_only``, None for the findings
    the table does not list (:data:`~careprotect.report.audit.SHOWN`). A value that pickles,
    like every renderer (the workers of a distributed executor render)."""

    text: FindingText = attrs.field(factory=FindingText)
    shown_only: bool = False

    def __call__(self, finding: Any) -> bytes | None:
        if self.shown_only and finding.outcome not in SHOWN:
            return None
        return self.text(finding) + b"\n"


def _findings(data: bytes) -> Iterable[dict[str, Any]]:
    """The findings of a run of :class:`LinesRender` texts."""
    # Split at line ends only: JSON text may hold U+2028 and the like as they are.
    for line in data.split(b"\n")[:-1]:
        yield json.loads(line)


_COLUMNS = ("outcome", "rule", *SUBJECT_COLUMNS, "message", "sources", "rests_on")
"""The label keys of the columns of the rows."""


def _header(lang: Lang) -> tuple[str, ...]:
    return labels(_COLUMNS, lang)


_TOWNSHIP, _MESSAGE, _SOURCES = 2, 8, 9


def _row(d: Mapping[str, Any], lang: Lang, places: Places) -> tuple[str, ...]:
    """A finding's cells: outcome, rule, township, division, subject, day or period,
    message, each citation with its status, and the weakest status it rests on."""
    return (
        text(d["outcome"], lang),
        d["rule"],
        *subject_cells(d, d.get("date") or d.get("period"), lang, places),
        d["message"][lang],
        *sources_cells(d, lang),
    )


def _overview(header: AuditHeader, end: AuditEnd, lang: Lang, places: Places) -> Overview:
    s = end.summary
    outcomes = [text(o, lang) for o in Outcome]
    lines = opening_lines(
        f"{text('audit', lang)} · {header.describe(lang)}", header.plugins, end.counts, lang
    )
    lines += [
        (
            text("subjects", lang),
            ", ".join(f"{text(k, lang)} {s.subjects[k.value]}" for k in SubjectKind),
        ),
        (text("findings", lang), s.findings),
        *((f"  {text(o, lang)}", s.by_outcome.get(o.value, 0)) for o in Outcome),
        (rests_on_line(s.by_status, lang), None),
    ]
    lines += [(note, None) for note in read_notes(end.rejections, end.warnings, lang)]

    def counts(c: Counter[str]) -> tuple[int, ...]:
        return (*(c.get(o.value, 0) for o in Outcome), c.total())

    by_rule = Block(
        title=text("by_rule", lang),
        header=(text("rule", lang), *outcomes, text("total", lang)),
        rows=tuple((rule, *counts(c)) for rule, c in sorted(s.by_rule.items())),
    )
    by_township = Block(
        title=text("by_township", lang),
        header=(text("township", lang), *outcomes, text("total", lang)),
        rows=tuple(
            (places.name(str(code)), *counts(c)) for code, c in sorted(end.by_township.items())
        ),
    )
    return Overview(
        title=text("summary", lang),
        lines=tuple(lines),
        blocks=(by_rule, rule_states_block(end.rules, lang), by_township),
    )


class XlsxAuditWriter:
    """The audit as a workbook (``out``: a binary file): the summary sheet, then every finding
    on the findings sheet, then the rejected records (when there are any)."""

    def __init__(self, out: IO[bytes], *, lang: Lang, reference: ReferenceData) -> None:
        self.lang = lang
        self._places = Places(reference)
        self._book = XlsxBook(out)
        self._sheet = self._book.table(text("findings_sheet", lang), _header(lang))
        self._header = AuditHeader()
        self.render = LinesRender()

    def start(self, header: AuditHeader) -> None:
        self._header = header

    def write(self, data: bytes) -> None:
        for d in _findings(data):
            self._sheet.append(_row(d, self.lang, self._places))

    def finish(self, end: AuditEnd) -> None:
        lang = self.lang
        rejected_sheet(self._book, end.rejections, end.warnings, lang)
        self._book.finish(_overview(self._header, end, lang, self._places), text("summary", lang))

    def close(self) -> None:
        pass


def _charts(end: AuditEnd, lang: Lang, places: Places) -> tuple[Chart, ...]:
    """Compliance by rule (the rules with most to act on first) and the townships' findings
    to act on (the most first, at most MAX_BARS)."""
    s = end.summary

    def series(outcomes: Iterable[Outcome]) -> tuple[Series, ...]:
        return tuple(Series(text(o, lang), OUTCOME_COLORS[o]) for o in outcomes)

    def to_act(c: Counter[str]) -> int:
        return sum(c.get(o.value, 0) for o in _TO_ACT)

    rules = sorted(s.by_rule.items(), key=lambda item: (-to_act(item[1]), item[0]))
    rule_bars = [
        Bar(
            label=rule,
            values=tuple(float(c.get(o.value, 0)) for o in _CHARTED),
            total=f"{c.get(Outcome.COMPLIANT.value, 0)}/{sum(c.get(o.value, 0) for o in _CHARTED)}",
        )
        for rule, c in rules
        if any(c.get(o.value, 0) for o in _CHARTED)
    ]
    townships = [
        Bar(
            label=places.name(str(code)),
            values=tuple(float(c.get(o.value, 0)) for o in _TO_ACT),
            total=str(to_act(c)),
        )
        for code, c in sorted(end.by_township.items())
        if to_act(c)
    ]
    shown, note = top_bars(townships, lang)
    if not townships:
        note = text("none_to_act", lang)
    return (
        Chart(
            title=text("compliance_by_rule", lang), series=series(_CHARTED), bars=tuple(rule_bars)
        ),
        Chart(
            title=text("non_compliance_by_township", lang),
            series=series(_TO_ACT),
            bars=shown,
            note=note,
        ),
    )


class HtmlAuditWriter(PageWriter):
    """The audit as one page (``out``: text): the summary with its charts, then the
    non-compliant, missing-input and error findings, filterable by outcome, rule and
    township, at most ``limit`` of them (see :class:`PageWriter`)."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        super().__init__(out, **options)
        self._header = AuditHeader()
        self.render = LinesRender(shown_only=True)

    def start(self, header: AuditHeader) -> None:
        self._header = header

    def write(self, data: bytes) -> None:
        take, lang, places = self.rows.take, self.lang, self.places
        for line in data.split(b"\n")[:-1]:  # at line ends only, as _findings
            take(lambda line=line: _row(json.loads(line), lang, places))  # type: ignore[misc]

    def finish(self, end: AuditEnd) -> None:
        lang = self.lang
        self.write_page(
            title=text("audit", lang),
            subtitle=self._header.describe(lang),
            overview=_overview(self._header, end, lang, self.places),
            charts=_charts(end, lang, self.places),
            listing=self.listing(
                text("to_act", lang),
                _header(lang),
                filters=(0, 1, _TOWNSHIP),
                note=text("listed_findings", lang),
                wide=(_MESSAGE, _SOURCES),
            ),
        )

    def close(self) -> None:
        pass


AUDIT_WRITERS: WriterKinds[AuditWriter] = WriterKinds(
    JsonAuditWriter, CsvAuditWriter, TableAuditWriter, XlsxAuditWriter, HtmlAuditWriter
)
"""The audit report's writer of each format: ``AUDIT_WRITERS.writer(fmt, out, ...)``."""
