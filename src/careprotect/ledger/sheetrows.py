"""A ledger workbook's sheets read row by row in memory that does not grow with their rows:
the values openpyxl's read-only ``iter_rows(values_only=True)`` gives, without what it keeps.

openpyxl's read-only mode parses each sheet's XML with ``iterparse`` and clears each row once
read, but leaves the emptied elements in the document's tree. Opening a workbook, it parses
every sheet once to find its dimension; a sheet without one (openpyxl's own write-only mode
writes none, so every exported ledger) is parsed whole, its emptied cells kept until the
parse ends: hundreds of bytes a row, gigabytes for the three million contact rows of
100 000 children. :class:`Workbook` reads what openpyxl reads before the sheets (shared
strings, the workbook's sheets, the styles that make a number a date) with openpyxl's own
reader, then reads each sheet once, on demand, with openpyxl's cell parser (strings, dates,
booleans, errors alike), dropping each row's element from the tree once read.

It uses openpyxl's ``ExcelReader`` step by step and its worksheet parser, which openpyxl
does not document as public; a test compares the values with ``iter_rows``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

__all__ = ["Workbook"]


class Workbook:
    """An ``.xlsx`` workbook open for reading values, sheet by sheet. Raises what openpyxl
    raises for a file that is not a workbook."""

    def __init__(self, handle: IO[bytes]) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader = ExcelReader(handle, read_only=True, data_only=True)
        self._reader = reader
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            self._targets = {
                sheet.name: rel.target
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            }
        except BaseException:
            reader.archive.close()
            raise

    @property
    def sheetnames(self) -> list[str]:
        """The titles of the workbook's worksheets, in its order."""
        return list(self._targets)

    def close(self) -> None:
        self._reader.archive.close()

    def values(self, title: str) -> Iterator[tuple[Any, ...]]:
        """Each row of the sheet ``title`` as a tuple of its cells' values, from row 1, as
        openpyxl's read-only ``iter_rows(values_only=True)`` gives them: a row missing from
        the file is a row of None, each row as wide as the sheet's dimension says (else as
        its last cell)."""
        from openpyxl.worksheet._reader import WorkSheetParser
        from openpyxl.worksheet.dimensions import SheetDimension
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse

        reader, workbook = self._reader, self._reader.wb
        row_tag, data_tag = f"{{{SHEET_MAIN_NS}}}row", f"{{{SHEET_MAIN_NS}}}sheetData"
        dimension_tag = f"{{{SHEET_MAIN_NS}}}dimension"
        max_col = max_row = None
        counter = index = 1
        empty: tuple[Any, ...] = ()
        with reader.archive.open(self._targets[title]) as src:
            parser = WorkSheetParser(
                src,
                reader.shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            data = None
            for event, element in iterparse(src, events=("start", "end")):
                if event == "start":
                    if element.tag == data_tag:
                        data = element
                    continue
                if element.tag == dimension_tag and data is None:
                    _, _, max_col, max_row = SheetDimension.from_tree(element).boundaries
                    empty = (None,) * max_col
                if element.tag != row_tag:
                    if data is None:
                        element.clear()
                    continue
                index, cells = parser.parse_row(element)
                element.clear()
                if data is not None:
                    data.remove(element)
                parser.row_dimensions.clear()
                if max_row is not None and index > max_row:
                    break
                while counter < index:  # rows missing from the file
                    counter += 1
                    yield empty
                if counter <= index:
                    counter += 1
                    yield _values(cells, max_col)
        if max_row is not None and max_row < index:
            for _ in range(counter, max_row + 1):
                yield empty


def _values(cells: list[dict[str, Any]], max_col: int | None) -> tuple[Any, ...]:
    """A row's values, as wide as ``max_col`` (else as its last cell)."""
    if not cells and not max_col:
        return ()
    width = max_col or cells[-1]["column"]
    row: list[Any] = [None] * width
    for cell in cells:
        column = cell["column"]
        if 1 <= column <= width:
            row[column - 1] = cell["value"]
    return tuple(row)
