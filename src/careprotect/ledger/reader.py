"""Reading a ledger workbook: its sheets found, their header rows found, their filled rows read
one at a time; and where a record's rows came from.

:func:`read_sheets` gives each sheet of the layout with its filled rows, each a row number and
its raw values by column (the cells are read by :func:`~careprotect.ledger.cells.read_cell`
when the rows are gathered into records, :mod:`careprotect.ledger.gather`). Judging the
records is left to the registry's reader (:class:`~careprotect.io.RegistryStream`), which
judges every registry alike; its problems, whose paths are the records' JSON paths, are traced
back to a sheet, row and column by :meth:`RecordOrigin.cell`. A row whose owner is not found
(a contact of a child with no row in the children's sheet) cannot be part of any record: it is
kept as an :class:`Orphan`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from careprotect.convert import FieldProblem
from careprotect.errors import RegistryReadError
from careprotect.ledger import load_openpyxl
from careprotect.ledger.layout import LAYOUT, Column, Sheet, column_letter
from careprotect.ledger.sheetrows import Workbook
from careprotect.reading.records import RecordKind

__all__ = [
    "HEADER_ROWS_SEARCHED",
    "ItemKey",
    "Orphan",
    "Place",
    "RecordOrigin",
    "SheetRows",
    "read_sheets",
    "sheet_at",
]

HEADER_ROWS_SEARCHED = 10
"""A sheet's header rows are looked for among its first rows, this many: rows above them (a
title, merged over the columns) are left alone."""

ItemKey = tuple[tuple[str, int], ...]
"""Where an item is in its record: each list and index from the record down (empty for the
record itself)."""

_TOKENS = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_BLANKS = re.compile(r"[\s*＊]+")


@attrs.frozen
class Place:
    """Where a sheet's columns are in the workbook: the 0-based index of each column found."""

    sheet: Sheet
    indexes: Mapping[str, int]
    """By column's English header."""

    def where(self, row: int, column: Column | None = None) -> str:
        """A cell (or a row) as a problem's path names it:
        ``走访联系 (contacts) row 12, column C 日期 (date)``."""
        text = f"{self.sheet.label} row {row}"
        if column is None:
            return text
        index = self.indexes.get(column.en)
        at = f"column {column_letter(index)} " if index is not None else "column "
        return f"{text}, {at}{column.zh} ({column.en})"


_SUB_SHEETS: Mapping[tuple[RecordKind, tuple[str, ...]], Sheet] = {
    (s.record, s.path): s for s in LAYOUT
}


def sheet_at(record: RecordKind, path: tuple[str, ...]) -> Sheet:
    """The sheet of ``record``'s items at ``path`` (its lists from the record down; empty
    for the record's own sheet)."""
    return _SUB_SHEETS[record, path]


@attrs.define
class RecordOrigin:
    """Where a record's rows are: the row of each of its items, by :data:`ItemKey`."""

    record: RecordKind
    rows: dict[ItemKey, int] = attrs.field(factory=dict)

    def sheet(self, key: ItemKey) -> Sheet:
        return _SUB_SHEETS[self.record, tuple(name for name, _ in key)]

    def row_counts(self) -> Counter[str]:
        """The record's rows by sheet."""
        return Counter(self.sheet(key).name for key in self.rows)

    def cell(self, path: str, places: Mapping[str, Place]) -> str:
        """The cell of the problem at the JSON ``path`` (``$.contacts[3].date``), as
        :meth:`Place.where` names it; the row when no column holds the value."""
        key: ItemKey = ()
        sheet = self.sheet(key)
        tokens = [name or int(index) for name, index in _TOKENS.findall(path)]
        i = 0
        while i + 1 < len(tokens) and isinstance(tokens[i], str) and isinstance(tokens[i + 1], int):
            sub = _SUB_SHEETS.get((self.record, (*sheet.path, str(tokens[i]))))
            if sub is None or (*key, (str(tokens[i]), int(tokens[i + 1]))) not in self.rows:
                break
            key = (*key, (str(tokens[i]), int(tokens[i + 1])))
            sheet, i = sub, i + 2
        names = tuple(t for t in tokens[i:] if isinstance(t, str))
        column = None
        for candidate in sheet.fields:
            if names[: len(candidate.path)] == candidate.path or names == candidate.path[:1]:
                column = candidate
                break
        if column is None and sheet.path == () and names[:1] in (("id",), ("code",)):
            column = next((c for c in sheet.fields if c.path == names[:1]), None)
        return places[sheet.name].where(self.rows[key], column)


@attrs.frozen
class Orphan:
    """Rows of a record's lists whose record is not in the ledger (or that name none): the
    record's kind and id as the rows give it, and each row's problem."""

    record: RecordKind
    owner: str | None
    problems: tuple[FieldProblem, ...]
    rows: Counter[str]
    """The rows by sheet."""


def _header(value: Any) -> str:
    return _BLANKS.sub("", unicodedata.normalize("NFKC", str(value))).lower()


def _header_names(sheet: Sheet) -> dict[str, str]:
    """Every spelling of a header of ``sheet``, with its column's English header: the
    Chinese, the English, and both in one cell."""
    names = {}
    for column in sheet.columns:
        for text in (column.zh, column.en, column.zh + column.en, f"{column.zh}({column.en})"):
            names[_header(text)] = column.en
    return names


def _find_sheet(titles: Sequence[str], sheet: Sheet) -> str | None:
    wanted = {_header(sheet.title), _header(sheet.name), _header(sheet.title + sheet.name)}
    wanted.add(_header(f"{sheet.title}({sheet.name})"))
    return next((t for t in titles if _header(t) in wanted), None)


def _rows(
    sheet: Sheet, rows: Iterator[tuple[Any, ...]]
) -> Iterator[tuple[int, Place, dict[str, Any]]]:
    """The filled rows of a sheet below its header rows: (row number, the sheet's place,
    each found column's raw value by English header)."""
    names = _header_names(sheet)
    head: list[tuple[Any, ...]] = []
    for row in rows:
        head.append(row)
        if len(head) == HEADER_ROWS_SEARCHED:
            break
    found = [
        {i: names[_header(v)] for i, v in enumerate(r) if v is not None and _header(v) in names}
        for r in head
    ]
    if not any(found):
        if any(any(v is not None for v in r) for r in head):
            raise RegistryReadError(
                f"sheet {sheet.label} has no header row: none of its first "
                f"{HEADER_ROWS_SEARCHED} rows names its columns ({sheet.columns[0].zh}, ...)"
            )
        return
    first = max(range(len(found)), key=lambda i: (len(found[i]), -i))
    # Header rows next to the fullest one (the English under the Chinese, or the rows of
    # merged cells, whose value only their first row holds) fill the columns it leaves blank.
    indexes = {en: i for i, en in found[first].items()}
    last = first
    for near in (first - 1, first + 1):
        if 0 <= near < len(found) and found[near]:
            last = max(last, near)
            for i, en in found[near].items():
                indexes.setdefault(en, i)
    by_index = {i: en for en, i in indexes.items()}
    missing = [c for c in sheet.columns if c.link is not None and c.en not in indexes]
    if missing:
        raise RegistryReadError(
            f"sheet {sheet.label} has no column {missing[0].zh} ({missing[0].en}), which "
            "names the record each row belongs to"
        )
    place = Place(sheet, dict(indexes))

    def data(number: int, row: tuple[Any, ...]) -> tuple[int, Place, dict[str, Any]] | None:
        values = {by_index[i]: v for i, v in enumerate(row) if i in by_index and v is not None}
        values = {k: v for k, v in values.items() if not (isinstance(v, str) and not v.strip())}
        return (number, place, values) if values else None

    for number, row in enumerate(head[last + 1 :], start=last + 2):
        if (got := data(number, row)) is not None:
            yield got
    for number, row in enumerate(rows, start=len(head) + 1):
        if (got := data(number, row)) is not None:
            yield got


SheetRows = Iterator[tuple[int, Place, dict[str, Any]]]
"""The filled rows of a sheet below its header rows: (row number, where the sheet's columns
are, each found column's raw value by English header)."""


@contextmanager
def read_sheets(path: str | Path) -> Iterator[Iterator[tuple[Sheet, SheetRows]]]:
    """Open the ledger workbook at ``path`` and give each sheet of the layout that it has,
    in the layout's order, with its filled rows, read one at a time (openpyxl's read-only
    mode's parser, through :class:`~careprotect.ledger.sheetrows.Workbook`: a sheet is
    never held whole). A sheet the workbook lacks is left out; sheets the
    layout does not know (the instructions) are left alone. Raises
    :class:`~careprotect.errors.RegistryReadError` when the file is not a workbook, or (as
    its rows are read) a sheet with rows has no header row or lacks a column that names the
    rows' records. The workbook is closed on leaving the context."""
    load_openpyxl()
    path = Path(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise RegistryReadError(f"registry file not found: {path}") from None
    except OSError as exc:
        raise RegistryReadError(f"registry file cannot be read: {path} ({exc.strerror})") from None
    try:
        # A file object, not the path: openpyxl refuses a name without a workbook's suffix
        # (standard input spooled to a file).
        workbook = Workbook(handle)
    except Exception as exc:  # a ZIP that is not a workbook, a damaged file: many errors
        handle.close()
        raise RegistryReadError(
            f"ledger is not an Excel workbook (.xlsx) that can be read: {path} "
            f"({type(exc).__name__})"
        ) from None

    def sheets() -> Iterator[tuple[Sheet, SheetRows]]:
        titles = list(workbook.sheetnames)
        for sheet in LAYOUT:
            title = _find_sheet(titles, sheet)
            if title is not None:
                yield sheet, _rows(sheet, workbook.values(title))

    try:
        yield sheets()
    finally:
        workbook.close()
        handle.close()
