"""An audit report in parts: one file of findings per county, and a manifest.

For a run too large for one output file (``careprotect audit ... -o DIR --split``). Each
finding goes to the part of its county: the first six digits of its division's code (a
province's or a prefecture's own findings go to the part of its code). A national registry
arrives as one file of child files per county, and each county's staff read their own part.

- ``audit-<code>.json`` (or ``.csv``): the report's opening keys (day or period, plugins) and
  ``part`` (the code), then the part's findings as in the one-file report, in the registry's
  order, then the part's ``summary`` (findings in all and by outcome). A CSV part has the
  one-file report's columns and header row.
- ``manifest.json``: the opening keys, then ``parts`` (each part's file, code, findings and
  findings by outcome, in the order of the codes), then everything the one-file JSON report
  ends with: the merged ``summary``, ``rejected``, ``warnings`` and ``records``.

Every finding is in exactly one part; the parts' findings by outcome add up to the
manifest's summary. docs/cli.md says how to combine the parts into one report.

The findings come to the writer rendered and joined (in chunks, the cheapest way, see
:meth:`careprotect.pipeline.Audit.chunks`): each rendered finding is framed with its part's
code, outcome and length (:class:`SplitRender`), so the writer routes them without parsing.
At most :data:`OPEN_PARTS` part files are open at a time.
"""

from __future__ import annotations

import os
from collections import Counter, OrderedDict
from pathlib import Path
from typing import IO, Any

import attrs

from careprotect.findings import Finding, Outcome
from careprotect.io import dumps
from careprotect.report._base import open_json
from careprotect.report.audit import (
    AUDIT_CSV_COLUMNS,
    AuditEnd,
    AuditHeader,
    JsonRender,
    end_json,
)
from careprotect.report.finding_text import FindingText, csv_line

__all__ = ["MANIFEST", "OPEN_PARTS", "SplitAuditWriter", "SplitRender", "part_code"]

MANIFEST = "manifest.json"
"""The name of the manifest among the parts."""

OPEN_PARTS = 64
"""Part files open at a time; a part closed is opened again to append."""


def part_code(finding: Finding) -> str:
    """The code of the part a finding goes to: its division's county (six digits), or the
    division's own code above a county."""
    return finding.division.code[:6]


@attrs.frozen
class SplitRender:
    """A finding rendered for a part: ``code outcome length`` and a tab, then the text the
    part's format writes (a value that pickles, so the workers of a distributed executor
    render)."""

    csv: bool
    text: Any = attrs.field(init=False)

    @text.default
    def _text(self) -> Any:
        return FindingText(csv=True) if self.csv else JsonRender()

    def __call__(self, finding: Finding) -> bytes:
        body: bytes = self.text(finding)
        head = f"{part_code(finding)} {finding.outcome.value} {len(body)}\t"
        return head.encode() + body


@attrs.define
class _Part:
    """A part being written: its file, how many findings it has by outcome."""

    path: Path
    by_outcome: Counter[str] = attrs.field(factory=Counter)

    @property
    def findings(self) -> int:
        return self.by_outcome.total()


class SplitAuditWriter:
    """Writes the audit's parts and manifest into ``directory`` (made by the caller, empty),
    as JSON or, with ``csv``, CSV (see the module's docstring)."""

    def __init__(self, directory: Path, *, csv: bool = False) -> None:
        self.directory = directory
        self.csv = csv
        self.render = SplitRender(csv)
        self._header = AuditHeader()
        self._parts: dict[str, _Part] = {}
        self._open: OrderedDict[str, IO[bytes]] = OrderedDict()

    def start(self, header: AuditHeader) -> None:
        self._header = header

    def write(self, data: bytes) -> None:
        view, at = memoryview(data), 0
        while at < len(data):
            tab = data.index(b"\t", at)
            code, outcome, length = data[at:tab].decode().split(" ")
            stop = tab + 1 + int(length)
            start = tab + 1
            part = self._parts.get(code)
            if part is None:
                part = self._parts[code] = self._new(code)
                handle = self._handle(code, part)
                handle.write(self._opening(code))
                start += 0 if self.csv else 1  # the first JSON item follows no comma
            else:
                handle = self._handle(code, part)
            handle.write(view[start:stop])
            part.by_outcome[outcome] += 1
            at = stop

    def _new(self, code: str) -> _Part:
        suffix = "csv" if self.csv else "json"
        return _Part(self.directory / f"audit-{code}.{suffix}")

    def _opening(self, code: str) -> bytes:
        if self.csv:
            return csv_line(AUDIT_CSV_COLUMNS).encode()
        return (open_json({**self._header.as_dict(), "part": code}) + ', "findings": [').encode()

    def _handle(self, code: str, part: _Part) -> IO[bytes]:
        handle = self._open.get(code)
        if handle is not None:
            self._open.move_to_end(code)
            return handle
        fd = os.open(part.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        handle = self._open[code] = os.fdopen(fd, "ab")
        if len(self._open) > OPEN_PARTS:
            self._open.popitem(last=False)[1].close()
        return handle

    def finish(self, end: AuditEnd) -> None:
        parts = []
        for code in sorted(self._parts):
            part = self._parts[code]
            counts = {o.value: part.by_outcome.get(o.value, 0) for o in Outcome}
            if not self.csv:
                tail = {"summary": {"findings": part.findings, "by_outcome": counts}}
                self._handle(code, part).write(b"\n], " + dumps(tail)[1:].encode() + b"\n")
            parts.append(
                {
                    "file": part.path.name,
                    "part": code,
                    "findings": part.findings,
                    "by_outcome": counts,
                }
            )
        self.close()
        head = {**self._header.as_dict(), "format": "csv" if self.csv else "json"}
        manifest = {**head, "parts": parts, **end_json(end)}
        path = self.directory / MANIFEST
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(dumps(manifest) + "\n")

    def close(self) -> None:
        while self._open:
            self._open.popitem()[1].close()
