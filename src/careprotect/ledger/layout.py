"""The layout of a ledger workbook, derived from the model's attrs classes: one description
that the template, the import and the export all read.

A record kind of the registry (division, worker, service point, child) is a sheet, one row per
record. Each list in a record (a worker's trainings, a child's contacts) is a sheet of its own,
one row per item, whose first columns name the item's owner: the record's id, and for an item
of an item (a guardian's disqualifications) the number of the owning item (``序号``), which the
owner's sheet then shows. Every other field is a column: a field of an optional object (a
child's ``disability``) is a column per field of the object (``disability.kind``).

A column's type comes from the field's annotation: a date, a whole number, a decimal number, a
yes/no, a choice of an enumeration (a drop-down list of Chinese labels), a set of choices, a
citizen ID number, or text. Its headers are the Chinese label of
:mod:`careprotect.ledger.labels` and the field's name in the registry format (the English
header). Nothing here imports openpyxl.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

import attrs

from careprotect.citizen_id import CitizenId
from careprotect.ledger.labels import ENUM_LABELS, FIELD_LABELS, SHEET_TITLES
from careprotect.model import Child, DivisionRecord, ServicePoint, Worker
from careprotect.reading.records import RecordKind

__all__ = [
    "LAYOUT",
    "Column",
    "ColumnType",
    "Sheet",
    "choice_labels",
    "column_letter",
    "sheet_of",
]


class ColumnType(enum.Enum):
    """What a column holds, as the instructions sheet names it."""

    TEXT = ("文本", "text")
    ID_NUMBER = ("身份证号(文本)", "citizen ID number, as text")
    DATE = ("日期", "date")
    INTEGER = ("整数", "whole number")
    DECIMAL = ("数字", "number")
    BOOLEAN = ("是/否", "yes/no")
    CHOICE = ("下拉选择", "one choice from the list")
    CHOICES = ("多选,以顿号分隔", "choices from the list, separated by 、")


@attrs.frozen
class Column:
    """A column of a sheet.

    ``path`` is where its value goes in the row's item (``("disability", "kind")``); a
    column that names the row's owner has ``link`` set instead (its depth: 0 the record's id,
    1 the number of the owning item) and an empty ``path``. ``choices`` is the enumeration
    of a choice column.
    """

    zh: str
    en: str
    kind: ColumnType
    path: tuple[str, ...] = ()
    choices: type[enum.StrEnum] | None = None
    required: bool = False
    link: int | None = None


@attrs.frozen
class Sheet:
    """A sheet: its English name and Chinese title, the record kind its rows belong to,
    the attrs class of a row's item, the lists from the record down to the items
    (``("guardianships", "disqualifications")``; empty for a record's own sheet), the
    columns that name a row's owner, the number column (when other sheets refer to this
    one's rows), and the columns of the item's fields."""

    name: str
    title: str
    record: RecordKind
    cls: type
    path: tuple[str, ...]
    links: tuple[Column, ...]
    number: Column | None
    fields: tuple[Column, ...]
    children: tuple[str, ...] = ()
    """The names of the sheets of this sheet's items' lists."""

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column, in the sheet's order: links, number, fields."""
        return (*self.links, *((self.number,) if self.number else ()), *self.fields)

    @property
    def label(self) -> str:
        """The sheet as messages name it: ``走访联系 (contacts)``."""
        return f"{self.title} ({self.name})"


_ROOTS: tuple[tuple[str, RecordKind, type, str], ...] = (
    ("divisions", RecordKind.DIVISION, DivisionRecord, "code"),
    ("workers", RecordKind.WORKER, Worker, "id"),
    ("service_points", RecordKind.SERVICE_POINT, ServicePoint, "id"),
    ("children", RecordKind.CHILD, Child, "id"),
)

# A list's sheet is named after the list, except where two classes' lists share a name.
_SHEET_NAMES: Mapping[tuple[type, str], str] = {(ServicePoint, "agreements"): "service_agreements"}

_NUMBER = ("序号", "number")


def _label(cls: type, name: str) -> str:
    label = FIELD_LABELS.get(f"{cls.__name__}.{name}") or FIELD_LABELS.get(name)
    if label is None:
        raise LookupError(
            f"the ledger has no Chinese header for {cls.__name__}.{name}: add one to "
            "careprotect.ledger.labels.FIELD_LABELS"
        )
    return label


def _optional(annotation: Any) -> Any:
    """``annotation`` without ``| None``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _column_type(annotation: Any) -> tuple[ColumnType, type[enum.StrEnum] | None]:
    if typing.get_origin(annotation) is frozenset:
        (item,) = typing.get_args(annotation)
        return ColumnType.CHOICES, _choices(item)
    if isinstance(annotation, type):
        if issubclass(annotation, enum.StrEnum):
            return ColumnType.CHOICE, _choices(annotation)
        for base, kind in (
            (bool, ColumnType.BOOLEAN),
            (int, ColumnType.INTEGER),
            (Decimal, ColumnType.DECIMAL),
            (dt.date, ColumnType.DATE),
            (CitizenId, ColumnType.ID_NUMBER),
        ):
            if issubclass(annotation, base):
                return kind, None
    return ColumnType.TEXT, None


def _choices(annotation: Any) -> type[enum.StrEnum]:
    labels = ENUM_LABELS.get(annotation)
    missing = [m.value for m in annotation if labels is None or m.value not in labels]
    if missing:
        raise LookupError(
            f"the ledger has no Chinese label for {annotation.__name__} "
            f"{', '.join(missing)}: add them to careprotect.ledger.labels.ENUM_LABELS"
        )
    return typing.cast(type[enum.StrEnum], annotation)


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_model(annotation: Any) -> bool:
    """Whether ``annotation`` is a class of the model (not a value type such as
    :class:`~careprotect.citizen_id.CitizenId`, which is one cell)."""
    return attrs.has(annotation) and annotation.__module__.startswith("careprotect.model")


def _list_item(annotation: Any) -> type | None:
    """The attrs class of the items of a ``tuple[X, ...]`` annotation, else None."""
    if typing.get_origin(annotation) is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis and _is_model(args[0]):
            return typing.cast(type, args[0])
    return None


def _fields(cls: type) -> tuple[list[Column], list[tuple[str, type]]]:
    """The columns of ``cls``'s fields, and its lists: (field name, item class)."""
    columns: list[Column] = []
    lists: list[tuple[str, type]] = []
    hints = _hints(cls)
    for field in attrs.fields(cls):
        annotation = hints[field.name]
        item = _list_item(annotation)
        if item is not None:
            lists.append((field.name, item))
            continue
        inner = _optional(annotation)
        if _is_model(inner):  # an optional object: a column per field
            inner_hints = _hints(inner)
            for sub in attrs.fields(inner):
                kind, choices = _column_type(_optional(inner_hints[sub.name]))
                columns.append(
                    Column(
                        zh=_label(inner, sub.name),
                        en=f"{field.name}.{sub.name}",
                        kind=kind,
                        path=(field.name, sub.name),
                        choices=choices,
                    )
                )
            continue
        kind, choices = _column_type(inner)
        columns.append(
            Column(
                zh=_label(cls, field.name),
                en=field.name,
                kind=kind,
                path=(field.name,),
                choices=choices,
                required=field.default is attrs.NOTHING,
            )
        )
    return columns, lists


def _build() -> tuple[Sheet, ...]:
    sheets: list[Sheet] = []

    def add(
        name: str,
        record: RecordKind,
        cls: type,
        path: tuple[str, ...],
        links: tuple[Column, ...],
    ) -> None:
        fields, lists = _fields(cls)
        index = len(sheets)
        sheets.append(Sheet(name, SHEET_TITLES[name], record, cls, path, links, None, ()))
        names = []
        for list_name, item in lists:
            sub = _SHEET_NAMES.get((cls, list_name), list_name)
            names.append(sub)
            if path:  # an item's items: link to the owner's number
                owner = sheets[index]
                number = Column(
                    zh=f"{owner.title}{_NUMBER[0]}",
                    en=f"{path[-1]}_{_NUMBER[1]}",
                    kind=ColumnType.INTEGER,
                    required=True,
                    link=1,
                )
                add(sub, record, item, (*path, list_name), (*links, number))
            else:
                add(sub, record, item, (list_name,), links)
        numbered = bool(path) and bool(lists)
        own_number = (
            Column(zh=_NUMBER[0], en=_NUMBER[1], kind=ColumnType.INTEGER) if numbered else None
        )
        sheets[index] = attrs.evolve(
            sheets[index], number=own_number, fields=tuple(fields), children=tuple(names)
        )

    for name, record, cls, key in _ROOTS:
        add(name, record, cls, (), ())
        if record is not RecordKind.DIVISION:
            # The record's own sheet holds its id as a field; its lists link to it.
            own = sheets[[s.name for s in sheets].index(name)]
            id_column = next(c for c in own.fields if c.path == (key,))
            link = attrs.evolve(id_column, en=f"{record.value}_id", path=(), link=0, required=True)
            for i, sheet in enumerate(sheets):
                if sheet.record is record and sheet.path:
                    sheets[i] = attrs.evolve(sheet, links=(link, *sheet.links))
    for sheet in sheets:
        headers = [c.zh for c in sheet.columns] + [c.en for c in sheet.columns]
        if len(set(headers)) != len(headers):
            raise LookupError(f"the ledger's sheet {sheet.name} has two columns of one header")
    return tuple(sheets)


LAYOUT: tuple[Sheet, ...] = _build()
"""Every sheet of a ledger, in the workbook's order (after the instructions sheet)."""


@cache
def sheet_of(name: str) -> Sheet:
    """The sheet named ``name`` (its English name)."""
    return next(s for s in LAYOUT if s.name == name)


@cache
def choice_labels(choices: type[enum.StrEnum]) -> tuple[str, ...]:
    """The Chinese labels of an enumeration's members, in the enumeration's order."""
    labels = ENUM_LABELS[choices]
    return tuple(labels[m.value] for m in choices)


def column_letter(index: int) -> str:
    """The letters of the 0-based column ``index`` (0 is A, 26 is AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
