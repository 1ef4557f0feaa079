"""Excel workbooks of reports: a summary sheet first, then sheets of rows (findings, amounts,
contacts due), each with a frozen, filtered header row and columns as wide as their text.

Any report made of "a summary and tables of rows" writes itself with :class:`XlsxBook`: open
a :meth:`~XlsxBook.table` per kind of row, append rows as they come, and give the summary at
the end (:meth:`~XlsxBook.finish`); the summary sheet is placed first although it is written
last. The workbook is openpyxl's write-only kind: each sheet's rows go to a temporary file as
they are appended (cells are inline strings, no table of shared strings), so memory does not
grow with the rows. A sheet's column widths must be known before its first row is written, so
the first :data:`FIT_ROWS` rows are held and measured, then written; the widths fit them and
the header. A sheet that reaches Excel's row limit goes on in a new sheet of the same name
and a number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

import attrs

from careprotect.report.optional import require

__all__ = [
    "FIT_ROWS",
    "MAX_ROWS",
    "UNWRITABLE",
    "Block",
    "Overview",
    "RowSheet",
    "XlsxBook",
    "clean_text",
    "display_width",
]

FIT_ROWS = 200
"""How many rows of a sheet are measured to fit its column widths."""
MAX_ROWS = 1_048_576
"""Excel's rows per sheet, the header row included."""
_MIN_WIDTH, _MAX_WIDTH = 6, 60
UNWRITABLE = re.compile(r"[\000-\010\013\014\016-\037]")
"""Characters a workbook cannot hold (openpyxl refuses them)."""
Value = str | int | Decimal | float | dt.date | None
"""What a cell holds: text, a number, a date, or nothing."""


@attrs.frozen
class Block:
    """A small table of a summary: a title, a header row, and rows."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]


@attrs.frozen
class Overview:
    """What a report states first, known only at its end: a title, lines of a label and a
    value (None: the label is the whole line), then small tables."""

    title: str
    lines: tuple[tuple[str, Value], ...] = ()
    blocks: tuple[Block, ...] = ()


def clean_text(value: str) -> str:
    """``value`` as a workbook keeps it: without the characters it cannot hold, line ends
    as ``\n``."""
    return UNWRITABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def display_width(value: object) -> int:
    """How many columns ``value``'s longest line takes: 2 for a wide (CJK) character."""
    if value is None:
        return 0
    return max(
        (
            sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
            for line in str(value).split("\n")
        ),
        default=0,
    )


def _fit(width: int) -> int:
    return max(_MIN_WIDTH, min(_MAX_WIDTH, width + 2))


class _Cells:
    """Makes openpyxl write-only cells: text cleaned and never read as a formula."""

    def __init__(self, ws: Any, styles: _Styles) -> None:
        from openpyxl.cell import WriteOnlyCell

        self._ws = ws
        self._cell = WriteOnlyCell
        self._styles = styles

    def value(self, value: Value) -> Any:
        """A cell's value as it is written: text cleaned of characters a workbook cannot
        hold; text starting with ``=`` written as a text cell (not a formula)."""
        if isinstance(value, str):
            value = clean_text(value)
            if value.startswith("="):
                cell = self._cell(self._ws, value=None)
                cell.value = value
                cell.data_type = "s"
                return cell
        elif isinstance(value, dt.date):
            cell = self._cell(self._ws, value=value)
            cell.number_format = "yyyy-mm-dd"
            return cell
        elif isinstance(value, Decimal):  # money: yuan, two places
            cell = self._cell(self._ws, value=value)
            cell.number_format = "#,##0.00"
            return cell
        return value

    def head(self, value: str) -> Any:
        cell = self._cell(self._ws, value=UNWRITABLE.sub("", value))
        cell.font = self._styles.bold
        cell.fill = self._styles.fill
        return cell

    def title(self, value: str) -> Any:
        cell = self._cell(self._ws, value=UNWRITABLE.sub("", value))
        cell.font = self._styles.title
        return cell


class _Styles:
    def __init__(self) -> None:
        from openpyxl.styles import Font, PatternFill

        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=14)
        self.fill = PatternFill("solid", fgColor="DDEBF7")


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    letter: str = get_column_letter(index + 1)
    return letter


class RowSheet:
    """A sheet of rows under one header row: frozen, filtered, its columns fitted to the
    header and the first :data:`FIT_ROWS` rows."""

    def __init__(self, book: XlsxBook, title: str, header: Sequence[str]) -> None:
        self._book = book
        self.title = title
        self.header = tuple(header)
        self.rows = 0
        """How many rows were appended (over every part of the sheet)."""
        self._held: list[Sequence[Value]] | None = []
        self._parts: list[tuple[Any, int]] = []  # each worksheet and its rows
        self._ws: Any = None
        self._cells: _Cells | None = None
        self._widths: list[int] = []

    def append(self, values: Sequence[Value]) -> None:
        """Add a row (as many values as the header has columns)."""
        self.rows += 1
        if self._held is not None:
            self._held.append(values)
            if len(self._held) >= FIT_ROWS:
                self._release()
            return
        self._write(values)

    def _release(self) -> None:
        held, self._held = self._held or [], None
        widths = [display_width(h) for h in self.header]
        for row in held:
            for i, value in enumerate(row):
                widths[i] = max(widths[i], display_width(value))
        self._widths = [_fit(w) for w in widths]
        self._new_part()
        for row in held:
            self._write(row)

    def _new_part(self) -> None:
        n = len(self._parts)
        title = self.title if n == 0 else f"{self.title} ({n + 1})"
        ws = self._book.workbook.create_sheet(title[:31])
        ws.freeze_panes = "A2"
        for i, width in enumerate(self._widths):
            ws.column_dimensions[_letter(i)].width = width
        self._ws = ws
        self._cells = cells = _Cells(ws, self._book.styles)
        ws.append([cells.head(h) for h in self.header])
        self._parts.append((ws, 0))

    def _write(self, values: Sequence[Value]) -> None:
        ws, written = self._parts[-1]
        if written >= MAX_ROWS - 1:
            self._new_part()
            ws, written = self._parts[-1]
        assert self._cells is not None
        value = self._cells.value
        ws.append([value(v) for v in values])
        self._parts[-1] = (ws, written + 1)

    def close(self) -> None:
        """Write the rows still held, and set each part's filter over its rows."""
        if self._held is not None:
            self._release()
        last = _letter(len(self.header) - 1)
        for ws, written in self._parts:
            ws.auto_filter.ref = f"A1:{last}{written + 1}"


class XlsxBook:
    """A report's workbook, written to ``out`` (a binary file) by :meth:`finish`. ``fmt`` is
    the format asked for, named in the error when openpyxl is missing."""

    def __init__(self, out: IO[bytes], *, fmt: str = "xlsx") -> None:
        openpyxl = require("openpyxl", fmt)
        self.out = out
        self.workbook = openpyxl.Workbook(write_only=True)
        self.styles = _Styles()
        self._sheets: list[RowSheet] = []

    def table(self, title: str, header: Sequence[str]) -> RowSheet:
        """A new sheet of rows under ``header``, after the sheets made before it."""
        sheet = RowSheet(self, title, header)
        self._sheets.append(sheet)
        return sheet

    def finish(self, overview: Overview, title: str) -> None:
        """Write the summary sheet ``title`` (placed first) and the workbook."""
        for sheet in self._sheets:
            sheet.close()
        ws = self.workbook.create_sheet(title[:31], 0)
        cells = _Cells(ws, self.styles)
        rows = list(_overview_rows(overview))
        widths: dict[int, int] = {}
        for kind, row in rows:
            if kind == "title" or len(row) == 1:  # a line of its own runs over empty cells
                continue
            for i, value in enumerate(row):
                widths[i] = max(widths.get(i, 0), display_width(value))
        for i, width in widths.items():
            ws.column_dimensions[_letter(i)].width = _fit(width)
        for kind, row in rows:
            if kind == "title":
                ws.append([cells.title(str(row[0]))])
            elif kind == "head":
                ws.append([cells.head(str(v)) for v in row])
            else:
                ws.append([cells.value(v) for v in row])
        self.workbook.save(self.out)


def _overview_rows(overview: Overview) -> Iterable[tuple[str, Sequence[Value]]]:
    """The rows of a summary sheet, each with its kind: ``title``, ``head`` or ``row``."""
    yield "title", (overview.title,)
    for label, value in overview.lines:
        yield "row", (label,) if value is None else (label, value)
    for block in overview.blocks:
        yield "row", ()
        yield "head", (block.title,)
        yield "head", block.header
        for row in block.rows:
            yield "row", row
