"""Pieces the workbook and page forms of every report share: the names of places (kept for
the divisions seen most recently), the summary lines every report opens with, the table of
rule states, the sheet of rejected records, and a bounded list of rows for a page."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TextIO, TypeVar

import attrs

from careprotect.divisions import Division
from careprotect.io import LoadCounts, RecordWarning, Rejection
from careprotect.model import ReferenceData
from careprotect.params import PluginInfo
from careprotect.report._base import (
    Lang,
    binary_of,
    place,
    records_line,
    rule_state_text,
    status_text,
    text,
    township_of,
)
from careprotect.report.html import (
    MAX_ROWS,
    Chart,
    Listing,
    Page,
    render_page,
    require_jinja2,
)
from careprotect.report.xlsx import Block, Overview, Value, XlsxBook
from careprotect.rulestates import RuleStatus

__all__ = [
    "SUBJECT_COLUMNS",
    "CappedRows",
    "PageWriter",
    "Places",
    "WriterKinds",
    "labels",
    "opening_lines",
    "rejected_sheet",
    "rule_states_block",
    "sources_cells",
    "subject_cells",
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
        (records_line(counts, lang), None),
    ]


def sources_cells(d: Mapping[str, Any], lang: Lang) -> tuple[str, str]:
    """A row's cells of what a finding, an amount or a task (its JSON form) rests on: its
    citations, one a line, each with its status (``《...》 第三条, 2019-06-11 [reported]``),
    and the weakest status it rests on."""
    citations = "\n".join(f"{c['text']} [{status_text(c['status'], lang)}]" for c in d["citations"])
    return citations, status_text(d["rests_on"], lang)


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

    def take(self, make: Callable[[], Sequence[Value]]) -> None:
        """Count a row, and list it (its cells as text, made by ``make``) while fewer than
        ``limit`` are listed; a row not listed is never made."""
        self.total += 1
        if len(self.rows) < self.limit:
            self.rows.append(tuple("" if v is None else str(v) for v in make()))

    def note(self, lang: Lang) -> str:
        """What the page says about a list capped (nothing when every row is listed)."""
        if self.total <= len(self.rows):
            return ""
        return text("capped", lang).format(total=self.total, shown=len(self.rows))


class PageWriter:
    """What writes a report's page: the output, the language, whether names were asked for
    unmasked, the names of places, and the rows listed (at most ``limit``). Jinja2 is
    required at once, so that a missing extra fails before the run."""

    def __init__(
        self,
        out: TextIO,
        *,
        lang: Lang,
        reference: ReferenceData,
        reveal: bool = False,
        limit: int | None = None,
    ) -> None:
        require_jinja2()
        self.out = out
        self.lang = lang
        self.reveal = reveal
        self.places = Places(reference)
        self.rows = CappedRows(limit)

    def listing(self, title: str, header: tuple[str, ...], **options: Any) -> Listing:
        """The rows listed under ``header``, with the note on a capped list (and any
        ``note`` given before it)."""
        notes = [options.pop("note", ""), self.rows.note(self.lang)]
        return Listing(
            title=title,
            header=header,
            rows=self.rows.rows,
            note=" ".join(n for n in notes if n),
            **options,
        )

    def write_page(
        self,
        *,
        title: str,
        subtitle: str,
        overview: Overview,
        charts: tuple[Chart, ...],
        listing: Listing,
    ) -> None:
        """Write the page, opening with what it says of names and ID numbers."""
        note = text("revealed_note" if self.reveal else "masked_note", self.lang)
        page = Page(
            lang=self.lang,
            title=title,
            subtitle=subtitle,
            overview=overview,
            charts=charts,
            listings=(listing,),
            notes=(note,),
        )
        self.out.write(render_page(page))


W = TypeVar("W")


@attrs.frozen
class WriterKinds(Generic[W]):
    """The writer classes of a report, one per format."""

    json: Callable[[TextIO], W]
    csv: Callable[[TextIO], W]
    table: Callable[..., W]
    """Made with ``(out, lang=, reference=)``."""
    xlsx: Callable[..., W]
    """Made with ``(binary_out, lang=, reference=)``."""
    html: Callable[..., W]
    """Made with ``(out, lang=, reference=, reveal=)``."""

    def writer(
        self, fmt: str, out: TextIO, *, lang: Lang, reference: ReferenceData, reveal: bool = False
    ) -> W:
        """The writer of ``fmt`` (one of :data:`~careprotect.report.FORMATS`), writing to
        ``out`` (a workbook to the bytes under it)."""
        if fmt == "json":
            return self.json(out)
        if fmt == "csv":
            return self.csv(out)
        if fmt == "xlsx":
            return self.xlsx(binary_of(out), lang=lang, reference=reference)
        if fmt == "html":
            return self.html(out, lang=lang, reference=reference, reveal=reveal)
        return self.table(out, lang=lang, reference=reference)


def labels(keys: Iterable[str], lang: Lang) -> tuple[str, ...]:
    """The labels of ``keys`` in ``lang`` (a header row)."""
    return tuple(text(k, lang) for k in keys)


SUBJECT_COLUMNS = (
    "township",
    "division",
    "subject_kind",
    "subject_id",
    "subject_name",
    "rule_period",
)
"""The label keys of the columns :func:`subject_cells` fills."""


def subject_cells(
    d: Mapping[str, Any], when: str | None, lang: Lang, places: Places
) -> tuple[str, ...]:
    """The cells of :data:`SUBJECT_COLUMNS` for the JSON form ``d`` of a finding or an
    amount: its township and division (codes and names), its subject's kind, id and (masked)
    name, and ``when`` (a day, a period or a month)."""
    subject = d["subject"]
    return (
        places.name(d["division"], township=True),
        places.name(d["division"]),
        text(subject["kind"], lang),
        subject["id"],
        subject.get("name", ""),
        when or "",
    )
