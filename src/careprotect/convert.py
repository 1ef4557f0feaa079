"""The JSON converter: plain data (``dict``/``list``/``str``/numbers) to model objects and back.

:func:`make_converter` returns a new configured :class:`cattrs.Converter` each call; there is
no module-level converter. Structuring is strict: a string is not a number, a number is not a
string, ``"yes"`` is not a boolean, a date is ``YYYY-MM-DD`` and real, an unknown field is an
error. Every failure can be turned into :class:`FieldProblem` records, each with a JSON path
relative to the record (``$.guardianships[1].relation``) and a message, by
:func:`structure_problems`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from careprotect.citizen_id import CitizenId
from careprotect.divisions import Division
from careprotect.errors import InvalidValueError
from careprotect.masking import looks_like_id_number, mask_id_number

__all__ = ["FieldProblem", "describe_value", "make_converter", "structure_problems"]


@attrs.frozen
class FieldProblem:
    """One thing wrong in an input record: where (a JSON path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def describe_value(value: Any) -> str:
    """A short description of a bad input value, safe to print.

    Short ASCII values are quoted as given. Anything else (a Chinese string, which may be a
    name; a long string) is described by its type and length only, and a digit string that
    looks like an ID number is masked, so an error message never carries personal data.
    """
    if isinstance(value, str):
        if looks_like_id_number(value):
            return repr(mask_id_number(value))
        if value.isascii() and len(value) <= 32:
            return repr(value)
        return f"a string of {len(value)} characters"
    if value is None or isinstance(value, bool | int | float | Decimal):
        return f"{type(value).__name__} {value!r}" if value is not None else "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(f"must be a string (got {describe_value(value)})")
    if "\x00" in value:
        raise InvalidValueError("must not contain a NUL character")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError(f"must be a whole number (got {describe_value(value)})")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise InvalidValueError(f"must be true or false (got {describe_value(value)})")
    return value


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidValueError(f"must be a number (got {describe_value(value)})")
    # A float is taken as the decimal it was written as ("50.5"), never its binary value.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise InvalidValueError(f"must be a finite number (got {describe_value(value)})")
    return number


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        with contextlib.suppress(ValueError):  # 2019-02-30 falls through to the message
            return dt.date.fromisoformat(value)
    raise InvalidValueError(f"must be a real date YYYY-MM-DD (got {describe_value(value)})")


def _structure_division(value: Any, _: type) -> Division:
    return Division(value)


def _structure_citizen_id(value: Any, _: type) -> CitizenId:
    return CitizenId(value)


@functools.cache
def _enum_members(cls: type[enum.Enum]) -> tuple[dict[Any, enum.Enum], str]:
    members = {m.value: m for m in cls}
    return members, ", ".join(str(v) for v in members)


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    members, allowed = _enum_members(cls)
    try:
        return members[value]
    except (KeyError, TypeError):
        raise InvalidValueError(f"must be one of {allowed} (got {describe_value(value)})") from None


def _is_exactly(expected: type) -> Callable[[Any], bool]:
    return lambda t: t is expected


def _is_homogeneous_collection(t: Any) -> bool:
    origin = get_origin(t)
    if origin is tuple:
        args = get_args(t)
        return len(args) == 2 and args[1] is Ellipsis
    return origin is frozenset


def _collection_hook(
    converter: cattrs.Converter,
) -> Callable[[Any], Callable[[Any, type], Any]]:
    def factory(t: Any) -> Callable[[Any, type], Any]:
        element_type = get_args(t)[0]
        container: Callable[[Iterable[Any]], Any] = get_origin(t)
        element_hook = converter.get_structure_hook(element_type)

        def structure(value: Any, _: type) -> Any:
            if not isinstance(value, list | tuple):
                raise InvalidValueError(f"must be a list (got {describe_value(value)})")
            items = []
            errors: list[Exception] = []
            for index, item in enumerate(value):
                try:
                    items.append(element_hook(item, element_type))
                except Exception as exc:
                    exc.__notes__ = [
                        *getattr(exc, "__notes__", []),
                        IterableValidationNote(f"@ index {index}", index, element_type),
                    ]
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {t!r}", errors, t)
            return container(items)

        return structure

    return factory


def _record_hook(
    converter: cattrs.Converter,
) -> Callable[[Any], Callable[[Any, type], Any]]:
    def factory(t: Any) -> Callable[[Any, type], Any]:
        generated = make_dict_structure_fn(t, converter)

        def structure(value: Any, _: type) -> Any:
            if not isinstance(value, dict):
                raise InvalidValueError(f"must be an object (got {describe_value(value)})")
            return generated(value, t)

        return structure

    return factory


def _is_frozenset(t: Any) -> bool:
    return t is frozenset or get_origin(t) is frozenset


def _unstructure_frozenset(value: frozenset[Any]) -> list[Any]:
    return sorted(v.value if isinstance(v, enum.Enum) else v for v in value)


def make_converter() -> cattrs.Converter:
    """A new converter configured for careprotect's model and JSON format.

    Structuring is strict and reports every problem of a record at once (cattrs' detailed
    validation); turn its exception into paths and messages with :func:`structure_problems`.
    Unstructuring gives JSON-ready data (dates as ISO strings, divisions and citizen IDs as
    their full codes, sets as sorted lists) except that amounts stay :class:`~decimal.Decimal`
    so that no value passes through binary floating point; omit fields equal to their default.
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True, detailed_validation=True, omit_if_default=True
    )
    # cattrs tries singledispatch hooks (by class, most specific in the MRO first) before
    # predicate hooks, and among predicate hooks the one registered last first.
    converter.register_structure_hook_factory(attrs.has, _record_hook(converter))
    converter.register_structure_hook_factory(
        _is_homogeneous_collection, _collection_hook(converter)
    )
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    # StrEnum and IntEnum come before str and int in their members' MRO, so enums reach the
    # enum hook rather than the plain str or int one.
    for enum_base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        converter.register_structure_hook(enum_base, _structure_enum)
    # Predicate hooks matched by identity, registered last: Division is an attrs class and
    # must not reach the record hook.
    exact: dict[type, Callable[[Any, type], Any]] = {
        Decimal: _structure_decimal,
        dt.date: _structure_date,
        Division: _structure_division,
        CitizenId: _structure_citizen_id,
    }
    for exact_type, hook in exact.items():
        converter.register_structure_hook_func(_is_exactly(exact_type), hook)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_unstructure_hook(Decimal, lambda d: d)
    converter.register_unstructure_hook(Division, str)
    converter.register_unstructure_hook(CitizenId, CitizenId.reveal)
    converter.register_unstructure_hook_func(_is_frozenset, _unstructure_frozenset)
    return converter


def structure_problems(exc: BaseException, path: str = "$") -> list[FieldProblem]:
    """Every problem inside a structuring exception, each with its JSON path."""
    problems: list[FieldProblem] = []
    _walk(exc, path, problems)
    return problems


def _walk(exc: BaseException, path: str, out: list[FieldProblem]) -> None:
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            _walk(sub, f"{path}[{note.index}]", out)
        for sub in without:
            _walk(sub, path, out)
    elif isinstance(exc, ClassValidationError):
        attribute_notes, unattributed = exc.group_exceptions()
        for sub, attribute_note in attribute_notes:
            _walk(sub, f"{path}.{attribute_note.name}", out)
        for sub in unattributed:
            _walk(sub, path, out)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for name in sorted(exc.extra_fields):
            # An unknown key is shown in the path only when it is short ASCII text; anything
            # else (a name used as a key, an ID number) is described instead.
            key = (
                name
                if name.isascii() and len(name) <= 32 and not looks_like_id_number(name)
                else "*"
            )
            message = f"is not a field of {exc.cl.__name__}"
            if key == "*":
                message += f" (an unknown key: {describe_value(name)})"
            out.append(FieldProblem(f"{path}.{key}", message))
    elif isinstance(exc, InvalidValueError):
        where = f"{path}.{exc.field}" if exc.field else path
        out.append(FieldProblem(where, exc.problem))
    elif isinstance(exc, KeyError):
        out.append(FieldProblem(path, "is required"))
    else:
        out.append(FieldProblem(path, f"is not valid ({type(exc).__name__})"))
