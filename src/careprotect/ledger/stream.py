"""A ledger read as a registry: its records written as JSON Lines to a private temporary file
and read by the registry's own reader, so that a ledger is judged exactly as a JSON Lines
registry is (and can be read in parts by worker processes), its problems traced back to the
ledger's cells.

Rows and records: every record of a ledger is one row of a record sheet (divisions, workers,
service points, children) and the rows of its lists on the other sheets. A record rejected
rejects all its rows; a row whose record is not in the ledger is rejected on its own, in a
rejection of the record it names. For each sheet, rows read = rows accepted + rows rejected
(:attr:`LedgerStream.sheet_counts`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TextIO, Unpack

import attrs

from careprotect.convert import FieldProblem
from careprotect.io import (
    KindCounts,
    LoadCounts,
    ReadOptions,
    RecordWarning,
    Rejection,
)
from careprotect.ledger.gather import LedgerBook, read_ledger
from careprotect.ledger.layout import LAYOUT
from careprotect.ledger.reader import RecordOrigin
from careprotect.masking import mask_if_id_number
from careprotect.memory import SpooledStream

__all__ = ["LedgerStream", "SheetCounts"]


@attrs.frozen
class SheetCounts:
    """The rows of one sheet: read, accepted and rejected (read = accepted + rejected).
    Blank rows are not read."""

    sheet: str
    title: str
    read: int
    accepted: int
    rejected: int


class LedgerStream(SpooledStream):
    """An open ledger, read as :class:`~careprotect.io.RegistryStream` reads a registry. Its
    :attr:`rejections` and :attr:`warnings` name the sheet, row and column of each problem
    (``location`` the record's row, each problem's ``path`` a cell); :attr:`sheet_counts`
    counts the rows of each sheet."""

    def __init__(self, path: str | Path, **options: Unpack[ReadOptions]) -> None:
        self.ledger_path = Path(path)
        self._book: LedgerBook | None = None

        def write(out: TextIO, directory: Path) -> None:
            self._book = read_ledger(self.ledger_path, out, directory)

        super().__init__(self.ledger_path.stem, write, prefix="careprotect-ledger-", **options)

    # -- where problems are ------------------------------------------------------------------

    @property
    def book(self) -> LedgerBook:
        """The ledger as read: its orphan rows, rows read by sheet, and where each record's
        rows are."""
        if self._book is None:
            raise RuntimeError("the ledger was not read")
        return self._book

    def _origin(self, record: int) -> RecordOrigin:
        return self.book.origin(record)

    def _locate(self, rejection: Rejection) -> Rejection:
        origin = self._origin(rejection.record)
        places = self.book.places
        return attrs.evolve(
            rejection,
            line=None,
            location=origin.cell("$", places),
            problems=tuple(
                FieldProblem(origin.cell(p.path, places), p.message) for p in rejection.problems
            ),
        )

    def _orphans(self) -> list[Rejection]:
        first = self.book.records + 1
        return [
            Rejection(
                record=first + i,
                location=orphan.problems[0].path.split(",")[0],
                kind=orphan.record,
                record_id=None if orphan.owner is None else mask_if_id_number(orphan.owner),
                problems=orphan.problems,
            )
            for i, orphan in enumerate(self.book.orphans)
        ]

    @property
    def rejections(self) -> list[Rejection]:
        """The records rejected so far, in input order, each problem at its cell; then the
        rows whose record is not in the ledger."""
        located = [self._locate(r) for r in super().rejections]
        return located + self._orphans()

    @property
    def warnings(self) -> list[RecordWarning]:
        """Notes on accepted records, each at its cell."""
        places = self.book.places
        return [
            attrs.evolve(
                w,
                line=None,
                location=self._origin(w.record).cell("$", places),
                path=self._origin(w.record).cell(w.path, places),
            )
            for w in super().warnings
        ]

    @property
    def counts(self) -> LoadCounts:
        """Counts of the records read so far, by kind; the rows whose record is not in the
        ledger count as a rejected record of the kind they name."""
        counts = dict(super().counts.by_kind)
        for orphan in self.book.orphans:
            kind = orphan.record.value
            c = counts.get(kind, KindCounts())
            counts[kind] = KindCounts(c.read + 1, c.accepted, c.rejected + 1)
        return LoadCounts(counts)

    @property
    def sheet_counts(self) -> tuple[SheetCounts, ...]:
        """The rows of each sheet of the layout: read, accepted and rejected, once the child
        files have been read."""
        rejected: Counter[str] = Counter()
        for rejection in super().rejections:
            rejected.update(self._origin(rejection.record).row_counts())
        for orphan in self.book.orphans:
            rejected.update(orphan.rows)
        read = self.book.rows_read
        return tuple(
            SheetCounts(
                s.name, s.title, read[s.name], read[s.name] - rejected[s.name], rejected[s.name]
            )
            for s in LAYOUT
        )

    # -- the temporary file ------------------------------------------------------------------

    def _release(self) -> None:
        """Keep in the rows' SQLite file only where the rejected and warned-about records
        came from (read after the close), then close it."""
        if self._book is not None:
            if self._opened:  # rejections and warnings are read after the close
                records = [r.record for r in super().rejections]
                self._book.keep(records + [w.record for w in super().warnings])
            self._book.close()
