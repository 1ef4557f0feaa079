"""Pieces the workbook and page forms of every report share: the names of places (kept for
the divisions seen most recently), the summary lines every report opens with, the table of
rule states, the sheet of rejected records, and a bounded list of rows for a page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from careprotect.divisions import Division
from careprotect.io import LoadCounts, RecordWarning, Rejection
from careprotect.model import ReferenceData
from careprotect.params import PluginInfo
from careprotect.report._base import (
    Lang,
    place,
    rule_state_text,
    status_text,
    text,
    township_of,
)
from careprotect.report.html import MAX_ROWS
from careprotect.report.xlsx import Block, Value, XlsxBook
from careprotect.rulestates import RuleStatus

__all__ = [
    "CappedRows",
    "Places",
    "citations_text",
    "opening_lines",
    "rejected_sheet",
    "rule_states_block",
]

_CACHED = 1 << 14


class Places:
    """The names of divisions (:func:`~careprotect.report._base.place`) and of their
    townships, by code, kept for the last divisions seen (a registry's rows come village by
    village)."""

    def __init__(self, reference: ReferenceData) -> None:
        self.reference = reference
        self._names: dict[tuple[str, bool], str] = {}

    def name(self, code: str, *, township: bool = False) -> str:
        """The code and names of the division ``code``, or of its township."""
        key = (code, township)
        hit = self._names.get(key)
        if hit is None:
            if len(self._names) >= _CACHED:
                self._names.clear()
            division = Division(code)
            if township:
                division = township_of(division)
            hit = self._names[key] = place(division, self.reference)
        return hit


def opening_lines(
    what: str, plugins: Iterable[PluginInfo], counts: LoadCounts, lang: Lang
) -> list[tuple[str, Value]]:
    """The lines a summary opens with: what the report covers, the plugins, the records."""
    return [
        (what, None),
        (text("plugins", lang), ", ".join(str(p) for p in plugins)),
        (
            text("records", lang).format(
                read=counts.read, accepted=counts.accepted, rejected=counts.rejected
            ),
            None,
        ),
    ]


def citations_text(citations: Iterable[Mapping[str, Any]], lang: Lang) -> str:
    """The citations of a finding or an amount (their JSON forms), one a line, each with its
    status: ``《...》 第三条, 2019-06-11 [reported]``."""
    return "\n".join(f"{c['text']} [{status_text(c['status'], lang)}]" for c in citations)


def rule_states_block(states: Iterable[RuleStatus], lang: Lang) -> Block:
    """The small table of the rules and their states."""
    return Block(
        title=text("rule_states", lang),
        header=(text("rule", lang), text("state", lang)),
        rows=tuple((s.rule, rule_state_text(s, lang)) for s in states),
    )


def rejected_sheet(
    book: XlsxBook,
    rejections: Sequence[Rejection],
    warnings: Sequence[RecordWarning],
    lang: Lang,
) -> None:
    """A sheet of the rejected records and the warnings about accepted ones (masked ids),
    when there are any."""
    if not rejections and not warnings:
        return
    sheet = book.table(
        text("rejected_sheet", lang),
        (
            text("kind", lang),
            text("line", lang),
            text("id", lang),
            "path",
            text("problem", lang),
        ),
    )
    for r in rejections:
        where = r.line if r.line is not None else r.location
        kind = r.kind.value if r.kind else ""
        sheet.append((kind, where, r.record_id, r.path, r.message))
    for w in warnings:
        where = w.line if w.line is not None else w.location
        kind = w.kind.value if w.kind else ""
        sheet.append((kind, where, w.record_id, w.path, f"{text('warnings', lang)}: {w.message}"))


class CappedRows:
    """The rows a page lists: the first ``limit`` given, and how many were given."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_ROWS if limit is None else limit
        self.rows: list[tuple[str, ...]] = []
        self.total = 0

    def wants(self) -> bool:
        """Whether the next row would be listed (else only counted): call :meth:`add` or
        :meth:`count` after."""
        return len(self.rows) < self.limit

    def add(self, row: tuple[str, ...]) -> None:
        self.total += 1
        if len(self.rows) < self.limit:
            self.rows.append(row)

    def count(self) -> None:
        """Count a row not listed."""
        self.total += 1

    def note(self, lang: Lang) -> str:
        """What the page says about a list capped (nothing when every row is listed)."""
        if self.total <= len(self.rows):
            return ""
        return text("capped", lang).format(total=self.total, shown=len(self.rows))
