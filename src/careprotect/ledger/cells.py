"""A ledger cell's value as the registry format writes it, read in the forms people type.

Each reader takes what openpyxl gives for a cell (a string, a number, a date or datetime, a
bool) and returns the value of the registry format: an ISO date, a code of the enumeration,
a whole number. A value it cannot read comes back as it was typed, so that the converter,
which judges every record of every registry, rejects it with its usual message. A blank cell
is None: the field is left out, as an absent key of a JSON record.

The forms accepted (docs/ledgers.md lists them):

* dates: a date cell; text ``2020-06-30``, ``2020/6/30``, ``2020.6.30``, ``20200630`` or
  ``2020年6月30日``; a number of days since 1899-12-30 (a date cell that lost its format);
* citizen ID numbers: text, or a number (whose digits are taken; Excel keeps only 15 of them,
  so store numbers as text), with any blanks inside removed; full-width digits are made ASCII
  by the converter, which warns that it did;
* choices: the Chinese label, or the English code in any case;
* several choices: labels or codes separated by ``、``, commas, semicolons, slashes or blanks;
* yes/no: a TRUE/FALSE cell, ``是``/``否``, ``yes``/``no``, ``true``/``false``, ``1``/``0``,
  ``√``/``×``;
* numbers: a number cell, or text with ASCII or full-width digits;
* text: surrounding blanks removed; a whole number cell is read as its digits (an id typed
  as a number).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from careprotect.ledger.labels import ENUM_ALIASES, ENUM_LABELS
from careprotect.ledger.layout import Column, ColumnType

__all__ = ["read_cell", "write_cell"]

_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (the 1900 date system, after its leap bug)
_SERIALS = (1, 2958465)  # 1900-01-01 to 9999-12-31

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SEPARATORS = re.compile(r"[、,，;；/\s]+")
_BLANKS = re.compile(r"\s+")

_TRUE = frozenset({"是", "yes", "y", "true", "1", "√", "✓", "有"})
_FALSE = frozenset({"否", "no", "n", "false", "0", "×", "✗", "无"})


def _text(value: Any) -> str | None:
    """A cell's text with surrounding blanks removed (a whole number as its digits); None
    for a blank cell."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _plain(value: Any) -> str | None:
    """:func:`_text` made NFKC (full-width digits and letters made ASCII)."""
    text = _text(value)
    return None if text is None else unicodedata.normalize("NFKC", text)


def _read_text(value: Any, column: Column) -> Any:
    return _text(value)


def _read_id_number(value: Any, column: Column) -> Any:
    if isinstance(value, bool):
        return value
    text = _text(value)
    return None if text is None else _BLANKS.sub("", text)


def _read_date(value: Any, column: Column) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIALS[0] <= value <= _SERIALS[1] and float(value).is_integer():
            return (_EPOCH + dt.timedelta(days=int(value))).isoformat()
        return value
    text = _plain(value)
    if text is None:
        return None
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        return text
    year, month, day = match.groups()
    # Written as an ISO date even when it is no real day (2020-02-30): the converter then
    # says "must be a date" with the day as typed.
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _read_integer(value: Any, column: Column) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float):
        return value
    text = _plain(value)
    if text is None:
        return None
    return int(text) if re.fullmatch(r"[+-]?\d{1,18}", text) else text


def _read_decimal(value: Any, column: Column) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else value
    text = _plain(value)
    if text is None:
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def _read_boolean(value: Any, column: Column) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _plain(value)
    if text is None:
        return None
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    return text


@cache
def _codes(choices: type[enum.StrEnum]) -> Mapping[str, str]:
    """Every accepted spelling of a member, with its code: the Chinese label, an earlier
    label (:data:`~careprotect.ledger.labels.ENUM_ALIASES`) and the code (lower case)."""
    codes = {m.value.lower(): m.value for m in choices}
    labels = {label: code for code, label in ENUM_LABELS[choices].items()}
    for label, code in {**ENUM_ALIASES.get(choices, {}), **labels}.items():
        codes[unicodedata.normalize("NFKC", label)] = code
    return codes


def _choice(text: str, choices: type[enum.StrEnum]) -> str:
    return _codes(choices).get(text.lower() if text.isascii() else text, text)


def _read_choice(value: Any, column: Column) -> Any:
    text = _plain(value)
    if text is None:
        return None
    assert column.choices is not None
    return _choice(text, column.choices)


def _read_choices(value: Any, column: Column) -> Any:
    text = _plain(value)
    if text is None:
        return None
    assert column.choices is not None
    return [_choice(part, column.choices) for part in _SEPARATORS.split(text) if part]


_READERS: Mapping[ColumnType, Callable[[Any, Column], Any]] = {
    ColumnType.TEXT: _read_text,
    ColumnType.ID_NUMBER: _read_id_number,
    ColumnType.DATE: _read_date,
    ColumnType.INTEGER: _read_integer,
    ColumnType.DECIMAL: _read_decimal,
    ColumnType.BOOLEAN: _read_boolean,
    ColumnType.CHOICE: _read_choice,
    ColumnType.CHOICES: _read_choices,
}


def read_cell(value: Any, column: Column) -> Any:
    """The registry format's value of a cell of ``column`` that holds ``value`` (as
    openpyxl reads it); None for a blank cell."""
    return _READERS[column.kind](value, column)


def write_cell(value: Any, column: Column) -> Any:
    """The cell to write for the registry format's (unstructured) ``value`` of ``column``:
    a date for a date, Chinese labels for choices, 是/否 for yes/no, a number for a number,
    text for the rest (an ID number stays text)."""
    if value is None:
        return None
    kind = column.kind
    if kind is ColumnType.DATE:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if kind is ColumnType.CHOICE:
        assert column.choices is not None
        return ENUM_LABELS[column.choices][str(value)]
    if kind is ColumnType.CHOICES:
        assert column.choices is not None
        labels = ENUM_LABELS[column.choices]
        return "、".join(labels[str(v)] for v in value)
    if kind is ColumnType.BOOLEAN:
        return "是" if value else "否"
    if kind is ColumnType.DECIMAL:
        return int(value) if value == int(value) else float(value)
    return value
