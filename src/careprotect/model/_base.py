"""Shared pieces of the model classes: dated facts and field validators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from careprotect.errors import InvalidValueError
from careprotect.masking import scrub

__all__ = [
    "Dated",
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
