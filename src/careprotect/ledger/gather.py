"""Gathering a ledger's rows into the records of the registry format, record by record, in
memory that does not grow with the number of records.

A record's rows may be anywhere in its sheets (a child's contacts need not be together, nor
in the children's order), so no record is whole until every sheet has been read. Rather than
hold every row until then, :func:`read_ledger` reads the workbook row by row
(:func:`~careprotect.ledger.reader.read_sheets`) into an SQLite file, each row of a list keyed
by its record, its sheet and its row number; then writes the records as JSON Lines one at a
time, each with the rows of its lists in the order of the layout's sheets and of the rows,
and keeps where each record's rows came from (:class:`~careprotect.ledger.reader.RecordOrigin`)
in the same file, read back only for the records whose problems must be traced to a cell.

The SQLite file lives in a directory the caller owns (:class:`~careprotect.ledger.stream.
LedgerStream` makes a private temporary one and removes it). Rows are kept there as pickles:
written and read back by this process only, never from elsewhere.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import attrs

from careprotect.convert import FieldProblem, describe_value
from careprotect.ledger.cells import read_cell
from careprotect.ledger.layout import LAYOUT, Column, Sheet
from careprotect.ledger.reader import ItemKey, Orphan, Place, RecordOrigin, read_sheets, sheet_at
from careprotect.reading.records import RecordKind
from careprotect.reading.writing import dumps

__all__ = ["DATABASE", "LedgerBook", "read_ledger"]

DATABASE = "rows.sqlite3"
"""The name of the SQLite file :func:`read_ledger` keeps the rows in, in its directory."""

_BATCH = 512
_KINDS = tuple(RecordKind)
_INDEXES = {sheet.name: index for index, sheet in enumerate(LAYOUT)}
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA temp_store = FILE;
PRAGMA cache_size = -8192;
CREATE TABLE roots (seq INTEGER PRIMARY KEY, kind INTEGER, row INTEGER, item BLOB);
CREATE TABLE ids (kind INTEGER, id TEXT, seq INTEGER, PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE TABLE items (
    owner INTEGER, sheet INTEGER, row INTEGER, item BLOB, PRIMARY KEY (owner, sheet, row)
) WITHOUT ROWID;
CREATE TABLE orphans (
    sheet INTEGER, row INTEGER, kind INTEGER, owner TEXT, path TEXT, message TEXT
);
CREATE TABLE origins (record INTEGER PRIMARY KEY, kind INTEGER, rows BLOB);
"""
"""Every row of a record's own sheet (``roots``, ``seq`` in reading order), the first of
them for each id (``ids``), every row of a list by its record's ``seq`` (``items``), the rows
whose record is not found (``orphans``), and the rows of each record written (``origins``).
Nothing is written to a journal: the file is thrown away whole when anything fails."""


@attrs.define
class LedgerBook:
    """A ledger read: how many records were written as JSON Lines, the orphan rows, the rows
    read by sheet, where each sheet's columns are, and the SQLite file that holds where each
    record's rows came from (:meth:`origin`). Call :meth:`close` when done."""

    records: int
    orphans: list[Orphan]
    rows_read: Counter[str]
    places: dict[str, Place]
    database: Path
    _connection: sqlite3.Connection | None = attrs.field(default=None, init=False)
    _pid: int = attrs.field(factory=os.getpid, init=False)
    _kept: dict[int, RecordOrigin] = attrs.field(factory=dict, init=False)

    def origin(self, record: int) -> RecordOrigin:
        """Where the rows of the ``record``-th record (1 the first) came from: from the
        SQLite file, or once it is closed, from those :meth:`keep` kept."""
        kept = self._kept.get(record)
        if kept is not None:
            return kept
        if self._connection is None or self._pid != os.getpid():
            # A process forked after reading opens its own connection.
            self._connection = sqlite3.connect(self.database)
            self._pid = os.getpid()
        kind, rows = self._connection.execute(
            "SELECT kind, rows FROM origins WHERE record = ?", (record,)
        ).fetchone()
        return RecordOrigin(_KINDS[kind], pickle.loads(rows))

    def keep(self, records: Iterable[int]) -> None:
        """Keep the origins of ``records`` in memory, for :meth:`origin` once the SQLite file
        is gone (the records rejected or warned about, a few)."""
        for record in records:
            self._kept[record] = self.origin(record)

    def close(self) -> None:
        """Close the SQLite file (it may then be removed)."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


def _fields(sheet: Sheet, values: Mapping[str, Any]) -> tuple[Any, ...]:
    """Each field column's value as read (None when blank), in the sheet's order."""
    return tuple(read_cell(values[c.en], c) if c.en in values else None for c in sheet.fields)


def _item(sheet: Sheet, fields: tuple[Any, ...]) -> dict[str, Any]:
    """A row's item of the registry format, from its :func:`_fields`."""
    item: dict[str, Any] = {}
    for column, value in zip(sheet.fields, fields, strict=True):
        if value is not None:
            target = item
            for name in column.path[:-1]:
                target = target.setdefault(name, {})
            target[column.path[-1]] = value
    return item


class _Spool:
    """The rows of a workbook going into the SQLite file, in batches."""

    def __init__(self, database: Path) -> None:
        self.db = sqlite3.connect(database, isolation_level=None)
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.seq = 0
        self.roots: list[tuple[int, int, int, bytes]] = []
        self.ids: list[tuple[int, str, int]] = []
        self.items: list[tuple[int, int, int, bytes]] = []
        self.rows_read: Counter[str] = Counter()
        self.places: dict[str, Place] = {}
        self._last: tuple[int, Any, int | None] = (-1, None, None)

    def flush(self) -> None:
        """Write the rows taken so far (at the latest when a sheet ends: a record's own sheet
        comes before its lists', whose rows look their record up)."""
        self.db.executemany("INSERT INTO roots VALUES (?, ?, ?, ?)", self.roots)
        self.db.executemany("INSERT OR IGNORE INTO ids VALUES (?, ?, ?)", self.ids)
        self.db.executemany("INSERT INTO items VALUES (?, ?, ?, ?)", self.items)
        for batch in (self.roots, self.ids, self.items):
            batch.clear()

    def orphan(
        self, index: int, number: int, place: Place, owner: Any, column: Column, what: str, got: Any
    ) -> None:
        """A row whose record (or owning item) is not found, as the problem of ``column``."""
        sheet = place.sheet
        shown = got if column.link else owner
        message = "must not be empty" if shown is None else f"{what} (got {describe_value(shown)})"
        owner_id = owner if isinstance(owner, str) else None
        self.db.execute(
            "INSERT INTO orphans VALUES (?, ?, ?, ?, ?, ?)",
            (
                index,
                number,
                _KINDS.index(sheet.record),
                owner_id,
                place.where(number, column),
                message,
            ),
        )

    def owner(self, kind: int, owner_id: Any) -> int | None:
        """The ``seq`` of the first record of ``kind`` whose id is ``owner_id``, if any."""
        if not isinstance(owner_id, str):
            return None
        if self._last[:2] == (kind, owner_id):  # a record's rows are mostly together
            return self._last[2]
        found = self.db.execute(
            "SELECT seq FROM ids WHERE kind = ? AND id = ?", (kind, owner_id)
        ).fetchone()
        self._last = (kind, owner_id, None if found is None else found[0])
        return self._last[2]

    def take(
        self, index: int, sheet: Sheet, number: int, place: Place, values: dict[str, Any]
    ) -> None:
        """One filled row of the ``index``-th sheet of the layout."""
        self.rows_read[sheet.name] += 1
        self.places.setdefault(sheet.name, place)
        kind = _KINDS.index(sheet.record)
        if not sheet.path:
            self.seq += 1
            fields = _fields(sheet, values)
            self.roots.append((self.seq, kind, number, pickle.dumps(fields, protocol=5)))
            item = _item(sheet, fields)
            root_id = item.get("id", item.get("code"))
            if isinstance(root_id, str):
                self.ids.append((kind, root_id, self.seq))
        else:
            links = [read_cell(values.get(c.en), c) for c in sheet.links]
            owner = self.owner(kind, links[0])
            if owner is None:
                what = "refers to no row of " + sheet_at(sheet.record, ()).label
                self.orphan(index, number, place, links[0], sheet.links[0], what, None)
                return
            given = (
                None
                if sheet.number is None
                else read_cell(values.get(sheet.number.en), sheet.number)
            )
            link = links[1] if len(links) > 1 else None
            blob = pickle.dumps((_fields(sheet, values), link, given), protocol=5)
            self.items.append((owner, index, number, blob))
        if len(self.roots) + len(self.items) >= _BATCH:
            self.flush()


def _assemble(
    spool: _Spool, seq: int, kind: RecordKind, row: int, fields: tuple[Any, ...]
) -> tuple[dict[str, Any], dict[ItemKey, int]]:
    """A record and where its rows are: its own row's item, then the rows of its lists in the
    layout's order of sheets and the order of rows. A row of an item's list that names no item
    of the record (a disqualification of a guardianship number the child lacks) is an
    orphan."""
    data = {"record": kind.value, **_item(sheet_at(kind, ()), fields)}
    rows: dict[ItemKey, int] = {(): row}
    numbers: dict[tuple[str, Any], ItemKey] = {}
    found = spool.db.execute(
        "SELECT sheet, row, item FROM items WHERE owner = ? ORDER BY sheet, row", (seq,)
    )
    for index, number, blob in found.fetchall():
        sheet = LAYOUT[index]
        item_fields, link, given = pickle.loads(blob)
        key: ItemKey = ()
        if len(sheet.path) > 1:
            owner_key = numbers.get((sheet.path[0], link)) if isinstance(link, int) else None
            if owner_key is None:
                owner_id = data.get("id", data.get("code"))
                what = f"refers to no row of {sheet_at(kind, sheet.path[:-1]).label} of this record"
                place = spool.places[sheet.name]
                spool.orphan(index, number, place, owner_id, sheet.links[1], what, link)
                continue
            key = owner_key
        items: dict[str, Any] = data
        for name, at in key:
            items = items[name][at]
        listed: list[dict[str, Any]] = items.setdefault(sheet.path[-1], [])
        item_key = (*key, (sheet.path[-1], len(listed)))
        listed.append(_item(sheet, item_fields))
        rows[item_key] = number
        if sheet.number is not None:
            label = given if isinstance(given, int) else len(listed)
            numbers.setdefault((sheet.path[-1], label), item_key)
    return data, rows


def _orphans(db: sqlite3.Connection) -> list[Orphan]:
    """The orphan rows grouped by the record they name, in the order rows are read."""
    groups: dict[tuple[int, str | None], tuple[list[FieldProblem], Counter[str]]] = {}
    for index, kind, owner, path, message in db.execute(
        "SELECT sheet, kind, owner, path, message FROM orphans ORDER BY sheet, row"
    ):
        problems, rows = groups.setdefault((kind, owner), ([], Counter()))
        problems.append(FieldProblem(path, message))
        rows[LAYOUT[index].name] += 1
    return [
        Orphan(_KINDS[kind], owner, tuple(problems), rows)
        for (kind, owner), (problems, rows) in groups.items()
    ]


def _records(spool: _Spool) -> Iterator[tuple[int, RecordKind, int, tuple[Any, ...]]]:
    """Each record's own row, in the order of the registry format: by kind, then by row."""
    cursor = spool.db.cursor()
    for kind_index, kind in enumerate(_KINDS):
        cursor.execute(
            "SELECT seq, row, item FROM roots WHERE kind = ? ORDER BY seq", (kind_index,)
        )
        while batch := cursor.fetchmany(_BATCH):
            for seq, row, blob in batch:
                yield seq, kind, row, pickle.loads(blob)


def read_ledger(path: str | Path, lines: IO[str], directory: Path) -> LedgerBook:
    """Read the ledger workbook at ``path`` and write its records to ``lines`` as JSON
    Lines, in the order a JSON Lines registry gives them, keeping its rows in an SQLite file
    in ``directory`` (which the caller removes, after :meth:`LedgerBook.close`). Raises
    :class:`~careprotect.errors.RegistryReadError` as
    :func:`~careprotect.ledger.reader.read_sheets` does."""
    database = directory / DATABASE
    spool = _Spool(database)
    try:
        with read_sheets(path) as sheets:
            for sheet, rows in sheets:
                index = _INDEXES[sheet.name]
                for number, place, values in rows:
                    spool.take(index, sheet, number, place, values)
                spool.flush()
        count = 0
        origins: list[tuple[int, int, bytes]] = []
        for seq, kind, row, fields in _records(spool):
            data, rows_of = _assemble(spool, seq, kind, row, fields)
            lines.write(dumps(data))
            lines.write("\n")
            count += 1
            origins.append((count, _KINDS.index(kind), pickle.dumps(rows_of, protocol=5)))
            if len(origins) >= _BATCH:
                spool.db.executemany("INSERT INTO origins VALUES (?, ?, ?)", origins)
                origins.clear()
        spool.db.executemany("INSERT INTO origins VALUES (?, ?, ?)", origins)
        orphans = _orphans(spool.db)
        spool.db.execute("COMMIT")
    finally:
        spool.db.close()
    places = dict(spool.places)
    for sheet in LAYOUT:
        places.setdefault(sheet.name, Place(sheet, {}))
    return LedgerBook(count, orphans, spool.rows_read, places, database)
