"""The value hooks shared by the strict converter and the fast path: how one JSON value
becomes one value of the model (a string, a whole number, a date, an enum member, a division,
a citizen ID...), and what is refused.

Each scalar type has one :class:`Scalar` here: its hook, which the strict converter calls and
which explains a refusal, and the same test as an expression, which the fast path writes into
the code it generates. They are kept side by side and a property test holds them to agreeing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from careprotect.citizen_id import CitizenId
from careprotect.divisions import Division
from careprotect.errors import InvalidValueError
from careprotect.masking import describe

__all__ = [
    "DATES",
    "SCALARS",
    "VALUE_HOOKS",
    "Scalar",
    "describe_value",
    "enum_members",
    "structure_bool",
    "structure_date",
    "structure_enum",
    "structure_int",
    "structure_str",
]


def describe_value(value: Any) -> str:
    """A short description of a bad input value, safe to print.

    A string as :func:`~careprotect.masking.quote` shows it: quoted when it looks like a
    code, a date or a number, with any ID number in it masked; anything else (a Chinese
    string, a string with a space, either of which may be a name; a long string) is
    described by its length only, so an error message never carries personal data.
    """
    return describe(value)


def structure_str(value: Any, _: type) -> str:
    """A string without a NUL character."""
    if not isinstance(value, str):
        raise InvalidValueError(f"must be a string (got {describe_value(value)})")
    if "\x00" in value:
        raise InvalidValueError("must not contain a NUL character")
    return value


def structure_int(value: Any, _: type) -> int:
    """A whole number (``true`` is not one)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError(f"must be a whole number (got {describe_value(value)})")
    return value


def structure_bool(value: Any, _: type) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise InvalidValueError(f"must be true or false (got {describe_value(value)})")
    return value


@attrs.frozen
class Scalar:
    """A scalar type's hook and the same acceptance test as a Python expression of the value
    ``{v}`` that is true for exactly the values the hook returns unchanged."""

    hook: Callable[[Any, type], Any]
    accepts: str


SCALARS: dict[type, Scalar] = {
    str: Scalar(structure_str, "{v}.__class__ is str and '\\x00' not in {v}"),
    int: Scalar(structure_int, "{v}.__class__ is int"),
    bool: Scalar(structure_bool, "{v} is True or {v} is False"),
}
"""The scalar types whose JSON value is the model's value, once accepted."""


def structure_decimal(value: Any, _: type) -> Decimal:
    """A finite number, as the decimal it was written as."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidValueError(f"must be a number (got {describe_value(value)})")
    # A float is taken as the decimal it was written as ("50.5"), never its binary value.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise InvalidValueError(f"must be a finite number (got {describe_value(value)})")
    return number


DATES: dict[str, dt.date] = {}
"""The dates read lately, by their text: the records of a registry share a few thousand days
(birth dates span eighteen years, some 6 600 days, and contacts a year or so), and a day read
again is the same object (a date is immutable), not another 32 bytes. The cache holds all of
them: at 4 096 it was cleared every few hundred child files, and each contact's day was
parsed again. Only :func:`structure_date` adds to it."""

_DATE_CACHE_SIZE = 1 << 15


def structure_date(value: Any, _: type = dt.date) -> dt.date:
    """A real date written ``YYYY-MM-DD``."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        day = DATES.get(value)
        if day is not None:
            return day
        with contextlib.suppress(ValueError):  # 2019-02-30 falls through to the message
            day = dt.date.fromisoformat(value)
            if len(DATES) >= _DATE_CACHE_SIZE:
                DATES.clear()
            DATES[value] = day
            return day
    raise InvalidValueError(f"must be a real date YYYY-MM-DD (got {describe_value(value)})")


def _structure_division(value: Any, _: type) -> Division:
    return Division(value)


def _structure_citizen_id(value: Any, _: type) -> CitizenId:
    return CitizenId(value)


VALUE_HOOKS: dict[type, Callable[[Any, type], Any]] = {
    Decimal: structure_decimal,
    dt.date: structure_date,
    Division: _structure_division,
    CitizenId: _structure_citizen_id,
}
"""The hooks of the value types matched exactly (not by subclass): Division and CitizenId are
attrs classes that a JSON string stands for, not records."""


@functools.cache
def enum_members(cls: type[enum.Enum]) -> tuple[dict[Any, enum.Enum], str]:
    """The members of ``cls`` by their value, and the values listed for a message."""
    members = {m.value: m for m in cls}
    return members, ", ".join(str(v) for v in members)


def structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    """The member of ``cls`` whose value is ``value``."""
    members, allowed = enum_members(cls)
    try:
        return members[value]
    except (KeyError, TypeError):
        raise InvalidValueError(f"must be one of {allowed} (got {describe_value(value)})") from None
