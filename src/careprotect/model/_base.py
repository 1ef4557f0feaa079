"""Shared pieces of the model classes: dated facts and field validators."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable
from typing import Any, Final

import attrs

from careprotect.errors import InvalidValueError
from careprotect.masking import scrub

__all__ = [
    "Dated",
    "Deferred",
    "defer_field",
    "end_after_signing",
    "end_after_start",
    "non_empty",
    "non_empty_if_given",
    "non_negative",
    "redacted",
    "scrub_repr",
]


class Dated:
    """A fact that holds from ``start`` (inclusive) until ``end`` (exclusive, or open).

    ``end`` is the first day on which the fact no longer holds, so a parent who returns home on
    2020-06-01 has ``end=2020-06-01`` and is away on 2020-05-31 but not on 2020-06-01. This is
    the day a child leaves a category (POLICY.md §2: "a child leaves a category on the day a
    condition stops holding").
    """

    __slots__ = ()
    start: dt.date
    end: dt.date | None

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the fact holds on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        """Whether the fact holds on any day of the half-open range ``[start, end)``."""
        return (end is None or self.start < end) and (self.end is None or start < self.end)


def end_after_start(instance: Any, attribute: attrs.Attribute[Any], value: dt.date | None) -> None:
    """Validator for an ``end`` date: it must come after ``start``."""
    if value is not None and value <= instance.start:
        raise InvalidValueError(
            f"must be after 'start' {instance.start.isoformat()} (got {value.isoformat()})",
            field=attribute.name,
        )


def end_after_signing(
    instance: Any, attribute: attrs.Attribute[Any], value: dt.date | None
) -> None:
    """Validator for an agreement's ``end``: it must come after ``signed_on``."""
    if value is not None and value <= instance.signed_on:
        raise InvalidValueError(
            f"must be after 'signed_on' {instance.signed_on.isoformat()} (got {value.isoformat()})",
            field=attribute.name,
        )


def non_empty(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Validator for identifiers and names: not empty, not only blanks."""
    if not value.strip():
        raise InvalidValueError("must not be empty", field=attribute.name)


def non_empty_if_given(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """Validator for optional identifiers: absent, or not empty and not only blanks."""
    if value is not None:
        non_empty(instance, attribute, value)


def redacted(value: str | None) -> str:
    """``repr`` of free text that may hold personal data: its length only."""
    return "None" if value is None else f"<{len(value)} characters>"


def scrub_repr(cls: type) -> None:
    """Make ``repr`` (and so ``str``) of ``cls`` pass through
    :func:`~careprotect.masking.scrub`: an ID number in any field (an id, a reference to a
    worker) shows masked. Names are masked by their fields' own ``repr``."""
    plain: Callable[[Any], str] = cls.__repr__  # type: ignore[assignment]  # unbound

    def scrubbed(self: Any) -> str:
        return scrub(plain(self))

    cls.__repr__ = scrubbed  # type: ignore[assignment, method-assign]


def non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator for areas, counts and amounts: zero or more, when given."""
    if value is not None and value < 0:
        raise InvalidValueError(f"must not be negative (got {value})", field=attribute.name)


@attrs.frozen
class Deferred:
    """A field's value that has been checked but not built yet: ``build(source)`` builds it.
    Only the reader's fast path makes these, for a field installed with :func:`defer_field`.
    """

    build: Callable[[Any], Any]
    source: Any = attrs.field(repr=False)


class _DeferredSlot:
    """A slot that may hold a :class:`Deferred` value, built and kept the first time the
    field is read. Every reader of the field (attrs' ``__eq__``, ``__hash__``, ``__repr__``,
    ``__getstate__``, ``evolve``, cattrs) reads it by name, so none sees the Deferred."""

    __slots__ = ("_slot",)

    def __init__(self, slot: Any) -> None:
        self._slot: Final = slot

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self._slot.__get__(instance, owner)
        if value.__class__ is Deferred:
            value = value.build(value.source)
            self._slot.__set__(instance, value)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        self._slot.__set__(instance, value)


def defer_field(cls: type, name: str) -> None:
    """Let the slotted attrs class ``cls`` hold a :class:`Deferred` value in field ``name``."""
    slot = cls.__dict__[name]
    if not isinstance(slot, types.MemberDescriptorType):
        raise TypeError(f"{cls.__name__}.{name} is not a slot")
    setattr(cls, name, _DeferredSlot(slot))
