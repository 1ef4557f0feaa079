"""The audit report: findings as they come, as JSON, CSV or a table grouped by division."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import attrs

from careprotect.divisions import Division
from careprotect.findings import Finding, Outcome, SubjectKind, Summary
from careprotect.io import LoadCounts, RecordWarning, RegistryStream, Rejection
from careprotect.model import ReferenceData
from careprotect.params import PluginInfo, Status
from careprotect.periods import Period
from careprotect.report._base import (
    MARKS,
    JsonStream,
    Lang,
    Progress,
    byte_writer,
    console_for,
    headline,
    new_table,
    place,
    plugins_json,
    read_records_json,
    records_line,
    rests_on_line,
    rule_states_json,
    rule_states_table,
    show,
    show_plain,
    status_counts,
    text,
    township_of,
)
from careprotect.report.finding_text import FINDING_CSV, FindingText, csv_line
from careprotect.rules.base import RuleKind
from careprotect.rulestates import RuleStatus

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from careprotect.pipeline import Audit

__all__ = [
    "AUDIT_CSV_COLUMNS",
    "AuditEnd",
    "AuditHeader",
    "AuditWriter",
    "CsvAuditWriter",
    "JsonAuditWriter",
    "TableAuditWriter",
    "end_json",
    "run_audit",
]


@attrs.frozen(kw_only=True)
class AuditHeader:
    """What an audit report states first: the day or the period, and the plugins; and what
    is known before the first finding: the state of each compliance rule."""

    as_of: dt.date | None = None
    period: Period | None = None
    plugins: tuple[PluginInfo, ...] = ()
    rules: tuple[RuleStatus, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The report's opening keys."""
        when: dict[str, Any] = (
            {"as_of": self.as_of.isoformat()} if self.as_of else {"period": str(self.period)}
        )
        return {**when, "plugins": plugins_json(self.plugins)}

    def describe(self, lang: Lang) -> str:
        """``as of 2020-06-30`` or ``period 2020-06``."""
        if self.as_of is not None:
            return text("as_of", lang).format(self.as_of.isoformat())
        return text("period", lang).format(self.period)


@attrs.frozen(kw_only=True)
class AuditEnd:
    """What is known once an audit has run: the summary, findings by township, the rejected
    records and the record counts; and the state of each compliance rule."""

    summary: Summary
    by_township: Mapping[Division, Counter[str]]
    rejections: tuple[Rejection, ...]
    counts: LoadCounts
    warnings: tuple[RecordWarning, ...] = ()
    rules: tuple[RuleStatus, ...] = ()

    @property
    def non_compliant(self) -> int:
        """How many findings are non-compliant."""
        return self.summary.by_outcome.get(Outcome.NON_COMPLIANT.value, 0)

    @property
    def errors(self) -> int:
        """How many findings are errors: evaluations of a rule for a subject that failed."""
        return self.summary.errors

    def summary_json(self) -> dict[str, Any]:
        """The summary: subjects by kind, findings in all, by outcome, by rule and by township
        (every outcome present, zeros included), by the status they rest on (every status
        present), and each compliance rule's state."""
        s = self.summary
        return {
            "subjects": {k.value: s.subjects[k.value] for k in SubjectKind},
            "findings": s.findings,
            "by_outcome": _outcomes(s.by_outcome),
            "by_rule": {rule: _outcomes(c) for rule, c in sorted(s.by_rule.items())},
            "by_township": {
                str(code): _outcomes(c) for code, c in sorted(self.by_township.items())
            },
            "rests_on": status_counts(s.by_status),
            "rules": rule_states_json(self.rules),
        }


def _marked(mark: str) -> str:
    """A mark after a line's text: a space and the mark, or nothing."""
    return f" {mark}" if mark else ""


def _outcomes(counts: Mapping[str, int]) -> dict[str, int]:
    return {o.value: counts.get(o.value, 0) for o in Outcome}


class AuditWriter(Protocol):
    """Writes an audit report as it runs. Each finding is rendered to text by
    :meth:`render`, which a parallel audit calls in its worker processes (so it must depend
    on nothing but the finding and what the writer held when the audit started). The texts
    of runs of consecutive findings, joined, are handed to :meth:`write` in this process,
    in the order of the findings (see :meth:`Audit.chunks`)."""

    def start(self, header: AuditHeader) -> None:
        """Write the opening."""

    def render(self, finding: Finding) -> bytes | None:
        """The text (UTF-8) of ``finding`` for :meth:`write`, or None when nothing is
        written. Texts are joined, so each must be complete in itself (a line with its line
        end, say). Bytes travel between processes faster than text, and are written as they
        are to a UTF-8 output."""

    def write(self, data: bytes) -> None:
        """Write (or keep) the texts of a run of findings, joined."""

    def finish(self, end: AuditEnd) -> None:
        """Write what is known at the end."""

    def close(self) -> None:
        """Release temporary resources (whether or not the report was finished)."""


_DIVISIONS_CACHED = 1 << 16


def run_audit(
    audit: Audit, stream: RegistryStream, writer: AuditWriter, progress: Progress | None = None
) -> AuditEnd:
    """Run ``audit`` over ``stream`` and write its report with ``writer``, chunk by chunk
    (see :meth:`Audit.chunks`); returns the end state (summary, townships, rejections,
    counts)."""
    when = audit.as_of if audit.as_of is not None else audit.period
    assert when is not None
    rules = audit.engine.rule_states(when, kind=RuleKind.COMPLIANCE)
    header = AuditHeader(
        as_of=audit.as_of, period=audit.period, plugins=audit.engine.plugins, rules=rules
    )
    by_township: dict[Division, Counter[str]] = {}
    # The township counts of each division of a finding (a village's findings share them).
    counts_of: dict[Division, Counter[str]] = {}
    subjects = audit.summary.subjects
    write = writer.write
    try:
        writer.start(header)
        for chunk in audit.chunks(writer.render):
            for (_, outcome, division, _), n in chunk.counts.items():
                counts = counts_of.get(division)
                if counts is None:
                    if len(counts_of) >= _DIVISIONS_CACHED:
                        counts_of.clear()
                    counts = by_township.get(township := township_of(division))
                    if counts is None:
                        counts = by_township[township] = Counter()
                    counts_of[division] = counts
                counts[outcome.value] += n
            if chunk.text:
                write(chunk.text)
            if progress is not None:
                progress(subjects.total())
        if progress is not None:
            progress(subjects.total())
            progress.stop()
        end = AuditEnd(
            summary=audit.summary,
            by_township=by_township,
            rejections=tuple(stream.rejections),
            counts=stream.counts,
            warnings=tuple(stream.warnings),
            rules=rules,
        )
        writer.finish(end)
        return end
    finally:
        writer.close()


SHOWN = frozenset({Outcome.NON_COMPLIANT, Outcome.MISSING_INPUT, Outcome.ERROR})
"""The outcomes of the findings the table lists (the others are only counted)."""


@attrs.frozen
class JsonRender:
    """A finding's JSON text, after the items' separator. Renderers are values that pickle,
    so that the workers of a distributed executor render the findings they make."""

    text: FindingText = attrs.field(factory=FindingText)

    def __call__(self, finding: Finding) -> bytes:
        return JsonStream.SEPARATOR + self.text(finding)


@attrs.frozen
class TableRender:
    """For a finding the table lists: a line of its division's sort key and its JSON text,
    split by a tab (JSON text holds tabs and line ends only escaped); None for the others."""

    text: FindingText = attrs.field(factory=FindingText)

    def __call__(self, finding: Finding) -> bytes | None:
        if finding.outcome not in SHOWN:
            return None
        division = finding.division
        key = f"{division.code12}:{len(division.code):02d}\t".encode()
        return key + self.text(finding) + b"\n"


def end_json(end: AuditEnd) -> dict[str, Any]:
    """What the JSON report ends with: the summary, the rejected records, the warnings (if
    any) and the record counts."""
    return {
        "summary": end.summary_json(),
        **read_records_json(end.rejections, end.warnings, end.counts),
    }


class JsonAuditWriter:
    """The audit as one JSON document, written incrementally: the day or period and the
    plugins, then ``findings`` one per line as they come, then ``summary``, ``rejected`` and
    ``records``."""

    def __init__(self, out: TextIO) -> None:
        self._json = JsonStream(out)
        self.render = JsonRender()

    def start(self, header: AuditHeader) -> None:
        self._json.start(header.as_dict(), "findings")

    def write(self, data: bytes) -> None:
        self._json.items_bytes(data)

    def finish(self, end: AuditEnd) -> None:
        self._json.finish(end_json(end))

    def close(self) -> None:
        pass


AUDIT_CSV_COLUMNS = tuple(name for name, _, _ in FINDING_CSV)
"""The columns of the audit's CSV form (:data:`~careprotect.report.finding_text.FINDING_CSV`,
each a piece of the finding's JSON form); list-valued columns hold a JSON array.
``citation_status`` is the array of the statuses of ``citations``, in their order;
``rests_on`` the weakest status among the citations and the evidence's citations."""


class CsvAuditWriter:
    """The audit as CSV, one finding per row, written as they come."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._write_bytes: Callable[[bytes], object]  # set by start()
        self.render = FindingText(csv=True)
        """A finding's row, with its line ending: :func:`csv_line` of its columns, made of
        the pieces findings share (see :class:`FindingText`)."""

    def start(self, header: AuditHeader) -> None:
        self._write_bytes = byte_writer(self._out)
        self._write_bytes(csv_line(AUDIT_CSV_COLUMNS).encode())

    def write(self, data: bytes) -> None:
        self._write_bytes(data)

    def finish(self, end: AuditEnd) -> None:
        pass

    def close(self) -> None:
        pass


def _outcome_table(
    first: str, title: str, rows: Iterable[tuple[str, Counter[str]]], lang: Lang
) -> Table:
    """A table of findings by outcome and in all, a row for each (label, counts) of
    ``rows``; ``first`` and ``title`` are the keys of its first column's label and its
    title."""
    outcomes = [text(o, lang) for o in Outcome]
    table = new_table(
        text(first, lang),
        *outcomes,
        text("total", lang),
        right=range(1, 1 + len(outcomes) + 1),
        title=text(title, lang),
    )
    for label, c in rows:
        table.add_row(label, *(str(c.get(o.value, 0)) for o in Outcome), str(c.total()))
    return table


class TableAuditWriter:
    """The audit for people: a summary (records, subjects, findings by rule and outcome and
    by township), then the non-compliant, missing-input and error findings grouped by
    division, each with its message and citations, then the rejected records.

    Grouping needs every finding before the first division can be printed, so the findings
    shown are spooled to a temporary SQLite file (deleted afterwards) and read back sorted by
    division; memory holds none of them. Findings of other outcomes are only counted.
    """

    SHOWN = SHOWN

    def __init__(self, out: TextIO, *, lang: Lang, reference: ReferenceData) -> None:
        self.out = out
        self.lang = lang
        self.reference = reference
        self._dir = tempfile.TemporaryDirectory(prefix="careprotect-")
        self._db = sqlite3.connect(Path(self._dir.name) / "findings.sqlite")
        self._db.execute(
            "CREATE TABLE finding (code TEXT, seq INTEGER, data TEXT, PRIMARY KEY (code, seq))"
            " WITHOUT ROWID"
        )
        self._seq = 0
        self._header = AuditHeader()
        self.render = TableRender()

    def start(self, header: AuditHeader) -> None:
        self._header = header

    def write(self, data: bytes) -> None:
        rows = []
        # Split at line ends only (str.splitlines would also split at U+2028 and others,
        # which JSON text may hold as they are).
        for line in data.decode().split("\n")[:-1]:
            key, text_ = line.split("\t", 1)
            self._seq += 1
            rows.append((key, self._seq, text_))
        self._db.executemany("INSERT INTO finding VALUES (?, ?, ?)", rows)

    def finish(self, end: AuditEnd) -> None:
        self._db.commit()
        lang, out = self.lang, self.out
        console = console_for(out)
        what = f"{text('audit', lang)} · {self._header.describe(lang)}"
        show(console, headline(what, self._header.plugins, lang), style="bold", soft_wrap=True)
        show(console, records_line(end.counts, lang), soft_wrap=True)
        s = end.summary
        show(
            console,
            f"{text('subjects', lang)}: "
            + ", ".join(f"{text(k, lang)} {s.subjects[k.value]}" for k in SubjectKind)
            + f" · {s.findings} {text('findings', lang)}",
            soft_wrap=True,
        )
        show(console, rests_on_line(s.by_status, lang), soft_wrap=True)
        show(console)
        by_rule = _outcome_table("rule", "by_rule", sorted(s.by_rule.items()), lang)
        by_rule.add_row(
            text("total", lang),
            *(str(s.by_outcome.get(o.value, 0)) for o in Outcome),
            str(s.findings),
            style="bold",
        )
        show(console, by_rule)
        show(console)
        show(console, rule_states_table(end.rules, lang))
        show(console)
        by_township = _outcome_table(
            "township",
            "by_township",
            ((place(code, self.reference), c) for code, c in sorted(end.by_township.items())),
            lang,
        )
        show(console, by_township)
        show(console)
        self._findings(console)
        if end.rejections:
            show(
                console,
            )
            show(console, f"{text('rejected', lang)} ({len(end.rejections)})", style="bold")
            for rejection in end.rejections:
                show(console, f"  {rejection}", soft_wrap=True)
        if end.warnings:
            show(console)
            show(console, f"{text('warnings', lang)} ({len(end.warnings)})", style="bold")
            for warning in end.warnings:
                show(console, f"  {warning}", soft_wrap=True)

    def _findings(self, console: Console) -> None:
        from rich.text import Text

        lang = self.lang
        show(console, text("to_act", lang), style="bold underline", soft_wrap=True)
        rows = self._db.execute("SELECT data FROM finding ORDER BY code, seq")
        division = None
        for (data,) in rows:
            d = json.loads(data)
            if d["division"] != division:
                division = d["division"]
                show(
                    console,
                )
                show(console, place(Division(division), self.reference), style="bold")
            outcome = Outcome(d["outcome"])
            subject = d["subject"]
            label = f"[{text(outcome, lang)}]"
            mark = MARKS[Status(d["rests_on"])]
            who = " ".join(
                x for x in (text(subject["kind"], lang), subject["id"], subject.get("name")) if x
            )
            when = d.get("date") or d.get("period") or ""
            line = f" {d['rule']} · {who}" + (f" · {when}" if when else "") + _marked(mark)
            message = f"\n    {d['message'][lang]}"
            sources = [
                f"\n    {text('source', lang)}: {c['text']}" + _marked(MARKS[Status(c["status"])])
                for c in d["citations"]
            ]
            if show_plain(console, "".join(("  ", label, line, message, *sources))):
                continue
            block = Text("  ")
            block.append(label, style="yellow" if outcome is Outcome.MISSING_INPUT else "red")
            block.append(line)
            block.append(message)
            for source in sources:
                block.append(source, style="dim")
            show(console, block, soft_wrap=True)
        if division is None:
            show(console, text("none_to_act", lang), soft_wrap=True)

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()
