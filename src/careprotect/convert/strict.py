"""The JSON converter: plain data (``dict``/``list``/``str``/numbers) to model objects and back.

:func:`make_converter` returns a new configured :class:`cattrs.Converter` each call; there is
no module-level converter. Structuring is strict: a string is not a number, a number is not a
string, ``"yes"`` is not a boolean, a date is ``YYYY-MM-DD`` and real, an unknown field is an
error. Every failure can be turned into :class:`FieldProblem` records, each with a JSON path
relative to the record (``$.guardianships[1].relation``) and a message, by
:func:`structure_problems`.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from careprotect import model
from careprotect.citizen_id import CitizenId
from careprotect.convert.hooks import (
    SCALARS,
    VALUE_HOOKS,
    describe_value,
    structure_enum,
)
from careprotect.divisions import Division
from careprotect.errors import InvalidValueError
from careprotect.masking import mask_name, scrub

__all__ = [
    "FieldProblem",
    "describe_key",
    "field_names",
    "make_converter",
    "path_key",
    "structure_problems",
]


@attrs.frozen
class FieldProblem:
    """One thing wrong in an input record: where (a JSON path) and what.

    Both texts are passed through :func:`~careprotect.masking.scrub` when the problem is made,
    so a run of digits that could be an ID number is masked whatever built the message.
    """

    path: str = attrs.field(converter=scrub)
    message: str = attrs.field(converter=scrub)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


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
            try:
                return generated(value, t)
            except ClassValidationError as exc:
                _mask_extra_keys(exc)
                raise

        return structure

    return factory


def _mask_extra_keys(exc: ClassValidationError) -> None:
    """Mask the unknown keys in the text and ``repr`` of each of ``exc``'s
    ForbiddenExtraKeysError (cattrs lists them): a key that is not a field name may be a name
    or an ID number. Their ``extra_fields`` keep the keys, for :func:`structure_problems`."""
    for sub in exc.exceptions:
        if isinstance(sub, ForbiddenExtraKeysError):
            keys = {k if path_key(k) != "*" else describe_key(k) for k in sub.extra_fields}
            sub.message = f"Extra fields in constructor for {sub.cl.__name__}: "
            sub.message += ", ".join(sorted(keys))
            sub.args = (sub.message, sub.cl, keys)


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
    for scalar_type, scalar in SCALARS.items():
        converter.register_structure_hook(scalar_type, scalar.hook)
    # StrEnum and IntEnum come before str and int in their members' MRO, so enums reach the
    # enum hook rather than the plain str or int one.
    for enum_base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        converter.register_structure_hook(enum_base, structure_enum)
    # Predicate hooks matched by identity, registered last: Division is an attrs class and
    # must not reach the record hook.
    for exact_type, hook in VALUE_HOOKS.items():
        converter.register_structure_hook_func(_is_exactly(exact_type), hook)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_unstructure_hook(Decimal, lambda d: d)
    converter.register_unstructure_hook(Division, str)
    converter.register_unstructure_hook(CitizenId, CitizenId.reveal)
    converter.register_unstructure_hook_func(_is_frozenset, _unstructure_frozenset)
    return converter


@functools.cache
def field_names() -> frozenset[str]:
    """Every field name of the model's classes, and ``record`` (the kind of a JSON Lines
    record): the keys a registry may use."""
    classes = (getattr(model, name) for name in model.__all__)
    return frozenset(
        {"record", *(a.name for cls in classes if attrs.has(cls) for a in attrs.fields(cls))}
    )


def path_key(key: str) -> str:
    """``key`` as a step of a JSON path in a message: itself when it is a field name of the
    model (:func:`field_names`), else ``*``. Any other key may be a name or an ID number."""
    return key if key in field_names() else "*"


def describe_key(key: str) -> str:
    """A key that is not a field name, as a message shows it: masked, as a name is
    (:func:`~careprotect.masking.mask_name`), or as an ID number is when it holds one; a key
    that is not short ASCII text is described by its length."""
    scrubbed = scrub(key)
    if scrubbed != key:
        return repr(scrubbed)
    if key.isascii() and len(key) <= 32:
        return repr(mask_name(key))
    return f"a string of {len(key)} characters"


def structure_problems(exc: BaseException, path: str = "$") -> list[FieldProblem]:
    """Every problem inside a structuring exception, each with its JSON path."""
    problems: list[FieldProblem] = []
    _walk(exc, path, problems)
    return problems


def _step(note: IterableValidationNote | AttributeValidationNote) -> str:
    """The step a note adds to a JSON path: an item's index, or an attribute's name."""
    return f"[{note.index}]" if isinstance(note, IterableValidationNote) else f".{note.name}"


def _walk(exc: BaseException, path: str, out: list[FieldProblem]) -> None:
    if isinstance(exc, IterableValidationError | ClassValidationError):
        noted, others = exc.group_exceptions()
        for sub, note in noted:
            _walk(sub, path + _step(note), out)
        for sub in others:
            _walk(sub, path, out)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for name in sorted(exc.extra_fields):
            key = path_key(name)
            message = f"is not a field of {exc.cl.__name__}"
            if key == "*":
                message += f" (an unknown key: {describe_key(name)})"
            out.append(FieldProblem(f"{path}.{key}", message))
    elif isinstance(exc, InvalidValueError):
        where = f"{path}.{exc.field}" if exc.field else path
        out.append(FieldProblem(where, exc.problem))
    elif isinstance(exc, KeyError):
        out.append(FieldProblem(path, "is required"))
    else:
        out.append(FieldProblem(path, f"is not valid ({type(exc).__name__})"))
