"""Writing ledger workbooks: the empty template, and a registry exported in the template's
layout, which the reader reads back into the same registry.

Every sheet has two header rows, Chinese then English (the registry format's field names),
frozen above the rows. Choice columns offer their Chinese labels in a drop-down list (data
validation on a hidden sheet of the lists), dates are date cells, citizen ID numbers are text.
The first sheet explains how to fill the ledger in. Sheets are written as rows come (openpyxl's
write-only mode), so an export does not hold the workbook in memory.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import IO, Any

import cattrs

from careprotect.convert import make_converter
from careprotect.ledger import load_openpyxl
from careprotect.ledger.cells import write_cell
from careprotect.ledger.layout import (
    LAYOUT,
    ColumnType,
    Sheet,
    choice_labels,
    column_letter,
    sheet_of,
)
from careprotect.model import Child, ReferenceData
from careprotect.reading.records import RecordKind

__all__ = ["INSTRUCTIONS", "LISTS_TITLE", "write_ledger", "write_template"]

INSTRUCTIONS = "填写说明"
LISTS_TITLE = "选项"
_MAX_ROW = 1048576
_DATE_FORMAT = "yyyy-mm-dd"

_GUIDE = (
    ("儿童关爱保护台账 填写说明", "Child protection ledger: how to fill it in"),
    (
        "每个工作表一类信息:行政区划、工作人员、服务阵地、儿童信息各占一表,每行一条;"
        "培训、监护、走访联系等各占一表,每行一条,前几列写明所属的人或阵地的编号。",
        "One sheet per kind of record (divisions, workers, service points, children), one row "
        "each; each list (trainings, guardianships, contacts, ...) has its own sheet, one row "
        "per item, whose first columns give the id of the record it belongs to.",
    ),
    (
        "第一行为中文表头,第二行为英文表头,请勿修改;从第三行起填写。列的顺序可以调整。",
        "Row 1 holds the Chinese headers and row 2 the English ones: keep them. Fill in from "
        "row 3. Columns may be moved.",
    ),
    (
        "日期填日期格式,也可写作 2020-06-30、2020/6/30 或 2020年6月30日。",
        "Dates: a date cell, or text such as 2020-06-30, 2020/6/30 or 2020年6月30日.",
    ),
    (
        "身份证号请以文本格式填写(数字格式会丢失末几位)。",
        "Citizen ID numbers: as text (a number cell loses the last digits).",
    ),
    (
        "下拉列表列请从列表中选择;多选列用顿号(、)分隔。是/否列填 是 或 否。",
        "Drop-down columns: choose from the list; for several choices separate them with 、. "
        "Yes/no columns: 是 or 否.",
    ),
    (
        "“监护人不良记录”表以“监护情况序号”指明属于“监护情况”表中该儿童的第几条监护。",
        "A disqualification names its guardianship by the number (序号) given on the "
        "guardianships sheet for the same child.",
    ),
    (
        "带 * 的列必须填写。导入时,有误的单元格会按工作表、行、列列出。",
        "Columns marked * must be filled in. On import, each bad cell is listed by sheet, row "
        "and column.",
    ),
)


def _enums() -> list[type[enum.StrEnum]]:
    seen: list[type[enum.StrEnum]] = []
    for sheet in LAYOUT:
        for column in sheet.columns:
            if column.choices is not None and column.choices not in seen:
                seen.append(column.choices)
    return seen


class _Book:
    """A write-only workbook in the layout, rows added sheet by sheet in any order."""

    def __init__(self) -> None:
        openpyxl = load_openpyxl()
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.worksheet.datavalidation import DataValidation

        self._cell = WriteOnlyCell
        self._bold = Font(bold=True)
        self._fill = PatternFill("solid", fgColor="DDEBF7")
        self.workbook = openpyxl.Workbook(write_only=True)
        guide = self.workbook.create_sheet(INSTRUCTIONS)
        self._guide(guide, Alignment(wrap_text=True, vertical="top"))
        enums = _enums()
        lists = self.workbook.create_sheet(LISTS_TITLE)
        lists.sheet_state = "hidden"
        ranges: dict[type[enum.StrEnum], str] = {}
        for i, choices in enumerate(enums):
            size = len(choice_labels(choices))
            ranges[choices] = f"'{LISTS_TITLE}'!${column_letter(i)}$1:${column_letter(i)}${size}"
        depth = max(len(choice_labels(c)) for c in enums)
        for r in range(depth):
            labels = [choice_labels(c) for c in enums]
            lists.append([ls[r] if r < len(ls) else None for ls in labels])
        self.sheets: dict[str, Any] = {}
        for sheet in LAYOUT:
            ws = self.workbook.create_sheet(sheet.title)
            ws.freeze_panes = "A3"
            for index, column in enumerate(sheet.columns):
                letter = column_letter(index)
                ws.column_dimensions[letter].width = max(12, 2 * len(column.zh) + 4)
                cells = f"{letter}3:{letter}{_MAX_ROW}"
                if column.kind is ColumnType.CHOICE:
                    assert column.choices is not None
                    dv = DataValidation(
                        type="list",
                        formula1=ranges[column.choices],
                        allow_blank=True,
                        showErrorMessage=True,
                        errorTitle="请从列表中选择",
                        error="请从下拉列表中选择 / choose from the list",
                    )
                elif column.kind is ColumnType.DATE:
                    dv = DataValidation(
                        type="date",
                        operator="greaterThan",
                        formula1="1",
                        allow_blank=True,
                        showErrorMessage=True,
                        errorStyle="warning",
                        error="请填写日期 / a date, such as 2020-06-30",
                    )
                else:
                    continue
                dv.add(cells)
                ws.data_validations.append(dv)
            ws.append([self._head(ws, f"{c.zh}*" if c.required else c.zh) for c in sheet.columns])
            ws.append([self._head(ws, c.en) for c in sheet.columns])
            self.sheets[sheet.name] = ws

    def _head(self, ws: Any, text: str) -> Any:
        cell = self._cell(ws, value=text)
        cell.font = self._bold
        cell.fill = self._fill
        return cell

    def _guide(self, ws: Any, wrap: Any) -> None:
        ws.column_dimensions["A"].width = 60
        ws.column_dimensions["B"].width = 60
        for zh, en in _GUIDE:
            ws.append([self._wrapped(ws, zh, wrap), self._wrapped(ws, en, wrap)])
        ws.append([])
        ws.append(
            [
                self._head(ws, h)
                for h in (
                    "工作表 / 列",
                    "sheet / column",
                    "类型 type",
                    "必填 required",
                    "选项 choices",
                )
            ]
        )
        for sheet in LAYOUT:
            ws.append([self._head(ws, sheet.title), self._head(ws, sheet.name)])
            for column in sheet.columns:
                choices = "、".join(choice_labels(column.choices)) if column.choices else None
                ws.append(
                    [
                        column.zh,
                        column.en,
                        f"{column.kind.value[0]} {column.kind.value[1]}",
                        "是" if column.required else None,
                        choices,
                    ]
                )

    def _wrapped(self, ws: Any, text: str, wrap: Any) -> Any:
        cell = self._cell(ws, value=text)
        cell.alignment = wrap
        return cell

    def row(self, sheet: Sheet, values: list[Any]) -> None:
        ws = self.sheets[sheet.name]
        cells = []
        for column, value in zip(sheet.columns, values, strict=True):
            if column.kind is ColumnType.DATE and value is not None:
                cell = self._cell(ws, value=value)
                cell.number_format = _DATE_FORMAT
                cells.append(cell)
            elif column.kind is ColumnType.ID_NUMBER and value is not None:
                cell = self._cell(ws, value=value)
                cell.number_format = "@"
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)


def _get(item: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = item
    for name in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


_SHEETS = {(s.record, s.path): s for s in LAYOUT}


def _write_item(
    book: _Book, sheet: Sheet, item: Mapping[str, Any], links: list[Any], number: int | None
) -> None:
    """Write ``item``'s row (after ``links``, the ids of its owners) and its lists' rows."""
    values: list[Any] = list(links)
    if sheet.number is not None:
        values.append(number)
    values.extend(write_cell(_get(item, c.path), c) for c in sheet.fields)
    book.row(sheet, values)
    if not sheet.path:
        links = [item.get("id")]
    elif sheet.number is not None:
        links = [*links, number]
    for name in sheet.children:
        sub = sheet_of(name)
        for index, sub_item in enumerate(item.get(sub.path[-1], ())):
            _write_item(book, sub, sub_item, links, index + 1)


def write_ledger(
    out: IO[bytes],
    reference: ReferenceData,
    children: Iterable[Child],
    *,
    converter: cattrs.Converter | None = None,
) -> int:
    """Write a registry as a ledger to the binary stream ``out`` (a file opened ``"wb"``);
    returns the number of child files written. Names and ID numbers are written in full:
    the ledger is the registry itself."""
    conv = converter or make_converter()
    book = _Book()
    sections: list[tuple[RecordKind, Iterable[Any]]] = [
        (RecordKind.DIVISION, reference.divisions),
        (RecordKind.WORKER, reference.workers),
        (RecordKind.SERVICE_POINT, reference.service_points),
        (RecordKind.CHILD, children),
    ]
    count = 0
    for kind, items in sections:
        sheet = _SHEETS[kind, ()]
        for item in items:
            _write_item(book, sheet, conv.unstructure(item), [], None)
            count += kind is RecordKind.CHILD
    book.workbook.save(out)
    return count


def write_template(out: IO[bytes]) -> None:
    """Write an empty ledger to the binary stream ``out``."""
    write_ledger(out, ReferenceData(), ())
